"""Refit the calibrated consequence rows after a price or consequence change, so their totals hold again.

For every outcome whose rows have `calibrated_to` ("JM 2021: 505.300 kr. pr. succes efter 10 år"), the kernel
computes the 10-year value per success at CALIBRATION_PRICE_YEAR; the rows of services in --keep (default:
faengselsdoegn, whose 245 days are public) stay as they are and all other rows of that outcome are scaled by one
factor so the total equals the published figure. Shares between the scaled services are kept.

    .venv/bin/python knowledge/tools/refit_calibration.py            # show totals, change nothing
    .venv/bin/python knowledge/tools/refit_calibration.py --write    # rewrite knowledge/consequences.csv
"""

from __future__ import annotations

import argparse
import csv
import re
from pathlib import Path

from som_kernel import build_scenario, calculate, load_knowledge
from som_kernel.knowledge import CALIBRATION_PRICE_YEAR, DEFAULT_KNOWLEDGE_DIR


def published_value(calibrated_to: str) -> float:
    """'JM 2021: 505.300 kr. pr. succes efter 10 år' → 505300.0"""
    m = re.search(r"([\d.]+) kr\.", calibrated_to)
    if not m:
        raise ValueError(f"Ingen kronebeløb i calibrated_to: {calibrated_to!r}")
    return float(m.group(1).replace(".", ""))


def per_success_by_service(kb, target_group: str, outcome: str) -> dict[str, float]:
    """10-year value per success by service, kroner at CALIBRATION_PRICE_YEAR, computed by the kernel."""
    s = build_scenario(
        {
            "target_group": target_group,
            "participants": [1],
            "duration_years": 1,
            "outcomes": [{"outcome": outcome, "success_rate": 1.0}],
            "settings": {"price_year": CALIBRATION_PRICE_YEAR, "first_year": 2020, "horizon_years": 10},
        }
    )
    return calculate(s, kb).table.groupby("service")["amount"].sum().to_dict()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--knowledge", default=str(DEFAULT_KNOWLEDGE_DIR))
    ap.add_argument("--keep", nargs="*", default=["faengselsdoegn"])
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args(argv)
    kb = load_knowledge(args.knowledge)
    cal = kb.consequences[kb.consequences["calibrated_to"] != ""]
    factors: dict[str, float] = {}
    for (tg, outcome, label), _ in cal.groupby(["target_group", "outcome", "calibrated_to"]):
        values = per_success_by_service(kb, tg, outcome)
        target = published_value(label)
        fixed = sum(v for s, v in values.items() if s in args.keep)
        rest = sum(v for s, v in values.items() if s not in args.keep)
        factors[outcome] = (target - fixed) / rest
        total = fixed + rest
        print(
            f"{outcome}: {total:,.0f} kr. mod {target:,.0f} kr. ({total / target - 1:+.2%}); faktor {factors[outcome]:.4f}"
        )
    if not args.write:
        return 0
    path = Path(args.knowledge) / "consequences.csv"
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        fields, rows = reader.fieldnames, list(reader)
    for r in rows:
        if r["calibrated_to"] and r["service"] not in args.keep:
            r["delta_use"] = f"{float(r['delta_use']) * factors[r['outcome']]:.3f}".rstrip("0").rstrip(".")
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"Skrev {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
