"""Step: consequences. The change in use of each service per successful person in each consequence year,
from the knowledge base with the scenario's local overrides, its calendar year, and its sign.

docs/method.md#step-4-consequences: consequence year k = 1 is the completion year (k = 1 is the year
after with `consequence_offset = 1`); a fall in use of an expenditure is a gain to the payer, a rise in a
revenue (tax) a gain to the receiver.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..knowledge import KnowledgeBase
from ..scenario import Scenario


def consequence_rows(scenario: Scenario, kb: KnowledgeBase) -> pd.DataFrame:
    """Consequence estimates used (outcome, service, year, delta_use, overridden): knowledge + local overrides.
    A local value replaces the knowledge-base value with the same outcome, service and year; rows past the
    horizon and excluded services are left out."""
    horizon, excluded = scenario.settings.horizon_years, set(scenario.excluded_services)
    used: dict[tuple[str, str, int], tuple[float, bool]] = {}
    if scenario.target_group is not None:
        sub = kb.consequences_for_outcomes(scenario.target_group, [o.outcome for o in scenario.outcomes])
        columns = (sub[c].tolist() for c in ("outcome", "service", "year", "delta_use"))
        for key in zip(*columns):
            used[key[:3]] = (key[3], False)
    for o in scenario.consequence_overrides:
        used[(o.outcome, o.service, o.year)] = (o.delta_use, True)
    keys = [k for k in used if k[2] <= horizon and k[1] not in excluded]
    return pd.DataFrame(
        {
            "outcome": pd.Series([k[0] for k in keys], dtype=object),
            "service": pd.Series([k[1] for k in keys], dtype=object),
            "year": np.array([k[2] for k in keys], dtype=int),
            "delta_use": np.array([used[k][0] for k in keys], dtype=float),
            "overridden": np.array([used[k][1] for k in keys], dtype=bool),
        }
    )


def calendar_years(done: np.ndarray, k: np.ndarray, offset: int) -> np.ndarray:
    """(R, C) calendar year of consequence year k (per row) for each cohort completing in done (per cohort)."""
    return done[None, :] + k[:, None] - 1 + offset


def sign(kb: KnowledgeBase, services) -> np.ndarray:
    """(R,) +1 for a revenue service (more is a gain), −1 for an expenditure (less use is a gain)."""
    return np.where(kb.service_info("flow", services) == "revenue", 1.0, -1.0)


def gain_per_success(delta_use: np.ndarray, sign: np.ndarray, prices: np.ndarray) -> np.ndarray:
    """Kroner gained per successful person: sign × Δuse × price. `prices` has rows first ((R, …, A));
    the result has its shape."""
    factor = sign * delta_use
    return factor.reshape(-1, *([1] * (prices.ndim - 1))) * prices
