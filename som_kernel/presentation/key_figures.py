"""The example notebooks' key figures (what the runner collects from an executed notebook) and the shares the
notebooks compare with published figures: consequences per success, per welfare area or service."""

from __future__ import annotations

import math

from .. import variants
from ..engine import calculate
from ..format import kr, number, pct
from ..knowledge import KnowledgeBase
from ..names import ACTORS, TOTAL
from ..scenario import Scenario
from ..views import Result

# mimetype under which a notebook publishes its key figures; the runner reads it from the executed notebook
KEY_FIGURES_MIME = "application/vnd.som.key-figures+json"

# key figure id → (Danish label, unit for display); the order is the column order of the runner's tables
KEY_FIGURES: dict[str, tuple[str, str]] = {
    "participants": ("Deltagere i alt", "n"),
    "operating_years": ("År med omkostninger (driftsår)", "n"),
    "successes": ("Succeser (deltagere × succesrate)", "1"),
    "cost_total": ("Omkostninger i alt, netto", "kr"),
    "net_cost_per_participant": ("Nettoomkostning pr. deltager", "kr"),
    "consequences_total": ("Konsekvenser (besparelser og skat) i alt", "kr"),
    "consequences_kommune": ("Konsekvenser, kommune", "kr"),
    "consequences_region": ("Konsekvenser, region", "kr"),
    "consequences_stat": ("Konsekvenser, stat", "kr"),
    "consequences_per_success": ("Konsekvenser pr. succes", "kr"),
    "state_share_of_consequences": ("Statens andel af konsekvenserne", "pct"),
    "net_total": ("Nettoresultat i alt", "kr"),
    "net_kommune": ("Nettoresultat, kommune", "kr"),
    "net_region": ("Nettoresultat, region", "kr"),
    "net_stat": ("Nettoresultat, stat", "kr"),
    "npv_total": ("Nutidsværdi i alt (diskonteret)", "kr"),
    "net_per_participant": ("Nettoresultat pr. deltager", "kr"),
    "break_even_year": ("Break-even-år (samlet)", "year"),
}


def figure_text(x: float | None, unit: str = "kr") -> str:
    """A key figure in Danish by its unit: kr (kroner), pct, 1 (one decimal) or n (whole number); – when undefined."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return kr(x) if unit == "kr" else pct(x) if unit == "pct" else number(x, 1 if unit == "1" else 0)


def key_figures(result: Result) -> dict:
    """The example's key figures as plain numbers (kroner unrounded; None where undefined)."""
    s = result.scenario
    kind = result.totals_by_kind()
    totals = result.totals()
    n = s.total_participants
    successes = sum(o.success_rate for o in s.outcomes[:1]) * n
    cons_total = float(kind.at["consequence", TOTAL])
    cost_total = -float(kind.at["cost", TOTAL])
    return {
        "participants": n,
        "operating_years": int(result.table.loc[result.table["kind"] == "cost", "year"].nunique()),
        "successes": successes,
        "cost_total": cost_total,
        "net_cost_per_participant": cost_total / n,
        "consequences_total": cons_total,
        **{f"consequences_{a}": float(kind.at["consequence", a]) for a in ACTORS},
        "consequences_per_success": cons_total / successes if successes else None,
        "state_share_of_consequences": float(kind.at["consequence", "stat"]) / cons_total if cons_total else None,
        "net_total": float(totals[TOTAL]),
        **{f"net_{a}": float(totals[a]) for a in ACTORS},
        "npv_total": float(result.npv()[TOTAL]),
        "net_per_participant": float(totals[TOTAL]) / n,
        "break_even_year": result.break_even_year(),
    }


def per_success(result: Result, years: int | None = None, actor: str = TOTAL) -> float:
    """Consequences per successful person (kroner) over the first `years` consequence years (default: all), for
    one actor or in total. Successes are participants × the first outcome's success rate."""
    s = result.scenario
    t = result.table[result.table["kind"] == "consequence"]
    if actor != TOTAL:
        t = t[t["actor"] == actor]
    if years is not None:
        t = t[t["consequence_year"] <= years]
    successes = s.outcomes[0].success_rate * s.total_participants
    return float(t["amount"].sum()) / successes if successes else float("nan")


def consequence_share(result: Result, welfare_area: str | None = None, service: str | None = None) -> float:
    """Share (0–1) of all consequences (gains, all actors) that falls in one welfare area or one service."""
    t = result.table[result.table["kind"] == "consequence"]
    part = t
    if welfare_area is not None:
        part = part[part["welfare_area"] == welfare_area]
    if service is not None:
        part = part[part["service"] == service]
    total = float(t["amount"].sum())
    return float(part["amount"].sum()) / total if total else float("nan")


def at_price_year(scenario: Scenario, kb: KnowledgeBase, price_year: int) -> Result:
    """The same calculation at another price level (e.g. a publication's), costs kept at their own price year."""
    return calculate(variants.with_price_year(scenario, price_year), kb)
