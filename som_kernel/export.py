"""Exports of a calculation: one Excel workbook (openpyxl) and PNG/SVG charts (vl-convert).

The workbook holds numbers as numbers (with Danish-looking number formats), so a reader can keep
calculating in Excel: inputs with the sources of the knowledge-base rows used, yearly results per
actor and welfare area, the average participant's course, every calculation row, and the summary.

Every text the project writes to a workbook or CSV file goes through `safe_text`: a text is always
text, never a formula (a scenario named '=HYPERLINK(…)' stays that text), and characters no file can
hold (control characters, half a surrogate pair) are replaced, so an export never crashes on them.
"""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .cells import FORMULA_START, safe_text
from .describe import describe_inputs, outcome_names, resource_derivation, resource_rows
from .engine import consequence_rows, unit_prices
from .fields import COST_LINE_FIELDS, FIELD
from .format import pct
from .kb import LOCAL_COLUMN, KnowledgeBase
from .names import ACTOR_NAMES_DA as ACTOR_DA
from .names import ACTORS, COST_NAMES_DA, KIND_NAMES_DA, TOTAL, WELFARE_AREA_NAMES_DA
from .steps.costs import cost_totals, price_resources
from .summary import committee_sentence, committee_table, summary
from .views import Result


def _put(ws, row: int, column: int, value):
    """Write one cell; a text is stored as a text cell (type s, quote prefix), never as a formula."""
    c = ws.cell(row=row, column=column)
    if isinstance(value, str):
        text = safe_text(value)
        c.value = text
        c.data_type = "s"  # openpyxl would make a formula of any text starting with '='
        if text.startswith(FORMULA_START):
            c.quotePrefix = True  # and Excel keeps it text when the cell is edited
    else:
        c.value = value
    return c


KR = '#,##0 "kr."'
NUM = "#,##0.####"
PCT = "0.0%"
BOLD = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="DCE6F0")
LOCAL_FILL = PatternFill("solid", fgColor="FFF4C2")
# the described inputs (som_kernel.describe) at the top of the input sheet; the rest follows as tables
_INPUT_KEYS = (
    "name",
    "description",
    "target_group",
    "duration_years",
    "settings.first_year",
    "settings.horizon_years",
    "settings.price_year",
    "settings.discount_rate",
    "settings.consequence_offset",
)
SHEETS = ("Resumé", "Input", "År og aktør", "Velfærdsområder", "Udvalg", "Pr. deltager", "Beregningsrækker")


def consequence_sources(result: Result, kb: KnowledgeBase) -> pd.DataFrame:
    """The consequence rows in use, with the source of each knowledge-base row (local values marked)."""
    s = result.scenario
    rows = consequence_rows(s, kb)
    meta_cols = ["outcome", "service", "year", "source_title", "source_url", "illustrative", "status", LOCAL_COLUMN]
    if s.target_group is not None:
        c = kb.consequences[kb.consequences["target_group"] == s.target_group][meta_cols]
        rows = rows.merge(c, on=["outcome", "service", "year"], how="left")
    else:
        rows = rows.assign(source_title="", source_url="", illustrative=False, status="local", **{LOCAL_COLUMN: ""})
    # a knowledge-base row from the kommune's local layer: "lokal (layer name)"; a scenario override wins
    rows[LOCAL_COLUMN] = rows[LOCAL_COLUMN].fillna("").where(~rows["overridden"].astype(bool), "")
    local = rows["overridden"].astype(bool)
    rows.loc[local, "source_title"] = "Lokal værdi"
    rows.loc[local, "source_url"] = ""
    rows["illustrative"] = rows["illustrative"].astype("boolean").fillna(False).astype(bool) & ~local
    rows["status"] = rows["status"].where(~local & rows["status"].notna(), "local")
    return rows.fillna({"source_title": "Lokal værdi", "source_url": ""})


def _header(ws, row: int, values: list[str]) -> None:
    for j, v in enumerate(values, start=1):
        c = _put(ws, row, j, v)
        c.font = BOLD
        c.fill = HEAD_FILL


def _frame(ws, row: int, frame: pd.DataFrame, index_name: str, fmt: str = KR, names: dict | None = None) -> int:
    """Write `frame` (index = first column) from `row`; returns the next free row."""
    names = names or {}
    _header(ws, row, [index_name, *[names.get(c, str(c)) for c in frame.columns]])
    for i, (idx, values) in enumerate(frame.iterrows(), start=row + 1):
        _put(ws, i, 1, int(idx) if isinstance(idx, (int,)) or hasattr(idx, "item") else idx)
        for j, v in enumerate(values, start=2):
            _put(ws, i, j, float(v)).number_format = fmt
    return row + len(frame) + 2


def _widths(ws, widths: dict[int, int] | None = None, default: int = 16) -> None:
    for j in range(1, ws.max_column + 1):
        ws.column_dimensions[get_column_letter(j)].width = (widths or {}).get(j, default)


def _summary_sheet(ws, result: Result, kb: KnowledgeBase) -> None:
    s = result.scenario
    _put(ws, 1, 1, f"SØM-beregning: {s.name}")
    ws["A1"].font = Font(bold=True, size=14)
    _put(ws, 3, 1, summary(result))
    ws["A3"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells("A3:F6")
    row = 8
    _header(ws, row, ["", *[ACTOR_DA[a] for a in (*ACTORS, TOTAL)]])
    kinds = result.totals_by_kind()
    lines = [
        ("Omkostninger", kinds.loc["cost"]),
        ("Konsekvenser (gevinster)", kinds.loc["consequence"]),
        ("Nettoresultat", result.totals()),
        (f"Nettoresultat, tilbagediskonteret ({pct(s.settings.discount_rate)})", result.npv()),
    ]
    for i, (text, values) in enumerate(lines, start=row + 1):
        _put(ws, i, 1, text)
        for j, a in enumerate((*ACTORS, TOTAL), start=2):
            _put(ws, i, j, float(values[a])).number_format = KR
    be_row = row + len(lines) + 1
    _put(ws, be_row, 1, "Break-even-år")
    for j, (_, y) in enumerate(result.break_even_years().items(), start=2):
        _put(ws, be_row, j, y if y is not None else "ikke inden for perioden")
    info = [
        ("Vidensdatabase, version", kb.meta.version),
        ("Lokalt lag", kb.local.label if kb.local is not None else "intet (kun den nationale vidensdatabase)"),
        ("Prisniveau", s.settings.price_year),
        ("Beløb", "Positive tal er gevinster for aktøren, negative tal er udgifter."),
        ("Udskrevet", date.today().isoformat()),
    ]
    for i, (k, v) in enumerate(info, start=be_row + 2):
        _put(ws, i, 1, k).font = BOLD
        _put(ws, i, 2, v)
    _widths(ws, {1: 44})


def _resource_block(ws, row: int, result: Result, kb: KnowledgeBase) -> int:
    """The resource table (quantity, unit price, overhead, amount and how it comes about) from `row`; the next
    free row. Nothing when the scenario has no resources."""
    s = result.scenario
    priced = price_resources(s, kb)
    if not priced:
        return row
    head = ["Ressourcer", "Mængde", "Pris pr. enhed", "Overhead", "Beløb", "Udregning", "Kilde"]
    _header(ws, row, head)
    described = {r.key: r for r in resource_rows(s, kb)}
    for i, p in enumerate(priced, start=row + 1):
        _put(ws, i, 1, p.resource.name)
        _put(ws, i, 2, p.resource.quantity).number_format = NUM
        _put(ws, i, 3, p.price).number_format = KR
        _put(ws, i, 4, p.overhead).number_format = PCT
        _put(ws, i, 5, p.amount).number_format = KR
        _put(ws, i, 6, resource_derivation(p, s))
        _put(ws, i, 7, described[f"costs.resources[{p.index}]"].source)
    row += len(priced) + 1
    overhead = described.get("costs.overhead_share")
    if overhead is not None:
        _put(ws, row, 1, overhead.label)
        _put(ws, row, 4, overhead.value).number_format = PCT
        _put(ws, row, 6, overhead.text)
        _put(ws, row, 7, overhead.source)
        row += 1
    return row + 1


def _input_sheet(ws, result: Result, kb: KnowledgeBase) -> None:
    s = result.scenario
    st = s.settings
    formats = {"pct": PCT, "n": "0", "year": "0", "kr": KR}
    items = [
        (r.label, r.text if r.unit in ("", "kr") else r.value, formats.get(r.unit) if r.unit != "kr" else None)
        for r in describe_inputs(s, kb)
        if r.key in _INPUT_KEYS
    ]
    _put(ws, 1, 1, "Input til beregningen")
    ws["A1"].font = Font(bold=True, size=14)
    row = 3
    for k, v, fmt in items:
        _put(ws, row, 1, k).font = BOLD
        c = _put(ws, row, 2, v)
        if fmt:
            c.number_format = fmt
        row += 1
    row += 1
    _header(ws, row, [FIELD["participants[{i}]"].label, "År", "Antal"])
    for i, (y, n) in enumerate(zip(s.cohort_years, s.participants), start=row + 1):
        _put(ws, i, 2, y)
        _put(ws, i, 3, n)
    row += len(s.participants) + 2
    totals = cost_totals(s, kb)
    cost_head = f"Omkostninger (prisniveau {s.costs.price_year or st.price_year})"
    if s.costs.resources:
        cost_head += ": indtastet + ressourcer"
    _header(ws, row, [cost_head, *[ACTOR_DA[a] for a in ACTORS]])
    for i, field in enumerate(COST_LINE_FIELDS, start=row + 1):
        _put(ws, i, 1, field.title)
        for j, amount in enumerate(totals[field.path.split(".")[1]].tolist(), start=2):
            _put(ws, i, j, amount).number_format = KR
    row += len(COST_LINE_FIELDS) + 2
    row = _resource_block(ws, row, result, kb)
    rate, persistence = (FIELD[f"outcomes[{{i}}].{name}"] for name in ("success_rate", "persistence"))
    _header(ws, row, ["Effektmål", rate.label, persistence.title])
    names = outcome_names(s, kb)
    for i, o in enumerate(s.outcomes, start=row + 1):
        _put(ws, i, 1, names.get(o.outcome, o.outcome))
        _put(ws, i, 2, o.success_rate).number_format = PCT
        _put(ws, i, 3, "; ".join(f"{p:.0%}" for p in o.persistence) or "100 % alle år")
    row += len(s.outcomes) + 2

    svc = kb.services.set_index("id")
    cons = consequence_sources(result, kb)
    _header(
        ws,
        row,
        [
            "Konsekvenser i brug: effektmål",
            "Ydelse",
            "Konsekvensår",
            "Ændring pr. person",
            "Enhed",
            "Lokal værdi",
            "Kilde",
            "Link",
            "Illustrativ",
        ],
    )
    for i, r in enumerate(cons.itertuples(), start=row + 1):
        values = [
            names.get(r.outcome, r.outcome),
            svc.loc[r.service, "name"],
            int(r.year),
            float(r.delta_use),
            svc.loc[r.service, "unit"],
            "ja" if r.overridden else (f"lokal ({getattr(r, LOCAL_COLUMN)})" if getattr(r, LOCAL_COLUMN) else ""),
            r.source_title,
            r.source_url,
            "ja" if r.illustrative else "",
        ]
        for j, v in enumerate(values, start=1):
            c = _put(ws, i, j, v)
            if r.overridden or getattr(r, LOCAL_COLUMN):
                c.fill = LOCAL_FILL
        ws.cell(row=i, column=4).number_format = NUM
    row += len(cons) + 2

    prices = unit_prices(s, kb)
    used = list(dict.fromkeys(cons["service"]))
    local = {(p.service, p.actor) for p in s.price_overrides}
    kbp = kb.prices.set_index(["service", "actor"])
    _header(
        ws,
        row,
        [
            f"Priser i brug (kr. i {st.price_year}-priser): ydelse",
            "Aktør",
            "Pris",
            "Enhed",
            "Lokal pris",
            "Kilde",
            "Link",
            "Illustrativ",
        ],
    )
    i = row + 1
    for service in used:
        for a in ACTORS:
            price = float(prices.loc[service, a]) if service in prices.index else 0.0
            if price == 0 and (service, a) not in local:
                continue
            src = kbp.loc[(service, a)] if (service, a) in kbp.index else None
            is_local = (service, a) in local
            layer = src[LOCAL_COLUMN] if src is not None and not is_local else ""
            values = [
                svc.loc[service, "name"],
                ACTOR_DA[a],
                price,
                f"kr. pr. {svc.loc[service, 'unit']}",
                "ja" if is_local else (f"lokal ({layer})" if layer else ""),
                "Lokal pris" if is_local or src is None else src["source_title"],
                "" if is_local or src is None else src["source_url"],
                "ja" if (src is not None and not is_local and bool(src["illustrative"])) else "",
            ]
            for j, v in enumerate(values, start=1):
                c = _put(ws, i, j, v)
                if is_local or layer:
                    c.fill = LOCAL_FILL
            ws.cell(row=i, column=3).number_format = '#,##0.00 "kr."'
            i += 1
    if s.excluded_services:
        _put(ws, i + 1, 1, "Ydelser udeladt af beregningen").font = BOLD
        _put(ws, i + 1, 2, ", ".join(svc.loc[x, "name"] for x in s.excluded_services))
        i += 2
    if kb.warnings:  # plausible but odd values in the knowledge base (they load; the reader should know)
        _header(ws, i + 1, ["Advarsler fra vidensdatabasen: hvor", "Advarsel"])
        for k, w in enumerate(kb.warnings, start=i + 2):
            _put(ws, k, 1, w.where)
            _put(ws, k, 2, w.message)
    _widths(ws, {1: 48, 2: 30, 7: 40, 8: 40})


def _committee_sheet(ws, result: Result, kb: KnowledgeBase) -> None:
    """The kommune per committee: who pays and who gains, totals and break-even per committee, net per year and
    cumulative, and which committee carries each service and cost line (with its kontoplan function)."""
    _put(ws, 1, 1, "Kommunens resultat fordelt på udvalg (kr.; kun kommunens del)")
    ws["A1"].font = BOLD
    _put(ws, 2, 1, committee_sentence(result))
    table = committee_table(result)
    _header(ws, 4, ["Udvalg (hele perioden)", *table.columns])
    for i, (name, r) in enumerate(table.iterrows(), start=5):
        _put(ws, i, 1, name)
        for j, c in enumerate(("Omkostninger", "Gevinster", "Netto"), start=2):
            _put(ws, i, j, float(r[c])).number_format = KR
        be = r["Break-even-år"]
        _put(ws, i, 5, int(be) if be is not None else "ikke inden for perioden")
    row = 5 + len(table) + 1
    names = {**result.committee_names, TOTAL: "Kommunen i alt"}
    _put(ws, row, 1, "Nettoresultat pr. år").font = BOLD
    row = _frame(ws, row + 1, result.by_committee(), "År", names=names)
    _put(ws, row - 1, 1, "Akkumuleret").font = BOLD
    row = _frame(ws, row, result.cumulative_by_committee(), "År", names=names)
    _put(ws, row - 1, 1, "Hvilket udvalg bærer hvad").font = BOLD
    _header(ws, row, ["Ydelse / omkostning", "Udvalg", "Kontoplan (funktion)"])
    functions = {}
    if kb.committees is not None:
        links = kb.committees.links
        functions = dict(zip(zip(links["kind"], links["key"]), links["function"]))
    svc_names = {**dict(zip(kb.services["id"], kb.services["name"])), **COST_NAMES_DA}
    carried = result.by_service().index.get_level_values("service")
    of = result.committees.of if result.committees is not None else {}
    for i, service in enumerate(carried, start=row + 1):
        _put(ws, i, 1, svc_names.get(service, service))
        _put(ws, i, 2, names.get(of.get(service, ""), names.get("ikke_fordelt", "Ikke fordelt")))
        _put(ws, i, 3, functions.get(("service", service), ""))
    _widths(ws, {1: 44, 2: 30})


def workbook(result: Result, kb: KnowledgeBase) -> Workbook:
    """The Excel workbook of a calculation (sheets: see SHEETS)."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEETS[0]
    _summary_sheet(ws, result, kb)
    _input_sheet(wb.create_sheet(SHEETS[1]), result, kb)

    ws = wb.create_sheet(SHEETS[2])
    _put(ws, 1, 1, "Nettoresultat pr. år pr. aktør (kr.; positive tal er gevinster)")
    ws["A1"].font = BOLD
    names = ACTOR_DA
    row = _frame(ws, 3, result.by_year_actor(), "År", names=names)
    _put(ws, row - 1, 1, "Tilbagediskonteret").font = BOLD
    row = _frame(ws, row, result.by_year_actor(discounted=True), "År", names=names)
    _put(ws, row - 1, 1, "Akkumuleret").font = BOLD
    _frame(ws, row, result.cumulative(), "År", names=names)
    _widths(ws)

    ws = wb.create_sheet(SHEETS[3])
    _put(ws, 1, 1, "Nettoresultat pr. år pr. velfærdsområde (kr., alle aktører)")
    ws["A1"].font = BOLD
    areas = result.by_welfare_area()
    areas[ACTOR_DA[TOTAL]] = areas.sum(axis=1)
    _frame(ws, 3, areas, "År", names=WELFARE_AREA_NAMES_DA)
    _widths(ws)

    _committee_sheet(wb.create_sheet(SHEETS[4]), result, kb)

    ws = wb.create_sheet(SHEETS[5])
    _put(ws, 1, 1, "Gennemsnitligt deltagerforløb: kr. pr. deltager pr. år efter start")
    ws["A1"].font = BOLD
    _frame(ws, 3, result.per_participant(), "År efter start", names=names)
    _widths(ws)

    ws = wb.create_sheet(SHEETS[6])
    svc_names = {**dict(zip(kb.services["id"], kb.services["name"])), **COST_NAMES_DA}
    outcome_names = dict(zip(kb.outcomes["id"], kb.outcomes["name"]))
    if result.scenario.custom_target_group:
        outcome_names.update(result.scenario.custom_target_group.outcomes)
    t = result.table
    _header(
        ws,
        1,
        [
            "År",
            "Kohorte (startår)",
            "Aktør",
            "Velfærdsområde",
            "Ydelse / omkostning",
            "Effektmål",
            "Type",
            "Beløb",
            "Tilbagediskonteret",
        ],
    )
    for i, r in enumerate(t.itertuples(index=False), start=2):
        values = [
            int(r.year),
            int(r.cohort),
            ACTOR_DA[r.actor],
            WELFARE_AREA_NAMES_DA[r.welfare_area],
            svc_names.get(r.service, r.service),
            outcome_names.get(r.outcome, r.outcome),
            KIND_NAMES_DA[r.kind],
            float(r.amount),
            float(r.discounted),
        ]
        for j, v in enumerate(values, start=1):
            _put(ws, i, j, v)
        ws.cell(row=i, column=8).number_format = KR
        ws.cell(row=i, column=9).number_format = KR
    _widths(ws, {5: 34})
    return wb


def workbook_bytes(result: Result, kb: KnowledgeBase) -> bytes:
    """The workbook as .xlsx bytes (for a download link)."""
    buf = io.BytesIO()
    workbook(result, kb).save(buf)
    return buf.getvalue()


def chart_png(result: Result, chart_id: str, discounted: bool = False) -> bytes:
    """PNG bytes of one result chart (ids: som_kernel.charts.results.CHART_TITLES_DA)."""
    from . import charts
    from .charts import results as result_charts

    return charts.to_png(result_charts.build(chart_id, result, discounted))


def chart_svg(result: Result, chart_id: str, discounted: bool = False) -> str:
    """SVG text of one result chart."""
    from . import charts
    from .charts import results as result_charts

    return charts.to_svg(result_charts.build(chart_id, result, discounted))
