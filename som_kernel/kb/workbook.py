"""The knowledge base as one Excel workbook: one sheet per table (sources are columns like any other), plus the
text of meta.yaml, the services the rules price (rule_links.csv), the committees (committees.csv,
committee_map.csv) and the text of every rule file (rules/*.yaml, one sheet 'regel_<navn>' each, one line per row),
and back again. A kommune's local layer has its own workbook: the sheet 'lokal' (lokal.yaml's fields) and one sheet
per table the layer holds (written and read back to a folder by workbook_import.py; read as a layer by local.py).

export_xlsx writes numbers as numbers and true/false as Excel booleans, but only where the text reads back to the
same characters; anything else stays text, so export → import gives the same tables byte for byte. import_xlsx
(workbook_import.py, above the loader it checks with) validates the workbook with the loader's checks, naming
sheet:række:kolonne (a layer's fil.xlsx:sheet:række:kolonne), and writes nothing if it finds an error. Text cells
are always text (a cell starting with '=' is never a formula).
"""

from __future__ import annotations

import datetime as dt
import math
import zipfile
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from ..cells import FORMULA_START, safe_text
from ..errors import KnowledgeError, Problem
from .committees import COMMITTEE_FILES
from .reading import COMMA, RawTable, decode, read_bytes, read_csv
from .rules import LINKS_FILE, RULES_DIR
from .schema import OPTIONAL_TABLES, TABLES

META_SHEET = "meta"
GUIDE_SHEET = "Vejledning"
# the tables beside TABLES that a knowledge base's workbook carries, one sheet each (named without .csv)
BASE_EXTRA = (LINKS_FILE, *COMMITTEE_FILES)
RULE_SHEET = "regel_"  # + the rule file's name without .yaml (Excel allows 31 characters)
GUIDE = (
    "Vidensdatabasen for SØM som projektmappe: ét ark pr. tabel (samme kolonner som CSV-filerne, kilder med).",
    "Arket 'meta' er filen meta.yaml, én linje pr. række.",
    "Ret tallene og læs projektmappen ind igen med: python -m som_kernel.knowledge import-xlsx FIL MAPPE",
    "Indlæsningen tjekker alt og nævner ark:række:kolonne ved fejl; intet skrives, før alt er i orden.",
    "Tal skrives som tal (decimalkomma i dansk Excel); true/false er SAND/FALSK.",
    "Arket 'rule_links' siger, hvilke ydelser en regel prissætter (bruttopris og kilde); arkene 'regel_…' er "
    "reglernes YAML-filer, én linje pr. række (datoer, værdier og kilder). Priser afledt af en regel rettes her, "
    "ikke i 'prices'.",
)
HEAD = PatternFill("solid", fgColor="DCE6F0")
WHOLE_FLOAT = "0.0"


def _cell_value(text: str):
    """The Excel value for a CSV cell: a number or boolean only when it reads back to the same text."""
    if text in ("true", "false"):
        return text == "true"
    try:
        if str(int(text)) == text:
            return int(text)
    except ValueError:
        pass
    try:
        x = float(text)
        if math.isfinite(x) and repr(x) == text:
            return x
    except ValueError:
        pass
    return text


def _cell_text(cell, label: str, column: str, problems: list[Problem]) -> str:
    """A workbook cell as the CSV text it stands for."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)) and float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value)}.0" if cell.number_format == WHOLE_FLOAT else str(int(value))
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        problems.append(
            Problem(
                f"{label}:kolonne {column}",
                f"Excel har lavet værdien om til en dato/tid ({value}). Skriv tallet igen med decimalkomma, eller "
                "formatér cellen som tekst.",
            )
        )
        return ""
    return str(value)


def write_sheet(wb: Workbook, title: str, rows: list[list[str]]) -> None:
    ws = wb.create_sheet(title)
    for i, row in enumerate(rows, start=1):
        for j, text in enumerate(row, start=1):
            value = safe_text(text) if i == 1 else _cell_value(text)
            value = safe_text(value) if isinstance(value, str) else value  # no character a workbook cannot hold
            cell = ws.cell(row=i, column=j, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text stays text: '=…' is not a formula
                if value.startswith(FORMULA_START):
                    cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
            elif isinstance(value, float) and value.is_integer():
                cell.number_format = WHOLE_FLOAT  # Excel stores 100.0 as 100; the format says it was "100.0"
            if i == 1:
                cell.font = Font(bold=True)
                cell.fill = HEAD
    ws.freeze_panes = "A2"
    for j in range(1, (max(len(r) for r in rows) if rows else 0) + 1):
        ws.column_dimensions[get_column_letter(j)].width = 18


def export_xlsx(folder: str | Path, file: str | Path) -> Path:
    """Write every table of the knowledge base in `folder` to one workbook `file` (and meta.yaml as text).
    The tables are not checked here (an export of a broken base is how one mends it in Excel); the bytes must
    be readable text."""
    folder, file = Path(folder), Path(file)
    problems: list[Problem] = []
    raws = {
        name: read_csv(folder / name, problems)
        for name in TABLES
        if name not in OPTIONAL_TABLES or (folder / name).exists()
    }
    meta_bytes = read_bytes(folder / "meta.yaml", "meta.yaml", problems)
    meta = decode(meta_bytes, "meta.yaml", problems) if meta_bytes is not None else None
    if problems:
        raise KnowledgeError(problems)
    wb = guided_workbook(GUIDE)
    write_tables(wb, raws)
    write_sheet(wb, META_SHEET, [["meta.yaml"], *([line] for line in meta[0].split("\n"))])
    _export_extras(folder, wb)
    file.parent.mkdir(parents=True, exist_ok=True)
    wb.save(file)
    return file


def guided_workbook(lines: tuple[str, ...]) -> Workbook:
    """A new workbook whose first sheet is the guide `lines`."""
    wb = Workbook()
    guide = wb.active
    guide.title = GUIDE_SHEET
    for i, line in enumerate(lines, start=1):
        guide.cell(row=i, column=1, value=line).data_type = "s"
    guide.column_dimensions["A"].width = 110
    return wb


def write_tables(wb: Workbook, raws: dict[str, RawTable]) -> None:
    """One sheet per table, named as the file without .csv; a Danish Excel CSV's numbers go in as numbers."""
    for name, raw in raws.items():
        rows = [raw.header, *raw.row_list()]
        if raw.dialect != COMMA:
            rows = [
                raw.header,
                *([c.replace(".", "").replace(",", ".") if _is_dk(c) else c for c in r] for r in raw.row_list()),
            ]
        write_sheet(wb, name.removesuffix(".csv"), rows)


def _export_extras(folder: Path, wb: Workbook) -> None:
    """The tables beside TABLES (rule_links.csv, committees.csv, committee_map.csv) as table sheets and each
    rules/*.yaml as a text sheet, those the base has."""
    problems: list[Problem] = []
    raws = {name: read_csv(folder / name, problems) for name in BASE_EXTRA if (folder / name).exists()}
    write_tables(wb, {name: raw for name, raw in raws.items() if raw is not None})
    for path in sorted((folder / RULES_DIR).glob("*.yaml")):
        data = read_bytes(path, f"{RULES_DIR}/{path.name}", problems)
        text = decode(data, f"{RULES_DIR}/{path.name}", problems) if data is not None else None
        if text is not None:
            write_sheet(wb, RULE_SHEET + path.stem, [[f"{RULES_DIR}/{path.name}"], *([x] for x in text[0].split("\n"))])
    if problems:
        raise KnowledgeError(problems)


def _text_sheet(wb, sheet: str) -> str:
    rows = list(wb[sheet].iter_rows(values_only=True))
    return "\n".join("" if not r or r[0] is None else str(r[0]) for r in rows[1:])


def read_extra_sheets(file: Path, problems: list[Problem]) -> tuple[dict[str, RawTable], dict[str, str]]:
    """The workbook's sheets of the tables beside TABLES (rule_links, committees, committee_map; as RawTables by
    file name) and its rule files' texts by name (without .yaml)."""
    book = read_workbook(file, problems, tables=BASE_EXTRA, check_sheets=False)
    extras = book[0] if book else {}
    wb = load_workbook(file, read_only=True, data_only=True)
    texts = {
        name.removeprefix(RULE_SHEET): _text_sheet(wb, name) for name in wb.sheetnames if name.startswith(RULE_SHEET)
    }
    wb.close()
    return extras, texts


def _is_dk(text: str) -> bool:
    from .reading import _DK_NUMBER

    return bool(_DK_NUMBER.fullmatch(text)) and ("," in text or "." in text)


def sheet_names(file: Path, problems: list[Problem]) -> list[str] | None:
    """The workbook's sheet names; None with a Danish problem when it is not a workbook."""
    wb = _open(file, problems)
    if wb is None:
        return None
    names = list(wb.sheetnames)
    wb.close()
    return names


def _open(file: Path, problems: list[Problem]):
    try:
        return load_workbook(file, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError, zipfile.BadZipFile):
        problems.append(
            Problem(file.name, "Filen kan ikke åbnes som Excel-projektmappe (.xlsx). Gem den fra Excel som .xlsx.")
        )
        return None


def read_workbook(
    file: Path,
    problems: list[Problem],
    tables=tuple(TABLES),
    meta_sheet: str = META_SHEET,
    check_sheets: bool = True,
    prefix: str = "",
) -> tuple[dict[str, RawTable], str | None] | None:
    """The tables (as RawTables labelled 'sheet', or 'prefix:sheet' with a prefix, e.g. a layer's 'lag.xlsx:prices')
    and the meta sheet's text of a workbook; missing table sheets are simply absent (the caller decides whether
    that is an error). The knowledge base's own workbook may also hold the rule sheets (rule_links, regel_…; read
    by read_extra_sheets)."""
    at = (lambda sheet: f"{prefix}:{sheet}") if prefix else (lambda sheet: sheet)  # noqa: E731
    wb = _open(file, problems)
    if wb is None:
        return None
    raws: dict[str, RawTable] = {}
    meta_text = None
    known = {n.removesuffix(".csv") for n in tables} | {meta_sheet, GUIDE_SHEET}
    if meta_sheet == META_SHEET:
        known |= {n.removesuffix(".csv") for n in BASE_EXTRA}
    for ws in wb.worksheets if check_sheets else ():
        if ws.title not in known and not (meta_sheet == META_SHEET and ws.title.startswith(RULE_SHEET)):
            problems.append(
                Problem(at(ws.title), f"Ukendt ark. Arkene hedder som tabellerne: {', '.join(sorted(known))}.")
            )
    for name in tables:
        sheet = name.removesuffix(".csv")
        if sheet not in wb.sheetnames:
            continue
        rows = list(wb[sheet].iter_rows())
        header = [str(c.value).strip() if c.value is not None else "" for c in (rows[0] if rows else ())]
        while header and header[-1] == "":
            header.pop()
        raw = RawTable(at(sheet), header, encoding="xlsx", dialect="Excel-ark")
        for i, row in enumerate(rows[1:], start=2):
            cells = [
                _cell_text(v, f"{at(sheet)}:række {i}", header[j] if j < len(header) else str(j + 1), problems)
                for j, v in enumerate(row[: len(header)])
            ]
            cells += [""] * (len(header) - len(cells))
            if any(c.value is not None for c in row[len(header) :]):
                problems.append(Problem(f"{at(sheet)}:række {i}", "Rækken har værdier uden for tabellens kolonner."))
            if any(cells):
                raw.rows.append(cells)
                raw.lines.append(i)
        raws[name] = raw
    if meta_sheet in wb.sheetnames:
        rows = list(wb[meta_sheet].iter_rows(values_only=True))
        lines = ["" if not r or r[0] is None else str(r[0]) for r in rows[1:]]
        meta_text = "\n".join(lines)
        if meta_sheet != META_SHEET:  # a layer's 'lokal' sheet: key | value rows
            meta_text = "\n".join(
                f"{r[0]}: {_yaml_scalar(r[1] if len(r) > 1 else '')}" for r in rows[1:] if r and r[0] is not None
            )
    wb.close()
    return raws, meta_text


def _yaml_scalar(value) -> str:
    import json

    return json.dumps("" if value is None else str(value), ensure_ascii=False)
