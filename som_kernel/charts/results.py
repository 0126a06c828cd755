"""The result charts of the app and its exports (Altair specs built from a Result's views; no formulas).

Every chart uses the Danish number locale (1.234.567, decimal comma) so axes and tooltips read Danish,
both in the browser (som_kernel.ui.charts.show) and in PNG/SVG exports (charts.to_png / to_svg).

Charts read named datasets (prefixed by chart id). Altair builds (and validates) each template once;
a new result only swaps the datasets in a copy of the template's dict, which keeps a redraw fast. The
app shows all four in one widget (`combined_spec`), so the browser loads the offline Vega bundle once.
"""

from __future__ import annotations

import copy
from functools import cache

import altair as alt
import pandas as pd

from ..format import ACTOR_NAMES_DA, DANISH_LOCALE
from ..kb import ACTORS, WELFARE_AREA_NAMES_DA
from ..views import TOTAL, Result

ACTOR_COLORS = {
    ACTOR_NAMES_DA[a]: color for a, color in zip((*ACTORS, TOTAL), ("#1f5f8b", "#d9822b", "#4d9a6a", "#222222"))
}
WIDTH = 720
HEIGHT = 260

# chart id → Danish title, used by the app and the export menu
CHART_TITLES_DA = {
    "net_by_year": "Nettoresultat pr. år pr. aktør",
    "cumulative": "Akkumuleret nettoresultat",
    "welfare_area": "Nettoresultat pr. velfærdsområde",
    "per_participant": "Gennemsnitligt deltagerforløb",
}


def _actor_scale(names: list[str]) -> alt.Scale:
    return alt.Scale(domain=names, range=[ACTOR_COLORS[n] for n in names])


def _records(frame: pd.DataFrame, index: str, columns: list[str], names: dict[str, str]) -> list[dict]:
    """The long form of `frame` (one record per row and column, column by column: the rows of a melt), columns
    by their Danish names; plain Python lists instead of pandas' melt, which costs more than these few rows."""
    keys = [int(k) for k in frame.index.tolist()]
    return [
        {index: k, "serie": names.get(c, c), "kr": float(v)} for c in columns for k, v in zip(keys, frame[c].tolist())
    ]


def _tip(field: str, title: str, fmt: str | None = None) -> alt.Tooltip:
    return alt.Tooltip(field, title=title, format=fmt) if fmt else alt.Tooltip(field, title=title)


# ---- data per chart: dataset name → records ---------------------------------------------------------


def chart_data(chart_id: str, result: Result, discounted: bool = False) -> dict[str, list[dict]]:
    """The named datasets ('<chart id>_<name>') that chart `chart_id` draws for `result`."""
    return {f"{chart_id}_{k}": v for k, v in _chart_data(chart_id, result, discounted).items()}


def _chart_data(chart_id: str, result: Result, discounted: bool) -> dict[str, list[dict]]:
    if chart_id == "net_by_year":
        return {"rows": _records(result.by_year_actor(discounted), "year", list(ACTORS), ACTOR_NAMES_DA)}
    if chart_id == "cumulative":
        be = result.break_even_year(TOTAL, discounted)
        return {
            "rows": _records(result.cumulative(discounted), "year", [*ACTORS, TOTAL], ACTOR_NAMES_DA),
            "marker": [] if be is None else [{"year": int(be), "label": f"Break-even {be}"}],
        }
    if chart_id == "welfare_area":
        frame = result.by_welfare_area(discounted)
        frame = frame.loc[:, (frame != 0).any()]
        return {"rows": _records(frame, "year", list(frame.columns), WELFARE_AREA_NAMES_DA)}
    if chart_id == "per_participant":
        frame = result.per_participant(discounted)
        cum = result.per_participant(discounted, cumulative=True)[TOTAL].rename("kr").reset_index()
        return {
            "rows": _records(frame, "year_since_start", list(ACTORS), ACTOR_NAMES_DA),
            "cum": [{"year_since_start": int(k), "kr": float(v)} for k, v in zip(cum["year_since_start"], cum["kr"])],
        }
    raise KeyError(chart_id)


# ---- templates (built once) ---------------------------------------------------------------------------


def _net_by_year() -> alt.TopLevelMixin:
    names = [ACTOR_NAMES_DA[a] for a in ACTORS]
    return (
        alt.Chart(alt.NamedData("net_by_year_rows"))
        .mark_bar()
        .encode(
            x=alt.X("year:O", title="År"),
            xOffset=alt.XOffset("serie:N", sort=names),
            y=alt.Y("kr:Q", title="Kroner", axis=alt.Axis(format=",.0f")),
            color=alt.Color("serie:N", scale=_actor_scale(names), sort=names),
            tooltip=[_tip("year:O", "År"), _tip("serie:N", "Aktør"), _tip("kr:Q", "Kroner", ",.0f")],
        )
    )


def _cumulative() -> alt.TopLevelMixin:
    names = [ACTOR_NAMES_DA[a] for a in (*ACTORS, TOTAL)]
    lines = (
        alt.Chart(alt.NamedData("cumulative_rows"))
        .mark_line(point=True)
        .encode(
            x=alt.X("year:O", title="År"),
            y=alt.Y("kr:Q", title="Kroner, akkumuleret", axis=alt.Axis(format=",.0f")),
            color=alt.Color("serie:N", scale=_actor_scale(names), sort=names),
            strokeWidth=alt.condition(alt.datum.serie == ACTOR_NAMES_DA[TOTAL], alt.value(3.5), alt.value(1.8)),
            tooltip=[_tip("year:O", "År"), _tip("serie:N", "Aktør"), _tip("kr:Q", "Akkumuleret, kr.", ",.0f")],
        )
    )
    zero = alt.Chart(alt.NamedData("cumulative_rows")).mark_rule(color="#888").encode(y=alt.datum(0))
    marker = alt.Chart(alt.NamedData("cumulative_marker")).encode(x=alt.X("year:O"))
    return alt.layer(
        zero,
        lines,
        marker.mark_rule(color="#b22222", strokeDash=[6, 4], size=2),
        marker.mark_text(color="#b22222", align="left", dx=4, fontWeight="bold").encode(text="label:N", y=alt.value(8)),
    )


def _welfare_area() -> alt.TopLevelMixin:
    return (
        alt.Chart(alt.NamedData("welfare_area_rows"))
        .mark_bar()
        .encode(
            x=alt.X("year:O", title="År"),
            y=alt.Y("kr:Q", title="Kroner", axis=alt.Axis(format=",.0f")),
            color=alt.Color("serie:N", title="Velfærdsområde"),
            tooltip=[_tip("year:O", "År"), _tip("serie:N", "Område"), _tip("kr:Q", "Kroner", ",.0f")],
        )
    )


def _per_participant() -> alt.TopLevelMixin:
    names = [ACTOR_NAMES_DA[a] for a in ACTORS]
    bars = (
        alt.Chart(alt.NamedData("per_participant_rows"))
        .mark_bar()
        .encode(
            x=alt.X("year_since_start:O", title="År efter start i indsatsen"),
            y=alt.Y("kr:Q", title="Kroner pr. deltager", axis=alt.Axis(format=",.0f")),
            color=alt.Color("serie:N", scale=_actor_scale(names), sort=names),
            tooltip=[
                _tip("year_since_start:O", "År efter start"),
                _tip("serie:N", "Aktør"),
                _tip("kr:Q", "Kr. pr. deltager", ",.0f"),
            ],
        )
    )
    line = (
        alt.Chart(alt.NamedData("per_participant_cum"))
        .mark_line(color="#222", point=alt.OverlayMarkDef(color="#222"), strokeDash=[4, 2])
        .encode(
            x="year_since_start:O",
            y="kr:Q",
            tooltip=[_tip("year_since_start:O", "År efter start"), _tip("kr:Q", "Akkumuleret i alt, kr.", ",.0f")],
        )
    )
    return alt.layer(bars, line)


TEMPLATES = {
    "net_by_year": _net_by_year,
    "cumulative": _cumulative,
    "welfare_area": _welfare_area,
    "per_participant": _per_participant,
}
SUBTITLES = {"per_participant": " (stiplet: akkumuleret i alt)"}


def _title(chart_id: str, discounted: bool) -> str:
    return CHART_TITLES_DA[chart_id] + SUBTITLES.get(chart_id, "") + (" – tilbagediskonteret" if discounted else "")


def _part(chart_id: str) -> alt.TopLevelMixin:
    return TEMPLATES[chart_id]().properties(title=_title(chart_id, False), width=WIDTH, height=HEIGHT)


def _configure(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return (
        chart.configure(locale=DANISH_LOCALE)
        .configure_legend(orient="bottom", title=None)
        .configure_axisX(labelAngle=0)
        .configure_title(fontSize=15)
    )


@cache
def template(chart_id: str) -> alt.TopLevelMixin:
    """One chart without data (named datasets), Danish locale and layout applied."""
    return _configure(_part(chart_id))


@cache
def combined_template() -> alt.TopLevelMixin:
    """All four charts stacked in one spec (one widget in the app)."""
    stacked = alt.vconcat(*[_part(c) for c in CHART_TITLES_DA], spacing=40)
    return _configure(stacked.resolve_scale(color="independent").resolve_legend(color="independent"))


@cache
def _combined_dict() -> dict:
    return combined_template().to_dict()


def combined_spec(result: Result, discounted: bool = False) -> dict:
    """The Vega-Lite spec (dict) of all four charts for `result`: the cached template plus this result's data."""
    out = copy.deepcopy(_combined_dict())
    out["datasets"] = {}
    for part, chart_id in zip(out["vconcat"], CHART_TITLES_DA):
        out["datasets"].update(chart_data(chart_id, result, discounted))
        part["title"] = _title(chart_id, discounted)
    return out


def build(chart_id: str, result: Result, discounted: bool = False) -> alt.TopLevelMixin:
    """The chart `chart_id` (a key of CHART_TITLES_DA) for `result`, as an Altair chart (for exports)."""
    return template(chart_id).properties(
        datasets=chart_data(chart_id, result, discounted), title=_title(chart_id, discounted)
    )
