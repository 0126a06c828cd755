"""Exports: the Excel workbook holds the kernel's numbers as numbers; PNG/SVG charts are real images.

Scenario on kb_small (hand calculation, as in test_summary.py): 10 starters in 2025, 1-year course, horizon 3,
running cost 20.000 kr./participant (kommune), success rate 10 % → 1 successful person.
  kommune per year −145.000, 110.000, 110.000 (total 75.000); stat 25.000, 50.000, 50.000 (total 125.000)
  total −120.000, 160.000, 160.000 = 200.000 kr.
"""

import io
import xml.etree.ElementTree as ET
from pathlib import Path

import openpyxl
import pytest
from small_scenario import SMALL, small

from som_kernel import build_scenario, calculate, load_knowledge
from som_kernel.charts.results import CHART_TITLES_DA
from som_kernel.export import SHEETS, chart_png, chart_svg, workbook_bytes
from som_kernel.summary import summary

KB_SMALL = Path(__file__).parent / "fixtures" / "kb_small"


@pytest.fixture(scope="module")
def kb():
    return load_knowledge(KB_SMALL)


@pytest.fixture(scope="module")
def result(kb):
    s = build_scenario(
        small(
            consequence_overrides=[{"outcome": "job", "service": "tax", "year": 3, "delta_use": 1.0}],
            settings={**SMALL["settings"], "discount_rate": 0.1},
        )
    )
    return calculate(s, kb)


@pytest.fixture(scope="module")
def wb(result, kb):
    return openpyxl.load_workbook(io.BytesIO(workbook_bytes(result, kb)))


def find_row(ws, first_cell: object, start: int = 1) -> int:
    for r in range(start, ws.max_row + 1):
        if ws.cell(row=r, column=1).value == first_cell:
            return r
    raise AssertionError(f"{first_cell!r} not in column A of {ws.title}")


def test_sheets(wb):
    assert wb.sheetnames == list(SHEETS)


def test_summary_sheet_has_the_sentence_and_totals(wb, result):
    ws = wb["Resumé"]
    assert ws["A3"].value == summary(result)
    r = find_row(ws, "Nettoresultat")
    # columns: Kommune, Region, Stat, I alt
    assert [ws.cell(row=r, column=c).value for c in range(2, 6)] == pytest.approx([75000, 0, 125000, 200000])
    assert ws.cell(row=r, column=5).number_format == '#,##0 "kr."'
    r = find_row(ws, "Break-even-år")
    assert ws.cell(row=r, column=2).value == 2027  # kommune: cumulative −145k, −35k, +75k
    assert ws.cell(row=r, column=5).value == 2026  # total: −120k, +40k


def test_yearly_sheet_equals_the_kernel(wb, result):
    ws = wb["År og aktør"]
    assert [ws.cell(row=3, column=c).value for c in range(1, 6)] == ["År", "Kommune", "Region", "Stat", "I alt"]
    years = result.by_year_actor()
    for i, year in enumerate(years.index, start=4):
        assert ws.cell(row=i, column=1).value == year
        assert ws.cell(row=i, column=5).value == pytest.approx(years.loc[year, "total"])
    assert [ws.cell(row=r, column=2).value for r in (4, 5, 6)] == pytest.approx([-145000, 110000, 110000])
    # discounted at 10 %: 2026 total 160.000 / 1,1 = 145.454,55
    r = find_row(ws, 2026, start=find_row(ws, "Tilbagediskonteret"))
    assert ws.cell(row=r, column=5).value == pytest.approx(160000 / 1.1)


def test_area_and_participant_sheets(wb, result):
    ws = wb["Velfærdsområder"]
    header = [ws.cell(row=3, column=c).value for c in range(1, ws.max_column + 1)]
    # 2025: employment = benefit 10 weeks × 4.000 = 40.000; tax 0,5 × 80.000 = 40.000; social = cost −200.000
    r = find_row(ws, 2025)
    assert ws.cell(row=r, column=header.index("Beskæftigelse") + 1).value == pytest.approx(40000)
    assert ws.cell(row=r, column=header.index("Skat") + 1).value == pytest.approx(40000)
    assert ws.cell(row=r, column=header.index("Socialområdet") + 1).value == pytest.approx(-200000)
    ws = wb["Pr. deltager"]
    # year 1 per participant: −120.000 / 10 = −12.000 kr.
    assert ws.cell(row=find_row(ws, 1), column=5).value == pytest.approx(-12000)


def test_input_sheet_lists_sources_and_marks_local_values(wb):
    ws = wb["Input"]
    rate_row = find_row(ws, "I job")
    assert ws.cell(row=rate_row, column=2).value == pytest.approx(0.1)
    assert ws.cell(row=rate_row, column=2).number_format == "0.0%"
    head = find_row(ws, "Konsekvenser i brug: effektmål")
    rows = [[ws.cell(row=r, column=c).value for c in range(1, 10)] for r in range(head + 1, head + 7)]
    tax3 = next(r for r in rows if r[1] == "Indkomstskat" and r[2] == 3)
    assert tax3[3] == 1.0 and tax3[5] == "ja" and tax3[6] == "Lokal værdi"
    benefit1 = next(r for r in rows if r[1] == "Kontanthjælp" and r[2] == 1)
    assert benefit1[3] == -10 and benefit1[5] in (None, "") and benefit1[6] == "Testdata" and benefit1[8] == "ja"
    prices = find_row(ws, "Priser i brug (kr. i 2024-priser): ydelse")
    assert ws.cell(row=prices + 1, column=1).value == "Kontanthjælp"
    assert ws.cell(row=prices + 1, column=3).value == pytest.approx(3000)


def test_png_and_svg(result):
    for chart_id in CHART_TITLES_DA:
        png = chart_png(result, chart_id)
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
    svg = chart_svg(result, "cumulative")
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert "Break-even 2026" in svg  # the total's break-even year is marked
    assert "Akkumuleret nettoresultat" in svg


def test_odd_characters_that_slipped_past_validation_do_not_break_the_workbook(kb, result):
    # a control character or half a surrogate pair once made openpyxl (IllegalCharacterError) or UTF-8
    # (UnicodeEncodeError) fail, and the app's Excel link then hung on "Laver Excel-fil …". The scenario
    # model refuses them; the export still writes whatever reaches it, with U+FFFD in their place.
    odd = result.scenario.model_copy(update={"name": "=Mentor\x00\ud800", "description": "linje 1\nlinje 2\x1b"})
    data = workbook_bytes(calculate(odd, kb), kb)
    sheet = openpyxl.load_workbook(io.BytesIO(data))[SHEETS[0]]
    assert sheet["A1"].value == "SØM-beregning: =Mentor\ufffd\ufffd"
    assert sheet["A1"].data_type == "s"


def test_input_sheet_shows_the_resource_table_and_the_derived_cost_lines(kb):
    # kb_small: rådgiver 480.000 kr. / 1.600 timer = 300 kr. an hour; 50 hours · 300 · 1,1 (overhead 10 %) =
    # 16.500 kr. per participant, added to the typed 20.000 → the running line shows 36.500
    data = small()
    data["costs"] = {
        **data["costs"],
        "overhead_share": 0.1,
        "resources": [
            {"name": "Rådgiver", "line": "running_per_participant", "quantity": 50, "profession": "raadgiver"}
        ],
    }
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(calculate(build_scenario(data), kb), kb)))
    ws = book["Input"]
    head = find_row(ws, "Omkostninger (prisniveau 2024): indtastet + ressourcer")
    running = find_row(ws, "Drift pr. deltager pr. år", head)
    assert ws.cell(row=running, column=2).value == pytest.approx(36_500)
    line = find_row(ws, "Rådgiver", find_row(ws, "Ressourcer"))
    assert [ws.cell(row=line, column=c).value for c in range(2, 6)] == pytest.approx([50, 300, 0.1, 16_500])
    assert ws.cell(row=line, column=6).value == (
        "50 timer × 300,00 kr. pr. time (Rådgiver: 480.000 kr. pr. årsværk inkl. pension / 1.600 timer) "
        "+ overhead 10 % = 16.500 kr. · drift pr. deltager pr. år · kommune"
    )
    assert ws.cell(row=line, column=7).value == "Testdata [illustrativ]"
    overhead = find_row(ws, "Overhead på personale", line)
    assert ws.cell(row=overhead, column=4).value == pytest.approx(0.1)
