"""Short Danish texts about a result or a comparison, shown by the decision paper and the example notebooks:
the break-even year per actor (as sentences and as a listing), a warning when the horizon runs past the
knowledge, and the alternatives of a comparison in words."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..format import kr
from ..kb import KnowledgeBase
from ..names import ACTOR_DEFINITE_DA, ACTOR_NAMES_DA, ACTORS, TOTAL
from ..summary import amount_text
from ..views import Result

if TYPE_CHECKING:
    from ..compare import Comparison


def year_text(result: Result, year: int | None) -> str:
    """The year as 'år 3 (2027)' (counted from the first year of the period); None as 'ikke inden for perioden'."""
    if year is None:
        return "ikke inden for perioden"
    return f"år {year - result.scenario.settings.first_year + 1} ({year})"


def gains_only(result: Result, actor: str) -> bool:
    """True when the actor has no costs and no net loss from consequences: nothing to earn back."""
    kinds = result.totals_by_kind()
    return kinds.at["cost", actor] == 0 and kinds.at["consequence", actor] >= 0


def break_even_sentences(result: Result) -> list[str]:
    """One Danish sentence per actor touched by the calculation and one for the total. An actor with no costs
    and only gains gets a sentence about its gains, never a break-even sentence."""
    kinds = result.totals_by_kind()
    be = result.break_even_years()
    out = []
    for a in ACTORS:
        if kinds.at["cost", a] == 0 and kinds.at["consequence", a] == 0:
            continue
        name = ACTOR_DEFINITE_DA[a].capitalize()
        if gains_only(result, a):
            gains = amount_text(kinds.at["consequence", a])  # ends in "kr."
            out.append(f"{name} har ingen udgifter til indsatsen og får gevinster for {gains}")
        elif be[a] is not None:
            out.append(f"{name} tjener indsatsen hjem i {year_text(result, be[a])}.")
        else:
            out.append(f"{name} tjener ikke indsatsen hjem inden for perioden.")
    total = be[TOTAL]
    out.append(
        f"For det offentlige samlet tjener indsatsen sig hjem i {year_text(result, total)}."
        if total is not None
        else "For det offentlige samlet tjener indsatsen sig ikke hjem inden for perioden."
    )
    return out


def break_even_text(result: Result) -> str:
    """The break-even year (first year the cumulative net result is ≥ 0), in total and per actor, in Danish; an
    actor with no costs and only gains gets no break-even year."""
    years = result.break_even_years()

    def one(y: int | None) -> str:
        return str(y) if y is not None else "ikke inden for tidshorisonten"

    kinds = result.totals_by_kind()
    lines = [f"Break-even for det offentlige samlet: {one(years[TOTAL])}"]
    for a in ACTORS:
        if kinds.at["cost", a] == 0 and kinds.at["consequence", a] >= 0:
            # no costs, only gains: there is nothing to earn back, so no break-even year
            gains = (
                "ingen udgifter og ingen gevinster"
                if kinds.at["consequence", a] == 0
                else "ingen udgifter, kun gevinster"
            )
            lines.append(f"  {ACTOR_NAMES_DA[a]}: {gains}")
        else:
            lines.append(f"  {ACTOR_NAMES_DA[a]}: {one(years[a])}")
    return "\n".join(lines)


def horizon_warning(result: Result, kb: KnowledgeBase) -> str | None:
    """A Danish warning when the horizon runs past the consequence estimates (the extra years hold no knowledge
    and count as 0 kr.); None otherwise."""
    from ..checklist import _coverage

    item = _coverage(result, kb)
    return None if item.status == "green" else f"Advarsel: {item.reason}"


def comparison_text(cmp: Comparison) -> str:
    """Deterministic Danish text per alternative: net result in total and per participant, break-even in total,
    and the difference from the base (for checked notebook outputs)."""
    net, per, be, diff = cmp.net(), cmp.per_participant(), cmp.break_even(), cmp.differences("net")
    lines = []
    for n in cmp.names:
        year = be.at[n, TOTAL]
        home = f"tjener sig hjem i {year}" if year is not None else "tjener sig ikke hjem i perioden"
        extra = "" if n == cmp.base else f"; forskel fra {cmp.base} {kr(diff.at[n, TOTAL])}"
        lines.append(f"{n}: nettoresultat {kr(net.at[n, TOTAL])} ({kr(per.at[n, TOTAL])} pr. deltager), {home}{extra}")
    return "\n".join(lines)
