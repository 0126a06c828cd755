"""Lektion 6 · Følsomhed: how break-even moves with the success rate; the switching value; which study."""

from __future__ import annotations

from ..views import TOTAL
from .base import result, study, switching_success_rate, with_success_rate
from .grading import Exercise

TITLE = "Følsomhed"
NOTEBOOK = "06_foelsomhed.ipynb"
L6 = "lektion6"
INTERNATIONAL = "ips_international"  # marked illustrative in knowledge/effect_studies.csv (source not seen)


def exercises() -> list[Exercise]:
    return [
        Exercise(
            "6.1",
            "Hvis succesraten kun er 15 %, hvilket år er så break-even-året (samlet)?",
            "year",
            lambda: with_success_rate(L6, 0.15).break_even_year(TOTAL),
            "Brug skyderen eller tabellen ovenfor: break-even flytter sig, når succesraten ændres.",
            mistakes=lambda: [(result(L6).break_even_year(TOTAL), "Det er break-even-året ved 25 %.")],
        ),
        Exercise(
            "6.2",
            "Når indsatsen break-even inden for perioden, hvis succesraten er 10 %?",
            "choice",
            lambda: "ja" if with_success_rate(L6, 0.10).break_even_year(TOTAL) is not None else "nej",
            "Sammenlign konsekvenserne over hele perioden med omkostningerne.",
            choices=("ja", "nej"),
        ),
        Exercise(
            "6.3",
            "Hvor stor skal succesraten mindst være (i %), for at nettoresultatet over hele perioden ikke er "
            "negativt? Svar med én decimal.",
            "percent",
            lambda: switching_success_rate(L6) * 100,
            "Nettoresultatet vokser lige meget for hvert procentpoint. Find, hvor konsekvenserne i alt er lig "
            "omkostningerne i alt.",
            tolerance=0.06,
            explanation="Denne succesrate kaldes skifteværdien: under den taber det offentlige, over den vinder det.",
        ),
        Exercise(
            "6.4",
            "IPS-eksemplet: det internationale gennemsnit (ips_international) er markeret som illustrativt i "
            "vidensdatabasen, fordi den oprindelige kilde ikke er set; brug det kun som et regneeksempel. Hvis "
            "effekten var som i det, hvilket år ville kommunen så nå break-even?",
            "year",
            lambda: with_success_rate("ips", float(study(INTERNATIONAL)["success_rate"])).break_even_year("kommune"),
            "Slå studiets succesrate op, vælg den i feltet herover og se på kommunens break-even-år.",
            mistakes=lambda: [(result("ips").break_even_year("kommune"), "Det er break-even-året ved 13 %.")],
            explanation="Hvilket studie man tror på, flytter break-even flere år: læs altid resultatet med "
            "usikkerheden for øje, og skriv det, når et tal kun er illustrativt.",
        ),
    ]
