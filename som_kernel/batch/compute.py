"""Evaluate a block of scenarios that share a structure as arrays, on the uncertainty module's linear model.

A block is a set of scenarios that differ only in success rates and cost amounts (per cost line and actor).
Everything else (target group, outcomes, services, participants, duration, horizon, discount rate, price
level, knowledge base) is the same, so one `build_model` serves them all:

- the model is built once from the block's scenario with every cost amount at 1 kr. per actor and line,
  so its cost lines are kroner per krone of input;
- consequences per welfare area: `evaluate` with the block's success rates, price multipliers 1 for the
  area's services and 0 for the rest, and no costs;
- costs per actor: `evaluate` with success rates 0 and the block's amounts for that actor as the cost
  multipliers (column a of the result).

No formula of SØM is written here: every krone comes out of `build_model`/`evaluate`, which reproduce
`calculate` (tests/test_batch.py checks the block against a loop over `calculate`, to 1e-6 kr.).
Blocks have a fixed size, set when the run is planned, never by the chunking or the engine, so each
scenario's numbers are computed by the same matrix products whatever runs them: bit for bit identical.
"""

from __future__ import annotations

import copy
import itertools
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from pydantic import ValidationError

from ..engine import committee_split
from ..errors import SomError
from ..kb import ACTORS, WELFARE_AREAS, KnowledgeBase
from ..messages import pydantic_problems
from ..names import COST_FIELD_OF_LINE, TOTAL
from ..scenario import ActorAmounts, OutcomeEffect, Scenario, build_scenario
from ..steps.costs import cost_totals
from ..uncertainty import Inputs, LinearModel, UncertaintySpec, build_model, evaluate, monte_carlo
from ..views import break_even
from .table import COST_LINES, parse_path

ACTOR_COLUMNS = (*ACTORS, TOTAL)
# engine cost line → the scenario's cost field (names.py)
COST_FIELDS = COST_FIELD_OF_LINE
KINDS = ("cost", "consequence")
RESULT_COLUMNS = ["scenario", "year", "actor", "welfare_area", "kind", "amount", "discounted"]
_EPS = 1e-9


@dataclass(frozen=True)
class Item:
    """One scenario of a run: its number, the base it starts from, its knowledge base (None = default) and
    the overrides: `shared` ones change the model (they are part of the block's key), `varying` ones do not."""

    index: int
    base: str
    knowledge: str | None
    shared: tuple[tuple[str, Any], ...] = ()
    varying: tuple[tuple[str, Any], ...] = ()

    @property
    def key(self) -> tuple:
        return (self.base, self.knowledge, self.shared)


@dataclass(frozen=True)
class Options:
    """What every block computes besides the deterministic result."""

    draws: int = 0  # Monte Carlo draws per scenario (0 = none)
    seed: int = 0  # scenario i uses seed + i
    payback_years: int = 10  # P(payback within N years) with draws
    spec: UncertaintySpec = field(default_factory=UncertaintySpec)


def _message(e: Exception) -> str:
    if isinstance(e, SomError):
        return " ".join(str(p) for p in e.problems)
    return f"Uventet fejl i beregningen ({type(e).__name__}: {e})."


def _with(data: dict, overrides) -> dict:
    """`data` with `overrides` (path, value) applied; only the containers on the paths are copied (a base
    with a thousand consequence overrides is not copied for every block)."""
    out = dict(data)
    for path, value in overrides:
        parts = parse_path(path)
        node = out
        for p in parts[:-1]:
            node[p] = copy.copy(node[p])
            node = node[p]
        last = parts[-1]
        if isinstance(last, int) and last == len(node):
            node.append(value)  # one more year of participants
        else:
            node[last] = value
    return out


def _unit_costs(scenario: Scenario) -> Scenario:
    """The scenario with every cost amount at 1 kr. per actor and line (the model's costs per krone) and no
    resource table (its amounts are in the base costs, `cost_totals`)."""
    one = ActorAmounts(kommune=1.0, region=1.0, stat=1.0)
    costs = scenario.costs.model_copy(update={**{line: one for line in COST_LINES}, "resources": []})
    return scenario.model_copy(update={"costs": costs})


def _check_varying(path: str, value: Any) -> str | None:
    """The Danish message for a bad success rate or cost amount, else None (pydantic's own rules; called
    only for values the quick numeric check in `_varying_arrays` did not pass)."""
    parts = parse_path(path)
    try:
        if parts[0] == "outcomes":
            OutcomeEffect.model_validate({"outcome": "x", "success_rate": value})
        else:
            ActorAmounts.model_validate({parts[2]: value})
    except ValidationError as e:
        prefix = f"outcomes[{parts[1]}]." if parts[0] == "outcomes" else f"costs.{parts[1]}."
        return " ".join(str(p) for p in pydantic_problems(e, prefix=prefix))
    return None


def _quick_ok(parts: tuple, value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return False
    return 0 <= value <= 1 if parts[0] == "outcomes" else value >= 0


def _empty_results() -> pd.DataFrame:
    return pd.DataFrame(
        {c: pd.Series(dtype="int64" if c in ("scenario", "year") else "float64") for c in RESULT_COLUMNS}
    )


_DTYPES: dict[tuple, pd.CategoricalDtype] = {}


def _categorical(codes: np.ndarray, categories) -> pd.Categorical:
    """Codes as a pandas Categorical; one dtype per list of categories (checking them is most of the time)."""
    dtype = _DTYPES.get(tuple(categories))
    if dtype is None:
        dtype = _DTYPES[tuple(categories)] = pd.CategoricalDtype(list(categories))
    return pd.Categorical.from_codes(codes, dtype=dtype)


def block_scenario(base: dict, shared: tuple, base_scenario: Scenario | None = None) -> Scenario:
    """`base` with the shared overrides, validated as build_scenario validates it. With `base_scenario` (the
    base, already validated), the fields no override touches are handed to pydantic as its validated parts,
    which it takes as they are: only the overridden fields and the checks across fields run again (a base
    with 1.200 consequence overrides is not validated again for every block)."""
    data = _with(base, shared)
    if base_scenario is None:
        return build_scenario(data)
    touched = {parse_path(path)[0] for path, _ in shared}
    return build_scenario({k: v if k in touched else getattr(base_scenario, k) for k, v in data.items()})


def prepare(
    base: dict, shared: tuple, kb: KnowledgeBase, base_scenario: Scenario | None = None
) -> tuple[Scenario, LinearModel]:
    """(scenario, model): the block's scenario (block_scenario) and its model with costs per krone of input."""
    scenario = block_scenario(base, shared, base_scenario)
    cost_totals(scenario, kb)  # a resource line the knowledge base cannot price is the whole block's problem
    return scenario, build_model(_unit_costs(scenario), kb)


@dataclass
class Block:
    """One block's columns as arrays: `results` (None when the block failed as a whole) and `key` (the key
    figures; `error` a list). A chunk's blocks become two DataFrames at once (frames): no pandas per block."""

    results: dict[str, np.ndarray] | None
    key: dict[str, Any]


def evaluate_block(base: dict, items: list[Item], kb: KnowledgeBase | str, options: Options, models=None):
    """(results, key figures) of one block of scenarios with the same key. `kb` is a knowledge base or the
    Danish message why it could not be loaded. Errors become the rows' `error`, never an exception.
    `models`: an optional dict that keeps prepared models by block key (blocks of one structure in a chunk)."""
    results, key = frames([block_columns(base, items, kb, options, models)])
    return results[0], key[0]


def frames(blocks: list[Block]) -> tuple[list[pd.DataFrame], list[pd.DataFrame]]:
    """(results, key figures) DataFrames of consecutive blocks: one pair per run of blocks that computed, the
    frames of a failed block as they are. pd.concat of them equals pd.concat of one pair per block."""
    results, keys = [], []
    for computed, run in itertools.groupby(blocks, key=lambda b: b.results is not None):
        run = list(run)
        if not computed:
            for b in run:
                results.append(_empty_results())
                keys.append(
                    pd.DataFrame({"scenario": b.key["scenario"], "error": pd.Series(b.key["error"], dtype=object)})
                )
            continue
        r = {c: np.concatenate([b.results[c] for b in run]) for c in RESULT_COLUMNS}
        for c, categories in (("actor", ACTORS), ("welfare_area", WELFARE_AREAS), ("kind", KINDS)):
            r[c] = _categorical(r[c], categories)
        results.append(pd.DataFrame(r))
        k: dict[str, Any] = {}
        for c in run[0].key:
            if c == "error":
                k[c] = pd.Series([e for b in run for e in b.key[c]], dtype=object)
            elif c.startswith("break_even_"):
                k[c] = pd.array(np.concatenate([b.key[c] for b in run]), dtype="Float64").astype("Int64")
            else:
                k[c] = np.concatenate([b.key[c] for b in run])
        keys.append(pd.DataFrame(k))
    return results, keys


def block_columns(base: dict, items: list[Item], kb: KnowledgeBase | str, options: Options, models=None) -> Block:
    """The arrays of evaluate_block."""
    idx = np.array([it.index for it in items], dtype=np.int64)
    D = len(items)
    try:
        if isinstance(kb, str):
            raise SomError(kb)
        cached = models.get(items[0].key) if models is not None else None
        base_scenario = None
        if cached is None and models is not None and items[0].shared:
            base_key = ("base", items[0].base)  # the base validated once per process, for its blocks
            base_scenario = models.get(base_key)
            if base_scenario is None:
                try:
                    base_scenario = models[base_key] = build_scenario(base)
                except SomError:  # a base that is only valid with its overrides: validated whole, as before
                    base_scenario = None
        scenario, model = cached or prepare(base, items[0].shared, kb, base_scenario)
        if models is not None:
            models[items[0].key] = (scenario, model)
    except Exception as e:  # the shared part is bad: every scenario of the block has the same problem
        return Block(None, {"scenario": idx, "error": [_message(e)] * D})

    n_out = len(model.outcomes)
    base_success = np.array([o.success_rate for o in scenario.outcomes])
    success = np.tile(base_success, (D, 1))
    totals = cost_totals(scenario, kb)  # typed amounts plus the resource table; a varied amount replaces its total
    base_costs = np.array([totals[line] for line in COST_LINES])
    amounts = np.tile(base_costs, (D, 1, 1))  # (D, line, actor) in COST_LINES order
    errors: list[str | None] = [None] * D
    for d, it in enumerate(items):
        for path, value in it.varying:
            parts = parse_path(path)
            if not _quick_ok(parts, value):
                errors[d] = " ".join(m for p, v in it.varying if (m := _check_varying(p, v)))
                break
            if parts[0] == "outcomes":
                success[d, parts[1]] = value
            else:
                amounts[d, COST_LINES.index(parts[1]), ACTORS.index(parts[2])] = value
    ok = np.array([e is None for e in errors])
    # rows with an error are computed at the base values and dropped below (the arrays keep their shape)
    success[~ok] = base_success
    amounts[~ok] = base_costs

    # consequences per welfare area (price multiplier 1 on the area's services), costs per actor
    line_of = [COST_LINES.index(COST_FIELDS[c]) for c in model.cost_lines]
    no_costs = np.zeros((D, len(model.cost_lines)))
    svc_area = kb.service_info("welfare_area", list(model.services))
    areas = [w for w in WELFARE_AREAS if (svc_area == w).any()]
    parts_amount, parts_disc, labels = [], [], []
    for w in areas:
        mask = np.broadcast_to((svc_area == w).astype(float), (D, len(model.services)))
        inputs = Inputs(success=success, price=mask, cost=no_costs)
        parts_amount.append(evaluate(model, inputs)[:, :, :3])
        parts_disc.append(evaluate(model, inputs, discounted=True)[:, :, :3])
        labels.append((WELFARE_AREAS.index(w), 1))
    cost_amount = np.zeros((D, len(model.years), 3))
    cost_disc = np.zeros((D, len(model.years), 3))
    zero_success = np.zeros((D, n_out))
    for a in range(3):
        inputs = Inputs(success=zero_success, cost=amounts[:, line_of, a])
        cost_amount[:, :, a] = evaluate(model, inputs)[:, :, a]
        cost_disc[:, :, a] = evaluate(model, inputs, discounted=True)[:, :, a]
    parts_amount.append(cost_amount)
    parts_disc.append(cost_disc)
    labels.append((WELFARE_AREAS.index(scenario.costs.welfare_area), 0))

    amount = np.stack(parts_amount, axis=3)  # (D, T, 3, categories)
    disc = np.stack(parts_disc, axis=3)
    keep = ((amount != 0) | (disc != 0)) & ok[:, None, None, None]
    d_i, t_i, a_i, c_i = np.nonzero(keep)
    area_code = np.array([w for w, _ in labels])
    kind_code = np.array([k for _, k in labels])
    results = {
        "scenario": idx[d_i],
        "year": model.years[t_i].astype(np.int64),
        "actor": a_i,  # codes: categories in frames
        "welfare_area": area_code[c_i],
        "kind": kind_code[c_i],
        "amount": amount[keep],
        "discounted": disc[keep],
    }

    # key figures: totals, NPV, break-even, switching values (net at the horizon is linear in the rates)
    def with_total(x: np.ndarray) -> np.ndarray:
        return np.concatenate([x, x.sum(axis=2, keepdims=True)], axis=2)

    net = with_total(amount.sum(axis=3))  # (D, T, 4)
    npv = with_total(disc.sum(axis=3)).sum(axis=1)
    costs_h = with_total(cost_amount).sum(axis=1)  # (D, 4) costs at the horizon
    totals = net.sum(axis=1)
    cons_h = totals - costs_h
    per_unit = evaluate(model, Inputs(success=np.eye(n_out), cost=np.zeros((n_out, len(model.cost_lines))))).sum(axis=1)
    be = break_even(net, model.years)
    cols: dict[str, Any] = {"scenario": idx, "error": errors}
    cols |= {f"net_{a}": totals[:, j] for j, a in enumerate(ACTOR_COLUMNS)}
    cols |= {f"npv_{a}": npv[:, j] for j, a in enumerate(ACTOR_COLUMNS)}
    cols |= {f"break_even_{a}": np.where(ok, be[:, j], np.nan) for j, a in enumerate(ACTOR_COLUMNS)}  # Int64 in frames
    # switching success rate (the one definition, uncertainty.switching_success_rate): the rate, the same for
    # every outcome, at which the net result over the period is 0; net(r) = r · Σ_o C_o + costs, per scenario
    slope = per_unit.sum(axis=0)  # (4,) Σ_o C_o: kroner per unit of success rate, the same for the block
    for j, a in enumerate(ACTOR_COLUMNS):
        rate = -costs_h[:, j] / slope[j] if abs(slope[j]) > _EPS else np.full(D, np.nan)
        fits = (rate >= -_EPS) & (rate <= 1 + _EPS)
        cols[f"switching_rate_{a}"] = np.where(fits, np.maximum(rate, 0), np.nan)
    cols |= _committee_figures(scenario, model, kb, success, amounts[:, line_of, ACTORS.index("kommune")], ok)
    cols["participants"] = np.full(D, float(sum(scenario.participants)))
    cols["cost_total"] = costs_h[:, 3]
    cols["consequence_total"] = cons_h[:, 3]
    for c in list(cols)[2:]:
        if not c.startswith("break_even_"):
            cols[c] = np.where(ok, cols[c], np.nan)
    if options.draws > 0:
        _draw(_with(base, items[0].shared), items, success, amounts, ok, kb, options, cols)
    return Block(results, cols)


def _committee_figures(scenario, model, kb, success, kommune_costs, ok) -> dict[str, np.ndarray]:
    """The kommune's net result and break-even year per committee (columns net_udvalg_<id>, break_even_udvalg_<id>
    for every committee of the knowledge base): `evaluate` with the committee's services (price multiplier 1) and
    its cost lines, kommune column only, as the engine's Result.by_committee groups the same rows."""
    split = committee_split(scenario, kb, model.services)
    if split is None:
        return {}
    D = len(success)
    svc = np.array([split.of[x] for x in model.services], dtype=object)
    lines = np.array([split.of[c] for c in model.cost_lines], dtype=object)
    out: dict[str, np.ndarray] = {}
    for c in split.names:
        price = np.broadcast_to((svc == c).astype(float), (D, len(model.services)))
        net = evaluate(model, Inputs(success=success, price=price, cost=kommune_costs * (lines == c)))[:, :, 0]
        be = break_even(net[:, :, None], model.years)[:, 0]
        out[f"net_udvalg_{c}"] = np.where(ok, net.sum(axis=1), np.nan)
        out[f"break_even_udvalg_{c}"] = np.where(ok, be, np.nan)  # Int64 in frames, as every break_even_ column
    return out


def _draw(data, items, success, amounts, ok, kb, options: Options, key: dict[str, Any]) -> None:
    """P(payback within N years) per actor from `options.draws` Monte Carlo draws of each scenario (its own
    model: draws centre on the scenario's own rates and costs). Seed: options.seed + scenario number."""
    cols = {a: np.full(len(items), np.nan) for a in ACTOR_COLUMNS}
    for d, it in enumerate(items):
        if not ok[d]:
            continue
        rates = [(f"outcomes[{i}].success_rate", float(r)) for i, r in enumerate(success[d])]
        costs = [
            (f"costs.{line}.{a}", float(amounts[d, li, ai]))
            for li, line in enumerate(COST_LINES)
            for ai, a in enumerate(ACTORS)
        ]
        try:
            scenario = build_scenario(_with(data, rates + costs))
            mc = monte_carlo(scenario, kb, options.draws, seed=options.seed + it.index, spec=options.spec)
            p = mc.prob_payback_within(options.payback_years)
        except Exception as e:
            key["error"][d] = _message(e)
            continue
        for a in ACTOR_COLUMNS:
            cols[a][d] = float(p[a])
    for a in ACTOR_COLUMNS:
        key[f"p_payback_{a}"] = cols[a]
