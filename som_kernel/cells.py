"""Text that a spreadsheet never runs: every text cell of a workbook or CSV file the project writes goes through
safe_text (a text starting with = + − @ stays text; characters no file can hold become U+FFFD). Used by the Excel
exports, the knowledge workbook, the comparison workbook, the batch's tables and the app's downloads."""

from __future__ import annotations

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
REPLACEMENT = "\ufffd"


def safe_text(value: str, *, csv: bool = False) -> str:
    """`value` as a text cell that no spreadsheet runs as a formula.

    Control characters (except tab and line breaks), lone surrogates and the non-characters U+FFFE and U+FFFF
    become U+FFFD (openpyxl refuses the first, UTF-8 the second, XML the third). In a CSV file, where every cell is text until the spreadsheet guesses,
    a text starting with = + − @ (or tab / line break) gets a leading apostrophe, as OWASP recommends;
    in a workbook `_put` stores it as a text cell instead, so the apostrophe is not needed there."""
    text = "".join(
        REPLACEMENT
        if ("\ud800" <= ch <= "\udfff") or (ch < " " and ch not in "\t\n\r") or ch in "\x7f\ufffe\uffff"
        else ch
        for ch in str(value)
    )
    if csv and text.startswith(FORMULA_START):
        return "'" + text
    return text


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` for a CSV file: every text cell (and column name) through safe_text(csv=True)."""
    out = frame.rename(columns=lambda c: safe_text(c, csv=True) if isinstance(c, str) else c)
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(lambda v: safe_text(v, csv=True) if isinstance(v, str) else v)
    return out


def safe_excel_file(frame: pd.DataFrame, path) -> None:
    """Write `frame` as an .xlsx file (pandas) whose text cells are all text: characters no file can hold
    replaced (safe_text), and any cell openpyxl took for a formula (a text starting with '=') turned back
    into a text cell, as `_put` does for the calculation's own workbook."""
    from openpyxl import load_workbook

    clean = frame.rename(columns=lambda c: safe_text(c) if isinstance(c, str) else c)
    for col in clean.columns:
        if clean[col].dtype == object or pd.api.types.is_string_dtype(clean[col]):
            clean[col] = clean[col].map(lambda v: safe_text(v) if isinstance(v, str) else v)
    clean.to_excel(path, index=False)
    wb = load_workbook(path)
    formulas = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]
    for c in formulas:
        c.data_type = "s"
        c.quotePrefix = True
    if formulas:
        wb.save(path)


def text_cell(ws, value: str):
    """A write-only (streamed) workbook's text cell that is text, never a formula (as `_put`)."""
    from openpyxl.cell import WriteOnlyCell

    text = safe_text(value)
    c = WriteOnlyCell(ws, value=text)
    c.data_type = "s"
    if text.startswith(FORMULA_START):
        c.quotePrefix = True
    return c


def text_row(ws, values) -> list:
    """`values` ready for `ws.append`: every text a text cell (`text_cell`), numbers as they are."""
    return [text_cell(ws, v) if isinstance(v, str) else v for v in values]
