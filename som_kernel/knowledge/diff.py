"""What a new version of the knowledge base changes: meta.yaml's fields, rows added, removed and changed per table,
dated values added, removed and changed in the rules (rules/*.yaml) and policy.yaml, the rule-derived prices that
move in each calendar year, and how the key figures (net result per actor, break-even year) of every shipped
example scenario move.

Rows are matched on each table's key (schema.KEYS; rule_links.csv on the service, the committee tables on id and on
kind × key); a changed row lists the columns whose values differ. A rule's or policy constant's rows are its dated
values (diff_rules.py). Key figures are computed with `calculate` on both versions, so the comparison is the
model's own result, not an estimate.

With a kommune's local layer on each side (`report(..., layered=(old, new))`, the command's `--lokal`), the
national tables are still compared without it, the layer's own tables (local.LAYER_MODELS) are compared on the
same keys with the same lines, and the examples are computed with the layers on: what the kommune will see.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import KnowledgeError, SomError
from ..examples import notebook_scenarios
from ..kb.committees import COMMITTEE_KEYS, COMMITTEES_FILE, MAP_FILE
from ..kb.local import LAYER_MODELS, REPLACES, read_layer
from ..kb.policy import POLICY_FILE
from ..kb.reading import FILE_COLUMNS
from ..kb.rules import LINKS_FILE, RULES_DIR
from ..kb.schema import ACTORS, DEFAULT_KNOWLEDGE_DIR, KEYS, LOCAL_COLUMN, TABLES, KnowledgeBase
from ..names import ACTOR_NAMES_DA, TOTAL
from .changes import TableDiff, frame_diff, table_lines, text
from .diff_rules import derived_price_moves, policy_diff, rule_diffs

SCENARIO_DIR = DEFAULT_KNOWLEDGE_DIR.parent / "notebooks" / "scenarier"
EXAMPLES_DIR = DEFAULT_KNOWLEDGE_DIR.parent / "notebooks" / "examples"
TOTAL_DA = ACTOR_NAMES_DA[TOTAL]
META_FILE = "meta.yaml"
# what a derived price in the diff is: the convention of prices.csv's rule-derived rows (rules.static_price_rows)
DERIVED_PRICES_DA = (
    "som prices.csv's afledte rækker: kr. pr. enhed før skat, konsekvensår 1, standarduger på offentlig forsørgelse"
)


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


def table_diff(old: KnowledgeBase, new: KnowledgeBase, table: str) -> TableDiff:
    return frame_diff(table, _frame(old, table), _frame(new, table), KEYS[table])


def meta_diff(old: KnowledgeBase, new: KnowledgeBase) -> TableDiff:
    """meta.yaml's fields other than the version (the report's first line has it): a section (limits, overhead)
    lists its changed fields, a single field its value as `værdi`."""
    out = TableDiff(META_FILE)
    a, b = old.meta.model_dump(exclude={"version"}), new.meta.model_dump(exclude={"version"})
    for name in b:
        sections = isinstance(a[name], dict) or isinstance(b[name], dict)
        fa, fb = (x or {} for x in (a[name], b[name])) if sections else ({"værdi": a[name]}, {"værdi": b[name]})
        cols = [(f, text(fa.get(f)), text(fb.get(f))) for f in dict.fromkeys([*fa, *fb])]
        cols = [c for c in cols if " ".join(c[1].split()) != " ".join(c[2].split())]
        if cols:
            out.changed.append((name, cols))
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


def _other_tables(old: KnowledgeBase, new: KnowledgeBase) -> dict[str, tuple]:
    """The tables outside TABLES: (old frame or None, new frame or None, key) by file name."""
    links = lambda kb: kb.rules.links.reset_index(drop=True) if kb.rules is not None else None  # noqa: E731
    committees = lambda kb: kb.committees.committees if kb.committees is not None else None  # noqa: E731
    mapping = lambda kb: kb.committees.links if kb.committees is not None else None  # noqa: E731
    return {
        COMMITTEES_FILE: (committees(old), committees(new), COMMITTEE_KEYS[COMMITTEES_FILE]),
        MAP_FILE: (mapping(old), mapping(new), COMMITTEE_KEYS[MAP_FILE]),
        LINKS_FILE: (links(old), links(new), ["service"]),
    }


def _or_empty(a: pd.DataFrame | None, b: pd.DataFrame | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both frames without the local-layer column (and a layer's file and line columns); a missing one as an empty
    frame with the other's columns."""
    drop = [LOCAL_COLUMN, *FILE_COLUMNS]
    a, b = (None if f is None else f.drop(columns=drop, errors="ignore") for f in (a, b))
    columns = (a if a is not None else b).columns
    return (a if a is not None else pd.DataFrame(columns=columns)), (
        b if b is not None else pd.DataFrame(columns=columns)
    )


# the key a layer table's rows are matched on: the national table's key (a price by service × actor, a consequence
# by target group × outcome × service × year, …), the committee tables' as in the national diff
LAYER_KEYS = {name: KEYS.get(name) or COMMITTEE_KEYS[name] for name in LAYER_MODELS}
# the key a layer row replaces national rows on; always the first columns of the national table's key
LAYER_REPLACES = {**REPLACES, **COMMITTEE_KEYS}


def layer_tables(kb: KnowledgeBase) -> dict[str, pd.DataFrame]:
    """The rows of `kb`'s local layer by table (the ones it has), as local.read_layer reads them."""
    problems = []
    read = read_layer(kb.local.path, problems)
    if read is None:
        raise KnowledgeError(problems)
    return read[1]


def _shadowed(national: dict[str, TableDiff], tables: dict[str, pd.DataFrame]) -> list[str]:
    """The national rows added, removed or changed whose key the layer replaces (local.REPLACES, committees on
    their key): the change does not reach a calculation with the layer on. As 'tabel: nøgle'."""
    out = []
    for name, replaces in LAYER_REPLACES.items():
        if name not in tables or name not in national:
            continue
        mine = {tuple(text(x) for x in k) for k in tables[name][replaces].itertuples(index=False)}
        d = national[name]
        for key in (*d.added, *d.removed, *(k for k, _ in d.changed)):
            if tuple(key.split(" × ")[: len(replaces)]) in mine:  # labels are the key's values joined by ' × '
                out.append(f"{name}: {key}")
    return out


def layer_lines(
    old: KnowledgeBase, new: KnowledgeBase, limit: int = 20, national: dict[str, TableDiff] | None = None
) -> list[str]:
    """The layers' rows added, removed and changed per table (`lokal prices.csv: …`), in table_lines' layout (a
    table neither layer has is left out), then the national changes (`national`, the base tables' diffs by file
    name) that the new layer replaces."""
    a, b = old.local, new.local
    lines = [f"Lokalt lag {a.label} ({a.path}) → {b.label} ({b.path})"]
    ta, tb = layer_tables(old), layer_tables(new)
    for name in LAYER_MODELS:
        if name in ta or name in tb:
            lines += table_lines(
                frame_diff(f"lokal {name}", *_or_empty(ta.get(name), tb.get(name)), LAYER_KEYS[name]), limit
            )
    shadowed = _shadowed(national or {}, tb)
    head = "Nationale ændringer, som det nye lag erstatter (de slår ikke igennem med laget)"
    lines.append(f"{head}: {len(shadowed)}" if shadowed else f"{head}: ingen")
    lines += [f"  {s}" for s in shadowed[:limit]]
    if len(shadowed) > limit:
        lines.append(f"  … og {len(shadowed) - limit} mere")
    return lines


def report(
    old: KnowledgeBase,
    new: KnowledgeBase,
    scenario_dir: Path = SCENARIO_DIR,
    examples: Path | None = EXAMPLES_DIR,
    limit: int = 20,
    layered: tuple[KnowledgeBase, KnowledgeBase] | None = None,
) -> str:
    """The diff as Danish text (what `python -m som_kernel.knowledge diff` prints). `old` and `new` are the
    national bases; `layered` the same bases with a local layer on each side (its tables are then listed after the
    national ones and the examples computed with it)."""
    lines = [f"Vidensdatabasen {old.meta.version} ({old.path}) → {new.meta.version} ({new.path})", ""]
    lines += table_lines(meta_diff(old, new), limit)
    national = {table: table_diff(old, new, table) for table in TABLES}
    for name, (a, b, keys) in _other_tables(old, new).items():
        if a is not None or b is not None:
            national[name] = frame_diff(name, *_or_empty(a, b), keys)
    for d in national.values():
        lines += table_lines(d, limit)
    policy = policy_diff(old, new)
    if isinstance(policy, str):
        lines.append(f"{POLICY_FILE}: {policy}")
    elif policy is not None:
        own = f" (beregningerne herunder bruger programmets egen {POLICY_FILE})"  # weeks per year, evidence widening
        lines += table_lines(policy, limit, note="" if policy.empty else own)
    for d, whole in rule_diffs(old, new):
        lines += table_lines(d, limit, note=f" (hele filen {whole})" if whole else "")
    if old.rules is not None and new.rules is not None:
        moves = derived_price_moves(old, new)
        head = f"Afledte priser pr. kalenderår ({LINKS_FILE}'s bruttopris fordelt efter {RULES_DIR}/)"
        lines.append(f"{head}: {len(moves)} ændret" if moves else f"{head}: uændret")
        if moves:
            lines.append(f"  {DERIVED_PRICES_DA}")
        for key, spans, year in moves[:limit]:
            lines.append(f"  ~ {key}: " + "; ".join(f"{y}: {o} → {n}" for y, o, n in spans) + f" (prisår {year})")
        if len(moves) > limit:
            lines.append(f"  … og {len(moves) - limit} priser mere")
    if layered is not None:
        lines += ["", *layer_lines(*layered, limit, national)]
    with_layer = " med det lokale lag" if layered is not None else ""
    lines += [
        "",
        f"Eksempelberegninger{with_layer}: nettoresultat over hele perioden pr. aktør og break-even-år (i alt)",
    ]
    moves = scenario_moves(*(layered or (old, new)), scenario_dir, examples)
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
