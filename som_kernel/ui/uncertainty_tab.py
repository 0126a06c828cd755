"""The app's tab "Usikkerhed": tornado, switching values, break-even by success rate, pessimistic/optimistic
scenarios and Monte Carlo per actor (fan chart, probability tables, spread per input group).

    tab = UncertaintyTab()
    display(tab.widget)
    tab.update(scenario, kb)     # call whenever the scenario changes validly

The quick parts (tornado, switching values, scenarios) are recomputed on every update; Monte Carlo runs
when the user presses "Kør Monte Carlo", in chunks with a progress bar. No formulas here: every number
comes from som_kernel.uncertainty.
"""

from __future__ import annotations

import html

import ipywidgets as W
import pandas as pd

from ..charts import show
from ..errors import SomError
from ..format import mio_kr, number, pct
from ..kb import KnowledgeBase
from ..names import ACTOR_NAMES_DA
from ..scenario import Scenario
from ..uncertainty import (
    COLUMNS,
    UncertaintySpec,
    break_even_by_success,
    break_even_chart,
    build_model,
    consequence_uncertainty,
    effect_uncertainty,
    fan_chart,
    monte_carlo,
    one_way,
    scenario_sets,
    switching_values,
    tornado_chart,
)
from ..uncertainty.spec import MAX_SEED

_STYLE = {"description_width": "260px"}
_WIDE = W.Layout(width="400px")
_TABLE_CSS = (
    "<style>.som-usikkerhed td, .som-usikkerhed th {padding: 2px 10px; border-bottom: 1px solid #ddd}"
    " .som-usikkerhed caption {white-space: nowrap; padding: 8px 0 4px 0}</style>"
)


def _table_html(df: pd.DataFrame, caption: str = "") -> str:
    """A small HTML table of already formatted strings (index = first column)."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in [df.index.name or "", *df.columns])
    body = "".join(
        "<tr><th>" + html.escape(str(i)) + "</th>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
        for i, row in zip(df.index, df.to_numpy())
    )
    cap = f"<caption style='text-align:left;font-weight:bold'>{html.escape(caption)}</caption>" if caption else ""
    return (
        f"{_TABLE_CSS}<table class='som-usikkerhed' style='border-collapse:collapse;text-align:right'>"
        f"{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def _pct_input(description: str, value: float) -> W.BoundedFloatText:
    return W.BoundedFloatText(value=value, min=0, max=500, step=5, description=description, style=_STYLE, layout=_WIDE)


class UncertaintyTab:
    """The "Usikkerhed" tab: `.widget` to display, `.update(scenario, kb)` to feed it."""

    def __init__(self) -> None:
        self.scenario: Scenario | None = None
        self.kb: KnowledgeBase | None = None
        self.model = None
        self.mc = None
        self.probability_table: pd.DataFrame | None = None  # the displayed strings, for tests and export

        self.message = W.HTML()
        self.rel_range = _pct_input("Variation uden studie (± %)", 20)
        self.actor = W.Dropdown(
            options=[(ACTOR_NAMES_DA[a], a) for a in reversed(COLUMNS)],
            value="total",
            description="Aktør",
            style=_STYLE,
            layout=_WIDE,
        )
        self.discounted = W.Checkbox(value=False, description="Tilbagediskonterede beløb", indent=False)
        self.tornado_box = W.VBox()
        self.sensitivity_note = W.HTML()
        self.effects_html = W.HTML()
        self.scenarios_html = W.HTML()
        self.switching_html = W.HTML()
        self.break_even_box = W.VBox()

        self.n_draws = W.BoundedIntText(
            value=10_000, min=100, max=100_000, step=1000, description="Antal trækninger", style=_STYLE, layout=_WIDE
        )
        # numpy accepts seeds 0 … 2³²−1 here; the field cannot hold −1 or a decimal
        self.seed = W.BoundedIntText(
            value=1, min=0, max=MAX_SEED, description="Startværdi (seed)", style=_STYLE, layout=_WIDE
        )
        self.success_sd = _pct_input("Succesrate uden studie: usikkerhed (sd, %)", 25)
        self.consequence_sd = _pct_input("Konsekvenser: usikkerhed (sd, %)", 20)
        self.price_sd = _pct_input("Priser: usikkerhed (sd, %)", 10)
        self.cost_sd = _pct_input("Omkostninger: usikkerhed (sd, %)", 15)
        self.persistence_sd = _pct_input("Varighed under 100 %: usikkerhed (sd, %)", 20)
        self.cost_overrun = W.BoundedFloatText(
            value=0,
            min=-90,
            max=500,
            step=5,
            description="Forventet omkostningsoverskridelse (%)",
            style=_STYLE,
            layout=_WIDE,
        )
        self.button = W.Button(
            description="Kør Monte Carlo", button_style="primary", icon="play", layout=W.Layout(width="200px")
        )
        self.progress = W.FloatProgress(
            value=0,
            min=0,
            max=1,
            description="Fremdrift",
            bar_style="info",
            layout=W.Layout(width="400px", visibility="hidden"),
        )
        self.mc_note = W.HTML()
        self.fan_box = W.VBox()
        self.prob_html = W.HTML()
        self.payback_html = W.HTML()
        self.contrib_html = W.HTML()
        self.button.on_click(self._run)

        spreads = W.Accordion(
            children=[
                W.VBox(
                    [
                        self.success_sd,
                        self.consequence_sd,
                        self.price_sd,
                        self.cost_sd,
                        self.persistence_sd,
                        self.cost_overrun,
                    ]
                )
            ],
            titles=("Fordelinger",),
        )
        spreads.selected_index = None
        sensitivity = W.VBox(
            [
                W.HTML(
                    "Hvert usikkert input sættes til sin lave og høje værdi, mens resten står på basis. Succesrater "
                    "bruger effektstudiets konfidensinterval, hvor vidensdatabasen har et; ellers ± variationen."
                ),
                W.HBox([self.rel_range, self.actor]),
                self.discounted,
                self.tornado_box,
                self.sensitivity_note,
                self.effects_html,
                self.scenarios_html,
            ]
        )
        switching = W.VBox(
            [
                W.HTML(
                    "Nulpunktsværdien er den værdi, hvor nettoresultatet ved horisonten er præcis 0 kr. "
                    "»Altid positiv/negativ«: intet nulpunkt, fordi resultatet har samme fortegn i hele det mulige "
                    "område (succesrate 0–100 %, omkostninger fra 0 og op). –: inputtet påvirker ikke aktøren."
                ),
                self.switching_html,
                self.break_even_box,
            ]
        )
        mc = W.VBox(
            [
                W.HTML(
                    "Alle usikre input trækkes samtidig. Effektstudiets evidensniveau gør fordelingen af succesraten "
                    "bredere (niveau 1: ×1; niveau 2: ×1,5; niveau 3: ×2)."
                ),
                self.n_draws,
                self.seed,
                spreads,
                W.HBox([self.button, self.progress]),
                self.mc_note,
                self.fan_box,
                self.prob_html,
                self.payback_html,
                self.contrib_html,
            ]
        )
        self.tabs = W.Tab(
            children=[sensitivity, switching, mc], titles=("Følsomhed (tornado)", "Nulpunktsværdier", "Monte Carlo")
        )
        self.widget = W.VBox(
            [W.HTML("<h3>Trin 7 · Usikkerhed</h3>"), self.message, self.tabs], layout=W.Layout(padding="6px")
        )
        self.rel_range.observe(lambda _: self._refresh(), names="value")
        self.actor.observe(self._actor_changed, names="value")
        self.discounted.observe(self._discounted_changed, names="value")

    # ---- inputs ------------------------------------------------------------------------------------

    def spec(self) -> UncertaintySpec:
        """The UncertaintySpec the widgets describe (per cent → shares)."""
        return UncertaintySpec(
            rel_range=self.rel_range.value / 100,
            success_sd=self.success_sd.value / 100,
            consequence_sd=self.consequence_sd.value / 100,
            price_sd=self.price_sd.value / 100,
            cost_sd=self.cost_sd.value / 100,
            persistence_sd=self.persistence_sd.value / 100,
            cost_overrun=1 + self.cost_overrun.value / 100,
        )

    def update(self, scenario: Scenario, kb: KnowledgeBase) -> None:
        """Recompute the quick parts for a new valid scenario; Monte Carlo results become stale."""
        self.scenario, self.kb = scenario, kb
        self._clear_mc()
        try:
            self.model = build_model(scenario, kb)
        except SomError as e:
            self.model = None
            self._error(e)
            return
        self._refresh()

    def _clear_mc(self) -> None:
        self.mc = None
        self.probability_table = None
        self.fan_box.children = ()
        for h in (self.prob_html, self.payback_html, self.contrib_html):
            h.value = ""
        self.mc_note.value = "<i>Tryk på »Kør Monte Carlo« for at beregne sandsynlighederne.</i>"

    def _actor_changed(self, _=None) -> None:
        self._refresh()
        if self.mc is not None:
            self._draw_contributions()

    def _discounted_changed(self, _=None) -> None:
        self._clear_mc()  # the draws were summed with the other setting
        self._refresh()

    def _error(self, e: SomError) -> None:
        items = "".join(f"<li>{html.escape(p.message)}</li>" for p in e.problems)
        self.message.value = f"<div style='color:#b00020'>Usikkerheden kan ikke beregnes:<ul>{items}</ul></div>"

    # ---- quick parts ---------------------------------------------------------------------------------

    def _refresh(self) -> None:
        if self.model is None:
            return
        try:
            self._draw_quick()
            self.message.value = ""
        except SomError as e:
            self._error(e)

    def _draw_quick(self) -> None:
        sc, kb, model, spec = self.scenario, self.kb, self.model, self.spec()
        disc, actor = self.discounted.value, self.actor.value
        table = one_way(sc, kb, spec, discounted=disc, model=model)
        self.tornado_box.children = (show(tornado_chart(table, actor=actor), "tornado"),) if len(table) else ()
        self.sensitivity_note.value = (
            "<small>Søjlerne viser nettoresultatet ved horisonten, når inputtet står på sin lave (orange) og høje "
            "(grøn) værdi; den sorte streg er basis.</small>"
        )
        own = consequence_uncertainty(model, kb, spec)
        self.effects_html.value = _table_html(
            self.effects_display(effect_uncertainty(model, kb, spec)), "Succesraternes usikkerhed"
        ) + (
            _table_html(self.consequences_display(own, model), "Konsekvensernes usikkerhed")
            if (own["source"] == "estimat").any()
            else ""
        )
        sets = scenario_sets(sc, kb, spec, discounted=disc, model=model)
        wide = sets.pivot(index="label", columns="actor", values="net").reindex(
            index=["Pessimistisk", "Basis", "Optimistisk"], columns=list(COLUMNS)
        )
        be = sets.pivot(index="label", columns="actor", values="break_even_year").reindex(
            index=wide.index, columns=list(COLUMNS)
        )
        shown = pd.DataFrame(
            {
                ACTOR_NAMES_DA[a]: [f"{mio_kr(v)} ({'–' if pd.isna(y) else int(y)})" for v, y in zip(wide[a], be[a])]
                for a in COLUMNS
            },
            index=pd.Index(wide.index, name="Scenarie"),
        )
        self.scenarios_html.value = _table_html(
            shown, "Alle input på den ugunstige / gunstige side samtidig: nettoresultat ved horisonten (break-even-år)"
        )

        sv = switching_values(sc, kb, discounted=disc, model=model)
        basis = "tilbagediskonteret" if disc else "udiskonteret"
        caption = f"Nulpunktsværdier pr. aktør (nettoresultat over hele perioden, {basis})"
        self.switching_html.value = _table_html(self.switching_display(sv), caption)
        curve = break_even_by_success(sc, kb, discounted=disc, model=model)
        self.break_even_box.children = (show(break_even_chart(curve), "break-even_efter_succesrate"),)

    @staticmethod
    def effects_display(eff: pd.DataFrame) -> pd.DataFrame:
        """Per outcome: base rate, source (effect study or assumed), evidence level, low/high, Monte Carlo sd."""
        out = pd.DataFrame(
            {
                "Basis": [pct(v) for v in eff["base"]],
                "Kilde": [s if s is not None else "antaget (± variation)" for s in eff["study_name"]],
                "Evidensniveau": ["–" if pd.isna(v) else str(int(v)) for v in eff["evidence_level"]],
                "Lav": [pct(v) for v in eff["low"]],
                "Høj": [pct(v) for v in eff["high"]],
                "Sd i Monte Carlo": [f"{number(v * 100, 1)} point" for v in eff["sd"]],
            },
            index=pd.Index(eff["name"], name="Effektmål"),
        )
        return out

    @staticmethod
    def consequences_display(own: pd.DataFrame, model) -> pd.DataFrame:
        """Per consequence estimate: where its Monte Carlo sd comes from (a kommune's own interval or assumed)."""
        return pd.DataFrame(
            {
                "Kilde": [
                    "lokal estimeret: eget 95 %-interval" if s == "estimat" else "antaget" for s in own["source"]
                ],
                "Sd i Monte Carlo": [pct(v) for v in own["sd"]],
            },
            index=pd.Index([model.service_names[s] for s in own["service"]], name="Konsekvens (ydelse)"),
        )

    @staticmethod
    def switching_display(sv: pd.DataFrame) -> pd.DataFrame:
        """The switching values as Danish strings: rows = input (with its base value), columns = actors."""

        def fmt(kind: str, v, status: str) -> str:
            if v is None:
                return {"always_positive": "altid positiv", "always_negative": "altid negativ"}.get(status, "–")
            if kind == "success_rate":
                return pct(v)
            if kind == "success_scale":
                return f"{pct(v)} af basis"
            return f"{number(v, 2)} ×"

        rows = {}
        for (kind, label, base), g in sv.groupby(["kind", "label", "base"], sort=False):
            name = f"{label} (basis {pct(base)})" if kind == "success_rate" else label
            rows[name] = {ACTOR_NAMES_DA[a]: fmt(kind, v, st) for a, v, st in zip(g["actor"], g["value"], g["status"])}
        out = pd.DataFrame.from_dict(rows, orient="index")
        out.index.name = "Input"
        return out

    # ---- Monte Carlo ---------------------------------------------------------------------------------

    def _set_progress(self, share: float) -> None:
        self.progress.value = share

    def _run(self, _=None) -> None:
        if self.model is None:
            self.mc_note.value = "<span style='color:#b00020'>Der er ingen gyldig beregning at køre på.</span>"
            return
        self.button.disabled = True
        self.progress.layout.visibility = "visible"
        self.progress.value = 0
        try:
            n = int(self.n_draws.value)
            self.mc = monte_carlo(
                self.scenario,
                self.kb,
                n_draws=n,
                seed=int(self.seed.value),
                spec=self.spec(),
                discounted=self.discounted.value,
                chunk_size=max(500, n // 10),
                progress=self._set_progress,
                model=self.model,
            )
            self._draw_mc()
            self.message.value = ""
        except SomError as e:
            self._error(e)
        finally:
            self.button.disabled = False
            self.progress.layout.visibility = "hidden"

    def _draw_mc(self) -> None:
        mc = self.mc
        self.mc_note.value = (
            f"<small>{number(mc.n_draws)} trækninger, startværdi {mc.seed}. Båndene viser 50 % og 90 % af "
            "trækningerne omkring medianen.</small>"
        )
        self.fan_box.children = (show(fan_chart(mc), "monte_carlo"),)
        prob = mc.prob_positive()
        self.probability_table = pd.DataFrame(
            {ACTOR_NAMES_DA[a]: [pct(v) for v in prob[a]] for a in COLUMNS}, index=pd.Index(prob.index, name="År")
        )
        self.prob_html.value = _table_html(
            self.probability_table, "Sandsynlighed for, at det akkumulerede nettoresultat er positivt"
        )
        payback = mc.prob_payback()
        shown = pd.DataFrame(
            {ACTOR_NAMES_DA[a]: [pct(v) for v in payback[a]] for a in COLUMNS},
            index=pd.Index([f"{n} år" for n in payback.index], name="Inden for"),
        )
        self.payback_html.value = _table_html(shown, "Sandsynlighed for at nå break-even inden for N år")
        self._draw_contributions()

    def _draw_contributions(self) -> None:
        contrib = self.mc.contributions(actor=self.actor.value)
        shown = pd.DataFrame(
            {
                "Andel af spredningen": [pct(v) for v in contrib["share"]],
                "Fald i spredning, hvis fastholdt": [pct(v) for v in contrib["reduction_if_fixed"]],
            },
            index=pd.Index(contrib["label"], name="Inputgruppe"),
        )
        self.contrib_html.value = _table_html(
            shown, f"Hvad driver usikkerheden ({ACTOR_NAMES_DA[self.actor.value].lower()}, sidste år, varians)"
        )
