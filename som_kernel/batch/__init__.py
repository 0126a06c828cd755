"""Many SØM calculations at once: a portfolio and sweep runner, local by default, on a Dask cluster on request.

    from som_kernel.batch import run, sweep_table
    grid = sweep_table(base, {"outcomes[0].success_rate": [0.05, 0.1], "participants[0]": [30, 50]})
    result = run(["base.json", grid], "ud/")          # or: python -m som_kernel.batch run base.json grid.csv -o ud/
    result.key_figures()                              # one row per scenario: net, NPV, break-even, switching values
    result.results()                                  # tidy: id columns, year, actor, welfare_area, kind, amount, discounted

Scenarios with the same structure (everything but success rates and cost amounts) are evaluated as arrays on
one linear model (compute.py); runs are planned in fixed blocks and chunks (runner.py), so the numbers are the
same bit for bit in this process, in local processes and on a Dask cluster.
"""

from .compute import Item, Options, evaluate_block
from .layers import illustrative_kommune_factors, illustrative_kommune_table, scaled_price_layer
from .output import summary_text, write_key_figures_xlsx
from .runner import BatchResult, Plan, plan_run, run
from .table import check_columns, parse_values, read_parameter_table, sweep_table, write_table

__all__ = [
    "BatchResult",
    "Item",
    "Options",
    "Plan",
    "check_columns",
    "evaluate_block",
    "illustrative_kommune_factors",
    "illustrative_kommune_table",
    "parse_values",
    "plan_run",
    "read_parameter_table",
    "run",
    "scaled_price_layer",
    "summary_text",
    "sweep_table",
    "write_key_figures_xlsx",
    "write_table",
]
