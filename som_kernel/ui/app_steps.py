"""Steps 1–2 of the app (Basis, Omkostninger): widgets that read into and load from a scenario dict.

Each step has `widget`, `read(data, problems)` (fills the scenario dict; unparseable fields add a
Problem at the kernel's field path), `load(scenario)` and `fields`: (prefixes, message widget, input)
entries, so that a ScenarioError's messages land next to the widget they concern.
"""

from __future__ import annotations

import re
import unicodedata

import ipywidgets as W

from ..errors import Problem
from ..fields import COST_LINE_FIELDS, FIELD, FieldValueError, first_year_field, price_years, put, value_at
from ..format import kr, pct
from ..kb import KnowledgeBase
from ..kb.policy import policy_value
from ..names import ACTOR_NAMES_DA, ACTORS
from ..scenario import Scenario
from .app_resources import ResourcesEditor
from .app_widgets import (
    NO_VALUE,
    FieldInput,
    attr,
    choice,
    choice_options,
    chosen,
    esc,
    help_html,
    label,
    message_widget,
)

CUSTOM = "__egen__"
ACTOR_LABELS = ACTOR_NAMES_DA
FINANCE_MINISTRY_RATE = policy_value("discount_rate")  # knowledge/policy.yaml


def slug(text: str) -> str:
    """'Ud af hjemløshed' → 'ud_af_hjemloeshed' (an id for a user-defined outcome)."""
    t = text.strip().lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    t = unicodedata.normalize("NFKD", t).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", t).strip("_") or "effektmaal"


def read_field(problems: list[Problem], path: str, fn):
    try:
        return fn()
    except ValueError as e:
        problems.append(Problem(path, str(e) + "."))
        return None


def source_html(title: str, url: str, illustrative: bool) -> str:
    src = f'<a href="{attr(url)}" target="_blank">{esc(title)}</a>' if url else esc(title)
    flag = ' <span class="som-flag">illustrativ</span>' if illustrative else ""
    return f"Kilde: {src}{flag}"


F = FIELD


class BasisStep:
    """Step 1: name, target group, participants, duration, years, price level, discount rate (som_kernel.fields)."""

    def __init__(self, kb: KnowledgeBase, changed):
        self.kb = kb
        self.changed = changed
        self.name = FieldInput(F["name"])
        self.description = FieldInput(F["description"])
        groups = [(r.name, r.id) for r in kb.target_groups.itertuples()]
        self.group = FieldInput(
            F["target_group"], options=[*groups, ("Egen målgruppe (uden for vidensdatabasen) …", CUSTOM)]
        )
        self.group_info = help_html("")
        self.custom_name = FieldInput(F["custom_target_group.name"], width="300px")
        self.custom_outcomes = FieldInput(F["custom_target_group.outcomes"], width="300px", height="60px")
        self.custom_ids: list[tuple[str, str]] = []  # (id, name) of the loaded file's own outcomes
        self.custom_msg = message_widget()
        self.custom_box = W.VBox(
            [
                self.custom_name.row,
                self.custom_outcomes.row,
                help_html(
                    "En egen målgruppe har ingen konsekvensestimater i vidensdatabasen: angiv dem selv i trin 4."
                ),
                self.custom_msg,
            ]
        )
        self.n_years = FieldInput(F["len(participants)"])
        # one text input per year, not a number box: the browser's number box once read a typed "1.500" as 1
        self.participants_field = F["participants[{i}]"]
        self.participant_inputs: list[W.Text] = []
        self.participants_box = W.HBox(layout=W.Layout(flex_flow="row wrap"))
        self.participants_msg = message_widget()
        self.duration = FieldInput(F["duration_years"])
        self.first_year = FieldInput(first_year_field(kb))
        self.horizon = FieldInput(F["settings.horizon_years"])
        self.price_year = FieldInput(F["settings.price_year"], options=price_years(kb), width="100px")
        self.discount = FieldInput(F["settings.discount_rate"])
        self.fm_button = W.Button(
            description=f"{pct(FINANCE_MINISTRY_RATE)} (Finansministeriet)", layout=W.Layout(width="200px")
        )
        self.zero_button = W.Button(description="0 % (ingen)", layout=W.Layout(width="110px"))
        self.fm_button.on_click(lambda _: self.discount.set(FINANCE_MINISTRY_RATE) or self.changed())
        self.zero_button.on_click(lambda _: self.discount.set(0.0) or self.changed())
        self.offset = FieldInput(F["settings.consequence_offset"], width="320px")
        # the inputs that are one value at one scenario path: read, checked and written back alike
        self.simple = [
            self.name,
            self.description,
            self.duration,
            self.first_year,
            self.horizon,
            self.price_year,
            self.discount,
            self.offset,
        ]
        for w in (*self.simple, self.custom_name):
            w.observe(lambda _: self.changed())
        self.group.observe(self._group_changed)
        self.custom_outcomes.observe(lambda _: self.changed(group_changed=True))  # new outcome rows
        self.n_years.observe(self._n_years_changed)
        self.first_year.observe(lambda _: self._relabel())

        participants = self.participants_field
        self.widget = W.VBox(
            [
                W.HTML("<h3>Trin 1 · Basis</h3>"),
                help_html("Beskriv indsatsen, hvem den er for, hvor mange der starter, og beregningens indstillinger."),
                self.name.box,
                self.description.box,
                self.group.row,
                self.group_info,
                self.custom_box,
                self.n_years.box,
                W.HBox([label(participants.label, tip=participants.help), self.participants_box]),
                self.participants_msg,
                self.duration.box,
                self.first_year.box,
                self.horizon.box,
                self.price_year.box,
                W.HBox([self.discount.box, self.fm_button, self.zero_button]),
                self.offset.box,
            ],
            layout=W.Layout(padding="6px"),
        )
        self.fields = [
            *[([w.field.path], w.msg, w.input) for w in (*self.simple, self.n_years)],
            (["target_group", "custom_target_group"], self.custom_msg, None),
            (["participants"], self.participants_msg, None),
        ]

    # --- participants per year --------------------------------------------------------------------
    def _set_participant_count(self, n: int, values: list[int] | None = None) -> None:
        old = [w.value for w in self.participant_inputs]
        texts = [self.participants_field.shown(v) for v in values] if values is not None else old
        self.participant_inputs = []
        for i in range(n):
            w = W.Text(
                value=texts[i] if i < len(texts) else (texts[-1] if texts else "0"),
                continuous_update=False,
                layout=W.Layout(width="75px"),
            )
            w.add_class("som-number")
            w.observe(lambda _: self.changed(), "value")
            self.participant_inputs.append(w)
        self._relabel()

    def _year_one(self) -> int | None:
        """The first year as typed, if it can be read (the year headings over the starters follow it)."""
        try:
            return int(self.first_year.get())
        except ValueError:
            return None

    def _relabel(self) -> None:
        first = self._year_one()
        self.participants_box.children = [
            W.VBox([W.HTML(f"<small>{first + i if first is not None else f'år {i + 1}'}</small>"), w])
            for i, w in enumerate(self.participant_inputs)
        ]

    def _n_years_changed(self, change) -> None:
        """A valid number of years adds or removes year inputs (the typed starters stay); an invalid one leaves
        them as they are, and `read` reports it, so the result is marked outdated until it is corrected."""
        try:
            n = int(self.n_years.get())
        except ValueError:
            n = None
        if n is not None and n != len(self.participant_inputs):
            self._set_participant_count(n)
        self.changed()

    def _group_changed(self, change) -> None:
        self._show_group_info()
        self.changed(group_changed=True)

    def _show_group_info(self) -> None:
        gid = self.group.value
        self.custom_box.layout.display = None if gid == CUSTOM else "none"
        if gid == CUSTOM:
            self.group_info.value = ""
            return
        r = self.kb.target_groups.set_index("id").loc[gid]
        self.group_info.value = (
            f"<div style='margin-left:254px'>{esc(r['definition'])}<br>"
            f"{source_html(r['source_title'], r['source_url'], bool(r['illustrative']))}</div>"
        )

    def custom_outcome_names(self) -> dict[str, str]:
        """Outcome id → name of the own target group, one outcome per line of the text box.

        A line that names an outcome of the loaded file keeps that file's id (its consequences and success
        rate are stored under it, whatever it looks like); a new line gets an id made from its name."""
        names = [line.strip("\r") for line in self.custom_outcomes.value.split("\n") if line.strip()]
        loaded = list(self.custom_ids)
        out: dict[str, str] = {}
        for name in names:
            match = next((pair for pair in loaded if pair[1] == name), None)
            if match is not None:
                loaded.remove(match)
                oid = match[0]
            else:
                oid = base = slug(name)
                n = 2
                while oid in out or any(oid == i for i, _ in loaded):
                    oid, n = f"{base}_{n}", n + 1
            out[oid] = name
        return out

    # --- read / load --------------------------------------------------------------------------------
    def read(self, data: dict, problems: list[Problem]) -> None:
        """The step's inputs into `data`; an input that cannot be used adds a Problem at its path and puts None
        there (the app then shows the input's own message, not the kernel's about None)."""
        for w in self.simple:
            put(data, w.field.path, read_field(problems, w.field.path, w.get))
        if self.group.value == CUSTOM:
            data["custom_target_group"] = {
                "name": self.custom_name.value.strip(),
                "outcomes": self.custom_outcome_names(),
            }
        else:
            data["target_group"] = self.group.value
        # the number of years is the length of the list below: an unreadable one is a problem of its own
        read_field(problems, self.n_years.field.path, self.n_years.get)
        data["participants"] = []
        first = self._year_one()
        for i, w in enumerate(self.participant_inputs):
            year = f"{first + i}" if first is not None else f"år {i + 1}"

            def starters(text: str = w.value, year: str = year) -> int:
                try:
                    return int(self.participants_field.read(text))
                except ValueError as e:
                    raise FieldValueError(f"Nye deltagere i {year}: {e}") from None

            data["participants"].append(read_field(problems, f"participants[{i}]", starters))

    def load(self, s: Scenario) -> None:
        for w in self.simple:
            w.set(value_at(s, w.field.path))
        if s.custom_target_group is not None:
            self.custom_name.value = s.custom_target_group.name
            self.custom_ids = list(s.custom_target_group.outcomes.items())
            self.custom_outcomes.value = "\n".join(s.custom_target_group.outcomes.values())
            self.group.value = CUSTOM
        else:
            self.group.value = s.target_group
        self._show_group_info()
        self.n_years.set(len(s.participants))
        self._set_participant_count(len(s.participants), list(s.participants))


class CostsStep:
    """Step 2: the intervention's costs per actor (kroner), their price level and welfare area, and the resource
    table they can be built from (app_resources.py) (som_kernel.fields)."""

    def __init__(self, kb: KnowledgeBase, changed):
        self.changed = changed
        self.cells: dict[tuple[str, str], FieldInput] = {}
        rows = [W.HBox([label("", "380px"), *[label(ACTOR_LABELS[a], "180px") for a in ACTORS]])]
        self.grid_fields = []
        self.lines = [f.path.split(".")[1] for f in COST_LINE_FIELDS]
        # the kommune's committee (udvalg) carrying each cost line; None: the knowledge base's default
        names = kb.committees.names if kb.committees is not None else {}
        choices = choice_options(
            [("Standardudvalget", None), *[(v, k) for k, v in names.items() if k != "ikke_fordelt"]]
        )
        self.committee = {line: W.Dropdown(options=choices, layout=W.Layout(width="220px")) for line in self.lines}
        for w in self.committee.values():
            w.observe(lambda _: self.changed(), "value")
        rows[0].children = (*rows[0].children, label("Udvalg i kommunen" if names else "", "220px"))
        for field in COST_LINE_FIELDS:
            cells = []
            for a in ACTORS:
                f = FieldInput(field.at(actor=a), width="120px", show_label=False)
                f.set(0.0)
                f.observe(lambda _: self.changed())
                self.cells[(field.path.split(".")[1], a)] = f
                f.box.layout.width = "180px"
                cells.append(f.box)
                self.grid_fields.append(([f.field.path], f.msg, f.input))
            line = field.path.split(".")[1]
            rows.append(
                W.HBox([label(field.label, "380px", field.help), *cells, *([self.committee[line]] if names else [])])
            )
        years = price_years(kb)
        self.price_year = FieldInput(
            F["costs.price_year"],
            options=[(str(y), y) for y in years],
            width="300px",
            label_width="380px",
        )
        self.area = FieldInput(F["costs.welfare_area"], width="300px", label_width="380px")
        for w in (self.price_year, self.area):
            w.observe(lambda _: self.changed())
        self.grid_fields.append((["costs.price_year"], self.price_year.msg, self.price_year.input))
        self.resources = ResourcesEditor(kb, changed)
        self.total = W.HTML()
        self.widget = W.VBox(
            [
                W.HTML("<h3>Trin 2 · Omkostninger</h3>"),
                help_html(
                    "Indsatsens omkostninger fordelt på de aktører, der betaler: skriv beløbene her, eller byg dem op "
                    "af ressourcer nedenfor (de lægges til beløbene). Angiv beløb i hele kroner. "
                    "Hold musen over ? for en forklaring."
                ),
                *rows,
                self.price_year.box,
                self.area.box,
                self.resources.widget,
                self.total,
            ],
            layout=W.Layout(padding="6px"),
        )

    @property
    def fields(self) -> list:
        """Where each message goes: the grid, the price year, and the resource table's rows as they are now."""
        return self.grid_fields + self.resources.fields

    def show_total(self, result) -> None:
        """The costs in total and per participant (net of saved costs), from the last valid result, and how the
        resource lines come about."""
        self.resources.show(result.scenario)
        cost = -float(result.totals_by_kind().at["cost", "total"])
        per = cost / result.scenario.total_participants
        self.total.value = (
            f"<div class='som-ok' style='margin-top:8px'>Omkostninger i alt, netto efter sparede omkostninger: "
            f"<b>{kr(cost)}</b> · pr. deltager: <b>{kr(per)}</b> (prisniveau {result.scenario.settings.price_year})"
            "</div>"
        )

    def read(self, data: dict, problems: list[Problem]) -> None:
        for w in (*self.cells.values(), self.price_year, self.area):
            put(data, w.field.path, read_field(problems, w.field.path, w.get))
        committees = {line: chosen(w.value) for line, w in self.committee.items()}
        data.setdefault("costs", {})["committees"] = {k: v for k, v in committees.items() if v is not None}
        self.resources.read(data, problems)

    def load(self, s: Scenario) -> None:
        for w in (*self.cells.values(), self.price_year, self.area):
            w.set(value_at(s, w.field.path))
        for line, w in self.committee.items():
            committee = choice(s.costs.committees.get(line))
            w.value = committee if committee in {v for _, v in w.options} else NO_VALUE
        self.resources.load(s)
