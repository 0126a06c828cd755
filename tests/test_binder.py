"""Binder (repo2docker): binder/ pins the same versions as requirements.txt, and a fresh environment built
from binder/ the way repo2docker does (pip install -r binder/requirements.txt, then binder/postBuild) serves
the app in Voilà and, inside Jupyter, at the URLs the README's Binder links open.

The last test is the expensive one: a fresh virtualenv, a real pip install (PyPI; pip's cache makes repeats
faster) and three HTTP servers. On the 2-core machines it takes about 3–4 minutes with a warm pip cache.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BINDER = ROOT / "binder"
APP = "notebooks/app.ipynb"
APP_URL = f"/voila/render/{APP}"
# in requirements.txt for the tests and tooling only; Binder does not need them
TOOLING = {"pytest", "pytest-xdist", "hypothesis", "nbval", "nbstripout", "playwright", "ruff"}


def pins(path: Path) -> dict[str, str]:
    """name (normalised) → version of every `name==version` line; any other requirement line fails."""
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        m = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([A-Za-z0-9_.+\-!]+)", line)
        assert m, f"{path.name}: '{line}' is not pinned as name==version"
        out[re.sub(r"[-_.]+", "-", m.group(1)).lower()] = m.group(2)
    return out


def test_binder_pins_are_the_runtime_pins_of_requirements_txt():
    root = pins(ROOT / "requirements.txt")
    binder = pins(BINDER / "requirements.txt")
    assert binder == {name: v for name, v in root.items() if name not in TOOLING}
    assert {"voila", "som-kernel"}.isdisjoint(TOOLING)
    assert "voila" in binder and "jupyterlab" in binder and "ipywidgets" in binder


def test_binder_python_and_postbuild():
    # runtime.txt: python-3.11 satisfies pyproject's requires-python (>=3.11)
    runtime = (BINDER / "runtime.txt").read_text().strip()
    assert runtime == "python-3.11"
    requires = re.search(r'requires-python\s*=\s*">=(\d+)\.(\d+)"', (ROOT / "pyproject.toml").read_text())
    assert (3, 11) >= (int(requires.group(1)), int(requires.group(2)))
    post = BINDER / "postBuild"
    assert os.access(post, os.X_OK)
    text = post.read_text()
    assert text.startswith("#!/usr/bin/env bash")
    assert "pip install --no-deps -e ." in text
    assert f'"{APP_URL}"' in text  # the plain Binder link opens the app
    assert (ROOT / APP).exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"server exited with {proc.returncode}"
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.5)
    raise AssertionError(f"nothing listens on port {port} after {timeout} s")


@contextmanager
def _server(cmd: list[str], port: int, env: dict, log: Path):
    """Start a server in its own process group; stop that group (only it) afterwards."""
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_for_port(port, proc, timeout=120)
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def _get(url: str) -> tuple[int, str, str]:
    """HTTP GET following redirects: status, final URL, body."""
    with urllib.request.urlopen(url, timeout=300) as r:
        return r.status, r.url, r.read().decode("utf-8", "replace")


def _assert_app_page(status: int, body: str, log: Path) -> None:
    assert status == 200
    assert "There was an error when executing" not in body, log.read_text(errors="replace")[-3000:]
    assert "application/vnd.jupyter.widget-view+json" in body  # the app's widgets were rendered


def test_binder_environment_installs_and_serves_the_app(tmp_path):
    venv = tmp_path / "venv"
    bin_dir = venv / "bin"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    install = subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "install", "--quiet", "-r", "binder/requirements.txt"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "VIRTUAL_ENV": str(venv)}
    env.pop("PYTHONPATH", None)
    env.pop("SOM_KNOWLEDGE", None)
    post = subprocess.run(["bash", "binder/postBuild"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert post.returncode == 0, post.stdout[-2000:] + post.stderr[-3000:]
    config = json.loads((venv / "etc" / "jupyter" / "jupyter_server_config.json").read_text())
    assert config["ServerApp"]["default_url"] == APP_URL

    # the package and the shipped knowledge base, from the new environment
    probe = subprocess.run(
        [
            str(bin_dir / "python"),
            "-c",
            "import som_kernel; print(som_kernel.load_knowledge().meta.default_price_year)",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert probe.stdout.strip() == "2024", probe.stderr[-2000:]

    # 1. the app in Voilà on its own, as `make app` starts it
    port = _free_port()
    log = tmp_path / "voila.log"
    cmd = [str(bin_dir / "voila"), APP, "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1"]
    with _server(cmd, port, env, log) as base:
        status, _, body = _get(f"{base}/")
    _assert_app_page(status, body, log)

    # 2. Jupyter as Binder runs it: the plain link (/) lands in the app, ?urlpath=lab in JupyterLab
    port = _free_port()
    log = tmp_path / "jupyter.log"
    cmd = [
        str(bin_dir / "jupyter"),
        "server",
        "--no-browser",
        "--allow-root",
        f"--port={port}",
        "--ServerApp.ip=127.0.0.1",
        "--IdentityProvider.token=",
        "--ServerApp.password=",
        f"--ServerApp.root_dir={ROOT}",
    ]
    with _server(cmd, port, env, log) as base:
        status, url, body = _get(f"{base}/")
        assert url == f"{base}{APP_URL}"
        _assert_app_page(status, body, log)
        status, _, body = _get(f"{base}/lab")
        assert status == 200 and "JupyterLab" in body
    shutil.rmtree(venv)  # ~0,5 GB; pytest keeps the last few tmp_path folders
