"""Lektion 2 · Omkostninger: start-up, running costs and the usual intervention they replace (baseline), and a
cost line built from resources (hours × wage + overhead) as in Social- og Boligstyrelsen's cost model."""

from __future__ import annotations

from ..names import COST_BASELINE, COST_RUNNING, COST_STARTUP
from ..steps.costs import price_resources
from .base import cost_lines, knowledge_for, result, scenario, total
from .grading import Exercise
from .lesson01 import GROSS

TITLE = "Omkostninger"
NOTEBOOK = "02_omkostninger.ipynb"
L2 = "lektion2"
L2R = "lektion2_ressourcer"
BASELINE = {COST_BASELINE}
RUNNING = {COST_RUNNING}


def _resource(name: str) -> float:
    """Kroner per participant per year of one resource line of lesson 2's resource scenario (the kernel's)."""
    priced = price_resources(scenario(L2R), knowledge_for(L2R))
    return next(p.amount for p in priced if p.resource.name == name)


def _consultant_without_overhead() -> float:
    p = next(p for p in price_resources(scenario(L2R), knowledge_for(L2R)) if p.resource.name == "Konsulent")
    return p.resource.quantity * p.price


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
        Exercise(
            "2.6",
            "En konsulent bruger 40 timer pr. deltager pr. år. Konsulenten koster 450.000 kr. pr. årsværk inkl. "
            "pension, et årsværk har 1.500 arbejdstimer, og overhead er 20 % af lønnen. Hvad koster konsulenten "
            "pr. deltager pr. år, i kr.?",
            "kr",
            lambda: _resource("Konsulent"),
            "Timeløn = årsløn / arbejdstimer. Gang timelønnen med timerne, og læg 20 % overhead oveni.",
            sign_free=True,
            mistakes=lambda: [
                (_consultant_without_overhead(), "Du mangler overhead: læg 20 % oveni lønnen."),
                (
                    _resource("Konsulent") * 1500 / 1924,
                    "Du har brugt 1.924 betalte timer (37 × 52). Brug de 1.500 arbejdstimer, opgaven giver: "
                    "ferie og helligdage er betalt, men ikke arbejdstid.",
                ),
            ],
            explanation="450.000 / 1.500 = 300 kr. pr. time; 40 × 300 = 12.000 kr.; + 20 % overhead = 14.400 kr.",
        ),
        Exercise(
            "2.7",
            "Driften består af konsulenten (opgave 2.6) og materialer for 5.000 kr. pr. deltager pr. år. Hvad er "
            "driftsudgiften i 2025 for holdet på 20 deltagere, i kr.?",
            "kr",
            lambda: cost_lines(result(L2R), RUNNING, 2025),
            "Læg konsulenten og materialerne sammen pr. deltager, og gang med deltagerne i 2025.",
            sign_free=True,
            mistakes=lambda: [
                (
                    scenario(L2R).participants[0] * _resource("Konsulent"),
                    "Du mangler materialerne: de hører også til driften pr. deltager.",
                ),
                (
                    scenario(L2R).participants[0] * (_consultant_without_overhead() + _resource("Materialer")),
                    "Du mangler overhead på konsulenten. Materialer får ikke overhead.",
                ),
                (
                    cost_lines(result(L2R), RUNNING),
                    "Det er alle tre hold. Spørgsmålet gælder kun 2025.",
                ),
            ],
            explanation="(14.400 + 5.000) × 20 = 388.000 kr. Sådan bygger Social- og Boligstyrelsens omkostningsmodel "
            "en omkostningslinje: ressourcer × pris, og SØM-værkstedet gør det samme i trin 2.",
        ),
    ]
