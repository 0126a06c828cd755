"""The one table of Danish names for the identifiers the kernel uses (actors, welfare areas, row kinds, cost
lines). Everything a user sees takes its names from here; no other module keeps its own copy."""

from __future__ import annotations

ACTORS: tuple[str, ...] = ("kommune", "region", "stat")
TOTAL = "total"
WELFARE_AREAS: tuple[str, ...] = ("social", "employment", "health", "education", "justice", "tax")

ACTOR_NAMES_DA: dict[str, str] = {"kommune": "Kommune", "region": "Region", "stat": "Stat", TOTAL: "I alt"}
# the actor in a sentence ("for kommunen", "for det offentlige samlet")
ACTOR_DEFINITE_DA: dict[str, str] = {
    "kommune": "kommunen",
    "region": "regionen",
    "stat": "staten",
    TOTAL: "det offentlige samlet",
}
WELFARE_AREA_NAMES_DA: dict[str, str] = {
    "social": "Socialområdet",
    "employment": "Beskæftigelse",
    "health": "Sundhed",
    "education": "Uddannelse",
    "justice": "Retsvæsen",
    "tax": "Skat",
}
KIND_NAMES_DA: dict[str, str] = {"cost": "Omkostning", "consequence": "Konsekvens"}
# a knowledge-base row's provenance status (knowledge/schema.py STATUSES), strongest first
STATUS_NAMES_DA: dict[str, str] = {
    "public": "offentlig",
    "derived": "afledt",
    "local": "lokal",
    "local_estimated": "lokal estimeret",
    "calibrated": "kalibreret",
    "illustrative": "illustrativ",
}
# the intervention's costs where results are split by welfare area (costs as an area of their own)
COSTS_AREA_DA = "Indsatsens omkostninger"

# The intervention's cost lines: the scenario field (Costs), the id of its rows in the result table, the row's
# Danish name in results, and the Danish label of the input with a short help text.
COST_STARTUP = "omk_opstart"
COST_RUNNING = "omk_drift_pr_deltager"
COST_FIXED = "omk_drift_fast"
COST_BASELINE = "omk_basisalternativ"
COST_LINES: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "startup",
        COST_STARTUP,
        "Opstart (engangsudgift)",
        "Opstart (engangsbeløb i første år)",
        "Fx uddannelse af medarbejdere og materialer.",
    ),
    (
        "running_per_participant",
        COST_RUNNING,
        "Drift pr. deltager",
        "Drift pr. deltager pr. år",
        "Udgift pr. deltager for hvert år, deltageren er i indsatsen.",
    ),
    (
        "running_per_year",
        COST_FIXED,
        "Drift, faste udgifter",
        "Faste driftsudgifter pr. år",
        "Faste udgifter pr. år, så længe indsatsen har deltagere (fx ledelse, lokaler).",
    ),
    (
        "baseline_per_participant",
        COST_BASELINE,
        "Sparede omkostninger (basisalternativ)",
        "Sparede omkostninger pr. deltager pr. år (basisalternativ)",
        "Hvad den sædvanlige indsats, som deltagerne ellers ville have fået, koster pr. deltager pr. år. "
        "Beløbet trækkes fra indsatsens omkostninger.",
    ),
)
# result-table cost line id → Danish name
COST_NAMES_DA: dict[str, str] = {line: name for _, line, name, _, _ in COST_LINES}
# scenario cost field → Danish input label
COST_FIELD_NAMES_DA: dict[str, str] = {field: label for field, _, _, label, _ in COST_LINES}
COST_FIELD_HELP_DA: dict[str, str] = {field: text for field, _, _, _, text in COST_LINES}
# scenario cost fields in order, and result-table cost line id → scenario cost field
COST_FIELDS: tuple[str, ...] = tuple(field for field, *_ in COST_LINES)
COST_FIELD_OF_LINE: dict[str, str] = {line: field for field, line, *_ in COST_LINES}

# the pessimistic / base / optimistic scenario sets of a sensitivity analysis
SCENARIO_SET_NAMES_DA = {"pessimistic": "Pessimistisk", "base": "Basis", "optimistic": "Optimistisk"}

# The resource table (scenario Costs.resources): Danish names of its units and categories
RESOURCE_UNIT_NAMES_DA: dict[str, str] = {"hours": "timer", "fte": "årsværk", "units": "stk."}
RESOURCE_CATEGORY_NAMES_DA: dict[str, str] = {
    "staff": "Personale",
    "training": "Uddannelse",
    "supervision": "Supervision",
    "premises": "Lokaler",
    "materials": "Materialer",
    "purchases": "Køb af ydelser",
    "other": "Andet",
}
