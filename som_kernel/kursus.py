"""The SØM course (notebooks/kursus): lesson scenarios, exercises whose reference answers the kernel
computes, and pure feedback functions that compare a student's answer with them in Danish.

    from som_kernel.kursus import check, scenario
    check("1.3", "-500.000")   # → "Rigtigt! …" or a Danish hint

Lessons 1–6 use the course's own small knowledge base (notebooks/kursus/data, round made-up numbers
that can be checked by hand); a few exercises use the shipped knowledge base for realistic cases.
No formula lives here: every reference answer is read from `calculate()`'s result or the knowledge base.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal

import pandas as pd

from . import variants
from .describe import describe_inputs, inputs_markdown, select
from .engine import calculate, unit_prices
from .format import kr, number, parse_number
from .knowledge import ACTORS, KnowledgeBase, load_knowledge
from .names import COST_BASELINE, COST_FIXED, COST_RUNNING, COST_STARTUP
from .scenario import Scenario, build_scenario
from .uncertainty.switching import switching_success_rate as uncertainty_switching_rate
from .views import TOTAL, Result

COURSE_KNOWLEDGE_DIR = Path(__file__).resolve().parent.parent / "notebooks" / "kursus" / "data"

RIGHT = "Rigtigt!"
NOT_ANSWERED = "Du har ikke svaret endnu. Skriv dit svar og tjek igen."


@cache
def course_knowledge() -> KnowledgeBase:
    """The course's small knowledge base (notebooks/kursus/data): round, made-up numbers."""
    return load_knowledge(COURSE_KNOWLEDGE_DIR)


@cache
def shipped_knowledge() -> KnowledgeBase:
    """The shipped knowledge base (knowledge/, or $SOM_KNOWLEDGE) for the realistic cases."""
    return load_knowledge()


# ---- the lessons' scenarios ---------------------------------------------------------------------------

_SETTINGS = {"price_year": 2024, "first_year": 2025, "horizon_years": 10}

# Lesson 5 and 6: three cohorts of 20, two years each, 80.000 kr. per participant per year (kommune).
_JOB_COHORTS = {
    "name": "Jobindsats med tre hold",
    "target_group": "kursus_ledige",
    "participants": [20, 20, 20],
    "duration_years": 2,
    "costs": {"running_per_participant": {"kommune": 80_000}},
    "outcomes": [{"outcome": "kursus_job", "success_rate": 0.25}],
    "settings": _SETTINGS,
}

SCENARIOS: dict[str, dict] = {
    # 1: one year, 100 participants, 20.000 kr. each, 10 % success, only the first year counted
    "lektion1": {
        "name": "Jobindsats i Kursusbyen",
        "target_group": "kursus_ledige",
        "participants": [100],
        "duration_years": 1,
        "costs": {"running_per_participant": {"kommune": 20_000}},
        "outcomes": [{"outcome": "kursus_job", "success_rate": 0.10}],
        "settings": {**_SETTINGS, "horizon_years": 1},
    },
    # 2: three cohorts of 20; start-up, running costs and the usual intervention it replaces
    "lektion2": {
        "name": "Jobindsats med opstart og sparede omkostninger",
        "target_group": "kursus_ledige",
        "participants": [20, 20, 20],
        "duration_years": 1,
        "costs": {
            "startup": {"kommune": 300_000},
            "running_per_participant": {"kommune": 40_000},
            "baseline_per_participant": {"kommune": 10_000},
        },
        "outcomes": [{"outcome": "kursus_job", "success_rate": 0.10}],
        "settings": _SETTINGS,
    },
    # 3: 12 % leave homelessness with the intervention, 2 % without → success rate 10 %
    "lektion3": {
        "name": "Bostøtte til hjemløse",
        "target_group": "kursus_hjemloese",
        "participants": [50],
        "duration_years": 1,
        "costs": {"running_per_participant": {"kommune": 30_000}},
        "outcomes": [{"outcome": "kursus_bolig", "success_rate": 0.10}],
        "settings": _SETTINGS,
    },
    # 4: one success, one year: the value of a success per actor
    "lektion4": {
        "name": "Én succes i ét år",
        "target_group": "kursus_ledige",
        "participants": [1],
        "duration_years": 1,
        "outcomes": [{"outcome": "kursus_job", "success_rate": 1.0}],
        "settings": {**_SETTINGS, "horizon_years": 1},
    },
    "lektion5": _JOB_COHORTS,
    "lektion6": _JOB_COHORTS,
    # realistic: IPS for people with severe mental illness on the shipped knowledge base
    "ips": {
        "name": "IPS (job og uddannelse med støtte)",
        "target_group": "psykisk_lidelse",
        "participants": [50],
        "duration_years": 1,
        "costs": {"running_per_participant": {"kommune": 60_000}},
        "outcomes": [{"outcome": "psykisk_lidelse_job_uddannelse", "success_rate": 0.13}],
        "settings": _SETTINGS,
    },
}

SHIPPED = {"ips"}  # scenarios on the shipped knowledge base; the rest use the course's


def scenario(name: str, **changes) -> Scenario:
    """A lesson's scenario ('lektion1' … 'lektion6', 'ips'), optionally with fields changed, e.g.
    `scenario("lektion6", outcomes=[{"outcome": "kursus_job", "success_rate": 0.15}])`."""
    return variants.with_changes(build_scenario(SCENARIOS[name]), **changes)


def knowledge_for(name: str) -> KnowledgeBase:
    """The knowledge base a lesson's scenario is calculated on."""
    return shipped_knowledge() if name in SHIPPED else course_knowledge()


def result(name: str, **changes) -> Result:
    """The kernel's result for a lesson's scenario (see `scenario`)."""
    return calculate(scenario(name, **changes), knowledge_for(name))


def with_success_rate(name: str, rate: float) -> Result:
    """The lesson's result with every outcome's success rate set to `rate` (share 0–1)."""
    return calculate(variants.with_success_rates(scenario(name), rate), knowledge_for(name))


def describe(s: Scenario, kb: KnowledgeBase) -> str:
    """The scenario in a few Danish Markdown lines (for the top of a lesson), from som_kernel.describe."""
    rows = describe_inputs(s, kb)
    return inputs_markdown(select(rows, ("description", "outcomes[[]*[]].persistence", "consequences")))


def value_per_success(name: str) -> pd.DataFrame:
    """Kroner per success in consequence year 1, per service (rows) and actor (columns kommune, region,
    stat, total): the consequence rows of the kernel's result for one participant with success rate 100 %."""
    s = scenario(name)
    one = {
        "participants": [1],
        "duration_years": 1,
        "outcomes": [{"outcome": o.outcome, "success_rate": 1.0} for o in s.outcomes],
        "settings": {**s.settings.model_dump(), "horizon_years": 1, "discount_rate": 0.0},
    }
    r = result(name, **one)
    t = r.table[r.table["kind"] == "consequence"]
    out = t.pivot_table(index="service", columns="actor", values="amount", aggfunc="sum")
    out = out.reindex(columns=list(ACTORS)).fillna(0.0)
    out[TOTAL] = out.sum(axis=1)
    return out


def break_even_by_success_rate(name: str, rates: list[float], actor: str = TOTAL) -> pd.DataFrame:
    """Break-even year (None: not within the horizon) and net result over the whole period, for each
    success rate (share 0–1), recomputed with the kernel."""
    rows = []
    for rate in rates:
        r = with_success_rate(name, rate)
        rows.append(
            {"success_rate": rate, "break_even_year": r.break_even_year(actor), "net_result": r.totals()[actor]}
        )
    return pd.DataFrame(rows)


def switching_success_rate(name: str, actor: str = TOTAL) -> float | None:
    """The success rate (share 0–1) at which the net result over the whole period is exactly 0; None if no
    rate in 0–100 % gets there (som_kernel.uncertainty.switching_success_rate)."""
    return uncertainty_switching_rate(scenario(name), knowledge_for(name), actor)


# ---- exercises ---------------------------------------------------------------------------------------

Kind = Literal["kr", "number", "percent", "year", "choice"]
Answer = float | int | str | None


@dataclass(frozen=True)
class Exercise:
    """One exercise: the question, how to compute the reference answer with the kernel, and hints."""

    id: str
    question: str
    kind: Kind
    reference: Callable[[], Answer]
    hint: str
    tolerance: float = 0.5  # absolute, in the answer's unit (kr., procentpoint, antal); years must match
    choices: tuple[str, ...] = ()
    sign_free: bool = False  # costs asked "as a positive amount": accept either sign
    # typical wrong answers → a targeted hint; computed with the kernel too
    mistakes: Callable[[], list[tuple[Answer, str]]] = field(default=lambda: [])
    explanation: str = ""  # shown with a right answer: how SØM gets there

    @property
    def lesson(self) -> int:
        return int(self.id.split(".")[0])


def _r(name: str, **changes) -> Result:
    return result(name, **changes)


def _year_value(r: Result, year: int, actor: str = TOTAL, kind: str | None = None) -> float:
    return float(r.by_year_actor(kind=kind).loc[year, actor])


def _cost_lines(r: Result, lines: set[str], year: int | None = None) -> float:
    """Costs as a positive amount: the cost rows of the given lines (engine service names)."""
    t = r.table[(r.table["kind"] == "cost") & r.table["service"].isin(lines)]
    if year is not None:
        t = t[t["year"] == year]
    return -float(t["amount"].sum())


def _successes(name: str) -> float:
    s = scenario(name)
    return s.total_participants * s.outcomes[0].success_rate


def _first_consequence_year(r: Result, cohort: int) -> int:
    t = r.table
    return int(t[(t["kind"] == "consequence") & (t["cohort"] == cohort)]["year"].min())


def _largest_gainer(r: Result) -> str:
    gains = r.totals_by_kind().loc["consequence", list(ACTORS)]
    return str(gains.idxmax())


def _study_rate(study_id: str) -> float:
    es = shipped_knowledge().effect_studies
    return float(es.set_index("id").at[study_id, "success_rate"]) * 100


_GROSS = {COST_STARTUP, COST_RUNNING, COST_FIXED}
_BASELINE = {COST_BASELINE}


def _exercises() -> list[Exercise]:
    L1, L2, L3, L5, L6 = "lektion1", "lektion2", "lektion3", "lektion5", "lektion6"
    return [
        # ---- lesson 1: what the net result is
        Exercise(
            "1.1",
            "Hvor mange af de 100 deltagere opnår succes (kommer i job) på grund af indsatsen?",
            "number",
            lambda: _successes(L1),
            "Gang antallet af deltagere med succesraten.",
            mistakes=lambda: [(scenario(L1).total_participants, "Det er alle deltagerne. Kun dem med succes tæller.")],
            explanation="Antal succeser = deltagere × succesrate.",
        ),
        Exercise(
            "1.2",
            "Hvor store er konsekvenserne (gevinsterne for det offentlige) i alt i 2025, i kr.?",
            "kr",
            lambda: _year_value(_r(L1), 2025, kind="consequence"),
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
            lambda: _year_value(_r(L1), 2025),
            "Nettoresultat = konsekvenser − omkostninger.",
            mistakes=lambda: [
                (
                    _year_value(_r(L1), 2025, kind="consequence"),
                    "Det er konsekvenserne alene. Træk omkostningerne fra.",
                ),
                (_cost_lines(_r(L1), _GROSS), "Det er omkostningerne alene. Læg konsekvenserne til."),
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
        # ---- lesson 2: costs
        Exercise(
            "2.1",
            "Hvad er bruttoomkostningerne (opstart + drift) i 2025, i kr.?",
            "kr",
            lambda: _cost_lines(_r(L2), _GROSS, 2025),
            "Opstarten betales én gang i det første år; driften betales for hver deltager, der er i gang.",
            sign_free=True,
            mistakes=lambda: [
                (_cost_lines(_r(L2), {COST_RUNNING}, 2025), "Du mangler opstartsudgiften."),
                (_cost_lines(_r(L2), _GROSS), "Det er alle tre år. Spørgsmålet gælder kun 2025."),
            ],
            explanation="2025: opstart + 20 deltagere × driftsudgiften pr. deltager.",
        ),
        Exercise(
            "2.2",
            "Hvad er bruttoomkostningerne i alt over alle tre år, i kr.?",
            "kr",
            lambda: _cost_lines(_r(L2), _GROSS),
            "Opstarten tæller kun én gang; driften for alle 60 deltagere.",
            sign_free=True,
            mistakes=lambda: [
                (
                    3 * _cost_lines(_r(L2), {COST_STARTUP}) + _cost_lines(_r(L2), {COST_RUNNING}),
                    "Opstartsudgiften er en engangsudgift, den skal kun med én gang.",
                )
            ],
        ),
        Exercise(
            "2.3",
            "Indsatsen erstatter den sædvanlige indsats (basisalternativet). Hvor meget spares der i alt, i kr.?",
            "kr",
            lambda: -_cost_lines(_r(L2), _BASELINE),
            "Gang de sparede omkostninger pr. deltager med antallet af deltagere.",
            sign_free=True,
        ),
        Exercise(
            "2.4",
            "Hvad er nettoomkostningerne (meromkostningerne) i alt, i kr.?",
            "kr",
            lambda: -float(_r(L2).totals_by_kind().at["cost", TOTAL]),
            "Nettoomkostninger = bruttoomkostninger − sparede omkostninger.",
            sign_free=True,
            mistakes=lambda: [
                (_cost_lines(_r(L2), _GROSS), "Du har glemt at trække de sparede omkostninger fra."),
                (
                    _cost_lines(_r(L2), _GROSS) - 2 * _cost_lines(_r(L2), _BASELINE),
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
            lambda: -float(_r(L2).totals_by_kind().at["cost", TOTAL]) / scenario(L2).total_participants,
            "Del nettoomkostningerne i alt med antallet af deltagere (alle hold).",
            sign_free=True,
            mistakes=lambda: [
                (
                    -float(_r(L2).totals_by_kind().at["cost", TOTAL]) / scenario(L2).participants[0],
                    "Du har delt med deltagerne på ét hold. Del med alle deltagere.",
                )
            ],
        ),
        # ---- lesson 3: success rate and the counterfactual
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
            lambda: _successes(L3),
            "Gang deltagerne med succesraten (netto).",
            mistakes=lambda: [(scenario(L3).total_participants * 0.12, "Brug nettosuccesraten, ikke 12 %.")],
        ),
        Exercise(
            "3.3",
            "Hvor store er konsekvenserne i alt over de 10 år, i kr.?",
            "kr",
            lambda: float(_r(L3).totals_by_kind().at["consequence", TOTAL]),
            "Antal succeser × værdi pr. succes pr. år × 10 år.",
            mistakes=lambda: [
                (
                    float(with_success_rate(L3, 0.12).totals_by_kind().at["consequence", TOTAL]),
                    "Du har brugt 12 %. Brug nettosuccesraten.",
                ),
                (
                    _year_value(_r(L3), 2025, kind="consequence"),
                    "Det er kun det første år. Tag alle 10 år med.",
                ),
            ],
        ),
        Exercise(
            "3.4",
            "Hvor meget ville konsekvenserne over 10 år blive overvurderet, hvis man brugte 12 % i stedet for 10 %?",
            "kr",
            lambda: float(
                with_success_rate(L3, 0.12).totals_by_kind().at["consequence", TOTAL]
                - _r(L3).totals_by_kind().at["consequence", TOTAL]
            ),
            "Regn konsekvenserne ud for 2 procentpoint af deltagerne (én person) over 10 år.",
            explanation="To procentpoint for meget gør her konsekvenserne 20 % for store.",
        ),
        Exercise(
            "3.5",
            "Slå IPS-studiet 'ips_projekt_inklusion' op i vidensdatabasen. Hvilken succesrate (i %) angiver det?",
            "percent",
            lambda: _study_rate("ips_projekt_inklusion"),
            "Se kolonnen success_rate i tabellen over effektstudier (den er en andel; gang med 100).",
            tolerance=0.05,
        ),
        # ---- lesson 4: consequences and prices per actor
        Exercise(
            "4.1",
            "Hvad koster én uges kontanthjælp kommunen (efter refusion), i kr.?",
            "kr",
            lambda: float(unit_prices(scenario("lektion4"), course_knowledge()).at["kontanthjaelp", "kommune"]),
            "Se prisen for kontanthjælp og aktøren kommune i pristabellen.",
            mistakes=lambda: [
                (
                    float(unit_prices(scenario("lektion4"), course_knowledge()).loc["kontanthjaelp"].sum()),
                    "Det er prisen for alle aktører tilsammen. Spørgsmålet gælder kun kommunen.",
                )
            ],
        ),
        Exercise(
            "4.2",
            "Hvad er én succes (én borger i job i ét år) værd for kommunen, i kr.?",
            "kr",
            lambda: float(value_per_success("lektion4")["kommune"].sum()),
            "Læg kommunens gevinster sammen: færre uger på kontanthjælp × pris + mere skat × pris.",
            mistakes=lambda: [
                (float(value_per_success("lektion4")[TOTAL].sum()), "Det er for alle aktører. Tag kun kommunen."),
                (
                    float(value_per_success("lektion4").at["kontanthjaelp", "kommune"]),
                    "Du mangler skatten: job giver også kommunen skatteindtægter.",
                ),
            ],
        ),
        Exercise(
            "4.3",
            "Hvilken aktør får gevinsten, når der bliver færre psykiatriske sengedage?",
            "choice",
            lambda: str(value_per_success("lektion4").loc["sengedag_psykiatri", list(ACTORS)].idxmax()),
            "Hvem driver sygehusene i Danmark?",
            choices=ACTORS,
        ),
        Exercise(
            "4.4",
            "Et herbergsdøgn koster 1.000 kr.; staten refunderer 50 %. Hvad koster det kommunen, i kr.?",
            "kr",
            lambda: float(unit_prices(scenario(L3), course_knowledge()).at["herbergsdoegn", "kommune"]),
            "SØM's priser er efter refusion: kommunen betaler kun den del, staten ikke refunderer.",
            mistakes=lambda: [(1000, "Det er bruttoprisen. Træk statens refusion fra.")],
        ),
        Exercise(
            "4.5",
            "Jeres kommune betaler 800 kr. pr. herbergsdøgn efter refusion. Hvad er gevinsten for kommunen i 2025 "
            "i lektion 3's indsats med jeres lokale pris, i kr.?",
            "kr",
            lambda: _year_value(
                _r(L3, price_overrides=[{"service": "herbergsdoegn", "actor": "kommune", "price": 800}]),
                2025,
                "kommune",
                kind="consequence",
            ),
            "Antal succeser × færre herbergsdøgn pr. succes × den lokale pris.",
            mistakes=lambda: [
                (_year_value(_r(L3), 2025, "kommune", kind="consequence"), "Det er med vidensdatabasens pris.")
            ],
        ),
        Exercise(
            "4.6",
            "IPS-eksemplet (vidensdatabasen): hvilken aktør får de største konsekvenser (gevinster) over 10 år?",
            "choice",
            lambda: _largest_gainer(_r("ips")),
            "Se tabellen over konsekvenser pr. aktør: hvilken kolonne har det største beløb?",
            choices=ACTORS,
        ),
        # ---- lesson 5: time and break-even
        Exercise(
            "5.1",
            "I hvilket år lander effekten for holdet, der starter i 2025?",
            "year",
            lambda: _first_consequence_year(_r(L5), 2025),
            "Effekten lander i det år, deltageren afslutter forløbet. Forløbet varer 2 år.",
            mistakes=lambda: [(2025, "2025 er startåret. Forløbet varer 2 år."), (2027, "Tæl startåret med.")],
            explanation="Afslutningsår = startår + forløbslængde − 1.",
        ),
        Exercise(
            "5.2",
            "Hvor store er konsekvenserne i alt i 2026, i kr.?",
            "kr",
            lambda: _year_value(_r(L5), 2026, kind="consequence"),
            "I 2026 har kun holdet fra 2025 afsluttet. Antal succeser på holdet × værdi pr. succes.",
            mistakes=lambda: [
                (
                    2 * _year_value(_r(L5), 2026, kind="consequence"),
                    "Holdet fra 2026 har ikke afsluttet endnu i 2026.",
                )
            ],
        ),
        Exercise(
            "5.3",
            "Hvor store er omkostningerne i 2026 (som et positivt beløb), i kr.?",
            "kr",
            lambda: -_year_value(_r(L5), 2026, kind="cost"),
            "I 2026 er to hold i gang: holdet fra 2025 (andet år) og holdet fra 2026 (første år).",
            sign_free=True,
            mistakes=lambda: [
                (-_year_value(_r(L5), 2025, kind="cost"), "Husk holdet fra 2025, der er i sit andet år.")
            ],
        ),
        Exercise(
            "5.4",
            "Hvilket år er break-even-året for det offentlige samlet?",
            "year",
            lambda: _r(L5).break_even_year(TOTAL),
            "Læg nettoresultatet sammen år for år (akkumuleret). Break-even er det første år, summen er ≥ 0.",
            mistakes=lambda: [
                (
                    int(_r(L5).by_year_actor()[TOTAL].gt(0).idxmax()),
                    "Det er det første år med et positivt nettoresultat i året. Se på det akkumulerede.",
                )
            ],
        ),
        Exercise(
            "5.5",
            "Hvilket år når kommunen break-even?",
            "year",
            lambda: _r(L5).break_even_year("kommune"),
            "Kommunen betaler alle omkostningerne, men får kun en del af gevinsterne. Se kommunens akkumulerede "
            "kolonne.",
            mistakes=lambda: [(_r(L5).break_even_year(TOTAL), "Det er for det offentlige samlet. Se kun på kommunen.")],
        ),
        Exercise(
            "5.6",
            "Med en diskonteringsrente på 3,5 %: hvad er nettoresultatet i 2030 værd i 2025-kroner (nutidsværdi)? "
            "Afrund gerne til nærmeste 1.000 kr.",
            "kr",
            lambda: float(_r(L5, settings={"discount_rate": 0.035}).by_year_actor(discounted=True).at[2030, TOTAL]),
            "Del nettoresultatet i 2030 med 1,035 opløftet i antal år efter 2025 (5).",
            tolerance=1000.0,
            mistakes=lambda: [
                (_year_value(_r(L5), 2030), "Det er det udiskonterede beløb. Del med 1,035^5."),
                (
                    _year_value(_r(L5), 2030) / 1.035**6,
                    "Du har diskonteret 6 år; 2030 ligger 5 år efter 2025.",
                ),
            ],
            explanation="Nutidsværdi = beløb / (1 + rente)^(år − første år).",
        ),
        Exercise(
            "5.7",
            "Hvilket år er break-even for det offentlige samlet, når man diskonterer med 3,5 %?",
            "year",
            lambda: _r(L5, settings={"discount_rate": 0.035}).break_even_year(TOTAL, discounted=True),
            "Brug den akkumulerede kolonne for de diskonterede beløb.",
        ),
        # ---- lesson 6: sensitivity
        Exercise(
            "6.1",
            "Hvis succesraten kun er 15 %, hvilket år er så break-even-året (samlet)?",
            "year",
            lambda: with_success_rate(L6, 0.15).break_even_year(TOTAL),
            "Brug skyderen eller tabellen ovenfor: break-even flytter sig, når succesraten ændres.",
            mistakes=lambda: [(_r(L6).break_even_year(TOTAL), "Det er break-even-året ved 25 %.")],
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
            "IPS-eksemplet (vidensdatabasen): hvis effekten er som i det internationale studie 'ips_international', "
            "hvilket år når kommunen så break-even?",
            "year",
            lambda: with_success_rate("ips", _study_rate("ips_international") / 100).break_even_year("kommune"),
            "Slå studiets succesrate op, sæt den ind i kodecellen og se på kommunens break-even-år.",
            mistakes=lambda: [(_r("ips").break_even_year("kommune"), "Det er break-even-året ved 13 %.")],
            explanation="Hvilket studie man tror på, flytter break-even flere år: læs altid resultatet med "
            "usikkerheden for øje.",
        ),
    ]


EXERCISES: dict[str, Exercise] = {e.id: e for e in _exercises()}


def exercises(lesson: int) -> list[Exercise]:
    """The exercises of one lesson, in order."""
    return [e for e in EXERCISES.values() if e.lesson == lesson]


def reference(exercise_id: str) -> Answer:
    """The kernel's reference answer to an exercise (kr., antal, procent 0–100, år or a choice)."""
    return EXERCISES[exercise_id].reference()


# ---- feedback: pure functions ------------------------------------------------------------------------


def _sentence(text: str) -> str:
    return text if text.endswith(".") else text + "."


def _show(x: Answer, kind: Kind) -> str:
    if x is None:
        return "intet år inden for perioden"
    if kind == "kr":
        return kr(float(x))
    if kind == "percent":
        return f"{number(float(x), 0 if float(x).is_integer() else 1)} %"
    if kind == "year":
        return str(int(x))
    if kind == "number":
        return number(float(x), 0 if float(x).is_integer() else 1)
    return str(x)


def parse_answer(answer: Answer) -> float | None:
    """A number from what the student typed ('1.500.000', '−500.000 kr.', '10 %', 12.5); None if empty;
    ValueError if it is not a number."""
    if answer is None:
        return None
    if isinstance(answer, bool):
        raise ValueError("ikke et tal")
    if isinstance(answer, int | float):
        return float(answer)
    text = str(answer).strip()
    if not text:
        return None
    return parse_number(text)


def check_number(
    answer: Answer,
    ref: float | None,
    *,
    kind: Kind = "kr",
    tolerance: float = 0.5,
    hint: str = "",
    mistakes: list[tuple[Answer, str]] | tuple = (),
    sign_free: bool = False,
    explanation: str = "",
) -> str:
    """Danish feedback on a numeric answer against the reference: 'Rigtigt! …' or a hint."""
    try:
        x = parse_answer(answer)
    except ValueError:
        return f"Det kan jeg ikke læse som et tal: '{answer}'. Skriv fx 1.500.000 eller 10,5."
    if x is None:
        return NOT_ANSWERED
    if ref is None:
        return f"Ikke helt. {hint}".strip()

    def close(a: float, b: float) -> bool:
        return math.isclose(a, b, abs_tol=tolerance) if kind != "year" else round(a) == round(b) and a == round(a)

    right = _sentence(f"{RIGHT} Svaret er {_show(ref, kind)}") + (f" {explanation}" if explanation else "")
    if close(x, ref) or (sign_free and close(-x, ref)):
        return right
    for wrong, message in mistakes:
        if wrong is not None and close(x, float(wrong)) and not close(float(wrong), ref):
            return f"Ikke helt. {message}"
    if ref != 0 and close(-x, ref):
        return "Ikke helt: beløbet er rigtigt, men fortegnet er forkert. Gevinster er positive, omkostninger negative."
    if kind == "percent" and close(x * 100, ref):
        return "Ikke helt: skriv svaret i procent (fx 12,5 for 12,5 %), ikke som en andel (0,125)."
    if kind in ("kr", "number") and ref != 0 and any(close(x, ref * f) for f in (10, 100, 1000, 0.1, 0.01, 0.001)):
        return f"Ikke helt: du er en faktor 10 ved siden af. Tæl nullerne. {hint}".strip()
    direction = "for højt" if x > ref else "for lavt"
    if kind == "year":
        return f"Ikke helt: {_show(x, kind)} er {'for sent' if x > ref else 'for tidligt'}. {hint}".strip()
    return f"Ikke helt: dit svar er {direction}. {hint}".strip()


def check_choice(
    answer: Answer, ref: str, *, hint: str = "", choices: tuple[str, ...] = (), explanation: str = ""
) -> str:
    """Danish feedback on a multiple-choice answer."""
    if answer is None or not str(answer).strip():
        return NOT_ANSWERED
    a = str(answer).strip().lower()
    if choices and a not in choices:
        return f"Vælg et af svarene: {', '.join(choices)}."
    if a == ref.lower():
        return f"{RIGHT} Svaret er {ref}." + (f" {explanation}" if explanation else "")
    return f"Ikke helt. {hint}".strip()


def check(exercise_id: str, answer: Answer) -> str:
    """Danish feedback on the student's answer to an exercise, against the kernel's reference answer."""
    e = EXERCISES[exercise_id]
    ref = e.reference()
    if e.kind == "choice":
        return check_choice(answer, ref, hint=e.hint, choices=e.choices, explanation=e.explanation)
    mistakes = e.mistakes()
    return check_number(
        answer,
        ref,
        kind=e.kind,
        tolerance=e.tolerance,
        hint=e.hint,
        mistakes=mistakes,
        sign_free=e.sign_free,
        explanation=e.explanation,
    )


def solution(exercise_id: str) -> str:
    """The reference answer in Danish ('Facit: …'), for the widget's 'Vis facit' button."""
    e = EXERCISES[exercise_id]
    ref = e.reference()
    text = _sentence(f"Facit: {_show(ref, e.kind)}")
    return f"{text} {e.explanation}" if e.explanation else text
