"""What the calculation keeps between calls never outlives its inputs.

The engine keeps what depends only on a loaded knowledge base with that knowledge base (its prices as a grid, its
consequence estimates as arrays, the rules' prices per setting, a target group's outcome ids for the checks), and a
list of local consequence estimates read as arrays for as long as the list holds the same override objects. Each test makes a calculation that fills those
stores, then changes one input (the list in place, the knowledge base, a rule setting, a price override) and
asserts the new result to the krone, computed by hand or by the one function that prices a rule.

kb_small (tests/fixtures/kb_small): benefit 3.000 kr. (kommune) and 1.000 kr. (stat) per week, shelter 500 kr.
per day for each, prices of 2024, no rules. The scenario: 10 starters in 2025, 1 year, success rate 10 %
→ 1 success; consequence year 1 is 2025.
"""

from __future__ import annotations

import pytest
from small_scenario import small

from som_kernel import build_scenario, calculate
from som_kernel.errors import ScenarioError
from som_kernel.scenario import ConsequenceOverride
from som_kernel.steps.prices import rule_prices
from som_kernel.variants import with_settings


def kroner(result, service: str, year: int, actor: str) -> float:
    """The consequence kroner of one service in one year for one actor."""
    return float(result.by_year_service(kind="consequence", actor=actor).loc[year, service])


def test_an_override_list_edited_in_place_is_read_afresh(kb_small):
    overrides = [
        {"outcome": "job", "service": "benefit", "year": 1, "delta_use": -30},
        {"outcome": "job", "service": "benefit", "year": 2, "delta_use": -7},
    ]
    sc = build_scenario(small(consequence_overrides=overrides))
    # the overrides replace the knowledge base's −10 and −20 weeks: 1 success × 30 weeks × 3.000 kr. = 90.000 kr.
    # to the kommune in 2025, 1 × 7 × 3.000 = 21.000 kr. in 2026
    r = calculate(sc, kb_small)
    assert kroner(r, "benefit", 2025, "kommune") == pytest.approx(90_000, abs=1e-6)
    assert kroner(r, "benefit", 2026, "kommune") == pytest.approx(21_000, abs=1e-6)
    # the same list, its second line replaced (the first line, and the length, unchanged): 1 × 9 × 3.000 = 27.000
    sc.consequence_overrides[1] = ConsequenceOverride(outcome="job", service="benefit", year=2, delta_use=-9)
    r = calculate(sc, kb_small)
    assert kroner(r, "benefit", 2025, "kommune") == pytest.approx(90_000, abs=1e-6)
    assert kroner(r, "benefit", 2026, "kommune") == pytest.approx(27_000, abs=1e-6)
    # its first line replaced: 1 × 40 × 3.000 = 120.000 kr.
    sc.consequence_overrides[0] = ConsequenceOverride(outcome="job", service="benefit", year=1, delta_use=-40)
    assert kroner(calculate(sc, kb_small), "benefit", 2025, "kommune") == pytest.approx(120_000, abs=1e-6)
    # a line added: shelter 1 × 5 days × 500 kr. = 2.500 kr. to the kommune and to the state
    sc.consequence_overrides.append(ConsequenceOverride(outcome="job", service="shelter", year=1, delta_use=-5))
    r = calculate(sc, kb_small)
    assert kroner(r, "shelter", 2025, "kommune") == pytest.approx(2_500, abs=1e-6)
    assert kroner(r, "shelter", 2025, "stat") == pytest.approx(2_500, abs=1e-6)
    assert kroner(r, "benefit", 2025, "kommune") == pytest.approx(120_000, abs=1e-6)


def test_a_new_list_with_other_values_is_not_served_the_old_one(kb_small):
    first = build_scenario(
        small(consequence_overrides=[{"outcome": "job", "service": "benefit", "year": 2, "delta_use": -7}])
    )
    second = build_scenario(
        small(consequence_overrides=[{"outcome": "job", "service": "benefit", "year": 2, "delta_use": -9}])
    )
    # year 2 = 2026: 1 × 7 × 3.000 = 21.000 kr.; then 1 × 9 × 3.000 = 27.000 kr.
    assert kroner(calculate(first, kb_small), "benefit", 2026, "kommune") == pytest.approx(21_000, abs=1e-6)
    assert kroner(calculate(second, kb_small), "benefit", 2026, "kommune") == pytest.approx(27_000, abs=1e-6)
    assert kroner(calculate(first, kb_small), "benefit", 2026, "kommune") == pytest.approx(21_000, abs=1e-6)


def test_another_knowledge_base_gets_its_own_prices(kb_small):
    sc = build_scenario(small())
    # the knowledge base's −10 weeks in 2025: 1 × 10 × 3.000 = 30.000 kr.; with benefit's prices doubled 60.000 kr.
    assert kroner(calculate(sc, kb_small), "benefit", 2025, "kommune") == pytest.approx(30_000, abs=1e-6)
    doubled = kb_small.with_price_factors({"benefit": 2.0})
    assert kroner(calculate(sc, doubled), "benefit", 2025, "kommune") == pytest.approx(60_000, abs=1e-6)
    assert kroner(calculate(sc, kb_small), "benefit", 2025, "kommune") == pytest.approx(30_000, abs=1e-6)


def test_the_knowledge_bases_estimates_follow_the_chosen_outcomes_and_horizon(kb_small):
    # job alone: benefit −10/−20/−20 weeks in 2025–2027 → 30.000 / 60.000 / 60.000 kr. (kommune)
    job = calculate(build_scenario(small()), kb_small)
    assert kroner(job, "benefit", 2027, "kommune") == pytest.approx(60_000, abs=1e-6)
    # horizon 2 after a horizon-3 calculation: 2027 has no consequence left, 2026 still 60.000 kr.
    short = calculate(with_settings(build_scenario(small()), horizon_years=2), kb_small)
    assert 2027 not in short.years
    assert kroner(short, "benefit", 2026, "kommune") == pytest.approx(60_000, abs=1e-6)
    # both outcomes at 10 %: housed adds shelter −100 days in 2025 → 1 × 100 × 500 = 50.000 kr. to each
    both = small(outcomes=[{"outcome": "job", "success_rate": 0.1}, {"outcome": "housed", "success_rate": 0.1}])
    r = calculate(build_scenario(both), kb_small)
    assert kroner(r, "shelter", 2025, "kommune") == pytest.approx(50_000, abs=1e-6)
    assert kroner(r, "benefit", 2025, "kommune") == pytest.approx(30_000, abs=1e-6)


KONTANTHJAELP = {
    "custom_target_group": {"name": "Test", "outcomes": {"job": "I job"}},
    "participants": [10],
    "duration_years": 1,
    "outcomes": [{"outcome": "job", "success_rate": 0.5}],
    "consequence_overrides": [{"outcome": "job", "service": "kontanthjaelp", "year": 1, "delta_use": -10}],
    "settings": {"price_year": 2025, "first_year": 2026, "horizon_years": 1, "weeks_on_benefits": 10},
}


def test_rule_prices_follow_the_setting_the_knowledge_base_and_an_override(kb):
    # 10 starters × 50 % = 5 successes, 10 weeks less kontanthjælp each in 2026: 50 weeks at the rule's price per
    # actor for 2026, consequence year 1 (rule_prices, the one function that prices a rule)
    sc = build_scenario(KONTANTHJAELP)
    first = calculate(sc, kb)
    for a, actor in enumerate(("kommune", "region", "stat")):
        price = rule_prices(sc, kb, "kontanthjaelp", 2026, 1)[a]
        assert kroner(first, "kontanthjaelp", 2026, actor) == pytest.approx(50 * price, abs=1e-6)
    # 60 weeks on support before: the refusion staircase gives the state another share of the same gross rate
    later = with_settings(sc, weeks_on_benefits=60)
    r = calculate(later, kb)
    kommune = kroner(r, "kontanthjaelp", 2026, "kommune")
    assert kommune == pytest.approx(50 * rule_prices(later, kb, "kontanthjaelp", 2026, 1)[0], abs=1e-6)
    assert abs(kommune - kroner(first, "kontanthjaelp", 2026, "kommune")) > 1_000
    # the gross rate doubled in a what-if knowledge base: every actor's kroner exactly double
    doubled = calculate(sc, kb.with_price_factors({"kontanthjaelp": 2.0}))
    for actor in ("kommune", "stat"):
        base = kroner(first, "kontanthjaelp", 2026, actor)
        assert kroner(doubled, "kontanthjaelp", 2026, actor) == pytest.approx(2 * base, rel=1e-12)
    # the kommune's own price wins for the kommune only: 50 weeks × 1.000 kr. = 50.000 kr.; the state keeps the rule
    own = build_scenario(
        {**KONTANTHJAELP, "price_overrides": [{"service": "kontanthjaelp", "actor": "kommune", "price": 1000}]}
    )
    r = calculate(own, kb)
    assert kroner(r, "kontanthjaelp", 2026, "kommune") == pytest.approx(50_000, abs=1e-6)
    assert kroner(r, "kontanthjaelp", 2026, "stat") == pytest.approx(kroner(first, "kontanthjaelp", 2026, "stat"))
    # and the first scenario again: its own numbers, not the last ones kept
    again = calculate(sc, kb)
    assert kroner(again, "kontanthjaelp", 2026, "kommune") == kroner(first, "kontanthjaelp", 2026, "kommune")


def test_an_outcome_the_group_lacks_is_refused_after_a_check_that_kept_the_groups_outcomes(kb_small):
    # tg_a has the outcomes job and housed: the first check keeps them with the knowledge base
    assert kroner(calculate(build_scenario(small()), kb_small), "benefit", 2025, "kommune") == pytest.approx(30_000)
    with pytest.raises(ScenarioError) as e:
        calculate(build_scenario(small(outcomes=[{"outcome": "not_there", "success_rate": 0.1}])), kb_small)
    assert [p.where for p in e.value.problems] == ["outcomes[0].outcome"]
