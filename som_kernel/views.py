"""Views of the result: every one a group-by of the one tidy table, never a second calculation.

All amounts are kroner at the scenario's price level; positive = gain to the public actor.
`discounted=True` uses the discounted column (discount factor 1/(1+r)^(year − first year)).
Definitions of every view: docs/method.md#step-8-views-of-the-result; break-even: #step-9-break-even-year.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .names import ACTORS, TOTAL, WELFARE_AREAS

if TYPE_CHECKING:
    from .scenario import Scenario


@dataclass(frozen=True)
class Result:
    """A calculation's result: the tidy `table` (year, cohort, actor, welfare_area, service, outcome,
    kind, amount, discounted) and the scenario it came from."""

    table: pd.DataFrame
    scenario: Scenario

    @property
    def years(self) -> pd.Index:
        """Calendar years from the first year through the last year with consequences (every table row's
        year lies in this range: costs end at the last completion, consequences `horizon` years later)."""
        return pd.Index(range(self.scenario.settings.first_year, self.scenario.last_year + 1), name="year")

    def _col(self, discounted: bool) -> str:
        return "discounted" if discounted else "amount"

    def _sum(self, rows: pd.Index, by: str, columns, discounted: bool, row_values=None, **where) -> pd.DataFrame:
        """Sum of amounts into a rows × columns grid: `rows` are labels matched against `row_values`
        (default: the year field), `columns` against the table field `by`; only table rows whose fields
        equal the non-None `where` values count. A fast pivot_table."""
        t = self.table
        row_values = t["year"].to_numpy() if row_values is None else np.asarray(row_values)
        keep = np.ones(len(t), dtype=bool)
        for name, value in where.items():
            if value is not None:
                keep &= (t[name] == value).to_numpy()
        r = rows.get_indexer(row_values[keep])
        c = pd.Index(columns).get_indexer(t[by].to_numpy()[keep])
        ok = (r >= 0) & (c >= 0)
        n_cols = len(columns)
        flat = np.bincount(
            r[ok] * n_cols + c[ok], weights=t[self._col(discounted)].to_numpy()[keep][ok], minlength=len(rows) * n_cols
        )
        return pd.DataFrame(flat.reshape(len(rows), n_cols), index=rows, columns=pd.Index(columns, name=by))

    def by_year_actor(self, discounted: bool = False, kind: str | None = None) -> pd.DataFrame:
        """Net result per year (rows) and actor (columns kommune, region, stat, total)."""
        out = self._sum(self.years, "actor", list(ACTORS), discounted, kind=kind)
        out[TOTAL] = out.sum(axis=1)
        return out

    def cumulative(self, discounted: bool = False) -> pd.DataFrame:
        """Cumulative (akkumuleret) net result per year and actor."""
        return self.by_year_actor(discounted).cumsum()

    def by_welfare_area(self, discounted: bool = False, actor: str | None = None, kind: str | None = None):
        """Net result per year (rows) and welfare area (columns), optionally for one actor or kind."""
        return self._sum(self.years, "welfare_area", list(WELFARE_AREAS), discounted, actor=actor, kind=kind)

    def by_service(self, discounted: bool = False) -> pd.DataFrame:
        """Total over all years per service (and cost line) and actor, largest gains first."""
        t = self.table
        keys = pd.MultiIndex.from_frame(t[["kind", "welfare_area", "service"]])
        rows = keys.unique()
        out = self._sum(rows, "actor", list(ACTORS), discounted, row_values=keys)
        out[TOTAL] = out.sum(axis=1)
        return out.sort_values(TOTAL, ascending=False)

    def per_participant(self, discounted: bool = False) -> pd.DataFrame:
        """The average participant's course (gennemsnitligt deltagerforløb): kroner per participant by
        year since the participant started (1 = start year), per actor. Shared costs are spread over all
        participants; a start-up cost paid before a later cohort starts counts in its year 1."""
        t = self.table
        rel = np.maximum(t["year"].to_numpy() - t["cohort"].to_numpy() + 1, 1)
        s = self.scenario
        span = s.duration_years + s.settings.horizon_years - 1 + s.settings.consequence_offset
        rows = pd.Index(range(1, span + 1), name="year_since_start")
        out = self._sum(rows, "actor", list(ACTORS), discounted, row_values=rel) / s.total_participants
        out[TOTAL] = out.sum(axis=1)
        return out

    def totals(self, discounted: bool = False) -> pd.Series:
        """Net result over the whole horizon per actor and in total."""
        return self.by_year_actor(discounted).sum()

    def npv(self) -> pd.Series:
        """Net present value (nutidsværdi) per actor and in total: the discounted totals."""
        return self.totals(discounted=True)

    def totals_by_kind(self, discounted: bool = False) -> pd.DataFrame:
        """Totals split into costs and consequences (rows) per actor (columns)."""
        rows = pd.Index(["cost", "consequence"], name="kind")
        out = self._sum(rows, "actor", list(ACTORS), discounted, row_values=self.table["kind"].to_numpy())
        out[TOTAL] = out.sum(axis=1)
        return out

    def break_even_year(self, actor: str = TOTAL, discounted: bool = False) -> int | None:
        """First calendar year in which the actor's cumulative net result is ≥ 0 after something has
        happened to it (a cost or a consequence); None if that never happens within the horizon."""
        return self.break_even_years(discounted)[actor]

    def break_even_years(self, discounted: bool = False) -> dict[str, int | None]:
        """Break-even year per actor and in total (see break_even_year)."""
        yearly = self.by_year_actor(discounted)
        first = break_even(yearly.to_numpy(), yearly.index.to_numpy())
        return {a: (None if np.isnan(y) else int(y)) for a, y in zip(yearly.columns, first)}


def break_even(net: np.ndarray, years: np.ndarray) -> np.ndarray:
    """Break-even year (docs/method.md#step-9-break-even-year): the first calendar year in which the cumulative net
    result is ≥ 0 after something has happened (a cost or a consequence), per column; NaN if never within the
    horizon. `net` is yearly amounts with years on the second-to-last axis ((…, T, A)); a krone's millionth of
    rounding error counts as zero. Used by Result and by the Monte Carlo model alike."""
    cum = np.cumsum(net, axis=-2)
    hit = (cum >= -1e-6) & (np.cumsum(net != 0, axis=-2) > 0)
    first = np.argmax(hit, axis=-2)
    return np.where(hit.any(axis=-2), np.asarray(years)[first].astype(float), np.nan)
