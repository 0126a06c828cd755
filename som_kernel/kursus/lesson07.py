"""Lektion 7 · Hvor længe holder effekten? Persistence and decline over the years, and why a horizon past
the evidence is risky."""

from __future__ import annotations

from .base import lesson_data, result, scenario, total, year_value
from .grading import Exercise

TITLE = "Hvor længe holder effekten?"
NOTEBOOK = "07_varighed.ipynb"
L7 = "lektion7"


def _full_effect(horizon_years: int | None = None):
    """Lesson 7's scenario with the effect held at 100 % (no decline), optionally over a shorter horizon."""
    o = scenario(L7).outcomes[0]
    changes: dict = {"outcomes": [{"outcome": o.outcome, "success_rate": o.success_rate, "persistence": []}]}
    if horizon_years is not None:
        changes["settings"] = {"horizon_years": horizon_years}
    return result(L7, **changes)


def followup_years() -> int:
    """How long the course's job study followed the participants (lesson 11's data, the same study)."""
    return int(lesson_data("beslutningsoplaeg")["followup_years"])


def years_to_pay_back() -> int | None:
    """The fewest years of full effect for which the net result over the whole period is ≥ 0 (kernel,
    horizon by horizon)."""
    for years in range(1, scenario(L7).settings.horizon_years + 1):
        if total(_full_effect(years)) >= 0:
            return years
    return None


def exercises() -> list[Exercise]:
    return [
        Exercise(
            "7.1",
            "Effekten aftager: 100 % i 2025, 75 % i 2026, 50 % i 2027, 25 % i 2028 og derefter 0. Hvor store er "
            "konsekvenserne i 2027, i kr.?",
            "kr",
            lambda: year_value(result(L7), 2027, kind="consequence"),
            "Antal succeser × værdi pr. succes pr. år × andelen af effekten, der er tilbage i 2027.",
            mistakes=lambda: [
                (
                    year_value(_full_effect(), 2027, kind="consequence"),
                    "Det er med fuld effekt. I 2027 er halvdelen tilbage.",
                ),
            ],
            explanation="5 succeser × 150.000 kr. × 50 %.",
        ),
        Exercise(
            "7.2",
            "Hvor store er konsekvenserne i alt over de 10 år med den aftagende effekt, i kr.?",
            "kr",
            lambda: total(result(L7), "consequence"),
            "Læg andelene sammen (1 + 0,75 + 0,5 + 0,25) og gang med succeser × værdi pr. succes pr. år.",
            mistakes=lambda: [(total(_full_effect(), "consequence"), "Det er med fuld effekt i alle 10 år.")],
            explanation="Aftagende effekt svarer her til 2,5 års fuld effekt.",
        ),
        Exercise(
            "7.3",
            "Hvad er nettoresultatet over hele perioden med den aftagende effekt, i kr.?",
            "kr",
            lambda: total(result(L7)),
            "Konsekvenserne i alt − omkostningerne (20 deltagere × 80.000 kr.).",
            mistakes=lambda: [(total(_full_effect()), "Det er med fuld effekt i alle 10 år.")],
        ),
        Exercise(
            "7.4",
            "Hvad ville nettoresultatet over hele perioden være, hvis man antog fuld effekt i alle 10 år, i kr.?",
            "kr",
            lambda: total(_full_effect()),
            "5 succeser × 150.000 kr. × 10 år − omkostningerne.",
            explanation="Antagelsen om varighed kan gøre et lille overskud til et stort.",
        ),
        Exercise(
            "7.5",
            "Effektstudiet fulgte kun deltagerne i 2 år. Hvad er nettoresultatet, hvis man kun regner med de 2 år, "
            "der er målt (fuld effekt, horisont 2 år), i kr.?",
            "kr",
            lambda: total(_full_effect(followup_years())),
            "5 succeser × 150.000 kr. × 2 år − omkostningerne.",
            explanation="Inden for evidensen tjener indsatsen sig ikke ind; resten af gevinsten bygger på en antagelse.",
        ),
        Exercise(
            "7.6",
            "Hvor mange år skal den fulde effekt mindst holde, for at nettoresultatet for det offentlige ikke er "
            "negativt?",
            "number",
            years_to_pay_back,
            "Hvor mange gange 5 × 150.000 kr. skal der til for at dække 1.600.000 kr.?",
            tolerance=0.0,
            explanation="Holder effekten kortere end det, taber det offentlige; studiet har kun målt 2 år.",
        ),
    ]
