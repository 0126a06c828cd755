"""The example notebooks' key figures (what the runner collects from an executed notebook) and the shares the
notebooks compare with published figures: consequences per success, per welfare area or service."""

from __future__ import annotations

import math

from .. import variants
from ..engine import calculate
from ..format import kr, number, pct
from ..kb import KnowledgeBase
from ..names import ACTORS, TOTAL
from ..scenario import Scenario
from ..views import Result

# mimetype under which a notebook publishes its key figures; the runner reads it from the executed notebook
KEY_FIGURES_MIME = "application/vnd.som.key-figures+json"

# key figure id → (Danish label, unit for display); the order is the column order of the runner's tables
KEY_FIGURES: dict[str, tuple[str, str]] = {
    "participants": ("Deltagere i alt", "n"),
    "operating_years": ("År med omkostninger (driftsår)", "n"),
    "successes": ("Succeser (deltagere × succesrate, alle effektmål)", "1"),
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
    successes = float(result.success_count().sum())
    cons_total = float(kind.at["consequence", TOTAL])
    cost_total = -float(kind.at["cost", TOTAL])
    return {
        "participants": n,
        "operating_years": len(result.active_years("cost")),
        "successes": successes,
        "cost_total": cost_total,
        "net_cost_per_participant": cost_total / n,
        "consequences_total": cons_total,
        **{f"consequences_{a}": float(kind.at["consequence", a]) for a in ACTORS},
        "consequences_per_success": result.per_success() if successes else None,
        "state_share_of_consequences": float(kind.at["consequence", "stat"]) / cons_total if cons_total else None,
        "net_total": float(totals[TOTAL]),
        **{f"net_{a}": float(totals[a]) for a in ACTORS},
        "npv_total": float(result.npv()[TOTAL]),
        "net_per_participant": float(totals[TOTAL]) / n,
        "break_even_year": result.break_even_year(),
    }


def consequence_share(result: Result, welfare_area: str | None = None, service: str | None = None) -> float:
    """Share (0–1) of all consequences (gains, all actors) that falls in one welfare area or one service."""
    gains = result.by_service().xs("consequence", level="kind")[TOTAL]
    part = gains
    if welfare_area is not None:
        part = part[part.index.get_level_values("welfare_area") == welfare_area]
    if service is not None:
        part = part[part.index.get_level_values("service") == service]
    total = float(gains.sum())
    return float(part.sum()) / total if total else float("nan")


def at_price_year(scenario: Scenario, kb: KnowledgeBase, price_year: int) -> Result:
    """The same calculation at another price level (e.g. a publication's), costs kept at their own price year."""
    return calculate(variants.with_price_year(scenario, price_year), kb)
