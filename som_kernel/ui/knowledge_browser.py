"""The knowledge-base browser widget (notebooks/vidensdatabase.ipynb): filters, one tab per table, and a chart
of the consequence profile in kroner.

The tables themselves are built by som_kernel.knowledge_tables (pure functions of (kb, Filters) → DataFrame,
tested without widgets); this module only wires them to ipywidgets and renders them as HTML.
"""

from __future__ import annotations

import html

import ipywidgets as W
import pandas as pd

from .. import charts
from ..charts.knowledge import profile_chart
from ..errors import KnowledgeError
from ..format import knowledge_notes_html, number, problems_html
from ..kb import CALIBRATION_PRICE_YEAR, WELFARE_AREA_NAMES_DA, KnowledgeBase, load_knowledge
from ..knowledge_tables import (  # noqa: F401  (re-exported: the browser's public names before the split)
    ALL,
    TAB_TITLES,
    TABLE_BUILDERS,
    TABS,
    Filters,
    consequence_profile,
    consequence_table,
    effect_table,
    index_table,
    price_table,
    source_cell,
    sources_table,
    status_text,
    target_group_table,
    weakest_status,
)


def _status_html(text: str) -> str:
    colour = {"offentlig": "#2e7d32", "afledt": "#2e7d32", "illustrativ": "#b26a00", "blandet": "#6a1b9a"}.get(
        text, "#1565c0"
    )
    return f'<span style="color:{colour};font-weight:600">{html.escape(text)}</span>'


# ---- widgets ---------------------------------------------------------------------------------------------


WIDE_TEXT_COLUMNS = {
    "Note",
    "Definition af målgruppen",
    "Definition af effektmålet",
    "Effektmål i studiet",
    "Indsats / studie",
}


def frame_html(df: pd.DataFrame, hidden: tuple[str, ...] = ("id", "service")) -> str:
    """A DataFrame as an HTML table; cells are escaped except the source links and status labels."""
    cols = [c for c in df.columns if c not in hidden]
    if df.empty:
        return "<p><i>Ingen rækker passer til filtrene.</i></p>"
    head = "".join(f"<th>{html.escape(c)}</th>" for c in cols)
    body = []
    for _, r in df[cols].iterrows():
        cells = []
        for c in cols:
            v = "" if pd.isna(r[c]) else str(r[c])
            if c == "Kilde":
                cells.append(f'<td class="som-src">{v}</td>')  # already safe HTML from source_cell
            elif c == "Status":
                cells.append(f'<td class="som-status">{_status_html(v)}</td>')
            elif c in WIDE_TEXT_COLUMNS:
                cells.append(f'<td class="som-text">{html.escape(v)}</td>')
            else:
                cells.append(f"<td>{html.escape(v)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    style = (
        "<style>.som-kb{overflow-x:auto;max-height:640px;overflow-y:auto}"
        ".som-kb table{border-collapse:collapse;font-size:12px;line-height:1.35}"
        ".som-kb th,.som-kb td{border:1px solid #ddd;padding:3px 6px;vertical-align:top}"
        ".som-kb th{background:#f3f3f3;position:sticky;top:0}"
        ".som-kb td.som-src{min-width:240px}.som-kb td.som-status{min-width:150px}"
        ".som-kb td.som-text{min-width:260px}"
        ".som-kb a{color:#1565c0;text-decoration:underline}</style>"
    )
    return (
        f'{style}<div class="som-kb"><table><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>'
    )


class KnowledgeBrowser(W.VBox):
    """The browser widget. `filters` holds the filter widgets, `shown[tab]` the DataFrame each tab shows now."""

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        groups = [(r.name, r.id) for r in kb.target_groups.itertuples()]
        self.target_group = W.Dropdown(description="Målgruppe", options=[("Alle", ALL), *groups])
        self.outcome = W.Dropdown(description="Effektmål", options=[("Alle", ALL)])
        self.welfare_area = W.Dropdown(
            description="Område", options=[("Alle", ALL), *((n, a) for a, n in WELFARE_AREA_NAMES_DA.items())]
        )
        self.text = W.Text(description="Søg", placeholder="fx fængsel, IPS, kontanthjælp", continuous_update=False)
        self.public_only = W.Checkbox(description="Vis kun tal fra offentlige kilder", indent=False)
        self.filters = {
            "target_group": self.target_group,
            "outcome": self.outcome,
            "welfare_area": self.welfare_area,
            "text": self.text,
            "public_only": self.public_only,
        }
        self.shown: dict[str, pd.DataFrame] = {}
        self.tables = {t: W.HTML() for t in TABS}
        self.counts = W.HTML()
        self.chart_box = W.VBox()
        tab_children = [self.tables[t] for t in TABS]
        tab_children[TABS.index("konsekvenser")] = W.VBox([self.chart_box, self.tables["konsekvenser"]])
        self.tabs = W.Tab(children=tab_children, titles=[TAB_TITLES[t] for t in TABS])
        self._chart_key = None
        self._busy = False
        intro = W.HTML(
            f"<h2>Vidensdatabasen</h2><p>Version {html.escape(kb.meta.version)}, standard-prisniveau "
            f"{kb.meta.default_price_year}. Hver række viser sin kilde og sin status: <b>offentlig</b> "
            "(tallet står i kilden), <b>afledt</b> (regnet ud af offentlige tal med en formel, der står i rækkens "
            "note), <b>illustrativ</b> (vores skøn, ikke SØM's tal) eller <b>kalibreret</b> "
            "(rækkerne er tilpasset, så summen giver et offentliggjort tal; fordelingen er vores). "
            "Dette er ikke SØM's egen vidensdatabase.</p>" + knowledge_notes_html(kb)
        )
        super().__init__(
            [
                intro,
                W.HBox([self.target_group, self.outcome, self.welfare_area]),
                W.HBox([self.text, self.public_only]),
                self.counts,
                self.tabs,
            ]
        )
        self.target_group.observe(self._group_changed, "value")
        for w in (self.outcome, self.welfare_area, self.text, self.public_only):
            w.observe(self._refresh, "value")
        self._refresh()

    def current_filters(self) -> Filters:
        return Filters(
            target_group=self.target_group.value or ALL,
            outcome=self.outcome.value or ALL,
            welfare_area=self.welfare_area.value or ALL,
            text=self.text.value,
            public_only=self.public_only.value,
        )

    def _group_changed(self, _=None) -> None:
        g = self.target_group.value
        outs = self.kb.outcomes_for(g) if g else self.kb.outcomes.iloc[0:0]
        self._busy = True  # one refresh after both changes, not one per change
        try:
            self.outcome.options = [("Alle", ALL), *((r.name, r.id) for r in outs.itertuples())]
            self.outcome.value = outs["id"].iloc[0] if len(outs) else ALL
        finally:
            self._busy = False
        self._refresh()

    def _refresh(self, _=None) -> None:
        if self._busy:
            return
        f = self.current_filters()
        for tab, builder in TABLE_BUILDERS.items():
            df = builder(self.kb, f)
            self.shown[tab] = df
            self.tables[tab].value = frame_html(df)
        self.counts.value = (
            "<small>" + " · ".join(f"{TAB_TITLES[t]}: {len(self.shown[t])} rækker" for t in TABS) + "</small>"
        )
        self._update_chart(f)

    def _update_chart(self, f: Filters) -> None:
        key = (f.target_group, f.outcome)
        if key == self._chart_key:
            return
        self._chart_key = key
        if not (f.target_group and f.outcome):
            self.chart_box.children = [
                W.HTML("<p><i>Vælg en målgruppe og et effektmål for at se konsekvensprofilen i kroner.</i></p>")
            ]
            return
        profile = consequence_profile(self.kb, f.target_group, f.outcome)
        name = self.outcome.label
        year = self.kb.meta.default_price_year
        c = self.kb.consequences_for(f.target_group, f.outcome)
        cal = sorted(set(c["calibrated_to"]) - {""})
        if cal:
            flag = f"kalibreret til {cal[0]}; fordelingen er illustrativ"
            at_cal = consequence_profile(self.kb, f.target_group, f.outcome, CALIBRATION_PRICE_YEAR)["amount"].sum()
            extra = (
                f" ({number(at_cal)} kr. i {CALIBRATION_PRICE_YEAR}-priser, det prisniveau vi antager, "
                "det offentliggjorte tal er i)"
            )
        else:
            flag = status_text(weakest_status(c["status"]))
            extra = ""
        note = W.HTML(
            f"<p>Gevinst for det offentlige pr. person, der når effektmålet <b>{html.escape(name)}</b>, "
            f"år 1–10, i {year}-priser: i alt <b>{number(profile['amount'].sum())} kr.</b>{extra}. "
            f"Status: {_status_html(flag)}.</p>"
        )
        title = f"Konsekvensprofil: {name}"
        self.chart_box.children = [note, charts.show(profile_chart(profile, title))]


def build_knowledge_browser(kb: KnowledgeBase) -> W.Widget:
    """The Voilà app for browsing the knowledge base (Danish UI)."""
    return KnowledgeBrowser(kb)


def knowledge_browser_app(path: str | None = None) -> W.Widget:
    """The app for the notebook: load the knowledge base and build the browser, or show what is wrong in Danish."""
    try:
        kb = load_knowledge(path)
    except KnowledgeError as e:
        return W.HTML(
            "<h2>Vidensdatabasen kan ikke indlæses</h2><p>Ret følgende i tabellerne (fil:række:kolonne):</p>"
            + problems_html(e.problems, limit=50)
        )
    return build_knowledge_browser(kb)
