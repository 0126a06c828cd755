"""Rewrite the prices.csv rows of rule-derived services (rule_links.csv) from the rules in knowledge/rules/.

A calculation never reads these rows: it derives every service in rule_links.csv from its gross rate and the
rules in force in each calendar year. The rows are what the knowledge browser shows, and they keep
prices.csv complete (three actors per service). They are computed for som_kernel.kb.rules.STATIC_CALENDAR_YEAR,
consequence year 1 of a one-year intervention, the default weeks on public support, before tax (a calculation
subtracts the tax when the setting »sparede ydelser efter skat« is on).
tests/test_rules.py checks that the rows equal the derivation, so run this after changing a rule or a rate:

    .venv/bin/python knowledge/tools/derive_prices.py           # show rows that differ, change nothing
    .venv/bin/python knowledge/tools/derive_prices.py --write   # rewrite knowledge/prices.csv
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from som_kernel import load_knowledge
from som_kernel.kb.rules import (
    FAMILY_NAMES_DA,
    STATIC_CALENDAR_YEAR,
    default_weeks_on_support,
    link_is_illustrative,
    static_price_rows,
)
from som_kernel.knowledge import DEFAULT_KNOWLEDGE_DIR


def note_for(kb, service: str) -> str:
    link = kb.rules.link(service)
    weeks = default_weeks_on_support(kb.rules, STATIC_CALENDAR_YEAR)
    if link["rule"] == "skat_overfoersler":
        gross = f"{link['gross_price']:,.0f}".replace(",", ".")
        return (
            f"Afledt: skat af en løn på {gross} kr. ({link['price_year']}) efter »{FAMILY_NAMES_DA[link['rule']]}« "
            f"(knowledge/rules/{link['rule']}.yaml) for kalenderåret {STATIC_CALENDAR_YEAR}: AM-bidrag og bundskat "
            f"til staten, kommuneskat efter AM-bidrag og beskæftigelsesfradrag til kommunen, intet personfradrag. "
            f"Beregningen bruger reglerne for hvert kalenderår (se rule_links.csv)."
        )
    tax = (
        " før skat (med »sparede ydelser efter skat« trækker beregningen kommuneskat og bundskat fra)"
        if link["taxable"]
        else ""
    )
    by_week = link["rule"] in ("refusion_forsoergelse", "medfinansiering_dagpenge")
    weeks_text = f", {weeks} uger på offentlig forsørgelse" if by_week else ""
    gross = f"{link['gross_price']:,.0f}".replace(",", ".")
    return (
        f"Afledt: bruttopris {gross} kr. ({link['price_year']}) fordelt efter "
        f"»{FAMILY_NAMES_DA[link['rule']]}« (knowledge/rules/{link['rule']}.yaml) for kalenderåret "
        f"{STATIC_CALENDAR_YEAR}{weeks_text}{tax}. Beregningen bruger reglerne for "
        f"hvert kalenderår (se rule_links.csv)."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite knowledge/prices.csv")
    parser.add_argument("--knowledge", type=Path, default=DEFAULT_KNOWLEDGE_DIR)
    args = parser.parse_args()
    kb = load_knowledge(args.knowledge, local=False, check_derived=False)
    if kb.rules is None:
        raise SystemExit("Vidensdatabasen har ingen regler (knowledge/rules/ og rule_links.csv).")
    derived = {(r.service, r.actor): r.price for r in static_price_rows(kb.rules).itertuples()}
    path = args.knowledge / "prices.csv"
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        fields, rows = reader.fieldnames, list(reader)
    changed = 0
    for row in rows:
        key = (row["service"], row["actor"])
        if key not in derived:
            continue
        link = kb.rules.link(row["service"])
        illustrative = link_is_illustrative(kb.rules, row["service"])
        new = {
            "price": str(int(derived[key])),
            "price_year": str(int(link["price_year"])),
            "source_title": link["source_title"],
            "source_url": link["source_url"],
            "illustrative": "true" if illustrative else "false",
            # derived: public figures (gross rate and every rule value of the horizon) by the rule's formula
            "status": "illustrative" if illustrative else "derived",
            "note": note_for(kb, row["service"]) if derived[key] else "Aktøren har ingen udgift.",
        }
        if "status" not in row:
            fields.append("status")
            for r in rows:
                r.setdefault("status", "")
        if any(row[k] != v for k, v in new.items()):
            changed += 1
            print(f"{key[0]:28} {key[1]:8} {row['price']:>8} → {new['price']:>8}  illustrativ={new['illustrative']}")
            row.update(new)
    print(f"{changed} rækker afviger fra reglerne.")
    if args.write and changed:
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        print(f"Skrevet: {path}")


if __name__ == "__main__":
    main()
