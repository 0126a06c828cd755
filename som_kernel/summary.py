"""The plain-Danish summary of a result: who the intervention pays off for, when, and by how much.

A pure function of a Result (no widgets, no files): `summary(result)` → a few Danish sentences, e.g.
"Indsatsen tjener sig hjem for kommunen i år 4 (2028) og for staten i år 2 (2026). ..."
Year numbers count from the scenario's first year (år 1 = settings.first_year).
"""

from __future__ import annotations

from .format import kr, mio_kr, pct
from .knowledge import ACTORS
from .views import TOTAL, Result

ACTOR_DEFINITE_DA = {"kommune": "kommunen", "region": "regionen", "stat": "staten"}


def amount_text(x: float) -> str:
    """Kroner for a sentence: whole kroner below 1 mio., else millions with one decimal."""
    return mio_kr(x) if abs(x) >= 1e6 else kr(x)


def _join(parts: list[str], last: str = "og") -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + f" {last} " + parts[-1]


def _year_text(result: Result, year: int) -> str:
    return f"år {year - result.scenario.settings.first_year + 1} ({year})"


def summary(result: Result) -> str:
    """A few Danish sentences: break-even per actor, the net result in total, per actor and per participant,
    and the discounted total when the discount rate is above 0."""
    years = result.years
    period = f"{years[0]}–{years[-1]}"
    kinds = result.totals_by_kind()
    totals = result.totals()
    touched = [a for a in ACTORS if (result.table["actor"] == a).any()]
    sentences = []

    paying, gains_only, not_home = [], [], []
    for a in touched:
        be = result.break_even_year(a)
        name = ACTOR_DEFINITE_DA[a]
        if kinds.at["cost", a] == 0 and totals[a] >= 0:
            gains_only.append((name, be))
        elif be is not None:
            paying.append(f"for {name} i {_year_text(result, be)}")
        else:
            not_home.append(name)
    if paying and not_home:
        sentences.append(
            f"Indsatsen tjener sig hjem {_join(paying)}, men ikke for {_join(not_home, 'eller')} "
            f"inden for perioden {period}."
        )
    elif paying:
        sentences.append(f"Indsatsen tjener sig hjem {_join(paying)}.")
    elif not_home:
        sentences.append(f"Indsatsen tjener sig ikke hjem for {_join(not_home, 'eller')} inden for perioden {period}.")
    for name, be in gains_only:
        start = f" og får gevinster fra {_year_text(result, be)}" if be is not None else ""
        sentences.append(f"{name.capitalize()} har ingen udgifter til indsatsen{start}.")

    total_be = result.break_even_year(TOTAL)
    per_actor = _join([f"{ACTOR_DEFINITE_DA[a]} {amount_text(totals[a])}" for a in touched])
    home = (
        f"og indsatsen tjener sig hjem i {_year_text(result, total_be)}"
        if total_be is not None
        else "og indsatsen tjener sig ikke hjem inden for perioden"
    )
    sentences.append(
        f"For det offentlige samlet er nettoresultatet {amount_text(totals[TOTAL])} over perioden {period} "
        f"({per_actor}), {home}."
    )
    per = totals[TOTAL] / result.scenario.total_participants
    sentences.append(f"Det svarer til {amount_text(per)} pr. deltager")
    rate = result.scenario.settings.discount_rate
    if rate > 0:
        sentences.append(
            f"Tilbagediskonteret med {pct(rate)} om året er nettoresultatet {amount_text(result.npv()[TOTAL])}"
        )
    # an amount ends in "kr." already; do not end the sentence with a second full stop
    return " ".join(t if t.endswith(".") else t + "." for t in sentences)
