"""`python -m som_kernel.knowledge diff OLD NEW` (issue 12 §5) on two small copies of tests/fixtures/kb_small:
rows added, removed and changed per table, and how an example scenario's key figures move, by hand."""

import shutil
from pathlib import Path

from som_kernel import build_scenario, load_knowledge, save_scenario
from som_kernel.knowledge import DEFAULT_KNOWLEDGE_DIR
from som_kernel.knowledge.__main__ import main
from som_kernel.knowledge.diff import notebook_scenario, report, scenario_moves, table_diff

FIXTURE = Path(__file__).parent / "fixtures" / "kb_small"


def versions(tmp_path: Path) -> tuple[Path, Path, Path]:
    """old = the fixture; new: benefit/kommune 3.000 → 3.300 kr. pr. uge, job × benefit year 4 (−20 uger) added,
    housed × shelter year 2 removed, version test-2. Plus a scenario folder with the golden one-cohort scenario."""
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(FIXTURE, old)
    shutil.copytree(FIXTURE, new)
    prices = new / "prices.csv"
    prices.write_text(prices.read_text(encoding="utf-8").replace("benefit,kommune,3000,", "benefit,kommune,3300,"))
    cons = new / "consequences.csv"
    lines = cons.read_text(encoding="utf-8").splitlines()
    lines = [line for line in lines if not line.startswith("tg_a,housed,shelter,2,")]
    lines.insert(4, "tg_a,job,benefit,4,-20,uge,Testdata,,true,,")
    cons.write_text("\n".join(lines) + "\n", encoding="utf-8")
    meta = new / "meta.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace('"test-1"', '"test-2"'), encoding="utf-8")
    scenarios = tmp_path / "scenarier"
    scenarios.mkdir()
    scenario = build_scenario(
        {
            "name": "Én årgang",
            "target_group": "tg_a",
            "participants": [10],
            "duration_years": 1,
            "costs": {"startup": {"kommune": 50_000}, "running_per_participant": {"kommune": 100_000}},
            "outcomes": [{"outcome": "job", "success_rate": 0.5}],
            "settings": {"price_year": 2024, "first_year": 2025, "horizon_years": 3},
        }
    )
    save_scenario(scenario, scenarios / "en_aargang.json")
    return old, new, scenarios


def test_rows_added_removed_changed(tmp_path):
    old, new, _ = versions(tmp_path)
    a, b = load_knowledge(old), load_knowledge(new)
    prices = table_diff(a, b, "prices.csv")
    assert (prices.added, prices.removed) == ([], [])
    assert prices.changed == [("benefit × kommune", [("price", "3000", "3300")])]
    cons = table_diff(a, b, "consequences.csv")
    assert cons.added == ["tg_a × job × benefit × 4"]
    assert cons.removed == ["tg_a × housed × shelter × 2"]
    assert cons.changed == []
    assert table_diff(a, b, "services.csv").empty


def test_key_figures_move(tmp_path):
    old, new, scenarios = versions(tmp_path)
    (move,) = scenario_moves(load_knowledge(old), load_knowledge(new), scenarios, examples=None)
    # horizon 3 uses benefit years 1–3 (10 + 20 + 20 = 50 uger per success; year 4 is past the horizon):
    # kommune +300 kr. · 50 uger · 5 successes = +75.000: 325.000 → 400.000 (golden: −775.000 + 550.000 + 550.000)
    # stat unchanged 625.000; total 950.000 → 1.025.000; break-even (total) 2026 both
    assert move.before == {"kommune": 325_000, "region": 0, "stat": 625_000, "I alt": 950_000}
    assert move.after == {"kommune": 400_000, "region": 0, "stat": 625_000, "I alt": 1_025_000}
    assert (move.break_even_before, move.break_even_after) == (2026, 2026)


def test_report_text(tmp_path):
    old, new, scenarios = versions(tmp_path)
    text = report(load_knowledge(old), load_knowledge(new), scenarios, examples=None)
    lines = text.splitlines()
    assert lines[0] == f"Vidensdatabasen test-1 ({old}) → test-2 ({new})"
    assert "prices.csv: 0 tilføjet, 0 fjernet, 1 ændret" in lines
    assert "  ~ benefit × kommune: price 3000 → 3300" in lines
    assert "consequences.csv: 1 tilføjet, 1 fjernet, 0 ændret" in lines
    assert "  + tg_a × job × benefit × 4" in lines
    assert "  - tg_a × housed × shelter × 2" in lines
    assert "services.csv: uændret" in lines
    assert "  Én årgang (en_aargang.json)" in lines
    assert "    Kommune         325.000 kr. →        400.000 kr.  (+75.000 kr.)" in lines
    assert "    Stat            625.000 kr. →        625.000 kr.  (uændret)" in lines
    assert "    I alt           950.000 kr. →      1.025.000 kr.  (+75.000 kr.)" in lines
    assert "    Break-even 2026 → 2026" in lines


def test_scenario_that_does_not_fit_one_version(tmp_path):
    old, new, scenarios = versions(tmp_path)
    cons = new / "consequences.csv"
    # the new version drops the outcome 'job' entirely: the scenario cannot be computed on it
    lines = [x for x in cons.read_text(encoding="utf-8").splitlines() if ",job," not in x]
    cons.write_text("\n".join(lines) + "\n", encoding="utf-8")
    outcomes = new / "outcomes.csv"
    outcomes.write_text(
        "\n".join(x for x in outcomes.read_text(encoding="utf-8").splitlines() if not x.startswith("job,")) + "\n",
        encoding="utf-8",
    )
    (move,) = scenario_moves(load_knowledge(old), _loadable(new), scenarios, examples=None)
    assert move.before["I alt"] == 950_000
    assert move.after is None
    assert move.problem == "Effektmålet 'job' findes ikke for den valgte målgruppe."


def _loadable(folder: Path):
    # the fixture's one effect study is on 'job'; move it to the remaining outcome so the version still loads
    effect = folder / "effect_studies.csv"
    effect.write_text(
        (FIXTURE / "effect_studies.csv").read_text(encoding="utf-8").replace(",tg_a,job,", ",tg_a,housed,"),
        encoding="utf-8",
    )
    return load_knowledge(folder)


def test_example_notebook_defaults_are_read():
    scenario = notebook_scenario(DEFAULT_KNOWLEDGE_DIR.parent / "notebooks" / "examples" / "ips.ipynb")
    # ips.ipynb's parameters: 50 starters a year for 3 years, 2 years each, success 13 %
    assert scenario.participants == [50, 50, 50]
    assert scenario.duration_years == 2
    assert scenario.outcomes[0].success_rate == 0.13


def test_a_comparison_notebook_gives_both_scenarios():
    from som_kernel.examples import notebook_scenarios

    built = notebook_scenarios(DEFAULT_KNOWLEDGE_DIR.parent / "notebooks" / "examples" / "inmates_compare.ipynb")
    # inmates_compare.ipynb's parameters: A the mentor course at 38 %, B the programme at 10 %, 100 starters × 3 years
    assert [s.name for s in built] == ["A – Mentorforløb", "B – Kognitivt program"]
    assert [s.outcomes[0].success_rate for s in built] == [0.38, 0.10]
    assert all(s.participants == [100, 100, 100] for s in built)


def test_command_line(tmp_path, capsys):
    old, new, scenarios = versions(tmp_path)
    assert main(["diff", str(old), str(new), "--scenarier", str(scenarios), "--eksempler", ""]) == 0
    out = capsys.readouterr().out
    assert "  ~ benefit × kommune: price 3000 → 3300" in out
    assert main(["diff", str(old), str(tmp_path / "findes_ikke")]) == 1
    assert "Vidensdatabasen findes ikke" in capsys.readouterr().err
