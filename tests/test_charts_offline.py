"""The offline chart bundle is built once and reused from the disk cache by later kernels."""

import subprocess
import sys

CODE = """
import time, altair as alt
from som_kernel import charts
t0 = time.perf_counter(); charts.enable_offline(); took = time.perf_counter() - t0
assert alt.JupyterChart._is_offline
print(charts._bundle_cache(), len(alt.JupyterChart._esm), took)
"""


def run(env):
    out = subprocess.run([sys.executable, "-c", CODE], env=env, capture_output=True, text=True, check=True)
    path, size, took = out.stdout.split()
    return path, int(size), float(took)


def test_bundle_is_cached_and_reused(tmp_path):
    import os

    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    path, size, _ = run(env)
    assert path.startswith(str(tmp_path)) and path.endswith(".js")
    cached = (tmp_path / "som-workbench").iterdir()
    files = [p for p in cached if p.suffix == ".js"]
    assert len(files) == 1 and files[0].stat().st_size >= size > 100_000  # Vega, Vega-Lite and vega-embed inside
    # the second kernel reads the same bundle from disk
    path2, size2, _ = run(env)
    assert (path2, size2) == (path, size)


def test_unusable_cache_falls_back_to_bundling(tmp_path, monkeypatch):
    import os

    from som_kernel import charts

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    charts._bundle_cache().mkdir(parents=True)  # a folder where the file should be: reading and writing fail
    _, size, _ = run(dict(os.environ))
    assert size > 100_000
