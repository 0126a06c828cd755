"""Reading the knowledge base's files into validated DataFrames: CSV (comma or Danish Excel dialect), workbook
sheets, meta.yaml. Every problem names file:række:kolonne (or sheet:række:kolonne); nothing raises a raw error.

A table arrives as a RawTable (header + rows of text cells + the line number of each row), however it was
stored; `validate_table` turns it into a DataFrame with the row model's columns plus `at_file` and `at_line`
(where each row came from, so later checks can name it even after a local layer is laid on top).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, create_model

from ..errors import Problem
from ..messages import pydantic_problems
from .schema import Meta, _Row, _Sourced

# where each row came from (file or sheet, line), and for prices whether the cell was written like '1.469'
FILE_COLUMNS = ["at_file", "at_line", "at_dot"]
COMMA = "komma"  # the house format: comma-separated, decimal point
EXCEL_DK = "semikolon, decimalkomma"  # what Danish Excel writes as "CSV (semikolonsepareret)"

# Danish number with thousands dots and/or a decimal comma: 1.469 · 1.469,50 · -93,3 · 12
_DK_NUMBER = re.compile(r"-?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?")
_DECIMAL_COMMA = re.compile(r"-?\d+,\d+")
# a price written with a thousands dot in a comma-separated file: 1.469 (read as 1,469 kr. otherwise)
_THOUSANDS_DOT = re.compile(r"\d{1,3}(\.\d{3})+")
# characters no workbook can hold: control characters (but tab and line breaks) and the non-characters U+FFFE/U+FFFF
_UNREADABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
# UTF-8 read as Windows-1252 (or Latin-1) and saved again: 'å' (bytes C3 A5) became 'Ã¥', '§' 'Â§', '–' 'â€“'
_CONTINUATION = "".join(
    sorted(
        {bytes([b]).decode("cp1252", errors="ignore") for b in range(0x80, 0xC0)} | {chr(b) for b in range(0x80, 0xC0)}
    )
)
_MOJIBAKE = re.compile(f"[ÃÂ][{re.escape(_CONTINUATION)}]|â€")


@dataclass
class RawTable:
    """One table as text cells: `label` is what messages name (a file or a sheet), `lines` the row numbers."""

    label: str
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    # the same cells column by column, when the fast reader got them (then `rows` is empty)
    columns: list[list[str]] | None = None
    dialect: str = COMMA
    encoding: str = "UTF-8"
    # the first text that looks like UTF-8 read as Windows-1252 and saved again: (line, column, text, how many lines)
    mojibake: tuple[int, str, str, int] | None = None

    def row_list(self) -> list[list[str]]:
        """The data rows as lists of cells, however they were read."""
        if self.columns is not None:
            return [list(r) for r in zip(*self.columns, strict=True)]
        return self.rows

    @property
    def description(self) -> str:
        return f"{self.dialect}, {self.encoding}"


def where(label: str, line: int, column: str | None = None) -> str:
    """'prices.csv:række 7:kolonne unit': `line` is the row's number in the file or sheet (header = 1)."""
    return f"{label}:række {line}" + (f":kolonne {column}" if column else "")


def decode(data: bytes, label: str, problems: list[Problem]) -> tuple[str, str] | None:
    """Text and encoding name of a file saved as UTF-8 (with or without BOM) or Windows-1252 (Excel's 'ANSI')."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "UTF-8 med BOM"
        except UnicodeDecodeError as e:
            problems.append(Problem(label, f"Filen starter som UTF-8, men byte {e.start + 3} er ikke UTF-8."))
            return None
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as e:
        problems.append(
            Problem(
                label,
                f"Filen er hverken UTF-8 eller Windows-1252 (byte {e.start}). Gem den fra Excel som "
                "'CSV UTF-8' eller 'CSV (semikolonsepareret)'.",
            )
        )
        return None


def read_bytes(
    path: Path,
    label: str,
    problems: list[Problem],
    missing: str = "Tabellen mangler i vidensdatabasen.",
    directory: str = "Er en mappe, ikke en fil. Tabellen skal være en CSV-fil.",
) -> bytes | None:
    """The file's bytes, or None with a Danish problem (missing, a directory, unreadable); `missing` and
    `directory` say what the file should have been."""
    if not path.exists():
        problems.append(Problem(label, missing))
        return None
    if path.is_dir():
        problems.append(Problem(label, directory))
        return None
    try:
        return path.read_bytes()
    except OSError as e:
        problems.append(Problem(label, f"Filen kan ikke læses: {e.strerror}."))
        return None


@dataclass(frozen=True)
class CsvFile:
    """A CSV file's text and bytes: `body` is the bytes without a BOM in `codec` (for pandas' parser), `first` the
    header line, `semicolon` whether it is Danish Excel's dialect (semicolons, decimal comma)."""

    text: str
    encoding: str
    body: bytes
    codec: str
    first: str
    semicolon: bool


def read_csv_file(path: Path, label: str, problems: list[Problem]) -> CsvFile | None:
    """The file decoded (UTF-8, UTF-8 with BOM or Windows-1252) and its dialect told apart by the header line;
    None with a Danish problem."""
    data = read_bytes(path, label, problems)
    if data is None:
        return None
    decoded = decode(data, label, problems)
    if decoded is None:
        return None
    text, encoding = decoded
    if "\r" in text and "\n" not in text:  # old Mac line endings (CR only): the csv module stops at the first
        text, data, encoding = text.replace("\r", "\n"), None, encoding + ", CR-linjeskift"
    bad = _UNREADABLE.search(text)
    if bad:
        code = ord(bad.group())
        problems.append(
            Problem(
                where(label, text.count("\n", 0, bad.start()) + 1),
                f"Rækken indeholder et tegn, som ingen fil kan rumme (kode {code}"
                f"{', et usynligt styretegn' if code < 0x80 else ''}); slet det og skriv teksten igen.",
            )
        )
        return None
    end = text.find("\n")
    first = text if end < 0 else text[:end]
    if data is None:
        body, codec = text.encode("utf-8"), "utf-8"
    else:
        body, codec = (
            (data[3:], "utf-8") if encoding == "UTF-8 med BOM" else (data, "utf-8" if encoding == "UTF-8" else "cp1252")
        )
    return CsvFile(text, encoding, body, codec, first, first.count(";") > first.count(","))


def read_csv(path: Path, problems: list[Problem], label: str | None = None) -> RawTable | None:
    """A CSV file as a RawTable: comma-separated (the house format) or Danish Excel's semicolons with decimal
    commas, told apart by the header line; UTF-8, UTF-8 with BOM or Windows-1252."""
    label = label or path.name
    file = read_csv_file(path, label, problems)
    if file is None:
        return None
    text, first, semicolon = file.text, file.first, file.semicolon
    delimiter = ";" if semicolon else ","
    table = RawTable(label, [], dialect=EXCEL_DK if semicolon else COMMA, encoding=file.encoding)
    header = next(csv.reader([first.rstrip("\r")], delimiter=delimiter), [])
    table.mojibake = _mojibake(text, delimiter, [c.strip() for c in header])
    columns = _fast_columns(text, file.body, file.codec, delimiter, len(header)) if header else None
    if columns is not None:
        table.header = [c.strip() for c in header]
        table.columns = columns
        table.lines = list(range(2, len(columns[0]) + 2)) if columns else []
        return table
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    table.header, table.rows, table.lines = [], [], []
    try:
        for row in reader:
            if not table.header and not table.rows:
                table.header = [c.strip() for c in row]
                continue
            table.rows.append(row)
            table.lines.append(reader.line_num)
    except csv.Error as e:
        line = reader.line_num
        if "field larger than field limit" in str(e):
            message = (
                f"En celle er længere end {csv.field_size_limit():,} tegn (CSV-modulets grænse)".replace(",", ".")
                + '. Er et anførselstegn (") ikke lukket, så resten af filen er blevet én celle?'
            )
        else:
            message = f"Rækken kan ikke læses som CSV ({e})."
        problems.append(Problem(where(label, line), message))
        return None
    if not table.header:
        problems.append(Problem(label, "Tabellen er tom (ingen overskriftsrække)."))
        return None
    return table


def _mojibake(text: str, delimiter: str, header: list[str]) -> tuple[int, str, str, int] | None:
    """Where `text` first looks like UTF-8 read as Windows-1252 and saved again ('pÃ¥' for 'på'): line, column,
    the cell's text, and how many lines look so; None if none does (one scan in C for the usual clean file)."""
    first = _MOJIBAKE.search(text)
    if first is None:
        return None
    lines = {text.count("\n", 0, m.start()) for m in _MOJIBAKE.finditer(text)}
    line = text.count("\n", 0, first.start()) + 1
    physical = text.split("\n", line)[line - 1].rstrip("\r")
    cells = next(csv.reader([physical], delimiter=delimiter), [])
    j = next((j for j, c in enumerate(cells) if _MOJIBAKE.search(c)), 0)
    column = header[j] if j < len(header) else ""
    return line, column, cells[j] if cells else physical, len(lines)


def mojibake_warning(raw: RawTable) -> Problem | None:
    """A Danish warning for a table whose texts look like UTF-8 read as Windows-1252 and saved again."""
    if raw.mojibake is None:
        return None
    line, column, cell, count = raw.mojibake
    try:
        meant = cell.encode("cp1252").decode("utf-8")
    except UnicodeError:
        meant = ""
    return Problem(
        where(raw.label, line, column or None),
        f"{count} række(r) har tekst, der ligner forkert læste danske bogstaver, fx '{cell}'"
        + (f" (skulle nok være '{meant}')" if meant and meant != cell else "")
        + ". Filen er nok gemt som UTF-8, åbnet som Windows-1252 og gemt igen; tag den oprindelige fil, eller ret "
        "teksterne.",
    )


def _fast_columns(text: str, body: bytes, codec: str, delimiter: str, width: int) -> list[list[str]] | None:
    """The data rows' cells column by column, read by pandas' C parser (3× faster than the csv module on 100,000
    rows), or None when the file needs the careful reader: a quoted cell spanning lines (row ≠ line), a blank
    line, a row with too many or too few fields, or anything the parser refuses. Row i is then line i + 2."""
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    if lines < 2:
        return None
    try:
        df = pd.read_csv(
            io.BytesIO(body),  # bytes, not the decoded text: half the time
            encoding=codec,
            sep=delimiter,
            header=None,
            skiprows=1,
            dtype=object,
            keep_default_na=False,
            na_values=[],
            skip_blank_lines=False,
            engine="c",
        )
    except (ValueError, csv.Error, pd.errors.ParserError):
        return None
    if len(df) != lines - 1 or df.shape[1] != width:
        return None
    columns = [df[c].tolist() for c in df.columns]
    # pandas pads a short row with empty cells: a row whose last t cells are empty must be a line ending in exactly
    # t delimiters, or the careful reader decides (also for a row of only delimiters, which it skips)
    trailing = np.zeros(len(df), dtype=int)
    still = np.ones(len(df), dtype=bool)
    for c in reversed(df.columns):
        still &= (df[c] == "").to_numpy()
        if not still.any():
            break
        trailing += still
    candidates = np.flatnonzero(trailing)
    if len(candidates):
        if (trailing == width).any():
            return None
        physical = text.split("\n")
        for i in candidates.tolist():
            line = physical[i + 1].rstrip("\r")
            if len(line) - len(line.rstrip(delimiter)) != trailing[i]:
                return None
    return columns


def _numeric_fields(model: type[_Row]) -> set[str]:
    numeric = {float, int, float | None, int | None}
    return {name for name, fi in model.model_fields.items() if fi.annotation in numeric}


def _bool_fields(model: type[_Row]) -> set[str]:
    return {name for name, fi in model.model_fields.items() if fi.annotation is bool}


def _number_problem(raw: RawTable, column: str, value: str) -> str | None:
    """Why a numeric cell would be read wrong, or None."""
    if raw.dialect == EXCEL_DK:
        if re.fullmatch(r"-?\d*\.\d+", value) and not _DK_NUMBER.fullmatch(value):
            return (
                f"Filen er dansk Excel-CSV (semikolon), så decimaler skrives med komma; '{value}' er "
                f"tvetydigt. Skriv fx {value.replace('.', ',')}."
            )
        return None
    if _DECIMAL_COMMA.fullmatch(value):
        return (
            f"Skal være et tal med decimalpunktum (fik '{value}'); filen er kommasepareret, så et decimalkomma kan "
            "ikke læses. Skriv punktum, eller gem fra Excel som 'CSV (semikolonsepareret)'."
        )
    return None


def _numbers(raw: RawTable, column: str, values: list[str], bad: dict[int, Problem]) -> list[str]:
    """A numeric column's cells as the row model reads them (Danish Excel: 1.469,5 → 1469.5); cells that would
    be read wrong go to `bad` (row position → problem)."""
    marks = ",." if raw.dialect == EXCEL_DK or column == "price" else ","
    joined = "\x00".join(values)  # one scan in C: most columns have no cell that could be misread
    if not any(m in joined for m in marks):
        return values
    odd = [i for i, v in enumerate(values) if any(m in v for m in marks)]
    values = list(values)
    for i in odd:
        v = values[i] = values[i].strip()
        problem = _number_problem(raw, column, v)
        if problem:
            bad[i] = Problem(where(raw.label, raw.lines[i], column), problem)
        elif raw.dialect == EXCEL_DK and _DK_NUMBER.fullmatch(v):
            values[i] = v.replace(".", "").replace(",", ".")
    return values


_COLUMN_MODELS: dict[type, type[BaseModel]] = {}


def _column_model(model: type[_Row]) -> type[BaseModel]:
    """A model with one list per field of `model`, each element checked by that field's type and constraints:
    a whole table is validated in one call to pydantic-core (a row model per row is 10× slower)."""
    if model not in _COLUMN_MODELS:
        fields = {
            name: (list[Annotated[(fi.annotation, *fi.metadata)]] if fi.metadata else list[fi.annotation], ...)
            for name, fi in model.model_fields.items()
        }
        config = ConfigDict(str_strip_whitespace=True, extra="forbid")
        _COLUMN_MODELS[model] = create_model(f"{model.__name__}Columns", __config__=config, **fields)
    return _COLUMN_MODELS[model]


def validate_table(raw: RawTable, model: type[_Row], problems: list[Problem]) -> pd.DataFrame:
    """The rows of `raw` checked against `model`: a DataFrame with the model's columns plus `at_file`, `at_line`."""
    name = raw.label
    columns = list(model.model_fields)
    empty = pd.DataFrame(columns=[*columns, *FILE_COLUMNS])
    header = raw.header
    unknown = [c for c in header if c not in model.model_fields]
    required = [c for c, fi in model.model_fields.items() if fi.is_required()]
    missing = [c for c in required if c not in header]
    if unknown:
        problems.append(
            Problem(name, f"Ukendte kolonner: {', '.join(unknown)}. Tilladte kolonner: {', '.join(columns)}.")
        )
    if missing:
        problems.append(Problem(name, f"Manglende kolonner: {', '.join(missing)}."))
    if len(set(header)) != len(header):
        problems.append(Problem(name, "Overskriftsrækken har den samme kolonne mere end én gang."))
    if unknown or missing or len(set(header)) != len(header):
        return empty
    # rows with the wrong number of fields are reported; blank lines are skipped
    width = len(header)
    if raw.columns is not None:
        keep_rows, keep_lines = [], raw.lines
    elif all(len(cells) == width and any(cells) for cells in raw.rows):
        keep_rows, keep_lines = raw.rows, raw.lines
    else:
        keep_rows, keep_lines = [], []
        for cells, line in zip(raw.rows, raw.lines, strict=True):
            if not any(c.strip() for c in cells):
                continue  # a blank line
            if len(cells) == width:
                keep_rows.append(cells)
                keep_lines.append(line)
                continue
            problems.append(
                Problem(
                    where(name, line),
                    f"Forkert antal felter i rækken (der skal være {width}, der er {len(cells)}); er rækken afbrudt?",
                )
            )
    table = RawTable(name, header, keep_rows, keep_lines, dialect=raw.dialect, encoding=raw.encoding)
    n = len(keep_lines)
    bad: dict[int, Problem] = {}
    numeric, boolean = _numeric_fields(model), _bool_fields(model)
    if raw.columns is not None:
        cols = raw.columns
    else:
        cols = list(zip(*keep_rows, strict=True)) if n else [() for _ in header]
    data: dict[str, list] = {}
    for j, column in enumerate(header):
        values = list(cols[j])
        if column in numeric:
            values = _numbers(table, column, values, bad)
        elif column in boolean and not set(values) <= {"true", "false"}:
            values = [{"sand": "true", "falsk": "false"}.get(v.strip().lower(), v) for v in values]
        fi = model.model_fields[column]
        if not fi.is_required() and fi.default != "":  # a blank optional number is its default (None)
            values = [fi.default if not v.strip() else v for v in values]
        data[column] = values
    for column, fi in model.model_fields.items():
        if column not in data:
            data[column] = [fi.default] * n
    valid = _validate_columns(model, data, table, bad, problems)
    frame = pd.DataFrame({c: valid[c] for c in columns} if n else None, columns=columns)
    for column in numeric:  # an optional number left blank is NaN (float), as pandas reads it
        if not model.model_fields[column].is_required():
            frame[column] = pd.to_numeric(frame[column]).astype(float)
    frame["at_file"] = name
    frame["at_line"] = valid["at_line"]
    # a price written like 1.469 in a comma file: checks.py refuses it when it is implausibly low as read
    if "price" in data and raw.dialect != EXCEL_DK and n:
        text = data["price"]
        frame["at_dot"] = [bool(_THOUSANDS_DOT.fullmatch(str(text[i]).strip())) for i in valid["at_index"]]
    else:
        frame["at_dot"] = False
    if issubclass(model, _Sourced) and len(frame):
        # a row estimated from a kommune's own panel names the panel and its hash instead (no public address)
        estimated = frame["status"] == "local_estimated"
        no_url = ~frame["illustrative"].astype(bool) & (frame["source_url"] == "") & ~estimated
        for line in frame.loc[no_url, "at_line"]:
            problems.append(
                Problem(
                    where(name, line, "source_url"),
                    "Skal udfyldes med kildens adresse, når rækken ikke er illustrativ (illustrative=false).",
                )
            )
        frame = frame[~no_url]
        frame = _with_status(frame, name, problems)
    if frame.empty and not any(p.where.startswith(name) for p in problems):
        problems.append(Problem(name, "Tabellen har ingen rækker."))
    return frame.reset_index(drop=True)


def _with_status(frame: pd.DataFrame, name: str, problems: list[Problem]) -> pd.DataFrame:
    """`frame` with every row's status: a blank one read from `calibrated_to` (calibrated) and `illustrative`
    (illustrative or public); a given status that contradicts them is a problem and its row is dropped."""
    illustrative = frame["illustrative"].astype(bool)
    calibrated = frame["calibrated_to"].fillna("").astype(str) != "" if "calibrated_to" in frame else False
    default = np.where(calibrated, "calibrated", np.where(illustrative, "illustrative", "public"))
    status = frame["status"].where(frame["status"].notna(), pd.Series(default, index=frame.index)).astype(str)
    # a blank status is read from the columns; where those contradict each other (calibrated_to on a public row)
    # the column checks say so in their own words
    wrong = frame["status"].notna() & (
        (status.isin(["public", "derived"]) & illustrative)
        | (status.isin(["calibrated", "illustrative"]) & ~illustrative)
        | (calibrated & (status != "calibrated"))
    )
    for line, st, ill in zip(frame.loc[wrong, "at_line"], status[wrong], illustrative[wrong], strict=True):
        problems.append(
            Problem(
                where(name, line, "status"),
                f"Status '{st}' passer ikke med illustrative={str(bool(ill)).lower()}"
                + (" og calibrated_to" if "calibrated_to" in frame else "")
                + ": public og derived kræver illustrative=false; calibrated og illustrative kræver "
                "illustrative=true; en række med calibrated_to har status calibrated.",
            )
        )
    return frame.assign(status=status)[~wrong]


def _validate_columns(model, data: dict[str, list], raw: RawTable, bad: dict[int, Problem], problems) -> dict:
    """The valid rows' columns (plus `at_line`); problems for the others, in row order. Bad rows are validated
    one by one with the row model only to name what is wrong with them."""
    cm = _column_model(model)
    lines = raw.lines
    n = len(lines)
    try:
        valid = cm.model_validate(data).__dict__ if not bad else None
    except ValidationError as e:
        valid = None
        for err in e.errors():
            if len(err["loc"]) >= 2 and isinstance(err["loc"][1], int):
                bad.setdefault(err["loc"][1], None)
    if valid is not None:
        return {**valid, "at_line": lines, "at_index": range(n)}
    for i in sorted(bad):
        if bad[i] is not None:
            problems.append(bad[i])
            continue
        try:
            model.model_validate({c: v[i] for c, v in data.items()})
        except ValidationError as err:
            problems.extend(pydantic_problems(err, prefix=f"{raw.label}:række {lines[i]}:kolonne "))
    good = [i for i in range(n) if i not in bad]
    data = {c: [v[i] for i in good] for c, v in data.items()}
    return {**cm.model_validate(data).__dict__, "at_line": [lines[i] for i in good], "at_index": good}


def read_meta(path: Path, problems: list[Problem], label: str = "meta.yaml") -> Meta | None:
    """meta.yaml (version, default price year, limits), or None with Danish problems."""
    data = read_bytes(
        path, label, problems, "Filen mangler (version, standard-prisniveau og grænser).", "Er en mappe, ikke en fil."
    )
    if data is None:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        problems.append(
            Problem(label, f"Filen er ikke gemt som UTF-8 (byte {e.start}). Gem den som UTF-8 (fx i Notesblok).")
        )
        return None
    return parse_meta(text, problems, label)


def parse_yaml_model(text: str, model, label: str, fields: str, problems: list[Problem]):
    """A YAML file of fields read into `model` (pydantic); None with Danish problems naming `label` (and the
    line and column of a YAML error) if it is not valid YAML, not a set of fields (`fields` names them) or
    not valid for the model."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        at = f" (linje {mark.line + 1}, kolonne {mark.column + 1})" if mark is not None else ""
        problems.append(Problem(label, f"Filen er ikke gyldig YAML{at}."))
        return None
    if not isinstance(data, dict):
        problems.append(Problem(label, f"Filen skal bestå af felter ({fields})."))
        return None
    try:
        return model.model_validate(data)
    except ValidationError as e:
        problems.extend(pydantic_problems(e, prefix=f"{label}:felt "))
        return None


def parse_meta(text: str, problems: list[Problem], label: str = "meta.yaml") -> Meta | None:
    return parse_yaml_model(text, Meta, label, "version: …, default_price_year: …, limits: …", problems)


def read_table(path: Path, model: type[_Row], problems: list[Problem]) -> pd.DataFrame:
    """One CSV file checked against `model`, indexed by line number (header = 1), without the origin columns:
    for tables outside TABLES (rules.py's rule_links.csv)."""
    raw = read_csv(path, problems)
    if raw is None:
        return pd.DataFrame(columns=list(model.model_fields))
    df = validate_table(raw, model, problems)
    return df.set_index(pd.Index(df["at_line"].astype(int), name=None)).drop(columns=FILE_COLUMNS)
