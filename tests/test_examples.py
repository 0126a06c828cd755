"""The example calculations: report helpers (som_kernel.reporting) on the tiny knowledge base, the papermill
runner and batch runner (som_kernel.examples), and every example notebook run with non-default parameters.

kb_small (tests/fixtures/kb_small), prices at 2024 level unless noted:
  job:    benefit −10/−20/−20 uger × (kommune 3.000 + stat 1.000); tax +0,5/+1/+1 år × (kommune 50.000 + stat 30.000)
          → per success: year 1 = 40.000 + 40.000 = 80.000; years 2, 3 = 80.000 + 80.000 = 160.000; 3 years = 400.000
  housed: shelter −100/−50 døgn × (kommune 500 + stat 500); bedday −2 dage × region 5.000 at 2020 level
          (× 125/100 → 6.250 at 2024) → per success: year 1 = 100.000 + 12.500; year 2 = 50.000; 2 years = 162.500
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from som_kernel import build_scenario, calculate
from som_kernel import examples as ex
from som_kernel import reporting as rp
from som_kernel.examples import parameter_runs

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_NB = ROOT / "tests" / "notebooks_fixture" / "fixture.ipynb"
EXAMPLES = ROOT / "notebooks" / "examples"


def housed(success_rate=0.4, cost=30_000.0, horizon=2):
    # 10 participants start 2025 for 1 year; costs kommune
    return ex.example_scenario(
        name="Bolig",
        target_group="tg_a",
        outcome="housed",
        success_rate=success_rate,
        starters_per_year=10,
        start_years=1,
        duration_years=1,
        cost_per_participant_year=cost,
        horizon_years=horizon,
    )


# ---- report helpers -----------------------------------------------------------------------------------------


def test_example_scenario_builds_cohorts_and_cost_split():
    s = ex.example_scenario(
        name="X",
        target_group="tg_a",
        outcome="job",
        success_rate=0.1,
        starters_per_year=50,
        start_years=3,
        duration_years=2,
        cost_per_participant_year=10_000,
        baseline_per_participant_year=4_000,
        cost_shares={"kommune": 0.25, "stat": 0.75},
        cost_price_year=2020,
    )
    assert s.participants == [50, 50, 50]
    assert s.duration_years == 2
    assert s.costs.running_per_participant.as_dict() == {"kommune": 2_500, "region": 0, "stat": 7_500}
    assert s.costs.baseline_per_participant.as_dict() == {"kommune": 1_000, "region": 0, "stat": 3_000}
    assert s.costs.price_year == 2020
    assert s.settings.horizon_years == 10 and s.settings.first_year == 2025


def test_example_scenario_rejects_unknown_actor():
    from som_kernel import ScenarioError

    with pytest.raises(ScenarioError, match="Ukendt aktør"):
        ex.example_scenario(
            name="X", target_group="tg_a", outcome="job", success_rate=0.1, starters_per_year=1, start_years=1,
            duration_years=1, cost_per_participant_year=1, cost_shares={"amt": 1.0},
        )  # fmt: skip


def test_key_figures_by_hand(kb_small):
    # 4 successes × 162.500 = 650.000 consequences (kommune 4·(50.000+25.000) = 300.000, region 4·12.500 = 50.000,
    # stat 300.000); costs 10 · 30.000 = 300.000 → net 350.000. 2025: −300.000 + 4·112.500 = 150.000 ≥ 0 → 2025.
    f = rp.key_figures(calculate(housed(), kb_small))
    assert f["participants"] == 10 and f["operating_years"] == 1
    assert f["successes"] == pytest.approx(4)
    assert f["cost_total"] == pytest.approx(300_000)
    assert f["net_cost_per_participant"] == pytest.approx(30_000)
    assert f["consequences_total"] == pytest.approx(650_000)
    assert (f["consequences_kommune"], f["consequences_region"], f["consequences_stat"]) == pytest.approx(
        (300_000, 50_000, 300_000)
    )
    assert f["consequences_per_success"] == pytest.approx(162_500)
    assert f["state_share_of_consequences"] == pytest.approx(300 / 650)
    assert f["net_total"] == pytest.approx(350_000) and f["net_kommune"] == pytest.approx(0)
    assert f["break_even_year"] == 2025


def test_per_success_and_shares(kb_small):
    r = calculate(housed(), kb_small)
    # 4 successes (10 × 40 %): year-1 gains 450.000 / 4 = 112.500; region 4 · 12.500 / 4 = 12.500
    assert r.per_success(years=1) == pytest.approx(112_500)
    assert r.per_success(actor="region") == pytest.approx(12_500)
    assert rp.consequence_share(r, welfare_area="health") == pytest.approx(50 / 650)
    assert rp.consequence_share(r, service="shelter") == pytest.approx(600 / 650)
    # at the 2020 price level the 2024 shelter price 1.000 becomes 1.000 · 100/125 = 800 and bedday 5.000:
    # 4 · (150 · 800 + 2 · 5.000) = 520.000; the 300.000 cost stays at its own (2024) level → 300.000 · 100/125
    r20 = rp.at_price_year(housed(), kb_small, 2020)
    assert rp.key_figures(r20)["consequences_total"] == pytest.approx(520_000)
    assert rp.key_figures(r20)["cost_total"] == pytest.approx(240_000)


def test_sensitivity_listing_by_hand(kb_small):
    # uncertainty.one_way on the total net result over the period, undiscounted; base 350.000 (see above).
    # kb_small has no effect study for 'housed', so every input moves ± 20 %:
    # success rate 0,32 / 0,48: 3,2 · 162.500 − 300.000 = 220.000; 4,8 · 162.500 − 300.000 = 480.000
    # shelter consequence (and its price) × 0,8 / 1,2: its gains 600.000 → 480.000 / 720.000: 230.000 / 470.000
    # persistence (1 in every year) × 0,8 scales all gains: 650.000 · 0,8 − 300.000 = 220.000; the high side is
    #   capped at 1, so it stays 350.000
    # running costs × 0,8 / 1,2: 350.000 + 60.000 = 410.000 / 290.000; bedday (50.000 in all) × 0,8/1,2: ∓ 10.000
    table = rp.sensitivity(housed(), kb_small)
    low, high = "Nettoresultat ved lav værdi", "Nettoresultat ved høj værdi"
    got = {r["Antagelse"]: [r[low], r[high]] for _, r in table.iterrows()}
    want = {
        "Succesrate: Ud af hjemløshed": (220_000, 480_000),
        "Konsekvens: Ud af hjemløshed – Herbergsdøgn": (230_000, 470_000),
        "Pris: Herbergsdøgn": (230_000, 470_000),
        "Varighed: Ud af hjemløshed": (220_000, 350_000),
        "Omkostning: Drift pr. deltager": (410_000, 290_000),
        "Konsekvens: Ud af hjemløshed – Psykiatrisk sengedag": (340_000, 360_000),
        "Pris: Psykiatrisk sengedag": (340_000, 360_000),
    }
    assert set(got) == set(want)
    for label, pair in want.items():
        assert got[label] == pytest.approx(list(pair)), label
    assert table["Antagelse"].iloc[0] == "Succesrate: Ud af hjemløshed"
    assert table["Udsving"].iloc[0] == pytest.approx(260_000)
    # switching value, undiscounted: 10 · s · 162.500 = 300.000 → s = 0,184615…
    assert rp.switching_success_rate(housed(), kb_small) == pytest.approx(300_000 / 1_625_000)
    text = rp.sensitivity_text(housed(), kb_small)
    assert (
        "Grundberegning: nettoresultatet for det offentlige samlet over hele perioden, udiskonteret 350.000 kr." in text
    )
    assert "Succesrate: Ud af hjemløshed (32,0 % / 48,0 %): 220.000 kr. til 480.000 kr." in text
    assert "Succesraten skal mindst være 18,5 %" in text


def test_break_even_and_comparison_text(kb_small):
    r = calculate(housed(success_rate=0.1), kb_small)
    # 1 success: 162.500 − 300.000 → never breaks even in total; kommune −300.000 + 75.000; region and stat pay
    # nothing and only gain (12.500 and 75.000), so they get no break-even year
    assert rp.break_even_text(r) == (
        "Break-even for det offentlige samlet: ikke inden for tidshorisonten\n"
        "  Kommune: ikke inden for tidshorisonten\n  Region: ingen udgifter, kun gevinster\n"
        "  Stat: ingen udgifter, kun gevinster"
    )
    text = rp.published_comparison(
        [
            rp.Published("Besparelse", 92_368_922.6, 84_000_000, kind="calibreret"),
            rp.Published("Statens andel", 0.89, 0.9, "pct", "uafhængig"),
            ("Andel fra fængselsdøgn", 0.725, 0.70, "pct", "input"),
        ]
    )
    # 92.368.922,6 / 84.000.000 − 1 = 9,96 %; shares in percentage points: 89 − 90 = −1,0; 72,5 − 70 = +2,5
    # the old spelling "calibreret" is read as "kalibreret"; the last line gives the check's deviation, not a count
    assert text == (
        "Besparelse [kalibreret]: beregnet 92.368.923 kr., publiceret ca. 84.000.000 kr. (afvigelse +10,0 %)\n"
        "Statens andel [uafhængig]: beregnet 89,0 %, publiceret ca. 90,0 % (forskel −1,0 procentpoint)\n"
        "Andel fra fængselsdøgn [input]: beregnet 72,5 %, publiceret ca. 70,0 % (forskel +2,5 procentpoint)\n"
        "Uafhængige tjek: 1 af 3, med forskel −1,0 procentpoint. De øvrige rammer af konstruktion eller gælder noget "
        "andet (se arten i klammer) og viser ikke, at beregningen er rigtig."
    )
    # two independent checks at −41 % and −72 % are not "2 af 2" passed: the deviations are the message
    two = rp.published_comparison(
        [("KORA", 75_830, 129_000, "kr", "uafhængig"), ("COWI", 75_830, 270_000, "kr", "uafhængig")]
    )
    # 75.830 / 129.000 − 1 = −41,2 %; 75.830 / 270.000 − 1 = −71,9 %
    assert two.splitlines()[-1] == "Uafhængige tjek: 2 af 2, med afvigelse −41,2 %; afvigelse −71,9 %."


def test_a_comparison_without_its_kind_is_refused():
    from som_kernel import ScenarioError

    with pytest.raises(ScenarioError, match="skal have en art: input, kalibreret, delvis tilpasset, plausibilitet"):
        rp.published_comparison([("Besparelse", 1.0, 1.0, "kr")])


def test_assumptions_name_their_sources(kb_small):
    s = ex.example_scenario(
        name="X", target_group="tg_a", outcome="job", success_rate=0.1, starters_per_year=5, start_years=2,
        duration_years=1, cost_per_participant_year=10_000, baseline_per_participant_year=4_000,
    )  # fmt: skip
    table = rp.assumptions(s, kb_small, sources={"costs": "Kommunens budget"}, effect_study="study_a")
    rows = dict(zip(table["Antagelse"], zip(table["Værdi"], table["Kilde"])))
    assert rows["Succesrate (netto ift. basisalternativ)"] == (
        "10,0 %",
        "Teststudie: 10,0 % (RCT); Testdata [illustrativ]",
    )
    assert rows["Deltagere (startende pr. år)"][0] == "5, 5 (10 i alt)"
    assert rows["Omkostninger"] == (
        "10.000 kr. pr. deltager pr. år minus basisalternativ 4.000 kr. = 6.000 kr. netto (betales af Kommune 100 %)",
        "Kommunens budget",
    )
    assert rows["Konsekvensestimater"][0] == "2 ydelser, 6 estimater (6 illustrative)"
    cons = rp.consequences_table(s, kb_small)
    assert list(cons["Ydelse"]) == ["Kontanthjælp", "Indkomstskat"]
    assert list(cons["Ændring i alt"]) == ["−50,0", "2,5"]


def test_read_parameter_table_accepts_dataframe_plain_and_danish_csv(tmp_path):
    df = pd.DataFrame({"success_rate": [0.1, 0.3], "starters_per_year": [10, 20]})
    df.to_csv(tmp_path / "p.csv", index=False)
    plain = ex.read_parameter_table(tmp_path / "p.csv")
    assert plain.values.tolist() == [["0.1", "10"], ["0.3", "20"]] and not plain.attrs["danish"]
    (tmp_path / "dk.csv").write_text("success_rate;starters_per_year\n0,1;10\n0,3;\n", encoding="utf-8-sig")
    danish = ex.read_parameter_table(tmp_path / "dk.csv")
    assert danish.values.tolist() == [["0,1", "10"], ["0,3", ""]] and danish.attrs["danish"]
    assert ex.read_parameter_table(df).values.tolist() == [[0.1, 10], [0.3, 20]]


def test_malformed_row_names_file_and_row(tmp_path):
    from som_kernel import ScenarioError

    (tmp_path / "dk.csv").write_text("success_rate;starters_per_year\n0,1;10\n0,3;20;7\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as e:
        ex.read_parameter_table(tmp_path / "dk.csv")
    assert str(e.value) == "dk.csv:3: Rækken har 3 felter, men overskriften har 2."


def test_batch_rejects_unknown_parameter_with_did_you_mean(tmp_path):
    from som_kernel import ScenarioError

    with pytest.raises(
        ScenarioError, match=r"'succes_rate' er ikke en parameter i fixture.ipynb \(mente du success_rate\?\)"
    ):
        ex.run_batch(FIXTURE_NB, pd.DataFrame({"succes_rate": [1]}), tmp_path)


def test_unknown_papermill_parameter_is_an_error_before_running(tmp_path):
    from som_kernel import ScenarioError

    with pytest.raises(ScenarioError, match="mente du starters_per_year"):
        ex.run_notebook(FIXTURE_NB, tmp_path, {"starter_per_year": 5}, html=False)
    assert not list(tmp_path.iterdir())  # nothing ran


def test_cells_are_read_one_by_one(tmp_path):
    defaults = {"success_rate": "0.5", "starters_per_year": "10", "knowledge_path": '"../x"', "model": "None"}
    assert ex.cell_value("0,25", defaults["success_rate"], "p.csv:2:success_rate", danish=True) == 0.25
    assert ex.cell_value("1.000", defaults["starters_per_year"], "p.csv:2:x", danish=True) == 1000  # thousands
    assert ex.cell_value("0.25", defaults["success_rate"], "p.csv:2:x", danish=False) == 0.25
    assert ex.cell_value("12", defaults["starters_per_year"], "p.csv:2:x", danish=False) == 12
    assert ex.cell_value("kb_lokal", defaults["knowledge_path"], "p.csv:2:x", danish=True) == "kb_lokal"
    from som_kernel import ScenarioError

    with pytest.raises(ScenarioError, match=r"p.csv:3:success_rate: 'høj' er ikke et tal \(standardværdien er 0,5\)"):
        ex.cell_value("høj", defaults["success_rate"], "p.csv:3:success_rate", danish=True)


class FakeRuns:
    """Stands in for run_notebook in batch tests: net_total = starters · (rate · 400.000 − 100.000), no kernel."""

    def __init__(self, stop_at: int | None = None):
        self.calls = []
        self.stop_at = stop_at

    def __call__(self, source, out, overrides, *, name, html):
        self.calls.append(overrides)
        if self.stop_at is not None and len(self.calls) == self.stop_at:
            raise KeyboardInterrupt
        rate = overrides.get("success_rate", 0.5)
        n = overrides.get("starters_per_year", 10)
        figures = {"participants": n, "net_total": n * (rate * 400_000 - 100_000)}
        return ex.Run(Path(source), Path(out) / f"{name}.ipynb", None, dict(overrides), figures, None)


def test_batch_one_bad_cell_fails_only_its_row_and_blanks_show_the_default(tmp_path, monkeypatch):
    fake = FakeRuns()
    monkeypatch.setattr(parameter_runs, "run_notebook", fake)
    (tmp_path / "dk.csv").write_text("success_rate;starters_per_year\n0,1;10\nhøj;20\n0,3;\n", encoding="utf-8-sig")
    table = ex.run_batch(FIXTURE_NB, tmp_path / "dk.csv", tmp_path / "out")
    # row 2 (file line 3) is not run; rows 1 and 3 are: 10 · (40.000 − 100.000) = −600.000; the blank uses 10:
    # 10 · (120.000 − 100.000) = 200.000
    assert fake.calls == [{"success_rate": 0.1, "starters_per_year": 10}, {"success_rate": 0.3}]
    assert table["error"].tolist()[1] == "dk.csv:3:success_rate: 'høj' er ikke et tal (standardværdien er 0,5)."
    assert pd.isna(table["error"][0]) and pd.isna(table["error"][2])
    assert table["net_total"].tolist()[0] == -600_000 and table["net_total"].tolist()[2] == 200_000
    assert table["starters_per_year"].tolist()[2] == "10 (standard)"
    saved = ex.read_table(tmp_path / "out" / "key_figures.csv")
    assert saved["net_total"].tolist()[2] == 200_000
    assert (tmp_path / "out" / "key_figures.csv").read_text(encoding="utf-8-sig").splitlines()[0].count(";") >= 4


def test_ctrl_c_keeps_the_runs_already_done(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(parameter_runs, "run_notebook", FakeRuns(stop_at=3))
    pd.DataFrame({"success_rate": [0.1, 0.3, 0.5, 0.7]}).to_csv(tmp_path / "p.csv", index=False)
    code = ex.main(["batch", str(FIXTURE_NB), str(tmp_path / "p.csv"), "--out", str(tmp_path / "out")])
    assert code == 130
    saved = ex.read_table(tmp_path / "out" / "key_figures.csv")
    # 10 · (40.000 − 100.000) = −600.000; 10 · (120.000 − 100.000) = 200.000
    assert saved["net_total"].tolist() == [-600_000, 200_000]
    assert "Afbrudt. Nøgletallene for de 2 kørsler" in capsys.readouterr().err


def test_cli_bad_table_gives_danish_message_without_traceback(tmp_path, capsys):
    (tmp_path / "p.csv").write_text("succes_rate\n0.1\n", encoding="utf-8")
    assert ex.main(["batch", str(FIXTURE_NB), str(tmp_path / "p.csv"), "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "mente du success_rate?" in err and "Traceback" not in err


# ---- papermill runner on the fixture notebook (kb_small) ----------------------------------------------------


def fixture_net(success_rate, starters):
    # n · (s · 400.000 − 100.000): consequences over 3 years minus 100.000 per participant
    return starters * (success_rate * 400_000 - 100_000)


def test_run_all_writes_notebooks_html_and_parameters(tmp_path):
    table = ex.run_all(tmp_path, examples_dir=FIXTURE_NB.parent)
    assert list(table["notebook"]) == ["fixture.ipynb"]
    assert table["error"].isna().all()
    # defaults: 10 starters, success 0,5 → 10 · (200.000 − 100.000) = 1.000.000
    assert table.loc[0, "net_total"] == pytest.approx(1_000_000)
    assert ex.read_table(tmp_path / "key_figures.csv").loc[0, "net_total"] == pytest.approx(1_000_000)
    html = (tmp_path / "fixture.html").read_text(encoding="utf-8")
    # the reader's report: parameters by their description, Danish values, no code, prompts or placeholders
    assert ex.PARAMS_HEADING in html and "Netto succesrate" in html and "<td>50 %</td>" in html
    assert "<img" in html and "No description has been provided" not in html  # chart as static SVG
    assert "load_knowledge" not in html and "success_rate" not in html and "In&nbsp;[" not in html
    assert "@page { size: A4" in html
    saved = json.loads((tmp_path / "fixture.json").read_text(encoding="utf-8"))
    assert saved["parameters"]["success_rate"] == "0.5"
    assert saved["key_figures"]["net_total"] == pytest.approx(1_000_000)
    nb = nbformat.read(tmp_path / "fixture.ipynb", as_version=4)
    assert nb.metadata["som"]["parameters"]["starters_per_year"] == "10"


def test_failing_run_reports_error_instead_of_raising(tmp_path):
    run = ex.run_notebook(FIXTURE_NB, tmp_path, {"success_rate": 1.5}, html=True, hide_code=True)
    # a known input error: its Danish message, no Python traceback, in the run and in the report
    assert run.error == "outcomes[0].success_rate: Succesraten skal ligge mellem 0 og 100 % (fik 150 %)."
    body = (tmp_path / "fixture.html").read_text(encoding="utf-8").split("<body")[1]
    assert "Beregningen kan ikke laves:" in body
    assert "Traceback" not in body and 'File "' not in body and "site-packages" not in body
    assert run.key_figures == {}
    saved = json.loads((tmp_path / "fixture.json").read_text(encoding="utf-8"))
    assert saved["key_figures"] == {} and saved["error"] == run.error and saved["parameters"]["success_rate"] == "1.5"


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """The batch CLI over a 2 × 2 table (success rate × starters) of the fixture notebook."""
    out = tmp_path_factory.mktemp("batch")
    pd.DataFrame({"success_rate": [0.1, 0.1, 0.3, 0.3], "starters_per_year": [10, 20, 10, 20]}).to_csv(
        out / "params.csv", index=False
    )
    assert ex.main(["batch", str(FIXTURE_NB), str(out / "params.csv"), "--out", str(out)]) == 0
    return out, ex.read_table(out / "key_figures.csv")


def test_batch_runs_every_row(batch):
    out, table = batch
    assert len(table) == 4
    assert list(table["run"]) == [f"fixture_{i:03d}" for i in range(1, 5)]
    # 10 · (40.000 − 100.000) = −600.000; 20 · … = −1.200.000; 10 · (120.000 − 100.000) = 200.000; 20 · … = 400.000
    assert list(table["net_total"]) == pytest.approx([-600_000, -1_200_000, 200_000, 400_000])
    assert list(table["successes"]) == pytest.approx([1, 2, 3, 6])
    for row in table.itertuples():
        assert row.net_total == pytest.approx(fixture_net(row.success_rate, row.starters_per_year))
        assert (out / f"{row.run}.ipynb").exists()


def test_same_parameters_give_identical_numbers(batch, tmp_path):
    out, table = batch
    again = ex.run_notebook(FIXTURE_NB, tmp_path, {"success_rate": 0.3, "starters_per_year": 20}, html=False)
    first = json.loads((out / "fixture_004.json").read_text(encoding="utf-8"))["key_figures"]
    assert again.key_figures == first  # exactly equal, not approximately


# ---- every example notebook, with non-default parameters, on the shipped knowledge base ---------------------


def scenario_dict(tg, outcome, rate, participants, duration, cost, *, baseline=0.0, actor="kommune", area="social",
                  cost_price_year=None, horizon=10, discount=0.0):  # fmt: skip
    """The scenario an example should build, written out independently of example_scenario()."""
    return {
        "name": "test",
        "target_group": tg,
        "participants": participants,
        "duration_years": duration,
        "costs": {
            "running_per_participant": {actor: cost},
            "baseline_per_participant": {actor: baseline},
            "welfare_area": area,
            "price_year": cost_price_year,
        },
        "outcomes": [{"outcome": outcome, "success_rate": rate}],
        "settings": {"price_year": 2024, "first_year": 2025, "horizon_years": horizon, "discount_rate": discount},
    }


# notebook, non-default parameters, the scenario they mean, and hand-checked (participants, successes, net cost
# per participant)
CASES = {
    "ips": (
        {"success_rate": 0.2, "starters_per_year": 30, "duration_years": 1, "course_net_cost": 8000.0,
         "cost_price_year": 2024, "horizon_years": 8},
        scenario_dict("psykisk_lidelse", "psykisk_lidelse_job_uddannelse", 0.2, [30] * 3, 1, 8000.0, horizon=8),
        (90, 18.0, 8000.0),  # 3 · 30; 90 · 0,2; 8.000 over a 1-year course
    ),
    "handicap_mentor": (
        {"success_rate": 0.08, "starters_per_year": 25, "cost_per_participant_year": 30000.0, "discount_rate": 0.035},
        scenario_dict("handicap", "handicap_beskaeftigelse", 0.08, [25] * 3, 1, 30000.0, area="employment",
                      discount=0.035),
        (75, 6.0, 30000.0),
    ),
    "inmates_mentor": (
        {"success_rate": 0.29, "starters_per_year": 100, "start_years": 2, "cost_per_participant_year": 10000.0},
        scenario_dict("indsatte", "indsatte_ingen_ny_kriminalitet", 0.29, [100, 100], 1, 10000.0, actor="stat",
                      area="justice"),
        (200, 58.0, 10000.0),
    ),
    "inmates_education": (
        {"success_rate": 0.05, "starters_per_year": 50, "horizon_years": 5},
        scenario_dict("indsatte", "indsatte_job_uddannelse", 0.05, [50] * 3, 1, 20000.0, actor="stat",
                      area="justice", horizon=5),
        (150, 7.5, 20000.0),
    ),
    "udsatte_boern_familiebehandling": (
        {"success_rate": 0.1, "starters_per_year": 10, "baseline_per_participant_year": 80000.0},
        scenario_dict("udsatte_boern", "udsatte_boern_anbringelse_undgaaet", 0.1, [10] * 3, 1, 150000.0,
                      baseline=80000.0),
        (30, 3.0, 70000.0),  # 150.000 − 80.000 replaced
    ),
    "housing_first": (
        {"success_rate": 0.2, "cost_per_participant_year": 40000.0, "duration_years": 1},
        scenario_dict("hjemloeshed", "hjemloeshed_ud_af_hjemloeshed", 0.2, [25] * 3, 1, 40000.0),
        (75, 15.0, 40000.0),
    ),
    # two interventions; the published key figures are those of the base (A, the mentor course)
    "inmates_compare": (
        {"success_rate_mentor": 0.2, "cost_mentor": 20000.0, "starters_per_year": 50},
        scenario_dict("indsatte", "indsatte_ingen_ny_kriminalitet", 0.2, [50] * 3, 1, 20000.0, actor="stat",
                      area="justice"),
        (150, 30.0, 20000.0),
    ),
}  # fmt: skip


def test_every_example_has_a_case_and_one_parameters_cell():
    assert sorted(p.stem for p in ex.example_notebooks()) == sorted(CASES)
    for path in ex.example_notebooks():
        nb = nbformat.read(path, as_version=4)
        tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, path.name
        # stored without outputs except the cells nbval compares
        for c in nb.cells:
            if c.cell_type == "code" and ex.CHECKED_TAG not in c.metadata.get("tags", []):
                assert c.outputs == [] and c.execution_count is None, (path.name, c.source[:40])
            elif c.cell_type == "code":
                assert c.source.startswith("# NBVAL_CHECK_OUTPUT") and c.outputs, (path.name, c.source[:40])


@pytest.mark.parametrize("name", sorted(CASES))
def test_example_with_non_default_parameters(name, kb, tmp_path):
    params, expected, (n, successes, net_cost) = CASES[name]
    run = ex.run_notebook(EXAMPLES / f"{name}.ipynb", tmp_path, params, html=False)
    assert run.error is None, run.error
    got = run.key_figures
    assert (got["participants"], got["successes"], got["net_cost_per_participant"]) == pytest.approx(
        (n, successes, net_cost)
    )
    want = rp.key_figures(calculate(build_scenario(expected), kb))
    assert set(got) == set(want)
    for key, value in want.items():
        if value is None:  # e.g. no break-even within a 5-year horizon
            assert got[key] is None, key
        else:
            assert got[key] == pytest.approx(value, rel=1e-12, abs=1e-6), key
    assert got["net_total"] == pytest.approx(got["consequences_total"] - got["cost_total"])


def test_parameter_tables_match_their_notebooks():
    tables = sorted((EXAMPLES / "params").glob("*.csv"))
    assert len(tables) >= 3
    for path in tables:
        notebook = EXAMPLES / f"{path.stem.split('__')[0]}.ipynb"
        known = ex.default_parameters(notebook)
        table = ex.read_parameter_table(path)
        assert len(table) >= 4 and set(table.columns) <= set(known), path.name


def test_summary_text_uses_danish_formats():
    table = pd.DataFrame(
        {"run": ["a", "b"], "success_rate": [0.08, 0.13], "participants": [90, 150], "successes": [7.2, 19.5],
         "net_total": [8_679_294.4, -1_500.0], "break_even_year": [2026.0, float("nan")], "error": [None, "boom"]}
    )  # fmt: skip
    lines = ex.summary_text(table, ["run", "success_rate"]).splitlines()
    assert lines[0].split() == [
        "run",
        "success_rate",
        "participants",
        "successes",
        "net_total",
        "break_even_year",
        "error",
    ]
    assert lines[1].split() == ["a", "0.08", "90", "7,2", "8.679.294", "2026"]
    assert lines[2].split() == ["b", "0.13", "150", "19,5", "−1.500", "–", "boom"]


def test_refresh_checked_outputs_keeps_only_marked_cells(tmp_path):
    from nbformat.v4 import new_code_cell, new_notebook

    cells = [
        new_code_cell("x = 2", metadata={"tags": ["parameters"]}),
        new_code_cell("y = x * 21"),
        new_code_cell("# NBVAL_CHECK_OUTPUT\nprint(y)", metadata={"tags": [ex.CHECKED_TAG]}),
        new_code_cell('print("ikke gemt")'),
    ]
    nb = new_notebook(
        cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    )
    for i, c in enumerate(nb.cells):
        c.id = str(i)
    nbformat.write(nb, tmp_path / "lille.ipynb")
    assert ex.refresh_checked_outputs(tmp_path) == [tmp_path / "lille.ipynb"]
    stored = nbformat.read(tmp_path / "lille.ipynb", as_version=4).cells
    assert [c.outputs for c in stored[:2]] == [[], []] and stored[3].outputs == []
    assert [o.text for o in stored[2].outputs] == ["42\n"]  # 2 · 21
    assert stored[2].execution_count == 3 and stored[3].execution_count is None  # nbval needs the count


def test_assumptions_tolerate_a_missing_effect_study(kb_small):
    table = rp.assumptions(housed(), kb_small, effect_study="findes_ikke")
    src = dict(zip(table["Antagelse"], table["Kilde"]))["Succesrate (netto ift. basisalternativ)"]
    assert src == "Antagelse i beregningen (effektstudiet 'findes_ikke' findes ikke i vidensdatabasen test-1)"


def test_horizon_past_the_consequence_estimates_warns(kb_small):
    # housed: estimates for consequence years 1–2 only
    assert rp.horizon_warning(calculate(housed(horizon=2), kb_small), kb_small) is None
    assert rp.horizon_warning(calculate(housed(horizon=5), kb_small), kb_small) == (
        "Advarsel: Tidshorisonten er 5 år, men konsekvensestimaterne dækker kun 2 år efter forløbet; de sidste 3 år "
        "bygger ikke på viden og tæller som 0 kr."
    )
    assert "Advarsel: Tidshorisonten er 5 år" in rp.lead_html(calculate(housed(horizon=5), kb_small), kb_small)


def test_lead_has_summary_key_figures_and_checklist_but_no_break_even_for_a_gains_only_actor(kb_small):
    html = rp.lead_html(calculate(housed(success_rate=0.1), kb_small), kb_small)
    # 1 success: region gains 12.500 with no costs → no break-even sentence for the region
    assert "Regionen har ingen udgifter til indsatsen og får gevinster for 12.500 kr." in html
    assert "Regionen tjener" not in html and "Tjekliste" in html and "som-check-" in html


def test_static_charts_under_plain_papermill(tmp_path, monkeypatch):
    import papermill

    monkeypatch.delenv(rp.STATIC_CHARTS_ENV, raising=False)
    papermill.execute_notebook(
        str(FIXTURE_NB),
        str(tmp_path / "out.ipynb"),
        cwd=str(FIXTURE_NB.parent),
        progress_bar=False,
        kernel_name="python3",
    )
    nb = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    mimes = [m for c in nb.cells for o in c.get("outputs", []) for m in o.get("data", {})]
    assert mimes.count("image/svg+xml") == 2 and "application/vnd.jupyter.widget-view+json" not in mimes


def test_reader_notebook_turns_printed_text_into_markdown():
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    cell = new_code_cell(
        "print(x)", outputs=[new_output("stream", name="stdout", text="Grundberegning: 1 kr.\n  A: 2\n")]
    )
    nb = new_notebook(cells=[new_markdown_cell("x", metadata={"tags": [ex.ANALYST_TAG]}), cell])
    out = ex.reader_notebook(nb)
    assert [c.cell_type for c in out.cells] == ["code", "markdown"]
    assert out.cells[0].outputs == [] and out.cells[1].source == "Grundberegning: 1 kr.\n\n- A: 2"


def test_comparison_text_by_hand(kb_small):
    from som_kernel import compare

    # housed, 10 participants, 30.000 kr. each: success 40 % → 4 · 162.500 − 300.000 = 350.000 (2025: 4 · 112.500 −
    # 300.000 = 150.000 ≥ 0); success 10 % → 162.500 − 300.000 = −137.500, never
    cmp = compare([calculate(housed(0.4), kb_small), calculate(housed(0.1), kb_small)], names=["A", "B"])
    assert rp.comparison_text(cmp) == (
        "A: nettoresultat 350.000 kr. (35.000 kr. pr. deltager), tjener sig hjem i 2025\n"
        "B: nettoresultat −137.500 kr. (−13.750 kr. pr. deltager), tjener sig ikke hjem i perioden; "
        "forskel fra A −487.500 kr."
    )
    assert "<table>" in rp.comparison_lead_html(cmp)


def test_injected_unknown_parameter_is_refused_from_the_kernel_history():
    from som_kernel import ScenarioError

    params = "success_rate = 0.5  # netto\nstarters_per_year = 10\n"
    rp.check_injected_parameters(["", params, "# Parameters\nsuccess_rate = 0.2\n", "x = 1"])  # known: fine
    rp.check_injected_parameters(["", params, "x = 1"])  # nothing injected
    with pytest.raises(
        ScenarioError, match=r"'succes_rate' er ikke en parameter i denne notesbog \(mente du success_rate\?\)"
    ):
        rp.check_injected_parameters(["", params, "# Parameters\nsucces_rate = 0.2\n"])


def test_unknown_parameter_under_plain_papermill_stops_with_a_danish_message(tmp_path):
    import papermill
    from papermill.exceptions import PapermillExecutionError

    with pytest.raises(PapermillExecutionError) as e:
        papermill.execute_notebook(
            str(FIXTURE_NB),
            str(tmp_path / "out.ipynb"),
            parameters={"succes_rate": 0.2},
            cwd=str(FIXTURE_NB.parent),
            progress_bar=False,
            kernel_name="python3",
        )
    assert e.value.ename == "ScenarioError" and "mente du success_rate?" in e.value.evalue


def test_batch_figures_use_the_fast_runner_with_each_rows_scenario(tmp_path):
    """`examples batch --tal`: no notebook run; each row's scenario is built by the notebook's own cells and all
    are calculated by som_kernel.batch. Row 1 equals calculate() on the notebook's scenario with that rate;
    row 2 has a cell that is not a number and fails alone."""
    from som_kernel import calculate, load_knowledge

    nb = Path("notebooks/examples/ips.ipynb")
    table = pd.DataFrame({"success_rate": ["0.2", "tyve"], "starters_per_year": ["40", "40"]})
    result = ex.batch_figures(nb, table, tmp_path, workers=1)
    key = result.key_figures()
    assert len(key) == 1  # the bad row is not run
    expected = calculate(ex.notebook_scenario(nb, {"success_rate": 0.2, "starters_per_year": 40}), load_knowledge())
    assert key["net_total"].iloc[0] == pytest.approx(expected.totals()["total"], abs=0.01)
    rows = ex.read_table(tmp_path / "rows.csv")
    assert rows["error"].isna().tolist() == [True, False]
    assert "tyve" in rows["error"].iloc[1] and "success_rate" in rows["error"].iloc[1]
