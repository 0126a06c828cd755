"""som_kernel.compare: alternatives side by side, checked by hand on the tiny round-number knowledge base.

Scenario (kb_small, tg_a, outcome job): 10 starters in 2025, 1-year course, horizon 3 years, price level 2024,
running cost 20.000 kr. per participant for kommune → cost 2025: −200.000 kr. (kommune). Per successful person:
  kommune gains 55.000 (2025), 110.000 (2026), 110.000 (2027): benefit 3.000 × 10/20/20 + tax 50.000 × 0,5/1/1
  stat    gains 25.000, 50.000, 50.000:                     benefit 1.000 × 10/20/20 + tax 30.000 × 0,5/1/1
A (success 10 % = 1 person): kommune −145.000, 110.000, 110.000 → 75.000, break-even 2027
                             stat 125.000 (break-even 2025); total −120.000, 160.000, 160.000 → 200.000 (2026)
B (success 1 % = 0,1 person): kommune −200.000 + 27.500 = −172.500 (never); stat 12.500 (2025); total −160.000
"""

import io
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook

from som_kernel import ScenarioError, build_scenario, calculate, compare, load_knowledge
from som_kernel.compare import (
    chart_cumulative,
    chart_differences,
    comparison_workbook_bytes,
    document_from_json,
    document_to_json,
    letter,
)
from som_kernel.scenario import load_scenario, scenario_from_json, scenario_to_json
from som_kernel.uncertainty import UncertaintySpec, monte_carlo

KB_SMALL = Path(__file__).parent / "fixtures" / "kb_small"
EXAMPLE = Path(__file__).resolve().parent.parent / "notebooks" / "scenarier" / "eksempel.json"


@pytest.fixture(scope="module")
def kb():
    return load_knowledge(KB_SMALL)


def scenario(success_rate=0.1, discount_rate=0.0, name="Test", participants=(10,)):
    return build_scenario(
        {
            "name": name,
            "target_group": "tg_a",
            "participants": list(participants),
            "duration_years": 1,
            "costs": {"running_per_participant": {"kommune": 20000}},
            "outcomes": [{"outcome": "job", "success_rate": success_rate}],
            "settings": {"price_year": 2024, "first_year": 2025, "horizon_years": 3, "discount_rate": discount_rate},
        }
    )


@pytest.fixture(scope="module")
def cmp(kb):
    return compare([calculate(scenario(0.1), kb), calculate(scenario(0.01), kb)], names=["A", "B"])


def test_net_per_actor_and_differences_against_the_base(cmp):
    net = cmp.net()
    assert net.loc["A"].tolist() == pytest.approx([75_000, 0, 125_000, 200_000])
    assert net.loc["B"].tolist() == pytest.approx([-172_500, 0, 12_500, -160_000])
    diff = cmp.differences()
    assert diff.loc["A"].tolist() == pytest.approx([0, 0, 0, 0])
    # B − A: −172.500 − 75.000 = −247.500; 12.500 − 125.000 = −112.500; −160.000 − 200.000 = −360.000
    assert diff.loc["B"].tolist() == pytest.approx([-247_500, 0, -112_500, -360_000])


def test_per_participant_and_costs(cmp):
    # 200.000 / 10 = 20.000; −160.000 / 10 = −16.000
    assert cmp.per_participant().loc[:, "total"].tolist() == pytest.approx([20_000, -16_000])
    assert cmp.costs().loc["B", "kommune"] == pytest.approx(-200_000)
    # consequences B: kommune 27.500, stat 12.500
    assert cmp.consequences().loc["B"].tolist() == pytest.approx([27_500, 0, 12_500, 40_000])


def test_break_even_per_actor_and_difference_in_years(cmp):
    be = cmp.break_even()
    assert be.loc["A"].tolist() == [2027, None, 2025, 2026]
    assert be.loc["B"].tolist() == [None, None, 2025, None]
    assert cmp.differences("break_even").loc["B"].tolist() == [None, None, 0, None]


def test_npv_at_each_alternatives_rate(kb):
    # total per year −120.000, 160.000, 160.000 at 10 %: −120.000 + 160.000/1,1 + 160.000/1,21 = 157.685,95
    c = compare([calculate(scenario(0.1, 0.1), kb), calculate(scenario(0.1), kb)], names=["r10", "r0"])
    assert c.npv().at["r10", "total"] == pytest.approx(157_685.95, abs=0.01)
    assert c.npv().at["r0", "total"] == pytest.approx(200_000)
    assert any("diskonteringsrenter" in n for n in c.notes())


def test_tidy_table_has_the_alternative_column_and_sums_to_the_views(cmp):
    t = cmp.table
    assert t.columns[0] == "alternative"
    assert set(t["alternative"]) == {"A", "B"}
    assert t.groupby("alternative")["amount"].sum().to_dict() == pytest.approx({"A": 200_000, "B": -160_000})


def test_cumulative_per_alternative(cmp):
    c = cmp.cumulative()
    total_a = c[(c["alternative"] == "A") & (c["actor"] == "total")]["cumulative"].tolist()
    assert total_a == pytest.approx([-120_000, 40_000, 200_000])


def test_monte_carlo_attached_gives_payback_probability(kb):
    # no spread at all: every draw equals the base, so A's total breaks even in 2026 (within 2 years, not 1)
    spec = UncertaintySpec(success_sd=0, consequence_sd=0, price_sd=0, cost_sd=0, use_studies=False)
    a, b = scenario(0.1), scenario(0.01)
    mc = monte_carlo(a, kb, 50, seed=1, spec=spec)
    c = compare([calculate(a, kb), calculate(b, kb)], names=["A", "B"], monte_carlo={"A": mc})
    assert c.prob_payback(2).loc["A"].tolist() == [0.0, 0.0, 1.0, 1.0]  # kommune 2027, region never, stat 2025
    assert c.prob_payback(1).at["A", "total"] == 0.0
    assert np.isnan(c.prob_payback(2).loc["B"]).all()
    assert "prob_payback" in set(c.summary_table()["figure"])


def test_default_names_and_letters(kb):
    r = calculate(scenario(0.1), kb)
    assert compare([r, r]).names == ["A: Test", "B: Test"]
    assert compare([r, calculate(scenario(0.1, name="Andet"), kb)]).names == ["Test", "Andet"]
    assert [letter(i) for i in (0, 1, 25, 26)] == ["A", "B", "Z", "AA"]


def test_bad_input_gives_danish_errors(kb):
    r = calculate(scenario(0.1), kb)
    with pytest.raises(ScenarioError, match="ingen beregninger"):
        compare([])
    with pytest.raises(ScenarioError, match="samme navn"):
        compare([r, r], names=["A", "A"])
    with pytest.raises(ScenarioError, match="2 navne til 1"):
        compare([r], names=["A", "B"])


def test_notes_on_different_periods(kb):
    long = calculate(scenario(0.1, participants=(10, 10)), kb)
    c = compare([calculate(scenario(0.1), kb), long], names=["kort", "lang"])
    assert c.notes() == [
        "Alternativerne dækker forskellige perioder (kort 2025–2027, lang 2025–2028); et længere forløb eller en "
        "længere tidshorisont giver flere år med gevinster."
    ]


def test_scenario_file_keeps_pinned_alternatives_and_old_files_load(tmp_path):
    a, b = scenario(0.1, name="A-beregning"), scenario(0.01, name="B-beregning")
    text = document_to_json(a, [("A", a), ("Lav effekt", b)])
    main, pinned = document_from_json(text)
    assert main == a
    assert [(n, s.outcomes[0].success_rate) for n, s in pinned] == [("A", 0.1), ("Lav effekt", 0.01)]
    # the plain scenario reader ignores the list, so an app without compare still opens the file
    assert scenario_from_json(text) == a
    # an older file (no list) has no alternatives
    assert document_from_json(scenario_to_json(a)) == (a, [])
    assert document_from_json(EXAMPLE.read_bytes())[0] == load_scenario(EXAMPLE)


def test_broken_alternative_names_its_place():
    text = document_to_json(scenario(0.1), [("A", scenario(0.1))]).replace(
        '"success_rate": 0.1', '"success_rate": 2', 1
    )
    # the first replacement hits the main scenario; break the alternative instead
    doc = document_to_json(scenario(0.1), [("A", scenario(0.1))])
    head, tail = doc.split('"alternatives"')
    broken = head + '"alternatives"' + tail.replace('"success_rate": 0.1', '"success_rate": 2')
    with pytest.raises(ScenarioError) as e:
        document_from_json(broken)
    assert e.value.problems[0].where.startswith("alternatives[0].outcomes")
    with pytest.raises(ScenarioError):
        document_from_json(text)


def test_excel_export_of_the_comparison(cmp):
    wb = load_workbook(io.BytesIO(comparison_workbook_bytes(cmp)))
    ws = wb["Nettoresultat"]
    assert [c.value for c in ws[1]] == ["Alternativ", "Kommune", "Region", "Stat", "I alt"]
    assert [c.value for c in ws[3]] == ["B", -172_500, 0, 12_500, -160_000]
    assert ws["B3"].number_format == "#,##0"
    # differences block: blank row, title, header, A, B
    assert ws.cell(5, 1).value == "Forskel fra A"
    assert [c.value for c in ws[8]] == ["B", -247_500, 0, -112_500, -360_000]
    assert [c.value for c in wb["Break-even-år"][3]] == ["B", None, None, 2025, None]


def test_charts_are_valid_vega_lite(cmp):
    diff = chart_differences(cmp).to_dict()
    values = diff["layer"][0]["data"]["values"]
    assert {"alternativ": "B", "aktør": "I alt", "kr": -360_000.0} in values
    assert all(v["alternativ"] == "B" for v in values)  # the base is not drawn against itself
    cum = chart_cumulative(cmp).to_dict()
    assert len(cum["layer"][1]["data"]["values"]) == 6  # 2 alternatives × 3 years


# ---- the app's step 8 (Sammenlign), driven through its widgets without a browser ------------------------------


def test_app_pins_renames_compares_and_saves_alternatives(kb):
    import base64

    from som_kernel.ui.app import TAB_COMPARE, TAB_TITLES, build_app

    assert TAB_TITLES[TAB_COMPARE] == "8 Sammenlign"
    app = build_app(kb, scenario(0.1, name="Job"))
    step = app.compare
    step.pin_button.click()  # A = success 10 %
    app.outcome_row("job").rate.input.value = "1"  # the current calculation: success 1 %
    assert [n for n, _ in step.alternatives()] == ["A", "Aktuel beregning"]
    step.pin_button.click()  # B = success 1 %
    assert [n for n, _ in step.pinned] == ["A", "B"]
    name_box = step.rows.children[1].children[0]
    name_box.value = "Lav effekt"  # rename B
    assert [n for n, _ in step.pinned] == ["A", "Lav effekt"]
    name_box = step.rows.children[1].children[0]
    name_box.value = "A"  # a name in use is refused with a message, the old name stays
    assert [n for n, _ in step.pinned] == ["A", "Lav effekt"] and "allerede brugt" in step.msg.value
    # side by side: net in total 200.000 and −160.000, difference −360.000 kr. = −0,4 mio. kr.
    assert "Lav effekt" in step.table.value and "−0,4 mio. kr." in step.table.value
    assert len(step.chart_box.children) == 2
    step.excel_button.click()
    assert "som-compare-excel-link" in step.excel_link.value
    # the save link carries the pinned alternatives; loading the file brings them back
    link = app.save_link.value
    saved = base64.b64decode(link.split("base64,")[1].split('"')[0])
    fresh = build_app(kb, scenario(0.1, name="Job"))
    assert fresh.load_file(saved, "gemt.json")
    assert [(n, s.outcomes[0].success_rate) for n, s in fresh.compare.pinned] == [("A", 0.1), ("Lav effekt", 0.01)]
    step.remove(0)
    assert [n for n, _ in step.pinned] == ["Lav effekt"]


def test_app_makes_the_decision_paper(kb):
    import base64
    import io

    from docx import Document

    from som_kernel.ui.app import build_app

    app = build_app(kb, scenario(0.1, name="Job"))
    app.compare.report_button.click()
    link = app.compare.report_link.value
    assert "som-report-link" in link and "beslutningsoplaeg_job.docx" in link
    doc = Document(io.BytesIO(base64.b64decode(link.split("base64,")[1].split('"')[0])))
    assert doc.paragraphs[0].text == "Beslutningsoplæg: Job"
    # the fields the kommune files it under go into the document's properties
    app.compare.paper_author.value = "Anna Økonom"
    app.compare.paper_department.value = "Økonomi og Analyse"
    app.compare.report_button.click()
    link = app.compare.report_link.value
    doc = Document(io.BytesIO(base64.b64decode(link.split("base64,")[1].split('"')[0])))
    assert (doc.core_properties.author, doc.core_properties.category) == ("Anna Økonom", "Økonomi og Analyse")


def test_app_comparison_shows_payback_probabilities(kb):
    from som_kernel.ui.app import build_app
    from som_kernel.uncertainty import monte_carlo

    app = build_app(kb, scenario(0.1, name="Job"))
    step = app.compare
    step.pin_button.click()  # A = success 10 %
    app.outcome_row("job").rate.input.value = "1"  # the current calculation: success 1 %
    assert step.payback.value == ""  # on request only
    step.payback_button.click()
    shown = step.payback.value
    # A breaks even for the kommune in år 3 (2027) (test_report's hand numbers); the probabilities are the seeded
    # Monte Carlo's (10.000 draws, seed 1), the same run the decision paper uses
    mc = monte_carlo(scenario(0.1, name="Job"), kb, n_draws=10_000, seed=1)
    p3 = round(float(mc.prob_payback_within(3)["kommune"]) * 100)
    assert "<td>A</td><td class='num'>år 3 (2027)</td>" in shown
    assert f"<td class='num'>{p3} %</td>" in shown
    # at 1 % the kommune never earns its 200.000 kr. back (it gets 27.500 kr. in return): 0 % within 10 years
    assert "<td>Aktuel beregning</td><td class='num'>ikke inden for perioden</td>" in shown


def test_app_start_file_with_pinned_alternatives(kb, tmp_path):
    from som_kernel.ui.app import build_app

    path = tmp_path / "med_alternativer.json"
    path.write_text(document_to_json(scenario(0.1, name="Job"), [("Lav effekt", scenario(0.01))]), encoding="utf-8")
    app = build_app(kb, path)
    assert [n for n, _ in app.compare.pinned] == ["Lav effekt"]
    assert "Lav effekt" in app.compare.table.value  # compared with the current calculation
