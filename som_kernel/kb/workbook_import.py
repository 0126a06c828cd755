"""A knowledge workbook (workbook.py) back to CSV files: read it, check it with the loader's own checks (messages name
sheet:række:kolonne) and only then write the tables, meta.yaml, rule_links.csv, the committee tables and the rule
files. A kommune's local layer goes both ways here (export_layer, import_layer: they need local.py, which reads a
layer workbook with workbook.py): its workbook (sheet 'lokal') goes back to a layer folder the same way, checked on
top of the national base."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import yaml

from ..errors import KnowledgeError, Problem
from .load import assemble, load_knowledge
from .local import LAYER_META, LAYER_MODELS, LAYER_SHEET, LayerMeta, read_layer_meta
from .reading import RawTable, parse_meta, read_csv
from .rules import RULES_DIR
from .schema import OPTIONAL_TABLES, TABLES
from .workbook import (
    META_SHEET,
    RULE_SHEET,
    guided_workbook,
    read_extra_sheets,
    read_workbook,
    sheet_names,
    write_sheet,
    write_tables,
)

LAYER_GUIDE = (
    "Et lokalt lag for SØM som projektmappe: kommunens egne tal oven på den nationale vidensdatabase.",
    "Arket 'lokal' er filen lokal.yaml: name, kommune og description (felt | værdi).",
    "Ét ark pr. tabel, med de nationale tabellers kolonner og en kilde i hver række: prices, consequences, "
    "effect_studies, wages (kommunens egne lønsatser), committees og committee_map (kommunens udvalg).",
    "Brug projektmappen direkte: SOM_LOCAL=FIL.xlsx make app, eller læs den ind igen som mappe med: "
    "python -m som_kernel.knowledge import-xlsx FIL MAPPE",
    "Indlæsningen tjekker alt mod vidensdatabasen og nævner fil:ark:række:kolonne ved fejl; intet skrives, før alt "
    "er i orden.",
)


def _csv_text(raw: RawTable) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(raw.header)
    writer.writerows(raw.rows)
    return out.getvalue()


def import_xlsx(file: str | Path, folder: str | Path, base: str | Path | None = None) -> Path:
    """Read a knowledge workbook, check it like load_knowledge does (messages name sheet:række:kolonne), and only
    then write its tables, meta.yaml, rule_links.csv, the committee tables and the rule files to `folder` (created if
    missing; other files there are left alone).
    A layer workbook (a sheet 'lokal', no 'meta') is imported by import_layer, checked on top of `base`."""
    file, folder = Path(file), Path(folder)
    problems: list[Problem] = []
    names = sheet_names(file, problems)
    if names is None:
        raise KnowledgeError(problems)
    if LAYER_SHEET in names and META_SHEET not in names:
        return import_layer(file, folder, base)
    if META_SHEET not in names:
        message = (
            f"Projektmappen har hverken arket '{META_SHEET}' (en hel vidensdatabase) eller arket '{LAYER_SHEET}' "
            "(et lokalt lag: name, kommune og description)."
        )
        raise KnowledgeError([Problem(file.name, message)])
    book = read_workbook(file, problems)
    if book is None:
        raise KnowledgeError(problems)
    raws, meta_text = book
    for name in TABLES:
        if name not in raws and name not in OPTIONAL_TABLES:
            problems.append(Problem(name.removesuffix(".csv"), "Arket mangler i projektmappen."))
    if meta_text is None:
        problems.append(Problem(META_SHEET, "Arket mangler i projektmappen (meta.yaml's tekst)."))
    if problems:
        raise KnowledgeError(problems)
    meta = parse_meta(meta_text, problems, META_SHEET)
    assemble(raws, meta, problems, path=None, layer=None)  # raises KnowledgeError naming sheet:række:kolonne
    extras, rule_texts = read_extra_sheets(file, problems)
    if problems:
        raise KnowledgeError(problems)
    files = {name: _csv_text(raw) for name, raw in {**raws, **extras}.items()} | {"meta.yaml": meta_text}
    files |= {f"{RULES_DIR}/{name}.yaml": text for name, text in rule_texts.items()}
    if extras or rule_texts:
        _check_in_folder(files)
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _check_in_folder(files: dict[str, str]) -> None:
    """Load the workbook's base with its rules and committees in a scratch folder (they are read from files); a
    problem is named by its sheet: rule_links:række …, regel_<navn>:…, committee_map:række …, prices:række … ."""
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        for name, text in files.items():
            (Path(scratch) / name).parent.mkdir(parents=True, exist_ok=True)
            (Path(scratch) / name).write_text(text, encoding="utf-8")
        try:
            load_knowledge(scratch, local=False)
        except KnowledgeError as e:
            raise KnowledgeError([Problem(_sheet_of(p.where), p.message) for p in e.problems]) from None


def _sheet_of(where: str) -> str:
    """'rules/skat_overfoersler.yaml:felt x' → 'regel_skat_overfoersler:felt x'; 'prices.csv:række 3' → 'prices:række 3'."""
    if where.startswith(f"{RULES_DIR}/"):
        name, _, rest = where.removeprefix(f"{RULES_DIR}/").partition(".yaml")
        return RULE_SHEET + name + rest
    head, sep, rest = where.partition(".csv")
    return head + rest if sep else where


def import_layer(file: str | Path, folder: str | Path, base: str | Path | None = None) -> Path:
    """A local layer's workbook back to a layer folder: checked as load_knowledge(base, local=file) checks it (the
    national base `base`, default the shipped one or $SOM_KNOWLEDGE; messages name fil.xlsx:ark:række:kolonne), then
    lokal.yaml and one CSV per sheet are written. A layer table in `folder` the workbook lacks is refused (the
    folder would otherwise be another layer than the workbook); nothing is written while a problem stands."""
    file, folder = Path(file), Path(folder)
    load_knowledge(base, local=file)  # raises KnowledgeError listing every problem
    problems: list[Problem] = []
    raws, meta_text = read_workbook(file, problems, tables=tuple(LAYER_MODELS), meta_sheet=LAYER_SHEET)
    stale = [name for name in LAYER_MODELS if name not in raws and (folder / name).exists()]
    if stale:
        raise KnowledgeError(
            [
                Problem(
                    f"{folder.name}/{name}",
                    f"Mappen har {name}, men projektmappen har ikke arket '{name.removesuffix('.csv')}'. Vælg en "
                    "tom mappe, eller slet filen, hvis laget ikke længere skal have den.",
                )
                for name in stale
            ]
        )
    meta = LayerMeta.model_validate(yaml.safe_load(meta_text))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / LAYER_META).write_text(
        yaml.safe_dump(meta.model_dump(), allow_unicode=True, sort_keys=False, width=110), encoding="utf-8"
    )
    for name, raw in raws.items():
        (folder / name).write_text(_csv_text(raw), encoding="utf-8")
    return folder


def export_layer(folder: str | Path, file: str | Path) -> Path:
    """A local layer's folder as a layer workbook: the sheet 'lokal' (lokal.yaml's fields, felt | værdi) and one
    sheet per table the layer has (prices, consequences, effect_studies, wages, committees, committee_map).
    lokal.yaml must be readable (its fields become cells); the tables are not checked here."""
    folder, file = Path(folder), Path(file)
    problems: list[Problem] = []
    raws = {name: read_csv(folder / name, problems) for name in LAYER_MODELS if (folder / name).exists()}
    meta = read_layer_meta(folder, problems)
    if problems or meta is None:
        raise KnowledgeError(problems)
    wb = guided_workbook(LAYER_GUIDE)
    write_sheet(wb, LAYER_SHEET, [["felt", "værdi"], *([k, v] for k, v in meta.model_dump().items())])
    write_tables(wb, raws)
    file.parent.mkdir(parents=True, exist_ok=True)
    wb.save(file)
    return file
