"""Step: effect. Which cohorts there are, when they complete, and the share of completers who are successes.

SØM's rules (docs/method.md#step-3-effect-and-successes): the effect lands in the year a participant
completes the intervention, is the same for every cohort, has no phase-in, and the success rate is net of
the comparison group. Persistence (share of the effect left in consequence year k) defaults to 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..scenario import Scenario


@dataclass(frozen=True)
class Cohorts:
    """Cohorts with at least one starter: calendar start year, starters and completion year (each (C,))."""

    start: np.ndarray
    participants: np.ndarray
    done: np.ndarray


def cohorts(scenario: Scenario) -> Cohorts:
    """The scenario's cohorts; completion year done(c) = start(c) + duration − 1."""
    start = np.array(scenario.cohort_years)
    n = np.array(scenario.participants, dtype=float)
    keep = n > 0
    return Cohorts(start[keep], n[keep], start[keep] + scenario.duration_years - 1)


def success_rates(scenario: Scenario) -> np.ndarray:
    """(O,) the net success rate of each outcome, in scenario order."""
    return np.array([o.success_rate for o in scenario.outcomes], dtype=float)


def persistence(scenario: Scenario) -> np.ndarray:
    """(O, K) share of the effect left in consequence year k = 1..K (K = the horizon), per outcome."""
    horizon = scenario.settings.horizon_years
    return np.array([o.persistence_profile(horizon) for o in scenario.outcomes], dtype=float).reshape(-1, horizon)


def success_share(rate: np.ndarray, persistence: np.ndarray, outcome: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Share of completers who count as successes: rate[o] × persistence[o, k − 1], per consequence row
    (outcome index `outcome`, consequence year `k`). Successes of a cohort = completers × this share."""
    return rate[outcome] * persistence[outcome, k - 1]
