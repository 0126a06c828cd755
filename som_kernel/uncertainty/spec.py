"""How uncertain each input is: the caller's ranges and spreads, and the effect studies' intervals.

Success rate. The study is the one the spec names, else the one the scenario declares for the outcome
(`outcomes[i].study`; the app's step 3 declares the study it filled the rate from, and drops it when a rate is
typed over the study's); its interval is used: one-way low/high = the scenario's rate shifted by the study's
distances to ci_low and ci_high (so a scenario at the study's rate gets exactly [ci_low, ci_high]). A rate no
study is declared for gets the caller's ranges below and no evidence level, as the checklist says: a study's
interval says nothing about a rate nobody took from it (the outcome's strongest study was used before, so a
typed 20 % was credited to a study that found 13 %). Monte Carlo standard error
= (ci_high − ci_low) / (2 · 1.96), widened by the study's evidence grade. A study without an interval but
with rate_treatment, rate_control and n gets the two-proportion standard error with n/2 per arm,
√(p_t(1−p_t)/(n/2) + p_c(1−p_c)/(n/2)), and one-way low/high = rate ∓ 1.96 · that. Without any of
these the caller's relative range and relative spread apply (a study's grade still widens the spread).

Monte Carlo draws a success rate from a beta distribution with the base rate as its mean and the standard
deviation above, so draws stay within 0–1 without moving the mean (clipping a normal draw did: base 95 %
with sd 24 % gave a mean draw of 88 %). A beta distribution with mean m cannot have a standard deviation
of √(m(1−m)) or more; the sd is capped at √(m(1−m)/(1 + MIN_CONCENTRATION)) (α + β ≥ MIN_CONCENTRATION,
so the density has no spikes at 0 and 1), and `sd_drawn` says what was used. Persistence below 1 is drawn
the same way, with relative sd `persistence_sd`, one draw per outcome for all its years (a profile that
is high in one year is high in the others); a persistence of exactly 1 (SØM's default) or 0 is not drawn.

Consequences. An estimate from a kommune's own panel (status local_estimated with ci_low/ci_high, knowledge/
estimate.py) carries its own uncertainty: each year's standard error is (ci_high − ci_low) / (2 · 1.96), and the
estimate's relative sd (one multiplier for all its years, as for every consequence estimate) is Σ_k se_k / Σ_k
|Δ_k| over its years in use: the years move together (the same persons are followed), and a profile whose every
year has the same relative interval gets exactly that. Monte Carlo draws it from a normal distribution with mean
1 (so each year's 95 % interval is its estimated interval, and an estimate whose interval crosses 0 may change
sign, as its interval says); one-way uses 1 ∓ 1.96 · sd. Every other estimate, and an estimated one that the
scenario overrides, gets the caller's `consequence_sd` / `rel_range`.

Evidence grade widening (EVIDENCE_WIDENING): the standard error is multiplied by 1.0 for evidence level 1
(randomised trials, meta-analyses: the interval is taken at face value), 1.5 for level 2 (quasi-
experimental, matched comparison: unmeasured selection makes the stated interval too narrow) and 2.0
for level 3 (before/after, practice experience, expert judgement). These factors are a convention of
this workbench, not SØM's; change them per run with `UncertaintySpec.evidence_widening`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import Problem, ScenarioError
from ..kb import KnowledgeBase
from ..kb.policy import policy_value
from ..messages import _shown as _shown_text
from ..messages import danish_number
from ..steps import consequences as cons
from .model import LinearModel

MAX_DRAWS = 1_000_000  # more than a million draws adds nothing but waiting (and memory)
MAX_SEED = 2**32 - 1
MIN_CONCENTRATION = 2.0
Z95 = 1.959963984540054  # two-sided 95 % normal quantile: a 95 % interval is ± Z95 standard errors
# evidence level → widening factor: knowledge/policy.yaml (our convention, marked illustrative there)
EVIDENCE_WIDENING: dict[int, float] = {int(k): float(v) for k, v in policy_value("evidence_widening").items()}


@dataclass(frozen=True)
class UncertaintySpec:
    """Ranges (one-way, ± share) and spreads (Monte Carlo, relative standard deviations) of the inputs."""

    rel_range: float = 0.2  # one-way: ± this share for every input without a knowledge-base interval
    success_sd: float = 0.25  # Monte Carlo: relative sd of a success rate without a study interval
    consequence_sd: float = 0.2  # relative sd of each consequence estimate (outcome × service)
    price_sd: float = 0.1  # relative sd of each service's prices
    cost_sd: float = 0.15  # relative sd of the intervention's costs and of the baseline savings
    cost_overrun: float = 1.0  # expected multiplier of the intervention's own costs (1.1 = 10 % overrun)
    persistence_sd: float = 0.2  # relative sd of each persistence share below 1 (1 and 0 are not drawn)
    use_studies: bool = True  # use effect studies' intervals for success rates where there is one
    use_estimates: bool = True  # use the intervals of consequences estimated from a kommune's panel
    evidence_widening: dict[int, float] = field(default_factory=lambda: dict(EVIDENCE_WIDENING))
    studies: dict[str, str] = field(default_factory=dict)  # outcome → effect study id (else the best one)

    def check(self) -> None:
        """Raise ScenarioError (Danish) for a negative or impossible setting."""
        problems = []
        for name, label in (
            ("rel_range", "Variationen (±)"),
            ("success_sd", "Usikkerheden på succesraten"),
            ("consequence_sd", "Usikkerheden på konsekvenserne"),
            ("price_sd", "Usikkerheden på priserne"),
            ("cost_sd", "Usikkerheden på omkostningerne"),
            ("persistence_sd", "Usikkerheden på varigheden"),
        ):
            v = getattr(self, name)
            if not (np.isfinite(v) and 0 <= v <= 5):
                problems.append(Problem(name, f"{label} skal ligge mellem 0 og 500 % (fik {v * 100:g} %)."))
        if not (np.isfinite(self.cost_overrun) and 0 < self.cost_overrun <= 10):
            problems.append(Problem("cost_overrun", "Den forventede omkostningsfaktor skal ligge mellem 0 og 10."))
        if any(not (np.isfinite(v) and v >= 0) for v in self.evidence_widening.values()):
            problems.append(Problem("evidence_widening", "Udvidelsesfaktorerne skal være tal på mindst 0."))
        if not isinstance(self.studies, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in self.studies.items()
        ):
            problems.append(
                Problem("studies", "Effektstudierne angives som {effektmål-id: studie-id}, begge som tekst.")
            )
        if problems:
            raise ScenarioError(problems)


def _whole(value: object) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def check_draws(n_draws: object, seed: object) -> None:
    """Raise ScenarioError (Danish, naming the field) unless `n_draws` is a whole number from 1 to MAX_DRAWS
    and `seed` a whole number from 0 to MAX_SEED (0,5 draws or seed −1 mean nothing; no silent rounding)."""
    problems = []
    if not (_whole(n_draws) and 1 <= n_draws <= MAX_DRAWS):
        problems.append(
            Problem(
                "n_draws",
                f"Antal trækninger skal være et helt tal fra 1 til {danish_number(MAX_DRAWS)} (fik {_shown(n_draws)}).",
            )
        )
    if not (_whole(seed) and 0 <= seed <= MAX_SEED):
        problems.append(
            Problem(
                "seed",
                f"Startværdien (seed) skal være et helt tal fra 0 til {danish_number(MAX_SEED)} (fik {_shown(seed)}).",
            )
        )
    if problems:
        raise ScenarioError(problems)


def _shown(value: object) -> str:
    if value is None:
        return "ingen værdi"
    if isinstance(value, bool):
        return "sand" if value else "falsk"
    if isinstance(value, int | float | np.integer | np.floating):
        return danish_number(value.item() if hasattr(value, "item") else value)
    return _shown_text(value) or "en værdi, der ikke er et tal"


def beta_parameters(mean: np.ndarray, sd: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Beta(α, β) with the given mean (0–1) and standard deviation, sd capped as the module says; returns
    α, β and the sd used. Where mean is 0 or 1 or sd is 0, α and β are NaN: draw the mean itself."""
    m = np.asarray(mean, dtype=float)
    limit = np.sqrt(m * (1 - m) / (1 + MIN_CONCENTRATION))
    used = np.minimum(np.asarray(sd, dtype=float), limit)
    with np.errstate(divide="ignore", invalid="ignore"):
        concentration = m * (1 - m) / (used * used) - 1  # α + β
        fixed = (used <= 0) | (m <= 0) | (m >= 1)
        alpha = np.where(fixed, np.nan, m * concentration)
        beta = np.where(fixed, np.nan, (1 - m) * concentration)
    return alpha, beta, np.where(fixed, 0.0, used)


def _check_studies(model: LinearModel, kb: KnowledgeBase, spec: UncertaintySpec) -> None:
    """Every study `spec.studies` names exists and measures an outcome of the calculation (a name nobody
    uses was ignored without a word)."""
    spec.check()
    measures = dict(zip(kb.effect_studies["id"], kb.effect_studies["outcome"]))
    problems = []
    for outcome, study in spec.studies.items():
        if outcome not in model.outcomes:
            problems.append(Problem(f"studies.{outcome}", f"Effektmålet '{outcome}' er ikke med i beregningen."))
        elif study not in measures:
            problems.append(Problem(f"studies.{outcome}", f"Ukendt effektstudie '{study}'."))
        elif measures[study] != outcome:
            problems.append(
                Problem(f"studies.{outcome}", f"Effektstudiet '{study}' måler '{measures[study]}', ikke '{outcome}'.")
            )
    if problems:
        raise ScenarioError(problems)


def _study_for(kb: KnowledgeBase, outcome: str, spec: UncertaintySpec, declared: str | None) -> pd.Series | None:
    """The study behind an outcome's rate: the spec's, else the one the scenario declares (outcomes[i].study);
    None when neither names one (a rate nobody ties to a study is assumed, as the checklist says)."""
    chosen = spec.studies.get(outcome, declared)
    if chosen is None:
        return None
    hit = kb.effect_studies[kb.effect_studies["id"] == chosen]
    if hit.empty:
        raise ScenarioError([Problem("studies", f"Ukendt effektstudie '{chosen}'.")])
    return hit.iloc[0]


def _two_proportion_se(study: pd.Series) -> float | None:
    pt, pc, n = study.get("rate_treatment"), study.get("rate_control"), study.get("n")
    if any(v is None or pd.isna(v) for v in (pt, pc, n)):
        return None
    half = float(n) / 2
    return float(np.sqrt(pt * (1 - pt) / half + pc * (1 - pc) / half))


def effect_uncertainty(model: LinearModel, kb: KnowledgeBase, spec: UncertaintySpec) -> pd.DataFrame:
    """Per outcome: base success rate, the study used (if any), one-way low/high and Monte Carlo sd."""
    _check_studies(model, kb, spec)
    rows = []
    declared = {e.outcome: e.study for e in model.scenario.outcomes}
    for o, base in zip(model.outcomes, model.success):
        study = _study_for(kb, o, spec, declared.get(o)) if spec.use_studies else None
        has_ci = study is not None and pd.notna(study["ci_low"]) and pd.notna(study["ci_high"])
        level = int(study["evidence_level"]) if study is not None else None
        widening = spec.evidence_widening.get(level, 1.0) if level is not None else 1.0
        se2 = _two_proportion_se(study) if study is not None and not has_ci else None
        if has_ci:
            low = base - (study["success_rate"] - study["ci_low"])
            high = base + (study["ci_high"] - study["success_rate"])
            se = (study["ci_high"] - study["ci_low"]) / (2 * Z95)
        elif se2 is not None:
            low, high, se = base - Z95 * se2, base + Z95 * se2, se2
        else:
            low, high = base * (1 - spec.rel_range), base * (1 + spec.rel_range)
            se = spec.success_sd * base
        rows.append(
            {
                "outcome": o,
                "name": model.outcome_names[o],
                "base": float(base),
                "study": study["id"] if study is not None else None,
                "study_name": study["name"] if study is not None else None,
                "evidence_level": level,
                "source": "studie" if has_ci or se2 is not None else "antaget",
                "low": float(np.clip(low, 0, 1)),
                "high": float(np.clip(high, 0, 1)),
                "se": float(se),
                "widening": float(widening),
                "sd": float(se * widening),
                "sd_drawn": float(beta_parameters(base, se * widening)[2]),
            }
        )
    return pd.DataFrame(rows)


def consequence_uncertainty(model: LinearModel, kb: KnowledgeBase, spec: UncertaintySpec) -> pd.DataFrame:
    """Per consequence estimate (the model's groups, outcome × service): its relative sd and where it comes from
    ('estimat' for a kommune's estimated profile with intervals, as the module says; 'antaget' otherwise)."""
    sd = np.full(len(model.groups), float(spec.consequence_sd))
    source = np.array(["antaget"] * len(model.groups), dtype=object)
    c = kb.consequences
    if spec.use_estimates and len(model.groups) and "ci_low" in c and (c["status"] == "local_estimated").any():
        scenario = model.scenario
        est = c[(c["status"] == "local_estimated") & c["ci_low"].notna() & (c["target_group"] == scenario.target_group)]
        se = dict(zip(zip(est["outcome"], est["service"], est["year"]), (est["ci_high"] - est["ci_low"]) / (2 * Z95)))
        rows = cons.consequence_arrays(scenario, kb)
        for g, (o, s) in enumerate(zip(model.groups["outcome"], model.groups["service"])):
            mine = (rows.outcome == o) & (rows.service == s)
            keys = list(zip(rows.outcome[mine], rows.service[mine], rows.year[mine].tolist()))
            size = np.abs(rows.delta_use[mine]).sum()
            if rows.overridden[mine].any() or not all(k in se for k in keys) or size == 0:
                continue
            sd[g] = sum(se[k] for k in keys) / size
            source[g] = "estimat"
    return pd.DataFrame(
        {"outcome": model.groups["outcome"], "service": model.groups["service"], "sd": sd, "source": source}
    )
