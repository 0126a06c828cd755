"""One example notebook over a table of parameter sets: a papermill run per row (run_batch), or the rows'
scenarios calculated together by the fast runner (batch_figures). A row whose cells cannot be read fails
alone, with its Danish message; Ctrl-C keeps the runs already done."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from ..errors import Problem, ScenarioError, SomError
from ..presentation.key_figures import KEY_FIGURES
from .figures import figures_table, write_table
from .params import check_parameters, default_parameters, did_you_mean, read_parameter_table, row_overrides
from .runner import DEFAULT_OUT, Run, run_notebook
from .scenario import notebook_scenario


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
            overrides, used, problems = row_overrides(row, defaults, f"{where}:{i + 2}", danish)
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
    figures = (
        figures_table(runs, lambda r: {"run": r.notebook.stem}) if runs else pd.DataFrame(columns=["run", "error"])
    )
    result = pd.concat([params_used, figures], axis=1)
    write_table(result, out / "key_figures.csv")
    if interrupted:
        raise BatchInterrupted(result, out / "key_figures.csv")
    return result


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
    from ..batch import run
    from ..scenario import save_scenario

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
        overrides, _, problems = row_overrides(row, defaults, f"{where}:{i + 2}", danish)
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
