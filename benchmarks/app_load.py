"""How the calculation app holds a room: 1, 5, 10 and 20 visitors opening it at the same moment.

Starts Voilà as `make app` does (voila.json applies: preheated kernel pool, culling), waits until the server
has started and its kernel pool is warm (every pooled kernel has run the notebook and gone quiet), then for each
round opens N pages at once in headless Debian chromium (one browser, one context per visitor) and prints
  - time to usable per page: from the request to the net result shown and the charts drawn
    (median, p95, max; a page not usable within --limit seconds counts as a failure);
  - memory of the Voilà server and its kernels (PSS, MB): before, peak during the round, and after the pages
    are closed (Voilà shuts a closed page's kernel down and the pool is refilled);
  - how long the pool took to be warm again.
Loopback only. Never a test: run `.venv/bin/python benchmarks/app_load.py [--rounds 1,5,10,20]`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
from playwright.async_api import async_playwright

ROOT = Path(__file__).resolve().parent.parent
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]  # fmt: skip
USABLE = ".som-net-total"
WARM_RSS = 120 * 2**20  # a kernel that has run the app holds ~170 MB (RSS); a fresh one ~40 MB
CHART = ".som-charts canvas, .som-charts svg.marks"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


ROOM_POOL = 20  # preheated kernels for a course room: `make app POOL=20`


def start_voila(port: int, log, pool: int = ROOM_POOL) -> subprocess.Popen:
    """Voilà as `make app POOL=20` runs it: the app's Danish page template (share/jupyter), voila.json and a
    pool of `pool` preheated kernels."""
    voila = Path(sys.executable).with_name("voila")
    cmd = [
        str(voila),
        "notebooks/app.ipynb",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        "--no-browser",
        "--template=som",
        f"--VoilaConfiguration.default_pool_size={pool}",
    ]
    env = {**os.environ, "JUPYTER_PATH": str(ROOT / "share" / "jupyter")}
    return subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=env)


def wait_up(url: str, timeout: float = 300) -> None:
    """Until the server answers; asks for a missing page, as opening the app would take a pooled kernel."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "voila/static/som-up-check", timeout=30):
                return
        except urllib.error.HTTPError:
            return  # 404: the server is up
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(url)


def kernels(server: psutil.Process) -> list[psutil.Process]:
    out = []
    for p in server.children(recursive=True):
        try:
            if "ipykernel_launcher" in " ".join(p.cmdline()):
                out.append(p)
        except psutil.Error:
            continue
    return out


def rss_mb(procs: list[psutil.Process]) -> float:
    """Memory of `procs` in MB, as PSS: pages shared between kernels (Python, numpy's libraries) are split
    between them, so the sum over kernels is what they take together (RSS would count shared pages N times)."""
    total = 0
    for p in procs:
        try:
            total += p.memory_full_info().pss
        except psutil.Error:
            continue
    return total / 2**20


def wait_warm(server: psutil.Process, pool: int, not_before: float = 0, timeout: float = 900) -> float:
    """Seconds until, `not_before` seconds from now at the earliest (Voilà waits `fill_delay` before refilling),
    `pool` kernels have run the notebook (they hold the app: RSS over WARM_RSS) and the server and all kernels
    together use < 10 % of a core for 3 s."""
    t0 = time.monotonic()
    quiet_since = None
    while time.monotonic() - t0 < timeout:
        if time.monotonic() - t0 < not_before:
            time.sleep(0.5)
            continue
        ks = kernels(server)
        try:
            cpu = sum(k.cpu_percent(interval=None) for k in [server, *ks])
        except psutil.Error:
            cpu = 100.0
        time.sleep(1.0)
        try:
            cpu = sum(k.cpu_percent(interval=None) for k in [server, *ks])
        except psutil.Error:
            cpu = 100.0
        warm = 0
        for k in ks:
            try:
                warm += k.memory_info().rss > WARM_RSS
            except psutil.Error:
                continue
        if warm >= pool and cpu < 10:
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since >= 3:
                return time.monotonic() - t0
        else:
            quiet_since = None
    raise TimeoutError("the kernel pool did not become warm")


class Sampler(threading.Thread):
    """Peak memory (PSS) of the server and of its kernels, and the peak number of kernels, while running."""

    def __init__(self, server: psutil.Process):
        super().__init__(daemon=True)
        self.server = server
        self.peak_server = self.peak_kernels = 0.0
        self.peak_count = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            ks = kernels(self.server)
            self.peak_server = max(self.peak_server, rss_mb([self.server]))
            self.peak_kernels = max(self.peak_kernels, rss_mb(ks))
            self.peak_count = max(self.peak_count, len(ks))
            self.stop.wait(2.0)  # reading /proc/<pid>/smaps is not free: sparse, so it does not slow the run


async def open_one(browser, url: str, limit: float) -> tuple[list[float] | None, object]:
    """Open the app; seconds from the request to [page loaded, app shown, charts drawn], or None after `limit`."""
    context = await browser.new_context(viewport={"width": 1200, "height": 1000}, locale="da-DK")
    page = await context.new_page()
    t0 = time.perf_counter()
    marks = []
    try:
        await page.goto(url, timeout=limit * 1000)
        marks.append(time.perf_counter() - t0)
        for selector in (USABLE, CHART):
            left = max(limit - (time.perf_counter() - t0), 1)
            await page.wait_for_selector(selector, timeout=left * 1000)
            marks.append(time.perf_counter() - t0)
        return marks, page
    except Exception:  # noqa: BLE001 – a page that does not become usable in time is a failure, not a crash
        return None, page


async def close_like_a_visitor(page) -> None:
    """Close the tab as a person does: the page's unload handler asks Voilà to shut its kernel down."""
    try:
        await page.close(run_before_unload=True)
        await asyncio.sleep(0.5)
    finally:
        await page.context.close()


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(math.ceil(0.95 * len(ordered)) - 1, 0)]


async def run_round(url: str, n: int, limit: float, server: psutil.Process) -> dict:
    sampler = Sampler(server)
    before = (rss_mb([server]), rss_mb(kernels(server)), len(kernels(server)))
    sampler.start()
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        opened = await asyncio.gather(*[open_one(browser, url, limit) for _ in range(n)])
        stages = [t for t, _ in opened if t is not None]
        times = [t[-1] for t in stages]
        for _, page in opened:
            await close_like_a_visitor(page)
        await browser.close()
    sampler.stop.set()
    sampler.join()
    time.sleep(5)
    after = (rss_mb([server]), rss_mb(kernels(server)), len(kernels(server)))
    return {
        "n": n,
        "times": times,
        "stages": stages,
        "failures": n - len(times),
        "before": before,
        "sampler": sampler,
        "after": after,
    }


def report(r: dict) -> None:
    t = r["times"]
    s = r["sampler"]
    line = f"{r['n']:>2} at once: "
    if t:
        line += f"usable median {statistics.median(t):.1f} s, p95 {p95(t):.1f} s, max {max(t):.1f} s"
    line += f"; failures {r['failures']}"
    print(line, flush=True)
    if t:
        loaded, shown = (statistics.median(x[i] for x in r["stages"]) for i in (0, 1))
        print(f"    median page loaded {loaded:.1f} s → app shown {shown:.1f} s → charts drawn", flush=True)
    b, a = r["before"], r["after"]
    print(
        f"    memory (PSS) MB: before server {b[0]:.0f} + {b[2]} kernels {b[1]:.0f}; peak server {s.peak_server:.0f} + "
        f"{s.peak_count} kernels {s.peak_kernels:.0f}; 5 s after closing server {a[0]:.0f} + {a[2]} kernels "
        f"{a[1]:.0f}",
        flush=True,
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", default="1,5,10,20", help="visitors per round, comma-separated")
    ap.add_argument("--limit", type=float, default=180, help="seconds after which a page counts as a failure")
    ap.add_argument("--pool", type=int, default=ROOM_POOL, help="preheated kernels (default: a course room's 20)")
    a = ap.parse_args()
    config = json.loads((ROOT / "voila.json").read_text(encoding="utf-8"))
    pool = a.pool
    fill_delay = float(config.get("VoilaKernelManager", {}).get("fill_delay", 1))
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    log_path = Path(tempfile.mkdtemp()) / "voila.log"
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start; pool size {pool}", flush=True)
    with log_path.open("w") as log:
        t0 = time.monotonic()
        proc = start_voila(port, log, pool)
        try:
            server = psutil.Process(proc.pid)
            wait_up(url)
            up = time.monotonic() - t0
            warm = wait_warm(server, pool)
            print(f"server answers after {up:.1f} s; pool warm after {up + warm:.1f} s", flush=True)
            for n in [int(x) for x in a.rounds.split(",")]:
                r = asyncio.run(run_round(url, n, a.limit, server))
                report(r)
                print(f"    pool warm again after {wait_warm(server, pool, fill_delay + 1):.1f} s", flush=True)
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=60)
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (other work on the machine slows every figure)")
    print(f"Voilà's log: {log_path}")


if __name__ == "__main__":
    main()
