"""The public-finance rules (knowledge/rules/*.yaml, som_kernel/kb/rules.py): one test per rule with a
hand-computed example, the derivation of per-actor prices, validation messages, and the engine hook."""

from __future__ import annotations

import shutil
from datetime import date

import pandas as pd
import pytest

from som_kernel import build_scenario, calculate, check_scenario, load_knowledge
from som_kernel.errors import KnowledgeError, ScenarioError
from som_kernel.kb.rules import (
    actor_shares,
    average_bracket,
    costly_case_state_share,
    default_weeks_on_support,
    entry_at,
    health_kommune_share,
    housing_first_state_share,
    kommune_dagpenge_share,
    link_is_illustrative,
    pension_award_date,
    shelter_state_share,
    state_refusion_share,
    static_price_rows,
    tax_on_transfer,
    value_at,
    wage_tax_shares,
)
from som_kernel.knowledge import DEFAULT_KNOWLEDGE_DIR
from som_kernel.knowledge.status import nonzero_price_statuses


@pytest.fixture(scope="module")
def rules(kb):
    assert kb.rules is not None
    return kb.rules


# ---- the refusion staircase ---------------------------------------------------------------------------------


def test_staircase_30_weeks_on_kontanthjaelp_in_2026_and_2028(rules):
    # A person 30 weeks on kontanthjælp: the next week is week 31, in the band 27–52 → the state refunds 30 %.
    # No later change of the staircase is in the material we had, so 2028 gives the same 30 %.
    assert state_refusion_share(rules, date(2026, 6, 1), 31) == 0.30
    assert state_refusion_share(rules, date(2028, 6, 1), 31) == 0.30
    # the band edges: week 4 → 80 %, week 5 → 40 %, week 26 → 40 %, week 27 → 30 %, week 52 → 30 %, week 53 → 20 %
    assert [state_refusion_share(rules, 2026, w) for w in (4, 5, 26, 27, 52, 53)] == [0.8, 0.4, 0.4, 0.3, 0.3, 0.2]


def test_staircase_averaged_over_a_year_of_saved_weeks(rules):
    # Saved weeks 31..82 (30 weeks before): 22 weeks (31–52) at 30 % and 30 weeks (53–82) at 20 %
    # → (22 · 0,3 + 30 · 0,2) / 52 = 12,6 / 52 = 0,242308
    brackets = value_at(rules.parameter("refusion_forsoergelse", "state_share"), 2026)
    assert average_bracket(brackets, 30) == pytest.approx(12.6 / 52)
    # from week 0: 4 · 0,8 + 22 · 0,4 + 26 · 0,3 = 3,2 + 8,8 + 7,8 = 19,8 / 52
    assert average_bracket(brackets, 0) == pytest.approx(19.8 / 52)


def test_kontanthjaelp_split_2026_net_and_gross(rules):
    # 2026, 30 weeks before: state refund 0,242308 (above). Tax 2026: kommuneskat 25,049 %, bundskat 12,01 %.
    # Net: kommune 1 − 0,242308 − 0,25049 = 0,507202; stat 0,242308 − 0,1201 = 0,122208.
    # Of the gross 2.756 kr. a week: kommune 1.397,85 kr., stat 336,80 kr.
    net = actor_shares(rules, "kontanthjaelp", 2026, 1, 30, net_of_tax=True)
    assert net == pytest.approx([0.507202, 0.0, 0.122208], abs=1e-6)
    assert 2756 * net == pytest.approx([1397.85, 0.0, 336.80], abs=0.01)
    # Gross: kommune 0,757692, stat 0,242308 (they add up to the whole benefit)
    gross = actor_shares(rules, "kontanthjaelp", 2026, 1, 30, net_of_tax=False)
    assert gross == pytest.approx([0.757692, 0.0, 0.242308], abs=1e-6)


# ---- kommunal medfinansiering of a-dagpenge -----------------------------------------------------------------


def test_dagpenge_cofinancing_week_10_and_week_60(rules):
    # week 10 is in the band 5–26 → the kommune pays 60 %; week 60 is after week 52 → 80 %
    assert kommune_dagpenge_share(rules, 2025, 10) == 0.60
    assert kommune_dagpenge_share(rules, 2025, 60) == 0.80
    # a long-term recipient (52 weeks before) in 2025, net of tax: kommune 0,8 − 0,25068 = 0,54932, stat 0,2 − 0,1201
    assert actor_shares(rules, "a_dagpenge", 2025, 1, 52) == pytest.approx([0.54932, 0.0, 0.0799])


# ---- income tax on transfers ---------------------------------------------------------------------------------


def test_tax_on_10000_kr_of_kontanthjaelp(rules):
    # 2025: kommuneskat 25,068 % → 2.506,80 kr.; bundskat 12,01 % → 1.201,00 kr.; in all 3.707,80 kr.
    t = tax_on_transfer(rules, 2025, 10_000)
    assert (t["kommune"], t["region"], t["stat"]) == pytest.approx((2506.80, 0.0, 1201.00))
    # 2026: kommuneskat 25,049 % → 2.504,90 kr.
    assert tax_on_transfer(rules, 2026, 10_000)["kommune"] == pytest.approx(2504.90)


# ---- kommunal medfinansiering of health ------------------------------------------------------------------------


def test_health_cofinancing_frozen_since_2019_saves_the_kommune_nothing_at_the_margin(rules):
    # 2018: activity-based, the kommune's share of a psychiatric bed day 5,5 % (illustrative);
    # 2019–2026: a fixed monthly a-conto payment, not activity-based (Sundhedsdatastyrelsen) → 0, public;
    # 2027: abolished by the health reform → 0
    assert health_kommune_share(rules, 2018, "kommune_share_psykiatri_sengedag") == pytest.approx(0.055)
    assert health_kommune_share(rules, 2019, "kommune_share_psykiatri_sengedag") == 0.0
    assert health_kommune_share(rules, 2026, "kommune_share_psykiatri_sengedag") == 0.0
    assert health_kommune_share(rules, 2027, "kommune_share_psykiatri_sengedag") == 0.0
    # a bed day of 5.500 kr.: 2018 kommune 302,50 / region 5.197,50; 2026 and 2027 kommune 0 / region 5.500
    assert 5500 * actor_shares(rules, "psykiatri_sengedag", 2018, 1, 0) == pytest.approx([302.5, 5197.5, 0.0])
    assert 5500 * actor_shares(rules, "psykiatri_sengedag", 2026, 1, 0) == pytest.approx([0.0, 5500.0, 0.0])
    assert 5500 * actor_shares(rules, "psykiatri_sengedag", 2027, 1, 0) == pytest.approx([0.0, 5500.0, 0.0])
    frozen = entry_at(rules.parameter("medfinansiering_sundhed", "kommune_share_somatik_sengedag"), 2026)
    assert not frozen.illustrative and "sundhedsdatastyrelsen.dk" in frozen.reference.url
    # a GP contact (fee 161 kr.) in 2026: the kommune saves nothing either, the region 161 kr.
    assert 161 * actor_shares(rules, "almen_praksis", 2026, 1, 0) == pytest.approx([0.0, 161.0, 0.0])


# ---- one tax base for wages and benefits; SU; fleksjob ---------------------------------------------------------


def test_wage_tax_has_the_benefits_tax_base_no_personfradrag(rules):
    # The wage is Beskæftigelsesministeriet's (2015, table 1): former long-term kontanthjælp recipients earned
    # 23.064 kr. a month on average 13 months into the job (2013 level) · 12 = 276.768 kr. (price year 2013).
    link = rules.link("skat_loenindkomst")
    assert (link["gross_price"], link["price_year"], link["illustrative"]) == (23_064 * 12, 2013, False)
    assert "bm.dk" in link["source_url"]
    # 2025, that wage: AM-bidrag 8 % = 22.141,44 and bundskat 12,01 % of 254.626,56 = 30.580,65 → stat
    # 52.722,09; beskæftigelsesfradrag 12,30 % · 276.768 = 34.042,46 (under the cap 55.600), kommuneskat 25,068 % of
    # 276.768 − 22.141,44 − 34.042,46 = 220.584,10 → 55.296,02. No personfradrag, as for a saved benefit.
    w = 276_768
    shares = wage_tax_shares(rules, 2025, w)
    assert w * shares["stat"] == pytest.approx(22_141.44 + 0.1201 * 254_626.56)
    assert w * shares["stat"] == pytest.approx(52_722.09, abs=0.01)
    assert w * shares["kommune"] == pytest.approx(0.25068 * 220_584.096)
    assert w * shares["kommune"] == pytest.approx(55_296.02, abs=0.01)
    # the cap binds for 600.000 kr. in 2024: fradrag 45.100 (not 10,65 % · 600.000 = 63.900);
    # kommune 0,25018 · (600.000 − 48.000 − 45.100) = 126.816,24; stat 48.000 + 0,1206 · 552.000 = 114.571,20
    capped = wage_tax_shares(rules, 2024, 600_000)
    assert 600_000 * capped["kommune"] == pytest.approx(126_816.24)
    assert 600_000 * capped["stat"] == pytest.approx(114_571.20)
    # the engine's price for a year in job equals it (calendar year 2025, the wage's 2013 level), and so do the
    # prices.csv rows (whole kroner): kommune 55.296, stat 52.722
    assert w * actor_shares(rules, "skat_loenindkomst", 2025, 1, 0) == pytest.approx(
        [55_296.02, 0.0, 52_722.09], abs=0.01
    )
    rows = static_price_rows(rules).set_index(["service", "actor"])["price"]
    assert (rows[("skat_loenindkomst", "kommune")], rows[("skat_loenindkomst", "stat")]) == (55_296, 52_722)


def test_a_job_gains_the_personfradrag_gap_no_longer(rules):
    # Before: the wage's tax deducted the personfradrag (2024: 49.700 kr.) while a saved benefit was taxed at the
    # marginal rate: the job's gain was short by 49.700 · (0,25018 + 0,1206) = 18.427,8 kr. a year, split kommune
    # 12.434 / stat 5.994 (two to one). Now neither deducts it: the tax on a wage of W minus that on a benefit of
    # B is the marginal tax on the difference (plus AM-bidrag and minus the fradrag's value on the wage).
    w, b = 330_000, 52 * 2756
    job = wage_tax_shares(rules, 2024, w)
    benefit = tax_on_transfer(rules, 2024, b)
    kommune = w * job["kommune"] - benefit["kommune"]
    # 0,25018 · (330.000 · (1 − 0,08 − 0,1065) − 143.312) = 0,25018 · 125.143 = 31.308,3
    assert kommune == pytest.approx(0.25018 * (330_000 * 0.8135 - 143_312))


def test_su_is_taxable_and_netted_like_the_other_benefits(rules):
    # a saved SU month of 6.820 kr. in 2025: the state saves 6.820 · (1 − 0,1201) = 6.000,92 kr., the kommune
    # loses its kommuneskat 6.820 · 0,25068 = 1.709,64 kr.; gross the state saves all 6.820 kr.
    assert 6820 * actor_shares(rules, "su", 2025, 1, 0) == pytest.approx([-1709.6376, 0.0, 6000.918])
    assert 6820 * actor_shares(rules, "su", 2025, 1, 0, net_of_tax=False) == pytest.approx([0.0, 0.0, 6820.0])


def test_fleksjob_tax_is_counted_once(rules):
    # skat_fleksjob taxes the wage only (148.200 kr.); the tax on fleksløntilskud (231.996 kr., taxable) is
    # subtracted where the tilskud is saved. 2025: tilskud tax 231.996 · (0,25068 + 0,1201) = 86.019,9;
    # wage tax 148.200 · (0,08 + 0,1201 · 0,92 + 0,25068 · (1 − 0,08 − 0,123)) = 148.200 · 0,390284... = 57.840,1
    link = rules.link("skat_fleksjob")
    assert link["gross_price"] == 148_200
    tilskud_tax = 231_996 * (
        actor_shares(rules, "fleksloentilskud", 2025, 1, 52, net_of_tax=False)
        - actor_shares(rules, "fleksloentilskud", 2025, 1, 52)
    )
    assert tilskud_tax.sum() == pytest.approx(231_996 * (0.25068 + 0.1201))
    wage_tax = 148_200 * actor_shares(rules, "skat_fleksjob", 2025, 1, 0)
    assert wage_tax.sum() == pytest.approx(148_200 * (0.08 + 0.1201 * 0.92 + 0.25068 * 0.797))
    assert wage_tax.sum() == pytest.approx(57_840.1, abs=0.1)


# ---- særligt dyre enkeltsager, førtidspension by award date --------------------------------------------------


def test_costly_cases_refund_25_50_75_percent_above_the_thresholds(rules):
    # 2025 (2022-level thresholds 860.000 / 1.680.000 / 2.120.000): a case of 2.500.000 kr. a year →
    # 0,25 · 820.000 + 0,5 · 440.000 + 0,75 · 380.000 = 205.000 + 220.000 + 285.000 = 710.000 → 28,4 %
    assert costly_case_state_share(rules, 2025, 2_500_000) == pytest.approx(0.284)
    # 2020 (two steps: 25 % from 1.090.000, 50 % from 2.050.000): 0,25 · 960.000 + 0,5 · 450.000 = 465.000
    assert 2_500_000 * costly_case_state_share(rules, 2020, 2_500_000) == pytest.approx(465_000)
    # under the first threshold: nothing
    assert costly_case_state_share(rules, 2025, 800_000) == 0.0


def test_an_institution_placement_gives_the_state_its_refund(rules):
    # 1.160.000 kr. (2019) = 1.160.000 · 113,5 / 103,5 = 1.272.077,29 kr. at the thresholds' 2022 level; refund
    # 0,25 · (1.272.077,29 − 860.000) = 103.019,32 → 8,0985 % → stat 93.942,73 kr., kommune 1.066.057,27 kr. (2019)
    shares = actor_shares(rules, "anbringelse_institution", 2025, 1, 0)
    assert 1_160_000 * shares == pytest.approx([1_066_057.27, 0.0, 93_942.73], abs=0.01)
    # a foster family (470.000 kr.) stays under the threshold: the kommune pays all
    assert actor_shares(rules, "anbringelse_plejefamilie", 2025, 1, 0) == pytest.approx([1.0, 0.0, 0.0])


def test_foertidspension_refusion_follows_the_award_date(rules):
    # awarded before 1 July 2014 (pensionsloven § 52): 35 % to the state whatever the weeks; a pension saved in
    # 2016 in consequence year 3 was awarded in 2014 (1 January) → 35 %, gross
    assert actor_shares(rules, "foertidspension", 2016, 3, 104, net_of_tax=False) == pytest.approx([0.65, 0, 0.35])
    # awarded from 1 July 2014: the staircase, 20 % after week 52
    assert actor_shares(rules, "foertidspension", 2025, 1, 52, net_of_tax=False) == pytest.approx([0.8, 0, 0.2])
    assert pension_award_date(2016, 3) == date(2014, 1, 1)


# ---- § 110 and Housing First (bostøtte) ------------------------------------------------------------------------


def test_shelter_refusion_before_and_after_the_2023_reform_and_april_2026(rules):
    # before 1 October 2023: 50 % with no time limit (2019: 111 nights a year, Ankestyrelsen 2013; from 2020: 129,
    # Danmarks Statistik); from then 50 % for 120 of the 129 nights → 0,5 · 120/129 = 0,465116; from
    # 1 April 2026 only 90 of 129 → 0,5 · 90/129 = 0,348837
    assert shelter_state_share(rules, date(2019, 6, 1)) == 0.5
    assert shelter_state_share(rules, date(2022, 6, 1)) == 0.5
    assert shelter_state_share(rules, date(2025, 6, 1)) == pytest.approx(0.5 * 120 / 129)
    assert shelter_state_share(rules, date(2026, 6, 1)) == pytest.approx(0.5 * 90 / 129)
    # the calendar year 2026, day-weighted: 90 days (Jan–Mar) at 0,465116 and 275 days at 0,348837
    # → (41,8605 + 95,9302) / 365 = 0,377509
    stat = actor_shares(rules, "herberg_doegn", 2026, 1, 0)[2]
    assert stat == pytest.approx((90 * 0.5 * 120 / 129 + 275 * 0.5 * 90 / 129) / 365)
    assert stat == pytest.approx(0.377509, abs=1e-6)
    # prices.csv (2025): 1.507 kr. · 0,465116 = 700,93 → stat 701, kommune 806
    assert 1507 * actor_shares(rules, "herberg_doegn", 2025, 1, 0) == pytest.approx([806.07, 0, 700.93], abs=0.01)


def test_housing_first_refusion_two_years_after_discharge(rules):
    # from 1 October 2023: 50 % of § 85 a bostøtte for up to 2 years after discharge from § 110; before: none
    assert housing_first_state_share(rules, date(2024, 1, 1), 1) == 0.5
    assert housing_first_state_share(rules, date(2024, 1, 1), 2) == 0.5
    assert housing_first_state_share(rules, date(2024, 1, 1), 3) == 0.0
    assert housing_first_state_share(rules, date(2022, 1, 1), 1) == 0.0
    # 85.000 kr. a year in 2025: consequence year 1 → kommune 42.500, stat 42.500; year 3 → kommune 85.000
    assert 85000 * actor_shares(rules, "bostoette_hf", 2025, 1, 0) == pytest.approx([42500, 0, 42500])
    assert 85000 * actor_shares(rules, "bostoette_hf", 2025, 3, 0) == pytest.approx([85000, 0, 0])


# ---- dated values, defaults, the static rows -------------------------------------------------------------------


def test_value_at_takes_the_latest_value_in_force_and_refuses_earlier_dates(rules):
    days = rules.parameter("refusion_110", "refusion_days")
    assert value_at(days, date(2023, 9, 30)) == 366  # before the reform: no limit
    assert value_at(days, date(2023, 10, 1)) == 120
    assert value_at(days, date(2026, 3, 31)) == 120
    assert value_at(days, date(2026, 4, 1)) == 90
    with pytest.raises(KnowledgeError, match="ingen værdi før 2023-10-01"):
        value_at(rules.parameter("refusion_bostoette", "refusion_years"), date(2020, 1, 1))


def test_default_weeks_on_support_is_documented_and_illustrative(rules):
    assert default_weeks_on_support(rules, 2026) == 52
    e = entry_at(rules.parameter("refusion_forsoergelse", "default_weeks_on_support"), 2026)
    assert e.illustrative and "skøn" in e.why


def test_every_public_value_has_a_reference_and_every_illustrative_one_says_why(rules):
    for family in rules.families.values():
        for p in family.parameters.values():
            for e in p.values.values():
                assert (e.reference is not None and e.reference.url.startswith("http")) or (
                    e.illustrative and len(e.why) > 20
                )


def test_prices_csv_rows_of_linked_services_equal_the_derivation(kb):
    # knowledge/tools/derive_prices.py writes these rows; they must not drift from the rules
    derived = static_price_rows(kb.rules).set_index(["service", "actor"])["price"]
    shipped = kb.prices.set_index(["service", "actor"])["price"].reindex(derived.index)
    pd.testing.assert_series_equal(shipped.astype(float), derived.astype(float), check_names=False)
    # kontanthjælp 2025, 52 weeks before, split before tax: kommune 2.756 · 0,8 = 2.204,8 → 2.205; stat 2.756 · 0,2
    # = 551,2 → 551 (the calculation subtracts the tax; a row before tax is never negative, SU's kommune row is 0)
    assert derived[("kontanthjaelp", "kommune")] == 2205
    assert derived[("kontanthjaelp", "stat")] == 551
    assert (derived[("su", "kommune")], derived[("su", "stat")]) == (0, 6820)


def test_the_share_of_public_nonzero_prices_is_the_one_knowledge_readme_states(kb):
    # knowledge/README.md: 40 of the 64 non-zero prices are public or derived (62,5 %); before 2026.3: 33 of 68.
    # 64, not 68: the frozen health co-financing makes six kommune rows 0, § 176 adds two state rows; 38 → 40:
    # the wage tax's kommune and stat rows, derived since the wage is BM 2015's (23.064 kr. · 12, 2013).
    # the count `python -m som_kernel.knowledge status` prints ("Priser forskellige fra 0: 64 …")
    statuses = nonzero_price_statuses(kb)
    assert (int(statuses.isin(["public", "derived"]).sum()), len(statuses)) == (40, 64)
    nonzero = kb.prices[kb.prices["price"] != 0]
    assert set(nonzero.loc[~nonzero["illustrative"], "status"]) == {"public", "derived"}


def test_primus_motor_is_the_trial_with_its_own_effect(kb):
    s = kb.effect_studies.set_index("id").loc["primus_motor_mentor"]
    # 67 % of the control group and 29 % of the mentored re-offended → 0,71 − 0,33 = 0,38 (38 points)
    assert (s["rate_treatment"], s["rate_control"], s["success_rate"]) == (0.71, 0.33, 0.38)
    assert s["rate_treatment"] - s["rate_control"] == pytest.approx(s["success_rate"])


# ---- validation ------------------------------------------------------------------------------------------------


@pytest.fixture()
def kb_copy(tmp_path):
    folder = tmp_path / "kb"
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, folder, ignore=shutil.ignore_patterns("tools"))
    return folder


def test_an_illustrative_value_without_why_is_refused_with_file_and_field(kb_copy):
    p = kb_copy / "rules" / "skat_overfoersler.yaml"
    text = p.read_text(encoding="utf-8")
    why = "        why: Satserne for 2016–2019 står ikke i det materiale, vi har haft; vi fører 2020-satsen tilbage.\n"
    assert why in text
    p.write_text(text.replace(why, ""), encoding="utf-8")
    with pytest.raises(KnowledgeError) as e:
        load_knowledge(kb_copy)
    [problem] = e.value.problems
    assert problem.where.startswith("rules/skat_overfoersler.yaml:felt parameters.employment_deduction_rate.values")
    assert "skal have 'why'" in problem.message


def test_a_public_value_without_reference_and_a_bad_staircase_are_refused(kb_copy):
    p = kb_copy / "rules" / "medfinansiering_dagpenge.yaml"
    text = p.read_text(encoding="utf-8")
    text = text.replace(
        "- {from_week: 5, value: 0.6}", "- {from_week: 3, value: 0.6}\n          - {from_week: 2, value: 0.6}"
    )
    p.write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeError) as e:
        load_knowledge(kb_copy)
    assert any("stigende 'from_week'" in x.message for x in e.value.problems)


def test_a_link_to_an_unknown_rule_names_the_row_and_column(kb_copy):
    p = kb_copy / "rule_links.csv"
    p.write_text(
        p.read_text(encoding="utf-8").replace("kontanthjaelp,refusion_forsoergelse,", "kontanthjaelp,refusion_x,")
    )
    with pytest.raises(KnowledgeError) as e:
        load_knowledge(kb_copy)
    [problem] = e.value.problems
    assert problem.where == "rule_links.csv:række 2:kolonne rule"
    assert "Ukendt regel 'refusion_x'" in problem.message


def test_links_without_the_rules_folder_are_refused(kb_copy):
    shutil.rmtree(kb_copy / "rules")
    with pytest.raises(KnowledgeError, match="Mappen med regler mangler"):
        load_knowledge(kb_copy)


def test_a_derived_price_is_public_only_if_every_year_of_the_horizon_is(kb_copy):
    # kontanthjælp is public in 2025; an illustrative kommuneskat from 2030 makes it illustrative over the
    # horizon 2025–2034, though the 2025 value alone is still public
    p = kb_copy / "rules" / "skat_overfoersler.yaml"
    text = p.read_text(encoding="utf-8")
    later = (
        "      2030-01-01:\n        value: 0.26\n        illustrative: true\n        why: En antaget fremtidig sats.\n"
    )
    p.write_text(text.replace("  state_rate:\n", later + "  state_rate:\n", 1), encoding="utf-8")
    rules = load_knowledge(kb_copy, local=False, check_derived=False).rules
    assert link_is_illustrative(rules, "kontanthjaelp")
    assert not link_is_illustrative(rules, "kontanthjaelp", [2025])


def test_an_edit_of_a_rule_derived_price_is_refused_naming_where_it_comes_from(kb_copy):
    # doubling kontanthjælp's kommune row (2.205 → 4.410) used to load and change nothing
    p = kb_copy / "prices.csv"
    p.write_text(p.read_text(encoding="utf-8").replace("kontanthjaelp,kommune,2205,", "kontanthjaelp,kommune,4410,"))
    line = next(i for i, row in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if "kommune,4410" in row)
    with pytest.raises(KnowledgeError) as e:
        load_knowledge(kb_copy, local=False)
    [problem] = e.value.problems
    assert problem.where == f"prices.csv:række {line}:kolonne price"
    assert problem.message.startswith("Prisen for 'kontanthjaelp' (kommune) er afledt af regel: bruttoprisen i")
    assert "rules/refusion_forsoergelse.yaml giver 2.205 kr. (2023), ikke 4.410 kr. (2023)" in problem.message


def test_a_first_year_before_a_rules_first_date_is_refused_naming_the_setting(kb):
    # first_year 2015: the tax rule and the særligt dyre enkeltsager rule start on 2016-01-01 (the default weeks and
    # the staircase reach 2000) → refused at check time (checks.check_first_year), not inside calculate
    scenario = _one_week_of_kontanthjaelp(2015)
    with pytest.raises(ScenarioError) as e:
        check_scenario(scenario, kb)
    [problem] = e.value.problems
    assert problem.where == "settings.first_year"
    assert problem.message == (
        "Første år skal være 2016 eller senere: vidensdatabasens regler (Indkomstskat af overførselsindkomst og "
        "løn; Statsrefusion for særligt dyre enkeltsager) har ingen værdier før 2016 (fik 2015)."
    )
    with pytest.raises(ScenarioError):
        calculate(scenario, kb)
    # 2016 is fine: 52 saved weeks at 2.756 kr., weeks 53–104 → 20 % refund; net of 2016's (carried) tax rates
    # kommune 1 − 0,2 − 0,24982 = 0,55018, stat 0,2 − 0,1206 = 0,0794
    by_actor = _kontanthjaelp_by_actor(kb, _one_week_of_kontanthjaelp(2016))
    assert by_actor["kommune"] == pytest.approx(52 * 2756 * 0.55018, abs=0.5)
    assert by_actor["stat"] == pytest.approx(52 * 2756 * 0.0794, abs=0.5)


# ---- the engine ----------------------------------------------------------------------------------------------


def _one_week_of_kontanthjaelp(first_year: int, price_overrides=(), **settings):
    # one person, success rate 1, one consequence: 52 fewer weeks of kontanthjælp in consequence year 1
    return build_scenario(
        {
            "price_overrides": list(price_overrides),
            "target_group": "psykisk_lidelse",
            "participants": [1],
            "duration_years": 1,
            "outcomes": [{"outcome": "psykisk_lidelse_job_uddannelse", "success_rate": 1.0}],
            "consequence_overrides": [
                {"outcome": "psykisk_lidelse_job_uddannelse", "service": "kontanthjaelp", "year": 1, "delta_use": -52}
            ],
            "settings": {"price_year": 2023, "first_year": first_year, "horizon_years": 1, **settings},
        }
    )


def _kontanthjaelp_by_actor(kb, scenario) -> pd.Series:
    t = calculate(scenario, kb).table
    return t[t["service"] == "kontanthjaelp"].groupby("actor")["amount"].sum()


def test_engine_prices_kontanthjaelp_by_the_rules_of_the_calendar_year(kb):
    # 52 saved weeks in 2026 at the 2023 price level (the gross rate's level, so no index factor), 30 weeks
    # before: kommune 52 · 2.756 · 0,507202 = 72.692,4 kr.; stat 52 · 2.756 · 0,122208 = 17.514,5 kr.
    by_actor = _kontanthjaelp_by_actor(kb, _one_week_of_kontanthjaelp(2026, weeks_on_benefits=30))
    assert by_actor["kommune"] == pytest.approx(52 * 2756 * 0.507202, abs=0.5)
    assert by_actor["stat"] == pytest.approx(52 * 2756 * 0.122208, abs=0.5)
    # gross: the whole 52 · 2.756 = 143.312 kr. is saved, the state gets its refund share 0,242308
    gross = _kontanthjaelp_by_actor(
        kb, _one_week_of_kontanthjaelp(2026, weeks_on_benefits=30, benefits_net_of_tax=False)
    )
    assert gross.sum() == pytest.approx(52 * 2756)
    assert gross["stat"] == pytest.approx(52 * 2756 * 12.6 / 52)


def test_engine_uses_the_knowledge_default_weeks_when_the_setting_is_empty(kb):
    # default 52 weeks: all saved weeks after week 52 → state 20 %; 2026 net: kommune 1 − 0,2 − 0,25049 = 0,54951
    by_actor = _kontanthjaelp_by_actor(kb, _one_week_of_kontanthjaelp(2026))
    assert by_actor["kommune"] == pytest.approx(52 * 2756 * 0.54951, abs=0.5)


def test_a_local_price_override_still_wins_over_the_rule(kb):
    s = _one_week_of_kontanthjaelp(
        2026, price_overrides=[{"service": "kontanthjaelp", "actor": "kommune", "price": 1000, "price_year": 2023}]
    )
    by_actor = _kontanthjaelp_by_actor(kb, s)
    assert by_actor["kommune"] == pytest.approx(52 * 1000)
    assert by_actor["stat"] == pytest.approx(52 * 2756 * (0.2 - 0.1201), abs=0.5)  # the state keeps its rule


def test_a_knowledge_base_without_rules_prices_from_prices_csv(kb_copy):
    # Without knowledge/rules/ and rule_links.csv the engine reads prices.csv as before (fixed split).
    shutil.rmtree(kb_copy / "rules")
    (kb_copy / "rule_links.csv").unlink()
    kb = load_knowledge(kb_copy)
    assert kb.rules is None
    by_actor = _kontanthjaelp_by_actor(kb, _one_week_of_kontanthjaelp(2026))
    # prices.csv: kommune 2.205, stat 551 kr. a week (2023 level, before tax) → 52 weeks: 114.660 and 28.652 kr.
    assert (by_actor["kommune"], by_actor["stat"]) == pytest.approx((52 * 2205, 52 * 551))


def test_health_saving_is_the_regions_from_2019(kb):
    def bed_days(first_year):
        s = build_scenario(
            {
                "target_group": "psykisk_lidelse",
                "participants": [1],
                "duration_years": 1,
                "outcomes": [{"outcome": "psykisk_lidelse_job_uddannelse", "success_rate": 1.0}],
                "consequence_overrides": [
                    {
                        "outcome": "psykisk_lidelse_job_uddannelse",
                        "service": "psykiatri_sengedag",
                        "year": y,
                        "delta_use": -10,
                    }
                    for y in (1, 2)
                ],
                "settings": {"price_year": 2024, "first_year": first_year, "horizon_years": 2},
            }
        )
        t = calculate(s, kb).table
        rows = t[t["service"] == "psykiatri_sengedag"]
        return rows.pivot_table(index="year", columns="actor", values="amount", aggfunc="sum", fill_value=0.0)

    # 10 bed days at 5.500 kr. (2024 level): 2018 (activity-based) kommune 10 · 302,50 = 3.025 kr.;
    # 2019 (frozen) kommune 0, region 55.000 kr.
    t = bed_days(2018)
    assert t.loc[2018, "kommune"] == pytest.approx(3025)
    assert t.loc[2018, "region"] == pytest.approx(55_000 - 3025)
    assert t.loc[2019].get("kommune", 0.0) == 0
    assert t.loc[2019, "region"] == pytest.approx(55_000)


# ---- where the rules live -------------------------------------------------------------------------------------


def test_rules_import_only_the_knowledge_package_and_leaf_modules():
    # Rules belong with the knowledge they read: som_kernel/kb/rules.py may import from knowledge/ itself
    # and from the leaf modules errors/messages/names, never from engine, steps, scenario or ui (no import circle).
    import ast
    from pathlib import Path

    import som_kernel.kb.rules as module

    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    relative = {(n.level, n.module) for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level > 0}
    assert relative == {(2, "errors"), (2, "messages"), (1, "policy"), (1, "reading"), (1, "schema")}
    absolute = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level == 0}
    assert not any(m.startswith("som_kernel") for m in absolute)


def test_an_older_base_without_the_wage_tax_parameters_loads_and_diffs(kb_copy):
    # The wage-tax parameters are required only where a wage is linked to the tax rule: without the two wage
    # links a 2026.2-style tax file (kommune_rate, state_rate) still loads, so `knowledge diff` can read it.
    import yaml

    p = kb_copy / "rules" / "skat_overfoersler.yaml"
    data = yaml.safe_load(p.read_text(encoding="utf-8"))
    for name in ("am_rate", "employment_deduction_rate", "employment_deduction_cap"):
        del data["parameters"][name]
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(KnowledgeError) as e:
        load_knowledge(kb_copy, local=False)
    assert {q.message for q in e.value.problems} == {
        "Skat af løn kræver parametrene am_rate, employment_deduction_rate, employment_deduction_cap i "
        "rules/skat_overfoersler.yaml."
    }
    links = kb_copy / "rule_links.csv"
    kept = [line for line in links.read_text(encoding="utf-8").splitlines() if not line.startswith("skat_")]
    links.write_text("\n".join(kept) + "\n", encoding="utf-8")
    kb = load_knowledge(kb_copy, local=False, check_derived=False)
    assert not kb.rules.linked("skat_loenindkomst")
