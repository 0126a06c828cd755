"""Uncertainty around a SØM calculation: one-way sensitivity (tornado), switching values, pessimistic /
base / optimistic scenarios and Monte Carlo per actor, vectorised over draws.

    from som_kernel.uncertainty import one_way, switching_values, monte_carlo
    table = one_way(scenario, kb)                  # net result at the horizon at each input's low/high
    switching_values(scenario, kb)                 # success rate / cost level where net = 0, per actor
    mc = monte_carlo(scenario, kb, 10_000, seed=1) # draws × years × actors
    mc.prob_positive()                             # P(cumulative net > 0) per year and actor

Every function takes an UncertaintySpec (ranges and spreads; see spec.py for the evidence-grade factors)
and is pure: a scenario, a knowledge base, a spec and a seed fully determine the result.
"""

from ..views import break_even
from .model import COLUMNS, Inputs, LinearModel, base_net, build_model, evaluate
from .monte_carlo import MonteCarloResult, draw_inputs, monte_carlo
from .sensitivity import input_ranges, one_way, scenario_sets
from .spec import EVIDENCE_WIDENING, UncertaintySpec, consequence_uncertainty, effect_uncertainty
from .switching import break_even_by_success, switching_success_rate, switching_values

_CHARTS = ("break_even_chart", "fan_chart", "tornado_chart")


def __getattr__(name: str):
    """The chart functions load altair only when asked for (a batch run without charts never imports it)."""
    if name in _CHARTS:
        from . import charts

        return getattr(charts, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "COLUMNS",
    "EVIDENCE_WIDENING",
    "Inputs",
    "LinearModel",
    "MonteCarloResult",
    "UncertaintySpec",
    "base_net",
    "break_even_by_success",
    "break_even_chart",
    "break_even",
    "build_model",
    "consequence_uncertainty",
    "draw_inputs",
    "effect_uncertainty",
    "evaluate",
    "fan_chart",
    "input_ranges",
    "monte_carlo",
    "one_way",
    "scenario_sets",
    "switching_success_rate",
    "switching_values",
    "tornado_chart",
]
