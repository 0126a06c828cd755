"""Views of the result: every one a group-by of the one tidy table, never a second calculation.

All amounts are kroner at the scenario's price level; positive = gain to the public actor.
`discounted=True` uses the discounted column (discount factor 1/(1+r)^(year − first year)).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from .knowledge import ACTORS, WELFARE_AREAS

if TYPE_CHECKING:
    from .scenario import Scenario

TOTAL = "total"


@dataclass(frozen=True)
class Result:
    """A calculation's result: the tidy `table` (year, cohort, actor, welfare_area, service, outcome,
    kind, amount, discounted) and the scenario it came from."""

    table: pd.DataFrame
    scenario: Scenario

    @property
    def years(self) -> pd.Index:
        """Calendar years from the first year through the last year with consequences."""
        first = self.scenario.settings.first_year
        last = max(self.scenario.last_year, int(self.table["year"].max()) if len(self.table) else first)
        return pd.Index(range(first, last + 1), name="year")

    def _col(self, discounted: bool) -> str:
        return "discounted" if discounted else "amount"

    def by_year_actor(self, discounted: bool = False, kind: str | None = None) -> pd.DataFrame:
        """Net result per year (rows) and actor (columns kommune, region, stat, total)."""
        t = self.table if kind is None else self.table[self.table["kind"] == kind]
        out = t.pivot_table(index="year", columns="actor", values=self._col(discounted), aggfunc="sum")
        out = out.reindex(index=self.years, columns=list(ACTORS), fill_value=0.0).fillna(0.0)
        out.columns.name = "actor"
        out[TOTAL] = out.sum(axis=1)
        return out

    def cumulative(self, discounted: bool = False) -> pd.DataFrame:
        """Cumulative (akkumuleret) net result per year and actor."""
        return self.by_year_actor(discounted).cumsum()

    def by_welfare_area(self, discounted: bool = False, actor: str | None = None, kind: str | None = None):
        """Net result per year (rows) and welfare area (columns), optionally for one actor or kind."""
        t = self.table
        if actor is not None:
            t = t[t["actor"] == actor]
        if kind is not None:
            t = t[t["kind"] == kind]
        out = t.pivot_table(index="year", columns="welfare_area", values=self._col(discounted), aggfunc="sum")
        out = out.reindex(index=self.years, columns=list(WELFARE_AREAS), fill_value=0.0).fillna(0.0)
        out.columns.name = "welfare_area"
        return out

    def by_service(self, discounted: bool = False) -> pd.DataFrame:
        """Total over all years per service (and cost line) and actor, largest gains first."""
        out = self.table.pivot_table(
            index=["kind", "welfare_area", "service"], columns="actor", values=self._col(discounted), aggfunc="sum"
        ).reindex(columns=list(ACTORS)).fillna(0.0)
        out[TOTAL] = out.sum(axis=1)
        return out.sort_values(TOTAL, ascending=False)

    def per_participant(self, discounted: bool = False) -> pd.DataFrame:
        """The average participant's course (gennemsnitligt deltagerforløb): kroner per participant by
        year since the participant started (1 = start year), per actor. Shared costs are spread over all
        participants; a start-up cost paid before a later cohort starts counts in its year 1."""
        t = self.table
        rel = (t["year"] - t["cohort"] + 1).clip(lower=1).rename("year_since_start")
        s = self.scenario
        span = s.duration_years + s.settings.horizon_years - 1 + s.settings.consequence_offset
        out = (
            t.groupby([rel, t["actor"]])[self._col(discounted)].sum().unstack("actor")
            .reindex(index=pd.Index(range(1, span + 1), name="year_since_start"), columns=list(ACTORS))
            .fillna(0.0)
            / s.total_participants
        )
        out.columns.name = "actor"
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
        out = self.table.pivot_table(index="kind", columns="actor", values=self._col(discounted), aggfunc="sum")
        out = out.reindex(index=["cost", "consequence"], columns=list(ACTORS)).fillna(0.0)
        out[TOTAL] = out.sum(axis=1)
        return out

    def break_even_year(self, actor: str = TOTAL, discounted: bool = False) -> int | None:
        """First calendar year in which the actor's cumulative net result is ≥ 0 after something has
        happened to it (a cost or a consequence); None if that never happens within the horizon."""
        yearly = self.by_year_actor(discounted)[actor]
        cum = yearly.cumsum()
        started = (yearly != 0).cumsum() > 0
        hit = cum[(cum >= -1e-6) & started]
        return int(hit.index[0]) if len(hit) else None

    def break_even_years(self, discounted: bool = False) -> dict[str, int | None]:
        """Break-even year per actor and in total."""
        return {a: self.break_even_year(a, discounted) for a in (*ACTORS, TOTAL)}
