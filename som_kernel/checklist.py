"""SØM's checklist (tjekliste), filled in from the scenario and the knowledge base.

Social- og Boligstyrelsen asks users to go through a checklist of the considerations behind a SØM
calculation. Its items are not public, so the points here are this workbench's own, built from SØM's
advice topics and the common mistakes in its FAQ: where the success rate comes from and whether it is
net of the comparison group, consequence years the estimates do not cover, persistence, how much of the
result rests on illustrative numbers, local or national prices, horizon and discounting, and costs for
every actor. `checklist(result, kb)` returns one CheckItem per point, each green, yellow or red with a
Danish sentence saying why. Thresholds (e.g. 25 % / 50 % illustrative weight) are ours and stated below.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .format import pct
from .knowledge import ACTORS, KnowledgeBase
from .names import STATUS_NAMES_DA
from .summary import ACTOR_DEFINITE_DA, _join
from .views import Result

GREEN, YELLOW, RED = "green", "yellow", "red"
STATUS_DA = {GREEN: "Grøn", YELLOW: "Gul", RED: "Rød"}
STATUS_COLOUR = {GREEN: "#2e7d32", YELLOW: "#f9a825", RED: "#c62828"}
# share of the consequences' value resting on illustrative estimates or prices: below the first is green,
# below the second yellow, else red (our thresholds, not SØM's)
ILLUSTRATIVE_LIMITS = (0.25, 0.50)
# a success rate within this distance of a study's rate counts as taken from that study
RATE_MATCH = 0.005
# designs with a comparison group (lower-case substrings of effect_studies.design)
CONTROLLED = ("rct", "kvasi", "meta", "kontrol", "register")


@dataclass(frozen=True)
class CheckItem:
    """One point of the checklist: an id, the Danish question, green/yellow/red and a Danish sentence why."""

    id: str
    title: str
    status: str
    reason: str

    @property
    def status_da(self) -> str:
        return STATUS_DA[self.status]


def matching_study(kb: KnowledgeBase, outcome: str, rate: float, study: str | None = None) -> pd.Series | None:
    """The effect study behind an outcome's success rate: `study` if named, else the outcome's study whose
    rate equals `rate` (within half a percentage point), strongest evidence first; None if none matches."""
    studies = kb.effect_studies
    if study is not None:
        hit = studies[studies["id"] == study]
        return hit.iloc[0] if len(hit) else None
    hit = studies[(studies["outcome"] == outcome) & ((studies["success_rate"] - rate).abs() <= RATE_MATCH)]
    return hit.sort_values("evidence_level", kind="stable").iloc[0] if len(hit) else None


def _studies(result: Result, kb: KnowledgeBase, studies: dict[str, str] | None) -> list[tuple[str, pd.Series | None]]:
    names = dict(zip(kb.outcomes["id"], kb.outcomes["name"]))
    custom = result.scenario.custom_target_group
    if custom is not None:
        names.update(custom.outcomes)
    return [
        (names.get(o.outcome, o.outcome), matching_study(kb, o.outcome, o.success_rate, (studies or {}).get(o.outcome)))
        for o in result.scenario.outcomes
    ]


def _evidence(found) -> CheckItem:
    title = "Evidensniveau og design bag succesraten"
    missing = [name for name, st in found if st is None]
    if missing:
        return CheckItem(
            "evidence",
            title,
            RED,
            f"Succesraten for {', '.join(missing)} kommer ikke fra et effektstudie i vidensdatabasen; angiv, "
            "hvor den kommer fra, og hvor sikker den er.",
        )
    level = max(int(st["evidence_level"]) for _, st in found)
    parts = [f"{st['name']} ({st['design']}, evidensniveau {int(st['evidence_level'])})" for _, st in found]
    illustrative = [st["name"] for _, st in found if bool(st.get("illustrative"))]
    status = GREEN if level == 1 else YELLOW if level == 2 else RED
    text = f"Succesraten bygger på {'; '.join(parts)}."
    if level == 2:
        text += " Et kvasieksperimentelt design er svagere end et lodtrækningsforsøg."
    elif level == 3:
        text += " Et studie uden kontrolgruppe siger ikke, hvad indsatsen selv gør."
    if illustrative:
        status = YELLOW if status == GREEN else status
        text += f" Studiets tal er markeret illustrative i vidensdatabasen ({', '.join(illustrative)})."
    return CheckItem("evidence", title, status, text)


def _net_of_comparison(found) -> CheckItem:
    title = "Succesraten er netto i forhold til basisalternativet"
    if any(st is None for _, st in found):
        return CheckItem(
            "net_of_comparison",
            title,
            YELLOW,
            "Det kan ikke ses, om succesraten er målt ud over det, borgerne ville have opnået med den sædvanlige "
            "indsats (fx 12 % mod 2 % giver 10 %). Tjek, at den er netto.",
        )
    gross = [st["name"] for _, st in found if not any(k in str(st["design"]).lower() for k in CONTROLLED)]
    if gross:
        return CheckItem(
            "net_of_comparison",
            title,
            RED,
            f"{', '.join(gross)} har ingen kontrolgruppe, så succesraten er ikke netto af det, der ville være sket "
            "alligevel; resultatet er sandsynligvis for højt.",
        )
    shown = []
    for name, st in found:
        if pd.notna(st.get("rate_treatment")) and pd.notna(st.get("rate_control")):
            shown.append(f"{name}: {pct(st['rate_treatment'])} mod {pct(st['rate_control'])} i kontrolgruppen")
    detail = f" ({'; '.join(shown)})" if shown else ""
    return CheckItem("net_of_comparison", title, GREEN, f"Succesraten er forskellen til en kontrolgruppe{detail}.")


def _coverage(result: Result, kb: KnowledgeBase) -> CheckItem:
    title = "Konsekvensår ud over, hvad vidensgrundlaget dækker"
    s = result.scenario
    horizon = s.settings.horizon_years
    c = kb.consequences
    if s.target_group is None:
        years = [o.year for o in s.consequence_overrides]
    else:
        chosen = [o.outcome for o in s.outcomes]
        years = c.loc[(c["target_group"] == s.target_group) & c["outcome"].isin(chosen), "year"].tolist()
        years += [o.year for o in s.consequence_overrides]
    covered = max(years, default=0)
    if covered == 0:
        return CheckItem("coverage", title, RED, "Der er ingen konsekvensestimater for de valgte effektmål.")
    if horizon > covered:
        return CheckItem(
            "coverage",
            title,
            RED if covered < horizon / 2 else YELLOW,
            f"Tidshorisonten er {horizon} år, men konsekvensestimaterne dækker kun {covered} år efter forløbet; "
            f"de sidste {horizon - covered} år bygger ikke på viden og tæller som 0 kr.",
        )
    return CheckItem(
        "coverage",
        title,
        GREEN,
        f"Konsekvensestimaterne dækker {covered} år, og tidshorisonten er {horizon} år.",
    )


def _persistence(result: Result) -> CheckItem:
    title = "Effektens varighed er antaget eller målt"
    assumed = [o.outcome for o in result.scenario.outcomes if not o.persistence]
    if assumed:
        return CheckItem(
            "persistence",
            title,
            YELLOW,
            "Effekten er antaget at holde fuldt i hele tidshorisonten (SØM's standard). Er der viden om, at den "
            "aftager, så angiv varigheden år for år.",
        )
    return CheckItem(
        "persistence",
        title,
        GREEN,
        "Effektens varighed er angivet år for år i beregningen; angiv kilden i antagelserne.",
    )


# provenance from strongest to weakest: a result row resting on two rows takes the weaker status of the two
STATUS_ORDER: tuple[str, ...] = tuple(STATUS_NAMES_DA)
# statuses that are not our own guess or split: what the decision may rest on
SOURCED_STATUSES = frozenset({"public", "derived", "local", "local_estimated"})


def status_kroner(result: Result, kb: KnowledgeBase, prices: bool = True) -> dict[str, float]:
    """The consequences' value (absolute kroner, all actors and years) by provenance status (knowledge/schema.py
    STATUSES), strongest first. A result row takes the status of its consequence estimate; with `prices`, the
    weaker of that and the status of its unit price. The scenario's own values (overrides, a custom target
    group) count as `local`. Statuses with no rows are left out."""
    s = result.scenario
    t = result.table[result.table["kind"] == "consequence"]
    weight = t["amount"].abs().to_numpy()
    k = (t["year"] - (t["cohort"] + s.duration_years - 1) + 1 - s.settings.consequence_offset).to_numpy()
    c = kb.consequences
    c = c[c["target_group"] == s.target_group] if s.target_group is not None else c.iloc[0:0]
    rank = {st: i for i, st in enumerate(STATUS_ORDER)}
    status_c = {(o, sv, int(y)): rank[st] for o, sv, y, st in zip(c["outcome"], c["service"], c["year"], c["status"])}
    status_c |= {(o.outcome, o.service, o.year): rank["local"] for o in s.consequence_overrides}
    status_p = {(sv, a): rank[st] for sv, a, st in zip(kb.prices["service"], kb.prices["actor"], kb.prices["status"])}
    status_p |= {(p.service, p.actor): rank["local"] for p in s.price_overrides}
    codes = np.array(
        [
            max(status_c.get((o, sv, int(y)), rank["local"]), status_p.get((sv, a), 0) if prices else 0)
            for o, sv, y, a in zip(t["outcome"], t["service"], k, t["actor"])
        ],
        dtype=int,
    )
    return {st: float(weight[codes == i].sum()) for i, st in enumerate(STATUS_ORDER) if (codes == i).any()}


def as_shares(amounts: dict[str, float]) -> dict[str, float]:
    """Amounts by status as shares (0–1) of their sum; empty when the sum is 0."""
    total = sum(amounts.values())
    return {st: v / total for st, v in amounts.items()} if total else {}


def status_shares(result: Result, kb: KnowledgeBase, prices: bool = True) -> dict[str, float]:
    """Share (0–1) of the consequences' value by provenance status (`status_kroner`); empty when there are no
    consequences."""
    return as_shares(status_kroner(result, kb, prices))


def illustrative_share(result: Result, kb: KnowledgeBase) -> float:
    """Share (0–1) of the consequences' value that rests on a consequence estimate or a unit price that is our
    own (status illustrative or calibrated: a calibrated split is ours, only its total is published). NaN when
    there are no consequences."""
    shares = status_shares(result, kb)
    if not shares:
        return float("nan")
    return sum(v for st, v in shares.items() if st not in SOURCED_STATUSES)


def status_share_text(shares: dict[str, float]) -> str:
    """'12 % offentlig, 88 % illustrativ': shares by status in Danish, strongest first."""
    return ", ".join(f"{pct(v, 0)} {STATUS_NAMES_DA[st]}" for st, v in shares.items())


def _illustrative(result: Result, kb: KnowledgeBase) -> CheckItem:
    title = "Andel af resultatet, der bygger på illustrative tal"
    share = illustrative_share(result, kb)
    if np.isnan(share):
        return CheckItem("illustrative", title, YELLOW, "Beregningen har ingen konsekvenser at vurdere.")
    low, high = ILLUSTRATIVE_LIMITS
    status = GREEN if share < low else YELLOW if share < high else RED
    text = (
        f"{pct(share, 0)} af konsekvensernes værdi bygger på konsekvensestimater eller priser, der er illustrative "
        f"skøn eller kalibrerede i vidensdatabasen (efter status, det svageste led: "
        f"{status_share_text(status_shares(result, kb))})"
    )
    text += (
        "." if status == GREEN else "; erstat dem med lokale tal eller kilder, før resultatet bruges til en beslutning."
    )
    return CheckItem("illustrative", title, status, text)


def _prices(result: Result) -> CheckItem:
    title = "Lokale eller landsgennemsnitlige priser"
    n = len(result.scenario.price_overrides)
    if n == 0:
        return CheckItem(
            "prices",
            title,
            YELLOW,
            "Alle priser er landsgennemsnit fra vidensdatabasen; kommunens egne enhedspriser kan afvige.",
        )
    return CheckItem("prices", title, GREEN, f"{n} pris(er) er kommunens egne; resten er landsgennemsnit.")


def _horizon(result: Result) -> CheckItem:
    title = "Tidshorisont og diskontering er angivet"
    s = result.scenario.settings
    rate = s.discount_rate
    text = (
        f"Konsekvenserne tælles i {s.horizon_years} år fra forløbets afslutning, prisniveau {s.price_year}, "
        f"diskonteringsrente {pct(rate)}"
    )
    if rate == 0 and s.horizon_years > 10:
        return CheckItem(
            "horizon",
            title,
            YELLOW,
            text + "; en lang tidshorisont uden diskontering vægter fjerne gevinster lige så højt som "
            "udgifterne i dag. Vis også resultatet tilbagediskonteret (fx 3,5 %).",
        )
    return CheckItem("horizon", title, GREEN, text + ".")


def _costs(result: Result) -> CheckItem:
    title = "Omkostninger for alle aktører"
    kinds = result.totals_by_kind()
    if all(kinds.at["cost", a] == 0 for a in ACTORS):
        return CheckItem("costs", title, RED, "Beregningen har ingen omkostninger til indsatsen.")
    free = [ACTOR_DEFINITE_DA[a] for a in ACTORS if kinds.at["cost", a] == 0 and kinds.at["consequence", a] != 0]
    payers = [ACTOR_DEFINITE_DA[a] for a in ACTORS if kinds.at["cost", a] != 0]
    if free:
        return CheckItem(
            "costs",
            title,
            YELLOW,
            f"Kun {_join(payers)} har omkostninger; {_join(free)} får konsekvenser, men har ingen "
            "omkostninger. Tjek, at ingen udgifter til indsatsen er glemt.",
        )
    return CheckItem("costs", title, GREEN, f"Omkostningerne er fordelt på {_join(payers)}.")


def checklist(result: Result, kb: KnowledgeBase, studies: dict[str, str] | None = None) -> list[CheckItem]:
    """The checklist for a result. `studies` (outcome → effect study id) names the study behind a success rate
    where it is known; otherwise a study with the same rate (±0,5 point) for the outcome is used."""
    found = _studies(result, kb, studies)
    return [
        _evidence(found),
        _net_of_comparison(found),
        _coverage(result, kb),
        _persistence(result),
        _illustrative(result, kb),
        _prices(result),
        _horizon(result),
        _costs(result),
    ]


def checklist_table(items: list[CheckItem]) -> pd.DataFrame:
    """The checklist as a Danish table (Punkt, Vurdering, Begrundelse) for reports and Excel."""
    return pd.DataFrame([{"Punkt": i.title, "Vurdering": i.status_da, "Begrundelse": i.reason} for i in items])


def checklist_html(items: list[CheckItem]) -> str:
    """The checklist as an HTML table with a coloured dot per point (app and HTML reports)."""
    from html import escape

    rows = "".join(
        f"<tr class='som-check-{i.status}'><td style='text-align:left;white-space:nowrap'><span style='color:{STATUS_COLOUR[i.status]};font-size:1.2em'>●</span> "
        f"{escape(i.status_da)}</td><td style='text-align:left'><b>{escape(i.title)}</b><br>{escape(i.reason)}</td></tr>"
        for i in items
    )
    return f"<table class='som-table som-checklist'><tr><th style='text-align:left'>Vurdering</th><th style='text-align:left'>Punkt</th></tr>{rows}</table>"
