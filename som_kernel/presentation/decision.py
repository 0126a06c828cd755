"""What page 1 of the decision paper tells a councillor, as tables and Danish sentences: the red checklist points,
the probability that each actor has earned the intervention back (the seeded Monte Carlo, beside the
deterministic break-even year), the main uncertainty with the values of the input behind it, the cost per
participant split into its parts, the average participant's course per actor and year, who pays and who gains
inside the kommune, and the net present value at a stated discount rate.
"""

from __future__ import annotations

import pandas as pd

from ..checklist import RED, CheckItem
from ..format import kr, number, pct
from ..kb import KnowledgeBase
from ..kb.policy import policy_value
from ..names import ACTOR_NAMES_DA, ACTORS, COST_BASELINE, COST_FIXED, COST_RUNNING, COST_STARTUP, TOTAL
from ..summary import amount_text, committee_sentence, committee_table
from ..views import Result
from .text import gains_only, year_text

# the years the paper gives a payback probability for; the Monte Carlo run's size and seed (the app's defaults)
PAYBACK_YEARS = (3, 5, 10)
PAPER_DRAWS = 10_000
PAPER_SEED = 1
# the discount rate the paper shows a net present value at when the calculation itself is undiscounted: the
# Finance Ministry's social discount rate (knowledge/policy.yaml; docs/method.md, Step 7)
STATED_RATE = policy_value("discount_rate")


def red_points_line(items: list[CheckItem]) -> str | None:
    """One neutral Danish line naming the checklist's red points, or None when none is red."""
    red = [i.title for i in items if i.status == RED]
    if not red:
        return None
    what = "et rødt punkt" if len(red) == 1 else f"{len(red)} røde punkter"
    return f"Tjeklisten (bagest) har {what}: {'; '.join(red)}."


def payback_table(result: Result, kb: KnowledgeBase, mc=None) -> pd.DataFrame:
    """Per paying actor and in total: the deterministic break-even year and the probability (share of the seeded
    Monte Carlo's draws, `mc` or a run of PAPER_DRAWS with PAPER_SEED) that it is earned back within 3, 5 and 10
    years. An actor with only gains is left out: it has nothing to earn back."""
    from ..uncertainty import monte_carlo

    mc = mc or monte_carlo(result.scenario, kb, n_draws=PAPER_DRAWS, seed=PAPER_SEED)
    be = result.break_even_years()
    kinds = result.totals_by_kind()
    rows = []
    for a in (*ACTORS, TOTAL):
        if a != TOTAL and (gains_only(result, a) or kinds.at["cost", a] == 0):
            continue
        row = {
            "Aktør": "Det offentlige samlet" if a == TOTAL else ACTOR_NAMES_DA[a],
            "Tjent hjem": year_text(result, be[a]),
        }
        for n in PAYBACK_YEARS:
            row[f"Inden for {n} år"] = pct(float(mc.prob_payback_within(n)[a]), 0)
        rows.append(row)
    return pd.DataFrame(rows)


def payback_note(mc_draws: int = PAPER_DRAWS, seed: int = PAPER_SEED) -> str:
    return (
        f"Sandsynlighederne er andelen af {number(mc_draws)} Monte Carlo-trækninger (startværdi {seed}) af "
        "succesrater, konsekvenser, priser og omkostninger, hvor aktøren har tjent indsatsen hjem inden for så "
        "mange år fra første år. »Tjent hjem« er grundberegningens break-even-år."
    )


def _value(kind: str, v: float) -> str:
    if kind in ("success_rate", "persistence"):
        return pct(v, 1)
    return f"{pct(v, 0)} af grundværdien"


def main_uncertainty(result: Result, kb: KnowledgeBase) -> str:
    """The input that moves the total net result the most between its low and high value (one-way), named with
    the values it was moved between, in Danish."""
    from ..uncertainty import one_way

    ow = one_way(result.scenario, kb)
    ow = ow[ow["actor"] == TOTAL]
    if ow.empty:
        return ""
    top = ow.sort_values("swing", ascending=False).iloc[0]
    lo, hi = sorted((top["net_low"], top["net_high"]))
    head, _, rest = str(top["label"]).partition(": ")
    label = f"{head.lower()} ({rest})" if rest else head.lower()
    return (
        f"Den største usikkerhed er {label}: mellem {_value(top['kind'], top['low_value'])} og "
        f"{_value(top['kind'], top['high_value'])} ligger nettoresultatet for det offentlige samlet mellem "
        f"{amount_text(lo)} og {amount_text(hi)} (grundberegningen bruger {_value(top['kind'], top['base_value'])}: "
        f"{amount_text(top['net_base'])})."
    )


# what each cost line per participant is, in a sentence ("8.633 kr. pr. deltager: 3.333 kr. til opstart, …")
_COST_PART_DA = {
    COST_STARTUP: "til opstart",
    COST_RUNNING: "til drift",
    COST_FIXED: "til faste driftsudgifter",
    COST_BASELINE: "sparet på den sædvanlige indsats",
}


def cost_text(result: Result) -> str:
    """The intervention's net cost in total and per participant, and what the per-participant figure is made
    of (each cost line per participant over the whole period), so a figure typed in the description and the
    computed one can be told apart."""
    n = result.scenario.total_participants
    lines = result.by_service()
    lines = lines[lines.index.get_level_values("kind") == "cost"][TOTAL]
    by_line = {line: float(v) for (_, _, line), v in lines.items() if abs(v) > 0.005}
    cost = -sum(by_line.values())
    order = [c for c in (COST_STARTUP, COST_RUNNING, COST_FIXED) if c in by_line]
    parts = [f"{kr(-by_line[c] / n)} {_COST_PART_DA[c]}" for c in order]
    saved = (
        f", minus {kr(by_line[COST_BASELINE] / n)} {_COST_PART_DA[COST_BASELINE]}" if COST_BASELINE in by_line else ""
    )
    made_of = f": {', '.join(parts)}{saved}" if len(parts) + bool(saved) > 1 else ""
    return f"Indsatsen koster {amount_text(cost)} netto i alt, {kr(cost / n)} pr. deltager over hele forløbet{made_of}."


def course_table(result: Result) -> pd.DataFrame:
    """The average participant's course (kroner per participant) per year since start and actor, with the
    cumulative total, as SØM shows it."""
    pp = result.per_participant()
    out = pp.map(lambda x: number(x)).rename(columns=ACTOR_NAMES_DA)
    out["Akkumuleret i alt"] = pp[TOTAL].cumsum().map(lambda x: number(x))
    out.insert(0, "År efter start", [str(i) for i in pp.index])
    return out.reset_index(drop=True)


def committees(result: Result) -> tuple[str, pd.DataFrame]:
    """Who pays and who gains inside the kommune: one sentence and a table (committee, costs, gains, net,
    break-even year), the kommune's row last."""
    table = committee_table(result)
    out = pd.DataFrame(
        {
            "Udvalg": table.index,
            "Omkostninger": [kr(v) for v in table["Omkostninger"]],
            "Gevinster": [kr(v) for v in table["Gevinster"]],
            "Netto": [kr(v) for v in table["Netto"]],
            "Tjent hjem": [year_text(result, y) for y in table["Break-even-år"]],
        }
    )
    return committee_sentence(result), out


def stated_rate(result: Result) -> float:
    """The discount rate the paper's net present values use: the calculation's own, else STATED_RATE."""
    rate = result.scenario.settings.discount_rate
    return rate if rate > 0 else STATED_RATE


def npv_at_stated_rate(result: Result, kb: KnowledgeBase) -> pd.Series:
    """Net present value per actor and in total at stated_rate(result): the result's own when it is discounted,
    else a what-if copy of the calculation at STATED_RATE (som_kernel.variants)."""
    if result.scenario.settings.discount_rate > 0:
        return result.npv()
    from ..engine import calculate
    from ..variants import with_settings

    return calculate(with_settings(result.scenario, discount_rate=STATED_RATE), kb).npv()


def npv_note(result: Result) -> str:
    rate = result.scenario.settings.discount_rate
    if rate > 0:
        return f"Nutidsværdien er tilbagediskonteret med beregningens rente, {pct(rate)} om året."
    return (
        f"Beregningen er ikke tilbagediskonteret (0 %); nutidsværdien er vist med {pct(STATED_RATE)} om året "
        "(Finansministeriets kalkulationsrente) for at vise, hvad det betyder, at gevinsterne kommer senere end "
        "udgifterne."
    )
