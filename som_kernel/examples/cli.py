"""The command line: python -m som_kernel.examples run-all | batch | refresh-outputs (see the package's docstring)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import SomError
from .figures import summary_text
from .parameter_runs import BatchInterrupted, batch_figures, run_batch
from .params import default_parameters
from .runner import DEFAULT_OUT, EXAMPLES_DIR, refresh_checked_outputs, run_all

DESCRIPTION = (
    "Parameterised example calculations (notebooks/examples/): the scenario builder they share, and a papermill"
    " runner that executes them into notebooks + HTML reports and collects their key figures."
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m som_kernel.examples", description=DESCRIPTION)
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
        return e.print_problems("Kørslen kunne ikke starte:")


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
