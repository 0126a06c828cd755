"""Synthetic panels with known true differences, confounded by age (tests/test_estimate.py, the benchmark and
the shipped template knowledge/lokale/skabelon/panel.csv).

Each person has an age (20–60), a sex and a base year; the younger are more likely to succeed (success
probability 0,70 at age 20 falling to 0,10 at 60), and every service's use rises with age, so the raw difference
between the groups mixes the true difference with the age gap. Use in year k:

    y = level + truth[k]·success + slope·(age − 40) + rho·(b − level) + half·u·(1 + success/2),  u ~ U(−1, 1)

where b (the use in the base year, year 0) = level + slope·(age − 40) + half·U(−1, 1). The noise is wider in
the success group (heteroskedastic), which HC1 standard errors allow for. Parameters are chosen so no value is
negative or above the unit's limit; the generator checks it rather than clipping (clipping would move the truth).

    python tests/synthetic_panel.py knowledge/lokale/skabelon/panel.csv   # rewrites the template
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Truth:
    """One service: its level, true difference per year k = 1…, age slope, noise half-width, baseline weight."""

    level: float
    truth: tuple[float, ...]
    slope: float
    half: float
    rho: float = 0.3
    limit: float = np.inf


# the template's services (units uge, sengedag, år i job), with differences like the IPS example's
TEMPLATE = {
    "kontanthjaelp": Truth(34.0, (-16, -15, -14, -13, -12, -11, -10, -9, -8, -7), 0.3, 5.0, limit=53),
    "psykiatri_sengedag": Truth(9.0, (-2, -1.8, -1.6, -1.4, -1.2, -1.0, -0.8, -0.6, -0.4, 0.0), 0.05, 3.0, limit=366),
    "skat_loenindkomst": Truth(0.35, (0.3, 0.3, 0.28, 0.26, 0.24, 0.22, 0.2, 0.18, 0.16, 0.14), -0.003, 0.12, limit=1),
}


def synthetic_panel(
    n_persons: int,
    services: dict[str, Truth],
    seed: int = 0,
    baseline: bool = True,
    confounded: bool = True,
) -> pd.DataFrame:
    """A panel (one row per person and year 0 … K, K = len of the truths) as read_panel expects it."""
    rng = np.random.default_rng(seed)
    years = len(next(iter(services.values())).truth)
    age = rng.integers(20, 61, n_persons).astype(float)
    p = 0.7 - 0.6 * (age - 20) / 40 if confounded else np.full(n_persons, 0.4)
    success = (rng.random(n_persons) < p).astype(int)
    sex = np.where(rng.random(n_persons) < 0.5, "K", "M")
    base_year = rng.choice([2015, 2016], n_persons)
    first = 0 if baseline else 1
    ks = np.arange(first, years + 1)
    frame = pd.DataFrame(
        {
            "person_id": np.repeat([f"p{i:06d}" for i in range(n_persons)], len(ks)),
            "base_year": np.repeat(base_year, len(ks)),
            "year": np.tile(ks, n_persons),
            "success": np.repeat(success, len(ks)),
            "age": np.repeat(age, len(ks)).astype(int),
            "sex": np.repeat(sex, len(ks)),
        }
    )
    for name, t in services.items():
        trend = t.level + t.slope * (age - 40)
        b = trend + t.half * rng.uniform(-1, 1, n_persons)
        use = np.empty((n_persons, len(ks)))
        for j, k in enumerate(ks):
            if k == 0:
                use[:, j] = b
                continue
            noise = t.half * rng.uniform(-1, 1, n_persons) * (1 + success / 2)
            use[:, j] = trend + t.truth[k - 1] * success + t.rho * (b - t.level) + noise
        if use.min() < 0 or use.max() > t.limit:
            raise ValueError(f"{name}: the parameters give use outside 0–{t.limit} ({use.min():.3g}–{use.max():.3g})")
        frame[name] = use.ravel()
    return frame


if __name__ == "__main__":
    out = Path(sys.argv[1])
    synthetic_panel(400, TEMPLATE, seed=2024).round(3).to_csv(out, index=False)
    print(f"Skrev {out}")
