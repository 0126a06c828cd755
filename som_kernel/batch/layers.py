"""Illustrative kommune price layers: a copy of a knowledge base with every price not set by the public-finance rules
scaled by one factor.

These are for trying the portfolio runner (every kommune × intervention) before real local prices exist.
A scaled layer is NOT a kommune's prices: its rows are marked illustrative and carry a note saying how they
were made. A real layer is a knowledge-base folder with the kommune's own, sourced prices.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from ..kb import DEFAULT_KNOWLEDGE_DIR


def scaled_price_layer(
    target: str | os.PathLike, factor: float, source: str | os.PathLike | None = None, label: str = ""
) -> Path:
    """Write a copy of the knowledge base `source` (default: the shipped one) to `target` with every price ×
    `factor`, each scaled row marked illustrative with a note naming the factor. Returns `target`.

    Services priced by the public-finance rules (rule_links.csv: benefits, wage tax, health, § 110) keep their
    national gross rates and derived rows: their rates are the same in every kommune, and a derived row must
    equal what the rules give from its gross rate (the loader refuses an edited one)."""
    src = Path(source) if source is not None else DEFAULT_KNOWLEDGE_DIR
    dst = Path(target)
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("tools", "*.md"))
    prices = pd.read_csv(dst / "prices.csv", dtype=str, keep_default_na=False)
    links = dst / "rule_links.csv"
    ruled = set(pd.read_csv(links, dtype=str, keep_default_na=False)["service"]) if links.exists() else set()
    scale = ~prices["service"].isin(ruled)
    # two decimals: a price written like 24.528 would read as a thousands dot (24.528 kr.)
    prices.loc[scale, "price"] = [f"{float(p) * factor:.2f}" for p in prices.loc[scale, "price"]]
    prices.loc[scale, "illustrative"] = "true"
    if "status" in prices:
        prices.loc[scale, "status"] = "illustrative"
    note = f"Illustrativt lag{' for ' + label if label else ''}: landsprisen × {factor:.3f}".replace(".", ",")
    prices.loc[scale, "note"] = [f"{note}. {n}".strip() for n in prices.loc[scale, "note"]]
    prices.to_csv(dst / "prices.csv", index=False)
    return dst


def illustrative_kommune_factors(n: int, seed: int = 0, spread: float = 0.15) -> np.ndarray:
    """`n` illustrative price factors around 1 (uniform in 1 ± spread, seeded): made-up kommuner."""
    rng = np.random.default_rng(seed)
    return np.round(1 + spread * (2 * rng.random(n) - 1), 3)


def illustrative_kommune_table(folder: str | os.PathLike, n: int, seed: int = 0, spread: float = 0.15) -> pd.DataFrame:
    """Write `n` illustrative kommune layers (the shipped prices × a seeded factor in 1 ± spread) under
    `folder` and return the parameter table that runs a scenario once per layer: columns id and knowledge.
    The id says that the layer is illustrative and names its factor (there is no factor column: every column
    but id and knowledge must name a scenario field)."""
    folder = Path(folder)
    rows = []
    for i, f in enumerate(illustrative_kommune_factors(n, seed, spread)):
        label = f"Kommune {chr(ord('A') + i) if i < 26 else i + 1}"
        path = scaled_price_layer(folder / f"kommune_{i + 1:03d}", float(f), label=label)
        factor = f"{f:.3f}".replace(".", ",")
        rows.append({"id": f"{label} (illustrativ, priser × {factor})", "knowledge": str(path)})
    return pd.DataFrame(rows)
