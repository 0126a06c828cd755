"""A Result is a value: later edits of the scenario it came from (or attempts at them) do not change it."""

import pydantic
import pytest

from som_kernel import build_scenario, calculate


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
