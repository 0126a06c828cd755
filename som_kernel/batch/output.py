"""The key figures for people who do not use pandas (xlsx with Danish headers) and the Danish summary."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from ..cells import text_cell
from ..format import number
from ..names import ACTOR_DEFINITE_DA, ACTOR_NAMES_DA, ACTORS

KR = '#,##0 "kr."'
PCT = "0.0%"
ACTOR_DA = {a: name.lower() for a, name in ACTOR_NAMES_DA.items()}
# key-figure column prefix → (Danish header template, Excel number format)
FIGURES_DA = {
    "net_": ("Nettoresultat, {} (kr.)", KR),
    "npv_": ("Nutidsværdi, {} (kr.)", KR),
    "break_even_": ("Break-even-år, {}", "0"),
    "switching_rate_": ("Skifteværdi for succesraten, {}", PCT),
    "p_payback_": ("Sandsynlighed for tilbagebetaling inden for {n} år, {}", PCT),
}
OTHER_DA = {
    "scenario": ("Scenarie nr.", "0"),
    "name": ("Navn", None),
    "source": ("Kilde", None),
    "knowledge": ("Vidensdatabase", None),
    "error": ("Fejl", None),
    "participants": ("Deltagere i alt", "#,##0"),
    "cost_total": ("Omkostninger i alt (kr.)", KR),
    "consequence_total": ("Konsekvenser i alt (kr.)", KR),
}


def danish_header(column: str, payback_years: int = 10) -> tuple[str, str | None]:
    """(Danish header, number format) of a key-figure column; a parameter column keeps its path."""
    if column in OTHER_DA:
        return OTHER_DA[column]
    for prefix, (template, fmt) in FIGURES_DA.items():
        actor = column.removeprefix(prefix)
        if column.startswith(prefix) and actor.startswith("udvalg_"):  # the kommune's committee (id)
            return template.format(f"kommunens udvalg {actor.removeprefix('udvalg_')}", n=payback_years), fmt
        if column.startswith(prefix) and actor in ACTOR_DA:
            return template.format(ACTOR_DA[actor], n=payback_years), fmt
    return column, None


def write_key_figures_xlsx(key: pd.DataFrame, path: str | os.PathLike, payback_years: int = 10) -> Path:
    """One sheet 'Nøgletal': a row per scenario, Danish headers, kroner as '1.234 kr.' (Excel shows the
    separators of the user's locale), shares as %, errors in the column 'Fejl'."""
    wb = Workbook(write_only=True)  # streams rows: tens of thousands of scenarios stay quick
    ws = wb.create_sheet("Nøgletal")
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DCE6F0")
    headers, formats = [], []
    for j, c in enumerate(key.columns, start=1):
        header, fmt = danish_header(c, payback_years)
        cell = text_cell(ws, header)  # a parameter column keeps its path: text, never a formula
        cell.font, cell.fill = bold, fill
        headers.append(cell)
        formats.append(fmt)
        ws.column_dimensions[get_column_letter(j)].width = max(12, min(40, len(header) + 2))
    ws.freeze_panes = "C2"
    ws.append(headers)
    for row in key.itertuples(index=False, name=None):
        out = []
        for v, fmt in zip(row, formats):
            if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
                out.append(None)
                continue
            v = v.item() if hasattr(v, "item") else v
            if fmt and isinstance(v, (int, float)):
                cell = WriteOnlyCell(ws, value=v)
                cell.number_format = fmt
                out.append(cell)
            else:
                out.append(text_cell(ws, v) if isinstance(v, str) else v)  # a name '=…' stays text
        ws.append(out)
    path = Path(path)
    wb.save(path)
    return path


def summary_text(result, key: pd.DataFrame | None = None) -> str:
    """The Danish summary the command line prints at the end of a run."""
    n, n_err = result.n_scenarios, result.n_errors
    if result.interrupted:
        return (
            f"Afbrudt. {result.chunks_done} af {result.chunks_total} dele er gemt i {result.out_dir}. "
            "Kør samme kommando igen for at regne resten."
        )
    compute = result.compute_seconds or result.seconds
    rate = n / compute if compute > 0 else float("inf")
    lines = [
        f"Færdig: {number(n)} scenarier på {number(result.seconds, 1)} s, {result.engine}: beregningen "
        f"{number(compute, 1)} s ({number(rate)} pr. sekund), tabellerne"
        f"{' og Excel-filen' if result.xlsx_path.exists() else ''} {number(result.assemble_seconds, 1)} s.",
    ]
    if result.assemble_seconds > 30 and result.xlsx_path.exists():
        lines.append("Excel-filen tager længst tid ved store kørsler; --uden-excel springer den over.")
    if result.chunks_skipped:
        lines.append(f"{result.chunks_skipped} af {result.chunks_total} dele var regnet i forvejen og blev genbrugt.")
    key = result.key_figures() if key is None else key
    ok = key[key["error"].isna()]
    if n_err:
        lines.append(f"{number(n_err)} scenarier fejlede; se kolonnen 'Fejl' i nøgletallene. Den første:")
        lines.append(f"  {key.loc[key['error'].notna(), 'name'].iloc[0]}: {key['error'].dropna().iloc[0]}")
    if len(ok):
        pos = (ok["net_total"] > 0).mean()
        lines.append(
            f"Nettoresultat i alt over horisonten: median {number(ok['net_total'].median())} kr. "
            f"(fra {number(ok['net_total'].min())} til {number(ok['net_total'].max())} kr.); "
            f"{number(pos * 100, 1)} % af scenarierne giver overskud for den offentlige sektor samlet."
        )
        for actor, label in ((a, ACTOR_DEFINITE_DA[a]) for a in ACTORS):
            lines.append(
                f"  Overskud for {label}: {number((ok[f'net_{actor}'] > 0).mean() * 100, 1)} % af scenarierne."
            )
        if "p_payback_total" in ok:
            lines.append(
                "Sandsynlighed for tilbagebetaling (i alt), median over scenarierne: "
                f"{number(ok['p_payback_total'].median() * 100, 1)} %."
            )
    lines.append(f"Resultater (tidy, til pandas): {result.results_path}")
    excel = f" og {result.xlsx_path} (Excel)" if result.xlsx_path.exists() else ""
    lines.append(f"Nøgletal: {result.key_figures_path}{excel}")
    if result.dashboard:
        lines.append(f"Dask-dashboard: {result.dashboard}")
    return "\n".join(lines)
