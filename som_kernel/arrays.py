"""Small array helpers shared by the knowledge base and the calculation."""

from __future__ import annotations

import numpy as np
import pandas as pd

SMALL = 200  # values below which a dict codes them faster than pandas' hash table


def factorize(values) -> tuple[np.ndarray, list]:
    """Codes of `values` (each value's position among the distinct values, in order of first appearance) and the
    distinct values: pandas.factorize, with a dict for the few dozen values a small calculation has."""
    values = np.asarray(values, dtype=object).ravel()
    if len(values) > SMALL:
        codes, distinct = pd.factorize(values)
        return codes, list(distinct)
    seen: dict = {}
    codes = np.fromiter((seen.setdefault(v, len(seen)) for v in values.tolist()), dtype=np.intp, count=len(values))
    return codes, list(seen)
