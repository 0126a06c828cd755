"""Test cases as data (tests/cases/*.yaml): one pytest test per file.

Each file holds a scenario in the app's file format, the knowledge base it is calculated on, the expected
net result per year and actor, totals, net present value and break-even years, and under `why:` the hand
arithmetic behind every expected number. How to add one without Python: tests/cases/README.md.
The method the numbers follow: docs/method.md.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import yaml

from som_kernel import ACTORS, calculate, load_knowledge, scenario_from_json

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted((ROOT / "tests" / "cases").glob("*.yaml"))
TOLERANCE = 0.01  # kroner
COLUMNS = (*ACTORS, "total")
REQUIRED = ("name", "why", "knowledge", "scenario", "expect")
REQUIRED_EXPECT = ("by_year", "totals", "npv", "break_even")
OPTIONAL_EXPECT = ("break_even_discounted", "per_participant")


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


def knowledge(spec: str):
    """`shipped` → the shipped knowledge base; otherwise a folder relative to the repository root."""
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


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case(path: Path):
    case = load_case(path)
    name = f"{path.name} ({case['name']})"
    scenario = scenario_from_json(json.dumps(case["scenario"]))
    result = calculate(scenario, knowledge(str(case["knowledge"])))
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
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def test_there_are_at_least_ten_cases():
    assert len(CASES) >= 10, [p.name for p in CASES]
