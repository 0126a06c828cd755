"""The checklist (tjekliste) of a calculation, filled in from the scenario and the knowledge base.

Social- og Boligstyrelsen asks users to go through a checklist of the considerations behind a SØM calculation;
we have not seen its items. The points and thresholds here are this workbench's own, inspired by SØM's advice
topics and the common mistakes in its FAQ (CHECKLIST_NOTE_DA says so wherever the checklist is shown):
where the success rate comes from (the effect study the scenario declares for it, never a study matched by its
rate) and whether it is net of a comparison group, whether the study's context carries over to the kommune,
how well the study's target group and outcome match the calculation's, consequence years beyond the estimates,
how long the effect was followed compared with how long it is assumed to last, services counted twice by two
outcomes, how much of the result rests on illustrative numbers, local or national prices, discounting and the
horizon, and costs for every actor. `checklist(result, kb)` returns one CheckItem per point, each green,
yellow or red with a Danish sentence saying why. Every point can be green, yellow and red (or at least two
of them) for some calculation; the thresholds are stated below.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .format import number, pct
from .kb import ACTORS, KnowledgeBase
from .kb.policy import policy_value
from .names import ACTOR_DEFINITE_DA, STATUS_NAMES_DA
from .summary import _join
from .views import Result

GREEN, YELLOW, RED = "green", "yellow", "red"
STATUS_DA = {GREEN: "Grøn", YELLOW: "Gul", RED: "Rød"}
STATUS_COLOUR = {GREEN: "#2e7d32", YELLOW: "#f9a825", RED: "#c62828"}
STATUS_MARK = {GREEN: "●", YELLOW: "▲", RED: "■"}  # a shape per status too: readable in black and white
CHECKLIST_NOTE_DA = (
    "Tjeklisten er SØM-værkstedets egen: punkterne og grænserne er vores, inspireret af Social- og "
    "Boligstyrelsens råd om SØM-beregninger og de typiske fejl i SØM's FAQ. Den er ikke SØM's officielle tjekliste."
)
# share of the consequences' value resting on illustrative estimates or prices: below the first is green,
# below the second yellow, else red (our thresholds, not SØM's)
ILLUSTRATIVE_LIMITS = (0.25, 0.50)
# designs with a comparison group (lower-case substrings of effect_studies.design); the "without" words are
# looked at first, so "Før-efter uden kontrolgruppe" is not taken for a design with a control group
UNCONTROLLED_FIRST = ("uden kontrol", "intet studie", "regneeksempel")
CONTROLLED = ("rct", "kvasi", "meta", "kontrol", "register", "randomiser")
# a horizon up to this many times the study's follow-up, with the effect assumed constant, is yellow; beyond, red
FOLLOW_UP_FACTOR = 3
SOM_HORIZON = 10  # SØM's consequence estimates cover up to 10 years after the outcome (knowledge/README.md)


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


def declared_study(kb: KnowledgeBase, study: str | None) -> pd.Series | None:
    """The effect study with id `study` (the one a scenario declares for an outcome's success rate), or None."""
    if study is None:
        return None
    hit = kb.effect_studies[kb.effect_studies["id"] == study]
    return hit.iloc[0] if len(hit) else None


@dataclass(frozen=True)
class _Found:
    name: str  # the outcome's Danish name
    rate: float  # the calculation's success rate
    study: pd.Series | None  # the declared study


def _studies(result: Result, kb: KnowledgeBase, studies: dict[str, str] | None) -> list[_Found]:
    names = dict(zip(kb.outcomes["id"], kb.outcomes["name"]))
    custom = result.scenario.custom_target_group
    if custom is not None:
        names.update(custom.outcomes)
    return [
        _Found(
            names.get(o.outcome, o.outcome), o.success_rate, declared_study(kb, (studies or {}).get(o.outcome, o.study))
        )
        for o in result.scenario.outcomes
    ]


def _evidence(found: list[_Found], tolerance: float) -> CheckItem:
    title = "Evidensniveau og design bag succesraten"
    missing = [f.name for f in found if f.study is None]
    if missing:
        return CheckItem(
            "evidence",
            title,
            RED,
            f"Der er ikke angivet et effektstudie for succesraten for {_join(missing)}; angiv i beregningen, hvor "
            "den kommer fra, og hvor sikker den er.",
        )
    level = max(int(f.study["evidence_level"]) for f in found)
    parts = [f"{f.study['name']} ({f.study['design']}, evidensniveau {int(f.study['evidence_level'])})" for f in found]
    illustrative = [f.study["name"] for f in found if bool(f.study.get("illustrative"))]
    status = GREEN if level == 1 else YELLOW if level == 2 else RED
    text = f"Succesraten bygger på {'; '.join(parts)}."
    if level == 2:
        text += " Et kvasieksperimentelt design er svagere end et lodtrækningsforsøg."
    elif level == 3:
        text += " Uden en sammenlignelig kontrolgruppe siger tallet ikke, hvad indsatsen selv gør."
    if illustrative:
        status = YELLOW if status == GREEN else status
        text += f" Studiets tal er markeret illustrative i vidensdatabasen ({', '.join(illustrative)})."
    moved = [f for f in found if abs(f.rate - float(f.study["success_rate"])) > tolerance]
    if moved:
        status = YELLOW if status == GREEN else status
        text += (
            " Beregningen bruger en anden succesrate end studiet fandt ("
            + "; ".join(f"{f.name}: {pct(f.rate)} mod {pct(float(f.study['success_rate']))}" for f in moved)
            + "); skriv i antagelserne hvorfor."
        )
    return CheckItem("evidence", title, status, text)


def _controlled(design: str) -> bool:
    d = design.lower()
    return not any(k in d for k in UNCONTROLLED_FIRST) and any(k in d for k in CONTROLLED)


_NO_STUDY_NET = (
    "Uden et angivet studie kan det ikke ses, om succesraten er målt ud over det, borgerne ville have opnået med den "
    "sædvanlige indsats (fx 12 % mod 2 % giver 10 %). Tjek, at den er netto."
)
_NO_STUDY_TRANSFER = (
    "Uden et angivet studie kan det ikke vurderes, om effekten er målt under forhold, der ligner kommunens."
)


def _net_of_comparison(found: list[_Found]) -> CheckItem:
    title = "Succesraten er netto i forhold til basisalternativet"
    if any(f.study is None for f in found):
        return CheckItem("net_of_comparison", title, YELLOW, _NO_STUDY_NET)
    gross = [f.study["name"] for f in found if not _controlled(str(f.study["design"]))]
    if gross:
        return CheckItem(
            "net_of_comparison",
            title,
            RED,
            f"{_join(gross)} har ingen kontrolgruppe, så succesraten er ikke målt netto af det, der ville være sket "
            "alligevel; resultatet kan være for højt.",
        )
    shown = [
        f"{f.name}: {pct(f.study['rate_treatment'])} mod {pct(f.study['rate_control'])} i kontrolgruppen"
        for f in found
        if pd.notna(f.study.get("rate_treatment")) and pd.notna(f.study.get("rate_control"))
    ]
    detail = f" ({'; '.join(shown)})" if shown else ""
    return CheckItem("net_of_comparison", title, GREEN, f"Succesraten er forskellen til en kontrolgruppe{detail}.")


def _transfer(found: list[_Found]) -> CheckItem:
    title = "Studiets resultat kan overføres til kommunen"
    if any(f.study is None for f in found):
        return CheckItem("transfer", title, YELLOW, _NO_STUDY_TRANSFER)
    foreign = [f"{f.study['name']} ({f.study['country']})" for f in found if str(f.study["country"]) != "Danmark"]
    if foreign:
        return CheckItem(
            "transfer",
            title,
            RED,
            f"Effekten er målt uden for Danmark: {_join(foreign)}. Basisalternativet og ydelsessystemet er andre "
            "end i en dansk kommune, så effekten her kan være både mindre og større; find et dansk studie eller "
            "begrund, hvorfor den kan overføres.",
        )
    local = [f.study["name"] for f in found if f.study.get("local_layer")]
    if len(local) == len(found):
        return CheckItem("transfer", title, GREEN, f"Effekten er målt i kommunen selv ({_join(local)}).")
    return CheckItem(
        "transfer",
        title,
        GREEN,
        "Effekten er målt i Danmark. Tjek, at kommunen vil udføre indsatsen, som den blev udført i studiet "
        "(samme indhold, omfang og personale), og at deltagerne visiteres på samme måde.",
    )


def _target_group(result: Result, kb: KnowledgeBase, found: list[_Found]) -> CheckItem:
    title = "Målgruppen svarer til studiets og vidensdatabasens"
    s = result.scenario
    if s.target_group is None:
        return CheckItem(
            "target_group",
            title,
            YELLOW,
            f"Beregningen bruger en egen målgruppe ({s.custom_target_group.name}), så konsekvenserne er beregningens "
            "egne, ikke vidensdatabasens registerestimater; angiv, hvor de kommer fra.",
        )
    group = kb.target_groups.set_index("id").loc[s.target_group]
    other_group = [f.study["name"] for f in found if f.study is not None and f.study["target_group"] != s.target_group]
    chosen = {o.outcome for o in s.outcomes}
    other_outcome = [f.study["name"] for f in found if f.study is not None and f.study["outcome"] not in chosen]
    if other_group:
        return CheckItem(
            "target_group",
            title,
            RED,
            f"{_join(other_group)} er lavet på en anden målgruppe end beregningens ({group['name']}); effekten kan "
            "ikke uden videre overføres.",
        )
    if other_outcome:
        return CheckItem(
            "target_group",
            title,
            YELLOW,
            f"{_join(other_outcome)} måler et andet effektmål end det, konsekvenserne er beregnet for; beskriv, "
            "hvordan studiets mål svarer til effektmålet.",
        )
    if any(f.study is None for f in found):
        return CheckItem(
            "target_group",
            title,
            YELLOW,
            f"Konsekvenserne gælder vidensdatabasens målgruppe »{group['definition']}«; uden et angivet studie "
            "kan det ikke ses, om effekten er målt på den samme gruppe.",
        )
    return CheckItem(
        "target_group",
        title,
        GREEN,
        f"Studiet og konsekvensestimaterne gælder samme målgruppe og effektmål: »{group['definition']}« Tjek, at "
        "kommunens egne deltagere ligner den (alder, ydelse, varighed på offentlig forsørgelse).",
    )


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


def _persistence(result: Result, found: list[_Found]) -> CheckItem:
    title = "Effektens varighed i forhold til, hvor længe den er målt"
    s = result.scenario
    horizon = s.settings.horizon_years
    assumed = any(not o.persistence for o in s.outcomes)
    follow = [
        int(f.study["follow_up_months"])
        for f in found
        if f.study is not None and pd.notna(f.study.get("follow_up_months"))
    ]
    if len(follow) < len(found):
        text = (
            f"Effekten er antaget at holde fuldt i alle {horizon} år (SØM's standard)"
            if assumed
            else "Effektens varighed er angivet år for år"
        )
        return CheckItem(
            "persistence",
            title,
            YELLOW,
            text + ", men det er ikke angivet, hvor længe efter indsatsen effekten er målt; angiv studiets "
            "opfølgningstid, og hvad der vides om effekten derefter.",
        )
    months = min(follow)
    years = months / 12
    measured = f"{number(months)} måneder" if months % 12 else f"{months // 12} år"
    if horizon <= years:
        return CheckItem(
            "persistence", title, GREEN, f"Effekten er målt efter {measured}, og tidshorisonten er {horizon} år."
        )
    beyond = f"de {number(horizon - years, 1 if months % 12 else 0)} af {horizon} år ud over opfølgningen"
    if assumed:
        status = RED if horizon > FOLLOW_UP_FACTOR * years else YELLOW
        return CheckItem(
            "persistence",
            title,
            status,
            f"Effekten er målt efter {measured}, men antaget at holde 100 % i alle {horizon} år; {beyond} bygger "
            "på en antagelse. SØM's konsekvensestimater rummer tilbagefald blandt dem, der nåede målet, men ikke "
            "om forskellen til kontrolgruppen holder. Vis resultatet med en aftagende varighed.",
        )
    return CheckItem(
        "persistence",
        title,
        YELLOW,
        f"Effekten er målt efter {measured}; varigheden i {beyond} følger den angivne profil. Angiv, hvad den "
        "bygger på.",
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
    t = result.by_consequence()
    weight = t["amount"].abs().to_numpy()
    k = t["consequence_year"].to_numpy()
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
            for o, sv, y, a in zip(t["outcome"].tolist(), t["service"].tolist(), k.tolist(), t["actor"].tolist())
        ],
        dtype=int,
    )
    return {st: float(weight[codes == i].sum()) for i, st in enumerate(STATUS_ORDER) if (codes == i).any()}


def price_kroner(result: Result) -> dict[tuple[str, str], float]:
    """The consequences' value (absolute kroner, all outcomes and years) by the unit price it rests on, (service,
    actor): the weight `status_kroner` gives each price. Prices with no kroner are left out."""
    t = result.by_consequence()
    weight = t.assign(amount=t["amount"].abs()).groupby(["service", "actor"], sort=False)["amount"].sum()
    return {key: float(v) for key, v in weight.items() if v}


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
    return _unsourced(status_shares(result, kb))


def _unsourced(shares: dict[str, float]) -> float:
    """The part of `shares` (by status) that is not sourced (illustrative_share); NaN when there are none."""
    if not shares:
        return float("nan")
    return sum(v for st, v in shares.items() if st not in SOURCED_STATUSES)


def status_share_text(shares: dict[str, float]) -> str:
    """'12 % offentlig, 88 % illustrativ': shares by status in Danish, strongest first."""
    return ", ".join(f"{pct(v, 0)} {STATUS_NAMES_DA[st]}" for st, v in shares.items())


def _illustrative(result: Result, kb: KnowledgeBase) -> CheckItem:
    title = "Andel af resultatet, der bygger på illustrative tal"
    shares = status_shares(result, kb)  # once: the share and its split by status come from the same kroner
    share = _unsourced(shares)
    if np.isnan(share):
        return CheckItem("illustrative", title, YELLOW, "Beregningen har ingen konsekvenser at vurdere.")
    low, high = ILLUSTRATIVE_LIMITS
    status = GREEN if share < low else YELLOW if share < high else RED
    text = (
        f"{pct(share, 0)} af konsekvensernes værdi bygger på konsekvensestimater eller priser, der er illustrative "
        f"skøn eller kalibrerede i vidensdatabasen (efter status, det svageste led: "
        f"{status_share_text(shares)})"
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
    title = "Tidshorisont og diskontering"
    s = result.scenario.settings
    rate = s.discount_rate
    text = f"Konsekvenserne tælles i {s.horizon_years} år fra forløbets afslutning, diskonteringsrente {pct(rate)}"
    if s.horizon_years > SOM_HORIZON:
        return CheckItem(
            "horizon",
            title,
            RED,
            text + f"; SØM's konsekvensestimater dækker højst {SOM_HORIZON} år efter målet er nået, så årene "
            "derefter bygger på en fremskrivning. Vis resultatet med en horisont på højst 10 år.",
        )
    if rate == 0:
        return CheckItem(
            "horizon",
            title,
            YELLOW,
            text + "; uden diskontering vægter en krone om ti år lige så meget som en krone i dag. Vis også "
            f"resultatet tilbagediskonteret (fx med Finansministeriets {pct(policy_value('discount_rate'))}).",
        )
    return CheckItem("horizon", title, GREEN, text + "; nutidsværdien vises med den rente.")


def _double_counting(result: Result, kb: KnowledgeBase) -> CheckItem:
    title = "Ingen ydelse tælles to gange"
    t = result.by_consequence()  # one row per outcome × service × consequence year × actor
    outcomes_of = Counter(service for _, service in set(zip(t["outcome"].tolist(), t["service"].tolist())))
    shared = sorted(service for service, n in outcomes_of.items() if n > 1)
    if len(result.scenario.outcomes) < 2:
        return CheckItem(
            "double_counting", title, GREEN, "Beregningen har ét effektmål, så hver ydelse tælles én gang."
        )
    if not shared:
        return CheckItem(
            "double_counting",
            title,
            GREEN,
            "Effektmålene påvirker hver sine ydelser, så ingen ydelse tælles to gange.",
        )
    names = dict(zip(kb.services["id"], kb.services["name"]))
    return CheckItem(
        "double_counting",
        title,
        RED,
        f"Flere effektmål ændrer brugen af de samme ydelser ({_join([names.get(x, x) for x in shared])}). "
        "Er det de samme borgere, der når begge mål, tælles besparelsen to gange; brug kun det ene mål for "
        "hver ydelse, eller begrund, at grupperne er forskellige.",
    )


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
    """The checklist for a result. The study behind each success rate is the one the scenario declares
    (`outcomes[i].study`); `studies` (outcome → effect study id) overrides it for a caller that knows better."""
    found = _studies(result, kb, studies)
    return [
        _evidence(found, kb.meta.limits.rate_tolerance),
        _net_of_comparison(found),
        _transfer(found),
        _target_group(result, kb, found),
        _coverage(result, kb),
        _persistence(result, found),
        _double_counting(result, kb),
        _illustrative(result, kb),
        _prices(result),
        _horizon(result),
        _costs(result),
    ]


def checklist_table(items: list[CheckItem]) -> pd.DataFrame:
    """The checklist as a Danish table (Punkt, Vurdering, Begrundelse) for reports and Excel."""
    return pd.DataFrame([{"Punkt": i.title, "Vurdering": i.status_da, "Begrundelse": i.reason} for i in items])


def checklist_html(items: list[CheckItem]) -> str:
    """The checklist as an HTML table with a coloured mark per point (app and HTML reports), with the note that
    the points are ours."""
    from html import escape

    rows = "".join(
        f"<tr class='som-check-{i.status}'><td style='text-align:left;white-space:nowrap'>"
        f"<span style='color:{STATUS_COLOUR[i.status]};font-size:1.2em'>{STATUS_MARK[i.status]}</span> "
        f"{escape(i.status_da)}</td><td style='text-align:left'><b>{escape(i.title)}</b><br>{escape(i.reason)}</td></tr>"
        for i in items
    )
    return (
        f"<p class='som-checklist-note'><small>{escape(CHECKLIST_NOTE_DA)}</small></p>"
        "<table class='som-table som-checklist'><tr><th style='text-align:left'>Vurdering</th>"
        f"<th style='text-align:left'>Punkt</th></tr>{rows}</table>"
    )
