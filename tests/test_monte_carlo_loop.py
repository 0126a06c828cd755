"""The vectorised Monte Carlo model against the deterministic engine looped over the same draws, on a scenario
whose services are priced by the public-finance rules (benefits, health) and whose prices are drawn.

A drawn price multiplies a service's unit prices for every actor and, for a rule-priced service, its gross rate,
so the split between kommune and stat still follows the rules of each calendar year. The engine sees the same
draw as a what-if copy of the knowledge base (`KnowledgeBase.with_price_factors`). An earlier benchmark loop
wrote the draw as fixed per-actor price overrides instead, which froze one calendar year's split for every year
and differed from the model by millions of kroner; the model was right.
"""

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from som_kernel import calculate, load_scenario
from som_kernel.steps.prices import consequence_prices
from som_kernel.uncertainty import UncertaintySpec, build_model, draw_inputs, evaluate
from som_kernel.variants import with_success_rates

EXAMPLE = Path(__file__).resolve().parent.parent / "notebooks" / "scenarier" / "eksempel.json"


@pytest.fixture(scope="module")
def setup(kb):
    sc = load_scenario(EXAMPLE)
    model = build_model(sc, kb)
    inputs = draw_inputs(model, kb, UncertaintySpec(), 12, seed=5)
    # only prices and success rates drawn: both can be written exactly as a scenario and a knowledge base
    return sc, model, dataclasses.replace(inputs, consequence=None, cost=None, persistence=None)


def test_the_example_has_rule_priced_services_with_drawn_prices(setup, kb):
    sc, model, inputs = setup
    ruled = [s for s in model.services if kb.rules.linked(s)]
    assert len(ruled) >= 3  # kontanthjælp and other benefits, health services
    at = [model.services.index(s) for s in ruled]
    assert np.ptp(inputs.price[:, at]) > 0.05  # the prices of those services really vary between draws


def test_looped_engine_equals_vectorised_model(setup, kb):
    sc, model, inputs = setup
    vec = evaluate(model, inputs)
    for d in range(inputs.size()):
        factors = dict(zip(model.services, inputs.price[d].tolist(), strict=True))
        rates = dict(zip(model.outcomes, inputs.success[d].tolist(), strict=True))
        looped = calculate(with_success_rates(sc, rates), kb.with_price_factors(factors)).by_year_actor()
        np.testing.assert_allclose(vec[d], looped.reindex(model.years).to_numpy(), rtol=0, atol=1e-6)


def test_price_factors_scale_a_rule_priced_benefit_for_every_actor(kb):
    # kontanthjælp is split by the refusion staircase and taxed: doubling its gross rate doubles every actor's
    # price in every calendar year, because the split and the tax are shares of the gross rate
    sc = load_scenario(EXAMPLE)
    services = np.array(["kontanthjaelp"], dtype=object)
    calendar, k = np.array([[2026, 2030]]), np.array([1])
    base = consequence_prices(sc, kb, services, calendar, k)
    doubled = consequence_prices(sc, kb.with_price_factors({"kontanthjaelp": 2.0}), services, calendar, k)
    assert np.abs(base).sum() > 0
    np.testing.assert_allclose(doubled, 2 * base, rtol=1e-12)
