"""Compare alternatives (Sammenlign): two or more calculations side by side, with differences against the first.

    from som_kernel import compare
    cmp = compare([result_a, result_b], names=["A: IPS", "B: Mentor"])
    cmp.net()           # net result over the period per alternative (rows) × actor (columns), kroner
    cmp.differences()   # the same minus the first alternative (the base)
    cmp.break_even()    # break-even year per alternative × actor (None: not within the period)

`cmp.table` is the one tidy table: every result's tidy table with an `alternative` column in front; every
view is a group-by of it per alternative. The alternatives may use different knowledge bases or settings;
`notes()` says in Danish where that makes the figures less comparable (price level, period, discount rate).

Pinned alternatives travel in the scenario file: `document_to_json(scenario, alternatives)` writes the usual
scenario document with an optional `alternatives` list ({"name": ..., "scenario": {...}} each);
`document_from_json(text)` reads it back. A file without the list (every older file) has no alternatives.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .errors import Problem, ScenarioError
from .format import DANISH_LOCALE
from .kb import ACTORS
from .names import ACTOR_NAMES_DA
from .scenario import Scenario, build_scenario, scenario_from_json, scenario_to_json
from .views import TOTAL, Result

if TYPE_CHECKING:
    from .uncertainty import MonteCarloResult

COLUMNS = [*ACTORS, TOTAL]
ALTERNATIVES_KEY = "alternatives"


def letter(i: int) -> str:
    """0 → 'A', 25 → 'Z', 26 → 'AA' (the default names of pinned alternatives)."""
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


def _default_names(results: Sequence[Result]) -> list[str]:
    names = [r.scenario.name for r in results]
    return names if len(set(names)) == len(names) else [f"{letter(i)}: {n}" for i, n in enumerate(names)]


@dataclass(frozen=True)
class Comparison:
    """Alternatives side by side. Rows of every view are the alternatives in the order given (the first is the
    base); columns are kommune, region, stat, total. Amounts in kroner, positive = gain to the public actor."""

    names: list[str]
    results: list[Result]
    monte_carlo: list[MonteCarloResult | None] = field(default_factory=list)

    @property
    def base(self) -> str:
        return self.names[0]

    @property
    def table(self) -> pd.DataFrame:
        """All results' tidy tables in one, with the alternative's name as the first column."""
        parts = [r.table.assign(alternative=n) for n, r in zip(self.names, self.results)]
        out = pd.concat(parts, ignore_index=True)
        return out[["alternative", *[c for c in out.columns if c != "alternative"]]]

    def _rows(self, values: list[pd.Series | dict]) -> pd.DataFrame:
        out = pd.DataFrame([pd.Series(v).reindex(COLUMNS) for v in values], index=self.names, columns=COLUMNS)
        out.index.name = "alternative"
        out.columns.name = "actor"
        return out

    def net(self, discounted: bool = False) -> pd.DataFrame:
        """Net result over each alternative's whole period per actor and in total."""
        return self._rows([r.totals(discounted) for r in self.results]).astype(float)

    def npv(self) -> pd.DataFrame:
        """Net present value (nutidsværdi): the discounted net result at each alternative's own rate."""
        return self.net(discounted=True)

    def per_participant(self, discounted: bool = False) -> pd.DataFrame:
        """Net result over the period divided by the alternative's number of participants."""
        n = pd.Series([r.scenario.total_participants for r in self.results], index=self.names)
        return self.net(discounted).div(n, axis=0)

    def costs(self, discounted: bool = False) -> pd.DataFrame:
        """The intervention's costs over the period (negative kroner, as in the result table)."""
        return self._rows([r.totals_by_kind(discounted).loc["cost"] for r in self.results]).astype(float)

    def consequences(self, discounted: bool = False) -> pd.DataFrame:
        """The consequences (gains) over the period."""
        return self._rows([r.totals_by_kind(discounted).loc["consequence"] for r in self.results]).astype(float)

    def break_even(self, discounted: bool = False) -> pd.DataFrame:
        """Break-even year per alternative and actor (object dtype; None = not within the period)."""
        rows = [[r.break_even_years(discounted)[a] for a in COLUMNS] for r in self.results]
        return pd.DataFrame(
            rows, index=pd.Index(self.names, name="alternative"), columns=pd.Index(COLUMNS, name="actor"), dtype=object
        )

    def cumulative(self, discounted: bool = False) -> pd.DataFrame:
        """Tidy: alternative, year, actor, cumulative net result (for the chart of all alternatives)."""
        parts = []
        for n, r in zip(self.names, self.results):
            c = r.cumulative(discounted).rename_axis(columns="actor").stack().rename("cumulative").reset_index()
            parts.append(c.assign(alternative=n))
        out = pd.concat(parts, ignore_index=True)
        return out[["alternative", "year", "actor", "cumulative"]]

    def prob_payback(self, n_years: int | None = None) -> pd.DataFrame:
        """Probability (0–1) from the attached Monte Carlo runs that each actor has broken even within `n_years`
        of the alternative's first year (default: its whole period); NaN for an alternative without a run."""
        rows = []
        for mc in self.monte_carlo:
            if mc is None:
                rows.append({})
                continue
            n = len(mc.years) if n_years is None else n_years
            rows.append(mc.prob_payback_within(n))
        return self._rows(rows).astype(float)

    def has_monte_carlo(self) -> bool:
        return any(mc is not None for mc in self.monte_carlo)

    def differences(self, view: str = "net", **kwargs) -> pd.DataFrame:
        """A view (net, npv, per_participant, costs, consequences, break_even, prob_payback) minus the base row.
        For break-even the difference is in years (None when either year is missing)."""
        frame = getattr(self, view)(**kwargs)
        if view == "break_even":
            base = frame.iloc[0]
            rows = [
                [None if v is None or b is None else int(v - b) for v, b in zip(row, base)]
                for _, row in frame.iterrows()
            ]
            return pd.DataFrame(rows, index=frame.index, columns=frame.columns, dtype=object)
        return frame - frame.iloc[0]

    def summary_table(self) -> pd.DataFrame:
        """The one long table for display and Excel: one row per alternative × figure × actor with the value and
        the difference from the base (kroner; years for break-even; share 0–1 for the payback probability)."""
        views = [
            ("net", "Nettoresultat i alt"),
            ("npv", "Nutidsværdi (tilbagediskonteret)"),
            ("per_participant", "Nettoresultat pr. deltager"),
            ("costs", "Omkostninger"),
            ("consequences", "Konsekvenser (gevinster)"),
            ("break_even", "Break-even-år"),
        ]
        if self.has_monte_carlo():
            views.append(("prob_payback", "Sandsynlighed for break-even inden for perioden"))
        parts = []
        for view, label in views:
            value = getattr(self, view)().rename_axis(index="alternative", columns="actor")
            diff = self.differences(view).rename_axis(index="alternative", columns="actor")
            long = value.stack(future_stack=True).rename("value").to_frame()
            long["difference"] = diff.stack(future_stack=True)
            parts.append(long.reset_index().assign(figure=view, label=label))
        out = pd.concat(parts, ignore_index=True)
        return out[["figure", "label", "alternative", "actor", "value", "difference"]]

    def notes(self) -> list[str]:
        """Danish notes on what makes the alternatives less comparable (empty when nothing does)."""
        notes = []
        s = [r.scenario.settings for r in self.results]
        if len({x.price_year for x in s}) > 1:
            levels = ", ".join(f"{n} {x.price_year}" for n, x in zip(self.names, s))
            notes.append(
                f"Alternativerne er regnet i forskellige prisniveauer ({levels}); beløbene er ikke direkte "
                "sammenlignelige."
            )
        periods = {(r.years[0], r.years[-1]) for r in self.results}
        if len(periods) > 1:
            text = ", ".join(f"{n} {r.years[0]}–{r.years[-1]}" for n, r in zip(self.names, self.results))
            notes.append(
                f"Alternativerne dækker forskellige perioder ({text}); et længere forløb eller en længere "
                "tidshorisont giver flere år med gevinster."
            )
        if len({x.discount_rate for x in s}) > 1:
            notes.append(
                "Alternativerne bruger forskellige diskonteringsrenter, så nutidsværdierne er ikke "
                "regnet på samme måde."
            )
        return notes


def compare(
    results: Sequence[Result],
    names: Sequence[str] | None = None,
    monte_carlo: Sequence[MonteCarloResult | None] | Mapping[str, MonteCarloResult] | None = None,
) -> Comparison:
    """Put Results side by side; the first is the base of every difference. `names` default to the scenarios'
    names (prefixed A:, B: … when two are equal). `monte_carlo` attaches runs of som_kernel.uncertainty
    .monte_carlo, as a list aligned with `results` (None for none) or a dict by name."""
    results = list(results)
    if not results:
        raise ScenarioError([Problem("results", "Der er ingen beregninger at sammenligne.")])
    if any(not isinstance(r, Result) for r in results):
        raise ScenarioError([Problem("results", "Kun færdige beregninger (resultater) kan sammenlignes.")])
    names = list(names) if names is not None else _default_names(results)
    if len(names) != len(results):
        raise ScenarioError([Problem("names", f"Der er {len(names)} navne til {len(results)} beregninger.")])
    if len(set(names)) != len(names):
        raise ScenarioError([Problem("names", "To alternativer har samme navn; giv dem forskellige navne.")])
    if monte_carlo is None:
        mcs: list = [None] * len(results)
    elif isinstance(monte_carlo, Mapping):
        unknown = set(monte_carlo) - set(names)
        if unknown:
            raise ScenarioError([Problem("monte_carlo", f"Ukendt alternativ: {', '.join(sorted(unknown))}.")])
        mcs = [monte_carlo.get(n) for n in names]
    else:
        mcs = list(monte_carlo)
        if len(mcs) != len(results):
            raise ScenarioError([Problem("monte_carlo", "Angiv én Monte Carlo-kørsel (eller None) pr. beregning.")])
    return Comparison(names=names, results=results, monte_carlo=mcs)


# ---- charts (Altair specs; render offline with vl-convert or som_kernel.ui.charts.show) -----------------------


def _configure(chart):
    return (
        chart.configure(locale=DANISH_LOCALE)
        .configure_legend(orient="bottom", title=None, labelLimit=0, columns=1)
        .configure_axisX(labelAngle=0)
        .configure_title(fontSize=15)
    )


def chart_differences(cmp: Comparison, discounted: bool = False):
    """Grouped bars: each alternative's net result over the period minus the base's, per actor and in total."""
    import altair as alt

    diff = cmp.differences("net", discounted=discounted).iloc[1:]
    rows = [
        {"alternativ": n, "aktør": ACTOR_NAMES_DA[a], "kr": float(diff.at[n, a])} for n in diff.index for a in COLUMNS
    ]
    names = [ACTOR_NAMES_DA[a] for a in COLUMNS]
    chart = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(
            x=alt.X("aktør:N", sort=names, title=None),
            xOffset=alt.XOffset("alternativ:N"),
            y=alt.Y("kr:Q", title="Forskel, kr.", axis=alt.Axis(format=",.0f")),
            color=alt.Color("alternativ:N"),
            tooltip=[
                alt.Tooltip("alternativ:N", title="Alternativ"),
                alt.Tooltip("aktør:N", title="Aktør"),
                alt.Tooltip("kr:Q", title="Forskel, kr.", format=",.0f"),
            ],
        )
        .properties(width=620, height=260, title=f"Forskel i nettoresultat i forhold til {cmp.base}")
    )
    zero = alt.Chart(alt.Data(values=[{"y": 0}])).mark_rule(color="#888").encode(y="y:Q")
    return _configure(alt.layer(chart, zero))


def chart_cumulative(cmp: Comparison, actor: str = TOTAL, discounted: bool = False):
    """Lines: the cumulative net result of every alternative for one actor (default: in total), by year."""
    import altair as alt

    c = cmp.cumulative(discounted)
    c = c[c["actor"] == actor]
    rows = [
        {"alternativ": a, "år": int(y), "kr": float(v)} for a, y, v in zip(c["alternative"], c["year"], c["cumulative"])
    ]
    who = "det offentlige i alt" if actor == TOTAL else ACTOR_NAMES_DA[actor].lower()
    chart = (
        alt.Chart(alt.Data(values=rows))
        .mark_line(point=True)
        .encode(
            x=alt.X("år:O", title="År"),
            y=alt.Y("kr:Q", title="Kroner, akkumuleret", axis=alt.Axis(format=",.0f")),
            color=alt.Color("alternativ:N", sort=cmp.names),
            tooltip=[
                alt.Tooltip("alternativ:N", title="Alternativ"),
                alt.Tooltip("år:O", title="År"),
                alt.Tooltip("kr:Q", title="Akkumuleret, kr.", format=",.0f"),
            ],
        )
        .properties(width=620, height=260, title=f"Akkumuleret nettoresultat for {who}")
    )
    zero = alt.Chart(alt.Data(values=[{"y": 0}])).mark_rule(color="#888").encode(y="y:Q")
    return _configure(alt.layer(zero, chart))


# ---- Excel -------------------------------------------------------------------------------------------------

SHEET_NAMES_DA = {
    "net": "Nettoresultat",
    "per_participant": "Pr. deltager",
    "npv": "Nutidsværdi",
    "break_even": "Break-even-år",
    "prob_payback": "Sandsynlighed for break-even",
}


def comparison_workbook(cmp: Comparison):
    """An openpyxl Workbook: one sheet per view (alternatives as rows, actors as columns, then the differences
    from the base) and the yearly cumulative result of every alternative. Amounts are numbers with a
    thousands format, so Danish Excel shows 1.234.567."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from .cells import text_row  # every text through safe_text: an alternative named '=SUM(1,2)' stays text

    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    views = ["net", "per_participant", "npv", "break_even"] + (["prob_payback"] if cmp.has_monte_carlo() else [])
    heads = [ACTOR_NAMES_DA[a] for a in COLUMNS]
    for view in views:
        ws = wb.create_sheet(SHEET_NAMES_DA[view])
        fmt = "0" if view == "break_even" else "0.0%" if view == "prob_payback" else "#,##0"
        for title, frame in (("", getattr(cmp, view)()), (f"Forskel fra {cmp.base}", cmp.differences(view))):
            if title:
                ws.append([])
                ws.append(text_row(ws, [title]))
                ws.cell(ws.max_row, 1).font = bold
            ws.append(text_row(ws, ["Alternativ", *heads]))
            for c in ws[ws.max_row]:
                c.font = bold
            for name, row in frame.iterrows():
                ws.append(text_row(ws, [name, *[None if v is None or v != v else float(v) for v in row]]))
                for c in ws[ws.max_row][1:]:
                    c.number_format = fmt
        ws.column_dimensions["A"].width = 28
        for col in "BCDE":
            ws.column_dimensions[col].width = 16
    ws = wb.create_sheet("Akkumuleret pr. år")
    cum = cmp.cumulative()
    ws.append(text_row(ws, ["Alternativ", "År", *heads]))
    for c in ws[1]:
        c.font = bold
    for (alt_name, year), g in cum.groupby(["alternative", "year"], sort=False):
        values = g.set_index("actor")["cumulative"].reindex(COLUMNS)
        ws.append(text_row(ws, [alt_name, int(year), *[float(v) for v in values]]))
        for c in ws[ws.max_row][2:]:
            c.number_format = "#,##0"
    ws.column_dimensions["A"].width = 28
    notes = cmp.notes()
    if notes:
        ws = wb.create_sheet("Bemærkninger")
        for n in notes:
            ws.append(text_row(ws, [n]))
    return wb


def comparison_workbook_bytes(cmp: Comparison) -> bytes:
    import io

    buf = io.BytesIO()
    comparison_workbook(cmp).save(buf)
    return buf.getvalue()


# ---- the scenario file with pinned alternatives --------------------------------------------------------------


def document_to_json(scenario: Scenario, alternatives: Sequence[tuple[str, Scenario]] = ()) -> str:
    """The scenario file (as scenario_to_json) plus, when there are any, the pinned alternatives."""
    doc = json.loads(scenario_to_json(scenario))
    if alternatives:
        doc[ALTERNATIVES_KEY] = [{"name": n, "scenario": s.model_dump(mode="json")} for n, s in alternatives]
    return json.dumps(doc, ensure_ascii=False, indent=2)


def document_from_json(text: str | bytes) -> tuple[Scenario, list[tuple[str, Scenario]]]:
    """The scenario and its pinned alternatives (name, scenario) from a scenario file's text. Older files have
    no alternatives; a broken alternative raises ScenarioError naming it (alternatives[i].field)."""
    scenario = scenario_from_json(text)  # checks the format and the main scenario
    doc = json.loads(text.decode("utf-8-sig") if isinstance(text, bytes) else text.removeprefix("\ufeff"))
    raw = doc.get(ALTERNATIVES_KEY) or []
    if not isinstance(raw, list):
        raise ScenarioError([Problem(ALTERNATIVES_KEY, "Feltet skal være en liste af gemte alternativer.")])
    out, problems = [], []
    for i, item in enumerate(raw):
        where = f"{ALTERNATIVES_KEY}[{i}]"
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("name"), str)
            or not isinstance(item.get("scenario"), dict)
        ):
            problems.append(Problem(where, "Et gemt alternativ skal have et navn og en beregning."))
            continue
        try:
            out.append((item["name"], build_scenario(item["scenario"], strict=True)))  # as strict as the file
        except ScenarioError as e:
            problems += [Problem(f"{where}.{p.where}" if p.where else where, p.message) for p in e.problems]
    if problems:
        raise ScenarioError(problems)
    return scenario, out


def load_document(path: str | os.PathLike) -> tuple[Scenario, list[tuple[str, Scenario]]]:
    """document_from_json of a file; a missing file raises ScenarioError in Danish."""
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise ScenarioError(f"Filen kan ikke åbnes: {e.strerror} ({path}).") from None
    return document_from_json(data)


__all__ = [
    "ALTERNATIVES_KEY",
    "Comparison",
    "chart_cumulative",
    "chart_differences",
    "compare",
    "comparison_workbook",
    "comparison_workbook_bytes",
    "document_from_json",
    "document_to_json",
    "letter",
    "load_document",
]
