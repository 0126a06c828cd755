"""How long load_knowledge takes on a knowledge base with 100,000 consequence rows (issue: ≤ 1 s).

Builds a copy of the shipped knowledge base in a temporary folder where every target group, its outcomes, their
consequence rows and effect studies are repeated under new ids until consequences.csv has ≥ 100,000 rows, then
loads it a few times and prints the best and median wall time. Run: .venv/bin/python benchmarks/knowledge_load.py
"""

from __future__ import annotations

import csv
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from som_kernel import load_knowledge
from som_kernel.knowledge import DEFAULT_KNOWLEDGE_DIR

TARGET_ROWS = 100_000


def _read(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def _write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def build(folder: Path, target_rows: int = TARGET_ROWS) -> int:
    """A copy of knowledge/ with consequences.csv grown to ≥ target_rows rows; returns the row count."""
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, folder, ignore=shutil.ignore_patterns("*.md", "tools", "lokale"))
    tables = {n: _read(folder / n) for n in ("target_groups.csv", "outcomes.csv", "consequences.csv")}
    copies = -(-target_rows // (len(tables["consequences.csv"]) - 1))
    for name, rows in tables.items():
        head, body = rows[0], rows[1:]
        ids = [head.index(c) for c in ("id", "target_group", "outcome") if c in head]
        grown = list(body)
        for k in range(1, copies):
            for r in body:
                r2 = list(r)
                for j in ids:
                    r2[j] = f"{r2[j]}_k{k}"
                grown.append(r2)
        _write(folder / name, [head, *grown])
    return len(_read(folder / "consequences.csv")) - 1


def main(repeat: int = 5) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "kb"
        n = build(folder)
        wall, cpu = [], []
        for _ in range(repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            kb = load_knowledge(folder, local=False)
            wall.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        assert len(kb.consequences) == n
        rows = f"{n:,}".replace(",", ".")
        fmt = lambda x: f"{x:.2f}".replace(".", ",")  # noqa: E731
        print(
            f"load_knowledge med {rows} konsekvensrækker ({repeat} gange): væg-tid bedst {fmt(min(wall))} s, median "
            f"{fmt(statistics.median(wall))} s; CPU-tid bedst {fmt(min(cpu))} s (CPU-tiden er den, der tæller på en "
            "maskine, som andre også bruger)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
