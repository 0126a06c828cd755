"""Load and validate the knowledge base (vidensdatabase) in knowledge/: one CSV per concept.

Every table has a row schema (pydantic, unknown columns forbidden); every reference between tables
must resolve. Errors are collected and raised together as one KnowledgeError naming file, row and
column. A loaded knowledge base is immutable; local values are overlays in the scenario.
"""

from __future__ import annotations

import csv
import io
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import KnowledgeError, Problem
from .messages import pydantic_problems
from .names import ACTORS as ACTORS
from .names import WELFARE_AREA_NAMES_DA as WELFARE_AREA_NAMES_DA
from .names import WELFARE_AREAS as WELFARE_AREAS

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
    price: float
    unit: str
    price_year: int = Field(ge=1990, le=2100)
    note: str = ""

    @field_validator("price")
    @classmethod
    def _non_negative(cls, v: float) -> float:
        if not (v >= 0 and math.isfinite(v)):
            raise ValueError(f"prisen må ikke være negativ eller uendelig (fik {v:g})")
        return v


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
    version: str = Field(min_length=1)
    default_price_year: int = Field(ge=1990, le=2100)
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
    # public-finance rules (knowledge/rules/*.yaml + rule_links.csv), None when the folder has none; see rules.py
    rules: object | None = field(default=None, compare=False)
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

    def service_ids(self) -> set[str]:
        return set(self.services["id"].tolist())

    def _cached(self, key, make):
        if key not in self._derived:
            self._derived[key] = make()
        return self._derived[key]

    def service_info(self, column: str, services) -> np.ndarray:
        """One column of services.csv (e.g. 'flow', 'welfare_area', 'name') for each service id in `services`."""
        ids = self._cached("service_positions", lambda: {v: i for i, v in enumerate(self.services["id"].tolist())})
        distinct, inverse = np.unique(np.asarray(services, dtype=object), return_inverse=True)
        at = np.array([ids.get(v, -1) for v in distinct.tolist()], dtype=int)[inverse.ravel()]
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


def _read_table(path: Path, model: type[_Row], problems: list[Problem]) -> pd.DataFrame:
    name = path.name
    columns = list(model.model_fields)
    if not path.exists():
        problems.append(Problem(name, "Tabellen mangler i vidensdatabasen."))
        return pd.DataFrame(columns=columns)
    try:
        # utf-8-sig: a file saved from Excel starts with a byte-order mark, which must not end up in a column name
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        problems.append(Problem(name, f"Filen er ikke gemt som UTF-8 (byte {e.start}). Gem den som CSV UTF-8."))
        return pd.DataFrame(columns=columns)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    unknown = [c for c in header if c not in model.model_fields]
    required = [c for c, fi in model.model_fields.items() if fi.is_required()]
    missing = [c for c in required if c not in header]
    if not header:
        problems.append(Problem(name, "Tabellen er tom (ingen overskriftsrække)."))
        return pd.DataFrame(columns=columns)
    if unknown:
        problems.append(
            Problem(name, f"Ukendte kolonner: {', '.join(unknown)}. Tilladte kolonner: {', '.join(columns)}.")
        )
    if missing:
        problems.append(Problem(name, f"Manglende kolonner: {', '.join(missing)}."))
    if len(set(header)) != len(header):
        problems.append(Problem(name, "Overskriftsrækken har den samme kolonne mere end én gang."))
    if unknown or missing or len(set(header)) != len(header):
        return pd.DataFrame(columns=columns)
    rows, lines = [], []
    sourced = issubclass(model, _Sourced)
    for raw in reader:
        line_no = reader.line_num
        if None in raw or any(v is None for v in raw.values()):
            problems.append(
                Problem(
                    f"{name}:række {line_no}",
                    f"Forkert antal felter i rækken (der skal være {len(header)}); er rækken afbrudt?",
                )
            )
            continue
        if not any(v.strip() for v in raw.values()):
            continue  # a blank line
        data = {k: v for k, v in raw.items() if not (v == "" and not model.model_fields[k].is_required())}
        try:
            row = model.model_validate(data).model_dump()
        except ValidationError as e:
            problems.extend(pydantic_problems(e, prefix=f"{name}:række {line_no}:kolonne "))
            continue
        if sourced and not row["illustrative"] and not row["source_url"]:
            problems.append(
                Problem(
                    f"{name}:række {line_no}:kolonne source_url",
                    "Skal udfyldes med kildens adresse, når rækken ikke er illustrativ (illustrative=false).",
                )
            )
            continue
        rows.append(row)
        lines.append(line_no)
    if not rows and not any(p.where.startswith(name) for p in problems):
        problems.append(Problem(name, "Tabellen har ingen rækker."))
    # indexed by the row's line number in the file (header = 1) so later checks can name it; reset after loading
    return pd.DataFrame(rows, columns=columns, index=pd.Index(lines, dtype=int))


def _where(name: str, line: int, column: str | None = None) -> str:
    """'prices.csv:række 7:kolonne unit': `line` is the row's line number in the file (the header is line 1)."""
    return f"{name}:række {line}" + (f":kolonne {column}" if column else "")


def _check_unique(df: pd.DataFrame, keys: list[str], name: str, problems: list[Problem]) -> None:
    dup = df[df.duplicated(keys, keep="first")]
    for i in dup.index:
        key = ", ".join(f"{k}={df.at[i, k]}" for k in keys)
        problems.append(Problem(_where(name, i, keys[0]), f"Dublet: {key} findes allerede."))


def _check_refs(df: pd.DataFrame, column: str, valid, name: str, what: str, problems: list[Problem]) -> None:
    for i, v in df[column].items():
        if v not in valid:
            problems.append(Problem(_where(name, i, column), f"Ukendt {what} '{v}'."))


# Most units one person can use in a year: a consequence (Δ use per successful person per year) beyond it is a typo.
# Units not listed (besøg, kontakt, sag, …) have no cap.
MAX_PER_PERSON_YEAR: dict[str, float] = {
    "døgn": 366,
    "sengedag": 366,
    "uge": 53,
    "måned": 12,
    "time": 24 * 366,
    "år": 1,
    "elevår": 1,
    "tilsynsår": 1,
    "år i job": 1,
    "år i fleksjob": 1,
}


def _check_references(kb: dict[str, pd.DataFrame], meta: Meta, problems: list[Problem]) -> None:
    """Unique keys, references between tables, units and price years; frames are indexed by file line number."""
    tg = set(kb["target_groups.csv"]["id"])
    out = kb["outcomes.csv"]
    svc = kb["services.csv"]
    prices = kb["prices.csv"]
    cons = kb["consequences.csv"]
    units = dict(zip(svc["id"], svc["unit"], strict=True))
    for table, keys in (
        ("target_groups.csv", ["id"]),
        ("outcomes.csv", ["id"]),
        ("services.csv", ["id"]),
        ("prices.csv", ["service", "actor"]),
        ("consequences.csv", ["target_group", "outcome", "service", "year"]),
        ("effect_studies.csv", ["id"]),
        ("net_price_index.csv", ["year"]),
    ):
        _check_unique(kb[table], keys, table, problems)
    _check_refs(out, "target_group", tg, "outcomes.csv", "målgruppe", problems)
    outcome_group = dict(zip(out["id"], out["target_group"], strict=True))

    index_years = sorted(int(y) for y in kb["net_price_index.csv"]["year"])
    span = f"{index_years[0]}–{index_years[-1]}" if index_years else "ingen år"
    if meta.default_price_year not in index_years:
        problems.append(
            Problem(
                "meta.yaml",
                f"Standard-prisniveauet {meta.default_price_year} findes ikke i nettoprisindekset ({span}).",
            )
        )

    _check_refs(prices, "service", units, "prices.csv", "ydelse", problems)
    for i, r in prices.iterrows():
        want = f"kr. pr. {units.get(r['service'], '?')}"
        if r["service"] in units and r["unit"] != want:
            problems.append(
                Problem(_where("prices.csv", i, "unit"), f"Enheden skal være '{want}' som ydelsen, ikke '{r['unit']}'.")
            )
        if r["price_year"] not in index_years:
            problems.append(
                Problem(
                    _where("prices.csv", i, "price_year"),
                    f"Prisåret {r['price_year']} findes ikke i nettoprisindekset ({span}).",
                )
            )

    for table in ("consequences.csv", "effect_studies.csv"):
        df = kb[table]
        _check_refs(df, "target_group", tg, table, "målgruppe", problems)
        for i, r in df.iterrows():
            if r["outcome"] not in outcome_group:
                problems.append(Problem(_where(table, i, "outcome"), f"Ukendt effektmål '{r['outcome']}'."))
            elif r["target_group"] in tg and outcome_group[r["outcome"]] != r["target_group"]:
                problems.append(
                    Problem(
                        _where(table, i, "outcome"),
                        f"Effektmålet '{r['outcome']}' hører til målgruppen '{outcome_group[r['outcome']]}', "
                        f"ikke '{r['target_group']}'.",
                    )
                )

    _check_refs(cons, "service", units, "consequences.csv", "ydelse", problems)
    priced = set(prices["service"])
    for i, r in cons.iterrows():
        if r["service"] in units and r["unit"] != units[r["service"]]:
            problems.append(
                Problem(
                    _where("consequences.csv", i, "unit"),
                    f"Enheden skal være '{units[r['service']]}' som ydelsen, ikke '{r['unit']}'.",
                )
            )
        cap = MAX_PER_PERSON_YEAR.get(r["unit"])
        if cap is not None and abs(r["delta_use"]) > cap:
            problems.append(
                Problem(
                    _where("consequences.csv", i, "delta_use"),
                    f"En person kan højst bruge {cap:g} {r['unit']} pr. år; ændringen må ikke være større "
                    f"(fik {r['delta_use']:g}).",
                )
            )
        if r["service"] in units and r["service"] not in priced:
            problems.append(
                Problem(
                    _where("consequences.csv", i, "service"), f"Ydelsen '{r['service']}' har ingen pris i prices.csv."
                )
            )
    for i, r in kb["effect_studies.csv"].iterrows():
        lo, hi = r["ci_low"], r["ci_high"]
        if pd.notna(lo) and pd.notna(hi) and not lo <= r["success_rate"] <= hi:
            problems.append(
                Problem(
                    _where("effect_studies.csv", i, "success_rate"), "Succesraten skal ligge mellem ci_low og ci_high."
                )
            )
        if pd.isna(lo) != pd.isna(hi):
            problems.append(
                Problem(_where("effect_studies.csv", i, "ci_low"), "Udfyld både ci_low og ci_high, eller ingen af dem.")
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
    except ValidationError as e:
        problems.extend(pydantic_problems(e, prefix="meta.yaml:felt "))
    except yaml.YAMLError as e:
        problems.append(Problem("meta.yaml", f"Filen er ikke gyldig YAML: {e}"))
    rules = None
    if not problems:
        _check_references(tables, meta, problems)
    if not problems:
        from .rules import load_rules  # rules.py imports this module

        rules = load_rules(folder, tables, problems)
    if problems:
        raise KnowledgeError(problems)
    tables = {name: df.reset_index(drop=True) for name, df in tables.items()}
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
        rules=rules,
    )
    kb.index_for(meta.default_price_year)  # the default price level must be convertible
    return kb
