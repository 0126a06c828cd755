"""What the result is most sensitive to, as the example notebooks show it: the one-way sensitivity of
som_kernel.uncertainty (one_way; the same numbers as the app's tornado and the decision paper) and the switching
success rate (uncertainty.switching_success_rate; the same number as the app, the paper and the course), as a
table and as deterministic Danish text.

Basis (docs/method.md#step-10-uncertainty): every uncertain input at its low and then its high value with all
others at base: a success rate across its effect study's interval where the knowledge base has one, every other
input ± 20 % (UncertaintySpec.rel_range); the net result for the public sector in total over the whole period,
undiscounted, like the headline result and the break-even year."""

from __future__ import annotations

import pandas as pd

from ..engine import calculate
from ..format import kr, number, pct
from ..kb import KnowledgeBase
from ..names import TOTAL
from ..scenario import Scenario
from ..uncertainty.sensitivity import one_way
from ..uncertainty.switching import switching_success_rate as _switching_success_rate

# how many inputs the listing shows (the largest swings first)
SHOWN = 8

# the basis of the listing and of the switching rate, said wherever they are shown
BASIS_DA = "nettoresultatet for det offentlige samlet over hele perioden, udiskonteret"


def sensitivity(scenario: Scenario, kb: KnowledgeBase, shown: int = SHOWN) -> pd.DataFrame:
    """The one-way sensitivity for the public sector in total, the inputs with the largest swing first (Danish
    column names; kroner): the input, its low and high value, the net result at each and the swing."""
    return _listing(one_way(scenario, kb), shown)


def _listing(ow: pd.DataFrame, shown: int) -> pd.DataFrame:
    if ow.empty:
        return pd.DataFrame(columns=_COLUMNS)
    ow = ow[ow["actor"] == TOTAL].head(shown)
    rate = (ow["kind"] == "success_rate").to_numpy()
    return pd.DataFrame(
        {
            "Antagelse": ow["label"].to_numpy(),
            "Lav værdi": [pct(v, 1) if r else f"× {number(v, 2)}" for v, r in zip(ow["low_value"], rate)],
            "Høj værdi": [pct(v, 1) if r else f"× {number(v, 2)}" for v, r in zip(ow["high_value"], rate)],
            "Nettoresultat ved lav værdi": ow["net_low"].to_numpy(),
            "Nettoresultat ved høj værdi": ow["net_high"].to_numpy(),
            "Udsving": ow["swing"].to_numpy(),
        }
    )


_COLUMNS = [
    "Antagelse",
    "Lav værdi",
    "Høj værdi",
    "Nettoresultat ved lav værdi",
    "Nettoresultat ved høj værdi",
    "Udsving",
]


def switching_success_rate(scenario: Scenario, kb: KnowledgeBase) -> float | None:
    """The success rate (the same for every outcome) at which the net result in total over the whole period,
    undiscounted, is 0; None if no rate in 0–100 % gets there (uncertainty.switching_success_rate)."""
    return _switching_success_rate(scenario, kb)


def sensitivity_text(scenario: Scenario, kb: KnowledgeBase) -> str:
    """The sensitivity listing and the switching success rate as deterministic Danish text."""
    ow = one_way(scenario, kb)
    table = _listing(ow, SHOWN)
    base = float(calculate(scenario, kb).totals()[TOTAL])
    lines = [f"Grundberegning: {BASIS_DA} {kr(base)}", "Hver antagelse på sin lave og høje værdi (de andre uændret):"]
    for _, r in table.iterrows():
        lines.append(
            f"  {r['Antagelse']} ({r['Lav værdi']} / {r['Høj værdi']}): {kr(r['Nettoresultat ved lav værdi'])} "
            f"til {kr(r['Nettoresultat ved høj værdi'])} (udsving {kr(r['Udsving'])})"
        )
    sw = switching_success_rate(scenario, kb)
    if sw is not None:
        lines.append(
            f"Succesraten skal mindst være {pct(sw, 1)} for at indsatsen hviler i sig selv over tidshorisonten "
            "(udiskonteret)"
        )
    return "\n".join(lines)
