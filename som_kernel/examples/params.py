"""An example notebook's parameters: what its `parameters` cell defines (through papermill), unknown names with a
'did you mean', parameter tables (CSV, Danish or plain) read cell by cell, and a value written for readers."""

from __future__ import annotations

import csv
import difflib
import os
import re
from pathlib import Path

import pandas as pd

from ..errors import Problem, ScenarioError
from ..format import number
from ..numbers import read_number


def plain(value):
    """numpy/pandas scalars → plain Python values papermill can write as code."""
    if hasattr(value, "item") and not isinstance(value, list | dict | str):
        value = value.item()
    return value


def parameter_info(notebook: str | os.PathLike) -> dict[str, dict]:
    """papermill's view of the notebook's `parameters` cell: name → {default (source text), help (the comment)}."""
    import papermill

    return {k: dict(v) for k, v in papermill.inspect_notebook(str(notebook)).items()}


def default_parameters(notebook: str | os.PathLike) -> dict[str, str]:
    """The notebook's parameters and their default values as written in its `parameters` cell (source text)."""
    return {k: v["default"] for k, v in parameter_info(notebook).items()}


def did_you_mean(name: str, known) -> str:
    """' (mente du success_rate?)' for the closest known name, or '' when none is close."""
    close = difflib.get_close_matches(str(name), list(known), n=1, cutoff=0.6)
    return f" (mente du {close[0]}?)" if close else ""


def check_parameters(notebook: str | os.PathLike, names, where: str = "") -> None:
    """ScenarioError (Danish, with a 'did you mean') for every name that is not a parameter of the notebook."""
    known = default_parameters(notebook)
    problems = [
        Problem(
            where or str(n),
            f"'{n}' er ikke en parameter i {Path(notebook).name}{did_you_mean(n, known)}. "
            f"Kendte parametre: {', '.join(known)}.",
        )
        for n in names
        if n not in known
    ]
    if problems:
        raise ScenarioError(problems)


def danish_value(text: str, name: str = "") -> str:
    """A parameter's source text for readers: 25000.0 → 25.000; a rate or share (a name ending in _rate or _share,
    a value 0–1) as per cent, 0.13 → 13 %; a year (a name ending in _year and a whole number 1900–2100) as written,
    2021; None → the knowledge base's default (for knowledge_path: the knowledge base shipped with it); "x" → x."""
    t = text.strip()
    if name.endswith("_year") and re.fullmatch(r"(19|20|21)\d\d", t):
        return t
    if t == "None":
        return "den medfølgende vidensdatabase" if name == "knowledge_path" else "vidensdatabasens standardværdi"
    if len(t) >= 2 and t[0] == t[-1] and t[0] in "'\"":
        return t[1:-1]
    try:
        x = float(t.replace("_", ""))
    except ValueError:
        return t
    share = name.endswith(("_rate", "_share")) and 0 <= x <= 1
    if share:
        x *= 100
    decimals = 0
    while decimals < 6 and abs(round(x, decimals) - x) > 1e-9:
        decimals += 1
    return number(x, decimals) + (" %" if share else "")


# ---- parameter tables (batch) ---------------------------------------------------------------------------------


def _sniff_delimiter(first_line: str) -> str:
    return ";" if first_line.count(";") > first_line.count(",") else ","


def read_parameter_table(params: pd.DataFrame | str | os.PathLike) -> pd.DataFrame:
    """A table of parameter sets (one row each, one column per notebook parameter) from a DataFrame or a CSV file,
    as text cells (blank = ''). Danish Excel CSV (semicolons, decimal comma) and plain CSV are both read. A row
    with the wrong number of cells raises ScenarioError naming file:row."""
    if isinstance(params, pd.DataFrame):
        return params.reset_index(drop=True).astype(object).where(params.notna().reset_index(drop=True), "")
    path = Path(params)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as e:
        raise ScenarioError(f"Parametertabellen kan ikke åbnes: {e.strerror} ({path}).") from None
    except UnicodeDecodeError:
        text = path.read_text(encoding="cp1252")  # Excel's "CSV (semikolonsepareret)" on Danish Windows
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise ScenarioError(f"Parametertabellen {path.name} er tom; første linje skal være parameternavnene.")
    rows = list(csv.reader(lines, delimiter=_sniff_delimiter(lines[0])))
    header = [h.strip() for h in rows[0]]
    problems = []
    body = []
    for i, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue  # an empty line
        if len(row) != len(header):
            problems.append(
                Problem(f"{path.name}:{i}", f"Rækken har {len(row)} felter, men overskriften har {len(header)}.")
            )
            continue
        body.append([c.strip() for c in row])
    if problems:
        raise ScenarioError(problems)
    out = pd.DataFrame(body, columns=header, dtype=object)
    out.attrs["danish"] = _sniff_delimiter(lines[0]) == ";"
    return out


def cell_value(text, default: str, where: str, danish: bool):
    """A parameter table cell → the value to pass: a number where the notebook's default is a number (Danish
    notation 1.234,5 in a semicolon file, else plain 1234.5), the text where the default is text. Raises
    ScenarioError naming the cell (file:row:column)."""
    if not isinstance(text, str):
        return plain(text)
    t, d = text.strip(), default.strip()
    if d in ("None", "True", "False") or d.startswith(("'", '"')):
        return None if t == "None" else t.strip("'\"")
    reading = read_number(t)
    if reading.ambiguous:
        # "1.000": the file's own convention settles it (semicolons: Danish 1.000; commas: English 1.0)
        value = reading.alternatives[0] if danish else reading.alternatives[-1]
    elif reading.ok:
        value = reading.value
    else:
        raise ScenarioError([Problem(where, f"'{text}' er ikke et tal (standardværdien er {danish_value(d)}).")])
    is_int = re.fullmatch(r"-?[\d_]+", d) is not None
    return int(value) if is_int and value == int(value) else value


def row_overrides(row, defaults: dict[str, str], where: str, danish: bool) -> tuple[dict, dict, list[Problem]]:
    """One row of a parameter table (`where` is 'file:row') → (overrides, used, problems): the values to pass for
    its filled cells (cell_value), every cell as the table shows it (a blank one as the default with
    '(standard)', an unreadable one as written), and the Danish problems of the unreadable cells."""
    overrides, used, problems = {}, {}, []
    for k, v in row.items():
        blank = v is None or (isinstance(v, float) and pd.isna(v)) or (isinstance(v, str) and not v.strip())
        if blank:
            used[k] = f"{danish_value(defaults[k])} (standard)"
            continue
        try:
            overrides[k] = cell_value(v, defaults[k], f"{where}:{k}", danish)
            used[k] = overrides[k]
        except ScenarioError as e:
            problems += e.problems
            used[k] = v
    return overrides, used, problems
