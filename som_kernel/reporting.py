"""Report helpers for the example notebooks: assumptions with sources, results per actor and area, break-even,
a one-way sensitivity listing, key figures and the comparison with published figures.

Pure functions that return DataFrames, dicts, charts or text, which the notebooks display; only display_chart,
show_charts and publish_key_figures display something themselves. Amounts are kroner at the scenario's price level
(positive = gain to the public actor); rounding happens only in the text/display helpers. The one-way sensitivity
here is deliberately simple (recompute with calculate()); som_kernel.uncertainty has the full toolbox.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from . import describe, variants
from .engine import calculate, consequence_rows, unit_prices
from .errors import Problem, ScenarioError, SomError
from .format import DANISH_LOCALE, kr, number, pct
from .knowledge import LOCAL_COLUMN, KnowledgeBase
from .names import ACTOR_NAMES_DA, ACTORS, TOTAL, WELFARE_AREA_NAMES_DA
from .scenario import Scenario
from .uncertainty.switching import switching_success_rate as uncertainty_switching_rate
from .views import Result

if TYPE_CHECKING:
    import altair as alt

# mimetype under which a notebook publishes its key figures; the runner reads it from the executed notebook
KEY_FIGURES_MIME = "application/vnd.som.key-figures+json"
# how example notebooks show charts: "svg" (the default) static SVG, "off" not at all (fast batch runs, set by the
# runner), "widget" interactive offline widgets
STATIC_CHARTS_ENV = "SOM_STATIC_CHARTS"


def _fmt(x: float | None, unit: str = "kr") -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return kr(x) if unit == "kr" else pct(x) if unit == "pct" else number(x, 1 if unit == "1" else 0)


# ---- assumptions -------------------------------------------------------------------------------------------


# inputs the example reports leave out of their assumptions table (shown elsewhere in the report)
_NOT_ASSUMPTIONS = (
    "name",
    "description",
    "outcomes[[]*[]].persistence",
    "settings.first_year",
    "settings.consequence_offset",
)


def assumptions(
    scenario: Scenario, kb: KnowledgeBase, sources: dict[str, str] | None = None, effect_study: str | None = None
) -> pd.DataFrame:
    """The scenario's main assumptions in Danish (Antagelse, Værdi, Kilde), from som_kernel.describe. `sources`
    gives the source text per assumption key (participants, duration, costs, success_rate, horizon);
    `effect_study` names the knowledge-base effect study behind the success rate."""
    rows = describe.describe_inputs(scenario, kb, sources, effect_study)
    return describe.inputs_table(describe.select(rows, _NOT_ASSUMPTIONS))


def consequences_table(scenario: Scenario, kb: KnowledgeBase) -> pd.DataFrame:
    """Per service: change in use per successful person (year 1 and summed over the horizon), unit price per
    actor at the scenario's price level, and the estimate's source."""
    cons = consequence_rows(scenario, kb)
    if cons.empty:
        return pd.DataFrame()
    svc = kb.services.set_index("id")
    prices = unit_prices(scenario, kb)
    kbc = kb.consequences[kb.consequences["target_group"] == scenario.target_group]
    lp = kb.prices[kb.prices[LOCAL_COLUMN] != ""]
    # prices from the kommune's local layer, unless the scenario overrides them
    local_prices = set(zip(lp["service"], lp["actor"], strict=True)) - {
        (p.service, p.actor) for p in scenario.price_overrides
    }
    rows = []
    for (outcome, service), g in cons.groupby(["outcome", "service"], sort=False):
        first = g.sort_values("year").iloc[0]
        src = kbc[(kbc["outcome"] == outcome) & (kbc["service"] == service)]
        rows.append(
            {
                "Ydelse": svc.at[service, "name"],
                "Område": WELFARE_AREA_NAMES_DA[svc.at[service, "welfare_area"]],
                "Enhed": svc.at[service, "unit"],
                "Ændring år 1": number(first["delta_use"], 1) if first["year"] == 1 else "0",
                "Ændring i alt": number(g["delta_use"].sum(), 1),
                **{
                    f"Pris {ACTOR_NAMES_DA[a].lower()}": kr(prices.at[service, a])
                    + (" (lokal)" if (service, a) in local_prices else "")
                    for a in ACTORS
                },
                "Kilde": "lokal værdi"
                if g["overridden"].any()
                else (describe.source_text(src.iloc[0], url=False) if len(src) else ""),
            }
        )
    return pd.DataFrame(rows)


# ---- results -------------------------------------------------------------------------------------------------


def results_by_actor(result: Result, discounted: bool = False) -> pd.DataFrame:
    """Net result per year and actor plus the cumulative total, in kroner (Danish column names)."""
    by = result.by_year_actor(discounted)
    out = by.rename(columns=ACTOR_NAMES_DA)
    out["Akkumuleret i alt"] = by[TOTAL].cumsum()
    out.index.name = "År"
    out.columns.name = None
    return out


def results_by_area(result: Result, discounted: bool = False) -> pd.DataFrame:
    """Total over all years per welfare area (rows) and actor (columns), kroner; costs are their own row."""
    t = result.table
    col = "discounted" if discounted else "amount"
    area = t["welfare_area"].map(WELFARE_AREA_NAMES_DA).where(t["kind"] == "consequence", "Indsatsens omkostninger")
    out = t.groupby([area, t["actor"]])[col].sum().unstack("actor").reindex(columns=list(ACTORS)).fillna(0.0)
    out[TOTAL] = out.sum(axis=1)
    out = out.rename(columns=ACTOR_NAMES_DA)
    out.index.name = "Område"
    out.columns.name = None
    return out.sort_values("I alt", ascending=False)


def formatted(df: pd.DataFrame, decimals: int = 0, index: bool = True):
    """A Styler with Danish number formats and no truncated text (for notebooks and HTML reports)."""
    styler = df.style.format(lambda x: number(x, decimals) if isinstance(x, int | float) else x)
    styler = styler.set_properties(**{"text-align": "left"}) if not index else styler
    return styler if index else styler.hide(axis="index")


def chart_cumulative(result: Result) -> alt.TopLevelMixin:
    """The app's chart of the cumulative net result per actor and in total, with the break-even year marked."""
    from .charts import (
        results as result_charts,  # imported here: a batch run without charts then skips altair's slow import
    )

    return result_charts.build("cumulative", result)


def chart_by_area(result: Result) -> alt.Chart:
    """Stacked bars: net result per year split on welfare area (costs as their own area), kroner."""
    import altair as alt

    t = result.table
    area = t["welfare_area"].map(WELFARE_AREA_NAMES_DA).where(t["kind"] == "consequence", "Indsatsens omkostninger")
    long = t.groupby([t["year"], area.rename("Område")])["amount"].sum().rename("kr").reset_index()
    long["mio"] = long["kr"] / 1e6
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("year:O", title="År"),
            y=alt.Y("mio:Q", title="Nettoresultat (mio. kr.)", axis=alt.Axis(format=",.1f")),
            color=alt.Color("Område:N"),
            tooltip=["year:O", "Område:N", alt.Tooltip("kr:Q", format=",.0f", title="kr.")],
        )
        .properties(width=520, height=260, title="Nettoresultat pr. år fordelt på områder (alle aktører)")
        .configure(locale=DANISH_LOCALE)
    )


def display_chart(chart: alt.TopLevelMixin):
    """The chart for a notebook: static SVG by default, so that it shows with no internet in JupyterLab, in plain
    papermill runs and in HTML reports; nothing when SOM_STATIC_CHARTS=off (fast batch runs); an interactive
    offline widget (charts.show) when SOM_STATIC_CHARTS=widget."""
    from IPython.display import SVG

    from . import charts

    mode = os.environ.get(STATIC_CHARTS_ENV, "svg")
    if mode == "off":
        return None
    if mode == "widget":
        return charts.show(chart)
    return SVG(charts.to_svg(chart))


def show_charts(result: Result) -> None:
    """Display the two standard charts (cumulative per actor; per year and area) via display_chart."""
    from IPython.display import display

    if os.environ.get(STATIC_CHARTS_ENV) == "off":  # skip building them (and importing altair) in batch runs
        return
    for chart in (chart_cumulative(result), chart_by_area(result)):
        display(display_chart(chart))


def break_even_text(result: Result) -> str:
    """The break-even year (first year the cumulative net result is ≥ 0), in total and per actor, in Danish; an
    actor with no costs and only gains gets no break-even year."""
    years = result.break_even_years()

    def one(y: int | None) -> str:
        return str(y) if y is not None else "ikke inden for tidshorisonten"

    kinds = result.totals_by_kind()
    lines = [f"Break-even for det offentlige samlet: {one(years[TOTAL])}"]
    for a in ACTORS:
        if kinds.at["cost", a] == 0 and kinds.at["consequence", a] >= 0:
            # no costs, only gains: there is nothing to earn back, so no break-even year
            gains = (
                "ingen udgifter og ingen gevinster"
                if kinds.at["consequence", a] == 0
                else "ingen udgifter, kun gevinster"
            )
            lines.append(f"  {ACTOR_NAMES_DA[a]}: {gains}")
        else:
            lines.append(f"  {ACTOR_NAMES_DA[a]}: {one(years[a])}")
    return "\n".join(lines)


# ---- the lead: the result first ------------------------------------------------------------------------------


def horizon_warning(result: Result, kb: KnowledgeBase) -> str | None:
    """A Danish warning when the horizon runs past the consequence estimates (the extra years hold no knowledge
    and count as 0 kr.); None otherwise."""
    from .checklist import _coverage

    item = _coverage(result, kb)
    return None if item.status == "green" else f"Advarsel: {item.reason}"


def lead_html(result: Result, kb: KnowledgeBase, studies: dict[str, str] | None = None) -> str:
    """The report's opening: the plain-Danish summary, the key figures per actor, break-even per actor, any
    warning about the horizon, and the checklist (HTML, no code, for notebooks and reports)."""
    from html import escape

    from .checklist import checklist, checklist_html
    from .report import break_even_sentences, key_table
    from .summary import summary

    table = key_table(result)
    head = "".join(f"<th>{escape(str(c))}</th>" for c in table.columns)
    rows = "".join(
        "<tr>" + "".join(f"<td{LEFT if i == 0 else NUM}>{escape(str(v))}</td>" for i, v in enumerate(r)) + "</tr>"
        for r in table.itertuples(index=False)
    )
    warning = horizon_warning(result, kb)
    parts = [
        f"<p style='font-size:1.1em;line-height:1.5'>{escape(summary(result))}</p>",
        f"<table class='som-key'><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>",
        "<ul>" + "".join(f"<li>{escape(x)}</li>" for x in break_even_sentences(result)) + "</ul>",
    ]
    if warning:
        parts.insert(
            0,
            f"<p style='border-left:6px solid #c62828;padding:4px 10px;background:#fff3f3'><b>{escape(warning)}</b></p>",
        )
    parts.append("<h3>Tjekliste</h3>" + checklist_html(checklist(result, kb, studies)))
    return "".join(parts)


NUM = " style='text-align:right;white-space:nowrap'"
LEFT = " style='text-align:left'"


def show_lead(result: Result, kb: KnowledgeBase, studies: dict[str, str] | None = None) -> None:
    """Display lead_html in a notebook."""
    from IPython.display import HTML, display

    display(HTML(lead_html(result, kb, studies)))


def _danish_traceback(error: SomError) -> list[str]:
    return ["Beregningen kan ikke laves:", *[f"  {p}" for p in error.problems]]


def _assigned(source: str) -> list[str]:
    import ast

    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    return [t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets if isinstance(t, ast.Name)]


def check_injected_parameters(history: list[str]) -> None:
    """ScenarioError when papermill injected a parameter the notebook's parameters cell does not define (papermill
    itself only warns). `history` is the kernel's list of executed cells (IPython's `In`): papermill's injected cell
    starts with '# Parameters' and runs right after the notebook's own parameters cell."""
    import difflib

    cells = [c for c in history if c and c.strip()]
    injected = [i for i, c in enumerate(cells) if c.lstrip().startswith("# Parameters")]
    if not injected or injected[-1] == 0:
        return
    i = injected[-1]
    known = _assigned(cells[i - 1])
    problems = []
    for name in _assigned(cells[i]):
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            hint = f" (mente du {close[0]}?)" if close else ""
            problems.append(Problem(name, f"'{name}' er ikke en parameter i denne notesbog{hint}."))
    if problems:
        raise ScenarioError(problems)


def setup_notebook() -> None:
    """Make a known input error (SomError) show its Danish message in this notebook instead of a Python traceback
    (IPython renders an exception through its `_render_traceback_` when it has one; the cell still fails, so a
    papermill run stops there and reports the message), and refuse a parameter papermill injected that the
    notebook does not know, also when the notebook is run with plain papermill."""
    SomError._render_traceback_ = _danish_traceback
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None:
        check_injected_parameters(list(shell.user_ns.get("In", [])))


def comparison_lead_html(cmp) -> str:
    """The opening of a comparison (som_kernel.compare): each alternative's summary, the side-by-side table and
    the notes on what makes them less comparable (HTML)."""
    from html import escape

    from .report import comparison_table
    from .summary import summary

    table = comparison_table(cmp)
    head = "".join(f"<th>{escape(str(c))}</th>" for c in table.columns)
    rows = "".join(
        "<tr>" + "".join(f"<td{LEFT if i == 0 else NUM}>{escape(str(v))}</td>" for i, v in enumerate(r)) + "</tr>"
        for r in table.itertuples(index=False)
    )
    parts = [f"<p><b>{escape(n)}:</b> {escape(summary(r))}</p>" for n, r in zip(cmp.names, cmp.results)]
    parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
    parts += [f"<p><i>{escape(n)}</i></p>" for n in cmp.notes()]
    return "".join(parts)


def show_comparison(cmp) -> None:
    """Display comparison_lead_html and the two comparison charts (difference, cumulative) in a notebook."""
    from IPython.display import HTML, display

    from .compare import chart_cumulative, chart_differences

    display(HTML(comparison_lead_html(cmp)))
    if os.environ.get(STATIC_CHARTS_ENV) == "off":
        return
    for chart in (chart_differences(cmp), chart_cumulative(cmp)):
        display(display_chart(chart))


def comparison_text(cmp) -> str:
    """Deterministic Danish text per alternative: net result in total and per participant, break-even in total,
    and the difference from the base (for checked notebook outputs)."""
    net, per, be, diff = cmp.net(), cmp.per_participant(), cmp.break_even(), cmp.differences("net")
    lines = []
    for n in cmp.names:
        year = be.at[n, TOTAL]
        home = f"tjener sig hjem i {year}" if year is not None else "tjener sig ikke hjem i perioden"
        extra = "" if n == cmp.base else f"; forskel fra {cmp.base} {kr(diff.at[n, TOTAL])}"
        lines.append(f"{n}: nettoresultat {kr(net.at[n, TOTAL])} ({kr(per.at[n, TOTAL])} pr. deltager), {home}{extra}")
    return "\n".join(lines)


# ---- key figures --------------------------------------------------------------------------------------------


# key figure id → (Danish label, unit for display); the order is the column order of the runner's tables
KEY_FIGURES: dict[str, tuple[str, str]] = {
    "participants": ("Deltagere i alt", "n"),
    "operating_years": ("År med omkostninger (driftsår)", "n"),
    "successes": ("Succeser (deltagere × succesrate)", "1"),
    "cost_total": ("Omkostninger i alt, netto", "kr"),
    "net_cost_per_participant": ("Nettoomkostning pr. deltager", "kr"),
    "consequences_total": ("Konsekvenser (besparelser og skat) i alt", "kr"),
    "consequences_kommune": ("Konsekvenser, kommune", "kr"),
    "consequences_region": ("Konsekvenser, region", "kr"),
    "consequences_stat": ("Konsekvenser, stat", "kr"),
    "consequences_per_success": ("Konsekvenser pr. succes", "kr"),
    "state_share_of_consequences": ("Statens andel af konsekvenserne", "pct"),
    "net_total": ("Nettoresultat i alt", "kr"),
    "net_kommune": ("Nettoresultat, kommune", "kr"),
    "net_region": ("Nettoresultat, region", "kr"),
    "net_stat": ("Nettoresultat, stat", "kr"),
    "npv_total": ("Nutidsværdi i alt (diskonteret)", "kr"),
    "net_per_participant": ("Nettoresultat pr. deltager", "kr"),
    "break_even_year": ("Break-even-år (samlet)", "year"),
}


def key_figures(result: Result) -> dict:
    """The example's key figures as plain numbers (kroner unrounded; None where undefined)."""
    s = result.scenario
    kind = result.totals_by_kind()
    totals = result.totals()
    n = s.total_participants
    successes = sum(o.success_rate for o in s.outcomes[:1]) * n
    cons_total = float(kind.at["consequence", TOTAL])
    cost_total = -float(kind.at["cost", TOTAL])
    return {
        "participants": n,
        "operating_years": int(result.table.loc[result.table["kind"] == "cost", "year"].nunique()),
        "successes": successes,
        "cost_total": cost_total,
        "net_cost_per_participant": cost_total / n,
        "consequences_total": cons_total,
        **{f"consequences_{a}": float(kind.at["consequence", a]) for a in ACTORS},
        "consequences_per_success": cons_total / successes if successes else None,
        "state_share_of_consequences": float(kind.at["consequence", "stat"]) / cons_total if cons_total else None,
        "net_total": float(totals[TOTAL]),
        **{f"net_{a}": float(totals[a]) for a in ACTORS},
        "npv_total": float(result.npv()[TOTAL]),
        "net_per_participant": float(totals[TOTAL]) / n,
        "break_even_year": result.break_even_year(),
    }


def per_success(result: Result, years: int | None = None, actor: str = TOTAL) -> float:
    """Consequences per successful person (kroner) over the first `years` consequence years (default: all), for
    one actor or in total. Successes are participants × the first outcome's success rate."""
    s = result.scenario
    t = result.table[result.table["kind"] == "consequence"]
    if actor != TOTAL:
        t = t[t["actor"] == actor]
    if years is not None:
        t = t[t["consequence_year"] <= years]
    successes = s.outcomes[0].success_rate * s.total_participants
    return float(t["amount"].sum()) / successes if successes else float("nan")


def consequence_share(result: Result, welfare_area: str | None = None, service: str | None = None) -> float:
    """Share (0–1) of all consequences (gains, all actors) that falls in one welfare area or one service."""
    t = result.table[result.table["kind"] == "consequence"]
    part = t
    if welfare_area is not None:
        part = part[part["welfare_area"] == welfare_area]
    if service is not None:
        part = part[part["service"] == service]
    total = float(t["amount"].sum())
    return float(part["amount"].sum()) / total if total else float("nan")


def at_price_year(scenario: Scenario, kb: KnowledgeBase, price_year: int) -> Result:
    """The same calculation at another price level (e.g. a publication's), costs kept at their own price year."""
    return calculate(variants.with_price_year(scenario, price_year), kb)


def publish_key_figures(figures: dict):
    """Show the key figures as a table and publish them (as JSON) for the example runner to collect."""
    from IPython.display import display

    clean = json.loads(json.dumps(figures))  # plain JSON types only
    lines = ["| Nøgletal | Værdi |", "|---|---:|"]
    for k, v in clean.items():
        label, unit = KEY_FIGURES.get(k, (k, "1"))
        value = "–" if v is None else v if unit == "year" else _fmt(v, unit)
        lines.append(f"| {label} | {value} |")
    display({"text/markdown": "\n".join(lines), "text/plain": json.dumps(clean), KEY_FIGURES_MIME: clean}, raw=True)


# ---- comparison with published figures ----------------------------------------------------------------------


# what a published figure is to our calculation: only an independent figure can show agreement
COMPARISON_KINDS = {
    "input": "input: det offentliggjorte tal er skrevet ind i beregningen",
    "calibreret": "kalibreret: vidensdatabasen er tilpasset, så den rammer tallet",
    "uafhængig": "uafhængig: et reelt tjek",
}


@dataclass(frozen=True)
class Published:
    """A published figure to compare with: label, our value, the published value, its unit (kr | pct | n) and its
    kind: 'input' (we typed the published number), 'calibreret' (the knowledge base was fitted to it) or
    'uafhængig' (an independent check; the only kind that can show agreement)."""

    label: str
    ours: float
    published: float
    unit: str = "kr"
    kind: str = ""

    def __post_init__(self):
        if self.kind not in COMPARISON_KINDS:
            raise ScenarioError(
                [
                    Problem(
                        "kind",
                        f"Sammenligningen '{self.label}' skal have en art: {', '.join(COMPARISON_KINDS)} "
                        f"(fik '{self.kind}').",
                    )
                ]
            )


def _signed(text: str, x: float) -> str:
    return ("+" if x > 0 else "") + text


def published_comparison(items: Sequence[Published | tuple]) -> str:
    """Deterministic Danish text: each figure computed vs. published with its kind (input / kalibreret / uafhængig)
    and the difference, in per cent for amounts and counts and in percentage points (with sign) for shares. Items
    are Published or tuples (label, ours, published, unit, kind). A last line counts the independent checks."""
    lines = []
    checks = []
    for it in items:
        it = it if isinstance(it, Published) else Published(*it)
        if it.unit == "pct":
            points = round((it.ours - it.published) * 100, 1) + 0.0  # no −0
            diff = f"forskel {_signed(number(points, 1), points)} procentpoint"
        else:
            rel = round((it.ours - it.published) / it.published, 3) + 0.0 if it.published else float("nan")
            diff = f"afvigelse {_signed(pct(rel), rel if rel > 0.0005 else 0)}"
        lines.append(
            f"{it.label} [{it.kind}]: beregnet {_fmt(it.ours, it.unit)}, publiceret ca. {_fmt(it.published, it.unit)} "
            f"({diff})"
        )
        checks.append(it.kind == "uafhængig")
    n = sum(checks)
    lines.append(
        f"Uafhængige tjek: {n} af {len(checks)}. Input og kalibrerede tal rammer af konstruktion og viser ikke, at "
        "beregningen er rigtig."
        if n < len(checks)
        else f"Uafhængige tjek: {n} af {len(checks)}."
    )
    return "\n".join(lines)


# ---- one-way sensitivity ------------------------------------------------------------------------------------


def sensitivity(scenario: Scenario, kb: KnowledgeBase) -> pd.DataFrame:
    """One-way sensitivity: the total net result (discounted at the scenario's rate; 0 % = plain sum) when one
    assumption changes at a time, sorted by how much it moves the result (Danish labels; kroner)."""
    h = scenario.settings.horizon_years
    variations: list[tuple[str, Callable[[Scenario], Scenario]]] = [
        ("Succesrate −50 %", lambda s: variants.with_success_scale(s, 0.5)),
        ("Succesrate +50 %", lambda s: variants.with_success_scale(s, 1.5)),
        ("Omkostninger −50 %", lambda s: variants.with_cost_level(s, 0.5)),
        ("Omkostninger +50 %", lambda s: variants.with_cost_level(s, 1.5)),
        (
            f"Tidshorisont {max(1, h // 2)} år i stedet for {h}",
            lambda s: variants.with_settings(s, horizon_years=max(1, h // 2)),
        ),
        ("Diskonteringsrente 3,5 %", lambda s: variants.with_settings(s, discount_rate=0.035)),
    ]
    base = calculate(scenario, kb)
    gains = base.by_service().xs("consequence", level="kind")[TOTAL]
    if len(gains) > 1:
        top = gains.index[0][1]
        name = kb.service_info("name", [top])[0] or top
        variations.append((f"Uden den største konsekvens ({name})", lambda s: variants.without_services(s, [top])))
    base_total = float(base.npv()[TOTAL])
    rows = []
    for label, change in variations:
        total = float(calculate(change(scenario), kb).npv()[TOTAL])
        rows.append({"Ændring": label, "Nettoresultat i alt": total, "Forskel fra grundberegning": total - base_total})
    out = pd.DataFrame(rows)
    # rounded to whole kroner so that ties (success ±50 %) keep their listed order on every machine
    order = out["Forskel fra grundberegning"].abs().round(0).sort_values(ascending=False, kind="stable").index
    return out.loc[order].reset_index(drop=True)


def switching_success_rate(scenario: Scenario, kb: KnowledgeBase) -> float | None:
    """The success rate (same for every outcome) at which the total net present value over the horizon is 0;
    None if no rate in 0–100 % gets there (som_kernel.uncertainty.switching_success_rate, discounted)."""
    return uncertainty_switching_rate(scenario, kb, discounted=True)


def sensitivity_text(scenario: Scenario, kb: KnowledgeBase) -> str:
    """The sensitivity listing and the switching success rate as deterministic Danish text."""
    table = sensitivity(scenario, kb)
    base = float(calculate(scenario, kb).npv()[TOTAL])
    lines = [f"Grundberegning: nettoresultat i alt {kr(base)}"]
    for _, r in table.iterrows():
        lines.append(
            f"  {r['Ændring']}: {kr(r['Nettoresultat i alt'])} (forskel {kr(r['Forskel fra grundberegning'])})"
        )
    sw = switching_success_rate(scenario, kb)
    if sw is not None:
        lines.append(
            f"Succesraten skal mindst være {pct(sw, 1)} for at indsatsen hviler i sig selv over tidshorisonten"
        )
    return "\n".join(lines)
