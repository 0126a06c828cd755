"""The deterministic SØM calculation: scenario + knowledge base → one tidy table of kroner.

Named by SØM's steps (see ../shared/domain/som-method.md §1.5):
  completers per cohort → successes (success rate × persistence) → change in use × price per actor
  → consequence value; minus the intervention's costs → net result.
Signs: a positive amount is a gain to the actor (less spending, more tax); costs are negative.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .knowledge import ACTORS, KnowledgeBase
from .scenario import Scenario, check_ids, check_prices
from .views import Result

TABLE_COLUMNS = ["year", "cohort", "actor", "welfare_area", "service", "outcome", "kind", "amount", "discounted"]

# cost lines in the table's `service` column (they are not knowledge-base services)
COST_STARTUP = "omk_opstart"
COST_RUNNING = "omk_drift_pr_deltager"
COST_FIXED = "omk_drift_fast"
COST_BASELINE = "omk_basisalternativ"
COST_NAMES_DA = {
    COST_STARTUP: "Opstart (engangsudgift)",
    COST_RUNNING: "Drift pr. deltager",
    COST_FIXED: "Drift, faste udgifter",
    COST_BASELINE: "Sparede omkostninger (basisalternativ)",
}


def unit_prices(scenario: Scenario, kb: KnowledgeBase) -> pd.DataFrame:
    """Price per unit, service × actor, in kroner at the scenario's price level (local overrides applied)."""
    target = scenario.settings.price_year
    p = kb.prices
    factor = np.array([kb.price_factor(int(y), target) for y in p["price_year"]])
    services = pd.Index(
        pd.unique(np.concatenate([p["service"].to_numpy(dtype=object), [o.service for o in scenario.price_overrides]]))
    )
    grid = np.zeros((len(services), len(ACTORS)))
    grid[services.get_indexer(p["service"]), pd.Index(ACTORS).get_indexer(p["actor"])] = p["price"].to_numpy() * factor
    for o in scenario.price_overrides:
        year = o.price_year if o.price_year is not None else target
        grid[services.get_loc(o.service), ACTORS.index(o.actor)] = o.price * kb.price_factor(year, target)
    return pd.DataFrame(grid, index=pd.Index(services, name="service"), columns=pd.Index(ACTORS, name="actor"))


def consequence_rows(scenario: Scenario, kb: KnowledgeBase) -> pd.DataFrame:
    """Consequence estimates used (outcome, service, year, delta_use, overridden): knowledge + local overrides.
    A local value replaces the knowledge-base value with the same outcome, service and year."""
    horizon, excluded = scenario.settings.horizon_years, set(scenario.excluded_services)
    used: dict[tuple[str, str, int], tuple[float, bool]] = {}
    if scenario.target_group is not None:
        c = kb.consequences
        chosen = [o.outcome for o in scenario.outcomes]
        sub = c[(c["target_group"] == scenario.target_group) & c["outcome"].isin(chosen)]
        columns = (sub[c].tolist() for c in ("outcome", "service", "year", "delta_use"))
        for key in zip(*columns):
            used[key[:3]] = (key[3], False)
    for o in scenario.consequence_overrides:
        used[(o.outcome, o.service, o.year)] = (o.delta_use, True)
    keys = [k for k in used if k[2] <= horizon and k[1] not in excluded]
    return pd.DataFrame(
        {
            "outcome": pd.Series([k[0] for k in keys], dtype=object),
            "service": pd.Series([k[1] for k in keys], dtype=object),
            "year": np.array([k[2] for k in keys], dtype=int),
            "delta_use": np.array([used[k][0] for k in keys], dtype=float),
            "overridden": np.array([used[k][1] for k in keys], dtype=bool),
        }
    )


def _part(year, cohort, actor, area, service, outcome, kind, amount) -> dict[str, np.ndarray]:
    """One block of table rows as numpy columns; scalars are broadcast to the amount's length."""
    amount = np.asarray(amount, dtype=float)
    cols = {"year": year, "cohort": cohort, "actor": actor, "welfare_area": area, "service": service}
    out = {k: np.broadcast_to(np.asarray(v), amount.shape) for k, v in cols.items()}
    out["outcome"] = np.broadcast_to(np.asarray(outcome, dtype=object), amount.shape)
    out["kind"] = np.broadcast_to(np.asarray(kind, dtype=object), amount.shape)
    out["amount"] = amount
    return out


def _consequences(
    scenario: Scenario, kb: KnowledgeBase, rows: pd.DataFrame, starts: np.ndarray, n: np.ndarray
) -> list[dict]:
    if rows.empty:
        return []
    s = scenario.settings
    prices = unit_prices(scenario, kb).reindex(rows["service"]).to_numpy()  # (R, A)
    pos = pd.Index(kb.services["id"]).get_indexer(rows["service"])
    flow, area = kb.services["flow"].to_numpy()[pos], kb.services["welfare_area"].to_numpy()[pos]
    # expenditure: less use is a gain (−Δ·price); revenue (tax): more is a gain (+Δ·price)
    sign = np.where(flow == "revenue", 1.0, -1.0)
    # share of completers who count as successes in consequence year k: success rate × persistence[k]
    o = pd.Index([e.outcome for e in scenario.outcomes]).get_indexer(rows["outcome"])
    rate = np.array([e.success_rate for e in scenario.outcomes])
    persistence = np.array([e.persistence_profile(s.horizon_years) for e in scenario.outcomes])
    k = rows["year"].to_numpy(dtype=int)
    share = rate[o] * persistence[o, k - 1]
    gain = (sign * rows["delta_use"].to_numpy(dtype=float) * share)[:, None] * prices  # per success (R, A)
    done = starts + scenario.duration_years - 1
    amount = n[None, :, None] * gain[:, None, :]  # (R, C, A)
    year = done[None, :] + k[:, None] - 1 + s.consequence_offset  # (R, C)
    R, C, A = amount.shape
    return [
        _part(
            np.repeat(year.ravel(), A),
            np.tile(np.repeat(starts, A), R),
            np.tile(np.array(ACTORS), R * C),
            np.repeat(area, C * A),
            np.repeat(rows["service"].to_numpy(), C * A),
            np.repeat(rows["outcome"].to_numpy(), C * A),
            "consequence",
            amount.ravel(),
        )
    ]


def _costs(scenario: Scenario, kb: KnowledgeBase, starts: np.ndarray, n: np.ndarray) -> list[dict]:
    c = scenario.costs
    L = scenario.duration_years
    f = kb.price_factor(c.price_year or scenario.settings.price_year, scenario.settings.price_year)
    actors = np.array(ACTORS)
    # active[j, i]: participants of cohort i in the intervention in operating year j
    years = np.arange(starts.min(), starts.max() + L)
    active = ((years[:, None] >= starts[None, :]) & (years[:, None] < starts[None, :] + L)) * n[None, :]
    per_year_total = active.sum(axis=1, keepdims=True)
    fixed_share = np.divide(active, per_year_total, out=np.zeros(active.shape), where=per_year_total > 0)
    lines = [
        # (cost line, weight per operating year × cohort, sign, kroner per actor and unit of weight)
        (COST_RUNNING, active, -1.0, c.running_per_participant),
        (COST_BASELINE, active, +1.0, c.baseline_per_participant),
        (COST_FIXED, fixed_share, -1.0, c.running_per_year),
    ]
    frames = []
    for service, weight, sign, rate in lines:
        r = np.array([getattr(rate, a) for a in ACTORS]) * f * sign
        if not r.any():
            continue
        amount = weight[:, :, None] * r[None, None, :]  # (Y, C, A)
        Y, C, A = amount.shape
        frames.append(
            _part(
                np.repeat(years, C * A),
                np.tile(np.repeat(starts, A), Y),
                np.tile(actors, Y * C),
                c.welfare_area,
                service,
                "",
                "cost",
                amount.ravel(),
            )
        )
    startup = np.array([getattr(c.startup, a) for a in ACTORS]) * f
    if startup.any():
        share = n / n.sum()  # the one-off cost is shared by all participants
        amount = -share[:, None] * startup[None, :]
        C, A = amount.shape
        frames.append(
            _part(
                scenario.settings.first_year,
                np.repeat(starts, A),
                np.tile(actors, C),
                c.welfare_area,
                COST_STARTUP,
                "",
                "cost",
                amount.ravel(),
            )
        )
    return frames


def calculate(scenario: Scenario, kb: KnowledgeBase) -> Result:
    """Compute the budget result of `scenario` on `kb`: a Result built on one tidy table (kroner)."""
    check_ids(scenario, kb)
    rows = consequence_rows(scenario, kb)
    check_prices(set(rows["service"].unique()), scenario, kb)
    starts_all = np.array(scenario.cohort_years)
    n_all = np.array(scenario.participants, dtype=float)
    keep = n_all > 0
    starts, n = starts_all[keep], n_all[keep]
    parts = _costs(scenario, kb, starts, n) + _consequences(scenario, kb, rows, starts, n)
    amount = np.concatenate([p["amount"] for p in parts]) if parts else np.zeros(0)
    nonzero = amount != 0
    columns = {}
    for name in TABLE_COLUMNS[:-2]:
        values = np.concatenate([p[name] for p in parts])[nonzero] if parts else np.zeros(0, dtype=object)
        columns[name] = values.astype(int) if name in ("year", "cohort") else values
    columns["amount"] = amount[nonzero]
    s = scenario.settings
    columns["discounted"] = columns["amount"] / (1.0 + s.discount_rate) ** (columns["year"] - s.first_year)
    return Result(table=pd.DataFrame(columns), scenario=scenario)
