"""The kommune's committees (udvalg): the shipped map, a kommune's own names, the scenario's cost lines, the views."""

from __future__ import annotations

from pathlib import Path

import pytest

from som_kernel import calculate, load_knowledge
from som_kernel.errors import KnowledgeError, ScenarioError
from som_kernel.kb.committees import UNASSIGNED
from som_kernel.scenario import load_scenario, scenario_to_json

ROOT = Path(__file__).resolve().parent.parent
LAYER = ROOT / "knowledge" / "lokale" / "eksempel_kommune"
IPS = ROOT / "notebooks" / "scenarier" / "eksempel.json"


@pytest.fixture(scope="module")
def kb():
    return load_knowledge(local=False)


def test_every_service_the_kommune_pays_has_a_committee(kb):
    prices = kb.prices
    paid = set(prices.loc[(prices["actor"] == "kommune") & (prices["price"] > 0), "service"])
    paid |= set(kb.rules.links["service"])  # priced by a rule: the kommune's share is set per year
    links = kb.committees.for_services(sorted(paid))
    assert [s for s, c in links.items() if c == UNASSIGNED] == []
    # the justice services are the state's alone: no committee
    assert kb.committees.for_services(["faengselsdoegn"]) == {"faengselsdoegn": UNASSIGNED}


def test_defaults_follow_the_kontoplan(kb):
    links = kb.committees.links.set_index(["kind", "key"])
    # 5.57.73 kontant- og uddannelseshjælp; 5.38.38 § 85; 5.28 children; hovedkonto 7 the kommuneskat
    assert links.loc[("service", "kontanthjaelp"), ["function", "committee"]].tolist() == ["5.57.73", "beskaeftigelse"]
    assert links.loc[("service", "bostoette_hf"), ["function", "committee"]].tolist() == ["5.38.38", "social_voksne"]
    assert links.loc[("service", "anbringelse_institution"), "committee"] == "boern_unge"
    assert links.loc[("service", "skat_loenindkomst"), ["function", "committee"]].tolist() == ["7", "oekonomi"]
    # costs: by welfare area, children's target groups to the children's committee
    assert kb.committees.for_costs("social", "boern_unge_familier") == "boern_unge"
    assert kb.committees.for_costs("social", "voksne_udsatte") == "social_voksne"


def test_a_kommunes_own_names_and_map(kb):
    local = load_knowledge(local=LAYER).committees
    names = local.names
    # renamed in place (the national order), health moved to the Velfærdsudvalg
    assert list(names)[:2] == ["beskaeftigelse", "social_voksne"]
    assert names["beskaeftigelse"] == "Job- og Arbejdsmarkedsudvalget"
    assert local.for_services(["psykiatri_sengedag"]) == {"psykiatri_sengedag": "social_voksne"}
    assert kb.committees.for_services(["psykiatri_sengedag"]) == {"psykiatri_sengedag": "sundhed"}


def test_a_broken_layer_map_names_the_file_row_and_column(tmp_path):
    layer = tmp_path / "lag"
    layer.mkdir()
    for p in LAYER.iterdir():
        (layer / p.name).write_bytes(p.read_bytes())
    with (layer / "committee_map.csv").open("a", encoding="utf-8") as f:
        f.write("service,foo,4,xx,Eksempel,,true,\n")
    with pytest.raises(KnowledgeError) as e:
        load_knowledge(local=layer)
    assert [str(p) for p in e.value.problems] == [
        "lag/committee_map.csv:række 11:kolonne key: Ukendt ydelse 'foo'.",
        "lag/committee_map.csv:række 11:kolonne committee: Ukendt udvalg 'xx'.",
    ]


def test_ips_per_committee_adds_up_to_the_kommune(kb):
    scenario = load_scenario(IPS)  # saved before committees existed: loads unchanged
    assert scenario.costs.committees == {}
    result = calculate(scenario, kb)
    per = result.by_committee()
    # employment costs and benefits, and the kommune's income tax (health co-financing is frozen since 2019, so a
    # saved hospital day no longer moves the kommune's budget: no health committee)
    assert list(per.columns) == ["beskaeftigelse", "oekonomi", "total"]
    assert per["total"].tolist() == pytest.approx(result.by_year_actor()["kommune"].tolist())
    assert per.drop(columns="total").sum(axis=1).tolist() == pytest.approx(per["total"].tolist())
    # 2025: only the costs, all on the employment committee: 50 · (25.000 − 22.350) + 500.000 = 632.500
    assert per.loc[2025].tolist() == pytest.approx([-632_500, 0, -632_500])
    assert result.break_even_by_committee()["total"] == result.break_even_year("kommune")


def test_moving_a_cost_line_and_an_unknown_committee(kb):
    scenario = load_scenario(IPS)
    moved = scenario.model_copy(
        update={"costs": scenario.costs.model_copy(update={"committees": {"startup": "social_voksne"}})}
    )
    per = calculate(moved, kb).by_committee()
    # the start-up 500.000 moves to the Socialudvalg; the employment committee keeps 50 · 2.650 = 132.500
    assert per.loc[2025, "social_voksne"] == pytest.approx(-500_000)
    assert per.loc[2025, "beskaeftigelse"] == pytest.approx(-132_500)
    wrong = scenario.model_copy(update={"costs": scenario.costs.model_copy(update={"committees": {"startup": "xx"}})})
    with pytest.raises(ScenarioError) as e:
        calculate(wrong, kb)
    assert e.value.problems[0].where == "costs.committees.startup"
    assert e.value.problems[0].message.startswith("Ukendt udvalg 'xx'. Kendte: beskaeftigelse, social_voksne")


def test_app_step_2_chooses_and_step_6_shows_the_committees(kb):
    from som_kernel.ui.app import build_app

    app = build_app(kb, load_scenario(IPS))
    shown = app.results.committees.value
    # IPS: the employment committee pays 1.295.000 kr. net (start-up 500.000 + 300 participant-years · 2.650)
    assert "I kommunen betaler Beskæftigelsesudvalget (1,3 mio. kr.) for indsatsen" in shown
    assert '<td>Beskæftigelsesudvalget</td><td class="num">−1.295.000 kr.</td>' in shown
    app.costs.committee["startup"].value = "social_voksne"
    assert app.scenario.costs.committees == {"startup": "social_voksne"}
    shown = app.results.committees.value
    assert '<td>Socialudvalget</td><td class="num">−500.000 kr.</td><td class="num">0 kr.</td>' in shown
    assert "ikke inden for perioden" in shown  # the Socialudvalg only pays
    # back to the default committee, as the browser chooses it (by index): the dropdown shows its text, not an
    # empty box (ipywidgets cannot select an option whose value is None)
    box = app.costs.committee["startup"]
    box.index = 0
    assert (box.index, box.label) == (0, "Standardudvalget") and app.scenario.costs.committees == {}
    box.value = "social_voksne"
    assert app.load_file(scenario_to_json(load_scenario(IPS)).encode(), "ips.json")  # no committee chosen in it
    assert (box.index, box.label) == (0, "Standardudvalget") and app.scenario.costs.committees == {}


def test_excel_sheet_udvalg(kb):
    import io

    import openpyxl

    from som_kernel.export import workbook_bytes

    result = calculate(load_scenario(IPS), kb)
    ws = openpyxl.load_workbook(io.BytesIO(workbook_bytes(result, kb)))["Udvalg"]
    assert ws["A2"].value.startswith("I kommunen betaler Beskæftigelsesudvalget (1,3 mio. kr.)")
    rows = {ws.cell(r, 1).value: [ws.cell(r, c).value for c in range(2, 6)] for r in range(5, 8)}  # 2 + the kommune
    # costs −1.295.000 (see above), gains and break-even from the views; the kommune row adds them up
    assert rows["Beskæftigelsesudvalget"][0] == pytest.approx(-1_295_000)
    assert rows["Beskæftigelsesudvalget"][3] == result.break_even_by_committee()["beskaeftigelse"]
    assert rows["Kommunen i alt"][2] == pytest.approx(result.totals()["kommune"])
    carried = {ws.cell(r, 1).value: (ws.cell(r, 2).value, ws.cell(r, 3).value) for r in range(1, ws.max_row + 1)}
    assert carried["Kontanthjælp"] == ("Beskæftigelsesudvalget", "5.57.73")
