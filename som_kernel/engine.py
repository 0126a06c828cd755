"""The deterministic SØM calculation: scenario + knowledge base → one tidy table of kroner.

`calculate` chains SØM's steps (som_kernel/steps/, formulas in docs/method.md):
  cohorts and completion years → successes (success rate × persistence) → change in use × price per actor
  → consequence value; minus the intervention's cost lines → net result; then discounting.
Signs: a positive amount is a gain to the actor (less spending, more tax); costs are negative.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .checks import check_ids, check_prices
from .knowledge import KnowledgeBase
from .names import ACTORS
from .scenario import Scenario
from .steps import consequences as cons
from .steps import effect
from .steps.consequences import consequence_rows
from .steps.costs import cost_lines
from .steps.discount import discount_factor
from .steps.prices import consequence_prices, unit_prices
from .views import Coded, Result

# the one tidy table: consequence_year is k (1 = first consequence year; 0 on cost rows), successes the number
# of successful persons behind a consequence row (completers × success rate × persistence; 0 on cost rows)
TABLE_COLUMNS = [
    "year",
    "cohort",
    "actor",
    "welfare_area",
    "service",
    "outcome",
    "kind",
    "consequence_year",
    "successes",
    "amount",
    "discounted",
]
_TEXT = ("actor", "welfare_area", "service", "outcome", "kind")
_ACTORS = np.array(ACTORS, dtype=object)
_SMALL = 200  # text values per column below which they are coded with a dict

__all__ = ["TABLE_COLUMNS", "calculate", "consequence_rows", "unit_prices"]


def _block(year, cohort, area, service, outcome, kind, k, successes, amount) -> dict:
    """One block of table rows: (…, A)-shaped amounts; every other column is given in a shape that broadcasts
    to them (text columns small, e.g. one value per consequence row), and is expanded only at assembly."""
    return {
        "year": year,
        "cohort": cohort,
        "actor": _ACTORS,
        "welfare_area": area,
        "service": service,
        "outcome": outcome,
        "kind": kind,
        "consequence_year": k,
        "successes": successes,
        "amount": np.asarray(amount, dtype=float),
    }


def _text_column(blocks: list[dict], name: str, keep: np.ndarray) -> Coded:
    """A text column as codes into its labels: each block's few distinct values are coded once and the integer
    codes, not the strings, are expanded to the table's length (the Result turns it into plain text on demand)."""
    small = [np.asarray(b[name], dtype=object) for b in blocks]
    values = np.concatenate([x.ravel() for x in small])
    if len(values) <= _SMALL:  # a dict is quicker than pandas for a few dozen values
        at: dict = {}
        inverse = np.fromiter((at.setdefault(v, len(at)) for v in values.tolist()), dtype=np.intp, count=len(values))
        labels = list(at)
    else:
        inverse, labels = pd.factorize(values)  # hashing, no sorting
    bounds = np.cumsum([0, *(x.size for x in small)])
    codes = np.concatenate(
        [
            np.broadcast_to(inverse[bounds[i] : bounds[i + 1]].reshape(x.shape), b["amount"].shape).ravel()
            for i, (x, b) in enumerate(zip(small, blocks))
        ]
    )
    return Coded(codes[keep], np.asarray(labels, dtype=object))


def _consequence_block(scenario: Scenario, kb: KnowledgeBase, rows: cons.Rows, co: effect.Cohorts) -> dict:
    k, services = rows.year, rows.service
    years = cons.calendar_years(co.done, k, scenario.settings.consequence_offset)  # (R, C)
    prices = consequence_prices(scenario, kb, services, years, k)  # (R, C, A)
    gain = cons.gain_per_success(rows.delta_use, cons.sign(kb, services), prices)
    position = {o.outcome: i for i, o in enumerate(scenario.outcomes)}
    o = np.fromiter((position[x] for x in rows.outcome), dtype=int, count=len(rows))
    share = effect.success_share(effect.success_rates(scenario), effect.persistence(scenario), o, k)  # (R,)
    successes = co.participants[None, :] * share[:, None]  # (R, C)
    amount = successes[:, :, None] * gain  # (R, C, A)
    col = (slice(None), None, None)
    return _block(
        years[:, :, None],
        co.start[None, :, None],
        kb.service_info("welfare_area", services)[col],
        services[col],
        rows.outcome[col],
        "consequence",
        k[col],
        successes[:, :, None],
        amount,
    )


def _cost_blocks(scenario: Scenario, kb: KnowledgeBase, co: effect.Cohorts) -> list[dict]:
    area = scenario.costs.welfare_area
    return [
        _block(c.years[:, None, None], co.start[None, :, None], area, c.line, "", "cost", 0, 0.0, c.amount)
        for c in cost_lines(scenario, kb, co)
    ]


def calculate(scenario: Scenario, kb: KnowledgeBase, check: bool = True) -> Result:
    """Compute the budget result of `scenario` on `kb`: a Result built on one tidy table (kroner).

    `check=False` skips the checks against the knowledge base (som_kernel.checks.check_scenario) for a caller
    that has already made them for this scenario and knowledge base, such as the app on every redraw."""
    rows = cons.consequence_arrays(scenario, kb)
    if check:
        check_ids(scenario, kb)
        check_prices(set(rows.service), scenario, kb)
    co = effect.cohorts(scenario)
    blocks = _cost_blocks(scenario, kb, co)
    if len(rows):
        blocks.append(_consequence_block(scenario, kb, rows, co))
    columns: dict = {}
    amount = np.concatenate([b["amount"].ravel() for b in blocks]) if blocks else np.zeros(0)
    keep = amount != 0
    for name in TABLE_COLUMNS[:-1]:
        if not blocks:
            columns[name] = np.zeros(0, dtype=object if name in _TEXT else float)
        elif name in _TEXT:
            columns[name] = _text_column(blocks, name, keep)
        else:
            parts = [np.broadcast_to(b[name], b["amount"].shape).ravel() for b in blocks]
            columns[name] = np.concatenate(parts)[keep]
    for name in ("year", "cohort", "consequence_year"):
        columns[name] = columns[name].astype(int)
    columns["successes"] = columns["successes"].astype(float)
    s = scenario.settings
    columns["discounted"] = columns["amount"] * discount_factor(columns["year"], s.first_year, s.discount_rate)
    return Result(columns=columns, scenario=scenario)
