"""Step: consequences. The change in use of each service per successful person in each consequence year,
from the knowledge base with the scenario's local overrides, its calendar year, and its sign.

docs/method.md#step-4-consequences: consequence year k = 1 is the completion year (k = 1 is the year
after with `consequence_offset = 1`); a fall in use of an expenditure is a gain to the payer, a rise in a
revenue (tax) a gain to the receiver.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..kb import KnowledgeBase
from ..scenario import Scenario


@dataclass(frozen=True)
class Rows:
    """The consequence estimates in use as arrays (R,): outcome, service, consequence year k, Δ use per
    successful person, and whether the value is a local override."""

    outcome: np.ndarray
    service: np.ndarray
    year: np.ndarray
    delta_use: np.ndarray
    overridden: np.ndarray

    def __len__(self) -> int:
        return len(self.year)


def consequence_arrays(scenario: Scenario, kb: KnowledgeBase) -> Rows:
    """Consequence estimates used: knowledge + local overrides. A local value replaces the knowledge-base value
    with the same outcome, service and year; rows past the horizon and excluded services are left out."""
    horizon, excluded = scenario.settings.horizon_years, scenario.excluded_services
    used: dict[tuple[str, str, int], float] = {}
    if scenario.target_group is not None:
        chosen = tuple(o.outcome for o in scenario.outcomes)
        used = kb._cached(("consequence_lists", scenario.target_group, chosen), lambda: _kb_lists(kb, scenario))
    local = {(o.outcome, o.service, o.year): o.delta_use for o in scenario.consequence_overrides}
    if used and local:  # a local value replaces the knowledge-base value in its place; a new key comes after them
        used = {**used, **local}
        overridden = np.fromiter((k in local for k in used), dtype=bool, count=len(used))
    else:
        used = used or local
        overridden = np.full(len(used), bool(local))
    if not used:
        return Rows(*(np.array([], dtype=t) for t in (object, object, int, float, bool)))
    outcome, service, year = (np.array(x, dtype=object) for x in zip(*used))
    year = year.astype(int)
    keep = year <= horizon
    if excluded:
        keep &= ~np.isin(service, np.array(excluded, dtype=object))
    delta = np.fromiter(used.values(), dtype=float, count=len(used))
    return Rows(outcome[keep], service[keep], year[keep], delta[keep], overridden[keep])


def _kb_lists(kb: KnowledgeBase, scenario: Scenario) -> dict[tuple[str, str, int], float]:
    """The knowledge base's estimates of the scenario's outcomes: (outcome, service, year) → Δ use."""
    sub = kb.consequences_for_outcomes(scenario.target_group, [o.outcome for o in scenario.outcomes])
    return dict(zip(zip(*(sub[c].tolist() for c in ("outcome", "service", "year"))), sub["delta_use"].tolist()))


def consequence_rows(scenario: Scenario, kb: KnowledgeBase) -> pd.DataFrame:
    """The consequence estimates in use (consequence_arrays) as a table: outcome, service, year, delta_use,
    overridden."""
    r = consequence_arrays(scenario, kb)
    return pd.DataFrame(
        {
            "outcome": pd.Series(r.outcome, dtype=object),
            "service": pd.Series(r.service, dtype=object),
            "year": r.year,
            "delta_use": r.delta_use,
            "overridden": r.overridden,
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
