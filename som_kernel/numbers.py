"""Reading numbers typed by people: the project's one reader (the course's answers, the app's input fields).

Danish notation comes first; English is accepted where it cannot be mistaken; anything else is either
unreadable or explicitly *ambiguous*, and a caller must then ask the person instead of guessing.

    >>> read_number("1.500.000 kr").value
    1500000.0
    >>> read_number("1.500").ambiguous          # 1.500 (Danish) or 1,5 (English)?
    True
    >>> parse_number("−12,5 %")
    -12.5

The rules, in the order they are applied:

1. Around the number: spaces (also non-breaking and thin spaces) are ignored; a leading "+" or a minus
   ("-", the real minus "−" or the dash "–" that word processors put in) gives the sign; "ca." is ignored.
2. Units: "kr.", "kr", "kroner", "DKK" (before or after) → kroner; "%", "pct.", "procent", "procentpoint"
   → per cent; "år" (before, as in "år 2026", or after, as in "5 år") → years. The number is returned as
   written: "12 %" reads as 12 (per cent), not 0,12.
3. Multipliers after the number: "t.kr."/"tkr." (× 1.000, kroner), "mio."/"mill."/"million(er)"
   (× 1.000.000), "mia."/"milliard(er)" (× 1.000.000.000): "1,5 mio." reads as 1.500.000.
4. Digit groups: spaces or "_" between groups of exactly three digits are thousands separators
   ("1 500 000"); a "." or "," after such spaced groups is then the decimal sign ("1 500,5" or "1 500.5").
5. Both "." and "," in the number: the last one is the decimal sign and the other one must separate groups
   of three digits ("1.500.000,5" Danish, "1,500,000.5" English).
6. Only one kind of separator, used twice or more: thousands separators, groups of three digits
   ("1.500.000" Danish, "1,500,000" English) → a whole number.
7. Only one separator, once: it is the decimal sign when it cannot be a thousands separator, that is when
   it is not followed by exactly three digits ("10,5", "10.7", "5250000.0"), or when the digits before it
   cannot start a group of thousands (none, a leading 0 or more than three: "0.125", ",5", "1500,000").
   Otherwise ("1.500", "2,000", "−500,000") it is AMBIGUOUS: `Reading.ambiguous` is True, `value` is None
   and `alternatives` holds both readings, the Danish one first.
8. ",-" after a number (Danish for whole kroner, as in "1.500,-" or "kr. 1.500,-") means no decimals: any
   "." or space before it separates thousands.
9. Kroner have at most two decimals (øre). So when the amount is in kroner (the caller passes
   `unit="kr"` or the text says "kr") and no multiplier is used, a separator followed by exactly three
   digits can only be a thousands separator: "1.500 kr" is 1.500 kr., and "−500,000" asked in kroner is
   −500.000 kr. (English grouping). With "mio." the rule does not apply: "1,250 mio. kr." stays ambiguous.

A text that matches none of these (letters, "1.5.3", "12.", "1.50.000", two signs) is unreadable:
`value` is None and `message` says in Danish what to type instead.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

from .errors import Problem, SomError

Unit = Literal["kr", "%", "år"]
UNIT_NAMES_DA = {"kr": "kr.", "%": "%", "år": "år"}

EXAMPLE = "Skriv fx 1.500.000 eller 10,5 (punktum mellem tusinder, komma før decimaler)."
# what to type instead, by the unit the field asks for (a per-cent or a year field gets an example of its own)
EXAMPLES = {
    "kr": EXAMPLE,
    "%": "Skriv fx 12,5 (komma før decimaler).",
    "år": "Skriv årstallet med fire cifre, fx 2026.",
}


class NumberError(SomError):
    """A typed number could not be read, or could be read in two ways (ambiguous)."""


@dataclass(frozen=True)
class Reading:
    """What a typed text says as a number.

    value: the number (None when the text is empty, unreadable or ambiguous)
    ambiguous: True when the text can be read in two ways; `alternatives` then holds both, Danish first
    message: Danish, for the person who typed it ("" when read cleanly)
    understood_as: the reading in Danish notation ("−500.000 kr.") — show it so people see what was read
    unit: the unit written in the text ("kr", "%", "år") or None
    """

    text: str
    value: float | None
    ambiguous: bool = False
    message: str = ""
    understood_as: str = ""
    unit: Unit | None = None
    alternatives: tuple[float, ...] = ()

    @property
    def ok(self) -> bool:
        """Read cleanly to one number."""
        return self.value is not None and not self.ambiguous

    @property
    def empty(self) -> bool:
        """Nothing was typed."""
        return not self.text.strip()


# ---- Danish notation out -----------------------------------------------------------------------------


def format_danish(x: float, unit: Unit | None = None, max_decimals: int = 6) -> str:
    """A number in Danish notation with only the decimals it needs: 1500000 → '1.500.000',
    -12.5 → '−12,5', 0.125 → '0,125'; with a unit: '1.500.000 kr.', '12,5 %', 'år 2026', '5 år'."""
    if unit == "år" and float(x).is_integer() and x >= 1000:
        return f"år {int(x)}"
    text = f"{x:,.{max_decimals}f}".rstrip("0").rstrip(".")
    text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    text = "0" if text == "-0" else text.replace("-", "−")
    return f"{text} {UNIT_NAMES_DA[unit]}" if unit else text


# ---- reading -----------------------------------------------------------------------------------------

_SPACES = re.compile(r"[\s\u00a0\u2009\u202f]+")
_MINUS = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2012": "-", "\u2014": "-"})
_PRE_UNITS = {"kr.": "kr", "kr": "kr", "dkk": "kr", "år": "år"}
_POST_UNITS = {
    "kr.": "kr",
    "kr": "kr",
    "kroner": "kr",
    "dkk": "kr",
    "%": "%",
    "pct.": "%",
    "pct": "%",
    "procent": "%",
    "procentpoint": "%",
    "pct.-point": "%",
    "år": "år",
}
_MULTIPLIERS = {
    "t.kr.": 1e3,
    "t.kr": 1e3,
    "tkr.": 1e3,
    "tkr": 1e3,
    "tusind": 1e3,
    "mio.": 1e6,
    "mio": 1e6,
    "mill.": 1e6,
    "mill": 1e6,
    "million": 1e6,
    "millioner": 1e6,
    "mia.": 1e9,
    "mia": 1e9,
    "milliard": 1e9,
    "milliarder": 1e9,
}
_KR_MULTIPLIERS = {"t.kr.", "t.kr", "tkr.", "tkr"}


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_PATTERN = re.compile(
    rf"""^(?P<sign1>[+-])?\s*
    (?:(?:ca\.?|cirka)\s*)?
    (?:(?P<pre>{_alternation(_PRE_UNITS)})\s*)?
    (?P<sign2>[+-])?\s*
    (?P<body>[0-9.,_ ]*[0-9][0-9.,]*?)(?P<no_ore>,-)?\s*
    (?P<mult>{_alternation(_MULTIPLIERS)})?\s*
    (?P<post>{_alternation(_POST_UNITS)})?$""",
    re.VERBOSE,
)


def _grouped(body: str, sep: str) -> bool:
    """'1.500.000' with sep '.': groups of three digits after a first group of one to three."""
    return re.fullmatch(rf"[0-9]{{1,3}}(?:{re.escape(sep)}[0-9]{{3}})+", body) is not None


def _read_body(body: str, amount_in_kr: bool) -> tuple[float, ...] | str:
    """The body's possible values (one, or two when ambiguous: Danish first), or a Danish reason it is
    unreadable."""
    if " " in body or "_" in body:
        m = re.fullmatch(r"([0-9]{1,3}(?:[ _][0-9]{3})+)(?:([.,])([0-9]+))?", body)
        if not m:
            return "mellemrum må kun stå mellem grupper af tre cifre (fx 1 500 000)"
        whole = re.sub("[ _]", "", m.group(1))
        return (float(f"{whole}.{m.group(3)}" if m.group(2) else whole),)
    dots, commas = body.count("."), body.count(",")
    if dots and commas:
        decimal = "." if body.rfind(".") > body.rfind(",") else ","
        thousands = "," if decimal == "." else "."
        whole, _, frac = body.rpartition(decimal)
        if thousands in frac or decimal in whole or not frac or not _grouped(whole, thousands):
            return f"»{thousands}« skal stå mellem grupper af tre cifre og »{decimal}« før decimalerne"
        return (float(whole.replace(thousands, "") + "." + frac),)
    if not dots and not commas:
        return (float(body),)
    sep = "." if dots else ","
    if body.count(sep) > 1:
        if not _grouped(body, sep):
            return f"»{sep}« mellem tusinder skal skille grupper af tre cifre (fx 1.500.000)"
        return (float(body.replace(sep, "")),)
    whole, _, frac = body.partition(sep)
    if not frac:
        return "der mangler cifre efter skilletegnet"
    as_decimal = float(f"{whole or '0'}.{frac}")
    if len(frac) != 3 or not whole or whole.startswith("0") or len(whole) > 3:
        return (as_decimal,)
    as_thousands = float(whole + frac)
    if amount_in_kr:  # kroner have at most two decimals (øre), so three digits after it mean thousands
        return (as_thousands,)
    return (as_thousands, as_decimal) if sep == "." else (as_decimal, as_thousands)


def read_number(text: str | float | int | None, unit: Unit | None = None) -> Reading:
    """Read a number typed by a person (see the module's rules). `unit` is the unit the field or question
    asks for: 'kr' (enables the øre rule), '%' or 'år'; a different unit written in the text is refused.
    Never raises: check `ok`, `empty` and `ambiguous`, and show `message`."""
    example = EXAMPLES.get(unit or "", EXAMPLE)
    if text is None:
        return Reading("", None, message="Skriv et tal.")
    if isinstance(text, bool):
        return Reading(str(text), None, message=f"»{text}« er ikke et tal. {example}")
    if isinstance(text, int | float):
        x = float(text)
        if math.isnan(x) or math.isinf(x):
            return Reading(str(text), None, message=f"»{text}« er ikke et tal. {example}")
        return Reading(str(text), x, understood_as=format_danish(x, unit), unit=unit)
    raw = str(text)
    if not raw.strip():
        return Reading(raw, None, message="Skriv et tal.")
    t = _SPACES.sub(" ", raw.translate(_MINUS)).strip().lower()
    m = _PATTERN.match(t)
    if not m or (m["sign1"] and m["sign2"]):
        return Reading(raw, None, message=f"»{raw.strip()}« kan ikke læses som et tal. {example}")
    written = {_PRE_UNITS.get(m["pre"] or ""), _POST_UNITS.get(m["post"] or "")} - {None}
    if m["mult"] in _KR_MULTIPLIERS:
        written.add("kr")
    if len(written) > 1:
        return Reading(raw, None, message=f"»{raw.strip()}« har to forskellige enheder. {example}")
    typed_unit: Unit | None = next(iter(written), None)
    if unit and typed_unit and typed_unit != unit:
        return Reading(
            raw,
            None,
            message=f"Svaret skal være i {UNIT_NAMES_DA[unit]}, men »{raw.strip()}« er i {UNIT_NAMES_DA[typed_unit]}.",
            unit=typed_unit,
        )
    shown_unit = typed_unit or unit
    multiplier = _MULTIPLIERS.get(m["mult"] or "", 1.0)
    body = m["body"].strip()
    if m["no_ore"]:  # "1.500,-": whole kroner, so the body has no decimals
        if not re.fullmatch(r"[0-9]+|[0-9]{1,3}(?:[. _][0-9]{3})+", body):
            return Reading(raw, None, message=f"»{raw.strip()}« kan ikke læses som et tal. {example}")
        body = re.sub("[. _]", "", body)
    values = _read_body(body, amount_in_kr=shown_unit == "kr" and not m["mult"])
    if isinstance(values, str):
        return Reading(raw, None, message=f"»{raw.strip()}« kan ikke læses som et tal: {values}. {example}")
    sign = -1.0 if "-" in (m["sign1"] or "", m["sign2"] or "") else 1.0
    values = tuple(sign * v * multiplier + 0.0 for v in values)
    if len(values) == 2:
        sep = "." if "." in body else ","
        danish, english = (format_danish(v, shown_unit) for v in values)
        meaning = ("tusindtalsskilletegn", "decimaltegn") if sep == "." else ("decimaltegn", "tusindtalsskilletegn")
        message = (
            f"»{raw.strip()}« kan læses på to måder: {danish} (»{sep}« som {meaning[0]}, dansk) eller "
            f"{english} (»{sep}« som {meaning[1]}, engelsk). Skriv det uden tvivl, fx "
            f"{_unambiguous(values[0])} eller {_unambiguous(values[1])}."
        )
        return Reading(raw, None, ambiguous=True, message=message, unit=typed_unit, alternatives=values)
    return Reading(raw, values[0], understood_as=format_danish(values[0], shown_unit), unit=typed_unit)


def _unambiguous(x: float) -> str:
    """A way of writing x that the rules read one way only: no thousands separator, a decimal comma."""
    return format_danish(x).replace(".", "")


def parse_number(text: str | float | int | None, unit: Unit | None = None, field: str = "") -> float:
    """The number in `text` (rules as `read_number`); raises NumberError with a Danish message naming
    `field` when it is empty, unreadable or ambiguous."""
    reading = read_number(text, unit)
    if not reading.ok:
        raise NumberError([Problem(field, reading.message)])
    return reading.value  # type: ignore[return-value]
