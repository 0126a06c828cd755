"""som_kernel: the calculation package of the open SØM workbench (Den Socialøkonomiske Investeringsmodel).

from som_kernel import load_knowledge, build_scenario, calculate
kb = load_knowledge()                      # the shipped knowledge base in knowledge/
result = calculate(build_scenario({...}), kb)
result.by_year_actor()                     # net result per year × kommune/region/stat/total
"""

from . import _fast_start  # noqa: F401 – first: keeps a slow optional import out of every kernel
from .checks import check_scenario

# `compare` the function shadows the submodule as an attribute; `from som_kernel.compare import …` still works
from .compare import Comparison, compare
from .engine import calculate, consequence_rows, unit_prices
from .errors import KnowledgeError, Problem, ScenarioError, SomError
from .kb import ACTORS, WELFARE_AREAS, KnowledgeBase, load_knowledge
from .scenario import (
    Scenario,
    build_scenario,
    load_scenario,
    save_scenario,
    scenario_from_json,
    scenario_to_json,
)
from .views import Result

__all__ = [
    "ACTORS",
    "Comparison",
    "WELFARE_AREAS",
    "KnowledgeBase",
    "KnowledgeError",
    "Problem",
    "Result",
    "Scenario",
    "ScenarioError",
    "SomError",
    "build_scenario",
    "calculate",
    "check_scenario",
    "compare",
    "consequence_rows",
    "load_knowledge",
    "load_scenario",
    "save_scenario",
    "scenario_from_json",
    "scenario_to_json",
    "unit_prices",
]
