"""What every lesson shares: the course's knowledge bases, the lesson scenarios (read from
notebooks/kursus/data/lektioner/scenarier.yaml), the kernel's result for them and the few views of it the
exercises read. No formula lives here: every number comes from `calculate()` or the knowledge base.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pandas as pd
import yaml

from .. import variants
from ..describe import describe_inputs, inputs_markdown, select
from ..engine import calculate
from ..kb import KnowledgeBase, load_knowledge
from ..scenario import Scenario, build_scenario
from ..uncertainty import switching_success_rate as _switching_success_rate
from ..views import TOTAL, Result

COURSE_DIR = Path(__file__).resolve().parents[2] / "notebooks" / "kursus"
COURSE_KNOWLEDGE_DIR = COURSE_DIR / "data"
LESSON_DATA_DIR = COURSE_KNOWLEDGE_DIR / "lektioner"


@cache
def lesson_data(name: str) -> dict:
    """One of the course's data files (notebooks/kursus/data/lektioner/<name>.yaml) as a dict."""
    with (LESSON_DATA_DIR / f"{name}.yaml").open(encoding="utf-8") as f:
        return yaml.safe_load(f)


@cache
def course_knowledge() -> KnowledgeBase:
    """The course's small knowledge base (notebooks/kursus/data): round, made-up numbers."""
    return load_knowledge(COURSE_KNOWLEDGE_DIR)


@cache
def shipped_knowledge() -> KnowledgeBase:
    """The shipped knowledge base (knowledge/, or $SOM_KNOWLEDGE) for the realistic cases."""
    return load_knowledge()


def scenario_names() -> list[str]:
    return list(lesson_data("scenarier")["scenarios"])


def scenario(name: str, **changes) -> Scenario:
    """A lesson's scenario ('lektion1' … 'lektion11', 'ips'), optionally with fields changed, e.g.
    `scenario("lektion6", outcomes=[{"outcome": "kursus_job", "success_rate": 0.15}])`."""
    return variants.with_changes(build_scenario(lesson_data("scenarier")["scenarios"][name]), **changes)


def knowledge_for(name: str) -> KnowledgeBase:
    """The knowledge base a lesson's scenario is calculated on."""
    return shipped_knowledge() if name in lesson_data("scenarier")["shipped"] else course_knowledge()


def result(name: str, **changes) -> Result:
    """The kernel's result for a lesson's scenario (see `scenario`). Cached: the exercises ask for the same
    few results many times; treat it as read-only."""
    return _result(name, json.dumps(changes, sort_keys=True))


@cache
def _result(name: str, changes: str) -> Result:
    return calculate(scenario(name, **json.loads(changes)), knowledge_for(name))


def with_success_rate(name: str, rate: float) -> Result:
    """The lesson's result with every outcome's success rate set to `rate` (share 0–1)."""
    return calculate(variants.with_success_rates(scenario(name), rate), knowledge_for(name))


def value_per_success(name: str) -> pd.DataFrame:
    """Kroner per success in consequence year 1, per service (rows) and actor (columns kommune, region,
    stat, total): the consequence rows of the kernel's result for one participant with success rate 100 %."""
    s = scenario(name)
    one = {
        "participants": [1],
        "duration_years": 1,
        "outcomes": [{"outcome": o.outcome, "success_rate": 1.0} for o in s.outcomes],
        "settings": {**s.settings.model_dump(), "horizon_years": 1, "discount_rate": 0.0},
    }
    gains = result(name, **one).by_service().xs("consequence", level="kind").droplevel("welfare_area")
    return gains.sort_index().rename_axis(columns="actor")


def break_even_by_success_rate(name: str, rates: list[float], actor: str = TOTAL) -> pd.DataFrame:
    """Break-even year (None: not within the horizon) and net result over the whole period, for each
    success rate (share 0–1), recomputed with the kernel."""
    rows = []
    for rate in rates:
        r = with_success_rate(name, rate)
        rows.append(
            {"success_rate": rate, "break_even_year": r.break_even_year(actor), "net_result": r.totals()[actor]}
        )
    return pd.DataFrame(rows)


def switching_value(name: str, kind: str = "success_rate", actor: str = TOTAL) -> float | None:
    """som_kernel.uncertainty's switching value for a lesson's scenario: the success rate (share 0–1, kind
    'success_rate') or the cost multiplier (kind 'cost_multiplier') at which the net result over the whole
    period is exactly 0; None if none in range."""
    from ..uncertainty import switching_values

    t = switching_values(scenario(name), knowledge_for(name))
    row = t[(t["actor"] == actor) & (t["kind"] == kind)].iloc[0]
    return None if row["value"] is None or pd.isna(row["value"]) else float(row["value"])


def switching_success_rate(name: str, actor: str = TOTAL) -> float | None:
    """The success rate (share 0–1) at which the net result over the whole period is exactly 0; None if no
    rate in 0–100 % gets there (som_kernel.uncertainty.switching_success_rate)."""
    return _switching_success_rate(scenario(name), knowledge_for(name), actor)


# ---- small readings of a result, shared by the lessons' reference answers ---------------------------------


def year_value(r: Result, year: int, actor: str = TOTAL, kind: str | None = None) -> float:
    """The net result (or one kind: 'cost', 'consequence') in one year for one actor."""
    return float(r.by_year_actor(kind=kind).loc[year, actor])


def total(r: Result, kind: str | None = None, actor: str = TOTAL) -> float:
    """The whole period's net result (or one kind) for one actor."""
    return float(r.totals()[actor] if kind is None else r.totals_by_kind().at[kind, actor])


def cost_lines(r: Result, lines: set[str], year: int | None = None, actor: str | None = None) -> float:
    """Costs as a positive amount: the cost rows of the given lines (engine service names)."""
    by = r.by_year_service(kind="cost", actor=actor)
    by = by[[c for c in by.columns if c in lines]]
    return -float((by if year is None else by.loc[[year]]).to_numpy().sum())


def successes(name: str) -> float:
    """The lesson's successes (participants × success rate, every outcome): Result.success_count."""
    return float(result(name).success_count().sum())


def first_consequence_year(r: Result, cohort: int) -> int:
    return int(r.active_years("consequence", cohort=cohort)[0])


def study(study_id: str, kb: KnowledgeBase | None = None) -> pd.Series:
    """One effect study's row (shipped knowledge base unless `kb` is given)."""
    es = (kb or shipped_knowledge()).effect_studies
    return es.set_index("id").loc[study_id]


# ---- Danish text ----------------------------------------------------------------------------------------


def describe(s: Scenario, kb: KnowledgeBase) -> str:
    """The scenario in a few Danish Markdown lines (for the top of a lesson), from som_kernel.describe; the
    effect's persistence only where the lesson sets one."""
    drop = ("description", "consequences")
    if not any(o.persistence for o in s.outcomes):
        drop += ("outcomes[[]*[]].persistence",)
    return inputs_markdown(select(describe_inputs(s, kb), drop))
