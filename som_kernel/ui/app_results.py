"""Step 6 of the app (Resultater): summary sentence, key figures, charts, yearly table and exports.

Charts are JupyterCharts created once; later results replace their `chart` (the spec) in place.
When the inputs are invalid the view keeps the last valid result and says it is outdated.
"""

from __future__ import annotations

import base64

import ipywidgets as W

from .. import charts
from ..charts import results as result_charts
from ..checklist import checklist, checklist_html
from ..describe import describe_inputs
from ..export import chart_png, chart_svg, workbook_bytes
from ..format import kr, pct
from ..kb import KnowledgeBase
from ..names import ACTOR_NAMES_DA, ACTORS, COST_NAMES_DA, WELFARE_AREA_NAMES_DA
from ..summary import committee_sentence, committee_table, summary
from ..views import TOTAL, Result
from .app_widgets import attr, esc, help_html

OUTDATED = "Forældet – ret de markerede felter"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download_link(data: bytes, filename: str, mime: str, text: str, css_class: str = "som-download") -> str:
    """An <a download> link carrying the file as a data: URI (works offline, no server round trip)."""
    b64 = base64.b64encode(data).decode("ascii")
    return (
        f'<a class="{css_class}" download="{attr(filename)}" href="data:{mime};base64,{b64}" '
        f'style="font-weight:600">⬇ {esc(text)}</a>'
    )


def be_text(year: int | None, first: int) -> str:
    """'år 3 (2027)', or 'ikke inden for perioden' without a break-even year."""
    return f"år {year - first + 1} ({year})" if year is not None else "ikke inden for perioden"


def key_figures_html(result: Result) -> str:
    """Table of totals per actor: costs, consequences, net result, discounted net result, break-even year."""
    kinds = result.totals_by_kind()
    totals = result.totals()
    npv = result.npv()
    be = result.break_even_years()
    first = result.scenario.settings.first_year
    cols = (*ACTORS, TOTAL)
    rate = result.scenario.settings.discount_rate

    def row(text, values, css=""):
        cells = "".join(f'<td class="num {css}-{a}">{v}</td>' for a, v in zip(cols, values))
        return f"<tr><td>{esc(text)}</td>{cells}</tr>"

    head = "".join(f"<th>{ACTOR_NAMES_DA[a]}</th>" for a in cols)
    body = "".join(
        [
            row("Omkostninger", [kr(kinds.at["cost", a]) for a in cols]),
            row("Konsekvenser (gevinster)", [kr(kinds.at["consequence", a]) for a in cols]),
            "<tr style='font-weight:700'><td>Nettoresultat i alt</td>"
            + "".join(f'<td class="num som-total-{a}">{kr(totals[a])}</td>' for a in cols)
            + "</tr>",
            row(f"Nettoresultat, tilbagediskonteret ({pct(rate)})", [kr(npv[a]) for a in cols], "som-npv"),
            row("Break-even-år", [be_text(be[a], first) for a in cols], "som-be"),
        ]
    )
    years = result.years
    return (
        f"<table class='som-table som-key-figures'><tr><th>Hele perioden {years[0]}–{years[-1]} "
        f"(kr., prisniveau {result.scenario.settings.price_year})</th>{head}</tr>{body}</table>"
    )


def yearly_html(result: Result, discounted: bool) -> str:
    """Net result per year per actor plus the cumulative total, as an HTML table."""
    t = result.by_year_actor(discounted)
    cum = result.cumulative(discounted)[TOTAL]
    head = "".join(f"<th>{ACTOR_NAMES_DA[a]}</th>" for a in t.columns)
    rows = "".join(
        f"<tr><td>{y}</td>"
        + "".join(f'<td class="num">{kr(v)}</td>' for v in values)
        + f'<td class="num">{kr(c)}</td></tr>'
        for y, values, c in zip(t.index, t.to_numpy().tolist(), cum.tolist())
    )
    return f"<table class='som-table'><tr><th>År</th>{head}<th>Akkumuleret i alt</th></tr>{rows}</table>"


def by_service_html(result: Result, kb: KnowledgeBase, discounted: bool) -> str:
    """Totals over the whole period per service (and cost line) and actor, largest gains first."""
    names = {**dict(zip(kb.services["id"], kb.services["name"])), **COST_NAMES_DA}
    table = result.by_service(discounted)
    head = "".join(f"<th>{ACTOR_NAMES_DA[a]}</th>" for a in table.columns)
    rows = "".join(
        f"<tr><td>{esc(names.get(service, service))}</td><td>{WELFARE_AREA_NAMES_DA[area]}</td>"
        + "".join(f'<td class="num">{kr(v)}</td>' for v in values)
        + "</tr>"
        for (_kind, area, service), values in zip(table.index, table.to_numpy().tolist())
    )
    return f"<table class='som-table'><tr><th>Ydelse / omkostning</th><th>Område</th>{head}</tr>{rows}</table>"


def committees_html(result: Result, discounted: bool) -> str:
    """The kommune split between its committees: who pays and who gains (one sentence), the totals and
    break-even year per committee, and the net result and cumulative net result per year and committee."""
    table = committee_table(result, discounted)
    first = result.scenario.settings.first_year
    rows = "".join(
        f"<tr><td>{esc(name)}</td>"
        + "".join(f'<td class="num">{kr(r[c])}</td>' for c in ("Omkostninger", "Gevinster", "Netto"))
        + f'<td class="num">{be_text(r["Break-even-år"], first)}</td></tr>'
        for name, r in table.iterrows()
    )
    yearly = result.by_committee(discounted)
    cum = result.cumulative_by_committee(discounted)
    names = {**result.committee_names, TOTAL: "Kommunen i alt"}
    head = "".join(f"<th>{esc(names[c])}</th>" for c in yearly.columns)
    per_year = "".join(
        f"<tr><td>{y}</td>" + "".join(f'<td class="num">{kr(v)}</td>' for v in [*values, *cumulative]) + "</tr>"
        for y, values, cumulative in zip(yearly.index, yearly.to_numpy().tolist(), cum.to_numpy().tolist())
    )
    cum_head = "".join(f"<th>{esc(names[c])}, akkumuleret</th>" for c in cum.columns)
    return (
        f"<p>{esc(committee_sentence(result))}</p>"
        "<table class='som-table som-committees'><tr><th>Udvalg (hele perioden)</th><th>Omkostninger</th>"
        f"<th>Gevinster</th><th>Netto</th><th>Break-even-år</th></tr>{rows}</table>"
        f"<table class='som-table som-committees-yearly'><tr><th>År</th>{head}{cum_head}</tr>{per_year}</table>"
        "<p><small>Kun kommunens del fordeles. Udvalgene og hvilke ydelser de har, følger den kommunale kontoplan "
        "(vidensdatabasens committee_map.csv) eller kommunens lokale lag; omkostningerne bæres af det udvalg, "
        "der er valgt under Omkostninger.</small></p>"
    )


# SØM's steps: what each one computes, in words, and for analysts the section of docs/method.md that gives its
# formula and the module that computes it (the second hop from a number)
METHOD_SECTIONS = (
    (
        "Omkostninger",
        "opstart + drift pr. deltager for hvert år i forløbet + faste driftsudgifter − sparede omkostninger "
        "(basisalternativet), fordelt på de aktører, der betaler",
        "step-2-costs",
        "som_kernel/steps/costs.py",
    ),
    (
        "Effekt og succeser",
        "deltagere, der afslutter forløbet × succesrate × den andel af effekten, der er tilbage i konsekvensåret",
        "step-3-effect-and-successes",
        "som_kernel/steps/effect.py",
    ),
    (
        "Konsekvenser",
        "succeser × ændringen i brug af hver ydelse pr. person i konsekvensår 1, 2, 3 …",
        "step-4-consequences",
        "som_kernel/steps/consequences.py",
    ),
    (
        "Priser pr. aktør",
        "ændring i brug × prisen pr. enhed for kommune, region og stat efter refusion, omregnet til prisniveauet",
        "step-5-prices",
        "som_kernel/steps/prices.py",
    ),
)


def inputs_html(result: Result, kb: KnowledgeBase) -> str:
    """The calculation's inputs in Danish with their sources (som_kernel.describe), each step's formula in words,
    and, folded away for analysts, where each formula is written (docs/method.md and the step's module)."""
    rows = "".join(
        f"<tr><td>{esc(r.label)}</td><td>{esc(r.text)}</td><td><small>{esc(r.source)}</small></td></tr>"
        for r in describe_inputs(result.scenario, kb)
        if r.text
    )
    words = "".join(f"<li><b>{esc(name)}</b>: {esc(text)}</li>" for name, text, _, _ in METHOD_SECTIONS)
    code = "".join(
        f"<li>{esc(name)}: <code>docs/method.md#{anchor}</code>, beregnet i <code>{esc(module)}</code></li>"
        for name, _, anchor, module in METHOD_SECTIONS
    )
    return (
        "<table class='som-inputs'><tr><th>Forudsætning</th><th>Værdi</th><th>Kilde</th></tr>"
        f"{rows}</table><p>Sådan regnes hvert trin:</p><ul class='som-formulas'>{words}</ul>"
        "<details class='som-analyst'><summary>For analytikere: hvor formlerne står i metodebeskrivelsen og koden"
        f"</summary><ul>{code}</ul></details>"
    )


class ResultsView:
    """The results tab; `update(result)` redraws, `mark_outdated(True)` flags the shown result as stale."""

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self.result: Result | None = None
        self.status = W.HTML()
        self.summary = W.HTML()
        self.summary.add_class("som-summary")
        self.key = W.HTML()
        self.discounted = W.ToggleButtons(
            options=[("Ikke tilbagediskonteret", False), ("Tilbagediskonteret", True)],
            value=False,
            style={"button_width": "200px"},
        )
        self.discounted.observe(lambda _: self.redraw(), "value")
        self.chart = None
        self.chart_box = W.VBox()
        self.yearly = W.HTML()
        self.services = W.HTML()
        self.committees = W.HTML()
        self.checklist = W.HTML()
        self.inputs = W.HTML()
        self.yearly_box = W.Accordion(
            children=[self.yearly, self.services, self.committees, self.checklist, self.inputs],
            titles=(
                "Tal pr. år (tabel)",
                "Tal pr. ydelse, hele perioden",
                "Kommunens udvalg: hvem betaler, hvem vinder",
                "Tjekliste: beregningens kvalitet",
                "Forudsætninger og formler",
            ),
        )
        self.excel_button = W.Button(
            description="Lav Excel-fil", icon="file-excel-o", button_style="primary", layout=W.Layout(width="180px")
        )
        self.excel_button.on_click(self._excel)
        self.excel_link = W.HTML()
        self.image_chart = W.Dropdown(
            options=[(v, k) for k, v in result_charts.CHART_TITLES_DA.items()], layout=W.Layout(width="300px")
        )
        self.image_format = W.ToggleButtons(options=["PNG", "SVG"], value="PNG", style={"button_width": "60px"})
        self.image_button = W.Button(description="Lav billedfil", icon="image", layout=W.Layout(width="150px"))
        self.image_button.on_click(self._image)
        self.image_link = W.HTML()
        self.widget = W.VBox(
            [
                W.HTML("<h3>Trin 6 · Resultater</h3>"),
                self.status,
                self.summary,
                self.key,
                help_html(
                    "Positive tal er gevinster for aktøren (færre udgifter eller flere skatteindtægter); negative "
                    "tal er udgifter. Break-even-året er det første år, hvor det akkumulerede nettoresultat er "
                    "positivt."
                ),
                self.discounted,
                self.chart_box,
                self.yearly_box,
                W.HTML("<h4>Eksport</h4>"),
                W.HBox([self.excel_button, self.excel_link]),
                help_html(
                    "Excel-filen indeholder input (med kilder), resultater pr. år, aktør, velfærdsområde og "
                    "deltager, alle beregningsrækker og opsummeringen."
                ),
                W.HBox([self.image_chart, self.image_format, self.image_button, self.image_link]),
            ],
            layout=W.Layout(padding="6px"),
        )

    def update(self, result: Result) -> None:
        self.result = result
        self.excel_link.value = ""
        self.image_link.value = ""
        self.summary.value = esc(summary(result))
        self.key.value = key_figures_html(result)
        self.checklist.value = checklist_html(checklist(result, self.kb))
        self.inputs.value = inputs_html(result, self.kb)
        self.redraw()

    def redraw(self) -> None:
        if self.result is None:
            return
        d = self.discounted.value
        spec = result_charts.combined_spec(self.result, d)
        if self.chart is None:
            self.chart = charts.show(result_charts.combined_template())
            self.chart.add_class("som-charts")
            self.chart_box.children = [self.chart]
        menu = {**charts.CHART_MENU_DA, "downloadFileName": self._filename("", "grafer")[:-1]}
        if self.chart.embed_options != menu:  # a new scenario name: the menu's file name follows it
            self.chart.embed_options = menu
        self.chart.spec = spec  # in place: only the data and titles change
        self.yearly.value = yearly_html(self.result, d)
        self.services.value = by_service_html(self.result, self.kb, d)
        self.committees.value = committees_html(self.result, d)

    def mark_outdated(self, outdated: bool, count: int = 0) -> None:
        if outdated:
            what = f" ({count} fejl)" if count else ""
            self.status.value = (
                f'<div class="som-outdated">{OUTDATED}{what}. Resultaterne herunder er fra den '
                f"sidste gyldige beregning.</div>"
            )
        else:
            self.status.value = '<div class="som-ok">Resultaterne er beregnet ud fra de aktuelle input.</div>'

    def _filename(self, ext: str, what: str = "") -> str:
        """'<scenario>.xlsx', or '<scenario>_<chart>.png' for one chart (Danish names, no spaces)."""
        from .app_steps import slug

        stem = slug(self.result.scenario.name) if self.result else "beregning"
        return f"{stem}_{slug(what)}.{ext}" if what else f"{stem}.{ext}"

    def _excel(self, _=None) -> None:
        if self.result is None:
            return
        self.excel_link.value = "<i>Laver Excel-fil …</i>"
        try:
            data = workbook_bytes(self.result, self.kb)
        except Exception as e:  # noqa: BLE001 – say so instead of leaving "Laver Excel-fil …" forever
            self.excel_link.value = (
                f"<span class='som-msg'>⚠ Excel-filen kunne ikke laves ({esc(type(e).__name__)}). "
                "Gem beregningen (.json) og prøv igen.</span>"
            )
            return
        self.excel_link.value = download_link(
            data, self._filename("xlsx"), XLSX_MIME, f"Hent {self._filename('xlsx')}", "som-download som-excel-link"
        )

    def _image(self, _=None) -> None:
        if self.result is None:
            return
        cid = self.image_chart.value
        self.image_link.value = "<i>Laver billedfil …</i>"
        name = self._filename(self.image_format.value.lower(), result_charts.CHART_TITLES_DA[cid])
        if self.image_format.value == "PNG":
            data, mime = chart_png(self.result, cid, self.discounted.value), "image/png"
        else:
            data, mime = chart_svg(self.result, cid, self.discounted.value).encode("utf-8"), "image/svg+xml"
        self.image_link.value = download_link(data, name, mime, f"Hent {name}", "som-download som-image-link")
