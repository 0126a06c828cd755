"""The step-by-step calculation app (notebooks/app.ipynb in Voilà): `build_app(kb, scenario_path)`.

AppState holds the knowledge base, the steps' widgets and the last valid scenario and result. Every
change reads all widgets into a scenario dict, validates it with build_scenario + calculate (which
checks it against the knowledge base) and either redraws the results or shows each Danish message
next to the widget it concerns, keeping the last valid result marked as outdated. What the user typed
stays in the widgets either way; a file that cannot be loaded changes nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

import ipywidgets as W
from ipywidgets._version import __protocol_version__
from ipywidgets.widgets.widget import _instances, _remove_buffers

from ..cells import safe_text
from ..checks import check_scenario
from ..compare import document_from_json, document_to_json, load_document
from ..engine import calculate
from ..errors import KnowledgeError, Problem, ScenarioError, SomError
from ..format import knowledge_notes_html, kr, problems_html
from ..kb import KnowledgeBase, load_knowledge
from ..scenario import Scenario, build_scenario, load_scenario, local_layer_warning, with_local_layer
from ..views import TOTAL, Result
from .app_compare import CompareStep
from .app_effect import EffectStep
from .app_results import OUTDATED, ResultsView, download_link
from .app_steps import CUSTOM, BasisStep, CostsStep, slug
from .app_tables import ConsequencesStep, PricesStep
from .app_widgets import CSS, esc, help_html, message_widget, show_messages

TAB_TITLES = [
    "1 Basis",
    "2 Omkostninger",
    "3 Effekt",
    "4 Konsekvenser",
    "5 Priser",
    "6 Resultater",
    "7 Usikkerhed",
    "8 Sammenlign",
]
TAB_CONSEQUENCES, TAB_PRICES, TAB_RESULTS, TAB_UNCERTAINTY, TAB_COMPARE = 3, 4, 5, 6, 7
GUIDE_DA = """
<ol style="margin:4px 0 4px 18px; line-height:1.5">
<li><b>Basis</b>: navn, målgruppe, hvor mange der starter hvert år, forløbets længde, første år, tidshorisont,
prisniveau og diskonteringsrente.</li>
<li><b>Omkostninger</b>: hvad indsatsen koster kommune, region og stat – og hvad den sædvanlige indsats, den
erstatter, ville have kostet (sparede omkostninger). Skriv beløbene, eller byg dem op af ressourcer: timer eller
årsværk pr. faggruppe, uddannelse, lokaler og materialer, som i Social- og Boligstyrelsens omkostningsmodel.</li>
<li><b>Effekt</b>: succesraten for hvert effektmål, netto i forhold til basisalternativet (fx 12 % mod 2 % = 10 %).
Vælg et effektstudie for at udfylde den med kilde.</li>
<li><b>Konsekvenser</b>: hvor meget mindre (eller mere) hver person, der når målet, bruger af hver ydelse år for år.
Gule felter er dine lokale værdier.</li>
<li><b>Priser</b>: hvad en enhed af hver ydelse koster hver aktør efter refusion.</li>
<li><b>Resultater</b>: nettoresultat = konsekvenser − omkostninger, år for år og fordelt på aktører. Positive tal er
gevinster. Hent Excel-filen til notater og rapporter.</li>
<li><b>Usikkerhed</b>: hvor meget resultatet flytter sig, når et input er lavere eller højere (følsomhed), hvor
langt et input kan falde, før resultatet bliver negativt (nulpunktsværdier), og sandsynligheden for et positivt
resultat for hver aktør (Monte Carlo).</li>
<li><b>Sammenlign</b>: gem beregningen som alternativ (A, B, C …) og se alternativerne side om side, med grafer,
Excel-fil og beslutningsnotat.</li>
</ol>
<div>Beregningen for hvert år: deltagere, der har afsluttet forløbet × succesrate × varighed × ændring i brug ×
pris, summeret over ydelser og effektmål, minus omkostningerne. Røde felter og ⚠ på en fane viser, hvad der mangler;
dine indtastninger bliver stående, til du retter dem. Gem beregningen som fil, så kan du åbne den igen senere.</div>
"""


def default_scenario(kb: KnowledgeBase) -> Scenario:
    """A small valid scenario on `kb`'s first target group (used when no example file can be loaded)."""
    group = kb.target_groups["id"].iloc[0]
    outcome = kb.outcomes_for(group)["id"].iloc[0]
    studies = kb.effect_studies[kb.effect_studies["outcome"] == outcome]
    rate = float(studies["success_rate"].iloc[0]) if len(studies) else 0.10
    year = int(kb.meta.default_price_year)
    return build_scenario(
        {
            "name": "Ny beregning",
            "target_group": group,
            "participants": [50, 50, 50],
            "duration_years": 2,
            "outcomes": [{"outcome": outcome, "success_rate": max(rate, 0.0)}],
            "settings": {"price_year": year, "first_year": year + 1, "horizon_years": 10},
        }
    )


_DETACHED: set[str] = set()  # model ids of widgets `detach` took out of the page's state


def widget_tree(root: W.Widget) -> list[W.Widget]:
    """`root` and every widget it refers to (children, layout, style, …), each after the widgets it refers to."""
    out: list[W.Widget] = []
    seen: set[int] = set()

    def visit(w: W.Widget) -> None:
        seen.add(id(w))
        for v in _widget_refs(w):
            if id(v) not in seen:
                visit(v)
        out.append(w)

    visit(root)
    return out


def detach(widgets: list[W.Widget]) -> None:
    """Take `widgets` out of the page's widget state: the page's one state message leaves them out, and they
    go on working as Python objects (values,
    observers; their model id stays, so a box may still hold them) until `attach`."""
    for w in widgets:
        if w.comm is not None:
            _instances.pop(w.model_id, None)  # its comm stays registered, so closing it later works as usual
            _DETACHED.add(w.model_id)


def attach(root: W.Widget) -> None:
    """Send the page every detached widget under `root`, with the values it holds now, children before the
    widgets that hold them; a widget made while the tab was hidden that holds a detached one is sent again
    after it (the page could not build it before)."""
    sent: set[str] = set()
    for w in widget_tree(root):
        if w.comm is None:
            continue
        holds = any(v.model_id in sent or v.model_id in _DETACHED for v in _widget_refs(w) if v.comm is not None)
        if w.model_id in _instances and not holds:
            continue
        state, buffer_paths, buffers = _remove_buffers(w.get_state())
        w.comm.open(
            data={"state": state, "buffer_paths": buffer_paths},
            buffers=buffers,
            metadata={"version": __protocol_version__},
        )
        _instances[w.model_id] = w
        _DETACHED.discard(w.model_id)
        sent.add(w.model_id)


def _widget_refs(w: W.Widget) -> list[W.Widget]:
    out = []
    for name in w.keys:
        value = getattr(w, name, None)
        out += [v for v in (value if isinstance(value, (list, tuple)) else (value,)) if isinstance(v, W.Widget)]
    return out


class UncertaintyHolder:
    """Tab 7: som_kernel.ui.uncertainty_tab.UncertaintyTab if it is installed, else a short note."""

    def __init__(self):
        self.tab = None
        self.scenario = None
        self.widget = W.VBox([help_html("Usikkerhedsanalysen indlæses, når fanen åbnes …")])

    def update(self, scenario: Scenario | None, kb: KnowledgeBase) -> None:
        if scenario is None or scenario is self.scenario:
            return
        try:
            if self.tab is None:
                from .uncertainty_tab import UncertaintyTab

                self.tab = UncertaintyTab()
                self.widget.children = [self.tab.widget]
            self.tab.update(scenario, kb)
            self.scenario = scenario
        except ImportError:
            self.widget.children = [
                help_html("Usikkerhedsanalysen (følsomhed, Monte Carlo) findes ikke i denne version af værktøjet.")
            ]
        except Exception as e:  # noqa: BLE001 – an optional tab must never break the calculation app
            self.widget.children = [help_html(f"Usikkerhedsanalysen kunne ikke vises: {e}")]


class AppState:
    """The app: widgets of all steps, the current scenario dict, and the last valid scenario and result."""

    def __init__(
        self,
        kb: KnowledgeBase,
        scenario: Scenario | None = None,
        startup_message: str = "",
        examples: dict[str, Path] | None = None,
    ):
        before = set(_instances)  # widgets that exist already (another app in the same kernel) stay as they are
        self.kb = kb
        self._loading = False
        self.data: dict = {}
        self.problems: list[Problem] = []
        self.scenario: Scenario | None = None  # last valid
        self.result: Result | None = None  # last valid
        self.outdated = False
        self.basis = BasisStep(kb, self.changed)
        self.costs = CostsStep(kb, self.changed)
        self.effect = EffectStep(kb, self.basis, self.changed)
        self.consequences = ConsequencesStep(kb, self.changed)
        self.prices = PricesStep(kb, self.changed)
        self.results = ResultsView(kb)
        self.uncertainty = UncertaintyHolder()
        self.compare = CompareStep(kb, self.load, self._update_save_link)
        self.steps = [self.basis, self.costs, self.effect, self.consequences, self.prices]

        self.status = W.HTML()
        self.status.add_class("som-status")
        self.general_msg = message_widget()
        self.save_link = W.HTML()
        self.upload = W.FileUpload(
            accept=".json,application/json",
            multiple=False,
            description="Indlæs beregning",
            icon="",
            tooltip="Åbn en beregning, du har gemt som .json-fil",
            layout=W.Layout(width="190px"),
        )
        self.upload.observe(self._uploaded, "value")
        self.upload.add_class("som-upload")
        self.examples = W.Dropdown(
            options=[("Åbn et eksempel …", ""), *[(name, str(path)) for name, path in (examples or {}).items()]],
            layout=W.Layout(width="330px", display=None if examples else "none"),
        )
        self.examples.observe(self._example_chosen, "value")
        self.file_msg = W.HTML(esc(startup_message))
        self.file_msg.add_class("som-msg")
        # A tab's widgets are put in the page when it is first opened: the browser then draws only the results
        # tab at first, and the other tabs' widgets are detached until then (below), so the page's first widget
        # state holds about a third of the app's widgets (ipywidgets' page waits 4 s for that state, then asks for
        # each widget on its own: many times the server's work).
        self.tab_widgets = [s.widget for s in self.steps] + [
            self.results.widget,
            self.uncertainty.widget,
            self.compare.widget,
        ]
        self.tabs = W.Tab(children=[W.Box()] * len(self.tab_widgets), titles=TAB_TITLES)
        self.tabs.observe(self._tab_changed, "selected_index")
        self.next_button = W.Button(description="Næste trin →", layout=W.Layout(width="150px"))
        self.next_button.on_click(lambda _: self._next(+1))
        self.back_button = W.Button(description="← Forrige trin", layout=W.Layout(width="150px"))
        self.back_button.on_click(lambda _: self._next(-1))
        header = W.HTML(
            f"<div class='som-header'><h2>SØM-værkstedet · trin-for-trin-beregning</h2>"
            f"<div>Den Socialøkonomiske Investeringsmodel: hvad betyder indsatsen for de offentlige budgetter år for "
            f"år? Vidensdatabase {esc(kb.meta.version)}, prisniveau {kb.meta.default_price_year}. Gå trinene 1–5 "
            f"igennem (start med »1 Basis«); resultaterne i trin 6 opdateres, så snart du ændrer noget.</div>"
            f"{knowledge_notes_html(kb)}</div>"
        )
        guide = W.Accordion(children=[W.HTML(GUIDE_DA)], titles=("Sådan bruger du appen",), selected_index=None)
        self.widget = W.VBox(
            [
                W.HTML(CSS),
                header,
                guide,
                self.status,
                W.HBox(
                    [self.save_link, self.upload, self.examples], layout=W.Layout(align_items="center", grid_gap="16px")
                ),
                self.file_msg,
                self.general_msg,
                self.tabs,
                W.HBox([self.back_button, self.next_button]),
            ]
        )
        self.widget.add_class("som-app")
        self.load(scenario if scenario is not None else default_scenario(kb))
        self.tabs.selected_index = TAB_RESULTS  # a first visitor sees the example's results at once
        # every widget made for this app that the page does not show yet (the other tabs, and their spare parts)
        shown = {w.model_id for w in widget_tree(self.widget)}
        detach([w for key, w in list(_instances.items()) if key not in before and key not in shown])

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    # --- the calculation loop ---------------------------------------------------------------------
    def changed(self, group_changed: bool = False, force_tables: bool = False) -> None:
        if self._loading:
            return
        try:
            # the outcome rows follow the target group (and an own group's list of outcomes)
            self.effect.refresh(preselect=group_changed)
            self.recompute(force_tables)
        except Exception as e:  # noqa: BLE001 – a bug must never cost the user their inputs or show a traceback
            self.results.mark_outdated(True)
            show_messages(
                self.general_msg,
                [
                    f"Der skete en uventet fejl ({type(e).__name__}: {e}). Dine "
                    "indtastninger er bevaret; gem beregningen og prøv igen."
                ],
            )

    def collect(self) -> tuple[dict, list[Problem]]:
        """The scenario dict from all widgets, and the fields that could not be read (Danish messages)."""
        data: dict = {}
        problems: list[Problem] = []
        for step in self.steps:
            step.read(data, problems)
        return data, problems

    def recompute(self, force_tables: bool = False) -> None:
        data, problems = self.collect()
        self.data = data
        result = None
        try:
            scenario = build_scenario(data)
            check_scenario(scenario, self.kb)
            if not problems:
                result = calculate(scenario, self.kb, check=False)  # checked just above
        except SomError as e:
            # an input that could not be read is None in `data`: its own message is enough
            unread = {p.where for p in problems}
            problems = problems + [p for p in e.problems if p not in problems and p.where not in unread]
        self.problems = problems
        self._show_problems(problems)
        if result is not None:
            self.scenario, self.result = scenario, result
            self.results.update(result)
            self.costs.show_total(result)
            self.compare.update(scenario)
            self._update_save_link()
        self.outdated = result is None
        self.results.mark_outdated(self.outdated, len(problems))
        self._show_status()
        self._render_tables(force_tables)

    def _update_save_link(self) -> None:
        """The save link carries the last valid scenario and the pinned alternatives (step 8)."""
        if self.scenario is not None:
            self.save_link.value = download_link(
                document_to_json(with_local_layer(self.scenario, self.kb), self.compare.pinned).encode("utf-8"),
                f"{slug(self.scenario.name)}.json",
                "application/json",
                "Gem beregning (.json)",
                "som-download som-save-link",
            )

    def _fields(self) -> list[tuple[int, list[str], W.HTML, W.Widget | None]]:
        out = []
        for tab, step in enumerate(self.steps):
            out += [(tab, prefixes, msg, target) for prefixes, msg, target in step.fields]
        return out

    def _show_problems(self, problems: list[Problem]) -> None:
        """Each message next to the field with the longest matching path; the rest at the top."""
        fields = self._fields()
        by_msg: dict[int, list[str]] = {id(msg): [] for _, _, msg, _ in fields}
        tabs_with_problems = set()
        general = []
        for p in problems:
            best = None
            for entry in fields:
                for prefix in entry[1]:
                    if p.where.startswith(prefix) and (best is None or len(prefix) > best[0]):
                        best = (len(prefix), entry)
            if best is None:
                general.append(f"{p.where}: {p.message}" if p.where else p.message)
            else:
                by_msg[id(best[1][2])].append(p.message)
                tabs_with_problems.add(best[1][0])
        seen = set()
        for _tab, _prefixes, msg, target in fields:
            messages = by_msg[id(msg)]
            if id(msg) in seen:
                if messages and target is not None:
                    target.add_class("som-invalid")
                continue
            seen.add(id(msg))
            show_messages(msg, messages, target)
        show_messages(self.general_msg, general)
        titles = [t + (" ⚠" if i in tabs_with_problems else "") for i, t in enumerate(TAB_TITLES)]
        if list(self.tabs.titles) != titles:
            self.tabs.titles = titles

    def _show_status(self) -> None:
        if self.result is None:
            self.status.value = f'<div class="som-outdated">{OUTDATED}</div>'
            return
        total = self.result.totals()[TOTAL]
        be = self.result.break_even_year(TOTAL)
        first = self.result.scenario.settings.first_year
        be_text = f"år {be - first + 1} ({be})" if be is not None else "ikke inden for perioden"
        stale = (
            f' <span class="som-outdated">{OUTDATED}</span> <small>(tal, gem og eksport er fra den sidste gyldige '
            "beregning)</small>"
            if self.outdated
            else ""
        )
        self.status.value = (
            f"<div>Nettoresultat for det offentlige i alt: <b class='som-net-total'>{kr(total)}</b> · "
            f"break-even: <b class='som-break-even'>{be_text}</b>{stale}</div>"
        )

    # --- lazy tabs ----------------------------------------------------------------------------------
    def _tab_changed(self, change) -> None:
        tab = change["new"]
        if tab is not None and self.tabs.children[tab] is not self.tab_widgets[tab]:
            attach(self.tab_widgets[tab])
            children = list(self.tabs.children)
            children[tab] = self.tab_widgets[tab]
            self.tabs.children = children
        self._render_tables()
        if change["new"] == TAB_UNCERTAINTY:
            self.uncertainty.update(self.scenario, self.kb)

    def _render_tables(self, force: bool = False) -> None:
        tab = self.tabs.selected_index
        if tab == TAB_CONSEQUENCES:
            names = {r.id: r.check.description for r in self.effect.current_rows()}
            self.consequences.render(self.data, names, force)
        elif tab == TAB_PRICES and self.scenario is not None:
            self.prices.render(self.scenario, force)
        elif tab == TAB_UNCERTAINTY:
            self.uncertainty.update(self.scenario, self.kb)
        if force:  # hidden tables are rebuilt when next shown
            if tab != TAB_CONSEQUENCES:
                self.consequences.signature = None
            if tab != TAB_PRICES:
                self.prices.signature = None

    def _next(self, step: int) -> None:
        self.tabs.selected_index = min(max((self.tabs.selected_index or 0) + step, 0), len(TAB_TITLES) - 1)

    # --- files ----------------------------------------------------------------------------------------
    def load(self, scenario: Scenario) -> None:
        """Put `scenario` into every widget (no recalculation until all are set), then calculate."""
        self._loading = True
        try:
            self.basis.load(scenario)
            self.costs.load(scenario)
            self.effect.load(scenario)
            self.consequences.load(scenario)
            self.prices.load(scenario)
        finally:
            self._loading = False
        self.recompute(force_tables=True)

    def load_file(self, content: bytes, filename: str = "filen") -> bool:
        """Load a scenario file; on any problem show a Danish message and keep the current inputs."""
        filename = safe_text(filename)  # a file name is shown in the page: no half characters in it
        try:
            scenario, pinned = document_from_json(content)
            for s in (scenario, *(alternative for _, alternative in pinned)):
                check_scenario(s, self.kb)
        except SomError as e:
            self._file_problems(filename, e.problems)
            return False
        except Exception as e:  # noqa: BLE001 – no file may break the app or cost the user their inputs
            self._file_problems(filename, [Problem("fil", f"Uventet fejl ved læsning ({type(e).__name__}).")])
            return False
        previous = self.scenario
        try:
            self.load(scenario)
        except Exception as e:  # noqa: BLE001 – the file was valid, but the widgets could not show it
            if previous is not None:
                self.load(previous)
            self._file_problems(filename, [Problem("fil", f"Filen kunne ikke vises ({type(e).__name__}).")])
            return False
        self.compare.set_pinned(pinned)
        self._update_save_link()
        self.file_msg.value = (
            f"<span style='color:#2e7d32'>✔ Beregningen '{esc(scenario.name)}' er indlæst fra {esc(filename)}.</span>"
        )
        warnings = [local_layer_warning(scenario, self.kb), *self.prices.warnings.values()]
        self.file_msg.value += "".join(f"<br>⚠ {esc(w)}" for w in warnings if w)
        return True

    def _file_problems(self, filename: str, problems: list[Problem]) -> None:
        lines = "".join(
            f"<li>{esc(p.message)}{f' <small>({esc(p.where)})</small>' if p.where else ''}</li>" for p in problems[:8]
        )
        more = f"<li>… og {len(problems) - 8} fejl mere</li>" if len(problems) > 8 else ""
        self.file_msg.value = (
            f"⚠ Filen '{esc(filename)}' kunne ikke indlæses:<ul>{lines}{more}</ul>"
            "Dine nuværende indtastninger er bevaret."
        )

    def _example_chosen(self, change) -> None:
        if change["new"]:
            path = Path(change["new"])
            self.load_file(path.read_bytes(), path.name)
            self.examples.value = ""  # back to the prompt (None would show an empty box)

    def _uploaded(self, change) -> None:
        files = change["new"]
        if not files:
            return
        f = files[0]
        self.load_file(bytes(f["content"]), f.get("name", "filen"))
        self.upload.value = ()  # so the same file can be chosen again

    # --- convenience for tests and notebooks ------------------------------------------------------------
    def outcome_row(self, outcome: str):
        """The step-3 row of `outcome` in the current target group."""
        return next(r for r in self.effect.current_rows() if r.id == outcome)

    @property
    def net_total_text(self) -> str:
        """The net result shown in the status line (Danish kroner)."""
        return kr(self.result.totals()[TOTAL]) if self.result is not None else ""


def build_app(kb: KnowledgeBase, scenario: str | os.PathLike | Scenario | None = None) -> AppState:
    """The calculation app on `kb`, starting from a scenario file (or Scenario); display() the result.

    The other scenario files next to the start file are offered under "Åbn et eksempel". A missing or
    invalid start file does not stop the app: it starts from a small default scenario and says why."""
    message = ""
    start = None
    pinned: list = []
    examples: dict[str, Path] = {}
    if isinstance(scenario, Scenario):
        start = scenario
    elif scenario is not None:
        folder = Path(scenario).parent
        for path in sorted(folder.glob("*.json")):
            try:
                example = load_scenario(path)
                check_scenario(example, kb)
                examples[example.name] = path
            except ScenarioError:
                continue  # a file that does not fit this knowledge base is simply not offered
        try:
            start, pinned = load_document(Path(scenario))
            for s in (start, *(alt for _, alt in pinned)):
                check_scenario(s, kb)
        except ScenarioError as e:
            start, pinned = None, []
            message = (
                f"Eksempelberegningen {Path(scenario).name} passer ikke til vidensdatabasen "
                f"({e.problems[0].message}); appen starter med en tom standardberegning."
            )
    state = AppState(kb, start, message, examples)
    if pinned:
        state.compare.set_pinned(pinned)
        state._update_save_link()
    return state


def launch(scenario: str | os.PathLike | None = None, knowledge: str | os.PathLike | None = None):
    """The app on the knowledge base in `knowledge` (default: the shipped one, or $SOM_KNOWLEDGE), or, when
    that knowledge base cannot be loaded, a Danish message listing its problems instead of a traceback."""
    try:
        kb = load_knowledge(knowledge)
    except KnowledgeError as e:
        return W.HTML(
            f"<div class='som-outdated'>Vidensdatabasen kan ikke indlæses, så beregningen kan ikke vises:"
            f"{problems_html(e.problems)}Ret filerne i vidensdatabasen eller det lokale lag (eller peg SOM_KNOWLEDGE/SOM_LOCAL på andre) og "
            f"genindlæs siden.</div>"
        )
    return build_app(kb, scenario)


__all__ = ["CUSTOM", "AppState", "build_app", "default_scenario", "launch"]
