"""Lektion 10 · Usikkerhed: switching values (som_kernel.uncertainty.switching_values), the probability of
paying back (som_kernel.uncertainty.monte_carlo) and what an evidence level means."""

from __future__ import annotations

from functools import cache

import pandas as pd

from ..uncertainty import EVIDENCE_WIDENING, monte_carlo
from ..views import TOTAL
from .base import knowledge_for, lesson_data, scenario, switching_value
from .grading import Exercise

TITLE = "Usikkerhed: skifteværdi, sandsynlighed og evidens"
NOTEBOOK = "10_usikkerhed.ipynb"
L10 = "lektion10"
DRAWS, SEED = 2000, 1  # fixed, so every student sees the same simulation


@cache
def simulation():
    """The lesson's Monte Carlo run (the kernel's default spreads; the job study's interval and evidence
    level for the success rate)."""
    return monte_carlo(scenario(L10), knowledge_for(L10), DRAWS, seed=SEED)


def payback_table() -> pd.DataFrame:
    """Probability (0–1) of having paid back within N years, per actor, from the simulation."""
    return simulation().prob_payback()


def payback_probability(years: int, actor: str = TOTAL) -> float:
    """Probability in % of paying back within `years` years."""
    return float(simulation().prob_payback_within(years)[actor]) * 100


def evidence_levels() -> dict[int, str]:
    return {int(k): v for k, v in lesson_data("evidensniveauer")["levels"].items()}


def _cost_per_participant() -> float:
    return scenario(L10).costs.running_per_participant.as_dict()["kommune"]


def exercises() -> list[Exercise]:
    return [
        Exercise(
            "10.1",
            "Hvor lav kan succesraten blive (i %), før nettoresultatet over hele perioden bliver negativt? "
            "Svar med én decimal.",
            "percent",
            lambda: switching_value(L10, "success_rate") * 100,
            "Omkostningerne i alt (6.000.000 kr.) skal dækkes af deltagere × succesrate × 150.000 kr. × 10 år.",
            tolerance=0.06,
            explanation="Det er succesratens skifteværdi: ligger den tæt på den forventede succesrate, er "
            "resultatet skrøbeligt.",
        ),
        Exercise(
            "10.2",
            "Hvor meget må indsatsen højst koste pr. deltager, før nettoresultatet bliver negativt, i kr.?",
            "kr",
            lambda: switching_value(L10, "cost_multiplier") * _cost_per_participant(),
            "Konsekvenserne i alt (5 succeser × 150.000 kr. × 10 år) delt med antallet af deltagere.",
            tolerance=1.0,
            explanation="Omkostningernes skifteværdi: her må de kun stige med en fjerdedel, før regnestykket vender.",
        ),
        Exercise(
            "10.3",
            "Aflæs i tabellen: hvor stor er sandsynligheden (i %) for, at det offentlige samlet har tjent "
            "indsatsen ind inden for 10 år?",
            "percent",
            lambda: payback_probability(10),
            "Find rækken for 10 år og kolonnen I alt.",
            tolerance=0.51,
            explanation="Sandsynligheden kommer fra 2.000 simulerede udfald af de usikre tal.",
        ),
        Exercise(
            "10.4",
            "Hvad betyder evidensniveau 1 i vidensdatabasen?",
            "choice",
            lambda: evidence_levels()[1],
            "Niveau 1 er det stærkeste design.",
            choices=lambda: tuple(evidence_levels().values()),
        ),
        Exercise(
            "10.5",
            "Kursets jobforsøg har evidensniveau 2. Hvor mange gange bredere gør værktøjet usikkerheden på "
            "succesraten end studiets eget interval?",
            "number",
            lambda: EVIDENCE_WIDENING[2],
            "Se tabellen over evidensniveauer og deres faktor.",
            tolerance=0.001,
            explanation="Et svagere design kan have skjulte forskelle mellem grupperne; derfor regnes intervallet "
            "bredere end studiet selv angiver.",
        ),
    ]
