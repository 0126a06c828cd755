"""Altair charts of the uncertainty results (Danish labels, Danish number format, amounts in mio. kr.).

Show them in notebooks through som_kernel.ui.charts.show(chart) so they render offline.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..format import ACTOR_NAMES_DA, DANISH_LOCALE
from ..views import TOTAL
from .model import COLUMNS

PCT_LABEL = "format(datum.value * 100, ',.0f') + ' %'"  # Danish: a space before the per cent sign


def _da(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return chart.configure(locale=DANISH_LOCALE)


def tornado_chart(table: pd.DataFrame, actor: str = TOTAL, top: int = 15) -> alt.TopLevelMixin:
    """Tornado of a one_way() table for one actor: per input a bar from the base net result to the net
    result at the input's low value and one to its high value (colour), largest swing on top."""
    t = table[table["actor"] == actor].sort_values("swing", ascending=False, kind="stable").head(top)
    rows = []
    for _, r in t.iterrows():
        for end, net in (("Lav værdi", r["net_low"]), ("Høj værdi", r["net_high"])):
            rows.append({"Input": r["label"], "Inputværdi": end, "net": net / 1e6, "base": r["net_base"] / 1e6})
    data = pd.DataFrame(rows, columns=["Input", "Inputværdi", "net", "base"])
    order = list(t["label"])
    bars = (
        alt.Chart(data)
        .mark_bar(opacity=0.85)
        .encode(
            y=alt.Y("Input:N", sort=order, title=None, axis=alt.Axis(labelLimit=360)),
            x=alt.X(
                "net:Q",
                title=f"Nettoresultat ved horisonten, {ACTOR_NAMES_DA[actor].lower()} (mio. kr.)",
                axis=alt.Axis(format=",.1f"),
                scale=alt.Scale(zero=False),
            ),
            x2="base:Q",
            color=alt.Color(
                "Inputværdi:N", scale=alt.Scale(domain=["Lav værdi", "Høj værdi"], range=["#d95f02", "#1b9e77"])
            ),
            tooltip=["Input:N", "Inputværdi:N", alt.Tooltip("net:Q", title="Nettoresultat (mio. kr.)", format=",.2f")],
        )
    )
    base = alt.Chart(data).mark_rule(color="black").encode(x="mean(base):Q")
    return _da(
        alt.layer(bars, base).properties(width=420, height=max(80, 22 * len(order)), title="Følsomhed (tornado)")
    )


def fan_chart(mc, actors: tuple[str, ...] = COLUMNS, cumulative: bool = True) -> alt.TopLevelMixin:
    """Fan chart per actor of a MonteCarloResult: median with 50 % and 90 % bands of the (cumulative) net
    result per year, in mio. kr."""
    q = mc.quantiles((0.05, 0.25, 0.5, 0.75, 0.95), cumulative=cumulative)
    q = q[q["actor"].isin(actors)]
    wide = q.pivot_table(index=["year", "actor"], columns="quantile", values="value").reset_index()
    wide.columns = ["year", "actor", "q05", "q25", "q50", "q75", "q95"]
    for c in ("q05", "q25", "q50", "q75", "q95"):
        wide[c] = wide[c] / 1e6
    wide["Aktør"] = wide["actor"].map(ACTOR_NAMES_DA)
    title = "Akkumuleret nettoresultat (mio. kr.)" if cumulative else "Nettoresultat pr. år (mio. kr.)"
    x = alt.X("year:O", title="År")
    base = alt.Chart()
    layers = alt.layer(
        base.mark_area(opacity=0.2, color="#1f77b4").encode(
            x=x, y=alt.Y("q05:Q", title=title, axis=alt.Axis(format=",.1f")), y2="q95:Q"
        ),
        base.mark_area(opacity=0.4, color="#1f77b4").encode(x=x, y="q25:Q", y2="q75:Q"),
        base.mark_line(color="#08306b").encode(
            x=x,
            y="q50:Q",
            tooltip=[
                alt.Tooltip("year:O", title="År"),
                alt.Tooltip("q05:Q", title="5 %", format=",.2f"),
                alt.Tooltip("q50:Q", title="Median", format=",.2f"),
                alt.Tooltip("q95:Q", title="95 %", format=",.2f"),
            ],
        ),
        base.mark_rule(color="grey", strokeDash=[4, 4]).encode(y=alt.datum(0)),
        data=wide,
    ).properties(width=260, height=180)
    sort = [ACTOR_NAMES_DA[a] for a in actors]
    chart = (
        layers.facet(facet=alt.Facet("Aktør:N", sort=sort, title=None), columns=2)
        .resolve_scale(y="independent")  # each actor's own scale: a small actor's fan stays readable
        .properties(
            title=f"Monte Carlo: median, 50 % og 90 % interval ({f'{mc.n_draws:,}'.replace(',', '.')} trækninger)"
        )
    )
    return _da(chart)


def break_even_chart(table: pd.DataFrame) -> alt.TopLevelMixin:
    """Break-even year per actor against the success rate (a break_even_by_success() table)."""
    x = table.columns[0]
    long = table.melt(id_vars=[x], var_name="actor", value_name="year").dropna(subset=["year"])
    long["year"] = long["year"].astype(float)
    long["Aktør"] = long["actor"].map(ACTOR_NAMES_DA)
    if x == "success_rate":
        xenc = alt.X(f"{x}:Q", title="Succesrate", axis=alt.Axis(labelExpr=PCT_LABEL))
    else:
        xenc = alt.X(f"{x}:Q", title="Succesrater som andel af basis", axis=alt.Axis(labelExpr=PCT_LABEL))
    chart = (
        alt.Chart(long)
        .mark_line(interpolate="step-after", point=True)
        .encode(
            x=xenc,
            y=alt.Y("year:Q", title="Break-even-år", scale=alt.Scale(zero=False), axis=alt.Axis(format="d")),
            color=alt.Color("Aktør:N", sort=[ACTOR_NAMES_DA[a] for a in COLUMNS]),
            tooltip=["Aktør:N", alt.Tooltip(f"{x}:Q", format=".0%"), alt.Tooltip("year:Q", format="d")],
        )
        .properties(width=420, height=220, title="Tidligste break-even-år efter succesrate")
    )
    return _da(chart)
