"""The example notebooks' one-way sensitivity listing: the total net result when one assumption changes at a time,
and the switching success rate, as a table and as deterministic Danish text. Deliberately simple (recompute
with calculate()); som_kernel.uncertainty has the full toolbox."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from .. import variants
from ..engine import calculate
from ..format import kr, pct
from ..knowledge import KnowledgeBase
from ..names import TOTAL
from ..scenario import Scenario
from ..uncertainty.switching import switching_success_rate as uncertainty_switching_rate


def sensitivity(scenario: Scenario, kb: KnowledgeBase) -> pd.DataFrame:
    """One-way sensitivity: the total net result (discounted at the scenario's rate; 0 % = plain sum) when one
    assumption changes at a time, sorted by how much it moves the result (Danish labels; kroner)."""
    h = scenario.settings.horizon_years
    variations: list[tuple[str, Callable[[Scenario], Scenario]]] = [
        ("Succesrate −50 %", lambda s: variants.with_success_scale(s, 0.5)),
        ("Succesrate +50 %", lambda s: variants.with_success_scale(s, 1.5)),
        ("Omkostninger −50 %", lambda s: variants.with_cost_level(s, 0.5)),
        ("Omkostninger +50 %", lambda s: variants.with_cost_level(s, 1.5)),
        (
            f"Tidshorisont {max(1, h // 2)} år i stedet for {h}",
            lambda s: variants.with_settings(s, horizon_years=max(1, h // 2)),
        ),
        ("Diskonteringsrente 3,5 %", lambda s: variants.with_settings(s, discount_rate=0.035)),
    ]
    base = calculate(scenario, kb)
    gains = base.by_service().xs("consequence", level="kind")[TOTAL]
    if len(gains) > 1:
        top = gains.index[0][1]
        name = kb.service_info("name", [top])[0] or top
        variations.append((f"Uden den største konsekvens ({name})", lambda s: variants.without_services(s, [top])))
    base_total = float(base.npv()[TOTAL])
    rows = []
    for label, change in variations:
        total = float(calculate(change(scenario), kb).npv()[TOTAL])
        rows.append({"Ændring": label, "Nettoresultat i alt": total, "Forskel fra grundberegning": total - base_total})
    out = pd.DataFrame(rows)
    # rounded to whole kroner so that ties (success ±50 %) keep their listed order on every machine
    order = out["Forskel fra grundberegning"].abs().round(0).sort_values(ascending=False, kind="stable").index
    return out.loc[order].reset_index(drop=True)


def switching_success_rate(scenario: Scenario, kb: KnowledgeBase) -> float | None:
    """The success rate (same for every outcome) at which the total net present value over the horizon is 0;
    None if no rate in 0–100 % gets there (som_kernel.uncertainty.switching_success_rate, discounted)."""
    return uncertainty_switching_rate(scenario, kb, discounted=True)


def sensitivity_text(scenario: Scenario, kb: KnowledgeBase) -> str:
    """The sensitivity listing and the switching success rate as deterministic Danish text."""
    table = sensitivity(scenario, kb)
    base = float(calculate(scenario, kb).npv()[TOTAL])
    lines = [f"Grundberegning: nettoresultat i alt {kr(base)}"]
    for _, r in table.iterrows():
        lines.append(
            f"  {r['Ændring']}: {kr(r['Nettoresultat i alt'])} (forskel {kr(r['Forskel fra grundberegning'])})"
        )
    sw = switching_success_rate(scenario, kb)
    if sw is not None:
        lines.append(
            f"Succesraten skal mindst være {pct(sw, 1)} for at indsatsen hviler i sig selv over tidshorisonten"
        )
    return "\n".join(lines)
