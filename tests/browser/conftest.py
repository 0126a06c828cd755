"""Browser-test fixtures: one Voilà server per session (the real app on the shipped knowledge base) and one
headless Debian chromium page whose network is cut off except for the loopback server.

Voilà runs from the repository root as in `make app`: voila.json (no tracebacks, preheated kernels, culling)
and the app's Danish page template (share/jupyter/voila/templates/som) apply.
"""

from __future__ import annotations

import os
import signal
import subprocess
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest

from som_voila.room import free_port, voila_command, voila_env
from som_voila.room import wait_for_voila as wait_until_up

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
# the README's pictures; a test run writes its screenshots elsewhere unless SOM_SCREENSHOTS=1 (`make screenshots`)
SCREENSHOTS = ROOT / "docs" / "screenshots"


def screenshot_path(name: str, tmp_path: Path) -> Path:
    """Where a browser test saves the screenshot `name`: in the test's own `tmp_path`, so that `make test` leaves
    the work tree as it found it; in docs/screenshots/ only when asked for with SOM_SCREENSHOTS=1."""
    folder = SCREENSHOTS if os.environ.get("SOM_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name


def start_voila(
    port: int, log_path: Path, notebook: str = "notebooks/app.ipynb", fill_delay: float | None = 1
) -> subprocess.Popen:
    """Voilà on a notebook (default: the app) with `make app`'s command line (som_voila.room), in its own process
    group (so its kernels end with it). Two preheated kernels (the shared page, the closing-page test), not a
    room-sized pool, which would run the notebook that many times at once while the tests start. `fill_delay`
    None keeps voila.json's refill delay (as `make app`); the tests' default refills at once."""
    log = log_path.open("w")
    refill = (f"--VoilaKernelManager.fill_delay={fill_delay:g}",) if fill_delay is not None else ()
    return subprocess.Popen(
        voila_command(notebook, port, pool=2, extra=refill),
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env=server_env(),
    )


def server_env() -> dict:
    """`make app`'s environment, with this checkout's som_voila (voila.json's kernel manager) before any
    installed copy and unbuffered output for the logs."""
    env = voila_env()
    env["PYTHONUNBUFFERED"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return env


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@contextmanager
def voila_server(tmp_path_factory, notebook: str = "notebooks/app.ipynb", fill_delay: float | None = 1):
    """A Voilà server on `notebook` on a free loopback port; yields its URL once it answers, stops it after."""
    port = free_port()
    proc = start_voila(port, tmp_path_factory.mktemp("voila") / "voila.log", notebook, fill_delay)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_up(url, proc)
        yield url
    finally:
        stop(proc)


@pytest.fixture(scope="session")
def voila_url(tmp_path_factory):
    with voila_server(tmp_path_factory) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def offline_context(browser, blocked: list[str]):
    """A browser context in which every non-loopback request is aborted (and noted in `blocked`)."""
    context = browser.new_context(accept_downloads=True, viewport={"width": 1200, "height": 1000}, locale="da-DK")

    def only_local(route):
        host = urlparse(route.request.url).hostname or ""
        if route.request.url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    return context


@pytest.fixture(scope="session")
def offline_page(browser, voila_url):
    """The app, opened once with every non-loopback request aborted (as on a network without internet)."""
    blocked: list[str] = []
    context = offline_context(browser, blocked)
    page = context.new_page()
    page.blocked_requests = blocked
    page.goto(voila_url, timeout=120_000)
    page.wait_for_selector(".som-net-total", timeout=120_000)
    yield page
    context.close()
