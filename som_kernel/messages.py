"""Danish messages for pydantic validation errors, so every error names its field and what is allowed.

Every pydantic error type the scenario and knowledge models can raise has a Danish template here; an
unforeseen one gets a Danish catch-all (never pydantic's English text). A validator that concerns a
field other than its own (a model validator) raises FieldError to name it.
"""

from __future__ import annotations

import math

from pydantic import ValidationError

from .errors import Problem

ROOT = "scenarie"  # the `where` of an error about the input as a whole (not a dict at all)


class FieldError(ValueError):
    """A validation message for a named field (dotted path), raised by a model-level validator."""

    def __init__(self, where: str, message: str):
        super().__init__(message)
        self.where = where
        self.message = message


def danish_number(x: float | int, decimals: int | None = None) -> str:
    """A number the Danish way for a message: 1234567 → '1.234.567', 2024 → '2024', 0.5 → '0,5', inf → 'uendelig'.
    (Messages only; the app's and reports' formats are in the formatting module.)"""
    if isinstance(x, bool):
        return "sand" if x else "falsk"
    if isinstance(x, int):
        if abs(x) < 10_000:  # 1990, 2024, 4300: four digits without a dot (years read wrong with one)
            return str(x)
        return f"{x:,}".replace(",", ".") if abs(x) < 10**30 else f"et tal med {len(str(abs(x)))} cifre"
    if math.isnan(x):
        return "ikke et tal"
    if math.isinf(x):
        return "uendelig" if x > 0 else "minus uendelig"
    if decimals is None:
        if abs(x) >= 1e15 or (x != 0 and abs(x) < 1e-4):
            return f"{x:.3g}".replace(".", ",")
        text = f"{x:,.6f}".rstrip("0").rstrip(".")
    else:
        text = f"{x:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


_TEMPLATES = {
    "missing": "skal udfyldes",
    "extra_forbidden": "ukendt felt (ikke tilladt)",
    "int_type": "skal være et helt tal",
    "int_parsing": "skal være et helt tal",
    "int_parsing_size": "er for stort til at være et tal her",
    "int_from_float": "skal være et helt tal (ikke decimaltal)",
    "float_type": "skal være et tal",
    "float_parsing": "skal være et tal",
    "bool_type": "skal være sand eller falsk (true/false)",
    "bool_parsing": "skal være sand eller falsk (true/false)",
    "string_type": "skal være tekst",
    "string_too_short": "skal have mindst {min_length} tegn",
    "string_too_long": "må højst have {max_length} tegn",
    "string_pattern_mismatch": "må kun indeholde små bogstaver a-z, tal og _",
    "string_unicode": "skal være gyldig tekst (UTF-8)",
    "greater_than_equal": "skal være mindst {ge}",
    "greater_than": "skal være større end {gt}",
    "less_than_equal": "må højst være {le}",
    "less_than": "skal være mindre end {lt}",
    "multiple_of": "skal gå op i {multiple_of}",
    "literal_error": "skal være en af: {expected}",
    "enum": "skal være en af: {expected}",
    "list_type": "skal være en liste",
    "tuple_type": "skal være en liste",
    "set_type": "skal være en liste",
    "dict_type": "skal være et objekt (felter i {{ }})",
    "model_type": "skal være et objekt (felter i {{ }})",
    "model_attributes_type": "skal være et objekt (felter i {{ }})",
    "dataclass_type": "skal være et objekt (felter i {{ }})",
    "too_short": "skal have mindst {min_length} element(er)",
    "too_long": "må højst have {max_length} element(er)",
    "finite_number": "skal være et endeligt tal",
    "none_required": "skal være tom (null)",
    "is_instance_of": "har en forkert type",
    "recursion_loop": "er indlejret for dybt",
    "json_invalid": "er ikke gyldig JSON",
    "json_type": "skal være JSON-tekst",
    "date_type": "skal være en dato (ÅÅÅÅ-MM-DD)",
    "date_parsing": "skal være en dato (ÅÅÅÅ-MM-DD)",
    "date_from_datetime_parsing": "skal være en dato (ÅÅÅÅ-MM-DD)",
    "url_parsing": "skal være en webadresse (https://…)",
    "url_type": "skal være en webadresse (https://…)",
    "url_scheme": "skal være en webadresse (https://…)",
}
FALLBACK = "har en ugyldig værdi"


def _ctx_value(v: object) -> str:
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return danish_number(v)
    return str(v).replace(" or ", " eller ")


def danish_message(err: dict) -> str:
    """One pydantic error dict → a Danish sentence fragment (never pydantic's English text)."""
    kind = err["type"]
    if kind in ("value_error", "assertion_error"):
        error = err.get("ctx", {}).get("error")
        if isinstance(error, FieldError):
            return error.message
        return str(error) if error is not None else FALLBACK
    template = _TEMPLATES.get(kind, FALLBACK)
    try:
        return template.format(**{k: _ctx_value(v) for k, v in err.get("ctx", {}).items()})
    except (KeyError, IndexError):
        return FALLBACK


def field_path(loc: tuple) -> str:
    """('outcomes', 0, 'success_rate') → 'outcomes[0].success_rate'; () → 'scenarie' (the whole input)."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _shown(value: object) -> str | None:
    """The value the user gave, for '(fik …)': numbers the Danish way, short texts quoted, else None."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return danish_number(value)
    if isinstance(value, str):
        # a lone surrogate or control character in a message would break the page that shows it
        value = "".join("\ufffd" if ("\ud800" <= c <= "\udfff" or c < " " or c == "\x7f") else c for c in value)
        return f"'{value}'" if len(value) <= 40 else f"en tekst på {danish_number(len(value))} tegn"
    return None


def pydantic_problems(e: ValidationError | list[dict], prefix: str = "", root: str = ROOT) -> list[Problem]:
    """Turn a pydantic ValidationError (or some of its errors) into Danish problems with the field path in `where`."""
    problems = []
    for err in e.errors() if isinstance(e, ValidationError) else e:
        parts = tuple(p for p in err["loc"] if not str(p).startswith(("function-", "list[", "dict[")))
        if err["type"] == "extra_forbidden" or err["loc"][-1:] == ("[key]",):
            parts = tuple(p for p in parts if p != "[key]")
        path = field_path(parts)
        error = err.get("ctx", {}).get("error")
        if isinstance(error, FieldError):
            path = f"{path}.{error.where}" if path else error.where
        text = danish_message(err)
        shown = _shown(err.get("input"))
        if err["type"] not in ("missing", "extra_forbidden", "value_error") and shown is not None:
            text = f"{text} (fik {shown})"
        where = f"{prefix}{path}" if path else (prefix.rstrip(".") or root)
        problems.append(Problem(where, text[:1].upper() + text[1:] + "."))
    return problems
