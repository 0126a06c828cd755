"""How the calculation app holds a room: 1, 5, 10, 20 (or 60) visitors opening it at the same moment.

Starts Voilà as `make app` does (voila.json applies: preheated kernel pool, culling), waits until the server
has started and its kernel pool is warm (every pooled kernel has run the notebook and gone quiet), then for each
round opens N pages at once in headless Debian chromium (one browser, one context per visitor) and prints
  - time to usable per page: from the request to the net result shown and the charts drawn
    (median, p95, max; a page not usable within --limit seconds counts as a failure);
  - memory of the Voilà server and its kernels (PSS, MB): before, peak during the round, and after the pages
    are closed (Voilà shuts a closed page's kernel down and the pool is refilled);
  - how long the pool took to be warm again;
  - the CPU seconds each part used during the round: the Voilà server, its kernels, the headless browsers, and
    this script's simulated visitors.

Two kinds of round:
  - `--rounds 1,5,10,20`: N headless Chromium pages at once, all on this machine. Each browser needs ~4 CPU
    seconds to load Voilà's JavaScript (~5 MB) and draw the page, so N browsers on the server's 2 cores measure
    the browsers as much as the server (`--empty-page 1,20` measures the same for a one-widget notebook).
  - `--room 20` (or `--room 60 --pool 60`): a room where every visitor has their own computer. `--room-browsers`
    of them (default 2) are real Chromium pages; the others are simulated visitors that ask the server for exactly what a browser asks
    for (the page, its ~100 scripts, style sheets and fonts, the kernel's websocket, the widget state) without
    drawing it. The simulated visitors' time is the server's part of time to usable; the real pages' time is
    what a person in that room sees, their browser sharing the 2 cores with the server and everyone else.
    A room round also counts the visitors whose widget state took over 4 s, after which ipywidgets' page asks
    for every widget's state on its own (the simulated visitor then does so too).
Loopback only. Never a test: run `.venv/bin/python benchmarks/app_load.py [--rounds 1,5,10,20] [--room 20]`.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import math
import os
import signal
import statistics
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path

import nbformat
import psutil
from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1, serialize_msg_to_ws_v1
from playwright.async_api import async_playwright
from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.websocket import websocket_connect

from som_voila.room import CACHE_HEADER, Nginx, free_port, voila_command, voila_env, wait_for_voila

ROOT = Path(__file__).resolve().parent.parent
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]  # fmt: skip
USABLE = ".som-net-total"
WARM_RSS = 120 * 2**20  # a kernel that has run the app holds ~170 MB (RSS); a fresh one ~40 MB
CHART = ".som-charts canvas, .som-charts svg.marks"


ROOM_POOL = 20  # preheated kernels for a course room: `make app POOL=20`


def start_voila(port: int, log, pool: int = ROOM_POOL, notebook: str = "notebooks/app.ipynb",
                extra: tuple[str, ...] = ()) -> subprocess.Popen:  # fmt: skip
    """Voilà as `make app POOL=20` runs it (som_voila.room's command: the Danish page template, voila.json, a
    pool of `pool` preheated kernels); `extra` options after those."""
    cmd = voila_command(notebook, port, pool, extra=extra)
    return subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                            env=voila_env())  # fmt: skip


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


def wait_warm(
    server: psutil.Process, pool: int, not_before: float = 0, timeout: float = 900, warm_rss: int = WARM_RSS
) -> float:
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
        warm = warm_kernels(server, warm_rss)
        if cpu < 10:
            quiet_since = quiet_since or time.monotonic()
            quiet = time.monotonic() - quiet_since
            if (warm >= pool and quiet >= 3) or quiet >= 20:  # 20 s quiet: a kernel whose start failed is not coming
                if warm < pool:
                    print(f"    (only {warm} of {pool} pooled kernels are warm: Voilà's log says why)", flush=True)
                return time.monotonic() - t0
        else:
            quiet_since = None
    raise TimeoutError("the kernel pool did not become warm")


def warm_kernels(server: psutil.Process, warm_rss: int = WARM_RSS) -> int:
    """How many of the server's kernels have run the notebook (RSS over `warm_rss`)."""
    warm = 0
    for k in kernels(server):
        try:
            warm += k.memory_info().rss > warm_rss
        except psutil.Error:
            continue
    return warm


def per_kernel(server: psutil.Process) -> str:
    """Memory of one pooled kernel that has run the app: median RSS (all its pages, shared ones too: what one
    kernel alone would need) and median PSS (its share when many run: what each adds)."""
    rss, pss = [], []
    for k in kernels(server):
        try:
            info = k.memory_full_info()
        except psutil.Error:
            continue
        rss.append(info.rss / 2**20)
        pss.append(info.pss / 2**20)
    if not rss:
        return "no kernels"
    return (
        f"per kernel ({len(rss)}): RSS median {statistics.median(rss):.0f} MB (max {max(rss):.0f}), "
        f"PSS median {statistics.median(pss):.0f} MB"
    )


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


class CpuMeter:
    """CPU seconds (user + system) used from `start()` to `read()` by the Voilà server, its kernels, the headless
    browsers (children of this process) and this process (the simulated visitors). A process that starts during
    the round counts from zero; one that ends before `read()` is lost, so read before the pages are closed."""

    def __init__(self, server: psutil.Process, proxy: psutil.Process | None = None):
        self.server, self.proxy = server, proxy
        self.me = psutil.Process()

    def _groups(self) -> dict[str, list[psutil.Process]]:
        proxy = [self.proxy, *self.proxy.children()] if self.proxy is not None else []
        ours = {p.pid for p in [self.server, *self.server.children(recursive=True), *proxy]}
        return {
            "server": [self.server],
            "kernels": kernels(self.server),
            "proxy": proxy,
            "browsers": [p for p in self.me.children(recursive=True) if p.pid not in ours],
            "visitors": [self.me],
        }

    @staticmethod
    def _cpu(p: psutil.Process) -> float:
        try:
            t = p.cpu_times()
            return t.user + t.system
        except psutil.Error:
            return 0.0

    def start(self) -> None:
        self.t0 = {p.pid: self._cpu(p) for group in self._groups().values() for p in group}

    def read(self) -> dict[str, float]:
        return {
            name: sum(max(self._cpu(p) - self.t0.get(p.pid, 0.0), 0.0) for p in group)
            for name, group in self._groups().items()
        }


async def open_one(browser, url: str, limit: float, assets: list[str] | None = None):
    """Open the app; seconds from the request to [page loaded, app shown, charts drawn], or None after `limit`.
    With `assets`, the paths of the scripts, style sheets and fonts the page loaded are added to it (what a
    simulated visitor then asks for)."""
    context = await browser.new_context(viewport={"width": 1200, "height": 1000}, locale="da-DK")
    page = await context.new_page()
    if assets is not None:
        base = url.rstrip("/")

        def keep(request) -> None:
            if request.resource_type in ("script", "stylesheet", "font") and request.url.startswith(base):
                assets.append(request.url[len(base) :])

        page.on("request", keep)
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


SUBPROTOCOL = "v1.kernel.websocket.jupyter.org"  # the kernel websocket protocol Voilà's page speaks
WIDGET_CONTROL = "jupyter.widget.control"  # ipywidgets 8: one message with every widget's state
WIDGET_TARGET = "jupyter.widget"  # one comm per widget
# ipywidgets' page waits this long for the one state message, then asks for every widget's state on its own
# (@jupyter-widgets/base-manager: CONTROL_COMM_TIMEOUT, then _loadFromKernelModels)
CONTROL_COMM_TIMEOUT = 4.0


class SimulatedVisitor:
    """What a visitor's browser asks of the server, without a browser: the page (which hands the visitor a
    pooled kernel), the scripts, style sheets and fonts a real page loaded, the kernel's model, the kernel's
    websocket, `kernel_info`, and the widget state through ipywidgets' control comm (as Voilà's widget manager
    does); when that state takes over CONTROL_COMM_TIMEOUT, the visitor falls back as the page does: it asks for
    the list of widgets and then for each widget's state on its own (`fallback` says so, `widgets` how many).
    Leaving sends the page's unload request, which shuts the kernel down."""

    def __init__(self, url: str, assets: list[str]):
        self.url, self.assets = url, assets
        self.http = AsyncHTTPClient(force_instance=True, max_clients=6)  # a browser's 6 connections per host
        self.session = str(uuid.uuid4())
        self.kernel = self.ws = None
        self.marks: dict[str, float] = {}  # stage → seconds from the start of the visit
        self.fallback = False  # the one state message took longer than the page waits for it
        self.widgets = 0  # widget states received
        self.error = ""  # why the visit failed
        self.cache: dict[str, int] = {}  # behind som_voila.room's nginx: static files by cache status (HIT, MISS)

    async def visit(self, limit: float) -> float | None:
        """Seconds until the widget state is in hand, or None after `limit`."""
        self.t0 = t0 = time.perf_counter()
        try:
            await asyncio.wait_for(self._visit(), limit)
            return time.perf_counter() - t0
        except Exception as e:  # noqa: BLE001 – a visitor that does not get the app in time is a failure
            self.error = f"{type(e).__name__}: {e}"[:200]
            return None

    async def _get(self, path: str) -> bytes:
        return (await self.http.fetch(self.url.rstrip("/") + path, request_timeout=3600)).body

    async def _get_static(self, path: str) -> None:
        response = await self.http.fetch(self.url.rstrip("/") + path, request_timeout=3600)
        status = response.headers.get(CACHE_HEADER)
        if status:
            self.cache[status] = self.cache.get(status, 0) + 1

    async def _visit(self) -> None:
        page = (await self._get("/")).decode("utf-8")
        self._mark("page")
        self.kernel = json.loads(page.split('"kernelId":', 1)[1].split(",", 1)[0].split("}", 1)[0])
        await asyncio.gather(*(self._get_static(a) for a in self.assets))
        self._mark("scripts")
        await self._get(f"/api/kernels/{self.kernel}")
        ws_url = self.url.replace("http", "ws", 1) + f"api/kernels/{self.kernel}/channels?session_id={self.session}"
        request = HTTPRequest(ws_url, request_timeout=3600)
        self.ws = await websocket_connect(request, subprotocols=[SUBPROTOCOL], max_message_size=2**30)
        self._mark("websocket")
        await self._reply(await self._send("kernel_info_request", {}), "kernel_info_reply")
        self._mark("kernel")
        comm = uuid.uuid4().hex
        meta = {"version": "1.0.0"}
        await self._send("comm_open", {"comm_id": comm, "target_name": WIDGET_CONTROL, "data": {}}, meta)
        asked = await self._send("comm_msg", {"comm_id": comm, "data": {"method": "request_states"}}, meta)
        try:
            states = await asyncio.wait_for(self._reply(asked, "comm_msg"), CONTROL_COMM_TIMEOUT)
        except TimeoutError:
            self.fallback = True
            await self._one_by_one()
        else:
            if not states.get("data", {}).get("states"):
                raise RuntimeError("no widget state")
            self.widgets = len(states["data"]["states"])
        await self._send("comm_close", {"comm_id": comm, "data": {}})

    async def _one_by_one(self) -> None:
        """ipywidgets' fallback: the kernel's widget comms, then one state request per widget."""
        info = await self._reply(
            await self._send("comm_info_request", {"target_name": WIDGET_TARGET}), "comm_info_reply"
        )
        meta = {"version": "2.1.0"}
        asked = {
            await self._send("comm_msg", {"comm_id": c, "data": {"method": "request_state"}}, meta)
            for c in info["comms"]
        }
        while asked:
            header, parent, _ = await self._next()
            if header["msg_type"] == "comm_msg" and parent.get("msg_id") in asked:
                asked.discard(parent["msg_id"])
                self.widgets += 1

    def _mark(self, stage: str) -> None:
        self.marks[stage] = time.perf_counter() - self.t0

    async def _send(self, msg_type: str, content: dict, metadata: dict | None = None) -> str:
        header = {
            "msg_id": uuid.uuid4().hex,
            "msg_type": msg_type,
            "session": self.session,
            "username": "",
            "date": datetime.datetime.now(datetime.UTC).isoformat(),
            "version": "5.2",
        }
        parts = [json.dumps(x).encode("utf-8") for x in (header, {}, metadata or {}, content)]
        await self.ws.write_message(serialize_msg_to_ws_v1(parts, "shell"), binary=True)
        return header["msg_id"]

    async def _next(self) -> tuple[dict, dict, bytes]:
        """The next message from the kernel's websocket: header, parent header, content (JSON bytes)."""
        raw = await self.ws.read_message()
        if raw is None:
            raise ConnectionError("the kernel's websocket closed")
        _, parts = deserialize_msg_from_ws_v1(raw)
        return json.loads(parts[0]), json.loads(parts[1]), parts[3]

    async def _reply(self, msg_id: str, msg_type: str) -> dict:
        while True:
            header, parent, content = await self._next()
            if parent.get("msg_id") == msg_id and header["msg_type"] == msg_type:
                return json.loads(content)

    async def leave(self) -> None:
        if self.ws is not None:
            self.ws.close()
        if self.kernel:
            try:
                await self.http.fetch(self.url + f"voila/api/shutdown/{self.kernel}", method="POST", body="")
            except Exception:  # noqa: BLE001 – the kernel may already be gone
                pass
        self.http.close()


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(math.ceil(0.95 * len(ordered)) - 1, 0)]


async def run_round(url: str, browsers: int, simulated: int, limit: float, server: psutil.Process,
                    assets: list[str], proxy: psutil.Process | None = None) -> dict:  # fmt: skip
    """`browsers` Chromium pages and `simulated` visitors at the same moment (behind nginx: `proxy`)."""
    sampler = Sampler(server)
    meter = CpuMeter(server, proxy)
    before = (rss_mb([server]), rss_mb(kernels(server)), len(kernels(server)))
    sampler.start()
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS) if browsers else None
        record = assets if not assets else None
        visitors = [SimulatedVisitor(url, list(assets)) for _ in range(simulated)]
        meter.start()
        t0 = time.perf_counter()
        pages = [open_one(browser, url, limit, record if i == 0 else None) for i in range(browsers)]
        opened, sim_times = await asyncio.gather(
            asyncio.gather(*pages), asyncio.gather(*(v.visit(limit) for v in visitors))
        )
        wall = time.perf_counter() - t0
        cpu = meter.read()
        stages = [t for t, _ in opened if t is not None]
        for _, page in opened:
            await close_like_a_visitor(page)
        await asyncio.gather(*(v.leave() for v in visitors))
        if browser is not None:
            await browser.close()
    sampler.stop.set()
    sampler.join()
    time.sleep(5)
    after = (rss_mb([server]), rss_mb(kernels(server)), len(kernels(server)))
    sims = [t for t in sim_times if t is not None]
    return {
        "browsers": browsers,
        "simulated": simulated,
        "times": [t[-1] for t in stages],
        "stages": stages,
        "sims": sims,
        "sim_stages": [v.marks for v in visitors],
        "fallbacks": sum(v.fallback for v in visitors),
        "widgets": [v.widgets for v in visitors if v.widgets],
        "errors": [v.error for v in visitors if v.error],
        "cache": {k: sum(v.cache.get(k, 0) for v in visitors) for k in {k for v in visitors for k in v.cache}},
        "failures": browsers - len(stages) + simulated - len(sims),
        "before": before,
        "sampler": sampler,
        "after": after,
        "cpu": cpu,
        "wall": wall,
    }


def _spread(t: list[float]) -> str:
    return f"median {statistics.median(t):.1f} s, p95 {p95(t):.1f} s, max {max(t):.1f} s"


def report(r: dict) -> None:
    t, sims = r["times"], r["sims"]
    s = r["sampler"]
    n = r["browsers"] + r["simulated"]
    if r["simulated"]:
        print(
            f"{n:>2} at once, a room ({r['browsers']} Chromium pages, {r['simulated']} simulated visitors):", flush=True
        )
        if sims:
            print(f"    simulated visitors, the server's part of time to usable: {_spread(sims)}", flush=True)
            stages = ("page", "scripts", "websocket", "kernel")
            medians = [statistics.median(m[k] for m in r["sim_stages"] if k in m) for k in stages]
            print(
                "    median " + " → ".join(f"{k} {t:.1f} s" for k, t in zip(stages, medians)) + " → state", flush=True
            )
        if t:
            print(f"    Chromium pages, time to usable: {_spread(t)} ({', '.join(f'{x:.1f}' for x in sorted(t))} s)",
                  flush=True)  # fmt: skip
        w = r["widgets"]
        print(
            f"    failures {r['failures']}; visitors whose widget state took over {CONTROL_COMM_TIMEOUT:g} s, so that "
            f"the page would ask for each widget on its own: {r['fallbacks']} of {r['simulated']}"
            + (f"; widgets per page {min(w)}–{max(w)}" if w else ""),
            flush=True,
        )
        if r["errors"]:
            print(f"    first failure: {r['errors'][0]}", flush=True)
        if r["cache"]:
            c = r["cache"]
            print(
                f"    static files sent by nginx from its cache: {c.get('HIT', 0)}; asked of Voilà: {c.get('MISS', 0)}; "
                f"other: {sum(c.values()) - c.get('HIT', 0) - c.get('MISS', 0)} ({c})",
                flush=True,
            )
    else:
        line = f"{n:>2} at once: "
        if t:
            line += f"usable {_spread(t)}"
        print(line + f"; failures {r['failures']}", flush=True)
    if t:
        loaded, shown = (statistics.median(x[i] for x in r["stages"]) for i in (0, 1))
        print(f"    median page loaded {loaded:.1f} s → app shown {shown:.1f} s → charts drawn", flush=True)
    c = r["cpu"]
    print(
        f"    CPU seconds in {r['wall']:.1f} s on {os.cpu_count()} cores: server {c['server']:.1f}, kernels "
        f"{c['kernels']:.1f}, "
        + (f"nginx {c['proxy']:.1f}, " if c["proxy"] else "")
        + f"browsers {c['browsers']:.1f}, simulated visitors {c['visitors']:.1f}",
        flush=True,
    )
    b, a = r["before"], r["after"]
    print(
        f"    memory (PSS) MB: before server {b[0]:.0f} + {b[2]} kernels {b[1]:.0f}; peak server {s.peak_server:.0f} + "
        f"{s.peak_count} kernels {s.peak_kernels:.0f}; 5 s after closing server {a[0]:.0f} + {a[2]} kernels "
        f"{a[1]:.0f}",
        flush=True,
    )


def empty_notebook() -> str:
    """A one-cell notebook with what the rounds wait for and nothing else: what any Voilà page costs."""
    folder = Path(tempfile.mkdtemp())
    nb = nbformat.v4.new_notebook()
    html = '<div class="som-net-total">0 kr.</div><div class="som-charts"><svg class="marks"></svg></div>'
    nb.cells = [nbformat.v4.new_code_cell(f"import ipywidgets as W\nW.HTML({html!r})")]
    path = folder / "tom.ipynb"
    nbformat.write(nb, path)
    return str(path)


def serve(notebook: str, pool: int, rounds: list[tuple[int, int]], limit: float, fill_delay: float,
          extra: tuple[str, ...] = (), warm_rss: int = WARM_RSS, proxy: bool = False) -> None:  # fmt: skip
    """Start Voilà on `notebook`, wait until warm, run the rounds (browsers, simulated), report each. With
    `proxy`, the visitors reach Voilà through som_voila.room's nginx, restarted with an empty cache before each
    room round (a room that arrives at a proxy nobody has used yet)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    nginx = Nginx(f"127.0.0.1:{free_port()}", port) if proxy else None
    log_path = Path(tempfile.mkdtemp()) / "voila.log"
    assets: list[str] = []
    with log_path.open("w") as log:
        t0 = time.monotonic()
        proc = start_voila(port, log, pool, notebook, extra)
        try:
            server = psutil.Process(proc.pid)
            wait_for_voila(url, proc)
            up = time.monotonic() - t0
            warm = wait_warm(server, pool, warm_rss=warm_rss)
            print(f"{notebook}: server answers after {up:.1f} s; pool warm after {up + warm:.1f} s", flush=True)
            print(f"    {per_kernel(server)}; server RSS {server.memory_info().rss / 2**20:.0f} MB", flush=True)
            if rounds and rounds[0][1]:  # a simulated visitor asks for what a real page loaded: load one first
                rounds = [(1, 0), *rounds]
            for i, (browsers, simulated) in enumerate(rounds):
                visit, nginx_proc = url, None
                if nginx is not None:
                    nginx.restart()
                    visit, nginx_proc = f"http://{nginx.listen}/", psutil.Process(nginx.proc.pid)
                    print(f"    through nginx on {nginx.listen}, its cache empty", flush=True)
                report(asyncio.run(run_round(visit, browsers, simulated, limit, server, assets, nginx_proc)))
                following = rounds[i + 1] if i + 1 < len(rounds) else None
                if following and sum(following) <= warm_kernels(server, warm_rss):
                    continue  # the pool still holds a kernel for every visitor of the next round (--pool 61)
                print(
                    f"    pool warm again after {wait_warm(server, pool, fill_delay + 1, warm_rss=warm_rss):.1f} s",
                    flush=True,
                )
        finally:
            if nginx is not None:
                nginx.stop()
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=60)
    print(f"Voilà's log: {log_path}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", default="1,5,10,20", help="Chromium pages per round, comma-separated ('' for none)")
    ap.add_argument("--room", default="20", help="visitors per room round, comma-separated ('' for none)")
    ap.add_argument("--room-browsers", type=int, default=2, help="real Chromium pages in a room round")
    ap.add_argument("--empty-page", default="", help="Chromium pages per round on a one-widget notebook, e.g. 1,20")
    ap.add_argument("--limit", type=float, default=180, help="seconds after which a page counts as a failure")
    ap.add_argument("--pool", type=int, default=ROOM_POOL, help="preheated kernels (default: a course room's 20)")
    ap.add_argument(
        "--voila",
        action="append",
        default=[],
        help="an extra Voilà option, e.g. --voila=--VoilaExecutor.iopub_timeout=900 (62 kernels warming at once on 2 "
        "cores outlast voila.json's 120 s, and their pages lose the app)",
    )
    ap.add_argument(
        "--proxy",
        action="store_true",
        help="visitors reach Voilà through nginx, which keeps the static files (python -m som_voila.room, make room)",
    )
    a = ap.parse_args()
    config = json.loads((ROOT / "voila.json").read_text(encoding="utf-8"))
    fill_delay = float(config.get("VoilaKernelManager", {}).get("fill_delay", 1))
    numbers = lambda text: [int(x) for x in text.split(",") if x.strip()]  # noqa: E731
    rounds = [(n, 0) for n in numbers(a.rounds)]
    rounds += [(min(a.room_browsers, n), n - min(a.room_browsers, n)) for n in numbers(a.room)]
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start; pool size {a.pool}", flush=True)
    serve("notebooks/app.ipynb", a.pool, rounds, a.limit, fill_delay, tuple(a.voila), proxy=a.proxy)
    if numbers(a.empty_page):
        # its kernels run one cell, so refilling the pool at once costs the next round nothing
        fill = ("--VoilaKernelManager.fill_delay=1",)
        serve(empty_notebook(), a.pool, [(n, 0) for n in numbers(a.empty_page)], a.limit, 1, fill, warm_rss=0)
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (other work on the machine slows every figure)")


if __name__ == "__main__":
    main()
