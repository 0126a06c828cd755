"""Benchmark: Monte Carlo over a 10-year, ~40-service, 3-actor, 3-outcome, 5-cohort scenario.

Prints the median time of 10,000 draws (target ≤ 250 ms) and the speed-up over looping the deterministic
engine (calculate) over the same draws (target ≥ 30×; a few hundred draws looped and extrapolated). The
looped results are also checked against the vectorised ones. Run: .venv/bin/python benchmarks/monte_carlo.py
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from som_kernel import build_scenario, calculate, load_knowledge
from som_kernel.uncertainty import UncertaintySpec, build_model, draw_inputs, evaluate, monte_carlo

N_DRAWS = 10_000
N_LOOP = 200
RUNS = 9


def benchmark_scenario(kb):
    """A user-defined target group with local consequence estimates for 40 priced knowledge-base services."""
    priced = sorted(set(kb.prices["service"]))
    services = priced[:40]
    rng = np.random.default_rng(2024)
    outcomes = {"o_job": "I job", "o_bolig": "I egen bolig", "o_ingen_krim": "Ingen ny kriminalitet"}
    overrides = [
        {"outcome": o, "service": s, "year": k, "delta_use": float(np.round(rng.uniform(-3, 1), 3))}
        for o in outcomes
        for s in services
        for k in range(1, 11)
    ]
    return build_scenario(
        {
            "name": "Benchmark",
            "custom_target_group": {"name": "Benchmarkgruppe", "outcomes": outcomes},
            "participants": [40, 40, 40, 40, 40],
            "duration_years": 2,
            "costs": {
                "startup": {"kommune": 500_000, "region": 100_000, "stat": 200_000},
                "running_per_participant": {"kommune": 40_000, "region": 5_000, "stat": 10_000},
                "running_per_year": {"kommune": 150_000},
                "baseline_per_participant": {"kommune": 8_000},
            },
            "outcomes": [
                {"outcome": "o_job", "success_rate": 0.15},
                {"outcome": "o_bolig", "success_rate": 0.25, "persistence": [1, 0.9, 0.8]},
                {"outcome": "o_ingen_krim", "success_rate": 0.1},
            ],
            "consequence_overrides": overrides,
            "settings": {"price_year": 2024, "first_year": 2025, "horizon_years": 10, "discount_rate": 0.0},
        }
    )


def draw_calculation(base: dict, model, kb, inputs, d: int):
    """The scenario and knowledge base that one draw describes, for the deterministic engine. Drawn prices are a
    what-if copy of the knowledge base (every actor's price and a rule-priced service's gross rate × the draw), so
    the rules still split each calendar year; price overrides would freeze one year's split."""
    data = {**base}
    data["outcomes"] = [{**o, "success_rate": float(inputs.success[d, i])} for i, o in enumerate(base["outcomes"])]
    if inputs.persistence is not None:  # persistence shares below 1 are drawn too (one profile per outcome)
        for i, o in enumerate(data["outcomes"]):
            o["persistence"] = [float(p) for p in inputs.persistence[d, i]]
    g_index = {(o, s): i for i, (o, s) in enumerate(zip(model.groups["outcome"], model.groups["service"]))}
    data["consequence_overrides"] = [
        {**c, "delta_use": c["delta_use"] * float(inputs.consequence[d, g_index[(c["outcome"], c["service"])]])}
        for c in base["consequence_overrides"]
    ]
    line_factor = {c: float(f) for c, f in zip(model.cost_lines, inputs.cost[d])}  # multipliers are float32
    # the drawn overrun applies to the intervention's own lines, the other draw to the baseline savings
    overrun = next((f for c, f in line_factor.items() if c != "omk_basisalternativ"), 1.0)
    baseline = line_factor.get("omk_basisalternativ", 1.0)
    costs = {k: (dict(v) if isinstance(v, dict) else v) for k, v in base["costs"].items()}
    for line in ("startup", "running_per_participant", "running_per_year"):
        costs[line] = {a: v * overrun for a, v in costs[line].items()}
    costs["baseline_per_participant"] = {a: v * baseline for a, v in costs["baseline_per_participant"].items()}
    data["costs"] = costs
    factors = dict(zip(model.services, (float(f) for f in inputs.price[d]), strict=True))
    return build_scenario(data), kb.with_price_factors(factors)


def main() -> None:
    kb = load_knowledge()
    sc = benchmark_scenario(kb)
    spec = UncertaintySpec()
    model = build_model(sc, kb)
    print(
        f"Scenario: {len(model.years)} years, {len(model.services)} services, 3 actors, {len(model.outcomes)} outcomes,"
        f" {sum(1 for n in sc.participants if n)} cohorts, {len(model.row_k)} consequence rows,"
        f" {len(model.groups)} consequence estimates"
    )
    monte_carlo(sc, kb, 500, seed=0, spec=spec)  # warm-up

    full, draws_only = [], []  # wall-clock seconds; the machine is shared, so the best run is printed too
    for run in range(RUNS):
        t0 = time.perf_counter()
        monte_carlo(sc, kb, N_DRAWS, seed=run, spec=spec)
        full.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        monte_carlo(sc, kb, N_DRAWS, seed=run, spec=spec, model=model)
        draws_only.append(time.perf_counter() - t0)
    t_full, t_draws = statistics.median(full), statistics.median(draws_only)
    print(
        f"Monte Carlo, {N_DRAWS:,} draws incl. building the model: median {t_full * 1000:.0f} ms, "
        f"best {min(full) * 1000:.0f} ms of {RUNS} runs (target ≤ 250 ms)"
    )
    print(
        f"Monte Carlo, {N_DRAWS:,} draws on an already built model: median {t_draws * 1000:.0f} ms, "
        f"best {min(draws_only) * 1000:.0f} ms"
    )

    mc = monte_carlo(sc, kb, N_DRAWS, seed=0, spec=spec, model=model)
    summaries = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        mc.prob_positive(), mc.quantiles(), mc.prob_payback(), mc.break_even_distribution()
        summaries.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    mc.contributions()
    t_contrib = time.perf_counter() - t0
    print(
        f"Summaries of {N_DRAWS:,} draws (probabilities, quantiles, payback, break-even distribution): median "
        f"{statistics.median(summaries) * 1000:.0f} ms; spread per input group: {t_contrib * 1000:.0f} ms"
    )

    inputs = draw_inputs(model, kb, spec, N_LOOP, seed=99)
    base = sc.model_dump()
    draws = [draw_calculation(base, model, kb, inputs, d) for d in range(N_LOOP)]
    # timed on the shared knowledge base (as a loop over scenarios would run); a knowledge-base copy per draw
    # would add the rule prices' derivation to every run
    t0 = time.perf_counter()
    for scenario, _ in draws:
        calculate(scenario, kb).by_year_actor()
    t_loop = (time.perf_counter() - t0) / N_LOOP * N_DRAWS
    looped = [calculate(scenario, kb_draw).by_year_actor() for scenario, kb_draw in draws]
    vec = evaluate(model, inputs)
    diff = max(float(np.abs(vec[d] - looped[d].reindex(model.years).to_numpy()).max()) for d in range(N_LOOP))
    print(f"Looping calculate() over {N_LOOP} draws, extrapolated to {N_DRAWS:,}: {t_loop:.1f} s")
    print(f"Speed-up of the vectorised run over the loop: {t_loop / t_full:.0f}× (target ≥ 30×)")
    print(f"Largest difference between looped and vectorised results over {N_LOOP} draws: {diff:.2e} kr.")


if __name__ == "__main__":
    main()
