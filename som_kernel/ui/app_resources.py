"""Step 2's resource table: Social- og Boligstyrelsen's cost model inside the app. One row of inputs per resource
line (what, category, cost line, payer, quantity, unit, a profession's wage or an own price), built from the
declared fields (som_kernel.fields, `costs.resources[{i}].…`), the overhead share on staff, and how each line's
amount comes about (som_kernel.describe) from the last valid result."""

from __future__ import annotations

import ipywidgets as W

from ..describe import resource_rows
from ..errors import Problem
from ..fields import FIELD, put
from ..format import kr, pct
from ..kb import LOCAL_COLUMN, KnowledgeBase
from ..scenario import Resource, Scenario
from ..steps.costs import overhead_share
from .app_widgets import FieldInput, esc, help_html, label, message_widget

# the inputs of one row, in the order shown, with the width of the input and of its column (the price's column
# also holds its unit, kr.); the header above the rows uses the same column widths
ROW_FIELDS = (
    ("name", 200, 206),
    ("category", 110, 116),
    ("line", 200, 206),
    ("actor", 90, 96),
    ("quantity", 70, 76),
    ("unit", 80, 86),
    ("profession", 200, 206),
    ("unit_price", 90, 132),
)
# what a new row holds: nothing is missing, and it costs 0 kr. until the person fills it in
NEW_ROW = {"name": "Ny ressource", "line": "running_per_participant", "quantity": "0", "unit_price": "0"}


def _path(name: str) -> str:
    return f"costs.resources[{{i}}].{name}"


def profession_options(kb: KnowledgeBase) -> list[tuple[str, str]]:
    """(Danish text, id) of every profession in wages.csv, offered after the field's own price: 'Pædagog (464.400
    kr./årsværk, 2023)', with ', lokal' when the wage comes from the kommune's local layer."""
    rows = kb.wages.sort_values("name")
    local = lambda r: ", lokal" if r.get(LOCAL_COLUMN) else ""  # noqa: E731
    return [
        (f"{r['name']} ({kr(r['annual_wage'])}/årsværk, {int(r['price_year'])}{local(r)})", r["profession"])
        for _, r in rows.iterrows()
    ]


class ResourceRow:
    """The inputs of resource line `i`; `raw()` is what the person typed, to rebuild the rows after a removal."""

    def __init__(self, i: int, professions: list, changed, remove):
        self.i = i
        self.inputs: dict[str, FieldInput] = {}
        for name, width, column in ROW_FIELDS:
            options = professions if name == "profession" else None
            f = FieldInput(FIELD[_path(name)].at(i=i), width=f"{width}px", show_label=False, options=options)
            f.box.layout.width = f"{column}px"
            f.observe(lambda _: changed())
            self.inputs[name] = f
        self.inputs["profession"].observe(lambda _: self._own_price())
        self.delete = W.Button(description="Fjern", tooltip="Fjern ressourcen", layout=W.Layout(width="60px"))
        self.delete.on_click(lambda _: remove(self.i))
        self.msg = message_widget()
        self.widget = W.VBox(
            [W.HBox([*(f.box for f in self.inputs.values()), self.delete], layout=W.Layout(flex_flow="row")), self.msg]
        )
        self._own_price()

    def _own_price(self) -> None:
        """An own price is typed only when no profession prices the line."""
        self.inputs["unit_price"].input.disabled = self.inputs["profession"].get() is not None

    def fields(self) -> list[tuple[list[str], W.HTML, W.Widget | None]]:
        """Where a message about this line goes: each input's own path, the rest of the line under the row."""
        out = [([f.field.path], f.msg, f.input) for f in self.inputs.values()]
        return out + [([f"costs.resources[{self.i}]"], self.msg, None)]

    def read(self, problems: list[Problem]) -> dict:
        line: dict = {}
        for name, f in self.inputs.items():
            if name == "unit_price" and self.inputs["profession"].get() is not None:
                line[name] = None
                continue
            try:
                line[name] = f.get()
            except ValueError as e:
                problems.append(Problem(f.field.path, f"{e}."))
                line[name] = None
        return line

    def raw(self) -> dict:
        return {name: f.value for name, f in self.inputs.items()}

    def set_raw(self, raw: dict) -> None:
        for name, value in raw.items():
            self.inputs[name].value = value
        self._own_price()

    def load(self, r: Resource) -> None:
        for name, f in self.inputs.items():
            f.set(getattr(r, name))
        self._own_price()


class ResourcesEditor:
    """The resource table of step 2: rows, 'Tilføj ressource', the overhead share and the derivation."""

    def __init__(self, kb: KnowledgeBase, changed):
        self.kb, self.changed = kb, changed
        self.professions = profession_options(kb)
        self.rows: list[ResourceRow] = []
        self.rows_box = W.VBox()
        self.add = W.Button(description="Tilføj ressource", icon="plus", layout=W.Layout(width="170px"))
        self.add.on_click(lambda _: self._add())
        default = kb.meta.overhead.share if kb.meta.overhead is not None else 0.0
        overhead_field = FIELD["costs.overhead_share"]
        self.overhead = FieldInput(overhead_field, width="130px", label_width="380px")
        self.overhead.input.placeholder = f"{pct(default, 0)} (vidensdatabasens standard)"
        self.overhead.observe(lambda _: self.changed())
        self.derivation = W.HTML()
        self.list_msg = message_widget()
        heads = W.HBox(
            [label(FIELD[_path(n)].label, f"{column}px", FIELD[_path(n)].help) for n, _, column in ROW_FIELDS]
        )
        self.widget = W.VBox(
            [
                W.HTML("<h4>Ressourcer (omkostningsmodellen)</h4>"),
                help_html(
                    "Byg omkostningerne op af de ressourcer, indsatsen bruger, som i Social- og Boligstyrelsens "
                    "omkostningsmodel: medarbejdertimer eller årsværk pr. faggruppe (løn inkl. pension fra "
                    "vidensdatabasen eller kommunens lokale lag, med kilde) eller til egen pris, uddannelse, "
                    "supervision, lokaler, materialer og "
                    "køb. Hver ressource lægges til den omkostningslinje, du vælger; den sædvanlige indsats "
                    "(basisalternativet) beskrives på samme måde. Beløbene ovenfor lægges til ressourcerne."
                ),
                heads,
                self.rows_box,
                self.list_msg,
                self.add,
                self.overhead.box,
                self.derivation,
            ]
        )

    # -- rows ---------------------------------------------------------------------------------------------
    def _rebuild(self, raws: list[dict]) -> None:
        self.rows = [ResourceRow(i, self.professions, self.changed, self._remove) for i in range(len(raws))]
        for row, raw in zip(self.rows, raws, strict=True):
            if raw:
                row.set_raw(raw)
        self.rows_box.children = [r.widget for r in self.rows]

    def _add(self) -> None:
        self._rebuild([r.raw() for r in self.rows] + [NEW_ROW])
        self.changed()

    def _remove(self, i: int) -> None:
        self._rebuild([r.raw() for k, r in enumerate(self.rows) if k != i])
        self.changed()

    # -- the step's protocol ------------------------------------------------------------------------------
    @property
    def fields(self) -> list[tuple[list[str], W.HTML, W.Widget | None]]:
        out = [
            (["costs.resources"], self.list_msg, None),
            (["costs.overhead_share"], self.overhead.msg, self.overhead.input),
        ]
        for row in self.rows:
            out += row.fields()
        return out

    def read(self, data: dict, problems: list[Problem]) -> None:
        put(data, "costs.resources", [row.read(problems) for row in self.rows])
        text = self.overhead.value.strip()
        try:
            share = self.overhead.get() if text else None
        except ValueError as e:
            problems.append(Problem("costs.overhead_share", f"{e}."))
            share = None
        put(data, "costs.overhead_share", share)

    def load(self, s: Scenario) -> None:
        self._rebuild([{} for _ in s.costs.resources])
        for row, r in zip(self.rows, s.costs.resources, strict=True):
            row.load(r)
        self.overhead.set(s.costs.overhead_share)

    def show(self, scenario: Scenario) -> None:
        """How each line's amount comes about, for the last valid scenario (som_kernel.describe)."""
        rows = resource_rows(scenario, self.kb)
        if not rows:
            self.derivation.value = ""
            return
        share = overhead_share(scenario.costs, self.kb)
        body = "".join(
            f"<tr><td>{esc(r.label.removeprefix('Ressource: '))}</td><td>{esc(r.text)}</td>"
            f"<td class='som-help'>{esc(r.source)}</td></tr>"
            for r in rows
            if r.key != "costs.overhead_share"
        )
        self.derivation.value = (
            "<table class='som-table'><tr><th>Ressource</th><th>Udregning</th><th>Kilde</th></tr>"
            f"{body}</table><div class='som-help'>Overhead på personale: {esc(pct(share, 0))} af lønnen.</div>"
        )
