"""Policy constants as dated, referenced parameters (knowledge/policy.yaml): the Finance Ministry's discount rate,
weeks per year, the evidence-grade widening of an effect study's standard error.

The file has the rules' format (OpenFisca-style parameters): every value is keyed by the date it took effect and
carries a reference (title, URL) or `illustrative: true` with a `why`. `policy_value(name, when)` is the one way
code reads them; no other module writes these numbers."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

import yaml

from ..errors import KnowledgeError, Problem
from .schema import DEFAULT_KNOWLEDGE_DIR

POLICY_FILE = "policy.yaml"


@cache
def _document(path: Path) -> dict[str, dict]:
    """{description, parameters: {name: {description, unit, values: {date it took effect: entry}}}} as the file has
    them, checked: every value has a reference or is marked illustrative with a reason (a Danish KnowledgeError
    naming the file and field otherwise)."""
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as e:
        raise KnowledgeError(f"{path.name}: kan ikke læses ({e}).") from None
    out: dict[str, dict] = {}
    for name, spec in (doc.get("parameters") or {}).items():
        values = {}
        for when, entry in (spec.get("values") or {}).items():
            where = f"{path.name}: parameters.{name}.values.{when}"
            if not isinstance(when, date) or not isinstance(entry, dict) or "value" not in entry:
                raise KnowledgeError(f"{where}: skal være en dato (ÅÅÅÅ-MM-DD) med en 'value'.")
            sourced = bool((entry.get("reference") or {}).get("title"))
            if not sourced and not (entry.get("illustrative") and str(entry.get("why", "")).strip()):
                raise KnowledgeError(f"{where}: mangler en kilde (reference) eller illustrative: true med 'why'.")
            values[when] = entry
        if not values:
            raise KnowledgeError(f"{path.name}: parameters.{name} har ingen værdier.")
        out[name] = {
            "description": str(spec.get("description", "")),
            "unit": str(spec.get("unit", "")),
            "values": values,
        }
    return {"description": str(doc.get("description", "")), "parameters": out}


@cache
def _parameters(path: Path) -> dict[str, list[tuple[date, object]]]:
    """name → [(date it took effect, value)] oldest first."""
    params = _document(path)["parameters"]
    return {
        name: sorted(((d, e["value"]) for d, e in p["values"].items()), key=lambda e: e[0])
        for name, p in params.items()
    }


def policy_parameters(folder: Path = DEFAULT_KNOWLEDGE_DIR) -> dict:
    """`folder`'s policy.yaml, checked, as {description, parameters: {name: {description, unit, values: {date:
    entry}}}} (the format of a rule file; what `knowledge diff` compares)."""
    return _document(Path(folder) / POLICY_FILE)


def policy_value(name: str, when: date | int | None = None, folder: Path = DEFAULT_KNOWLEDGE_DIR):
    """The value of policy parameter `name` on `when` (a date, or a calendar year: its 1 January; default today):
    the latest value that took effect on or before that day."""
    params = _parameters(Path(folder) / POLICY_FILE)
    if name not in params:
        raise KnowledgeError(f"{POLICY_FILE}: ukendt parameter '{name}' (kendte: {', '.join(sorted(params))}).")
    day = date.today() if when is None else date(when, 1, 1) if isinstance(when, int) else when
    valid = [v for d, v in params[name] if d <= day]
    if not valid:
        raise KnowledgeError(f"{POLICY_FILE}: '{name}' har ingen værdi gældende {day.isoformat()}.")
    return valid[-1]


def policy_warning(folder: Path) -> Problem | None:
    """A Danish warning when `folder` has a policy.yaml that differs from the program's own: the calculations read
    the program's (its discount rate, weeks per year and evidence widening are fixed when the code is loaded), so
    a base's own policy values would otherwise be ignored without a word."""
    mine = Path(folder) / POLICY_FILE
    if not mine.is_file() or mine.resolve() == (DEFAULT_KNOWLEDGE_DIR / POLICY_FILE).resolve():
        return None
    try:
        differs = policy_parameters(folder)["parameters"] != policy_parameters()["parameters"]
    except KnowledgeError as e:
        return Problem(POLICY_FILE, f"kan ikke læses og bruges ikke ({e}); beregningerne bruger programmets egen.")
    if not differs:
        return None
    return Problem(
        POLICY_FILE,
        "afviger fra programmets egen policy.yaml (diskonteringsrente, uger pr. år, evidensbredde); beregningerne "
        "bruger programmets værdier, ikke denne fils. Ret værdierne i programmets knowledge/policy.yaml, hvis de "
        "skal gælde.",
    )
