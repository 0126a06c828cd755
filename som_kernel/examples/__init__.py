"""Parameterised example calculations (notebooks/examples/): the scenario builder they share, and a papermill
runner that executes them into notebooks + HTML reports and collects their key figures.

    python -m som_kernel.examples run-all [--out DIR]              # every example, defaults, with HTML reports
    python -m som_kernel.examples batch NOTEBOOK PARAMS.csv [--out DIR] [--html]
                                                                   # one run per row of PARAMS.csv → key_figures.csv
    python -m som_kernel.examples refresh-outputs                  # store the outputs nbval compares

Each example notebook has one cell tagged `parameters` and ends with `reporting.publish_key_figures(...)`,
which the runner reads back from the executed notebook (mimetype reporting.KEY_FIGURES_MIME).

Modules: `scenario` (example_scenario, and notebook_scenario(s): a notebook's scenario(s) read from its cells),
`params` (a notebook's parameters, parameter tables), `runner` (papermill runs, run_all, refresh-outputs),
`html_report` (the parameters table and the reader's HTML report), `parameter_runs` (one run per row of a
parameter table), `figures` (the key-figures table of many runs), `cli` (the command line). The names below
are re-exported here, so `from som_kernel.examples import example_scenario` works as before.
"""

from .cli import main
from .figures import SUMMARY, figures_table, read_table, summary_text, write_table
from .html_report import ANALYST_TAG, PARAMS_HEADING, READER_LABELS, reader_notebook, write_html
from .parameter_runs import BatchInterrupted, batch_figures, run_batch
from .params import (
    cell_value,
    check_parameters,
    danish_value,
    default_parameters,
    did_you_mean,
    parameter_info,
    read_parameter_table,
)
from .runner import (
    CHECKED_TAG,
    DEFAULT_OUT,
    EXAMPLES_DIR,
    KERNEL_NAME,
    ROOT,
    Run,
    example_notebooks,
    read_key_figures,
    refresh_checked_outputs,
    run_all,
    run_notebook,
)
from .scenario import example_scenario, notebook_scenario, notebook_scenarios

__all__ = [
    "ANALYST_TAG",
    "CHECKED_TAG",
    "DEFAULT_OUT",
    "EXAMPLES_DIR",
    "KERNEL_NAME",
    "PARAMS_HEADING",
    "READER_LABELS",
    "ROOT",
    "SUMMARY",
    "BatchInterrupted",
    "Run",
    "batch_figures",
    "cell_value",
    "check_parameters",
    "danish_value",
    "default_parameters",
    "did_you_mean",
    "example_notebooks",
    "example_scenario",
    "figures_table",
    "main",
    "notebook_scenario",
    "notebook_scenarios",
    "parameter_info",
    "read_key_figures",
    "read_parameter_table",
    "read_table",
    "reader_notebook",
    "refresh_checked_outputs",
    "run_all",
    "run_batch",
    "run_notebook",
    "summary_text",
    "write_html",
    "write_table",
]
