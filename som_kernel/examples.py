"""Parameterised example calculations (notebooks/examples/): the scenario builder they share, and a papermill
runner that executes them into notebooks + HTML reports and collects their key figures.

    python -m som_kernel.examples run-all [--out DIR]              # every example, defaults, with HTML reports
    python -m som_kernel.examples batch NOTEBOOK PARAMS.csv [--out DIR] [--html]
                                                                   # one run per row of PARAMS.csv → key_figures.csv
    python -m som_kernel.examples refresh-outputs                  # store the outputs nbval compares

Each example notebook has one cell tagged `parameters` and ends with `reporting.publish_key_figures(...)`,
which the runner reads back from the executed notebook (mimetype reporting.KEY_FIGURES_MIME).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .export import safe_frame
from .knowledge import ACTORS
from .reporting import KEY_FIGURES, KEY_FIGURES_MIME, STATIC_CHARTS_ENV
from .scenario import Scenario, build_scenario

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES_DIR = ROOT / "notebooks" / "examples"
DEFAULT_OUT = ROOT / "output" / "examples"
KERNEL_NAME = "python3"
PARAMS_HEADING = "Parametre brugt i denne kørsel"


# ---- the scenario every example builds ---------------------------------------------------------------------


def example_scenario(
    *,
    name: str,
    target_group: str,
    outcome: str,
    success_rate: float,
    starters_per_year: int,
    start_years: int,
    duration_years: int,
    cost_per_participant_year: float,
    baseline_per_participant_year: float = 0.0,
    cost_shares: dict[str, float] | None = None,
    startup_cost: float = 0.0,
    cost_welfare_area: str = "social",
    cost_price_year: int | None = None,
    horizon_years: int = 10,
    discount_rate: float = 0.0,
    first_year: int = 2025,
    price_year: int = 2024,
    description: str = "",
) -> Scenario:
    """A one-outcome scenario: `starters_per_year` start in each of the first `start_years` years and stay
    `duration_years`; costs (kroner per participant per year, gross and for the baseline it replaces, plus a
    one-off start-up, at price level `cost_price_year`, default the scenario's) are split on actors by `cost_shares`
    (default: all kommune)."""
    shares = cost_shares or {"kommune": 1.0}
    unknown = set(shares) - set(ACTORS)
    if unknown:
        from .errors import ScenarioError

        raise ScenarioError(f"Ukendt aktør i fordelingen af omkostninger: {', '.join(sorted(unknown))}.")

    def split(amount: float) -> dict[str, float]:
        return {a: amount * shares.get(a, 0.0) for a in ACTORS}

    return build_scenario(
        {
            "name": name,
            "description": description,
            "target_group": target_group,
            "participants": [int(starters_per_year)] * int(start_years),
            "duration_years": int(duration_years),
            "costs": {
                "startup": split(startup_cost),
                "running_per_participant": split(cost_per_participant_year),
                "baseline_per_participant": split(baseline_per_participant_year),
                "welfare_area": cost_welfare_area,
                "price_year": cost_price_year,
            },
            "outcomes": [{"outcome": outcome, "success_rate": success_rate}],
            "settings": {
                "price_year": price_year,
                "first_year": first_year,
                "horizon_years": horizon_years,
                "discount_rate": discount_rate,
            },
        }
    )


# ---- running notebooks --------------------------------------------------------------------------------------


@dataclass
class Run:
    """One executed notebook: its paths, the parameters used (defaults merged with overrides) and key figures."""

    source: Path
    notebook: Path
    html: Path | None
    parameters: dict
    key_figures: dict = field(default_factory=dict)
    error: str | None = None


def _plain(value):
    """numpy/pandas scalars → plain Python values papermill can write as code."""
    if hasattr(value, "item") and not isinstance(value, list | dict | str):
        value = value.item()
    return value


def default_parameters(notebook: str | os.PathLike) -> dict[str, str]:
    """The notebook's parameters and their default values as written in its `parameters` cell (source text)."""
    import papermill

    return {k: v["default"] for k, v in papermill.inspect_notebook(str(notebook)).items()}


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


def _parameters_cell(used: dict[str, str], overrides: dict):
    import nbformat

    lines = [f"## {PARAMS_HEADING}", "", "| Parameter | Værdi | |", "|---|---|---|"]
    for k, v in used.items():
        lines.append(f"| `{k}` | `{v}` | {'ændret' if k in overrides else 'standard'} |")
    return nbformat.v4.new_markdown_cell("\n".join(lines), metadata={"tags": ["som-parameters-report"]})


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
    a table at the top of the report; returns the Run with the key figures the notebook published. A failing
    cell does not raise: the Run carries the error text and the partly executed notebook is kept. `hide_code`
    leaves the code cells out of the HTML report (for readers who only want text, tables and charts)."""
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    source = Path(notebook).resolve()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stem = name or source.stem
    target = out / f"{stem}.ipynb"
    overrides = {k: _plain(v) for k, v in (parameters or {}).items()}
    used = {**default_parameters(source), **{k: repr(v) for k, v in overrides.items()}}
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
            error = f"{e.ename}: {e.evalue}"
    nb = nbformat.read(target, as_version=4)
    nb.cells.insert(1 if nb.cells and nb.cells[0].cell_type == "markdown" else 0, _parameters_cell(used, overrides))
    nb.metadata.setdefault("som", {})["parameters"] = used
    nbformat.write(nb, target)
    figures = read_key_figures(nb)
    html_path = None
    if html:
        from nbconvert import HTMLExporter

        body, _ = HTMLExporter(exclude_input=hide_code, exclude_input_prompt=hide_code).from_notebook_node(nb)
        html_path = out / f"{stem}.html"
        html_path.write_text(body, encoding="utf-8")
    record = {"parameters": used, "key_figures": figures, "error": error}
    (out / f"{stem}.json").write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
    return Run(source, target, html_path, used, figures, error)


def example_notebooks(examples_dir: str | os.PathLike = EXAMPLES_DIR) -> list[Path]:
    """The example notebooks in `examples_dir`, sorted by name."""
    return sorted(p for p in Path(examples_dir).glob("*.ipynb") if not p.name.startswith("."))


def _table(runs: list[Run], label) -> pd.DataFrame:
    rows = [{**label(r), **r.key_figures, "error": r.error} for r in runs]
    table = pd.DataFrame(rows)
    known = [c for c in KEY_FIGURES if c in table.columns]
    rest = [c for c in table.columns if c not in known and c != "error"]
    return table[[*rest[:1], *known, *rest[1:], "error"]]


def run_all(
    out_dir: str | os.PathLike = DEFAULT_OUT,
    examples_dir: str | os.PathLike = EXAMPLES_DIR,
    html: bool = True,
    hide_code: bool = False,
) -> pd.DataFrame:
    """Run every example notebook with its defaults into out_dir (executed notebook, HTML report, key figures
    JSON); returns one row per notebook and writes it to out_dir/key_figures.csv."""
    from tqdm.auto import tqdm

    runs = []
    for nb in tqdm(example_notebooks(examples_dir), desc="Eksempler", unit="notesbog"):
        runs.append(run_notebook(nb, out_dir, html=html, hide_code=hide_code))
    table = _table(runs, lambda r: {"notebook": r.source.name})
    safe_frame(table).to_csv(Path(out_dir) / "key_figures.csv", index=False)
    return table


def read_parameter_table(params: pd.DataFrame | str | os.PathLike) -> pd.DataFrame:
    """A table of parameter sets (one row each, one column per notebook parameter) from a DataFrame or CSV."""
    if isinstance(params, pd.DataFrame):
        return params.reset_index(drop=True)
    return pd.read_csv(params)


def run_batch(
    notebook: str | os.PathLike,
    params: pd.DataFrame | str | os.PathLike,
    out_dir: str | os.PathLike | None = None,
    *,
    html: bool = False,
) -> pd.DataFrame:
    """Run `notebook` once per row of `params` (blank cells keep the notebook's default), with a progress bar;
    returns the parameters and key figures of every run as one table (also written to out_dir/key_figures.csv)."""
    from tqdm.auto import tqdm

    table = read_parameter_table(params)
    source = Path(notebook)
    out = Path(out_dir) if out_dir is not None else DEFAULT_OUT / "batch" / source.stem
    defaults = default_parameters(source)
    unknown = [c for c in table.columns if c not in defaults]
    if unknown:
        raise ValueError(f"Ukendte parametre for {source.name}: {', '.join(unknown)} (kendte: {', '.join(defaults)})")
    runs = []
    rows = list(table.iterrows())
    # a parameter named like a key figure keeps its own column in the result
    table = table.rename(columns={c: f"param_{c}" for c in table.columns if c in KEY_FIGURES})
    for i, row in tqdm(rows, desc=source.stem, unit="kørsel"):
        overrides = {k: _plain(v) for k, v in row.items() if not pd.isna(v)}
        runs.append(run_notebook(source, out, overrides, name=f"{source.stem}_{i + 1:03d}", html=html))
    result = pd.concat([table, _table(runs, lambda r: {"run": r.notebook.stem})], axis=1)
    safe_frame(result).to_csv(out / "key_figures.csv", index=False)
    return result


SUMMARY = ["participants", "successes", "cost_total", "consequences_total", "net_total", "break_even_year"]


def summary_text(table: pd.DataFrame, label_columns: list[str]) -> str:
    """The main key figures of a run table as aligned text with Danish number formats (for the command line)."""
    from .format import number

    def fmt(column: str, value) -> str:
        if column in label_columns:
            return str(value)
        if value is None or (isinstance(value, float) and pd.isna(value)):
            return "–"
        if column == "break_even_year":
            return str(int(value))
        return number(value, 1 if column == "successes" else 0)

    columns = [*label_columns, *(c for c in SUMMARY if c in table.columns)]
    shown = pd.DataFrame({c: [fmt(c, v) for v in table[c]] for c in columns})
    shown["error"] = [e if isinstance(e, str) else "" for e in table["error"]]
    return shown.to_string(index=False)


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m som_kernel.examples", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_all = sub.add_parser("run-all", help="kør alle eksempler med standardparametre (notesbøger + HTML)")
    p_all.add_argument("--out", default=str(DEFAULT_OUT))
    p_all.add_argument("--examples", default=str(EXAMPLES_DIR), help="mappe med eksempel-notesbøger")
    p_all.add_argument("--no-html", action="store_true")
    p_all.add_argument("--hide-code", action="store_true", help="HTML-rapporter uden kodeceller")
    p_batch = sub.add_parser("batch", help="kør én notesbog for hver række i en parametertabel (CSV)")
    p_batch.add_argument("notebook")
    p_batch.add_argument("params")
    p_batch.add_argument("--out", default=None)
    p_batch.add_argument("--html", action="store_true")
    p_ref = sub.add_parser("refresh-outputs", help="gem de kontrollerede output (NBVAL_CHECK_OUTPUT) i eksemplerne")
    p_ref.add_argument("--examples", default=str(EXAMPLES_DIR))
    args = parser.parse_args(argv)
    if args.command == "refresh-outputs":
        for path in refresh_checked_outputs(args.examples):
            print(f"Opdateret: {path}")
        return 0
    if args.command == "run-all":
        table = run_all(args.out, args.examples, html=not args.no_html, hide_code=args.hide_code)
        print(summary_text(table, ["notebook"]))
        print(f"\nNotesbøger, HTML-rapporter og key_figures.csv: {Path(args.out).resolve()}")
    else:
        table = run_batch(args.notebook, args.params, args.out, html=args.html)
        known = default_parameters(args.notebook)
        params = [c for c in table.columns if c in known or (c.startswith("param_") and c[6:] in known)]
        print(summary_text(table, ["run", *params]))
        out = Path(args.out) if args.out else DEFAULT_OUT / "batch" / Path(args.notebook).stem
        print(f"\nAlle nøgletal: {(out / 'key_figures.csv').resolve()}")
    failed = table["error"].notna().sum()
    if failed:
        print(f"\n{failed} kørsel(er) fejlede; se kolonnen 'error' og de udførte notesbøger.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
