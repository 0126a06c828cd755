"""Danish messages for pydantic validation errors, so every error names its field and what is allowed."""

from __future__ import annotations

from pydantic import ValidationError

from .errors import Problem

_TEMPLATES = {
    "missing": "skal udfyldes",
    "extra_forbidden": "ukendt felt (ikke tilladt)",
    "int_type": "skal være et helt tal",
    "int_parsing": "skal være et helt tal",
    "int_from_float": "skal være et helt tal (ikke decimaltal)",
    "float_type": "skal være et tal",
    "float_parsing": "skal være et tal",
    "bool_type": "skal være sand eller falsk",
    "bool_parsing": "skal være true/false",
    "string_type": "skal være tekst",
    "string_too_short": "skal have mindst {min_length} tegn",
    "string_pattern_mismatch": "må kun indeholde små bogstaver a-z, tal og _",
    "greater_than_equal": "skal være mindst {ge}",
    "greater_than": "skal være større end {gt}",
    "less_than_equal": "må højst være {le}",
    "less_than": "skal være mindre end {lt}",
    "literal_error": "skal være en af: {expected}",
    "list_type": "skal være en liste",
    "dict_type": "skal være et objekt",
    "model_type": "skal være et objekt",
    "too_short": "skal have mindst {min_length} element(er)",
    "too_long": "må højst have {max_length} element(er)",
    "finite_number": "skal være et endeligt tal",
}


def danish_message(err: dict) -> str:
    """One pydantic error dict → a Danish sentence fragment."""
    kind = err["type"]
    if kind in ("value_error", "assertion_error"):
        msg = str(err.get("ctx", {}).get("error", err["msg"]))
        return msg
    template = _TEMPLATES.get(kind)
    if template is None:
        return f"ugyldig værdi ({err['msg']})"
    try:
        return template.format(**err.get("ctx", {}))
    except (KeyError, IndexError):
        return template


def field_path(loc: tuple) -> str:
    """('outcomes', 0, 'success_rate') → 'outcomes[0].success_rate'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def pydantic_problems(e: ValidationError, prefix: str = "") -> list[Problem]:
    """Turn a pydantic ValidationError into Danish problems with the field path in `where`."""
    problems = []
    for err in e.errors():
        path = field_path(tuple(p for p in err["loc"] if not str(p).startswith("function-")))
        value = err.get("input")
        text = danish_message(err)
        if err["type"] not in ("missing", "extra_forbidden", "value_error") and isinstance(value, (int, float, str)):
            text = f"{text} (fik {value!r})"
        problems.append(Problem(f"{prefix}{path}", text[:1].upper() + text[1:] + "."))
    return problems
