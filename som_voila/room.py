"""The app for a room: Voilà behind nginx, which keeps the ~100 static files every page loads.

Every visitor's browser asks for the same ~100 scripts, style sheets and fonts (5,4 MB) before it asks for
its kernel. Voilà answers them on its one Python thread, about 1 ms each, so a room of 60 arriving at once
queues ~6.000 requests in front of the page's own work (60 × 100 × 1 ms ≈ 6 s of the one thread even
without any other work; 15,9 s measured while the kernels also worked). Here nginx stands in front:

  - Voilà's static files (`/voila/static/`, `/voila/templates/…/static/`, `/voila/labextensions/`) are asked of
    Voilà once and then sent from nginx's cache, by nginx's own workers, beside Voilà's thread. While the
    first request for a file is on its way, the others for the same file wait for it (`proxy_cache_lock`)
    instead of all going to Voilà. Which file a path means is still Voilà's decision (its template and
    extension folders), so nothing here has to know where the files lie. The cache lives in a temporary
    folder and starts empty with every start, so an updated Voilà is never served old files.
  - everything else (the page, which Voilà streams while a kernel is found, the kernels' websockets, the
    API) is passed straight through, unbuffered.

`python -m som_voila.room --pool 60` (or `make room POOL=60`) starts both and stops both; Debian's package
`nginx-light` (or `nginx`) provides nginx. docs/deploy.md has the measurements and the same configuration
for an nginx a kommune already runs.

Only the standard library: the module is small and imported by the benchmark as well.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATIC = r"^/voila/(static|templates/[^/]+/static|labextensions)/"  # what Voilà serves from disk
CACHE_HEADER = "X-Som-Cache"  # HIT: sent by nginx from its cache; MISS: asked of Voilà


class RoomError(RuntimeError):
    """The room cannot start (no nginx, a port taken, Voilà not answering)."""


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def voila_command(notebook: str, port: int, pool: int, host: str = "127.0.0.1", extra: tuple[str, ...] = ()) -> list:
    """Voilà as `make app` starts it: the Danish page template (share/jupyter, see `voila_env`), voila.json,
    a pool of `pool` preheated kernels; `extra` options after those."""
    voila = Path(sys.executable).with_name("voila")
    return [
        str(voila),
        notebook,
        f"--port={port}",
        f"--Voila.ip={host}",
        "--no-browser",
        "--template=som",
        f"--VoilaConfiguration.default_pool_size={pool}",
        *extra,
    ]


def iopub_timeout(pool: int) -> int:
    """Seconds a pooled kernel's cell may wait for output while the whole pool runs the notebook at once:
    voila.json's 120 s, or 15 s per pooled kernel for a bigger pool (900 s for 60)."""
    return max(120, 15 * pool)


def voila_env() -> dict:
    return {**os.environ, "JUPYTER_PATH": str(ROOT / "share" / "jupyter")}


def nginx_config(listen: str, upstream_port: int, prefix: Path, workers: int = 2) -> str:
    """nginx's configuration: `listen` (host:port) for visitors, Voilà on 127.0.0.1:`upstream_port`, every
    file nginx writes under `prefix`."""
    p = prefix.as_posix()
    up = f"http://127.0.0.1:{upstream_port}"
    return f"""# written by som_voila.room; the app for a room (docs/deploy.md)
worker_processes {workers};
daemon off;
pid {p}/nginx.pid;
error_log {p}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {p}/body;
    proxy_temp_path {p}/proxy;
    fastcgi_temp_path {p}/fastcgi;
    uwsgi_temp_path {p}/uwsgi;
    scgi_temp_path {p}/scgi;
    proxy_cache_path {p}/cache levels=1:2 keys_zone=som_static:10m max_size=500m inactive=7d use_temp_path=off;
    map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
    server {{
        listen {listen};
        # Voilà's scripts, style sheets and fonts: asked of Voilà once, then sent from the cache
        location ~ {STATIC} {{
            proxy_pass {up};
            proxy_http_version 1.1;
            proxy_set_header Host $http_host;
            proxy_cache som_static;
            proxy_cache_valid 200 7d;
            proxy_cache_lock on;
            proxy_cache_lock_timeout 60s;
            proxy_cache_lock_age 60s;
            proxy_ignore_headers Cache-Control Expires Set-Cookie;
            add_header {CACHE_HEADER} $upstream_cache_status always;
        }}
        # the page (streamed while a kernel is found), the kernels' websockets, the API: straight through
        location / {{
            proxy_pass {up};
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $http_host;
            proxy_buffering off;
            proxy_request_buffering off;
            proxy_read_timeout 3600s;
            proxy_send_timeout 3600s;
        }}
    }}
}}
"""


def find_nginx() -> str:
    path = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
    if path is None:
        raise RoomError(
            "nginx findes ikke på maskinen. Installér Debians pakke: sudo apt-get install nginx-light "
            "(eller start appen uden nginx med make app)."
        )
    return path


class Nginx:
    """nginx in front of Voilà on `upstream_port`, listening on `listen`, its files in a temporary folder."""

    def __init__(self, listen: str, upstream_port: int, workers: int = 2):
        self.listen, self.upstream_port, self.workers = listen, upstream_port, workers
        self.proc: subprocess.Popen | None = None
        self.prefix: Path | None = None

    def start(self, timeout: float = 20) -> Nginx:
        """Start with an empty cache; returns when nginx answers."""
        binary = find_nginx()
        self.prefix = Path(tempfile.mkdtemp(prefix="som-nginx-"))
        self.prefix.chmod(0o755)  # nginx's workers (user nobody when started as root) write the cache in it
        conf = self.prefix / "nginx.conf"
        conf.write_text(nginx_config(self.listen, self.upstream_port, self.prefix, self.workers), encoding="utf-8")
        log = open(self.prefix / "stderr.log", "wb")  # noqa: SIM115 – open as long as nginx runs
        self.proc = subprocess.Popen(
            [binary, "-p", str(self.prefix), "-c", str(conf)], stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        host, port = self.listen.rsplit(":", 1)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RoomError(f"nginx stoppede straks: {(self.prefix / 'stderr.log').read_text(errors='replace')}")
            try:
                with socket.create_connection((host, int(port)), timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RoomError(f"nginx svarede ikke på {self.listen} inden for {timeout:g} s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=30)
        if self.prefix is not None:
            shutil.rmtree(self.prefix, ignore_errors=True)
        self.proc = self.prefix = None

    def restart(self) -> Nginx:
        """A new nginx with an empty cache (a room that arrives at a proxy nobody has used yet)."""
        self.stop()
        return self.start()


def wait_for_voila(url: str, proc: subprocess.Popen, timeout: float = 300) -> None:
    """Until Voilà answers on `url` (a missing static file: opening the app would take a pooled kernel)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RoomError(f"Voilà stoppede (kode {proc.returncode}) før det svarede")
        try:
            with urllib.request.urlopen(url + "voila/static/som-up-check", timeout=30):
                return
        except urllib.error.HTTPError:
            return  # 404: the server is up
        except OSError:
            time.sleep(0.3)
    raise RoomError(f"Voilà svarede ikke inden for {timeout:g} s")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m som_voila.room",
        description="Beregningsappen til et lokale: Voilà bag nginx, som sender sidens faste filer selv.",
    )
    ap.add_argument("--notebook", default="notebooks/app.ipynb")
    ap.add_argument("--host", default="127.0.0.1", help="adressen, besøgende bruger (0.0.0.0: alle)")
    ap.add_argument("--port", type=int, default=8866, help="porten, besøgende bruger")
    ap.add_argument("--pool", type=int, default=20, help="forvarmede kerner: så mange, som kommer på én gang")
    ap.add_argument("--workers", type=int, default=2, help="nginx' arbejdsprocesser (én pr. kerne)")
    ap.add_argument("voila_options", nargs="*", help="flere Voilà-indstillinger efter --")
    a = ap.parse_args(argv)
    voila_port = free_port()
    # a pool of 60 runs the notebook in 60 kernels at once on the machine's cores: a cell then waits longer for
    # its turn than voila.json's 120 s allow, and those pages would lose the app (measured: 62 at once need
    # about 140–220 s on 2 cores). Options given after -- come later and win.
    warm = (f"--VoilaExecutor.iopub_timeout={iopub_timeout(a.pool)}",)
    voila = subprocess.Popen(
        voila_command(a.notebook, voila_port, a.pool, extra=warm + tuple(a.voila_options)), cwd=ROOT,
        env=voila_env(), start_new_session=True,
    )  # fmt: skip
    proxy = Nginx(f"{a.host}:{a.port}", voila_port, a.workers)
    stopping = running = False

    def stop(*_):
        nonlocal stopping
        stopping = True
        if not running:
            raise KeyboardInterrupt  # still starting: leave the wait at once (the finally below stops both)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        wait_for_voila(f"http://127.0.0.1:{voila_port}/", voila)
        proxy.start()
        running = True
        shown = "localhost" if a.host in ("127.0.0.1", "0.0.0.0") else a.host
        print(f"Appen til et lokale: http://{shown}:{a.port}/ (nginx foran Voilà; Ctrl-C stopper begge)", flush=True)
        while not stopping and voila.poll() is None and proxy.proc.poll() is None:
            time.sleep(0.5)
        if not stopping:
            which = "Voilà" if voila.poll() is not None else "nginx"
            print(f"Fejl: {which} stoppede uventet; begge er lukket. Se meddelelserne ovenfor.", file=sys.stderr)
    except RoomError as e:
        print(f"Fejl: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Stoppet, før appen var klar.", file=sys.stderr)
    finally:
        proxy.stop()
        if voila.poll() is None:
            os.killpg(voila.pid, signal.SIGTERM)
            voila.wait(timeout=60)
    return 0 if stopping else 1


if __name__ == "__main__":
    sys.exit(main())
