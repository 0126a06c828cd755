"""som_kernel.batch: parameter tables, the error column, resume, identical engines, vectorised = looped."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from som_kernel import ScenarioError, build_scenario, calculate, load_knowledge
from som_kernel.batch import plan_run, read_parameter_table, run, sweep_table, write_table
from som_kernel.batch.cli import main
from som_kernel.uncertainty import build_model, monte_carlo, switching_success_rate


@pytest.fixture(scope="module")
def kb():
    return load_knowledge()


def tiny() -> dict:
    """10 starters, 1 year; success 50 %; 2 fewer herberg nights per success in consequence year 1 only,
    at 1.000 kr. a night for the kommune (local price); running cost 500 kr. per participant (kommune)."""
    return {
        "name": "Lille",
        "custom_target_group": {"name": "Test", "outcomes": {"o1": "Effekt"}},
        "participants": [10],
        "duration_years": 1,
        "costs": {"running_per_participant": {"kommune": 500}},
        "outcomes": [{"outcome": "o1", "success_rate": 0.5}],
        "consequence_overrides": [{"outcome": "o1", "service": "herberg_doegn", "year": 1, "delta_use": -2}],
        "price_overrides": [
            {"service": "herberg_doegn", "actor": a, "price": p}
            for a, p in (("kommune", 1000), ("region", 0), ("stat", 0))
        ],
        "settings": {"price_year": 2024, "first_year": 2026, "horizon_years": 1, "discount_rate": 0.0},
    }


def rich() -> dict:
    """Three cohorts, two outcomes from the knowledge base (inmates), costs on kommune and stat, discounting."""
    return {
        "name": "Indsatte",
        "target_group": "indsatte",
        "participants": [40, 30, 20],
        "duration_years": 2,
        "costs": {
            "startup": {"kommune": 200_000, "stat": 100_000},
            "running_per_participant": {"kommune": 30_000, "stat": 8_000},
            "running_per_year": {"kommune": 150_000},
            "baseline_per_participant": {"kommune": 5_000},
        },
        "outcomes": [],
        "settings": {"price_year": 2024, "first_year": 2026, "horizon_years": 8, "discount_rate": 0.035},
    }


def rich_base(kb) -> dict:
    data = rich()
    ids = kb.outcomes_for("indsatte")["id"].tolist()[:2]
    data["outcomes"] = [{"outcome": o, "success_rate": 0.1} for o in ids]
    return build_scenario(data).model_dump(mode="json")


def sweep(kb, n_rates: int = 6) -> tuple[dict, pd.DataFrame]:
    base = rich_base(kb)
    grid = {
        "outcomes[0].success_rate": list(np.round(np.linspace(0.0, 0.3, n_rates), 4)),
        "outcomes[1].success_rate": [0.05, 0.2],
        "costs.running_per_participant.kommune": [10_000, 45_000],
        "costs.startup.stat": [0, 250_000],
        "participants[1]": [30, 60],
    }
    return base, sweep_table(base, grid)


# ---- parameter tables -------------------------------------------------------------------------------------


def test_read_danish_excel_csv_comma_csv_and_xlsx_alike(tmp_path):
    danish = tmp_path / "dansk.csv"
    # what Excel writes with a Danish locale: semicolons, decimal comma, thousands dots, Windows-1252
    danish.write_bytes(
        "id;outcomes[0].success_rate;costs.running_per_participant.kommune\nLav;0,05;1.234,5\nHøj;0,3;40000\n".encode(
            "cp1252"
        )
    )
    plain = tmp_path / "plain.csv"
    plain.write_text(
        "id,outcomes[0].success_rate,costs.running_per_participant.kommune\nLav,0.05,1234.5\nHøj,0.3,40000\n"
    )
    t1, t2 = read_parameter_table(danish), read_parameter_table(plain)
    write_table(t1, tmp_path / "t.xlsx")
    t3 = read_parameter_table(tmp_path / "t.xlsx")
    for t in (t1, t2, t3):
        assert list(t.columns) == ["id", "outcomes[0].success_rate", "costs.running_per_participant.kommune"]
        assert t["id"].tolist() == ["Lav", "Høj"]
        assert t["outcomes[0].success_rate"].tolist() == [0.05, 0.3]
        assert t["costs.running_per_participant.kommune"].tolist() == [1234.5, 40000]
    # and our own CSV writer writes the Danish dialect that reads back the same
    write_table(t2, tmp_path / "back.csv")
    assert (tmp_path / "back.csv").read_text(encoding="utf-8-sig").splitlines()[1] == "Lav;0,05;1234,5"
    assert read_parameter_table(tmp_path / "back.csv").equals(t2)


def test_bad_column_names_it_and_suggests(tmp_path):
    table = pd.DataFrame({"outcomes[0].succes_rate": [0.1], "settings.discount_rate": [0.03]})
    with pytest.raises(ScenarioError) as err:
        plan_run([table], base=tiny())
    text = str(err.value)
    assert "Kolonnen 'outcomes[0].succes_rate' er ikke et felt i scenariet" in text
    assert "Mente du 'outcomes[0].success_rate'?" in text
    assert "settings.discount_rate" not in text  # the good column is not reported
    # on the command line: exit code 2 and the same Danish message, no traceback
    base = tmp_path / "base.json"
    base.write_text('{"format": "som-scenario", ' + build_scenario(tiny()).model_dump_json()[1:], encoding="utf-8")
    table.to_csv(tmp_path / "p.csv", index=False)
    assert main(["run", str(base), str(tmp_path / "p.csv"), "-o", str(tmp_path / "ud"), "--stille"]) == 2


# ---- numbers by hand, the error column -----------------------------------------------------------------------


def test_hand_computed_rows_and_error_column(tmp_path):
    table = pd.DataFrame(
        {
            "id": ["basis", "for høj", "dobbelt", "negativ"],
            "outcomes[0].success_rate": [None, 1.5, None, None],
            "participants[0]": [None, None, 20, None],
            "costs.running_per_participant.kommune": [None, None, None, -5],
        }
    )
    res = run([table], tmp_path / "ud", base=tiny(), workers=1, progress=False)
    key = res.key_figures().set_index("name")
    assert res.n_scenarios == 4 and res.n_errors == 2
    # basis: consequences 10 × 0,5 × 2 nights × 1.000 kr. = 10.000 kr.; costs 10 × 500 = 5.000 kr.; net 5.000 kr.
    assert key.loc["basis", "net_kommune"] == pytest.approx(5_000)
    assert key.loc["basis", "cost_total"] == pytest.approx(-5_000)
    assert key.loc["basis", "consequence_total"] == pytest.approx(10_000)
    assert key.loc["basis", "break_even_kommune"] == 2026
    # switching rate: costs 5.000 kr. / (10 × 2 nights × 1.000 kr. per unit of rate) = 0,25
    assert key.loc["basis", "switching_rate_kommune"] == pytest.approx(0.25)
    # dobbelt: 20 starters → 20.000 − 10.000 = 10.000 kr.
    assert key.loc["dobbelt", "net_kommune"] == pytest.approx(10_000)
    assert "outcomes[0].success_rate" in key.loc["for høj", "error"]
    assert "Succesraten skal ligge mellem 0 og 100 % (fik 150 %)" in key.loc["for høj", "error"]
    assert "costs.running_per_participant.kommune" in key.loc["negativ", "error"]
    assert pd.isna(key.loc["for høj", "net_kommune"]) and pd.isna(key.loc["basis", "error"])
    results = res.results()
    assert set(results["name"]) == {"basis", "dobbelt"}
    basis = results[results["name"] == "basis"].set_index(["actor", "kind"])
    assert basis.loc[("kommune", "consequence"), "amount"] == pytest.approx(10_000)
    assert basis.loc[("kommune", "consequence"), "welfare_area"] == "social"
    assert basis.loc[("kommune", "cost"), "amount"] == pytest.approx(-5_000)
    xlsx = pd.read_excel(res.xlsx_path)
    assert {"Navn", "Fejl", "Nettoresultat, kommune (kr.)", "Break-even-år, i alt"} <= set(xlsx.columns)
    assert xlsx.set_index("Navn").loc["basis", "Nettoresultat, kommune (kr.)"] == pytest.approx(5_000)


def test_scenario_files_one_unreadable(tmp_path, kb):
    good = tmp_path / "god.json"
    good.write_text('{"format": "som-scenario", ' + build_scenario(tiny()).model_dump_json()[1:], encoding="utf-8")
    bad = tmp_path / "afbrudt.json"
    bad.write_text('{"format": "som-scen', encoding="utf-8")
    res = run([good, bad], tmp_path / "ud", workers=1, progress=False)
    key = res.key_figures().set_index("source")
    assert key.loc["god.json", "net_kommune"] == pytest.approx(5_000)
    assert "Filen kan ikke læses" in key.loc["afbrudt.json", "error"]


# ---- vectorised = looped --------------------------------------------------------------------------------------


def test_vectorised_equals_looped_calculate(tmp_path, kb):
    base, table = sweep(kb, n_rates=2)  # 2 × 2 × 2 × 2 × 2 = 32 scenarios, two structures (participants[1])
    res = run([table], tmp_path / "ud", base=base, workers=1, progress=False)
    results, key = res.results(), res.key_figures()
    assert results["actor"].dtype == "category"  # actor, welfare_area and kind are categoricals (compact)
    results = results.astype({"actor": str, "welfare_area": str, "kind": str})
    assert len(key) == 32 and key["error"].isna().all()
    cols = ["year", "actor", "welfare_area", "kind"]
    for i, row in table.iterrows():
        data = {**base, "outcomes": [dict(o) for o in base["outcomes"]], "costs": {**base["costs"]}}
        data["outcomes"][0]["success_rate"] = row["outcomes[0].success_rate"]
        data["outcomes"][1]["success_rate"] = row["outcomes[1].success_rate"]
        data["costs"]["running_per_participant"] = {**base["costs"]["running_per_participant"], "kommune": row.iloc[2]}
        data["costs"]["startup"] = {**base["costs"]["startup"], "stat": row.iloc[3]}
        data["participants"] = [40, int(row["participants[1]"]), 20]
        scenario = build_scenario(data)
        r = calculate(scenario, kb)
        want = r.table.groupby(cols)[["amount", "discounted"]].sum()
        want = want[(want["amount"] != 0) | (want["discounted"] != 0)]
        got = results[results["scenario"] == i].groupby(cols)[["amount", "discounted"]].sum()
        pd.testing.assert_index_equal(got.index, want.index)
        np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), rtol=0, atol=1e-6)
        k = key.iloc[i]
        for actor, v in r.totals().items():
            assert k[f"net_{actor}"] == pytest.approx(v, abs=1e-6)
        for actor, v in r.npv().items():
            assert k[f"npv_{actor}"] == pytest.approx(v, abs=1e-6)
        for actor, v in r.break_even_years().items():
            assert (pd.isna(k[f"break_even_{actor}"]) and v is None) or k[f"break_even_{actor}"] == v
        # the kommune per committee: the batch's evaluate equals Result.by_committee (absent committee: 0 kr.)
        per = r.by_committee().sum()
        be = r.break_even_by_committee()
        for c in r.committee_names:
            assert k[f"net_udvalg_{c}"] == pytest.approx(per.get(c, 0.0), abs=1e-6)
            assert (pd.isna(k[f"break_even_udvalg_{c}"]) and be.get(c) is None) or k[f"break_even_udvalg_{c}"] == be[c]
        model = build_model(scenario, kb)
        for actor in ("kommune", "region", "stat", "total"):
            want_v = switching_success_rate(scenario, kb, actor, model=model)
            got_v = k[f"switching_rate_{actor}"]
            assert (want_v is None and pd.isna(got_v)) or got_v == pytest.approx(want_v, abs=1e-9)


def test_draws_match_monte_carlo(tmp_path, kb):
    base = rich_base(kb)
    table = pd.DataFrame({"outcomes[0].success_rate": [0.05, 0.25]})
    res = run([table], tmp_path / "ud", base=base, draws=200, seed=7, payback_years=6, workers=1, progress=False)
    key = res.key_figures()
    for i, rate in enumerate([0.05, 0.25]):
        data = {**base, "outcomes": [dict(o) for o in base["outcomes"]]}
        data["outcomes"][0]["success_rate"] = rate
        p = monte_carlo(build_scenario(data), kb, 200, seed=7 + i).prob_payback_within(6)
        for actor in ("kommune", "region", "stat", "total"):
            assert key.loc[i, f"p_payback_{actor}"] == pytest.approx(p[actor], abs=1e-12)


def test_block_scenario_validates_only_the_overridden_fields_with_the_same_result(kb):
    from som_kernel.batch.compute import block_scenario

    base = rich_base(kb)
    validated = build_scenario(base)
    shared = (("participants[1]", 60), ("settings.horizon_years", 5))
    got = block_scenario(base, shared, validated)
    assert got == block_scenario(base, shared)  # the whole dict validated again: the same scenario
    assert got.participants == [40, 60, 20] and got.settings.horizon_years == 5
    assert got.settings.discount_rate == 0.035 and got.costs is validated.costs  # untouched: the base's own parts
    # a bad override is refused with the same Danish message either way
    messages = []
    for b in (validated, None):
        with pytest.raises(ScenarioError) as e:
            block_scenario(base, (("participants[0]", -3),), b)
        messages.append(str(e.value))
    assert messages[0] == messages[1] and "Antal deltagere i år 1 kan ikke være negativt (fik -3)" in messages[0]


def test_chunk_tables_equal_the_blocks_one_by_one(kb):
    from som_kernel.batch import evaluate_block
    from som_kernel.batch.compute import Options
    from som_kernel.batch.runner import KnowledgeBundle, chunks_of, run_chunk

    # three structures in one chunk: 40 starters in year 1, an invalid −1 (the block fails), 50
    table = pd.DataFrame(
        {"participants[0]": [40, 40, -1, 50], "outcomes[0].success_rate": [0.1, 0.3, 0.1, 0.2], "id": list("abcd")}
    )
    plan = plan_run([table], rich_base(kb))
    (chunk,) = chunks_of(plan, 100)
    assert [len(b) for b in chunk.blocks] == [2, 1, 1]
    bundle = KnowledgeBundle(plan.knowledge_paths())
    results, key = run_chunk(chunk, bundle, Options())
    one_by_one = [evaluate_block(chunk.bases[b[0].base], list(b), bundle.kbs[None], Options()) for b in chunk.blocks]
    pd.testing.assert_frame_equal(results, pd.concat([r for r, _ in one_by_one], ignore_index=True), check_exact=True)
    pd.testing.assert_frame_equal(key, pd.concat([k for _, k in one_by_one], ignore_index=True), check_exact=True)
    assert key["error"].notna().tolist() == [False, False, True, False]
    assert set(results["scenario"]) == {0, 1, 3}  # the failed scenario has no rows
    assert str(key["break_even_total"].dtype) == "Int64"


# ---- engines and resume ---------------------------------------------------------------------------------------


def test_identical_bit_for_bit_serial_processes_dask(tmp_path, kb):
    distributed = pytest.importorskip("distributed")
    base, table = sweep(kb, n_rates=10)  # 160 scenarios
    table = pd.concat([table, table.assign(**{"settings.horizon_years": 5})], ignore_index=True)  # 320, 4 structures
    serial = run([table], tmp_path / "serial", base=base, workers=1, chunk_size=1000, progress=False)
    procs = run([table], tmp_path / "procs", base=base, workers=2, chunk_size=60, progress=False)
    # threads, not processes, keep the cluster's start-up to about a second
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as c:
        with distributed.Client(c) as client:
            on_dask = run([table], tmp_path / "dask", base=base, scheduler=client, chunk_size=100, progress=False)
    assert serial.chunks_total == 1 and procs.chunks_total == 4 and on_dask.chunks_total == 2
    assert procs.engine == "2 lokale processer" and on_dask.engine.startswith("Dask-klynge")
    for other in (procs, on_dask):
        pd.testing.assert_frame_equal(other.results(), serial.results(), check_exact=True)
        pd.testing.assert_frame_equal(other.key_figures(), serial.key_figures(), check_exact=True)
    assert len(serial.key_figures()) == 320 and serial.n_errors == 0


def test_resume_skips_finished_chunks_and_ctrl_c_keeps_them(tmp_path, kb):
    base, table = sweep(kb, n_rates=4)  # 64 scenarios, two structures of 32

    def stop_after_first(done, total):
        raise KeyboardInterrupt

    out = tmp_path / "ud"
    first = run([table], out, base=base, workers=1, chunk_size=10, progress=False, on_chunk=stop_after_first)
    assert first.interrupted and first.chunks_done == 1 and first.chunks_total == 2
    assert not (out / "key_figures.parquet").exists()
    again = run([table], out, base=base, workers=1, chunk_size=10, progress=False)
    assert again.chunks_skipped == 1 and again.chunks_done == 2 and not again.interrupted
    fresh = run([table], tmp_path / "frisk", base=base, workers=1, chunk_size=10, progress=False)
    pd.testing.assert_frame_equal(again.results(), fresh.results(), check_exact=True)
    # another table in the same folder is refused in Danish rather than mixed with the old parts
    with pytest.raises(ScenarioError, match="Mappen indeholder en anden kørsel"):
        run([table.head(3)], out, base=base, workers=1, progress=False)
    assert run([table.head(3)], out, base=base, workers=1, progress=False, restart=True).n_scenarios == 3


def test_command_line_sweep_and_run(tmp_path, capsys):
    base = tmp_path / "base.json"
    base.write_text('{"format": "som-scenario", ' + build_scenario(tiny()).model_dump_json()[1:], encoding="utf-8")
    grid = tmp_path / "grid.csv"
    assert (
        main(
            [
                "sweep",
                str(base),
                "--set",
                "outcomes[0].success_rate=0.1:0.5:5",
                "--set",
                "participants[0]=10,20",
                "-o",
                str(grid),
            ]
        )
        == 0
    )
    assert len(read_parameter_table(grid)) == 10
    assert main(["run", str(base), str(grid), "-o", str(tmp_path / "ud"), "--workers", "1", "--stille"]) == 0
    out = capsys.readouterr().out
    assert "Færdig: 10 scenarier" in out and "Nøgletal:" in out
    key = pd.read_parquet(tmp_path / "ud" / "key_figures.parquet")
    # rate 0,1, 10 starters: 10 × 0,1 × 2 × 1.000 − 5.000 = −3.000 kr.; rate 0,5, 20 starters: 20.000 − 10.000
    assert key["net_kommune"].iloc[0] == pytest.approx(-3_000)
    assert key["net_kommune"].iloc[-1] == pytest.approx(10_000)


def test_knowledge_layer_per_row_and_portfolio_pairs(tmp_path, kb):
    from som_kernel.batch import illustrative_kommune_table

    layers = illustrative_kommune_table(tmp_path / "lag", 2, seed=3)
    table = pd.concat([layers, pd.DataFrame({"id": ["mangler"], "knowledge": [str(tmp_path / "findes_ikke")]})])
    base = rich_base(kb)
    other = {**base, "name": "Anden", "participants": [10, 10, 10]}
    res = run([(base, table), (other, layers)], tmp_path / "ud", workers=1, progress=False)
    key = res.key_figures()
    assert len(key) == 5 and key["base"].tolist() == ["Indsatte"] * 3 + ["Anden"] * 2
    assert "Vidensdatabasen" in key.loc[2, "error"] and "findes ikke" in key.loc[2, "error"]
    plain = run([pd.DataFrame({"id": ["national"]})], tmp_path / "nat", base=base, workers=1, progress=False)
    national = plain.key_figures().iloc[0]
    scenario = build_scenario(base)
    ruled = set(kb.rules.links["service"])
    for i in (0, 1):
        # every price not set by the public-finance rules × f (to whole øre), costs unchanged: the consequences are
        # those of the national base with the same prices scaled (rule-priced benefits and taxes are national)
        f = float(key.loc[i, "name"].split("× ")[1].rstrip(")").replace(",", "."))
        scaled = kb.with_price_factors({s: f for s in set(kb.prices["service"]) - ruled})
        expected = calculate(scenario, scaled).totals_by_kind().loc["consequence", "total"]
        assert expected != pytest.approx(national["consequence_total"], rel=1e-3)  # the layer really differs
        assert key.loc[i, "consequence_total"] == pytest.approx(expected, rel=1e-5)
        assert key.loc[i, "cost_total"] == pytest.approx(national["cost_total"], rel=1e-12)
        assert "illustrativ" in key.loc[i, "name"]
