"""Views of the result: every one a group-by of the one tidy table, never a second calculation.

All amounts are kroner at the scenario's price level; positive = gain to the public actor.
`discounted=True` uses the discounted column (discount factor 1/(1+r)^(year − first year)).
Definitions of every view: docs/method.md#step-8-views-of-the-result; break-even: #step-9-break-even-year.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .names import ACTORS, TOTAL, WELFARE_AREAS

if TYPE_CHECKING:
    from .scenario import Scenario


@dataclass(frozen=True, eq=False)
class Coded:
    """A text column of the tidy table as integer codes into its few distinct labels (a light Categorical:
    building pandas' own costs more than a small calculation). `column == value` gives a row mask; numpy and
    pandas see the plain labels."""

    codes: np.ndarray  # (N,) position of each row's label in `labels`
    labels: np.ndarray  # (L,) the distinct labels, object dtype

    def __len__(self) -> int:
        return len(self.codes)

    def __eq__(self, value) -> np.ndarray:  # type: ignore[override]
        hit = [i for i, label in enumerate(self.labels.tolist()) if label == value]
        return self.codes == hit[0] if hit else np.zeros(len(self.codes), dtype=bool)

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        out = self.labels[self.codes]
        return out if dtype is None else out.astype(dtype)


UNASSIGNED = "ikke_fordelt"  # the committee of a kommune amount no committee carries (knowledge/committees.py)


@dataclass(frozen=True)
class CommitteeSplit:
    """Which of the kommune's committees (udvalg) carries each service and cost line of a result (`of`: id in the
    table's `service` column → committee id) and the committees' Danish names in the kommune's order."""

    of: Mapping[str, str]
    names: Mapping[str, str]


@dataclass(frozen=True)
class Result:
    """A calculation's result: the tidy table (year, cohort, actor, welfare_area, service, outcome, kind,
    consequence_year, successes, amount, discounted) and the scenario it came from.

    The table is kept as read-only numpy columns (`columns`); `table` is the same as a DataFrame, built the
    first time it is asked for. Every view below is a group-by of these columns. The group-bys several views
    share (per year and actor, per year and committee, per kind, per consequence) are computed once per Result
    and kept in `_cache` as read-only arrays; each call hands out a new DataFrame, so a caller may edit it."""

    columns: Mapping[str, np.ndarray]
    scenario: Scenario
    committees: CommitteeSplit | None = None
    # what the views need from the scenario, read once when the Result is made, so that a later edit of the
    # scenario's lists cannot change a view (the scenario's fields themselves are frozen)
    _frame: tuple[int, int, int, int] = field(init=False, repr=False, compare=False)
    _outcomes: tuple[str, ...] = field(init=False, repr=False, compare=False)  # outcome ids in scenario order
    _cache: dict = field(init=False, repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        s = self.scenario
        span = s.duration_years + s.settings.horizon_years - 1 + s.settings.consequence_offset
        object.__setattr__(self, "_frame", (s.settings.first_year, s.last_year, span, s.total_participants))
        object.__setattr__(self, "_outcomes", tuple(o.outcome for o in s.outcomes))
        for values in self.columns.values():
            if isinstance(values, np.ndarray):
                values.flags.writeable = False

    @property
    def table(self) -> pd.DataFrame:
        """The tidy table as a DataFrame (a copy: editing it does not change the Result)."""
        if "table" not in self._cache:
            self._cache["table"] = pd.DataFrame(
                {
                    k: np.asarray(v, dtype=object) if isinstance(v, Coded | pd.Categorical) else v
                    for k, v in self.columns.items()
                }
            )
        return self._cache["table"].copy(deep=False)

    @property
    def years(self) -> pd.Index:
        """Calendar years from the first year through the last year with consequences (every table row's
        year lies in this range: costs end at the last completion, consequences `horizon` years later)."""
        first, last, _, _ = self._frame
        return pd.Index(range(first, last + 1), name="year")

    def _memo(self, key: tuple, make):
        """`make()` computed once per Result and key; arrays in it are made read-only (every caller gets a
        DataFrame built anew from them, never the cached array itself)."""
        if key not in self._cache:
            value = make()
            for part in value if isinstance(value, tuple) else (value,):
                if isinstance(part, np.ndarray):
                    part.flags.writeable = False
            self._cache[key] = value
        return self._cache[key]

    def _col(self, discounted: bool) -> str:
        return "discounted" if discounted else "amount"

    def _sum(
        self, rows: pd.Index, by: str, columns, discounted: bool, row_values=None, col_values=None, **where
    ) -> pd.DataFrame:
        """Sum of amounts into a rows × columns grid: `rows` are labels matched against `row_values`
        (default: the year field), `columns` against `col_values` (default: the table field `by`); only table
        rows whose fields equal the non-None `where` values count. A fast pivot_table."""
        grid = self._grid(rows, by, columns, discounted, row_values, col_values, **where)
        return pd.DataFrame(grid, index=rows, columns=pd.Index(columns, name=by))

    def _grid(
        self, rows: pd.Index, by: str, columns, discounted: bool, row_values=None, col_values=None, **where
    ) -> np.ndarray:
        """_sum's numbers as a (len(rows), len(columns)) array."""
        t = self.columns
        if row_values is None:  # the year field against self.years: a position is the year minus the first
            first, last = self._frame[:2]
            years = isinstance(rows, pd.RangeIndex) and (rows.start, rows.stop, rows.step) == (first, last + 1, 1)
            r = np.asarray(t["year"]) - first if years or rows.equals(self.years) else _positions(t["year"], rows)
        elif isinstance(rows, pd.RangeIndex) and rows.step == 1 and np.asarray(row_values).dtype.kind in "iu":
            r = np.asarray(row_values) - rows.start  # whole numbers against a range: a position is a difference
        else:
            r = _positions(row_values, rows)
        c = _positions(t[by] if col_values is None else col_values, columns)
        ok = (r >= 0) & (r < len(rows)) & (c >= 0)
        for name, value in where.items():
            if value is not None:
                ok &= t[name] == value
        n_cols = len(columns)
        flat = np.bincount(r[ok] * n_cols + c[ok], weights=t[self._col(discounted)][ok], minlength=len(rows) * n_cols)
        return flat.reshape(len(rows), n_cols)

    def by_year_actor(self, discounted: bool = False, kind: str | None = None) -> pd.DataFrame:
        """Net result per year (rows) and actor (columns kommune, region, stat, total)."""
        years = self.years

        def make():
            grid = self._grid(years, "actor", ACTORS, discounted, kind=kind)
            return _with_total(grid)

        return pd.DataFrame(
            self._memo(("year_actor", discounted, kind), make), index=years, columns=_ACTOR_COLUMNS.copy()
        )

    def cumulative(self, discounted: bool = False) -> pd.DataFrame:
        """Cumulative (akkumuleret) net result per year and actor."""
        return self.by_year_actor(discounted).cumsum()

    def actors(self) -> list[str]:
        """The actors something happens to (a cost or a consequence in some year), in the order of ACTORS."""
        present = set(np.asarray(self.columns["actor"], dtype=object).tolist())
        return [a for a in ACTORS if a in present]

    def active_years(self, kind: str, cohort: int | None = None) -> pd.Index:
        """Calendar years with rows of one kind ('cost', 'consequence'), optionally for one cohort (start year)."""
        t = self.columns
        ok = t["kind"] == kind
        if cohort is not None:
            ok &= t["cohort"] == cohort
        return pd.Index(np.unique(t["year"][ok]), name="year")

    def successes(self) -> pd.DataFrame:
        """Successes per calendar year (rows) and outcome (columns, scenario order): the successful persons in
        whom the outcome's effect is present that year, completers × success rate × persistence
        (docs/method.md#step-3-effect-and-successes). The table repeats a consequence row's successes on every
        service and actor row; here each cohort × outcome × consequence year counts once."""
        t = self.columns
        outcomes = pd.Index(self._outcomes, name="outcome")
        first, cohort, k, o, n = self._success_keys(outcomes)
        grid = np.zeros((len(self.years), len(outcomes)))
        np.add.at(grid, (np.asarray(t["year"])[first] - self._frame[0], o), n)
        return pd.DataFrame(grid, index=self.years, columns=outcomes)

    def success_count(self) -> pd.Series:
        """Successes per outcome, each successful person counted once: completers × success rate (× the
        persistence of the first consequence year) summed over cohorts, read in each cohort's first
        consequence year. The denominator of per_success."""
        outcomes = pd.Index(self._outcomes, name="outcome")
        _, _, k, o, n = self._success_keys(outcomes)
        count = np.bincount(o[k == 1], weights=n[k == 1], minlength=len(outcomes)).astype(float)
        return pd.Series(count, index=outcomes)

    def per_success(self, years: int | None = None, actor: str = TOTAL, discounted: bool = False) -> float:
        """Value per success (kroner): the consequences (gains) for one actor or in total over the first `years`
        consequence years (default: all) divided by the successes of all outcomes (success_count().sum());
        NaN when there are no successes."""
        t = self.columns
        ok = (t["kind"] == "consequence") if actor == TOTAL else (t["kind"] == "consequence") & (t["actor"] == actor)
        if years is not None:
            ok &= t["consequence_year"] <= years
        count = float(self.success_count().sum())
        return float(t[self._col(discounted)][ok].sum()) / count if count else float("nan")

    def _success_keys(self, outcomes: pd.Index):
        """The consequence rows' distinct cohort × outcome × consequence year: (row of the first occurrence,
        cohort, consequence year, outcome position, successes)."""
        t = self.columns
        rows = np.flatnonzero(t["kind"] == "consequence")
        o = _positions(t["outcome"], outcomes)[rows]
        keys = np.stack([np.asarray(t["cohort"])[rows], o, np.asarray(t["consequence_year"])[rows]])
        _, at = np.unique(keys, axis=1, return_index=True)
        first = rows[at]
        return first, keys[0, at], keys[2, at], keys[1, at], np.asarray(t["successes"])[first]

    def by_welfare_area(self, discounted: bool = False, actor: str | None = None, kind: str | None = None):
        """Net result per year (rows) and welfare area (columns), optionally for one actor or kind."""
        return self._sum(self.years, "welfare_area", list(WELFARE_AREAS), discounted, actor=actor, kind=kind)

    def by_year_service(self, discounted: bool = False, kind: str | None = None, actor: str | None = None):
        """Net result per year (rows) and service or cost line (columns, in the order they first occur in the
        table), optionally for one kind ('cost', 'consequence') or one actor."""
        services = pd.unique(np.asarray(self.columns["service"], dtype=object)).tolist()
        return self._sum(self.years, "service", services, discounted, actor=actor, kind=kind)

    def by_service(self, discounted: bool = False) -> pd.DataFrame:
        """Total over all years per service (and cost line) and actor, largest gains first."""
        names = ["kind", "welfare_area", "service"]
        coded = [_coded(self.columns[name]) for name in names]
        key = np.zeros(len(coded[0]), dtype=np.int64)  # one number per kind × area × service
        for column in coded:
            key = key * len(column.labels) + column.codes
        _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        order = np.argsort(first)  # the rows in the order they first occur in the table
        position = np.empty(len(order), dtype=np.intp)
        position[order] = np.arange(len(order))
        at = first[order]
        rows = pd.MultiIndex.from_arrays([c.labels[c.codes[at]] for c in coded], names=names)
        grid = self._grid(pd.RangeIndex(len(at)), "actor", list(ACTORS), discounted, row_values=position[inverse])
        both = _with_total(grid)
        return pd.DataFrame(both, index=rows, columns=_ACTOR_COLUMNS.copy()).sort_values(TOTAL, ascending=False)

    def totals_by_area(self, discounted: bool = False) -> pd.DataFrame:
        """Totals over all years per welfare area of the consequences, with the intervention's costs as their own
        row 'cost' (rows), per actor and in total (columns); rows in the order of WELFARE_AREAS, 'cost' last."""
        t = self.columns
        area = np.where(t["kind"] == "cost", "cost", np.asarray(t["welfare_area"], dtype=object))
        rows = pd.Index([*WELFARE_AREAS, "cost"], name="welfare_area")
        out = self._sum(rows, "actor", list(ACTORS), discounted, row_values=area)
        out = out[(out != 0).any(axis=1) | out.index.isin(pd.unique(area))]
        out[TOTAL] = out.sum(axis=1)
        return out

    def by_consequence(self, discounted: bool = False) -> pd.DataFrame:
        """Consequences summed over cohorts per outcome × service × consequence year × actor (a tidy frame with
        those four columns and `amount`): what one consequence estimate is worth to one actor, in kroner."""

        def make():
            t = self.columns
            ok = t["kind"] == "consequence"
            keys = {
                "outcome": np.asarray(t["outcome"], dtype=object)[ok],
                "service": np.asarray(t["service"], dtype=object)[ok],
                "consequence_year": np.asarray(t["consequence_year"])[ok],
                "actor": np.asarray(t["actor"], dtype=object)[ok],
            }
            frame = pd.DataFrame({**keys, "amount": t[self._col(discounted)][ok]})
            return frame.groupby(list(keys), sort=False, as_index=False)["amount"].sum()

        return self._memo(("consequence", discounted), make).copy()

    def per_participant(self, discounted: bool = False, cumulative: bool = False) -> pd.DataFrame:
        """The average participant's course (gennemsnitligt deltagerforløb): kroner per participant by
        year since the participant started (1 = start year), per actor. Shared costs are spread over all
        participants; a start-up cost paid before a later cohort starts counts in its year 1. `cumulative`:
        summed up to each year since start."""
        t = self.columns
        rel = np.maximum(t["year"] - t["cohort"] + 1, 1)
        _, _, span, participants = self._frame
        rows = pd.Index(range(1, span + 1), name="year_since_start")
        grid = self._grid(rows, "actor", list(ACTORS), discounted, row_values=rel) / participants
        out = pd.DataFrame(_with_total(grid), index=rows, columns=_ACTOR_COLUMNS.copy())
        return out.cumsum() if cumulative else out

    def totals(self, discounted: bool = False) -> pd.Series:
        """Net result over the whole horizon per actor and in total."""
        return self.by_year_actor(discounted).sum()

    def npv(self) -> pd.Series:
        """Net present value (nutidsværdi) per actor and in total: the discounted totals."""
        return self.totals(discounted=True)

    def totals_by_kind(self, discounted: bool = False) -> pd.DataFrame:
        """Totals split into costs and consequences (rows) per actor (columns)."""
        rows = pd.Index(["cost", "consequence"], name="kind")

        def make():
            grid = self._grid(rows, "actor", list(ACTORS), discounted, row_values=self.columns["kind"])
            return _with_total(grid)

        return pd.DataFrame(self._memo(("kind_actor", discounted), make), index=rows, columns=_ACTOR_COLUMNS.copy())

    def _committee_column(self) -> Coded:
        """The committee carrying each table row (UNASSIGNED where none does), coded from the service column."""
        if "committee" not in self._cache:
            of = self.committees.of if self.committees is not None else {}
            service = _coded(self.columns["service"])
            mapped = [of.get(s, UNASSIGNED) for s in service.labels.tolist()]
            distinct = list(dict.fromkeys(mapped))
            at = np.array([distinct.index(m) for m in mapped], dtype=np.intp)
            self._cache["committee"] = Coded(codes=at[service.codes], labels=np.array(distinct, dtype=object))
        return self._cache["committee"]

    @property
    def committee_names(self) -> dict[str, str]:
        """Committee id → Danish name, in the kommune's order (UNASSIGNED last)."""
        names = dict(self.committees.names) if self.committees is not None else {}
        unassigned = names.pop(UNASSIGNED, "Ikke fordelt på udvalg")
        return {**names, UNASSIGNED: unassigned}

    def by_committee(self, discounted: bool = False, kind: str | None = None) -> pd.DataFrame:
        """The kommune's net result per year (rows) and committee (columns: the committees with an amount, in the
        kommune's order, then `total` = the kommune's column of by_year_actor), optionally for one kind (cost or
        consequence). Only the kommune's amounts are split: region and stat have no committees."""
        years = self.years

        def make():
            committee = self._committee_column()
            codes = committee.codes[self.columns["actor"] == "kommune"]
            present = set(committee.labels[np.unique(codes)].tolist())
            order = [c for c in self.committee_names if c in present]
            grid = self._grid(years, "committee", order, discounted, col_values=committee, actor="kommune", kind=kind)
            return tuple(order), _with_total(grid)

        order, grid = self._memo(("year_committee", discounted, kind), make)
        return pd.DataFrame(grid, index=years, columns=pd.Index([*order, TOTAL], name="committee"))

    def cumulative_by_committee(self, discounted: bool = False) -> pd.DataFrame:
        """Cumulative (akkumuleret) net result of each committee per year (see by_committee)."""
        return self.by_committee(discounted).cumsum()

    def break_even_by_committee(self, discounted: bool = False) -> dict[str, int | None]:
        """Break-even year of each committee (the same rule as break_even_year), None if it never earns its
        costs back within the horizon (a committee with only gains breaks even in its first year with one)."""
        yearly = self.by_committee(discounted)
        first = break_even(yearly.to_numpy(), yearly.index.to_numpy())
        return {c: (None if np.isnan(y) else int(y)) for c, y in zip(yearly.columns, first)}

    def break_even_year(self, actor: str = TOTAL, discounted: bool = False) -> int | None:
        """First calendar year in which the actor's cumulative net result is ≥ 0 after something has
        happened to it (a cost or a consequence); None if that never happens within the horizon."""
        return self.break_even_years(discounted)[actor]

    def break_even_years(self, discounted: bool = False) -> dict[str, int | None]:
        """Break-even year per actor and in total (see break_even_year)."""
        yearly = self.by_year_actor(discounted)
        first = break_even(yearly.to_numpy(), yearly.index.to_numpy())
        return {a: (None if np.isnan(y) else int(y)) for a, y in zip(yearly.columns, first)}


# the columns of the per-actor views; each view hands out a copy (an Index's name can be set in place)
_ACTOR_COLUMNS = pd.Index([*ACTORS, TOTAL], name="actor")


def _with_total(grid: np.ndarray) -> np.ndarray:
    """A (rows, columns) grid with its row sums appended as a last column (the views' `total`)."""
    return np.concatenate([grid, grid.sum(axis=1, keepdims=True)], axis=1)


def _coded(values) -> Coded:
    """A text column as a Coded (as it is when the engine made the table)."""
    if isinstance(values, Coded):
        return values
    labels, codes = np.unique(np.asarray(values, dtype=object), return_inverse=True)
    return Coded(codes=codes, labels=labels)


def _positions(values, labels) -> np.ndarray:
    """Position of each value in `labels` (−1 if absent); for a coded column only its few labels are looked up."""
    if isinstance(values, Coded):
        at = {v: i for i, v in enumerate(labels.tolist() if isinstance(labels, pd.Index) else labels)}
        return np.array([at.get(v, -1) for v in values.labels.tolist()], dtype=np.intp)[values.codes]
    labels = labels if isinstance(labels, pd.Index) else pd.Index(labels)
    if isinstance(values, pd.Categorical):
        return labels.get_indexer(values.categories)[values.codes]
    return labels.get_indexer(values)


def break_even(net: np.ndarray, years: np.ndarray) -> np.ndarray:
    """Break-even year (docs/method.md#step-9-break-even-year): the first calendar year in which the cumulative net
    result is ≥ 0 after something has happened (a cost or a consequence), per column; NaN if never within the
    horizon. `net` is yearly amounts with years on the second-to-last axis ((…, T, A)); a krone's millionth of
    rounding error counts as zero. Used by Result and by the Monte Carlo model alike."""
    cum = np.cumsum(net, axis=-2)
    hit = (cum >= -1e-6) & (np.cumsum(net != 0, axis=-2) > 0)
    first = np.argmax(hit, axis=-2)
    return np.where(hit.any(axis=-2), np.asarray(years)[first].astype(float), np.nan)
