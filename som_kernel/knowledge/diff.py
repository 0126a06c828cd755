"""What a new version of the knowledge base changes: rows added, removed and changed per table, and how the key
figures (net result per actor, break-even year) of every shipped example scenario move.

Rows are matched on each table's key (schema.KEYS); a changed row lists the columns whose values differ. Key figures
are computed with `calculate` on both versions, so the comparison is the model's own result, not an estimate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import SomError
from ..examples import notebook_scenarios
from ..kb.schema import ACTORS, DEFAULT_KNOWLEDGE_DIR, KEYS, LOCAL_COLUMN, TABLES, KnowledgeBase
from ..names import ACTOR_NAMES_DA, TOTAL

SCENARIO_DIR = DEFAULT_KNOWLEDGE_DIR.parent / "notebooks" / "scenarier"
EXAMPLES_DIR = DEFAULT_KNOWLEDGE_DIR.parent / "notebooks" / "examples"
TOTAL_DA = ACTOR_NAMES_DA[TOTAL]


@dataclass
class TableDiff:
    table: str
    added: list[str] = field(default_factory=list)  # keys as text
    removed: list[str] = field(default_factory=list)
    changed: list[tuple[str, list[tuple[str, str, str]]]] = field(default_factory=list)  # key, [(column, old, new)]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


@dataclass
class ScenarioMove:
    name: str
    file: str
    before: dict[str, float] | None  # net result per actor and TOTAL_DA; None when it cannot be computed
    after: dict[str, float] | None
    break_even_before: int | None = None
    break_even_after: int | None = None
    problem: str = ""  # why a version cannot compute it


def _frame(kb: KnowledgeBase, table: str) -> pd.DataFrame:
    df = getattr(kb, table.removesuffix(".csv"))
    return df.drop(columns=[LOCAL_COLUMN], errors="ignore")


def _text(v) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def table_diff(old: KnowledgeBase, new: KnowledgeBase, table: str) -> TableDiff:
    keys = KEYS[table]
    a, b = _frame(old, table), _frame(new, table)
    a_rows = {tuple(_text(x) for x in k): r for k, r in zip(a[keys].itertuples(index=False), a.to_dict("records"))}
    b_rows = {tuple(_text(x) for x in k): r for k, r in zip(b[keys].itertuples(index=False), b.to_dict("records"))}
    out = TableDiff(table)
    label = lambda k: " × ".join(k)  # noqa: E731
    out.added = [label(k) for k in b_rows if k not in a_rows]
    out.removed = [label(k) for k in a_rows if k not in b_rows]
    for k, ra in a_rows.items():
        rb = b_rows.get(k)
        if rb is None:
            continue
        cols = [
            (c, _text(ra.get(c)), _text(rb.get(c)))
            for c in rb
            if c not in keys and _text(ra.get(c)) != _text(rb.get(c))
        ]
        if cols:
            out.changed.append((label(k), cols))
    return out


def notebook_scenario(path: Path):
    """The scenario an example notebook builds with its default parameters (som_kernel.examples)."""
    return notebook_scenarios(path)[0]


def _scenarios(folder: Path, examples: Path | None):
    """(label, file, scenario or the Danish reason it cannot be read) for the scenario files and example notebooks."""
    from ..scenario import load_scenario

    for path in sorted(Path(folder).glob("*.json")):
        try:
            yield path.name, load_scenario(path)
        except SomError as e:
            yield path.name, e.problems[0].message
    for path in sorted(Path(examples).glob("*.ipynb")) if examples else ():
        try:
            built = notebook_scenarios(path)
        except (SomError, StopIteration, KeyError, SyntaxError, NameError, ValueError, TypeError) as e:
            yield path.name, f"eksemplets standardparametre kan ikke læses ({type(e).__name__})"
            continue
        for scenario in built:  # a comparison notebook builds more than one (each named by its scenario)
            yield path.name, scenario


def scenario_moves(
    old: KnowledgeBase, new: KnowledgeBase, folder: Path = SCENARIO_DIR, examples: Path | None = EXAMPLES_DIR
) -> list[ScenarioMove]:
    """Net result per actor and break-even year of every scenario file in `folder` and every example notebook in
    `examples` (with its default parameters), on both versions."""
    from ..engine import calculate
    from ..views import TOTAL

    moves = []
    for file, scenario in _scenarios(folder, examples):
        if isinstance(scenario, str):
            moves.append(ScenarioMove(file, file, None, None, problem=scenario))
            continue
        figures, problems = [], []
        for kb in (old, new):
            try:
                r = calculate(scenario, kb)
            except SomError as e:
                figures.append((None, None))
                problems.append(e.problems[0].message)
                continue
            totals = r.totals()
            net = {a: float(totals[a]) for a in ACTORS} | {TOTAL_DA: float(totals[TOTAL])}
            figures.append((net, r.break_even_year()))
        (b, be_b), (a, be_a) = figures
        moves.append(ScenarioMove(scenario.name, file, b, a, be_b, be_a, "; ".join(problems)))
    return moves


def _kr(x: float) -> str:
    text = f"{x:,.0f}".replace(",", ".").replace("-", "−")
    return ("0" if text == "−0" else text) + " kr."


def report(
    old: KnowledgeBase,
    new: KnowledgeBase,
    scenario_dir: Path = SCENARIO_DIR,
    examples: Path | None = EXAMPLES_DIR,
    limit: int = 20,
) -> str:
    """The diff as Danish text (what `python -m som_kernel.knowledge diff` prints)."""
    lines = [f"Vidensdatabasen {old.meta.version} ({old.path}) → {new.meta.version} ({new.path})", ""]
    for table in TABLES:
        d = table_diff(old, new, table)
        if d.empty:
            lines.append(f"{table}: uændret")
            continue
        lines.append(f"{table}: {len(d.added)} tilføjet, {len(d.removed)} fjernet, {len(d.changed)} ændret")
        for k in d.added[:limit]:
            lines.append(f"  + {k}")
        for k in d.removed[:limit]:
            lines.append(f"  - {k}")
        for k, cols in d.changed[:limit]:
            lines.append(f"  ~ {k}: " + "; ".join(f"{c} {o or '(tom)'} → {n or '(tom)'}" for c, o, n in cols))
        more = max(0, len(d.added) - limit) + max(0, len(d.removed) - limit) + max(0, len(d.changed) - limit)
        if more:
            lines.append(f"  … og {more} rækker mere")
    lines += ["", "Eksempelberegninger: nettoresultat over hele perioden pr. aktør og break-even-år (i alt)"]
    moves = scenario_moves(old, new, scenario_dir, examples)
    if not moves:
        lines.append("  (ingen scenariefiler fundet)")
    for m in moves:
        lines.append(f"  {m.name} ({m.file})")
        if m.problem:
            lines.append(f"    kan ikke beregnes på begge versioner: {m.problem}")
        if m.before is None or m.after is None:
            continue
        for actor in (*ACTORS, TOTAL_DA):
            b, a = m.before[actor], m.after[actor]
            label = actor.capitalize() if actor != TOTAL_DA else actor
            change = "uændret" if round(a - b) == 0 else f"{'+' if a > b else '−'}{_kr(abs(a - b))}"
            lines.append(f"    {label:<8} {_kr(b):>18} → {_kr(a):>18}  ({change})")
        be = lambda y: str(y) if y is not None else "ikke inden for perioden"  # noqa: E731
        lines.append(f"    Break-even {be(m.break_even_before)} → {be(m.break_even_after)}")
    return "\n".join(lines)
