"""A kommune's own numbers on top of the national knowledge base (et lokalt lag), without editing it.

A layer is a folder (or an .xlsx workbook with the same sheets) holding `lokal.yaml` (name, kommune, description)
and any of prices.csv, consequences.csv, effect_studies.csv and wages.csv, with the national tables' columns and
sources:
- a price row replaces the national row for the same service and actor (or adds one);
- consequence rows replace the national *profile* of the same target group × outcome × service (all its years),
  so a kommune's own estimate is never mixed year by year with the national one;
- an effect study replaces the national study with the same id (or adds one);
- a wage row replaces the national wage of the same profession (the kommune's own pay scale), or adds one.
A layer may also hold committees.csv and committee_map.csv (sheets committees and committee_map in a workbook):
the kommune's own committee names and which committee carries each service (laid on top by committees.py). Rows
from the layer carry its name in the column `local_layer`, which the app, the Excel export and the reports show as
"lokal". The layer's content hash lets a scenario file record which layer it was computed with.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
from pydantic import Field

from ..errors import Problem
from .committees import COMMITTEE_MODELS
from .reading import decode, parse_yaml_model, read_csv, validate_table
from .schema import LOCAL_COLUMN, TABLES, LocalLayer, _Row

LAYER_TABLES = ("prices.csv", "consequences.csv", "effect_studies.csv", "wages.csv")
LAYER_META = "lokal.yaml"
LAYER_SHEET = "lokal"  # a layer workbook's sheet with lokal.yaml's fields (felt | værdi)
# every table a layer may hold, with its row model (the committee tables are laid on top by committees.py)
LAYER_MODELS = {**{name: TABLES[name] for name in LAYER_TABLES}, **COMMITTEE_MODELS}
# the key a layer row replaces national rows on (consequences: the whole profile of the service)
REPLACES = {
    "prices.csv": ["service", "actor"],
    "consequences.csv": ["target_group", "outcome", "service"],
    "effect_studies.csv": ["id"],
    "wages.csv": ["profession"],
}


class LayerMeta(_Row):
    name: str = Field(min_length=2, max_length=80)
    kommune: str = Field(min_length=2, max_length=80)
    description: str = ""


def content_hash(path: Path) -> str:
    """12 hex digits of SHA-256 over the layer's files (names and bytes; a workbook's bytes)."""
    h = hashlib.sha256()
    files = [path] if path.is_file() else sorted(p for p in path.iterdir() if p.name in (LAYER_META, *LAYER_MODELS))
    for p in files:
        h.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()[:12]


def _meta(text: str, label: str, problems: list[Problem]) -> LayerMeta | None:
    return parse_yaml_model(text, LayerMeta, label, "name, kommune og description", problems)


def read_layer_meta(folder: Path, problems: list[Problem]) -> LayerMeta | None:
    """A layer folder's lokal.yaml; None with a Danish problem naming 'mappe/lokal.yaml'."""
    label = f"{folder.name}/{LAYER_META}"
    if not (folder / LAYER_META).is_file():
        problems.append(Problem(label, "Filen mangler (name, kommune og description for laget)."))
        return None
    decoded = decode((folder / LAYER_META).read_bytes(), label, problems)
    return _meta(decoded[0], label, problems) if decoded else None


def read_layer(path: Path, problems: list[Problem]) -> tuple[LocalLayer, dict[str, pd.DataFrame]] | None:
    """The layer in `path` (folder or .xlsx) and its validated tables (LAYER_MODELS' names, with `at_file` and
    `at_line`: a folder's rows are named 'mappe/prices.csv', a workbook's 'fil.xlsx:prices'); None with Danish
    problems."""
    if not path.exists():
        problems.append(Problem(str(path), "Det lokale lag findes ikke (SOM_LOCAL eller local=…)."))
        return None
    if path.is_file():
        if path.suffix.lower() != ".xlsx":
            problems.append(Problem(path.name, "Et lokalt lag er en mappe eller en Excel-projektmappe (.xlsx)."))
            return None
        from .workbook import read_workbook

        book = read_workbook(path, problems, tables=tuple(LAYER_MODELS), meta_sheet=LAYER_SHEET, prefix=path.name)
        if book is None:
            return None
        raws, meta_text = book
        meta_label = f"{path.name}:{LAYER_SHEET}"
        if meta_text is None:
            problems.append(Problem(meta_label, "Arket mangler (name, kommune og description for laget)."))
        meta = _meta(meta_text, meta_label, problems) if meta_text is not None else None
    else:
        unknown = sorted(p.name for p in path.glob("*.csv") if p.name not in LAYER_MODELS)
        if unknown:
            problems.append(
                Problem(
                    path.name,
                    f"Ukendte tabeller i det lokale lag: {', '.join(unknown)}. Et lokalt lag kan have "
                    f"{', '.join(LAYER_MODELS)}.",
                )
            )
        raws = {}
        for name in LAYER_MODELS:
            if (path / name).exists():
                raw = read_csv(path / name, problems, label=f"{path.name}/{name}")
                if raw is not None:
                    raws[name] = raw
        meta = read_layer_meta(path, problems)
    tables = {name: validate_table(raw, LAYER_MODELS[name], problems) for name, raw in raws.items()}
    if not raws and not problems:
        problems.append(Problem(path.name, f"Det lokale lag har ingen tabeller ({', '.join(LAYER_MODELS)})."))
    if meta is None or problems:
        return None
    layer = LocalLayer(
        name=meta.name,
        kommune=meta.kommune,
        description=meta.description,
        path=path,
        hash=content_hash(path),
        rows={name: len(df) for name, df in tables.items()},
    )
    return layer, tables


def overlay(tables: dict[str, pd.DataFrame], layer: LocalLayer | None, local: dict[str, pd.DataFrame]) -> None:
    """Lay the layer's rows over the national `tables` (in place) and mark every row's origin in `local_layer`."""
    for name in LAYER_TABLES:
        base = tables[name].assign(**{LOCAL_COLUMN: ""})
        if layer is not None and name in local and len(local[name]):
            keys = REPLACES[name]
            mine = local[name].assign(**{LOCAL_COLUMN: layer.name})
            # a kommune's own row is local (or local_estimated, from its own register data) whatever it was
            mine["status"] = mine["status"].where(mine["status"] == "local_estimated", "local")
            replaced = pd.MultiIndex.from_frame(base[keys]).isin(pd.MultiIndex.from_frame(mine[keys]))
            base = pd.concat([base[~replaced], mine], ignore_index=True)
        tables[name] = base
