"""The knowledge-base browser (notebooks/vidensdatabase.ipynb) in Voilà, with the network cut off."""

import pytest

from som_kernel import load_knowledge
from som_kernel.knowledge_tables import Filters, price_table

from .conftest import offline_context, voila_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def vidensdatabase_url(tmp_path_factory):
    with voila_server(tmp_path_factory, "notebooks/vidensdatabase.ipynb") as url:
        yield url


def test_filters_sources_and_chart_offline(browser, vidensdatabase_url):
    # the counts the page must show, from the same table builder the browser uses (48 and 11 in knowledge 2026.3)
    kb = load_knowledge()
    inmates = kb.outcomes_for("indsatte")["id"].iloc[0]
    n_all = len(price_table(kb, Filters()))
    n_inmates = len(price_table(kb, Filters(target_group="indsatte", outcome=inmates)))
    assert n_inmates < n_all
    blocked: list[str] = []
    context = offline_context(browser, blocked)
    page = context.new_page()
    try:
        page.goto(vidensdatabase_url, timeout=120_000)
        page.wait_for_selector(f"text=Version {kb.meta.version}", timeout=120_000)
        assert f"Priser: {n_all} rækker" in page.inner_text("body")
        page.select_option("select >> nth=0", label="Indsatte i fængsler og arresthuse")
        page.wait_for_selector(f"text=Priser: {n_inmates} rækker", timeout=60_000)
        page.get_by_text("Konsekvenser", exact=True).click()
        page.wait_for_selector(".vega-embed canvas, .vega-embed svg.marks", timeout=60_000)
        body = page.inner_text("body")
        assert "kalibreret til JM 2021: 505.300 kr. pr. succes efter 10 år" in body
        assert "Fængselsdøgn" in body
        assert "Traceback" not in body and "Error loading script" not in body
    finally:
        context.close()
