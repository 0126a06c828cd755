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
import base64
import contextlib
import csv
import difflib
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .errors import Problem, ScenarioError, SomError
from .export import safe_frame
from .format import number
from .knowledge import ACTORS
from .numbers import read_number
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


def parameter_info(notebook: str | os.PathLike) -> dict[str, dict]:
    """papermill's view of the notebook's `parameters` cell: name → {default (source text), help (the comment)}."""
    import papermill

    return {k: dict(v) for k, v in papermill.inspect_notebook(str(notebook)).items()}


def default_parameters(notebook: str | os.PathLike) -> dict[str, str]:
    """The notebook's parameters and their default values as written in its `parameters` cell (source text)."""
    return {k: v["default"] for k, v in parameter_info(notebook).items()}


def did_you_mean(name: str, known) -> str:
    """' (mente du success_rate?)' for the closest known name, or '' when none is close."""
    close = difflib.get_close_matches(str(name), list(known), n=1, cutoff=0.6)
    return f" (mente du {close[0]}?)" if close else ""


def check_parameters(notebook: str | os.PathLike, names, where: str = "") -> None:
    """ScenarioError (Danish, with a 'did you mean') for every name that is not a parameter of the notebook."""
    known = default_parameters(notebook)
    problems = [
        Problem(
            where or str(n),
            f"'{n}' er ikke en parameter i {Path(notebook).name}{did_you_mean(n, known)}. "
            f"Kendte parametre: {', '.join(known)}.",
        )
        for n in names
        if n not in known
    ]
    if problems:
        raise ScenarioError(problems)


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


def _danish_value(text: str, name: str = "") -> str:
    """A parameter's source text for readers: 0.13 → 0,13; 25000.0 → 25.000; None → standard; "x" → x; a year
    (a parameter named *_year) as written: 2021."""
    t = text.strip()
    if name.endswith("_year"):
        return t
    if t == "None":
        return "standard"
    if len(t) >= 2 and t[0] == t[-1] and t[0] in "'\"":
        return t[1:-1]
    try:
        x = float(t.replace("_", ""))
    except ValueError:
        return t
    decimals = 0
    while decimals < 6 and abs(round(x, decimals) - x) > 1e-12:
        decimals += 1
    return number(x, decimals)


# Danish labels for parameters whose comment is written for analysts
READER_LABELS = {"knowledge_path": "Vidensdatabase", "discount_rate": "Diskonteringsrente (0 = ingen diskontering)"}


def _parameters_cell(used: dict[str, str], overrides: dict, info: dict[str, dict], hide_code: bool):
    import nbformat

    if hide_code:  # readers: the parameter's own description, a Danish value, no Python names
        lines = [f"## {PARAMS_HEADING}", "", "| Antagelse | Værdi | |", "|---|---|---|"]
        for k, v in used.items():
            label = READER_LABELS.get(k) or (info.get(k, {}).get("help") or k).strip()
            label = label[0].upper() + label[1:] if label else k
            lines.append(f"| {label} | {_danish_value(v, k)} | {'ændret' if k in overrides else 'standard'} |")
    else:
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


ANALYST_TAG = "som-analyst"  # cells left out of the reader's (code-free) report
SOM_ERRORS = {"SomError", "ScenarioError", "KnowledgeError"}
PRINT_CSS = """<style>
@page { size: A4; margin: 16mm 14mm; }
@media print { body { font-size: 10pt; } }
h1, h2, h3 { break-after: avoid; }
body { max-width: 182mm; margin: 0 auto; }
.jp-RenderedHTMLCommon table { font-size: 9pt; table-layout: auto; max-width: 100%; }
.jp-RenderedHTMLCommon td, .jp-RenderedHTMLCommon th { white-space: normal; word-break: normal;
  overflow-wrap: normal; padding: 2px 4px; }
.jp-RenderedHTMLCommon tr, .jp-RenderedSVG { break-inside: avoid; }
.jp-RenderedSVG img { max-width: 100%; height: auto; }
</style>"""


def _stream_as_markdown(text: str) -> str:
    """Printed text → Markdown for readers: indented lines become bullets, other lines paragraphs."""
    out = []
    for line in text.rstrip().splitlines():
        if not line.strip():
            continue
        out.append(f"- {line.strip()}" if line.startswith("  ") else f"\n{line.strip()}\n")
    return "\n".join(out).strip()


def reader_notebook(nb):
    """The notebook for readers: analyst-only cells dropped and printed text turned into Markdown (not monospace)."""
    import nbformat

    cells = []
    for cell in nb.cells:
        if ANALYST_TAG in cell.metadata.get("tags", []):
            continue
        cells.append(cell)
        if cell.cell_type != "code":
            continue
        text = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.output_type == "stream")
        if text.strip():
            cell.outputs = [o for o in cell.outputs if o.output_type != "stream"]
            cells.append(nbformat.v4.new_markdown_cell(_stream_as_markdown(text)))
    nb.cells = cells
    return nb


def _chart_alt(html: str) -> str:
    """nbconvert's placeholder alt text on static charts → the chart's own title (from its SVG)."""

    def title(match: re.Match) -> str:
        try:
            svg = base64.b64decode(match.group(1)).decode("utf-8", "replace")
        except ValueError:
            return match.group(0)
        found = re.search(r"role-title-text.*?<text[^>]*>([^<]+)</text>", svg, re.S)
        alt = f"Diagram: {found.group(1)}" if found else "Diagram"
        return f'<img alt="{alt}" src="data:image/svg+xml;base64,{match.group(1)}"'

    html = re.sub(
        r'<img alt="No description has been provided for this image" src="data:image/svg\+xml;base64,([^"]+)"',
        title,
        html,
    )
    return re.sub(
        r'<img src="data:image/svg\+xml;base64,([^"]+)" alt="No description has been provided for this image"',
        title,
        html,
    )


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
    overrides = {k: _plain(v) for k, v in (parameters or {}).items()}
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
        1 if nb.cells and nb.cells[0].cell_type == "markdown" else 0, _parameters_cell(used, overrides, info, hide_code)
    )
    nb.metadata.setdefault("som", {})["parameters"] = used
    nbformat.write(nb, target)
    figures = read_key_figures(nb)
    html_path = None
    if html:
        from nbconvert import HTMLExporter

        shown = reader_notebook(nb) if hide_code else nb
        exporter = HTMLExporter(
            exclude_input=hide_code, exclude_input_prompt=hide_code, exclude_output_prompt=hide_code
        )
        body, _ = exporter.from_notebook_node(shown)
        body = _chart_alt(body.replace("</head>", PRINT_CSS + "</head>", 1))
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


def write_table(table: pd.DataFrame, path: Path) -> None:
    """A results table as Danish Excel CSV: semicolons, decimal comma, UTF-8 with BOM; text cells through
    export.safe_frame (no cell Excel would take for a formula)."""
    safe_frame(table).to_csv(path, index=False, sep=";", decimal=",", encoding="utf-8-sig")


def read_table(path: str | os.PathLike) -> pd.DataFrame:
    """A table written by write_table."""
    return pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig")


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
    table = _table(runs, lambda r: {"notebook": r.source.name})
    write_table(table, Path(out_dir) / "key_figures.csv")
    return table


# ---- parameter tables (batch) ---------------------------------------------------------------------------------


def _sniff_delimiter(first_line: str) -> str:
    return ";" if first_line.count(";") > first_line.count(",") else ","


def read_parameter_table(params: pd.DataFrame | str | os.PathLike) -> pd.DataFrame:
    """A table of parameter sets (one row each, one column per notebook parameter) from a DataFrame or a CSV file,
    as text cells (blank = ''). Danish Excel CSV (semicolons, decimal comma) and plain CSV are both read. A row
    with the wrong number of cells raises ScenarioError naming file:row."""
    if isinstance(params, pd.DataFrame):
        return params.reset_index(drop=True).astype(object).where(params.notna().reset_index(drop=True), "")
    path = Path(params)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as e:
        raise ScenarioError(f"Parametertabellen kan ikke åbnes: {e.strerror} ({path}).") from None
    except UnicodeDecodeError:
        text = path.read_text(encoding="cp1252")  # Excel's "CSV (semikolonsepareret)" on Danish Windows
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise ScenarioError(f"Parametertabellen {path.name} er tom; første linje skal være parameternavnene.")
    rows = list(csv.reader(lines, delimiter=_sniff_delimiter(lines[0])))
    header = [h.strip() for h in rows[0]]
    problems = []
    body = []
    for i, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue  # an empty line
        if len(row) != len(header):
            problems.append(
                Problem(f"{path.name}:{i}", f"Rækken har {len(row)} felter, men overskriften har {len(header)}.")
            )
            continue
        body.append([c.strip() for c in row])
    if problems:
        raise ScenarioError(problems)
    out = pd.DataFrame(body, columns=header, dtype=object)
    out.attrs["danish"] = _sniff_delimiter(lines[0]) == ";"
    return out


def _cell_value(text, default: str, where: str, danish: bool):
    """A parameter table cell → the value to pass: a number where the notebook's default is a number (Danish
    notation 1.234,5 in a semicolon file, else plain 1234.5), the text where the default is text. Raises
    ScenarioError naming the cell (file:row:column)."""
    if not isinstance(text, str):
        return _plain(text)
    t, d = text.strip(), default.strip()
    if d in ("None", "True", "False") or d.startswith(("'", '"')):
        return None if t == "None" else t.strip("'\"")
    reading = read_number(t)
    if reading.ambiguous:
        # "1.000": the file's own convention settles it (semicolons: Danish 1.000; commas: English 1.0)
        value = reading.alternatives[0] if danish else reading.alternatives[-1]
    elif reading.ok:
        value = reading.value
    else:
        raise ScenarioError([Problem(where, f"'{text}' er ikke et tal (standardværdien er {_danish_value(d)}).")])
    is_int = re.fullmatch(r"-?[\d_]+", d) is not None
    return int(value) if is_int and value == int(value) else value


def run_batch(
    notebook: str | os.PathLike,
    params: pd.DataFrame | str | os.PathLike,
    out_dir: str | os.PathLike | None = None,
    *,
    html: bool = False,
) -> pd.DataFrame:
    """Run `notebook` once per row of `params`, with a progress bar; returns the parameters used and the key
    figures of every run as one table (also written to out_dir/key_figures.csv, Danish Excel CSV).

    Never loses work: a cell that cannot be read fails only its row (the error column says why, in Danish); a
    blank cell uses the notebook's default, and the table shows the value used with '(standard)'; Ctrl-C stops
    after writing the key figures of the runs already done (then KeyboardInterrupt is raised again). An unknown
    column raises ScenarioError with a 'did you mean' before anything runs."""
    from tqdm.auto import tqdm

    table = read_parameter_table(params)
    source = Path(notebook)
    where = Path(params).name if not isinstance(params, pd.DataFrame) else "tabellen"
    out = Path(out_dir) if out_dir is not None else DEFAULT_OUT / "batch" / source.stem
    defaults = default_parameters(source)
    unknown = [c for c in table.columns if c not in defaults]
    if unknown:
        raise ScenarioError(
            [
                Problem(
                    f"{where}: kolonnen '{c}'",
                    f"'{c}' er ikke en parameter i {source.name}{did_you_mean(c, defaults)}.",
                )
                for c in unknown
            ]
        )
    danish = bool(table.attrs.get("danish"))
    out.mkdir(parents=True, exist_ok=True)
    runs: list[Run] = []
    shown: list[dict] = []
    interrupted = False
    try:
        for i, row in tqdm(list(table.iterrows()), desc=source.stem, unit="kørsel"):
            name = f"{source.stem}_{i + 1:03d}"
            overrides, used, problems = {}, {}, []
            for k, v in row.items():
                blank = v is None or (isinstance(v, float) and pd.isna(v)) or (isinstance(v, str) and not v.strip())
                if blank:
                    used[k] = f"{_danish_value(defaults[k])} (standard)"
                    continue
                try:
                    overrides[k] = _cell_value(v, defaults[k], f"{where}:{i + 2}:{k}", danish)
                    used[k] = overrides[k]
                except ScenarioError as e:
                    problems += e.problems
                    used[k] = v
            if problems:
                runs.append(Run(source, out / f"{name}.ipynb", None, used, {}, "; ".join(str(p) for p in problems)))
            else:
                runs.append(run_notebook(source, out, overrides, name=name, html=html))
            shown.append(used)
    except KeyboardInterrupt:
        interrupted = True
    params_used = pd.DataFrame(shown, columns=list(table.columns))
    # a parameter named like a key figure keeps its own column in the result
    params_used = params_used.rename(columns={c: f"param_{c}" for c in params_used.columns if c in KEY_FIGURES})
    figures = _table(runs, lambda r: {"run": r.notebook.stem}) if runs else pd.DataFrame(columns=["run", "error"])
    result = pd.concat([params_used, figures], axis=1)
    write_table(result, out / "key_figures.csv")
    if interrupted:
        raise BatchInterrupted(result, out / "key_figures.csv")
    return result


def notebook_scenario(notebook: str | os.PathLike, overrides: dict | None = None):
    """The scenario an example notebook builds, without running the notebook: its parameters cell (with
    `overrides` applied, as papermill would), then its first cell that calls example_scenario, up to the
    calculation. The one place the example notebooks' scenarios are read from outside a notebook run."""
    cells = [c for c in json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
    params = next(c for c in cells if "parameters" in c.get("metadata", {}).get("tags", []))
    build = next(c for c in cells if "example_scenario(" in "".join(c["source"]))
    code = "".join(build["source"])
    namespace: dict = {}
    exec("".join(params["source"]), namespace)  # noqa: S102 - the project's own example notebooks
    namespace.update(overrides or {})
    exec(code[: code.index("result = ")] if "result = " in code else code, namespace)  # noqa: S102
    return namespace["scenario"]


def batch_figures(
    notebook: str | os.PathLike,
    params: pd.DataFrame | str | os.PathLike,
    out_dir: str | os.PathLike | None = None,
    *,
    workers: int | None = None,
    draws: int = 0,
):
    """Figures for every row of `params` through the fast runner (som_kernel.batch) instead of one notebook
    run per row: each row's scenario is built by the notebook's own parameter and scenario cells, written to
    out_dir/scenarier/, and all of them are calculated together. Returns the runner's BatchResult (key figures:
    net per actor, NPV, break-even years, switching success rate). A row whose cells or scenario are wrong
    gets its Danish message in the `error` column of out_dir/rows.csv and is not run; the others are."""
    from .batch import run
    from .scenario import save_scenario

    table = read_parameter_table(params)
    source = Path(notebook)
    where = Path(params).name if not isinstance(params, pd.DataFrame) else "tabellen"
    out = Path(out_dir) if out_dir is not None else DEFAULT_OUT / "batch" / f"{source.stem}_tal"
    defaults = default_parameters(source)
    check_parameters(source, list(table.columns), where)
    danish = bool(table.attrs.get("danish"))
    folder = out / "scenarier"
    folder.mkdir(parents=True, exist_ok=True)
    files, rows = [], []
    for i, row in table.iterrows():
        name = f"{source.stem}_{i + 1:03d}"
        overrides, problems = {}, []
        for k, v in row.items():
            blank = v is None or (isinstance(v, float) and pd.isna(v)) or (isinstance(v, str) and not v.strip())
            if not blank:
                try:
                    overrides[k] = _cell_value(v, defaults[k], f"{where}:{i + 2}:{k}", danish)
                except ScenarioError as e:
                    problems += e.problems
        error = "; ".join(str(p) for p in problems) or None
        if error is None:
            try:
                path = folder / f"{name}.json"
                save_scenario(notebook_scenario(source, overrides), path)
                files.append(path)
            except SomError as e:
                error = "; ".join(str(p) for p in e.problems)
        rows.append({"run": name, **{k: overrides.get(k, "(standard)") for k in table.columns}, "error": error})
    write_table(pd.DataFrame(rows), out / "rows.csv")
    return run(files, out / "tal", workers=workers, draws=draws, progress=False)


class BatchInterrupted(KeyboardInterrupt):
    """Ctrl-C during a batch: `table` holds the runs done, already written to `path`."""

    def __init__(self, table: pd.DataFrame, path: Path):
        super().__init__()
        self.table = table
        self.path = path


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
    p_all.add_argument("--analyst", action="store_true", help="analytikerens udgave: HTML-rapporter med koden")
    p_all.add_argument(
        "--hide-code", action="store_true", help=argparse.SUPPRESS
    )  # the default now; kept for old scripts
    p_batch = sub.add_parser("batch", help="kør én notesbog for hver række i en parametertabel (CSV)")
    p_batch.add_argument("notebook")
    p_batch.add_argument("params")
    p_batch.add_argument("--out", default=None)
    p_batch.add_argument("--html", action="store_true")
    p_batch.add_argument(
        "--tal",
        action="store_true",
        help="kun tallene: alle rækker på én gang med den hurtige kørsel (som_kernel.batch)",
    )
    p_batch.add_argument("--workers", type=int, default=None, help="med --tal: antal processer (standard: alle kerner)")
    p_ref = sub.add_parser("refresh-outputs", help="gem de kontrollerede output (NBVAL_CHECK_OUTPUT) i eksemplerne")
    p_ref.add_argument("--examples", default=str(EXAMPLES_DIR))
    args = parser.parse_args(argv)
    try:
        return _main(args)
    except SomError as e:
        print("Kørslen kunne ikke starte:", file=sys.stderr)
        for p in e.problems:
            print(f"  {p}", file=sys.stderr)
        return 2


def _main(args) -> int:
    if args.command == "refresh-outputs":
        for path in refresh_checked_outputs(args.examples):
            print(f"Opdateret: {path}")
        return 0
    if args.command == "run-all":
        table = run_all(args.out, args.examples, html=not args.no_html, hide_code=not args.analyst)
        print(summary_text(table, ["notebook"]))
        print(f"\nNotesbøger, HTML-rapporter og key_figures.csv: {Path(args.out).resolve()}")
    elif args.tal:
        result = batch_figures(args.notebook, args.params, args.out, workers=args.workers)
        key = result.key_figures()
        print(f"{len(key)} scenarier regnet; nøgletal i {result.key_figures_path.resolve()}")
        return 0
    else:
        known = default_parameters(args.notebook)
        out = Path(args.out) if args.out else DEFAULT_OUT / "batch" / Path(args.notebook).stem
        try:
            table = run_batch(args.notebook, args.params, args.out, html=args.html)
        except BatchInterrupted as stop:
            params = [c for c in stop.table.columns if c in known or (c.startswith("param_") and c[6:] in known)]
            if len(stop.table):
                print(summary_text(stop.table, ["run", *params]))
            print(
                f"\nAfbrudt. Nøgletallene for de {len(stop.table)} kørsler, der blev færdige, er gemt i "
                f"{stop.path.resolve()}",
                file=sys.stderr,
            )
            return 130
        params = [c for c in table.columns if c in known or (c.startswith("param_") and c[6:] in known)]
        print(summary_text(table, ["run", *params]))
        print(f"\nAlle nøgletal: {(out / 'key_figures.csv').resolve()}")
    failed = table["error"].notna().sum()
    if failed:
        print(f"\n{failed} kørsel(er) fejlede; se kolonnen 'error' og de udførte notesbøger.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
