"""A Result is a value: later edits of the scenario it came from (or attempts at them) do not change it."""

import pydantic
import pytest

from som_kernel import build_scenario, calculate
from som_kernel.names import TOTAL


def _scenario():
    # 10 starters in 2026 and 10 in 2027, one year each; 20.000 kr. per participant per year (kommune)
    return build_scenario(
        {
            "custom_target_group": {"name": "Test", "outcomes": {"job": "I job"}},
            "participants": [10, 10],
            "duration_years": 1,
            "costs": {"running_per_participant": {"kommune": 20_000}},
            "outcomes": [{"outcome": "job", "success_rate": 0.1}],
            "settings": {"price_year": 2024, "first_year": 2026, "horizon_years": 3},
        }
    )


def test_a_scenario_field_cannot_be_assigned(kb_small):
    s = _scenario()
    with pytest.raises(pydantic.ValidationError):
        s.duration_years = 3
    with pytest.raises(pydantic.ValidationError):
        s.settings.horizon_years = 10


def test_editing_the_scenarios_lists_after_calculating_leaves_the_result_as_it_was(kb_small):
    s = _scenario()
    r = calculate(s, kb_small)
    # per participant: 20.000 kr. cost in the start year; 2 cohorts × 10 = 20 participants
    before = r.per_participant()
    assert before.loc[1, "kommune"] == pytest.approx(-20_000)
    assert list(r.years) == [2026, 2027, 2028, 2029]  # last cohort completes 2027, + 3 consequence years − 1
    s.participants[0] = 1000  # a list edit bypasses pydantic; the Result read what it needs when it was made
    s.participants.append(5)
    assert r.per_participant().equals(before)
    assert list(r.years) == [2026, 2027, 2028, 2029]


def test_the_table_handed_out_is_a_copy(kb_small):
    r = calculate(_scenario(), kb_small)
    t = r.table
    t["amount"] = 0.0
    assert r.totals()["kommune"] == pytest.approx(-400_000)  # 20 participants × 20.000 kr.
    assert r.table["amount"].sum() == pytest.approx(-400_000)
    with pytest.raises(ValueError):
        r.columns["amount"][0] = 1.0  # the columns are read-only


def _with_tax(participants):
    # one outcome, "job", worth one year of tax in consequence year 1 (= the completion year): kb_small's tax is
    # 50.000 kr. (kommune) and 30.000 kr. (stat) per year in job, 2024 prices = the price year
    return build_scenario(
        {
            "custom_target_group": {"name": "Test", "outcomes": {"job": "I job"}},
            "participants": participants,
            "duration_years": 1,
            "costs": {"running_per_participant": {"kommune": 20_000}},
            "outcomes": [{"outcome": "job", "success_rate": 0.1}],
            "consequence_overrides": [{"outcome": "job", "service": "tax", "year": 1, "delta_use": 1.0}],
            "settings": {"price_year": 2024, "first_year": 2026, "horizon_years": 3},
        }
    )


def test_two_results_never_share_a_cached_view(kb_small):
    # a: 10 starters in 2026 and 10 in 2027; each year 10 × −20.000 = −200.000 kr. cost (kommune) and
    #    10 × 0,1 = 1 success, worth +50.000 (kommune) and +30.000 (stat): kommune −150.000, stat +30.000 a year
    # b: 20 starters in 2026: 20 × −20.000 = −400.000 + 2 × 50.000 = −300.000 (kommune), 2 × 30.000 = 60.000 (stat)
    a = calculate(_with_tax([10, 10]), kb_small)
    b = calculate(_with_tax([20]), kb_small)
    for first, second in ((a, b), (b, a)):  # whichever is asked first, each keeps its own numbers
        assert first.by_year_actor().loc[2026, "kommune"] == pytest.approx(-150_000 if first is a else -300_000)
        assert second.by_year_actor().loc[2026, "kommune"] == pytest.approx(-150_000 if second is a else -300_000)
    assert a.totals_by_kind().at["cost", "kommune"] == pytest.approx(-400_000)  # 20 × 20.000 in both
    assert b.totals_by_kind().at["consequence", "stat"] == pytest.approx(60_000)
    assert a.totals_by_kind().at["consequence", "stat"] == pytest.approx(60_000)  # 1 + 1 success × 30.000
    assert a.by_year_actor().loc[2027, TOTAL] == pytest.approx(-120_000)  # −150.000 + 30.000
    assert b.by_year_actor().loc[2027, TOTAL] == 0.0  # b's only cohort completed in 2026
    assert a.by_committee().loc[2027, TOTAL] == pytest.approx(-150_000)  # the kommune's column
    assert b.by_committee().loc[2027, TOTAL] == 0.0
    # by consequence, summed over cohorts: a has 1 + 1 successes, b 2, both 2 × 50.000 = 100.000 to the kommune
    assert a.by_consequence()["amount"].tolist() == b.by_consequence()["amount"].tolist() == [100_000, 60_000]
    assert a._cache is not b._cache
    shared = {id(v) for v in a._cache.values()} & {id(v) for v in b._cache.values()}
    assert not shared


def test_a_view_handed_out_can_be_edited_without_changing_the_result(kb_small):
    r = calculate(_with_tax([10, 10]), kb_small)
    yearly, kinds, committees, consequences = (
        r.by_year_actor(),
        r.totals_by_kind(),
        r.by_committee(),
        r.by_consequence(),
    )
    yearly.loc[2026, "kommune"] = 0.0
    yearly.columns.name = "changed"
    kinds.loc["cost", "kommune"] = 0.0
    committees.loc[2026, TOTAL] = 0.0
    consequences.loc[0, "amount"] = 0.0
    # as before the edits: 2026 kommune −200.000 + 50.000; costs 20 × −20.000; 1 + 1 successes × 50.000
    assert r.by_year_actor().loc[2026, "kommune"] == pytest.approx(-150_000)
    assert r.by_year_actor().columns.name == "actor"
    assert r.per_participant().columns.name == "actor"  # the columns are not shared between views either
    assert r.totals_by_kind().at["cost", "kommune"] == pytest.approx(-400_000)
    assert r.by_committee().loc[2026, TOTAL] == pytest.approx(-150_000)
    assert r.by_consequence().loc[0, "amount"] == pytest.approx(100_000)
    assert r.cumulative().loc[2027, TOTAL] == pytest.approx(-240_000)  # 2 × (−150.000 + 30.000)
