"""The SØM course (notebooks/kursus, som_kernel/kursus.py): every lesson runs, every exercise's reference
answer matches a hand calculation, and the feedback says "Rigtigt" for the right answer and gives a hint
for a wrong one.

The course's knowledge base (notebooks/kursus/data), kroner at price level 2024:
  kontanthjaelp (uge):         kommune 3.000, stat 1.000
  indkomstskat (år i job, +):  kommune 50.000, stat 30.000
  sengedag_psykiatri (dag):    region 5.000
  herbergsdoegn (døgn):        kommune 500, stat 500 (gross 1.000, 50 % state reimbursement)
Consequences per success per year, years 1–10:
  kursus_job:   kontanthjaelp −25, indkomstskat +0,5, sengedag_psykiatri −2
  kursus_bolig: herbergsdoegn −100, sengedag_psykiatri −1
So one success in one year is worth
  job:   kommune 25·3.000 + 0,5·50.000 = 100.000; stat 25·1.000 + 0,5·30.000 = 40.000; region 2·5.000 = 10.000;
         total 150.000
  bolig: kommune 100·500 = 50.000; stat 100·500 = 50.000; region 1·5.000 = 5.000; total 105.000
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from som_kernel import build_scenario, calculate, kursus, load_knowledge
from som_kernel.ui import kursus_widgets

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "notebooks" / "kursus").glob("*.ipynb"))

# Lesson 5 (and 6 at 25 %): cohorts of 20 start 2025/26/27, 2 years each → complete 2026/27/28;
# 25 % → 5 successes per cohort → 750.000 per cohort-year (kommune 500.000); costs 80.000 per participant-year.
#   year:                2025   2026   2027   2028   2029   2030   2031   2032   2033  …2035  2036  2037
#   costs (mio.):       −1,6   −3,2   −3,2   −1,6
#   consequences:          0   0,75   1,50   2,25   2,25   2,25   2,25   2,25   2,25   2,25  1,50  0,75
#   net:                −1,6  −2,45  −1,70  +0,65  +2,25  +2,25  +2,25
#   cumulative:         −1,6  −4,05  −5,75  −5,10  −2,85  −0,60  +1,65  → break-even 2031
#   kommune cons.:         0   0,50   1,00   1,50 …
#   kommune cumulative: −1,6  −4,30  −6,50  −6,60  −5,10  −3,60  −2,10  −0,60  +0,90 → 2033
#   discounted 3,5 %: −1,6; −2,45/1,035 = −2,3671; −1,7/1,035² = −1,5870; 0,65/1,035³ = 0,5863;
#     2,25/1,035⁴ = 1,9607; 2,25/1,035⁵ = 1,8944; 2,25/1,035⁶ = 1,8304
#     cumulative: −1,6; −3,9671; −5,5541; −4,9679; −3,0071; −1,1127; +0,7177 → still 2031
# Lesson 6 at 15 %: 3 successes per cohort → 450.000 per cohort-year
#   net: −1,6; −3,2+0,45 = −2,75; −3,2+0,9 = −2,3; −1,6+1,35 = −0,25; then +1,35 a year
#   cumulative: −1,6; −4,35; −6,65; −6,9; −5,55; −4,2; −2,85; −1,5; −0,15 (2033); +1,2 (2034) → 2034
# At 10 %: 60·10 %·150.000·10 years = 9.000.000 < costs 9.600.000 → no break-even.
# Switching value: 60·r·150.000·10 = 9.600.000 → r = 9,6/90 = 10,667 %.
EXPECTED: dict[str, float | int | str] = {
    "1.1": 10,  # 100 participants × 10 %
    "1.2": 1_500_000,  # 10 successes × 150.000
    "1.3": -500_000,  # 1.500.000 − 100 × 20.000
    "1.4": "positiv",  # more tax is a gain to the state
    "2.1": 1_100_000,  # 300.000 start-up + 20 × 40.000
    "2.2": 2_700_000,  # 300.000 + 60 × 40.000
    "2.3": 600_000,  # 60 × 10.000 replaced usual intervention
    "2.4": 2_100_000,  # 2.700.000 − 600.000
    "2.5": 35_000,  # 2.100.000 / 60
    "3.1": 10,  # 12 % − 2 %
    "3.2": 5,  # 50 × 10 %
    "3.3": 5_250_000,  # 5 × 105.000 × 10 years
    "3.4": 1_050_000,  # (50 × 12 % − 5) = 1 person × 105.000 × 10 years
    "4.1": 3_000,  # kontanthjælp, kommune
    "4.2": 100_000,  # 25 × 3.000 + 0,5 × 50.000
    "4.3": "region",  # psychiatric bed days are the regions'
    "4.4": 500,  # 1.000 × (1 − 50 %)
    "4.5": 400_000,  # 5 successes × 100 døgn × 800 kr.
    "5.1": 2026,  # 2025 + 2 − 1
    "5.2": 750_000,  # only the 2025 cohort has completed: 5 × 150.000
    "5.3": 3_200_000,  # cohorts 2025 (2nd year) and 2026 (1st): 40 × 80.000
    "5.4": 2031,
    "5.5": 2033,
    "5.6": 2_250_000 / 1.035**5,  # = 1.894.439,6 kr.
    "5.7": 2031,
    "6.1": 2034,
    "6.2": "nej",
    "6.3": 9.6 / 90 * 100,  # 10,667 %
}
SHIPPED = {"3.5", "4.6", "6.4"}  # exercises on the shipped knowledge base, checked below


def test_course_knowledge_base_is_valid_and_marked_illustrative():
    kb = load_knowledge(kursus.COURSE_KNOWLEDGE_DIR)
    assert set(kb.target_groups["id"]) == {"kursus_ledige", "kursus_hjemloese"}
    assert len(kb.consequences) == 50  # 10 years × (3 services for job + 2 for bolig)
    for table in (kb.target_groups, kb.outcomes, kb.services, kb.prices, kb.consequences, kb.effect_studies):
        assert table["illustrative"].all()


def test_every_exercise_has_a_hand_calculation():
    assert set(kursus.EXERCISES) == set(EXPECTED) | SHIPPED


@pytest.mark.parametrize("exercise_id", sorted(EXPECTED))
def test_reference_answer(exercise_id):
    expected = EXPECTED[exercise_id]
    got = kursus.reference(exercise_id)
    if isinstance(expected, str):
        assert got == expected
    else:
        assert got == pytest.approx(expected, abs=1e-6)


def _study_rate(study_id: str) -> float:
    with (ROOT / "knowledge" / "effect_studies.csv").open(encoding="utf-8") as f:
        return next(float(r["success_rate"]) for r in csv.DictReader(f) if r["id"] == study_id)


IPS = {
    "target_group": "psykisk_lidelse",
    "participants": [50],
    "duration_years": 1,
    "costs": {"running_per_participant": {"kommune": 60_000}},
    "outcomes": [{"outcome": "psykisk_lidelse_job_uddannelse", "success_rate": 0.13}],
    "settings": {"price_year": 2024, "first_year": 2025, "horizon_years": 10},
}


def test_shipped_knowledge_exercises(kb):
    # 3.5: the IPS study's net success rate, read straight from knowledge/effect_studies.csv (0,13 → 13 %)
    assert kursus.reference("3.5") == pytest.approx(_study_rate("ips_projekt_inklusion") * 100)
    assert kursus.reference("3.5") == pytest.approx(13)
    # 4.6: with the job outcome the largest gains are the municipality's (cash benefits after reimbursement
    # and municipal income tax), larger than the state's and the region's together
    gains = calculate(build_scenario(IPS), kb).totals_by_kind().loc["consequence"]
    assert gains["kommune"] > gains["stat"] + gains["region"] > 0
    assert kursus.reference("4.6") == "kommune"
    # 6.4: the international study's rate (0,30) brings the municipality's break-even earlier than 13 %
    rate = _study_rate("ips_international")
    high = calculate(build_scenario({**IPS, "outcomes": [{**IPS["outcomes"][0], "success_rate": rate}]}), kb)
    base = calculate(build_scenario(IPS), kb)
    assert kursus.reference("6.4") == high.break_even_year("kommune")
    assert high.break_even_year("kommune") < base.break_even_year("kommune")


@pytest.mark.parametrize("exercise_id", sorted(kursus.EXERCISES))
def test_right_answer_says_rigtigt_and_a_wrong_one_does_not(exercise_id):
    e = kursus.EXERCISES[exercise_id]
    ref = kursus.reference(exercise_id)
    assert kursus.check(exercise_id, ref).startswith("Rigtigt!")
    if e.kind == "choice":
        wrong = next(c for c in e.choices if c != ref)
    elif e.kind == "year":
        wrong = ref + 3
    else:
        wrong = ref * 3 + 7
    feedback = kursus.check(exercise_id, wrong)
    assert feedback.startswith("Ikke helt")
    assert len(feedback) > len("Ikke helt. ") + 10  # a hint follows


@pytest.mark.parametrize(
    ("exercise_id", "answer", "hint"),
    [
        ("1.3", "-500.000 kr.", "Rigtigt!"),  # Danish format with unit
        ("1.3", "500000", "fortegnet"),  # sign
        ("1.3", "1.500.000", "Træk omkostningerne fra"),  # consequences only
        ("1.2", "15.000.000", "alle deltagere"),  # all participants instead of the successes
        ("1.2", 150_000, "faktor 10"),
        ("2.1", "−1.100.000", "Rigtigt!"),  # costs: either sign
        ("2.4", 2_700_000, "sparede omkostninger"),
        ("3.1", "12", "2 % ville være kommet ud alligevel"),
        ("3.1", "0,1", "i procent"),
        ("3.3", 6_300_000, "12 %"),  # 6 × 105.000 × 10
        ("4.4", 1000, "bruttoprisen"),
        ("5.1", 2025, "startåret"),
        ("5.4", 2028, "akkumulerede"),  # 2028 is the first year with a positive annual net
        ("5.4", 2035, "for sent"),
        ("5.6", 2_250_000, "udiskonterede"),
        ("5.6", "1.894.000", "Rigtigt!"),  # rounded to the nearest 1.000
        ("6.3", "10,7", "Rigtigt!"),
        ("4.3", "stat", "sygehusene"),
        ("1.4", "måske", "Vælg et af svarene"),
        ("1.3", None, "ikke svaret"),
        ("1.3", "", "ikke svaret"),
        ("1.3", "mange", "kan jeg ikke læse"),
    ],
)
def test_feedback_hints(exercise_id, answer, hint):
    assert hint in kursus.check(exercise_id, answer)


def test_switching_value_without_the_uncertainty_module(monkeypatch):
    # the fallback recomputes with calculate() at 0 % and 100 %: net(0) = −9.600.000,
    # net(1) = 60 · 150.000 · 10 − 9.600.000 = 80.400.000 → 9,6 / 90 = 10,667 %
    monkeypatch.setitem(sys.modules, "som_kernel.uncertainty", None)  # import fails
    assert kursus.switching_success_rate("lektion6") == pytest.approx(9.6 / 90)


def test_check_number_is_pure_and_uses_tolerance_and_sign():
    assert kursus.check_number("10,4", 10, kind="percent", tolerance=0.5).startswith("Rigtigt!")
    assert kursus.check_number("10,6", 10, kind="percent", tolerance=0.5).startswith("Ikke helt: dit svar er for højt")
    assert kursus.check_number(-5, 5, sign_free=True).startswith("Rigtigt!")
    assert "fortegnet" in kursus.check_number(-5, 5)
    assert kursus.check_number(2030.4, 2030, kind="year").startswith("Ikke helt")  # years must be whole
    assert "for tidligt" in kursus.check_number(2029, 2030, kind="year")


def test_widget_checks_and_shows_facit_after_two_wrong_tries():
    box = kursus_widgets.exercise_box("1.3")
    box.answer.value = "-500.000"
    box.check_button.click()
    assert "Rigtigt!" in box.feedback.value
    box.answer.value = "1"
    box.check_button.click()
    assert box.facit_button.layout.display == "none"
    box.check_button.click()
    assert box.facit_button.layout.display is None  # visible
    box.facit_button.click()
    assert "Facit: −500.000 kr." in box.feedback.value
    choice = kursus_widgets.exercise_box("4.3")
    choice.answer.value = "region"
    choice.check_button.click()
    assert "Rigtigt!" in choice.feedback.value


def test_success_rate_slider_moves_break_even():
    explorer = kursus_widgets.success_rate_explorer("lektion6")
    assert "i 2031" in explorer.text.value  # 25 %, see the table above
    explorer.slider.value = 0.15
    assert "i 2034" in explorer.text.value
    explorer.slider.value = 0.10
    assert "ikke inden for perioden" in explorer.text.value


def test_every_exercise_is_in_a_lesson_and_notebooks_are_stored_without_outputs():
    used = set()
    for path in LESSONS:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, f"{path.name} has outputs"
                used |= {i for i in kursus.EXERCISES if f'"{i}"' in cell.source}
    assert len(LESSONS) == 6
    assert used == set(kursus.EXERCISES)


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_runs(path):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, kernel_name="python3", timeout=300, resources={"metadata": {"path": str(path.parent)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    # every answer cell runs unanswered and says so
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "Traceback" not in printed
    for line in printed.splitlines():
        assert line == kursus.NOT_ANSWERED
