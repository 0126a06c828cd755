"""Public-finance rules as dated parameters, and the per-actor prices they give (who gains: kommune/region/stat).

The rules live in knowledge/rules/*.yaml, one file per rule family, in the style of OpenFisca's parameter
files: every parameter has a description, a unit and `values:` keyed by the date each value took effect,
each value with its reference (title + URL) or, where no public source settles it, `illustrative: true` and
a `why`. knowledge/rule_links.csv says which services are priced by a rule: the service, its rule family,
a gross rate (bruttopris) with its own source, and whether the benefit is taxable.

The derivation (`actor_shares`) turns a gross rate into shares per actor for one calendar year:

    forsørgelsesydelse  stat = refusion(uge) · brutto,          kommune = brutto − stat
    a-dagpenge          kommune = medfinansiering(uge) · brutto, stat = brutto − kommune
    sygehus/læge        kommune = medfinansiering(år) · brutto,  region = brutto − kommune
    § 110-herberg       stat = 50 % · min(1, refusionsdage / nætter pr. år) · brutto
    § 85 a-bostøtte     stat = 50 % · brutto i de første 2 år efter udskrivning
    skat (valgfrit)     kommune −= kommuneskat · brutto, stat −= bundskat · brutto

A value that changes during a calendar year (e.g. the 90-day § 110 limit from 1 April 2026) is weighted by
the days it was in force. Weeks on public support are counted as in the law's staircase: the saved weeks of
consequence year k are weeks s+1 … s+52 with s = weeks before the intervention + 52 · (years of the
intervention − 1 + offset + k − 1), i.e. the weeks the person would have had without the intervention.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..errors import KnowledgeError, Problem
from ..messages import pydantic_problems  # a leaf module: it imports only errors.py
from .reading import read_table as _read_table
from .reading import where as _where
from .schema import ACTORS, _Sourced

RULES_DIR = "rules"
LINKS_FILE = "rule_links.csv"
TAX_FAMILY = "skat_overfoersler"
# rule family → the parameters its derivation reads
FAMILIES: dict[str, tuple[str, ...]] = {
    "refusion_forsoergelse": ("state_share", "default_weeks_on_support"),
    "medfinansiering_dagpenge": ("kommune_share",),
    "medfinansiering_sundhed": (),  # one share per kind of service, named in rule_links.csv's `parameter`
    "refusion_110": ("state_rate", "refusion_days", "nights_per_year"),
    "refusion_bostoette": ("state_rate", "refusion_years"),
    TAX_FAMILY: ("kommune_rate", "state_rate"),
}
FAMILY_NAMES_DA: dict[str, str] = {
    "refusion_forsoergelse": "Refusionstrappen for forsørgelsesydelser",
    "medfinansiering_dagpenge": "Kommunal medfinansiering af a-dagpenge",
    "medfinansiering_sundhed": "Kommunal medfinansiering af sundhedsvæsenet",
    "refusion_110": "Statsrefusion for ophold efter servicelovens § 110",
    "refusion_bostoette": "Statsrefusion for Housing First-bostøtte (§ 85 a)",
    TAX_FAMILY: "Indkomstskat af overførselsindkomst",
}
# The calendar year the rule-derived rows in prices.csv are computed for (they are shown in the knowledge
# browser and used where no calendar year is known; a calculation always uses the rules of each year).
STATIC_CALENDAR_YEAR = 2025
WEEKS_PER_YEAR = 52


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Reference(_Strict):
    title: str = Field(min_length=3)
    url: str = Field(pattern=r"^https?://\S+$")


class Bracket(_Strict):
    from_week: int = Field(ge=1)
    value: float = Field(ge=0, le=1)


class ValueEntry(_Strict):
    """One dated value: a number or a staircase by week, with its reference or `illustrative: true` + `why`."""

    value: float | None = None
    brackets: list[Bracket] | None = None
    reference: Reference | None = None
    also: Reference | None = None
    illustrative: bool = False
    why: str = ""
    note: str = ""

    @model_validator(mode="after")
    def _check(self) -> ValueEntry:
        if (self.value is None) == (self.brackets is None):
            raise ValueError("Angiv enten 'value' (et tal) eller 'brackets' (trin efter uge), ikke begge eller ingen")
        if self.value is not None and not math.isfinite(self.value):
            raise ValueError(f"'value' skal være et endeligt tal (fik {self.value})")
        if self.brackets is not None:
            weeks = [b.from_week for b in self.brackets]
            if not weeks or weeks[0] != 1 or any(b <= a for a, b in zip(weeks, weeks[1:])):
                raise ValueError("'brackets' skal starte i uge 1 og have stigende 'from_week'")
        if not self.illustrative and self.reference is None:
            raise ValueError("En værdi fra en offentlig kilde skal have 'reference' med title og url")
        if self.illustrative and len(self.why.strip()) < 10:
            raise ValueError("En illustrativ værdi (illustrative: true) skal have 'why', der siger hvorfor")
        return self


class Parameter(_Strict):
    description: str = Field(min_length=5)
    unit: str = Field(min_length=1)
    values: dict[date, ValueEntry] = Field(min_length=1)


class RuleFamily(_Strict):
    description: str = Field(min_length=10)
    parameters: dict[str, Parameter] = Field(min_length=1)


class RuleLink(_Sourced):
    """A row of rule_links.csv: service → rule family (+ parameter) and the gross rate the rule splits."""

    service: str
    rule: str
    parameter: str = ""
    gross_price: float = Field(ge=0)
    unit: str
    price_year: int = Field(ge=1990, le=2100)
    taxable: bool
    note: str = ""


@dataclass(frozen=True)
class Rules:
    """The loaded rule families (by file stem) and the services they price (rule_links.csv, indexed by service)."""

    families: dict[str, RuleFamily]
    links: pd.DataFrame
    _rows: dict = field(default_factory=dict, repr=False, compare=False)  # service → link row as a dict
    _shares: dict = field(default_factory=dict, repr=False, compare=False)  # memo of actor_shares
    _reach: list = field(default_factory=list, repr=False, compare=False)  # memo of first_year

    def linked(self, service: str) -> bool:
        return service in self.links.index

    def link(self, service: str) -> dict:
        """The rule_links.csv row of `service` as a dict (a pandas row lookup is too slow in the engine's loop)."""
        if not self._rows:
            self._rows.update({str(k): r for k, r in zip(self.links.index, self.links.to_dict("records"))})
        return self._rows[service]

    def parameter(self, family: str, name: str) -> Parameter:
        try:
            return self.families[family].parameters[name]
        except KeyError:
            raise KnowledgeError(f"Reglen '{family}' har ingen parameter '{name}'.") from None


# ---------------------------------------------------------------------------------------------------------
# Loading and validation


def _load_family(path: Path, problems: list[Problem]) -> RuleFamily | None:
    where = f"{RULES_DIR}/{path.name}"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        problems.append(Problem(where, "Filen er ikke gemt som UTF-8."))
        return None
    except yaml.YAMLError as e:
        problems.append(Problem(where, f"Filen er ikke gyldig YAML: {e}"))
        return None
    if isinstance(data, dict) and isinstance(data.get("parameters"), dict):
        for param in data["parameters"].values():  # dates as ISO text, so messages name "2023-10-01"
            if isinstance(param, dict) and isinstance(param.get("values"), dict):
                param["values"] = {str(k): v for k, v in param["values"].items()}
    try:
        family = RuleFamily.model_validate(data)
    except ValidationError as e:
        problems.extend(pydantic_problems(e, prefix=f"{where}:felt "))
        return None
    for name in FAMILIES.get(path.stem, ()):
        if name not in family.parameters:
            problems.append(Problem(f"{where}:felt parameters", f"Parameteren '{name}' mangler."))
    return family


def load_rules(folder: Path, tables: dict[str, pd.DataFrame], problems: list[Problem]) -> Rules | None:
    """Load knowledge/rules/*.yaml and rule_links.csv (both or neither); problems are appended, not raised.
    `tables` are the loader's validated tables, indexed by file line number."""
    rules_dir, links_path = folder / RULES_DIR, folder / LINKS_FILE
    if not rules_dir.exists() and not links_path.exists():
        return None
    if not rules_dir.is_dir():
        problems.append(Problem(RULES_DIR, f"Mappen med regler mangler (den skal findes, når {LINKS_FILE} findes)."))
        return None
    families = {}
    for path in sorted(rules_dir.glob("*.yaml")):
        if path.stem not in FAMILIES:
            problems.append(
                Problem(f"{RULES_DIR}/{path.name}", f"Ukendt regelfamilie. Kendte: {', '.join(sorted(FAMILIES))}.")
            )
            continue
        family = _load_family(path, problems)
        if family is not None:
            families[path.stem] = family
    present = {p.stem for p in rules_dir.glob("*.yaml")}  # a file that failed has its own message already
    links = _read_table(links_path, RuleLink, problems)
    _check_links(links, families, present, tables, problems)
    return Rules(families=families, links=links.set_index("service", drop=False))


def _check_links(
    links: pd.DataFrame, families: dict, present: set[str], tables: dict[str, pd.DataFrame], problems: list[Problem]
) -> None:
    svc = tables["services.csv"]
    units = dict(zip(svc["id"], svc["unit"], strict=True))
    flows = dict(zip(svc["id"], svc["flow"], strict=True))
    years = set(int(y) for y in tables["net_price_index.csv"]["year"])
    seen: set[str] = set()
    for i, r in links.iterrows():
        service, rule = r["service"], r["rule"]
        if service in seen:
            problems.append(Problem(_where(LINKS_FILE, i, "service"), f"Dublet: ydelsen '{service}' findes allerede."))
        seen.add(service)
        if service not in units:
            problems.append(Problem(_where(LINKS_FILE, i, "service"), f"Ukendt ydelse '{service}'."))
        else:
            want = f"kr. pr. {units[service]}"
            if r["unit"] != want:
                problems.append(
                    Problem(
                        _where(LINKS_FILE, i, "unit"), f"Enheden skal være '{want}' som ydelsen, ikke '{r['unit']}'."
                    )
                )
            if flows[service] != "expenditure":
                problems.append(
                    Problem(
                        _where(LINKS_FILE, i, "service"),
                        "Kun udgiftsydelser (flow=expenditure) kan fordeles af en regel.",
                    )
                )
        if rule not in FAMILIES or rule == TAX_FAMILY:
            known = ", ".join(sorted(f for f in FAMILIES if f != TAX_FAMILY))
            problems.append(Problem(_where(LINKS_FILE, i, "rule"), f"Ukendt regel '{rule}'. Kendte: {known}."))
        elif rule not in families:
            if rule not in present:
                problems.append(
                    Problem(_where(LINKS_FILE, i, "rule"), f"Reglen findes ikke som {RULES_DIR}/{rule}.yaml.")
                )
        elif rule == "medfinansiering_sundhed" and r["parameter"] not in families[rule].parameters:
            names = ", ".join(families[rule].parameters)
            problems.append(
                Problem(
                    _where(LINKS_FILE, i, "parameter"),
                    f"Skal være en af reglens parametre: {names} (fik '{r['parameter']}').",
                )
            )
        if r["taxable"] and TAX_FAMILY not in present:
            problems.append(
                Problem(_where(LINKS_FILE, i, "taxable"), f"Skattereglen {RULES_DIR}/{TAX_FAMILY}.yaml mangler.")
            )
        if int(r["price_year"]) not in years:
            problems.append(
                Problem(
                    _where(LINKS_FILE, i, "price_year"), f"Prisåret {r['price_year']} findes ikke i nettoprisindekset."
                )
            )


# ---------------------------------------------------------------------------------------------------------
# Dated values


def _as_date(when: date | int) -> date:
    return date(when, 1, 1) if isinstance(when, int) else when


def entry_at(parameter: Parameter, when: date | int) -> ValueEntry:
    """The value entry in force on `when` (a date, or 1 January of a year): the latest one dated on or before it."""
    when = _as_date(when)
    dates = sorted(parameter.values)
    if when < dates[0]:
        raise KnowledgeError(f"Reglen '{parameter.description}' har ingen værdi før {dates[0].isoformat()}.")
    return parameter.values[max(d for d in dates if d <= when)]


def value_at(parameter: Parameter, when: date | int) -> float | list[Bracket]:
    """The parameter's value on `when`: a number, or the staircase (brackets) for parameters by week."""
    e = entry_at(parameter, when)
    return e.value if e.value is not None else e.brackets


def bracket_value(brackets: list[Bracket], week: int) -> float:
    """The staircase's value for week `week` (1 = the first week on public support)."""
    return [b.value for b in brackets if b.from_week <= max(int(week), 1)][-1]


def average_bracket(brackets: list[Bracket], weeks_before: float, n: int = WEEKS_PER_YEAR) -> float:
    """Mean of the staircase over weeks weeks_before + 1 … weeks_before + n."""
    start, end = weeks_before + 1, weeks_before + n  # inclusive week numbers
    total = 0.0
    for j, b in enumerate(brackets):
        lo = b.from_week
        hi = brackets[j + 1].from_week - 1 if j + 1 < len(brackets) else math.inf
        overlap = min(hi, end) - max(lo, start) + 1
        if overlap > 0:
            total += overlap * b.value
    return total / n


def _segments(rules: Rules, families: list[str], year: int) -> list[tuple[date, float]]:
    """The calendar year cut where any value of `families` changes: (start date, share of the year's days)."""
    first, last = date(year, 1, 1), date(year + 1, 1, 1)
    cuts = {first}
    for f in families:
        for p in rules.families[f].parameters.values():
            cuts.update(d for d in p.values if first < d < last)
    ordered = sorted(cuts) + [last]
    days = (last - first).days
    return [(a, (b - a).days / days) for a, b in zip(ordered, ordered[1:])]


# ---------------------------------------------------------------------------------------------------------
# One concept each


def state_refusion_share(rules: Rules, when: date | int, week: int) -> float:
    """Statens refusionsandel af en forsørgelsesydelse i uge `week` på offentlig forsørgelse (refusionstrappen)."""
    return bracket_value(value_at(rules.parameter("refusion_forsoergelse", "state_share"), when), week)


def kommune_dagpenge_share(rules: Rules, when: date | int, week: int) -> float:
    """Kommunens medfinansieringsandel af a-dagpenge i uge `week` på offentlig forsørgelse."""
    return bracket_value(value_at(rules.parameter("medfinansiering_dagpenge", "kommune_share"), when), week)


def default_weeks_on_support(rules: Rules, when: date | int) -> int:
    """The knowledge base's default for the setting »uger på offentlig forsørgelse før indsatsen«."""
    return int(value_at(rules.parameter("refusion_forsoergelse", "default_weeks_on_support"), when))


def tax_rates(rules: Rules, when: date | int) -> dict[str, float]:
    """Marginal income-tax rates on a transfer by receiving actor: kommune (kommuneskat), stat (bundskat)."""
    return {
        "kommune": float(value_at(rules.parameter(TAX_FAMILY, "kommune_rate"), when)),
        "region": 0.0,
        "stat": float(value_at(rules.parameter(TAX_FAMILY, "state_rate"), when)),
    }


def tax_on_transfer(rules: Rules, when: date | int, amount: float) -> dict[str, float]:
    """Skatten af `amount` kroner overførselsindkomst, fordelt på kommune og stat."""
    return {actor: amount * rate for actor, rate in tax_rates(rules, when).items()}


def health_kommune_share(rules: Rules, year: int, parameter: str) -> float:
    """Kommunens andel af en sundhedsydelse i kalenderåret `year` (kommunal medfinansiering; 0 fra 2027)."""
    p = rules.parameter("medfinansiering_sundhed", parameter)
    return sum(w * float(value_at(p, d)) for d, w in _segments(rules, ["medfinansiering_sundhed"], year))


def shelter_state_share(rules: Rules, when: date | int) -> float:
    """Statens andel af et gennemsnitligt sparet § 110-døgn: refusionssats · andel af nætterne inden for
    refusionsperioden (120 dage fra oktober 2023, 90 fra april 2026)."""
    rate = float(value_at(rules.parameter("refusion_110", "state_rate"), when))
    days = float(value_at(rules.parameter("refusion_110", "refusion_days"), when))
    nights = float(value_at(rules.parameter("refusion_110", "nights_per_year"), when))
    return rate * min(1.0, days / nights) if nights > 0 else 0.0


def housing_first_state_share(rules: Rules, when: date | int, year_after_discharge: int) -> float:
    """Statens andel af bostøtte efter § 85 a i år `year_after_discharge` (1 = første år) efter udskrivning fra § 110."""
    rate = float(value_at(rules.parameter("refusion_bostoette", "state_rate"), when))
    if rate == 0:
        return 0.0
    years = float(value_at(rules.parameter("refusion_bostoette", "refusion_years"), when))
    return rate if year_after_discharge <= years else 0.0


# ---------------------------------------------------------------------------------------------------------
# The derivation: per-actor shares of a gross rate for one calendar year


def _expenditure_shares(rules: Rules, link: dict, when: date, year: int, k: int, weeks: float) -> np.ndarray:
    """(kommune, region, stat) shares of the gross expenditure on `when` (before tax)."""
    rule = link["rule"]
    if rule == "refusion_forsoergelse":
        stat = average_bracket(value_at(rules.parameter(rule, "state_share"), when), weeks)
        return np.array([1.0 - stat, 0.0, stat])
    if rule == "medfinansiering_dagpenge":
        kommune = average_bracket(value_at(rules.parameter(rule, "kommune_share"), when), weeks)
        return np.array([kommune, 0.0, 1.0 - kommune])
    if rule == "medfinansiering_sundhed":
        kommune = float(value_at(rules.parameter(rule, link["parameter"]), when))
        return np.array([kommune, 1.0 - kommune, 0.0])
    if rule == "refusion_110":
        stat = shelter_state_share(rules, when)
        return np.array([1.0 - stat, 0.0, stat])
    if rule == "refusion_bostoette":
        stat = housing_first_state_share(rules, when, k)
        return np.array([1.0 - stat, 0.0, stat])
    raise KnowledgeError(f"Ukendt regel '{rule}'.")


def actor_shares(
    rules: Rules, service: str, year: int, consequence_year: int, weeks_before: float, net_of_tax: bool = True
) -> np.ndarray:
    """Per-actor shares (kommune, region, stat) of one unit's gross rate for `service` in calendar year `year`.

    `consequence_year` is k (1 = the first consequence year); `weeks_before` is the number of weeks the
    person has been on public support before the saved weeks of that year start. With `net_of_tax` the tax
    the benefit would have returned is subtracted (kommuneskat from the kommune, bundskat from the state).
    The shares add up to 1 (gross) or to 1 − tax rate (net)."""
    key = (service, int(year), int(consequence_year), float(weeks_before), bool(net_of_tax))
    if key not in rules._shares:
        rules._shares[key] = _actor_shares(rules, service, year, consequence_year, weeks_before, net_of_tax)
    return rules._shares[key].copy()


def _actor_shares(rules: Rules, service: str, year: int, k: int, weeks_before: float, net_of_tax: bool) -> np.ndarray:
    link = rules.link(service)
    families = [link["rule"]] + ([TAX_FAMILY] if net_of_tax and link["taxable"] else [])
    out = np.zeros(len(ACTORS))
    for when, weight in _segments(rules, families, year):
        shares = _expenditure_shares(rules, link, when, year, k, weeks_before)
        if net_of_tax and link["taxable"]:
            shares = shares - np.array([r for r in tax_rates(rules, when).values()])
        out += weight * shares
    return out


def first_year(rules: Rules, earliest: int = 1990) -> tuple[int, list[str]]:
    """The first calendar year the rules can price every rule-priced service in, and the Danish names of the rule
    families that have no value the year before ([] when they reach `earliest`). Found by asking, year by year back
    from STATIC_CALENDAR_YEAR, what a calculation starting that year asks: the default weeks on public support
    and each linked service's shares, gross and net of tax (the rules' values hold forward, so later years work)."""
    if not rules._reach:
        rules._reach.append(_first_year(rules, earliest))
    return rules._reach[0]


def _first_year(rules: Rules, earliest: int) -> tuple[int, list[str]]:
    for year in range(STATIC_CALENDAR_YEAR, earliest - 1, -1):
        missing = []
        try:
            default_weeks_on_support(rules, year)
        except KnowledgeError:
            missing.append("refusion_forsoergelse")
        for service, link in rules.links.iterrows():
            for net, family in ((False, link["rule"]), (True, TAX_FAMILY)):
                try:
                    _actor_shares(rules, str(service), year, 1, 0.0, net)
                except KnowledgeError:
                    missing.append(family)
                    break
        if missing:
            return year + 1, [FAMILY_NAMES_DA[f] for f in dict.fromkeys(missing)]
    return earliest, []


def weeks_before_year(weeks_on_benefits: float, duration_years: int, offset: int, consequence_year: int) -> float:
    """Weeks on public support before consequence year k starts, had the person stayed on the benefit: the
    weeks before the intervention, the intervention's years before the completion year, and the years since."""
    return weeks_on_benefits + WEEKS_PER_YEAR * (duration_years - 1 + offset + consequence_year - 1)


def static_price_rows(kb, year: int = STATIC_CALENDAR_YEAR) -> pd.DataFrame:
    """The prices.csv rows (service, actor, price) the rules give for calendar year `year`, consequence year 1
    of a one-year intervention, the default weeks on support and net of tax, in the link's price year (whole
    kroner). These rows are what the knowledge browser shows; a calculation uses every year's rules."""
    rules: Rules = kb.rules
    weeks = default_weeks_on_support(rules, year)
    rows = []
    for service, link in rules.links.iterrows():
        shares = actor_shares(rules, service, year, 1, weeks_before_year(weeks, 1, 0, 1), net_of_tax=True)
        for actor, share in zip(ACTORS, shares):
            rows.append({"service": service, "actor": actor, "price": round(float(link["gross_price"]) * share)})
    return pd.DataFrame(rows)


def link_is_illustrative(rules: Rules, service: str, year: int = STATIC_CALENDAR_YEAR) -> bool:
    """True when the service's derived price for `year` rests on an illustrative gross rate or rule value."""
    link = rules.link(service)
    if link["illustrative"]:
        return True
    families = [link["rule"]] + ([TAX_FAMILY] if link["taxable"] else [])
    for f in families:
        params = rules.families[f].parameters
        names = [link["parameter"]] if f == "medfinansiering_sundhed" else list(params)
        names = [n for n in names if n != "default_weeks_on_support"]  # a visible setting, not a fact
        for n in names:
            for d, _ in _segments(rules, [f], year):
                try:
                    if entry_at(params[n], d).illustrative:
                        return True
                except KnowledgeError:
                    continue
    return False
