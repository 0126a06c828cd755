"""Checks across the knowledge base's tables: unique keys, references, units, and plausibility.

Errors (the knowledge base is refused) and warnings (it loads; the app and the reports show them) both name
file:række:kolonne. Plausibility limits are data: units.csv per unit, meta.yaml `limits` for the rest. All checks
are vectorised (pandas), so 100,000 consequence rows check in a fraction of a second.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ..errors import Problem
from .reading import where
from .schema import ACTORS, KEYS, Meta


def _kr(x: float) -> str:
    return f"{x:,.0f}".replace(",", ".") + " kr."


def _num(x: float) -> str:
    return f"{x:,.6g}".replace(",", "X").replace(".", ",").replace("X", ".")


class _Found:
    """Collects problems for the rows flagged by a mask; messages may use the row's columns."""

    def __init__(self, errors: list[Problem], warnings: list[Problem]):
        self.errors, self.warnings = errors, warnings

    def rows(self, df: pd.DataFrame, mask, column: str, message, warn: bool = False) -> None:
        mask = pd.Series(mask, index=df.index) if not isinstance(mask, pd.Series) else mask
        if not mask.any():
            return
        target = self.warnings if warn else self.errors
        for r in df[mask].itertuples(index=False):
            text = message(r) if callable(message) else message
            target.append(Problem(where(r.at_file, r.at_line, column), text))


def check_tables(t: dict[str, pd.DataFrame], meta: Meta, errors: list[Problem], warnings: list[Problem]) -> None:
    """All checks across tables `t` (file name → frame with `at_file`, `at_line`); appends to errors and warnings."""
    f = _Found(errors, warnings)
    limits = meta.limits
    tg, out, svc = t["target_groups.csv"], t["outcomes.csv"], t["services.csv"]
    prices, cons, studies = t["prices.csv"], t["consequences.csv"], t["effect_studies.csv"]
    index, units = t["net_price_index.csv"], t["units.csv"]

    for table, keys in KEYS.items():
        df = t[table]
        dup = df.duplicated(keys, keep="first")
        f.rows(
            df,
            dup,
            keys[0],
            lambda r, keys=keys: "Dublet: " + ", ".join(f"{k}={getattr(r, k)}" for k in keys) + " findes allerede.",
        )

    tg_ids, svc_ids = set(tg["id"]), set(svc["id"])
    f.rows(out, ~out["target_group"].isin(tg_ids), "target_group", lambda r: f"Ukendt målgruppe '{r.target_group}'.")
    outcome_group = dict(zip(out["id"], out["target_group"], strict=False))
    unit_of = dict(zip(svc["id"], svc["unit"], strict=False))
    unit_ids = set(units["unit"])
    f.rows(
        svc,
        ~svc["unit"].isin(unit_ids),
        "unit",
        lambda r: f"Enheden '{r.unit}' har ingen plausibilitetsgrænser i units.csv; tilføj den dér.",
    )

    disordered = ~((units["price_low"] <= units["price_high"]) & (units["price_high"] <= units["price_max"]))
    f.rows(units, disordered, "price_high", "Grænserne skal følge hinanden: price_low ≤ price_high ≤ price_max.")
    f.rows(units, units["use_high"] > units["use_max"], "use_high", "use_high må ikke være større end use_max.")

    # net price index: no gaps, no jumps
    years = sorted(int(y) for y in index["year"])
    span = f"{years[0]}–{years[-1]}" if years else "ingen år"
    if meta.default_price_year not in years:
        errors.append(
            Problem(
                "meta.yaml",
                f"Standard-prisniveauet {meta.default_price_year} findes ikke i nettoprisindekset ({span}).",
            )
        )
    ix = index.sort_values("year")
    change = ix["index"] / ix["index"].shift(1) - 1
    gap = ix["year"] - ix["year"].shift(1) > 1
    f.rows(ix, gap, "year", lambda r: f"Året før {r.year} mangler i nettoprisindekset (årene skal følge hinanden).")
    jump = ~gap & (change.abs() > limits.index_change_max)
    odd = ~gap & ~jump & (change.abs() > limits.index_change_warn)
    pct = change.map(lambda x: f"{x * 100:+.1f}".replace(".", ",") + " %")
    ix = ix.assign(x_pct=pct)
    f.rows(
        ix,
        jump,
        "index",
        lambda r: (
            f"Indekset ændrer sig {r.x_pct} fra året før (tilladt: højst "
            f"{limits.index_change_max * 100:g} %, meta.yaml limits.index_change_max); en tastefejl?"
        ),
    )
    f.rows(
        ix,
        odd,
        "index",
        lambda r: (
            f"Indekset ændrer sig {r.x_pct} fra året før; usædvanligt meget "
            f"(over {limits.index_change_warn * 100:g} %). Tjek tallet."
        ),
        warn=True,
    )

    _check_prices(f, prices, svc_ids, unit_of, units, years, span)

    for df in (cons, studies):
        f.rows(df, ~df["target_group"].isin(tg_ids), "target_group", lambda r: f"Ukendt målgruppe '{r.target_group}'.")
        owner = df["outcome"].map(outcome_group)
        f.rows(df, owner.isna(), "outcome", lambda r: f"Ukendt effektmål '{r.outcome}'.")
        wrong = owner.notna() & df["target_group"].isin(tg_ids) & (owner != df["target_group"])
        f.rows(
            df,
            wrong,
            "outcome",
            lambda r: (
                f"Effektmålet '{r.outcome}' hører til målgruppen '{outcome_group[r.outcome]}', ikke '{r.target_group}'."
            ),
        )

    _check_consequences(f, cons, svc, unit_of, units, set(prices["service"]), limits.consequence_years)
    _check_wages(f, t["wages.csv"], units, years, span)
    _check_studies(f, studies, limits.rate_tolerance)

    # plausible but odd: a target group nobody can reach a goal for, a goal with nothing to gain
    with_outcomes = set(out["target_group"])
    f.rows(
        tg,
        ~tg["id"].isin(with_outcomes),
        "id",
        lambda r: f"Målgruppen '{r.id}' har ingen effektmål i outcomes.csv, så den kan ikke regnes på.",
        warn=True,
    )
    with_cons = set(cons["outcome"])
    f.rows(
        out,
        ~out["id"].isin(with_cons),
        "id",
        lambda r: f"Effektmålet '{r.id}' har ingen konsekvensrækker i consequences.csv; en succes giver 0 kr.",
        warn=True,
    )


def price_limit(price: float, unit: str, limits: Mapping, source: str = "units.csv") -> tuple[bool, str] | None:
    """(refused, Danish message) for one actor's price per `unit` above the unit's limits (a row of units.csv:
    price_high, price_max, why), or None when it is plausible: over price_max it is refused (a price for another
    unit), over price_high it is unusually high (a warning). Used for prices.csv and for a price typed in the app;
    `source` names where the limits stand for the reader."""
    if price > limits["price_max"]:
        return True, (
            f"Prisen {_kr(price)} pr. {unit} er over grænsen {_kr(limits['price_max'])} i {source} "
            f"({limits['why']}). Er det en pris for en anden enhed (fx år i stedet for døgn)?"
        )
    if price > limits["price_high"]:
        return False, (
            f"Prisen {_kr(price)} pr. {unit} er usædvanligt høj (over {_kr(limits['price_high'])} i {source}). "
            "Tjek enheden."
        )
    return None


def _check_prices(f: _Found, prices, svc_ids, unit_of, units, years, span) -> None:
    f.rows(prices, ~prices["service"].isin(svc_ids), "service", lambda r: f"Ukendt ydelse '{r.service}'.")
    want = "kr. pr. " + prices["service"].map(unit_of).fillna("?")
    bad_unit = prices["service"].isin(svc_ids) & (prices["unit"] != want)
    f.rows(
        prices.assign(x_want=want),
        bad_unit,
        "unit",
        lambda r: f"Enheden skal være '{r.x_want}' som ydelsen, ikke '{r.unit}'.",
    )
    f.rows(
        prices,
        ~prices["price_year"].isin(years),
        "price_year",
        lambda r: f"Prisåret {r.price_year} findes ikke i nettoprisindekset ({span}).",
    )
    # every priced service has a row for each actor: a missing row would silently be 0 kr.
    have = set(zip(prices["service"], prices["actor"], strict=True))
    first = prices.drop_duplicates("service")
    for r in first.itertuples(index=False):
        lacking = [a for a in ACTORS if (r.service, a) not in have]
        if lacking:
            f.errors.append(
                Problem(
                    where(r.at_file, r.at_line, "actor"),
                    f"Ydelsen '{r.service}' mangler en række for {', '.join(lacking)}. Skriv en række med pris 0, "
                    "hvis aktøren ikke betaler (en manglende række ville stille og roligt blive 0 kr.).",
                )
            )
    # plausibility per unit (units.csv)
    lim = prices.assign(x_u=prices["service"].map(unit_of)).merge(
        units[["unit", "price_low", "price_high", "price_max", "why"]].rename(columns={"unit": "x_u"}), on="x_u"
    )
    # "1.469" meaning 1469 kr.: read as 1,469 kr., implausibly low for its unit → refused (754 × 0,876 = 660.504
    # kr. pr. døgn is a real price with three decimals and passes),
    # and read ×1000 it is a plausible price (a kommune's small share of a bed day, 264.552 kr., is not a typo)
    dot = lim["at_dot"].astype(bool) & (lim["price"] > 0) & (lim["price"] < lim["price_low"])
    dot &= lim["price"] * 1000 <= lim["price_max"]
    f.rows(
        lim,
        dot,
        "price",
        lambda r: (
            f"Prisen er læst som {_num(r.price)} kr. pr. {r.x_u}, under grænsen "
            f"{_kr(r.price_low)} i units.csv; er punktummet et tusindtalspunktum ({_kr(r.price * 1000)})? Skriv "
            "beløbet uden punktum (fx 1469), eller gem filen som dansk Excel-CSV (semikolon, decimalkomma)."
        ),
    )
    for r in lim[lim["price"] > lim["price_high"]].itertuples(index=False):
        refused, message = price_limit(r.price, r.x_u, r._asdict())
        (f.errors if refused else f.warnings).append(Problem(where(r.at_file, r.at_line, "price"), message))
    # too low is judged on the service's total over the actors (one actor's share may rightly be small)
    total = lim.groupby("service", sort=False).agg(
        price=("price", "sum"),
        price_low=("price_low", "first"),
        at_file=("at_file", "first"),
        at_line=("at_line", "first"),
        x_u=("x_u", "first"),
    )
    low = (total["price"] > 0) & (total["price"] < total["price_low"])
    f.rows(
        total,
        low,
        "price",
        lambda r: (
            f"Prisen i alt (alle aktører) {_kr(r.price)} pr. {r.x_u} er usædvanligt "
            f"lav (under {_kr(r.price_low)} i units.csv). Er det en pris for en kortere enhed, eller et "
            "tusindtalspunktum?"
        ),
        warn=True,
    )


# the hours of a full-time year: 37 hours × 52 weeks = 1.924 paid; fewer than 1.200 or more than 40 × 52 = 2.080
# working hours is not a full-time year
FTE_HOURS_MIN, FTE_HOURS_MAX = 1200, 2080
FTE_UNIT = "årsværk"


def _check_wages(f: _Found, wages, units, years, span) -> None:
    """A wage per årsværk within units.csv's limits for 'årsværk', plausible hours, a price year in the index."""
    f.rows(
        wages,
        ~wages["price_year"].isin(years),
        "price_year",
        lambda r: f"Prisåret {r.price_year} findes ikke i nettoprisindekset ({span}).",
    )
    odd_hours = (wages["hours_per_fte"] < FTE_HOURS_MIN) | (wages["hours_per_fte"] > FTE_HOURS_MAX)
    f.rows(
        wages,
        odd_hours,
        "hours_per_fte",
        lambda r: (
            f"Et årsværk har {_num(r.hours_per_fte)} timer; det skal ligge mellem {_num(FTE_HOURS_MIN)} og "
            f"{_num(FTE_HOURS_MAX)} (37 timer × 52 uger = 1.924 betalte timer, færre efter ferie og helligdage)."
        ),
    )
    limit = units[units["unit"] == FTE_UNIT]
    if limit.empty or wages.empty:
        return
    lim = limit.iloc[0]
    f.rows(
        wages,
        (wages["annual_wage"] < lim.price_low) | (wages["annual_wage"] > lim.price_max),
        "annual_wage",
        lambda r: (
            f"Årslønnen {_kr(r.annual_wage)} pr. årsværk ligger uden for grænserne {_kr(lim.price_low)}–"
            f"{_kr(lim.price_max)} i units.csv ({lim.why}). Er det en måneds- eller timeløn?"
        ),
    )
    f.rows(
        wages,
        (wages["annual_wage"] > lim.price_high) & (wages["annual_wage"] <= lim.price_max),
        "annual_wage",
        lambda r: f"Årslønnen {_kr(r.annual_wage)} er usædvanligt høj (over {_kr(lim.price_high)} i units.csv).",
        warn=True,
    )


def _check_consequences(f: _Found, cons, svc, unit_of, units, priced, max_year) -> None:
    svc_ids = set(unit_of)
    known = cons["service"].isin(svc_ids)
    f.rows(cons, ~known, "service", lambda r: f"Ukendt ydelse '{r.service}'.")
    unit = cons["service"].map(unit_of)
    f.rows(
        cons.assign(x_u=unit),
        known & (cons["unit"] != unit),
        "unit",
        lambda r: f"Enheden skal være '{r.x_u}' som ydelsen, ikke '{r.unit}'.",
    )
    f.rows(
        cons,
        known & ~cons["service"].isin(priced),
        "service",
        lambda r: f"Ydelsen '{r.service}' har ingen pris i prices.csv.",
    )
    f.rows(
        cons,
        cons["year"] > max_year,
        "year",
        lambda r: (
            f"Konsekvensår {r.year} ligger uden for det dokumenterede spænd 1–{max_year} "
            "(meta.yaml limits.consequence_years)."
        ),
    )
    lim = cons[["delta_use", "unit", "at_file", "at_line"]].merge(
        units[["unit", "use_high", "use_max", "why"]], on="unit", how="inner"
    )
    size = lim["delta_use"].abs()
    over = size > lim["use_max"]
    f.rows(
        lim,
        over,
        "delta_use",
        lambda r: (
            f"En person kan højst bruge {_num(r.use_max)} {r.unit} pr. år; "
            f"ændringen må ikke være større (fik {_num(r.delta_use)}). Grænsen står i units.csv ({r.why})."
        ),
    )
    f.rows(
        lim,
        ~over & (size > lim["use_high"]),
        "delta_use",
        lambda r: (
            f"Ændringen {_num(r.delta_use)} {r.unit} pr. person pr. år er usædvanligt stor "
            f"(over {_num(r.use_high)} i units.csv). Tjek tallet."
        ),
        warn=True,
    )
    # a revenue (tax) row counts what a successful person pays: more work gives more tax, never less
    flow = dict(zip(svc["id"], svc["flow"], strict=False))
    revenue = cons["service"].map(flow) == "revenue"
    f.rows(
        cons,
        revenue & (cons["delta_use"] < 0),
        "delta_use",
        lambda r: (
            f"'{r.service}' er en indtægt (skat, flow=revenue): ændringen skal være positiv, fordi en "
            f"succes giver flere år i job (fik {_num(r.delta_use)}). Et tab af skat skrives ikke som negativ skat."
        ),
    )
    lo, hi = cons["ci_low"], cons["ci_high"]
    f.rows(cons, lo.isna() != hi.isna(), "ci_low", "Udfyld både ci_low og ci_high, eller ingen af dem.")
    outside = lo.notna() & hi.notna() & ~((lo <= cons["delta_use"]) & (cons["delta_use"] <= hi))
    f.rows(cons, outside, "delta_use", "Ændringen skal ligge i sit interval (mellem ci_low og ci_high).")
    calibrated_public = (cons["calibrated_to"] != "") & ~cons["illustrative"].astype(bool)
    f.rows(
        cons,
        calibrated_public,
        "illustrative",
        lambda r: (
            f"Rækken er kalibreret til '{r.calibrated_to}' og er dermed vores tilpasning, ikke et offentligt "
            "tal: sæt illustrative=true."
        ),
    )


def _check_studies(f: _Found, st, tolerance: float) -> None:
    lo, hi = st["ci_low"], st["ci_high"]
    outside = lo.notna() & hi.notna() & ~((lo <= st["success_rate"]) & (st["success_rate"] <= hi))
    f.rows(st, outside, "success_rate", "Succesraten skal ligge mellem ci_low og ci_high.")
    f.rows(st, lo.isna() != hi.isna(), "ci_low", "Udfyld både ci_low og ci_high, eller ingen af dem.")
    t, c = st["rate_treatment"], st["rate_control"]
    both = t.notna() & c.notna()
    diff = (t - c).where(both)
    off = both & ((st["success_rate"] - diff).abs() > tolerance + 1e-9)
    f.rows(
        st.assign(x_d=diff),
        off,
        "success_rate",
        lambda r: (
            f"Succesraten {_num(r.success_rate)} passer ikke med studiets egne andele: rate_treatment − "
            f"rate_control = {_num(r.rate_treatment)} − {_num(r.rate_control)} = {_num(round(r.x_d, 6))} "
            f"(tilladt afvigelse {_num(tolerance)}, meta.yaml limits.rate_tolerance)."
        ),
    )
