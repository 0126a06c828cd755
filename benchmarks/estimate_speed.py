"""Benchmark: consequence estimates from a kommune's panel of 100.000 persons × 10 years (plus the base year)
× 20 services (issue 21: at most 30 s on 2 cores), from a CSV file and from a Parquet file.

The panel is synthetic (tests/synthetic_panel.py, confounded by age, 1,1 million rows), written once untimed;
then `estimate(file, …)` is timed end to end (reading, every check of the panel, the fits of all 200 service-
years, suppression and the group table) and, separately, the fits alone. Run:
.venv/bin/python benchmarks/estimate_speed.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from synthetic_panel import Truth, synthetic_panel  # noqa: E402

from som_kernel import load_knowledge  # noqa: E402
from som_kernel.kb.estimate import _year_fit, baseline_use, estimate  # noqa: E402
from som_kernel.kb.panel import read_panel  # noqa: E402

PERSONS, YEARS, SERVICES = 100_000, 10, 20
TARGET_S = 30.0


def services(kb) -> dict[str, Truth]:
    """20 of the knowledge base's services, each with a truth scaled to its unit's yearly limit."""
    limits = dict(zip(kb.units["unit"], kb.units["use_max"]))
    out = {}
    for sid, unit, flow in zip(kb.services["id"], kb.services["unit"], kb.services["flow"]):
        limit = min(limits.get(unit, 53.0), 53.0)
        sign = 1.0 if flow == "revenue" else -1.0
        truth = tuple(sign * 0.2 * limit * (1 - k / 20) for k in range(YEARS))
        out[sid] = Truth(0.5 * limit, truth, 0.004 * limit, 0.1 * limit, limit=limit)
        if len(out) == SERVICES:
            break
    return out


def main() -> None:
    kb = load_knowledge(local=False)
    truths = services(kb)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        frame = synthetic_panel(PERSONS, truths, seed=1).round(3)
        csv, parquet = Path(tmp) / "panel.csv", Path(tmp) / "panel.parquet"
        frame.to_csv(csv, index=False)
        frame.to_parquet(parquet)
        print(
            f"Panel: {len(frame):,} rows × {frame.shape[1]} columns "
            f"({csv.stat().st_size / 1e6:.0f} MB CSV), made in {time.perf_counter() - t0:.1f} s (untimed)"
        )
        for path in (csv, parquet):
            t0 = time.perf_counter()
            est = estimate(path, "psykisk_lidelse", "psykisk_lidelse_job_uddannelse", kb)
            total = time.perf_counter() - t0
            t0 = time.perf_counter()
            panel = read_panel(path, kb)
            reading = time.perf_counter() - t0
            baseline = baseline_use(panel)
            t0 = time.perf_counter()
            with threadpool_limits(1):  # as estimate() does
                for k in panel.years:
                    _year_fit(panel, k, baseline)
            fits = time.perf_counter() - t0
            ok = "OK" if total <= TARGET_S else "TOO SLOW"
            print(
                f"{path.suffix}: estimate() end to end {total:.1f} s (target ≤ {TARGET_S:.0f} s: {ok}); "
                f"reading + checks {reading:.1f} s; the 10 yearly fits of {len(panel.services)} services "
                f"{fits:.2f} s; {len(est.written)} of {len(est.table)} estimates written"
            )
        truth = np.array([truths[s].truth[k - 1] for s, k in zip(est.table["service"], est.table["year"])])
        inside = ((est.table["ci_low"] <= truth) & (truth <= est.table["ci_high"])).mean()
        print(f"Share of the 200 intervals covering the truth: {inside:.0%}")


if __name__ == "__main__":
    main()
