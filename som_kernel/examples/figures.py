"""The key-figures table of many runs: one row per run (label, key figures in the order of KEY_FIGURES, error),
written and read as Danish Excel CSV, and its main columns as text for the command line."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from ..cells import safe_frame
from ..format import number
from ..presentation.key_figures import KEY_FIGURES


def figures_table(runs: list, label) -> pd.DataFrame:
    """One row per run: label(run), its key figures (KEY_FIGURES order first) and its error."""
    rows = [{**label(r), **r.key_figures, "error": r.error} for r in runs]
    table = pd.DataFrame(rows)
    known = [c for c in KEY_FIGURES if c in table.columns]
    rest = [c for c in table.columns if c not in known and c != "error"]
    return table[[*rest[:1], *known, *rest[1:], "error"]]


def write_table(table: pd.DataFrame, path: Path) -> None:
    """A results table as Danish Excel CSV: semicolons, decimal comma, UTF-8 with BOM; text cells through
    export.safe_frame (no cell Excel would take for a formula)."""
    safe_frame(table).to_csv(path, index=False, sep=";", decimal=",", encoding="utf-8-sig")


def read_table(path: str | os.PathLike) -> pd.DataFrame:
    """A table written by write_table."""
    return pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig")


SUMMARY = ["participants", "successes", "cost_total", "consequences_total", "net_total", "break_even_year"]


def summary_text(table: pd.DataFrame, label_columns: list[str]) -> str:
    """The main key figures of a run table as aligned text with Danish number formats (for the command line)."""

    def fmt(column: str, value) -> str:
        if column in label_columns:
            return str(value)
        if value is None or (isinstance(value, float) and pd.isna(value)):
            return "–"
        if column == "break_even_year":
            return str(int(value))
        return number(value, 1 if column == "successes" else 0)

    columns = [*label_columns, *(c for c in SUMMARY if c in table.columns)]
    shown = pd.DataFrame({c: [fmt(c, v) for v in table[c]] for c in columns})
    shown["error"] = [e if isinstance(e, str) else "" for e in table["error"]]
    return shown.to_string(index=False)
