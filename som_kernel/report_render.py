"""The decision paper's blocks rendered as a Word document (.docx) or one self-contained, print-ready HTML page.

som_kernel.report builds the paper as a list of Blocks; to_docx and to_html render the same blocks, so the two
formats never say different things.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd


@dataclass
class Block:
    """One piece of the paper: kind is h1 | h2 | p | bullets | table | checklist | image | pagebreak | note (a
    checklist is a table whose status cells get a coloured mark)."""

    kind: str
    text: str = ""
    items: list[str] = field(default_factory=list)
    table: pd.DataFrame | None = None
    image: bytes | None = None
    numeric: list[str] = field(default_factory=list)  # table columns to right-align
    widths: list[float] = field(default_factory=list)  # table column widths in cm (17 cm fit the page)


@dataclass(frozen=True)
class DocumentInfo:
    """The document's properties: what a kommune files it under and what made it."""

    title: str
    subject: str = ""
    author: str = ""
    department: str = ""
    software: str = ""  # e.g. "SØM-værkstedet 0.1 · vidensdatabase 2026.2"
    created: datetime | None = None


LANGUAGE = "da-DK"
# the checklist's marks: a colour and a shape per status (readable in black and white too)
MARKS = {"Grøn": ("●", "2E7D32"), "Gul": ("▲", "F9A825"), "Rød": ("■", "C62828")}


def _set_language(doc, language: str = LANGUAGE) -> None:
    """Every style's default language (Word's spelling and hyphenation) set to `language`."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    for attr in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(attr), language)
    for el in styles.iter(qn("w:lang")):
        el.set(qn("w:val"), language)


def _page_numbers(section) -> None:
    """'Side 2 af 7' centred in the footer (Word fields PAGE and NUMPAGES, updated when the document opens)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text, field_code in (("Side ", None), (None, "PAGE"), (" af ", None), (None, "NUMPAGES")):
        if field_code is None:
            p.add_run(text).font.size = Pt(8.5)
            continue
        fld = OxmlElement("w:fldSimple")
        fld.set(qn("w:instr"), f" {field_code} \\* MERGEFORMAT ")
        run = OxmlElement("w:r")
        t = OxmlElement("w:t")
        t.text = "1"
        run.append(t)
        fld.append(run)
        p._p.append(fld)


def _row_flags(row, header: bool) -> None:
    """A table row that never splits over two pages; the header row repeats on every page."""
    from docx.oxml import OxmlElement

    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))
    if header:
        trpr.append(OxmlElement("w:tblHeader"))


PAGE_WIDTH_CM = 17.0  # A4 minus 2 × 2 cm margins
CELL_PADDING_CM = 0.45  # the cell's left and right margins plus a little slack
CM_PER_PT = 0.03528
LONG_WORD = 22


def fit_widths(table: pd.DataFrame, widths: list[float], font_pt: float) -> list[float]:
    """Column widths (cm) in which no header word and no word of a cell has to break: each column at least as
    wide as its longest word (bold in the header) at `font_pt`, the rest of the page shared in proportion to
    `widths` (or to the columns' text). A word's width is estimated from its letters (Calibri: about half an em
    per letter, a little more in bold)."""

    def longest(texts, em: float) -> float:
        # a token longer than LONG_WORD (an address, a file name) wraps anywhere: it sets no minimum
        words = [w for t in texts for w in str(t).split() if len(w) <= LONG_WORD]
        return max((len(w) for w in words), default=1) * em * font_pt * CM_PER_PT + CELL_PADDING_CM

    n = len(table.columns)
    need = [max(longest([c], 0.62), longest(table.iloc[:, j].tolist(), 0.56)) for j, c in enumerate(table.columns)]
    weights = widths if len(widths) == n else [1.0] * n
    spare = PAGE_WIDTH_CM - sum(need)
    if spare < 0:  # too wide: take it from the columns with the most text beyond their header's needs
        header = [longest([c], 0.62) for c in table.columns]
        room = [max(m - h, 0.0) for m, h in zip(need, header)]
        cut = min(-spare, sum(room))
        return [m - cut * r / sum(room) if sum(room) else m for m, r in zip(need, room)]
    total = sum(weights)
    return [m + spare * w / total for m, w in zip(need, weights)]


def to_docx(blocks: list[Block], info: DocumentInfo | None = None) -> bytes:
    """The paper as a Word document (A4, narrow margins, tables in the document's grid style, Danish language,
    page numbers 'Side x af y', properties from `info`)."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    doc = Document()
    _set_language(doc)
    info = info or DocumentInfo(title=next((b.text for b in blocks if b.kind == "h1"), "Beslutningsoplæg"))
    props = doc.core_properties
    now = info.created or datetime.now().replace(microsecond=0)
    props.title, props.subject = info.title, info.subject
    props.author = props.last_modified_by = info.author or "SØM-værkstedet"
    props.category = info.department
    props.comments = f"Lavet med {info.software}" if info.software else ""
    props.keywords = "SØM; socialøkonomisk investeringsmodel; beslutningsoplæg"
    props.language = LANGUAGE
    props.created = props.modified = now
    props.revision = 1
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.0))
    section.top_margin, section.bottom_margin = Cm(1.8), Cm(1.8)
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(10.5)
    _page_numbers(section)
    width = section.page_width - section.left_margin - section.right_margin
    for i, b in enumerate(blocks):
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
            doc.paragraphs[-1].paragraph_format.keep_with_next = True  # the caption stays with its figure
            cap = doc.add_paragraph(b.text)
            cap.runs[0].italic = True
        elif b.kind in ("table", "checklist"):
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
                    text = "" if v is None else str(v)
                    if b.kind == "checklist" and text in MARKS:
                        mark, colour = MARKS[text]
                        run = cell.paragraphs[0].add_run(mark + " ")
                        run.font.color.rgb = RGBColor.from_string(colour)
                        cell.paragraphs[0].add_run(text)
                    else:
                        cell.text = text
            # a short table is kept on one page (each row with the next), and with a note under it
            short = len(table.rows) <= 16
            with_note = i + 1 < len(blocks) and blocks[i + 1].kind == "note"
            for r, row in enumerate(table.rows):
                _row_flags(row, header=r == 0)
                if short and (r < len(table.rows) - 1 or with_note):
                    for p in row.cells[0].paragraphs:
                        p.paragraph_format.keep_with_next = True
            widths = fit_widths(t, b.widths, small.pt)
            table.autofit = False
            for column, w in zip(table.columns, widths):
                column.width = Cm(w)  # the grid LibreOffice and Word lay out by
            for row in table.rows:
                for j, (cell, name) in enumerate(zip(row.cells, t.columns)):
                    cell.width = Cm(widths[j])
                    for p in cell.paragraphs:
                        if name in b.numeric and row is not table.rows[0]:
                            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                        for run in p.runs:
                            run.font.size = small
            if not (i + 1 < len(blocks) and blocks[i + 1].kind == "note"):
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
        elif b.kind in ("table", "checklist"):
            t = b.table
            head = "".join(f"<th>{e(str(c))}</th>" for c in t.columns)
            body = "".join(
                "<tr>"
                + "".join(
                    f"<td{NUM if c in b.numeric else ''}>{_mark(v) if b.kind == 'checklist' else _cell(v)}</td>"
                    for c, v in zip(t.columns, row)
                )
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


def _mark(v) -> str:
    """A checklist status ('Grøn', 'Gul', 'Rød') with its coloured mark; any other cell as _cell."""
    if v in MARKS:
        mark, colour = MARKS[v]
        return f"<span style='color:#{colour}'>{mark}</span> {html.escape(v)}"
    return _cell(v)


def _cell(v) -> str:
    text = "" if v is None else str(v)
    if text.startswith(("http://", "https://")):
        return f"<a href='{html.escape(text, quote=True)}'>{html.escape(text)}</a>"
    return html.escape(text)
