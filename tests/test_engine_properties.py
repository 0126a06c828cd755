"""Properties of the engine over generated scenarios on tests/fixtures/kb_small (hypothesis)."""

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from som_kernel import ACTORS, build_scenario, calculate, scenario_from_json, scenario_to_json, unit_prices

money = st.integers(min_value=0, max_value=200_000).map(float)
rate = st.floats(min_value=0, max_value=1, allow_nan=False)


@st.composite
def scenarios(draw):
    outcomes = draw(st.lists(st.sampled_from(["job", "housed"]), min_size=1, max_size=2, unique=True))
    horizon = draw(st.integers(1, 12))
    participants = draw(st.lists(st.integers(0, 60), min_size=1, max_size=5).filter(lambda v: sum(v) > 0))

    def actors():
        return {a: draw(money) for a in draw(st.sets(st.sampled_from(ACTORS)))}

    return build_scenario(
        {
            "target_group": "tg_a",
            "participants": participants,
            "duration_years": draw(st.integers(1, 3)),
            "costs": {
                "startup": actors(),
                "running_per_participant": actors(),
                "running_per_year": actors(),
                "baseline_per_participant": actors(),
            },
            "outcomes": [
                {"outcome": o, "success_rate": draw(rate), "persistence": draw(st.lists(rate, max_size=4))}
                for o in outcomes
            ],
            "settings": {
                "price_year": draw(st.sampled_from([2020, 2024, 2025])),
                "first_year": draw(st.integers(2020, 2030)),
                "horizon_years": horizon,
                "discount_rate": draw(st.sampled_from([0.0, 0.035, 0.1])),
                "consequence_offset": draw(st.sampled_from([0, 1])),
            },
        }
    )


fast = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@fast
@given(scenarios())
def test_success_rate_zero_gives_minus_costs(kb_small, s):
    zero = s.model_copy(update={"outcomes": [o.model_copy(update={"success_rate": 0.0}) for o in s.outcomes]})
    r = calculate(zero, kb_small)
    costs = r.by_year_actor(kind="cost")
    pd.testing.assert_frame_equal(r.by_year_actor(), costs)
    assert (r.table["kind"] == "consequence").sum() == 0


@fast
@given(scenarios(), st.integers(2, 5))
def test_linear_in_participants(kb_small, s, factor):
    # start-up and fixed yearly costs do not depend on participants; everything else scales
    data = s.model_dump()
    data["costs"].update(startup={}, running_per_year={})
    s = build_scenario(data)
    scaled = build_scenario({**s.model_dump(), "participants": [n * factor for n in s.participants]})
    a, b = calculate(s, kb_small).by_year_actor(), calculate(scaled, kb_small).by_year_actor()
    np.testing.assert_allclose(b.to_numpy(), factor * a.to_numpy(), rtol=1e-9, atol=1e-6)


@fast
@given(scenarios())
def test_doubling_all_prices_doubles_consequences(kb_small, s):
    prices = unit_prices(s, kb_small)
    overrides = [
        {"service": svc, "actor": a, "price": 2 * prices.loc[svc, a]} for svc in prices.index for a in prices.columns
    ]
    doubled = build_scenario({**s.model_dump(), "price_overrides": overrides})
    a = calculate(s, kb_small).by_year_actor(kind="consequence")
    b = calculate(doubled, kb_small).by_year_actor(kind="consequence")
    np.testing.assert_allclose(b.to_numpy(), 2 * a.to_numpy(), rtol=1e-9, atol=1e-6)


@fast
@given(scenarios())
def test_zero_discount_rate_discounted_equals_undiscounted(kb_small, s):
    s = build_scenario({**s.model_dump(), "settings": {**s.settings.model_dump(), "discount_rate": 0.0}})
    r = calculate(s, kb_small)
    pd.testing.assert_frame_equal(r.by_year_actor(discounted=True), r.by_year_actor())


@fast
@given(scenarios())
def test_break_even_agrees_with_cumulative_series(kb_small, s):
    r = calculate(s, kb_small)
    yearly, cum = r.by_year_actor(), r.cumulative()
    for actor, year in r.break_even_years().items():
        started = (yearly[actor] != 0).cumsum() > 0
        if year is None:
            assert not ((cum[actor] >= -1e-6) & started).any()
        else:
            assert cum.loc[year, actor] >= -1e-6 and started[year]
            before = cum.loc[: year - 1, actor][started.loc[: year - 1]]
            assert (before < -1e-6).all()


@fast
@given(scenarios())
def test_save_load_gives_identical_result(kb_small, s):
    again = scenario_from_json(scenario_to_json(s))
    assert again == s
    pd.testing.assert_frame_equal(calculate(again, kb_small).table, calculate(s, kb_small).table)


@fast
@given(scenarios())
def test_views_add_up_to_the_table(kb_small, s):
    r = calculate(s, kb_small)
    total = r.table["amount"].sum()
    assert np.isclose(r.totals()["total"], total)
    assert np.isclose(r.by_welfare_area().to_numpy().sum(), total)
    assert np.isclose(r.per_participant()["total"].sum() * s.total_participants, total)
    assert np.isclose(r.by_service()["total"].sum(), total)
