"""Lektion 1 · Hvad er nettoresultatet? Konsekvenser − omkostninger, and the sign convention."""

from __future__ import annotations

from ..names import COST_FIXED, COST_RUNNING, COST_STARTUP
from ..views import TOTAL
from .base import cost_lines, result, scenario, successes, value_per_success, year_value
from .grading import Exercise

TITLE = "Hvad er nettoresultatet?"
NOTEBOOK = "01_nettoresultat.ipynb"
L1 = "lektion1"
GROSS = {COST_STARTUP, COST_RUNNING, COST_FIXED}


def exercises() -> list[Exercise]:
    return [
        Exercise(
            "1.1",
            "Hvor mange af de 100 deltagere opnår succes (kommer i job) på grund af indsatsen?",
            "number",
            lambda: successes(L1),
            "Gang antallet af deltagere med succesraten.",
            mistakes=lambda: [(scenario(L1).total_participants, "Det er alle deltagerne. Kun dem med succes tæller.")],
            explanation="Antal succeser = deltagere × succesrate.",
        ),
        Exercise(
            "1.2",
            "Hvor store er konsekvenserne (gevinsterne for det offentlige) i alt i 2025, i kr.?",
            "kr",
            lambda: year_value(result(L1), 2025, kind="consequence"),
            "Gang antallet af succeser med værdien af én succes i ét år (se tabellen over værdi pr. succes).",
            mistakes=lambda: [
                (
                    scenario(L1).total_participants * value_per_success(L1)[TOTAL].sum(),
                    "Du har regnet med alle deltagere. Kun dem, der kommer i job, giver konsekvenser.",
                )
            ],
            explanation="Konsekvenser = antal succeser × værdi pr. succes (summen over ydelser og aktører).",
        ),
        Exercise(
            "1.3",
            "Hvad er nettoresultatet for det offentlige i 2025, i kr.? (Husk fortegnet.)",
            "kr",
            lambda: year_value(result(L1), 2025),
            "Nettoresultat = konsekvenser − omkostninger.",
            mistakes=lambda: [
                (
                    year_value(result(L1), 2025, kind="consequence"),
                    "Det er konsekvenserne alene. Træk omkostningerne fra.",
                ),
                (cost_lines(result(L1), GROSS), "Det er omkostningerne alene. Læg konsekvenserne til."),
            ],
            explanation="Et negativt nettoresultat betyder, at omkostningerne er større end konsekvenserne.",
        ),
        Exercise(
            "1.4",
            "Deltagerne i job betaler mere i skat. Er det en positiv eller negativ konsekvens for staten?",
            "choice",
            lambda: "positiv" if value_per_success(L1).at["indkomstskat", "stat"] > 0 else "negativ",
            "I SØM er alt, der styrker den offentlige kasse, positivt: både lavere udgifter og højere indtægter.",
            choices=("positiv", "negativ"),
            explanation="Mere skat er en gevinst for den, der modtager den; færre udgifter er en gevinst for den, "
            "der betaler.",
        ),
    ]
