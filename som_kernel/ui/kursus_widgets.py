"""Widgets for the SØM course (notebooks/kursus): an answer box with a "Tjek svar" button, Danish tables
and the success-rate slider of lesson 6. No formulas: answers are checked by som_kernel.kursus.
"""

from __future__ import annotations

import html

import altair as alt
import ipywidgets as widgets
import pandas as pd

from .. import charts, kursus
from ..charts import results as result_charts
from ..format import ACTOR_NAMES_DA, kr, number, pct
from ..knowledge import KnowledgeBase
from ..names import COST_NAMES_DA
from ..views import TOTAL, Result

PLACEHOLDERS = {
    "kr": "fx 1.500.000 (kr.)",
    "number": "fx 25",
    "percent": "fx 12,5 (i %)",
    "year": "fx 2030",
}
ROW_NAMES_DA = {"cost": "Omkostninger", "consequence": "Konsekvenser", **COST_NAMES_DA}
FACIT_AFTER = 2  # wrong attempts before "Vis facit" appears


def feedback_html(text: str) -> str:
    """The feedback text as a coloured line: green when right, orange otherwise."""
    right = text.startswith(kursus.RIGHT)
    colour = "#1a7f37" if right else "#9a6700"
    mark = "✔" if right else "✎"
    return f'<div style="color:{colour};font-weight:600">{mark} {html.escape(text)}</div>'


def exercise_box(exercise_id: str) -> widgets.VBox:
    """Question, answer field (text or radio buttons), "Tjek svar" and, after two wrong tries, "Vis facit"."""
    e = kursus.EXERCISES[exercise_id]
    question = widgets.HTML(f"<b>Opgave {e.id}.</b> {html.escape(e.question)}")
    if e.kind == "choice":
        answer = widgets.RadioButtons(options=list(e.choices), index=None, layout=widgets.Layout(width="16em"))
    else:
        answer = widgets.Text(placeholder=PLACEHOLDERS[e.kind], layout=widgets.Layout(width="16em"))
    check = widgets.Button(description="Tjek svar", button_style="primary", icon="check")
    facit = widgets.Button(description="Vis facit", layout=widgets.Layout(display="none"))
    feedback = widgets.HTML()
    wrong = {"n": 0}

    def on_check(_=None) -> None:
        text = kursus.check(e.id, answer.value)
        feedback.value = feedback_html(text)
        if not text.startswith(kursus.RIGHT) and text != kursus.NOT_ANSWERED:
            wrong["n"] += 1
            if wrong["n"] >= FACIT_AFTER:
                facit.layout.display = None

    def on_facit(_=None) -> None:
        feedback.value = f"<div>{html.escape(kursus.solution(e.id))}</div>"

    check.on_click(on_check)
    facit.on_click(on_facit)
    box = widgets.VBox([question, widgets.HBox([answer, check, facit]), feedback])
    box.answer, box.check_button, box.facit_button, box.feedback = answer, check, facit, feedback
    return box


def _danish_labels(df: pd.DataFrame, kb: KnowledgeBase | None) -> pd.DataFrame:
    names = dict(ROW_NAMES_DA)
    if kb is not None:
        names.update(zip(kb.services["id"], kb.services["name"], strict=True))
    out = df.rename(columns=ACTOR_NAMES_DA, index=lambda i: names.get(i, i) if isinstance(i, str) else i)
    out.columns.name = None
    out.index.name = {"year": "År", "service": "Ydelse", "actor": "Aktør", "kind": None}.get(
        out.index.name, out.index.name
    )
    return out


def kr_table(df: pd.DataFrame, kb: KnowledgeBase | None = None):
    """A table of kroner with Danish labels and formats (1.234.567 kr.), service ids as names from `kb`."""
    return _danish_labels(df, kb).style.format(kr)


def consequence_table(kb: KnowledgeBase, target_group: str, outcome: str, year: int = 1):
    """The knowledge base's change in use per success in consequence year `year`, in Danish."""
    c = kb.consequences_for(target_group, outcome)
    c = c[c["year"] == year]
    names = dict(zip(kb.services["id"], kb.services["name"], strict=True))
    return pd.DataFrame(
        {
            "Ydelse": [names[s] for s in c["service"]],
            "Ændring pr. person med succes pr. år": [
                number(v, 0 if float(v).is_integer() else 1) for v in c["delta_use"]
            ],
            "Enhed": list(c["unit"]),
        }
    ).style.hide(axis="index")


def value_per_success_table(name: str):
    """The lesson's value of one success in one year, per service and actor, as a Danish table."""
    return kr_table(kursus.value_per_success(name), kursus.knowledge_for(name))


def break_even_table(name: str, rates: list[float]):
    """Break-even year and net result over the whole period for each success rate, in Danish."""
    t = kursus.break_even_by_success_rate(name, rates)
    return pd.DataFrame(
        {
            "Succesrate": [pct(r, 0) for r in t["success_rate"]],
            "Break-even-år": [
                ("ikke inden for perioden" if y is None or pd.isna(y) else str(int(y))) for y in t["break_even_year"]
            ],
            "Nettoresultat i alt": [kr(v) for v in t["net_result"]],
        }
    ).style.hide(axis="index")


def break_even_years_table(result: Result):
    """Break-even year per actor and in total, in Danish ('ikke inden for perioden' when it never happens)."""
    years = result.break_even_years()
    return pd.DataFrame(
        {
            "Aktør": [ACTOR_NAMES_DA[a] for a in years],
            "Break-even-år": ["ikke inden for perioden" if y is None else str(y) for y in years.values()],
        }
    ).style.hide(axis="index")


def cumulative_chart(result: Result, discounted: bool = False) -> alt.TopLevelMixin:
    """The app's chart of the cumulative net result per actor and in total, with the break-even year marked."""
    return result_charts.build("cumulative", result, discounted)


def success_rate_explorer(name: str, actor: str = TOTAL) -> widgets.VBox:
    """A success-rate slider that recomputes the lesson's scenario and shows the break-even year and the
    cumulative net result per actor."""
    base = kursus.scenario(name).outcomes[0].success_rate
    slider = widgets.FloatSlider(
        value=base,
        min=0.0,
        max=0.5,
        step=0.01,
        description="Succesrate",
        readout_format=".0%",
        continuous_update=False,
        style={"description_width": "initial"},
    )
    text = widgets.HTML()
    chart_box = widgets.Output()

    def update(_=None) -> None:
        r = kursus.with_success_rate(name, slider.value)
        be = r.break_even_year(actor)
        when = f"i {be}" if be is not None else "ikke inden for perioden"
        text.value = (
            f"Ved en succesrate på <b>{pct(slider.value, 0)}</b> når det offentlige break-even <b>{when}</b>; "
            f"nettoresultatet over hele perioden er <b>{kr(r.totals()[actor])}</b>"
        )
        chart_box.clear_output(wait=True)
        with chart_box:
            from IPython.display import display

            display(charts.show(cumulative_chart(r)))

    slider.observe(update, names="value")
    update()
    box = widgets.VBox([slider, text, chart_box])
    box.slider, box.text = slider, text
    return box
