"""SØM's checklist (tjekliste), point by point, on the tiny round-number knowledge base (tests/fixtures/kb_small).

Base scenario: tg_a, outcome job, 10 starters in 2025, 1-year course, horizon 3, success 10 % declared from study_a
(RCT, evidence level 1, Danmark, no follow-up stated, marked illustrative), kommune pays 20.000 kr. per participant. Consequences per year (1 success):
  benefit: kommune 30.000 / 60.000 / 60.000 = 150.000, stat 10.000 / 20.000 / 20.000 = 50.000
  tax:     kommune 25.000 / 50.000 / 50.000 = 125.000, stat 15.000 / 30.000 / 30.000 = 75.000   (sum 400.000)
Every consequence estimate and price in kb_small is illustrative.
"""

import dataclasses
from html import escape

import pytest
from small_scenario import KB_SMALL, SMALL, small

from som_kernel import build_scenario, calculate, load_knowledge
from som_kernel.checklist import (
    CHECKLIST_NOTE_DA,
    GREEN,
    RED,
    YELLOW,
    checklist,
    checklist_html,
    checklist_table,
    illustrative_share,
    status_kroner,
    status_shares,
)

DECLARED = [{"outcome": "job", "success_rate": 0.1, "study": "study_a"}]


@pytest.fixture(scope="module")
def kb():
    return load_knowledge(KB_SMALL)


def run(kb, **changes):
    data = small(name="Test", settings={**SMALL["settings"], "discount_rate": 0.0}, outcomes=DECLARED)
    for key, value in changes.items():
        if key in data["settings"]:
            data["settings"][key] = value
        else:
            data[key] = value
    scenario = build_scenario(data)
    return {i.id: i for i in checklist(calculate(scenario, kb), kb)}


def with_study(kb, **fields):
    studies = kb.effect_studies.copy()
    for k, v in fields.items():
        studies.loc[0, k] = v
    return dataclasses.replace(kb, effect_studies=studies)


def test_evidence_from_the_declared_rct_marked_illustrative_is_yellow(kb):
    item = run(kb)["evidence"]
    assert item.status == YELLOW
    assert "Teststudie (RCT, evidensniveau 1)" in item.reason and "illustrative" in item.reason


def test_evidence_levels(kb):
    assert run(with_study(kb, illustrative=False))["evidence"].status == GREEN
    assert (
        run(with_study(kb, illustrative=False, evidence_level=2, design="Kvasieksperimentel"))["evidence"].status
        == YELLOW
    )
    assert run(with_study(kb, illustrative=False, evidence_level=3, design="Før-efter"))["evidence"].status == RED


def test_a_study_is_linked_by_declaration_never_by_its_rate(kb):
    # the rate equals study_a's 10 %, but no study is declared: no source (before: matched within 0,5 point)
    item = run(kb, outcomes=[{"outcome": "job", "success_rate": 0.1}])["evidence"]
    assert item.status == RED and "ikke angivet et effektstudie" in item.reason and "I job" in item.reason
    # declared, but the calculation uses 20 % where the study found 10 %: said, and not green
    moved = run(
        with_study(kb, illustrative=False), outcomes=[{"outcome": "job", "success_rate": 0.2, "study": "study_a"}]
    )
    assert moved["evidence"].status == YELLOW
    assert "I job: 20,0 % mod 10,0 %" in moved["evidence"].reason


def test_net_of_comparison_group(kb):
    assert run(kb)["net_of_comparison"].status == GREEN  # RCT
    item = run(with_study(kb, design="Før-efter", evidence_level=3))["net_of_comparison"]
    assert item.status == RED and "ingen kontrolgruppe" in item.reason
    # "uden kontrolgruppe" contains "kontrol": still no comparison group
    assert run(with_study(kb, design="Før-efter uden kontrolgruppe"))["net_of_comparison"].status == RED
    # a teaching example (Housing First's 12 % mod 2 % in SØM's FAQ) is not a study
    assert run(with_study(kb, design="Regneeksempel fra SØM's FAQ (intet studie)"))["net_of_comparison"].status == RED
    assert run(kb, outcomes=[{"outcome": "job", "success_rate": 0.2}])["net_of_comparison"].status == YELLOW
    shown = run(with_study(kb, rate_treatment=0.3, rate_control=0.2))["net_of_comparison"]
    assert "30,0 % mod 20,0 %" in shown.reason


def test_transfer_from_the_studys_context(kb):
    assert run(kb)["transfer"].status == GREEN  # Danmark
    item = run(with_study(kb, country="USA"))["transfer"]
    assert item.status == RED and "Teststudie (USA)" in item.reason
    assert run(kb, outcomes=[{"outcome": "job", "success_rate": 0.1}])["transfer"].status == YELLOW
    local = run(with_study(kb, local_layer="eksempel"))["transfer"]
    assert local.status == GREEN and local.reason == "Effekten er målt i kommunen selv (Teststudie)."


def test_target_group_match(kb):
    item = run(kb)["target_group"]
    assert item.status == GREEN and "samme målgruppe og effektmål" in item.reason
    assert run(with_study(kb, target_group="tg_b"))["target_group"].status == RED
    assert run(with_study(kb, outcome="andet"))["target_group"].status == YELLOW
    custom = run(
        kb,
        target_group=None,
        custom_target_group={"name": "Egen gruppe", "outcomes": {"job": "Job"}},
        outcomes=[{"outcome": "job", "success_rate": 0.1}],
        consequence_overrides=[{"outcome": "job", "service": "benefit", "year": 1, "delta_use": -1}],
    )["target_group"]
    assert custom.status == YELLOW and "Egen gruppe" in custom.reason


def test_consequence_years_beyond_the_estimates(kb):
    # job estimates cover years 1–3
    assert run(kb)["coverage"].status == GREEN
    item = run(kb, horizon_years=5)["coverage"]
    assert item.status == YELLOW
    assert "dækker kun 3 år" in item.reason and "de sidste 2 år" in item.reason
    assert run(kb, horizon_years=8)["coverage"].status == RED  # 3 < 8 / 2


def test_persistence_against_the_studys_follow_up(kb):
    # no follow-up stated: yellow, assumed or given
    assert run(kb)["persistence"].status == YELLOW
    given = [{"outcome": "job", "success_rate": 0.1, "persistence": [1, 0.5], "study": "study_a"}]
    assert run(kb, outcomes=given)["persistence"].status == YELLOW
    # measured after 36 months, horizon 3 years: covered → green
    item = run(with_study(kb, follow_up_months=36))["persistence"]
    assert item.status == GREEN and item.reason == "Effekten er målt efter 3 år, og tidshorisonten er 3 år."
    # 18 months, horizon 3: 1,5 of 3 years assumed; 3 ≤ 3 × 1,5 → yellow
    item = run(with_study(kb, follow_up_months=18))["persistence"]
    assert item.status == YELLOW and "de 1,5 af 3 år ud over opfølgningen" in item.reason
    # 6 months, horizon 3: 3 > 3 × 0,5 → red (an effect measured after 18 months assumed for 10 years is the same)
    assert run(with_study(kb, follow_up_months=6))["persistence"].status == RED
    # a declining profile beyond the follow-up is yellow, never green
    assert run(with_study(kb, follow_up_months=6), outcomes=given)["persistence"].status == YELLOW


def test_double_counting_between_outcomes(kb):
    assert run(kb)["double_counting"].status == GREEN  # one outcome
    two = [
        {"outcome": "job", "success_rate": 0.1, "study": "study_a"},
        {"outcome": "housed", "success_rate": 0.1},
    ]
    # job: benefit and tax; housed: shelter and bed days → no service twice
    assert run(kb, outcomes=two)["double_counting"].status == GREEN
    # a local estimate gives housed fewer benefit weeks too: the benefit is counted by both outcomes
    overlap = [{"outcome": "housed", "service": "benefit", "year": 1, "delta_use": -5}]
    item = run(kb, outcomes=two, consequence_overrides=overlap)["double_counting"]
    assert item.status == RED and "de samme ydelser (Kontanthjælp)" in item.reason


def test_illustrative_share_by_weight(kb):
    assert run(kb)["illustrative"].status == RED
    assert "100 %" in run(kb)["illustrative"].reason
    # tax made local (estimates and both prices) with Δ 2 years in job every year:
    # tax kommune 2 × 50.000 × 3 = 300.000, stat 2 × 30.000 × 3 = 180.000; benefit 200.000 stays illustrative
    # → 200.000 / 680.000 = 29 %  (yellow: 25–50 %)
    local = {
        "consequence_overrides": [{"outcome": "job", "service": "tax", "year": y, "delta_use": 2} for y in (1, 2, 3)],
        "price_overrides": [
            {"service": "tax", "actor": "kommune", "price": 50000},
            {"service": "tax", "actor": "stat", "price": 30000},
        ],
    }
    item = run(kb, **local)["illustrative"]
    assert item.status == YELLOW and item.reason.startswith("29 %")
    result = calculate(
        build_scenario(
            {
                "target_group": "tg_a",
                "participants": [10],
                "duration_years": 1,
                "outcomes": [{"outcome": "job", "success_rate": 0.1}],
                "settings": {"price_year": 2024, "first_year": 2025, "horizon_years": 3},
                **local,
            }
        ),
        kb,
    )
    assert illustrative_share(result, kb) == pytest.approx(200_000 / 680_000)


def with_statuses(kb, consequences: dict[str, str], prices: dict[tuple[str, str], str]):
    """kb with the status of every consequence row of some services and of some prices changed."""
    c, p = kb.consequences.copy(), kb.prices.copy()
    for service, status in consequences.items():
        rows = c["service"] == service
        c.loc[rows, "status"] = status
        c.loc[rows, "illustrative"] = status not in ("public", "derived")
    for (service, actor), status in prices.items():
        p.loc[(p["service"] == service) & (p["actor"] == actor), "status"] = status
    return dataclasses.replace(kb, consequences=c, prices=p)


def test_status_kroner_by_estimate_and_weakest_link(kb):
    # tax estimates derived, benefit estimates calibrated; only the tax kommune price is public
    kb2 = with_statuses(kb, {"tax": "derived", "benefit": "calibrated"}, {("tax", "kommune"): "public"})
    result = calculate(build_scenario(small(settings={**SMALL["settings"], "discount_rate": 0.0})), kb2)
    # by the estimate: tax 125.000 + 75.000 = 200.000 derived, benefit 150.000 + 50.000 = 200.000 calibrated
    assert status_kroner(result, kb2, prices=False) == pytest.approx({"derived": 200_000, "calibrated": 200_000})
    # weakest link: tax kommune 125.000 (derived estimate, public price) stays derived; tax stat 75.000 has an
    # illustrative price; benefit 200.000 (calibrated estimate, illustrative prices) → illustrative 275.000
    assert status_kroner(result, kb2) == pytest.approx({"derived": 125_000, "illustrative": 275_000})
    assert status_shares(result, kb2) == pytest.approx({"derived": 125 / 400, "illustrative": 275 / 400})
    assert illustrative_share(result, kb2) == pytest.approx(275 / 400)
    # every price public: a calibrated estimate is still ours, so it counts in the illustrative share (200 / 400)
    public = {(sv, a): "public" for sv, a in zip(kb.prices["service"], kb.prices["actor"], strict=True)}
    kb3 = with_statuses(kb, {"tax": "derived", "benefit": "calibrated"}, public)
    assert status_shares(result, kb3) == pytest.approx({"derived": 0.5, "calibrated": 0.5})
    assert illustrative_share(result, kb3) == pytest.approx(0.5)
    item = {i.id: i for i in checklist(result, kb3)}["illustrative"]
    assert item.status == RED and item.reason.startswith("50 %") and "50 % afledt, 50 % kalibreret" in item.reason


def test_local_or_national_prices(kb):
    assert run(kb)["prices"].status == YELLOW
    local = run(kb, price_overrides=[{"service": "tax", "actor": "kommune", "price": 50000}])["prices"]
    assert local.status == GREEN and local.reason.startswith("1 pris")


def test_horizon_and_discounting(kb):
    item = run(kb)["horizon"]
    assert item.status == YELLOW  # undiscounted: show it discounted too
    assert item.reason.startswith("Konsekvenserne tælles i 3 år fra forløbets afslutning, diskonteringsrente 0,0 %;")
    assert run(kb, discount_rate=0.035)["horizon"].status == GREEN
    assert run(kb, horizon_years=12, discount_rate=0.035)["horizon"].status == RED  # beyond SØM's 10 years


def test_costs_for_every_actor(kb):
    item = run(kb)["costs"]  # the state gains but pays nothing
    assert item.status == YELLOW and "staten" in item.reason
    both = run(kb, costs={"running_per_participant": {"kommune": 20000, "stat": 1000}})["costs"]
    assert both.status == GREEN and both.reason == "Omkostningerne er fordelt på kommunen og staten."
    assert run(kb, costs={})["costs"].status == RED


def test_table_and_html(kb):
    items = checklist(
        calculate(
            build_scenario(
                {
                    "target_group": "tg_a",
                    "participants": [10],
                    "duration_years": 1,
                    "costs": {"running_per_participant": {"kommune": 20000}},
                    "outcomes": [{"outcome": "job", "success_rate": 0.1}],
                    "settings": {"price_year": 2024, "first_year": 2025, "horizon_years": 3},
                }
            ),
            kb,
        ),
        kb,
    )
    table = checklist_table(items)
    assert list(table.columns) == ["Punkt", "Vurdering", "Begrundelse"]
    assert len(table) == 11 and set(table["Vurdering"]) <= {"Grøn", "Gul", "Rød"}
    html = checklist_html(items)
    assert html.count("<tr class='som-check-") == 11
    assert escape(CHECKLIST_NOTE_DA) in html and "inspireret af" in CHECKLIST_NOTE_DA
    assert "■</span> Rød" in html and "▲</span> Gul" in html  # a shape per mark, not only a colour
