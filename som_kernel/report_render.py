"""The decision paper's blocks rendered as a Word document (.docx) or one self-contained, print-ready HTML page.

som_kernel.report builds the paper as a list of Blocks; to_docx and to_html render the same blocks, so the two
formats never say different things.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass, field

import pandas as pd


@dataclass
class Block:
    """One piece of the paper: kind is h1 | h2 | p | bullets | table | image | pagebreak | note."""

    kind: str
    text: str = ""
    items: list[str] = field(default_factory=list)
    table: pd.DataFrame | None = None
    image: bytes | None = None
    numeric: list[str] = field(default_factory=list)  # table columns to right-align
    widths: list[float] = field(default_factory=list)  # table column widths in cm (17 cm fit the page)


def to_docx(blocks: list[Block]) -> bytes:
    """The paper as a Word document (A4, narrow margins, tables in the document's grid style)."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.0))
    section.top_margin, section.bottom_margin = Cm(1.8), Cm(1.8)
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(10.5)
    width = section.page_width - section.left_margin - section.right_margin
    for b in blocks:
        if b.kind == "h1":
            doc.add_heading(b.text, level=1)
        elif b.kind == "h2":
            doc.add_heading(b.text, level=2)
        elif b.kind == "p":
            doc.add_paragraph(b.text)
        elif b.kind == "note":
            p = doc.add_paragraph()
            run = p.add_run(b.text)
            run.italic = True
            run.font.size = Pt(9)
        elif b.kind == "bullets":
            for item in b.items:
                doc.add_paragraph(item, style="List Bullet")
        elif b.kind == "pagebreak":
            doc.add_page_break()
        elif b.kind == "image":
            doc.add_picture(io.BytesIO(b.image), width=width)
            cap = doc.add_paragraph(b.text)
            cap.runs[0].italic = True
        elif b.kind == "table":
            t = b.table
            table = doc.add_table(rows=1, cols=len(t.columns))
            table.style = "Light Grid Accent 1"
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            small = Pt(8.5) if len(t.columns) > 5 else Pt(9.5)
            for cell, name in zip(table.rows[0].cells, t.columns):
                cell.text = str(name)
            for values in t.itertuples(index=False):
                cells = table.add_row().cells
                for cell, v in zip(cells, values):
                    cell.text = "" if v is None else str(v)
            if b.widths:
                table.autofit = False
                for column, w in zip(table.columns, b.widths):
                    column.width = Cm(w)  # the grid LibreOffice and Word lay out by
            for row in table.rows:
                for i, (cell, name) in enumerate(zip(row.cells, t.columns)):
                    if b.widths:
                        cell.width = Cm(b.widths[i])
                    for p in cell.paragraphs:
                        if name in b.numeric and row is not table.rows[0]:
                            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                        for run in p.runs:
                            run.font.size = small
            doc.add_paragraph()
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


CSS = """
@page { size: A4; margin: 18mm 16mm; }
body { font-family: Calibri, 'Segoe UI', Arial, sans-serif; font-size: 10.5pt; line-height: 1.4; color: #222;
       max-width: 178mm; margin: 0 auto; }
h1 { font-size: 17pt; color: #1f5f8b; margin: 0 0 6pt; }
h2 { font-size: 12.5pt; color: #1f5f8b; margin: 12pt 0 4pt; }
.note { font-style: italic; font-size: 9pt; color: #555; }
table { border-collapse: collapse; width: 100%; margin: 4pt 0 10pt; font-size: 9pt; table-layout: auto;
        page-break-inside: auto; }
tr { page-break-inside: avoid; }
th, td { border: 1px solid #c8d3df; padding: 2pt 4pt; vertical-align: top; overflow-wrap: anywhere; }
th { background: #dce6f0; text-align: left; }
td.num { text-align: right; white-space: nowrap; }
img { max-width: 100%; }
.figure { page-break-inside: avoid; margin: 6pt 0; }
.caption { font-style: italic; font-size: 9pt; }
.pagebreak { page-break-after: always; break-after: page; }
"""


def to_html(blocks: list[Block], title: str = "Beslutningsoplæg") -> str:
    """The paper as one self-contained HTML page (images embedded) that prints on A4 with a page per section."""
    e = html.escape
    parts = []
    for b in blocks:
        if b.kind in ("h1", "h2"):
            parts.append(f"<{b.kind}>{e(b.text)}</{b.kind}>")
        elif b.kind == "p":
            parts.append(f"<p>{e(b.text)}</p>")
        elif b.kind == "note":
            parts.append(f"<p class='note'>{e(b.text)}</p>")
        elif b.kind == "bullets":
            parts.append("<ul>" + "".join(f"<li>{e(i)}</li>" for i in b.items) + "</ul>")
        elif b.kind == "pagebreak":
            parts.append("<div class='pagebreak'></div>")
        elif b.kind == "image":
            data = base64.b64encode(b.image).decode("ascii")
            parts.append(
                f"<div class='figure'><img src='data:image/png;base64,{data}' alt='{e(b.text)}'>"
                f"<div class='caption'>{e(b.text)}</div></div>"
            )
        elif b.kind == "table":
            t = b.table
            head = "".join(f"<th>{e(str(c))}</th>" for c in t.columns)
            body = "".join(
                "<tr>"
                + "".join(f"<td{NUM if c in b.numeric else ''}>{_cell(v)}</td>" for c, v in zip(t.columns, row))
                + "</tr>"
                for row in t.itertuples(index=False)
            )
            cols = ""
            if b.widths:
                total = sum(b.widths)
                cols = "<colgroup>" + "".join(f"<col style='width:{w / total:.0%}'>" for w in b.widths) + "</colgroup>"
            parts.append(f"<table>{cols}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    return (
        f"<!DOCTYPE html><html lang='da'><head><meta charset='utf-8'><title>{e(title)}</title>"
        f"<style>{CSS}</style></head><body>{''.join(parts)}</body></html>"
    )


NUM = ' class="num"'


def _cell(v) -> str:
    text = "" if v is None else str(v)
    if text.startswith(("http://", "https://")):
        return f"<a href='{html.escape(text, quote=True)}'>{html.escape(text)}</a>"
    return html.escape(text)
