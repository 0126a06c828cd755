"""`python -m som_kernel.knowledge status`: the share of consequence rows and of the examples' consequence kroner
by status, on a copy of the tiny knowledge base (tests/fixtures/kb_small) whose three tax rows are derived.

kb_small's consequence rows: job × benefit years 1–3, job × tax years 1–3, housed × shelter years 1–2, housed ×
bedday year 1 = 9 rows; 3 derived (33,3 %), 6 illustrative (66,7 %). The small scenario (tests/small_scenario.py,
1 success on "job", years 2025–2027, prices of 2024, no discounting) uses the 6 job rows: 3 derived (50 %), 3
illustrative. Its consequences (see test_checklist): benefit 150.000 + 50.000, tax 125.000 + 75.000 = 400.000 kr.;
by the estimate: derived (tax) 200.000 = 50 %, illustrative (benefit) 50 %; every price is illustrative, so with
prices (the weaker of estimate and price) all 400.000 kr. are illustrative.
kb_small's prices: 12 rows, 5 of them 0 (an actor that pays nothing), so 7 non-zero, all illustrative (0 %).
"""

import shutil

from small_scenario import KB_SMALL, small

from som_kernel import build_scenario
from som_kernel.knowledge.__main__ import main
from som_kernel.scenario import save_scenario


def _kb_with_derived_tax(tmp_path):
    kb_dir = tmp_path / "kb"
    shutil.copytree(KB_SMALL, kb_dir)
    path = kb_dir / "consequences.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    out = [lines[0] + ",status"]
    for line in lines[1:]:
        if ",tax," in line:
            out.append(line.replace(",Testdata,,true,", ",Testdata,https://example.org/tal,false,") + ",derived")
        else:
            out.append(line + ",")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return kb_dir


def test_status_of_the_base_and_one_example(tmp_path, capsys):
    kb_dir = _kb_with_derived_tax(tmp_path)
    scenarios = tmp_path / "scenarier"
    scenarios.mkdir()
    save_scenario(build_scenario(small(settings={**small()["settings"], "discount_rate": 0.0})), scenarios / "a.json")
    assert main(["status", str(kb_dir), "--scenarier", str(scenarios), "--eksempler", ""]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith(": 9 konsekvensrækker efter status: afledt 3 (33,3 %), illustrativ 6 (66,7 %).")
    assert lines[1] == "  Offentlige eller afledte: 33,3 % af rækkerne (mål: mindst 30 %)."
    assert lines[2:4] == [
        "Priser forskellige fra 0: 7 efter status: illustrativ 7 (100,0 %).",
        "  Offentlige eller afledte: 0 (0,0 %; mål: mindst 75 %).",
    ]
    assert lines[7:11] == [
        "- a.json (Testindsats): 6 rækker, 400.000 kr.",
        "    rækker: afledt 3 (50,0 %), illustrativ 3 (50,0 %)",
        "    kroner: afledt 50,0 %, illustrativ 50,0 %",
        "    kroner med priser: illustrativ 100,0 %",
    ]
    assert lines[-7:-5] == [
        "Alle eksempler: 400.000 kr.: afledt 50,0 %, illustrativ 50,0 %.",
        "  Offentlige eller afledte: 50,0 % af kronerne (mål: mindst 50 %); med priser: 0,0 %.",
    ]
    # the unsourced prices by weight: benefit kommune 150.000 / 400.000 = 37,5 %, tax kommune 125.000 / 400.000 =
    # 31,25 % → 31,2 % (half to even), tax stat 75.000 → 18,75 % → 18,8 %, benefit stat 50.000 → 12,5 %; shelter and
    # bedday carry no kroner in this scenario, so 4 of the 7 are listed
    assert lines[-5:] == [
        "Priser uden offentlig kilde efter vægt i eksemplerne (andel af alle eksemplernes kroner), de 4 tungeste af 7:",
        "    benefit (kommune): 37,5 %",
        "    tax (kommune): 31,2 %",
        "    tax (stat): 18,8 %",
        "    benefit (stat): 12,5 %",
    ]


def test_status_refuses_a_broken_base_with_the_danish_message(tmp_path, capsys):
    kb_dir = _kb_with_derived_tax(tmp_path)
    # a derived row must not be marked illustrative
    path = kb_dir / "consequences.csv"
    text = path.read_text(encoding="utf-8").replace(
        ",0.5,år i job,Testdata,https://example.org/tal,false,", ",0.5,år i job,Testdata,,true,"
    )
    path.write_text(text, encoding="utf-8")
    assert main(["status", str(kb_dir), "--scenarier", str(tmp_path), "--eksempler", ""]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Fejl:") and "consequences.csv" in err and "status" in err
