"""Benchmark (not a test): the engine against a dense numpy computation of the same numbers.

A small scenario with its own target group (4 services, one outcome, 3 cohorts, local consequence estimates and
local prices, 10-year horizon): `calculate()` + `by_year_actor()` against the same yearly net result per actor
computed directly with numpy from arrays prepared beforehand (the least any implementation must do). The ratio
says what the engine's generality (the tidy table, the knowledge base, the rules, checks) costs on a small
scenario. Aim (issue "One quantity, one function"): at most 30×. Measured (load 1–2, 6 December 2026): 0.41–0.43 ms
against 0.015–0.016 ms, 27–28×; the code before what depends only on the knowledge base was kept with it, in the
same minutes: 0.55 ms, 35×, and 0.86–1.06 ms, 55–70×, once it checked each local price against its unit's limit
with pandas on every calculation (instructions, valgrind --tool=callgrind, before that check: 3.55 → 2.31 million
per calculate + by_year_actor).
Run: .venv/bin/python benchmarks/engine_dense.py
"""

from __future__ import annotations

import numpy as np
from engine_speed import median_ms

from som_kernel import build_scenario, calculate, load_knowledge

SERVICES = ("aktivt_tilbud", "psykolog", "botilbud_midlertidigt", "skat_loenindkomst")
PRICES = {  # kommune, region, stat (kr. per unit at the scenario's price level)
    "aktivt_tilbud": (2_000.0, 0.0, 1_500.0),
    "psykolog": (300.0, 4_000.0, 0.0),
    "botilbud_midlertidigt": (900.0, 0.0, 0.0),
    "skat_loenindkomst": (60_000.0, 0.0, 40_000.0),
}
DELTA = {"aktivt_tilbud": -20.0, "psykolog": -2.0, "botilbud_midlertidigt": -30.0, "skat_loenindkomst": 0.5}
PARTICIPANTS = [30, 40, 50]
RATE = 0.2
HORIZON = 10


def small_scenario():
    overrides = [
        {"outcome": "o_job", "service": s, "year": k, "delta_use": DELTA[s] * (1 - 0.05 * (k - 1))}
        for s in SERVICES
        for k in range(1, HORIZON + 1)
    ]
    return build_scenario(
        {
            "custom_target_group": {"name": "Lille gruppe", "outcomes": {"o_job": "I job"}},
            "participants": PARTICIPANTS,
            "duration_years": 1,
            "costs": {
                "startup": {"kommune": 200_000},
                "running_per_participant": {"kommune": 30_000},
                "running_per_year": {"kommune": 100_000},
            },
            "outcomes": [{"outcome": "o_job", "success_rate": RATE}],
            "consequence_overrides": overrides,
            "price_overrides": [
                {"service": s, "actor": a, "price": p}
                for s, row in PRICES.items()
                for a, p in zip(("kommune", "region", "stat"), row)
                if p
            ],
            "settings": {"price_year": 2024, "first_year": 2026, "horizon_years": HORIZON, "discount_rate": 0.0},
        }
    )


def dense_inputs(kb):
    """The scenario's numbers as plain arrays: what a dense implementation starts from."""
    flow = dict(zip(kb.services["id"], kb.services["flow"]))
    sign = np.array([1.0 if flow.get(s) == "revenue" else -1.0 for s in SERVICES])
    delta = np.array([[DELTA[s] * (1 - 0.05 * k) for k in range(HORIZON)] for s in SERVICES])  # (S, K)
    price = np.array([PRICES[s] for s in SERVICES])  # (S, A)
    n = np.array(PARTICIPANTS, dtype=float)
    return sign, delta, price, n


def dense(sign, delta, price, n):
    """Net result per calendar year (rows 2026 …) and actor (kommune, region, stat, total), by numpy alone."""
    C, K = len(n), delta.shape[1]
    out = np.zeros((C + K - 1, 4))
    per_success = np.einsum("s,sk,sa->ka", sign, delta, price) * RATE  # (K, A) kroner per completer
    for c in range(C):  # cohort c completes in year c (duration 1) and has consequences in years c … c+K−1
        out[c : c + K, :3] += n[c] * per_success
    out[:C, 0] -= n * 30_000 + 100_000  # running per participant and fixed per year (one cohort a year)
    out[0, 0] -= 200_000  # start-up
    out[:, 3] = out[:, :3].sum(axis=1)
    return out


def main() -> None:
    kb = load_knowledge()
    sc = small_scenario()
    args = dense_inputs(kb)
    engine = calculate(sc, kb).by_year_actor().to_numpy()
    np.testing.assert_allclose(engine, dense(*args), rtol=1e-12, atol=1e-6)  # the same numbers
    t_engine = median_ms(lambda: calculate(sc, kb).by_year_actor(), repeat=300)
    t_dense = median_ms(lambda: dense(*args), repeat=300)
    print(f"small own-target-group scenario: {len(SERVICES)} services, 1 outcome, {len(PARTICIPANTS)} cohorts")
    print(f"calculate + by_year_actor  median {t_engine:7.3f} ms")
    print(f"dense numpy, same numbers  median {t_dense:7.3f} ms")
    print(f"ratio                             {t_engine / t_dense:7.1f}× (aim ≤ 30×)")


if __name__ == "__main__":
    main()
