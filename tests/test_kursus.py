"""The SØM course (notebooks/kursus, som_kernel/kursus/): every exercise's reference answer matches a hand
calculation, the feedback says "Rigtigt" for every reasonable formatting of the right answer, asks instead of
grading when an answer can be read two ways, and gives a hint for a wrong one.

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
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from som_kernel import build_scenario, calculate, kursus, load_knowledge
from som_kernel.kursus.grading import check_number

ROOT = Path(__file__).resolve().parent.parent

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
# Lesson 7: 20 participants × 80.000 = 1.600.000 kr.; 25 % → 5 successes × 150.000 = 750.000 kr. a year at full
#   effect; persistence 100/75/50/25/0 % in 2025…2029 → 750.000, 562.500, 375.000, 187.500 → 1.875.000 in all.
#   Full effect 10 years: 7.500.000 − 1.600.000 = 5.900.000; only the 2 measured years: 1.500.000 − 1.600.000
#   = −100.000; years of full effect needed: 750.000 · n ≥ 1.600.000 → n = 3.
# Lesson 9: costs per participant kommune 40.000, region 20.000; 20 participants, 20 % → 4 successes, 1 year.
#   Staircase (state share): weeks 1–4 80 %, 5–26 40 %, 27–52 30 %, 53– 20 %; 4.000 kr. a week gross.
#   Kommune's cost of weeks 1–52: 4·4.000·0,2 + 22·4.000·0,6 + 26·4.000·0,7 = 3.200 + 52.800 + 72.800 = 128.800.
# Lesson 10: 20 participants × 300.000 = 6.000.000 kr.; 25 % → 5 successes × 150.000 × 10 years = 7.500.000.
#   Switching success rate: 20 · r · 1.500.000 = 6.000.000 → r = 20 %; highest cost per participant:
#   7.500.000 / 20 = 375.000 kr.
# Lesson 11: lesson 5's cohorts. Kommune: 3 cohorts × 5 successes × 100.000 × 10 years = 15.000.000 −
#   9.600.000 = 5.400.000. Only the 2 measured years: 3 × 5 × 150.000 × 2 = 4.500.000 − 9.600.000 = −5.100.000.
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
    "2.6": 14_400,  # 450.000 / 1.500 = 300 kr. an hour × 40 hours = 12.000 × 1,2 (overhead 20 %)
    "2.7": 388_000,  # (14.400 + 10 × 500 materials) × 20 participants in 2025
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
    "7.1": 375_000,  # 5 × 150.000 × 50 %
    "7.2": 1_875_000,  # 5 × 150.000 × (1 + 0,75 + 0,5 + 0,25)
    "7.3": 275_000,  # 1.875.000 − 1.600.000
    "7.4": 5_900_000,  # 5 × 150.000 × 10 − 1.600.000
    "7.5": -100_000,  # 5 × 150.000 × 2 − 1.600.000
    "7.6": 3,  # 750.000 × 3 = 2.250.000 ≥ 1.600.000 > 1.500.000
    "8.1": -25,  # 2 − 27 weeks
    "8.2": 10_000,  # (3 − 1) bed days × 5.000
    "8.3": kursus.lesson08.NET_OF_COMPARISON,
    "8.4": "Ud af hjemløshed",  # the outcome of the homeless target group
    "9.1": 800_000,  # 20 × 40.000
    "9.2": -360_000,  # 4 successes × 2 bed days × 5.000 − 20 × 20.000
    "9.3": 3_200,  # 4 weeks × 4.000 × (1 − 80 %)
    "9.4": 35_200,  # 22 weeks × 4.000 × 40 %
    "9.5": 128_800,  # see above
    "9.6": "kommune",  # after 52 weeks the state refunds 20 %: the municipality saves 80 %
    "10.1": 20,  # 6.000.000 / (20 × 1.500.000)
    "10.2": 375_000,  # 7.500.000 / 20
    "10.4": "Randomiseret forsøg eller metaanalyse af flere forsøg",
    "10.5": 1.5,  # the tool's widening factor for evidence level 2
    "11.1": 5_400_000,
    "11.2": -5_100_000,
    "11.3": kursus.lesson11.HORIZON_CAVEAT,  # counting only the measured years turns +12,9 mio. into −5,1 mio.
}
SHIPPED = {"3.5", "4.6", "6.4"}  # exercises on the shipped knowledge base, checked below
SIMULATED = {"10.3"}  # read from the Monte Carlo table, checked below


def test_course_knowledge_base_is_valid_and_marked_illustrative():
    kb = load_knowledge(kursus.COURSE_KNOWLEDGE_DIR)
    assert set(kb.target_groups["id"]) == {"kursus_ledige", "kursus_hjemloese"}
    assert len(kb.consequences) == 50  # 10 years × (3 services for job + 2 for bolig)
    for table in (kb.target_groups, kb.outcomes, kb.services, kb.prices, kb.consequences, kb.effect_studies):
        assert table["illustrative"].all()


def test_every_exercise_has_a_hand_calculation():
    assert set(kursus.EXERCISES) == set(EXPECTED) | SHIPPED | SIMULATED
    assert sorted(kursus.LESSONS) == list(range(1, 12))
    assert all(kursus.exercises(n) for n in kursus.LESSONS)


@pytest.mark.parametrize("exercise_id", sorted(EXPECTED))
def test_reference_answer(exercise_id):
    expected = EXPECTED[exercise_id]
    got = kursus.reference(exercise_id)
    if isinstance(expected, str):
        assert got == expected
    else:
        assert got == pytest.approx(expected, abs=1e-6)


def _study(study_id: str) -> dict:
    with (ROOT / "knowledge" / "effect_studies.csv").open(encoding="utf-8") as f:
        return next(r for r in csv.DictReader(f) if r["id"] == study_id)


IPS = {
    "target_group": "psykisk_lidelse",
    "participants": [50],
    "duration_years": 1,
    "costs": {"running_per_participant": {"kommune": 60_000}},
    "outcomes": [{"outcome": "psykisk_lidelse_job_uddannelse", "success_rate": 0.13}],
    "settings": {"price_year": 2024, "first_year": 2025, "horizon_years": 10},
}


def test_shipped_knowledge_exercises(kb):
    # 3.5: lesson 3's rule on the IPS trial, read straight from knowledge/effect_studies.csv:
    # 59,1 % − 46,5 % = 12,6 %; the knowledge base's rounded 13 % is also right, with a note
    ips = _study("ips_projekt_inklusion")
    assert kursus.reference("3.5") == pytest.approx((float(ips["rate_treatment"]) - float(ips["rate_control"])) * 100)
    assert kursus.reference("3.5") == pytest.approx(12.6)
    assert kursus.check("3.5", "12,6").right
    rounded = kursus.check("3.5", "13 %")
    assert rounded.right and "afrundede" in rounded.text and "12,6 %" in rounded.text
    assert "Træk kontrolgruppen fra" in kursus.check("3.5", "59,1").text
    # 4.6: with the job outcome the largest gains are the municipality's (cash benefits after reimbursement
    # and municipal income tax), larger than the state's and the region's together
    gains = calculate(build_scenario(IPS), kb).totals_by_kind().loc["consequence"]
    assert gains["kommune"] > gains["stat"] + gains["region"] > 0
    assert kursus.reference("4.6") == "kommune"
    # 6.4: the international study's rate (0,30) brings the municipality's break-even earlier than 13 %; the
    # question says the knowledge base marks that study illustrative
    international = _study("ips_international")
    assert international["illustrative"] == "true"
    assert "illustrativt" in kursus.EXERCISES["6.4"].question
    rate = float(international["success_rate"])
    high = calculate(build_scenario({**IPS, "outcomes": [{**IPS["outcomes"][0], "success_rate": rate}]}), kb)
    base = calculate(build_scenario(IPS), kb)
    assert kursus.reference("6.4") == high.break_even_year("kommune")
    assert high.break_even_year("kommune") < base.break_even_year("kommune")


def test_payback_probability_is_the_simulations():
    # 10.3 is read from the Monte Carlo table (2.000 draws, seed 1): the share of draws whose cumulative net
    # result (in total; costs start in the first year) reaches 0 in some year 2025–2034, recomputed from the draws
    mc = kursus.lesson10.simulation()
    total = mc.cumulative()[:, :10, -1]  # draws × the first 10 years, column 'total'
    share = float((total >= -1e-6).any(axis=1).mean() * 100)
    assert kursus.reference("10.3") == pytest.approx(share)
    assert 30 < share < 95  # neither certain nor hopeless: at 25 % the expected net is +1.500.000 kr.
    assert kursus.check("10.3", f"{share:.1f}".replace(".", ",") + " %").right


def test_lesson_data_agree_with_the_knowledge_base_and_cite_their_source():
    # lesson 8's register extract: successes − non-successes = the course knowledge base's consequences
    t = kursus.lesson08.register_comparison()
    for service in t.index:
        assert t.at[service, "delta_use"] == pytest.approx(kursus.lesson08.knowledge_delta(service))
    # lesson 9's staircase: the law's four steps, with title and URL, and the split adds up
    stairs = kursus.lesson_data("refusionstrappe")
    assert [s["state_share"] for s in stairs["steps"]] == [0.8, 0.4, 0.3, 0.2]
    assert "§ 5" in stairs["source_title"] and stairs["source_url"].startswith("https://")
    split = kursus.lesson09.split_weeks(1, 60)
    assert split["kommune"] + split["stat"] == pytest.approx(60 * 4_000)
    # 60 weeks: stat 4·3.200 + 22·1.600 + 26·1.200 + 8·800 = 12.800 + 35.200 + 31.200 + 6.400 = 85.600
    assert split["stat"] == pytest.approx(85_600)


def test_decision_paper():
    paper = kursus.decision_paper(remark="Vi anbefaler et forsøg med opfølgning efter 3 år.")
    assert paper.startswith("# Beslutningsoplæg: Jobindsats med tre hold")
    assert "| Kommunen | 5.400.000 kr. | 2033 |" in paper  # lesson 5's hand calculation
    assert "| Det offentlige samlet | 12.900.000 kr. | 2031 |" in paper  # 22.500.000 − 9.600.000
    assert "fulgt deltagerne i 2 år; beregningen regner med 10 år" in paper
    assert "−5.100.000 kr." in paper  # only the measured years
    assert "evidensniveau 2" in paper and "15 %–35 %" in paper
    assert "mindst være 10,7 %" in paper  # 9,6 / 90
    assert "illustrative" in paper
    assert paper.rstrip().endswith("Vi anbefaler et forsøg med opfølgning efter 3 år.")


# ---- feedback -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("exercise_id", sorted(kursus.EXERCISES))
def test_right_answer_says_rigtigt_and_a_wrong_one_does_not(exercise_id):
    e = kursus.EXERCISES[exercise_id]
    ref = kursus.reference(exercise_id)
    assert kursus.check(exercise_id, ref).right
    if e.kind == "choice":
        wrong = next(c for c in e.options() if c != ref)
    elif e.kind == "year":
        wrong = ref + 3
    else:
        wrong = ref * 3 + 7
    feedback = kursus.check(exercise_id, wrong)
    assert feedback.status == "wrong" and feedback.text.startswith("Ikke helt")
    assert len(feedback.text) > len("Ikke helt. ") + 10  # a hint follows


@pytest.mark.parametrize(
    ("exercise_id", "answer", "status", "hint"),
    [
        ("1.3", "-500.000 kr.", "right", "Rigtigt!"),  # Danish format with unit
        ("1.3", "−500.000", "right", "Rigtigt!"),  # unicode minus; kroner: "." before three digits is thousands
        ("1.3", "-500,000", "right", "Rigtigt!"),  # English thousands (it was read as −500 before)
        ("1.3", "-0,5 mio.", "right", "Rigtigt!"),
        ("1.3", "500000", "wrong", "fortegnet"),  # sign
        ("1.3", "1.500.000", "wrong", "Træk omkostningerne fra"),  # consequences only
        ("1.2", "1.500.000 kr", "right", "Rigtigt!"),
        ("1.2", "1,5 mio.", "right", "Rigtigt!"),
        ("1.2", "1 500 000", "right", "Rigtigt!"),
        ("1.2", "15.000.000", "wrong", "alle deltagere"),  # all participants instead of the successes
        ("1.2", 150_000, "wrong", "faktor 10"),
        ("2.1", "−1.100.000", "right", "Rigtigt!"),  # costs: either sign
        ("2.4", 2_700_000, "wrong", "sparede omkostninger"),
        ("3.1", "12", "wrong", "2 % ville være kommet ud alligevel"),
        ("3.1", "0,1", "wrong", "i procent"),
        ("3.1", "0.1", "wrong", "i procent"),  # a share in English notation: not "for lavt"
        ("3.1", "10 %", "right", "Rigtigt!"),
        ("3.3", "5250000.0", "right", "Rigtigt!"),  # English decimal point (was "faktor 10")
        ("3.3", 6_300_000, "wrong", "12 %"),  # 6 × 105.000 × 10
        ("4.4", 1000, "wrong", "bruttoprisen"),
        ("4.4", "1.000", "wrong", "bruttoprisen"),  # kroner: 1.000 is a thousand
        ("5.1", 2025, "wrong", "startåret"),
        ("5.1", "år 2026", "right", "Rigtigt!"),
        ("5.1", "2026,5", "wrong", "helt årstal"),  # was read as 2026
        ("5.4", 2028, "wrong", "akkumulerede"),  # 2028 is the first year with a positive annual net
        ("5.4", 2035, "wrong", "for sent"),
        ("5.6", 2_250_000, "wrong", "udiskonterede"),
        ("5.6", "1.894.000", "right", "Rigtigt!"),  # rounded to the nearest 1.000
        ("6.3", "10,7", "right", "Rigtigt!"),
        ("6.3", "10.7", "right", "Rigtigt!"),  # English decimal point (was "for højt")
        ("6.3", "10,7 %", "right", "Rigtigt!"),
        ("3.2", "5.000", "ambiguous", "to måder"),  # 5.000 or 5,000? asked, not graded
        ("10.5", "1,500", "ambiguous", "to måder"),
        ("6.3", "10,7 kr.", "unreadable", "Svaret skal være i %"),
        ("4.3", "stat", "wrong", "sygehusene"),
        ("1.4", "måske", "unreadable", "Vælg et af svarene"),
        ("1.4", None, "empty", "ikke valgt"),  # a radio question does not say "Skriv dit svar"
        ("1.3", None, "empty", "ikke svaret"),
        ("1.3", "", "empty", "ikke svaret"),
        ("1.3", "mange", "unreadable", "kan jeg ikke læse"),
        ("7.5", "-0,1 mio.", "right", "Rigtigt!"),
        ("11.1", "5,4 mio. kr.", "right", "Rigtigt!"),
        ("11.2", "−5,1 mio.", "right", "Rigtigt!"),
    ],
)
def test_feedback(exercise_id, answer, status, hint):
    feedback = kursus.check(exercise_id, answer)
    assert feedback.status == status, feedback.text
    assert hint in feedback.text


def test_radio_questions_do_not_ask_to_write():
    for e in kursus.EXERCISES.values():
        if e.kind == "choice":
            assert "Skriv" not in kursus.check(e.id, None).text


def test_check_number_is_pure_and_uses_tolerance_and_sign():
    assert check_number("10,4", 10, kind="percent", tolerance=0.5).right
    assert check_number("10,6", 10, kind="percent", tolerance=0.5).text.startswith("Ikke helt: (")
    assert "for højt" in check_number("10,6", 10, kind="percent", tolerance=0.5).text
    assert check_number(-5, 5, sign_free=True).right
    assert "fortegnet" in check_number(-5, 5).text
    assert check_number(2030.4, 2030, kind="year").status == "wrong"  # years must be whole
    assert "for tidligt" in check_number(2029, 2030, kind="year").text


# ---- every reasonable formatting of every numeric reference answer ------------------------------------

NUMERIC = sorted(i for i, e in kursus.EXERCISES.items() if e.kind != "choice")


def _danish(x: float, decimals: int, thousands: str = ".", decimal: str = ",") -> str:
    text = f"{abs(x):,.{decimals}f}".replace(",", "\x00").replace(".", decimal).replace("\x00", thousands)
    return text


def formattings(ref: float, kind: str) -> list[str]:
    """The ways a student might write `ref` (all of them the right answer, within the exercise's tolerance)."""
    if kind == "year":
        return [str(ref), f"år {ref}", f"År {ref}", f" {ref} "]
    decimals = 0 if float(ref).is_integer() else 2
    bodies = {
        _danish(ref, decimals),  # 1.500.000 / 10,67
        _danish(ref, decimals, " "),  # 1 500 000
        _danish(ref, decimals, "\u00a0"),  # non-breaking spaces
        _danish(ref, decimals, ""),  # 1500000
        _danish(ref, decimals, ",", "."),  # 1,500,000 / 10.67 (English)
        _danish(ref, decimals, "", "."),  # 1500000 / 10.67
        _danish(ref, max(decimals, 1), "", "."),  # 5250000.0 (as Python prints a float)
        _danish(ref, max(decimals, 1)),  # 1.500.000,0
    }
    if kind == "kr" and abs(ref) >= 100_000:
        millions = f"{abs(ref) / 1e6:.4f}".rstrip("0").rstrip(".")
        bodies |= {millions.replace(".", ",") + " mio.", millions + " mio", millions.replace(".", ",") + " mio. kr."}
    units = {"kr": ["", " kr.", " kr", "kr. ", " DKK"], "percent": ["", " %", "%", " pct."], "number": [""]}[kind]
    out = []
    for body in sorted(bodies):
        for unit in units:
            for minus in ("-", "\u2212", "\u2013") if ref < 0 else ("", "+"):
                text = unit + minus + body if unit.startswith("kr") else minus + body + unit
                if "mio" in body and unit:
                    if unit.strip() != "kr.":
                        continue
                    text = minus + body
                out.append(text)
    return sorted(set(out))


@pytest.mark.parametrize("exercise_id", NUMERIC)
def test_every_formatting_of_the_reference_is_right_or_asked(exercise_id):
    """Graded 'right', or — only for a text the reader finds ambiguous — asked about with the right value
    among the two readings; never 'wrong'. The reference, mistakes and also-right answers are computed once
    and fed to the same pure grading function kursus.check uses."""
    e = kursus.EXERCISES[exercise_id]
    ref = e.reference()
    args = dict(
        kind=e.kind,
        tolerance=e.tolerance,
        hint=e.hint,
        mistakes=e.mistakes(),
        also_right=e.also_right(),
        sign_free=e.sign_free,
    )
    texts = formattings(ref, e.kind)
    assert len(texts) >= 4
    for text in texts:
        feedback = check_number(text, ref, **args)
        assert feedback.status in ("right", "ambiguous"), (text, feedback.text)
        if feedback.status == "ambiguous":
            from som_kernel.numbers import read_number

            reading = read_number(text, {"kr": "kr", "percent": "%", "year": "år", "number": None}[e.kind])
            assert any(abs(a - ref) <= max(e.tolerance, 1e-9) for a in reading.alternatives), text


@settings(max_examples=60, deadline=None)
@given(exercise_id=st.sampled_from(NUMERIC), pick=st.integers(0, 10_000))
def test_kursus_check_end_to_end_on_random_formattings(exercise_id, pick):
    ref = kursus.reference(exercise_id)
    texts = formattings(ref, kursus.EXERCISES[exercise_id].kind)
    assert kursus.check(exercise_id, texts[pick % len(texts)]).status in ("right", "ambiguous")
