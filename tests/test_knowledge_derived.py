"""Derived consequence rows (status `derived`, knowledge/README.md): each one is recomputed here, by hand, from the
public figure its note names, so a row cannot drift from its source and a new `derived` row cannot arrive without
its formula being checked. Today there is one: year 1 of »ud af hjemløshed« × herberg."""

from som_kernel.kb.rules import entry_at, value_at

HERBERG_YEAR_1 = ("hjemloeshed", "hjemloeshed_ud_af_hjemloeshed", "herberg_doegn", 1)


def _row(kb, target_group, outcome, service, year):
    c = kb.consequences
    hit = c[(c.target_group == target_group) & (c.outcome == outcome) & (c.service == service) & (c.year == year)]
    assert len(hit) == 1
    return hit.iloc[0]


def test_every_derived_consequence_row_is_recomputed_here(kb):
    # a row marked derived must have its formula checked below; add its test when you add the row
    c = kb.consequences
    derived = c[c.status == "derived"]
    assert set(zip(derived.target_group, derived.outcome, derived.service, derived.year)) == {HERBERG_YEAR_1}


def test_herberg_year_1_is_no_night_against_the_average_shelter_user(kb):
    # the outcome: a success uses no § 110 shelter in the year after (0 nights); the one who does not reach it uses
    # § 110 that year, and an average user stayed 129 nights in 2020 (Danmarks Statistik). Δ = 0 − 129 = −129.
    # The § 110 refusion rule reads the same figure from 2020 (nights_per_year), so the two cannot part.
    nights = kb.rules.parameter("refusion_110", "nights_per_year")
    assert value_at(nights, 2020) == 129
    row = _row(kb, *HERBERG_YEAR_1)
    assert row.delta_use == 0 - 129
    assert row.status == "derived"
    assert not row.illustrative
    assert row.source_url == entry_at(nights, 2020).reference.url


def test_herberg_years_2_to_10_stay_our_declining_guess(kb):
    # years 2–10 are not derived: a straight line from the older 111 nights (Ankestyrelsen, 2013) in year 1 to 40 in
    # year 10, i.e. 111 − 71 · (k − 1) / 9: year 2 = 111 − 7,889 = −103,111 nights, year 10 = −40
    row2 = _row(kb, "hjemloeshed", "hjemloeshed_ud_af_hjemloeshed", "herberg_doegn", 2)
    row10 = _row(kb, "hjemloeshed", "hjemloeshed_ud_af_hjemloeshed", "herberg_doegn", 10)
    assert row2.delta_use == -103.111
    assert row10.delta_use == -40
    assert row2.status == row10.status == "illustrative"
    assert "i 2013 (Ankestyrelsen 2014" in row2.note
    assert value_at(kb.rules.parameter("refusion_110", "nights_per_year"), 2019) == 111
