"""Step: discounting (docs/method.md#step-7-discounting): an amount in calendar year t is worth
1 / (1 + r)^(t − first year) in the first year's kroner; r = 0 (the default) leaves amounts as they are."""

from __future__ import annotations

import numpy as np


def discount_factor(years, first_year: int, rate: float) -> np.ndarray:
    """The discount factor of each calendar year in `years` (same shape)."""
    offset = np.asarray(years, dtype=int) - first_year
    if offset.size == 0:
        return np.ones(offset.shape)
    low = int(offset.min())
    per_year = 1.0 / (1.0 + rate) ** np.arange(low, int(offset.max()) + 1)  # once per distinct year
    return per_year[offset - low]
