"""Lektion 2 · Omkostninger: start-up, running costs and the usual intervention they replace (baseline)."""

from __future__ import annotations

from ..names import COST_BASELINE, COST_RUNNING, COST_STARTUP
from .base import cost_lines, result, scenario, total
from .grading import Exercise
from .lesson01 import GROSS

TITLE = "Omkostninger"
NOTEBOOK = "02_omkostninger.ipynb"
L2 = "lektion2"
BASELINE = {COST_BASELINE}


def _net_costs() -> float:
    return -total(result(L2), "cost")


def exercises() -> list[Exercise]:
    return [
        Exercise(
            "2.1",
            "Hvad er bruttoomkostningerne (opstart + drift) i 2025, i kr.?",
            "kr",
            lambda: cost_lines(result(L2), GROSS, 2025),
            "Opstarten betales én gang i det første år; driften betales for hver deltager, der er i gang.",
            sign_free=True,
            mistakes=lambda: [
                (cost_lines(result(L2), {COST_RUNNING}, 2025), "Du mangler opstartsudgiften."),
                (cost_lines(result(L2), GROSS), "Det er alle tre år. Spørgsmålet gælder kun 2025."),
            ],
            explanation="2025: opstart + 20 deltagere × driftsudgiften pr. deltager.",
        ),
        Exercise(
            "2.2",
            "Hvad er bruttoomkostningerne i alt over alle tre år, i kr.?",
            "kr",
            lambda: cost_lines(result(L2), GROSS),
            "Opstarten tæller kun én gang; driften for alle 60 deltagere.",
            sign_free=True,
            mistakes=lambda: [
                (
                    3 * cost_lines(result(L2), {COST_STARTUP}) + cost_lines(result(L2), {COST_RUNNING}),
                    "Opstartsudgiften er en engangsudgift, den skal kun med én gang.",
                )
            ],
        ),
        Exercise(
            "2.3",
            "Indsatsen erstatter den sædvanlige indsats (basisalternativet). Hvor meget spares der i alt, i kr.?",
            "kr",
            lambda: -cost_lines(result(L2), BASELINE),
            "Gang de sparede omkostninger pr. deltager med antallet af deltagere.",
            sign_free=True,
        ),
        Exercise(
            "2.4",
            "Hvad er nettoomkostningerne (meromkostningerne) i alt, i kr.?",
            "kr",
            _net_costs,
            "Nettoomkostninger = bruttoomkostninger − sparede omkostninger.",
            sign_free=True,
            mistakes=lambda: [
                (cost_lines(result(L2), GROSS), "Du har glemt at trække de sparede omkostninger fra."),
                (
                    cost_lines(result(L2), GROSS) - 2 * cost_lines(result(L2), BASELINE),
                    "De sparede omkostninger skal trækkes fra, ikke lægges til.",
                ),
            ],
            explanation="SØM regner med meromkostningen: det indsatsen koster ud over det, man ellers ville have "
            "brugt.",
        ),
        Exercise(
            "2.5",
            "Hvad er nettoomkostningen pr. deltager, i kr.?",
            "kr",
            lambda: _net_costs() / scenario(L2).total_participants,
            "Del nettoomkostningerne i alt med antallet af deltagere (alle hold).",
            sign_free=True,
            mistakes=lambda: [
                (
                    _net_costs() / scenario(L2).participants[0],
                    "Du har delt med deltagerne på ét hold. Del med alle deltagere.",
                )
            ],
        ),
    ]
