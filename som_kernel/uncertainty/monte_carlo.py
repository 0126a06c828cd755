"""Monte Carlo over the uncertain inputs, vectorised over draws: one matrix product per chunk of draws.

Distributions (all independent; one seed fully determines a run, whatever the chunk size):
- success rate per outcome: beta with the scenario's rate as its mean and the study's standard error
  (widened by evidence grade) or the caller's relative sd as its sd (capped: see spec.py), so every draw
  lies in 0–1 and the mean is the base rate.
- persistence per outcome: each share below 1 beta-distributed around it (relative sd `persistence_sd`),
  one rank per draw and outcome for all its years; a profile of 1 (SØM's default) is not drawn.
- each consequence estimate (outcome × service), each service's prices: log-normal multipliers with mean
  exactly 1 and the given relative sd (never negative, so a saving never flips into a cost); an estimate from a
  kommune's own panel instead a normal multiplier with mean 1 and the sd of its interval (spec.py), drawn after
  everything else so a knowledge base without such estimates draws exactly as before.
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

from ..kb import KnowledgeBase
from ..scenario import Scenario
from ..views import TOTAL, break_even
from .model import COLUMNS, Inputs, LinearModel, build_model, evaluate, weights
from .spec import UncertaintySpec, beta_parameters, check_draws, consequence_uncertainty, effect_uncertainty

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
GROUP_NAMES_DA = {
    "success": "Succesrate",
    "persistence": "Varighed",
    "consequence": "Konsekvenser",
    "price": "Priser",
    "cost": "Omkostninger",
}
PERSISTENCE_CELLS = 4_000_000  # draws × weights per chunk on the persistence path (≈ 32 MB)


def _lognormal_mean1(rng: np.random.Generator, shape: tuple[int, ...], sd: float) -> np.ndarray:
    """Log-normal multipliers with mean 1 and standard deviation `sd` (sd = 0 → exactly 1). Drawn in
    single precision (7 digits are plenty for a multiplier; it halves the time of the largest draws)."""
    sigma = np.float32(np.sqrt(np.log1p(sd * sd)))
    z = rng.standard_normal(shape, dtype=np.float32)
    z *= sigma
    z -= sigma * sigma / 2
    return np.exp(z, out=z)


def _beta_mean(rng: np.random.Generator, n: int, mean: float, sd: float) -> np.ndarray:
    """`n` draws from a beta distribution with this mean and sd (spec.beta_parameters); the mean itself where
    there is nothing to draw (mean 0 or 1, sd 0)."""
    alpha, beta, _ = beta_parameters(mean, sd)
    if np.isnan(alpha):
        return np.full(n, float(mean))
    return rng.beta(alpha, beta, n)


def _draw_success(rng: np.random.Generator, model: LinearModel, sd: np.ndarray, n: int) -> np.ndarray:
    out = np.empty((n, len(model.outcomes)))
    for i, (m, s) in enumerate(zip(model.success, sd)):
        out[:, i] = _beta_mean(rng, n, m, s)
    return out


def _draw_persistence(rng: np.random.Generator, model: LinearModel, spec: UncertaintySpec, n: int):
    """(n, O, K) persistence profiles, or None when nothing is drawn (every share 0 or 1, or sd 0): then
    the fast path evaluates the model. Within an outcome the years share one rank per draw (comonotone)."""
    base = model.persistence
    drawn = (base > 0) & (base < 1)
    if spec.persistence_sd == 0 or not drawn.any():
        return None
    out = np.broadcast_to(base, (n, *base.shape)).copy()
    ranks = rng.random((n, base.shape[0])).argsort(axis=0).argsort(axis=0)  # (n, O) rank of each draw
    for o in range(base.shape[0]):
        column = None
        for k in range(base.shape[1]):
            if not drawn[o, k]:
                continue
            if column is None or base[o, k] != base[o, k - 1]:  # a repeated share reuses its draws
                column = np.sort(_beta_mean(rng, n, base[o, k], spec.persistence_sd * base[o, k]))
            out[:, o, k] = column[ranks[:, o]]
    return out


def draw_inputs(model: LinearModel, kb: KnowledgeBase, spec: UncertaintySpec, n: int, seed: int) -> Inputs:
    """`n` draws of every uncertain input from numpy.random.default_rng(seed), in a fixed order."""
    spec.check()
    check_draws(n, seed)
    rng = np.random.default_rng(seed)
    sd = effect_uncertainty(model, kb, spec)["sd"].to_numpy() if len(model.outcomes) else np.zeros(0)
    success = _draw_success(rng, model, sd, n)
    consequence = _lognormal_mean1(rng, (n, len(model.group_outcome)), spec.consequence_sd)
    price = _lognormal_mean1(rng, (n, len(model.services)), spec.price_sd)
    overrun = spec.cost_overrun * _lognormal_mean1(rng, (n, 1), spec.cost_sd)
    baseline = _lognormal_mean1(rng, (n, 1), spec.cost_sd)
    cost = np.where(model.overrun_lines()[None, :], overrun, baseline)
    persistence = _draw_persistence(rng, model, spec, n)
    own = consequence_uncertainty(model, kb, spec)
    estimated = (own["source"] == "estimat").to_numpy()
    if estimated.any():
        z = rng.standard_normal((n, int(estimated.sum())))
        consequence[:, estimated] = 1 + z * own["sd"].to_numpy()[estimated]
    return Inputs(success=success, consequence=consequence, price=price, cost=cost, persistence=persistence)


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

        pstack, first = (
            _persistence_stack(self.model, self.discounted) if self.inputs.persistence is not None else (None, None)
        )
        vp = (
            None
            if pstack is None
            else pstack.reshape(len(pstack), len(self.years), len(COLUMNS))[:, : t + 1, a].sum(axis=1)
        )

        def cumulative_at(inputs: Inputs) -> np.ndarray:
            if inputs.persistence is None:
                return weights(self.model, inputs) @ v
            return _persistence_weights(self.model, inputs, first) @ vp

        rows = []
        for g in groups:
            alone = cumulative_at(_fix(self.inputs, {g})).var()
            fixed = cumulative_at(_fix(self.inputs, set(groups) - {g})).var()
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
    check_draws(n_draws, seed)  # before any work: 0, −5 or 0,5 draws and seed −1 or 1,5 are refused in Danish
    spec = spec or UncertaintySpec()
    model = model or build_model(scenario, kb)
    n = int(n_draws)
    inputs = draw_inputs(model, kb, spec, n, seed)
    net = _evaluate_chunked(model, inputs, discounted, chunk_size, progress)
    return MonteCarloResult(model=model, spec=spec, seed=seed, discounted=discounted, inputs=inputs, net=net)


def _persistence_stack(model: LinearModel, discounted: bool) -> tuple[np.ndarray, np.ndarray]:
    """The right-hand side for drawn persistence: one row per consequence estimate × run of equal base
    shares (draws repeat a repeated share, see _draw_persistence), so a draw is one matrix product of
    (G·J) weights instead of one weight per consequence row. Returns the (G·J + L, T·4) stack and the
    (O, J) consequence year (0-based) that carries each run's share."""
    base = model.persistence  # (outcomes, K)
    n_out, K = base.shape
    run = np.zeros((n_out, K), dtype=int)
    if K > 1:
        run[:, 1:] = np.cumsum(base[:, 1:] != base[:, :-1], axis=1)
    J = int(run.max(initial=0)) + 1
    first = np.zeros((n_out, J), dtype=int)
    for o in range(n_out):
        for j in range(J):
            hit = np.flatnonzero(run[o] == j)
            first[o, j] = hit[0] if len(hit) else 0  # a missing run has no rows: any share will do
    G, T, A = len(model.group_outcome), len(model.years), len(COLUMNS) - 1
    unit = np.zeros((G, J, T, A))
    if len(model.row_k):
        np.add.at(unit, (model.row_group, run[model.row_outcome, model.row_k - 1]), model.row_unit)
    both = np.concatenate([unit.reshape(G * J, T, A), model.cost])
    if discounted:
        both = both * model.discount[None, :, None]
    both = np.concatenate([both, both.sum(axis=2, keepdims=True)], axis=2)
    return both.reshape(len(both), T * (A + 1)), first


def _evaluate_persistence(model: LinearModel, inputs: Inputs, stack: np.ndarray, first: np.ndarray) -> np.ndarray:
    """evaluate() for draws whose persistence is constant within each run of equal base shares."""
    return (_persistence_weights(model, inputs, first) @ stack).reshape(inputs.size(), len(model.years), len(COLUMNS))


def _persistence_weights(model: LinearModel, inputs: Inputs, first: np.ndarray) -> np.ndarray:
    """(D, G·J + L) multipliers of the rows of _persistence_stack."""
    D = inputs.size()
    G, L, n_out = len(model.group_outcome), len(model.cost_lines), len(model.outcomes)
    o_g, s_g = model.group_outcome, model.group_service
    success = inputs.success if inputs.success is not None else np.broadcast_to(model.success, (D, n_out))
    w = success[:, o_g]
    if inputs.consequence is not None:
        w = w * inputs.consequence
    if inputs.price is not None:
        w = w * inputs.price[:, s_g]
    shares = inputs.persistence[:, np.arange(n_out)[:, None], first]  # (D, outcomes, J)
    weight = np.empty((D, G * first.shape[1] + L))
    np.multiply(w[:, :, None], shares[:, o_g, :], out=weight[:, : G * first.shape[1]].reshape(D, G, -1))
    weight[:, G * first.shape[1] :] = inputs.cost if inputs.cost is not None else 1.0
    return weight


def _evaluate_chunked(
    model: LinearModel,
    inputs: Inputs,
    discounted: bool,
    chunk_size: int | None = None,
    progress: Callable[[float], None] | None = None,
) -> np.ndarray:
    """evaluate() in chunks of draws (the persistence path holds draws × consequence rows at once)."""
    n = inputs.size()
    step = n if not chunk_size else max(1, int(chunk_size))
    if inputs.persistence is not None:
        stack, first = _persistence_stack(model, discounted)
        step = min(step, max(1, PERSISTENCE_CELLS // max(1, len(stack))))

        def run(part: Inputs) -> np.ndarray:
            return _evaluate_persistence(model, part, stack, first)
    else:

        def run(part: Inputs) -> np.ndarray:
            return evaluate(model, part, discounted)

    parts = []
    for start in range(0, n, step):
        parts.append(run(_slice(inputs, slice(start, start + step))))
        if progress is not None:
            progress(min(1.0, (start + step) / n))
    return parts[0] if len(parts) == 1 else np.concatenate(parts)
