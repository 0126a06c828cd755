"""The part of `knowledge diff` that concerns dated parameters: the rules (knowledge/rules/*.yaml), the policy
constants (knowledge/policy.yaml), the links that price services by a rule (rule_links.csv, compared as a table in
diff.py) and the per-actor prices the rules derive, calendar year by calendar year.

A dated parameter's rows are its dated values: the key is the parameter and the period the value is in force (from
its date until the day before the next one). A changed value lists the fields that differ (value, reference, …);
an added or removed period says what was, or now is, in force on its first day. The derived prices are
`rules.static_price_rows` for each calendar year on both versions (before tax, consequence year 1 of a one-year
intervention, the default weeks on public support, in the link's price year), so the kroner are the rules' own.
"""

from __future__ import annotations

from datetime import date, timedelta

from ..errors import SomError
from ..format import kr
from ..kb.policy import POLICY_FILE, policy_parameters
from ..kb.rules import RULE_HORIZON, RULES_DIR, first_year, static_price_rows
from ..kb.schema import ACTORS, KnowledgeBase
from ..numbers import format_danish
from .changes import TableDiff


def _value_text(entry: dict, unit: str = "") -> str:
    """A dated value in Danish notation: a number (a year without a thousands point), a staircase by week, or a
    value per key (policy.yaml)."""
    if entry.get("brackets") is not None:
        return " · ".join(f"fra uge {b['from_week']}: {format_danish(b['value'])}" for b in entry["brackets"])
    value = entry.get("value")
    if isinstance(value, dict):
        return " · ".join(f"{k}: {_value_text({'value': v}, unit)}" for k, v in value.items())
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "" if value is None else str(value)
    return str(int(value)) if unit == "år" and float(value).is_integer() else format_danish(value)


def _fields(entry: dict, unit: str) -> dict[str, str]:
    """A dated value's fields as text, the sources flattened (reference.title, reference.url, also.…)."""
    out = {"value": _value_text(entry, unit)}
    for source in ("reference", "also"):
        ref = entry.get(source) or {}
        out[f"{source}.title"], out[f"{source}.url"] = str(ref.get("title") or ""), str(ref.get("url") or "")
    out["illustrative"] = "ja" if entry.get("illustrative") else "nej"
    for name in ("why", "note"):
        out[name] = " ".join(str(entry.get(name) or "").split())
    return out


def _in_force(values: dict[date, dict], day: date) -> tuple[date, dict] | None:
    """The dated value in force on `day` (the latest dated on or before it), None before the first."""
    dates = [d for d in sorted(values) if d <= day]
    return (dates[-1], values[dates[-1]]) if dates else None


def _period(values: dict[date, dict], day: date) -> str:
    later = [d for d in sorted(values) if d > day]
    return f"fra {day.isoformat()}" + (f" til {(later[0] - timedelta(days=1)).isoformat()}" if later else "")


def _was(values: dict[date, dict], day: date, unit: str) -> str:
    found = _in_force(values, day)
    return f"{_value_text(found[1], unit)} fra {found[0].isoformat()}" if found else "ingen værdi"


def parameters_diff(name: str, old: dict | None, new: dict | None) -> TableDiff:
    """Dated values of `new` added to, removed from and changed against `old`. Both are a document of dated
    parameters, {description, parameters: {name: {description, unit, values: {date: entry}}}}, or None."""
    out = TableDiff(name)
    a, b = (old or {}).get("parameters", {}), (new or {}).get("parameters", {})
    if old and new and " ".join(old["description"].split()) != " ".join(new["description"].split()):
        out.changed.append(("description", [("description", old["description"], new["description"])]))
    for param in list(a) + [p for p in b if p not in a]:
        pa, pb = a.get(param), b.get(param)
        va, vb = (pa or {}).get("values", {}), (pb or {}).get("values", {})
        unit = (pb or pa)["unit"]
        if pa and pb:
            cols = [
                (c, pa[c], pb[c]) for c in ("description", "unit") if " ".join(pa[c].split()) != " ".join(pb[c].split())
            ]
            if cols:
                out.changed.append((param, cols))
        for day in sorted(set(va) | set(vb)):
            label = f"{param} ({unit}) {_period(vb if day in vb else va, day)}"
            if day in va and day in vb:
                fa, fb = _fields(va[day], unit), _fields(vb[day], unit)
                cols = [(c, fa[c], fb[c]) for c in fb if fa[c] != fb[c]]
                if cols:
                    out.changed.append((label, cols))
            elif day in vb:
                out.added.append(f"{label}: {_value_text(vb[day], unit)} (før: {_was(va, day, unit)})")
            else:
                out.removed.append(f"{label}: {_value_text(va[day], unit)} (nu: {_was(vb, day, unit)})")
    return out


def _rule_documents(kb: KnowledgeBase) -> dict[str, dict]:
    return {stem: f.model_dump() for stem, f in (kb.rules.families.items() if kb.rules is not None else ())}


def rule_diffs(old: KnowledgeBase, new: KnowledgeBase) -> list[tuple[TableDiff, str]]:
    """One diff per rule file in either version, with '' or 'tilføjet'/'fjernet' when only one version has it."""
    a, b = _rule_documents(old), _rule_documents(new)
    out = []
    for stem in sorted(set(a) | set(b)):
        whole = "" if stem in a and stem in b else ("tilføjet" if stem in b else "fjernet")
        out.append((parameters_diff(f"{RULES_DIR}/{stem}.yaml", a.get(stem), b.get(stem)), whole))
    return out


def policy_diff(old: KnowledgeBase, new: KnowledgeBase) -> TableDiff | str | None:
    """policy.yaml's dated values, or why a version's file cannot be read; None when neither version has it."""
    docs = []
    for kb in (old, new):
        if kb.path is None or not (kb.path / POLICY_FILE).is_file():
            docs.append(None)
            continue
        try:
            docs.append(policy_parameters(kb.path))
        except SomError as e:
            return f"kan ikke læses i {kb.path}: {e.problems[0].message}"
    if docs == [None, None]:
        return None
    return parameters_diff(POLICY_FILE, *docs)


def derived_price_moves(old: KnowledgeBase, new: KnowledgeBase) -> list[tuple[str, list[tuple[str, str, str]], str]]:
    """(service × actor, [(years, old kroner, new kroner)], the gross rate's price year: '2023', or '2023 → 2024'
    when the new version moves it) for every price the rules derive in both versions that differs in some calendar
    year. The years run from the first year both versions' rules can price every linked service to the later of
    the rules' horizon and the year after the last dated value, so the last span ('fra 2027') holds for every
    later year. A service linked in one version only is left out (rule_links.csv's diff lists it)."""
    if old.rules is None or new.rules is None:
        return []
    services = [s for s in new.rules.links.index if old.rules.linked(s)]
    if not services:
        return []
    dates = [
        d for kb in (old, new) for f in kb.rules.families.values() for p in f.parameters.values() for d in p.values
    ]
    start = max(first_year(old.rules)[0], first_year(new.rules)[0])
    end = max(RULE_HORIZON[-1], max(dates).year + 1)
    series: dict[tuple[str, str], list[tuple[int, int, int]]] = {}
    for year in range(start, end + 1):
        rows = [
            {(r.service, r.actor): int(r.price) for r in static_price_rows(kb.rules, year).itertuples()}
            for kb in (old, new)
        ]
        for service in services:
            for actor in ACTORS:
                series.setdefault((service, actor), []).append((year, rows[0][service, actor], rows[1][service, actor]))
    out = []
    for (service, actor), values in series.items():
        spans: list[list] = []  # [first year, last year, old, new] of consecutive years with the same move
        for year, a, b in values:
            if spans and spans[-1][1] == year - 1 and spans[-1][2:] == [a, b]:
                spans[-1][1] = year
            else:
                spans.append([year, year, a, b])
        moves = []
        for first, last, a, b in spans:
            if a == b:
                continue
            years = f"fra {first}" if last == end else (str(first) if first == last else f"{first}–{last}")
            moves.append((years, kr(a), kr(b)))
        if moves:
            a, b = (int(kb.rules.link(service)["price_year"]) for kb in (old, new))
            out.append((f"{service} × {actor}", moves, str(b) if a == b else f"{a} → {b}"))
    return out
