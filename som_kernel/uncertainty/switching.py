"""Switching values: the input level at which the net result at the horizon is exactly zero.

The net result at the horizon is linear in each success rate and in the cost level:
    net = Σ_o rate_o · C_o + K      (C_o: kroner per unit success rate of outcome o; K: the costs)
so  rate_o* = rate_o − net / C_o,   scale* = −K / Σ_o rate_o·C_o,   cost multiplier* = −Σ_o rate_o·C_o / K.
A value is None when there is no solution in range (rate 0–1, scale ≥ 0 with every rate ≤ 1, multiplier ≥ 0);
its status then says whether the result stays positive or negative over the whole range.
The method: docs/method.md#step-10-uncertainty.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..kb import KnowledgeBase
from ..names import TOTAL
from ..scenario import Scenario
from ..views import break_even
from .model import COLUMNS, Inputs, LinearModel, build_model, evaluate

_EPS = 1e-9


def _per_outcome(model: LinearModel, discounted: bool) -> tuple[np.ndarray, np.ndarray]:
    """C (O, 4): net at the horizon per unit success rate of each outcome; K (4,): costs at the horizon."""
    n_out = len(model.outcomes)
    zero_cost = np.zeros((n_out, len(model.cost_lines)))
    C = evaluate(model, Inputs(success=np.eye(n_out), cost=zero_cost), discounted).sum(axis=1)
    K = evaluate(model, Inputs(success=np.zeros((1, n_out))), discounted).sum(axis=1)[0]
    return C, K


def switching_values(
    scenario: Scenario, kb: KnowledgeBase, discounted: bool = False, model: LinearModel | None = None
) -> pd.DataFrame:
    """Tidy table per actor × input: kind ('success_rate' per outcome, 'success_scale' for all outcomes
    scaled together, 'cost_multiplier'), the base value, the switching value (None if none in range), its
    status ('switching'; else 'always_positive' / 'always_negative' over the whole range, or 'no_effect'
    when the input does not move this actor's result) and the base net result at the horizon (kroner)."""
    model = model or build_model(scenario, kb)
    C, K = _per_outcome(model, discounted)
    rates = model.success
    cons = rates @ C  # (4,)
    top = rates.max(initial=0)
    rows = []
    for a, actor in enumerate(COLUMNS):
        net = cons[a] + K[a]
        for i, o in enumerate(model.outcomes):
            v = None
            if abs(C[i, a]) > _EPS:
                v = float(rates[i] - net / C[i, a])
                v = v if -_EPS <= v <= 1 + _EPS else None
            ends = (net - rates[i] * C[i, a], net + (1 - rates[i]) * C[i, a])  # at rate 0 and 1
            label = f"Succesrate: {model.outcome_names[o]}"
            rows.append(_row(actor, "success_rate", o, label, rates[i], v, net, abs(C[i, a]) > _EPS, ends))
        v = None
        if abs(cons[a]) > _EPS:
            lam = float(-K[a] / cons[a])
            v = lam if lam >= -_EPS and lam * top <= 1 + _EPS else None
        ends = (K[a], K[a] + cons[a] / top if top > 0 else K[a])  # at scale 0 and where a rate reaches 100 %
        label = "Alle succesrater (andel af basis)"
        rows.append(_row(actor, "success_scale", "", label, 1.0, v, net, abs(cons[a]) > _EPS, ends))
        v = None
        if abs(K[a]) > _EPS:
            m = float(-cons[a] / K[a])
            v = m if m >= -_EPS else None
        ends = (cons[a], np.sign(K[a]) * np.inf if abs(K[a]) > _EPS else cons[a])  # no costs, endless costs
        label = "Omkostningsniveau (faktor)"
        rows.append(_row(actor, "cost_multiplier", "", label, 1.0, v, net, abs(K[a]) > _EPS, ends))
    out = pd.DataFrame(rows)
    out["value"] = out["value"].astype(object).where(out["value"].notna(), None)
    return out


def switching_success_rate(
    scenario: Scenario,
    kb: KnowledgeBase,
    actor: str = TOTAL,
    discounted: bool = False,
    model: LinearModel | None = None,
) -> float | None:
    """The switching value of the success rate: the rate (share 0–1, the same for every outcome) at which the
    actor's net result over the whole period is exactly 0 (docs/method.md#step-10-uncertainty). The net result
    is linear in the rate, net(r) = r · Σ_o C_o + K, so r* = −K / Σ_o C_o. None when no rate in 0–100 % gets
    there or the rate does not move the actor's result. The one definition used by the app, the reports, the
    batch runner and the course."""
    model = model or build_model(scenario, kb)
    C, K = _per_outcome(model, discounted)
    a = COLUMNS.index(actor)
    slope = float(C[:, a].sum())
    if abs(slope) <= _EPS:
        return None
    rate = -float(K[a]) / slope
    return max(0.0, rate) if -_EPS <= rate <= 1 + _EPS else None


def _row(actor, kind, outcome, label, base, value, net, moves: bool, ends: tuple[float, float]) -> dict:
    if value is not None:
        value = max(0.0, value)  # −1e-12 from rounding is 0
        status = "switching"
    elif not moves:
        status = "no_effect"
    else:
        status = "always_positive" if min(ends) > 0 else "always_negative"
    return {
        "actor": actor,
        "kind": kind,
        "outcome": outcome,
        "label": label,
        "base": float(base),
        "value": value,
        "status": status,
        "net_base": float(net),
    }


def break_even_by_success(
    scenario: Scenario,
    kb: KnowledgeBase,
    rates: np.ndarray | None = None,
    outcome: str | None = None,
    discounted: bool = False,
    model: LinearModel | None = None,
) -> pd.DataFrame:
    """Earliest break-even year per actor as a function of the success rate.

    With one outcome (or `outcome` named) the x column `success_rate` is that outcome's rate, default grid
    0–100 % in steps of 1 point. With several outcomes and no `outcome`, every rate is scaled together and x
    is the `scale` of the base rates (default 0–3 in steps of 0.02, cut where a rate would pass 100 %).
    Columns: x, kommune, region, stat, total (Int64, <NA> = no break-even within the horizon)."""
    model = model or build_model(scenario, kb)
    if outcome is None and len(model.outcomes) == 1:
        outcome = model.outcomes[0]
    if outcome is not None:
        i = model.outcomes.index(outcome)
        x = np.linspace(0, 1, 101) if rates is None else np.asarray(rates, dtype=float)
        success = np.tile(model.success, (len(x), 1))
        success[:, i] = x
        name = "success_rate"
    else:
        x = np.linspace(0, 3, 151) if rates is None else np.asarray(rates, dtype=float)
        top = model.success.max(initial=0)
        if top > 0:
            x = x[x * top <= 1 + _EPS]
        success = x[:, None] * model.success[None, :]
        name = "scale"
    be = break_even(evaluate(model, Inputs(success=success), discounted), model.years)
    out = pd.DataFrame(be, columns=list(COLUMNS)).astype("Int64")
    out.insert(0, name, x)
    return out
