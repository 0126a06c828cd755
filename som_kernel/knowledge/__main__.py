"""Command line for the knowledge base (Danish output; exit code 1 with the problems on a broken base, 2 when diff
refuses its input).

python -m som_kernel.knowledge check [DIR] [--local LAYER]   check and list warnings and the CSV dialects read
python -m som_kernel.knowledge export-xlsx DIR FILE          every table to one workbook (one sheet per table);
                                                             a local layer's folder (lokal.yaml) to a layer workbook
python -m som_kernel.knowledge import-xlsx FILE DIR [--vidensdatabase BASE]
                                                             a (possibly edited) workbook back to CSV files; a
                                                             layer workbook is checked on top of BASE
python -m som_kernel.knowledge diff OLD_DIR NEW_DIR [--lokal OLD_LAYER [NEW_LAYER]]
                                                             rows added/removed/changed per table, dated rule and
                                                             policy values added/removed/changed, the rule-derived
                                                             prices that move per calendar year, and what the
                                                             example scenarios' key figures do; with --lokal also
                                                             the layer's tables, and the examples with the layer on
python -m som_kernel.knowledge status [DIR]                  share of consequence rows and of the examples'
                                                             consequence kroner by status (public, derived, …)
python -m som_kernel.knowledge estimate PANEL -o LAYER_DIR --target-group ID --outcome ID [--kommune NAVN]
    [--alle] [--vidensdatabase DIR]                          consequence estimates from a kommune's own panel
                                                             as a local layer with a Danish report (estimate.py)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import SomError
from ..kb.load import load_knowledge
from ..kb.local import LAYER_META
from ..kb.workbook import export_xlsx
from ..kb.workbook_import import export_layer, import_xlsx
from .diff import EXAMPLES_DIR, SCENARIO_DIR, report
from .status import report as status_report


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m som_kernel.knowledge", description="Vidensdatabasen for SØM.")
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("check", help="tjek vidensdatabasen (og et lokalt lag)")
    c.add_argument("dir", nargs="?", default=None)
    c.add_argument("--local", default=None, help="et lokalt lag (mappe eller .xlsx)")
    e = sub.add_parser(
        "export-xlsx", help="alle tabeller til én Excel-projektmappe (et lokalt lag, når mappen har lokal.yaml)"
    )
    e.add_argument("dir")
    e.add_argument("file")
    i = sub.add_parser("import-xlsx", help="en Excel-projektmappe tilbage til CSV-filer (tjekkes først)")
    i.add_argument("file")
    i.add_argument("dir")
    i.add_argument(
        "--vidensdatabase",
        default=None,
        help="et lokalt lag tjekkes oven på denne vidensdatabase (standard: $SOM_KNOWLEDGE eller den medfølgende)",
    )
    d = sub.add_parser(
        "diff",
        help="hvad en ny version ændrer",
        description="Hvad en ny version af vidensdatabasen ændrer: rækker tilføjet (+), fjernet (-) og ændret (~) i "
        "hver tabel (også rule_links.csv og udvalgstabellerne); daterede værdier i rules/*.yaml og policy.yaml "
        "(parameter, periode, gammel → ny værdi); de afledte priser, der flytter sig, pr. kalenderår (gamle → nye "
        "kroner); og til sidst eksemplernes nettoresultat pr. aktør og break-even-år på begge versioner. Med --lokal "
        "lægges kommunens lokale lag oven på hver version: lagets egne tabeller sammenlignes på samme måde (lokal "
        "prices.csv, …), og eksemplerne beregnes med laget.",
    )
    d.add_argument("old", help="mappen med den gamle version")
    d.add_argument("new", help="mappen med den nye version")
    d.add_argument(
        "--lokal",
        nargs="+",
        metavar=("GAMMEL_LAG", "NYT_LAG"),
        default=None,
        help="et lokalt lag (mappe eller .xlsx) på begge versioner, eller det gamle lag på den gamle version og det "
        "nye på den nye",
    )
    d.add_argument("--scenarier", default=str(SCENARIO_DIR), help="mappe med scenariefiler (*.json)")
    d.add_argument("--eksempler", default=str(EXAMPLES_DIR), help="mappe med eksempel-notebooks ('' = ingen)")
    st = sub.add_parser("status", help="andel af konsekvensrækker og eksemplernes kroner efter status")
    st.add_argument("dir", nargs="?", default=None)
    st.add_argument("--scenarier", default=str(SCENARIO_DIR), help="mappe med scenariefiler (*.json)")
    st.add_argument("--eksempler", default=str(EXAMPLES_DIR), help="mappe med eksempel-notebooks ('' = ingen)")
    m = sub.add_parser("estimate", help="konsekvensestimater fra kommunens eget panel, som et lokalt lag")
    m.add_argument("panel", help="panelet: CSV (også dansk Excel-CSV) eller Parquet, én række pr. person og år")
    m.add_argument("-o", "--out", required=True, help="mappen til det lokale lag, fx knowledge/lokale/min_kommune")
    m.add_argument("--target-group", required=True, help="målgruppens id (target_groups.csv)")
    m.add_argument("--outcome", required=True, help="effektmålets id (outcomes.csv)")
    m.add_argument("--kommune", default=None, help="kommunens navn i lokal.yaml (standard: mappens navn)")
    m.add_argument("--alle", action="store_true", help="skriv også estimater, der ikke er signifikante på 5 %%-niveau")
    m.add_argument("--vidensdatabase", default=None, help="vidensdatabasen (standard: den medfølgende)")
    return p


def _estimate(args) -> None:
    from ..kb.estimate import REPORT_NAME, estimate
    from ..kb.estimate_report import write_layer

    kb = load_knowledge(args.vidensdatabase, local=False)
    est = estimate(args.panel, args.target_group, args.outcome, kb, only_significant=not args.alle)
    out = write_layer(est, args.out, kommune=args.kommune)
    print(
        f"Skrev {len(est.written)} af {len(est.table)} estimater i {out / 'consequences.csv'}; rapport: {out / REPORT_NAME}"
    )
    for r in est.left_out.itertuples(index=False):
        print(f"  udeladt: {r.service} år {r.year}: {r.outcome}")
    print(f"Brug laget: SOM_LOCAL={out} make app")


def _diff(args) -> None:
    # an older base's rule-derived prices.csv rows may follow older conventions (they were net of tax before
    # 2026.3); a calculation never reads them, so they are not checked against today's rules here
    old = load_knowledge(args.old, local=False, check_derived=False)
    new = load_knowledge(args.new, local=False)
    layered = None
    if args.lokal:  # one layer on both versions, or the old layer on the old version and the new on the new
        old_layer, new_layer = args.lokal[0], args.lokal[-1]
        layered = (
            load_knowledge(args.old, local=old_layer, check_derived=False),
            load_knowledge(args.new, local=new_layer),
        )
    examples = Path(args.eksempler) if args.eksempler else None
    print(report(old, new, Path(args.scenarier), examples, layered=layered))


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "diff" and args.lokal and len(args.lokal) > 2:
        parser.error("--lokal tager ét lag (på begge versioner) eller to (det gamle og det nye)")
    if args.command == "diff":
        try:
            _diff(args)
        except SomError as e:
            return e.print_problems("Fejl:")
        return 0
    try:
        if args.command == "check":
            kb = load_knowledge(args.dir, local=args.local if args.local else (None if args.dir is None else False))
            print(f"Vidensdatabasen {kb.meta.version} ({kb.path}) er i orden.")
            if kb.local is not None:
                print(f"Lokalt lag: {kb.local.label}; rækker: {kb.local.rows}")
            for name, dialect in kb.dialects.items():
                print(f"  {name}: læst som {dialect}")
            for w in kb.warnings:
                print(f"Advarsel: {w}")
        elif args.command == "export-xlsx":
            export = export_layer if (Path(args.dir) / LAYER_META).exists() else export_xlsx
            print(f"Skrev {export(args.dir, args.file)}")
        elif args.command == "import-xlsx":
            folder = import_xlsx(args.file, args.dir, args.vidensdatabase)
            print(f"Projektmappen er i orden; skrev tabellerne i {folder}")
        elif args.command == "status":
            kb = load_knowledge(args.dir, local=False)
            examples = Path(args.eksempler) if args.eksempler else None
            print(status_report(kb, Path(args.scenarier), examples))
        elif args.command == "estimate":
            _estimate(args)
    except SomError as e:
        print(f"Fejl:\n{e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
