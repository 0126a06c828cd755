"""`make room`: the app through nginx (som_voila.room), which sends Voilà's static files from its cache.

A room of 60 arriving at once is measured in benchmarks/app_load.py (`--room 60 --proxy`); here: the app works
through the proxy (page streamed, websocket, widgets), every static file a page loads goes through nginx's
cache (a path the cache misses would leave that file on Voilà's one thread), a second visitor gets all of them
from the cache, and stopping the launcher stops nginx and Voilà.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys

import psutil
import pytest

from som_voila.room import CACHE_HEADER, STATIC, iopub_timeout, nginx_config

from .conftest import ROOT, free_port, offline_context, server_env, stop, wait_until_up

STATIC_RE = re.compile(STATIC)


@pytest.mark.parametrize(
    ("path", "static"),
    [
        ("/voila/static/voila.js", True),
        ("/voila/static/9582.voila.js", True),
        ("/voila/templates/som/static/index.css?v=ee8d", True),
        ("/voila/labextensions/@jupyter-widgets/jupyterlab-manager/static/121.5c5a.js?v=5c5a", True),
        ("/", False),
        ("/api/kernels/1b2c3d", False),
        ("/api/kernels/1b2c3d/channels", False),
        ("/voila/api/shutdown/1b2c3d", False),
        ("/voila/query/1b2c3d", False),
        ("/voila/templates/som/index.html.j2", False),
    ],
)
def test_only_voilas_files_are_cached(path, static):
    """The cache takes Voilà's files from disk and nothing a visitor's own kernel answers."""
    assert bool(STATIC_RE.search(path)) is static


def test_nginx_config_names_ports_and_folder(tmp_path):
    conf = nginx_config("0.0.0.0:8866", 41234, tmp_path)
    assert "listen 0.0.0.0:8866;" in conf
    assert conf.count("proxy_pass http://127.0.0.1:41234;") == 2
    assert f"proxy_cache_path {tmp_path.as_posix()}/cache " in conf
    assert "proxy_buffering off;" in conf  # Voilà streams the page while it finds a kernel


def _open(browser, url: str) -> tuple[dict[str, str | None], str]:
    """Open the app in a fresh context; the cache status of every static file the page loaded, and its total."""
    statuses: dict[str, str | None] = {}
    context = offline_context(browser, [])

    def seen(response):
        path = "/" + response.url.split("/", 3)[3]
        if STATIC_RE.search(path):
            statuses[path] = response.headers.get(CACHE_HEADER.lower())

    context.on("response", seen)
    page = context.new_page()
    try:
        page.goto(url, timeout=240_000)
        page.wait_for_selector(".som-net-total", timeout=240_000)
        total = page.inner_text(".som-net-total")
    finally:
        context.close()
    return statuses, total


def test_app_through_nginx(browser, tmp_path):
    port = free_port()
    log = (tmp_path / "room.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "som_voila.room", f"--port={port}", "--pool=1"],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env=server_env(),
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_up(url, proc)
        launched = psutil.Process(proc.pid).children(recursive=True)
        assert any("nginx" in p.name() for p in launched), [p.name() for p in launched]
        first, total = _open(browser, url)
        assert re.search(r"\d kr\.", total), total  # the widgets came from the kernel, through the websocket
        assert len(first) >= 50, sorted(first)  # Voilà's scripts, style sheets and fonts
        assert set(first.values()) <= {"MISS", "HIT"}, first  # every one through the cache
        second, _ = _open(browser, url)
        assert set(second) == set(first)
        assert set(second.values()) == {"HIT"}, {p: s for p, s in second.items() if s != "HIT"}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            assert proc.wait(timeout=90) == 0
        finally:
            stop(proc)
            log.close()
    gone = [p for p in launched if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert not gone, [p.cmdline()[:3] for p in gone]


def test_a_big_pool_may_wait_longer_for_its_cells():
    """voila.json's 120 s for a pool of 2–8; 15 s per kernel above (60 kernels: 900 s, what the room of 60 used)."""
    assert [iopub_timeout(n) for n in (2, 8, 9, 20, 60)] == [120, 120, 135, 300, 900]
