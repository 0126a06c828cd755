"""Small array helpers shared by the knowledge base and the calculation."""

from __future__ import annotations

import numpy as np
import pandas as pd

SMALL = 200  # values below which a dict codes them faster than pandas' hash table


def factorize(values) -> tuple[np.ndarray, list]:
    """Codes of `values` (each value's position among the distinct values, in order of first appearance) and the
    distinct values: pandas.factorize, with a dict for the few dozen values a small calculation has, and numpy's
    sort for integers."""
    if isinstance(values, np.ndarray) and values.dtype.kind in "iu" and values.size:
        distinct, first, inverse = np.unique(values.ravel(), return_index=True, return_inverse=True)
        order = np.argsort(first)  # the distinct values in order of first appearance
        rank = np.empty(len(order), dtype=np.intp)
        rank[order] = np.arange(len(order))
        return rank[inverse.ravel()], distinct[order].tolist()
    values = np.asarray(values, dtype=object).ravel()
    if len(values) > SMALL:
        codes, distinct = pd.factorize(values)
        return codes, list(distinct)
    seen: dict = {}
    codes = np.fromiter((seen.setdefault(v, len(seen)) for v in values.tolist()), dtype=np.intp, count=len(values))
    return codes, list(seen)


def group_sum(groups: np.ndarray, values: np.ndarray, n_groups: int) -> np.ndarray:
    """(n_groups, …) sums of the rows of `values` by `groups` (each row's group), each group's rows added in row
    order from 0: bit for bit np.add.at(zeros, groups, values), in one vector step per row rank within a group
    (np.add.at goes row by row; np.add.reduceat may add in another order)."""
    out = np.zeros((n_groups, *values.shape[1:]))
    if not len(groups):
        return out
    order = np.argsort(groups, kind="stable")
    starts = np.flatnonzero(np.r_[True, groups[order][1:] != groups[order][:-1]])
    rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    for j in range(int(rank.max()) + 1):
        at = order[rank == j]  # the j-th row of every group that has one: no group twice
        out[groups[at]] += values[at]
    return out
