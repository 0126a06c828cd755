"""A knowledge workbook (workbook.py) back to CSV files: read it, check it with the loader's own checks (messages name
sheet:række:kolonne) and only then write the tables, meta.yaml, rule_links.csv and the rule files."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..errors import KnowledgeError, Problem
from .load import assemble, load_knowledge
from .reading import RawTable, parse_meta
from .rules import LINKS_FILE, RULES_DIR
from .schema import OPTIONAL_TABLES, TABLES
from .workbook import META_SHEET, RULE_SHEET, read_rule_sheets, read_workbook


def _csv_text(raw: RawTable) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(raw.header)
    writer.writerows(raw.rows)
    return out.getvalue()


def import_xlsx(file: str | Path, folder: str | Path) -> Path:
    """Read a knowledge workbook, check it like load_knowledge does (messages name sheet:række:kolonne), and only
    then write its tables and meta.yaml to `folder` (created if missing; other files there are left alone)."""
    file, folder = Path(file), Path(folder)
    problems: list[Problem] = []
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
    links, rule_texts = read_rule_sheets(file, problems)
    if problems:
        raise KnowledgeError(problems)
    files = {name: _csv_text(raw) for name, raw in raws.items()} | {"meta.yaml": meta_text}
    if links is not None:
        files[LINKS_FILE] = _csv_text(links)
    files |= {f"{RULES_DIR}/{name}.yaml": text for name, text in rule_texts.items()}
    if links is not None or rule_texts:
        _check_rules(files)
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _check_rules(files: dict[str, str]) -> None:
    """Load the workbook's base with its rules in a scratch folder (the rules need files to read); a problem is
    named by its sheet: rule_links:række …, regel_<navn>:…, prices:række … ."""
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
