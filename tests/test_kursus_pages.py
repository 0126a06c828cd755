"""The course's pages (notebooks/kursus) and widgets: every exercise is answered in a widget (so each lesson
runs in Voilà without code cells), nothing in a code cell or a placeholder gives an answer away, unreadable
and ambiguous answers do not count towards showing the answer, and the Danish tables are Danish.
The notebooks themselves are executed by nbval (`pytest notebooks/kursus`)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from som_kernel import kursus
from som_kernel.ui import kursus_widgets

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "notebooks" / "kursus"
LESSONS = sorted(COURSE.glob("[01][0-9]_*.ipynb"))
LESSON_PAGES = [p for p in LESSONS if not p.name.startswith("00_")]


def _code_cells(path: Path) -> list[str]:
    return [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def test_every_exercise_is_in_its_lesson_page_as_a_widget():
    assert len(LESSON_PAGES) == len(kursus.LESSONS) == 11
    for n, module in kursus.LESSONS.items():
        path = COURSE / module.NOTEBOOK
        boxes = set()
        for source in _code_cells(path):
            boxes |= set(re.findall(r'exercise_box\("([0-9.]+)"', source))
        assert boxes == {e.id for e in kursus.exercises(n)}, path.name


def test_notebooks_are_stored_without_outputs():
    for path in [*LESSONS]:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, f"{path.name} has outputs"


def test_no_code_cell_or_placeholder_gives_an_answer_away():
    # a code-cell exercise starts empty: `svar = None` and a comment without numbers
    for path in LESSON_PAGES:
        for source in _code_cells(path):
            for line in source.splitlines():
                if line.startswith("svar ="):
                    assert re.fullmatch(r"svar = None  # [^0-9]*", line), f"{path.name}: {line}"
            assert "print(kursus.check" not in source
    for placeholder in kursus_widgets.PLACEHOLDERS.values():
        assert not re.search(r"[0-9]", placeholder)


def test_index_page_links_every_lesson():
    index = nbformat.read(COURSE / "00_oversigt.ipynb", as_version=4)
    text = "".join(c.source for c in index.cells)
    for path in LESSON_PAGES:
        assert f"]({path.name})" in text


def test_widget_checks_and_shows_facit_after_two_wrong_tries_only():
    box = kursus_widgets.exercise_box("1.3")
    box.answer.value = "-500.000"
    box.check_button.click()
    assert "Rigtigt!" in box.feedback.value
    # unreadable and ambiguous answers are asked again and do not count
    for text in ("mange", "1,500 mio.", "", "1.5.3", "12 %"):
        box.answer.value = text
        box.check_button.click()
        assert box.facit_button.layout.display == "none", text
    box.answer.value = "1"
    box.check_button.click()
    assert box.facit_button.layout.display == "none"
    box.check_button.click()
    assert box.facit_button.layout.display is None  # visible after two readable wrong answers
    box.facit_button.click()
    assert "Facit: −500.000 kr." in box.feedback.value


def test_radio_widget_says_choose_not_write():
    choice = kursus_widgets.exercise_box("4.3")
    choice.check_button.click()
    assert "ikke valgt" in choice.feedback.value and "Skriv" not in choice.feedback.value
    choice.answer.value = "region"
    choice.check_button.click()
    assert "Rigtigt!" in choice.feedback.value


def test_code_cell_answer_is_checked_in_the_widget():
    box = kursus_widgets.exercise_box("2.4", 2_700_000 - 600_000)
    assert "Rigtigt!" in box.feedback.value and box.answer.value == "2100000"
    assert kursus_widgets.exercise_box("2.4", None).feedback.value == ""


def test_success_rate_slider_moves_break_even():
    explorer = kursus_widgets.success_rate_explorer("lektion6")
    assert "i 2031" in explorer.text.value  # 25 %, see tests/test_kursus.py
    explorer.slider.value = 0.15
    assert "i 2034" in explorer.text.value
    explorer.slider.value = 0.10
    assert "ikke inden for perioden" in explorer.text.value


def test_local_price_field_reads_danish_kroner():
    box = kursus_widgets.local_price_explorer(
        "lektion3", "herbergsdoegn", "kommune", 2025, 2027, kursus.course_knowledge()
    )
    assert box.note.value == "Regner med vidensdatabasens pris."
    box.field.value = "800 kr."
    assert box.note.value == "Regner med 800 kr."
    box.field.value = "otte hundrede"
    assert "kan ikke læses" in box.note.value


def test_effect_study_table_is_danish():
    html = kursus_widgets.effect_studies_table(kursus.shipped_knowledge(), ["ips_projekt_inklusion"]).to_html()
    for header in ("Studie", "Succesrate (netto)", "Med indsatsen", "Uden (kontrolgruppe)", "Evidensniveau"):
        assert header in html
    assert "13,0 %" in html and "59,1 %" in html and "46,5 %" in html  # 0,13; 0,591; 0,465
    assert "0.13" not in html and "success_rate" not in html


@pytest.mark.parametrize("table", ["staircase_table", "evidence_table", "register_comparison_table", "payback_table"])
def test_lesson_tables_are_danish(table):
    frame = getattr(kursus_widgets, table)()
    html = frame.to_html()
    assert not re.search(r"\d\.\d", re.sub(r"<[^>]+>", " ", html).replace("1.5", "")), html[:400]


def test_staircase_and_evidence_tables():
    stairs = kursus_widgets.staircase_table().to_html()
    assert "uge 1–4" in stairs and "80 %" in stairs and "fra uge 53" in stairs
    evidence = kursus_widgets.evidence_table().to_html()
    assert "1,5" in evidence and "2,0" in evidence  # widening for levels 2 and 3


def test_decision_paper_box():
    box = kursus_widgets.decision_paper_box()
    box.remark.value = "Vi anbefaler et forsøg."
    box.make_button.click()
    assert box.text.value.startswith("# Beslutningsoplæg") and "Vi anbefaler et forsøg." in box.text.value
