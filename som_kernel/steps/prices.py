"""Step: prices. The price per unit of each service for each actor, after refusion, at the scenario's price
level (docs/method.md#step-5-prices): knowledge-base prices and local overrides, each converted from its
own price year with the net price index, price × index[target] / index[price year].

Services priced by a public-finance rule (knowledge/rule_links.csv, som_kernel/kb/rules.py) get their per-actor
prices from a gross rate and the rules in force in each calendar year: the refusion staircase, the
kommune's co-financing of dagpenge, tax on transfers, kommunal medfinansiering of health, § 110 and
Housing First refusion. A knowledge base without rules is priced from prices.csv alone, as before; a local
price override still wins for its actor."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..arrays import factorize
from ..kb import LOCAL_COLUMN, KnowledgeBase
from ..kb.rules import actor_shares, default_weeks_on_support, weeks_before_year
from ..names import ACTORS
from ..scenario import Scenario


def _static_grid(scenario: Scenario, kb: KnowledgeBase) -> tuple[dict[str, int], np.ndarray]:
    """prices.csv at the scenario's price level with the local overrides (no rules): each service's row and the
    prices per actor (S, A)."""
    target = scenario.settings.price_year
    index, base = kb.price_grid(target)
    at = kb._cached("price_rows", lambda: {v: i for i, v in enumerate(index.tolist())})  # the same every year
    if not scenario.price_overrides:
        return at, base
    at = dict(at)
    for o in scenario.price_overrides:
        at.setdefault(o.service, len(at))
    grid = np.zeros((len(at), len(ACTORS)))
    grid[: len(base)] = base
    for o in scenario.price_overrides:
        year = o.price_year if o.price_year is not None else target
        grid[at[o.service], ACTORS.index(o.actor)] = o.price * kb.price_factor(year, target)
    return at, grid


def _static_prices(scenario: Scenario, kb: KnowledgeBase) -> pd.DataFrame:
    """_static_grid as a table: service × actor."""
    at, grid = _static_grid(scenario, kb)
    return pd.DataFrame(
        np.array(grid), index=pd.Index(list(at), name="service"), columns=pd.Index(ACTORS, name="actor")
    )


def first_consequence_year(scenario: Scenario) -> int:
    """Calendar year of consequence year 1 for the first cohort (the year unit_prices shows by default)."""
    s = scenario.settings
    return s.first_year + scenario.duration_years - 1 + s.consequence_offset


def weeks_on_benefits(scenario: Scenario, kb: KnowledgeBase) -> int:
    """The setting »uger på offentlig forsørgelse før indsatsen«, or the knowledge base's default."""
    w, year = scenario.settings.weeks_on_benefits, scenario.settings.first_year
    if w is not None:
        return w
    return kb._cached(("default_weeks_on_support", year), lambda: default_weeks_on_support(kb.rules, year))


def rule_prices(
    scenario: Scenario, kb: KnowledgeBase, service: str, year: int, k: int, weeks_before: int | None = None
) -> np.ndarray:
    """(A,) kroner per unit at the scenario's price level for a rule-priced service in calendar year `year`,
    consequence year k: gross rate × price-index factor × the rules' shares per actor. `weeks_before` is the
    setting »uger på offentlig forsørgelse før indsatsen« (default: weeks_on_benefits)."""
    s, link = scenario.settings, kb.rules.link(service)
    w = weeks_on_benefits(scenario, kb) if weeks_before is None else weeks_before
    weeks = weeks_before_year(w, scenario.duration_years, s.consequence_offset, k)
    shares = actor_shares(kb.rules, service, int(year), int(k), weeks, s.benefits_net_of_tax)
    return float(link["gross_price"]) * kb.price_factor(int(link["price_year"]), s.price_year) * shares


def unit_prices(scenario: Scenario, kb: KnowledgeBase, year: int | None = None) -> pd.DataFrame:
    """Price per unit, service × actor, in kroner at the scenario's price level (local overrides applied).
    Services priced by a rule get the rules of calendar year `year` (default: the first consequence year),
    consequence year 1; a local override still wins for its actor."""
    grid = _static_prices(scenario, kb)
    if kb.rules is None:
        return grid
    year = first_consequence_year(scenario) if year is None else year
    overridden = {(o.service, o.actor) for o in scenario.price_overrides}
    weeks = weeks_on_benefits(scenario, kb)
    for service in kb.rules.links.index.intersection(grid.index):
        derived = rule_prices(scenario, kb, service, year, 1, weeks)
        for a, actor in enumerate(ACTORS):
            if (service, actor) not in overridden:
                grid.at[service, actor] = derived[a]
    return grid


def consequence_prices(
    scenario: Scenario,
    kb: KnowledgeBase,
    services,
    years: np.ndarray,
    consequence_years: np.ndarray | None = None,
    *,
    coded: tuple[np.ndarray, tuple] | None = None,
) -> np.ndarray:
    """(R, C, A) price per unit of row r's service for each actor in calendar year years[r, c] (kroner at the
    scenario's price level; 0 where a service has no price for an actor). Rule-priced services follow the
    rules of each calendar year and the row's consequence year (`consequence_years`, (R,); needed when the
    knowledge base has rules); all other services have one price for every year. `coded` is
    arrays.factorize(services) when the caller has it (Rows.service_codes)."""
    position, table = _static_grid(scenario, kb)
    codes, distinct = factorize(services) if coded is None else coded
    at = np.array([position.get(v, -1) for v in distinct], dtype=int)[codes] if len(codes) else codes
    grid = np.where((at >= 0)[:, None], table[at], 0.0)  # no price row: 0 kr. (checks.py warns)
    out = np.broadcast_to(grid[:, None, :], (*years.shape, len(ACTORS)))
    if kb.rules is None or len(codes) == 0:
        return out
    linked_ids = kb._cached("rule_linked", lambda: frozenset(map(str, kb.rules.links.index)))
    is_linked = np.array([v in linked_ids for v in distinct], dtype=bool)
    linked = np.flatnonzero(is_linked[codes])
    if not len(linked):
        return out
    if consequence_years is None:
        raise ValueError("consequence_prices needs the rows' consequence years when the knowledge has rules")
    out = out.copy()
    weeks = weeks_on_benefits(scenario, kb)
    s = scenario.settings
    # the rules' prices depend only on these, so they are kept with the knowledge base across calculations
    settings = (weeks, scenario.duration_years, s.consequence_offset, s.benefits_net_of_tax, s.price_year)
    memo = kb._cached(("rule_prices", *settings), dict)  # (service, calendar year, k) → (A,)
    # one price row per (service, consequence year): every row with the same pair has the same calendar years
    k = np.asarray(consequence_years, dtype=np.int64)[linked]
    pair_key = codes[linked].astype(np.int64) * (int(k.max()) + 1) + k
    _, first, row_pair = np.unique(pair_key, return_index=True, return_inverse=True)
    pairs = linked[first]  # one row of each pair
    # the pairs' prices in one piece, for a recalculation of the same rows (the app's redraw, a batch)
    blocks = kb._cached(("rule_price_blocks", *settings), dict)
    pair_services = codes[pairs].astype(np.int64)
    pair_years = np.asarray(years, dtype=np.int64)[pairs]
    key = (tuple(distinct), pair_services.tobytes(), k[first].tobytes(), pair_years.tobytes())
    values = blocks.get(key)
    if values is None:
        names = [distinct[c] for c in pair_services.tolist()]
        values = _pair_prices(memo, scenario, kb, names, k[first], pair_years, weeks)
        if len(blocks) >= _BLOCKS:
            blocks.pop(next(iter(blocks)), None)
        blocks[key] = values
    # a local price wins for its actor: a price override, or a kommune's own price (its local layer)
    overridden = {(o.service, o.actor) for o in scenario.price_overrides}
    if LOCAL_COLUMN in kb.prices:
        overridden |= kb._cached("local_prices", lambda: _local_price_keys(kb))
    if overridden:
        own = np.array([[(v, a) in overridden for a in ACTORS] for v in distinct], dtype=bool)[pair_services]
        values = np.where(own[:, None, :], grid[pairs][:, None, :], values)
    out[linked] = values[row_pair.ravel()]
    return out


_BLOCKS = 16  # pair-price blocks kept per knowledge base and rule settings (the oldest goes first)


def _pair_prices(
    memo: dict, scenario: Scenario, kb: KnowledgeBase, services: list[str], k: np.ndarray, years: np.ndarray, weeks: int
) -> np.ndarray:
    """(P, C, A) the rules' prices of each (service, consequence year k) pair in its calendar years `years` (P, C);
    read-only, as it is kept."""
    out = np.empty((len(services), years.shape[1], len(ACTORS)))
    for p, (service, kr, calendar) in enumerate(zip(services, k.tolist(), years.tolist(), strict=True)):
        for c, year in enumerate(calendar):
            out[p, c] = _rule_price(memo, scenario, kb, service, year, kr, weeks)
    out.flags.writeable = False
    return out


def _rule_price(memo: dict, scenario: Scenario, kb: KnowledgeBase, service: str, year: int, k: int, weeks: int):
    """rule_prices for one calendar year, remembered in `memo` under (service, year, k)."""
    key = (service, year, k)
    if key not in memo:
        memo[key] = rule_prices(scenario, kb, service, year, k, weeks)
    return memo[key]


def _local_price_keys(kb: KnowledgeBase) -> frozenset[tuple[str, str]]:
    own = kb.prices[kb.prices[LOCAL_COLUMN] != ""]
    return frozenset(zip(own["service"], own["actor"], strict=True))
