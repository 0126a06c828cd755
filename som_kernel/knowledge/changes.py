"""Rows added, removed and changed between two versions of a table (or of a file of dated parameters), and the
Danish lines `knowledge diff` prints for them: `+` added, `-` removed, `~` changed with old → new per column."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass
class TableDiff:
    table: str
    added: list[str] = field(default_factory=list)  # keys as text
    removed: list[str] = field(default_factory=list)
    changed: list[tuple[str, list[tuple[str, str, str]]]] = field(default_factory=list)  # key, [(column, old, new)]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def text(v) -> str:
    """A cell as text, the way rows are matched and shown: empty → '', 3000.0 → '3000'."""
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def frame_diff(name: str, a: pd.DataFrame, b: pd.DataFrame, keys: list[str]) -> TableDiff:
    """Rows of `b` added to, removed from and changed against `a`, matched on `keys`."""
    a_rows = {tuple(text(x) for x in k): r for k, r in zip(a[keys].itertuples(index=False), a.to_dict("records"))}
    b_rows = {tuple(text(x) for x in k): r for k, r in zip(b[keys].itertuples(index=False), b.to_dict("records"))}
    out = TableDiff(name)
    label = lambda k: " × ".join(k)  # noqa: E731
    out.added = [label(k) for k in b_rows if k not in a_rows]
    out.removed = [label(k) for k in a_rows if k not in b_rows]
    for k, ra in a_rows.items():
        rb = b_rows.get(k)
        if rb is None:
            continue
        cols = [
            (c, text(ra.get(c)), text(rb.get(c))) for c in rb if c not in keys and text(ra.get(c)) != text(rb.get(c))
        ]
        if cols:
            out.changed.append((label(k), cols))
    return out


def table_lines(d: TableDiff, limit: int, note: str = "") -> list[str]:
    """A table's (or a dated-parameter file's) rows added (+), removed (-) and changed (~, old → new per column)."""
    if d.empty:
        return [f"{d.table}: uændret{note}"]
    lines = [f"{d.table}: {len(d.added)} tilføjet, {len(d.removed)} fjernet, {len(d.changed)} ændret{note}"]
    lines += [f"  + {k}" for k in d.added[:limit]]
    lines += [f"  - {k}" for k in d.removed[:limit]]
    for k, cols in d.changed[:limit]:
        lines.append(f"  ~ {k}: " + "; ".join(f"{c} {o or '(tom)'} → {n or '(tom)'}" for c, o, n in cols))
    more = max(0, len(d.added) - limit) + max(0, len(d.removed) - limit) + max(0, len(d.changed) - limit)
    if more:
        lines.append(f"  … og {more} rækker mere")
    return lines
