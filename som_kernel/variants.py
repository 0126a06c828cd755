"""What-if copies of a scenario: the same calculation with success rates, the cost level or settings changed.

Every sensitivity, switching value, report and course exercise that asks "what if …" builds its variant here,
so a variant means the same thing everywhere. Each function returns a new, validated Scenario and leaves the
original as it was.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .names import COST_FIELD_NAMES_DA
from .scenario import Scenario, build_scenario


def _data(scenario: Scenario) -> dict:
    return scenario.model_dump(mode="json")


def with_success_rates(scenario: Scenario, rates: Mapping[str, float] | float) -> Scenario:
    """The success rates in `rates` (outcome id → share 0–1) replaced; a single number sets every outcome."""
    data = _data(scenario)
    for o in data["outcomes"]:
        if isinstance(rates, Mapping):
            if o["outcome"] in rates:
                o["success_rate"] = float(rates[o["outcome"]])
        else:
            o["success_rate"] = float(rates)
    return build_scenario(data)


def with_success_scale(scenario: Scenario, factor: float) -> Scenario:
    """Every success rate × `factor`, capped at 100 %."""
    data = _data(scenario)
    for o in data["outcomes"]:
        o["success_rate"] = min(1.0, o["success_rate"] * factor)
    return build_scenario(data)


def with_cost_level(scenario: Scenario, factor: float) -> Scenario:
    """Every cost amount (start-up, running, fixed, baseline) × `factor`: the typed amounts and the quantities of
    the resource table."""
    data = _data(scenario)
    for line in COST_FIELD_NAMES_DA:
        data["costs"][line] = {a: v * factor for a, v in data["costs"][line].items()}
    for r in data["costs"]["resources"]:
        r["quantity"] *= factor
    return build_scenario(data)


def with_settings(scenario: Scenario, **settings) -> Scenario:
    """Settings replaced, e.g. `with_settings(s, horizon_years=5, discount_rate=0.035)`."""
    data = _data(scenario)
    data["settings"].update(settings)
    return build_scenario(data)


def with_price_year(scenario: Scenario, price_year: int) -> Scenario:
    """The same calculation at another price level (e.g. a publication's); the costs keep their own price year."""
    data = _data(scenario)
    data["costs"]["price_year"] = data["costs"]["price_year"] or scenario.settings.price_year
    data["settings"]["price_year"] = price_year
    return build_scenario(data)


def without_services(scenario: Scenario, services: Iterable[str]) -> Scenario:
    """The given services left out of the calculation (added to the excluded services)."""
    data = _data(scenario)
    data["excluded_services"] = list(dict.fromkeys([*data["excluded_services"], *services]))
    return build_scenario(data)


def with_changes(scenario: Scenario, **changes) -> Scenario:
    """Top-level fields replaced; a dict value is merged into the field's dict (e.g. `costs={...}`)."""
    return build_scenario(_merge(_data(scenario), changes))


def _merge(base: dict, changes: dict) -> dict:
    out = dict(base)
    for k, v in changes.items():
        out[k] = _merge(base[k], v) if isinstance(v, dict) and isinstance(base.get(k), dict) else v
    return out
