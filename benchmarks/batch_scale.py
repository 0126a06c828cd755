"""Benchmark (not a test): scenarios per second through som_kernel.batch, and a portfolio run end to end.

1. Vectorised sweep: the 40-service benchmark scenario (engine_speed.big_scenario) over success rates and
   cost per participant, one structure, with 1 and 2 local worker processes. Target: ≥ 1,000 scenarios/s on
   2 cores.
2. Heterogeneous: the same scenario with a different number of starters in year 1 in every row, so every
   scenario has its own model. Target: ≥ 200 scenarios/s on 2 cores.
3. Portfolio: 98 illustrative kommune price layers × 6 interventions × 1,000 Monte Carlo draws, end to end
   (layers written and loaded, tables and Excel written).

Every figure is end to end through `run()` (planning, loading the knowledge bases, workers, chunk files and the
final Parquet tables), not the kernel alone; the Excel file is left out (xlsx=False) and timed once on its own.
Peak memory: the largest resident set of this process and of any worker process. The load average is printed
beside the figures: on a shared machine it says how far they are from an idle one.
Run: .venv/bin/python benchmarks/batch_scale.py [--sweep 10000] [--het 1000] [--kommuner 98] [--draws 1000]
Writes output/benchmarks/batch_scale.png (the throughput chart) and batch_scale.json (the figures).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from engine_speed import big_scenario, median_ms

from som_kernel import build_scenario, calculate, load_knowledge
from som_kernel.batch import illustrative_kommune_table, run, sweep_table, write_key_figures_xlsx
from som_kernel.batch.charts import throughput_chart
from som_kernel.charts import to_png
from som_kernel.uncertainty import build_model

OUT = Path(__file__).resolve().parent.parent / "output" / "benchmarks"


def interventions(kb, n: int = 6) -> list[dict]:
    """`n` illustrative one-outcome interventions on the knowledge base's target groups: 50 starters a year
    for 3 years, 1 year long, 30.000 kr. per participant (kommune), success rate 10 %."""
    pairs = kb.consequences[["target_group", "outcome"]].drop_duplicates().groupby("target_group").head(1)
    out = []
    for tg, outcome in pairs.head(n).itertuples(index=False):
        scenario = build_scenario(
            {
                "name": f"Indsats for {tg}",
                "target_group": tg,
                "participants": [50, 50, 50],
                "duration_years": 1,
                "costs": {"running_per_participant": {"kommune": 30_000}},
                "outcomes": [{"outcome": outcome, "success_rate": 0.10}],
                "settings": {"price_year": kb.meta.default_price_year, "first_year": 2026, "horizon_years": 10},
            }
        )
        out.append(scenario.model_dump(mode="json"))
    return out


def timed(label: str, inputs, folder: Path, **kw) -> dict:
    t0 = time.perf_counter()
    res = run(inputs, folder, restart=True, progress=False, xlsx=False, **kw)
    s = time.perf_counter() - t0
    row = {"run": label, "workers": kw.get("workers", 1), "scenarios": res.n_scenarios, "seconds": s}
    row["per_second"] = res.n_scenarios / s
    row["compute_seconds"] = res.compute_seconds
    row["assemble_seconds"] = res.assemble_seconds
    row["errors"] = res.n_errors
    row["results_mb"] = res.results_path.stat().st_size / 1e6
    print(
        f"{label:<28} workers {row['workers']}  {res.n_scenarios:>7,} scenarios  {s:7.1f} s "
        f"(chunks {res.compute_seconds:.1f} s, final tables {res.assemble_seconds:.1f} s)  "
        f"{row['per_second']:8,.0f} /s  errors {res.n_errors}  results.parquet {row['results_mb']:.1f} MB"
    )
    return row


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--sweep", type=int, default=10_000)
    p.add_argument("--het", type=int, default=1_000)
    p.add_argument("--kommuner", type=int, default=98)
    p.add_argument("--interventions", type=int, default=6)
    p.add_argument("--draws", type=int, default=1_000)
    args = p.parse_args()
    kb = load_knowledge()
    scenario, n_services = big_scenario(kb)
    base = scenario.model_dump(mode="json")
    print(f"cores {os.cpu_count()}, load average {os.getloadavg()[0]:.1f} at start")
    print(f"benchmark scenario: {n_services} services, 3 outcomes, 5 cohorts, 10-year horizon")
    # the same machine's speed for one scenario, as a yardstick that does not depend on how busy it is
    calc_ms = median_ms(lambda: calculate(scenario, kb), repeat=10)
    model_ms = median_ms(lambda: build_model(scenario, kb), repeat=10)
    print(f"one calculate() {calc_ms:.1f} ms, one build_model() {model_ms:.1f} ms (median of 10)")
    tmp = Path(tempfile.mkdtemp(prefix="batch_scale_"))
    rows = []

    side = int(np.ceil(args.sweep ** (1 / 3)))
    grid = sweep_table(
        base,
        {
            "outcomes[0].success_rate": list(np.round(np.linspace(0.02, 0.3, side), 4)),
            "outcomes[1].success_rate": list(np.round(np.linspace(0.02, 0.3, side), 4)),
            "costs.running_per_participant.kommune": list(np.round(np.linspace(20_000, 60_000, side))),
        },
    ).head(args.sweep)
    het = pd.DataFrame({"participants[0]": 10 + np.arange(args.het)})  # every row its own structure
    for workers in (1, 2):
        rows.append(timed("vektoriseret sweep", [grid], tmp / f"sweep{workers}", base=base, workers=workers))
    for workers in (1, 2):
        rows.append(timed("heterogene scenarier", [het], tmp / f"het{workers}", base=base, workers=workers))

    t0 = time.perf_counter()
    write_key_figures_xlsx(pd.read_parquet(tmp / "sweep2" / "key_figures.parquet"), tmp / "sweep.xlsx")
    print(f"key_figures.xlsx of the sweep ({len(grid):,} rows): {time.perf_counter() - t0:.1f} s")

    t0 = time.perf_counter()
    kommuner = illustrative_kommune_table(tmp / "lag", args.kommuner)
    layers_s = time.perf_counter() - t0
    pairs = [(b, kommuner) for b in interventions(kb, args.interventions)]
    n = args.kommuner * len(pairs)
    print(f"portfolio: {args.kommuner} illustrative kommune layers written in {layers_s:.1f} s")
    port = timed(
        f"portefølje ({args.draws} træk)", pairs, tmp / "portfolio", draws=args.draws, workers=2, payback_years=10
    )
    port["draws"] = args.draws
    port["draws_per_second"] = n * args.draws / port["seconds"]
    print(
        f"portfolio: {n} scenarios × {args.draws:,} draws = {n * args.draws:,} draws, {port['draws_per_second']:,.0f} draws/s"
    )
    rows.append(port)

    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory: this process {peak_self:,.0f} MB, largest worker process {peak_child:,.0f} MB")
    het2 = next(r for r in rows if r["run"] == "heterogene scenarier" and r["workers"] == 2)
    print(
        f"heterogeneous, 2 workers: {het2['compute_seconds'] / het2['scenarios'] * 1000:.1f} ms per scenario "
        f"= {het2['compute_seconds'] / het2['scenarios'] * 1000 / calc_ms:.1f} × calculate() on this machine now"
    )
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    OUT.mkdir(parents=True, exist_ok=True)
    table = pd.DataFrame(rows)
    figures = {"rows": rows, "peak_mb": {"main": peak_self, "worker": peak_child}, "load": os.getloadavg()[0]}
    figures |= {"calculate_ms": calc_ms, "build_model_ms": model_ms}
    (OUT / "batch_scale.json").write_text(json.dumps(figures, indent=1))
    chart_rows = table[table["run"].isin(["vektoriseret sweep", "heterogene scenarier"])]
    (OUT / "batch_scale.png").write_bytes(to_png(throughput_chart(chart_rows)))
    print(f"chart: {OUT / 'batch_scale.png'}")


if __name__ == "__main__":
    main()
