"""Lektion 4 · Konsekvenser og priser pr. aktør: prices after reimbursement, local prices, a realistic case."""

from __future__ import annotations

from ..engine import unit_prices
from ..kb import ACTORS
from ..views import TOTAL
from .base import course_knowledge, result, scenario, value_per_success, year_value
from .grading import Exercise

TITLE = "Konsekvenser og priser pr. aktør"
NOTEBOOK = "04_aktoerer_og_priser.ipynb"
L3, L4 = "lektion3", "lektion4"


def _price(name: str, service: str, actor: str | None = None) -> float:
    prices = unit_prices(scenario(name), course_knowledge())
    return float(prices.loc[service].sum() if actor is None else prices.at[service, actor])


def largest_gainer(name: str) -> str:
    """The actor with the largest consequences (gains) over the whole period."""
    gains = result(name).totals_by_kind().loc["consequence", list(ACTORS)]
    return str(gains.idxmax())


def exercises() -> list[Exercise]:
    return [
        Exercise(
            "4.1",
            "Hvad koster én uges kontanthjælp kommunen (efter refusion), i kr.?",
            "kr",
            lambda: _price(L4, "kontanthjaelp", "kommune"),
            "Se prisen for kontanthjælp og aktøren kommune i pristabellen.",
            mistakes=lambda: [
                (
                    _price(L4, "kontanthjaelp"),
                    "Det er prisen for alle aktører tilsammen. Spørgsmålet gælder kun kommunen.",
                )
            ],
        ),
        Exercise(
            "4.2",
            "Hvad er én succes (én borger i job i ét år) værd for kommunen, i kr.?",
            "kr",
            lambda: float(value_per_success(L4)["kommune"].sum()),
            "Læg kommunens gevinster sammen: færre uger på kontanthjælp × pris + mere skat × pris.",
            mistakes=lambda: [
                (float(value_per_success(L4)[TOTAL].sum()), "Det er for alle aktører. Tag kun kommunen."),
                (
                    float(value_per_success(L4).at["kontanthjaelp", "kommune"]),
                    "Du mangler skatten: job giver også kommunen skatteindtægter.",
                ),
            ],
        ),
        Exercise(
            "4.3",
            "Hvilken aktør får gevinsten, når der bliver færre psykiatriske sengedage?",
            "choice",
            lambda: str(value_per_success(L4).loc["sengedag_psykiatri", list(ACTORS)].idxmax()),
            "Hvem driver sygehusene i Danmark?",
            choices=ACTORS,
        ),
        Exercise(
            "4.4",
            "Et herbergsdøgn koster 1.000 kr.; staten refunderer 50 %. Hvad koster det kommunen, i kr.?",
            "kr",
            lambda: _price(L3, "herbergsdoegn", "kommune"),
            "SØM's priser er efter refusion: kommunen betaler kun den del, staten ikke refunderer.",
            mistakes=lambda: [(_price(L3, "herbergsdoegn"), "Det er bruttoprisen. Træk statens refusion fra.")],
        ),
        Exercise(
            "4.5",
            "Jeres kommune betaler 800 kr. pr. herbergsdøgn efter refusion. Hvad er gevinsten for kommunen i 2025 "
            "i lektion 3's indsats med jeres lokale pris, i kr.?",
            "kr",
            lambda: year_value(
                result(L3, price_overrides=[{"service": "herbergsdoegn", "actor": "kommune", "price": 800}]),
                2025,
                "kommune",
                kind="consequence",
            ),
            "Antal succeser × færre herbergsdøgn pr. succes × den lokale pris.",
            mistakes=lambda: [
                (year_value(result(L3), 2025, "kommune", kind="consequence"), "Det er med vidensdatabasens pris.")
            ],
        ),
        Exercise(
            "4.6",
            "IPS-eksemplet (vidensdatabasen): hvilken aktør får de største konsekvenser (gevinster) over 10 år?",
            "choice",
            lambda: largest_gainer("ips"),
            "Se tabellen over konsekvenser pr. aktør: hvilken kolonne har det største beløb?",
            choices=ACTORS,
        ),
    ]
