"""The app's input fields, declared once: the table every input of a scenario is built, read, checked and
written back from.

Each field a person types or chooses is one `InputField` in `FIELDS`: the scenario path it writes, its Danish
label (and the longer label a paper or a workbook uses, where no help text stands beside it), its unit, its
limits and step, its help text and its kind. The app (som_kernel/ui) builds its widgets from these rows,
reads typed text with `InputField.read` (the project's one number reader, numbers.py) and writes a scenario's
values back with `InputField.shown`; describe.py and the Excel input sheet take their labels and units from
the same rows. The limits are read from the scenario model (scenario.py), so the app refuses exactly what the
kernel refuses, said in the field's own unit (per cent, not a share).

The number of years with starters is the length of the list of starters: its path is 'len(participants)'.
A repeated field has placeholders in its path: `{line}` (a cost line), `{actor}`, `{i}` (a list position);
`InputField.at(line=…, actor=…, i=…)` fills them, and `field_for(path)` finds the field of a concrete path.
A new input is one more `InputField(...)` in FIELDS, in the order the app shows it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

import annotated_types
from pydantic import BaseModel

from .format import number
from .kb.policy import policy_value
from .kb.rules import first_year
from .names import (
    ACTOR_NAMES_DA,
    ACTORS,
    COST_LINES,
    RESOURCE_CATEGORY_NAMES_DA,
    RESOURCE_UNIT_NAMES_DA,
    WELFARE_AREA_NAMES_DA,
)
from .numbers import Unit, read_number
from .scenario import (
    MAX_AMOUNT,
    MAX_HORIZON,
    MAX_PARTICIPANTS_PER_YEAR,
    ActorAmounts,
    ConsequenceOverride,
    Costs,
    PriceOverride,
    Resource,
    Scenario,
    Settings,
)

if TYPE_CHECKING:
    from .kb import KnowledgeBase

Kind = Literal["text", "lines", "integer", "number", "year", "percent", "percent_list", "amount", "choice", "flag"]
# describe.py's number formats by kind (InputRow.unit)
DESCRIBE_UNITS = {"percent": "pct", "integer": "n", "number": "n", "year": "year", "amount": "kr"}
SIGNIFICANT_DIGITS = 12  # a number shown in a field keeps this many, so reading it back gives the same number


class FieldValueError(ValueError):
    """A typed value that cannot be used, with a Danish message for the person (no field path: the app shows
    it next to the field)."""


def bounds(model: type[BaseModel], name: str) -> tuple[float | None, float | None]:
    """The lower and upper limit pydantic checks for `model.name` (Field(ge=…, le=…)), or None where it has none."""
    low = high = None
    for m in model.model_fields[name].metadata:
        if isinstance(m, annotated_types.Ge):
            low = m.ge
        elif isinstance(m, annotated_types.Le):
            high = m.le
    return low, high


# ---- numbers as a field shows them (the inverse of reading) ------------------------------------------------


def fmt_number(x: float | None, decimals: int = 2) -> str:
    """Up to `decimals` decimals, trailing zeros dropped: 12.5 → '12,5', 50000 → '50.000', None → ''."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    text = number(x, decimals)
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return text


def exact_number(x: float, unit: Unit | None = None) -> str:
    """Every significant digit a typed number can have (12), Danish, trailing zeros dropped: 0.13 × 100 →
    '13', 1234567.891 → '1.234.567,891', 2e-9 → '0,000000002'. For a value set from a file or a button,
    so that reading the field back gives the same number (to 12 digits), however small."""
    if x == 0 or not math.isfinite(x):
        return fmt_number(x, 0)
    decimals = max(0, SIGNIFICANT_DIGITS - 1 - math.floor(math.log10(abs(x))))
    text = fmt_number(float(f"{x:.{SIGNIFICANT_DIGITS}g}"), decimals)
    if read_number(text, unit).ambiguous:  # a field must read its own text one way only
        # '4,567' (4,567 or 4567?) → '4,5670'; '1.500' outside kroner (1500 or 1,5?) → '1500'
        text = text + "0" if "," in text else text.replace(".", "")
    return text


def parse_typed(
    text: str, *, integer: bool = False, allow_blank: float | None = None, unit: Unit | None = None
) -> float:
    """Read a number typed in a field; FieldValueError with a Danish message if it is not one or can be read
    in two ways ("1.500" in a per-cent field: 1.500 or 1,5?), so the app asks instead of guessing."""
    if not text.strip():
        if allow_blank is not None:
            return allow_blank
        raise FieldValueError("Skal udfyldes")
    reading = read_number(text, unit)
    whole = [v for v in reading.alternatives if float(v).is_integer()]
    if integer and reading.ambiguous and len(whole) == 1:
        return int(whole[0])  # "1.500" starters: 1,5 cannot be a count, so it is 1500
    if not reading.ok:
        raise FieldValueError(reading.message.rstrip("."))
    value = reading.value
    if integer:
        if value != int(value):
            raise FieldValueError(f"Skal være et helt tal (fik {text.strip()})")
        return int(value)
    return value


# ---- the field ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InputField:
    """One input of a scenario as the app shows it.

    path: the scenario path it writes ('settings.discount_rate'; placeholders {line}, {actor}, {i})
    label: the Danish label beside the input; `long_label` the one a paper or workbook uses ('' = label)
    kind: text, lines, integer, number (any decimal), year, percent (a share shown ×100), percent_list, amount
      (kroner), choice, flag;
      a field with options (here or from the knowledge base, as the price years) is chosen, not typed
    unit: the unit shown after the input ('år', '% om året', 'kr.'); help: the tooltip (Danish)
    minimum, maximum: the limits in stored units (a share for per cent); None = none
    step: 1 for whole numbers; subject: the field named in a message ('Diskonteringsrenten')
    blank: the value an empty input means (None: it must be filled in); low_hint: added to a too-low message
    options: (Danish text, value) pairs of a choice that do not depend on the knowledge base (the app offers the
      knowledge base's choices after them); a value None is "none chosen" (the scenario's default)
    tab: the app's step (1–8) the field is on
    """

    path: str
    label: str
    kind: Kind
    tab: int
    unit: str = ""
    help: str = ""
    long_label: str = ""
    minimum: float | None = None
    maximum: float | None = None
    step: float | None = None
    subject: str = ""
    blank: float | None = None
    low_hint: str = ""
    placeholder: str = ""
    options: tuple[tuple[str, object], ...] = ()

    @property
    def title(self) -> str:
        """The label for a paper or a workbook."""
        return self.long_label or self.label

    @property
    def scale(self) -> float:
        """Shown value = stored value × scale (per cent: a share 0,13 is shown as 13)."""
        return 100.0 if self.kind in ("percent", "percent_list") else 1.0

    @property
    def number_unit(self) -> Unit | None:
        """The unit the number reader is told (enables its kroner rule, refuses '12 %' for kroner)."""
        if self.kind == "year":
            return "år"
        return "kr" if self.kind == "amount" else "%" if self.kind in ("percent", "percent_list") else None

    @property
    def describe_unit(self) -> str:
        """describe.py's number format code for this field ('pct', 'n', 'year', 'kr' or '')."""
        return DESCRIBE_UNITS.get(self.kind, "")

    @property
    def whole(self) -> bool:
        return self.step == 1 or self.kind == "year"

    def at(self, **parts: object) -> InputField:
        """The field at a concrete path: FIELD['costs.{line}.{actor}'].at(line='startup', actor='kommune')."""
        return replace(self, path=self.path.format(**parts))

    # -- reading ---------------------------------------------------------------------------------------
    def _shown_number(self, value: float) -> str:
        """A value in the field's own unit for a message: 0.6 → '60 %', 5 → '5 år', −5000 → '−5.000 kr.'."""
        shown = value * self.scale
        text = str(int(shown)) if self.kind == "year" and float(shown).is_integer() else fmt_number(shown, 6)
        unit = "%" if self.scale != 1 else "" if self.kind == "year" else self.unit.split(" ")[0]
        return f"{text} {unit}" if unit else text

    def limit_message(self, value: float, subject: str = "") -> str:
        """'' when `value` (stored units) is within the limits, else a Danish message in the field's unit:
        'Diskonteringsrenten skal ligge mellem 0 og 50 % (fik 60 %)'."""
        low, high = self.minimum, self.maximum
        if (low is None or value >= low) and (high is None or value <= high):
            return ""
        who = subject or self.subject or self.label
        got = self._shown_number(value)
        if low == 0 and value < 0:  # 'Beløbet … negativt', 'Succesraten … negativ': a neuter noun ends in -et
            text = f"{who} kan ikke være negativ{'t' if who.split()[0].endswith('et') else ''}"
        elif low is not None and high is not None:
            text = _one_unit(f"{who} skal ligge mellem {self._shown_number(low)} og {self._shown_number(high)}")
        elif low is not None:
            text = f"{who} skal være mindst {self._shown_number(low)}"
        else:
            text = f"{who} må højst være {self._shown_number(high)}"
        hint = f"; {self.low_hint}" if self.low_hint and low is not None and value < low else ""
        return f"{text} (fik {got}){hint}"

    def read(self, text: str) -> float | int:
        """The stored value of a typed text (per cent → share), checked against the limits; FieldValueError
        with a Danish message if it is empty (and may not be), unreadable, ambiguous or out of bounds."""
        value = parse_typed(text, integer=self.whole, allow_blank=self.blank, unit=self.number_unit)
        if self.scale != 1:
            value = value / self.scale
        message = self.limit_message(value)
        if message:
            raise FieldValueError(message)
        return value

    def read_list(self, text: str) -> list[float]:
        """A list typed with ';' (or spaces) between the values, each read and checked as `read` does; the
        message names the position ('Varigheden i år 2 skal ligge mellem 0 og 100 % (fik 120 %)')."""
        values = []
        for k, part in enumerate((p for p in re.split(r"[;\s]+", text.strip()) if p), start=1):
            value = parse_typed(part, unit=self.number_unit) / self.scale
            message = self.limit_message(value, self.subject.format(k=k))
            if message:
                raise FieldValueError(message)
            values.append(value)
        return values

    # -- writing back ----------------------------------------------------------------------------------
    def shown(self, value: float | None) -> str:
        """The text an input shows for a stored value: every digit that matters (3,4567 % stays 3,4567 %)."""
        if value is None:
            return ""
        if self.kind == "year":
            return str(int(value))
        return exact_number(value * self.scale, self.number_unit)

    def shown_list(self, values: list[float]) -> str:
        return "; ".join(exact_number(v * self.scale, self.number_unit) for v in values)


def _one_unit(text: str) -> str:
    """'mellem 0 % og 50 %' → 'mellem 0 og 50 %' (the unit once, after the upper limit)."""
    return re.sub(r"mellem (\S+) (\S+) og (\S+) \2$", r"mellem \1 og \3 \2", text)


# ---- the table ------------------------------------------------------------------------------------------

_settings = {name: bounds(Settings, name) for name in ("first_year", "price_year", "horizon_years")}
_duration = bounds(Scenario, "duration_years")
_discount = bounds(Settings, "discount_rate")
_weeks = bounds(Settings, "weeks_on_benefits")
_amount_low = bounds(ActorAmounts, "kommune")[0]
_cost_year = bounds(Costs, "price_year")
_delta = bounds(ConsequenceOverride, "delta_use")
_price_low = bounds(PriceOverride, "price")[0]
_overhead = bounds(Costs, "overhead_share")
_quantity = bounds(Resource, "quantity")

FIELDS: tuple[InputField, ...] = (
    # step 1 · Basis
    InputField("name", "Indsatsens navn", "text", 1),
    InputField("description", "Kort beskrivelse", "lines", 1, long_label="Beskrivelse"),
    InputField(
        "target_group",
        "Målgruppe",
        "choice",
        1,
        help="Vælg en målgruppe fra vidensdatabasen – den bestemmer effektmål og konsekvensestimater.",
    ),
    InputField("custom_target_group.name", "Navn på egen målgruppe", "text", 1, placeholder="fx Unge med angst"),
    InputField(
        "custom_target_group.outcomes",
        "Effektmål (ét pr. linje)",
        "lines",
        1,
        placeholder="Ét effektmål pr. linje, fx I job",
    ),
    InputField(
        "len(participants)",
        "Antal år med nye deltagere",
        "integer",
        1,
        unit="år",
        help="Hvor mange år indsatsen optager nye deltagere.",
        minimum=1,
        maximum=MAX_HORIZON,
        step=1,
        subject="Antallet af år med nye deltagere",
    ),
    InputField(
        "participants[{i}]",
        "Nye deltagere pr. år",
        "integer",
        1,
        help="Antal personer, der starter i indsatsen hvert år.",
        long_label="Deltagere (startende pr. år)",
        minimum=0,
        maximum=MAX_PARTICIPANTS_PER_YEAR,
        step=1,
        subject="Antallet af nye deltagere",
    ),
    InputField(
        "duration_years",
        "Forløbslængde",
        "integer",
        1,
        unit="år",
        help="Hvor mange år den enkelte deltager er i indsatsen. Effekten indtræder i det år, forløbet afsluttes.",
        minimum=_duration[0],
        maximum=_duration[1],
        step=1,
        subject="Forløbslængden",
    ),
    InputField(
        "settings.first_year",
        "Første år (år 1)",
        "year",
        1,
        help="Det kalenderår, de første deltagere starter.",
        long_label="Første år",
        minimum=_settings["first_year"][0],
        maximum=_settings["first_year"][1],
        step=1,
        subject="Første år",
    ),
    InputField(
        "settings.horizon_years",
        "Tidshorisont",
        "integer",
        1,
        unit="år efter forløbet",
        help="Antal år med konsekvenser efter forløbets afslutning (SØM: op til 10 år).",
        minimum=_settings["horizon_years"][0],
        maximum=_settings["horizon_years"][1],
        step=1,
        subject="Tidshorisonten",
    ),
    InputField(
        "settings.price_year",
        "Prisniveau",
        "year",
        1,
        help="Alle beløb vises i dette års priser (nettoprisindeks).",
        minimum=_settings["price_year"][0],
        maximum=_settings["price_year"][1],
    ),
    InputField(
        "settings.discount_rate",
        "Diskonteringsrente",
        "percent",
        1,
        unit="% om året",
        help=f"0 % viser budgettal år for år; {number(policy_value('discount_rate') * 100, 1)} % er "
        "Finansministeriets samfundsøkonomiske diskonteringsrente.",
        minimum=_discount[0],
        maximum=_discount[1],
        subject="Diskonteringsrenten",
    ),
    InputField(
        "settings.consequence_offset",
        "Konsekvenser starter",
        "choice",
        1,
        help="Om konsekvensår 1 er afslutningsåret (SØM's standard) eller året efter.",
        long_label="Konsekvensår 1",
        options=(("Samme år som forløbet afsluttes (som SØM)", 0), ("Året efter", 1)),
    ),
    # step 2 · Omkostninger: one amount per cost line and actor
    *(
        InputField(
            f"costs.{line}.{{actor}}",
            label,
            "amount",
            2,
            unit="kr.",
            help=help_text,
            minimum=_amount_low,
            maximum=MAX_AMOUNT,
            subject="Beløbet",
            low_hint="besparelser hører til i linjen »Sparede omkostninger«",
        )
        for line, _, _, label, help_text in COST_LINES
    ),
    InputField(
        "costs.price_year",
        "Beløbene er i prisniveau",
        "year",
        2,
        minimum=_cost_year[0],
        maximum=_cost_year[1],
        options=(("Samme som beregningens prisniveau", None),),  # then the knowledge base's price years
    ),
    InputField(
        "costs.welfare_area",
        "Omkostningerne hører til velfærdsområde",
        "choice",
        2,
        options=tuple((name, key) for key, name in WELFARE_AREA_NAMES_DA.items()),
    ),
    # step 2 · Ressourcer: one row per line of the resource table (Social- og Boligstyrelsen's cost model); the
    # professions to choose from come from the knowledge base (wages.csv)
    InputField(
        "costs.resources[{i}].name",
        "Ressource",
        "text",
        2,
        help="Hvad ressourcen er: en faggruppes tid, uddannelse, supervision, lokaler, materialer eller køb.",
        placeholder="fx IPS-konsulent",
    ),
    InputField(
        "costs.resources[{i}].category",
        "Kategori",
        "choice",
        2,
        options=tuple((name, key) for key, name in RESOURCE_CATEGORY_NAMES_DA.items()),
    ),
    InputField(
        "costs.resources[{i}].line",
        "Lægges til",
        "choice",
        2,
        help="Den omkostningslinje, ressourcen lægges til: opstart (engangsbeløb), drift pr. deltager pr. år, faste "
        "driftsudgifter pr. år, eller den sædvanlige indsats (basisalternativet), som trækkes fra.",
        long_label="Omkostningslinje",
        options=tuple((name, line) for line, _, name, _, _ in COST_LINES),
    ),
    InputField(
        "costs.resources[{i}].actor",
        "Betales af",
        "choice",
        2,
        options=tuple((ACTOR_NAMES_DA[a], a) for a in ACTORS),
    ),
    InputField(
        "costs.resources[{i}].quantity",
        "Mængde",
        "number",
        2,
        help="Timer, årsværk eller stk. – pr. deltager pr. år, pr. år eller i alt (opstart), efter linjen.",
        minimum=_quantity[0],
        maximum=_quantity[1],
        subject="Mængden",
    ),
    InputField(
        "costs.resources[{i}].unit",
        "Enhed",
        "choice",
        2,
        options=tuple((name, key) for key, name in RESOURCE_UNIT_NAMES_DA.items()),
    ),
    InputField(
        "costs.resources[{i}].profession",
        "Pris fra",
        "choice",
        2,
        help="En faggruppes løn fra vidensdatabasen (pr. årsværk inkl. pension, med kilde; pr. time delt med "
        "årsværkets arbejdstimer), eller en egen pris.",
        long_label="Faggruppe",
        options=(("Egen pris", None),),  # then the knowledge base's professions (wages.csv)
    ),
    InputField(
        "costs.resources[{i}].unit_price",
        "Pris pr. enhed",
        "amount",
        2,
        unit="kr.",
        help="Egen pris pr. time, årsværk eller stk. i omkostningernes prisniveau (kun uden faggruppe).",
        minimum=0.0,
        maximum=MAX_AMOUNT,
        subject="Prisen",
    ),
    InputField(
        "costs.overhead_share",
        "Overhead på personale",
        "percent",
        2,
        unit="% af lønnen",
        help="Indirekte omkostninger ved personale (ledelse, lokaler, it, administration) som andel af lønnen; "
        "lægges på timer og årsværk. Tom: vidensdatabasens standard.",
        minimum=_overhead[0],
        maximum=_overhead[1],
        subject="Overhead",
    ),
    # step 3 · Effekt: per chosen outcome
    InputField(
        "outcomes[{i}].success_rate",
        "Succesrate",
        "percent",
        3,
        unit="%",
        help="Andelen af deltagerne, der når effektmålet PGA. indsatsen – ud over dem, der ville nå det alligevel "
        "(fx 12 % mod 2 % uden indsatsen = 10 %).",
        long_label="Succesrate (netto ift. basisalternativ)",
        minimum=0.0,
        maximum=1.0,
        subject="Succesraten",
    ),
    InputField(
        "outcomes[{i}].persistence",
        "Varighed af effekten",
        "percent_list",
        3,
        unit="% af effekten i konsekvensår 1; 2; 3 …",
        help="Andel af effekten tilbage i konsekvensår 1, 2, 3 … i %, adskilt af semikolon, fx 100; 80; 60. Sidste "
        "værdi gælder resten af perioden. Tom = 100 % alle år (SØM's standard).",
        long_label="Varighed af effekten (andel pr. konsekvensår)",
        minimum=0.0,
        maximum=1.0,
        subject="Varigheden i år {k}",
        placeholder="100",
    ),
    # step 4 · Konsekvenser: a local change in use, one cell per outcome, service and year (empty: the knowledge
    # base's value, given as `blank` by the table)
    InputField(
        "consequence_overrides[{i}].delta_use",
        "Ændring i brug pr. person",
        "number",
        4,
        help="Ændring i brug af ydelsen pr. person, der når effektmålet, i konsekvensåret (negativ = mindre brug).",
        minimum=_delta[0],
        maximum=_delta[1],
        subject="Ændringen",
    ),
    # step 5 · Priser: a local unit price, one cell per service and actor, and the two settings of the rules
    InputField(
        "price_overrides[{i}].price",
        "Pris pr. enhed",
        "amount",
        5,
        unit="kr.",
        help="Hvad en enhed af ydelsen koster aktøren efter refusion, i beregningens prisniveau.",
        minimum=_price_low,
        maximum=MAX_AMOUNT,
        subject="Prisen",
    ),
    InputField(
        "settings.weeks_on_benefits",
        "Uger på offentlig forsørgelse før indsatsen",
        "integer",
        5,
        unit="uger",
        help="Hvor mange uger deltagerne typisk har været på offentlig forsørgelse, før indsatsen begynder. "
        "Refusionstrappen afgør med den, hvor stor en del af en sparet ydelse kommunen og staten hver får.",
        minimum=_weeks[0],
        maximum=_weeks[1],
        step=1,
        subject="Antallet af uger",
    ),
    InputField(
        "settings.benefits_net_of_tax",
        "Sparede ydelser regnes efter skat",
        "flag",
        5,
        help="En sparet ydelse er mindre værd for det offentlige end bruttobeløbet, fordi ydelsen er skattepligtig: "
        "kommunen mister kommuneskatten og staten bundskatten. Til (standard): efter skat, den reelle "
        "budgeteffekt. Fra: bruttobeløb, til sammenligning med beregninger på bruttobeløb.",
        long_label="Sparede ydelser regnes",
    ),
)

FIELD: dict[str, InputField] = {f.path: f for f in FIELDS}
# the typed amount of each cost line per actor (step 2's grid, the workbook's cost table)
COST_LINE_FIELDS: tuple[InputField, ...] = tuple(FIELD[f"costs.{line}.{{actor}}"] for line, *_ in COST_LINES)


def _pattern(path: str) -> re.Pattern:
    return re.compile(
        "^"
        + re.escape(path).replace(r"\{i\}", r"\d+").replace(r"\{actor\}", "[a-z]+").replace(r"\{line\}", r"\w+")
        + "$"
    )


_PATTERNS = [(_pattern(f.path), f) for f in FIELDS]


def field_for(path: str) -> InputField | None:
    """The field of a concrete scenario path ('costs.startup.region' → the start-up cost field at that path)."""
    for pattern, f in _PATTERNS:
        if pattern.match(path):
            return replace(f, path=path)
    return None


def fields_on(tab: int, kind: Kind | None = None) -> tuple[InputField, ...]:
    """The fields of one step of the app (optionally of one kind), in the order the app shows them."""
    return tuple(f for f in FIELDS if f.tab == tab and (kind is None or f.kind == kind))


def value_at(scenario: BaseModel, path: str) -> object:
    """The value at a concrete scenario path: value_at(s, 'costs.startup.kommune'), value_at(s, 'participants[0]'),
    value_at(s, 'len(participants)')."""
    if path.startswith("len(") and path.endswith(")"):
        return len(value_at(scenario, path[4:-1]))
    value: object = scenario
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path):
        value = value[int(index)] if index else getattr(value, name)
    return value


def put(data: dict, path: str, value: object) -> None:
    """Set `value` at a concrete path of a scenario dict, making the dicts on the way: put(d, 'settings.price_year',
    2024), put(d, 'participants[1]', 10) (the list must be that long)."""
    keys = [int(index) if index else name for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path)]
    for key in keys[:-1]:
        data = data[key] if isinstance(key, int) else data.setdefault(key, {})
    data[keys[-1]] = value


def price_years(kb: KnowledgeBase) -> list[int]:
    """The price levels a scenario on `kb` can be computed in: the years of its net price index."""
    return sorted(int(y) for y in kb.net_price_index["year"])


def first_year_field(kb: KnowledgeBase) -> InputField:
    """The first-year field on `kb`: from the first year its rules reach (rules.first_year), and saying so."""
    field = FIELD["settings.first_year"]
    if kb.rules is None:
        return replace(field, unit=f"{field.minimum}–{field.maximum}")
    year, families = first_year(kb.rules, int(field.minimum))
    reason = f" Vidensdatabasens regler ({'; '.join(families)}) går tilbage til {year}." if families else ""
    return replace(field, minimum=max(field.minimum, year), unit=f"{year}–{field.maximum}", help=field.help + reason)
