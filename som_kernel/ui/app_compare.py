"""Step 8 of the app (Sammenlign): pinned alternatives side by side, charts, Excel and the decision paper.

"Gem som alternativ" pins the current (last valid) calculation under the next free letter (A, B, C …); each
pinned alternative can be renamed, opened in the steps again or removed. The comparison is the pinned
alternatives (the first is the base) plus the current calculation when it differs from all of them. The
pinned alternatives are saved in the scenario file (som_kernel.compare.document_to_json).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import ipywidgets as W

from .. import charts
from ..compare import Comparison, chart_cumulative, chart_differences, compare, comparison_workbook_bytes, letter
from ..engine import calculate
from ..errors import SomError
from ..format import pct
from ..kb import KnowledgeBase
from ..presentation.decision import PAPER_DRAWS, PAPER_SEED, PAYBACK_YEARS, payback_note
from ..presentation.tables import comparison_table
from ..presentation.text import year_text
from ..report import PaperMeta, report_bytes
from ..scenario import Scenario
from ..uncertainty import monte_carlo
from .app_results import XLSX_MIME, download_link
from .app_steps import slug
from .app_widgets import esc, help_html, label, message_widget, show_messages

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CURRENT = "Aktuel beregning"


def table_html(cmp: Comparison) -> str:
    """The side-by-side table (alternatives as rows) as HTML."""
    t = comparison_table(cmp)
    head = "".join(f"<th>{esc(c)}</th>" for c in t.columns)
    rows = "".join(
        "<tr>" + "".join(f"<td class='{'' if i == 0 else 'num'}'>{esc(v)}</td>" for i, v in enumerate(r)) + "</tr>"
        for r in t.itertuples(index=False)
    )
    return f"<table class='som-table som-compare-table'><tr>{head}</tr>{rows}</table>"


def payback_html(cmp: Comparison) -> str:
    """Per alternative: the break-even year (kommune, in total) and the probability from its seeded Monte Carlo
    run that the kommune and the public sector in total have earned it back within 3, 5 and 10 years."""
    be = cmp.break_even()
    head = "<th>Alternativ</th><th>Tjent hjem, kommunen</th><th>Tjent hjem, i alt</th>" + "".join(
        f"<th>{who}, inden for {n} år</th>" for n in PAYBACK_YEARS for who in ("Kommunen", "I alt")
    )
    probs = {n: cmp.prob_payback(n) for n in PAYBACK_YEARS}
    rows = "".join(
        f"<tr><td>{esc(name)}</td>"
        + "".join(f"<td class='num'>{esc(year_text(r, be.at[name, a]))}</td>" for a in ("kommune", "total"))
        + "".join(
            f"<td class='num'>{pct(probs[n].at[name, a], 0)}</td>" for n in PAYBACK_YEARS for a in ("kommune", "total")
        )
        + "</tr>"
        for name, r in zip(cmp.names, cmp.results)
    )
    return (
        f"<table class='som-table som-payback-table'><tr>{head}</tr>{rows}</table>"
        f"<div class='som-help'>{esc(payback_note())}</div>"
    )


class CompareStep:
    """The Sammenlign tab. `update(scenario)` follows the app's last valid calculation; `pinned` is the list of
    (name, scenario); `on_pinned()` is called when it changes (the app refreshes its save link)."""

    def __init__(self, kb: KnowledgeBase, load: Callable[[Scenario], None], on_pinned: Callable[[], None]):
        self.kb = kb
        self._load = load
        self.on_pinned = on_pinned
        self.pinned: list[tuple[str, Scenario]] = []
        self.current: Scenario | None = None
        self._results: dict[int, object] = {}
        self.pin_button = W.Button(
            description="Gem som alternativ", icon="thumb-tack", button_style="primary", layout=W.Layout(width="200px")
        )
        self.pin_button.on_click(lambda _: self.pin())
        self.msg = message_widget()
        self.rows = W.VBox()
        self.table = W.HTML()
        self.notes = W.HTML()
        self.chart_box = W.VBox()
        self.excel_button = W.Button(
            description="Sammenligning til Excel", icon="file-excel-o", layout=W.Layout(width="220px")
        )
        self.excel_button.on_click(lambda _: self.excel())
        self.excel_link = W.HTML()
        self.report_button = W.Button(
            description="Lav beslutningsoplæg",
            icon="file-word-o",
            button_style="primary",
            layout=W.Layout(width="220px"),
        )
        self.report_button.on_click(lambda _: self.report())
        self.report_link = W.HTML()
        self.paper_note = W.HTML()  # which calculation the paper describes (it need not be the one on screen)
        # the decision paper's properties: what the kommune files it under
        self.paper_title = W.Text(placeholder="Beslutningsoplæg: <beregningens navn>", layout=W.Layout(width="420px"))
        self.paper_topic = W.Text(placeholder="fx sagens emne", layout=W.Layout(width="420px"))
        self.paper_author = W.Text(placeholder="dit navn", layout=W.Layout(width="420px"))
        self.paper_department = W.Text(placeholder="fx Økonomi og Analyse", layout=W.Layout(width="420px"))
        paper_fields = [
            W.HBox([label(text, "160px"), w])
            for text, w in (
                ("Titel", self.paper_title),
                ("Emne", self.paper_topic),
                ("Forfatter", self.paper_author),
                ("Afdeling", self.paper_department),
            )
        ]
        self.payback_button = W.Button(
            description="Sandsynlighed for at tjene sig hjem", icon="random", layout=W.Layout(width="300px")
        )
        self.payback_button.on_click(lambda _: self.show_payback())
        self.payback = W.HTML()
        self._mc: dict[int, tuple[Scenario, object]] = {}
        self.widget = W.VBox(
            [
                W.HTML("<h3>Trin 8 · Sammenlign alternativer</h3>"),
                help_html(
                    "Gem den aktuelle beregning som et alternativ (A, B, C …), ret fx succesrate eller omkostninger i "
                    "trinene, og gem igen. Alternativerne vises side om side; det første er basis for forskellene. De "
                    "gemte alternativer kommer med, når du gemmer beregningen som fil."
                ),
                W.HBox([self.pin_button, self.msg], layout=W.Layout(align_items="center", grid_gap="12px")),
                self.rows,
                self.table,
                self.notes,
                W.HBox([self.payback_button], layout=W.Layout(align_items="center")),
                self.payback,
                self.chart_box,
                W.HTML("<h4>Eksport</h4>"),
                W.HBox([self.excel_button, self.excel_link], layout=W.Layout(align_items="center")),
                *paper_fields,
                W.HBox([self.report_button, self.report_link], layout=W.Layout(align_items="center")),
                self.paper_note,
                help_html(
                    "Beslutningsoplægget er et Word-dokument til et udvalg eller byrådet: side 1 med resultatet, "
                    "eventuelle røde punkter i tjeklisten, hvornår og med hvilken sandsynlighed indsatsen tjener sig "
                    "hjem, hvem der betaler og vinder i kommunen, usikkerhed og forbehold; derefter hvert alternativ "
                    "for sig, deltagerforløbet, tal pr. år og område, antagelser med kilder og tjeklisten. Titel, "
                    "emne, forfatter og afdeling skrives i dokumentets egenskaber (til journalisering)."
                ),
            ],
            layout=W.Layout(padding="6px"),
        )
        self._render_rows()

    # --- state ------------------------------------------------------------------------------------------
    def update(self, scenario: Scenario | None) -> None:
        self.current = scenario
        self.excel_link.value = ""
        self.report_link.value = ""
        self.payback.value = ""  # drawn again on request: the Monte Carlo takes a moment per alternative
        self.refresh()

    def set_pinned(self, pinned: list[tuple[str, Scenario]]) -> None:
        self.pinned = list(pinned)
        self._results.clear()
        self._render_rows()
        self.refresh()

    def pin(self) -> None:
        if self.current is None:
            show_messages(self.msg, ["Der er ingen gyldig beregning at gemme; ret de markerede felter først."])
            return
        used = {n for n, _ in self.pinned}
        i = 0
        while letter(i) in used:
            i += 1
        self.pinned.append((letter(i), self.current))
        show_messages(self.msg, [])
        self._changed()

    def rename(self, index: int, name: str) -> None:
        name = name.strip()
        others = {n for j, (n, _) in enumerate(self.pinned) if j != index}
        if not name:
            show_messages(self.msg, ["Et alternativ skal have et navn."])
        elif name in others or name == CURRENT:
            show_messages(self.msg, [f"Navnet '{name}' er allerede brugt; vælg et andet."])
        else:
            show_messages(self.msg, [])
            self.pinned[index] = (name, self.pinned[index][1])
            self._changed(rows=False)
            return
        self._render_rows()  # back to the valid name

    def remove(self, index: int) -> None:
        del self.pinned[index]
        self._changed()

    def _changed(self, rows: bool = True) -> None:
        if rows:
            self._render_rows()
        self.refresh()
        self.on_pinned()

    def alternatives(self) -> list[tuple[str, Scenario]]:
        """What is compared: the pinned alternatives, plus the current calculation when it is not one of them."""
        out = list(self.pinned)
        if self.current is not None and all(s != self.current for _, s in self.pinned):
            out.append((CURRENT, self.current))
        return out

    def comparison(self) -> Comparison | None:
        alts = self.alternatives()
        if len(alts) < 2:
            return None
        results = []
        for _, s in alts:
            key = id(s)
            if key not in self._results or self._results[key][0] is not s:
                self._results[key] = (s, calculate(s, self.kb))
            results.append(self._results[key][1])
        return compare(results, [n for n, _ in alts])

    # --- drawing ------------------------------------------------------------------------------------------
    def _render_rows(self) -> None:
        rows = []
        for i, (name, s) in enumerate(self.pinned):
            text = W.Text(value=name, continuous_update=False, layout=W.Layout(width="160px"))
            text.observe(lambda ch, i=i: self.rename(i, ch["new"]), "value")
            open_button = W.Button(description="Åbn i trinene", layout=W.Layout(width="130px"))
            open_button.on_click(lambda _, s=s: self._load(s))
            remove_button = W.Button(description="Fjern", button_style="warning", layout=W.Layout(width="80px"))
            remove_button.on_click(lambda _, i=i: self.remove(i))
            info = W.HTML(f"<span class='som-help'>{esc(s.name)}</span>")
            rows.append(W.HBox([text, open_button, remove_button, info], layout=W.Layout(align_items="center")))
        if not rows:
            rows = [help_html("Ingen alternativer gemt endnu.")]
        self.rows.children = rows

    def refresh(self) -> None:
        self.paper_note.value = f"<div class='som-help som-paper-subject'>{esc(self.paper_subject())}</div>"
        try:
            cmp = self.comparison()
        except SomError as e:
            show_messages(self.msg, [p.message for p in e.problems])
            return
        if cmp is None:
            self.table.value = ""
            self.notes.value = ""
            self.chart_box.children = []
            return
        self.table.value = table_html(cmp)
        self.notes.value = "".join(f"<div class='som-help'>⚠ {esc(n)}</div>" for n in cmp.notes())
        self.chart_box.children = [
            charts.show(chart_differences(cmp), "sammenligning_forskelle"),
            charts.show(chart_cumulative(cmp), "sammenligning_akkumuleret"),
        ]

    def too_few(self) -> str:
        """Why there is nothing to compare yet, and what to do (Danish)."""
        if not self.pinned:
            return (
                "En sammenligning kræver to beregninger: gem den aktuelle beregning som alternativ, ret noget i "
                "trinene, og gem igen."
            )
        names = ", ".join(f"»{n}«" for n, _ in self.pinned)
        return (
            f"Der er kun ét alternativ ({names}), og det er den aktuelle beregning. Ret noget i trinene, eller gem "
            "et alternativ mere, for at sammenligne."
        )

    def paper_subject(self) -> str:
        """Which calculation the decision paper describes on page 1, and what it compares with (Danish)."""
        alts = self.alternatives()
        if not alts:
            return ""
        (name, first), others = alts[0], [n for n, _ in alts[1:]]
        if name == CURRENT:
            text = "Oplægget beskriver den aktuelle beregning"
        elif first == self.current:
            text = f"Oplægget beskriver alternativ »{name}«, som er den aktuelle beregning"
        else:
            text = f"Oplægget beskriver alternativ »{name}« på side 1, ikke den aktuelle beregning i statuslinjen" + (
                " (den kommer med i sammenligningen)" if CURRENT in others else ""
            )
        compared = ", ".join(f"»{n}«" for n in others)
        return text + (f" og sammenligner med {compared}." if others else ".")

    def show_payback(self) -> None:
        """The payback probabilities of every alternative (the paper's seeded Monte Carlo, one run per scenario,
        kept while the scenario is unchanged)."""
        alts = self.alternatives()
        if not alts:
            self.payback.value = esc("Der er ingen gyldig beregning endnu.")
            return
        runs = []
        try:
            for _, s in alts:
                if id(s) not in self._mc or self._mc[id(s)][0] is not s:
                    self._mc[id(s)] = (s, monte_carlo(s, self.kb, n_draws=PAPER_DRAWS, seed=PAPER_SEED))
                runs.append(self._mc[id(s)][1])
            results = [calculate(s, self.kb) for _, s in alts]
            cmp = compare(results, [n for n, _ in alts], monte_carlo=runs)
        except SomError as e:
            self.payback.value = esc(
                "Sandsynlighederne kunne ikke beregnes: " + "; ".join(p.message for p in e.problems)
            )
            return
        self.payback.value = payback_html(cmp)

    def excel(self) -> None:
        cmp = self.comparison()
        if cmp is None:
            self.excel_link.value = esc(self.too_few())
            return
        name = f"sammenligning_{date.today().isoformat()}.xlsx"
        self.excel_link.value = download_link(
            comparison_workbook_bytes(cmp), name, XLSX_MIME, f"Hent {name}", "som-download som-compare-excel-link"
        )

    def report(self) -> None:
        alts = self.alternatives()
        if not alts:
            self.report_link.value = esc("Der er ingen gyldig beregning endnu.")
            return
        self.report_link.value = "<i>Laver beslutningsoplæg …</i>"
        try:
            meta = PaperMeta(
                title=self.paper_title.value.strip(),
                subject=self.paper_topic.value.strip(),
                author=self.paper_author.value.strip(),
                department=self.paper_department.value.strip(),
            )
            data = report_bytes(alts, self.kb, "docx", meta)
        except SomError as e:
            self.report_link.value = esc(
                "Beslutningsoplægget kunne ikke laves: " + "; ".join(p.message for p in e.problems)
            )
            return
        name = f"beslutningsoplaeg_{slug(alts[0][1].name)}.docx"
        self.report_link.value = download_link(data, name, DOCX_MIME, f"Hent {name}", "som-download som-report-link")
