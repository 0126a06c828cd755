"""Step: costs. The intervention's cost lines per operating year, cohort and actor
(docs/method.md#step-2-costs): running costs per participant per year in the intervention, minus the baseline
(the usual intervention it replaces), fixed yearly costs shared over the year's participants pro rata, and the
one-off start-up cost in the first year shared over all participants pro rata. Costs are negative amounts, the
baseline saving positive; kroner at the scenario's price level.

Each line's amount per actor is the typed total plus the priced lines of the resource table (`cost_totals`,
docs/method.md#resources-the-cost-model): quantity × unit price, a profession's unit price being its wage per
årsværk (or per working hour) from the knowledge base, and staff lines carrying the overhead share."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import Problem, ScenarioError
from ..kb import KnowledgeBase
from ..names import ACTORS, COST_BASELINE, COST_FIXED, COST_RUNNING, COST_STARTUP
from ..scenario import Costs, Resource, Scenario
from .effect import Cohorts

COST_FIELDS = ("startup", "running_per_participant", "running_per_year", "baseline_per_participant")
STAFF_UNITS = ("hours", "fte")


@dataclass(frozen=True)
class PricedResource:
    """One resource line priced, in kroner at the costs' price year: `price` per unit (before overhead), the
    `overhead` share it carries, and `amount` = quantity × price × (1 + overhead). `wage` is the wages.csv row
    (as a dict) when a profession prices it, else None."""

    index: int
    resource: Resource
    price: float
    overhead: float
    amount: float
    wage: dict | None


def overhead_share(costs: Costs, kb: KnowledgeBase) -> float:
    """The overhead share on staff lines: the scenario's own, else the knowledge base's (meta.yaml), else 0."""
    if costs.overhead_share is not None:
        return costs.overhead_share
    return kb.meta.overhead.share if kb.meta.overhead is not None else 0.0


def cost_price_year(scenario: Scenario) -> int:
    """The price level of the typed cost amounts and own unit prices."""
    return scenario.costs.price_year or scenario.settings.price_year


def price_resources(scenario: Scenario, kb: KnowledgeBase) -> list[PricedResource]:
    """Every line of the resource table priced at the costs' price year; ScenarioError naming the line for a
    profession the knowledge base does not have."""
    costs = scenario.costs
    if not costs.resources:
        return []
    year = cost_price_year(scenario)
    wages = kb.wages.set_index("profession")
    overhead = overhead_share(costs, kb)
    out, problems = [], []
    for i, r in enumerate(costs.resources):
        wage = None
        if r.profession is not None:
            if r.profession not in wages.index:
                known = ", ".join(sorted(wages.index)) or "ingen (vidensdatabasen har ingen wages.csv)"
                problems.append(
                    Problem(
                        f"costs.resources[{i}].profession",
                        f"Faggruppen '{r.profession}' findes ikke i vidensdatabasen. Vælg en af: {known}; "
                        "eller angiv en egen enhedspris.",
                    )
                )
                continue
            row = wages.loc[r.profession]
            wage = {"profession": r.profession, **row.to_dict()}
            annual = row["annual_wage"] * kb.price_factor(int(row["price_year"]), year)
            price = float(annual if r.unit == "fte" else annual / row["hours_per_fte"])
        else:
            price = r.unit_price
        share = overhead if r.unit in STAFF_UNITS else 0.0
        out.append(PricedResource(i, r, price, share, r.quantity * price * (1 + share), wage))
    if problems:
        raise ScenarioError(problems)
    return out


def cost_totals(scenario: Scenario, kb: KnowledgeBase) -> dict[str, np.ndarray]:
    """Each cost line's kroner per actor (A,) at the costs' price year: the typed amount plus its resources."""
    c = scenario.costs
    totals = {f: np.array([getattr(getattr(c, f), a) for a in ACTORS], dtype=float) for f in COST_FIELDS}
    for p in price_resources(scenario, kb):
        totals[p.resource.line][ACTORS.index(p.resource.actor)] += p.amount
    return totals


@dataclass(frozen=True)
class CostLine:
    """One cost line's amounts (Y, C, A) in the calendar years `years` (Y,)."""

    line: str
    years: np.ndarray
    amount: np.ndarray


def cost_lines(scenario: Scenario, kb: KnowledgeBase, cohorts: Cohorts) -> list[CostLine]:
    """The non-zero cost lines of `scenario` for its cohorts."""
    totals = cost_totals(scenario, kb)
    L = scenario.duration_years
    starts, n = cohorts.start, cohorts.participants
    f = kb.price_factor(cost_price_year(scenario), scenario.settings.price_year)
    # active[j, i]: participants of cohort i in the intervention in operating year j
    years = np.arange(starts.min(), starts.max() + L)
    active = ((years[:, None] >= starts[None, :]) & (years[:, None] < starts[None, :] + L)) * n[None, :]
    per_year_total = active.sum(axis=1, keepdims=True)
    fixed_share = np.divide(active, per_year_total, out=np.zeros(active.shape), where=per_year_total > 0)
    lines = [
        # (cost line, weight per operating year × cohort, sign, kroner per actor and unit of weight)
        (COST_RUNNING, active, -1.0, totals["running_per_participant"]),
        (COST_BASELINE, active, +1.0, totals["baseline_per_participant"]),
        (COST_FIXED, fixed_share, -1.0, totals["running_per_year"]),
    ]
    out = []
    for line, weight, sign, rate in lines:
        r = rate * f * sign
        if r.any():
            out.append(CostLine(line, years, weight[:, :, None] * r[None, None, :]))
    startup = totals["startup"] * f
    if startup.any():
        share = n / n.sum()  # the one-off cost is shared by all participants
        first = np.array([scenario.settings.first_year])
        out.append(CostLine(COST_STARTUP, first, (-share[:, None] * startup[None, :])[None, :, :]))
    return out
