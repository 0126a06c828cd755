"""Test cases as data (tests/cases/*.yaml): one pytest test per file.

Each file holds a scenario in the app's file format, the knowledge base it is calculated on, the expected
net result per year and actor, totals, net present value and break-even years, and under `why:` the hand
arithmetic behind every expected number. How to add one without Python: tests/cases/README.md.
The method the numbers follow: docs/method.md.
"""

from __future__ import annotations

import csv
import json
import math
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from som_kernel import ACTORS, calculate, load_knowledge, scenario_from_json
from som_kernel.kb.committees import Committee, CommitteeLink
from som_kernel.kb.schema import OPTIONAL_TABLES
from som_kernel.knowledge import DEFAULT_KNOWLEDGE_DIR, TABLES

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted((ROOT / "tests" / "cases").glob("*.yaml"))
TOLERANCE = 0.01  # kroner
COLUMNS = (*ACTORS, "total")
REQUIRED = ("name", "why", "knowledge", "scenario", "expect")
REQUIRED_EXPECT = ("by_year", "totals", "npv", "break_even")
OPTIONAL_EXPECT = (
    "break_even_discounted",
    "per_participant",
    "by_committee",
    "break_even_by_committee",
    "successes",
    "per_success",
    "rows",
)
ROW_FIELDS = ("year", "cohort", "actor", "service", "outcome", "kind")  # what a `rows` entry may select on


def load_case(path: Path) -> dict:
    """A case file's contents, checked for the keys every case needs (a clear message names what is missing)."""
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    missing = [k for k in REQUIRED if k not in (case or {})]
    assert not missing, f"{path.name}: mangler {', '.join(missing)}"
    missing = [k for k in REQUIRED_EXPECT if k not in case["expect"]]
    assert not missing, f"{path.name}: expect mangler {', '.join(missing)}"
    unknown = set(case["expect"]) - set(REQUIRED_EXPECT) - set(OPTIONAL_EXPECT)
    assert not unknown, f"{path.name}: ukendte nøgler under expect: {', '.join(sorted(unknown))}"
    assert str(case["why"]).strip(), f"{path.name}: 'why' er tom; skriv håndregningen"
    return case


_KNOWLEDGE: dict[str, object] = {}
# what an inline knowledge fixture need not repeat on every row: a made-up, illustrative source
INLINE_SOURCE = {"source_title": "Testtilfælde (opdigtet)", "illustrative": "true"}


def write_inline_knowledge(spec: dict, folder: Path) -> Path:
    """Write an inline knowledge fixture (tables as lists of rows, the columns of knowledge/*.csv) as the CSV
    files load_knowledge reads, so it is validated like any knowledge base. Rows may leave out the source
    columns (then: an illustrative made-up source), consequences their `unit` (then: the service's unit)
    and prices theirs (then: "kr. pr." + the service's unit); `meta` defaults to version "testtilfælde", the
    first index year as default price level and the shipped limits; `units` to the shipped units.csv; an optional
    table (wages) is left out unless given. Every table given needs at least one row, and every priced service a
    row per actor (0 where the actor pays nothing)."""
    tables = {name.removesuffix(".csv"): model for name, model in TABLES.items()}
    # the kommune's committees and their map are optional (no rows: no file)
    tables |= {t: m for t, m in (("committees", Committee), ("committee_map", CommitteeLink)) if t in spec}
    unknown = set(spec) - set(tables) - {"meta"}
    assert not unknown, f"ukendte tabeller i knowledge: {', '.join(sorted(unknown))}; tilladt: {', '.join(tables)}"
    units = {row["id"]: row.get("unit", "") for row in spec.get("services", [])}
    for table, model in tables.items():
        if table == "units" and "units" not in spec:  # the shipped plausibility limits per unit
            shutil.copy(DEFAULT_KNOWLEDGE_DIR / "units.csv", folder / "units.csv")
            continue
        if f"{table}.csv" in OPTIONAL_TABLES and table not in spec:
            continue
        rows = [{**INLINE_SOURCE, **row} for row in spec.get(table, [])]
        for row in rows:
            if "unit" in model.model_fields and "unit" not in row and "service" in row:
                unit = units.get(row["service"], "")
                row["unit"] = f"kr. pr. {unit}" if table == "prices" else unit
        with (folder / f"{table}.csv").open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(model.model_fields))
            writer.writeheader()
            writer.writerows(rows)
    years = sorted(int(r["year"]) for r in spec.get("net_price_index", [])) or [0]
    shipped = yaml.safe_load((DEFAULT_KNOWLEDGE_DIR / "meta.yaml").read_text(encoding="utf-8"))
    meta = {
        "version": "testtilfælde",
        "default_price_year": years[0],
        "limits": shipped["limits"],
        **spec.get("meta", {}),
    }
    (folder / "meta.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
    return folder


def knowledge(spec: str | dict, tmp_path: Path):
    """`shipped` → the shipped knowledge base; a folder relative to the repository root; or an inline fixture."""
    if isinstance(spec, dict):
        return load_knowledge(write_inline_knowledge(spec, tmp_path))
    if spec not in _KNOWLEDGE:
        _KNOWLEDGE[spec] = load_knowledge() if spec == "shipped" else load_knowledge(ROOT / spec)
    return _KNOWLEDGE[spec]


def _kr(x: float) -> str:
    """1234567.5 → '1.234.567,50 kr.' (Danish, as the economist wrote the case)."""
    return f"{x:,.2f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".") + " kr."


def _close(got: float, want: float) -> bool:
    return math.isfinite(got) and abs(got - want) <= TOLERANCE


def _compare_grid(name: str, what: str, frame, expected: dict, row_label: str) -> list[str]:
    """Differences between a rows × actors frame and the expected {row: {actor: kr}}, as readable lines."""
    problems = []
    want_rows = {int(r) for r in expected}
    got_rows = {int(r) for r in frame.index}
    if want_rows != got_rows:
        problems.append(f"{name}: {what}: {row_label} i resultatet {sorted(got_rows)}, forventet {sorted(want_rows)}")
    for row, actors in expected.items():
        if int(row) not in got_rows:
            continue
        for actor in COLUMNS:
            if actor not in actors:
                problems.append(f"{name}: {what}, {row_label} {row}: {actor} mangler i den forventede række")
                continue
            want, got = float(actors[actor]), float(frame.loc[int(row), actor])
            if not _close(got, want):
                problems.append(f"{name}: {what}, {row_label} {row}, {actor}: fik {_kr(got)}, forventet {_kr(want)}")
    return problems


def _compare_series(name: str, what: str, series, expected: dict) -> list[str]:
    problems = []
    for actor in COLUMNS:
        if actor not in expected:
            problems.append(f"{name}: {what}: {actor} mangler")
            continue
        want, got = float(expected[actor]), float(series[actor])
        if not _close(got, want):
            problems.append(f"{name}: {what}, {actor}: fik {_kr(got)}, forventet {_kr(want)}")
    return problems


def _compare_break_even(name: str, what: str, got: dict, expected: dict) -> list[str]:
    return [
        f"{name}: {what}, {actor}: fik {got[actor]}, forventet {expected.get(actor, '(mangler)')}"
        for actor in COLUMNS
        if actor not in expected or got[actor] != expected[actor]
    ]


def _compare_committees(name: str, frame, expected: dict) -> list[str]:
    """Differences between the kommune's result per committee and the expected {year: {committee: kr}}."""
    problems = []
    want_columns = {c for row in expected.values() for c in row}
    if want_columns != set(frame.columns):
        problems.append(f"{name}: udvalg i resultatet {sorted(frame.columns)}, forventet {sorted(want_columns)}")
    if {int(y) for y in expected} != {int(y) for y in frame.index}:
        problems.append(f"{name}: år pr. udvalg {list(frame.index)}, forventet {sorted(expected)}")
    for year, row in expected.items():
        for committee, want in row.items():
            got = (
                float(frame.loc[int(year), committee]) if committee in frame and int(year) in frame.index else math.nan
            )
            if not _close(got, float(want)):
                problems.append(
                    f"{name}: udvalget {committee}, år {year}: fik {_kr(got)}, forventet {_kr(float(want))}"
                )
    return problems


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case(path: Path, tmp_path: Path):
    case = load_case(path)
    name = f"{path.name} ({case['name']})"
    scenario = scenario_from_json(json.dumps(case["scenario"]))
    spec = case["knowledge"]
    result = calculate(scenario, knowledge(spec if isinstance(spec, dict) else str(spec), tmp_path))
    exp = case["expect"]
    problems = _compare_grid(name, "nettoresultat", result.by_year_actor(), exp["by_year"], "år")
    problems += _compare_series(name, "i alt over perioden", result.totals(), exp["totals"])
    problems += _compare_series(name, "nutidsværdi (NPV)", result.npv(), exp["npv"])
    problems += _compare_break_even(name, "break-even-år", result.break_even_years(), exp["break_even"])
    if "break_even_discounted" in exp:
        got = result.break_even_years(discounted=True)
        problems += _compare_break_even(name, "break-even-år, diskonteret", got, exp["break_even_discounted"])
    if "per_participant" in exp:
        pp = result.per_participant()
        problems += _compare_grid(name, "gennemsnitligt deltagerforløb", pp, exp["per_participant"], "år siden start")
    if "by_committee" in exp:
        problems += _compare_committees(name, result.by_committee(), exp["by_committee"])
    if "break_even_by_committee" in exp:
        got, want = result.break_even_by_committee(), exp["break_even_by_committee"]
        problems += [
            f"{name}: break-even-år for udvalget {c}: fik {got.get(c, '(intet)')}, forventet {want.get(c, '(intet)')}"
            for c in set(got) | set(want)
            if got.get(c) != want.get(c)
        ]
    problems += _compare_intermediate(name, result, exp)
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def _compare_intermediate(name: str, result, exp: dict) -> list[str]:
    """The optional intermediate quantities: successes per year and outcome, the value per success, and the
    kroner of selected rows of the tidy table (e.g. one consequence in one year for one actor)."""
    problems = []
    if "successes" in exp:
        got = result.successes()
        want_years = {int(y) for y in exp["successes"]}
        for year, outcomes in exp["successes"].items():
            for outcome, want in outcomes.items():
                value = float(got.at[int(year), outcome]) if outcome in got.columns else math.nan
                if not _close(value, float(want)):
                    problems.append(f"{name}: succeser {year}, {outcome}: fik {value:g}, forventet {float(want):g}")
        extra = {int(y) for y in got.index[(got != 0).any(axis=1)]} - want_years
        if extra:
            problems.append(f"{name}: succeser: også succeser i {sorted(extra)}, som tilfældet ikke nævner")
    specs = exp.get("per_success", [])
    for spec in [specs] if isinstance(specs, dict) else specs:  # one or a list; `years:` the first n years only
        spec = dict(spec)
        years = spec.pop("years", None)
        got = {a: result.per_success(years=years, actor=a) for a in COLUMNS}
        what = "værdi pr. succes" + (f" (første {years} år)" if years else "")
        problems += _compare_series(name, what, got, spec)
    for i, row in enumerate(exp.get("rows", []), start=1):
        where = {k: v for k, v in row.items() if k != "kroner"}
        unknown = set(where) - set(ROW_FIELDS)
        assert not unknown, f"{name}: rows[{i}]: ukendte felter {sorted(unknown)}; tilladt: {', '.join(ROW_FIELDS)}"
        t = result.table
        mask = pd.Series(True, index=t.index)
        for field, value in where.items():
            mask &= t[field] == value
        assert mask.any(), f"{name}: rows[{i}]: ingen rækker i resultatet med {where}"
        got = float(t.loc[mask, "amount"].sum())
        if not _close(got, float(row["kroner"])):
            problems.append(f"{name}: rows[{i}] {where}: fik {_kr(got)}, forventet {_kr(float(row['kroner']))}")
    return problems


def test_there_are_at_least_ten_cases():
    assert len(CASES) >= 10, [p.name for p in CASES]
