"""Running example notebooks with papermill: one notebook into an executed notebook, its HTML report and its key
figures (run_notebook), every example with its defaults (run_all), and the stored outputs nbval compares
(refresh_checked_outputs)."""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..presentation.key_figures import KEY_FIGURES_MIME
from ..reporting import STATIC_CHARTS_ENV
from .figures import figures_table, write_table
from .html_report import parameters_cell, write_html
from .params import check_parameters, parameter_info, plain

ROOT = Path(__file__).resolve().parent.parent.parent
EXAMPLES_DIR = ROOT / "notebooks" / "examples"
DEFAULT_OUT = ROOT / "output" / "examples"
KERNEL_NAME = "python3"


@dataclass
class Run:
    """One executed notebook: its paths, the parameters used (defaults merged with overrides) and key figures."""

    source: Path
    notebook: Path
    html: Path | None
    parameters: dict
    key_figures: dict = field(default_factory=dict)
    error: str | None = None


def read_key_figures(nb) -> dict:
    """The key figures a notebook published (the last KEY_FIGURES_MIME output); {} if none."""
    found: dict = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if KEY_FIGURES_MIME in data:
                value = data[KEY_FIGURES_MIME]
                found = json.loads(value) if isinstance(value, str) else dict(value)
    return found


@contextlib.contextmanager
def _env(key: str, value: str | None):
    old = os.environ.get(key)
    if value is not None:
        os.environ[key] = value
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = old


SOM_ERRORS = {"SomError", "ScenarioError", "KnowledgeError"}


def run_notebook(
    notebook: str | os.PathLike,
    out_dir: str | os.PathLike,
    parameters: dict | None = None,
    *,
    name: str | None = None,
    html: bool = True,
    hide_code: bool = False,
    kernel_name: str = KERNEL_NAME,
) -> Run:
    """Execute `notebook` with papermill into out_dir/<name>.ipynb (and .html), the parameters used written into
    a table at the top of the report; returns the Run with the key figures the notebook published. An unknown
    parameter raises ScenarioError (with a 'did you mean') before anything runs. A failing cell does not raise:
    the Run carries the error (a known input error as its Danish message) and the partly executed notebook is
    kept. `hide_code` writes the reader's report: no code, no prompts, no analyst-only cells, text not monospace."""
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    source = Path(notebook).resolve()
    out = Path(out_dir)
    overrides = {k: plain(v) for k, v in (parameters or {}).items()}
    check_parameters(source, overrides)
    out.mkdir(parents=True, exist_ok=True)
    stem = name or source.stem
    target = out / f"{stem}.ipynb"
    info = parameter_info(source)
    used = {**{k: v["default"] for k, v in info.items()}, **{k: repr(v) for k, v in overrides.items()}}
    error = None
    with _env(STATIC_CHARTS_ENV, "svg" if html else "off"):
        try:
            papermill.execute_notebook(
                str(source),
                str(target),
                parameters=overrides,
                kernel_name=kernel_name,
                cwd=str(source.parent),
                progress_bar=False,
                report_mode=False,
            )
        except PapermillExecutionError as e:
            error = e.evalue.strip() if e.ename in SOM_ERRORS else f"{e.ename}: {e.evalue}"
    nb = nbformat.read(target, as_version=4)
    nb.cells.insert(
        1 if nb.cells and nb.cells[0].cell_type == "markdown" else 0, parameters_cell(used, overrides, info, hide_code)
    )
    nb.metadata.setdefault("som", {})["parameters"] = used
    nbformat.write(nb, target)
    figures = read_key_figures(nb)
    html_path = None
    if html:
        html_path = write_html(nb, out / f"{stem}.html", hide_code)
    record = {"parameters": used, "key_figures": figures, "error": error}
    (out / f"{stem}.json").write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
    return Run(source, target, html_path, used, figures, error)


def example_notebooks(examples_dir: str | os.PathLike = EXAMPLES_DIR) -> list[Path]:
    """The example notebooks in `examples_dir`, sorted by name."""
    return sorted(p for p in Path(examples_dir).glob("*.ipynb") if not p.name.startswith("."))


def run_all(
    out_dir: str | os.PathLike = DEFAULT_OUT,
    examples_dir: str | os.PathLike = EXAMPLES_DIR,
    html: bool = True,
    hide_code: bool = True,
) -> pd.DataFrame:
    """Run every example notebook with its defaults into out_dir (executed notebook, HTML report, key figures
    JSON); returns one row per notebook and writes it to out_dir/key_figures.csv (Danish Excel CSV). The HTML
    reports are for readers (no code) unless hide_code=False (the analyst's version)."""
    from tqdm.auto import tqdm

    runs = []
    for nb in tqdm(example_notebooks(examples_dir), desc="Eksempler", unit="notesbog"):
        runs.append(run_notebook(nb, out_dir, html=html, hide_code=hide_code))
    table = figures_table(runs, lambda r: {"notebook": r.source.name})
    write_table(table, Path(out_dir) / "key_figures.csv")
    return table


CHECKED_TAG = "keep_output"  # cells whose output nbval compares (marked `# NBVAL_CHECK_OUTPUT`); nbstripout keeps it


def refresh_checked_outputs(examples_dir: str | os.PathLike = EXAMPLES_DIR) -> list[Path]:
    """Re-run every example with its defaults and store, in the source notebooks, the outputs (and execution counts,
    which nbval needs) of the cells nbval compares (tag `keep_output`) and no other outputs. Run it after a deliberate
    change of the knowledge base or the kernel; `nbstripout --keep-count` leaves the result unchanged."""
    import tempfile

    import nbformat

    changed = []
    with tempfile.TemporaryDirectory() as tmp:
        for source in example_notebooks(examples_dir):
            run = run_notebook(source, tmp, html=False)
            if run.error:
                raise RuntimeError(f"{source.name}: {run.error}")
            executed = {c.get("id"): c for c in nbformat.read(run.notebook, as_version=4).cells}
            nb = nbformat.read(source, as_version=4)
            for cell in nb.cells:
                if cell.cell_type != "code":
                    continue
                keep = CHECKED_TAG in cell.metadata.get("tags", [])
                ran = executed.get(cell.id) if keep else None
                cell.outputs = [o for o in ran.outputs if o.output_type == "stream"] if ran else []
                # nbval compares only cells that carry an execution count
                cell.execution_count = ran.execution_count if ran else None
            nbformat.write(nb, source)
            changed.append(source)
    return changed
