"""The scenario (en beregning): pydantic input model and JSON load/save (checks against a knowledge base: checks.py).

Amounts are kroner at `costs.price_year` (default: the scenario's price level); rates are shares 0–1
(the app shows them as %). Participants are starters per year, year 1 = `settings.first_year`.
"""

from __future__ import annotations

import json
import math
import os
import unicodedata
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import Problem, ScenarioError
from .kb import KnowledgeBase, WelfareArea
from .messages import FieldError, danish_number, pydantic_problems
from .names import ACTORS

SCHEMA_VERSION = 1
FILE_FORMAT = "som-scenario"
MAX_HORIZON = 50

# Plausible upper bounds: far above any real intervention, low enough that no sum overflows or loses its
# meaning (1e12 participants once gave a total of 161 trillion trillion kroner, 1e308 kr. gave −inf).
MAX_PARTICIPANTS_PER_YEAR = 1_000_000  # about a sixth of Denmark's population, every year
MAX_AMOUNT = 10_000_000_000  # kroner per cost line or unit price: 10 mia. kr.
MAX_DELTA_USE = 10_000_000  # change in use per successful person per year (units: weeks, days, kroner …)
# Size limits of a scenario file and its lists (a real scenario is a few kB; an 11 MB file of overrides
# once took 4.9 GB of memory). The lists allow every outcome × service × year a real scenario can have.
MAX_FILE_BYTES = 2_000_000
MAX_DEPTH = 8  # the deepest real path is 4 levels (costs.startup.kommune)
MAX_NODES = 50_000  # values in the whole file (lists, objects, numbers, texts)
MAX_DIGITS = 30  # an integer with more digits is refused before Python turns it into a number
MAX_OUTCOMES = 50
MAX_CONSEQUENCE_OVERRIDES = 5_000
MAX_PRICE_OVERRIDES = 3_000
MAX_EXCLUDED_SERVICES = 1_000
MAX_NAME = 200
MAX_DESCRIPTION = 5_000
MAX_ID = 100
MAX_RESOURCES = 200  # lines in a resource table (Social- og Boligstyrelsen's cost model has a few dozen)
MAX_QUANTITY = 10_000_000  # hours, årsværk or units on one resource line
HOURS_PER_YEAR = 8784  # 366 days × 24 hours: what one participant can receive of anyone's time in a year


class _Model(BaseModel):
    # frozen: a scenario is a value; a what-if is a new scenario (som_kernel.variants), never an edit
    model_config = ConfigDict(extra="forbid", frozen=True)


def _finite(v: float) -> float:
    if not math.isfinite(v):
        raise ValueError("Skal være et endeligt tal")
    return v


def _amount(v: float) -> float:
    _finite(v)
    if v > MAX_AMOUNT:
        raise ValueError(f"Beløbet må højst være {danish_number(MAX_AMOUNT)} kr. (fik {danish_number(v)} kr.)")
    return v


def _clean_text(v: str, *, lines: bool = False) -> str:
    """Refuse characters no file can hold: lone surrogates (half an emoji from a broken copy), U+FFFE/U+FFFF
    and control characters (tab and line breaks only where `lines`)."""
    if v.isprintable():  # no control character, surrogate or non-character (all unprintable): the usual case, in C
        return v
    for i, ch in enumerate(v, start=1):
        if "\ud800" <= ch <= "\udfff":
            raise ValueError(f"Teksten indeholder et ugyldigt tegn (et halvt tegn, tegn nr. {i}); skriv det igen")
        if ch in "\ufffe\uffff":  # not characters at all: no workbook or SVG can hold them
            raise ValueError(f"Teksten indeholder et ugyldigt tegn (U+{ord(ch):04X}, tegn nr. {i}); fjern det")
        if unicodedata.category(ch) == "Cc" and not (lines and ch in "\t\n\r"):
            raise ValueError(f"Teksten indeholder et usynligt styretegn (tegn nr. {i}, kode {ord(ch)}); fjern det")
    return v


def _name(v: str) -> str:
    return _clean_text(v)


def _lines(v: str) -> str:
    return _clean_text(v, lines=True)


Name = Annotated[str, Field(max_length=MAX_NAME), AfterValidator(_name)]
Id = Annotated[str, Field(max_length=MAX_ID), AfterValidator(_name)]


class ActorAmounts(_Model):
    """Kroner per actor. Missing actors are 0."""

    kommune: float = Field(default=0.0, ge=0)
    region: float = Field(default=0.0, ge=0)
    stat: float = Field(default=0.0, ge=0)

    _check = field_validator("kommune", "region", "stat")(_amount)

    def as_dict(self) -> dict[str, float]:
        return {a: getattr(self, a) for a in ACTORS}


CostField = Literal["startup", "running_per_participant", "running_per_year", "baseline_per_participant"]


class Costs(_Model):
    """The intervention's costs (omkostninger), split on actors, in kroner at `price_year`.
    How each line is booked and shared over cohorts: docs/method.md#step-2-costs"""

    startup: ActorAmounts = Field(default_factory=ActorAmounts)  # one-off, in the first year
    running_per_participant: ActorAmounts = Field(default_factory=ActorAmounts)  # per participant per year in it
    running_per_year: ActorAmounts = Field(default_factory=ActorAmounts)  # fixed, per year of operation
    baseline_per_participant: ActorAmounts = Field(default_factory=ActorAmounts)  # usual intervention replaced
    price_year: int | None = Field(default=None, ge=1990, le=2100)  # None: the scenario's price level
    welfare_area: WelfareArea = "social"
    # the kommune's committee (udvalg id) that carries a cost line; a line not named here: the knowledge base's
    # default for the costs' welfare area (knowledge/committee_map.csv). Optional: older files load unchanged.
    committees: dict[CostField, Id] = Field(default_factory=dict)
    # the resource table: each line adds to its cost line (steps/costs.py `cost_totals`); [] = typed totals only
    resources: list[Resource] = Field(default_factory=list, max_length=MAX_RESOURCES)
    # overhead on staff lines (hours, årsværk) as a share of the wage; None: the knowledge base's (meta.yaml)
    overhead_share: float | None = Field(default=None, ge=0, le=1)


# A resource line's cost line: the four lines of Costs (one-off, running per participant per year, running per
# year, and the usual effort it replaces per participant per year)
ResourceLine = CostField
# hours and årsværk are staff time (priced by a profession's wage or an own wage, plus overhead); units anything else
ResourceUnit = Literal["hours", "fte", "units"]
ResourceCategory = Literal["staff", "training", "supervision", "premises", "materials", "purchases", "other"]
PER_PARTICIPANT_LINES = ("running_per_participant", "baseline_per_participant")


class Resource(_Model):
    """One line of the resource table (ressourceopgørelse), as in Social- og Boligstyrelsen's cost model: what is
    used, who pays, on which cost line, how much (hours, årsværk or units) and at what price: a profession's wage
    from the knowledge base (wages.csv) or an own unit price in kroner at `Costs.price_year`.
    How a line is priced: docs/method.md#resources-the-cost-model"""

    name: Name = Field(min_length=1)
    category: ResourceCategory = "staff"
    line: ResourceLine
    actor: Literal["kommune", "region", "stat"] = "kommune"
    quantity: float = Field(ge=0, le=MAX_QUANTITY)
    unit: ResourceUnit = "hours"
    profession: Id | None = None  # wages.csv; only for hours and fte
    unit_price: float | None = Field(default=None, ge=0)  # kroner per hour, årsværk or unit

    _check = field_validator("quantity")(_finite)
    _price = field_validator("unit_price")(lambda v: v if v is None else _amount(v))

    @model_validator(mode="after")
    def _priced_once(self) -> Resource:
        if (self.profession is None) == (self.unit_price is None):
            raise FieldError(
                "unit_price", "Angiv enten en faggruppe fra vidensdatabasen eller en enhedspris (ikke begge)"
            )
        if self.profession is not None and self.unit == "units":
            raise FieldError("profession", "En faggruppe kan kun prissætte timer eller årsværk; angiv en enhedspris")
        if self.unit == "hours" and self.line in PER_PARTICIPANT_LINES and self.quantity > HOURS_PER_YEAR:
            raise FieldError(
                "quantity",
                f"En deltager kan højst få {danish_number(float(HOURS_PER_YEAR))} timer om året (366 døgn × 24 timer); "
                f"fik {danish_number(self.quantity)}. Er det timer for alle deltagere? Så brug drift pr. år",
            )
        return self


class OutcomeEffect(_Model):
    """One outcome (effektmål): net success rate beyond the baseline, and its persistence by year.
    docs/method.md#step-3-effect-and-successes"""

    outcome: Id
    success_rate: float
    # share of the effect left in consequence year 1, 2, …; past the list the last value holds; [] = 1
    persistence: list[float] = Field(default_factory=list, max_length=MAX_HORIZON)
    # the effect study (knowledge-base id) the success rate is taken from; None: no source declared. The
    # checklist reads the study's design, evidence and follow-up from it (never by matching rates).
    study: Id | None = None

    @field_validator("success_rate")
    @classmethod
    def _rate(cls, v: float) -> float:
        if not (math.isfinite(v) and 0 <= v <= 1):
            raise ValueError(f"Succesraten skal ligge mellem 0 og 100 % (fik {danish_number(v * 100)} %)")
        return v

    @field_validator("persistence")
    @classmethod
    def _persistence(cls, v: list[float]) -> list[float]:
        for i, p in enumerate(v, start=1):
            if not (math.isfinite(p) and 0 <= p <= 1):
                raise ValueError(f"Varigheden i år {i} skal ligge mellem 0 og 1 (fik {danish_number(p)})")
        return v

    def persistence_profile(self, horizon: int) -> list[float]:
        """Persistence for consequence years 1..horizon."""
        p = self.persistence or [1.0]
        return [p[min(k, len(p) - 1)] for k in range(horizon)]


class ConsequenceOverride(_Model):
    """A local consequence estimate: change in use of `service` per successful person in `year`."""

    outcome: Id
    service: Id
    year: int = Field(ge=1, le=MAX_HORIZON)
    delta_use: float = Field(ge=-MAX_DELTA_USE, le=MAX_DELTA_USE)

    _check = field_validator("delta_use")(_finite)


class PriceOverride(_Model):
    """A local unit price for one service and actor, in kroner at `price_year`."""

    service: Id
    actor: Literal["kommune", "region", "stat"]
    price: float = Field(ge=0)
    price_year: int | None = Field(default=None, ge=1990, le=2100)

    _check = field_validator("price")(_amount)


class CustomTargetGroup(_Model):
    """A user-defined target group: no knowledge-base consequences, so the scenario supplies them."""

    name: Name = Field(min_length=1)
    description: Annotated[str, Field(max_length=MAX_DESCRIPTION), AfterValidator(_lines)] = ""
    outcomes: dict[Id, Name] = Field(min_length=1, max_length=MAX_OUTCOMES)  # outcome id → name


class Settings(_Model):
    """Indstillinger: price level, first calendar year, horizon, discount rate, consequence offset, and the two
    settings the public-finance rules need (weeks on public support, benefits net of tax; som_kernel/kb/rules.py).
    Defaults and why: docs/method.md#where-the-original-is-silent-our-defaults-and-why"""

    price_year: int = Field(ge=1990, le=2100)
    first_year: int = Field(ge=1990, le=2100)
    horizon_years: int = Field(default=10, ge=1, le=MAX_HORIZON)  # consequence years after completion
    discount_rate: float = Field(default=0.0, ge=0, le=0.5)
    # 0: consequence year 1 is the completion year (SØM's framing); 1: the year after
    consequence_offset: Literal[0, 1] = 0
    # Used only for services priced by a rule (knowledge/rule_links.csv); None = the knowledge base's default.
    # Their Danish labels and help texts: som_kernel/fields.py.
    weeks_on_benefits: int | None = Field(default=None, ge=0, le=1040)
    benefits_net_of_tax: bool = True


class LocalLayerRef(_Model):
    """Which local layer (a kommune's own numbers on top of the knowledge base) a scenario was computed with."""

    name: str = Field(min_length=1, max_length=80)
    kommune: str = Field(default="", max_length=80)
    hash: str = Field(pattern=r"^[0-9a-f]{12}$")


class Scenario(_Model):
    """A complete SØM calculation's input."""

    schema_version: int = SCHEMA_VERSION
    name: Name = "Ny beregning"
    description: Annotated[str, Field(max_length=MAX_DESCRIPTION), AfterValidator(_lines)] = ""
    target_group: Id | None = None
    custom_target_group: CustomTargetGroup | None = None
    # starters in year 1, 2, …
    participants: list[Annotated[int, Field(le=MAX_PARTICIPANTS_PER_YEAR)]] = Field(
        min_length=1, max_length=MAX_HORIZON
    )
    duration_years: int = Field(ge=1, le=10)  # forløbslængde
    costs: Costs = Field(default_factory=Costs)
    outcomes: list[OutcomeEffect] = Field(min_length=1, max_length=MAX_OUTCOMES)
    consequence_overrides: list[ConsequenceOverride] = Field(default_factory=list, max_length=MAX_CONSEQUENCE_OVERRIDES)
    price_overrides: list[PriceOverride] = Field(default_factory=list, max_length=MAX_PRICE_OVERRIDES)
    excluded_services: list[Id] = Field(default_factory=list, max_length=MAX_EXCLUDED_SERVICES)
    settings: Settings
    # the local layer the scenario was saved with (None: the national knowledge base alone); see local_layer_warning
    local_layer: LocalLayerRef | None = None

    @field_validator("participants")
    @classmethod
    def _participants(cls, v: list[int]) -> list[int]:
        for i, n in enumerate(v, start=1):
            if n < 0:
                raise ValueError(f"Antal deltagere i år {i} kan ikke være negativt (fik {danish_number(n)})")
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
            raise FieldError(
                "target_group",
                "Vælg enten en målgruppe fra vidensdatabasen eller en egen målgruppe (ikke begge)",
            )
        seen: set[str] = set()
        for i, o in enumerate(self.outcomes):
            if o.outcome in seen:
                raise FieldError(f"outcomes[{i}].outcome", f"Effektmålet '{o.outcome}' er valgt mere end én gang")
            seen.add(o.outcome)
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


# strict errors that are a text or true/false where a number (or true/false) belongs: refused in every mode
_TYPED = {"int_type": (str, bool), "float_type": (str, bool), "bool_type": (str, int, float)}


def build_scenario(data: dict, *, strict: bool = False) -> Scenario:
    """A Scenario from a dict; invalid input raises ScenarioError with Danish messages per field.

    Never a conversion from text or true/false: "50" or True where a number belongs (and "true" or 1 where
    true/false belongs) is an error naming the field, as in a file. `strict` (used for files): no conversion at
    all, so 3.0 where a whole number belongs is refused too; otherwise (the app's widgets, Python callers)
    Python's own numbers pass: 3.0 for 3, a tuple for a list, numpy numbers."""
    try:
        return Scenario.model_validate(data, strict=True)
    except ValidationError as e:
        if strict:
            raise ScenarioError(pydantic_problems(e)) from None
        typed = [err for err in e.errors() if isinstance(err["input"], _TYPED.get(err["type"], ()))]
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as e:
        places = {err["loc"] for err in typed}
        raise ScenarioError(
            pydantic_problems(typed + [err for err in e.errors() if err["loc"] not in places])
        ) from None
    if typed:
        raise ScenarioError(pydantic_problems(typed))
    return scenario


# ---- files -------------------------------------------------------------------------------------------


FILE = "fil"  # the `where` of a problem with the file as a whole


def scenario_to_json(scenario: Scenario) -> str:
    """The scenario as a versioned JSON document (UTF-8 text)."""
    doc = {"format": FILE_FORMAT, **scenario.model_dump(mode="json")}
    return json.dumps(doc, ensure_ascii=False, indent=2)


class _TooManyDigits(str):
    """An integer literal too long to be a number of this model (kept as its text to name its field)."""


def _parse_int(text: str) -> int | _TooManyDigits:
    return _TooManyDigits(text) if len(text.lstrip("-")) > MAX_DIGITS else int(text)


def _parse_constant(text: str) -> None:
    raise ScenarioError([Problem(FILE, f"Filen indeholder '{text}', som ikke er et tal. Skriv et tal.")])


def _path(parts: list) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out or FILE


def _check_shape(doc: object) -> None:
    """Refuse a document nested deeper than MAX_DEPTH, with more than MAX_NODES values or an integer of
    more than MAX_DIGITS digits, before pydantic sees it (iteratively: no recursion to exhaust)."""
    stack: list[tuple[object, list]] = [(doc, [])]
    nodes = 0
    while stack:
        node, path = stack.pop()
        nodes += 1
        if nodes > MAX_NODES:
            raise ScenarioError(
                [Problem(FILE, f"Filen har over {danish_number(MAX_NODES)} værdier; en beregning har langt færre.")]
            )
        if len(path) > MAX_DEPTH:
            raise ScenarioError(
                [
                    Problem(
                        _path(path[:MAX_DEPTH]),
                        f"Feltet er indlejret mere end {MAX_DEPTH} niveauer; det kan ikke være en del af en beregning.",
                    )
                ]
            )
        if isinstance(node, _TooManyDigits):
            digits = len(node.lstrip("-"))
            raise ScenarioError(
                [Problem(_path(path), f"Tallet har {danish_number(digits)} cifre; det er alt for stort.")]
            )
        if isinstance(node, dict):
            stack.extend((v, [*path, k]) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, [*path, i]) for i, v in enumerate(node))


def scenario_from_json(text: str | bytes) -> Scenario:
    """Parse a scenario file's text strictly; a cut-off, foreign, oversized or invalid file raises
    ScenarioError in Danish, each problem naming its field (or the file, line and column)."""
    size = len(text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text)
    if size > MAX_FILE_BYTES:
        raise ScenarioError(
            [
                Problem(
                    FILE,
                    f"Filen er for stor ({danish_number(size / 1e6, 1)} MB); en scenariefil må højst være "
                    f"{danish_number(MAX_FILE_BYTES / 1e6, 0)} MB.",
                )
            ]
        )
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")  # a byte-order mark (as Notepad saves UTF-8) is read and dropped
        except UnicodeDecodeError:
            raise ScenarioError(
                [Problem(FILE, "Filen er ikke en tekstfil (UTF-8). Vælg en scenariefil (.json).")]
            ) from None
    text = text.removeprefix("\ufeff")
    try:
        doc = json.loads(text, parse_int=_parse_int, parse_constant=_parse_constant)
    except json.JSONDecodeError as e:
        raise ScenarioError(
            [
                Problem(
                    f"linje {e.lineno}, kolonne {e.colno}",
                    "Filen kan ikke læses: den er afbrudt eller ikke gyldig JSON.",
                )
            ]
        ) from None
    except RecursionError:
        raise ScenarioError(
            [Problem(FILE, f"Filen er indlejret alt for dybt; en beregning har højst {MAX_DEPTH} niveauer.")]
        ) from None
    if not isinstance(doc, dict) or doc.get("format") != FILE_FORMAT:
        raise ScenarioError(
            [Problem("format", 'Filen er ikke en SØM-scenariefil (feltet "format" skal være "som-scenario").')]
        )
    _check_shape(doc)
    # "alternatives": pinned alternatives, read by som_kernel.compare.document_from_json
    doc = {k: v for k, v in doc.items() if k not in ("format", "alternatives")}
    return build_scenario(doc, strict=True)


def with_local_layer(scenario: Scenario, kb: KnowledgeBase) -> Scenario:
    """The scenario stamped with the local layer of `kb` (name, kommune, content hash), or with none."""
    layer = kb.local
    ref = None if layer is None else LocalLayerRef(name=layer.name, kommune=layer.kommune, hash=layer.hash)
    return scenario.model_copy(update={"local_layer": ref})


def local_layer_warning(scenario: Scenario, kb: KnowledgeBase) -> str | None:
    """A Danish warning when `scenario` was saved with another local layer than the one `kb` has, else None."""
    saved, now = scenario.local_layer, kb.local

    def text(ref) -> str:
        return f"det lokale lag '{ref.name}' ({ref.kommune}, version {ref.hash})"

    if saved is None and now is None or saved is not None and now is not None and saved.hash == now.hash:
        return None
    before = text(saved) if saved is not None else "den nationale vidensdatabase uden lokalt lag"
    after = text(now) if now is not None else "den nationale vidensdatabase uden lokalt lag"
    return f"Beregningen blev gemt med {before}, men regnes nu med {after}; tallene kan derfor afvige fra de gemte."


def save_scenario(scenario: Scenario, path: str | os.PathLike, kb: KnowledgeBase | None = None) -> None:
    """Write the scenario file; with `kb`, record its local layer (name and content hash) in the file."""
    if kb is not None:
        scenario = with_local_layer(scenario, kb)
    Path(path).write_text(scenario_to_json(scenario), encoding="utf-8")


def load_scenario(path: str | os.PathLike) -> Scenario:
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise ScenarioError([Problem(str(path), "Filen findes ikke.")]) from None
    except IsADirectoryError:
        raise ScenarioError([Problem(str(path), "Det er en mappe, ikke en scenariefil.")]) from None
    except PermissionError:
        raise ScenarioError([Problem(str(path), "Filen kan ikke åbnes: ingen adgang.")]) from None
    except OSError as e:
        raise ScenarioError([Problem(str(path), f"Filen kan ikke åbnes (fejlkode {e.errno}).")]) from None
    return scenario_from_json(data)
