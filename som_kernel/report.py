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
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from .checklist import (
    CHECKLIST_NOTE_DA,
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
from .kb import ACTORS, KnowledgeBase, load_knowledge
from .names import ACTOR_DEFINITE_DA, ACTOR_NAMES_DA, STATUS_NAMES_DA
from .presentation import decision
from .presentation.tables import assumptions, comparison_table, key_table, results_by_actor, results_by_area
from .presentation.text import break_even_sentences, gains_only
from .report_render import Block, DocumentInfo, to_docx, to_html
from .scenario import Scenario
from .summary import summary
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
        who = ACTOR_DEFINITE_DA[a]
        if row["status"] == "switching":
            if kind == "success_rate":
                out.append(
                    f"For {who} går indsatsen i nul over perioden (udiskonteret) ved en succesrate på {pct(row['value'], 1)} "
                    f"(beregningen bruger {pct(base, 1)})."
                )
            else:
                out.append(
                    f"For {who} går indsatsen i nul over perioden (udiskonteret), når alle succesrater er "
                    f"{pct(row['value'], 0)} af de antagne."
                )
        elif row["status"] == "always_positive":
            out.append(f"For {who} er nettoresultatet positivt, selv uden effekt.")
        elif row["status"] == "always_negative":
            out.append(f"For {who} er nettoresultatet negativt ved enhver succesrate op til 100 %.")
    return out


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
    text = (
        f"Målgruppe: {group.lower()}. {number(s.total_participants)} deltagere starter over {len(s.participants)} år "
        f"og er i indsatsen i {s.duration_years} år. Succesrate (netto i forhold til den sædvanlige indsats): "
        f"{effects}. {decision.cost_text(result)}"
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
    npi = kb.net_price_index
    guessed = npi.loc[npi["illustrative"].astype(bool), "year"].astype(int).tolist()
    marked = f"ja for {', '.join(map(str, guessed))}; nej for de øvrige år" if guessed else "nej"
    first = npi.iloc[0]
    rows.append(("Prisomregning", "Nettoprisindeks", first["source_title"], first["source_url"] or "", marked))
    return pd.DataFrame(rows, columns=["Hvad", "Omfang", "Kilde", "Adresse (URL)", "Illustrativ"])


def assumptions_table(result: Result, kb: KnowledgeBase) -> pd.DataFrame:
    """The scenario's assumptions with sources (presentation.tables.assumptions), with the study the scenario
    declares (outcomes[i].study)."""
    o = result.scenario.outcomes[0]
    study = declared_study(kb, o.study)
    return assumptions(result.scenario, kb, effect_study=study["id"] if study is not None else None)


ACTOR_COLUMNS_DA = [ACTOR_NAMES_DA[a] for a in (*ACTORS, TOTAL)]
COMPARISON_WIDTHS = [3.4, 1.7, 1.6, 1.7, 1.7, 1.8, 1.8, 1.6, 1.7]
PAYBACK_WIDTHS = [4.4, 3.2, 3.1, 3.1, 3.2]
COMMITTEE_WIDTHS = [5.2, 3.1, 3.1, 3.1, 2.5]
COURSE_WIDTHS = [2.4, 2.6, 2.4, 2.4, 2.6, 3.6]
ASSUMPTION_WIDTHS = [4.6, 5.2, 7.2]


def _numeric(table: pd.DataFrame, text: tuple[str, ...]) -> list[str]:
    return [c for c in table.columns if c not in text]


def result_blocks(result: Result, kb: KnowledgeBase, items, mc=None, level: str = "h2") -> list[Block]:
    """What every alternative gets: the intervention, the key table with the net present value at a stated rate,
    the red checklist points, when it is earned back (deterministic and with what probability), who pays inside the
    kommune, and the uncertainty and caveats."""
    B = Block
    npv = (decision.stated_rate(result), decision.npv_at_stated_rate(result, kb))
    red = decision.red_points_line(items)
    payback = decision.payback_table(result, kb, mc)
    sentence, committees = decision.committees(result)
    actors = [ACTOR_NAMES_DA[a] for a in (*ACTORS, TOTAL)]
    return [
        B(level, "Indsatsen"),
        B("p", intervention_text(result, kb)),
        B(level, "Resultatet kort"),
        B("p", summary(result)),
        *([B("p", red)] if red else []),
        B("table", table=key_table(result, npv), numeric=actors, widths=KEY_WIDTHS),
        B("note", decision.npv_note(result)),
        B(level, "Hvornår tjener indsatsen sig hjem?"),
        B("bullets", items=break_even_sentences(result) + switching_sentences(result, kb)),
        B("table", table=payback, numeric=_numeric(payback, ("Aktør", "Tjent hjem")), widths=PAYBACK_WIDTHS),
        B("note", decision.payback_note()),
        B(level, "Hvem betaler, og hvem vinder i kommunen?"),
        B("p", sentence),
        B("table", table=committees, numeric=_numeric(committees, ("Udvalg", "Tjent hjem")), widths=COMMITTEE_WIDTHS),
        B(level, "Usikkerhed og forbehold"),
        B("bullets", items=[x for x in [decision.main_uncertainty(result, kb)] if x] + caveats(result, kb)),
    ]


@dataclass(frozen=True)
class PaperMeta:
    """What a kommune files the paper under: title (default 'Beslutningsoplæg: <name>'), subject, author and
    department; written into the document's properties and under the title."""

    title: str = ""
    subject: str = ""
    author: str = ""
    department: str = ""


def paper(
    alternatives: Sequence[tuple[str, Scenario]],
    kb: KnowledgeBase,
    today: date | None = None,
    meta: PaperMeta | None = None,
) -> list[Block]:
    """The decision paper's blocks for the first alternative (and a comparison with the others, if any)."""
    from .compare import chart_cumulative, chart_differences

    results = [calculate(s, kb) for _, s in alternatives]
    result = results[0]
    s = result.scenario
    today = today or date.today()
    meta = meta or PaperMeta()
    items = [checklist(r, kb) for r in results]
    course = decision.course_table(result)
    B = Block
    byline = " · ".join(x for x in (meta.author, meta.department) if x)
    blocks = [
        B("h1", meta.title or f"Beslutningsoplæg: {s.name}"),
        B(
            "note",
            f"Socialøkonomisk beregning efter SØM-metoden · {today.strftime('%d.%m.%Y')}"
            + (f" · {byline}" if byline else "")
            + f" · vidensdatabase {kb.meta.version} · beløb i {s.settings.price_year}-priser",
        ),
        *result_blocks(result, kb, items[0]),
    ]
    if len(results) > 1:
        cmp = compare(results, [n for n, _ in alternatives])
        npv = {
            n: (decision.stated_rate(r), decision.npv_at_stated_rate(r, kb)[TOTAL]) for n, r in zip(cmp.names, results)
        }
        table = comparison_table(cmp, npv)
        blocks += [
            B("pagebreak"),
            B("h1", "Sammenligning af alternativer"),
            B(
                "p",
                f"Basis er {cmp.base}; forskellen er i forhold til den. Nettoresultatet er summen over hver beregnings "
                "periode, i mio. kr.",
            ),
            B(
                "table",
                table=table,
                numeric=_numeric(table, ("Alternativ", "Tjent hjem (samlet)")),
                widths=COMPARISON_WIDTHS,
            ),
            B("note", decision.npv_note(result)),
            *[B("p", n) for n in cmp.notes()],
            B("image", "Forskel i nettoresultat", image=_png(chart_differences(cmp))),
            B("image", "Akkumuleret nettoresultat for alle alternativer", image=_png(chart_cumulative(cmp))),
        ]
        for name, r, its in zip(cmp.names[1:], results[1:], items[1:]):
            blocks += [
                B("pagebreak"),
                B("h1", f"Alternativ {name}"),
                *result_blocks(r, kb, its),
                B("h2", "Antagelser"),
                B("table", table=assumptions_table(r, kb), widths=ASSUMPTION_WIDTHS),
                B("h2", "Tjekliste"),
                B("note", CHECKLIST_NOTE_DA),
                B("checklist", table=checklist_table(its), widths=[4.5, 2.3, 10.2]),
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
        B("h2", "Kroner pr. deltager pr. år efter start"),
        B("table", table=course, numeric=_numeric(course, ("År efter start",)), widths=COURSE_WIDTHS),
        B("pagebreak"),
        B("h1", "Resultater pr. år og område"),
        B("h2", "Nettoresultat pr. år og aktør (kr.)"),
        B(
            "table",
            table=_money_table(results_by_actor(result), "År"),
            numeric=[*ACTOR_COLUMNS_DA, "Akkumuleret i alt"],
        ),
        B("h2", "Nettoresultat pr. velfærdsområde over hele perioden (kr.)"),
        B(
            "table",
            table=_money_table(results_by_area(result), "Område"),
            numeric=ACTOR_COLUMNS_DA,
        ),
        B("pagebreak"),
        B("h1", "Antagelser og kilder"),
        B("table", table=assumptions_table(result, kb), widths=ASSUMPTION_WIDTHS),
        B("h2", "Kilder"),
        B("table", table=sources_table(result, kb), widths=[3.3, 2.2, 5.3, 4.8, 1.4]),
        B("pagebreak"),
        B("h1", "Tjekliste"),
        B(
            "p",
            "Beregningens kvalitet vurderet punkt for punkt ud fra beregningen og vidensdatabasen (grøn: i orden, gul: "
            "bør overvejes, rød: bør rettes eller forklares, før resultatet bruges).",
        ),
        B("note", CHECKLIST_NOTE_DA),
        B("checklist", table=checklist_table(items[0]), widths=[4.5, 2.3, 10.2]),
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
    meta: PaperMeta | None = None,
) -> Path:
    """Write the decision paper for the scenario files `paths` to `out` (.docx or .html)."""
    out = Path(out)
    if out.suffix.lower() not in (".docx", ".html", ".htm"):
        raise ScenarioError(f"Filen '{out.name}' skal ende på .docx (Word) eller .html (til udskrift).")
    kb = kb or load_knowledge()
    alternatives = read_alternatives(paths)
    data = report_bytes(alternatives, kb, out.suffix.lower().lstrip("."), meta)
    out.write_bytes(data)
    return out


def software_version() -> str:
    """'SØM-værkstedet 0.1.0' (the installed package's version)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"SØM-værkstedet {version('som-kernel')}"
    except PackageNotFoundError:
        return "SØM-værkstedet"


def report_bytes(
    alternatives: Sequence[tuple[str, Scenario]], kb: KnowledgeBase, fmt: str = "docx", meta: PaperMeta | None = None
) -> bytes:
    """The paper as .docx bytes (fmt 'docx') or UTF-8 HTML (fmt 'html'), filed under `meta`."""
    meta = meta or PaperMeta()
    blocks = paper(alternatives, kb, meta=meta)
    title = meta.title or f"Beslutningsoplæg: {alternatives[0][1].name}"
    if fmt == "docx":
        layer = f" · lokalt lag {kb.local.label}" if kb.local is not None else ""
        info = DocumentInfo(
            title=title,
            subject=meta.subject or f"Socialøkonomisk beregning (SØM): {alternatives[0][1].name}",
            author=meta.author,
            department=meta.department,
            software=f"{software_version()} · vidensdatabase {kb.meta.version}{layer}",
        )
        return to_docx(blocks, info)
    return to_html(blocks, title).encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m som_kernel.report",
        description="Lav et beslutningsoplæg (Word eller HTML) ud fra en eller flere scenariefiler.",
    )
    parser.add_argument("scenarier", nargs="+", help="scenariefil(er) (.json); den første er basis")
    parser.add_argument("-o", "--out", required=True, help="outputfil: .docx (Word) eller .html (til udskrift)")
    parser.add_argument("--viden", default=None, help="mappe med vidensdatabasen (standard: den medfølgende)")
    parser.add_argument("--titel", default="", help="dokumentets titel (standard: Beslutningsoplæg: <navn>)")
    parser.add_argument("--emne", default="", help="dokumentets emne (fx sagens emne)")
    parser.add_argument("--forfatter", default="", help="forfatter (skrives i dokumentets egenskaber og under titlen)")
    parser.add_argument("--afdeling", default="", help="afdeling, fx Økonomi og Analyse")
    args = parser.parse_args(argv)
    meta = PaperMeta(title=args.titel, subject=args.emne, author=args.forfatter, department=args.afdeling)
    try:
        kb = load_knowledge(args.viden)
        path = write_report(args.scenarier, args.out, kb, meta)
    except SomError as e:
        return e.print_problems("Beslutningsoplægget kunne ikke laves:")
    print(f"Beslutningsoplæg skrevet: {path.resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
