"""Lektion 9 · Hvem betaler, og hvem får gevinsten? Costs split across actors, and the reimbursement
staircase (refusionstrappen) that moves a benefit between kommune and stat. The staircase is lesson data
with its legal source (notebooks/kursus/data/lektioner/refusionstrappe.yaml), simplified as it says there."""

from __future__ import annotations

import pandas as pd

from ..names import COST_RUNNING
from .base import cost_lines, lesson_data, result, year_value
from .grading import Exercise

TITLE = "Hvem betaler, og hvem får gevinsten?"
NOTEBOOK = "09_aktoerer_og_refusion.ipynb"
L9 = "lektion9"


def staircase() -> pd.DataFrame:
    """The reimbursement staircase: from_week, to_week (None = onwards), state_share."""
    return pd.DataFrame(lesson_data("refusionstrappe")["steps"])


def weekly_gross() -> float:
    return float(lesson_data("refusionstrappe")["gross_per_week"])


def split_weeks(first_week: int, last_week: int, gross_per_week: float | None = None) -> dict[str, float]:
    """Kroner of benefit paid in weeks first_week..last_week (counted from the citizen's first week on
    benefits), split between kommune and stat by the staircase: the state pays its share of each week."""
    gross = weekly_gross() if gross_per_week is None else gross_per_week
    stat = 0.0
    for step in staircase().itertuples():
        top = last_week if step.to_week is None or pd.isna(step.to_week) else min(last_week, int(step.to_week))
        weeks = max(0, top - max(first_week, int(step.from_week)) + 1)
        stat += weeks * gross * step.state_share
    whole = (last_week - first_week + 1) * gross
    return {"kommune": whole - stat, "stat": stat}


def exercises() -> list[Exercise]:
    return [
        Exercise(
            "9.1",
            "Kommunen og regionen deler omkostningerne. Hvor meget betaler kommunen i alt, i kr.?",
            "kr",
            lambda: cost_lines(result(L9), {COST_RUNNING}, actor="kommune"),
            "Kommunens andel pr. deltager × antal deltagere.",
            sign_free=True,
            mistakes=lambda: [(cost_lines(result(L9), {COST_RUNNING}), "Det er begge aktørers omkostninger.")],
        ),
        Exercise(
            "9.2",
            "Hvad er regionens nettoresultat i 2025, i kr.? (Husk fortegnet.)",
            "kr",
            lambda: year_value(result(L9), 2025, "region"),
            "Regionens gevinst (færre sengedage for 4 succeser) − regionens omkostninger.",
            mistakes=lambda: [
                (-cost_lines(result(L9), {COST_RUNNING}, actor="region"), "Du mangler regionens gevinst."),
            ],
            explanation="Regionen betaler en tredjedel af omkostningerne, men får kun en lille del af gevinsten.",
        ),
        Exercise(
            "9.3",
            "En borger kommer i job i stedet for at få sine første 4 uger kontanthjælp (4.000 kr. om ugen før "
            "refusion). Hvor meget sparer kommunen, i kr.?",
            "kr",
            lambda: split_weeks(1, 4)["kommune"],
            "I uge 1–4 refunderer staten 80 %; kommunen betaler resten.",
            mistakes=lambda: [
                (split_weeks(1, 4)["stat"], "Det er statens besparelse. Kommunen betaler kun 20 %."),
                (4 * weekly_gross(), "Det er bruttobeløbet. Træk statens refusion fra."),
            ],
        ),
        Exercise(
            "9.4",
            "Hvor meget sparer staten, hvis borgeren undgår uge 5–26 på kontanthjælp, i kr.?",
            "kr",
            lambda: split_weeks(5, 26)["stat"],
            "Uge 5–26 er 22 uger; staten refunderer 40 % af dem.",
            mistakes=lambda: [
                (split_weeks(5, 26)["kommune"], "Det er kommunens besparelse. Staten refunderer 40 %."),
                (21 * weekly_gross() * 0.4, "Tæl både uge 5 og uge 26 med: 22 uger."),
            ],
        ),
        Exercise(
            "9.5",
            "Hvad koster et helt års kontanthjælp (uge 1–52) for en ny modtager kommunen efter refusion, i kr.?",
            "kr",
            lambda: split_weeks(1, 52)["kommune"],
            "Regn trappens tre trin hver for sig: uge 1–4, 5–26 og 27–52, og læg kommunens andele sammen.",
            mistakes=lambda: [
                (52 * weekly_gross() * 0.8, "Du har brugt 20 % refusion hele året; trappen starter højt.")
            ],
        ),
        Exercise(
            "9.6",
            "En borger har fået kontanthjælp i mere end et år. Hvem får den største gevinst, når borgeren kommer i job?",
            "choice",
            lambda: max(split_weeks(53, 60), key=split_weeks(53, 60).get),
            "Efter 52 uger refunderer staten kun 20 %.",
            choices=("kommune", "stat"),
            explanation="Derfor kan den samme indsats se bedre ud for kommunen, jo længere borgerne har været "
            "på ydelse: refusionsreglerne flytter gevinsten mellem kommune og stat.",
        ),
    ]
