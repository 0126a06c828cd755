"""How much of the knowledge base, and of every shipped example's result, rests on which provenance status
(`python -m som_kernel.knowledge status`): the share of consequence rows, of non-zero prices and of consequence
kroner that is public, derived, calibrated, illustrative or local, and which illustrative prices weigh most in the
examples. The kroner are weighted by the one function that weights a result by provenance
(checklist.status_kroner) and by price (checklist.price_kroner)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..format import number, pct
from ..kb.schema import KnowledgeBase
from ..names import STATUS_NAMES_DA
from .diff import EXAMPLES_DIR, SCENARIO_DIR, _scenarios

# the goal of the knowledge base: this share of consequence rows, and of the examples' consequence kroner, is
# public or derived (issue "Numbers a kommune can stand behind")
SOURCED = ("public", "derived")
GOAL_ROWS, GOAL_KRONER = 0.30, 0.50
# and three in four of the non-zero prices (issue "Numbers a kommune can stand behind", part 2)
GOAL_PRICES = 0.75
# the illustrative prices listed by their weight in the examples, heaviest first
PRICES_LISTED = 10


def row_counts(statuses: pd.Series) -> dict[str, float]:
    """Rows by status, strongest first (names.STATUS_NAMES_DA's order)."""
    counts = statuses.value_counts()
    return {st: float(counts[st]) for st in STATUS_NAMES_DA if st in counts}


@dataclass
class ExampleStatus:
    file: str
    name: str = ""
    rows: dict[str, float] = field(default_factory=dict)  # consequence rows in use, by status
    kroner: dict[str, float] = field(default_factory=dict)  # |consequence kroner| by the estimate's status
    kroner_with_prices: dict[str, float] = field(default_factory=dict)  # by the weaker of estimate and price
    kroner_by_price: dict[tuple[str, str], float] = field(default_factory=dict)  # |kroner| by (service, actor)
    problem: str = ""


def example_statuses(kb: KnowledgeBase, folder: Path = SCENARIO_DIR, examples: Path | None = EXAMPLES_DIR):
    """ExampleStatus of every scenario file in `folder` and every example notebook in `examples`."""
    from ..checklist import price_kroner, status_kroner
    from ..engine import calculate
    from ..errors import SomError
    from ..export import consequence_sources

    out = []
    for file, scenario in _scenarios(folder, examples):
        if isinstance(scenario, str):
            out.append(ExampleStatus(file, problem=scenario))
            continue
        try:
            result = calculate(scenario, kb)
        except SomError as e:
            out.append(ExampleStatus(file, scenario.name, problem=e.problems[0].message))
            continue
        out.append(
            ExampleStatus(
                file,
                scenario.name,
                row_counts(consequence_sources(result, kb)["status"]),
                status_kroner(result, kb, prices=False),
                status_kroner(result, kb, prices=True),
                price_kroner(result),
            )
        )
    return out


def _line(amounts: dict[str, float], counts: bool = False) -> str:
    """'afledt 1 (0,1 %), illustrativ 823 (99,9 %)' for rows (`counts`), 'afledt 10,0 %, …' for kroner."""
    total = sum(amounts.values())
    if not total:
        return "ingen"
    parts = []
    for st, name in STATUS_NAMES_DA.items():
        if st in amounts:
            share = pct(amounts[st] / total, 1)
            parts.append(f"{name} {number(amounts[st])} ({share})" if counts else f"{name} {share}")
    return ", ".join(parts)


def _sourced(amounts: dict[str, float]) -> float:
    total = sum(amounts.values())
    return sum(amounts.get(st, 0.0) for st in SOURCED) / total if total else float("nan")


def _add(into: dict, amounts: dict) -> None:
    for st, v in amounts.items():
        into[st] = into.get(st, 0.0) + v


def nonzero_price_statuses(kb: KnowledgeBase) -> pd.Series:
    """The status of every price row that is not 0 (a 0 row says an actor pays nothing: there is nothing to
    source), indexed by (service, actor)."""
    p = kb.prices[kb.prices["price"] != 0]
    return pd.Series(p["status"].to_numpy(), index=pd.MultiIndex.from_frame(p[["service", "actor"]]))


def report(kb: KnowledgeBase, folder: Path = SCENARIO_DIR, examples: Path | None = EXAMPLES_DIR) -> str:
    """The status report in Danish: the knowledge base's consequence rows and non-zero prices by status, then
    every example's rows in use and consequence kroner by status, all examples together against the goal, and
    the illustrative prices that weigh most in the examples."""
    base = row_counts(kb.consequences["status"])
    n = int(sum(base.values()))
    price_status = nonzero_price_statuses(kb)
    prices = row_counts(price_status)
    lines = [
        f"Vidensdatabasen {kb.meta.version}: {number(n)} konsekvensrækker efter status: {_line(base, counts=True)}.",
        f"  Offentlige eller afledte: {pct(_sourced(base), 1)} af rækkerne (mål: mindst {pct(GOAL_ROWS, 0)}).",
        f"Priser forskellige fra 0: {number(sum(prices.values()))} efter status: {_line(prices, counts=True)}.",
        f"  Offentlige eller afledte: {number(sum(prices.get(st, 0.0) for st in SOURCED))} "
        f"({pct(_sourced(prices), 1)}; mål: mindst {pct(GOAL_PRICES, 0)}).",
        "",
        "Eksemplerne: konsekvensrækker i brug og konsekvensernes kroner (numerisk værdi, alle aktører og år) efter",
        "konsekvensestimatets status; 'med priser' giver hver krone det svageste led af estimat og pris.",
    ]
    kroner: dict[str, float] = {}
    with_prices: dict[str, float] = {}
    by_price: dict[tuple[str, str], float] = {}
    for ex in example_statuses(kb, folder, examples):
        if ex.problem:
            lines.append(f"- {ex.file}: kan ikke beregnes: {ex.problem}")
            continue
        _add(kroner, ex.kroner)
        _add(with_prices, ex.kroner_with_prices)
        _add(by_price, ex.kroner_by_price)
        lines += [
            f"- {ex.file} ({ex.name}): {number(sum(ex.rows.values()))} rækker, {number(sum(ex.kroner.values()))} kr.",
            f"    rækker: {_line(ex.rows, counts=True)}",
            f"    kroner: {_line(ex.kroner)}",
            f"    kroner med priser: {_line(ex.kroner_with_prices)}",
        ]
    lines += [
        "",
        f"Alle eksempler: {number(sum(kroner.values()))} kr.: {_line(kroner)}.",
        f"  Offentlige eller afledte: {pct(_sourced(kroner), 1)} af kronerne (mål: mindst {pct(GOAL_KRONER, 0)}); "
        f"med priser: {pct(_sourced(with_prices), 1)}.",
    ]
    return "\n".join(lines + _unsourced_prices(price_status, by_price))


def _unsourced_prices(price_status: pd.Series, by_price: dict[tuple[str, str], float]) -> list[str]:
    """The non-zero prices that are neither public nor derived and carry kroner in the examples, heaviest first
    (their share of all examples' consequence kroner), at most PRICES_LISTED of them."""
    total = sum(by_price.values())
    unsourced = [key for key, st in price_status.items() if st not in SOURCED]
    weights = sorted(((by_price[key], key) for key in unsourced if by_price.get(key)), key=lambda wk: (-wk[0], wk[1]))
    if not weights:
        return []
    shown = weights[:PRICES_LISTED]
    lines = [
        f"Priser uden offentlig kilde efter vægt i eksemplerne (andel af alle eksemplernes kroner), de "
        f"{number(len(shown))} tungeste af {number(len(unsourced))}:"
    ]
    lines += [f"    {service} ({actor}): {pct(w / total, 1)}" for w, (service, actor) in shown]
    return lines
