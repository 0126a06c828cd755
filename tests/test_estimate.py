"""Consequence estimates from a kommune's own panel (issue 21; som_kernel/kb/estimate.py): the vectorised
OLS equals statsmodels, a hand example, coverage on synthetic panels with known truths, privacy, the layer it
writes (loaded, used by the IPS example and by the Monte Carlo), bad panels and the command line."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from synthetic_panel import TEMPLATE, Truth, synthetic_panel

from som_kernel import calculate, load_knowledge, load_scenario
from som_kernel.errors import PanelError
from som_kernel.kb.estimate import (
    MIN_CELL,
    WRITTEN,
    _year_fit,
    baseline_use,
    covariates,
    estimate,
    independent_columns,
    ols_success,
    regression,
)
from som_kernel.kb.estimate_report import write_layer
from som_kernel.kb.panel import Panel, read_panel
from som_kernel.knowledge.__main__ import main
from som_kernel.uncertainty import UncertaintySpec, build_model, consequence_uncertainty, monte_carlo

ROOT = Path(__file__).resolve().parent.parent
IPS = ROOT / "notebooks" / "scenarier" / "eksempel.json"
TG, OUTCOME = "psykisk_lidelse", "psykisk_lidelse_job_uddannelse"


def _csv(tmp_path: Path, frame: pd.DataFrame, name: str = "panel.csv") -> Path:
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def template_layer(tmp_path_factory, kb):
    """The layer estimated from the template's synthetic panel (400 persons, 3 services, years 0–10)."""
    folder = tmp_path_factory.mktemp("est")
    panel = _csv(folder, synthetic_panel(400, TEMPLATE, seed=2024).round(3))
    est = estimate(panel, TG, OUTCOME, kb)
    return est, write_layer(est, folder / "lag", kommune="Testkommune")


# ---- the arithmetic --------------------------------------------------------------------------------------


def test_vectorised_ols_equals_statsmodels_hc1():
    """Every service's success coefficient, HC1 standard error, 95 % interval and p equal statsmodels'
    OLS(y, [W, d, b]).fit(cov_type="HC1", use_t=True) to 1e-9, with a baseline column per service (one of them
    constant, so it is left out of that service's fit as statsmodels would find it collinear)."""
    rng = np.random.default_rng(7)
    n, S = 500, 4
    persons = pd.DataFrame(
        {
            "age": rng.integers(20, 61, n).astype(float),
            "female": (rng.random(n) < 0.5).astype(float),
            "base_year": rng.choice([2015, 2016, 2017], n),
        }
    )
    d = (rng.random(n) < 0.4).astype(float)
    W, names = covariates(persons)
    B = rng.gamma(2.0, 3.0, (n, S))
    B[:, 2] = 4.0  # no variation: this service is fitted without its baseline
    Y = 5 + 2 * d[:, None] + 0.1 * persons["age"].to_numpy()[:, None] + 0.5 * B + rng.normal(0, 1 + d[:, None], (n, S))
    got = ols_success(d, W, Y, B)
    lo, hi = got.interval()
    p = got.p_value()
    for s in range(S):
        X = np.column_stack([W, d] + ([B[:, s]] if s != 2 else []))
        ref = sm.OLS(Y[:, s], X).fit(cov_type="HC1", use_t=True)
        j = W.shape[1]  # the column of d
        assert got.beta[s] == pytest.approx(ref.params[j], rel=1e-9)
        assert got.se[s] == pytest.approx(ref.bse[j], rel=1e-9)
        assert (lo[s], hi[s]) == pytest.approx(tuple(ref.conf_int(0.05)[j]), rel=1e-9)
        assert p[s] == pytest.approx(ref.pvalues[j], rel=1e-9, abs=1e-300)
        assert got.df[s] == ref.df_resid
    assert names[:4] == ["konstant", "alder", "alder²", "køn"]


def test_two_persons_per_group_by_hand(tmp_path, kb):
    """Success: ages 30 and 40 with 2 and 6 weeks; non-success: ages 30 and 40 with 10 and 12 weeks; all women.
    Age is balanced between the groups, so the adjusted difference is the difference in means: 4 − 11 = −7.
    Fitted: success 4 ∓ 0,3·5 = 2,5 and 5,5 (slope 0,3 = pooled within-group slope (0,4 + 0,2)/2); non-success
    11 ∓ 1,5 = 9,5 and 12,5; residuals ∓0,5, ±0,5. Success residualised on [1, age] = ±0,5, Σ = 1;
    HC0 = Σ d̃²e² / (Σ d̃²)² = 4 · 0,25 · 0,25 = 0,25; HC1 = HC0 · n/(n − p) = 0,25 · 4/(4 − 3) = 1 → se 1.
    t(1) 97,5 % = 12,706: interval −19,706 to 5,706; p = 1 − (2/π)·atan(7) = 0,0903 (not significant).
    Sex has no variation and age² follows from two ages: both are left out (p = 3)."""
    persons = pd.DataFrame({"age": [30.0, 40.0, 30.0, 40.0], "female": 1.0, "base_year": 2020})
    W, used, dropped = independent_columns(*covariates(persons))
    assert (used, dropped) == (["konstant", "alder"], ["alder²", "køn"])
    fit = ols_success(np.array([1.0, 1, 0, 0]), W, np.array([[2.0], [6], [10], [12]]))
    lo, hi = fit.interval()
    assert fit.beta[0] == pytest.approx(-7)
    assert fit.se[0] == pytest.approx(1)
    assert (lo[0], hi[0]) == pytest.approx((-7 - 12.7062047, -7 + 12.7062047))
    assert fit.p_value()[0] == pytest.approx(1 - 2 / np.pi * np.arctan(7))  # 0,0903

    # the same four persons as a panel: 2 < 5 per group, so the estimate is suppressed and nothing is written
    panel = pd.DataFrame(
        {
            "person_id": ["a", "b", "c", "d"],
            "base_year": 2020,
            "year": 1,
            "success": [1, 1, 0, 0],
            "age": [30, 40, 30, 40],
            "sex": "K",
            "kontanthjaelp": [2, 6, 10, 12],
        }
    )
    est = estimate(_csv(tmp_path, panel), TG, OUTCOME, kb)
    row = est.table.iloc[0]
    assert row["outcome"] == "undertrykt: færre end 5 personer i en af grupperne"
    assert np.isnan(row["delta_use"]) and np.isnan(row["mean_success"]) and row["n_success"] == -1
    with pytest.raises(PanelError, match="Ingen estimater kan skrives"):
        write_layer(est, tmp_path / "lag")
    report = (tmp_path / "lag" / "rapport.md").read_text(encoding="utf-8")
    assert "| 1 | < 5 / < 5 | – | – | – | – | – | – | nej |" in report
    assert "| Personer | < 5 | < 5 |" in report
    assert not (tmp_path / "lag" / "consequences.csv").exists()
    with pytest.raises(PanelError, match="mindst 5"):
        estimate(_csv(tmp_path, panel), TG, OUTCOME, kb, min_cell=3)  # privacy cannot be turned down


def _fit_year_1(frame: pd.DataFrame):
    """estimate()'s own fit of year 1 (estimate._year_fit) on a synthetic frame, without the file round trip."""
    f = frame.assign(female=(frame["sex"] == "K").astype(float), person=pd.factorize(frame["person_id"])[0])
    panel = Panel("syntetisk.csv", "0" * 12, f, ("kontanthjaelp",), {"kontanthjaelp": "uge"})
    adjusted, raw, *_ = _year_fit(panel, 1, baseline_use(panel))
    return adjusted, raw


def test_adjusted_estimates_cover_the_truth_and_the_raw_difference_does_not():
    """100 seeded panels of 300 persons, success more likely when young, use rising with age (0,3 weeks a year):
    the adjusted 95 % interval covers the true −10 weeks in ≥ 93 panels (94 with these seeds; expected ≈ 95);
    the raw difference's own HC1 interval almost never does (1 of 100): the successes are ~8,5 years younger and
    use rises 0,3 + 0,3 · 0,3 (through the baseline) = 0,39 weeks a year of age, a bias of ≈ −3,3 weeks, about
    4 standard errors."""
    truth = {"kontanthjaelp": Truth(30.0, (-10.0,), 0.3, 6.0, limit=53)}
    adjusted = raw = 0
    for seed in range(100):
        fit, unadjusted = _fit_year_1(synthetic_panel(300, truth, seed=seed))
        lo, hi = fit.interval()
        adjusted += lo[0] <= -10 <= hi[0]
        lo, hi = unadjusted.interval()
        raw += lo[0] <= -10 <= hi[0]
    assert adjusted >= 93
    assert raw <= 20


def test_without_confounding_and_without_baseline_the_estimate_is_still_unbiased():
    """No year-0 rows (no baseline) and no confounding: over 30 panels the mean estimate is within 0,3 of −10,
    and the raw difference (nothing to adjust for) too."""
    truth = {"kontanthjaelp": Truth(30.0, (-10.0,), 0.3, 6.0, limit=53)}
    fits = [_fit_year_1(synthetic_panel(300, truth, seed=s, baseline=False, confounded=False)) for s in range(30)]
    assert np.mean([a.beta[0] for a, _ in fits]) == pytest.approx(-10, abs=0.3)
    assert np.mean([r.beta[0] for _, r in fits]) == pytest.approx(-10, abs=0.3)


def test_the_pipeline_reports_estimate_fits(template_layer):
    """estimate() writes what _year_fit finds: year 1 of kontanthjælp in the template layer."""
    est, _ = template_layer
    row = est.table[(est.table["service"] == "kontanthjaelp") & (est.table["year"] == 1)].iloc[0]
    assert row["ci_low"] < row["delta_use"] < row["ci_high"] and row["raw_difference"] < row["delta_use"]
    assert row["n_success"] + row["n_non_success"] == row["n"] == 400


# ---- the layer and the report ----------------------------------------------------------------------------


def test_layer_loads_with_estimated_rows_intervals_and_panel(template_layer):
    est, folder = template_layer
    kb = load_knowledge(local=folder)
    rows = kb.consequences[kb.consequences["local_layer"] == kb.local.name]
    assert len(rows) == len(est.written) == 28  # 30 service-years; psykiatri_sengedag years 9 and 10 not significant
    assert set(rows["status"]) == {"local_estimated"}
    assert (rows["ci_low"] <= rows["delta_use"]).all() and (rows["delta_use"] <= rows["ci_high"]).all()
    assert set(rows["n"]) == {400} and set(rows["panel"]) == {"panel.csv"}
    assert rows["panel_hash"].str.fullmatch(r"[0-9a-f]{12}").all()
    left = est.left_out
    assert left[["service", "year"]].values.tolist() == [["psykiatri_sengedag", 9], ["psykiatri_sengedag", 10]]
    assert left["outcome"].str.startswith("ikke signifikant på 5 %-niveau").all()


def test_report_says_associations_first_and_holds_no_person_data(template_layer):
    est, folder = template_layer
    report = (folder / "rapport.md").read_text(encoding="utf-8")
    head = report.split("## Grupperne")[0]
    assert "Sammenhænge, ikke kausale effekter" in head
    assert "| Personer | 164 | 236 |" in report  # the groups side by side
    assert "psykiatri_sengedag" in report and "ikke signifikant" in report.split("## Udeladt")[1]
    for text in (report, (folder / "consequences.csv").read_text(encoding="utf-8")):
        assert "p000" not in text  # no person id leaves the tool


def test_ips_example_moves_as_the_hand_calculation_says(template_layer, kb):
    """IPS: 50 starters in 2025, 2 years, success 13 % → 6,5 successes completing in 2026, consequence year 1 =
    2026. The national Δ year 1 is −18 weeks of kontanthjælp, so the kommune's 2026 gain is 6,5 × 18 × P, P its
    net price per week (the refusion rules' share of the rate); the layer's Δ is its written estimate, so the gain
    becomes 6,5 × |Δ| × P, i.e. it moves by (|Δ| − 18) / 18 of the national gain. Other services' 2026 amounts
    move the same way with their own estimates; services without estimates do not move."""
    est, folder = template_layer
    local_kb = load_knowledge(local=folder)
    scenario = load_scenario(IPS)
    national, local = calculate(scenario, kb).table, calculate(scenario, local_kb).table

    def gain_2026(t, service):
        return t[(t["service"] == service) & (t["year"] == 2026) & (t["actor"] == "kommune")]["amount"].sum()

    written = pd.read_csv(folder / "consequences.csv")
    delta = written[(written["service"] == "kontanthjaelp") & (written["year"] == 1)]["delta_use"].iloc[0]
    assert delta == est.written["delta_use"].iloc[0].round(4) == pytest.approx(-16.0893)
    price = gain_2026(national, "kontanthjaelp") / (6.5 * 18)
    assert 1400 < price < 1700  # about 1.514 kr. a week at the kommune's share (prices.csv, 2023 level)
    assert gain_2026(local, "kontanthjaelp") == pytest.approx(6.5 * abs(delta) * price)
    assert gain_2026(local, "foertidspension") == gain_2026(national, "foertidspension")
    statuses = local_kb.consequences_for(TG, OUTCOME).groupby("service")["status"].first()
    assert statuses["kontanthjaelp"] == "local_estimated" and statuses["foertidspension"] == "illustrative"


def test_monte_carlo_uses_the_estimated_interval(template_layer):
    """The kontanthjælp profile's relative sd = Σ_k (ci_high − ci_low)/(2 · 1,96) / Σ_k |Δ_k| from the layer's
    rows; the draws are normal with mean 1 and that sd; services without estimates keep the assumed 20 %."""
    _, folder = template_layer
    kb = load_knowledge(local=folder)
    scenario = load_scenario(IPS)
    model = build_model(scenario, kb)
    own = consequence_uncertainty(model, kb, UncertaintySpec()).set_index("service")
    rows = pd.read_csv(folder / "consequences.csv")
    k = rows[rows["service"] == "kontanthjaelp"]
    expected = ((k["ci_high"] - k["ci_low"]) / (2 * 1.959963984540054)).sum() / k["delta_use"].abs().sum()
    assert own.loc["kontanthjaelp", "sd"] == pytest.approx(expected)
    assert own.loc["kontanthjaelp", "source"] == "estimat"
    assert own.loc["foertidspension", ["sd", "source"]].tolist() == [0.2, "antaget"]
    mc = monte_carlo(scenario, kb, 40_000, seed=3)
    g = model.groups.index[model.groups["service"] == "kontanthjaelp"][0]
    draws = mc.inputs.consequence[:, g]
    assert draws.mean() == pytest.approx(1, abs=0.002)
    assert draws.std() == pytest.approx(expected, rel=0.02)
    off = consequence_uncertainty(model, kb, UncertaintySpec(use_estimates=False))
    assert set(off["source"]) == {"antaget"}


def test_monte_carlo_without_estimates_draws_as_before(kb):
    """A knowledge base without estimated rows draws nothing extra: the same seed gives the same draws."""
    scenario = load_scenario(IPS)
    a = monte_carlo(scenario, kb, 200, seed=5).net
    model = build_model(scenario, kb)
    assert set(consequence_uncertainty(model, kb, UncertaintySpec())["source"]) == {"antaget"}
    assert np.array_equal(a, monte_carlo(scenario, kb, 200, seed=5).net)


def test_only_significant_can_be_turned_off(tmp_path, kb):
    frame = synthetic_panel(400, TEMPLATE, seed=2024).round(3)
    est = estimate(_csv(tmp_path, frame), TG, OUTCOME, kb, only_significant=False)
    assert len(est.written) == 30
    assert "alle estimater skrives" in (write_layer(est, tmp_path / "alle") / "rapport.md").read_text("utf-8")


def test_danish_excel_panel_gives_the_same_estimates(tmp_path, kb):
    frame = synthetic_panel(100, {"kontanthjaelp": TEMPLATE["kontanthjaelp"]}, seed=1).round(3)
    comma = estimate(_csv(tmp_path, frame), TG, OUTCOME, kb, only_significant=False).table
    path = tmp_path / "dansk.csv"
    frame.to_csv(path, sep=";", decimal=",", index=False, encoding="cp1252")
    danish = estimate(path, TG, OUTCOME, kb, only_significant=False).table
    pd.testing.assert_frame_equal(comma, danish)
    frame.to_parquet(tmp_path / "panel.parquet")
    parquet = estimate(tmp_path / "panel.parquet", TG, OUTCOME, kb, only_significant=False).table
    pd.testing.assert_frame_equal(comma, parquet)


def test_small_cells_in_the_group_characteristics_are_suppressed(tmp_path, kb):
    """4 women among 40 successes: the share of women (and of men, its complement) is not shown for that group."""
    frame = synthetic_panel(100, {"kontanthjaelp": TEMPLATE["kontanthjaelp"]}, seed=4)
    successes = frame.loc[frame["success"] == 1, "person_id"].unique()
    frame.loc[frame["person_id"].isin(successes), "sex"] = "M"
    frame.loc[frame["person_id"].isin(successes[:4]), "sex"] = "K"
    groups = estimate(_csv(tmp_path, frame), TG, OUTCOME, kb).groups.set_index("characteristic")
    assert np.isnan(groups.loc["women", "success_group"])
    assert not np.isnan(groups.loc["women", "non_success_group"])
    assert MIN_CELL == 5


# ---- bad panels --------------------------------------------------------------------------------------------


def _small_panel() -> pd.DataFrame:
    return synthetic_panel(20, {"kontanthjaelp": TEMPLATE["kontanthjaelp"]}, seed=9, baseline=False).round(2)


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda f: f.drop(columns=["age"]), "panel.csv:kolonne age: Kolonnen mangler."),
        (lambda f: f.rename(columns={"kontanthjaelp": "kontanthjælp"}), "'kontanthjælp' er ikke en ydelse"),
        (lambda f: f.rename(columns={"kontanthjaelp": "kontanthjaelp [dag]"}), "opgøres i uge, ikke dag"),
        (
            lambda f: f.assign(kontanthjaelp=f["kontanthjaelp"].where(f.index != 3, 60)),
            "panel.csv:række 5:kolonne kontanthjaelp: 60 uge",
        ),
        (lambda f: f.assign(success=1), "Ingen personer i ikke-succesgruppen"),
        (
            lambda f: pd.concat([f, f.iloc[[2]]], ignore_index=True),
            "panel.csv:række 202:kolonne year: Personen og året står allerede",
        ),
        (
            lambda f: f.assign(kontanthjaelp=f["kontanthjaelp"].where(f.index != 0, -1)),
            "panel.csv:række 2:kolonne kontanthjaelp: Brugen kan ikke være negativ",
        ),
        (
            lambda f: f.assign(success=f["success"].where(f.index != 7, 2)),
            "panel.csv:række 9:kolonne success: Succes skal være 0 eller 1 (fik 2)",
        ),
        (
            lambda f: f.assign(sex=f["sex"].where(f.index != 1, "X")),
            "panel.csv:række 3:kolonne sex: Køn skal være K eller M",
        ),
        (
            lambda f: f.assign(age=f["age"].astype(object).where(f.index != 4, "")),
            "panel.csv:række 6:kolonne age: Cellen er tom",
        ),
    ],
)
def test_bad_panels_get_danish_messages_naming_file_row_and_column(tmp_path, kb, change, expected):
    path = _csv(tmp_path, change(_small_panel()))
    with pytest.raises(PanelError) as e:
        read_panel(path, kb)
    assert expected in str(e.value)


def test_every_problem_is_reported_at_once_with_counts(tmp_path, kb):
    """12 negative cells: 5 named, '… og 7 rækker mere'; and the bad success value in the same error."""
    f = _small_panel()
    f.loc[:11, "kontanthjaelp"] = -1
    f.loc[15, "success"] = 3
    with pytest.raises(PanelError) as e:
        read_panel(_csv(tmp_path, f), kb)
    text = str(e.value)
    assert text.count("Brugen kan ikke være negativ") == 5 and "… og 7 rækker mere med samme fejl." in text
    assert "række 17:kolonne success" in text


def test_person_values_must_agree_between_rows(tmp_path, kb):
    f = _small_panel()
    f.loc[1, "age"] = f.loc[0, "age"] + 1  # rows 2 and 3 are the same person, years 1 and 2
    with pytest.raises(PanelError, match="række 3:kolonne age: Personen har et andet alder"):
        read_panel(_csv(tmp_path, f), kb)


# ---- the command line --------------------------------------------------------------------------------------


def test_command_line_writes_the_layer_and_refuses_bad_input(tmp_path, capsys):
    panel = _csv(tmp_path, synthetic_panel(400, TEMPLATE, seed=2024).round(3))
    out = tmp_path / "lokale" / "min_kommune"
    args = [
        "estimate",
        str(panel),
        "-o",
        str(out),
        "--target-group",
        TG,
        "--outcome",
        OUTCOME,
        "--kommune",
        "Min Kommune",
    ]
    assert main(args) == 0
    assert "Skrev 28 af 30 estimater" in capsys.readouterr().out
    kb = load_knowledge(local=out)
    assert kb.local.kommune == "Min Kommune" and kb.local.name == "min_kommune"
    assert main(args) == 0  # a second run replaces its own estimates
    assert main([*args[:-4], "--outcome", "hjemloeshed_ud_af_hjemloeshed"]) == 1
    assert "hører til målgruppen 'hjemloeshed'" in capsys.readouterr().err
    (out / "consequences.csv").write_text("target_group,status\nx,local\n", encoding="utf-8")
    assert main(args) == 1
    assert "kommunens egne rækker" in capsys.readouterr().err
    assert WRITTEN == "skrevet"


def test_the_full_regression_of_one_cell_agrees_with_the_table(template_layer, kb):
    """regression() (statsmodels, for the notebook) gives the same success coefficient and interval as the table."""
    est, folder = template_layer
    panel = read_panel(folder.parent / "panel.csv", kb)
    fit = regression(panel, "kontanthjaelp", 3)
    row = est.table[(est.table["service"] == "kontanthjaelp") & (est.table["year"] == 3)].iloc[0]
    assert fit.params["succes"] == pytest.approx(row["delta_use"], rel=1e-9)
    assert tuple(fit.conf_int().loc["succes"]) == pytest.approx((row["ci_low"], row["ci_high"]), rel=1e-9)
    assert list(fit.params.index) == [
        "konstant",
        "alder",
        "alder²",
        "køn",
        "basisår 2016",
        "succes",
        "brug i basisåret",
    ]
    with pytest.raises(PanelError, match="færre end 5"):
        regression(panel, "su", 3)


def test_the_app_marks_estimated_rows_and_shows_their_uncertainty(template_layer):
    """Step 4 flags the layer's profiles 'lokal estimeret' (with the panel in its title); the uncertainty tab's
    table names the kommune's own interval as the source of their sd."""
    from som_kernel.ui.app import TAB_CONSEQUENCES, build_app
    from som_kernel.ui.uncertainty_tab import UncertaintyTab

    _, folder = template_layer
    kb = load_knowledge(local=folder)
    scenario = load_scenario(IPS)
    app = build_app(kb, scenario)
    app.tabs.selected_index = TAB_CONSEQUENCES
    texts = [t for t in _html_texts(app.consequences.box) if "Kontanthjælp" in t]
    assert any(">lokal estimeret</span>" in t and "estimeret fra panelet panel.csv" in t for t in texts)
    model = build_model(scenario, kb)
    shown = UncertaintyTab.consequences_display(consequence_uncertainty(model, kb, UncertaintySpec()), model)
    assert shown.loc["Kontanthjælp", "Kilde"] == "lokal estimeret: eget 95 %-interval"
    assert shown.loc["Førtidspension", ["Kilde", "Sd i Monte Carlo"]].tolist() == ["antaget", "20,0 %"]


def _html_texts(widget) -> list[str]:
    out = [widget.value] if hasattr(widget, "value") and isinstance(widget.value, str) else []
    for child in getattr(widget, "children", ()):
        out += _html_texts(child)
    return out


def test_the_layer_has_every_consequence_column_in_the_national_order(template_layer):
    from som_kernel.kb.estimate import LAYER_COLUMNS
    from som_kernel.knowledge import Consequence

    _, folder = template_layer
    header = (folder / "consequences.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header == LAYER_COLUMNS and set(header) == set(Consequence.model_fields)
    national = (ROOT / "knowledge" / "consequences.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[: len(national)] == national
