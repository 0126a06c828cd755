"""The decision paper (beslutningsoplæg) for a committee or the city council, as Word (.docx) or print-ready HTML.

    python -m som_kernel.report SCENARIO.json [SCENARIO2.json …] -o FILE.docx|FILE.html [--viden MAPPE]

Page 1 is what a council member reads in two minutes: what the intervention is, the plain-Danish summary, the
net result per actor and in total, break-even per actor, the success rate at which it breaks even, the main
uncertainty and the caveats. Then the average participant's course, results per year and welfare area, the
assumptions with full sources and the checklist. With more than one scenario (or a file with pinned
alternatives) the first is the base and a comparison follows page 1.

`paper(...)` builds the paper as a list of blocks (headings, paragraphs, tables, images, page breaks);
`to_docx` and `to_html` (som_kernel.report_render) render the same blocks, so the two formats never say
different things. The tables and sentences the example notebooks show too (key table, comparison table,
results per actor and area, break-even sentences, assumptions) come from som_kernel.presentation; the rest of
the paper's content is written here.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pandas as pd

from .checklist import (
    SOURCED_STATUSES,
    STATUS_ORDER,
    checklist,
    checklist_table,
    declared_study,
    illustrative_share,
)
from .compare import compare, load_document
from .engine import calculate
from .errors import ScenarioError, SomError
from .export import chart_png, consequence_sources
from .format import number, pct
from .knowledge import ACTORS, KnowledgeBase, load_knowledge
from .names import ACTOR_NAMES_DA, STATUS_NAMES_DA
from .presentation.tables import assumptions, comparison_table, key_table, results_by_actor, results_by_area
from .presentation.text import break_even_sentences, gains_only
from .report_render import Block, to_docx, to_html
from .scenario import Scenario
from .summary import ACTOR_DEFINITE_DA, amount_text, summary
from .views import TOTAL, Result

# ---- the paper as blocks ------------------------------------------------------------------------------------


def switching_sentences(result: Result, kb: KnowledgeBase) -> list[str]:
    """The success rate at which the net result over the period is zero, in total and per paying actor."""
    from .uncertainty import switching_values

    sv = switching_values(result.scenario, kb)
    kind = "success_rate" if len(result.scenario.outcomes) == 1 else "success_scale"
    base = result.scenario.outcomes[0].success_rate
    out = []
    for a in (TOTAL, *ACTORS):
        if a != TOTAL and (gains_only(result, a) or result.totals_by_kind().at["cost", a] == 0):
            continue
        row = sv[(sv["actor"] == a) & (sv["kind"] == kind)].iloc[0]
        who = "det offentlige samlet" if a == TOTAL else ACTOR_DEFINITE_DA[a]
        if row["status"] == "switching":
            if kind == "success_rate":
                out.append(
                    f"For {who} går indsatsen i nul over perioden ved en succesrate på {pct(row['value'], 1)} "
                    f"(beregningen bruger {pct(base, 1)})."
                )
            else:
                out.append(
                    f"For {who} går indsatsen i nul, når alle succesrater er {pct(row['value'], 0)} af de antagne."
                )
        elif row["status"] == "always_positive":
            out.append(f"For {who} er nettoresultatet positivt, selv uden effekt.")
        elif row["status"] == "always_negative":
            out.append(f"For {who} er nettoresultatet negativt ved enhver succesrate op til 100 %.")
    return out


def main_uncertainty(result: Result, kb: KnowledgeBase) -> str:
    """The input that moves the total net result the most between its low and high value (one-way), in Danish."""
    from .uncertainty import one_way

    ow = one_way(result.scenario, kb)
    ow = ow[ow["actor"] == TOTAL]
    if ow.empty:
        return ""
    top = ow.sort_values("swing", ascending=False).iloc[0]
    lo, hi = sorted((top["net_low"], top["net_high"]))
    return (
        f"Den største usikkerhed er {top['label'][0].lower() + top['label'][1:]}: mellem den lave og den høje værdi "
        f"ligger nettoresultatet for det offentlige samlet mellem {amount_text(lo)} og {amount_text(hi)} "
        f"(grundberegningen: {amount_text(top['net_base'])})."
    )


def caveats(result: Result, kb: KnowledgeBase) -> list[str]:
    """What a reader must know about the numbers: how many are illustrative (and their weight), national vs
    local prices, and that SØM counts public budgets only."""
    s = result.scenario
    out = []
    src = consequence_sources(result, kb)
    own = ~src["status"].isin(SOURCED_STATUSES)
    by_status = src.loc[own, "status"].value_counts()
    kinds = ", ".join(f"{STATUS_NAMES_DA[st]}: {by_status[st]}" for st in STATUS_ORDER if st in by_status)
    services = set(src["service"])
    local_prices = {(p.service, p.actor) for p in s.price_overrides}
    prices = kb.prices[kb.prices["service"].isin(services)]
    kept = [(sv, a) not in local_prices for sv, a in zip(prices["service"], prices["actor"])]
    prices = prices[pd.Series(kept, index=prices.index, dtype=bool)]  # a plain list would select columns when empty
    share = illustrative_share(result, kb)
    weight = f", og de bærer {pct(share, 0)} af konsekvensernes værdi" if share == share else ""
    out.append(
        f"{int(own.sum())} af {len(src)} konsekvensestimater{f' ({kinds})' if kinds else ''} og "
        f"{int((~prices['status'].isin(SOURCED_STATUSES)).sum())} af {len(prices)} priser fra vidensdatabasen er "
        f"illustrative skøn eller kalibrerede, ikke offentliggjorte tal{weight}."
    )
    if s.price_overrides:
        out.append(f"{len(s.price_overrides)} priser er kommunens egne; resten er landsgennemsnit.")
    else:
        out.append("Alle priser er landsgennemsnit (nationale tal), ikke kommunens egne priser.")
    if s.consequence_overrides:
        out.append(f"{len(s.consequence_overrides)} konsekvensestimater er lokale værdier.")
    out.append(
        "Beregningen tæller kun de offentlige budgetter (kommune, region, stat). Et negativt resultat betyder ikke, "
        "at indsatsen ikke gavner borgerne."
    )
    return out


def intervention_text(result: Result, kb: KnowledgeBase) -> str:
    """What the intervention is: description, target group, participants, duration, success rate, costs."""
    s = result.scenario
    if s.target_group is not None:
        group = kb.target_groups.set_index("id").at[s.target_group, "name"]
    else:
        group = s.custom_target_group.name
    outcomes = dict(zip(kb.outcomes["id"], kb.outcomes["name"]))
    if s.custom_target_group is not None:
        outcomes.update(s.custom_target_group.outcomes)
    effects = ", ".join(f"{outcomes.get(o.outcome, o.outcome).lower()} {pct(o.success_rate, 1)}" for o in s.outcomes)
    cost = -result.totals_by_kind().at["cost", TOTAL]
    text = (
        f"Målgruppe: {group.lower()}. {number(s.total_participants)} deltagere starter over {len(s.participants)} år "
        f"og er i indsatsen i {s.duration_years} år. Succesrate (netto i forhold til den sædvanlige indsats): "
        f"{effects}. Indsatsen koster {amount_text(cost)} netto i alt "
        f"({amount_text(cost / s.total_participants)} pr. deltager)."
    )
    return (s.description.strip() + " " if s.description.strip() else "") + text


def _money_table(frame: pd.DataFrame, index_name: str) -> pd.DataFrame:
    out = frame.map(lambda x: number(x))
    out.insert(0, index_name, [str(i) for i in frame.index])
    return out.reset_index(drop=True)


def sources_table(result: Result, kb: KnowledgeBase) -> pd.DataFrame:
    """Every source behind the calculation with its URL: consequences, prices, effect studies, target group."""
    s = result.scenario
    rows = []
    src = consequence_sources(result, kb)
    for (title, url), g in src.groupby(["source_title", "source_url"], sort=False):
        rows.append(
            ("Konsekvensestimater", f"{len(g)} estimater", title, url, "ja" if g["illustrative"].any() else "nej")
        )
    prices = kb.prices[kb.prices["service"].isin(set(src["service"]))]
    for (title, url), g in prices.groupby(["source_title", "source_url"], sort=False):
        rows.append(("Priser", f"{len(g)} priser", title, url, "ja" if g["illustrative"].any() else "nej"))
    for o in s.outcomes:
        st = declared_study(kb, o.study)
        if st is not None:
            rows.append(
                (
                    "Succesrate",
                    st["name"],
                    st["source_title"],
                    st["source_url"] or "",
                    "ja" if st["illustrative"] else "nej",
                )
            )
    if s.target_group is not None:
        tg = kb.target_groups.set_index("id").loc[s.target_group]
        rows.append(
            ("Målgruppe", tg["name"], tg["source_title"], tg["source_url"] or "", "ja" if tg["illustrative"] else "nej")
        )
    npi = kb.net_price_index.iloc[0]
    rows.append(("Prisomregning", "Nettoprisindeks", npi["source_title"], npi["source_url"] or "", "nej"))
    return pd.DataFrame(rows, columns=["Hvad", "Omfang", "Kilde", "Adresse (URL)", "Illustrativ"])


def assumptions_table(result: Result, kb: KnowledgeBase) -> pd.DataFrame:
    """The scenario's assumptions with sources (presentation.tables.assumptions), with the study the scenario
    declares (outcomes[i].study)."""
    o = result.scenario.outcomes[0]
    study = declared_study(kb, o.study)
    return assumptions(result.scenario, kb, effect_study=study["id"] if study is not None else None)


COMPARISON_NUMERIC = ["Kommune", "Region", "Stat", "I alt", "Pr. deltager", "Nutidsværdi", "Forskel i alt"]
COMPARISON_WIDTHS = [3.4, 1.7, 1.6, 1.7, 1.7, 1.8, 1.8, 1.6, 1.7]


def paper(alternatives: Sequence[tuple[str, Scenario]], kb: KnowledgeBase, today: date | None = None) -> list[Block]:
    """The decision paper's blocks for the first alternative (and a comparison with the others, if any)."""
    from .compare import chart_cumulative, chart_differences

    results = [calculate(s, kb) for _, s in alternatives]
    result = results[0]
    s = result.scenario
    today = today or date.today()
    B = Block
    blocks = [
        B("h1", f"Beslutningsoplæg: {s.name}"),
        B(
            "note",
            f"Socialøkonomisk beregning efter SØM-metoden · {today.strftime('%d.%m.%Y')} · vidensdatabase "
            f"{kb.meta.version} · beløb i {s.settings.price_year}-priser",
        ),
        B("h2", "Indsatsen"),
        B("p", intervention_text(result, kb)),
        B("h2", "Resultatet kort"),
        B("p", summary(result)),
        B("table", table=key_table(result), numeric=[ACTOR_NAMES_DA[a] for a in (*ACTORS, TOTAL)], widths=KEY_WIDTHS),
        B("h2", "Hvornår tjener indsatsen sig hjem?"),
        B("bullets", items=break_even_sentences(result) + switching_sentences(result, kb)),
        B("h2", "Usikkerhed og forbehold"),
        B("bullets", items=[x for x in [main_uncertainty(result, kb)] if x] + caveats(result, kb)),
    ]
    if len(results) > 1:
        cmp = compare(results, [n for n, _ in alternatives])
        blocks += [
            B("pagebreak"),
            B("h1", "Sammenligning af alternativer"),
            B(
                "p",
                f"Basis er {cmp.base}; forskellen er i forhold til den. Nettoresultatet er summen over hver beregnings "
                "periode, i mio. kr.",
            ),
            B("table", table=comparison_table(cmp), numeric=COMPARISON_NUMERIC, widths=COMPARISON_WIDTHS),
            *[B("p", n) for n in cmp.notes()],
            B("image", "Forskel i nettoresultat", image=_png(chart_differences(cmp))),
            B("image", "Akkumuleret nettoresultat for alle alternativer", image=_png(chart_cumulative(cmp))),
        ]
    blocks += [
        B("pagebreak"),
        B("h1", "Det gennemsnitlige deltagerforløb"),
        B(
            "p",
            "Hvad en gennemsnitlig deltager betyder for de offentlige budgetter år for år fra forløbets start: først "
            "udgifterne til indsatsen, derefter gevinsterne, når nogle af deltagerne når målet.",
        ),
        B(
            "image",
            "Kroner pr. deltager i hvert år efter start: søjlerne er aktørerne, den stiplede linje det akkumulerede "
            "resultat i alt.",
            image=chart_png(result, "per_participant"),
        ),
        B("pagebreak"),
        B("h1", "Resultater pr. år og område"),
        B("h2", "Nettoresultat pr. år og aktør (kr.)"),
        B(
            "table",
            table=_money_table(results_by_actor(result), "År"),
            numeric=["Kommune", "Region", "Stat", "I alt", "Akkumuleret i alt"],
        ),
        B("h2", "Nettoresultat pr. velfærdsområde over hele perioden (kr.)"),
        B(
            "table",
            table=_money_table(results_by_area(result), "Område"),
            numeric=["Kommune", "Region", "Stat", "I alt"],
        ),
        B("pagebreak"),
        B("h1", "Antagelser og kilder"),
        B("table", table=assumptions_table(result, kb), widths=[4.0, 5.5, 7.5]),
        B("h2", "Kilder"),
        B("table", table=sources_table(result, kb), widths=[2.8, 2.2, 5.6, 5.0, 1.4]),
        B("pagebreak"),
        B("h1", "Tjekliste"),
        B(
            "p",
            "Beregningens kvalitet vurderet punkt for punkt ud fra beregningen og vidensdatabasen (grøn: i orden, gul: "
            "bør overvejes, rød: bør rettes eller forklares, før resultatet bruges).",
        ),
        B("table", table=checklist_table(checklist(result, kb)), widths=[4.5, 2.3, 10.2]),
    ]
    return blocks


KEY_WIDTHS = [4.2, 3.2, 3.2, 3.2, 3.2]


def _png(chart) -> bytes:
    import vl_convert as vlc

    return vlc.vegalite_to_png(chart.to_json(), scale=2)


# ---- files and the command line --------------------------------------------------------------------------------


def read_alternatives(paths: Sequence[str | os.PathLike]) -> list[tuple[str, Scenario]]:
    """(name, scenario) of every file in order, each followed by the alternatives pinned in it. Names are made
    unique with A:, B: … when two are equal."""
    found: list[tuple[str, Scenario]] = []
    for path in paths:
        scenario, pinned = load_document(path)
        found.append((scenario.name, scenario))
        found += pinned
    names = [n for n, _ in found]
    if len(set(names)) != len(names):
        from .compare import letter

        found = [(f"{letter(i)}: {n}", s) for i, (n, s) in enumerate(found)]
    return found


def write_report(
    paths: Sequence[str | os.PathLike],
    out: str | os.PathLike,
    kb: KnowledgeBase | None = None,
) -> Path:
    """Write the decision paper for the scenario files `paths` to `out` (.docx or .html)."""
    out = Path(out)
    if out.suffix.lower() not in (".docx", ".html", ".htm"):
        raise ScenarioError(f"Filen '{out.name}' skal ende på .docx (Word) eller .html (til udskrift).")
    kb = kb or load_knowledge()
    alternatives = read_alternatives(paths)
    data = report_bytes(alternatives, kb, out.suffix.lower().lstrip("."))
    out.write_bytes(data)
    return out


def report_bytes(alternatives: Sequence[tuple[str, Scenario]], kb: KnowledgeBase, fmt: str = "docx") -> bytes:
    """The paper as .docx bytes (fmt 'docx') or UTF-8 HTML (fmt 'html')."""
    blocks = paper(alternatives, kb)
    if fmt == "docx":
        return to_docx(blocks)
    return to_html(blocks, f"Beslutningsoplæg: {alternatives[0][1].name}").encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m som_kernel.report",
        description="Lav et beslutningsoplæg (Word eller HTML) ud fra en eller flere scenariefiler.",
    )
    parser.add_argument("scenarier", nargs="+", help="scenariefil(er) (.json); den første er basis")
    parser.add_argument("-o", "--out", required=True, help="outputfil: .docx (Word) eller .html (til udskrift)")
    parser.add_argument("--viden", default=None, help="mappe med vidensdatabasen (standard: den medfølgende)")
    args = parser.parse_args(argv)
    try:
        kb = load_knowledge(args.viden)
        path = write_report(args.scenarier, args.out, kb)
    except SomError as e:
        print("Beslutningsoplægget kunne ikke laves:", file=sys.stderr)
        for p in e.problems:
            print(f"  {p}", file=sys.stderr)
        return 2
    print(f"Beslutningsoplæg skrevet: {path.resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
