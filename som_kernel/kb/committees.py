"""The kommune's political committees (udvalg) and which one carries each service and cost line.

SØM lets a kommune split its share of prices and consequences between its committees, because the committee
that pays for an intervention is often not the one that gains. Two tables, beside the knowledge base's others:
- committees.csv: the committees (id, Danish name, the part of the kommunal kontoplan they cover);
- committee_map.csv: `kind` service (key = a service id) or cost (key = the costs' welfare area, optionally
  `area:target-group area` for a narrower default), the kontoplan function it is booked on, and the committee.
The shipped defaults follow the main accounts and functions of Indenrigs- og Boligministeriet's "Budget- og
regnskabssystem for kommuner"; a kommune's local layer (a folder or a workbook, read by local.py) may hold both
tables: its rows replace the national committee with the same id (its own names) and the national link with the
same kind and key (its own mapping).
Only the kommune's amounts are split; a service or cost line without a link counts as "Ikke fordelt".
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import Field

from ..errors import Problem
from .reading import FILE_COLUMNS, read_table, where
from .schema import TARGET_GROUP_AREAS, WELFARE_AREAS, _Sourced

COMMITTEES_FILE = "committees.csv"
MAP_FILE = "committee_map.csv"
COMMITTEE_FILES = (COMMITTEES_FILE, MAP_FILE)
UNASSIGNED = "ikke_fordelt"
UNASSIGNED_DA = "Ikke fordelt på udvalg"


class Committee(_Sourced):
    id: str = Field(pattern=r"^[a-z0-9_]+$", max_length=60)
    name: str = Field(min_length=2, max_length=80)
    kontoplan: str = ""
    note: str = ""


class CommitteeLink(_Sourced):
    kind: Literal["service", "cost"]
    key: str = Field(min_length=1)
    function: str = ""  # kontoplan number (hovedkonto, hovedfunktion or funktion), e.g. 5.57.73
    committee: str
    note: str = ""


# the committee tables' row models and the key a local layer's row replaces a national row on
COMMITTEE_MODELS = {COMMITTEES_FILE: Committee, MAP_FILE: CommitteeLink}
COMMITTEE_KEYS = {COMMITTEES_FILE: ["id"], MAP_FILE: ["kind", "key"]}


@dataclass(frozen=True)
class Committees:
    """The committees (id → Danish name, in table order) and the links from services and cost areas to them."""

    committees: pd.DataFrame
    links: pd.DataFrame

    @cached_property
    def names(self) -> dict[str, str]:
        """Committee id → Danish name, in the table's order, with 'Ikke fordelt' last."""
        return {**dict(zip(self.committees["id"], self.committees["name"])), UNASSIGNED: UNASSIGNED_DA}

    @cached_property
    def _known(self) -> dict[tuple[str, str], str]:
        return dict(zip(zip(self.links["kind"], self.links["key"]), self.links["committee"]))

    def for_services(self, services) -> dict[str, str]:
        """Service id → committee id for each of `services` (UNASSIGNED where the map has no link)."""
        known = self._known
        return {s: known.get(("service", s), UNASSIGNED) for s in services}

    def for_costs(self, welfare_area: str, target_group_area: str | None) -> str:
        """The default committee of the intervention's cost lines: the link for `welfare_area:target_group_area`,
        else for `welfare_area`, else UNASSIGNED."""
        known = self._known
        return known.get(("cost", f"{welfare_area}:{target_group_area}"), known.get(("cost", welfare_area), UNASSIGNED))


def _overlay(base: pd.DataFrame, mine: pd.DataFrame, keys: list[str], layer: str) -> pd.DataFrame:
    base = base.assign(local_layer="")
    if mine.empty:
        return base
    # a replaced row keeps its national place (the order committees are shown in); new rows come last
    position = {k: i for i, k in enumerate(pd.MultiIndex.from_frame(base[keys]))}
    order = [position.get(k, len(base) + i) for i, k in enumerate(pd.MultiIndex.from_frame(mine[keys]))]
    mine = mine.assign(local_layer=layer, _order=order)
    replaced = pd.MultiIndex.from_frame(base[keys]).isin(pd.MultiIndex.from_frame(mine[keys]))
    base = base[~replaced].assign(_order=[i for i, r in enumerate(replaced) if not r])
    return pd.concat([base, mine]).sort_values("_order", kind="stable").drop(columns="_order")


def _check(committees: pd.DataFrame, links: pd.DataFrame, services: set[str], problems: list[Problem]) -> None:
    seen: set[str] = set()
    for (label, i), cid in zip(committees["at"], committees["id"]):
        if cid in seen or cid == UNASSIGNED:
            problems.append(Problem(where(label, i, "id"), f"Udvalget '{cid}' findes allerede."))
        seen.add(cid)
    cost_keys = set(WELFARE_AREAS) | {f"{w}:{a}" for w in WELFARE_AREAS for a in TARGET_GROUP_AREAS}
    pairs: set[tuple[str, str]] = set()
    for _, r in links.iterrows():
        label, i = r["at"]
        if (r["kind"], r["key"]) in pairs:
            problems.append(Problem(where(label, i, "key"), f"Dublet: '{r['key']}' er knyttet til et udvalg før."))
        pairs.add((r["kind"], r["key"]))
        if r["kind"] == "service" and r["key"] not in services:
            problems.append(Problem(where(label, i, "key"), f"Ukendt ydelse '{r['key']}'."))
        if r["kind"] == "cost" and r["key"] not in cost_keys:
            problems.append(
                Problem(
                    where(label, i, "key"),
                    f"'{r['key']}' er ikke et velfærdsområde ({', '.join(WELFARE_AREAS)}), eventuelt med "
                    "':målgruppeområde' efter.",
                )
            )
        if r["committee"] not in seen:
            problems.append(Problem(where(label, i, "committee"), f"Ukendt udvalg '{r['committee']}'."))


def load_committees(
    folder: Path, services: set[str], problems: list[Problem], layer: tuple[str, dict[str, pd.DataFrame]] | None = None
) -> Committees | None:
    """The committee tables of `folder` (None when neither it nor the layer has one) with a local layer's tables
    laid on top: `layer` is (its name, its validated tables by file name, with `at_file` and `at_line`, as
    local.read_layer gives them); problems are appended, not raised."""
    mine = {name: df for name, df in (layer[1] if layer is not None else {}).items() if name in COMMITTEE_MODELS}
    if not mine and not any((folder / name).exists() for name in COMMITTEE_FILES):
        return None
    before = len(problems)
    tables = []
    for name, model in COMMITTEE_MODELS.items():
        base = read_table(folder / name, model, problems) if (folder / name).exists() else _empty(model)
        base = base.assign(at=[(name, i) for i in base.index])
        local = mine.get(name, pd.DataFrame(columns=[*model.model_fields, *FILE_COLUMNS]))
        local = local.assign(at=list(zip(local["at_file"], local["at_line"], strict=True))).drop(columns=FILE_COLUMNS)
        tables.append(_overlay(base, local, COMMITTEE_KEYS[name], layer[0] if layer else ""))
    if len(problems) > before:
        return None
    _check(tables[0], tables[1], services, problems)
    return Committees(*(t.drop(columns="at").reset_index(drop=True) for t in tables))


def _empty(model) -> pd.DataFrame:
    return pd.DataFrame(columns=list(model.model_fields))
