"""What the example notebooks show: the opening (summary, key table, break-even, checklist), charts, a
comparison's opening, the key figures table the runner collects, and Danish messages for input errors.

The content (tables, figures, sentences) comes from som_kernel.presentation, which the decision paper
(som_kernel.report) also uses; this module only displays it. The names the notebooks call as `reporting.…`
(assumptions, results_by_actor, key_figures, sensitivity_text, …) are re-exported here from there. Only
display_chart, show_charts, show_lead, show_comparison and publish_key_figures display something themselves.
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING

import pandas as pd

from .errors import Problem, ScenarioError, SomError
from .format import DANISH_LOCALE, number
from .kb import KnowledgeBase
from .names import COSTS_AREA_DA, TOTAL, WELFARE_AREA_NAMES_DA
from .presentation.key_figures import (
    KEY_FIGURES,
    KEY_FIGURES_MIME,
    at_price_year,
    consequence_share,
    figure_text,
    key_figures,
)
from .presentation.published import COMPARISON_KINDS, Published, published_comparison
from .presentation.sensitivity import sensitivity, sensitivity_text, switching_success_rate
from .presentation.tables import (
    assumptions,
    comparison_table,
    consequences_table,
    key_table,
    results_by_actor,
    results_by_area,
)
from .presentation.text import break_even_sentences, break_even_text, comparison_text, horizon_warning
from .views import Result

if TYPE_CHECKING:
    import altair as alt

    from .compare import Comparison

# what the notebooks call as reporting.… and find here, from som_kernel.presentation
__all__ = [
    "COMPARISON_KINDS",
    "KEY_FIGURES",
    "KEY_FIGURES_MIME",
    "Published",
    "assumptions",
    "at_price_year",
    "break_even_text",
    "consequence_share",
    "consequences_table",
    "comparison_text",
    "horizon_warning",
    "key_figures",
    "published_comparison",
    "results_by_actor",
    "results_by_area",
    "sensitivity",
    "sensitivity_text",
    "switching_success_rate",
    # shown here
    "STATIC_CHARTS_ENV",
    "chart_by_area",
    "chart_cumulative",
    "check_injected_parameters",
    "comparison_lead_html",
    "display_chart",
    "formatted",
    "lead_html",
    "publish_key_figures",
    "setup_notebook",
    "show_charts",
    "show_comparison",
    "show_lead",
]

# how example notebooks show charts: "svg" (the default) static SVG, "off" not at all (fast batch runs, set by the
# runner), "widget" interactive offline widgets
STATIC_CHARTS_ENV = "SOM_STATIC_CHARTS"


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

    by = result.by_welfare_area(kind="consequence").rename(columns=WELFARE_AREA_NAMES_DA)
    by[COSTS_AREA_DA] = result.by_year_actor(kind="cost")[TOTAL]
    long = by.rename_axis(columns="Område").stack().rename("kr").reset_index()
    long = long[long["kr"] != 0]
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


# ---- the lead: the result first ------------------------------------------------------------------------------


def lead_html(result: Result, kb: KnowledgeBase, studies: dict[str, str] | None = None) -> str:
    """The report's opening: the plain-Danish summary, the key figures per actor, break-even per actor, any
    warning about the horizon, and the checklist (HTML, no code, for notebooks and reports)."""
    from html import escape

    from .checklist import checklist, checklist_html
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


def comparison_lead_html(cmp: Comparison) -> str:
    """The opening of a comparison (som_kernel.compare): each alternative's summary, the side-by-side table and
    the notes on what makes them less comparable (HTML)."""
    from html import escape

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


def show_comparison(cmp: Comparison) -> None:
    """Display comparison_lead_html and the two comparison charts (difference, cumulative) in a notebook."""
    from IPython.display import HTML, display

    from .compare import chart_cumulative, chart_differences

    display(HTML(comparison_lead_html(cmp)))
    if os.environ.get(STATIC_CHARTS_ENV) == "off":
        return
    for chart in (chart_differences(cmp), chart_cumulative(cmp)):
        display(display_chart(chart))


# ---- key figures --------------------------------------------------------------------------------------------


def publish_key_figures(figures: dict):
    """Show the key figures as a table and publish them (as JSON) for the example runner to collect."""
    from IPython.display import display

    clean = json.loads(json.dumps(figures))  # plain JSON types only
    lines = ["| Nøgletal | Værdi |", "|---|---:|"]
    for k, v in clean.items():
        label, unit = KEY_FIGURES.get(k, (k, "1"))
        value = "–" if v is None else v if unit == "year" else figure_text(v, unit)
        lines.append(f"| {label} | {value} |")
    display({"text/markdown": "\n".join(lines), "text/plain": json.dumps(clean), KEY_FIGURES_MIME: clean}, raw=True)


# ---- input errors in a notebook --------------------------------------------------------------------------------


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
