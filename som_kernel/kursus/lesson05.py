"""Lektion 5 · Tid og break-even: cohorts, the completion year, the cumulative result, discounting."""

from __future__ import annotations

from ..format import number, pct
from ..kb.policy import policy_value
from ..views import TOTAL
from .base import first_consequence_year, result, year_value
from .grading import Exercise

TITLE = "Tid og break-even"
NOTEBOOK = "05_tid_og_break_even.ipynb"
L5 = "lektion5"
RATE = policy_value("discount_rate")  # Finansministeriets rente, knowledge/policy.yaml
FACTOR = number(1 + RATE, 3)  # "1,035"


def _discounted():
    return result(L5, settings={"discount_rate": RATE})


def exercises() -> list[Exercise]:
    return [
        Exercise(
            "5.1",
            "I hvilket år lander effekten for holdet, der starter i 2025?",
            "year",
            lambda: first_consequence_year(result(L5), 2025),
            "Effekten lander i det år, deltageren afslutter forløbet. Forløbet varer 2 år.",
            mistakes=lambda: [(2025, "2025 er startåret. Forløbet varer 2 år."), (2027, "Tæl startåret med.")],
            explanation="Afslutningsår = startår + forløbslængde − 1.",
        ),
        Exercise(
            "5.2",
            "Hvor store er konsekvenserne i alt i 2026, i kr.?",
            "kr",
            lambda: year_value(result(L5), 2026, kind="consequence"),
            "I 2026 har kun holdet fra 2025 afsluttet. Antal succeser på holdet × værdi pr. succes.",
            mistakes=lambda: [
                (
                    2 * year_value(result(L5), 2026, kind="consequence"),
                    "Holdet fra 2026 har ikke afsluttet endnu i 2026.",
                )
            ],
        ),
        Exercise(
            "5.3",
            "Hvor store er omkostningerne i 2026 (som et positivt beløb), i kr.?",
            "kr",
            lambda: -year_value(result(L5), 2026, kind="cost"),
            "I 2026 er to hold i gang: holdet fra 2025 (andet år) og holdet fra 2026 (første år).",
            sign_free=True,
            mistakes=lambda: [
                (-year_value(result(L5), 2025, kind="cost"), "Husk holdet fra 2025, der er i sit andet år.")
            ],
        ),
        Exercise(
            "5.4",
            "Hvilket år er break-even-året for det offentlige samlet?",
            "year",
            lambda: result(L5).break_even_year(TOTAL),
            "Læg nettoresultatet sammen år for år (akkumuleret). Break-even er det første år, summen er ≥ 0.",
            mistakes=lambda: [
                (
                    int(result(L5).by_year_actor()[TOTAL].gt(0).idxmax()),
                    "Det er det første år med et positivt nettoresultat i året. Se på det akkumulerede.",
                )
            ],
        ),
        Exercise(
            "5.5",
            "Hvilket år når kommunen break-even?",
            "year",
            lambda: result(L5).break_even_year("kommune"),
            "Kommunen betaler alle omkostningerne, men får kun en del af gevinsterne. Se kommunens akkumulerede "
            "kolonne.",
            mistakes=lambda: [
                (result(L5).break_even_year(TOTAL), "Det er for det offentlige samlet. Se kun på kommunen.")
            ],
        ),
        Exercise(
            "5.6",
            f"Med en diskonteringsrente på {pct(RATE)}: hvad er nettoresultatet i 2030 værd i 2025-kroner (nutidsværdi)? "
            "Afrund gerne til nærmeste 1.000 kr.",
            "kr",
            lambda: float(_discounted().by_year_actor(discounted=True).at[2030, TOTAL]),
            f"Del nettoresultatet i 2030 med {FACTOR} opløftet i antal år efter 2025.",
            tolerance=1000.0,
            mistakes=lambda: [
                (year_value(result(L5), 2030), f"Det er det udiskonterede beløb. Del med {FACTOR} opløftet i 5."),
                (
                    year_value(result(L5), 2030) / (1 + RATE) ** 6,
                    "Du har diskonteret 6 år; 2030 ligger 5 år efter 2025.",
                ),
                (year_value(result(L5), 2030) * (1 + RATE) ** 5, f"Du har ganget med {FACTOR}⁵; del i stedet."),
            ],
            explanation="Nutidsværdi = beløb / (1 + rente)^(år − første år).",
        ),
        Exercise(
            "5.7",
            f"Hvilket år er break-even for det offentlige samlet, når man diskonterer med {pct(RATE)}?",
            "year",
            lambda: _discounted().break_even_year(TOTAL, discounted=True),
            "Brug den akkumulerede kolonne for de diskonterede beløb.",
        ),
    ]
