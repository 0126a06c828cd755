"""The course in Voilà (`make kursus`), with the network cut off: a student answers an exercise in Danish
notation in a field and sees "Rigtigt", and every lesson page renders its exercises without an error.

Voilà serves notebooks/kursus as in `make kursus` (tree mode, no preheated kernels, so starting the server
does not execute all eleven lessons at once). The lesson pages are opened one after another.
"""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from som_kernel import kursus

from .conftest import ROOT, free_port, offline_context, stop, wait_until_up

pytestmark = pytest.mark.browser

PAGES = [m.NOTEBOOK for m in kursus.LESSONS.values()]
PAGE_TIMEOUT = 180_000  # ms; a lesson took 20–23 s to execute on a shared 2-core machine under load 12


@contextmanager
def _kursus_server(tmp_path_factory):
    """`make kursus`'s Voilà server on a free port; yields the lessons' base URL."""
    port = free_port()
    log = (tmp_path_factory.mktemp("voila") / "voila.log").open("w")
    voila = Path(sys.executable).with_name("voila")
    proc = subprocess.Popen(
        [
            str(voila),
            "notebooks/kursus",
            f"--port={port}",
            "--Voila.ip=127.0.0.1",
            "--no-browser",
            "--VoilaConfiguration.preheat_kernel=False",
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_up(url, proc)
        yield url + "voila/render/"
    finally:
        stop(proc)


@pytest.fixture(scope="module")
def kursus_url(tmp_path_factory):
    with _kursus_server(tmp_path_factory) as url:
        yield url


def _only_icon_font(blocked: list[str]) -> bool:
    """Voilà's page template links the Font Awesome icon stylesheet from a CDN; without it the buttons lose
    their icons and nothing else. Every other request must stay on the local server."""
    return all("fontawesome" in url for url in blocked)


def _assert_rendered(page, name: str) -> None:
    body = page.inner_text("body")
    for bad in ("Traceback", "Error loading script", "There was an error when executing cell"):
        assert bad not in body, f"{name}: {bad}"


def test_answer_in_danish_notation_is_right(browser, kursus_url):
    blocked: list[str] = []
    context = offline_context(browser, blocked)
    page = context.new_page()
    try:
        page.goto(kursus_url + "01_nettoresultat.ipynb", timeout=PAGE_TIMEOUT)
        box = page.locator(".kursus-exercise-1-2")
        box.wait_for(timeout=PAGE_TIMEOUT)
        box.locator("input[type=text]").fill("1.500.000 kr.")
        box.get_by_role("button", name="Tjek svar").click()
        box.locator(".kursus-feedback").wait_for(timeout=60_000)
        assert "Rigtigt!" in box.locator(".kursus-feedback").inner_text()
        # an answer that can be read two ways is asked about, not graded
        other = page.locator(".kursus-exercise-1-1")
        other.locator("input[type=text]").fill("10,000")
        other.get_by_role("button", name="Tjek svar").click()
        other.locator(".kursus-ambiguous").wait_for(timeout=60_000)
        assert "to måder" in other.inner_text()
        _assert_rendered(page, "01_nettoresultat.ipynb")
        assert _only_icon_font(blocked), blocked
    finally:
        context.close()


def _rendered_in(browser, blocked: list[str], url: str, name: str) -> str | None:
    """None when the lesson page at `url` shows its last exercise without an error, else the page's text."""
    lesson = next(m for m in kursus.LESSONS.values() if m.NOTEBOOK == name)
    last = f".kursus-exercise-{[e.id for e in lesson.exercises()][-1].replace('.', '-')}"
    context = offline_context(browser, blocked)
    try:
        page = context.new_page()
        page.goto(url + name, wait_until="commit", timeout=PAGE_TIMEOUT)
        try:
            page.locator(last).wait_for(timeout=PAGE_TIMEOUT)
        except PlaywrightTimeout:
            return page.inner_text("body")[:2000]
        _assert_rendered(page, name)
        return None
    finally:
        context.close()


def test_every_lesson_page_renders(browser, kursus_url, tmp_path_factory):
    """One page at a time, each in a browser context of its own (the suite runs on two processes, and three
    lessons executing at once beside the other process's heavy tests once kept a page from finishing within three
    minutes). In two of four full runs one lesson's page never came (the server logged its kernel as started and
    nothing after it, and a fresh browser got no page either, while the same server served other lessons and the
    lesson rendered on a new server): a page that does not come is tried once more on a fresh server, and the test
    fails if it does not render there either, with what the page showed both times."""
    blocked: list[str] = []
    for name in PAGES:
        first = _rendered_in(browser, blocked, kursus_url, name)
        if first is None:
            continue
        with _kursus_server(tmp_path_factory) as fresh:
            second = _rendered_in(browser, blocked, fresh, name)
        assert second is None, f"{name} viste ikke sin sidste opgave.\nFørste server: {first}\nNy server: {second}"
    assert _only_icon_font(blocked), blocked
