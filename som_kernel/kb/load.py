"""load_knowledge: read the tables and meta.yaml, lay a local layer on top, check everything, build the
KnowledgeBase. Every problem is collected and raised together as one KnowledgeError (file:række:kolonne)."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from ..errors import KnowledgeError, Problem
from .checks import check_tables
from .committees import load_committees
from .local import LocalLayer, overlay, read_layer
from .policy import policy_warning
from .reading import FILE_COLUMNS, RawTable, mojibake_warning, read_csv, read_meta, validate_table
from .rules import load_rules
from .schema import DEFAULT_KNOWLEDGE_DIR, OPTIONAL_TABLES, TABLES, KnowledgeBase, Meta

LOCAL_ENV = "SOM_LOCAL"
KNOWLEDGE_ENV = "SOM_KNOWLEDGE"


def assemble(
    raws: dict[str, RawTable],
    meta: Meta | None,
    problems: list[Problem],
    path: Path | None,
    layer: tuple[LocalLayer, dict[str, pd.DataFrame]] | None,
    check_derived: bool = True,
) -> KnowledgeBase:
    """Validate the raw tables, lay `layer` on top, check across tables; KnowledgeError listing every problem."""
    tables = {
        name: validate_table(raws[name], model, problems)
        if name in raws
        else pd.DataFrame(columns=list(model.model_fields) + FILE_COLUMNS)
        for name, model in TABLES.items()
    }
    warnings: list[Problem] = [w for w in map(mojibake_warning, raws.values()) if w is not None]
    if path is not None and (policy := policy_warning(path)) is not None:
        warnings.append(policy)
    if not problems and meta is not None:
        overlay(tables, layer[0] if layer else None, layer[1] if layer else {})
        check_tables(tables, meta, problems, warnings)
    rules = None
    if not problems and meta is not None and path is not None:
        rules = load_rules(path, tables, problems, check_derived)
    committees = None
    if not problems and meta is not None and path is not None:
        mine = (layer[0].name, layer[1]) if layer else None
        committees = load_committees(path, set(tables["services.csv"]["id"]), problems, mine)
    if problems or meta is None:
        raise KnowledgeError(problems)
    frames = {name: df.drop(columns=FILE_COLUMNS).reset_index(drop=True) for name, df in tables.items()}
    kb = KnowledgeBase(
        target_groups=frames["target_groups.csv"],
        outcomes=frames["outcomes.csv"],
        services=frames["services.csv"],
        prices=frames["prices.csv"],
        consequences=frames["consequences.csv"],
        effect_studies=frames["effect_studies.csv"],
        net_price_index=frames["net_price_index.csv"],
        units=frames["units.csv"],
        wages=frames["wages.csv"],
        meta=meta,
        path=path,
        warnings=tuple(warnings),
        dialects={raw.label: raw.description for raw in raws.values()},
        local=layer[0] if layer else None,
        rules=rules,
        committees=committees,
    )
    kb.index_for(meta.default_price_year)  # the default price level must be convertible
    return kb


def load_knowledge(
    path: str | os.PathLike | None = None,
    local: str | os.PathLike | bool | None = None,
    *,
    check_derived: bool = True,
) -> KnowledgeBase:
    """Load and check the knowledge base in `path` (default: $SOM_KNOWLEDGE, else the shipped knowledge/ folder),
    with the local layer `local` (a folder or .xlsx) laid on top. `local=None` takes $SOM_LOCAL when `path` is
    None too (the app's case); `local=False` never uses a layer.

    Refuses (KnowledgeError, every problem with file:række:kolonne) or loads with `kb.warnings` for values that
    are plausible but odd. `check_derived=False` skips the check that prices.csv's rule-derived rows equal
    the rules (only knowledge/tools/derive_prices.py, which rewrites those rows, needs it)."""
    folder = Path(path) if path is not None else Path(os.environ.get(KNOWLEDGE_ENV, DEFAULT_KNOWLEDGE_DIR))
    if local is None and path is None:
        local = os.environ.get(LOCAL_ENV) or None
    if not folder.is_dir():
        raise KnowledgeError(f"Vidensdatabasen findes ikke (eller er ikke en mappe): {folder}")
    problems: list[Problem] = []
    raws = {}
    for name in TABLES:
        if name in OPTIONAL_TABLES and not (folder / name).exists():
            continue
        raw = read_csv(folder / name, problems)
        if raw is not None:
            raws[name] = raw
    meta = read_meta(folder / "meta.yaml", problems)
    layer = read_layer(Path(local), problems) if local not in (None, False, "") else None
    return assemble(raws, meta, problems, folder, layer, check_derived)
