"""The knowledge-base browser (notebooks/vidensdatabase.ipynb) in Voilà, with the network cut off."""

import pytest

from .conftest import offline_context, voila_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def vidensdatabase_url(tmp_path_factory):
    with voila_server(tmp_path_factory, "notebooks/vidensdatabase.ipynb") as url:
        yield url


def test_filters_sources_and_chart_offline(browser, vidensdatabase_url):
    blocked: list[str] = []
    context = offline_context(browser, blocked)
    page = context.new_page()
    try:
        page.goto(vidensdatabase_url, timeout=120_000)
        page.wait_for_selector("text=Version 2026.2", timeout=120_000)
        assert "Priser: 48 rækker" in page.inner_text("body")
        page.select_option("select >> nth=0", label="Indsatte i fængsler og arresthuse")
        page.wait_for_selector("text=Priser: 11 rækker", timeout=60_000)
        page.get_by_text("Konsekvenser", exact=True).click()
        page.wait_for_selector(".vega-embed canvas, .vega-embed svg.marks", timeout=60_000)
        body = page.inner_text("body")
        assert "kalibreret til JM 2021: 505.300 kr. pr. succes efter 10 år" in body
        assert "Fængselsdøgn" in body
        assert "Traceback" not in body and "Error loading script" not in body
    finally:
        context.close()
