"""som_kernel.numbers: the one reader of numbers typed by people.

Hand-picked cases for every rule in the module docstring, then property tests: a random reference value
written in many ways people write numbers (Danish, English, spaces, "kr.", "mio.", "%", unicode minus,
leading "+") is read back to exactly that value, or, only where the rules say the text is ambiguous,
flagged ambiguous with the value among the two readings.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from som_kernel.errors import SomError
from som_kernel.numbers import NumberError, format_danish, parse_number, read_number

# ---- the rules, case by case -------------------------------------------------------------------------

CLEAR = [
    # Danish notation
    ("1.500.000", None, 1_500_000),
    ("10,5", None, 10.5),
    ("1.500.000 kr", None, 1_500_000),
    ("1.500.000 kr.", None, 1_500_000),
    ("kr. 1.500.000", None, 1_500_000),
    ("1.500.000,25 kr.", None, 1_500_000.25),
    ("1,5 mio.", None, 1_500_000),  # 1,5 × 1.000.000
    ("−1,5 mio. kr.", None, -1_500_000),
    ("2 mia.", None, 2_000_000_000),
    ("1.500,5 t.kr.", None, 1_500_500),  # 1.500,5 × 1.000
    ("12 %", None, 12),
    ("12,5 pct.", None, 12.5),
    ("år 2026", None, 2026),
    ("5 år", None, 5),
    ("2026,5", None, 2026.5),  # a comma before one digit is a decimal comma (the old parser read 2026)
    ("1 500 000", None, 1_500_000),  # spaces between groups of three
    ("1\u00a0500\u00a0000 kr.", None, 1_500_000),  # non-breaking spaces, as Word and Excel write them
    ("1 500,5", None, 1500.5),
    ("−1.500.000", None, -1_500_000),  # unicode minus
    ("−500.000", "kr", -500_000),  # asked in kroner: the øre rule
    ("–1.500.000", None, -1_500_000),  # the dash a word processor puts in
    ("+12", None, 12),
    ("ca. 10", None, 10),
    # English where it cannot be a thousands separator
    ("5250000.0", None, 5_250_000),  # one digit after the point
    ("10.7", None, 10.7),
    ("0.1", None, 0.1),
    ("0.125", None, 0.125),  # a leading 0 cannot start a group of thousands
    ("1500.000", None, 1500),  # four digits before it cannot be a group of thousands either
    ("1,500,000", None, 1_500_000),  # a comma twice: thousands
    ("1,500,000.25", None, 1_500_000.25),
    # the øre rule: kroner have at most two decimals, so three digits after a separator mean thousands
    ("1.500 kr", None, 1500),
    ("-500,000", "kr", -500_000),
    ("2,000", "kr", 2000),
    # ",-": whole kroner (rule 8)
    ("1.500,-", None, 1500),
    ("kr. 1.500,-", None, 1500),
    ("−1.500.000,–", None, -1_500_000),
    ("12,-", None, 12),
    # numbers given as numbers
    (12.5, None, 12.5),
    (-3, "kr", -3),
]


@pytest.mark.parametrize(("text", "unit", "expected"), CLEAR)
def test_clear_readings(text, unit, expected):
    reading = read_number(text, unit)
    assert reading.ok, reading.message
    assert reading.value == pytest.approx(expected, rel=1e-12, abs=1e-12)
    assert reading.message == ""


AMBIGUOUS = [
    ("1.500", None, (1500, 1.5)),  # Danish first: the point as thousands separator
    ("2,000", None, (2.0, 2000)),  # Danish first: the comma as decimal sign
    ("-500,000", None, (-500.0, -500_000)),
    ("1,250 mio. kr.", None, (1_250_000, 1_250_000_000)),  # no øre rule with a multiplier
    ("12,500 %", "%", (12.5, 12_500)),
    ("1.500 t.kr.", None, (1_500_000, 1500)),  # thousands of kroner may have three decimals
]


@pytest.mark.parametrize(("text", "unit", "alternatives"), AMBIGUOUS)
def test_ambiguous_readings_ask(text, unit, alternatives):
    reading = read_number(text, unit)
    assert reading.ambiguous and reading.value is None and not reading.ok
    assert reading.alternatives == pytest.approx(alternatives)
    assert "to måder" in reading.message and "engelsk" in reading.message
    with pytest.raises(NumberError, match="to måder"):
        parse_number(text, unit)


def test_ambiguous_message_shows_both_readings_in_danish():
    reading = read_number("1.500")
    # 1.500 (thousands separator) or 1,5; and how to write each without doubt: 1500 or 1,5
    assert reading.message == (
        "»1.500« kan læses på to måder: 1.500 (».« som tusindtalsskilletegn, dansk) eller 1,5 "
        "(».« som decimaltegn, engelsk). Skriv det uden tvivl, fx 1500 eller 1,5."
    )


UNREADABLE = [
    "abc",
    "1.5.3",
    "12.",
    "1.50.000",
    "--5",
    "- -5",
    "1 50 000",
    "12 kr %",
    "5,5,5",
    "1,5e6",
    "1,5,-",
    "1.50,-",
]


@pytest.mark.parametrize("text", UNREADABLE)
def test_unreadable_is_explained_in_danish(text):
    reading = read_number(text)
    assert reading.value is None and not reading.ambiguous and not reading.empty
    assert "Skriv fx 1.500.000 eller 10,5" in reading.message
    with pytest.raises(NumberError) as info:
        parse_number(text, field="svar")
    assert isinstance(info.value, SomError)
    assert info.value.problems[0].where == "svar"


@pytest.mark.parametrize("text", ["", "   ", None])
def test_empty(text):
    reading = read_number(text)
    assert reading.value is None and reading.message == "Skriv et tal."
    with pytest.raises(NumberError, match="Skriv et tal"):
        parse_number(text)


def test_a_unit_other_than_the_one_asked_for_is_refused():
    reading = read_number("12 %", unit="kr")
    assert reading.value is None
    assert reading.message == "Svaret skal være i kr., men »12 %« er i %."
    assert read_number("12 %", unit="%").value == 12


def test_understood_as_is_danish_notation():
    assert read_number("-500,000", unit="kr").understood_as == "−500.000 kr."
    assert read_number("1,5 mio.").understood_as == "1.500.000"
    assert read_number("12.5%").understood_as == "12,5 %"
    assert read_number("2026", unit="år").understood_as == "år 2026"
    assert read_number("5 år").understood_as == "5 år"


def test_format_danish():
    assert format_danish(1_500_000) == "1.500.000"
    assert format_danish(-12.5) == "−12,5"
    assert format_danish(0.125, "%") == "0,125 %"
    assert format_danish(-0.0) == "0"


# ---- property tests: many formattings of random reference values --------------------------------------

MINUSES = ["-", "\u2212", "\u2013"]


def _digits(value: float, decimals: int) -> tuple[str, str]:
    """|value| as (whole digits, decimal digits) with exactly `decimals` decimals ('' when 0)."""
    whole, _, frac = f"{abs(value):.{decimals}f}".partition(".")
    return whole, frac


def _group(whole: str, sep: str) -> str:
    return f"{int(whole):,}".replace(",", sep)


def _style(name: str, whole: str, frac: str) -> str:
    """The unsigned number in one notation."""
    grouped = {
        "dansk": (".", ","),
        "dansk_mellemrum": (" ", ","),
        "dansk_nbsp": ("\u00a0", ","),
        "engelsk": (",", "."),
        "engelsk_mellemrum": (" ", "."),
        "dansk_uden_tusinder": ("", ","),
        "engelsk_uden_tusinder": ("", "."),
    }[name]
    thousands, decimal = grouped
    text = _group(whole, thousands) if thousands else whole
    return f"{text}{decimal}{frac}" if frac else text


STYLES = [
    "dansk",
    "dansk_mellemrum",
    "dansk_nbsp",
    "engelsk",
    "engelsk_mellemrum",
    "dansk_uden_tusinder",
    "engelsk_uden_tusinder",
]
KR_DECORATIONS = ["{}", "{} kr.", "{} kr", "{}kr.", "kr. {}", "{} DKK", "{} kroner"]
PCT_DECORATIONS = ["{}", "{} %", "{}%", "{} pct.", "{} procent", "{} procentpoint"]


def _signed(body: str, negative: bool, sign_style: int, decoration: str) -> str:
    if negative:
        sign = MINUSES[sign_style % len(MINUSES)]
    else:
        sign = "+" if sign_style % 2 else ""
    return sign + decoration.format(body) if decoration.startswith("{") else decoration.format(sign + body)


def _ambiguous_shape(body: str, kr_rule: bool) -> bool:
    """The oracle for rule 7: one separator, once, followed by exactly three digits, after one to three
    digits not starting with 0 — unless the øre rule (9) settles it."""
    return not kr_rule and re.fullmatch(r"[1-9][0-9]{0,2}[.,][0-9]{3}", body) is not None


def _assert_read(text: str, unit, expected: float, body: str, kr_rule: bool):
    reading = read_number(text, unit)
    if _ambiguous_shape(body, kr_rule):
        assert reading.ambiguous, text
        assert any(abs(a - expected) <= 1e-9 * max(1, abs(expected)) for a in reading.alternatives), text
    else:
        assert reading.ok, (text, reading.message)
        assert reading.value == pytest.approx(expected, rel=1e-12, abs=1e-9), text


amounts = st.one_of(
    st.integers(-(10**10), 10**10).map(float),
    st.integers(-(10**9), 10**9).map(lambda c: c / 100),  # kroner and øre
)


@settings(max_examples=150, deadline=None)
@given(
    value=amounts,
    style=st.sampled_from(STYLES),
    decoration=st.sampled_from(KR_DECORATIONS),
    sign_style=st.integers(0, 5),
    decimals=st.sampled_from([None, 0, 1, 2]),
    unit=st.sampled_from([None, "kr"]),
)
def test_amounts_in_kroner_read_back(value, style, decoration, sign_style, decimals, unit):
    needed = 0 if float(value).is_integer() else (1 if round(value * 10) == value * 10 else 2)
    d = needed if decimals is None else max(needed, decimals)
    whole, frac = _digits(value, d)
    body = _style(style, whole, frac)
    text = _signed(body, value < 0, sign_style, decoration)
    kr_rule = unit == "kr" or "kr" in decoration.lower() or "dkk" in decoration.lower()  # rule 9
    _assert_read(text, unit, value, body, kr_rule)


@settings(max_examples=100, deadline=None)
@given(
    thousands=st.integers(-(10**7), 10**7),
    style=st.sampled_from(STYLES),
    word=st.sampled_from(["mio.", "mio", "mill.", "millioner", "mio. kr.", "mio.kr.", "mio. kr"]),
    sign_style=st.integers(0, 5),
)
def test_amounts_in_millions_read_back(thousands, style, word, sign_style):
    """1.234.000 kr. written as '1,234 mio.' etc.: the millions with the decimals they need."""
    value = thousands * 1000.0
    millions = f"{abs(thousands) / 1000:.3f}".rstrip("0").rstrip(".")
    whole, _, frac = millions.partition(".")
    body = _style(style, whole, frac)
    text = _signed(body, value < 0, sign_style, "{} " + word)
    _assert_read(text, None, value, body, kr_rule=False)


@settings(max_examples=100, deadline=None)
@given(
    hundredths=st.integers(-100_000, 100_000),
    style=st.sampled_from(STYLES),
    decoration=st.sampled_from(PCT_DECORATIONS),
    sign_style=st.integers(0, 5),
    unit=st.sampled_from([None, "%"]),
)
def test_percentages_read_back(hundredths, style, decoration, sign_style, unit):
    value = hundredths / 100
    whole, frac = _digits(value, 0 if value.is_integer() else 2)
    frac = frac.rstrip("0")
    body = _style(style, whole, frac)
    text = _signed(body, value < 0, sign_style, decoration)
    _assert_read(text, unit, value, body, kr_rule=False)


@settings(max_examples=100, deadline=None)
@given(year=st.integers(1990, 2100), decoration=st.sampled_from(["{}", "år {}", "År {}", "{} ", " år  {}"]))
def test_years_read_back(year, decoration):
    reading = read_number(decoration.format(year), unit="år")
    assert reading.ok and reading.value == year


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="0123456789.,-−+ %krmio", max_size=12))
def test_never_raises_and_is_one_of_three_outcomes(text):
    """Whatever is typed: a clean number, an ambiguous one (two readings, Danish first) or a message."""
    reading = read_number(text)
    if reading.ok:
        assert reading.message == "" and reading.understood_as
    elif reading.ambiguous:
        assert len(reading.alternatives) == 2 and reading.alternatives[0] != reading.alternatives[1]
    else:
        assert reading.message
