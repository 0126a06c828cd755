"""The knowledge-base browser (notebooks/vidensdatabase.ipynb): search and filter every table, with the source
and the illustrative/calibrated flag next to every number, and a chart of the consequence profile.

The table builders are plain functions of (kb, Filters) → DataFrame so tests can check them without widgets;
`build_knowledge_browser(kb)` wires them to ipywidgets. The value of a consequence profile in kroner is computed
by the kernel (`calculate` on one successful person), never here.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import altair as alt
import ipywidgets as W
import pandas as pd

from .. import charts
from ..engine import calculate
from ..errors import KnowledgeError
from ..format import kr as fmt_kr
from ..format import number, pct, problems_html
from ..knowledge import (
    ACTORS,
    CALIBRATION_PRICE_YEAR,
    TARGET_GROUP_AREAS,
    WELFARE_AREA_NAMES_DA,
    KnowledgeBase,
    load_knowledge,
)
from ..scenario import build_scenario

ALL = ""  # the "Alle" choice of a dropdown
ACTOR_NAMES_DA = {"kommune": "Kommune", "region": "Region", "stat": "Stat"}
EVIDENCE_DA = {1: "1 (metastudie/RCT)", 2: "2 (kvasieksperimentel)", 3: "3 (før-efter)"}
TABS = ("malgrupper", "effekter", "konsekvenser", "priser", "prisindeks", "kilder")
TAB_TITLES = {
    "malgrupper": "Målgrupper",
    "effekter": "Effektstudier",
    "konsekvenser": "Konsekvenser",
    "priser": "Priser",
    "prisindeks": "Nettoprisindeks",
    "kilder": "Kilder",
}
TABLE_NAMES_DA = {
    "target_groups": "målgrupper",
    "outcomes": "effektmål",
    "services": "ydelser",
    "prices": "priser",
    "consequences": "konsekvenser",
    "effect_studies": "effektstudier",
    "net_price_index": "nettoprisindeks",
}
PROFILE_FIRST_YEAR = 2025  # any calendar year; the chart shows consequence years 1..10


@dataclass(frozen=True)
class Filters:
    """What the user filters on. Empty strings mean "all"."""

    target_group: str = ALL
    outcome: str = ALL
    welfare_area: str = ALL
    text: str = ""
    public_only: bool = False


# ---- provenance ------------------------------------------------------------------------------------------


def status_text(illustrative: bool, calibrated_to: str = "") -> str:
    """'offentlig', 'illustrativ' or 'kalibreret (…), illustrativ fordeling' for a row."""
    if calibrated_to:
        return f"kalibreret til {calibrated_to}; fordelingen er illustrativ"
    return "illustrativ" if illustrative else "offentlig kilde"


def source_cell(title: str, url: str) -> str:
    """HTML for a source: a link when there is a URL."""
    if url:
        return f'<a href="{html.escape(url)}" target="_blank" rel="noopener">{html.escape(title)}</a>'
    return html.escape(title)


def _status_html(text: str) -> str:
    colour = {"offentlig kilde": "#2e7d32", "illustrativ": "#b26a00", "blandet": "#6a1b9a"}.get(text, "#1565c0")
    return f'<span style="color:{colour};font-weight:600">{html.escape(text)}</span>'


# ---- filtering -------------------------------------------------------------------------------------------


def _text_match(df: pd.DataFrame, text: str, columns: list[str]) -> pd.Series:
    if not text.strip():
        return pd.Series(True, index=df.index)
    needle = text.strip().lower()
    hay = df[columns].astype(str).agg(" ".join, axis=1).str.lower()
    return hay.str.contains(needle, regex=False)


def _public(df: pd.DataFrame, f: Filters) -> pd.Series:
    return ~df["illustrative"] if f.public_only else pd.Series(True, index=df.index)


def services_of_group(kb: KnowledgeBase, target_group: str) -> set[str]:
    """Services with a consequence for `target_group` (all services when it is empty)."""
    if not target_group:
        return set(kb.services["id"])
    c = kb.consequences
    return set(c.loc[c["target_group"] == target_group, "service"])


def target_group_table(kb: KnowledgeBase, f: Filters) -> pd.DataFrame:
    """One row per outcome, with its target group (målgruppe, område, definition, effektmål, kilde, status)."""
    tg = kb.target_groups.rename(columns=lambda c: f"tg_{c}")
    df = kb.outcomes.merge(tg, left_on="target_group", right_on="tg_id", how="left")
    keep = _public(df, f)
    if f.target_group:
        keep &= df["target_group"] == f.target_group
    keep &= _text_match(df, f.text, ["id", "name", "definition", "tg_name", "tg_definition", "source_title"])
    df = df[keep]
    return pd.DataFrame(
        {
            "Målgruppe": df["tg_name"],
            "Område": df["tg_area"].map(TARGET_GROUP_AREAS),
            "Definition af målgruppen": df["tg_definition"],
            "Effektmål": df["name"],
            "Definition af effektmålet": df["definition"],
            "Status": df["illustrative"].map(status_text),
            "Kilde": [source_cell(t, u) for t, u in zip(df["source_title"], df["source_url"], strict=True)],
            "id": df["id"],
        }
    ).reset_index(drop=True)


def effect_table(kb: KnowledgeBase, f: Filters) -> pd.DataFrame:
    """Effect studies: success rate (net, in %) with interval, design, evidence level, n, country, source."""
    e = kb.effect_studies
    names = dict(zip(kb.outcomes["id"], kb.outcomes["name"], strict=True))
    groups = dict(zip(kb.target_groups["id"], kb.target_groups["name"], strict=True))
    keep = _public(e, f)
    if f.target_group:
        keep &= e["target_group"] == f.target_group
    if f.outcome:
        keep &= e["outcome"] == f.outcome
    keep &= _text_match(e, f.text, ["id", "name", "measure", "design", "country", "source_title", "note"])
    e = e[keep]

    def interval(lo, hi):
        return f"{pct(lo)} – {pct(hi)}" if pd.notna(lo) and pd.notna(hi) else "–"

    def rates(t, c):
        return f"{pct(t)} mod {pct(c)}" if pd.notna(t) and pd.notna(c) else "–"

    return pd.DataFrame(
        {
            "Indsats / studie": e["name"],
            "Målgruppe": e["target_group"].map(groups),
            "Effektmål": e["outcome"].map(names),
            "Succesrate (netto)": e["success_rate"].map(pct),
            "Interval": [interval(lo, hi) for lo, hi in zip(e["ci_low"], e["ci_high"], strict=True)],
            "Med indsats mod uden": [rates(t, c) for t, c in zip(e["rate_treatment"], e["rate_control"], strict=True)],
            # the flag and the source right after the numbers they belong to
            "Status": e["illustrative"].map(status_text),
            "Kilde": [source_cell(t, u) for t, u in zip(e["source_title"], e["source_url"], strict=True)],
            "Effektmål i studiet": e["measure"],
            "Design": e["design"],
            "Evidensniveau": e["evidence_level"].map(EVIDENCE_DA),
            "Antal (n)": e["n"].map(lambda n: number(n) if pd.notna(n) else "–"),
            "Land": e["country"],
            "Note": e["note"],
            "id": e["id"],
        }
    ).reset_index(drop=True)


def consequence_table(kb: KnowledgeBase, f: Filters) -> pd.DataFrame:
    """Consequences, one row per target group × outcome × service with years 1–10 as columns (Δ use per success)."""
    c = kb.consequences
    svc = kb.services.set_index("id")
    keep = _public(c, f)
    if f.target_group:
        keep &= c["target_group"] == f.target_group
    if f.outcome:
        keep &= c["outcome"] == f.outcome
    if f.welfare_area:
        keep &= c["service"].map(svc["welfare_area"]) == f.welfare_area
    c = c[keep]
    if c.empty:
        return pd.DataFrame(columns=["Målgruppe", "Effektmål", "Ydelse", "Enhed", *map(str, range(1, 11)), "Status"])
    keys = ["target_group", "outcome", "service"]
    wide = c.pivot_table(index=keys, columns="year", values="delta_use", aggfunc="sum", fill_value=0.0)
    wide = wide.reindex(columns=range(1, max(10, int(c["year"].max())) + 1), fill_value=0.0)
    first = c.groupby(keys, sort=False)[["unit", "source_title", "source_url", "illustrative", "calibrated_to"]].first()
    wide = wide.join(first).reset_index()
    names = dict(zip(kb.outcomes["id"], kb.outcomes["name"], strict=True))
    groups = dict(zip(kb.target_groups["id"], kb.target_groups["name"], strict=True))
    wide["service_name"] = wide["service"].map(svc["name"])
    text_cols = ["target_group", "outcome", "service", "service_name", "source_title", "calibrated_to"]
    wide = wide[_text_match(wide.assign(tg=wide["target_group"].map(groups)), f.text, [*text_cols, "tg"])]
    out = pd.DataFrame(
        {
            "Målgruppe": wide["target_group"].map(groups),
            "Effektmål": wide["outcome"].map(names),
            "Ydelse": wide["service_name"],
            "Område": wide["service"].map(svc["welfare_area"]).map(WELFARE_AREA_NAMES_DA),
            "Enhed": wide["unit"],
        }
    )
    for y in range(1, 11):
        out[str(y)] = wide[y].map(lambda v: number(v, 2) if v else "0")
    out["Status"] = [status_text(i, cal) for i, cal in zip(wide["illustrative"], wide["calibrated_to"], strict=True)]
    out["Kilde"] = [source_cell(t, u) for t, u in zip(wide["source_title"], wide["source_url"], strict=True)]
    out["service"] = wide["service"]
    return out.reset_index(drop=True)


def _sources_html(rows: pd.DataFrame) -> str:
    """The distinct sources of some rows as links, separated by semicolons."""
    pairs = dict.fromkeys(zip(rows["source_title"], rows["source_url"], strict=True))
    return "; ".join(source_cell(t, u) for t, u in pairs)


def price_table(kb: KnowledgeBase, f: Filters) -> pd.DataFrame:
    """Prices per service and actor (kr. per unit after refusion) at their own price year, with source and status."""
    p = kb.prices
    svc = kb.services.set_index("id")
    keep = _public(p, f) & p["service"].isin(services_of_group(kb, f.target_group))
    if f.welfare_area:
        keep &= p["service"].map(svc["welfare_area"]) == f.welfare_area
    p = p[keep]
    if p.empty:
        return pd.DataFrame(columns=["Ydelse", "Område", "Enhed", *ACTOR_NAMES_DA.values(), "Prisår", "Status"])
    wide = p.pivot_table(index="service", columns="actor", values="price", aggfunc="sum").reindex(columns=list(ACTORS))
    # provenance of all actors' rows of a service; usually one source and one year, but never hide a difference
    paid = p[p["price"] > 0]
    prov = pd.DataFrame(
        {
            "unit": p.groupby("service")["unit"].first(),
            "years": p.groupby("service")["price_year"].agg(lambda y: "/".join(map(str, sorted(set(y))))),
            "illustrative": p.groupby("service")["illustrative"].any(),
            "sources": p.groupby("service").apply(_sources_html, include_groups=False),
            "note": paid.groupby("service")["note"].agg(lambda n: " ".join(dict.fromkeys(x for x in n if x))),
        }
    )
    order = [s for s in svc.index if s in wide.index]
    wide = wide.join(prov).loc[order].reset_index()
    wide["note"] = wide["note"].fillna("")
    wide["name"] = wide["service"].map(svc["name"])
    wide = wide[_text_match(wide, f.text, ["service", "name", "sources", "note", "unit"])]
    out = pd.DataFrame(
        {
            "Ydelse": wide["name"],
            "Område": wide["service"].map(svc["welfare_area"]).map(WELFARE_AREA_NAMES_DA),
            "Enhed": wide["unit"],
        }
    )
    for a, label in ACTOR_NAMES_DA.items():
        out[label] = wide[a].map(lambda v: number(v) if pd.notna(v) else "–")
    out["Prisår"] = wide["years"]
    out["Status"] = wide["illustrative"].map(status_text)
    out["Kilde"] = wide["sources"]
    out["Note"] = wide["note"]
    out["service"] = wide["service"]
    return out.reset_index(drop=True)


def index_table(kb: KnowledgeBase, f: Filters) -> pd.DataFrame:
    """The net price index by year with its source and status."""
    n = kb.net_price_index
    n = n[_public(n, f)]
    return pd.DataFrame(
        {
            "År": n["year"].astype(str),
            "Nettoprisindeks (2015 = 100)": n["index"].map(lambda v: number(v, 1)),
            "Status": n["illustrative"].map(status_text),
            "Kilde": [source_cell(t, u) for t, u in zip(n["source_title"], n["source_url"], strict=True)],
            "Note": n["note"],
        }
    ).reset_index(drop=True)


def sources_table(kb: KnowledgeBase, f: Filters) -> pd.DataFrame:
    """Every source the knowledge base cites, with how many rows of each table use it and whether they are public."""
    parts = [
        getattr(kb, t)[["source_title", "source_url", "illustrative"]].assign(table=name)
        for t, name in TABLE_NAMES_DA.items()
    ]
    rows = pd.concat(parts, ignore_index=True)
    rows = rows[_public(rows, f) & _text_match(rows, f.text, ["source_title", "source_url"])]
    if rows.empty:
        return pd.DataFrame(columns=["Kilde", "Bruges i", "Rækker", "Status"])
    keys = ["source_title", "source_url"]
    used = rows.groupby(keys, sort=False)["table"].agg(
        lambda t: ", ".join(f"{n} {name}" for name, n in t.value_counts(sort=False).items())
    )
    out = rows.groupby(keys, sort=False).agg(n=("table", "size"), ill=("illustrative", "mean")).join(used)
    out = out.reset_index().sort_values("n", ascending=False)
    status = out["ill"].map(lambda x: "illustrativ" if x == 1 else "offentlig kilde" if x == 0 else "blandet")
    return pd.DataFrame(
        {
            "Kilde": [source_cell(t, u) for t, u in zip(out["source_title"], out["source_url"], strict=True)],
            "Bruges i": out["table"],
            "Rækker": out["n"].map(number),
            "Status": status,
        }
    ).reset_index(drop=True)


TABLE_BUILDERS = {
    "malgrupper": target_group_table,
    "effekter": effect_table,
    "konsekvenser": consequence_table,
    "priser": price_table,
    "prisindeks": index_table,
    "kilder": sources_table,
}


# ---- consequence profile in kroner (by the kernel) -------------------------------------------------------


def consequence_profile(kb: KnowledgeBase, target_group: str, outcome: str, price_year: int | None = None):
    """Gain per successful person by consequence year (1–10) and service, in kroner at `price_year`,
    computed by the kernel: one participant, success rate 1, no costs. Columns: year, service, name, amount."""
    year = price_year or kb.meta.default_price_year
    scenario = build_scenario(
        {
            "target_group": target_group,
            "participants": [1],
            "duration_years": 1,
            "outcomes": [{"outcome": outcome, "success_rate": 1.0}],
            "settings": {"price_year": year, "first_year": PROFILE_FIRST_YEAR, "horizon_years": 10},
        }
    )
    t = calculate(scenario, kb).table
    t = t[t["kind"] == "consequence"]
    out = t.groupby(["year", "service"], as_index=False)["amount"].sum()
    out["year"] = out["year"] - PROFILE_FIRST_YEAR + 1
    out["name"] = out["service"].map(kb.services.set_index("id")["name"])
    return out


def profile_chart(profile: pd.DataFrame, title: str) -> alt.Chart:
    """Stacked bars: gain per success per year, coloured by service (positive = gain to the public sector)."""
    data = profile.assign(kr=profile["amount"].round(0), kr_tekst=profile["amount"].map(fmt_kr))
    return (
        alt.Chart(data, title=title)
        .mark_bar()
        .encode(
            x=alt.X("year:O", title="År efter succes"),
            y=alt.Y(
                "sum(kr):Q",
                title="Gevinst pr. succes (kr.)",
                # Danish thousands separator: 100.000
                axis=alt.Axis(labelExpr="replace(format(datum.value, ',.0f'), regexp(',', 'g'), '.')"),
            ),
            color=alt.Color("name:N", title="Ydelse", legend=alt.Legend(columns=1, labelLimit=260)),
            tooltip=[
                alt.Tooltip("year:O", title="År"),
                alt.Tooltip("name:N", title="Ydelse"),
                alt.Tooltip("kr_tekst:N", title="Gevinst"),
            ],
        )
        .properties(width=520, height=300)
    )


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
            f"{kb.meta.default_price_year}. Hver række viser sin kilde og sin status: <b>offentlig kilde</b> "
            "(tallet står i kilden), <b>illustrativ</b> (vores skøn, ikke SØM's tal) eller <b>kalibreret</b> "
            "(rækkerne er tilpasset, så summen giver et offentliggjort tal; fordelingen er vores). "
            "Dette er ikke SØM's egen vidensdatabase.</p>"
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
            flag = "illustrativ" if c["illustrative"].any() else "offentlig kilde"
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
