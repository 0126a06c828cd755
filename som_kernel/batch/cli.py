"""Command line: run many calculations, or write a parameter grid (sweep).

python -m som_kernel.batch run INPUT… -o OUT_DIR [--base SCENARIE.json] [--draws N] [--workers N]
                                     [--scheduler ADDRESS] [--chunk N] [--seed N] [--payback-years N]
                                     [--forfra]
python -m som_kernel.batch sweep SCENARIE.json --set STI=VÆRDIER [--set …] -o GRID.csv|GRID.xlsx
"""

from __future__ import annotations

import argparse
import sys

from ..errors import SomError
from ..scenario import load_scenario

EPILOG_RUN = """\
INPUT er scenariefiler (.json) og/eller parametertabeller (.csv, dansk Excel-CSV med semikolon, .xlsx),
hvis kolonner er feltstier som outcomes[0].success_rate, participants[1], settings.discount_rate eller
costs.running_per_participant.kommune, plus evt. id og knowledge (en vidensdatabase-mappe pr. række).
En tabel bruger den ene scenariefil blandt INPUT (eller --base) som grundscenarie.
Uden --scheduler regnes der i lokale processer; med --scheduler ADRESSE (eller SOM_DASK_SCHEDULER) på en
eksisterende Dask-klynge. En ny kørsel i samme mappe springer de færdige dele over; Ctrl-C gemmer det færdige.
"""

EPILOG_SWEEP = """\
VÆRDIER er START:SLUT:ANTAL (jævnt fordelt, fx 0.05:0.30:6) eller en liste med komma (fx 20000,30000,40000;
decimalpunktum). Alle kombinationer skrives som én række hver; .csv skrives på dansk Excel-vis (semikolon,
decimalkomma), .xlsx som Excel.
"""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m som_kernel.batch", description="Mange SØM-beregninger på én gang.")
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser(
        "run",
        help="beregn scenariefiler eller en parametertabel",
        epilog=EPILOG_RUN,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    r.add_argument("inputs", nargs="+", metavar="INPUT")
    r.add_argument("-o", "--out", required=True, metavar="OUT_DIR", help="mappe til resultaterne")
    r.add_argument("--base", default=None, help="grundscenariet for parametertabellerne (.json)")
    r.add_argument("--draws", type=int, default=0, help="Monte Carlo-træk pr. scenarie (standard 0)")
    r.add_argument("--seed", type=int, default=0, help="startværdi for trækkene; scenarie i bruger seed + i")
    r.add_argument("--payback-years", type=int, default=10, help="N i P(tilbagebetalt inden for N år)")
    r.add_argument("--workers", type=int, default=None, help="lokale processer (standard: alle kerner; 1 = ingen)")
    r.add_argument("--scheduler", default=None, metavar="ADDRESS", help="adressen på en Dask-scheduler")
    r.add_argument("--chunk", type=int, default=None, help="scenarier pr. opgave (standard: 2.000, færre med træk)")
    r.add_argument("--forfra", action="store_true", help="slet tidligere dele i OUT_DIR og regn alt igen")
    r.add_argument("--stille", action="store_true", help="ingen fremdriftslinje")
    r.add_argument("--uden-excel", action="store_true", help="spring key_figures.xlsx over (store kørsler)")
    s = sub.add_parser(
        "sweep",
        help="skriv en parametertabel med alle kombinationer",
        epilog=EPILOG_SWEEP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    s.add_argument("base", metavar="SCENARIE.json")
    s.add_argument("--set", action="append", required=True, metavar="STI=VÆRDIER", dest="values")
    s.add_argument("-o", "--out", required=True, metavar="GRID")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "sweep":
            return _sweep(args)
        return _run(args)
    except SomError as e:
        return e.print_problems("Fejl:")
    except KeyboardInterrupt:
        print("Afbrudt. Færdige dele er gemt; kør samme kommando igen for at fortsætte.", file=sys.stderr)
        return 130


def _sweep(args) -> int:
    from .table import parse_values, sweep_table, write_table

    base = load_scenario(args.base).model_dump(mode="json")
    grid = {}
    for item in args.values:
        path, sep, values = item.partition("=")
        if not sep:
            raise SomError(f"--set skal have formen STI=VÆRDIER (fik '{item}').")
        grid[path.strip()] = parse_values(values)
    table = sweep_table(base, grid)
    out = write_table(table, args.out)
    print(f"{len(table):,} kombinationer skrevet til {out}".replace(",", "."))
    print(f"Kør dem: python -m som_kernel.batch run {args.base} {out} -o UD_MAPPE")
    return 0


def _run(args) -> int:
    from .output import summary_text
    from .runner import run

    result = run(
        args.inputs,
        args.out,
        base=args.base,
        draws=args.draws,
        seed=args.seed,
        payback_years=args.payback_years,
        workers=args.workers,
        scheduler=args.scheduler,
        chunk_size=args.chunk,
        restart=args.forfra,
        progress=not args.stille,
        xlsx=not args.uden_excel,
    )
    print(summary_text(result))
    return 130 if result.interrupted else 0
