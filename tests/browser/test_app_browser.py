"""The calculation app in a real browser (Voilà + Debian chromium, network cut off except loopback).

The tests share one page (one Voilà kernel) and run in file order: render, charts offline, screenshot,
success rate → net result, Excel export, broken upload, Danish title and buttons, aligned table headers, the
chart menu; then a second page whose kernel must end when it is closed, and a page left without a kernel. Expected numbers come from the kernel in this
process on the same knowledge base and example scenario the app starts from.
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from som_kernel import build_scenario, calculate, load_knowledge, load_scenario
from som_kernel.format import kr
from som_kernel.steps.prices import weeks_on_benefits

from .conftest import free_port, screenshot_path, start_voila, stop, wait_until_up

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.browser

EXAMPLE = ROOT / "notebooks" / "scenarier" / "eksempel.json"
OUTCOME = "psykisk_lidelse_job_uddannelse"


@pytest.fixture(scope="module")
def kb():
    return load_knowledge()


def kernel_total(kb, success_rate: float | None = None) -> float:
    data = json.loads(load_scenario(EXAMPLE).model_dump_json())
    if success_rate is not None:
        data["outcomes"][0]["success_rate"] = success_rate
    return float(calculate(build_scenario(data), kb).totals()["total"])


def open_tab(page, title: str) -> None:
    page.locator(".lm-TabBar-tab", has_text=title).first.click()


def test_app_renders_the_example_with_the_kernel_total(offline_page, kb):
    page = offline_page
    expect(page.locator(".som-net-total")).to_have_text(kr(kernel_total(kb)))
    expect(page.locator(".som-summary")).to_contain_text("Indsatsen tjener sig hjem")
    html = page.content()
    assert "Traceback" not in html
    assert "launch(" not in html and "import os" not in html  # voila.json: sources stripped


def test_charts_draw_with_the_network_blocked(offline_page):
    page = offline_page
    open_tab(page, "6 Resultater")
    chart = page.locator(".som-charts canvas, .som-charts svg.marks").first
    chart.wait_for(state="visible", timeout=60_000)
    box = chart.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 300
    assert "Error loading script" not in page.content()


def test_screenshot_for_the_readme(offline_page, tmp_path):
    # docs/screenshots/app.png only with SOM_SCREENSHOTS=1 (`make screenshots`); else in the test's tmp_path
    page = offline_page
    open_tab(page, "6 Resultater")
    page.locator(".som-charts canvas, .som-charts svg.marks").first.wait_for(state="visible", timeout=60_000)
    out = screenshot_path("app.png", tmp_path)
    page.screenshot(path=str(out))
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_changing_the_success_rate_shows_the_kernel_result(offline_page, kb):
    page = offline_page
    open_tab(page, "3 Effekt")
    field = page.locator(f".som-rate-{OUTCOME} input")
    expect(field).to_have_value("13")
    field.fill("20")
    field.press("Enter")
    expected = kr(kernel_total(kb, 0.20))
    assert expected != kr(kernel_total(kb))
    expect(page.locator(".som-net-total")).to_have_text(expected, timeout=30_000)


def test_invalid_success_rate_is_refused_next_to_the_field(offline_page):
    page = offline_page
    open_tab(page, "3 Effekt")
    shown = page.locator(".som-net-total").inner_text()
    field = page.locator(f".som-rate-{OUTCOME} input")
    field.fill("140")
    field.press("Enter")
    expect(page.get_by_text("Succesraten skal ligge mellem 0 og 100 % (fik 140 %)")).to_be_visible(timeout=30_000)
    expect(page.locator(".som-status")).to_contain_text("Forældet – ret de markerede felter")
    assert page.locator(".som-net-total").inner_text() == shown
    assert field.input_value() == "140"
    field.fill("20")
    field.press("Enter")
    expect(page.locator(".som-status")).not_to_contain_text("Forældet", timeout=30_000)


def test_excel_export_holds_the_shown_number(offline_page, kb, tmp_path):
    page = offline_page
    open_tab(page, "6 Resultater")
    rate = float(page.locator(f".som-rate-{OUTCOME} input").input_value().replace(",", ".")) / 100
    page.get_by_role("button", name="Lav Excel-fil").click()
    link = page.locator("a.som-excel-link")
    link.wait_for(timeout=60_000)
    with page.expect_download() as info:
        link.click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    ws = openpyxl.load_workbook(path)["Resumé"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value == "Nettoresultat")
    total = ws.cell(row=row, column=5).value
    assert total == pytest.approx(kernel_total(kb, rate))
    assert kr(total) == page.locator(".som-net-total").inner_text()


def test_broken_upload_shows_a_danish_message_and_keeps_inputs(offline_page, tmp_path):
    page = offline_page
    shown = page.locator(".som-net-total").inner_text()
    broken = tmp_path / "afbrudt.json"
    broken.write_text(EXAMPLE.read_text(encoding="utf-8")[:200], encoding="utf-8")
    with page.expect_file_chooser() as chooser:
        page.locator(".som-upload").click()
    chooser.value.set_files(str(broken))
    expect(page.get_by_text("Filen 'afbrudt.json' kunne ikke indlæses")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("afbrudt eller ikke gyldig JSON", exact=False)).to_be_visible()
    expect(page.get_by_text("Dine nuværende indtastninger er bevaret", exact=False)).to_be_visible()
    assert page.locator(".som-net-total").inner_text() == shown
    open_tab(page, "3 Effekt")
    expect(page.locator(f".som-rate-{OUTCOME} input")).to_have_value("20")


def test_page_title_and_upload_button_are_danish(offline_page):
    page = offline_page
    assert page.title() == "SØM-værkstedet · beregning"  # not the notebook's file name "app"
    upload = page.locator(".som-upload")
    # ipywidgets writes "Indlæs beregning (0)" (the file count) into the button; the CSS shows the label alone
    shown = upload.evaluate("el => [getComputedStyle(el).fontSize, getComputedStyle(el, '::after').content]")
    assert shown == ["0px", '"Indlæs beregning …"']
    # no stylesheet from the internet (Voilà's Font Awesome links would hold the page on a closed intranet)
    assert page.locator('link[href*="cdn.jsdelivr.net"]').count() == 0


def test_step5_actor_headers_sit_over_their_columns(offline_page):
    page = offline_page
    open_tab(page, "5 Priser")
    page.locator(".som-actor-head").first.wait_for(timeout=60_000)
    lefts = page.evaluate(
        """() => {
        const header = document.querySelector('.som-actor-head').parentElement;
        const row = header.nextElementSibling;
        const x = el => el.getBoundingClientRect().left;
        return [[...header.querySelectorAll('.som-actor-head')].map(x), [...row.querySelectorAll('.som-actor-cell')].map(x)];
    }"""
    )
    heads, cells = lefts
    assert len(heads) == len(cells) == 3  # kommune, region, stat
    assert max(abs(h - c) for h, c in zip(heads, cells)) <= 2


def test_step4_year_headers_sit_over_their_columns_also_scrolled(offline_page):
    page = offline_page
    open_tab(page, "4 Konsekvenser")
    page.locator(".som-year-head").first.wait_for(timeout=60_000)
    # before: every row was a box of its own that scrolled sideways (1.118 px in 1.052), so a scrolled row slid
    # 60 px away from the year headers; now the rows overflow into the table, which scrolls as one
    shown = page.evaluate(
        """() => {
        const header = document.querySelector('.som-year-head').parentElement;
        const table = header.parentElement;
        const scrolling = [...document.querySelectorAll('.som-grid')].filter(r => getComputedStyle(r).overflowX !== 'visible');
        table.scrollLeft = 150;
        const x = el => el.getBoundingClientRect().left;
        const row = header.nextElementSibling;
        return [scrolling.length, table.scrollLeft,
                [...header.querySelectorAll('.som-year-head')].map(x), [...row.querySelectorAll('.som-year-cell')].map(x)];
    }"""
    )
    scrolling, scrolled, heads, cells = shown
    assert scrolling == 0
    assert scrolled > 0  # the example's ten years are wider than the page: the table itself scrolls
    assert len(heads) == len(cells) == 10  # the example's horizon: 10 years
    assert max(abs(h - c) for h, c in zip(heads, cells)) <= 2


def test_step5_rule_settings_show_their_value_and_whole_label(offline_page, kb):
    page = offline_page
    open_tab(page, "5 Priser")
    weeks = page.locator(".som-field-settings-weeks_on_benefits input")
    weeks.wait_for(timeout=60_000)
    assert weeks.bounding_box()["width"] >= 60  # once 11 px wide: its value could not be seen
    expect(weeks).to_have_value(str(weeks_on_benefits(load_scenario(EXAMPLE), kb)))
    label = page.locator(".som-label", has_text="Sparede ydelser regnes efter skat")
    cut = label.evaluate(
        "el => { const c = el.querySelector('.widget-html-content') || el;"
        " return [c.scrollWidth > c.clientWidth + 1, c.scrollHeight > c.clientHeight + 1]; }"
    )
    assert cut == [False, False]  # the tax checkbox's label was cut off


def test_chart_menu_offers_only_danish_exports(offline_page):
    page = offline_page
    open_tab(page, "6 Resultater")
    page.locator(".som-charts canvas, .som-charts svg.marks").first.wait_for(state="visible", timeout=60_000)
    assert page.locator(".som-charts details").first.get_attribute("title") == "Gem grafen som billede"
    menu = page.locator(".som-charts details summary").first
    menu.click()
    items = page.locator(".som-charts .vega-actions a")
    expect(items.first).to_be_visible()
    assert items.all_inner_texts() == ["Gem som SVG", "Gem som PNG"]  # no source view, no online Vega editor
    menu.click()


def test_an_outcome_id_with_a_space_gives_no_page_error(offline_page, tmp_path):
    # a scenario file whose own outcome is "i job": its rate input's class once held a space (DOMTokenList error)
    page = offline_page
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    del data["target_group"]
    data["custom_target_group"] = {"name": "Egen", "outcomes": {"i job": "I job"}}
    data["outcomes"] = [{"outcome": "i job", "success_rate": 0.1}]
    data.pop("alternatives", None)
    own = tmp_path / "egen.json"
    own.write_text(json.dumps(data), encoding="utf-8")
    with page.expect_file_chooser() as chooser:
        page.locator(".som-upload").click()
    chooser.value.set_files(str(own))
    expect(page.get_by_text("er indlæst fra egen.json", exact=False)).to_be_visible(timeout=30_000)
    open_tab(page, "3 Effekt")
    field = page.locator(".som-rate-i-job input")
    expect(field).to_have_value("10")
    assert field.bounding_box()["width"] <= 140  # not a 300 px field
    assert errors == []


def test_closing_the_page_shuts_its_kernel_down(browser, voila_url):
    # a second visitor's page: once it is closed, Voilà ends its kernel at once (before: 403 "_xsrf" missing)
    context = browser.new_context(viewport={"width": 1200, "height": 1000})
    page = context.new_page()
    page.goto(voila_url, timeout=120_000)
    page.wait_for_selector(".som-net-total", timeout=120_000)
    kernel = page.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")
    assert kernel_status(voila_url, kernel) == 200
    page.close(run_before_unload=True)
    context.close()
    deadline = time.monotonic() + 30
    while kernel_status(voila_url, kernel) == 200 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert kernel_status(voila_url, kernel) == 404


def kernel_status(url: str, kernel: str) -> int:
    try:
        with urllib.request.urlopen(f"{url}api/kernels/{kernel}", timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def test_a_page_without_a_kernel_says_so_in_danish_and_offers_a_retry(browser, voila_url):
    # the page as a busy server sends it: head and loading screen, then nothing (no kernel yet)
    context = browser.new_context(viewport={"width": 1200, "height": 1000})
    page = context.new_page()

    def stalled(route):
        html = route.fetch(timeout=120_000).text()
        route.fulfill(status=200, content_type="text/html", body=html[: html.index('<script id="jupyter-config-data"')])

    page.route(voila_url, stalled)
    page.clock.install()
    page.goto(voila_url, timeout=120_000, wait_until="domcontentloaded")
    expect(page.locator("#loading_text")).to_have_text("Starter SØM-beregningen …")
    page.clock.run_for(20_000)
    expect(page.locator("#loading_text")).to_have_text("Der er mange brugere lige nu – din beregning starter om lidt …")
    page.clock.run_for(30_000)
    banner = page.locator("#som-wait")
    expect(banner).to_contain_text("Serveren har travlt: der er ingen ledig beregning til dig endnu.")
    expect(banner).to_contain_text("Siden prøver selv igen om 250 sekunder.")
    expect(banner.get_by_role("button", name="Prøv igen nu")).to_be_visible()
    context.close()


def test_a_page_that_ends_without_the_app_says_so_and_retries(browser, voila_url):
    # the page as Voilà sends it when the kernel's output was lost (IOPub timeout): complete, but no widgets
    context = browser.new_context(viewport={"width": 1200, "height": 1000})
    page = context.new_page()

    def without_outputs(route):
        html = route.fetch(timeout=120_000).text()
        cut = re.sub(r'<script type="application/vnd.voila.cell-output\+json">.*?</script>', "", html, flags=re.S)
        assert cut != html
        route.fulfill(status=200, content_type="text/html", body=cut)

    page.route(voila_url, without_outputs)
    page.clock.install()
    page.goto(voila_url, timeout=120_000)
    page.clock.run_for(2_000)
    banner = page.locator("#som-wait")
    expect(banner).to_contain_text("Beregningen kunne ikke startes, fordi serveren havde for travlt.")
    expect(banner).to_contain_text("Siden prøver selv igen om")
    expect(banner.get_by_role("button", name="Prøv igen nu")).to_be_visible()
    context.close()


def test_a_page_whose_kernel_ends_says_so_in_danish(browser, voila_url):
    # the kernel of an open page ends (culled after 30 minutes unused, or the server restarted): the page says so
    # instead of widgets that silently ignore what is typed
    context = browser.new_context(viewport={"width": 1200, "height": 1000})
    page = context.new_page()
    page.goto(voila_url, timeout=120_000)
    page.wait_for_selector(".som-net-total", timeout=120_000)
    expect(page.locator("#som-wait")).to_have_count(0)
    kernel = page.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")
    request = urllib.request.Request(f"{voila_url}api/kernels/{kernel}", method="DELETE")
    with urllib.request.urlopen(request, timeout=30) as r:
        assert r.status == 204
    page.evaluate("window.dispatchEvent(new Event('focus'))")  # the visitor comes back to the tab
    banner = page.locator("#som-wait")
    expect(banner).to_contain_text("Din beregning er lukket", timeout=30_000)
    expect(banner).to_contain_text("ikke har været brugt i 30 minutter")
    expect(banner.get_by_role("button", name="Start en ny beregning")).to_be_visible()
    context.close()


def test_step2_resource_rows_build_the_costs_in_the_page(offline_page):
    # the example's IPS-konsulent: 0,05 → 0,06 årsværk at 500.000 kr. → 30.000 kr. per participant and year;
    # 500.000 + 150 participants · 2 years · (30.000 − 22.350) = 2.795.000 kr. of net costs
    page = offline_page
    open_tab(page, "2 Omkostninger")
    quantity = page.locator(".som-field-costs-resources-1--quantity input")
    quantity.wait_for(timeout=60_000)
    expect(quantity).to_have_value("0,05")
    expect(page.get_by_text("0,05 årsværk × 500.000 kr. pr. årsværk (egen pris) = 25.000 kr.").first).to_be_visible()
    quantity.fill("0,06")
    quantity.press("Enter")
    expect(page.locator(".som-ok", has_text="Omkostninger i alt")).to_contain_text("2.795.000 kr.", timeout=30_000)
    quantity.fill("0,05")
    quantity.press("Enter")
    expect(page.locator(".som-ok", has_text="Omkostninger i alt")).to_contain_text("1.295.000 kr.", timeout=30_000)


def test_a_reload_gets_a_page_in_seconds_with_make_apps_pool(browser, tmp_path_factory):
    # make app (a pool of 2, voila.json's refill delay of 180 s): open, close, open, close, open. The third
    # page waited 52–173 s on a blank tab: Voilà handed it a refill that was still waiting out the delay, and
    # sent nothing (not even headers) meanwhile. Now it gets a kernel of its own at once, and the Danish loading
    # text shows while that kernel starts.
    port, log = free_port(), tmp_path_factory.mktemp("voila") / "voila.log"
    proc = start_voila(port, log, fill_delay=None)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_up(url, proc)
        deadline = time.monotonic() + 180
        while "is filled with 2 kernel(s)" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(1)  # the pool is warm
        waits, texts = [], []
        for _ in range(3):
            context = browser.new_context(viewport={"width": 1200, "height": 1000})
            page = context.new_page()
            start = time.monotonic()
            page.goto(url, timeout=60_000, wait_until="commit")
            expect(page.locator("#loading_text, .som-net-total").first).to_be_attached(timeout=15_000)
            texts.append(time.monotonic() - start)
            page.wait_for_selector(".som-net-total", timeout=90_000)
            waits.append(time.monotonic() - start)
            page.close(run_before_unload=True)
            context.close()
        print(f"seconds to the Danish loading text: {texts}; to the app: {waits}")
        assert max(texts) < 15 and waits[2] < 60, (texts, waits)
    finally:
        stop(proc)
