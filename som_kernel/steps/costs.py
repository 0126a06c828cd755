"""Step: costs. The intervention's cost lines per operating year, cohort and actor
(docs/method.md#step-2-costs): running costs per participant per year in the intervention, minus the baseline
(the usual intervention it replaces), fixed yearly costs shared over the year's participants pro rata, and the
one-off start-up cost in the first year shared over all participants pro rata. Costs are negative amounts, the
baseline saving positive; kroner at the scenario's price level."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..knowledge import KnowledgeBase
from ..names import ACTORS, COST_BASELINE, COST_FIXED, COST_RUNNING, COST_STARTUP
from ..scenario import Scenario
from .effect import Cohorts


@dataclass(frozen=True)
class CostLine:
    """One cost line's amounts (Y, C, A) in the calendar years `years` (Y,)."""

    line: str
    years: np.ndarray
    amount: np.ndarray


def cost_lines(scenario: Scenario, kb: KnowledgeBase, cohorts: Cohorts) -> list[CostLine]:
    """The non-zero cost lines of `scenario` for its cohorts."""
    c = scenario.costs
    L = scenario.duration_years
    starts, n = cohorts.start, cohorts.participants
    f = kb.price_factor(c.price_year or scenario.settings.price_year, scenario.settings.price_year)
    # active[j, i]: participants of cohort i in the intervention in operating year j
    years = np.arange(starts.min(), starts.max() + L)
    active = ((years[:, None] >= starts[None, :]) & (years[:, None] < starts[None, :] + L)) * n[None, :]
    per_year_total = active.sum(axis=1, keepdims=True)
    fixed_share = np.divide(active, per_year_total, out=np.zeros(active.shape), where=per_year_total > 0)
    lines = [
        # (cost line, weight per operating year × cohort, sign, kroner per actor and unit of weight)
        (COST_RUNNING, active, -1.0, c.running_per_participant),
        (COST_BASELINE, active, +1.0, c.baseline_per_participant),
        (COST_FIXED, fixed_share, -1.0, c.running_per_year),
    ]
    out = []
    for line, weight, sign, rate in lines:
        r = np.array([getattr(rate, a) for a in ACTORS]) * f * sign
        if r.any():
            out.append(CostLine(line, years, weight[:, :, None] * r[None, None, :]))
    startup = np.array([getattr(c.startup, a) for a in ACTORS]) * f
    if startup.any():
        share = n / n.sum()  # the one-off cost is shared by all participants
        first = np.array([scenario.settings.first_year])
        out.append(CostLine(COST_STARTUP, first, (-share[:, None] * startup[None, :])[None, :, :]))
    return out
