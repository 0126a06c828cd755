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
from ..format import kr, pct
from ..knowledge import KnowledgeBase
from ..names import ACTOR_NAMES_DA, ACTORS, COST_FIELD_HELP_DA, COST_FIELD_NAMES_DA, WELFARE_AREA_NAMES_DA
from ..scenario import MAX_HORIZON, Scenario
from .app_widgets import NumberField, attr, esc, fmt_number, help_html, label, message_widget, parse_field

CUSTOM = "__egen__"
ACTOR_LABELS = ACTOR_NAMES_DA
FINANCE_MINISTRY_RATE = 0.035


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


class BasisStep:
    """Step 1: name, target group, participants, duration, years, price level, discount rate."""

    def __init__(self, kb: KnowledgeBase, changed):
        self.kb = kb
        self.changed = changed
        self.name = W.Text(continuous_update=False, layout=W.Layout(width="420px"))
        self.description = W.Textarea(continuous_update=False, layout=W.Layout(width="420px", height="50px"))
        groups = [(r.name, r.id) for r in kb.target_groups.itertuples()]
        self.group = W.Dropdown(
            options=[*groups, ("Egen målgruppe (uden for vidensdatabasen) …", CUSTOM)], layout=W.Layout(width="420px")
        )
        self.group_info = help_html("")
        self.custom_name = W.Text(
            continuous_update=False, placeholder="fx Unge med angst", layout=W.Layout(width="300px")
        )
        self.custom_outcomes = W.Textarea(
            continuous_update=False,
            placeholder="Ét effektmål pr. linje, fx I job",
            layout=W.Layout(width="300px", height="60px"),
        )
        self.custom_ids: list[tuple[str, str]] = []  # (id, name) of the loaded file's own outcomes
        self.custom_msg = message_widget()
        self.custom_box = W.VBox(
            [
                W.HBox([label("Navn på egen målgruppe"), self.custom_name]),
                W.HBox([label("Effektmål (ét pr. linje)"), self.custom_outcomes]),
                help_html(
                    "En egen målgruppe har ingen konsekvensestimater i vidensdatabasen: angiv dem selv i trin 4."
                ),
                self.custom_msg,
            ]
        )
        self.n_years = W.BoundedIntText(min=1, max=MAX_HORIZON, layout=W.Layout(width="80px"))
        # Text, not IntText: the browser's number box once read a typed "1.500" as 1 without a word
        self.participant_inputs: list[W.Text] = []
        self.participants_box = W.HBox(layout=W.Layout(flex_flow="row wrap"))
        self.participants_msg = message_widget()
        self.duration = W.IntText(layout=W.Layout(width="80px"))
        self.duration_msg = message_widget()
        self.first_year = W.IntText(layout=W.Layout(width="80px"))
        self.first_year_msg = message_widget()
        self.horizon = W.IntText(layout=W.Layout(width="80px"))
        self.horizon_msg = message_widget()
        years = sorted(int(y) for y in kb.net_price_index["year"])
        self.price_year = W.Dropdown(options=years, layout=W.Layout(width="100px"))
        self.price_msg = message_widget()
        self.discount = NumberField(
            "Diskonteringsrente",
            "% om året",
            0.0,
            scale=100,
            decimals=2,
            tip="0 % viser budgettal år for år; 3,5 % er Finansministeriets "
            "samfundsøkonomiske kalkulationsrente (fra 2021).",
        )
        self.fm_button = W.Button(description="3,5 % (Finansministeriet)", layout=W.Layout(width="200px"))
        self.zero_button = W.Button(description="0 % (ingen)", layout=W.Layout(width="110px"))
        self.fm_button.on_click(lambda _: self.discount.set(FINANCE_MINISTRY_RATE) or self.changed())
        self.zero_button.on_click(lambda _: self.discount.set(0.0) or self.changed())
        self.offset = W.Dropdown(
            options=[("Samme år som forløbet afsluttes (som SØM)", 0), ("Året efter", 1)],
            layout=W.Layout(width="320px"),
        )
        self.general_msg = message_widget()

        for w in (
            self.name,
            self.description,
            self.custom_name,
            self.duration,
            self.first_year,
            self.horizon,
            self.price_year,
            self.offset,
        ):
            w.observe(lambda _: self.changed(), "value")
        self.discount.observe(lambda _: self.changed())
        self.group.observe(self._group_changed, "value")
        self.custom_outcomes.observe(lambda _: self.changed(group_changed=True), "value")  # new outcome rows
        self.n_years.observe(self._n_years_changed, "value")
        self.first_year.observe(lambda _: self._relabel(), "value")

        self.widget = W.VBox(
            [
                W.HTML("<h3>Trin 1 · Basis</h3>"),
                help_html("Beskriv indsatsen, hvem den er for, hvor mange der starter, og beregningens indstillinger."),
                W.HBox([label("Indsatsens navn"), self.name]),
                W.HBox([label("Kort beskrivelse"), self.description]),
                W.HBox(
                    [
                        label(
                            "Målgruppe",
                            tip="Vælg en målgruppe fra vidensdatabasen – den bestemmer effektmål "
                            "og konsekvensestimater.",
                        ),
                        self.group,
                    ]
                ),
                self.group_info,
                self.custom_box,
                self.general_msg,
                W.HBox(
                    [
                        label("Antal år med nye deltagere", tip="Hvor mange år indsatsen optager nye deltagere."),
                        self.n_years,
                        W.HTML("år"),
                    ]
                ),
                W.HBox(
                    [
                        label("Nye deltagere pr. år", tip="Antal personer, der starter i indsatsen hvert år."),
                        self.participants_box,
                    ]
                ),
                self.participants_msg,
                W.HBox(
                    [
                        label(
                            "Forløbslængde",
                            tip="Hvor mange år den enkelte deltager er i indsatsen. Effekten "
                            "indtræder i det år, forløbet afsluttes.",
                        ),
                        self.duration,
                        W.HTML("år"),
                    ]
                ),
                self.duration_msg,
                W.HBox([label("Første år (år 1)"), self.first_year]),
                self.first_year_msg,
                W.HBox(
                    [
                        label(
                            "Tidshorisont",
                            tip="Antal år med konsekvenser efter forløbets afslutning (SØM: op til 10 år).",
                        ),
                        self.horizon,
                        W.HTML("år efter forløbet"),
                    ]
                ),
                self.horizon_msg,
                W.HBox(
                    [label("Prisniveau", tip="Alle beløb vises i dette års priser (nettoprisindeks)."), self.price_year]
                ),
                self.price_msg,
                W.HBox([self.discount.box, self.fm_button, self.zero_button]),
                W.HBox(
                    [
                        label(
                            "Konsekvenser starter",
                            tip="Om konsekvensår 1 er afslutningsåret (SØM's standard) eller året efter.",
                        ),
                        self.offset,
                    ]
                ),
            ],
            layout=W.Layout(padding="6px"),
        )
        self.fields = [
            (["name"], self.general_msg, self.name),
            (["target_group", "custom_target_group"], self.custom_msg, None),
            (["participants"], self.participants_msg, None),
            (["duration_years"], self.duration_msg, self.duration),
            (["settings.first_year"], self.first_year_msg, self.first_year),
            (["settings.horizon_years"], self.horizon_msg, self.horizon),
            (["settings.price_year"], self.price_msg, self.price_year),
            (["settings.discount_rate"], self.discount.msg, self.discount.input),
        ]

    # --- participants per year --------------------------------------------------------------------
    def _set_participant_count(self, n: int, values: list[int] | None = None) -> None:
        old = [w.value for w in self.participant_inputs]
        texts = [fmt_number(v, 0) for v in values] if values is not None else old
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

    def _relabel(self) -> None:
        first = self.first_year.value
        self.participants_box.children = [
            W.VBox([W.HTML(f"<small>{first + i}</small>"), w]) for i, w in enumerate(self.participant_inputs)
        ]

    def _n_years_changed(self, change) -> None:
        self._set_participant_count(change["new"])
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
        data["name"] = self.name.value
        data["description"] = self.description.value
        if self.group.value == CUSTOM:
            data["custom_target_group"] = {
                "name": self.custom_name.value.strip(),
                "outcomes": self.custom_outcome_names(),
            }
        else:
            data["target_group"] = self.group.value
        data["participants"] = []
        for i, w in enumerate(self.participant_inputs):
            year = self.first_year.value + i

            def starters(text: str = w.value, year: int = year) -> int:
                try:
                    return int(parse_field(text, integer=True))
                except ValueError as e:
                    raise ValueError(f"Nye deltagere i {year}: {e}") from None

            n = read_field(problems, f"participants[{i}]", starters)
            data["participants"].append(n if n is not None else 0)
        data["duration_years"] = self.duration.value
        rate = read_field(problems, "settings.discount_rate", self.discount.get)
        if rate is not None and not 0 <= rate <= 0.5:
            # said in per cent, as the user typed it (the kernel would say it as a share)
            problems.append(
                Problem("settings.discount_rate", f"Diskonteringsrenten skal ligge mellem 0 og 50 % (fik {pct(rate)}).")
            )
            rate = None
        data["settings"] = {
            "price_year": self.price_year.value,
            "first_year": self.first_year.value,
            "horizon_years": self.horizon.value,
            "discount_rate": rate if rate is not None else 0.0,
            "consequence_offset": self.offset.value,
        }

    def load(self, s: Scenario) -> None:
        self.name.value = s.name
        self.description.value = s.description
        if s.custom_target_group is not None:
            self.custom_name.value = s.custom_target_group.name
            self.custom_ids = list(s.custom_target_group.outcomes.items())
            self.custom_outcomes.value = "\n".join(s.custom_target_group.outcomes.values())
            self.group.value = CUSTOM
        else:
            self.group.value = s.target_group
        self._show_group_info()
        self.first_year.value = s.settings.first_year
        self.n_years.value = len(s.participants)
        self._set_participant_count(len(s.participants), list(s.participants))
        self.duration.value = s.duration_years
        self.horizon.value = s.settings.horizon_years
        if s.settings.price_year in self.price_year.options:
            self.price_year.value = s.settings.price_year
        self.discount.set(s.settings.discount_rate)
        self.offset.value = s.settings.consequence_offset


COST_LINES = [(field, COST_FIELD_NAMES_DA[field], COST_FIELD_HELP_DA[field]) for field in COST_FIELD_NAMES_DA]


class CostsStep:
    """Step 2: the intervention's costs per actor (kroner), their price level and welfare area."""

    def __init__(self, kb: KnowledgeBase, changed):
        self.changed = changed
        self.cells: dict[tuple[str, str], NumberField] = {}
        rows = [W.HBox([label("", "380px"), *[label(ACTOR_LABELS[a], "180px") for a in ACTORS]])]
        self.fields = []
        for key, text, tip in COST_LINES:
            cells = []
            for a in ACTORS:
                f = NumberField("", "kr.", 0.0, width="120px")
                f.observe(lambda _: self.changed())
                self.cells[(key, a)] = f
                f.box.layout.width = "180px"
                cells.append(f.box)
                self.fields.append(([f"costs.{key}.{a}"], f.msg, f.input))
            rows.append(W.HBox([label(text, "380px", tip), *cells]))
        years = sorted(int(y) for y in kb.net_price_index["year"])
        self.price_year = W.Dropdown(
            options=[("Samme som beregningens prisniveau", None), *[(str(y), y) for y in years]],
            layout=W.Layout(width="300px"),
        )
        self.area = W.Dropdown(
            options=[(v, k) for k, v in WELFARE_AREA_NAMES_DA.items()], layout=W.Layout(width="300px")
        )
        self.price_msg = message_widget()
        for w in (self.price_year, self.area):
            w.observe(lambda _: self.changed(), "value")
        self.fields.append((["costs.price_year"], self.price_msg, self.price_year))
        self.total = W.HTML()
        self.widget = W.VBox(
            [
                W.HTML("<h3>Trin 2 · Omkostninger</h3>"),
                help_html(
                    "Indsatsens omkostninger fordelt på de aktører, der betaler. Angiv beløb i hele kroner. "
                    "Hold musen over ? for en forklaring."
                ),
                *rows,
                W.HBox([label("Beløbene er i prisniveau", "380px"), self.price_year]),
                self.price_msg,
                W.HBox([label("Omkostningerne hører til velfærdsområde", "380px"), self.area]),
                self.total,
            ],
            layout=W.Layout(padding="6px"),
        )

    def show_total(self, result) -> None:
        """The costs in total and per participant (net of saved costs), from the last valid result."""
        cost = -float(result.totals_by_kind().at["cost", "total"])
        per = cost / result.scenario.total_participants
        self.total.value = (
            f"<div class='som-ok' style='margin-top:8px'>Omkostninger i alt, netto efter sparede omkostninger: "
            f"<b>{kr(cost)}</b> · pr. deltager: <b>{kr(per)}</b> (prisniveau {result.scenario.settings.price_year})"
            "</div>"
        )

    def read(self, data: dict, problems: list[Problem]) -> None:
        costs: dict = {"price_year": self.price_year.value, "welfare_area": self.area.value}
        for key, *_ in COST_LINES:
            costs[key] = {}
            for a in ACTORS:
                v = read_field(problems, f"costs.{key}.{a}", self.cells[(key, a)].get)
                if v is not None and v < 0:
                    problems.append(
                        Problem(
                            f"costs.{key}.{a}",
                            f"Beløbet kan ikke være negativt (fik {kr(v)}); besparelser hører til i linjen "
                            "»Sparede omkostninger«.",
                        )
                    )
                    v = None
                costs[key][a] = v if v is not None else 0.0
        data["costs"] = costs

    def load(self, s: Scenario) -> None:
        for key, *_ in COST_LINES:
            amounts = getattr(s.costs, key)
            for a in ACTORS:
                self.cells[(key, a)].set(getattr(amounts, a))
        self.price_year.value = s.costs.price_year
        self.area.value = s.costs.welfare_area
