"""Lektion 3 · Succesrate og det kontrafaktiske: the success rate is net of what would have happened anyway."""

from __future__ import annotations

from ..numbers import format_danish
from .base import result, scenario, study, successes, total, with_success_rate, year_value
from .grading import Exercise

TITLE = "Succesrate og det kontrafaktiske"
NOTEBOOK = "03_succesrate.ipynb"
L3 = "lektion3"
IPS_STUDY = "ips_projekt_inklusion"


def _consequences(rate: float | None = None) -> float:
    r = result(L3) if rate is None else with_success_rate(L3, rate)
    return total(r, "consequence")


def study_difference(study_id: str) -> float:
    """Lesson 3's rule on a study: share with the intervention − share without (comparison group), in %."""
    s = study(study_id)
    return (float(s["rate_treatment"]) - float(s["rate_control"])) * 100


def exercises() -> list[Exercise]:
    return [
        Exercise(
            "3.1",
            "Med indsatsen kommer 12 % ud af hjemløshed, uden den 2 %. Hvilken succesrate skal du bruge i SØM (i %)?",
            "percent",
            lambda: scenario(L3).outcomes[0].success_rate * 100,
            "Succesraten er det, indsatsen opnår ud over det, der ville være sket alligevel.",
            tolerance=0.05,
            mistakes=lambda: [
                (12, "12 % er alle, der kommer ud af hjemløshed. 2 % ville være kommet ud alligevel."),
                (14, "Træk basisalternativets 2 % fra, læg dem ikke til."),
            ],
            explanation="Succesraten er netto: 12 % − 2 % = 10 %.",
        ),
        Exercise(
            "3.2",
            "Hvor mange af de 50 deltagere kommer ud af hjemløshed på grund af indsatsen?",
            "number",
            lambda: successes(L3),
            "Gang deltagerne med succesraten (netto).",
            mistakes=lambda: [(scenario(L3).total_participants * 0.12, "Brug nettosuccesraten, ikke 12 %.")],
        ),
        Exercise(
            "3.3",
            "Hvor store er konsekvenserne i alt over de 10 år, i kr.?",
            "kr",
            _consequences,
            "Antal succeser × værdi pr. succes pr. år × 10 år.",
            mistakes=lambda: [
                (_consequences(0.12), "Du har brugt 12 %. Brug nettosuccesraten."),
                (year_value(result(L3), 2025, kind="consequence"), "Det er kun det første år. Tag alle 10 år med."),
            ],
        ),
        Exercise(
            "3.4",
            "Hvor meget ville konsekvenserne over 10 år blive overvurderet, hvis man brugte 12 % i stedet for 10 %?",
            "kr",
            lambda: _consequences(0.12) - _consequences(),
            "Regn konsekvenserne ud for 2 procentpoint af deltagerne (én person) over 10 år.",
            explanation="To procentpoint for meget gør her konsekvenserne 20 % for store.",
        ),
        Exercise(
            "3.5",
            "Find IPS-studiet fra Projekt Inklusion i tabellen over effektstudier. Hvilken succesrate giver "
            "lektionens regel (andel med indsatsen − andel i kontrolgruppen), i % med én decimal?",
            "percent",
            lambda: study_difference(IPS_STUDY),
            "Træk andelen i kontrolgruppen (uden indsatsen) fra andelen med indsatsen.",
            tolerance=0.05,
            also_right=lambda: [
                (
                    float(study(IPS_STUDY)["success_rate"]) * 100,
                    "Det er vidensdatabasens afrundede tal; lektionens regel giver præcist "
                    f"{format_danish(round(study_difference(IPS_STUDY), 1), '%')}.",
                )
            ],
            mistakes=lambda: [
                (
                    float(study(IPS_STUDY)["rate_treatment"]) * 100,
                    "Det er andelen med indsatsen. Træk kontrolgruppen fra.",
                )
            ],
            explanation="Vidensdatabasen bruger forskellen afrundet til hele procentpoint, som i Folketingets materiale "
            "om forsøget.",
        ),
    ]
