"""Charts of a batch run's key figures (Danish labels and number format). Show them in notebooks through
som_kernel.charts.show(chart) so they render offline; export with som_kernel.charts.to_png."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..format import DANISH_LOCALE
from ..names import ACTOR_NAMES_DA, ACTORS, TOTAL

ACTORS4 = (*ACTORS, TOTAL)


def net_heatmap(
    key: pd.DataFrame, x: str, y: str, actor: str = "total", x_title: str | None = None, y_title: str | None = None
) -> alt.TopLevelMixin:
    """Net result at the horizon (mio. kr.) for each combination of the parameter columns `x` and `y` (the
    mean where other parameters vary too), red below zero, blue above."""
    ok = key[key["error"].isna()]
    grid = ok.groupby([x, y], as_index=False)[f"net_{actor}"].mean()
    grid["mio"] = grid[f"net_{actor}"] / 1e6
    lim = max(float(grid["mio"].abs().max()), 1e-9)
    return (
        alt.Chart(grid)
        .mark_rect()
        .encode(
            x=alt.X(f"{x}:O", title=x_title or x, axis=alt.Axis(format=",.3~f", labelAngle=0)),
            y=alt.Y(f"{y}:O", title=y_title or y, sort="descending", axis=alt.Axis(format=",.0f")),
            color=alt.Color(
                "mio:Q",
                title="mio. kr.",
                scale=alt.Scale(scheme="redblue", domain=[-lim, lim]),
                legend=alt.Legend(format=",.1f"),
            ),
            tooltip=[
                alt.Tooltip(f"{x}:Q", title=x_title or x, format=",.3~f"),
                alt.Tooltip(f"{y}:Q", title=y_title or y, format=",.0f"),
                alt.Tooltip("mio:Q", title="Nettoresultat (mio. kr.)", format=",.2f"),
            ],
        )
        .properties(
            width=360,
            height=240,
            title=f"Nettoresultat over horisonten, {ACTOR_NAMES_DA[actor].lower()}",
        )
        .configure(locale=DANISH_LOCALE)
    )


def payback_by_group(key: pd.DataFrame, group: str = "name", years: int = 10) -> alt.TopLevelMixin:
    """Probability of paying back within `years` years per actor (columns) for each value of `group` (rows),
    from a run with draws (columns p_payback_*)."""
    ok = key[key["error"].isna()]
    long = ok.melt(id_vars=[group], value_vars=[f"p_payback_{a}" for a in ACTORS4], var_name="a", value_name="p")
    long["Aktør"] = long["a"].str.removeprefix("p_payback_").map(ACTOR_NAMES_DA)
    return (
        alt.Chart(long)
        .mark_rect()
        .encode(
            x=alt.X("Aktør:N", sort=[ACTOR_NAMES_DA[a] for a in ACTORS4], title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y(f"{group}:N", title=None),
            color=alt.Color("p:Q", title="Sandsynlighed", scale=alt.Scale(domain=[0, 1], scheme="blues")),
            tooltip=[
                alt.Tooltip(f"{group}:N", title="Scenarie"),
                alt.Tooltip("Aktør:N"),
                alt.Tooltip("p:Q", title="Sandsynlighed", format=".0%"),
            ],
        )
        .properties(width=260, title=f"Sandsynlighed for tilbagebetaling inden for {years} år")
        .configure(locale=DANISH_LOCALE)
    )


def throughput_chart(table: pd.DataFrame) -> alt.TopLevelMixin:
    """Bars of scenarios per second (column 'per_second') per run ('run') and workers ('workers')."""
    base = alt.Chart(table).encode(
        y=alt.Y("run:N", title=None),
        yOffset=alt.YOffset("workers:N"),
        x=alt.X("per_second:Q", title="Scenarier pr. sekund", axis=alt.Axis(format=",.0f")),
    )
    bars = base.mark_bar().encode(color=alt.Color("workers:N", title="Lokale processer"))
    labels = base.mark_text(align="left", dx=4).encode(text=alt.Text("per_second:Q", format=",.1f"))
    return (
        alt.layer(bars, labels)
        .properties(width=380, title="Mange beregninger: gennemløb")
        .configure(locale=DANISH_LOCALE)
    )
