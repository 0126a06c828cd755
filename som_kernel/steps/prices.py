"""Step: prices. The price per unit of each service for each actor, after refusion, at the scenario's price
level (docs/method.md#step-5-prices): knowledge-base prices and local overrides, each converted from its
own price year with the net price index, price × index[target] / index[price year]."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..knowledge import KnowledgeBase
from ..names import ACTORS
from ..scenario import Scenario


def unit_prices(scenario: Scenario, kb: KnowledgeBase) -> pd.DataFrame:
    """Price per unit, service × actor, in kroner at the scenario's price level (local overrides applied)."""
    target = scenario.settings.price_year
    services, base = kb.price_grid(target)
    if scenario.price_overrides:
        extra = [o.service for o in scenario.price_overrides if o.service not in services]
        services = services.append(pd.Index(list(dict.fromkeys(extra)))) if extra else services
        grid = np.zeros((len(services), len(ACTORS)))
        grid[: len(base)] = base
        for o in scenario.price_overrides:
            year = o.price_year if o.price_year is not None else target
            grid[services.get_loc(o.service), ACTORS.index(o.actor)] = o.price * kb.price_factor(year, target)
    else:
        grid = base
    return pd.DataFrame(grid, index=pd.Index(services, name="service"), columns=pd.Index(ACTORS, name="actor"))


def consequence_prices(scenario: Scenario, kb: KnowledgeBase, services, years: np.ndarray) -> np.ndarray:
    """(R, C, A) price per unit of row r's service for each actor in calendar year years[r, c] (kroner at the
    scenario's price level; 0 where a service has no price for an actor). Prices do not depend on the
    calendar year today; the year axis is where dated public-finance rules apply."""
    prices = unit_prices(scenario, kb)
    at = prices.index.get_indexer(services)
    grid = np.where((at >= 0)[:, None], prices.to_numpy()[at], 0.0)  # no price row: 0 kr. (checks.py warns)
    return np.broadcast_to(grid[:, None, :], (*years.shape, len(ACTORS)))
