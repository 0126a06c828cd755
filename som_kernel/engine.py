"""The deterministic SØM calculation: scenario + knowledge base → one tidy table of kroner.

`calculate` chains SØM's steps (som_kernel/steps/, formulas in docs/method.md):
  cohorts and completion years → successes (success rate × persistence) → change in use × price per actor
  → consequence value; minus the intervention's cost lines → net result; then discounting.
Signs: a positive amount is a gain to the actor (less spending, more tax); costs are negative.

What depends only on a loaded knowledge base (which is not edited after loading) is made once and kept with it
(`KnowledgeBase._cached`): its prices as a grid, its consequence estimates per target group and outcomes as coded
arrays, the rules' prices per rule setting. A scenario's local consequence estimates are read once per list of
override objects (steps/consequences.local_estimates). Nothing else is kept between calculations.
"""

from __future__ import annotations

import numpy as np

from .checks import check_ids, check_prices
from .kb import KnowledgeBase
from .names import ACTORS, COST_LINES
from .scenario import Scenario
from .steps import consequences as cons
from .steps import effect
from .steps.consequences import consequence_rows
from .steps.costs import cost_lines
from .steps.discount import discount_factor
from .steps.prices import consequence_prices, unit_prices
from .views import Coded, CommitteeSplit, Result

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

__all__ = ["TABLE_COLUMNS", "calculate", "consequence_rows", "unit_prices"]


def _block(year, cohort, area, service, outcome, kind, k, successes, amount) -> dict:
    """One block of table rows: (…, A)-shaped amounts; every other column is given in a shape that broadcasts
    to them (a text column as one value for the block or as a Coded, e.g. one code per consequence row), and is
    expanded only at assembly."""
    return {
        "year": year,
        "cohort": cohort,
        "actor": _ACTOR_CODES,
        "welfare_area": area,
        "service": service,
        "outcome": outcome,
        "kind": kind,
        "consequence_year": k,
        "successes": successes,
        "amount": np.asarray(amount, dtype=float),
    }


class _TableRows:
    """A block's table rows: the positions of its non-zero amounts (np.nonzero, in order) and, for each shape of
    column, every row's flat position in a column of that shape (made once per shape)."""

    def __init__(self, amount: np.ndarray) -> None:
        self.at = np.nonzero(amount)
        self.count = len(self.at[0])
        self._flat: dict[tuple[int, ...], np.ndarray] = {}

    def take(self, x) -> np.ndarray:
        """The values of `x` (a shape that broadcasts to the block's amounts, (X, Y, A)) at the block's rows: one
        flat index over the axes `x` varies along, without expanding `x` to the block's size."""
        x = np.asarray(x)
        if x.size == 1:
            return np.full(self.count, x.item())
        shape = (1,) * (3 - x.ndim) + x.shape
        flat = self._flat.get(shape)
        if flat is None:
            for i, n in zip(self.at, shape, strict=True):
                if n > 1:
                    flat = i if flat is None else flat * n + i
            self._flat[shape] = flat
        return x.ravel().take(flat)


def _text_column(blocks: list[dict], name: str, rows: list[_TableRows]) -> Coded:
    """A text column as codes into its labels: each block gives one value or a Coded (codes shaped like its other
    columns); the labels are coded once, and the integer codes, not the strings, are taken at the table's rows
    (the Result turns them into plain text on demand)."""
    seen: dict = {}
    parts = []
    for b, r in zip(blocks, rows, strict=True):
        x = b[name]
        if isinstance(x, Coded):
            overall = np.array([seen.setdefault(v, len(seen)) for v in x.labels.tolist()], dtype=np.intp)
            parts.append(overall[r.take(x.codes)])
        else:  # one value for the whole block (a cost row's kind, an outcome left blank)
            parts.append(np.full(r.count, seen.setdefault(x, len(seen)), dtype=np.intp))
    labels = np.empty(len(seen), dtype=object)
    labels[:] = list(seen)
    return Coded(np.concatenate(parts), labels)


def _coded(codes: np.ndarray, labels) -> Coded:
    """Codes into `labels` (labels may repeat: _text_column codes each label once)."""
    out = np.empty(len(labels), dtype=object)
    out[:] = list(labels)
    return Coded(codes, out)


_ACTOR_CODES = _coded(np.arange(len(ACTORS)), ACTORS)  # the actor column of every block: (A,)
_ACTOR_CODES.codes.flags.writeable = False


def _consequence_block(scenario: Scenario, kb: KnowledgeBase, rows: cons.Rows, co: effect.Cohorts) -> dict:
    k = rows.year
    codes, services = rows.service_codes  # each row's service as a position among the few distinct ones
    years = cons.calendar_years(co.done, k, scenario.settings.consequence_offset)  # (R, C)
    prices = consequence_prices(scenario, kb, rows.service, years, k, coded=rows.service_codes)  # (R, C, A)
    gain = cons.gain_per_success(rows.delta_use, cons.sign(kb, services)[codes], prices)
    position = {o.outcome: i for i, o in enumerate(scenario.outcomes)}
    o_codes, outcomes = rows.outcome_codes
    o = np.array([position[x] for x in outcomes], dtype=int)[o_codes]
    share = effect.success_share(effect.success_rates(scenario), effect.persistence(scenario), o, k)  # (R,)
    successes = co.participants[None, :] * share[:, None]  # (R, C)
    amount = successes[:, :, None] * gain  # (R, C, A)
    col = (slice(None), None, None)
    return _block(
        years[:, :, None],
        co.start[None, :, None],
        _coded(codes[col], kb.service_info("welfare_area", services)),
        _coded(codes[col], services),
        _coded(o_codes[col], outcomes),
        "consequence",
        k[col],
        successes[:, :, None],
        amount,
    )


def _cost_blocks(scenario: Scenario, kb: KnowledgeBase, co: effect.Cohorts) -> list[dict]:
    """The cost lines as one block: their (Y, C, A) amounts stacked year after year, line after line (a few
    large array operations instead of a few per line)."""
    lines = cost_lines(scenario, kb, co)
    if not lines:
        return []
    years = np.concatenate([c.years for c in lines])
    line = _coded(
        np.repeat(np.arange(len(lines)), [len(c.years) for c in lines])[:, None, None], [c.line for c in lines]
    )
    amount = np.concatenate([c.amount for c in lines])
    area = scenario.costs.welfare_area
    return [_block(years[:, None, None], co.start[None, :, None], area, line, "", "cost", 0, 0.0, amount)]


def calculate(scenario: Scenario, kb: KnowledgeBase, check: bool = True) -> Result:
    """Compute the budget result of `scenario` on `kb`: a Result built on one tidy table (kroner).

    `check=False` skips the checks against the knowledge base (som_kernel.checks.check_scenario) for a caller
    that has already made them for this scenario and knowledge base, such as the app on every redraw."""
    rows = cons.consequence_arrays(scenario, kb)
    if check:
        check_ids(scenario, kb)
        check_prices(set(rows.services), scenario, kb)
    co = effect.cohorts(scenario)
    blocks = _cost_blocks(scenario, kb, co)
    if len(rows):
        blocks.append(_consequence_block(scenario, kb, rows, co))
    columns: dict = {}
    at = [_TableRows(b["amount"]) for b in blocks]  # the table's rows: each block's non-zero amounts, in order
    for name in TABLE_COLUMNS[:-1]:
        if not blocks:
            columns[name] = np.zeros(0, dtype=object if name in _TEXT else float)
        elif name in _TEXT:
            columns[name] = _text_column(blocks, name, at)
        else:
            columns[name] = np.concatenate([r.take(b[name]) for b, r in zip(blocks, at, strict=True)])
    for name in ("year", "cohort", "consequence_year"):
        columns[name] = columns[name].astype(int, copy=False)
    columns["successes"] = columns["successes"].astype(float, copy=False)
    s = scenario.settings
    columns["discounted"] = columns["amount"] * discount_factor(columns["year"], s.first_year, s.discount_rate)
    return Result(columns=columns, scenario=scenario, committees=committee_split(scenario, kb, rows.services))


def committee_split(scenario: Scenario, kb: KnowledgeBase, services) -> CommitteeSplit | None:
    """Which committee carries each service and cost line of the scenario (knowledge/committee_map.csv, the
    scenario's `costs.committees` for a cost line); None when the knowledge base has no committee tables."""
    table = kb.committees
    if table is None:
        return None
    areas = kb._cached("target_group_areas", lambda: dict(zip(kb.target_groups["id"], kb.target_groups["area"])))
    default = table.for_costs(scenario.costs.welfare_area, areas.get(scenario.target_group))
    chosen = scenario.costs.committees
    of = table.for_services(dict.fromkeys(np.asarray(services, dtype=object).tolist()))
    of |= {line: chosen.get(field, default) for field, line, *_ in COST_LINES}
    return CommitteeSplit(of=of, names=table.names)
