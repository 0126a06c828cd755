"""Widgets for the SØM course (notebooks/kursus): an answer box with a "Tjek svar" button for every
exercise (so every lesson runs in Voilà without code cells), Danish tables (headers and number formats), the
explorers (success-rate slider, study picker, local price) and the decision-paper box of lesson 11.
No formulas: answers are checked and reference answers computed by som_kernel.kursus.
"""

from __future__ import annotations

import html

import altair as alt
import ipywidgets as widgets
import pandas as pd

from .. import charts, kursus
from ..charts import results as result_charts
from ..format import ACTOR_NAMES_DA, kr, number, pct
from ..kb import KnowledgeBase
from ..names import COST_NAMES_DA
from ..numbers import read_number
from ..uncertainty import EVIDENCE_WIDENING
from ..views import TOTAL, Result

YES_NO = {True: "ja", False: "nej"}

PLACEHOLDERS = {  # no number in them: a number here could be an exercise's answer
    "kr": "beløb i kr.",
    "number": "antal",
    "percent": "procent",
    "year": "årstal",
}
ROW_NAMES_DA = {"cost": "Omkostninger", "consequence": "Konsekvenser", **COST_NAMES_DA}
FACIT_AFTER = 2  # wrong tries (readable, graded answers) before "Vis facit" appears


def feedback_html(feedback: kursus.Feedback) -> str:
    """The feedback as a coloured line: green when right, orange when wrong, blue when the answer could not
    be graded (empty, unreadable or ambiguous: the student is asked again)."""
    colour, mark = {"right": ("#1a7f37", "✔"), "wrong": ("#9a6700", "✎")}.get(feedback.status, ("#0550ae", "?"))
    return (
        f'<div class="kursus-feedback kursus-{feedback.status}" style="color:{colour};font-weight:600">'
        f"{mark} {html.escape(feedback.text)}</div>"
    )


def exercise_box(exercise_id: str, svar=None) -> widgets.VBox:
    """Question, answer field (text or radio buttons), "Tjek svar" and, after two wrong tries, "Vis facit".
    `svar`: an answer computed in a code cell (JupyterLab); it is put in the field and checked at once."""
    e = kursus.EXERCISES[exercise_id]
    question = widgets.HTML(f"<b>Opgave {e.id}.</b> {html.escape(e.question)}")
    if e.kind == "choice":
        answer = widgets.RadioButtons(options=list(e.options()), index=None, layout=widgets.Layout(width="auto"))
    else:
        answer = widgets.Text(placeholder=PLACEHOLDERS[e.kind], layout=widgets.Layout(width="16em"))
    check = widgets.Button(description="Tjek svar", button_style="primary", icon="check")
    facit = widgets.Button(description="Vis facit", layout=widgets.Layout(display="none"))
    feedback = widgets.HTML()
    wrong = {"n": 0}

    def on_check(_=None) -> None:
        result = kursus.check(e.id, answer.value)
        feedback.value = feedback_html(result)
        if result.status == "wrong":  # unreadable or ambiguous answers are asked again, not counted
            wrong["n"] += 1
            if wrong["n"] >= FACIT_AFTER:
                facit.layout.display = None

    def on_facit(_=None) -> None:
        feedback.value = f'<div class="kursus-facit">{html.escape(kursus.solution(e.id))}</div>'

    check.on_click(on_check)
    facit.on_click(on_facit)
    row = (
        widgets.VBox([answer, widgets.HBox([check, facit])])
        if e.kind == "choice"
        else widgets.HBox([answer, check, facit])
    )
    box = widgets.VBox([question, row, feedback])
    box.add_class("kursus-exercise")
    box.add_class(f"kursus-exercise-{e.id.replace('.', '-')}")
    box.answer, box.check_button, box.facit_button, box.feedback = answer, check, facit, feedback
    if svar is not None:
        answer.value = svar if e.kind == "choice" else str(svar)
        on_check()
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


def _frame(rows: dict) -> object:
    return pd.DataFrame(rows).style.hide(axis="index")


def effect_studies_table(kb: KnowledgeBase, ids: list[str] | None = None):
    """Effect studies with Danish headers and Danish per cent (13 %, 59,1 %), and whether the knowledge base
    marks the study illustrative."""
    es = kb.effect_studies if ids is None else kb.effect_studies.set_index("id").loc[ids].reset_index()

    def share(col: str) -> list[str]:
        if col not in es:
            return ["–"] * len(es)
        return ["–" if pd.isna(v) else pct(float(v), 1) for v in es[col]]

    return _frame(
        {
            "Studie": list(es["name"]),
            "Succesrate (netto)": share("success_rate"),
            "Med indsatsen": share("rate_treatment"),
            "Uden (kontrolgruppe)": share("rate_control"),
            "Design": list(es["design"]),
            "Evidensniveau": [str(int(v)) for v in es["evidence_level"]],
            "Land": list(es["country"]),
            "Illustrativt": [YES_NO[bool(v)] for v in es["illustrative"]],
        }
    )


def study_break_even_explorer(name: str, study_ids: list[str], kb: KnowledgeBase) -> widgets.VBox:
    """A choice of effect study; shows the break-even years per actor with that study's success rate."""
    es = kb.effect_studies.set_index("id")
    picker = widgets.Dropdown(
        options=[(f"{es.at[i, 'name']} ({pct(float(es.at[i, 'success_rate']), 0)})", i) for i in study_ids],
        description="Studie",
        layout=widgets.Layout(width="38em"),
    )
    out = widgets.Output()

    def update(_=None) -> None:
        out.clear_output(wait=True)
        with out:
            from IPython.display import display

            display(break_even_years_table(kursus.with_success_rate(name, float(es.at[picker.value, "success_rate"]))))

    picker.observe(update, names="value")
    update()
    box = widgets.VBox([picker, out])
    box.picker = picker
    return box


def local_price_explorer(name: str, service: str, actor: str, first: int, last: int, kb: KnowledgeBase) -> widgets.VBox:
    """A field for a local price (read as Danish kroner by som_kernel.numbers) and the lesson's consequences per
    year and actor with that price laid over the knowledge base."""
    field = widgets.Text(
        value="", placeholder="lokal pris i kr.", description="Lokal pris", layout=widgets.Layout(width="22em")
    )
    note = widgets.HTML()
    out = widgets.Output()

    def update(_=None) -> None:
        from IPython.display import display

        overrides = []
        if field.value.strip():
            reading = read_number(field.value, "kr")
            if not reading.ok:
                note.value = f"<span style='color:#9a6700'>{html.escape(reading.message)}</span>"
                return
            overrides = [{"service": service, "actor": actor, "price": reading.value}]
            note.value = html.escape(f"Regner med {reading.understood_as}".rstrip(".") + ".")
        else:
            note.value = "Regner med vidensdatabasens pris."
        out.clear_output(wait=True)
        with out:
            r = kursus.result(name, price_overrides=overrides)
            display(kr_table(r.by_year_actor(kind="consequence").loc[first:last], kb))

    field.observe(update, names="value")
    update()
    box = widgets.VBox([field, note, out])
    box.field, box.note = field, note
    return box


def register_comparison_table():
    """Lesson 8's register extract: use per person per year among successes and non-successes, and the
    difference (the consequence per success), in Danish."""
    t = kursus.lesson08.register_comparison()
    names = dict(zip(kursus.course_knowledge().services["id"], kursus.course_knowledge().services["name"]))

    def n(v: float) -> str:
        return number(v, 0 if float(v).is_integer() else 2)

    return _frame(
        {
            "Ydelse": [names[s] for s in t.index],
            "Enhed": list(t["unit"]),
            "Succeser (i job)": [n(v) for v in t["successes"]],
            "Ikke-succeser": [n(v) for v in t["non_successes"]],
        }
    )


def staircase_table():
    """Lesson 9's reimbursement staircase in Danish: weeks, the state's share, the municipality's share."""
    t = kursus.lesson09.staircase()
    weeks = [
        f"uge {a}–{int(b)}" if b is not None and not pd.isna(b) else f"fra uge {a}"
        for a, b in zip(t["from_week"], t["to_week"])
    ]
    return _frame(
        {
            "Uger med ydelse": weeks,
            "Statens refusion": [pct(v, 0) for v in t["state_share"]],
            "Kommunen betaler": [pct(1 - v, 0) for v in t["state_share"]],
        }
    )


def payback_table():
    """Lesson 10's probability of having paid back within N years, per actor, in Danish per cent."""
    t = kursus.lesson10.payback_table()
    out = t.rename(columns=ACTOR_NAMES_DA).map(lambda v: pct(v, 1))
    out.index = [f"{n} år" for n in out.index]
    out.index.name = "Inden for"
    out.columns.name = None
    return out


def evidence_table():
    """What each evidence level means, and how much wider the tool draws the success rate's uncertainty."""
    levels = kursus.lesson10.evidence_levels()
    return _frame(
        {
            "Evidensniveau": [str(k) for k in levels],
            "Betyder": list(levels.values()),
            "Usikkerheden gøres bredere med faktor": [number(EVIDENCE_WIDENING[k], 1) for k in levels],
        }
    )


def decision_paper_box() -> widgets.VBox:
    """Lesson 11: the student's own remark, a button that writes the decision paper, and the paper (rendered,
    and as Markdown text to copy into a document)."""
    from IPython.display import Markdown, display

    remark = widgets.Textarea(
        placeholder="Din egen bemærkning til politikerne (valgfri)", layout=widgets.Layout(width="40em", height="6em")
    )
    make = widgets.Button(description="Lav beslutningsoplæg", button_style="primary", icon="file-text")
    shown = widgets.Output()
    text = widgets.Textarea(layout=widgets.Layout(width="40em", height="12em", display="none"))

    def on_make(_=None) -> None:
        paper = kursus.decision_paper(remark=remark.value)
        text.value = paper
        text.layout.display = None
        shown.clear_output(wait=True)
        with shown:
            display(Markdown(paper))

    make.on_click(on_make)
    box = widgets.VBox([remark, make, shown, widgets.HTML("<b>Som tekst (Markdown) til kopiering:</b>"), text])
    box.remark, box.make_button, box.text = remark, make, text
    return box
