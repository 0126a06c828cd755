"""Monte Carlo over the uncertain inputs, vectorised over draws: one matrix product per chunk of draws.

Distributions (all independent; one seed fully determines a run, whatever the chunk size):
- success rate per outcome: normal around the scenario's rate with the study's standard error (widened
  by evidence grade) or the caller's relative sd; clipped to 0–1.
- each consequence estimate (outcome × service), each service's prices: log-normal multipliers with mean
  exactly 1 and the given relative sd (never negative, so a saving never flips into a cost).
- costs: one log-normal overrun multiplier for the intervention's own cost lines, with mean
  `cost_overrun`; an independent one (mean 1) for the baseline savings.
The method: docs/method.md#step-10-uncertainty.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from ..knowledge import KnowledgeBase
from ..scenario import Scenario
from ..views import TOTAL, break_even
from .model import COLUMNS, Inputs, LinearModel, build_model, evaluate, weights
from .spec import UncertaintySpec, effect_uncertainty

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
GROUP_NAMES_DA = {"success": "Succesrate", "consequence": "Konsekvenser", "price": "Priser", "cost": "Omkostninger"}


def _lognormal_mean1(rng: np.random.Generator, shape: tuple[int, ...], sd: float) -> np.ndarray:
    """Log-normal multipliers with mean 1 and standard deviation `sd` (sd = 0 → exactly 1). Drawn in
    single precision (7 digits are plenty for a multiplier; it halves the time of the largest draws)."""
    sigma = np.float32(np.sqrt(np.log1p(sd * sd)))
    z = rng.standard_normal(shape, dtype=np.float32)
    z *= sigma
    z -= sigma * sigma / 2
    return np.exp(z, out=z)


def draw_inputs(model: LinearModel, kb: KnowledgeBase, spec: UncertaintySpec, n: int, seed: int) -> Inputs:
    """`n` draws of every uncertain input from numpy.random.default_rng(seed), in a fixed order."""
    spec.check()
    rng = np.random.default_rng(seed)
    sd = effect_uncertainty(model, kb, spec)["sd"].to_numpy() if len(model.outcomes) else np.zeros(0)
    success = np.clip(model.success + sd * rng.standard_normal((n, len(model.outcomes))), 0.0, 1.0)
    consequence = _lognormal_mean1(rng, (n, len(model.groups)), spec.consequence_sd)
    price = _lognormal_mean1(rng, (n, len(model.services)), spec.price_sd)
    overrun = spec.cost_overrun * _lognormal_mean1(rng, (n, 1), spec.cost_sd)
    baseline = _lognormal_mean1(rng, (n, 1), spec.cost_sd)
    cost = np.where(model.overrun_lines()[None, :], overrun, baseline)
    return Inputs(success=success, consequence=consequence, price=price, cost=cost)


def _slice(inputs: Inputs, sl: slice) -> Inputs:
    return Inputs(**{k: (None if v is None else v[sl]) for k, v in vars(inputs).items()})


def _fix(inputs: Inputs, keep: set[str]) -> Inputs:
    """The same draws with every group not in `keep` at its base value."""
    return Inputs(**{k: (v if k in keep else None) for k, v in vars(inputs).items()})


@dataclass(frozen=True)
class MonteCarloResult:
    """Draws and yearly net results: `net` is (draws, years, kommune/region/stat/total) kroner."""

    model: LinearModel
    spec: UncertaintySpec
    seed: int
    discounted: bool
    inputs: Inputs
    net: np.ndarray

    @property
    def years(self) -> np.ndarray:
        return self.model.years

    @property
    def n_draws(self) -> int:
        return len(self.net)

    def cumulative(self) -> np.ndarray:
        """(D, T, 4) cumulative net result per draw (computed once; do not modify)."""
        return self._cumulative

    @cached_property
    def _cumulative(self) -> np.ndarray:
        return np.cumsum(self.net, axis=1)

    @cached_property
    def _break_even(self) -> np.ndarray:
        return break_even(self.net, self.years)

    def _frame(self, values: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(values, index=pd.Index(self.years, name="year"), columns=pd.Index(COLUMNS, name="actor"))

    def mean(self, cumulative: bool = False) -> pd.DataFrame:
        """Mean over draws per year × actor (kroner)."""
        return self._frame((self.cumulative() if cumulative else self.net).mean(axis=0))

    def quantiles(self, q: tuple[float, ...] = QUANTILES, cumulative: bool = True) -> pd.DataFrame:
        """Tidy quantiles over draws: year, actor, quantile, value (kroner)."""
        x = self.cumulative() if cumulative else self.net
        qs = np.quantile(x, q, axis=0)  # (Q, T, 4)
        Q, T, A = qs.shape
        return pd.DataFrame(
            {
                "year": np.tile(np.repeat(self.years, A), Q),
                "actor": np.tile(np.array(COLUMNS), Q * T),
                "quantile": np.repeat(np.asarray(q, dtype=float), T * A),
                "value": qs.ravel(),
            }
        )

    def prob_positive(self) -> pd.DataFrame:
        """Share of draws whose cumulative net result is > 0 (by more than a millionth krone), year × actor."""
        return self._frame((self.cumulative() > 1e-6).mean(axis=0))

    def break_even(self) -> np.ndarray:
        """(D, 4) break-even year per draw and actor; NaN when it does not happen within the horizon."""
        return self._break_even

    def break_even_distribution(self) -> pd.DataFrame:
        """Share of draws per break-even year, per actor; year <NA> = not within the horizon."""
        be = self.break_even()
        rows = []
        for i, actor in enumerate(COLUMNS):
            years, counts = np.unique(np.nan_to_num(be[:, i], nan=-1), return_counts=True)
            rows += [
                {"actor": actor, "year": None if y < 0 else int(y), "probability": c / len(be)}
                for y, c in zip(years, counts)
            ]
        out = pd.DataFrame(rows)
        out["year"] = out["year"].astype("Int64")
        return out

    def prob_payback(self) -> pd.DataFrame:
        """Probability of paying back (break-even) within N years from the first year, N = 1..T, per actor."""
        be = self.break_even()
        last = self.years[0] + np.arange(len(self.years))  # within N years: break-even year ≤ first + N − 1
        hit = np.nan_to_num(be, nan=np.inf)[:, None, :] <= last[None, :, None]
        return pd.DataFrame(
            hit.mean(axis=0),
            index=pd.Index(np.arange(1, len(self.years) + 1), name="years"),
            columns=pd.Index(COLUMNS, name="actor"),
        )

    def prob_payback_within(self, n_years: int) -> pd.Series:
        """Probability per actor that the break-even year comes within `n_years` of the first year."""
        n = int(np.clip(n_years, 1, len(self.years)))
        return self.prob_payback().loc[n]

    def contributions(self, actor: str = TOTAL, year: int | None = None) -> pd.DataFrame:
        """Each input group's part of the spread of the cumulative net result in `year` (default: the last).

        variance_alone: the variance when only this group varies (same draws, others at base);
        share: variance_alone / Σ variance_alone (first-order shares, interactions ignored);
        reduction_if_fixed: share of the total variance that goes away when this group is fixed at base.
        """
        t = len(self.years) - 1 if year is None else int(np.searchsorted(self.years, year))
        a = COLUMNS.index(actor)
        # the cumulative result in year t is linear in the weights: one vector instead of all years
        stack = self.model.stack_discounted if self.discounted else self.model.stack
        v = stack.reshape(len(stack), len(self.years), len(COLUMNS))[:, : t + 1, a].sum(axis=1)
        total = self.cumulative()[:, t, a].var()
        groups = [g for g in GROUP_NAMES_DA if getattr(self.inputs, g) is not None]
        rows = []
        for g in groups:
            alone = (weights(self.model, _fix(self.inputs, {g})) @ v).var()
            fixed = (weights(self.model, _fix(self.inputs, set(groups) - {g})) @ v).var()
            rows.append(
                {
                    "group": g,
                    "label": GROUP_NAMES_DA[g],
                    "variance_alone": alone,
                    "reduction_if_fixed": (total - fixed) / total if total > 0 else 0.0,
                }
            )
        out = pd.DataFrame(rows)
        s = out["variance_alone"].sum() if len(out) else 0.0
        out["share"] = out["variance_alone"] / s if s > 0 else 0.0
        return out[["group", "label", "share", "variance_alone", "reduction_if_fixed"]]


def monte_carlo(
    scenario: Scenario,
    kb: KnowledgeBase,
    n_draws: int = 10_000,
    seed: int = 0,
    spec: UncertaintySpec | None = None,
    discounted: bool = False,
    chunk_size: int | None = None,
    progress: Callable[[float], None] | None = None,
    model: LinearModel | None = None,
) -> MonteCarloResult:
    """Run `n_draws` draws (all drawn first from `seed`, then evaluated in chunks, calling `progress(share
    done)` after each chunk). Raises ScenarioError for an invalid scenario or spec."""
    spec = spec or UncertaintySpec()
    model = model or build_model(scenario, kb)
    n = max(1, int(n_draws))
    inputs = draw_inputs(model, kb, spec, n, seed)
    step = n if not chunk_size else max(1, int(chunk_size))
    parts = []
    for start in range(0, n, step):
        parts.append(evaluate(model, _slice(inputs, slice(start, start + step)), discounted))
        if progress is not None:
            progress(min(1.0, (start + step) / n))
    net = parts[0] if len(parts) == 1 else np.concatenate(parts)
    return MonteCarloResult(model=model, spec=spec, seed=seed, discounted=discounted, inputs=inputs, net=net)
