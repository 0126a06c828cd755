"""The knowledge base as tables for reading (the browser's tabs): pure builders of (kb, Filters) → DataFrame.

Each builder returns one tab of notebooks/vidensdatabase.ipynb as a DataFrame with Danish column headers and
Danish-formatted numbers, with the source (an HTML link) and the status (offentlig, afledt, kalibreret, illustrativ, lokal,
lokal estimeret) next to every number. No widgets here: som_kernel/ui/knowledge_browser.py shows these tables.
The value of a consequence profile in kroner is computed by the kernel (`calculate` on one successful
person), never by a formula of its own (docs/method.md#step-4-consequences).
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from .engine import calculate
from .format import number, pct
from .kb import TARGET_GROUP_AREAS, KnowledgeBase
from .kb.rules import FAMILY_NAMES_DA
from .names import ACTOR_NAMES_DA, ACTORS, STATUS_NAMES_DA, WELFARE_AREA_NAMES_DA
from .scenario import build_scenario

ALL = ""  # the "Alle" choice of a dropdown
EVIDENCE_DA = {1: "1 (metastudie/RCT)", 2: "2 (kvasieksperimentel)", 3: "3 (før-efter)"}
TABS = ("malgrupper", "effekter", "konsekvenser", "priser", "regler", "lonninger", "prisindeks", "kilder")
TAB_TITLES = {
    "malgrupper": "Målgrupper",
    "effekter": "Effektstudier",
    "konsekvenser": "Konsekvenser",
    "priser": "Priser",
    "regler": "Regler (hvem betaler)",
    "lonninger": "Lønninger",
    "prisindeks": "Nettoprisindeks",
    "kilder": "Kilder",
}
TABLE_NAMES_DA = {
    "target_groups": "målgrupper",
    "outcomes": "effektmål",
    "services": "ydelser",
    "prices": "priser",
    "consequences": "konsekvenser",
    "effect_studies": "effektstudier",
    "net_price_index": "nettoprisindeks",
    "wages": "lønninger",
}
PROFILE_FIRST_YEAR = 2025  # any calendar year; the chart shows consequence years 1..10


@dataclass(frozen=True)
class Filters:
    """What the user filters on. Empty strings mean "all"."""

    target_group: str = ALL
    outcome: str = ALL
    welfare_area: str = ALL
    text: str = ""
    public_only: bool = False


# ---- provenance ------------------------------------------------------------------------------------------


def weakest_status(statuses) -> str:
    """The weakest of some rows' statuses (names.STATUS_NAMES_DA is ordered strongest first)."""
    order = list(STATUS_NAMES_DA)
    return max(statuses, key=order.index)


def status_text(status: str, calibrated_to: str = "") -> str:
    """A row's status in Danish (names.STATUS_NAMES_DA); a calibrated row names its published total."""
    if status == "calibrated" and calibrated_to:
        return f"kalibreret til {calibrated_to}; fordelingen er illustrativ"
    return STATUS_NAMES_DA[status]


def source_cell(title: str, url: str) -> str:
    """HTML for a source: a link when there is a URL."""
    if url:
        return f'<a href="{html.escape(url)}" target="_blank" rel="noopener">{html.escape(title)}</a>'
    return html.escape(title)


# ---- filtering -------------------------------------------------------------------------------------------


def _text_match(df: pd.DataFrame, text: str, columns: list[str]) -> pd.Series:
    if not text.strip():
        return pd.Series(True, index=df.index)
    needle = text.strip().lower()
    hay = df[columns].astype(str).agg(" ".join, axis=1).str.lower()
    return hay.str.contains(needle, regex=False)


def _public(df: pd.DataFrame, f: Filters) -> pd.Series:
    return ~df["illustrative"] if f.public_only else pd.Series(True, index=df.index)


def services_of_group(kb: KnowledgeBase, target_group: str) -> set[str]:
    """Services with a consequence for `target_group` (all services when it is empty)."""
    if not target_group:
        return set(kb.services["id"])
    c = kb.consequences
    return set(c.loc[c["target_group"] == target_group, "service"])


def target_group_table(kb: KnowledgeBase, f: Filters) -> pd.DataFrame:
    """One row per outcome, with its target group (målgruppe, område, definition, effektmål, kilde, status)."""
    tg = kb.target_groups.rename(columns=lambda c: f"tg_{c}")
    df = kb.outcomes.merge(tg, left_on="target_group", right_on="tg_id", how="left")
    keep = _public(df, f)
    if f.target_group:
        keep &= df["target_group"] == f.target_group
    keep &= _text_match(df, f.text, ["id", "name", "definition", "tg_name", "tg_definition", "source_title"])
    df = df[keep]
    return pd.DataFrame(
        {
            "Målgruppe": df["tg_name"],
            "Område": df["tg_area"].map(TARGET_GROUP_AREAS),
            "Definition af målgruppen": df["tg_definition"],
            "Effektmål": df["name"],
            "Definition af effektmålet": df["definition"],
            "Status": df["status"].map(status_text),
            "Kilde": [source_cell(t, u) for t, u in zip(df["source_title"], df["source_url"], strict=True)],
            "id": df["id"],
        }
    ).reset_index(drop=True)


def effect_table(kb: KnowledgeBase, f: Filters) -> pd.DataFrame:
    """Effect studies: success rate (net, in %) with interval, design, evidence level, n, country, source."""
    e = kb.effect_studies
    names = dict(zip(kb.outcomes["id"], kb.outcomes["name"], strict=True))
    groups = dict(zip(kb.target_groups["id"], kb.target_groups["name"], strict=True))
    keep = _public(e, f)
    if f.target_group:
        keep &= e["target_group"] == f.target_group
    if f.outcome:
        keep &= e["outcome"] == f.outcome
    keep &= _text_match(e, f.text, ["id", "name", "measure", "design", "country", "source_title", "note"])
    e = e[keep]

    def interval(lo, hi):
        return f"{pct(lo)} – {pct(hi)}" if pd.notna(lo) and pd.notna(hi) else "–"

    def rates(t, c):
        return f"{pct(t)} mod {pct(c)}" if pd.notna(t) and pd.notna(c) else "–"

    return pd.DataFrame(
        {
            "Indsats / studie": e["name"],
            "Målgruppe": e["target_group"].map(groups),
            "Effektmål": e["outcome"].map(names),
            "Succesrate (netto)": e["success_rate"].map(pct),
            "Interval": [interval(lo, hi) for lo, hi in zip(e["ci_low"], e["ci_high"], strict=True)],
            "Med indsats mod uden": [rates(t, c) for t, c in zip(e["rate_treatment"], e["rate_control"], strict=True)],
            # the flag and the source right after the numbers they belong to
            "Status": e["status"].map(status_text),
            "Kilde": [source_cell(t, u) for t, u in zip(e["source_title"], e["source_url"], strict=True)],
            "Effektmål i studiet": e["measure"],
            "Design": e["design"],
            "Evidensniveau": e["evidence_level"].map(EVIDENCE_DA),
            "Antal (n)": e["n"].map(lambda n: number(n) if pd.notna(n) else "–"),
            "Land": e["country"],
            "Note": e["note"],
            "id": e["id"],
        }
    ).reset_index(drop=True)


def consequence_table(kb: KnowledgeBase, f: Filters) -> pd.DataFrame:
    """Consequences, one row per target group × outcome × service with years 1–10 as columns (Δ use per success)."""
    c = kb.consequences
    svc = kb.services.set_index("id")
    keep = _public(c, f)
    if f.target_group:
        keep &= c["target_group"] == f.target_group
    if f.outcome:
        keep &= c["outcome"] == f.outcome
    if f.welfare_area:
        keep &= c["service"].map(svc["welfare_area"]) == f.welfare_area
    c = c[keep]
    if c.empty:
        return pd.DataFrame(columns=["Målgruppe", "Effektmål", "Ydelse", "Enhed", *map(str, range(1, 11)), "Status"])
    keys = ["target_group", "outcome", "service"]
    wide = c.pivot_table(index=keys, columns="year", values="delta_use", aggfunc="sum", fill_value=0.0)
    wide = wide.reindex(columns=range(1, max(10, int(c["year"].max())) + 1), fill_value=0.0)
    first = c.groupby(keys, sort=False)[["unit", "source_title", "source_url", "status", "calibrated_to"]].first()
    wide = wide.join(first).reset_index()
    names = dict(zip(kb.outcomes["id"], kb.outcomes["name"], strict=True))
    groups = dict(zip(kb.target_groups["id"], kb.target_groups["name"], strict=True))
    wide["service_name"] = wide["service"].map(svc["name"])
    text_cols = ["target_group", "outcome", "service", "service_name", "source_title", "calibrated_to"]
    wide = wide[_text_match(wide.assign(tg=wide["target_group"].map(groups)), f.text, [*text_cols, "tg"])]
    out = pd.DataFrame(
        {
            "Målgruppe": wide["target_group"].map(groups),
            "Effektmål": wide["outcome"].map(names),
            "Ydelse": wide["service_name"],
            "Område": wide["service"].map(svc["welfare_area"]).map(WELFARE_AREA_NAMES_DA),
            "Enhed": wide["unit"],
        }
    )
    for y in range(1, 11):
        out[str(y)] = wide[y].map(lambda v: number(v, 2) if v else "0")
    out["Status"] = [status_text(st, cal) for st, cal in zip(wide["status"], wide["calibrated_to"], strict=True)]
    out["Kilde"] = [source_cell(t, u) for t, u in zip(wide["source_title"], wide["source_url"], strict=True)]
    out["service"] = wide["service"]
    return out.reset_index(drop=True)


def _sources_html(rows: pd.DataFrame) -> str:
    """The distinct sources of some rows as links, separated by semicolons."""
    pairs = dict.fromkeys(zip(rows["source_title"], rows["source_url"], strict=True))
    return "; ".join(source_cell(t, u) for t, u in pairs)


def price_table(kb: KnowledgeBase, f: Filters) -> pd.DataFrame:
    """Prices per service and actor (kr. per unit after refusion) at their own price year, with source and status."""
    p = kb.prices
    svc = kb.services.set_index("id")
    keep = _public(p, f) & p["service"].isin(services_of_group(kb, f.target_group))
    if f.welfare_area:
        keep &= p["service"].map(svc["welfare_area"]) == f.welfare_area
    p = p[keep]
    if p.empty:
        return pd.DataFrame(
            columns=["Ydelse", "Område", "Enhed", *(ACTOR_NAMES_DA[a] for a in ACTORS), "Prisår", "Status"]
        )
    wide = p.pivot_table(index="service", columns="actor", values="price", aggfunc="sum").reindex(columns=list(ACTORS))
    # provenance of all actors' rows of a service; usually one source and one year, but never hide a difference
    paid = p[p["price"] > 0]
    prov = pd.DataFrame(
        {
            "unit": p.groupby("service")["unit"].first(),
            "years": p.groupby("service")["price_year"].agg(lambda y: "/".join(map(str, sorted(set(y))))),
            "status": p.groupby("service")["status"].agg(weakest_status),
            "sources": p.groupby("service").apply(_sources_html, include_groups=False),
            "note": paid.groupby("service")["note"].agg(lambda n: " ".join(dict.fromkeys(x for x in n if x))),
        }
    )
    order = [s for s in svc.index if s in wide.index]
    wide = wide.join(prov).loc[order].reset_index()
    wide["note"] = wide["note"].fillna("")
    wide["name"] = wide["service"].map(svc["name"])
    wide = wide[_text_match(wide, f.text, ["service", "name", "sources", "note", "unit"])]
    out = pd.DataFrame(
        {
            "Ydelse": wide["name"],
            "Område": wide["service"].map(svc["welfare_area"]).map(WELFARE_AREA_NAMES_DA),
            "Enhed": wide["unit"],
        }
    )
    for a in ACTORS:
        label = ACTOR_NAMES_DA[a]
        out[label] = wide[a].map(lambda v: number(v) if pd.notna(v) else "–")
    out["Prisår"] = wide["years"]
    out["Status"] = wide["status"].map(status_text)
    if kb.rules is not None:  # read-only here: the calculation derives these from the rule in every year
        for i, service in enumerate(wide["service"]):
            if kb.rules.linked(service):
                label = f"afledt af regel »{FAMILY_NAMES_DA[kb.rules.link(service)['rule']]}«"
                status = wide["status"].iloc[i]
                out.iloc[i, out.columns.get_loc("Status")] = (
                    label if status in ("public", "derived") else f"{label}; {status_text(status)}"
                )
    out["Kilde"] = wide["sources"]
    out["Note"] = wide["note"]
    out["service"] = wide["service"]
    return out.reset_index(drop=True)


def wage_table(kb: KnowledgeBase, f: Filters) -> pd.DataFrame:
    """The professions of the resource table (wages.csv): the cost of an årsværk with pension, its working hours,
    the hourly cost that follows, with source and status."""
    w = kb.wages
    w = w[_public(w, f) & _text_match(w, f.text, ["name", "profession", "source_title"])]
    return pd.DataFrame(
        {
            "Faggruppe": w["name"],
            "Kr. pr. årsværk inkl. pension": w["annual_wage"].map(number),
            "Arbejdstimer pr. årsværk": w["hours_per_fte"].map(number),
            "Kr. pr. time": (w["annual_wage"] / w["hours_per_fte"]).map(number),
            "Prisår": w["price_year"].astype(int).astype(str),
            "Status": w["status"].map(status_text),
            "Kilde": [source_cell(t, u) for t, u in zip(w["source_title"], w["source_url"], strict=True)],
            "Note": w["note"],
        }
    ).reset_index(drop=True)


def index_table(kb: KnowledgeBase, f: Filters) -> pd.DataFrame:
    """The net price index by year with its source and status."""
    n = kb.net_price_index
    n = n[_public(n, f)]
    return pd.DataFrame(
        {
            "År": n["year"].astype(str),
            "Nettoprisindeks (2015 = 100)": n["index"].map(lambda v: number(v, 1)),
            "Status": n["status"].map(status_text),
            "Kilde": [source_cell(t, u) for t, u in zip(n["source_title"], n["source_url"], strict=True)],
            "Note": n["note"],
        }
    ).reset_index(drop=True)


def sources_table(kb: KnowledgeBase, f: Filters) -> pd.DataFrame:
    """Every source the knowledge base cites, with how many rows of each table use it and whether they are public."""
    parts = [
        getattr(kb, t)[["source_title", "source_url", "illustrative", "status"]].assign(table=name)
        for t, name in TABLE_NAMES_DA.items()
    ]
    rows = pd.concat(parts, ignore_index=True)
    rows = rows[_public(rows, f) & _text_match(rows, f.text, ["source_title", "source_url"])]
    if rows.empty:
        return pd.DataFrame(columns=["Kilde", "Bruges i", "Rækker", "Status"])
    keys = ["source_title", "source_url"]
    used = rows.groupby(keys, sort=False)["table"].agg(
        lambda t: ", ".join(f"{n} {name}" for name, n in t.value_counts(sort=False).items())
    )
    out = rows.groupby(keys, sort=False).agg(n=("table", "size"), st=("status", lambda x: set(x))).join(used)
    out = out.reset_index().sort_values("n", ascending=False)
    status = out["st"].map(lambda x: status_text(next(iter(x))) if len(x) == 1 else "blandet")
    return pd.DataFrame(
        {
            "Kilde": [source_cell(t, u) for t, u in zip(out["source_title"], out["source_url"], strict=True)],
            "Bruges i": out["table"],
            "Rækker": out["n"].map(number),
            "Status": status,
        }
    ).reset_index(drop=True)


def _rule_value_text(entry, unit: str) -> str:
    if entry.brackets is not None:
        return " · ".join(f"fra uge {b.from_week}: {number(100 * b.value, 0)} %" for b in entry.brackets)
    v = float(entry.value)
    if unit == "år":  # a year (a price level), not an amount
        return str(int(v))
    if v.is_integer():
        return number(v)
    return number(v, 5).rstrip("0")  # 0.25068 → '0,25068', 0.5 → '0,5'


def rule_table(kb: KnowledgeBase, f: Filters) -> pd.DataFrame:
    """The public-finance rules (knowledge/rules/*.yaml): every parameter's value from each date, with its unit,
    status and reference (or why it is illustrative). Read-only; a change goes in the rule file or the
    workbook's regel_-sheet."""
    columns = ["Regel", "Parameter", "Gælder fra", "Værdi", "Enhed", "Status", "Kilde", "Note"]
    if kb.rules is None:
        return pd.DataFrame(columns=columns)
    rows = []
    for family, rule in kb.rules.families.items():
        for p in rule.parameters.values():
            for when, e in sorted(p.values.items()):
                if f.public_only and e.illustrative:
                    continue
                ref = source_cell(e.reference.title, e.reference.url) if e.reference else ""
                rows.append(
                    {
                        "Regel": FAMILY_NAMES_DA.get(family, family),
                        "Parameter": p.description,
                        "Gælder fra": when.isoformat(),
                        "Værdi": _rule_value_text(e, p.unit),
                        "Enhed": p.unit,
                        "Status": status_text("illustrative" if e.illustrative else "public"),
                        "Kilde": ref,
                        "Note": " ".join(x for x in (e.why, e.note) if x),
                        "file": f"rules/{family}.yaml",
                    }
                )
    df = pd.DataFrame(rows, columns=[*columns, "file"])
    df = df[_text_match(df, f.text, ["Regel", "Parameter", "Kilde", "Note", "file"])]
    return df.drop(columns="file").reset_index(drop=True)


TABLE_BUILDERS = {
    "malgrupper": target_group_table,
    "effekter": effect_table,
    "konsekvenser": consequence_table,
    "priser": price_table,
    "regler": rule_table,
    "lonninger": wage_table,
    "prisindeks": index_table,
    "kilder": sources_table,
}


# ---- consequence profile in kroner (by the kernel) -------------------------------------------------------


def consequence_profile(kb: KnowledgeBase, target_group: str, outcome: str, price_year: int | None = None):
    """Gain per successful person by consequence year (1–10) and service, in kroner at `price_year`,
    computed by the kernel: one participant, success rate 1, no costs. Columns: year, service, name, amount."""
    year = price_year or kb.meta.default_price_year
    scenario = build_scenario(
        {
            "target_group": target_group,
            "participants": [1],
            "duration_years": 1,
            "outcomes": [{"outcome": outcome, "success_rate": 1.0}],
            "settings": {"price_year": year, "first_year": PROFILE_FIRST_YEAR, "horizon_years": 10},
        }
    )
    by = calculate(scenario, kb).by_year_service(kind="consequence")
    out = by.stack().rename("amount").reset_index()
    out = out[out["amount"] != 0].sort_values(["year", "service"]).reset_index(drop=True)
    out["year"] = out["year"] - PROFILE_FIRST_YEAR + 1
    out["name"] = out["service"].map(kb.services.set_index("id")["name"])
    return out
