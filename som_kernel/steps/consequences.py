"""Step: consequences. The change in use of each service per successful person in each consequence year,
from the knowledge base with the scenario's local overrides, its calendar year, and its sign.

docs/method.md#step-4-consequences: consequence year k = 1 is the completion year (k = 1 is the year
after with `consequence_offset = 1`); a fall in use of an expenditure is a gain to the payer, a rise in a
revenue (tax) a gain to the receiver.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import attrgetter, is_

import numpy as np
import pandas as pd

from ..arrays import factorize
from ..kb import KnowledgeBase
from ..scenario import ConsequenceOverride, Scenario

Key = tuple[str, str, int]  # (outcome, service, consequence year)
Coded = tuple[np.ndarray, tuple]  # each row's position among the distinct values, and those values (_coded)


@dataclass(frozen=True)
class Rows:
    """The consequence estimates in use as arrays (R,): outcome, service, consequence year k, Δ use per
    successful person, and whether the value is a local override; and the services and the outcomes coded
    (arrays.factorize, distinct values in order of first appearance), for every step that looks them up."""

    outcome: np.ndarray
    service: np.ndarray
    year: np.ndarray
    delta_use: np.ndarray
    overridden: np.ndarray
    service_codes: Coded
    outcome_codes: Coded

    def __len__(self) -> int:
        return len(self.year)

    @property
    def services(self) -> tuple[str, ...]:
        """The distinct services, in order of first appearance."""
        return self.service_codes[1]


@dataclass(frozen=True)
class _Estimates:
    """Estimates (outcome, service, year) → Δ use as read-only arrays with their codes, made once for a
    knowledge base's target group and outcomes, or for a list of local overrides; `values` the same as a dict."""

    values: dict[Key, float]
    outcome: np.ndarray
    service: np.ndarray
    year: np.ndarray
    delta_use: np.ndarray
    service_codes: Coded
    outcome_codes: Coded

    @classmethod
    def of(cls, values: dict[Key, float]) -> _Estimates:
        if not values:
            return cls(values, *_EMPTY[:4], _coded(_EMPTY[1]), _coded(_EMPTY[0]))
        outcome, service, year = (np.array(x, dtype=object) for x in zip(*values))
        arrays = (outcome, service, year.astype(int), np.fromiter(values.values(), dtype=float, count=len(values)))
        for a in arrays:
            a.flags.writeable = False
        return cls(values, *arrays, _coded(service), _coded(outcome))

    def rows(self, overridden: np.ndarray, keep: np.ndarray) -> Rows:
        """The rows `keep` says (all of them: the arrays and codes made once, shared)."""
        if keep.all():
            return Rows(self.outcome, self.service, self.year, self.delta_use, overridden, *self.codes)
        service, outcome = self.service[keep], self.outcome[keep]
        codes = _coded(service), _coded(outcome)
        return Rows(outcome, service, self.year[keep], self.delta_use[keep], overridden[keep], *codes)

    @property
    def codes(self) -> tuple[Coded, Coded]:
        return self.service_codes, self.outcome_codes


def _coded(values: np.ndarray) -> Coded:
    """arrays.factorize of `values`, read-only (it may be shared by many calculations)."""
    codes, distinct = factorize(values)
    codes.flags.writeable = False
    return codes, tuple(distinct)


_EMPTY = tuple(np.array([], dtype=t) for t in (object, object, int, float, bool))
for _a in _EMPTY:
    _a.flags.writeable = False
_NONE = _Estimates.of({})


def consequence_arrays(scenario: Scenario, kb: KnowledgeBase) -> Rows:
    """Consequence estimates used: knowledge + local overrides. A local value replaces the knowledge-base value
    with the same outcome, service and year; rows past the horizon and excluded services are left out."""
    horizon, excluded = scenario.settings.horizon_years, scenario.excluded_services
    used = local = local_estimates(scenario.consequence_overrides)
    if scenario.target_group is not None:
        key = scenario.target_group, tuple(o.outcome for o in scenario.outcomes)
        used = kb._cached(("consequence_estimates", *key), lambda: _Estimates.of(_kb_lists(kb, scenario)))
        if local.values:  # a local value replaces the knowledge-base value in its place; a new key comes after
            used = _Estimates.of({**used.values, **local.values})
    if not used.values:
        return Rows(*_EMPTY, _coded(_EMPTY[1]), _coded(_EMPTY[0]))
    if used is local or not local.values:  # all local, or none
        overridden = np.full(len(used.year), used is local)
    else:
        overridden = np.fromiter((k in local.values for k in used.values), dtype=bool, count=len(used.values))
    keep = used.year <= horizon
    if excluded:
        keep &= ~np.isin(used.service, np.array(excluded, dtype=object))
    return used.rows(overridden, keep)


_KEY = attrgetter("outcome", "service", "year")
_DELTA = attrgetter("delta_use")
_LOCAL: dict[tuple[int, int], tuple[tuple[ConsequenceOverride, ...], _Estimates]] = {}
_LOCAL_SIZE = 16  # lists remembered (the app redraws one scenario; a batch goes through many)


def local_estimates(overrides: list[ConsequenceOverride]) -> _Estimates:
    """The local estimates of `overrides`, remembered while a list holds the same override objects in the same
    order (an override is frozen, so its values cannot change; a list edited in place, or one with other
    overrides, is read afresh): the app recalculates an unchanged scenario on every redraw, a batch validates
    its scenarios from the base's overrides, and reading a thousand overrides costs more than the rest of the
    step."""
    if not overrides:
        return _NONE
    key = len(overrides), id(overrides[0])
    hit = _LOCAL.get(key)
    if hit is not None and all(map(is_, hit[0], overrides)):
        return hit[1]
    out = _Estimates.of(dict(zip(map(_KEY, overrides), map(_DELTA, overrides))))
    if len(_LOCAL) >= _LOCAL_SIZE:
        _LOCAL.pop(next(iter(_LOCAL)))  # the oldest
    _LOCAL[key] = (tuple(overrides), out)  # holding the overrides keeps their ids from being reused
    return out


def _kb_lists(kb: KnowledgeBase, scenario: Scenario) -> dict[tuple[str, str, int], float]:
    """The knowledge base's estimates of the scenario's outcomes: (outcome, service, year) → Δ use."""
    sub = kb.consequences_for_outcomes(scenario.target_group, [o.outcome for o in scenario.outcomes])
    return dict(zip(zip(*(sub[c].tolist() for c in ("outcome", "service", "year"))), sub["delta_use"].tolist()))


def consequence_rows(scenario: Scenario, kb: KnowledgeBase) -> pd.DataFrame:
    """The consequence estimates in use (consequence_arrays) as a table: outcome, service, year, delta_use,
    overridden."""
    r = consequence_arrays(scenario, kb)
    return pd.DataFrame(
        {
            "outcome": pd.Series(r.outcome, dtype=object),
            "service": pd.Series(r.service, dtype=object),
            "year": r.year,
            "delta_use": r.delta_use,
            "overridden": r.overridden,
        }
    )


def calendar_years(done: np.ndarray, k: np.ndarray, offset: int) -> np.ndarray:
    """(R, C) calendar year of consequence year k (per row) for each cohort completing in done (per cohort)."""
    return done[None, :] + k[:, None] - 1 + offset


def sign(kb: KnowledgeBase, services) -> np.ndarray:
    """(R,) +1 for a revenue service (more is a gain), −1 for an expenditure (less use is a gain)."""
    return np.where(kb.service_info("flow", services) == "revenue", 1.0, -1.0)


def gain_per_success(delta_use: np.ndarray, sign: np.ndarray, prices: np.ndarray) -> np.ndarray:
    """Kroner gained per successful person: sign × Δuse × price. `prices` has rows first ((R, …, A));
    the result has its shape."""
    factor = sign * delta_use
    return factor.reshape(-1, *([1] * (prices.ndim - 1))) * prices
