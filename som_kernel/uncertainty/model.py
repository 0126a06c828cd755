"""The scenario as a linear model, built once, that evaluates many input sets (draws) at once with numpy.

The SØM result is linear in every uncertain input taken one at a time, so each year × actor amount is

    net[d, t, a] = Σ_g  success[d, o(g)] · consequence_mult[d, g] · price_mult[d, s(g)] · unit[g, t, a]
                 + Σ_l  cost_mult[d, l] · cost[l, t, a]

where g is a consequence estimate (outcome × service, all its years), `unit` its kroner per unit success
rate (persistence included), l a cost line and d a draw. Both are built with the engine's own step functions
(som_kernel/steps/: cohorts, consequence rows and their calendar years, prices, gain per success, persistence,
cost lines, discount factor), so there is one formula. With every draw at its base value the model reproduces
`calculate(scenario, kb).by_year_actor()`. The method: docs/method.md#step-10-uncertainty.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from ..arrays import factorize, group_sum
from ..checks import check_ids, check_prices
from ..kb import ACTORS, KnowledgeBase
from ..names import COST_BASELINE, COST_NAMES_DA
from ..scenario import Scenario
from ..steps import consequences as cons
from ..steps import effect
from ..steps.costs import cost_lines
from ..steps.discount import discount_factor
from ..steps.prices import consequence_prices
from ..views import TOTAL

COLUMNS = (*ACTORS, TOTAL)  # the actor axis of every output array: kommune, region, stat, total


@dataclass(frozen=True)
class LinearModel:
    """Per-unit contribution arrays of one scenario (kroner at the scenario's price level, undiscounted)."""

    scenario: Scenario
    years: np.ndarray  # (T,) calendar years, as Result.years
    outcomes: tuple[str, ...]  # (O,) outcome ids in scenario order
    outcome_names: dict[str, str]
    success: np.ndarray  # (O,) base success rates
    persistence: np.ndarray  # (O, K) base persistence per consequence year 1..K (K = horizon)
    group_outcome: np.ndarray  # (G,) consequence estimate → outcome index (o)
    group_service: np.ndarray  # (G,) consequence estimate → service index (s)
    services: tuple[str, ...]  # (S,) services with a consequence
    service_names: dict[str, str]
    row_group: np.ndarray  # (R,) consequence row → group
    row_outcome: np.ndarray  # (R,) consequence row → outcome index
    row_k: np.ndarray  # (R,) consequence year (1-based)
    row_unit: np.ndarray  # (R, T, A) kroner per row at success 1, persistence 1
    unit: np.ndarray  # (G, T, A) kroner per group at success 1, base persistence
    cost_lines: tuple[str, ...]  # (L,) engine cost line ids present
    cost: np.ndarray  # (L, T, A) kroner per cost line (costs negative, baseline savings positive)
    discount: np.ndarray  # (T,) discount factor 1/(1+r)^(year − first year)
    # the fast path's right-hand side: [unit; cost] with a total column, (G + L, T·4), undiscounted/discounted
    stack: np.ndarray
    stack_discounted: np.ndarray

    @cached_property
    def groups(self) -> pd.DataFrame:
        """(G) consequence estimates: outcome, service, o (outcome index), s (service index)."""
        o, s = self.group_outcome, self.group_service
        return pd.DataFrame(
            {
                "outcome": pd.Series([self.outcomes[i] for i in o], dtype=object),
                "service": pd.Series([self.services[i] for i in s], dtype=object),
                "o": o,
                "s": s,
            }
        )

    @property
    def cost_names(self) -> dict[str, str]:
        return {c: COST_NAMES_DA.get(c, c) for c in self.cost_lines}

    def overrun_lines(self) -> np.ndarray:
        """(L,) True for the intervention's own cost lines (overruns); False for baseline savings."""
        return np.array([c != COST_BASELINE for c in self.cost_lines], dtype=bool)


def _outcome_names(scenario: Scenario, kb: KnowledgeBase) -> dict[str, str]:
    if scenario.custom_target_group is not None:
        names = dict(scenario.custom_target_group.outcomes)
    else:
        names = dict(zip(kb.outcomes["id"], kb.outcomes["name"]))
    return {o.outcome: names.get(o.outcome, o.outcome) for o in scenario.outcomes}


def build_model(scenario: Scenario, kb: KnowledgeBase) -> LinearModel:
    """Build the linear model of `scenario` once (raises ScenarioError like calculate for bad input)."""
    rows = cons.consequence_arrays(scenario, kb)
    row_service, services = rows.service_codes  # services in order of first appearance among the rows
    check_ids(scenario, kb)  # the checks calculate makes (check_scenario), on the rows used below
    check_prices(set(services), scenario, kb)
    s = scenario.settings
    years = np.arange(s.first_year, scenario.last_year + 1)
    first = int(years[0])
    T, A = len(years), len(ACTORS)
    outcomes = tuple(o.outcome for o in scenario.outcomes)
    o_index = {o: i for i, o in enumerate(outcomes)}

    co = effect.cohorts(scenario)
    k = rows.year
    row_services = rows.service
    R = len(rows)
    row_unit = np.zeros((R, T, A))
    if R:
        calendar = cons.calendar_years(co.done, k, s.consequence_offset)  # (R, C)
        prices = consequence_prices(scenario, kb, row_services, calendar, k, coded=rows.service_codes)  # as the engine
        gain = cons.gain_per_success(rows.delta_use, cons.sign(kb, services)[row_service], prices)
        contrib = co.participants[None, :, None] * gain  # (R, C, A): kroner at success rate 1, persistence 1
        # a row's cohorts complete in different years, so each (row, year) gets at most one cohort's kroner
        row_unit[np.arange(R)[:, None], calendar - first] = contrib

    # consequence estimates (outcome × service) in order of first appearance among the rows
    o_codes, o_seen = rows.outcome_codes
    row_outcome = np.array([o_index[o] for o in o_seen], dtype=int)[o_codes]
    row_group, pairs = factorize(row_outcome * len(services) + row_service)
    group_outcome = np.array(pairs, dtype=int) // max(len(services), 1)
    group_service = np.array(pairs, dtype=int) % max(len(services), 1)
    services = tuple(services)
    persistence = effect.persistence(scenario)
    unit = group_sum(row_group, persistence[row_outcome, k - 1][:, None, None] * row_unit, len(pairs))

    lines = cost_lines(scenario, kb, co)
    cost_ids = tuple(c.line for c in lines)
    cost = np.zeros((len(lines), T, A))
    for i, c in enumerate(lines):
        cost[i, c.years - first] = c.amount.sum(axis=1)

    both = np.concatenate([unit, cost])
    both = np.concatenate([both, both.sum(axis=2, keepdims=True)], axis=2)  # (G + L, T, 4)
    discount = discount_factor(years, first, s.discount_rate)
    return LinearModel(
        scenario=scenario,
        years=years,
        outcomes=outcomes,
        outcome_names=_outcome_names(scenario, kb),
        success=effect.success_rates(scenario),
        persistence=persistence,
        group_outcome=group_outcome,
        group_service=group_service,
        services=services,
        service_names={v: n for v, n in zip(services, kb.service_info("name", list(services)))},
        row_group=row_group,
        row_outcome=row_outcome,
        row_k=k,
        row_unit=row_unit,
        unit=unit,
        cost_lines=cost_ids,
        cost=cost,
        discount=discount,
        stack=both.reshape(len(both), T * (A + 1)),
        stack_discounted=(both * discount[None, :, None]).reshape(len(both), T * (A + 1)),
    )


@dataclass(frozen=True)
class Inputs:
    """One set of inputs per draw (D rows). None means every draw at the base value (multiplier 1)."""

    success: np.ndarray | None = None  # (D, O) success rates
    consequence: np.ndarray | None = None  # (D, G) multipliers of each consequence estimate
    price: np.ndarray | None = None  # (D, S) multipliers of each service's prices (all actors)
    cost: np.ndarray | None = None  # (D, L) multipliers of each cost line
    persistence: np.ndarray | None = None  # (D, O, K) persistence profiles; slower path, for few draws

    def size(self) -> int:
        for x in (self.success, self.consequence, self.price, self.cost, self.persistence):
            if x is not None:
                return len(x)
        return 1


def _column(x: np.ndarray | None, d: int, width: int, base: np.ndarray | float = 1.0) -> np.ndarray:
    if x is None:
        return np.broadcast_to(np.asarray(base, dtype=float), (d, width))
    return x


def weights(model: LinearModel, inputs: Inputs) -> np.ndarray:
    """(D, G + L) multipliers of the rows of `model.stack`: success · consequence · price per consequence
    estimate, then the cost multipliers (the fast path; persistence at base)."""
    D = inputs.size()
    G, S, L, n_out = len(model.group_outcome), len(model.services), len(model.cost_lines), len(model.outcomes)
    o_g, s_g = model.group_outcome, model.group_service
    w = np.empty((D, G + L))
    np.multiply(
        _column(inputs.success, D, n_out, model.success)[:, o_g], _column(inputs.consequence, D, G), out=w[:, :G]
    )
    w[:, :G] *= _column(inputs.price, D, S)[:, s_g]
    w[:, G:] = _column(inputs.cost, D, L)
    return w


def evaluate(model: LinearModel, inputs: Inputs, discounted: bool = False) -> np.ndarray:
    """Net result per draw, year and actor: (D, T, 4) kroner; the last column is the total."""
    D = inputs.size()
    T, A = len(model.years), len(ACTORS)
    G, S, L, n_out = len(model.group_outcome), len(model.services), len(model.cost_lines), len(model.outcomes)
    if inputs.persistence is None:  # one matrix product: weights @ [unit; cost]
        net = weights(model, inputs) @ (model.stack_discounted if discounted else model.stack)
        return net.reshape(D, T, A + 1)
    success = _column(inputs.success, D, n_out, model.success)
    cmult = _column(inputs.consequence, D, G)
    pmult = _column(inputs.price, D, S)
    o_g, s_g = model.group_outcome, model.group_service
    # per consequence row, since persistence differs per consequence year (few draws: sensitivity)
    weight = success[:, o_g] * cmult * pmult[:, s_g]  # (D, G)
    pers = inputs.persistence[:, model.row_outcome, model.row_k - 1]  # (D, R)
    net = (weight[:, model.row_group] * pers) @ model.row_unit.reshape(-1, T * A)
    if L:
        net = net + _column(inputs.cost, D, L) @ model.cost.reshape(L, T * A)
    net = net.reshape(D, T, A)
    if discounted:
        net = net * model.discount[None, :, None]
    return np.concatenate([net, net.sum(axis=2, keepdims=True)], axis=2)


def base_net(model: LinearModel, discounted: bool = False) -> pd.DataFrame:
    """The deterministic net result per year × actor (as Result.by_year_actor) from the model."""
    net = evaluate(model, Inputs(), discounted)[0]
    out = pd.DataFrame(net, index=pd.Index(model.years, name="year"), columns=pd.Index(COLUMNS, name="actor"))
    return out
