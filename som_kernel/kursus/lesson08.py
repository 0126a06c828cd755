"""Lektion 8 · Målgruppe, effektmål og konsekvenser: choosing the target group and outcome, and where
consequence estimates come from (a register comparison of successes and non-successes, net of the comparison
group). The register extract is lesson data (notebooks/kursus/data/lektioner/registersammenligning.yaml)."""

from __future__ import annotations

import pandas as pd

from .base import course_knowledge, lesson_data, value_per_success
from .grading import Exercise

TITLE = "Målgruppe, effektmål og konsekvenser"
NOTEBOOK = "08_maalgruppe_og_konsekvenser.ipynb"
NET_OF_COMPARISON = "Forskellen mellem succeser og ikke-succeser i samme målgruppe"
NET_CHOICES = (
    NET_OF_COMPARISON,
    "Succesernes forbrug efter indsatsen",
    "Forbruget før indsatsen minus forbruget efter",
)


def register_comparison() -> pd.DataFrame:
    """The lesson's register extract with the consequence per success (successes − non-successes)."""
    data = lesson_data("registersammenligning")
    t = pd.DataFrame(data["rows"]).set_index("service")
    t["delta_use"] = t["successes"] - t["non_successes"]
    return t


def knowledge_delta(service: str) -> float:
    """The course knowledge base's consequence per success in year 1 (what the comparison produced)."""
    data = lesson_data("registersammenligning")
    c = course_knowledge().consequences_for(data["target_group"], data["outcome"])
    return float(c[(c["year"] == 1) & (c["service"] == service)]["delta_use"].iloc[0])


def outcome_for(target_group: str) -> str:
    """The name of the (one) outcome the course knowledge base has for a target group."""
    o = course_knowledge().outcomes
    return str(o[o["target_group"] == target_group]["name"].iloc[0])


def _outcome_names() -> tuple[str, ...]:
    return tuple(course_knowledge().outcomes["name"])


def exercises() -> list[Exercise]:
    return [
        Exercise(
            "8.1",
            "Ledige i job (succeser) får i gennemsnit 2 uger kontanthjælp om året, ledige uden job (ikke-succeser) "
            "27 uger. Hvad er konsekvensen pr. succes pr. år i uger kontanthjælp? (Husk fortegnet.)",
            "number",
            lambda: float(register_comparison().at["kontanthjaelp", "delta_use"]),
            "Konsekvensen er succesernes forbrug minus ikke-succesernes forbrug.",
            mistakes=lambda: [
                (2, "Det er succesernes forbrug. Træk ikke-succesernes forbrug fra."),
                (25, "Rigtig størrelse, men forbruget falder: konsekvensen er negativ."),
            ],
            explanation="Succeserne bruger 25 uger mindre kontanthjælp om året end sammenligningsgruppen.",
        ),
        Exercise(
            "8.2",
            "Succeser har i gennemsnit 1 psykiatrisk sengedag om året, ikke-succeser 3. Hvad er regionens gevinst "
            "pr. succes pr. år, når en sengedag koster regionen 5.000 kr.?",
            "kr",
            lambda: float(value_per_success("lektion4").at["sengedag_psykiatri", "region"]),
            "(Ikke-succeser − succeser) × prisen: færre sengedage er en gevinst.",
            mistakes=lambda: [(5000, "Det er prisen for én sengedag. Hvor mange færre sengedage er der?")],
        ),
        Exercise(
            "8.3",
            "Hvad betyder det, at konsekvensen er 'netto af sammenligningsgruppen'?",
            "choice",
            lambda: NET_OF_COMPARISON,
            "Tænk på, hvad succeserne ville have brugt, hvis de ikke havde fået succes.",
            choices=NET_CHOICES,
            explanation="Succesernes eget forbrug siger intet om, hvad de sparer; det gør forskellen til "
            "sammenligningsgruppen.",
        ),
        Exercise(
            "8.4",
            "Kursusbyen vil give bostøtte til voksne, der bor på herberg. Hvilket effektmål skal beregningen bruge?",
            "choice",
            lambda: outcome_for("kursus_hjemloese"),
            "Effektmålet skal være det, indsatsen vil ændre for netop denne målgruppe.",
            choices=_outcome_names,
            explanation="Målgruppe og effektmål hænger sammen: konsekvensestimaterne er målt for den målgruppe og "
            "det effektmål.",
        ),
    ]
