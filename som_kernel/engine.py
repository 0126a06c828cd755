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
from .scenario import Scenario, check_scenario
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
    factors = p["price_year"].map(lambda y: kb.price_factor(int(y), target))
    table = pd.DataFrame({"service": p["service"], "actor": p["actor"], "price": p["price"] * factors})
    table = table.pivot(index="service", columns="actor", values="price").reindex(columns=list(ACTORS))
    for o in scenario.price_overrides:
        year = o.price_year if o.price_year is not None else target
        if o.service not in table.index:
            table.loc[o.service] = np.nan
        table.loc[o.service, o.actor] = o.price * kb.price_factor(year, target)
    return table.fillna(0.0)


def consequence_rows(scenario: Scenario, kb: KnowledgeBase) -> pd.DataFrame:
    """Consequence estimates used (outcome, service, year, delta_use, overridden): knowledge + local overrides."""
    cols = ["outcome", "service", "year", "delta_use"]
    parts = []
    if scenario.target_group is not None:
        c = kb.consequences
        chosen = [o.outcome for o in scenario.outcomes]
        mask = (c["target_group"] == scenario.target_group) & c["outcome"].isin(chosen)
        parts.append(c.loc[mask, cols].assign(overridden=False))
    if scenario.consequence_overrides:
        parts.append(pd.DataFrame([o.model_dump() for o in scenario.consequence_overrides])[cols].assign(overridden=True))
    if not parts:
        return pd.DataFrame(columns=[*cols, "overridden"])
    rows = pd.concat(parts, ignore_index=True)
    # a local value replaces the knowledge-base value with the same outcome, service and year
    rows = rows.drop_duplicates(["outcome", "service", "year"], keep="last")
    rows = rows[~rows["service"].isin(scenario.excluded_services)]
    rows = rows[rows["year"] <= scenario.settings.horizon_years]
    return rows.reset_index(drop=True)


def _frame(year, cohort, actor, area, service, outcome, kind, amount) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": year,
            "cohort": cohort,
            "actor": actor,
            "welfare_area": area,
            "service": service,
            "outcome": outcome,
            "kind": kind,
            "amount": amount,
        }
    )


def _consequences(scenario: Scenario, kb: KnowledgeBase, starts: np.ndarray, n: np.ndarray) -> pd.DataFrame:
    rows = consequence_rows(scenario, kb)
    if rows.empty:
        return _frame([], [], [], [], [], [], [], [])
    s = scenario.settings
    prices = unit_prices(scenario, kb).reindex(rows["service"]).to_numpy()  # (R, A)
    svc = kb.services.set_index("id").loc[rows["service"]]
    # expenditure: less use is a gain (−Δ·price); revenue (tax): more is a gain (+Δ·price)
    sign = np.where(svc["flow"].to_numpy() == "revenue", 1.0, -1.0)
    effect = {o.outcome: (o.success_rate, o.persistence_profile(s.horizon_years)) for o in scenario.outcomes}
    k = rows["year"].to_numpy(dtype=int)
    share = np.array([effect[o][0] * effect[o][1][kk - 1] for o, kk in zip(rows["outcome"], k)])
    gain = (sign * rows["delta_use"].to_numpy(dtype=float) * share)[:, None] * prices  # per success (R, A)
    done = starts + scenario.duration_years - 1
    amount = n[None, :, None] * gain[:, None, :]  # (R, C, A)
    year = done[None, :] + k[:, None] - 1 + s.consequence_offset  # (R, C)
    R, C, A = amount.shape
    return _frame(
        np.repeat(year.ravel(), A),
        np.tile(np.repeat(starts, A), R),
        np.tile(np.array(ACTORS), R * C),
        np.repeat(svc["welfare_area"].to_numpy(), C * A),
        np.repeat(rows["service"].to_numpy(), C * A),
        np.repeat(rows["outcome"].to_numpy(), C * A),
        "consequence",
        amount.ravel(),
    )


def _costs(scenario: Scenario, kb: KnowledgeBase, starts: np.ndarray, n: np.ndarray) -> pd.DataFrame:
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
        # (service, year per cell, cohort per cell, amount per cell before actor price)
        (COST_RUNNING, active, -1.0, c.running_per_participant),
        (COST_BASELINE, active, +1.0, c.baseline_per_participant),
        (COST_FIXED, fixed_share * (per_year_total > 0), -1.0, c.running_per_year),
    ]
    frames = []
    for service, weight, sign, rate in lines:
        r = np.array([getattr(rate, a) for a in ACTORS]) * f * sign
        if not r.any():
            continue
        amount = weight[:, :, None] * r[None, None, :]  # (Y, C, A)
        Y, C, A = amount.shape
        frames.append(
            _frame(
                np.repeat(years, C * A), np.tile(np.repeat(starts, A), Y), np.tile(actors, Y * C),
                c.welfare_area, service, "", "cost", amount.ravel(),
            )
        )
    startup = np.array([getattr(c.startup, a) for a in ACTORS]) * f
    if startup.any():
        share = n / n.sum()  # the one-off cost is shared by all participants
        amount = -share[:, None] * startup[None, :]
        C, A = amount.shape
        frames.append(
            _frame(
                scenario.settings.first_year, np.repeat(starts, A), np.tile(actors, C),
                c.welfare_area, COST_STARTUP, "", "cost", amount.ravel(),
            )
        )
    if not frames:
        return _frame([], [], [], [], [], [], [], [])
    return pd.concat(frames, ignore_index=True)


def calculate(scenario: Scenario, kb: KnowledgeBase) -> Result:
    """Compute the budget result of `scenario` on `kb`: a Result built on one tidy table (kroner)."""
    check_scenario(scenario, kb)
    starts_all = np.array(scenario.cohort_years)
    n_all = np.array(scenario.participants, dtype=float)
    keep = n_all > 0
    starts, n = starts_all[keep], n_all[keep]
    table = pd.concat(
        [_costs(scenario, kb, starts, n), _consequences(scenario, kb, starts, n)], ignore_index=True
    )
    table = table[table["amount"] != 0].astype(
        {"year": int, "cohort": int, "amount": float}
    ).reset_index(drop=True)
    s = scenario.settings
    table["discounted"] = table["amount"] / (1.0 + s.discount_rate) ** (table["year"] - s.first_year)
    return Result(table=table[TABLE_COLUMNS], scenario=scenario)
