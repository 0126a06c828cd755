"""The knowledge base's tables: constants, one row model (pydantic) per table, meta.yaml, and KnowledgeBase.

Every table has a row schema (unknown columns forbidden); load.py reads the files, checks.py checks references
and plausibility, local.py lays a kommune's own rows on top.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Literal

import numpy as np
import pandas as pd
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from ..arrays import factorize
from ..errors import KnowledgeError, Problem
from ..names import ACTORS as ACTORS
from ..names import WELFARE_AREA_NAMES_DA as WELFARE_AREA_NAMES_DA
from ..names import WELFARE_AREAS as WELFARE_AREAS

TARGET_GROUP_AREAS: dict[str, str] = {
    "voksne_udsatte": "Socialt udsatte voksne",
    "handicap_psykisk": "Voksne med handicap eller psykiske vanskeligheder",
    "boern_unge_familier": "Børn, unge og familier",
    "indsatte": "Indsatte og løsladte",
}

Actor = Literal["kommune", "region", "stat"]
WelfareArea = Literal["social", "employment", "health", "education", "justice", "tax"]

# Price level we assume for published SØM figures that rows are calibrated to (JM 2021 went to the Folketing in
# spring 2021, so 2020 is the last complete year). See knowledge/README.md, "The inmate calibration".
CALIBRATION_PRICE_YEAR = 2020

DEFAULT_KNOWLEDGE_DIR = Path(__file__).resolve().parent.parent.parent / "knowledge"


def _url(v: str) -> str:
    if v and not v.startswith(("http://", "https://")):
        raise ValueError("skal være tom eller begynde med http:// eller https://")
    return v


def _non_negative(v: float) -> float:
    if not (v >= 0 and math.isfinite(v)):
        raise ValueError(f"prisen må ikke være negativ eller uendelig (fik {v:g})")
    return v


def _blank_is_none(v: object) -> object:
    return None if v == "" else v


# Validators live in the field types (not in @field_validator methods) so the loader can check a whole column at
# once with the same rules (reading.py builds a column model from the row model's fields).
Url = Annotated[str, AfterValidator(_url)]
NonNegative = Annotated[float, AfterValidator(_non_negative)]
Blank = BeforeValidator(_blank_is_none)


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


# What a sourced row is (column `status`): the source's own figure, plain documented arithmetic on public figures,
# fitted to a published total (the split stays ours), our guess, a kommune's own number, or estimated from a
# kommune's own data. knowledge/README.md, "Honest status".
Status = Literal["public", "derived", "calibrated", "illustrative", "local", "local_estimated"]
STATUSES: tuple[str, ...] = ("public", "derived", "calibrated", "illustrative", "local", "local_estimated")
# statuses that may stand on a row with illustrative=false (the others need illustrative=true, except the local ones)
NOT_ILLUSTRATIVE_STATUSES = frozenset({"public", "derived", "local", "local_estimated"})
LOCAL_STATUSES = frozenset({"local", "local_estimated"})


class _Sourced(_Row):
    source_title: str = Field(min_length=3)
    source_url: Url = ""
    illustrative: bool
    # optional column; a blank or missing status is read from `illustrative` and `calibrated_to` (reading.py)
    status: Annotated[Status | None, Blank] = None


_ID = r"^[a-z0-9_]+$"


class TargetGroup(_Sourced):
    id: str = Field(pattern=_ID)
    name: str = Field(min_length=2)
    area: Literal["voksne_udsatte", "handicap_psykisk", "boern_unge_familier", "indsatte"]
    definition: str = Field(min_length=5)


class Outcome(_Sourced):
    id: str = Field(pattern=_ID)
    target_group: str
    name: str = Field(min_length=2)
    definition: str = Field(min_length=5)


class Service(_Sourced):
    id: str = Field(pattern=_ID)
    name: str = Field(min_length=2)
    welfare_area: WelfareArea
    unit: str = Field(min_length=1)
    # expenditure: less use is a gain to the payer; revenue (tax): more is a gain to the receiver
    flow: Literal["expenditure", "revenue"]
    description: str = ""


class Price(_Sourced):
    service: str
    actor: Actor
    price: NonNegative
    unit: str
    price_year: int = Field(ge=1990, le=2100)
    note: str = ""


class Consequence(_Sourced):
    target_group: str
    outcome: str
    service: str
    year: int = Field(ge=1, le=50)
    delta_use: float
    unit: str
    calibrated_to: str = ""
    note: str = ""
    # optional, filled only by an estimate from a kommune's own panel (estimate.py; blank in the national base):
    # the 95 % interval, the number of persons, the panel file's name and the first 12 hex digits of its SHA-256
    ci_low: Annotated[float | None, Blank] = None
    ci_high: Annotated[float | None, Blank] = None
    n: Annotated[int | None, Blank] = Field(default=None, ge=1)
    panel: str = ""
    panel_hash: str = ""


class EffectStudy(_Sourced):
    id: str = Field(pattern=_ID)
    name: str = Field(min_length=2)
    target_group: str
    outcome: str
    measure: str = Field(min_length=2)
    success_rate: float = Field(ge=-1, le=1)
    ci_low: Annotated[float | None, Blank] = Field(default=None, ge=-1, le=1)
    ci_high: Annotated[float | None, Blank] = Field(default=None, ge=-1, le=1)
    # share reaching the outcome with the intervention and in the comparison group, where the study gives them
    rate_treatment: Annotated[float | None, Blank] = Field(default=None, ge=0, le=1)
    rate_control: Annotated[float | None, Blank] = Field(default=None, ge=0, le=1)
    design: str = Field(min_length=2)
    evidence_level: int = Field(ge=1, le=3)
    # how long after the intervention the effect was measured (months); blank: not stated in the source
    follow_up_months: Annotated[int | None, Blank] = Field(default=None, ge=1, le=600)
    n: Annotated[int | None, Blank] = Field(default=None, ge=1)
    country: str = Field(min_length=2)
    note: str = ""


class NetPriceIndex(_Sourced):
    year: int = Field(ge=1990, le=2100)
    index: float = Field(gt=0)
    note: str = ""


class Unit(_Row):
    """Plausibility limits per unit (units.csv): a value beyond a *_max is refused, beyond a *_high (or a price
    under price_low) loads with a warning. Prices are kroner per unit for one actor's row; use is units per
    person per year (|delta_use| in consequences.csv)."""

    unit: str = Field(min_length=1)
    price_low: float = Field(ge=0)
    price_high: float = Field(gt=0)
    price_max: float = Field(gt=0)
    use_high: float = Field(gt=0)
    use_max: float = Field(gt=0)
    why: str = Field(min_length=5)


class Wage(_Sourced):
    """A profession's cost to its employer for one full-time year (årsværk), pension included (wages.csv), and the
    hours such a year has for work: the resource table prices staff time with them (steps/costs.py)."""

    profession: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str = Field(min_length=2)
    annual_wage: NonNegative  # kroner per årsværk incl. pension, at price_year
    hours_per_fte: float = Field(gt=0, le=8784)  # working hours in an årsværk (a year has at most 8.784 hours)
    price_year: int = Field(ge=1990, le=2100)
    note: str = ""


class Overhead(_Sourced):
    """The overhead share (meta.yaml `overhead:`): indirect costs of staff (management, premises, IT,
    administration) as a share of the wage, added to every staff line of a resource table unless the scenario
    sets its own share."""

    share: float = Field(ge=0, le=1)
    note: str = ""


class Limits(_Row):
    """Limits that are not per unit (meta.yaml, `limits:`)."""

    # consequence years documented in knowledge/README.md (1–10); a later year is refused
    consequence_years: int = Field(ge=1, le=50)
    # net price index: a yearly change beyond index_change_warn (share) warns, beyond index_change_max is refused
    index_change_warn: float = Field(gt=0)
    index_change_max: float = Field(gt=0)
    # an effect study's success_rate may differ this much from rate_treatment − rate_control (rounding)
    rate_tolerance: float = Field(ge=0, le=0.1)


class Meta(_Row):
    version: str = Field(min_length=1)
    default_price_year: int = Field(ge=1990, le=2100)
    description: str = ""
    limits: Limits
    overhead: Overhead | None = None  # the resource table's default overhead share; None: no overhead


# file name → row model; order matters for reference checks
TABLES: dict[str, type[_Row]] = {
    "target_groups.csv": TargetGroup,
    "outcomes.csv": Outcome,
    "services.csv": Service,
    "prices.csv": Price,
    "consequences.csv": Consequence,
    "effect_studies.csv": EffectStudy,
    "net_price_index.csv": NetPriceIndex,
    "units.csv": Unit,
    "wages.csv": Wage,
}
# tables a knowledge base may leave out (older bases and test fixtures have none): read as empty
OPTIONAL_TABLES = ("wages.csv",)
# the key of each table's rows (unique; what diff and the local layer match rows on)
KEYS: dict[str, list[str]] = {
    "target_groups.csv": ["id"],
    "outcomes.csv": ["id"],
    "services.csv": ["id"],
    "prices.csv": ["service", "actor"],
    "consequences.csv": ["target_group", "outcome", "service", "year"],
    "effect_studies.csv": ["id"],
    "net_price_index.csv": ["year"],
    "units.csv": ["unit"],
    "wages.csv": ["profession"],
}
# column added to prices, consequences, effect studies and wages: the local layer's name where a row comes from it
LOCAL_COLUMN = "local_layer"


@dataclass(frozen=True)
class LocalLayer:
    """A kommune's local layer as loaded (local.py reads it): its name, kommune, where it lies, a hash of its content, and rows per table."""

    name: str
    kommune: str
    description: str
    path: Path
    hash: str
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """'Eksempel Kommune (eksempel_kommune, 1a2b3c4d5e6f)': for messages and the scenario file."""
        return f"{self.kommune} ({self.name}, {self.hash})"


@dataclass(frozen=True)
class KnowledgeBase:
    """The validated knowledge base: one DataFrame per table plus meta (version, default price year, limits).

    `warnings` lists plausible-but-odd values (they load, and the app and reports show them); `dialects` says how
    each file was read (e.g. Danish Excel CSV); `local` is the kommune's layer laid on top, if any (its rows carry
    its name in the column `local_layer` of prices, consequences, effect_studies and wages)."""

    target_groups: pd.DataFrame
    outcomes: pd.DataFrame
    services: pd.DataFrame
    prices: pd.DataFrame
    consequences: pd.DataFrame
    effect_studies: pd.DataFrame
    net_price_index: pd.DataFrame
    units: pd.DataFrame
    meta: Meta
    # wage per profession for the resource table (wages.csv; empty in a base without it)
    wages: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(Wage.model_fields)))
    path: Path | None = None
    warnings: tuple[Problem, ...] = ()
    dialects: dict[str, str] = field(default_factory=dict, compare=False)
    local: LocalLayer | None = None
    # public-finance rules (knowledge/rules/*.yaml + rule_links.csv), None when the folder has none; see rules.py
    rules: object | None = field(default=None, compare=False)
    # the kommune's committees and what each carries (committees.csv, committee_map.csv), None when the folder has
    # neither; see committees.py
    committees: object | None = field(default=None, compare=False)
    _index: dict[int, float] = field(default_factory=dict, repr=False, compare=False)
    # arrays derived once per knowledge base for the calculation (a loaded knowledge base is not edited)
    _derived: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def index_for(self, year: int) -> float:
        """The net price index (nettoprisindeks) for `year`; KnowledgeError if the year is missing."""
        if not self._index:
            self._index.update(zip(self.net_price_index["year"], self.net_price_index["index"], strict=True))
        try:
            return self._index[int(year)]
        except KeyError:
            years = sorted(self._index)
            raise KnowledgeError(
                f"Nettoprisindekset har ikke året {year}; det dækker {years[0]}–{years[-1]}."
            ) from None

    def price_factor(self, from_year: int, to_year: int) -> float:
        """Factor that converts kroner at price level `from_year` into price level `to_year`:
        index(to_year) / index(from_year). docs/method.md#step-5-prices"""
        if from_year == to_year:
            return 1.0
        return self.index_for(to_year) / self.index_for(from_year)

    def outcomes_for(self, target_group: str) -> pd.DataFrame:
        return self.outcomes[self.outcomes["target_group"] == target_group]

    def consequences_for(self, target_group: str, outcome: str) -> pd.DataFrame:
        c = self.consequences
        return c[(c["target_group"] == target_group) & (c["outcome"] == outcome)]

    def service_ids(self) -> frozenset[str]:
        return self._cached("service_ids", lambda: frozenset(self.services["id"].tolist()))

    def priced_services(self) -> frozenset[str]:
        """Services with at least one row in prices.csv (or the local layer)."""
        return self._cached("priced_services", lambda: frozenset(self.prices["service"].tolist()))

    def index_years(self) -> frozenset[int]:
        """The years the net price index covers."""
        return self._cached("index_years", lambda: frozenset(int(y) for y in self.net_price_index["year"]))

    def _cached(self, key, make):
        if key not in self._derived:
            self._derived[key] = make()
        return self._derived[key]

    def service_info(self, column: str, services) -> np.ndarray:
        """One column of services.csv (e.g. 'flow', 'welfare_area', 'name') for each service id in `services`."""
        ids = self._cached("service_positions", lambda: {v: i for i, v in enumerate(self.services["id"].tolist())})
        inverse, distinct = factorize(services)
        at = np.array([ids.get(v, -1) for v in distinct], dtype=int)[inverse]
        values = self._cached(("service_column", column), lambda: self.services[column].to_numpy(dtype=object))[at]
        values[at < 0] = None  # an unknown id (checks.py names it) has no information
        return values

    def price_grid(self, price_year: int) -> tuple[pd.Index, np.ndarray]:
        """Services with a price and their prices per actor (S, A) in kroner at `price_year` (0 where an actor
        has no price row): each row converted from its own price year with the net price index."""

        def make():
            p = self.prices
            services = pd.Index(pd.unique(p["service"].to_numpy(dtype=object)))
            factor = np.array([self.price_factor(int(y), price_year) for y in p["price_year"]])
            grid = np.zeros((len(services), len(ACTORS)))
            rows, cols = services.get_indexer(p["service"]), pd.Index(ACTORS).get_indexer(p["actor"])
            grid[rows, cols] = p["price"].to_numpy() * factor
            grid.flags.writeable = False
            return services, grid

        return self._cached(("prices", price_year), make)

    def consequences_for_outcomes(self, target_group: str, outcomes: list[str]) -> pd.DataFrame:
        """The consequence rows of `target_group` for the given outcomes."""
        groups = self._cached(
            "consequences_by_group", lambda: dict(tuple(self.consequences.groupby("target_group", sort=False)))
        )
        sub = groups.get(target_group, self.consequences.iloc[:0])
        return sub[sub["outcome"].isin(outcomes)]

    def with_price_factors(self, factors: Mapping[str, float]) -> KnowledgeBase:
        """A what-if copy with each service's unit prices (every actor) and, for a service the rules price, its
        gross rate × `factors[service]` (services not named keep theirs): the knowledge base that one Monte Carlo
        draw of prices describes. The files and this knowledge base are left as they are."""
        f = self.prices["service"].map(factors).fillna(1.0).astype(float)
        prices = self.prices.assign(price=self.prices["price"] * f)
        rules = self.rules
        if rules is not None:
            links = rules.links
            g = links["service"].map(factors).fillna(1.0).astype(float)
            rules = replace(rules, links=links.assign(gross_price=links["gross_price"] * g), _rows={}, _shares={})
        return replace(self, prices=prices, rules=rules, _index={})

    @property
    def local_name(self) -> str:
        """The local layer's name, or '' without one."""
        return self.local.name if self.local is not None else ""
