"""The decision paper (python -m som_kernel.report): Word and HTML, read back and checked for the key figures.

Hand-checked figures on kb_small (see tests/test_summary.py): 10 starters in 2025, 1-year course, horizon 3,
success 10 %, kommune pays 200.000 kr.; kommune 75.000 kr. (break-even 2027 = år 3), stat 125.000 kr. with no
costs (no break-even sentence), total 200.000 kr. (år 2 = 2026). The total is linear in the success rate:
at 0 %: −200.000; per point of success rate: 400.000 kr. / 10 points = 40.000 → zero at 5,0 %.
Kommune: −200.000 + 275.000 × rate/10 % → zero at 200.000 / 2.750.000 = 7,27 %.
"""

import re
import shutil
from pathlib import Path

import pytest
from docx import Document

from som_kernel import build_scenario, calculate, load_knowledge
from som_kernel.compare import document_to_json
from som_kernel.report import break_even_sentences, main, paper, sources_table, switching_sentences, to_html

ROOT = Path(__file__).resolve().parent.parent
KB_SMALL = ROOT / "tests" / "fixtures" / "kb_small"
EXAMPLE = ROOT / "notebooks" / "scenarier" / "eksempel.json"
MENTOR = ROOT / "notebooks" / "scenarier" / "mentor_indsatte.json"
CODE = re.compile(r"\b[a-z]+_[a-z_]+\b|Out\[|In \[|Traceback|\bNone\b|\bnan\b")


@pytest.fixture(scope="module")
def kb_small():
    return load_knowledge(KB_SMALL)


def small(rate=0.1, name="Lille test"):
    return build_scenario(
        {
            "name": name,
            "description": "Et job-forløb for ledige.",
            "target_group": "tg_a",
            "participants": [10],
            "duration_years": 1,
            "costs": {"running_per_participant": {"kommune": 20000}},
            "outcomes": [{"outcome": "job", "success_rate": rate}],
            "settings": {"price_year": 2024, "first_year": 2025, "horizon_years": 3},
        }
    )


def text_of(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts)


def test_break_even_sentences_skip_an_actor_with_only_gains(kb_small):
    result = calculate(small(), kb_small)
    assert break_even_sentences(result) == [
        "Kommunen tjener indsatsen hjem i år 3 (2027).",
        "Staten har ingen udgifter til indsatsen og får gevinster for 125.000 kr.",
        "For det offentlige samlet tjener indsatsen sig hjem i år 2 (2026).",
    ]


def test_switching_success_rate_in_total_and_for_the_paying_actor(kb_small):
    assert switching_sentences(calculate(small(), kb_small), kb_small) == [
        "For det offentlige samlet går indsatsen i nul over perioden (udiskonteret) ved en succesrate på 5,0 % "
        "(beregningen bruger 10,0 %).",
        "For kommunen går indsatsen i nul over perioden (udiskonteret) ved en succesrate på 7,3 % "
        "(beregningen bruger 10,0 %).",
    ]


def test_cli_writes_a_word_paper_with_the_key_figures(tmp_path, kb):
    out = tmp_path / "x.docx"
    assert main([str(EXAMPLE), "-o", str(out)]) == 0
    doc = Document(str(out))
    text = text_of(doc)
    result = calculate(build_scenario_from(EXAMPLE), kb)
    totals = result.totals()
    assert doc.paragraphs[0].text == "Beslutningsoplæg: IPS – job og uddannelse med støtte"
    # page 1: net per actor and in total, break-even, switching rate, uncertainty, caveats
    key = doc.tables[0]
    assert [c.text for c in key.rows[0].cells] == ["2025–2037", "Kommune", "Region", "Stat", "I alt"]
    net_row = [c.text for c in key.rows[3].cells]
    assert net_row[0] == "Nettoresultat"
    assert net_row[4] == format_kr(totals["total"])
    assert "Kommunen tjener indsatsen hjem i år 3 (2027)." in text
    assert "Regionen har ingen udgifter" in text and "Regionen tjener" not in text
    assert "ved en succesrate på" in text and "(beregningen bruger 13,0 %)" in text
    assert "Den største usikkerhed er" in text
    assert "74 af 74 konsekvensestimater" in text
    assert "landsgennemsnit" in text
    for heading in (
        "Det gennemsnitlige deltagerforløb",
        "Resultater pr. år og område",
        "Antagelser og kilder",
        "Tjekliste",
    ):
        assert heading in [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert len(doc.inline_shapes) == 1  # the participant's course chart
    assert "https://star.dk" in text  # full source URLs
    # the assumptions show how each cost line comes from the resource table: 0,05 · 500.000 = 25.000 kr.
    assert "0,05 årsværk × 500.000 kr. pr. årsværk (egen pris) = 25.000 kr. · drift pr. deltager pr. år" in text
    assert not CODE.search(text), CODE.search(text)


def test_html_paper_prints_on_a4_with_page_breaks_and_two_alternatives(tmp_path):
    out = tmp_path / "x.html"
    assert main([str(EXAMPLE), str(MENTOR), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "@page { size: A4" in page
    # before: the comparison, alternative B's own pages, the course, the results, the assumptions, the checklist
    assert page.count("class='pagebreak'") == 6
    assert "Sammenligning af alternativer" in page
    assert page.count("<img src='data:image/png;base64,") == 3  # difference, cumulative, course
    body = re.sub(r"<[^>]+>", " ", page.split("<body>")[1])
    assert not CODE.search(body.replace("data:image", "")), CODE.search(body)


def test_pinned_alternatives_in_one_file_are_compared(tmp_path, kb_small):
    path = tmp_path / "med_alternativer.json"
    path.write_text(document_to_json(small(), [("Lav effekt", small(0.01))]), encoding="utf-8")
    out = tmp_path / "p.html"
    assert main([str(path), "-o", str(out), "--viden", str(KB_SMALL)]) == 0
    page = out.read_text(encoding="utf-8")
    # net in total: 200.000 vs −160.000 → difference −360.000 = −0,4 mio. kr.
    assert "Lav effekt" in page and "−0,4 mio. kr." in page


def test_bad_arguments_give_danish_messages_without_traceback(tmp_path, capsys):
    assert main([str(tmp_path / "findes_ikke.json"), "-o", str(tmp_path / "x.docx")]) == 2
    err = capsys.readouterr().err
    assert "kunne ikke laves" in err and "Filen kan ikke åbnes" in err and "Traceback" not in err
    assert main([str(EXAMPLE), "-o", str(tmp_path / "x.pdf")]) == 2
    assert "skal ende på .docx" in capsys.readouterr().err


def test_blocks_render_the_same_text_in_both_formats(kb_small):
    blocks = paper([("Lille test", small())], kb_small)
    page = to_html(blocks)
    for b in blocks:
        if b.kind in ("h1", "h2", "p"):
            assert b.text.replace("'", "&#x27;") in page


def build_scenario_from(path):
    from som_kernel import load_scenario

    return load_scenario(path)


def format_kr(x):
    from som_kernel.format import kr

    return kr(x)


@pytest.fixture(scope="module")
def kb():
    return load_knowledge()


def test_own_target_group_without_consequences_still_gives_a_paper(kb_small):
    from som_kernel.report import report_bytes

    own = build_scenario(
        {
            "name": "Egen målgruppe",
            "custom_target_group": {"name": "Unge med angst", "outcomes": {"job": "I job"}},
            "participants": [10],
            "duration_years": 1,
            "costs": {"running_per_participant": {"kommune": 20000}},
            "outcomes": [{"outcome": "job", "success_rate": 0.1}],
            "settings": {"price_year": 2024, "first_year": 2025, "horizon_years": 3},
        }
    )
    page = report_bytes([("Egen målgruppe", own)], kb_small, "html").decode("utf-8")
    # no consequences: the kommune pays 200.000 kr. and nothing comes back
    assert "Målgruppe: unge med angst." in page
    assert "Der er ingen konsekvensestimater for de valgte effektmål." in page
    assert "0 af 0 konsekvensestimater og 0 af 0 priser" in page


def test_page_1_says_what_a_councillor_must_know(tmp_path, kb):
    from som_kernel.uncertainty import monte_carlo

    out = tmp_path / "x.docx"
    assert main([str(EXAMPLE), "-o", str(out)]) == 0
    doc = Document(str(out))
    text = text_of(doc)
    # the red checklist points, in one line on page 1
    assert (
        "Tjeklisten (bagest) har 2 røde punkter: Effektens varighed i forhold til, hvor længe den er målt; "
        "Andel af resultatet, der bygger på illustrative tal." in text
    )
    # the cost per participant once, with its parts: 500.000 / 150 = 3.333 start-up; 2 years × 25.000 = 50.000
    # running; 2 × 22.350 = 44.700 saved; 3.333 + 50.000 − 44.700 = 8.633
    assert (
        "8.633 kr. pr. deltager over hele forløbet: 3.333 kr. til opstart, 50.000 kr. til drift, minus 44.700 kr. "
        "sparet på den sædvanlige indsats." in text
    )
    # the main uncertainty names the values it moved the success rate between (the study's 59,1 % mod 46,5 %,
    # n = 720 → two-proportion standard error 3,7 points → 13 % ∓ 1,96 · 3,7 = 5,8 % … 20,2 %)
    assert "Den største usikkerhed er succesrate (I job eller uddannelse): mellem 5,8 % og 20,2 %" in text
    # payback probabilities from the seeded Monte Carlo the app runs (10.000 draws, seed 1), beside the year
    mc = monte_carlo(build_scenario_from(EXAMPLE), kb, n_draws=10_000, seed=1)
    row = next(r for r in doc.tables if r.rows[0].cells[0].text == "Aktør").rows[1]
    assert [c.text for c in row.cells][:2] == ["Kommune", "år 3 (2027)"]
    want = [f"{round(float(mc.prob_payback_within(n)['kommune']) * 100)} %" for n in (3, 5, 10)]
    assert [c.text for c in row.cells][2:] == want
    # the net present value at a stated rate (the calculation is undiscounted), said as such
    assert "Nutidsværdi (3,5 %)" in text and "nutidsværdien er vist med 3,5 % om året" in text
    # who pays inside the kommune: one sentence and a table
    assert "I kommunen betaler Beskæftigelsesudvalget (1,3 mio. kr.) for indsatsen" in text
    # the average participant's course as a table per actor and year: year 1 = −5.983 kr. for the kommune
    course = next(t for t in doc.tables if t.rows[0].cells[0].text == "År efter start")
    assert [c.text for c in course.rows[1].cells][:2] == ["1", "−5.983"]


def test_every_alternative_gets_its_assumptions_checklist_and_payback(tmp_path):
    out = tmp_path / "x.docx"
    assert main([str(EXAMPLE), str(MENTOR), "-o", str(out)]) == 0
    doc = Document(str(out))
    text = text_of(doc)
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert "Alternativ Mentorordning for løsladte (Primus Motor)" in headings
    assert "ingen ny kriminalitet 38,0 %" in text  # B's success rate
    checklists = [t for t in doc.tables if [c.text for c in t.rows[0].cells] == ["Punkt", "Vurdering", "Begrundelse"]]
    assert len(checklists) == 2
    payback = [t for t in doc.tables if t.rows[0].cells[0].text == "Aktør"]
    assert len(payback) == 2
    comparison = next(t for t in doc.tables if t.rows[0].cells[0].text == "Alternativ")
    assert "Nutidsværdi (3,5 %)" in [c.text for c in comparison.rows[0].cells]


def test_a_document_a_kommune_can_file(tmp_path, kb):
    from datetime import date

    out = tmp_path / "x.docx"
    args = ["--forfatter", "Anna Økonom", "--afdeling", "Økonomi og Analyse", "--emne", "Sag 23", "--titel", "IPS"]
    assert main([str(EXAMPLE), "-o", str(out), *args]) == 0
    doc = Document(str(out))
    p = doc.core_properties
    assert (p.title, p.subject, p.author, p.category, p.language) == (
        "IPS",
        "Sag 23",
        "Anna Økonom",
        "Økonomi og Analyse",
        "da-DK",
    )
    assert p.created.date() == date.today() and f"vidensdatabase {kb.meta.version}" in p.comments
    assert doc.paragraphs[0].text == "IPS" and "Anna Økonom · Økonomi og Analyse" in doc.paragraphs[1].text
    styles = doc.styles.element.xml
    assert 'w:lang w:val="da-DK"' in styles and "en-US" not in styles
    footer = doc.sections[0].footer._element.xml
    assert "PAGE" in footer and "NUMPAGES" in footer and "Side " in footer
    header_row = doc.tables[0].rows[0]._tr.xml
    assert "w:tblHeader" in header_row and "w:cantSplit" in header_row
    # the checklist's marks are coloured: ■ red C62828
    marks = [r for t in doc.tables for row in t.rows for c in row.cells for r in c.paragraphs[0].runs if r.text == "■ "]
    assert marks and str(marks[0].font.color.rgb) == "C62828"


def test_sources_say_which_price_index_years_are_not_dsts_own(kb, tmp_path):
    """The shipped index's 2013 and 2014 values are our estimates (knowledge/net_price_index.csv: 2014 from
    June–December only, 2013 carried back), and so are 2024 (January–June seen) and the projected 2025–2026, so
    the paper's price-conversion row says so (it said 'nej' whatever the index held); a base without estimated
    years says 'nej'."""

    result = calculate(build_scenario_from(EXAMPLE), kb)
    row = sources_table(result, kb).set_index("Hvad").loc["Prisomregning"]
    assert row["Illustrativ"] == "ja for 2013, 2014, 2024, 2025, 2026; nej for de øvrige år"
    folder = tmp_path / "kb"
    shutil.copytree(KB_SMALL, folder)
    index = folder / "net_price_index.csv"  # the small base's years all marked illustrative; here none
    index.write_text(
        re.sub(r",,true$", ",https://www.dst.dk/,false", index.read_text(encoding="utf-8"), flags=re.M),
        encoding="utf-8",
    )
    none_guessed = load_knowledge(folder)
    small_row = sources_table(calculate(small(), none_guessed), none_guessed).set_index("Hvad").loc["Prisomregning"]
    assert small_row["Illustrativ"] == "nej"
