"""Tables the decision paper and the example notebooks show: results per year and actor, per welfare area, the
key table (page 1 of the paper, the notebooks' opening), alternatives side by side, the assumptions with sources
and the consequences per service. DataFrames with Danish column names; kroner at the scenario's price level
(positive = gain to the public actor)."""

from __future__ import annotations

import pandas as pd

from .. import describe
from ..compare import Comparison
from ..engine import consequence_rows, unit_prices
from ..format import kr, mio_kr, number, pct
from ..kb import LOCAL_COLUMN, KnowledgeBase
from ..names import ACTOR_NAMES_DA, ACTORS, COSTS_AREA_DA, TOTAL, WELFARE_AREA_NAMES_DA
from ..scenario import Scenario
from ..views import Result
from .text import gains_only, year_text

# ---- results -------------------------------------------------------------------------------------------------


def results_by_actor(result: Result, discounted: bool = False) -> pd.DataFrame:
    """Net result per year and actor plus the cumulative total, in kroner (Danish column names)."""
    by = result.by_year_actor(discounted)
    out = by.rename(columns=ACTOR_NAMES_DA)
    out["Akkumuleret i alt"] = result.cumulative(discounted)[TOTAL]
    out.index.name = "År"
    out.columns.name = None
    return out


def results_by_area(result: Result, discounted: bool = False) -> pd.DataFrame:
    """Total over all years per welfare area (rows) and actor (columns), kroner; costs are their own row."""
    out = result.totals_by_area(discounted)
    out.index = out.index.map({**WELFARE_AREA_NAMES_DA, "cost": COSTS_AREA_DA})
    out = out.rename(columns=ACTOR_NAMES_DA)
    out.index.name = "Område"
    out.columns.name = None
    return out.sort_values(ACTOR_NAMES_DA[TOTAL], ascending=False)


def key_table(result: Result, npv: tuple[float, pd.Series] | None = None) -> pd.DataFrame:
    """Page 1's table: costs, consequences, net result (and discounted), break-even year per actor and in total.
    `npv` = (rate, values per actor) shows the net present value at that stated rate (the decision paper's); without
    it the row is there when the calculation is discounted."""
    kinds = result.totals_by_kind()
    totals = result.totals()
    be = result.break_even_years()
    cols = [*ACTORS, TOTAL]
    rows = [
        ("Omkostninger", [kr(kinds.at["cost", a]) for a in cols]),
        ("Gevinster (konsekvenser)", [kr(kinds.at["consequence", a]) for a in cols]),
        ("Nettoresultat", [kr(totals[a]) for a in cols]),
    ]
    rate = result.scenario.settings.discount_rate
    if npv is not None:
        rows.append((f"Nutidsværdi ({pct(npv[0])})", [kr(npv[1][a]) for a in cols]))
    elif rate > 0:
        values = result.npv()
        rows.append((f"Nutidsværdi ({pct(rate)})", [kr(values[a]) for a in cols]))
    rows.append(
        (
            "Tjent hjem",
            ["ingen udgifter" if a != TOTAL and gains_only(result, a) else year_text(result, be[a]) for a in cols],
        )
    )
    years = result.years
    out = pd.DataFrame(
        [[label, *values] for label, values in rows],
        columns=[f"{years[0]}–{years[-1]}", *[ACTOR_NAMES_DA[a] for a in cols]],
    )
    return out


def comparison_table(cmp: Comparison, npv: dict[str, tuple[float, float]] | None = None) -> pd.DataFrame:
    """Alternatives side by side: net per actor and in total (mio. kr.), per participant, discounted, break-even in
    total, and the difference in total from the base. The net present value column says its rate: each
    alternative's own, or `npv` (name → (rate, total)) for a stated rate (the decision paper's)."""
    net, per, be = cmp.net(), cmp.per_participant(), cmp.break_even()
    own = cmp.npv()
    npv = npv or {n: (r.scenario.settings.discount_rate, own.at[n, TOTAL]) for n, r in zip(cmp.names, cmp.results)}
    rates = {rate for rate, _ in npv.values()}
    npv_head = f"Nutidsværdi ({pct(rates.pop())})" if len(rates) == 1 else "Nutidsværdi (rente)"
    diff = cmp.differences("net")
    rows = []
    for n, r in zip(cmp.names, cmp.results):
        rows.append(
            {
                "Alternativ": n,
                **{ACTOR_NAMES_DA[a]: mio_kr(net.at[n, a]) for a in ACTORS},
                ACTOR_NAMES_DA[TOTAL]: mio_kr(net.at[n, TOTAL]),
                "Pr. deltager": kr(per.at[n, TOTAL]),
                npv_head: mio_kr(npv[n][1]) + ("" if npv_head != "Nutidsværdi (rente)" else f" ({pct(npv[n][0])})"),
                "Tjent hjem (samlet)": year_text(r, be.at[n, TOTAL]),
                "Forskel i alt": "basis" if n == cmp.base else mio_kr(diff.at[n, TOTAL]),
            }
        )
    return pd.DataFrame(rows)


# ---- assumptions -------------------------------------------------------------------------------------------

# inputs the example reports leave out of their assumptions table (shown elsewhere in the report)
_NOT_ASSUMPTIONS = (
    "name",
    "description",
    "outcomes[[]*[]].persistence",
    "settings.first_year",
    "settings.consequence_offset",
)


def assumptions(
    scenario: Scenario, kb: KnowledgeBase, sources: dict[str, str] | None = None, effect_study: str | None = None
) -> pd.DataFrame:
    """The scenario's main assumptions in Danish (Antagelse, Værdi, Kilde), from som_kernel.describe. `sources`
    gives the source text per assumption key (participants, duration, costs, success_rate, horizon);
    `effect_study` names the knowledge-base effect study behind the success rate."""
    rows = describe.describe_inputs(scenario, kb, sources, effect_study)
    return describe.inputs_table(describe.select(rows, _NOT_ASSUMPTIONS))


def consequences_table(scenario: Scenario, kb: KnowledgeBase) -> pd.DataFrame:
    """Per service: change in use per successful person (year 1 and summed over the horizon), unit price per
    actor at the scenario's price level, and the estimate's source."""
    cons = consequence_rows(scenario, kb)
    if cons.empty:
        return pd.DataFrame()
    svc = kb.services.set_index("id")
    prices = unit_prices(scenario, kb)
    kbc = kb.consequences[kb.consequences["target_group"] == scenario.target_group]
    lp = kb.prices[kb.prices[LOCAL_COLUMN] != ""]
    # prices from the kommune's local layer, unless the scenario overrides them
    local_prices = set(zip(lp["service"], lp["actor"], strict=True)) - {
        (p.service, p.actor) for p in scenario.price_overrides
    }
    rows = []
    for (outcome, service), g in cons.groupby(["outcome", "service"], sort=False):
        first = g.sort_values("year").iloc[0]
        src = kbc[(kbc["outcome"] == outcome) & (kbc["service"] == service)]
        rows.append(
            {
                "Ydelse": svc.at[service, "name"],
                "Område": WELFARE_AREA_NAMES_DA[svc.at[service, "welfare_area"]],
                "Enhed": svc.at[service, "unit"],
                "Ændring år 1": number(first["delta_use"], 1) if first["year"] == 1 else "0",
                "Ændring i alt": number(g["delta_use"].sum(), 1),
                **{
                    f"Pris {ACTOR_NAMES_DA[a].lower()}": kr(prices.at[service, a])
                    + (" (lokal)" if (service, a) in local_prices else "")
                    for a in ACTORS
                },
                "Kilde": "lokal værdi"
                if g["overridden"].any()
                else (describe.source_text(src.iloc[0], url=False) if len(src) else ""),
            }
        )
    return pd.DataFrame(rows)
