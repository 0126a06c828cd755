"""Uncertainty: the vectorised model against the engine, one-way sensitivity, switching values, scenarios,
Monte Carlo and the "Usikkerhed" tab. Expected numbers are worked out by hand in the comments.

Fixture kb_small, per person reaching an outcome (prices 2024; bedday 5000 kr. at 2020 → ×125/100 = 6250):
  job,    year 1: benefit −10 uger × (3000 kommune + 1000 stat), tax +0.5 år × (50000 kommune + 30000 stat)
          → kommune 30000 + 25000 = 55000, stat 10000 + 15000 = 25000
          year 2 and 3: benefit −20, tax +1 → kommune 60000 + 50000 = 110000, stat 20000 + 30000 = 50000
          over 3 years: kommune 275000, stat 125000, total 400000 (benefit 200000, tax 200000)
  housed, year 1: shelter −100 døgn × (500 + 500), bedday −2 × 6250 region → kommune 50000, stat 50000,
          region 12500; year 2: shelter −50 → kommune 25000, stat 25000
          over 3 years: kommune 75000, region 12500, stat 75000, total 162500
"""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from som_kernel import ScenarioError, build_scenario, calculate, load_knowledge
from som_kernel.format import pct
from som_kernel.ui.uncertainty_tab import UncertaintyTab
from som_kernel.uncertainty import (
    Inputs,
    UncertaintySpec,
    base_net,
    break_even_by_success,
    build_model,
    draw_inputs,
    effect_uncertainty,
    evaluate,
    monte_carlo,
    one_way,
    scenario_sets,
    switching_values,
    tornado_chart,
)
from som_kernel.variants import with_cost_level as with_cost_multiplier
from som_kernel.variants import with_success_rates

ZERO = UncertaintySpec(success_sd=0, consequence_sd=0, price_sd=0, cost_sd=0, persistence_sd=0, use_studies=False)
SETTINGS = {"price_year": 2024, "first_year": 2024, "horizon_years": 3}


def scenario_a():
    """10 participants in 2024 for 1 year, job 10 % → 1 success; running cost 20000 kr. kommune each.
    Net by year: 2024 kommune 55000 − 200000 = −145000, stat 25000; 2025 and 2026 kommune 110000, stat 50000.
    Totals: kommune 75000, stat 125000, total 200000."""
    return build_scenario(
        {
            "target_group": "tg_a",
            "participants": [10],
            "duration_years": 1,
            "costs": {"running_per_participant": {"kommune": 20000}},
            "outcomes": [{"outcome": "job", "success_rate": 0.1, "study": "study_a"}],  # the rate is study_a's
            "settings": SETTINGS,
        }
    )


def scenario_b():
    """As A plus housed 20 % (2 successes) and a start-up cost of 10000 kr. for the region.
    Consequences: job 400000 (kommune 275000, stat 125000); housed 2 × 162500 = 325000 (kommune 150000,
    region 25000, stat 150000); total 725000. Costs 200000 kommune + 10000 region = 210000.
    Net: kommune 225000, region 15000, stat 275000, total 515000."""
    data = scenario_a().model_dump()
    data["outcomes"].append({"outcome": "housed", "success_rate": 0.2, "persistence": []})
    data["costs"]["startup"]["region"] = 10000
    return build_scenario(data)


def scenario_c():
    """Everything the engine knows at once: three cohorts (one empty), 2-year course, all cost lines at the
    2020 price level, a persistence profile, offset 1 and discounting at 3.5 %."""
    return build_scenario(
        {
            "target_group": "tg_a",
            "participants": [10, 0, 20, 5],
            "duration_years": 2,
            "costs": {
                "startup": {"kommune": 100000},
                "running_per_participant": {"kommune": 20000, "stat": 5000},
                "running_per_year": {"region": 30000},
                "baseline_per_participant": {"kommune": 3000},
                "price_year": 2020,
            },
            "outcomes": [
                {"outcome": "job", "success_rate": 0.1, "persistence": [1, 0.8, 0.5]},
                {"outcome": "housed", "success_rate": 0.3},
            ],
            "consequence_overrides": [{"outcome": "housed", "service": "benefit", "year": 2, "delta_use": -4}],
            "price_overrides": [{"service": "shelter", "actor": "kommune", "price": 600}],
            "settings": {**SETTINGS, "price_year": 2025, "discount_rate": 0.035, "consequence_offset": 1},
        }
    )


def scenario_shipped():
    """Inmates (shipped knowledge): three outcomes, three cohorts, 10-year horizon, discounting."""
    return build_scenario(
        {
            "target_group": "indsatte",
            "participants": [40, 40, 40],
            "duration_years": 1,
            "costs": {
                "startup": {"stat": 500000},
                "running_per_participant": {"kommune": 30000, "stat": 20000},
                "baseline_per_participant": {"stat": 5000},
            },
            "outcomes": [
                {"outcome": "indsatte_ingen_ny_kriminalitet", "success_rate": 0.29},
                {"outcome": "indsatte_ingen_ny_alvorlig_kriminalitet", "success_rate": 0.05},
                {"outcome": "indsatte_job_uddannelse", "success_rate": 0.08, "persistence": [1, 0.9, 0.8]},
            ],
            "settings": {"price_year": 2024, "first_year": 2025, "horizon_years": 10, "discount_rate": 0.035},
        }
    )


def _totals(df: pd.DataFrame, actor: str) -> float:
    return float(df[actor].sum())


# ---- the linear model reproduces the engine -----------------------------------------------------------


@pytest.mark.parametrize("make", [scenario_a, scenario_b, scenario_c])
@pytest.mark.parametrize("discounted", [False, True])
def test_model_reproduces_engine_on_fixture(kb_small, make, discounted):
    sc = make()
    expected = calculate(sc, kb_small).by_year_actor(discounted=discounted)
    got = base_net(build_model(sc, kb_small), discounted)
    assert list(got.index) == list(expected.index)
    np.testing.assert_allclose(got[expected.columns].to_numpy(), expected.to_numpy(), rtol=1e-12, atol=1e-6)


@pytest.mark.parametrize("discounted", [False, True])
def test_model_reproduces_engine_on_shipped_knowledge(kb, discounted):
    sc = scenario_shipped()
    expected = calculate(sc, kb).by_year_actor(discounted=discounted)
    got = base_net(build_model(sc, kb), discounted)
    assert abs(expected["total"]).sum() > 1e6  # a real scenario with millions at stake, not an empty one
    np.testing.assert_allclose(got[expected.columns].to_numpy(), expected.to_numpy(), rtol=1e-12, atol=1e-6)


def test_fixture_hand_numbers(kb_small):
    net = base_net(build_model(scenario_a(), kb_small))
    assert net.loc[2024].to_dict() == pytest.approx({"kommune": -145000, "region": 0, "stat": 25000, "total": -120000})
    assert net.loc[2025].to_dict() == pytest.approx({"kommune": 110000, "region": 0, "stat": 50000, "total": 160000})
    totals = base_net(build_model(scenario_b(), kb_small)).sum()
    assert totals.to_dict() == pytest.approx({"kommune": 225000, "region": 15000, "stat": 275000, "total": 515000})


# ---- Monte Carlo with zero uncertainty is the deterministic result ------------------------------------


@pytest.mark.parametrize("make", [scenario_a, scenario_c])
def test_monte_carlo_without_uncertainty_equals_engine(kb_small, make):
    sc = make()
    mc = monte_carlo(sc, kb_small, n_draws=50, seed=3, spec=ZERO)
    expected = calculate(sc, kb_small).by_year_actor().to_numpy()
    assert mc.net.shape == (50, *expected.shape)
    np.testing.assert_allclose(mc.net, np.broadcast_to(expected, mc.net.shape), rtol=1e-12, atol=1e-6)


def test_monte_carlo_without_uncertainty_equals_engine_on_shipped_knowledge(kb):
    sc = scenario_shipped()
    mc = monte_carlo(sc, kb, n_draws=20, seed=1, spec=ZERO, discounted=True)
    expected = calculate(sc, kb).by_year_actor(discounted=True).to_numpy()
    np.testing.assert_allclose(mc.net, np.broadcast_to(expected, mc.net.shape), rtol=1e-12, atol=1e-6)


def test_probabilities_without_uncertainty_are_zero_or_one(kb_small):
    # cumulative, scenario A: total −120000, 40000, 200000; kommune −145000, −35000, 75000; stat > 0 from 2024;
    # region nothing at all (0 is not > 0)
    mc = monte_carlo(scenario_a(), kb_small, n_draws=10, seed=0, spec=ZERO)
    p = mc.prob_positive()
    assert list(p["total"]) == [0, 1, 1]
    assert list(p["kommune"]) == [0, 0, 1]
    assert list(p["region"]) == [0, 0, 0]
    assert list(p["stat"]) == [1, 1, 1]
    dist = mc.break_even_distribution()
    total = dist[dist["actor"] == "total"]
    assert list(total["year"]) == [2025] and list(total["probability"]) == [1.0]
    assert mc.prob_payback_within(1)["total"] == 0 and mc.prob_payback_within(2)["total"] == 1
    assert mc.prob_payback_within(2)["kommune"] == 0 and mc.prob_payback_within(3)["kommune"] == 1


# ---- Monte Carlo: the mean converges to the analytic mean for linear inputs ---------------------------


def test_mean_converges_to_analytic_mean(kb_small):
    # Every input enters the net result linearly and the draws are independent, so E[net] = net at the means:
    # success ~ normal(0.1, se 0.0255) from study_a's interval (clipping at 0 lies 3.9 sd away: its effect
    # on the mean is ~1e-6 relative), consequence and price multipliers log-normal with mean exactly 1,
    # costs × overrun with mean 1.1. Analytic mean at the horizon:
    #   total 400000 − 1.1 · 200000 = 180000; kommune 275000 − 220000 = 55000; stat 125000.
    # Tolerance: 4 standard errors of the sample mean (sd / √D): by the central limit theorem a correct
    # mean falls outside that band with probability ~6e-5 for any seed; with D = 40000 the band is ~1.5 %.
    spec = UncertaintySpec(consequence_sd=0.2, price_sd=0.1, cost_sd=0.15, cost_overrun=1.1)
    mc = monte_carlo(scenario_a(), kb_small, n_draws=40_000, seed=11, spec=spec)
    at_horizon = mc.net.sum(axis=1)  # (D, 4)
    for actor, i, analytic in (("total", 3, 180000.0), ("kommune", 0, 55000.0), ("stat", 2, 125000.0)):
        x = at_horizon[:, i]
        tol = 4 * x.std() / np.sqrt(len(x))
        assert tol < 0.02 * 180000, actor  # the band is narrow enough for the test to mean something
        assert abs(x.mean() - analytic) < tol, (actor, x.mean(), analytic, tol)
    # the overrun moved the mean away from the base result (200000) by far more than the tolerance
    assert abs(at_horizon[:, 3].mean() - 200000) > 5 * tol


def test_success_draws_use_study_standard_error(kb_small):
    # study_a: interval 0.05–0.15 → se = 0.10 / (2 · 1.96) = 0.025511; evidence level 1 → widening 1
    m = build_model(scenario_a(), kb_small)
    eff = effect_uncertainty(m, kb_small, UncertaintySpec())
    assert eff.loc[0, "se"] == pytest.approx(0.1 / (2 * 1.959964), rel=1e-6)
    assert eff.loc[0, "sd"] == pytest.approx(0.025511, abs=1e-6)
    draws = draw_inputs(m, kb_small, UncertaintySpec(), 20_000, seed=5).success[:, 0]
    # draws are beta now (were normal, clipped to 0–1), with the same mean and sd: at 10 % ± 2,55 % the cap
    # √(0.1·0.9/3) = 17 % is far away. The sample sd of 20000 draws has a relative standard error of about
    # 1/√(2·20000) = 0.5 % (a little more for a skewed beta); allow 3 %
    assert draws.std() == pytest.approx(0.025511, rel=0.03)
    assert draws.mean() == pytest.approx(0.1, abs=4 * 0.025511 / np.sqrt(20_000))


def _kb_copy(tmp_path, kb_path, edit):
    folder = tmp_path / "kb"
    shutil.copytree(kb_path, folder)
    path = folder / "effect_studies.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    edit(df)
    df.to_csv(path, index=False)
    return load_knowledge(folder)


@pytest.mark.parametrize("level, factor", [(1, 1.0), (2, 1.5), (3, 2.0)])
def test_evidence_grade_widens_success_distribution(tmp_path, kb_small, level, factor):
    def edit(df):
        df.loc[0, "evidence_level"] = str(level)

    kb = _kb_copy(tmp_path, kb_small.path, edit)
    eff = effect_uncertainty(build_model(scenario_a(), kb), kb, UncertaintySpec())
    assert eff.loc[0, "widening"] == factor
    assert eff.loc[0, "sd"] == pytest.approx(0.025511 * factor, abs=1e-6)
    # the one-way range stays the study's interval as published
    assert (eff.loc[0, "low"], eff.loc[0, "high"]) == pytest.approx((0.05, 0.15))


def test_two_proportion_standard_error_without_interval(tmp_path, kb_small):
    # no interval, 30 % vs 20 % with n = 200 (100 per arm): se = √(0.3·0.7/100 + 0.2·0.8/100) = √0.0037 = 0.060828
    # one-way: 0.1 ∓ 1.959964 · 0.060828 = 0.1 ∓ 0.119220 → low clipped to 0, high 0.219220
    def edit(df):
        df.loc[0, ["ci_low", "ci_high", "n"]] = ["", "", "200"]
        df["rate_treatment"], df["rate_control"] = "0.3", "0.2"

    kb = _kb_copy(tmp_path, kb_small.path, edit)
    eff = effect_uncertainty(build_model(scenario_a(), kb), kb, UncertaintySpec())
    assert eff.loc[0, "se"] == pytest.approx(0.060828, abs=1e-6)
    assert eff.loc[0, "low"] == 0.0
    assert eff.loc[0, "high"] == pytest.approx(0.219220, abs=1e-6)


# ---- reproducibility -----------------------------------------------------------------------------------


def test_same_seed_same_draws_other_seed_other_draws(kb_small):
    m = build_model(scenario_b(), kb_small)
    spec = UncertaintySpec()
    a, b, c = (draw_inputs(m, kb_small, spec, 500, seed=s) for s in (7, 7, 8))
    for name in ("success", "consequence", "price", "cost"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
        assert not np.array_equal(getattr(a, name), getattr(c, name)), name
    r1 = monte_carlo(scenario_b(), kb_small, 500, seed=7, spec=spec)
    r2 = monte_carlo(scenario_b(), kb_small, 500, seed=7, spec=spec, chunk_size=70)  # chunks do not matter
    np.testing.assert_array_equal(r1.net, r2.net)


# ---- one-way sensitivity -------------------------------------------------------------------------------


def _row(table, input_id, actor):
    r = table[(table["input"] == input_id) & (table["actor"] == actor)]
    assert len(r) == 1, input_id
    return r.iloc[0]


def test_tornado_rows_by_hand(kb_small):
    t = one_way(scenario_a(), kb_small, UncertaintySpec(rel_range=0.2))
    # success rate from study_a's interval: 5 % halves the consequences, 15 % multiplies them by 1.5
    r = _row(t, "success_rate:job", "total")
    assert (r["low_value"], r["high_value"]) == pytest.approx((0.05, 0.15))
    assert (r["net_low"], r["net_high"]) == pytest.approx((400000 * 0.5 - 200000, 400000 * 1.5 - 200000))  # 0, 400000
    r = _row(t, "success_rate:job", "kommune")
    assert (r["net_low"], r["net_high"]) == pytest.approx((137500 - 200000, 412500 - 200000))  # −62500, 212500
    # benefit prices ± 20 %: benefit is 50 weeks × 4000 = 200000 in total, 150000 for kommune
    r = _row(t, "price:benefit", "total")
    assert (r["net_low"], r["net_high"]) == pytest.approx((160000, 240000))
    r = _row(t, "price:benefit", "kommune")
    assert (r["net_low"], r["net_high"], r["change_low"]) == pytest.approx((45000, 105000, -30000))
    # running cost ± 20 %: 160000 or 240000 instead of 200000
    r = _row(t, "cost:omk_drift_pr_deltager", "total")
    assert (r["net_low"], r["net_high"]) == pytest.approx((240000, 160000))
    # persistence 1 can only fall: × 0.8 → consequences 320000; the high end is capped at 1 (no change)
    r = _row(t, "persistence:job", "total")
    assert (r["low_value"], r["high_value"]) == pytest.approx((0.8, 1.0))
    assert (r["net_low"], r["net_high"]) == pytest.approx((120000, 200000))
    # largest swing first: the success rate (400000) before everything else (80000)
    first = t[t["actor"] == "total"].iloc[0]
    assert first["input"] == "success_rate:job" and first["swing"] == pytest.approx(400000)


def test_tornado_price_at_old_price_level(kb_small):
    # scenario B: bedday 5000 kr. at 2020 = 6250 at 2024, 2 days per success, 2 successes → 25000 for the region;
    # ± 20 % → ∓ 5000 on the region's net result of 15000
    t = one_way(scenario_b(), kb_small, UncertaintySpec(rel_range=0.2))
    r = _row(t, "price:bedday", "region")
    assert (r["net_low"], r["net_high"]) == pytest.approx((10000, 20000))
    # housed has no study: ± 20 % of 0.2 → 0.16 / 0.24; its consequences 325000 move by ∓ 65000
    r = _row(t, "success_rate:housed", "total")
    assert (r["low_value"], r["high_value"]) == pytest.approx((0.16, 0.24))
    assert (r["net_low"], r["net_high"]) == pytest.approx((515000 - 65000, 515000 + 65000))


def test_tornado_chart_lists_largest_swing_first(kb_small):
    t = one_way(scenario_b(), kb_small)
    spec = tornado_chart(t, actor="total", top=3).to_dict()
    bars = spec["layer"][0]
    assert bars["encoding"]["y"]["sort"] == list(t[t["actor"] == "total"]["label"].head(3))
    data = next(iter(spec["datasets"].values()))
    assert len(data) == 6  # a low and a high bar per input


# ---- scenarios -----------------------------------------------------------------------------------------


def test_pessimistic_base_optimistic_by_hand(kb_small):
    # pessimistic: success 0.05 (×0.5), persistence ×0.8, consequences ×0.8, prices ×0.8, costs ×1.2:
    #   400000 · 0.5 · 0.8 · 0.8 · 0.8 = 102400 − 240000 = −137600
    # optimistic: success 0.15 (×1.5), persistence capped at 1, consequences ×1.2, prices ×1.2, costs ×0.8:
    #   400000 · 1.5 · 1.2 · 1.2 = 864000 − 160000 = 704000
    s = scenario_sets(scenario_a(), kb_small, UncertaintySpec(rel_range=0.2))
    total = s[s["actor"] == "total"].set_index("scenario")
    assert total.loc["pessimistic", "net"] == pytest.approx(-137600)
    assert total.loc["base", "net"] == pytest.approx(200000)
    assert total.loc["optimistic", "net"] == pytest.approx(704000)
    assert pd.isna(total.loc["pessimistic", "break_even_year"])
    assert total.loc["base", "break_even_year"] == 2025


# ---- switching values ----------------------------------------------------------------------------------


def _value(sv, actor, kind, outcome=""):
    r = sv[(sv["actor"] == actor) & (sv["kind"] == kind) & (sv["outcome"] == outcome)]
    assert len(r) == 1
    return r.iloc[0]["value"]


def _status(sv, actor, kind, outcome=""):
    r = sv[(sv["actor"] == actor) & (sv["kind"] == kind) & (sv["outcome"] == outcome)]
    return r.iloc[0]["status"]


def test_switching_values_by_hand(kb_small):
    sv = switching_values(scenario_a(), kb_small)
    # total: 4000000 kr. per unit success rate, net 200000 → 0.1 − 200000/4000000 = 0.05
    assert _value(sv, "total", "success_rate", "job") == pytest.approx(0.05)
    # kommune: 2750000 per unit, net 75000 → 0.1 − 0.027273 = 0.072727
    assert _value(sv, "kommune", "success_rate", "job") == pytest.approx(0.2 / 2.75)
    # costs: total 400000 / 200000 = 2.0; kommune 275000 / 200000 = 1.375; stat pays nothing → None
    assert _value(sv, "total", "cost_multiplier") == pytest.approx(2.0)
    assert _value(sv, "kommune", "cost_multiplier") == pytest.approx(1.375)
    assert _value(sv, "stat", "cost_multiplier") is None
    # the region has neither costs nor consequences: no switching value, and the rate does not move it
    assert _value(sv, "region", "success_rate", "job") is None
    assert _status(sv, "region", "success_rate", "job") == "no_effect"

    sv = switching_values(scenario_b(), kb_small)
    # total: consequences 725000 against costs 210000 → all rates × 210000/725000 = 0.289655
    assert _value(sv, "total", "success_scale") == pytest.approx(210000 / 725000)
    # job alone would need 0.1 − 515000/4000000 < 0 → None: even at 0 % job the total is 115000 > 0 and at
    # 100 % it is 3715000, so it is positive over the whole range; region: 0.2 − 15000/125000 = 0.08
    assert _value(sv, "total", "success_rate", "job") is None
    assert _status(sv, "total", "success_rate", "job") == "always_positive"
    assert _status(sv, "total", "success_scale") == "switching"
    assert _value(sv, "region", "success_rate", "housed") == pytest.approx(0.08)
    assert _value(sv, "region", "cost_multiplier") == pytest.approx(2.5)  # 25000 / 10000


@pytest.mark.parametrize("actor", ["total", "kommune", "region"])
def test_switching_values_plugged_back_give_zero(kb_small, actor):
    sc = scenario_b()
    sv = switching_values(sc, kb_small)
    checked = 0
    for _, r in sv[sv["actor"] == actor].iterrows():
        if r["value"] is None:
            continue
        if r["kind"] == "success_rate":
            changed = with_success_rates(sc, {r["outcome"]: r["value"]})
        elif r["kind"] == "success_scale":
            changed = with_success_rates(sc, {o.outcome: o.success_rate * r["value"] for o in sc.outcomes})
        else:
            changed = with_cost_multiplier(sc, r["value"])
        assert calculate(changed, kb_small).totals()[actor] == pytest.approx(0, abs=1.0), r["label"]
        checked += 1
    assert checked >= 2


def test_switching_values_plugged_back_on_shipped_knowledge(kb):
    sc = scenario_shipped()
    sv = switching_values(sc, kb, discounted=True)
    lam = _value(sv, "total", "success_scale")
    m = _value(sv, "total", "cost_multiplier")
    assert lam is not None and m is not None
    changed = with_success_rates(sc, {o.outcome: o.success_rate * lam for o in sc.outcomes})
    assert calculate(changed, kb).npv()["total"] == pytest.approx(0, abs=1.0)
    assert calculate(with_cost_multiplier(sc, m), kb).npv()["total"] == pytest.approx(0, abs=1.0)


def test_break_even_year_by_success_rate(kb_small):
    # total consequences per year at rate r: 2024 800000·r, 2025 and 2026 1600000·r; costs 200000 in 2024.
    # r = 0.05 → cumulative −160000, −80000, 0 → 2026 (the switching value breaks even at the horizon);
    # r = 0.1 → 2025; r = 0.3 → 240000 − 200000 ≥ 0 → 2024; r = 0 → never.
    # kommune at 0.3: 3 · 55000 − 200000 = −35000 in 2024 → 2025.
    t = break_even_by_success(scenario_a(), kb_small, rates=np.array([0.0, 0.05, 0.1, 0.3])).set_index("success_rate")
    assert pd.isna(t.loc[0.0, "total"])
    assert [t.loc[r, "total"] for r in (0.05, 0.1, 0.3)] == [2026, 2025, 2024]
    assert t.loc[0.3, "kommune"] == 2025


# ---- spread per input group ----------------------------------------------------------------------------


def test_contributions_with_only_cost_uncertainty(kb_small):
    # only the running cost varies: net = 400000 − 200000·m, Var = 200000² · 0.15² = 9.0e8 (log-normal sd
    # exactly 0.15); the sample variance of 20000 draws is within a few per cent (allow 6 %)
    spec = UncertaintySpec(success_sd=0, consequence_sd=0, price_sd=0, cost_sd=0.15, use_studies=False)
    mc = monte_carlo(scenario_a(), kb_small, 20_000, seed=2, spec=spec)
    c = mc.contributions("total").set_index("group")
    assert c.loc["cost", "share"] == pytest.approx(1.0)
    assert c.loc["cost", "reduction_if_fixed"] == pytest.approx(1.0)
    assert c.loc["cost", "variance_alone"] == pytest.approx(9.0e8, rel=0.06)
    assert c.loc["success", "variance_alone"] == 0


def test_contributions_share_sum_to_one_and_rank_success_first(kb_small):
    mc = monte_carlo(scenario_a(), kb_small, 5000, seed=4)
    c = mc.contributions("total")
    assert c["share"].sum() == pytest.approx(1.0)
    # study interval ±25.5 % of the rate against 20 % per consequence estimate, 10 % prices, 15 % costs
    assert c.iloc[c["share"].argmax()]["group"] == "success"


def test_quantiles_and_payback_are_consistent(kb_small):
    mc = monte_carlo(scenario_b(), kb_small, 3000, seed=9)
    q = mc.quantiles(cumulative=True)
    last = q[(q["year"] == 2026) & (q["actor"] == "total")].set_index("quantile")["value"]
    assert last.is_monotonic_increasing
    assert last.loc[0.5] == pytest.approx(np.median(mc.cumulative()[:, -1, 3]))
    # payback within N years = share of draws with a break-even year ≤ first year + N − 1
    dist = mc.break_even_distribution()
    tot = dist[(dist["actor"] == "total") & dist["year"].notna()]
    assert mc.prob_payback_within(2)["total"] == pytest.approx(tot[tot["year"] <= 2025]["probability"].sum())


# ---- errors --------------------------------------------------------------------------------------------


def test_bad_spec_and_bad_scenario_raise_danish_errors(kb_small):
    with pytest.raises(ScenarioError) as e:
        monte_carlo(scenario_a(), kb_small, 10, spec=UncertaintySpec(consequence_sd=-0.1))
    assert "Usikkerheden på konsekvenserne" in str(e.value)
    bad = scenario_a().model_dump()
    bad["outcomes"][0]["outcome"] = "ukendt"
    with pytest.raises(ScenarioError) as e:
        build_model(build_scenario(bad), kb_small)
    assert "findes ikke" in str(e.value)


def test_evaluate_persistence_path_equals_fast_path(kb_small):
    m = build_model(scenario_c(), kb_small)
    rng = np.random.default_rng(0)
    x = Inputs(
        success=rng.uniform(0, 1, (5, 2)),
        consequence=rng.uniform(0.5, 1.5, (5, len(m.groups))),
        price=rng.uniform(0.5, 1.5, (5, len(m.services))),
        cost=rng.uniform(0.5, 1.5, (5, len(m.cost_lines))),
    )
    slow = Inputs(**{**vars(x), "persistence": np.broadcast_to(m.persistence, (5, *m.persistence.shape))})
    np.testing.assert_allclose(evaluate(m, x), evaluate(m, slow), rtol=1e-12, atol=1e-6)


# ---- the tab -------------------------------------------------------------------------------------------


def test_tab_headless(kb_small):
    tab = UncertaintyTab()
    tab.update(scenario_a(), kb_small)
    assert tab.message.value == ""
    assert "<td>5,0 %</td>" in tab.switching_html.value  # the total's switching success rate (hand: 0.05)
    assert len(tab.tornado_box.children) == 1
    tab.n_draws.value = 2000
    tab.seed.value = 42
    tab.button.click()
    assert tab.progress.value == 1.0 and not tab.button.disabled
    kernel = monte_carlo(scenario_a(), kb_small, n_draws=2000, seed=42, spec=tab.spec(), chunk_size=None)
    p = kernel.prob_positive()
    for year in (2025, 2026):
        shown = tab.probability_table.loc[year, "I alt"]
        assert shown == pct(p.loc[year, "total"])
        assert f"<td>{shown}</td>" in tab.prob_html.value
    assert 0 < p.loc[2025, "total"] < 1  # a genuinely uncertain probability, not a trivial 0 or 100 %
    assert "(i alt, sidste år, varians)" in tab.contrib_html.value
    tab.actor.value = "kommune"  # the spread table follows the chosen actor without new draws
    assert "(kommune, sidste år, varians)" in tab.contrib_html.value and tab.mc is not None
    # the success rate's uncertainty is shown with its source: study_a's interval 5–15 %, evidence level 1
    assert "<td>Teststudie</td><td>1</td><td>5,0 %</td><td>15,0 %</td>" in tab.effects_html.value
    # a new scenario, or switching to discounted amounts, makes the Monte Carlo result stale
    tab.update(scenario_b(), kb_small)
    assert tab.probability_table is None and tab.prob_html.value == ""
    # scenario B, job rate: kommune 0.1 − 225000/2750000 = 1.8 %; the region gets nothing from job; stat and
    # total stay positive at any job rate (see test_switching_values_by_hand)
    row = (
        "<th>Succesrate: I job (basis 10,0 %)</th><td>1,8 %</td><td>–</td><td>altid positiv</td><td>altid positiv</td>"
    )
    assert row in tab.switching_html.value
    tab.button.click()
    tab.discounted.value = True
    assert tab.mc is None and tab.fan_box.children == ()


def test_tab_shows_danish_message_for_invalid_scenario(kb_small):
    tab = UncertaintyTab()
    bad = scenario_a().model_dump()
    bad["target_group"] = "ukendt"
    tab.update(build_scenario(bad), kb_small)
    assert "Ukendt målgruppe" in tab.message.value
    tab.button.click()  # nothing to run on: a message, no exception
    assert "ingen gyldig beregning" in tab.mc_note.value


@settings(max_examples=25, deadline=None)
@given(
    rate=st.floats(0.01, 0.6),
    cost=st.floats(1000, 200_000),
    horizon=st.integers(1, 3),
    offset=st.sampled_from([0, 1]),
)
def test_switching_success_rate_property(kb_small, rate, cost, horizon, offset):
    # for any rate and running cost: if the total has a switching success rate in 0–1, the engine gives 0 there
    data = scenario_b().model_dump()
    data["outcomes"][0]["success_rate"] = rate
    data["costs"]["running_per_participant"]["kommune"] = cost
    data["settings"].update(horizon_years=horizon, consequence_offset=offset)
    sc = build_scenario(data)
    v = _value(switching_values(sc, kb_small), "total", "success_rate", "job")
    if v is not None:
        assert calculate(with_success_rates(sc, {"job": v}), kb_small).totals()["total"] == pytest.approx(0, abs=1.0)
    m = _value(switching_values(sc, kb_small), "total", "cost_multiplier")
    assert calculate(with_cost_multiplier(sc, m), kb_small).totals()["total"] == pytest.approx(0, abs=1.0)


def test_scenario_without_consequences_or_costs(kb_small):
    # a user-defined target group with no local consequences and no costs: everything is 0 and nothing breaks
    sc = build_scenario(
        {
            "custom_target_group": {"name": "Egen", "outcomes": {"a": "A"}},
            "participants": [5],
            "duration_years": 1,
            "outcomes": [{"outcome": "a", "success_rate": 0.2}],
            "settings": SETTINGS,
        }
    )
    assert (base_net(build_model(sc, kb_small)).to_numpy() == 0).all()
    assert switching_values(sc, kb_small)["value"].isna().all()
    mc = monte_carlo(sc, kb_small, 100, seed=1)
    assert (mc.prob_positive().to_numpy() == 0).all()
    assert (one_way(sc, kb_small)["swing"] == 0).all()


@pytest.mark.parametrize(
    "studies, where, message",
    [
        ({"x": "nope"}, "studies.x", "Effektmålet 'x' er ikke med i beregningen."),
        ({"job": "nope"}, "studies.job", "Ukendt effektstudie 'nope'."),
        ({"job": 3}, "studies", "Effektstudierne angives som {effektmål-id: studie-id}, begge som tekst."),
        (["study_a"], "studies", "Effektstudierne angives som {effektmål-id: studie-id}, begge som tekst."),
    ],
)
def test_a_study_named_for_the_uncertainty_must_exist_and_be_used(kb_small, studies, where, message):
    # UncertaintySpec(studies={'x': 'nope'}) was accepted and ignored without a word
    for run in (
        lambda spec: monte_carlo(scenario_a(), kb_small, 10, spec=spec),
        lambda spec: effect_uncertainty(build_model(scenario_a(), kb_small), kb_small, spec),
    ):
        with pytest.raises(ScenarioError) as e:
            run(UncertaintySpec(studies=studies))
        assert [(p.where, p.message) for p in e.value.problems] == [(where, message)]


def test_a_rate_no_study_is_declared_for_gets_no_study_interval_unless_named(kb_small):
    # job at 20 % with no study declared: the outcome's strongest study (study_a, 10 %, interval 5–15 %) was
    # used, so 20 % got evidence level 1 and 15–25 %. Now no study, ± 20 % → 16–24 %; named in the spec: the
    # study's distances around 20 % → 15–25 %, evidence level 1
    data = scenario_a().model_dump()
    data["outcomes"][0] |= {"success_rate": 0.2, "study": None}
    model = build_model(build_scenario(data), kb_small)
    plain = effect_uncertainty(model, kb_small, UncertaintySpec()).iloc[0]
    assert (plain["study"], plain["low"], plain["high"]) == (None, pytest.approx(0.16), pytest.approx(0.24))
    named = effect_uncertainty(model, kb_small, UncertaintySpec(studies={"job": "study_a"})).iloc[0]
    assert (named["study"], named["evidence_level"]) == ("study_a", 1)
    assert (named["low"], named["high"]) == pytest.approx((0.15, 0.25))


# ---- Monte Carlo: draws and seed are checked, success and persistence draws keep their means --------------


@pytest.mark.parametrize(
    "n_draws, seed, where, message",
    [
        (0, 1, "n_draws", "Antal trækninger skal være et helt tal fra 1 til 1.000.000 (fik 0)."),
        (-5, 1, "n_draws", "Antal trækninger skal være et helt tal fra 1 til 1.000.000 (fik -5)."),
        (0.5, 1, "n_draws", "Antal trækninger skal være et helt tal fra 1 til 1.000.000 (fik 0,5)."),
        (10, -1, "seed", "Startværdien (seed) skal være et helt tal fra 0 til 4.294.967.295 (fik -1)."),
        (10, 1.5, "seed", "Startværdien (seed) skal være et helt tal fra 0 til 4.294.967.295 (fik 1,5)."),
        (True, 1, "n_draws", "Antal trækninger skal være et helt tal fra 1 til 1.000.000 (fik sand)."),
        # None said "(fik NoneType)", Python's own type name
        (10, None, "seed", "Startværdien (seed) skal være et helt tal fra 0 til 4.294.967.295 (fik ingen værdi)."),
        (None, 1, "n_draws", "Antal trækninger skal være et helt tal fra 1 til 1.000.000 (fik ingen værdi)."),
    ],
)
def test_draws_and_seed_are_refused_in_danish(kb_small, n_draws, seed, where, message):
    # they once became 1 draw silently (n_draws) or raised numpy's English ValueError/TypeError (seed)
    with pytest.raises(ScenarioError) as e:
        monte_carlo(scenario_a(), kb_small, n_draws=n_draws, seed=seed)
    assert [(p.where, p.message) for p in e.value.problems] == [(where, message)]


def test_the_tab_seed_field_cannot_hold_a_negative_seed():
    tab = UncertaintyTab()
    assert tab.seed.min == 0 and tab.seed.max == 2**32 - 1


def _at(rate):
    data = scenario_a().model_dump()
    data["outcomes"][0]["success_rate"] = rate
    return build_scenario(data)


def test_success_draws_keep_the_base_rate_as_their_mean(kb_small):
    # base 95 % without a study: sd 25 % of the rate = 23,75 %. Clipping a normal draw to 0–1 gave a mean
    # draw of 87,8 % (and 7,6 % less consequences on average). The beta draw has mean 95 % exactly; its
    # sd is capped at √(0.95 · 0.05 / 3) = 0.12583 (α + β ≥ 2). 200000 draws: standard error of the
    # mean 0.12583 / √200000 = 0.00028; allow 4 of them.
    spec = UncertaintySpec(use_studies=False)
    m = build_model(_at(0.95), kb_small)
    assert effect_uncertainty(m, kb_small, spec).loc[0, "sd_drawn"] == pytest.approx(0.12583, abs=1e-5)
    draws = draw_inputs(m, kb_small, spec, 200_000, seed=1).success[:, 0]
    assert draws.min() >= 0 and draws.max() <= 1
    assert abs(draws.mean() - 0.95) < 4 * 0.12583 / np.sqrt(200_000)
    assert draws.std() == pytest.approx(0.12583, rel=0.02)
    # and so the mean net result is the base result: consequences 0.95 × 10 × 400000 / 1 = 3.800.000 kr.
    # minus 200.000 kr. costs = 3.600.000 kr. (only the success rate varies)
    only = UncertaintySpec(use_studies=False, consequence_sd=0, price_sd=0, cost_sd=0)
    net = monte_carlo(_at(0.95), kb_small, 200_000, seed=1, spec=only).net.sum(axis=1)[:, 3]
    assert abs(net.mean() - 3_600_000) < 4 * net.std() / np.sqrt(len(net))


def test_success_rates_of_0_and_1_are_not_drawn(kb_small):
    for rate in (0.0, 1.0):
        draws = draw_inputs(build_model(_at(rate), kb_small), kb_small, UncertaintySpec(use_studies=False), 100, 3)
        assert (draws.success == rate).all()


def test_persistence_is_drawn_around_its_profile_one_rank_per_outcome(kb_small):
    # scenario C: job persistence 1, 0.8, 0.5 (0.5 holds after year 3); housed 1 (SØM's default: not drawn)
    m = build_model(scenario_c(), kb_small)
    spec = UncertaintySpec(persistence_sd=0.2)
    p = draw_inputs(m, kb_small, spec, 50_000, seed=4).persistence  # (D, O, K)
    assert (p[:, 0, 0] == 1).all() and (p[:, 1, :] == 1).all()
    # mean 0.8 with sd 0.16 and mean 0.5 with sd 0.1 (neither capped: √(0.8·0.2/3) = 0.23, √(0.25/3) = 0.29)
    assert abs(p[:, 0, 1].mean() - 0.8) < 4 * 0.16 / np.sqrt(50_000)
    assert abs(p[:, 0, 2].mean() - 0.5) < 4 * 0.1 / np.sqrt(50_000)
    assert p[:, 0, 1].std() == pytest.approx(0.16, rel=0.03)
    np.testing.assert_array_equal(p[:, 0, 2], p[:, 0, -1])  # the held share is one draw
    # comonotone: a draw high in year 2 is high in year 3 (rank correlation 1)
    r2, r3 = p[:, 0, 1].argsort().argsort(), p[:, 0, 2].argsort().argsort()
    np.testing.assert_array_equal(r2, r3)


def test_persistence_draws_keep_the_mean_and_count_in_the_spread(kb_small):
    # only persistence varies: the result is linear in it and each share's mean is its base, so the mean net
    # result is the deterministic one (scenario C's total over all years, discounted or not)
    spec = UncertaintySpec(success_sd=0, consequence_sd=0, price_sd=0, cost_sd=0, use_studies=False, persistence_sd=0.3)
    mc = monte_carlo(scenario_c(), kb_small, 20_000, seed=6, spec=spec)
    total = mc.net.sum(axis=1)[:, 3]
    expected = calculate(scenario_c(), kb_small).by_year_actor()["total"].sum()
    assert total.std() > 0
    assert abs(total.mean() - expected) < 4 * total.std() / np.sqrt(len(total))
    c = mc.contributions("total").set_index("group")
    assert c.loc["persistence", "share"] == pytest.approx(1.0)
    assert c.loc["persistence", "label"] == "Varighed"


def test_fast_persistence_path_equals_the_row_by_row_evaluation(kb_small):
    # Monte Carlo evaluates drawn persistence with one weight per consequence estimate × run of equal
    # base shares; model.evaluate does it row by row. Same draws, same kroner (to rounding).
    from som_kernel.uncertainty.monte_carlo import _evaluate_persistence, _persistence_stack

    m = build_model(scenario_c(), kb_small)
    inputs = draw_inputs(m, kb_small, UncertaintySpec(persistence_sd=0.3), 300, seed=2)
    assert inputs.persistence is not None
    for discounted in (False, True):
        stack, first = _persistence_stack(m, discounted)
        fast = _evaluate_persistence(m, inputs, stack, first)
        np.testing.assert_allclose(fast, evaluate(m, inputs, discounted), rtol=1e-12, atol=1e-6)


def test_group_sum_by_hand_and_bit_for_bit_as_add_at():
    from som_kernel.arrays import group_sum

    # rows 0 and 2 are group 1, row 1 is group 0, group 2 has none: [[2], [1 + 4], [0]] = [[2], [5], [0]]
    got = group_sum(np.array([1, 0, 1]), np.array([[1.0], [2.0], [4.0]]), 3)
    np.testing.assert_array_equal(got, [[2.0], [5.0], [0.0]])
    # each group's rows are added in row order, as np.add.at: (0,1 + 0,2) + 0,3 = 0.6000000000000001, while
    # 0,1 + (0,2 + 0,3) = 0.6; the order shows in the last bit
    got = group_sum(np.array([0, 0, 0]), np.array([0.1, 0.2, 0.3]), 1)
    assert got[0] == (0.1 + 0.2) + 0.3 == 0.6000000000000001
    rng = np.random.default_rng(3)
    for _ in range(50):
        n, g = int(rng.integers(1, 200)), int(rng.integers(1, 30))
        groups = rng.integers(0, g, n)
        values = rng.normal(size=(n, 4, 3)) * 10.0 ** rng.integers(-3, 9, size=(n, 1, 1))
        want = np.zeros((g, 4, 3))
        np.add.at(want, groups, values)
        assert (group_sum(groups, values, g).view(np.int64) == want.view(np.int64)).all()
    assert group_sum(np.zeros(0, dtype=int), np.zeros((0, 2)), 2).tolist() == [[0.0, 0.0], [0.0, 0.0]]
