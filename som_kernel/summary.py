"""The plain-Danish summary of a result: who the intervention pays off for, when, and by how much.

A pure function of a Result (no widgets, no files): `summary(result)` → a few Danish sentences, e.g.
"Indsatsen tjener sig hjem for kommunen i år 4 (2028) og for staten i år 2 (2026). ..."
Year numbers count from the scenario's first year (år 1 = settings.first_year).
"""

from __future__ import annotations

import pandas as pd

from .format import kr, mio_kr, pct
from .names import ACTOR_DEFINITE_DA
from .views import TOTAL, Result


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
    touched = result.actors()
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


def committee_table(result: Result, discounted: bool = False) -> pd.DataFrame:
    """The kommune per committee over the whole period: one row per committee (its Danish name), columns
    Omkostninger, Gevinster, Netto and Break-even-år (None: not within the period); the last row is the kommune."""
    costs = result.by_committee(discounted, kind="cost").sum()
    gains = result.by_committee(discounted, kind="consequence").sum()
    net = result.by_committee(discounted)
    be = result.break_even_by_committee(discounted)
    names = {**result.committee_names, TOTAL: "Kommunen i alt"}
    rows = [
        {
            "Udvalg": names[c],
            "Omkostninger": costs.get(c, 0.0),
            "Gevinster": gains.get(c, 0.0),
            "Netto": net[c].sum(),
            "Break-even-år": be[c],
        }
        for c in net.columns
    ]
    out = pd.DataFrame(rows).set_index("Udvalg")
    out["Break-even-år"] = pd.Series([be[c] for c in net.columns], index=out.index, dtype=object)  # None stays None
    return out


def committee_sentence(result: Result) -> str:
    """One Danish sentence: which committees pay for the intervention inside the kommune and which gain."""
    table = committee_table(result).drop(index="Kommunen i alt")
    payers = table[table["Omkostninger"] < 0].sort_values("Omkostninger")
    gainers = table[table["Gevinster"] > 0].sort_values("Gevinster", ascending=False)
    if table.empty:
        return "Kommunen har hverken udgifter eller gevinster, så intet skal fordeles på udvalg."
    pay = _join([f"{name} ({amount_text(-x)})" for name, x in payers["Omkostninger"].items()])
    gain = _join([f"{name} ({amount_text(x)})" for name, x in gainers["Gevinster"].items()])
    if not len(payers):
        return f"I kommunen har ingen udvalg udgifter til indsatsen; gevinsterne falder hos {gain}."
    if not len(gainers):
        return f"I kommunen betaler {pay} for indsatsen, og ingen udvalg får gevinster inden for perioden."
    same = set(payers.index) == set(gainers.index) and len(payers) == 1
    tail = " (det samme udvalg)" if same else ""
    return f"I kommunen betaler {pay} for indsatsen, mens gevinsterne falder hos {gain}{tail}."
