"""A scenario's inputs described in Danish, once: used by the Excel export, the example reports, the decision
paper, the app and the course. Each row has a stable key, a Danish label, the raw value (for Excel), the value
as Danish text, and the source where the knowledge base has one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase

import pandas as pd

from .fields import FIELD as F
from .format import kr, number, pct
from .kb import LOCAL_COLUMN, KnowledgeBase
from .names import ACTOR_NAMES_DA, ACTORS, COST_FIELD_NAMES_DA, RESOURCE_CATEGORY_NAMES_DA, RESOURCE_UNIT_NAMES_DA
from .scenario import Scenario
from .steps.consequences import consequence_rows
from .steps.costs import PricedResource, cost_price_year, cost_totals, overhead_share, price_resources
from .steps.prices import weeks_on_benefits


@dataclass(frozen=True)
class InputRow:
    """One described input: `unit` is 'kr', 'pct', 'year', 'n' or '' (text), for number formats."""

    key: str
    label: str
    value: object
    text: str
    source: str = ""
    unit: str = ""


PERSISTENCE = "outcomes[{i}].persistence"
STARTERS = "participants[{i}]"


def row(path: str, value: object, text: str, source: str = "") -> InputRow:
    """The described input at `path`, labelled and given its number format by its field (som_kernel.fields)."""
    field = F[path]
    return InputRow(path, field.title, value, text, source, field.describe_unit)


def source_text(row: Mapping, url: bool = True) -> str:
    """A knowledge-base row's source as text: title, (URL), and [illustrativ] when it is not from a public source."""
    text = str(row["source_title"])
    if row.get(LOCAL_COLUMN):  # a row from the kommune's local layer (knowledge/local.py)
        text = f"lokal ({row[LOCAL_COLUMN]}): {text}"
    if url and row.get("source_url"):
        text += f" ({row['source_url']})"
    if row.get("illustrative"):
        text += " [illustrativ]"
    return text


def target_group_name(scenario: Scenario, kb: KnowledgeBase) -> str:
    """The target group's Danish name (an own target group is named as such)."""
    if scenario.target_group is None:
        return f"Egen målgruppe: {scenario.custom_target_group.name}"
    groups = kb.target_groups.set_index("id")
    return str(groups.at[scenario.target_group, "name"]) if scenario.target_group in groups.index else ""


def outcome_names(scenario: Scenario, kb: KnowledgeBase) -> dict[str, str]:
    """Outcome id → Danish name for the scenario's outcomes (own target group's names first)."""
    names = dict(zip(kb.outcomes["id"], kb.outcomes["name"]))
    if scenario.custom_target_group is not None:
        names.update(scenario.custom_target_group.outcomes)
    return {o.outcome: names.get(o.outcome, o.outcome) for o in scenario.outcomes}


def describe_inputs(
    scenario: Scenario,
    kb: KnowledgeBase,
    sources: Mapping[str, str] | None = None,
    effect_study: str | None = None,
) -> list[InputRow]:
    """The scenario's inputs in Danish, in the order of SØM's steps. `sources` gives a source text per input key
    (participants, duration, costs, success_rate, horizon, discount_rate); `effect_study` names the knowledge-base
    effect study behind the success rate."""
    src = dict(sources or {})
    s, c = scenario.settings, scenario.costs
    rows = [
        InputRow("name", F["name"].title, scenario.name, scenario.name),
        InputRow("description", F["description"].title, scenario.description, scenario.description),
    ]
    group_source = ""
    if scenario.target_group is not None and scenario.target_group in set(kb.target_groups["id"]):
        group_source = source_text(kb.target_groups.set_index("id").loc[scenario.target_group])
    group = target_group_name(scenario, kb)
    rows.append(InputRow("target_group", F["target_group"].title, group, group, group_source))

    names = outcome_names(scenario, kb)
    outcomes = kb.outcomes.set_index("id")
    studies = kb.effect_studies.set_index("id")
    for i, o in enumerate(scenario.outcomes):
        o_src = source_text(outcomes.loc[o.outcome]) if o.outcome in outcomes.index else ""
        rows.append(InputRow(f"outcomes[{i}].outcome", "Effektmål", names[o.outcome], names[o.outcome], o_src))
        study_src = src.get("success_rate", "Antagelse i beregningen")
        if effect_study is not None and effect_study in studies.index:
            st = studies.loc[effect_study]
            study_src = f"{st['name']}: {pct(st['success_rate'])} ({st['design']}); {source_text(st)}"
        elif effect_study is not None:
            study_src = f"{study_src} (effektstudiet '{effect_study}' findes ikke i vidensdatabasen {kb.meta.version})"
        rate = F["outcomes[{i}].success_rate"].at(i=i)
        rows.append(InputRow(rate.path, rate.title, o.success_rate, pct(o.success_rate), study_src, rate.describe_unit))
        persistence = "; ".join(pct(p, 0) for p in o.persistence) or "100 % alle år"
        rows.append(InputRow(f"outcomes[{i}].persistence", F[PERSISTENCE].title, persistence, persistence))

    n = scenario.participants
    starters = ", ".join(number(x) for x in n)
    total = f"{starters} ({number(sum(n))} i alt)"
    rows.append(InputRow("participants", F[STARTERS].title, sum(n), total, src.get("participants", ""), "n"))
    rows.append(
        row("duration_years", scenario.duration_years, f"{scenario.duration_years} år", src.get("duration", ""))
    )
    totals = {line: dict(zip(ACTORS, amounts.tolist())) for line, amounts in cost_totals(scenario, kb).items()}
    per_year, base = totals["running_per_participant"], totals["baseline_per_participant"]
    net = sum(per_year.values()) - sum(base.values())
    cost_text = f"{kr(sum(per_year.values()))} pr. deltager pr. år"
    if sum(base.values()):
        cost_text += f" minus basisalternativ {kr(sum(base.values()))} = {kr(net)} netto"
    payers = ", ".join(f"{ACTOR_NAMES_DA[a]} {pct(v / sum(per_year.values()), 0)}" for a, v in per_year.items() if v)
    if payers:
        cost_text += f" (betales af {payers})"
    if c.price_year is not None and c.price_year != s.price_year:
        cost_text += f", i {c.price_year}-priser"
    rows.append(InputRow("costs", "Omkostninger", net, cost_text, src.get("costs", ""), "kr"))
    startup, fixed = sum(totals["startup"].values()), sum(totals["running_per_year"].values())
    if startup or fixed:
        text = f"opstart {kr(startup)}, drift {kr(fixed)} pr. år"
        rows.append(InputRow("costs.fixed", "Faste omkostninger", startup + fixed, text, src.get("costs", ""), "kr"))
    rows += resource_rows(scenario, kb)

    rows += [
        row("settings.first_year", s.first_year, str(s.first_year)),
        row(
            "settings.horizon_years", s.horizon_years, f"{s.horizon_years} år fra afslutningsåret",
            src.get("horizon", ""),
        ),
        row("settings.price_year", s.price_year, str(s.price_year), f"Nettoprisindeks, vidensdatabase {kb.meta.version}"),
        row("settings.discount_rate", s.discount_rate, pct(s.discount_rate), src.get("discount_rate", "")),
        row(
            "settings.consequence_offset", s.consequence_offset,
            "året efter forløbet" if s.consequence_offset else "forløbets sidste år",
        ),
    ]  # fmt: skip
    if kb.rules is not None:  # the two settings of the public-finance rules (knowledge/rules/)
        rules_src = f"Reglerne for refusion og skat i vidensdatabasen {kb.meta.version}"
        weeks = weeks_on_benefits(scenario, kb)
        default = " (vidensdatabasens standard)" if s.weeks_on_benefits is None else ""
        net = "efter skat" if s.benefits_net_of_tax else "brutto (før skat)"
        rows += [
            row("settings.weeks_on_benefits", weeks, f"{weeks} uger{default}", rules_src),
            row("settings.benefits_net_of_tax", net, net, rules_src),
        ]  # fmt: skip
    cons = consequence_rows(scenario, kb)
    if len(cons):
        c_kb = kb.consequences
        used = c_kb[(c_kb["target_group"] == scenario.target_group) & c_kb["outcome"].isin(cons["outcome"])]
        illustrative = int(used["illustrative"].sum())
        titles = "; ".join(sorted(set(used["source_title"])))
        text = f"{cons['service'].nunique()} ydelser, {len(cons)} estimater ({illustrative} illustrative)"
        rows.append(InputRow("consequences", "Konsekvensestimater", len(cons), text, titles, "n"))
    if kb.local is not None:
        layer = kb.local
        text = f"{layer.kommune} ({layer.name})"
        rows.append(
            InputRow("knowledge.local", "Lokalt lag", text, text, f"version {layer.hash}; tal herfra er mærket lokal")
        )
    if kb.warnings:
        shown = "; ".join(str(w) for w in kb.warnings[:5]) + (" …" if len(kb.warnings) > 5 else "")
        n = len(kb.warnings)
        rows.append(
            InputRow("knowledge.warnings", "Advarsler i vidensdatabasen", n, f"{n} usædvanlige tal", shown, "n")
        )
    return rows


def quantity(x: float) -> str:
    """A resource quantity the Danish way with the decimals it has (at most 4): 0.05 → '0,05', 120 → '120'."""
    text = number(x, 4)
    return text.rstrip("0").rstrip(",") if "," in text else text


def resource_derivation(p: PricedResource, scenario: Scenario) -> str:
    """How one resource line's amount comes about, in Danish: quantity × price (its basis) + overhead = amount."""
    r = p.resource
    unit = RESOURCE_UNIT_NAMES_DA[r.unit]
    per = {"hours": "time", "fte": "årsværk", "units": "stk."}[r.unit]
    if p.wage is not None:
        basis = f"{p.wage['name']}: {kr(p.wage['annual_wage'])} pr. årsværk inkl. pension"
        if r.unit == "hours":
            basis += f" / {number(p.wage['hours_per_fte'])} timer"
        if int(p.wage["price_year"]) != cost_price_year(scenario):
            basis += f", {int(p.wage['price_year'])}-priser omregnet til {cost_price_year(scenario)}"
    else:
        basis = "egen pris"
    text = f"{quantity(r.quantity)} {unit} × {kr(p.price, 2 if p.price < 1000 else 0)} pr. {per} ({basis})"
    if p.overhead:
        text += f" + overhead {pct(p.overhead, 0)}"
    line = COST_FIELD_NAMES_DA[r.line].lower()
    return f"{text} = {kr(p.amount)} · {line} · {ACTOR_NAMES_DA[r.actor].lower()}"


def resource_rows(scenario: Scenario, kb: KnowledgeBase) -> list[InputRow]:
    """One row per resource line (its derivation and the wage's source) and the overhead share on staff lines."""
    priced = price_resources(scenario, kb)
    rows = []
    for p in priced:
        source = source_text(p.wage) if p.wage is not None else "Egen pris i beregningen"
        rows.append(
            InputRow(
                f"costs.resources[{p.index}]", f"Ressource: {p.resource.name}", p.amount,
                resource_derivation(p, scenario), source, "kr",
            )
        )  # fmt: skip
    if any(p.resource.unit in ("hours", "fte") for p in priced):
        share = overhead_share(scenario.costs, kb)
        own = scenario.costs.overhead_share is not None
        source = (
            "Beregningens egen andel" if own or kb.meta.overhead is None else source_text(kb.meta.overhead.model_dump())
        )
        text = f"{pct(share, 0)} af lønnen" + ("" if own else " (vidensdatabasens standard)")
        rows.append(InputRow("costs.overhead_share", "Overhead på personale", share, text, source, "pct"))
    return rows


def resource_table(scenario: Scenario, kb: KnowledgeBase) -> pd.DataFrame:
    """The resource table priced, one row per line, with Danish column names (for the app, Excel and the paper)."""
    columns = [
        "Ressource", "Kategori", "Omkostningslinje", "Aktør", "Mængde", "Enhed", "Pris pr. enhed",
        "Prisgrundlag", "Overhead", "Beløb", "Kilde",
    ]  # fmt: skip
    rows = []
    for p in price_resources(scenario, kb):
        r = p.resource
        rows.append(
            [
                r.name, RESOURCE_CATEGORY_NAMES_DA[r.category], COST_FIELD_NAMES_DA[r.line], ACTOR_NAMES_DA[r.actor],
                r.quantity, RESOURCE_UNIT_NAMES_DA[r.unit], p.price,
                p.wage["name"] if p.wage is not None else "egen pris", p.overhead, p.amount,
                source_text(p.wage) if p.wage is not None else "Egen pris i beregningen",
            ]
        )  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def select(rows: list[InputRow], drop: tuple[str, ...] = ()) -> list[InputRow]:
    """The rows whose key matches none of the shell-style patterns in `drop` (e.g. 'outcomes[[]*[]].persistence')."""
    return [r for r in rows if not any(fnmatchcase(r.key, pattern) for pattern in drop)]


def inputs_table(rows: list[InputRow]) -> pd.DataFrame:
    """Described inputs as a table (Antagelse, Værdi, Kilde)."""
    return pd.DataFrame([(r.label, r.text, r.source) for r in rows], columns=["Antagelse", "Værdi", "Kilde"])


def inputs_markdown(rows: list[InputRow]) -> str:
    """Described inputs as Danish Markdown lines, the scenario's name in bold first."""
    name = next((r.text for r in rows if r.key == "name"), "")
    return "\n".join([f"**{name}**", *(f"- {r.label}: {r.text}" for r in rows if r.key != "name" and r.text)])
