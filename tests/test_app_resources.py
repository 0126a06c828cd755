"""Step 2's resource table in the app (som_kernel/ui/app_resources.py): rows built from the declared fields, the
cost lines derived from them, Danish messages next to the field, the derivation shown, save and reopen.

kb_small: 10 participants in 2025 at 20.000 kr. each (tests/small_scenario.py); wages.csv: rådgiver 480.000 kr. per
årsværk / 1.600 hours = 300 kr. an hour; no overhead in its meta.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest
from small_scenario import KB_SMALL, SMALL

from som_kernel import build_scenario, load_knowledge, scenario_from_json, scenario_to_json
from som_kernel.ui.app import build_app


@pytest.fixture(scope="module")
def kb():
    return load_knowledge(KB_SMALL)


@pytest.fixture
def app(kb):
    return build_app(kb, build_scenario(SMALL))


def costs(app, actor: str = "kommune") -> float:
    return -float(app.result.totals_by_kind().at["cost", actor])


def add_adviser(app, hours: str = "40"):
    editor = app.costs.resources
    editor.add.click()
    row = editor.rows[-1]
    row.inputs["name"].value = "Rådgiver"
    row.inputs["line"].value = "running_per_participant"
    row.inputs["unit"].value = "hours"
    row.inputs["profession"].value = "raadgiver"
    row.inputs["quantity"].value = hours
    return row


def test_a_resource_row_adds_to_its_cost_line_and_shows_how(app):
    assert costs(app) == pytest.approx(200_000)  # 10 · 20.000
    editor = app.costs.resources
    editor.add.click()
    assert app.problems == []  # a new row costs 0 kr. until it is filled in
    assert costs(app) == pytest.approx(200_000)
    row = editor.rows[0]
    row.inputs["name"].value = "Rådgiver"
    row.inputs["profession"].value = "raadgiver"
    assert row.inputs["unit_price"].input.disabled  # the profession prices it
    row.inputs["quantity"].value = "40"
    # 40 hours · 300 kr. = 12.000 kr. per participant → 10 · (20.000 + 12.000) = 320.000
    assert costs(app) == pytest.approx(320_000)
    assert app.scenario.costs.resources[0].profession == "raadgiver"
    assert (
        "40 timer × 300,00 kr. pr. time (Rådgiver: 480.000 kr. pr. årsværk inkl. pension / 1.600 timer) = 12.000 kr."
        in editor.derivation.value
    )
    # overhead 25 % on staff: 40 · 300 · 1,25 = 15.000 → 10 · 35.000 = 350.000
    editor.overhead.input.value = "25"
    assert app.scenario.costs.overhead_share == 0.25
    assert costs(app) == pytest.approx(350_000)
    assert "Overhead på personale: 25 % af lønnen." in editor.derivation.value


def test_bad_resource_input_is_named_next_to_its_field(app):
    row = add_adviser(app)
    row.inputs["quantity"].value = "-5"
    assert "Mængden kan ikke være negativ (fik −5)" in row.inputs["quantity"].msg.value
    assert app.outdated
    row.inputs["quantity"].value = "9000"  # hours per participant
    assert "En deltager kan højst få 8.784 timer om året" in row.inputs["quantity"].msg.value
    row.inputs["quantity"].value = "40"
    row.inputs["profession"].value = ""  # own price
    row.inputs["unit_price"].value = "450.000"
    assert row.inputs["unit_price"].msg.value.startswith("⚠ Prisen 450.000 kr. pr. time er over grænsen 10.000 kr.")
    row.inputs["unit_price"].value = "350"
    assert not app.outdated
    assert costs(app) == pytest.approx(200_000 + 10 * 40 * 350)  # 340.000


def test_removing_a_row_keeps_the_others_as_typed(app):
    editor = app.costs.resources
    add_adviser(app, "10")
    add_adviser(app, "20").inputs["name"].value = "Anden rådgiver"
    assert costs(app) == pytest.approx(10 * (20_000 + 30 * 300))  # 290.000
    editor.rows[0].delete.click()
    assert [r.inputs["name"].value for r in editor.rows] == ["Anden rådgiver"]
    assert costs(app) == pytest.approx(10 * (20_000 + 20 * 300))  # 260.000
    editor.rows[0].inputs["quantity"].value = "-1"  # the message follows the row to its new place
    assert "Mængden kan ikke være negativ" in editor.rows[0].inputs["quantity"].msg.value


def test_the_resource_table_is_saved_and_reopened(app, kb):
    add_adviser(app)
    app.costs.resources.overhead.input.value = "10"
    saved = scenario_to_json(app.scenario)
    again = build_app(kb, scenario_from_json(saved))
    assert again.scenario == app.scenario
    row = again.costs.resources.rows[0]
    assert (row.inputs["name"].value, row.inputs["quantity"].value, row.inputs["profession"].value) == (
        "Rådgiver",
        "40",
        "raadgiver",
    )
    assert again.costs.resources.overhead.input.value == "10"
    # 40 · 300 · 1,1 = 13.200 → 10 · 33.200 = 332.000
    assert costs(again) == pytest.approx(332_000)


def test_the_ips_example_is_built_from_resources_in_the_app():
    kb = load_knowledge(local=False)
    app = build_app(kb, Path(__file__).resolve().parent.parent / "notebooks" / "scenarier" / "eksempel.json")
    editor = app.costs.resources
    assert [r.inputs["name"].value for r in editor.rows] == [
        "Uddannelse af IPS-konsulenter (kursus og supervision)",
        "IPS-konsulent (ca. 20 deltagere pr. konsulent)",
        "Sædvanlig beskæftigelsesindsats i jobcentret",
    ]
    assert "0,05 årsværk × 500.000 kr. pr. årsværk (egen pris) = 25.000 kr." in editor.derivation.value
    # 0,06 årsværk: 500.000 + 150 participants · 2 years · (30.000 − 22.350) = 500.000 + 2.295.000
    editor.rows[1].inputs["quantity"].value = "0,06"
    assert costs(app) == pytest.approx(2_795_000)
