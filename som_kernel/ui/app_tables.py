"""Steps 4–5 of the app (Konsekvenser, Priser): editable tables over the knowledge base.

A cell shows the knowledge-base value until the user types another; then it becomes a local value
(consequence_overrides / price_overrides), highlighted yellow and marked "lokal". Emptying a cell,
or typing the knowledge-base value, removes the local value. The tables are built only when their
tab is shown (they hold many inputs), and rebuilt when the target group, outcomes or horizon change.
"""

from __future__ import annotations

from dataclasses import replace

import ipywidgets as W
import pandas as pd

from ..checks import local_price_name, local_price_verdict, local_price_verdicts
from ..engine import consequence_rows, unit_prices
from ..errors import KnowledgeError, Problem
from ..fields import FIELD, fmt_number
from ..kb import ACTORS, WELFARE_AREA_NAMES_DA, KnowledgeBase
from ..kb.rules import FAMILY_NAMES_DA, default_weeks_on_support
from ..names import STATUS_NAMES_DA
from ..scenario import Scenario
from ..steps.prices import first_consequence_year, weeks_on_benefits
from .app_steps import ACTOR_LABELS, read_field, source_html
from .app_widgets import (
    FieldInput,
    attr,
    canonical,
    esc,
    help_html,
    label,
    message_widget,
    show_messages,
)

DELTA_USE = FIELD["consequence_overrides[{i}].delta_use"]
PRICE = FIELD["price_overrides[{i}].price"]


def _cell(value: float | None, local: bool, width: str = "68px", decimals: int = 4) -> W.Text:
    w = W.Text(
        value=fmt_number(value, decimals) if value is not None else "",
        placeholder="0",
        continuous_update=False,
        layout=W.Layout(width=width),
    )
    if local:
        w.add_class("som-overridden")
    return w


def css(widget: W.Widget, css_class: str) -> W.Widget:
    widget.add_class(css_class)
    return widget


def slot(widget: W.Widget, width: str) -> W.HBox:
    """A fixed-width grid cell: a header text and an input (or checkbox) get the same box, so they line up."""
    return W.HBox([widget], layout=W.Layout(width=width))


def grid_row(children: list[W.Widget]) -> W.HBox:
    """A header or data row of a grid: its cells keep their widths (CSS .som-grid), so the columns line up
    under their headers even when the table is wider than the page (it scrolls sideways instead)."""
    row = W.HBox(children, layout=W.Layout(border_bottom="1px solid #eee"))
    row.add_class("som-grid")
    return row


def _service_label(info, unit: str, rows: pd.DataFrame, flags: list[str], no_source: str, width: str) -> W.HTML:
    """A service's name and unit, welfare area, the source of its knowledge-base rows and its status flags
    (illustrative first); `no_source` where the knowledge base has no row (a local value)."""
    if len(rows) and rows["illustrative"].any():
        flags = ['<span class="som-flag">illustrativ</span>', *flags]
    if len(rows) and "local_layer" in rows and (rows["local_layer"] != "").any():
        # a kommune's estimate from its own panel says so, with its panel and that its intervals are its uncertainty
        estimated = "status" in rows and (rows["status"] == "local_estimated").all()
        title = rows["local_layer"].max() + (
            f": estimeret fra panelet {rows['panel'].iloc[0]}; intervallerne er usikkerheden i Monte Carlo"
            if estimated and "panel" in rows
            else ""
        )
        label = STATUS_NAMES_DA["local_estimated"] if estimated else STATUS_NAMES_DA["local"]
        flags = [f'<span class="som-flag" title="{attr(title)}">{label}</span>', *flags]
    src = source_html(rows["source_title"].iloc[0], rows["source_url"].iloc[0], False) if len(rows) else no_source
    return W.HTML(
        f"<b>{esc(info['name'])}</b>{unit}<br><small>"
        f"{esc(WELFARE_AREA_NAMES_DA[info['welfare_area']])} · {src}</small> {' '.join(flags)}",
        layout=W.Layout(width=width),
    )


class ConsequencesStep:
    """Step 4: consequence estimates (change in use per successful person per year) per outcome × service."""

    def __init__(self, kb: KnowledgeBase, changed):
        self.kb = kb
        self.changed = changed
        self.overrides: dict[tuple[str, str, int], float] = {}
        self.errors: dict[tuple[str, str, int], str] = {}
        self.extra: dict[str, list[str]] = {}  # outcome → services added by the user
        self.marks: dict[tuple[str, str], W.HTML] = {}  # "lokal værdi" marks by (outcome, service)
        self.cells: dict[tuple[str, str, int], W.Text] = {}  # the shown inputs, by (outcome, service, year)
        self.signature = None
        self.box = W.VBox()
        self.msg = message_widget()
        self.reset = W.Button(description="Fjern alle lokale værdier", layout=W.Layout(width="220px"))
        self.reset.on_click(self._reset)
        self.widget = W.VBox(
            [
                W.HTML("<h3>Trin 4 · Konsekvenser</h3>"),
                help_html(
                    "Ændring i brug af hver ydelse pr. person, der når effektmålet, i år 1, 2, 3 … efter "
                    "forløbet (negativ = mindre brug). Tallene kommer fra vidensdatabasen; skriv et andet tal for "
                    "at bruge en lokal værdi (gul). Tøm feltet for at gå tilbage til vidensdatabasens værdi."
                ),
                self.msg,
                self.reset,
                self.box,
            ],
            layout=W.Layout(padding="6px"),
        )
        self.fields = [(["consequence_overrides"], self.msg, None)]

    def _reset(self, _=None) -> None:
        self.overrides.clear()
        self.errors.clear()
        self.signature = None
        self.changed(force_tables=True)

    def read(self, data: dict, problems: list[Problem]) -> None:
        chosen = {o["outcome"] for o in data.get("outcomes", [])}
        horizon = data.get("settings", {}).get("horizon_years", 10)
        data["consequence_overrides"] = [
            {"outcome": o, "service": s, "year": y, "delta_use": v}
            for (o, s, y), v in sorted(self.overrides.items())
            if o in chosen and isinstance(horizon, int) and y <= horizon
        ]
        names = dict(zip(self.kb.services["id"], self.kb.services["name"]))
        for (o, s, y), text in sorted(self.errors.items()):
            if o in chosen:
                problems.append(Problem("consequence_overrides", f"{names.get(s, s)}, år {y}: {text}."))

    def load(self, s: Scenario) -> None:
        self.overrides = {(c.outcome, c.service, c.year): c.delta_use for c in s.consequence_overrides}
        self.errors.clear()
        self.signature = None

    def render(self, data: dict, outcome_names: dict[str, str], force: bool = False) -> None:
        group = data.get("target_group")
        outcomes = [o["outcome"] for o in data.get("outcomes", [])]
        horizon = data.get("settings", {}).get("horizon_years", 10)
        horizon = horizon if isinstance(horizon, int) and 1 <= horizon <= 50 else 10
        sig = (group, tuple(outcomes), horizon)
        if sig == self.signature and not force:
            return
        self.signature = sig
        self.cells, self.marks = {}, {}
        parts = []
        for o in outcomes:
            parts.append(self._outcome_table(group, o, outcome_names.get(o, o), horizon))
        self.box.children = parts or [help_html("Vælg mindst ét effektmål i trin 3.")]

    def _outcome_table(self, group: str | None, outcome: str, name: str, horizon: int) -> W.Widget:
        kb = self.kb
        c = kb.consequences_for(group, outcome) if group else kb.consequences.iloc[0:0]
        base = {(r.service, int(r.year)): float(r.delta_use) for r in c.itertuples()}
        services = list(
            dict.fromkeys(
                [*c["service"], *[s for (o, s, _) in self.overrides if o == outcome], *self.extra.get(outcome, [])]
            )
        )
        svc = kb.services.set_index("id")
        header = grid_row(
            [
                label("Ydelse (enhed pr. person pr. år)", "300px"),
                *[
                    css(W.HTML(f"<b>År {k}</b>", layout=W.Layout(width="68px")), "som-year-head")
                    for k in range(1, horizon + 1)
                ],
            ]
        )
        rows = [header]
        for s in services:
            info = svc.loc[s]
            cells = []
            for k in range(1, horizon + 1):
                local = (outcome, s, k) in self.overrides
                kb_value = base.get((s, k))
                w = css(_cell(self.overrides.get((outcome, s, k), kb_value), local), "som-year-cell")
                w.observe(lambda ch, key=(outcome, s, k), b=kb_value, cell=w: self._edit(key, b, cell, ch), "value")
                cells.append(w)
                self.cells[(outcome, s, k)] = w
            rows_c = c[c["service"] == s]
            cal = [x for x in rows_c["calibrated_to"] if x] if len(rows_c) else []
            flags = [f'<span class="som-flag" title="{attr(cal[0])}">kalibreret</span>'] if cal else []
            lab = _service_label(
                info, f" ({esc(info['unit'])})", rows_c, flags, "Kilde: lokal værdi (ikke i vidensdatabasen)", "300px"
            )
            mark = W.HTML(layout=W.Layout(width="90px"))
            self.marks[(outcome, s)] = mark
            self._mark(outcome, s)
            rows.append(grid_row([lab, *cells, mark]))
        others = [(f"{r.name} ({r.unit})", r.id) for r in kb.services.itertuples() if r.id not in services]
        add = W.Dropdown(options=[("Tilføj en ydelse …", ""), *others], layout=W.Layout(width="300px"))
        add.observe(lambda ch, o=outcome: self._add(o, ch["new"]), "value")
        return W.VBox(
            [W.HTML(f"<h4>Effektmål: {esc(name)}</h4>"), *rows, add],
            layout=W.Layout(margin="0 0 12px 0", overflow="auto"),
        )

    def _mark(self, outcome: str, service: str) -> None:
        local = any(o == outcome and sv == service for (o, sv, _) in self.overrides)
        if (outcome, service) in self.marks:
            self.marks[(outcome, service)].value = '<span class="som-local">✎ lokal værdi</span>' if local else ""

    def _add(self, outcome: str, service: str | None) -> None:
        if service:
            self.extra.setdefault(outcome, []).append(service)
            self.signature = None
            self.changed(force_tables=True)

    def _edit(self, key, base: float | None, cell: W.Text, change) -> None:
        text = change["new"]
        self.errors.pop(key, None)
        if not text.strip() and base is not None:
            cell.value = fmt_number(base, 4)  # show the knowledge-base value again; this re-enters _edit
            return
        try:
            value = replace(DELTA_USE, blank=base if base is not None else 0.0).read(text)
        except ValueError as e:
            self.errors[key] = str(e)
            cell.add_class("som-invalid")
            self.changed()
            return
        if canonical(text) != text:  # '0.75' → '0,75': the cell shows the number as it is used
            cell.value = canonical(text)  # re-enters _edit with the Danish text
            return
        cell.remove_class("som-invalid")
        if abs(value - (base or 0.0)) < 1e-12:
            self.overrides.pop(key, None)
            cell.remove_class("som-overridden")
        else:
            self.overrides[key] = value
            cell.add_class("som-overridden")
        self._mark(key[0], key[1])
        self.changed()

    def show(self, problems: list[Problem]) -> None:
        show_messages(self.msg, [p.message for p in problems if p.where.startswith("consequence_overrides")])


def _rule_name(kb: KnowledgeBase, service: str) -> str:
    return FAMILY_NAMES_DA[kb.rules.link(service)["rule"]]


class PricesStep:
    """Step 5: unit prices per service and actor at the scenario's price level; which services count."""

    def __init__(self, kb: KnowledgeBase, changed):
        self.kb = kb
        self.changed = changed
        self.overrides: dict[tuple[str, str], tuple[float, int | None]] = {}  # (service, actor) → (price, year)
        self.errors: dict[tuple[str, str], str] = {}
        self.warnings: dict[tuple[str, str], str] = {}  # plausible but unusual local prices (units.csv)
        self.notes = W.HTML()
        self.excluded: set[str] = set()
        self.signature = None
        self.cells: dict[tuple[str, str], W.Text] = {}  # the shown inputs, by (service, actor)
        self.include: dict[str, W.Checkbox] = {}
        self.marks: dict[str, W.HTML] = {}  # "lokal pris" marks by service
        self.show_all = W.Checkbox(value=False, description="Vis alle ydelser i vidensdatabasen", indent=False)
        self.show_all.observe(lambda _: self.changed(force_tables=True), "value")
        self.level = W.HTML()
        self.box = W.VBox()
        self.msg = message_widget()
        # the two settings the public-finance rules need (knowledge/rules/); shown only when the knowledge has rules
        self.weeks = FieldInput(FIELD["settings.weeks_on_benefits"], label_width="320px")
        self.net_of_tax = FieldInput(FIELD["settings.benefits_net_of_tax"], label_width="320px")
        for w in (self.weeks, self.net_of_tax):
            w.observe(lambda _: self.changed(force_tables=True))
        self.rules_box = W.VBox(
            [
                self.weeks.box,
                help_html(
                    "Refusionstrappen: staten refunderer 80 % af en forsørgelsesydelse de første 4 uger, 40 % i "
                    "uge 5–26, 30 % i uge 27–52 og 20 % derefter (for a-dagpenge betaler kommunen spejlbilledet "
                    "20/60/70/80 %). Jo længere deltagerne har været på ydelse, jo større del af en sparet ydelse "
                    "er kommunens. Tællingen fortsætter under indsatsen og i konsekvensårene."
                ),
                self.net_of_tax.box,
                help_html(
                    "Ydelser er skattepligtige, så en sparet ydelse er mindre værd end bruttobeløbet: kommunen "
                    "mister kommuneskatten, staten bundskatten. Fjern fluebenet for at regne på bruttobeløb, fx for "
                    "at sammenligne med en beregning, der gør det."
                ),
            ]
        )
        self.rules_box.layout.display = "" if kb.rules is not None else "none"
        self.widget = W.VBox(
            [
                W.HTML("<h3>Trin 5 · Priser</h3>"),
                help_html(
                    "Enhedspriser pr. ydelse for hver aktør efter refusion (kr. pr. enhed). Vidensdatabasens "
                    "priser er omregnet til beregningens prisniveau med nettoprisindekset. Skriv en lokal pris "
                    "(gul) eller fjern fluebenet for at lade en ydelse ude af beregningen."
                ),
                self.rules_box,
                self.level,
                self.msg,
                self.notes,
                self.show_all,
                self.box,
            ],
            layout=W.Layout(padding="6px"),
        )
        self.fields = [
            (["price_overrides", "excluded_services"], self.msg, None),
            *[([w.field.path], w.msg, w.input) for w in (self.weeks, self.net_of_tax)],
        ]

    def read(self, data: dict, problems: list[Problem]) -> None:
        data["price_overrides"] = [
            {"service": s, "actor": a, "price": p, "price_year": y} for (s, a), (p, y) in sorted(self.overrides.items())
        ]
        data["excluded_services"] = sorted(self.excluded)
        if self.kb.rules is not None:
            settings = data.setdefault("settings", {})
            settings["benefits_net_of_tax"] = self.net_of_tax.get()
            weeks = read_field(problems, self.weeks.field.path, self.weeks.get)
            settings["weeks_on_benefits"] = None if weeks == self._default_weeks(settings.get("first_year")) else weeks
        for (s, a), text in sorted(self.errors.items()):
            end = "" if text.endswith(("?", ".")) else "."
            problems.append(Problem("price_overrides", f"{local_price_name(self.kb, s, a)}: {text}{end}"))

    def load(self, s: Scenario) -> None:
        self.overrides = {(p.service, p.actor): (p.price, p.price_year) for p in s.price_overrides}
        self.excluded = set(s.excluded_services)
        self.errors.clear()
        # an unusually high local price from a file gets the warning it gets typed (a refused one is not loaded)
        self.warnings = {
            (s.price_overrides[i].service, s.price_overrides[i].actor): message
            for i, refused, message in local_price_verdicts(s, self.kb)
            if not refused
        }
        self._show_warnings()
        self.signature = None
        if self.kb.rules is not None:
            self.weeks.set(weeks_on_benefits(s, self.kb))
            self.net_of_tax.set(s.settings.benefits_net_of_tax)

    def _default_weeks(self, first_year: int | None) -> int | None:
        """The knowledge base's default weeks for a first year (None: no year, or one the rules do not reach)."""
        try:
            return default_weeks_on_support(self.kb.rules, int(first_year)) if first_year else None
        except KnowledgeError:
            return None

    def render(self, scenario: Scenario, force: bool = False) -> None:
        included = scenario.model_copy(update={"excluded_services": []})
        used = list(dict.fromkeys(consequence_rows(included, self.kb)["service"]))
        services = (
            list(self.kb.services["id"])
            if self.show_all.value
            else list(dict.fromkeys([*used, *[s for s, _ in self.overrides], *self.excluded]))
        )
        st = scenario.settings
        sig = (st, scenario.duration_years, tuple(services))
        if sig == self.signature and not force:
            return
        self.signature = sig
        self.cells, self.include, self.marks = {}, {}, {}
        self.level.value = f"<b>Prisniveau: {st.price_year}</b> (kr. i {st.price_year}-priser)"
        if self.kb.rules is not None:
            self.level.value += (
                f". Ydelser markeret »regel« er fordelt efter reglerne for {first_consequence_year(scenario)} "
                "(første konsekvensår); beregningen bruger reglerne for hvert kalenderår."
            )
        base = unit_prices(included.model_copy(update={"price_overrides": []}), self.kb)
        current = unit_prices(included, self.kb)
        svc = self.kb.services.set_index("id")
        prices = self.kb.prices
        header = grid_row(
            [
                slot(W.HTML("<b>Med</b>"), "44px"),
                label("Ydelse", "340px"),
                *[css(slot(W.HTML(f"<b>{ACTOR_LABELS[a]}</b>"), "120px"), "som-actor-head") for a in ACTORS],
            ]
        )
        rows = [header]
        for s in services:
            info = svc.loc[s]
            include = W.Checkbox(value=s not in self.excluded, indent=False, layout=W.Layout(width="36px"))
            include.observe(lambda ch, s=s: self._include(s, ch["new"]), "value")
            self.include[s] = include
            cells = []
            for a in ACTORS:
                b = float(base.loc[s, a]) if s in base.index else 0.0
                v = float(current.loc[s, a]) if s in current.index else 0.0
                local = (s, a) in self.overrides
                w = _cell(v if (v or local or b) else None, local, width="110px", decimals=2)
                w.observe(lambda ch, key=(s, a), b=b, cell=w: self._edit(key, b, cell, ch, scenario), "value")
                cells.append(css(slot(w, "120px"), "som-actor-cell"))
                self.cells[(s, a)] = w
            pr = prices[prices["service"] == s]
            flags = [] if s in used else ['<span class="som-help">(bruges ikke af de valgte effektmål)</span>']
            if self.kb.rules is not None and self.kb.rules.linked(s):
                flags.append(f'<span class="som-help">(regel: {esc(_rule_name(self.kb, s))})</span>')
            lab = _service_label(info, f" · kr. pr. {esc(info['unit'])}", pr, flags, "Kilde: lokal pris", "340px")
            mark = W.HTML(layout=W.Layout(width="90px"))
            self.marks[s] = mark
            self._mark(s)
            rows.append(grid_row([slot(include, "44px"), lab, *cells, mark]))
        self.box.children = rows if services else [help_html("Ingen ydelser i brug endnu.")]

    def _mark(self, service: str) -> None:
        if service in self.marks:
            local = any(sv == service for sv, _ in self.overrides)
            self.marks[service].value = '<span class="som-local">✎ lokal pris</span>' if local else ""

    def _include(self, service: str, on: bool) -> None:
        (self.excluded.discard if on else self.excluded.add)(service)
        self.changed()

    def _edit(self, key, base: float, cell: W.Text, change, scenario: Scenario) -> None:
        self.errors.pop(key, None)
        if not change["new"].strip() and base:
            cell.value = fmt_number(base, 2)  # show the knowledge-base price again; this re-enters _edit
            return
        self.warnings.pop(key, None)
        try:
            value = replace(PRICE, blank=base).read(change["new"])
            verdict = local_price_verdict(self.kb, key[0], value) if abs(value - base) >= 0.005 else None
            if verdict is not None and verdict[0]:
                raise ValueError(verdict[1])
        except ValueError as e:
            self._show_warnings()
            self.errors[key] = str(e)
            cell.add_class("som-invalid")
            self.changed()
            return
        if canonical(change["new"], "kr") != change["new"]:  # '2079.26' → '2.079,26': as it is used
            cell.value = canonical(change["new"], "kr")  # re-enters _edit with the Danish text
            return
        cell.remove_class("som-invalid")
        if abs(value - base) < 0.005:
            self.overrides.pop(key, None)
            cell.remove_class("som-overridden")
        else:
            self.overrides[key] = (value, scenario.settings.price_year)
            cell.add_class("som-overridden")
            if verdict is not None:  # unusually high for its unit: kept, with the knowledge loader's warning
                self.warnings[key] = f"{local_price_name(self.kb, *key)}: {verdict[1]}"
        self._show_warnings()
        self._mark(key[0])
        self.changed()

    def _show_warnings(self) -> None:
        self.notes.value = "".join(f"<div class='som-warning'>⚠ {esc(w)}</div>" for w in self.warnings.values())

    def show(self, problems: list[Problem]) -> None:
        show_messages(
            self.msg, [p.message for p in problems if p.where.startswith(("price_overrides", "excluded_services"))]
        )
