"""The scenario (en beregning): pydantic input model and JSON load/save (checks against a knowledge base: checks.py).

Amounts are kroner at `costs.price_year` (default: the scenario's price level); rates are shares 0–1
(the app shows them as %). Participants are starters per year, year 1 = `settings.first_year`.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import ScenarioError
from .knowledge import WelfareArea
from .messages import pydantic_problems
from .names import ACTORS

SCHEMA_VERSION = 1
FILE_FORMAT = "som-scenario"
MAX_HORIZON = 50


class _Model(BaseModel):
    # frozen: a scenario is a value; a what-if is a new scenario (som_kernel.variants), never an edit
    model_config = ConfigDict(extra="forbid", frozen=True)


def _finite(v: float) -> float:
    if not math.isfinite(v):
        raise ValueError("Skal være et endeligt tal")
    return v


class ActorAmounts(_Model):
    """Kroner per actor. Missing actors are 0."""

    kommune: float = Field(default=0.0, ge=0)
    region: float = Field(default=0.0, ge=0)
    stat: float = Field(default=0.0, ge=0)

    _check = field_validator("kommune", "region", "stat")(_finite)

    def as_dict(self) -> dict[str, float]:
        return {a: getattr(self, a) for a in ACTORS}


class Costs(_Model):
    """The intervention's costs (omkostninger), split on actors, in kroner at `price_year`.
    How each line is booked and shared over cohorts: docs/method.md#step-2-costs"""

    startup: ActorAmounts = Field(default_factory=ActorAmounts)  # one-off, in the first year
    running_per_participant: ActorAmounts = Field(default_factory=ActorAmounts)  # per participant per year in it
    running_per_year: ActorAmounts = Field(default_factory=ActorAmounts)  # fixed, per year of operation
    baseline_per_participant: ActorAmounts = Field(default_factory=ActorAmounts)  # usual intervention replaced
    price_year: int | None = Field(default=None, ge=1990, le=2100)  # None: the scenario's price level
    welfare_area: WelfareArea = "social"


class OutcomeEffect(_Model):
    """One outcome (effektmål): net success rate beyond the baseline, and its persistence by year.
    docs/method.md#step-3-effect-and-successes"""

    outcome: str
    success_rate: float
    # share of the effect left in consequence year 1, 2, …; past the list the last value holds; [] = 1
    persistence: list[float] = Field(default_factory=list)

    @field_validator("success_rate")
    @classmethod
    def _rate(cls, v: float) -> float:
        if not (math.isfinite(v) and 0 <= v <= 1):
            raise ValueError(f"Succesraten skal ligge mellem 0 og 100 % (fik {v * 100:g} %)")
        return v

    @field_validator("persistence")
    @classmethod
    def _persistence(cls, v: list[float]) -> list[float]:
        if len(v) > MAX_HORIZON:
            raise ValueError(f"Højst {MAX_HORIZON} år")
        for i, p in enumerate(v, start=1):
            if not (math.isfinite(p) and 0 <= p <= 1):
                raise ValueError(f"Varigheden i år {i} skal ligge mellem 0 og 1 (fik {p:g})")
        return v

    def persistence_profile(self, horizon: int) -> list[float]:
        """Persistence for consequence years 1..horizon."""
        p = self.persistence or [1.0]
        return [p[min(k, len(p) - 1)] for k in range(horizon)]


class ConsequenceOverride(_Model):
    """A local consequence estimate: change in use of `service` per successful person in `year`."""

    outcome: str
    service: str
    year: int = Field(ge=1, le=MAX_HORIZON)
    delta_use: float

    _check = field_validator("delta_use")(_finite)


class PriceOverride(_Model):
    """A local unit price for one service and actor, in kroner at `price_year`."""

    service: str
    actor: Literal["kommune", "region", "stat"]
    price: float = Field(ge=0)
    price_year: int | None = Field(default=None, ge=1990, le=2100)

    _check = field_validator("price")(_finite)


class CustomTargetGroup(_Model):
    """A user-defined target group: no knowledge-base consequences, so the scenario supplies them."""

    name: str = Field(min_length=1)
    description: str = ""
    outcomes: dict[str, str] = Field(min_length=1)  # outcome id → name


class Settings(_Model):
    """Indstillinger: price level, first calendar year, horizon, discount rate, consequence offset.
    Defaults and why: docs/method.md#where-the-original-is-silent-our-defaults-and-why"""

    price_year: int = Field(ge=1990, le=2100)
    first_year: int = Field(ge=1990, le=2100)
    horizon_years: int = Field(default=10, ge=1, le=MAX_HORIZON)  # consequence years after completion
    discount_rate: float = Field(default=0.0, ge=0, le=0.5)
    # 0: consequence year 1 is the completion year (SØM's framing); 1: the year after
    consequence_offset: Literal[0, 1] = 0


class Scenario(_Model):
    """A complete SØM calculation's input."""

    schema_version: int = SCHEMA_VERSION
    name: str = "Ny beregning"
    description: str = ""
    target_group: str | None = None
    custom_target_group: CustomTargetGroup | None = None
    participants: list[int] = Field(min_length=1, max_length=MAX_HORIZON)  # starters in year 1, 2, …
    duration_years: int = Field(ge=1, le=10)  # forløbslængde
    costs: Costs = Field(default_factory=Costs)
    outcomes: list[OutcomeEffect] = Field(min_length=1)
    consequence_overrides: list[ConsequenceOverride] = Field(default_factory=list)
    price_overrides: list[PriceOverride] = Field(default_factory=list)
    excluded_services: list[str] = Field(default_factory=list)
    settings: Settings

    @field_validator("participants")
    @classmethod
    def _participants(cls, v: list[int]) -> list[int]:
        for i, n in enumerate(v, start=1):
            if n < 0:
                raise ValueError(f"Antal deltagere i år {i} kan ikke være negativt (fik {n})")
        if sum(v) == 0:
            raise ValueError("Mindst én deltager skal starte i et af årene")
        return v

    @field_validator("schema_version")
    @classmethod
    def _version(cls, v: int) -> int:
        if v > SCHEMA_VERSION:
            raise ValueError(
                f"Filen er lavet med en nyere version af SØM-værktøjet (skemaversion {v}); "
                f"denne version kan læse op til skemaversion {SCHEMA_VERSION}"
            )
        if v < 1:
            raise ValueError("Skemaversionen skal være mindst 1")
        return v

    @model_validator(mode="after")
    def _one_target_group(self) -> Scenario:
        if (self.target_group is None) == (self.custom_target_group is None):
            raise ValueError("Vælg enten en målgruppe fra vidensdatabasen eller en egen målgruppe (ikke begge)")
        ids = [o.outcome for o in self.outcomes]
        if len(set(ids)) != len(ids):
            raise ValueError("Det samme effektmål er valgt mere end én gang")
        return self

    @property
    def cohort_years(self) -> list[int]:
        """Calendar start year of each cohort (also those with 0 starters)."""
        return [self.settings.first_year + i for i in range(len(self.participants))]

    @property
    def total_participants(self) -> int:
        return sum(self.participants)

    @property
    def last_year(self) -> int:
        """Last calendar year with consequences: last completion + horizon − 1 + offset."""
        s = self.settings
        last_start = s.first_year + max(i for i, n in enumerate(self.participants) if n > 0)
        return last_start + self.duration_years - 1 + s.horizon_years - 1 + s.consequence_offset


def build_scenario(data: dict) -> Scenario:
    """A Scenario from a dict; invalid input raises ScenarioError with Danish messages per field."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as e:
        raise ScenarioError(pydantic_problems(e)) from None


# ---- files -------------------------------------------------------------------------------------------


def scenario_to_json(scenario: Scenario) -> str:
    """The scenario as a versioned JSON document (UTF-8 text)."""
    doc = {"format": FILE_FORMAT, **scenario.model_dump(mode="json")}
    return json.dumps(doc, ensure_ascii=False, indent=2)


def scenario_from_json(text: str | bytes) -> Scenario:
    """Parse a scenario file's text; a cut-off, foreign or invalid file raises ScenarioError in Danish."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise ScenarioError("Filen er ikke en tekstfil (UTF-8). Vælg en scenariefil (.json).") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise ScenarioError(
            f"Filen kan ikke læses: den er afbrudt eller ikke gyldig JSON (linje {e.lineno}, kolonne {e.colno})."
        ) from None
    if not isinstance(doc, dict) or doc.get("format") != FILE_FORMAT:
        raise ScenarioError('Filen er ikke en SØM-scenariefil (feltet "format" skal være "som-scenario").')
    doc = {k: v for k, v in doc.items() if k != "format"}
    return build_scenario(doc)


def save_scenario(scenario: Scenario, path: str | os.PathLike) -> None:
    Path(path).write_text(scenario_to_json(scenario), encoding="utf-8")


def load_scenario(path: str | os.PathLike) -> Scenario:
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise ScenarioError(f"Filen kan ikke åbnes: {e.strerror} ({path}).") from None
    return scenario_from_json(data)
