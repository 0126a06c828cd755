"""The cost model (steps/costs.py): a resource table priced by hand, the four cost lines derived from it, the
checks of a resource line, and the IPS example reproduced from resources with its results unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from small_scenario import small

from som_kernel import ScenarioError, build_scenario, calculate, load_knowledge, load_scenario
from som_kernel.describe import describe_inputs, resource_table
from som_kernel.examples import example_scenario
from som_kernel.steps.costs import cost_totals, overhead_share, price_resources
from som_kernel.variants import with_cost_level

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "notebooks" / "scenarier" / "eksempel.json"


def with_resources(*resources, **costs) -> dict:
    data = small()
    data["costs"] = {**data["costs"], **costs, "resources": list(resources)}
    return data


def test_a_resource_table_priced_by_hand(kb_small):
    # kb_small wages.csv: raadgiver 480.000 kr. / 1.600 timer = 300 kr. pr. time (2024);
    # leder 600.000 kr. in 2020 prices · 125/100 = 750.000 kr. (2024). Overhead 25 % on staff lines only.
    s = build_scenario(
        with_resources(
            {"name": "Rådgiver", "line": "running_per_participant", "quantity": 40, "profession": "raadgiver"},
            {"name": "Leder", "line": "running_per_year", "quantity": 0.2, "unit": "fte", "profession": "leder"},
            {"name": "Egen timepris", "line": "baseline_per_participant", "quantity": 10, "unit_price": 400},
            {
                "name": "Lokaler",
                "category": "premises",
                "line": "running_per_year",
                "actor": "region",
                "quantity": 12,
                "unit": "units",
                "unit_price": 5000,
            },
            overhead_share=0.25,
        )  # fmt: skip
    )
    priced = price_resources(s, kb_small)
    # 40 · 300 · 1,25 = 15.000; 0,2 · 750.000 · 1,25 = 187.500; 10 · 400 · 1,25 = 5.000; 12 · 5.000 = 60.000
    assert [p.price for p in priced] == pytest.approx([300, 750_000, 400, 5_000])
    assert [p.overhead for p in priced] == [0.25, 0.25, 0.25, 0.0]
    assert [p.amount for p in priced] == pytest.approx([15_000, 187_500, 5_000, 60_000])
    totals = cost_totals(s, kb_small)
    # typed running 20.000 (SMALL) + 15.000 = 35.000 for the kommune; fixed: kommune 187.500, region 60.000
    assert totals["running_per_participant"].tolist() == pytest.approx([35_000, 0, 0])
    assert totals["running_per_year"].tolist() == pytest.approx([187_500, 60_000, 0])
    assert totals["baseline_per_participant"].tolist() == pytest.approx([5_000, 0, 0])
    assert totals["startup"].tolist() == [0, 0, 0]
    # the engine books them: 10 participants in 2025 → kommune 10 · (35.000 − 5.000) + 187.500 = 487.500,
    # region 60.000
    cost = calculate(s, kb_small).totals_by_kind().loc["cost"]
    assert (cost["kommune"], cost["region"]) == pytest.approx((-487_500, -60_000))


def test_overhead_default_comes_from_the_knowledge_base(kb_small):
    shipped = load_knowledge(local=False)
    s = build_scenario(with_resources())
    # shipped meta.yaml: 20 % (KL's practice, Folketingets beretning nr. 16, 2021); kb_small has none → 0
    assert overhead_share(s.costs, shipped) == 0.2
    assert overhead_share(s.costs, kb_small) == 0.0
    own = build_scenario(with_resources(overhead_share=0.1))
    assert overhead_share(own.costs, shipped) == 0.1


def test_costs_price_year_converts_own_prices_and_wages(kb_small):
    # costs in 2020 prices, scenario at 2024 (index 100 → 125): an own price of 400 kr. per hour stays 400 at
    # the costs' level and becomes 500 at the scenario's; leder's 600.000 (2020) needs no conversion to 2020.
    s = build_scenario(
        with_resources(
            {"name": "Time", "line": "running_per_participant", "quantity": 10, "unit_price": 400},
            {
                "name": "Leder",
                "line": "running_per_participant",
                "quantity": 0.01,
                "unit": "fte",
                "profession": "leder",
            },
            price_year=2020,
            overhead_share=0.0,
            running_per_participant={"kommune": 0},
        )
    )
    # 10 · 400 + 0,01 · 600.000 = 4.000 + 6.000 = 10.000 kr. (2020) per participant → · 1,25 = 12.500 (2024)
    assert cost_totals(s, kb_small)["running_per_participant"][0] == pytest.approx(10_000)
    cost = calculate(s, kb_small).totals_by_kind().at["cost", "kommune"]
    assert cost == pytest.approx(-10 * 12_500)


def test_cost_level_scales_the_resources_too(kb_small):
    s = build_scenario(
        with_resources(
            {"name": "Rådgiver", "line": "running_per_participant", "quantity": 40, "profession": "raadgiver"}
        )
    )
    # (20.000 + 40 · 300) · 1,5 = 32.000 · 1,5 = 48.000 per participant (kb_small: no overhead)
    doubled = with_cost_level(s, 1.5)
    assert doubled.costs.resources[0].quantity == 60
    assert cost_totals(doubled, kb_small)["running_per_participant"][0] == pytest.approx(48_000)


def test_resource_line_problems_name_the_field(kb_small):
    s = build_scenario(
        with_resources(
            {"name": "A", "line": "running_per_participant", "quantity": 10, "profession": "psykolog"},
            {"name": "B", "line": "running_per_participant", "quantity": 10, "unit_price": 450_000},
            {"name": "C", "line": "running_per_year", "quantity": 1, "unit": "fte", "unit_price": 40_000},
        )
    )
    with pytest.raises(ScenarioError) as e:
        calculate(s, kb_small)
    got = {p.where: p.message for p in e.value.problems}
    assert got["costs.resources[0].profession"] == (
        "Faggruppen 'psykolog' findes ikke i vidensdatabasen. Vælg en af: leder, raadgiver; eller angiv en egen "
        "enhedspris."
    )
    # above the hour's limit in units.csv (10.000 kr.), judged as the knowledge loader judges a price
    assert got["costs.resources[1].unit_price"].startswith(
        "Prisen 450.000 kr. pr. time er over grænsen 10.000 kr. i units.csv"
    )
    # under the årsværk's lowest plausible wage (150.000 kr.): a month's wage typed as a year's
    assert got["costs.resources[2].unit_price"].startswith(
        "Årslønnen 40.000 kr. pr. årsværk er under grænsen 150.000 kr. i units.csv"
    )
    assert got["costs.resources[2].unit_price"].endswith("Er det en løn pr. time? Så ret enheden.")


@pytest.mark.parametrize(
    "resource, where, message",
    [
        (
            {"name": "A", "line": "startup", "quantity": -2, "unit_price": 100},
            "costs.resources[0].quantity",
            "Skal være mindst 0 (fik -2).",
        ),
        (
            {"name": "A", "line": "running_per_participant", "quantity": 9000, "unit_price": 300},
            "costs.resources[0].quantity",
            "En deltager kan højst få 8.784 timer om året (366 døgn × 24 timer); fik 9.000. Er det timer for alle "
            "deltagere? Så brug drift pr. år.",
        ),
        (
            {"name": "A", "line": "startup", "quantity": 2, "unit": "units", "profession": "raadgiver"},
            "costs.resources[0].profession",
            "En faggruppe kan kun prissætte timer eller årsværk; angiv en enhedspris.",
        ),
        (
            {"name": "A", "line": "startup", "quantity": 2},
            "costs.resources[0].unit_price",
            "Angiv enten en faggruppe fra vidensdatabasen eller en enhedspris (ikke begge).",
        ),
        (
            {"name": "A", "line": "sometimes", "quantity": 2, "unit_price": 1},
            "costs.resources[0].line",
            "Skal være en af: 'startup', 'running_per_participant', 'running_per_year' eller "
            "'baseline_per_participant' (fik 'sometimes').",
        ),
    ],
)
def test_a_bad_resource_line_is_refused_in_danish(resource, where, message):
    with pytest.raises(ScenarioError) as e:
        build_scenario(with_resources(resource))
    assert {p.where: p.message for p in e.value.problems} == {where: message}


def test_9000_hours_a_year_are_allowed_for_the_whole_intervention():
    # per year (all participants together) there is no 8.784-hour limit: five people work 9.000 hours
    s = build_scenario(with_resources({"name": "A", "line": "running_per_year", "quantity": 9000, "unit_price": 300}))
    assert s.costs.resources[0].quantity == 9000


def test_old_file_without_resources_loads_unchanged(tmp_path):
    # a file written before the cost model (no resources, no overhead_share) reads with the defaults
    old = tmp_path / "gammel.json"
    old.write_text(json.dumps({"format": "som-scenario", **small()}), encoding="utf-8")
    s = load_scenario(old)
    assert (s.costs.resources, s.costs.overhead_share) == ([], None)
    assert s == build_scenario(small())


def ips_typed() -> dict:
    """eksempel.json as it was before the cost model: the four lines typed as totals."""
    data = load_scenario(EXAMPLE).model_dump(mode="json")
    data["costs"].update(
        startup={"kommune": 500_000.0},
        running_per_participant={"kommune": 25_000.0},
        baseline_per_participant={"kommune": 22_350.0},
        resources=[],
        overhead_share=None,
    )
    return data


def test_ips_example_costs_come_from_resources_with_results_unchanged():
    kb = load_knowledge(local=False)
    from_resources = load_scenario(EXAMPLE)
    assert all(getattr(from_resources.costs.running_per_participant, a) == 0 for a in ("kommune", "region", "stat"))
    # training 10 · 50.000 = 500.000; IPS-konsulent 0,05 årsværk · 500.000 = 25.000; the usual effort
    # 0,0447 · 500.000 = 22.350 (own prices incl. pension and overhead, so overhead 0)
    totals = cost_totals(from_resources, kb)
    assert totals["startup"][0] == 500_000
    assert totals["running_per_participant"][0] == 25_000
    assert totals["baseline_per_participant"][0] == 22_350
    new, old = calculate(from_resources, kb), calculate(build_scenario(ips_typed()), kb)
    # 500.000 + 150 participants · 2 years · (25.000 − 22.350) = 1.295.000 kr. of costs, as before
    assert new.totals_by_kind().at["cost", "total"] == pytest.approx(-1_295_000)
    assert new.by_year_actor().to_numpy() == pytest.approx(old.by_year_actor().to_numpy())
    assert new.break_even_year() == old.break_even_year()


def test_ips_notebook_costs_from_staff_time_give_the_same_result():
    # ips.ipynb's default: 5.300 kr. net per participant over a 2-year course at 2021 prices, typed as 2.650 a
    # year. The same from resources: IPS-konsulent 50 hours at 500 kr. = 25.000 minus the usual effort 44,7
    # hours at 500 kr. = 22.350 → 2.650 a year.
    kb = load_knowledge(local=False)
    args = dict(
        name="IPS",
        target_group="psykisk_lidelse",
        outcome="psykisk_lidelse_job_uddannelse",
        success_rate=0.13,
        starters_per_year=50,
        start_years=3,
        duration_years=2,
        cost_price_year=2021,
    )
    typed = example_scenario(**args, cost_per_participant_year=5300.0 / 2)
    data = example_scenario(**args, cost_per_participant_year=0.0).model_dump(mode="json")
    data["costs"]["overhead_share"] = 0.0
    data["costs"]["resources"] = [
        {"name": "IPS-konsulent", "line": "running_per_participant", "quantity": 50, "unit_price": 500},
        {"name": "Sædvanlig indsats", "line": "baseline_per_participant", "quantity": 44.7, "unit_price": 500},
    ]
    staffed = build_scenario(data)
    a, b = calculate(typed, kb), calculate(staffed, kb)
    assert b.by_year_actor().to_numpy() == pytest.approx(a.by_year_actor().to_numpy())
    # 2.650 · 150 participants · 2 years = 795.000 kr. (2021 prices), the same net cost either way
    assert b.totals_by_kind().at["cost", "total"] == pytest.approx(a.totals_by_kind().at["cost", "total"])


def test_the_derivation_is_described_for_the_paper_and_excel(kb_small):
    s = build_scenario(
        with_resources(
            {"name": "Leder", "line": "running_per_year", "quantity": 0.2, "unit": "fte", "profession": "leder"},
            overhead_share=0.25,
        )
    )
    rows = {r.key: r for r in describe_inputs(s, kb_small)}
    # 0,2 · 750.000 · 1,25 = 187.500
    assert rows["costs.resources[0]"].text == (
        "0,2 årsværk × 750.000 kr. pr. årsværk (Leder: 600.000 kr. pr. årsværk inkl. pension, 2020-priser "
        "omregnet til 2024) + overhead 25 % = 187.500 kr. · faste driftsudgifter pr. år · kommune"
    )
    assert rows["costs.resources[0]"].source == "Testdata [illustrativ]"
    assert rows["costs.overhead_share"].text == "25 % af lønnen"
    table = resource_table(s, kb_small)
    assert table.loc[0, ["Ressource", "Enhed", "Prisgrundlag", "Beløb"]].tolist() == [
        "Leder",
        "årsværk",
        "Leder",
        pytest.approx(187_500),
    ]


def test_a_batch_row_varies_a_cost_line_built_from_resources_as_its_total(kb_small):
    # base: typed 20.000 + 40 hours · 300 kr. = 32.000 kr. per participant (kb_small: no overhead); a row that sets
    # costs.running_per_participant.kommune to 50.000 replaces that total: 10 participants → 500.000 kr. of costs
    from som_kernel.batch import Item, Options, evaluate_block

    base = with_resources(
        {"name": "Rådgiver", "line": "running_per_participant", "quantity": 40, "profession": "raadgiver"}
    )
    items = [Item(0, "b", None), Item(1, "b", None, varying=(("costs.running_per_participant.kommune", 50_000.0),))]
    _, figures = evaluate_block(base, items, kb_small, Options())
    assert figures["cost_total"].tolist() == pytest.approx([-320_000, -500_000])  # costs are negative
