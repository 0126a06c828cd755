"""The report of an executed example notebook: the table of parameters used (for analysts or, in words, for
readers), the reader's version of the notebook (no analyst-only cells, printed text as Markdown) and the HTML
file, print-ready on A4."""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

from .params import danish_value

PARAMS_HEADING = "Parametre brugt i denne kørsel"

# Danish labels for parameters whose comment is written for analysts
READER_LABELS = {"knowledge_path": "Vidensdatabase", "discount_rate": "Diskonteringsrente (0 = ingen diskontering)"}


def parameters_cell(used: dict[str, str], overrides: dict, info: dict[str, dict], hide_code: bool):
    import nbformat

    if hide_code:  # readers: the parameter's own description, a Danish value, no Python names
        lines = [f"## {PARAMS_HEADING}", "", "| Antagelse | Værdi | |", "|---|---|---|"]
        for k, v in used.items():
            label = READER_LABELS.get(k) or (info.get(k, {}).get("help") or k).strip()
            label = label[0].upper() + label[1:] if label else k
            lines.append(
                f"| {label} | {danish_value(v, k)} | {'ændret i denne kørsel' if k in overrides else 'eksemplets'} |"
            )
    else:
        lines = [f"## {PARAMS_HEADING}", "", "| Parameter | Værdi | |", "|---|---|---|"]
        for k, v in used.items():
            lines.append(f"| `{k}` | `{v}` | {'ændret' if k in overrides else 'standard'} |")
    return nbformat.v4.new_markdown_cell("\n".join(lines), metadata={"tags": ["som-parameters-report"]})


ANALYST_TAG = "som-analyst"  # cells left out of the reader's (code-free) report

PRINT_CSS = """<style>
@page { size: A4; margin: 16mm 14mm; }
@media print { body { font-size: 10pt; } }
h1, h2, h3 { break-after: avoid; }
body { max-width: 182mm; margin: 0 auto; }
.jp-RenderedHTMLCommon table { font-size: 9pt; table-layout: auto; max-width: 100%; }
.jp-RenderedHTMLCommon td, .jp-RenderedHTMLCommon th { white-space: normal; word-break: normal;
  overflow-wrap: break-word; padding: 2px 4px; }
/* a wide table (the consequences with their sources) is not put in a scroll box, which print clips at the right
   edge: it is laid out on the page, its long texts wrapping in their cells */
.jp-OutputArea-output, .jp-RenderedHTMLCommon { overflow-x: visible !important; }
.jp-RenderedHTMLCommon table { width: 100%; }
.jp-RenderedHTMLCommon a { word-break: break-all; }
@media print { .jp-RenderedHTMLCommon table { font-size: 7.5pt; } }
.jp-RenderedHTMLCommon tr, .jp-RenderedSVG { break-inside: avoid; }
.jp-RenderedSVG img { max-width: 100%; height: auto; }
</style>"""


def _stream_as_markdown(text: str) -> str:
    """Printed text → Markdown for readers: indented lines become bullets, other lines paragraphs."""
    out = []
    for line in text.rstrip().splitlines():
        if not line.strip():
            continue
        out.append(f"- {line.strip()}" if line.startswith("  ") else f"\n{line.strip()}\n")
    return "\n".join(out).strip()


def reader_notebook(nb):
    """The notebook for readers: analyst-only cells dropped and printed text turned into Markdown (not monospace)."""
    import nbformat

    cells = []
    for cell in nb.cells:
        if ANALYST_TAG in cell.metadata.get("tags", []):
            continue
        cells.append(cell)
        if cell.cell_type != "code":
            continue
        text = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.output_type == "stream")
        if text.strip():
            cell.outputs = [o for o in cell.outputs if o.output_type != "stream"]
            cells.append(nbformat.v4.new_markdown_cell(_stream_as_markdown(text)))
    nb.cells = cells
    return nb


def _chart_alt(html: str) -> str:
    """nbconvert's placeholder alt text on static charts → the chart's own title (from its SVG)."""

    def title(match: re.Match) -> str:
        try:
            svg = base64.b64decode(match.group(1)).decode("utf-8", "replace")
        except ValueError:
            return match.group(0)
        found = re.search(r"role-title-text.*?<text[^>]*>([^<]+)</text>", svg, re.S)
        alt = f"Diagram: {found.group(1)}" if found else "Diagram"
        return f'<img alt="{alt}" src="data:image/svg+xml;base64,{match.group(1)}"'

    html = re.sub(
        r'<img alt="No description has been provided for this image" src="data:image/svg\+xml;base64,([^"]+)"',
        title,
        html,
    )
    return re.sub(
        r'<img src="data:image/svg\+xml;base64,([^"]+)" alt="No description has been provided for this image"',
        title,
        html,
    )


def write_html(nb, path: Path, hide_code: bool) -> Path:
    """The executed notebook as an HTML report at `path`, print-ready on A4, charts with their titles as alt text;
    `hide_code` gives the reader's report (reader_notebook, no code, no prompts)."""
    from nbconvert import HTMLExporter

    shown = reader_notebook(nb) if hide_code else nb
    exporter = HTMLExporter(exclude_input=hide_code, exclude_input_prompt=hide_code, exclude_output_prompt=hide_code)
    body, _ = exporter.from_notebook_node(shown)
    body = _chart_alt(body.replace("</head>", PRINT_CSS + "</head>", 1))
    body = re.sub(r"<html[^>]*>", '<html lang="da">', body, count=1)  # Danish: spelling, hyphenation, read-aloud
    heading = next((c.source for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("# ")), "")
    title = html.escape(heading.splitlines()[0][2:].strip()) if heading else "SØM-eksempelberegning"
    body = re.sub(r"<title>.*?</title>", f"<title>{title}</title>", body, count=1, flags=re.S)
    path.write_text(body, encoding="utf-8")
    return path
