"""Parameter tables: one row per scenario, one column per scenario field named by its path.

A column is a path into the scenario as saved in a scenario file: `outcomes[0].success_rate`,
`participants[1]`, `settings.discount_rate`, `costs.running_per_participant.kommune`. A blank cell keeps
the base scenario's value. A cost line's value is the line's total for that actor: where the base scenario builds
the line from a resource table (steps/costs.py `cost_totals`), the value replaces typed amount and resources alike. Two columns are not paths: `id` (or `navn`, a label for the row) and
`knowledge` (or `vidensdatabase`, a knowledge-base folder for the row: a kommune's own layer; a relative
path is read from the table's folder).

Files: CSV with commas and decimal points, Danish Excel CSV (semicolons, decimal comma, thousands dots;
UTF-8 or Windows-1252 as Excel writes it), or xlsx (the first sheet).
"""

from __future__ import annotations

import difflib
import functools
import io
import itertools
import math
import os
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import Problem, ScenarioError
from ..names import ACTORS, COST_FIELDS

ID_COLUMNS = ("id", "navn")
KNOWLEDGE_COLUMNS = ("knowledge", "vidensdatabase")
_TOKEN = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")
COST_LINES = COST_FIELDS  # the scenario's cost fields (names.py)
# fields evaluated as arrays within one model (see compute.py); every other field changes the model
_VARYING = re.compile(
    r"^(outcomes\[\d+\]\.success_rate|costs\.(" + "|".join(COST_LINES) + r")\.(" + "|".join(ACTORS) + r"))$"
)


def is_varying(path: str) -> bool:
    """True for the fields a sweep evaluates as arrays: success rates and cost amounts per actor."""
    return bool(_VARYING.match(path))


@functools.lru_cache(maxsize=4096)
def parse_path(path: str) -> tuple[str | int, ...]:
    """'outcomes[0].success_rate' → ('outcomes', 0, 'success_rate'); ScenarioError if it is not a path."""
    parts: list[str | int] = []
    pos = 0
    text = path.strip()
    while pos < len(text):
        if parts and text[pos] == ".":
            pos += 1
        m = _TOKEN.match(text, pos)
        if m is None:
            raise ScenarioError([Problem(path, f"'{path}' er ikke en feltsti (eksempel: outcomes[0].success_rate).")])
        parts.append(m.group(1) if m.group(1) is not None else int(m.group(2)))
        pos = m.end()
    if not parts or not isinstance(parts[0], str):
        raise ScenarioError([Problem(path, f"'{path}' er ikke en feltsti (eksempel: outcomes[0].success_rate).")])
    return tuple(parts)


def leaf_paths(data: Any, prefix: str = "") -> list[str]:
    """Every settable path in a scenario dict (leaves, and one past the end of lists of numbers)."""
    if isinstance(data, dict):
        out = []
        for k, v in data.items():
            out += leaf_paths(v, f"{prefix}.{k}" if prefix else k)
        return out
    if isinstance(data, list):
        if all(not isinstance(v, (dict, list)) for v in data):
            return [f"{prefix}[{i}]" for i in range(len(data) + 1)]
        return [p for i, v in enumerate(data) for p in leaf_paths(v, f"{prefix}[{i}]")]
    return [prefix]


def check_path(path: str, base: dict) -> None:
    """ScenarioError (Danish, with a 'did you mean') unless `path` names a field of `base`."""
    try:
        parts = parse_path(path)
    except ScenarioError:
        parts = None
    if parts is not None:
        node: Any = base
        ok = True
        for i, p in enumerate(parts):
            last = i == len(parts) - 1
            if isinstance(p, str) and isinstance(node, dict) and p in node:
                node = node[p]
            elif isinstance(p, int) and isinstance(node, list) and p < len(node):
                node = node[p]
            elif last and isinstance(p, int) and isinstance(node, list) and p == len(node) and p < 50:
                node = None  # one more year of participants (the list grows)
            else:
                ok = False
                break
        if ok and not isinstance(node, (dict, list)):
            return
    known = leaf_paths(base)
    close = difflib.get_close_matches(path.strip(), known, n=1, cutoff=0.6)
    hint = f" Mente du '{close[0]}'?" if close else ""
    raise ScenarioError([Problem(f"kolonne '{path}'", f"Kolonnen '{path}' er ikke et felt i scenariet.{hint}")])


def set_path(data: dict, path: str, value: Any) -> None:
    """Set `value` at `path` in the scenario dict `data` (in place; a list of numbers grows by one at most)."""
    parts = parse_path(path)
    node: Any = data
    for p in parts[:-1]:
        node = node[p]
    last = parts[-1]
    if isinstance(last, int) and isinstance(node, list) and last == len(node):
        node.append(value)
    else:
        node[last] = value


def get_path(data: dict, path: str, default: Any = None) -> Any:
    node: Any = data
    try:
        for p in parse_path(path):
            node = node[p]
    except (KeyError, IndexError, TypeError):
        return default
    return node


def plain(value: Any) -> Any:
    """A cell as a plain Python value: numpy scalars → int/float/str; integral floats → int; blank → None."""
    if value is None:
        return None
    if isinstance(value, (np.generic,)):
        value = value.item()
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def read_parameter_table(source: str | os.PathLike | pd.DataFrame) -> pd.DataFrame:
    """The parameter table as a DataFrame, whatever the format (see the module docstring). Column names are
    stripped; a table without rows or a file that cannot be read raises ScenarioError in Danish."""
    if isinstance(source, pd.DataFrame):
        table = source.copy()
        name = "tabellen"
    else:
        path = Path(source)
        name = path.name
        try:
            if path.suffix.lower() in (".xlsx", ".xlsm"):
                table = pd.read_excel(path, sheet_name=0, engine="openpyxl")
            else:
                text = _decode(path.read_bytes())
                first = text.splitlines()[0] if text.strip() else ""
                if first.count(";") > first.count(","):  # Danish Excel: semicolons and decimal comma
                    table = pd.read_csv(io.StringIO(text), sep=";", decimal=",", thousands=".")
                else:
                    table = pd.read_csv(io.StringIO(text))
        except OSError as e:
            raise ScenarioError(f"Parametertabellen kan ikke åbnes: {e.strerror} ({path}).") from None
        except (ValueError, pd.errors.ParserError) as e:
            raise ScenarioError(f"Parametertabellen {name} kan ikke læses: {e}") from None
    table.columns = [str(c).strip() for c in table.columns]
    table = table.loc[:, [not c.startswith("Unnamed:") for c in table.columns]]
    if table.empty or not len(table.columns):
        raise ScenarioError(f"Parametertabellen {name} har ingen rækker.")
    return table.reset_index(drop=True)


def field_columns(table: pd.DataFrame) -> list[str]:
    """The columns that name scenario fields (all but id/knowledge)."""
    return [c for c in table.columns if c.lower() not in ID_COLUMNS + KNOWLEDGE_COLUMNS]


def check_columns(table: pd.DataFrame, base: dict, name: str = "parametertabellen") -> None:
    """Every field column must name a field of `base`; one ScenarioError lists every bad column."""
    problems = []
    for c in field_columns(table):
        try:
            check_path(c, base)
        except ScenarioError as e:
            problems += [Problem(f"{name}: {p.where}", p.message) for p in e.problems]
    if problems:
        raise ScenarioError(problems)


# ---- sweeps ---------------------------------------------------------------------------------------------------


def parse_values(spec: str) -> list[Any]:
    """'0.05:0.3:6' → six evenly spaced values 0.05 … 0.3; '20000,30000' → a list (decimal point); a text
    value is kept as text."""
    spec = spec.strip()
    if spec.count(":") == 2:
        a, b, n = spec.split(":")
        try:
            start, stop, count = float(a), float(b), int(n)
        except ValueError:
            raise ScenarioError(f"'{spec}' skal være START:SLUT:ANTAL, fx 0.05:0.30:6.") from None
        if count < 1:
            raise ScenarioError(f"Antallet i '{spec}' skal være mindst 1.")
        return [plain(round(float(v), 12)) for v in np.linspace(start, stop, count)]
    out = []
    for part in spec.split(","):
        part = part.strip()
        try:
            out.append(plain(float(part)))
        except ValueError:
            out.append(part)
    return out


def sweep_table(base: dict, grid: dict[str, list[Any]]) -> pd.DataFrame:
    """Every combination of the values in `grid` (path → values), one row each, the last path varying
    fastest; columns checked against `base`."""
    for path in grid:
        check_path(path, base)
    rows = list(itertools.product(*grid.values()))
    return pd.DataFrame(rows, columns=list(grid))


def write_table(table: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write a parameter table: .xlsx as Excel, .csv the Danish Excel way (semicolons, decimal comma)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    from ..cells import safe_excel_file, safe_frame  # every text cell stays text (no formulas)

    if path.suffix.lower() == ".xlsx":
        safe_excel_file(table, path)
    else:
        safe_frame(table).to_csv(path, sep=";", decimal=",", index=False, encoding="utf-8-sig")
    return path
