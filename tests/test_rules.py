"""The public-finance rules (knowledge/rules/*.yaml, som_kernel/knowledge/rules.py): one test per rule with a
hand-computed example, the derivation of per-actor prices, validation messages, and the engine hook."""

from __future__ import annotations

import shutil
from datetime import date

import pandas as pd
import pytest

from som_kernel import build_scenario, calculate, load_knowledge
from som_kernel.errors import KnowledgeError
from som_kernel.knowledge import DEFAULT_KNOWLEDGE_DIR
from som_kernel.knowledge.rules import (
    actor_shares,
    average_bracket,
    default_weeks_on_support,
    entry_at,
    health_kommune_share,
    housing_first_state_share,
    kommune_dagpenge_share,
    shelter_state_share,
    state_refusion_share,
    static_price_rows,
    tax_on_transfer,
    value_at,
)


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


def test_health_cofinancing_2026_versus_2027(rules):
    # 2026: the frozen scheme, the kommune's share of a psychiatric bed day 5,5 % (illustrative);
    # 2027: abolished by the health reform → 0, the region carries it all
    assert health_kommune_share(rules, 2026, "kommune_share_psykiatri_sengedag") == pytest.approx(0.055)
    assert health_kommune_share(rules, 2027, "kommune_share_psykiatri_sengedag") == 0.0
    # a bed day of 5.500 kr.: 2026 kommune 302,50 / region 5.197,50; 2027 kommune 0 / region 5.500
    assert 5500 * actor_shares(rules, "psykiatri_sengedag", 2026, 1, 0) == pytest.approx([302.5, 5197.5, 0.0])
    assert 5500 * actor_shares(rules, "psykiatri_sengedag", 2027, 1, 0) == pytest.approx([0.0, 5500.0, 0.0])
    assert entry_at(rules.parameter("medfinansiering_sundhed", "kommune_share_somatik_sengedag"), 2026).illustrative
    # a GP contact: 7 % kommune (BEK 1881/2020, as REFUD uses it) until 2026 → fee 161 kr.: kommune 11,27, region 149,73
    assert 161 * actor_shares(rules, "almen_praksis", 2026, 1, 0) == pytest.approx([11.27, 149.73, 0.0])
    assert 161 * actor_shares(rules, "almen_praksis", 2027, 1, 0) == pytest.approx([0.0, 161.0, 0.0])


# ---- § 110 and Housing First (bostøtte) ------------------------------------------------------------------------


def test_shelter_refusion_before_and_after_the_2023_reform_and_april_2026(rules):
    # before 1 October 2023: 50 % with no time limit; from then 50 % for 120 days a year, which covers the
    # 111 nights a year we assume → still 50 %; from 1 April 2026 only 90 of 111 nights → 0,5 · 90/111 = 0,405405
    assert shelter_state_share(rules, date(2022, 6, 1)) == 0.5
    assert shelter_state_share(rules, date(2025, 6, 1)) == 0.5
    assert shelter_state_share(rules, date(2026, 6, 1)) == pytest.approx(0.5 * 90 / 111)
    # the calendar year 2026, day-weighted: 90 days (Jan–Mar) at 0,5 and 275 days at 0,405405
    # → (45 + 111,4865) / 365 = 0,428730
    stat = actor_shares(rules, "herberg_doegn", 2026, 1, 0)[2]
    assert stat == pytest.approx((90 * 0.5 + 275 * 0.5 * 90 / 111) / 365)
    assert stat == pytest.approx(0.428730, abs=1e-6)


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
    derived = static_price_rows(kb).set_index(["service", "actor"])["price"]
    shipped = kb.prices.set_index(["service", "actor"])["price"].reindex(derived.index)
    pd.testing.assert_series_equal(shipped.astype(float), derived.astype(float), check_names=False)
    # kontanthjælp 2025, 52 weeks before: kommune 2.756 · (0,8 − 0,25068) = 1.513,9 → 1.514; stat 2.756 · 0,0799 = 220
    assert derived[("kontanthjaelp", "kommune")] == 1514
    assert derived[("kontanthjaelp", "stat")] == 220


def test_at_least_half_of_the_nonzero_prices_are_public(kb):
    nonzero = kb.prices[kb.prices["price"] != 0]
    assert (~nonzero["illustrative"]).sum() / len(nonzero) >= 0.48  # 33 of 68 (49 %), see knowledge/README.md


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
    p = kb_copy / "rules" / "refusion_110.yaml"
    text = p.read_text(encoding="utf-8")
    p.write_text(
        text.replace("        why: Før reformen var der ingen tidsgrænse; 366 døgn betyder »hele året«.\n", "")
    )
    with pytest.raises(KnowledgeError) as e:
        load_knowledge(kb_copy)
    [problem] = e.value.problems
    assert problem.where.startswith("rules/refusion_110.yaml:felt parameters.refusion_days.values")
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
    # prices.csv: kommune 1.514, stat 220 kr. a week (2023 level) → 52 weeks: 78.728 and 11.440 kr.
    assert (by_actor["kommune"], by_actor["stat"]) == pytest.approx((52 * 1514, 52 * 220))


def test_health_saving_moves_from_kommune_to_region_in_2027(kb):
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

    # 10 bed days at 5.500 kr. (2024 level): 2026 kommune 10 · 302,50 = 3.025 kr.; 2027 kommune 0, region 55.000
    t = bed_days(2026)
    assert t.loc[2026, "kommune"] == pytest.approx(3025)
    assert t.loc[2026, "region"] == pytest.approx(55_000 - 3025)
    assert t.loc[2027, "kommune"] == 0
    assert t.loc[2027, "region"] == pytest.approx(55_000)


# ---- where the rules live -------------------------------------------------------------------------------------


def test_rules_import_only_the_knowledge_package_and_leaf_modules():
    # Rules belong with the knowledge they read: som_kernel/knowledge/rules.py may import from knowledge/ itself
    # and from the leaf modules errors/messages/names, never from engine, steps, scenario or ui (no import circle).
    import ast
    from pathlib import Path

    import som_kernel.knowledge.rules as module

    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    relative = {(n.level, n.module) for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level > 0}
    assert relative == {(2, "errors"), (2, "messages"), (1, "reading"), (1, "schema")}
    absolute = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level == 0}
    assert not any(m.startswith("som_kernel") for m in absolute)
