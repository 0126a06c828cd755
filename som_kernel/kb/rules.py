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
    dyre enkeltsager    stat = Σ sats_i · (årsudgift − grænse_i)⁺ / årsudgift  (serviceloven § 176, barnets lov § 198)
    statslig ydelse     stat = brutto (SU)
    skat (valgfrit)     kommune −= kommuneskat · brutto, stat −= bundskat · brutto
    skat af løn         kommune = kommuneskat · (løn − AM − beskæftigelsesfradrag), stat = AM + bundskat · (løn − AM)

One tax base: a saved benefit and a gained wage are both taxed at the marginal rates, without the personfradrag.
A person on a benefit all year has more income than the personfradrag, so it is used with and without the
intervention and drops out of the difference. Førtidspension awarded before 1 July 2014 is refunded at a fixed
share (pensionsloven § 52); the award year of a saved pension is the calendar year of consequence year 1.

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
from .policy import policy_value
from .reading import read_table as _read_table
from .reading import where as _where
from .schema import ACTORS, LOCAL_COLUMN, _Sourced

RULES_DIR = "rules"
LINKS_FILE = "rule_links.csv"
TAX_FAMILY = "skat_overfoersler"
COSTLY_FAMILY = "refusion_dyre_enkeltsager"
# the units a costly-case service may have, and how many of them make a year of the case
UNITS_PER_YEAR = {"kr. pr. år": 1, "kr. pr. døgn": 365}
# rule family → the parameters its derivation reads
FAMILIES: dict[str, tuple[str, ...]] = {
    "refusion_forsoergelse": ("state_share", "default_weeks_on_support"),
    "medfinansiering_dagpenge": ("kommune_share",),
    "medfinansiering_sundhed": (),  # one share per kind of service, named in rule_links.csv's `parameter`
    "refusion_110": ("state_rate", "refusion_days", "nights_per_year"),
    "refusion_bostoette": ("state_rate", "refusion_years"),
    COSTLY_FAMILY: ("threshold_1", "threshold_2", "threshold_3", "threshold_price_year", "rate_1", "rate_2", "rate_3"),
    "statslig_ydelse": ("state_share",),
    TAX_FAMILY: ("kommune_rate", "state_rate"),
}
# what the tax rule needs besides when it also prices a wage (a revenue service linked to it)
WAGE_TAX_PARAMETERS = ("am_rate", "employment_deduction_rate", "employment_deduction_cap")
FAMILY_NAMES_DA: dict[str, str] = {
    "refusion_forsoergelse": "Refusionstrappen for forsørgelsesydelser",
    "medfinansiering_dagpenge": "Kommunal medfinansiering af a-dagpenge",
    "medfinansiering_sundhed": "Kommunal medfinansiering af sundhedsvæsenet",
    "refusion_110": "Statsrefusion for ophold efter servicelovens § 110",
    "refusion_bostoette": "Statsrefusion for Housing First-bostøtte (§ 85 a)",
    COSTLY_FAMILY: "Statsrefusion for særligt dyre enkeltsager",
    "statslig_ydelse": "Ydelser, som staten betaler",
    TAX_FAMILY: "Indkomstskat af overførselsindkomst og løn",
}
# The calendar year the rule-derived rows in prices.csv are computed for (they are shown in the knowledge
# browser and used where no calendar year is known; a calculation always uses the rules of each year).
STATIC_CALENDAR_YEAR = 2025
WEEKS_PER_YEAR = int(policy_value("weeks_per_year"))  # knowledge/policy.yaml


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
    price_index: dict[int, float] = field(default_factory=dict)  # net price index by year (dyre enkeltsager)
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


def load_rules(
    folder: Path, tables: dict[str, pd.DataFrame], problems: list[Problem], check_derived: bool = True
) -> Rules | None:
    """Load knowledge/rules/*.yaml and rule_links.csv (both or neither); problems are appended, not raised.
    `tables` are the loader's validated tables, indexed by file line number. With `check_derived`, a prices.csv
    row of a rule-priced service that differs from the rule is refused (see _check_derived_rows)."""
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
    index = tables["net_price_index.csv"]
    price_index = {int(y): float(v) for y, v in zip(index["year"], index["index"], strict=True)}
    rules = Rules(families=families, links=links.set_index("service", drop=False), price_index=price_index)
    if check_derived and not problems:
        _check_derived_rows(rules, tables["prices.csv"], problems)
    return rules


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
            if (flows[service] == "revenue") != (rule == TAX_FAMILY):
                problems.append(
                    Problem(
                        _where(LINKS_FILE, i, "service"),
                        f"Udgiftsydelser (flow=expenditure) fordeles af en udgiftsregel, skatteindtægter af løn "
                        f"(flow=revenue) af reglen {TAX_FAMILY}; ydelsen har flow={flows[service]}.",
                    )
                )
            if rule == COSTLY_FAMILY and r["unit"] not in UNITS_PER_YEAR:
                problems.append(
                    Problem(
                        _where(LINKS_FILE, i, "unit"),
                        f"Reglen {COSTLY_FAMILY} regner med en årsudgift; enheden skal være "
                        f"{' eller '.join(UNITS_PER_YEAR)}.",
                    )
                )
        if rule == TAX_FAMILY and rule in families:
            missing = [n for n in WAGE_TAX_PARAMETERS if n not in families[rule].parameters]
            if missing:
                problems.append(
                    Problem(
                        _where(LINKS_FILE, i, "rule"),
                        f"Skat af løn kræver parametrene {', '.join(missing)} i {RULES_DIR}/{TAX_FAMILY}.yaml.",
                    )
                )
        if rule == TAX_FAMILY and r["taxable"]:
            problems.append(
                Problem(_where(LINKS_FILE, i, "taxable"), "Skat af løn er ikke selv en skattepligtig ydelse: false.")
            )
        if rule not in FAMILIES:
            known = ", ".join(sorted(FAMILIES))
            problems.append(Problem(_where(LINKS_FILE, i, "rule"), f"Ukendt regel '{rule}'. Kendte: {known}."))
        elif rule not in families:
            if rule not in present:
                problems.append(
                    Problem(_where(LINKS_FILE, i, "rule"), f"Reglen findes ikke som {RULES_DIR}/{rule}.yaml.")
                )
        elif r["parameter"] and r["parameter"] not in families[rule].parameters:
            names = ", ".join(families[rule].parameters)
            problems.append(
                Problem(
                    _where(LINKS_FILE, i, "parameter"),
                    f"Skal være en af reglens parametre: {names} (fik '{r['parameter']}').",
                )
            )
        elif rule == "medfinansiering_sundhed" and not r["parameter"]:
            problems.append(
                Problem(_where(LINKS_FILE, i, "parameter"), "Angiv hvilken af reglens andele ydelsen bruger.")
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


def wage_tax_shares(rules: Rules, when: date | int, wage: float) -> dict[str, float]:
    """Skatten af en løn på `wage` kroner som andel af lønnen, fordelt på kommune og stat: AM-bidrag og bundskat
    til staten, kommuneskat af lønnen efter AM-bidrag og beskæftigelsesfradrag til kommunen. Personfradraget
    trækkes ikke fra (det bruges også af den ydelse, borgeren ellers ville have haft)."""
    if wage <= 0:
        return {"kommune": 0.0, "region": 0.0, "stat": 0.0}
    rates = tax_rates(rules, when)
    am = float(value_at(rules.parameter(TAX_FAMILY, "am_rate"), when))
    deduction_rate = float(value_at(rules.parameter(TAX_FAMILY, "employment_deduction_rate"), when))
    cap = float(value_at(rules.parameter(TAX_FAMILY, "employment_deduction_cap"), when))
    deduction = min(deduction_rate * wage, cap) / wage  # beskæftigelsesfradrag as a share of the wage
    return {
        "kommune": rates["kommune"] * (1.0 - am - deduction),
        "region": 0.0,
        "stat": am + rates["stat"] * (1.0 - am),
    }


def costly_case_state_share(rules: Rules, when: date | int, yearly_cost: float) -> float:
    """Statens andel af en årsudgift på `yearly_cost` kroner (i grænsernes prisniveau) i en særligt dyr
    enkeltsag: sats_i af den del af udgiften, der ligger over grænse_i (serviceloven § 176, barnets lov § 198)."""
    if yearly_cost <= 0:
        return 0.0
    refund = 0.0
    for i in (1, 2, 3):
        low = float(value_at(rules.parameter(COSTLY_FAMILY, f"threshold_{i}"), when))
        high = float(value_at(rules.parameter(COSTLY_FAMILY, f"threshold_{i + 1}"), when)) if i < 3 else math.inf
        rate = float(value_at(rules.parameter(COSTLY_FAMILY, f"rate_{i}"), when))
        refund += rate * max(0.0, min(yearly_cost, high) - low)
    return refund / yearly_cost


def _costly_case_yearly_cost(rules: Rules, link: dict, when: date) -> float:
    """The link's gross rate as a year of the case in the price level of the rule's thresholds."""
    level = int(value_at(rules.parameter(COSTLY_FAMILY, "threshold_price_year"), when))
    index = rules.price_index
    if level not in index or int(link["price_year"]) not in index:
        raise KnowledgeError(
            f"Nettoprisindekset mangler år {level} eller {link['price_year']} (reglen {COSTLY_FAMILY})."
        )
    factor = index[level] / index[int(link["price_year"])]
    return float(link["gross_price"]) * UNITS_PER_YEAR[link["unit"]] * factor


def pension_award_date(year: int, consequence_year: int) -> date:
    """The award date of a saved førtidspension: 1 January of the calendar year of consequence year 1."""
    return date(int(year) - int(consequence_year) + 1, 1, 1)


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
        fixed = 0.0
        if link["parameter"]:  # a pension: a fixed share by award date (0 = the staircase applies)
            fixed = float(value_at(rules.parameter(rule, link["parameter"]), pension_award_date(year, k)))
        stat = fixed or average_bracket(value_at(rules.parameter(rule, "state_share"), when), weeks)
        return np.array([1.0 - stat, 0.0, stat])
    if rule == COSTLY_FAMILY:
        stat = costly_case_state_share(rules, when, _costly_case_yearly_cost(rules, link, when))
        return np.array([1.0 - stat, 0.0, stat])
    if rule == "statslig_ydelse":
        stat = float(value_at(rules.parameter(rule, "state_share"), when))
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
    out = np.zeros(len(ACTORS))
    if link["rule"] == TAX_FAMILY:  # tax on a wage: revenue, the same tax base as the benefits' tax
        for when, weight in _segments(rules, [TAX_FAMILY], year):
            out += weight * np.array(list(wage_tax_shares(rules, when, float(link["gross_price"])).values()))
        return out
    families = [link["rule"]] + ([TAX_FAMILY] if net_of_tax and link["taxable"] else [])
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


def static_price_rows(rules: Rules, year: int = STATIC_CALENDAR_YEAR) -> pd.DataFrame:
    """The prices.csv rows (service, actor, price) the rules give for calendar year `year`, consequence year 1
    of a one-year intervention and the default weeks on support, in the link's price year (whole kroner).
    Benefits are split before tax (a row is never negative: SU's net kommune share is minus the kommuneskat);
    the calculation subtracts the tax when »sparede ydelser efter skat« is on. These rows are what the
    knowledge browser shows; a calculation uses every year's rules."""
    weeks = default_weeks_on_support(rules, year)
    rows = []
    for service, link in rules.links.iterrows():
        shares = actor_shares(rules, service, year, 1, weeks_before_year(weeks, 1, 0, 1), net_of_tax=False)
        for actor, share in zip(ACTORS, shares):
            rows.append({"service": service, "actor": actor, "price": round(float(link["gross_price"]) * share)})
    return pd.DataFrame(rows)


# The calendar years a derived price in prices.csv stands for: the static year and the consequence years after
# it (meta.yaml's limit of 10). A derived price is public only if every rule value in all of them is.
RULE_HORIZON = range(STATIC_CALENDAR_YEAR, STATIC_CALENDAR_YEAR + 10)


def _parameters_read(rules: Rules, link: dict, net_of_tax: bool = True) -> list[tuple[str, str]]:
    """(family, parameter) pairs the derivation of `link` reads (not the visible weeks setting)."""
    rule = link["rule"]
    families = [rule] + ([TAX_FAMILY] if net_of_tax and link["taxable"] and rule != TAX_FAMILY else [])
    pairs = []
    for f in families:
        params = rules.families[f].parameters
        if f == "medfinansiering_sundhed":
            names = [link["parameter"]]
        elif f == "refusion_forsoergelse":
            names = ["state_share"]  # a pension's fixed share is read by award date (checked below)
        elif f == TAX_FAMILY and rule != TAX_FAMILY:
            names = ["kommune_rate", "state_rate"]
        else:
            names = [n for n in params if n != "default_weeks_on_support"]
        pairs.extend((f, n) for n in names)
    return pairs


def link_is_illustrative(rules: Rules, service: str, years=RULE_HORIZON) -> bool:
    """True when the service's derived price in any calendar year of `years` rests on an illustrative gross
    rate or rule value (a value that changes during a year counts for that year)."""
    link = rules.link(service)
    if link["illustrative"]:
        return True
    for family, name in _parameters_read(rules, link):
        parameter = rules.families[family].parameters[name]
        for year in years:
            for d, _ in _segments(rules, [family], int(year)):
                try:
                    if entry_at(parameter, d).illustrative:
                        return True
                except KnowledgeError:
                    return True  # no value at all in that year: nothing public settles it
    if link["parameter"] and link["rule"] == "refusion_forsoergelse":
        parameter = rules.families["refusion_forsoergelse"].parameters[link["parameter"]]
        if any(entry_at(parameter, date(int(y), 1, 1)).illustrative for y in years):
            return True
    return False


def _check_derived_rows(rules: Rules, prices: pd.DataFrame, problems: list[Problem]) -> None:
    """A prices.csv row of a rule-priced service must equal the rule's derivation: the calculation never reads
    it, so an edit there would change nothing without a word. Refuse it and say where the price comes from.
    A kommune's own price (its local layer) is not refused: it wins over the rule, as an override does."""
    derived = {(r.service, r.actor): r.price for r in static_price_rows(rules).itertuples()}
    for _, r in prices.iterrows():
        key = (r["service"], r["actor"])
        if key not in derived or (LOCAL_COLUMN in prices and r[LOCAL_COLUMN]):
            continue
        link = rules.link(key[0])
        if round(float(r["price"])) != derived[key] or int(r["price_year"]) != int(link["price_year"]):
            problems.append(
                Problem(
                    _where(r["at_file"], r["at_line"], "price"),
                    f"Prisen for '{key[0]}' ({key[1]}) er afledt af regel: bruttoprisen i {LINKS_FILE} "
                    f"({_kroner(link['gross_price'])} kr., {link['price_year']}) fordelt efter "
                    f"{RULES_DIR}/{link['rule']}.yaml giver {_kroner(derived[key])} kr. ({link['price_year']}), "
                    f"ikke {_kroner(r['price'])} kr. ({r['price_year']}). Beregningen bruger reglen, så ret "
                    f"bruttoprisen i {LINKS_FILE} eller reglen, ikke prices.csv "
                    f"(kør derefter knowledge/tools/derive_prices.py --write).",
                )
            )


def _kroner(x: float) -> str:
    return f"{round(float(x)):,}".replace(",", ".")
