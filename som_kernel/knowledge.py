"""Load and validate the knowledge base (vidensdatabase) in knowledge/: one CSV per concept.

Every table has a row schema (pydantic, unknown columns forbidden); every reference between tables
must resolve. Errors are collected and raised together as one KnowledgeError naming file, row and
column. A loaded knowledge base is immutable; local values are overlays in the scenario.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import KnowledgeError, Problem
from .messages import pydantic_problems

ACTORS: tuple[str, ...] = ("kommune", "region", "stat")
WELFARE_AREAS: tuple[str, ...] = ("social", "employment", "health", "education", "justice", "tax")
WELFARE_AREA_NAMES_DA: dict[str, str] = {
    "social": "Socialområdet",
    "employment": "Beskæftigelse",
    "health": "Sundhed",
    "education": "Uddannelse",
    "justice": "Retsvæsen",
    "tax": "Skat",
}
TARGET_GROUP_AREAS: dict[str, str] = {
    "voksne_udsatte": "Socialt udsatte voksne",
    "handicap_psykisk": "Voksne med handicap eller psykiske vanskeligheder",
    "boern_unge_familier": "Børn, unge og familier",
    "indsatte": "Indsatte og løsladte",
}

Actor = Literal["kommune", "region", "stat"]
WelfareArea = Literal["social", "employment", "health", "education", "justice", "tax"]

DEFAULT_KNOWLEDGE_DIR = Path(__file__).resolve().parent.parent / "knowledge"


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class _Sourced(_Row):
    source_title: str = Field(min_length=3)
    source_url: str = ""
    illustrative: bool

    @field_validator("source_url")
    @classmethod
    def _url(cls, v: str) -> str:
        if v and not v.startswith(("http://", "https://")):
            raise ValueError("skal være tom eller begynde med http:// eller https://")
        return v


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
    price: float = Field(ge=0)
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


class EffectStudy(_Sourced):
    id: str = Field(pattern=_ID)
    name: str = Field(min_length=2)
    target_group: str
    outcome: str
    measure: str = Field(min_length=2)
    success_rate: float = Field(ge=-1, le=1)
    ci_low: float | None = Field(default=None, ge=-1, le=1)
    ci_high: float | None = Field(default=None, ge=-1, le=1)
    # share reaching the outcome with the intervention and in the comparison group, where the study gives them
    rate_treatment: float | None = Field(default=None, ge=0, le=1)
    rate_control: float | None = Field(default=None, ge=0, le=1)
    design: str = Field(min_length=2)
    evidence_level: int = Field(ge=1, le=3)
    n: int | None = Field(default=None, ge=1)
    country: str = Field(min_length=2)
    note: str = ""

    @field_validator("ci_low", "ci_high", "rate_treatment", "rate_control", "n", mode="before")
    @classmethod
    def _blank_is_none(cls, v: object) -> object:
        return None if v == "" else v


class NetPriceIndex(_Sourced):
    year: int = Field(ge=1990, le=2100)
    index: float = Field(gt=0)
    note: str = ""


class Meta(_Row):
    version: str
    default_price_year: int
    description: str = ""


# file name → row model; order matters for reference checks
TABLES: dict[str, type[_Row]] = {
    "target_groups.csv": TargetGroup,
    "outcomes.csv": Outcome,
    "services.csv": Service,
    "prices.csv": Price,
    "consequences.csv": Consequence,
    "effect_studies.csv": EffectStudy,
    "net_price_index.csv": NetPriceIndex,
}


@dataclass(frozen=True)
class KnowledgeBase:
    """The validated knowledge base: one DataFrame per table plus meta (version, default price year)."""

    target_groups: pd.DataFrame
    outcomes: pd.DataFrame
    services: pd.DataFrame
    prices: pd.DataFrame
    consequences: pd.DataFrame
    effect_studies: pd.DataFrame
    net_price_index: pd.DataFrame
    meta: Meta
    path: Path | None = None
    _index: dict[int, float] = field(default_factory=dict, repr=False, compare=False)

    def index_for(self, year: int) -> float:
        """The net price index (nettoprisindeks) for `year`; KnowledgeError if the year is missing."""
        if not self._index:
            self._index.update(zip(self.net_price_index["year"], self.net_price_index["index"]))
        try:
            return self._index[int(year)]
        except KeyError:
            years = sorted(self._index)
            raise KnowledgeError(
                f"Nettoprisindekset har ikke året {year}; det dækker {years[0]}–{years[-1]}."
            ) from None

    def price_factor(self, from_year: int, to_year: int) -> float:
        """Factor that converts kroner at price level `from_year` into price level `to_year`."""
        if from_year == to_year:
            return 1.0
        return self.index_for(to_year) / self.index_for(from_year)

    def outcomes_for(self, target_group: str) -> pd.DataFrame:
        return self.outcomes[self.outcomes["target_group"] == target_group]

    def consequences_for(self, target_group: str, outcome: str) -> pd.DataFrame:
        c = self.consequences
        return c[(c["target_group"] == target_group) & (c["outcome"] == outcome)]

    def service_ids(self) -> set[str]:
        return set(self.services["id"])


def _read_table(path: Path, model: type[_Row], problems: list[Problem]) -> pd.DataFrame:
    name = path.name
    columns = list(model.model_fields)
    if not path.exists():
        problems.append(Problem(name, "Tabellen mangler i vidensdatabasen."))
        return pd.DataFrame(columns=columns)
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        header = reader.fieldnames or []
        unknown = [c for c in header if c not in model.model_fields]
        required = [c for c, fi in model.model_fields.items() if fi.is_required()]
        missing = [c for c in required if c not in header]
        if unknown:
            problems.append(Problem(name, f"Ukendte kolonner: {', '.join(unknown)}."))
        if missing:
            problems.append(Problem(name, f"Manglende kolonner: {', '.join(missing)}."))
        if unknown or missing:
            return pd.DataFrame(columns=columns)
        rows = []
        for line_no, raw in enumerate(reader, start=2):
            if None in raw or any(v is None for v in raw.values()):
                problems.append(Problem(f"{name}:række {line_no}", "Forkert antal felter i rækken."))
                continue
            data = {k: v for k, v in raw.items() if not (v == "" and not model.model_fields[k].is_required())}
            try:
                rows.append(model.model_validate(data).model_dump())
            except ValidationError as e:
                problems.extend(pydantic_problems(e, prefix=f"{name}:række {line_no}:kolonne "))
    return pd.DataFrame(rows, columns=columns)


def _check_unique(df: pd.DataFrame, keys: list[str], name: str, problems: list[Problem]) -> None:
    dup = df[df.duplicated(keys, keep="first")]
    for i in dup.index:
        key = ", ".join(f"{k}={df.at[i, k]}" for k in keys)
        problems.append(Problem(f"{name}:række {i + 2}", f"Dublet: {key} findes allerede."))


def _check_refs(df, column, valid, name, what, problems, rows=None):
    for i, v in df[column].items():
        if v not in valid:
            problems.append(
                Problem(f"{name}:række {i + 2}:kolonne {column}", f"Ukendt {what} '{v}'.")
            )


def _check_references(kb: dict[str, pd.DataFrame], problems: list[Problem]) -> None:
    tg = set(kb["target_groups.csv"]["id"])
    out = kb["outcomes.csv"]
    svc = kb["services.csv"]
    units = dict(zip(svc["id"], svc["unit"]))
    _check_unique(kb["target_groups.csv"], ["id"], "target_groups.csv", problems)
    _check_unique(out, ["id"], "outcomes.csv", problems)
    _check_unique(svc, ["id"], "services.csv", problems)
    _check_unique(kb["prices.csv"], ["service", "actor"], "prices.csv", problems)
    _check_unique(
        kb["consequences.csv"], ["target_group", "outcome", "service", "year"], "consequences.csv", problems
    )
    _check_unique(kb["effect_studies.csv"], ["id"], "effect_studies.csv", problems)
    _check_unique(kb["net_price_index.csv"], ["year"], "net_price_index.csv", problems)
    _check_refs(out, "target_group", tg, "outcomes.csv", "målgruppe", problems)
    outcome_group = dict(zip(out["id"], out["target_group"]))

    prices = kb["prices.csv"]
    _check_refs(prices, "service", units, "prices.csv", "ydelse", problems)
    for i, r in prices.iterrows():
        want = f"kr. pr. {units.get(r['service'], '?')}"
        if r["service"] in units and r["unit"] != want:
            problems.append(
                Problem(f"prices.csv:række {i + 2}:kolonne unit", f"Enheden skal være '{want}', ikke '{r['unit']}'.")
            )

    for table in ("consequences.csv", "effect_studies.csv"):
        df = kb[table]
        _check_refs(df, "target_group", tg, table, "målgruppe", problems)
        for i, r in df.iterrows():
            if r["outcome"] not in outcome_group:
                problems.append(Problem(f"{table}:række {i + 2}:kolonne outcome", f"Ukendt effektmål '{r['outcome']}'."))
            elif outcome_group[r["outcome"]] != r["target_group"]:
                problems.append(
                    Problem(
                        f"{table}:række {i + 2}:kolonne outcome",
                        f"Effektmålet '{r['outcome']}' hører til målgruppen '{outcome_group[r['outcome']]}', "
                        f"ikke '{r['target_group']}'.",
                    )
                )

    cons = kb["consequences.csv"]
    _check_refs(cons, "service", units, "consequences.csv", "ydelse", problems)
    priced = set(prices["service"])
    for i, r in cons.iterrows():
        if r["service"] in units and r["unit"] != units[r["service"]]:
            problems.append(
                Problem(
                    f"consequences.csv:række {i + 2}:kolonne unit",
                    f"Enheden skal være '{units[r['service']]}' som ydelsen, ikke '{r['unit']}'.",
                )
            )
        if r["service"] in units and r["service"] not in priced:
            problems.append(
                Problem(f"consequences.csv:række {i + 2}:kolonne service", f"Ydelsen '{r['service']}' har ingen pris.")
            )
    for i, r in kb["effect_studies.csv"].iterrows():
        lo, hi = r["ci_low"], r["ci_high"]
        if pd.notna(lo) and pd.notna(hi) and not lo <= r["success_rate"] <= hi:
            problems.append(
                Problem(f"effect_studies.csv:række {i + 2}", "Succesraten skal ligge mellem ci_low og ci_high.")
            )


def load_knowledge(path: str | os.PathLike | None = None) -> KnowledgeBase:
    """Load and validate the knowledge base in `path` (default: the shipped knowledge/ folder)."""
    folder = Path(path) if path is not None else Path(os.environ.get("SOM_KNOWLEDGE", DEFAULT_KNOWLEDGE_DIR))
    if not folder.is_dir():
        raise KnowledgeError(f"Vidensdatabasen findes ikke: {folder}")
    problems: list[Problem] = []
    tables = {name: _read_table(folder / name, model, problems) for name, model in TABLES.items()}
    meta_path = folder / "meta.yaml"
    meta = None
    try:
        meta = Meta.model_validate(yaml.safe_load(meta_path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        problems.append(Problem("meta.yaml", "Filen mangler (version og standard-prisniveau)."))
    except (ValidationError, yaml.YAMLError) as e:
        problems.append(Problem("meta.yaml", f"Ugyldig: {e}"))
    if not problems:
        _check_references(tables, problems)
    if problems:
        raise KnowledgeError(problems)
    kb = KnowledgeBase(
        target_groups=tables["target_groups.csv"],
        outcomes=tables["outcomes.csv"],
        services=tables["services.csv"],
        prices=tables["prices.csv"],
        consequences=tables["consequences.csv"],
        effect_studies=tables["effect_studies.csv"],
        net_price_index=tables["net_price_index.csv"],
        meta=meta,
        path=folder,
    )
    kb.index_for(meta.default_price_year)  # the default price level must be convertible
    return kb
