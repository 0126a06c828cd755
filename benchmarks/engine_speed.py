"""Benchmark (not a test): median time of one deterministic calculation, its main views, and one keystroke in the app.

Scenario: 10-year horizon, ~40 services, 3 actors, 3 outcomes, 5 cohorts, on the shipped knowledge base.
Target: a few milliseconds, so every widget change can recompute everything.
Run: .venv/bin/python benchmarks/engine_speed.py

Measured on the 2-core project machine, quiet, same libraries (pandas 3 with pyarrow strings), median:
  before the kernel was organised by SØM's steps: 40-service scenario 16.5 ms, inmates scenario 13.9 ms;
  after: 40-service 12.1 ms (10.0 ms with check=False, as the app calls it after checking once; it now also
  prices the rule-linked services per calendar year), inmates 4.7 ms (2.9 ms with check=False);
  later 3.4–3.9 ms for the 40-service scenario; after the table's columns were taken at each block's non-zero
  positions (no broadcast per column), the cost lines made one block and consequence rows built with numpy
  masks: 40-service 2.32 ms (2.14 ms checked once), inmates 1.42 ms (load 2, December 2026);
  after what depends only on the knowledge base was kept with it (its prices' positions, its consequence
  estimates as coded arrays, the rules' prices per setting, a target group's outcome ids), a list of local
  estimates was read once, and the table's text columns arrived coded: 40-service 0.84–0.90 ms (0.79–0.83 ms
  checked once), inmates 0.41 ms, against 2.32–2.98 / 2.11–2.83 / 1.48–1.62 ms for the code before in the same
  minutes (load 1–2, 6 December 2026). Instructions (valgrind --tool=callgrind, 40 calculations less none):
  25.2 → 8.6 million per 40-service calculate().
The views: after the group-bys several views read were summed once per Result (and the checklist, the charts
and the result tables stopped redoing or row-walking them), calculate + main views for the 40-service scenario
took 1.50–1.52 ms against 2.04–3.94 ms for the code before in the same minutes (calculate alone 0.87–0.89 ms),
and one keystroke in the app (AppState.recompute, below) 47–48 ms against 82–86 ms; inmates 27–30 against 53 ms
(median of 15, before and after run alternately, load 1, 6 December 2026). Instructions (callgrind, runs less
none): calculate + main views 16.3 → 12.7 million; check, calculate and every view the app shows, without the
widgets, 415 → 180 million.
"""

from __future__ import annotations

import statistics
import time

from som_kernel import build_scenario, calculate, check_scenario, load_knowledge


def big_scenario(kb, n_services: int = 40):
    services = [s for s in kb.services["id"] if s in set(kb.prices["service"])][:n_services]
    outcomes = {f"o{i}": f"Effektmål {i}" for i in range(1, 4)}
    overrides = [
        {"outcome": o, "service": s, "year": k, "delta_use": -1.0 - (i % 5) * 0.5 + k * 0.05}
        for o in outcomes
        for i, s in enumerate(services)
        for k in range(1, 11)
    ]
    return build_scenario(
        {
            "custom_target_group": {"name": "Benchmark", "outcomes": outcomes},
            "participants": [50, 60, 70, 80, 90],
            "duration_years": 2,
            "costs": {
                "startup": {"kommune": 500_000, "stat": 100_000},
                "running_per_participant": {"kommune": 40_000, "region": 5_000},
                "running_per_year": {"kommune": 250_000},
                "baseline_per_participant": {"kommune": 10_000},
            },
            "outcomes": [{"outcome": o, "success_rate": 0.1 * (i + 1)} for i, o in enumerate(outcomes)],
            "consequence_overrides": overrides,
            "settings": {
                "price_year": kb.meta.default_price_year,
                "first_year": 2026,
                "horizon_years": 10,
                "discount_rate": 0.035,
            },
        }
    ), len(services)


def knowledge_scenario(kb):
    """The inmates target group with all three outcomes from the knowledge base, 5 cohorts."""
    outcomes = kb.outcomes_for("indsatte")["id"].tolist()
    return build_scenario(
        {
            "target_group": "indsatte",
            "participants": [40, 40, 40, 40, 40],
            "duration_years": 1,
            "costs": {"running_per_participant": {"stat": 25_000}, "startup": {"stat": 300_000}},
            "outcomes": [{"outcome": o, "success_rate": 0.05} for o in outcomes],
            "settings": {"price_year": kb.meta.default_price_year, "first_year": 2026, "horizon_years": 10},
        }
    )


def median_ms(fn, repeat: int = 50) -> float:
    fn()  # warm up
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def main() -> None:
    kb = load_knowledge()
    scenario, n_services = big_scenario(kb)
    result = calculate(scenario, kb)
    print(f"scenario: {n_services} services, 3 outcomes, 5 cohorts, 10 years; tidy table {len(result.table)} rows")
    print(f"check_scenario          median {median_ms(lambda: check_scenario(scenario, kb)):7.2f} ms")
    print(f"calculate               median {median_ms(lambda: calculate(scenario, kb)):7.2f} ms")
    print(f"calculate, checked once median {median_ms(lambda: calculate(scenario, kb, check=False)):7.2f} ms")

    def with_views():
        r = calculate(scenario, kb)
        r.by_year_actor(), r.cumulative(), r.by_welfare_area(), r.per_participant(), r.break_even_years()

    print(f"calculate + main views  median {median_ms(with_views):7.2f} ms")
    print(f"one keystroke in the app median {app_keystroke_ms(kb, scenario):6.1f} ms")

    inmates = knowledge_scenario(kb)
    rows = len(calculate(inmates, kb).table)
    print(f"knowledge-base scenario (indsatte, 3 outcomes, 5 cohorts): tidy table {rows} rows")
    print(f"calculate               median {median_ms(lambda: calculate(inmates, kb)):7.2f} ms")
    print(f"one keystroke in the app median {app_keystroke_ms(kb, inmates):6.1f} ms")


def app_keystroke_ms(kb, scenario) -> float:
    """Median time of one keystroke in the calculation app (AppState.recompute, the widgets without a browser):
    read every widget, build and check the scenario, calculate, and redraw every view the app shows (summary, key
    figures, checklist, inputs, the four charts, the yearly, per-service and committee tables, the save link)."""
    from som_kernel.ui.app import build_app

    app = build_app(kb, scenario)
    return median_ms(app.recompute, repeat=15)


if __name__ == "__main__":
    main()
