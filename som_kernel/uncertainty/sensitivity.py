"""One-way sensitivity (tornado) and pessimistic / base / optimistic scenarios.

Every uncertain input is moved to its low and then its high value with all others at base, and the net
result at the horizon (the sum over all years) is reported overall and per actor. Inputs and ranges:
- success rate per outcome: the effect study's interval where there is one, else ± rel_range;
- persistence per outcome: the profile × (1 ± rel_range), capped at 1 (so a profile of 1 only falls; the
  high multiplier reported is the one that reaches the cap);
- each consequence estimate (outcome × service, all years) and each service's prices: × (1 ± rel_range); an
  estimate from a kommune's own panel × (1 ∓ 1.96 · its relative sd) (spec.py, consequence_uncertainty);
- each cost line (start-up, running, fixed, baseline savings): × (1 ± rel_range).
The method: docs/method.md#step-10-uncertainty.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..kb import KnowledgeBase
from ..names import SCENARIO_SET_NAMES_DA
from ..scenario import Scenario
from ..views import break_even
from .model import COLUMNS, Inputs, LinearModel, build_model, evaluate
from .spec import Z95, UncertaintySpec, consequence_uncertainty, effect_uncertainty


@dataclass(frozen=True)
class _Range:
    kind: str
    key: str  # outcome id, "outcome|service", service id or cost line id
    label: str
    index: int  # position in the model's axis for this kind
    base: float
    low: float
    high: float


def input_ranges(model: LinearModel, kb: KnowledgeBase, spec: UncertaintySpec) -> list[_Range]:
    """Low/high value of every uncertain input (success rates as rates, everything else as multipliers)."""
    spec.check()
    x = spec.rel_range
    out: list[_Range] = []
    effects = effect_uncertainty(model, kb, spec)
    for i, r in effects.iterrows():
        out.append(_Range("success_rate", r["outcome"], f"Succesrate: {r['name']}", i, r["base"], r["low"], r["high"]))
    for i, o in enumerate(model.outcomes):
        top = model.persistence[i].max(initial=0)
        high = min(1 + x, 1 / top) if top > 0 else 1 + x  # the profile is capped at 1
        out.append(_Range("persistence", o, f"Varighed: {model.outcome_names[o]}", i, 1.0, 1 - x, high))
    own = consequence_uncertainty(model, kb, spec)
    for g, (o, s) in enumerate(zip(model.groups["outcome"], model.groups["service"])):
        label = f"Konsekvens: {model.outcome_names[o]} – {model.service_names[s]}"
        r = Z95 * own["sd"].iat[g] if own["source"].iat[g] == "estimat" else x
        out.append(_Range("consequence", f"{o}|{s}", label, g, 1.0, 1 - r, 1 + r))
    for i, s in enumerate(model.services):
        out.append(_Range("price", s, f"Pris: {model.service_names[s]}", i, 1.0, 1 - x, 1 + x))
    for i, c in enumerate(model.cost_lines):
        out.append(_Range("cost", c, f"Omkostning: {model.cost_names[c]}", i, 1.0, 1 - x, 1 + x))
    return out


def _inputs(model: LinearModel, settings: list[list[tuple[_Range, float]]]) -> Inputs:
    """One draw per list of (input, value) pairs; inputs not named stay at base."""
    D = len(settings)
    success = np.tile(model.success, (D, 1))
    consequence = np.ones((D, len(model.group_outcome)))
    price = np.ones((D, len(model.services)))
    cost = np.ones((D, len(model.cost_lines)))
    pmult = np.ones((D, len(model.outcomes)))
    for d, pairs in enumerate(settings):
        for r, v in pairs:
            target = {
                "success_rate": success,
                "consequence": consequence,
                "price": price,
                "cost": cost,
                "persistence": pmult,
            }[r.kind]
            target[d, r.index] = v
    persistence = np.clip(model.persistence[None, :, :] * pmult[:, :, None], 0.0, 1.0)
    return Inputs(success=success, consequence=consequence, price=price, cost=cost, persistence=persistence)


def one_way(
    scenario: Scenario,
    kb: KnowledgeBase,
    spec: UncertaintySpec | None = None,
    discounted: bool = False,
    max_consequences: int = 10,
    model: LinearModel | None = None,
) -> pd.DataFrame:
    """Tidy one-way sensitivity: one row per input × actor with the net result at the horizon (kroner) at
    the input's low and high value, the changes from base and the swing |high − low|; sorted by the total's
    swing. Only the `max_consequences` largest consequence estimates (by |base value|) are listed."""
    spec = spec or UncertaintySpec()
    model = model or build_model(scenario, kb)
    ranges = input_ranges(model, kb, spec)
    size = np.abs(model.unit.sum(axis=(1, 2)) * model.success[model.group_outcome])
    keep = set(np.argsort(-size, kind="stable")[:max_consequences].tolist())
    ranges = [r for r in ranges if r.kind != "consequence" or r.index in keep]
    settings = [[]] + [[(r, v)] for r in ranges for v in (r.low, r.high)]
    totals = evaluate(model, _inputs(model, settings), discounted).sum(axis=1)  # (D, 4)
    base = totals[0]
    low, high = totals[1::2], totals[2::2]
    rows = []
    for i, r in enumerate(ranges):
        for a, actor in enumerate(COLUMNS):
            rows.append(
                {
                    "input": f"{r.kind}:{r.key}",
                    "kind": r.kind,
                    "label": r.label,
                    "base_value": r.base,
                    "low_value": r.low,
                    "high_value": r.high,
                    "actor": actor,
                    "net_base": base[a],
                    "net_low": low[i, a],
                    "net_high": high[i, a],
                    "change_low": low[i, a] - base[a],
                    "change_high": high[i, a] - base[a],
                    "swing": abs(high[i, a] - low[i, a]),
                }
            )
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    order = out[out["actor"] == "total"].sort_values("swing", ascending=False, kind="stable")["input"]
    out["input"] = pd.Categorical(out["input"], categories=list(order), ordered=True)
    out = out.sort_values(["input", "actor"], key=lambda c: c if c.name == "input" else c.map(COLUMNS.index))
    out["input"] = out["input"].astype(str)
    return out.reset_index(drop=True)


def scenario_sets(
    scenario: Scenario,
    kb: KnowledgeBase,
    spec: UncertaintySpec | None = None,
    discounted: bool = False,
    model: LinearModel | None = None,
) -> pd.DataFrame:
    """Pessimistic / base / optimistic: every input at the end of its range that gives the lower (higher)
    total net result, all applied together. Rows: scenario × actor with the net result at the horizon and
    the break-even year (<NA> if not within the horizon)."""
    spec = spec or UncertaintySpec()
    model = model or build_model(scenario, kb)
    ranges = input_ranges(model, kb, spec)
    one = evaluate(model, _inputs(model, [[(r, v)] for r in ranges for v in (r.low, r.high)]), discounted)
    totals = one.sum(axis=1)[:, -1]
    low_worse = totals[0::2] <= totals[1::2]
    pess = [(r, r.low if w else r.high) for r, w in zip(ranges, low_worse)]
    opt = [(r, r.high if w else r.low) for r, w in zip(ranges, low_worse)]
    net = evaluate(model, _inputs(model, [pess, [], opt]), discounted)
    be = break_even(net, model.years)
    rows = []
    for d, name in enumerate(("pessimistic", "base", "optimistic")):
        for a, actor in enumerate(COLUMNS):
            rows.append(
                {
                    "scenario": name,
                    "label": SCENARIO_SET_NAMES_DA[name],
                    "actor": actor,
                    "net": net[d, :, a].sum(),
                    "break_even_year": None if np.isnan(be[d, a]) else int(be[d, a]),
                }
            )
    out = pd.DataFrame(rows)
    out["break_even_year"] = out["break_even_year"].astype("Int64")
    return out
