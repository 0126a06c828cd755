"""The scenario every example notebook builds (example_scenario), and the scenario a notebook builds read from its
cells without running it (notebook_scenario)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from ..kb import ACTORS
from ..scenario import Scenario, build_scenario


def example_scenario(
    *,
    name: str,
    target_group: str,
    outcome: str,
    success_rate: float,
    starters_per_year: int,
    start_years: int,
    duration_years: int,
    cost_per_participant_year: float,
    baseline_per_participant_year: float = 0.0,
    cost_shares: dict[str, float] | None = None,
    startup_cost: float = 0.0,
    cost_welfare_area: str = "social",
    cost_price_year: int | None = None,
    horizon_years: int = 10,
    discount_rate: float = 0.0,
    first_year: int = 2025,
    price_year: int = 2024,
    description: str = "",
    study: str | None = None,
) -> Scenario:
    """A one-outcome scenario: `starters_per_year` start in each of the first `start_years` years and stay
    `duration_years`; costs (kroner per participant per year, gross and for the baseline it replaces, plus a
    one-off start-up, at price level `cost_price_year`, default the scenario's) are split on actors by `cost_shares`
    (default: all kommune). `study` is the knowledge base's effect study the success rate comes from (the
    checklist reads it)."""
    shares = cost_shares or {"kommune": 1.0}
    unknown = set(shares) - set(ACTORS)
    if unknown:
        from ..errors import ScenarioError

        raise ScenarioError(f"Ukendt aktør i fordelingen af omkostninger: {', '.join(sorted(unknown))}.")

    def split(amount: float) -> dict[str, float]:
        return {a: amount * shares.get(a, 0.0) for a in ACTORS}

    return build_scenario(
        {
            "name": name,
            "description": description,
            "target_group": target_group,
            "participants": [int(starters_per_year)] * int(start_years),
            "duration_years": int(duration_years),
            "costs": {
                "startup": split(startup_cost),
                "running_per_participant": split(cost_per_participant_year),
                "baseline_per_participant": split(baseline_per_participant_year),
                "welfare_area": cost_welfare_area,
                "price_year": cost_price_year,
            },
            "outcomes": [{"outcome": outcome, "success_rate": success_rate, "study": study}],
            "settings": {
                "price_year": price_year,
                "first_year": first_year,
                "horizon_years": horizon_years,
                "discount_rate": discount_rate,
            },
        }
    )


def notebook_scenario(notebook: str | os.PathLike, overrides: dict | None = None):
    """The scenario an example notebook builds, without running the notebook: its parameters cell (with
    `overrides` applied, as papermill would), then its first cell that calls example_scenario, up to the
    calculation. The one place the example notebooks' scenarios are read from outside a notebook run."""
    namespace = _built(notebook, overrides)
    return namespace["scenario"]


def notebook_scenarios(notebook: str | os.PathLike, overrides: dict | None = None) -> list[Scenario]:
    """Every scenario the notebook's building cell makes (two for a comparison such as inmates_compare), in the
    order they are made, read as notebook_scenario reads one."""
    return [v for v in _built(notebook, overrides).values() if isinstance(v, Scenario)]


def _built(notebook: str | os.PathLike, overrides: dict | None) -> dict:
    """The namespace after the parameters cell and the building cell up to its first calculation."""
    cells = [c for c in json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
    params = next(c for c in cells if "parameters" in c.get("metadata", {}).get("tags", []))
    build = next(c for c in cells if "example_scenario(" in "".join(c["source"]))
    lines = "".join(build["source"]).splitlines(keepends=True)
    first = next((i for i, line in enumerate(lines) if _CALCULATION.match(line)), len(lines))
    namespace: dict = {}
    exec("".join(params["source"]), namespace)  # noqa: S102 - the project's own example notebooks
    namespace.update(overrides or {})
    exec("".join(lines[:first]), namespace)  # noqa: S102
    return namespace


# the line where a building cell starts calculating: `result = calculate(…)`, `a, b = calculate(…), …`
_CALCULATION = re.compile(r"^[\w, ]+=\s*calculate\(")
