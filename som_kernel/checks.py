"""Checks of a scenario against a knowledge base: every id known, every price year in the index, and a price
for every service with a consequence. One ScenarioError lists every problem, each naming its field."""

from __future__ import annotations

from .errors import Problem, ScenarioError
from .kb import KnowledgeBase
from .kb.checks import price_limit
from .kb.rules import first_year
from .messages import danish_number
from .names import ACTOR_NAMES_DA
from .scenario import Scenario
from .steps.consequences import consequence_arrays, local_estimates
from .steps.costs import cost_price_year, price_resources

# units.csv's row that bounds an own unit price of a resource line, per resource unit
RESOURCE_PRICE_UNITS = {"hours": "time", "fte": "årsværk"}
RESOURCE_PRICE_NAMES = {"hours": "Timelønnen", "fte": "Årslønnen"}
RESOURCE_OTHER_UNIT = {"hours": "årsværk", "fte": "time"}


def resource_problems(scenario: Scenario, kb: KnowledgeBase) -> list[Problem]:
    """Problems of the resource table against `kb`: a profession it does not have, an own wage implausible for
    its unit (units.csv: 'time' for hours, 'årsværk' for årsværk): above the unit's limit as the knowledge loader
    judges a price (knowledge.checks.price_limit), or under its lowest plausible price."""
    problems: list[Problem] = []
    if not scenario.costs.resources:
        return problems
    try:
        if cost_price_year(scenario) in kb.index_years():  # else check_ids names the price year
            price_resources(scenario, kb)
    except ScenarioError as e:
        problems += e.problems
    limits = kb._cached("units_by_unit", lambda: kb.units.set_index("unit"))
    for i, r in enumerate(scenario.costs.resources):
        unit = RESOURCE_PRICE_UNITS.get(r.unit)
        if not r.unit_price or unit not in limits.index:  # none, or free (volunteers): nothing to judge
            continue
        where = f"costs.resources[{i}].unit_price"
        verdict = price_limit(r.unit_price, unit, limits.loc[unit])
        if verdict is not None and verdict[0]:
            problems.append(Problem(where, verdict[1]))
        elif r.unit_price < limits.at[unit, "price_low"]:
            low, why = limits.at[unit, "price_low"], limits.at[unit, "why"]
            problems.append(
                Problem(
                    where,
                    f"{RESOURCE_PRICE_NAMES[r.unit]} {danish_number(r.unit_price)} kr. pr. {unit} er under grænsen "
                    f"{danish_number(low)} kr. i units.csv ({why.rstrip('.')}). Er det en løn pr. "
                    f"{RESOURCE_OTHER_UNIT[r.unit]}? Så ret enheden.",
                )
            )
    return problems


def local_price_name(kb: KnowledgeBase, service: str, actor: str) -> str:
    """How a message names one cell of the prices: 'Kontanthjælp, kommune' (the service's id if it is unknown)."""
    name = kb.service_info("name", [service])[0]
    return f"{name if name is not None else service}, {ACTOR_NAMES_DA[actor].lower()}"


def local_price_verdict(kb: KnowledgeBase, service: str, price: float) -> tuple[bool, str] | None:
    """The knowledge loader's verdict (knowledge.checks.price_limit) on a local price of `service` for its unit
    (units.csv): (True, message) above the unit's limit (refused), (False, message) when unusually high (a
    warning), None when plausible or its unit has no limits. For a price typed in step 5 and one in a file."""
    return _unit_verdict(kb, kb.service_info("unit", [service])[0], price)


def _unit_verdict(kb: KnowledgeBase, unit: str, price: float) -> tuple[bool, str] | None:
    """local_price_verdict for a price per `unit`; the units' limits are kept with the knowledge base as plain
    rows, as every calculation checks its local prices."""
    limits = kb._cached("unit_limits", lambda: {r["unit"]: r for r in kb.units.to_dict("records")})
    if unit not in limits:
        return None
    return price_limit(price, unit, limits[unit], source="vidensdatabasen")


def local_price_verdicts(scenario: Scenario, kb: KnowledgeBase) -> list[tuple[int, bool, str]]:
    """(position in price_overrides, refused, Danish message naming the service and actor) for each local price
    the knowledge loader would refuse or warn about (local_price_verdict)."""
    out = []
    services = kb.service_ids()
    overrides = scenario.price_overrides
    units = kb.service_info("unit", [p.service for p in overrides]) if overrides else []
    for i, (p, unit) in enumerate(zip(overrides, units, strict=True)):
        if p.service not in services:
            continue  # check_ids names it as unknown
        verdict = _unit_verdict(kb, unit, p.price)
        if verdict is not None:
            out.append((i, verdict[0], f"{local_price_name(kb, p.service, p.actor)}: {verdict[1]}"))
    return out


def check_ids(scenario: Scenario, kb: KnowledgeBase) -> None:
    """Check every id and price year in `scenario` against `kb`, and its local prices against their units' limits;
    raise one ScenarioError listing all problems."""
    problems: list[Problem] = []
    services = kb.service_ids()
    if scenario.target_group is not None:
        if scenario.target_group not in kb._cached("target_group_ids", lambda: set(kb.target_groups["id"].tolist())):
            problems.append(Problem("target_group", f"Ukendt målgruppe '{scenario.target_group}' i vidensdatabasen."))
            raise ScenarioError(problems)
        group = scenario.target_group
        valid_outcomes = kb._cached(("outcome_ids", group), lambda: frozenset(kb.outcomes_for(group)["id"].tolist()))
    else:
        valid_outcomes = set(scenario.custom_target_group.outcomes)
    for i, o in enumerate(scenario.outcomes):
        if o.outcome not in valid_outcomes:
            problems.append(
                Problem(f"outcomes[{i}].outcome", f"Effektmålet '{o.outcome}' findes ikke for den valgte målgruppe.")
            )
    studies = kb._cached("study_ids", lambda: frozenset(kb.effect_studies["id"].tolist()))
    for i, o in enumerate(scenario.outcomes):
        if o.study is not None and o.study not in studies:
            problems.append(Problem(f"outcomes[{i}].study", f"Ukendt effektstudie '{o.study}' i vidensdatabasen."))
    chosen = {o.outcome for o in scenario.outcomes}
    local = local_estimates(scenario.consequence_overrides)  # the ids they name, read once per list
    known = set(local.service_codes[1]) <= services and set(local.outcome_codes[1]) <= chosen
    named = [] if known else scenario.consequence_overrides
    for i, c in enumerate(named):  # only a list with an unknown id is read line by line, to name the lines
        if c.service not in services:
            problems.append(Problem(f"consequence_overrides[{i}].service", f"Ukendt ydelse '{c.service}'."))
        if c.outcome not in chosen:
            problems.append(
                Problem(
                    f"consequence_overrides[{i}].outcome", f"Effektmålet '{c.outcome}' er ikke valgt i beregningen."
                )
            )
    for i, p in enumerate(scenario.price_overrides):
        if p.service not in services:
            problems.append(Problem(f"price_overrides[{i}].service", f"Ukendt ydelse '{p.service}'."))
    # a local price above its unit's limit (units.csv), refused as the knowledge loader refuses it in a local
    # layer and step 5 refuses it typed: the Python API, batch runs and a file opened in the app alike
    problems += [Problem(f"price_overrides[{i}].price", m) for i, no, m in local_price_verdicts(scenario, kb) if no]
    for i, s in enumerate(scenario.excluded_services):
        if s not in services:
            problems.append(Problem(f"excluded_services[{i}]", f"Ukendt ydelse '{s}'."))
    if kb.committees is not None:
        known = kb.committees.names
        for line, committee in scenario.costs.committees.items():
            if committee not in known:
                problems.append(
                    Problem(
                        f"costs.committees.{line}",
                        f"Ukendt udvalg '{committee}'. Kendte: {', '.join(known)}.",
                    )
                )
    problems += resource_problems(scenario, kb)
    index_years = kb.index_years()
    for where, year in (
        ("settings.price_year", scenario.settings.price_year),
        ("costs.price_year", scenario.costs.price_year),
        *((f"price_overrides[{i}].price_year", p.price_year) for i, p in enumerate(scenario.price_overrides)),
    ):
        if year is not None and year not in index_years:
            problems.append(
                Problem(
                    where,
                    f"Prisniveauet {year} findes ikke i nettoprisindekset ({min(index_years)}–{max(index_years)}).",
                )
            )
    problems += check_first_year(scenario, kb)
    if problems:
        raise ScenarioError(problems)


def check_first_year(scenario: Scenario, kb: KnowledgeBase) -> list[Problem]:
    """A problem at settings.first_year when the knowledge base's rules do not reach back to it (rules.first_year)."""
    if kb.rules is None:
        return []
    year, families = first_year(kb.rules)
    got = scenario.settings.first_year
    if got >= year:
        return []
    return [
        Problem(
            "settings.first_year",
            f"Første år skal være {year} eller senere: vidensdatabasens regler ({'; '.join(families)}) har ingen "
            f"værdier før {year} (fik {got}).",
        )
    ]


def check_prices(used_services: set[str], scenario: Scenario, kb: KnowledgeBase) -> None:
    """Every service with a consequence needs a price (knowledge base or local); ScenarioError if not."""
    priced = kb.priced_services() | {p.service for p in scenario.price_overrides}
    problems = [
        Problem("price_overrides", f"Ydelsen '{s}' har en konsekvens, men ingen pris. Angiv en pris.")
        for s in sorted(used_services - priced)
    ]
    if problems:
        raise ScenarioError(problems)


def check_scenario(scenario: Scenario, kb: KnowledgeBase) -> None:
    """All checks `calculate` makes before computing: ids, price years (and a first year the rules reach), and
    a price for every consequence."""
    check_ids(scenario, kb)
    check_prices(set(consequence_arrays(scenario, kb).services), scenario, kb)
