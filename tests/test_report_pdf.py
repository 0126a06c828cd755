"""The decision paper as a councillor sees it: the Word file converted to PDF by LibreOffice (Debian's
libreoffice-writer-nogui, with Carlito for Calibri, installed by scripts/ensure-libreoffice from `make test`) and read back with poppler's
pdftotext and pdfinfo. One conversion of two papers (the IPS example; IPS and the Primus Motor mentor course as
two alternatives) takes about 5–10 s.

Checked: the page count and "Side i af N" on every page, the properties a kommune files the document under, no
label of any table (header row, first column) broken over two lines (a header like "Kommu ne"), and every figure
caption on the page of its figure.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document

from som_kernel.report import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "notebooks" / "scenarier" / "eksempel.json"
MENTOR = ROOT / "notebooks" / "scenarier" / "mentor_indsatte.json"
META = ["--forfatter", "Anna Økonom", "--afdeling", "Økonomi og Analyse", "--emne", "IPS til udvalget"]


def _tools() -> None:
    missing = [t for t in ("soffice", "pdftotext", "pdfinfo", "pdfimages") if shutil.which(t) is None]
    fonts = subprocess.run(["fc-list"], capture_output=True, text=True).stdout if shutil.which("fc-list") else ""
    missing += [] if "Carlito" in fonts else ["skrifttypen Carlito (som Calibri)"]
    assert not missing, f"Mangler {', '.join(missing)}: kør scripts/ensure-libreoffice (make test gør det)."


@pytest.fixture(scope="module")
def papers(tmp_path_factory):
    """{name: (docx path, pdf path)} for the one-scenario and the two-alternative paper."""
    _tools()
    folder = tmp_path_factory.mktemp("pdf")
    docs = {"ips": [str(EXAMPLE)], "to": [str(EXAMPLE), str(MENTOR)]}
    for name, files in docs.items():
        assert main([*files, "-o", str(folder / f"{name}.docx"), *META]) == 0
    profile = folder / "lo_profile"  # its own LibreOffice profile: no clash with a running office
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            *[str(folder / f"{n}.docx") for n in docs],
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return {n: (folder / f"{n}.docx", folder / f"{n}.pdf") for n in docs}


def pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return text.split("\f")[:-1]  # pdftotext ends every page with a form feed


def info(pdf: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


@pytest.mark.parametrize("name", ["ips", "to"])
def test_page_numbers_on_every_page(papers, name):
    _, pdf = papers[name]
    texts = pages(pdf)
    n = int(info(pdf)["Pages"])
    assert len(texts) == n
    # one scenario: page 1, two alternatives' pages, course, results, assumptions, checklist; the paper of two
    # has the comparison and B's own pages on top
    assert (6 <= n <= 10) if name == "ips" else (11 <= n <= 16), n
    for i, text in enumerate(texts, start=1):
        assert f"Side {i} af {n}" in text, (i, text[-200:])


def test_properties_a_kommune_files_it_under(papers):
    meta = info(papers["ips"][1])
    assert meta["Title"] == "Beslutningsoplæg: IPS – job og uddannelse med støtte"
    assert meta["Author"] == "Anna Økonom" and meta["Subject"] == "IPS til udvalget"


@pytest.mark.parametrize("name", ["ips", "to"])
def test_no_table_word_is_broken_over_two_lines(papers, name):
    docx, pdf = papers[name]
    text = "\n".join(pages(pdf))
    words = set()
    for table in Document(str(docx)).tables:
        # the header row and the first column: labels that must never wrap inside a word (long texts in other
        # cells may wrap at a hyphen, which pdftotext joins)
        cells = [*table.rows[0].cells, *(row.cells[0] for row in table.rows[1:])]
        for cell in cells:
            words |= set(re.findall(r"[A-Za-zÆØÅæøå]{4,}", cell.text))
    # a label split over two lines shows in the PDF's text as its two parts on consecutive lines ("Kommu\nne")
    broken = sorted(
        f"{w[:k]}|{w[k:]}"
        for w in words
        for k in range(2, len(w) - 1)
        if re.search(rf"(?<![A-Za-zÆØÅæøå]){w[:k]}\n{w[k:]}(?![A-Za-zÆØÅæøå])", text)
    )
    assert broken == [], broken


@pytest.mark.parametrize("name", ["ips", "to"])
def test_every_caption_is_on_the_page_of_its_figure(papers, name):
    docx, pdf = papers[name]
    paragraphs = Document(str(docx)).paragraphs
    # a caption is the paragraph right after a figure (a paragraph holding a drawing)
    captions = [p.text for before, p in zip(paragraphs, paragraphs[1:]) if "<w:drawing" in before._p.xml]
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], check=True, capture_output=True, text=True).stdout
    with_figures = {int(line.split()[0]) for line in listing.splitlines()[2:] if line.strip()}
    on_page = {c: i for i, page in enumerate(pages(pdf), start=1) for c in captions if c in " ".join(page.split())}
    assert set(on_page) == set(captions)
    alone = {c: i for c, i in on_page.items() if i not in with_figures}
    assert alone == {}, alone
