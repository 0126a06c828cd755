"""Lektion 11 · Beslutningsoplæg: presenting a result to politicians with its caveats. `decision_paper`
writes a short paper in Danish Markdown from a lesson scenario: the result per actor, break-even, and the
caveats that belong next to it (evidence level, effect measured for fewer years than the horizon,
switching value, illustrative numbers, what SØM leaves out)."""

from __future__ import annotations

from ..format import kr, pct
from ..kb import ACTORS
from ..names import ACTOR_DEFINITE_DA
from ..views import TOTAL
from .base import knowledge_for, lesson_data, result, scenario, study, switching_success_rate, total
from .grading import Exercise

TITLE = "Beslutningsoplæg til politikerne"
NOTEBOOK = "11_beslutningsoplaeg.ipynb"
ACTOR_NAMES = {a: ACTOR_DEFINITE_DA[a].capitalize() for a in (*ACTORS, TOTAL)}
HORIZON_CAVEAT = "Effekten er kun målt i kortere tid, end beregningen regner med"
CAVEAT_CHOICES = (HORIZON_CAVEAT, "Priserne er opgjort i 2024-niveau", "Indsatsen har tre hold")


def _facts() -> dict:
    return lesson_data("beslutningsoplaeg")


def measured_only(name: str | None = None):
    """The paper's scenario calculated only over the years the effect was measured (the study's follow-up)."""
    f = _facts()
    return result(name or f["scenario"], settings={"horizon_years": int(f["followup_years"])})


def most_important_caveat() -> str:
    """The horizon caveat when counting only the measured years turns the net result negative."""
    full, measured = total(result(_facts()["scenario"])), total(measured_only())
    return HORIZON_CAVEAT if measured < 0 <= full else CAVEAT_CHOICES[1]


def _year(y: int | None) -> str:
    return str(y) if y is not None else "ikke inden for perioden"


def decision_paper(name: str | None = None, remark: str = "") -> str:
    """A short decision paper in Danish Markdown for a lesson scenario (default: lesson 11's), with the
    student's own `remark` at the end."""
    f = _facts()
    name = name or f["scenario"]
    s, kb, r = scenario(name), knowledge_for(name), result(name)
    st = study(f["study"], kb)
    horizon, followup = s.settings.horizon_years, int(f["followup_years"])
    totals, years = r.totals(), r.break_even_years()
    rate = s.outcomes[0].success_rate
    costs = -total(r, "cost")
    lines = [
        f"# Beslutningsoplæg: {s.name}",
        "",
        f"**Til:** {f['recipient']}  ",
        f"**Indsats:** {s.total_participants} deltagere på {len(s.participants)} hold fra {s.settings.first_year}, "
        f"forløb på {s.duration_years} år; omkostninger i alt {kr(costs)}",
        "",
        "## Resultat",
        "",
        f"Med en succesrate på {pct(rate, 0)} og effekt i {horizon} år efter forløbet er nettoresultatet over "
        f"hele perioden (prisniveau {s.settings.price_year}, udiskonteret):",
        "",
        "| Aktør | Nettoresultat | Break-even-år |",
        "|---|---:|---:|",
    ]
    for a in (*ACTORS, TOTAL):
        lines.append(f"| {ACTOR_NAMES[a]} | {kr(totals[a])} | {_year(years[a])} |")
    switching = switching_success_rate(name)
    measured = measured_only(name)
    lines += [
        "",
        "## Forbehold",
        "",
        f"- **Effektens varighed.** Effektstudiet ({st['name']}) har fulgt deltagerne i {followup} år; beregningen "
        f"regner med {horizon} år. Regnet kun over de målte år er nettoresultatet for det offentlige samlet "
        f"{kr(total(measured))}",
        f"- **Evidens.** Succesraten bygger på et studie med evidensniveau {int(st['evidence_level'])} "
        f"({st['design']}), 95 %-interval {pct(float(st['ci_low']), 0)}–{pct(float(st['ci_high']), 0)}.",
        "- **Skifteværdi.** "
        + (
            f"Succesraten skal mindst være {pct(switching, 1)}, for at det offentlige samlet ikke taber over perioden "
            "(udiskonteret)."
            if switching is not None
            else "Ingen succesrate mellem 0 og 100 % vender resultatet."
        ),
        f"- **Fordeling.** Kommunen betaler omkostningerne og når break-even i {_year(years['kommune'])}, "
        f"senere end det offentlige samlet ({_year(years[TOTAL])}).",
    ]
    if bool(kb.effect_studies["illustrative"].all()):
        lines.append("- **Tallene er illustrative** (kursets opdigtede tal), ikke til en rigtig beslutning.")
    lines.append(
        "- **Hvad SØM ikke viser.** Kun de offentlige budgetter; borgernes livskvalitet og trivsel er ikke med."
    )
    if remark.strip():
        lines += ["", "## Bemærkning", "", remark.strip()]
    return "\n".join(lines) + "\n"


def exercises() -> list[Exercise]:
    n = "lektion11"
    return [
        Exercise(
            "11.1",
            "Hvad er kommunens nettoresultat over hele perioden, som det skal stå i oplægget? (Du må gerne "
            "skrive det i mio. kr. med én decimal.)",
            "kr",
            lambda: float(result(n).totals()["kommune"]),
            "Se kommunens akkumulerede nettoresultat i det sidste år.",
            tolerance=50_000.0,
            mistakes=lambda: [(float(result(n).totals()[TOTAL]), "Det er for det offentlige samlet.")],
        ),
        Exercise(
            "11.2",
            "Effekten er kun målt i 2 år. Hvad er nettoresultatet for det offentlige samlet, hvis man kun regner "
            "med de 2 målte år efter hvert forløb? (Gerne i mio. kr. med én decimal.)",
            "kr",
            lambda: total(measured_only()),
            "3 hold × 5 succeser × 150.000 kr. × 2 år − omkostningerne i alt.",
            tolerance=50_000.0,
            mistakes=lambda: [(total(result(n)), "Det er med 10 års effekt.")],
        ),
        Exercise(
            "11.3",
            "Hvilket forbehold skal stå først i oplægget?",
            "choice",
            most_important_caveat,
            "Hvilket forbehold kan vende resultatet fra overskud til underskud?",
            choices=CAVEAT_CHOICES,
            explanation="Regnet over de målte år taber det offentlige; overskuddet hviler på, at effekten holder.",
        ),
    ]
