"""The local layer estimated from a kommune's own panel (estimate.py) written to a folder (write_layer), and the
Danish report (markdown) that goes with it: on its first lines that the estimates are associations, not causal effects; then the groups side by side, the estimates
per service and year, what was left out and why, and the method. Only aggregates: suppressed cells show '< 5'."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from ..errors import PanelError, Problem
from ..messages import danish_number
from .estimate import LEVEL, REPORT_NAME, WRITTEN, Estimates, p_text
from .local import LAYER_META

ASSOCIATION_NOTE = (
    "> **Sammenhænge, ikke kausale effekter.** Tallene viser, hvor meget mere eller mindre personer i "
    "succesgruppen brugte hver ydelse end personer i ikke-succesgruppen med samme alder, køn og basisår (og samme "
    "brug i basisåret, hvor panelet har den). De viser ikke, at succesen eller en indsats er årsagen: forskelle, "
    "som panelet ikke måler (fx helbred, motivation, netværk), kan stå bag en del af forskellen. Social- og "
    "Boligstyrelsen siger det samme om SØM's egne konsekvensestimater. Brug dem som SØM bruger sine: som et bud på, "
    "hvad en succes betyder for brugen af ydelser, ikke som en måling af en indsats' effekt."
)
GROUP_LABELS = {"persons": "Personer", "age": "Alder i basisåret, gennemsnit (år)", "women": "Kvinder, andel"}


def _num(x: float) -> str:
    """A use or a difference the Danish way with a real minus: 1 decimal from 10, 2 from 1, else 3."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    x = float(x)
    decimals = 1 if abs(x) >= 10 else 2 if abs(x) >= 1 else 3
    text = danish_number(x, decimals)
    return "0" if text.strip("-0,") == "" else text.replace("-", "−")


def _count(n: float, min_cell: int) -> str:
    return f"< {min_cell}" if n < 0 else danish_number(int(n))


def report_markdown(est: Estimates) -> str:
    """The whole report as markdown (Danish)."""
    t = est.table
    written, total = int((t["outcome"] == WRITTEN).sum()), len(t)
    rule = (
        "kun estimater, der er statistisk signifikante på 5 %-niveau, skrives i laget (SØM's regel)"
        if est.only_significant
        else "alle estimater skrives i laget, også dem, der ikke er signifikante på 5 %-niveau (SØM's regel er "
        "slået fra: brug dem med forsigtighed)"
    )
    lines = [
        f"# Egne konsekvensestimater: {est.names.get(est.target_group, est.target_group)} · "
        f"{est.names.get(est.outcome, est.outcome)}",
        "",
        ASSOCIATION_NOTE,
        "",
        f"- Panel: `{est.panel}` (SHA-256, første 12 tegn: `{est.panel_hash}`)",
        f"- Målgruppe `{est.target_group}`, effektmål `{est.outcome}`; år efter basisåret: "
        f"{', '.join(str(k) for k in sorted(est.adjusted_for))}",
        f"- Regel: {rule}.",
        f"- Skrevet: {written} af {total} estimater (ydelse × år); udeladt: {total - written} (se *Udeladt, og hvorfor*).",
        f"- Diskretion: en celle med færre end {est.min_cell} personer vises som '< {est.min_cell}' uden tal; "
        "rapporten og laget har kun gennemsnit og forskelle, aldrig oplysninger om enkeltpersoner.",
        "",
        "## Grupperne side om side",
        "",
        "| Kendetegn | Succesgruppe | Ikke-succesgruppe |",
        "|---|---:|---:|",
    ]
    for r in est.groups.itertuples(index=False):
        label = GROUP_LABELS.get(r.characteristic)
        values = (r.success_group, r.non_success_group)
        if r.characteristic == "persons":
            cells = [_count(v, est.min_cell) for v in values]
        elif r.characteristic == "women":
            cells = ["undertrykt" if math.isnan(v) else f"{danish_number(100 * v, 1)} %" for v in values]
        else:
            service = r.characteristic.removeprefix("baseline:")
            if label is None:
                label = f"Brug i basisåret: {est.service_names.get(service, service)} ({est.units[service]}), gns."
            cells = ["undertrykt" if math.isnan(v) else _num(v) for v in values]
        lines.append(f"| {label} | {cells[0]} | {cells[1]} |")
    lines += [
        "",
        "## Estimater pr. ydelse og år",
        "",
        "Forskel = succesgruppen minus ikke-succesgruppen, pr. person pr. år i ydelsens enhed. *Ujusteret* er "
        "forskellen i gennemsnit; *justeret* er regressionens forskel (se *Metode*), den der skrives i laget.",
    ]
    for service, rows in t.groupby("service", sort=False):
        lines += [
            "",
            f"### {est.service_names.get(service, service)} (`{service}`, {est.units[service]} pr. person pr. år)",
            "",
            "| År | Personer: succes / ikke-succes | Gns. succes | Gns. ikke-succes | Ujusteret forskel "
            "| Justeret forskel | 95 %-interval | p | I laget |",
            "|---:|---:|---:|---:|---:|---:|---|---:|---|",
        ]
        for r in rows.itertuples(index=False):
            ci = "–" if math.isnan(r.ci_low) else f"{_num(r.ci_low)} til {_num(r.ci_high)}"
            mark = "ja" if r.outcome == WRITTEN else "nej"
            lines.append(
                f"| {r.year} | {_count(r.n_success, est.min_cell)} / {_count(r.n_non_success, est.min_cell)} "
                f"| {_num(r.mean_success)} | {_num(r.mean_non_success)} | {_num(r.raw_difference)} "
                f"| {_num(r.delta_use)} | {ci} | {p_text(r.p_value, label=False)} | {mark} |"
            )
    lines += ["", "## Udeladt, og hvorfor", ""]
    left = t[t["outcome"] != WRITTEN]
    if left.empty:
        lines.append("Intet: alle estimater er skrevet i laget.")
    for r in left.itertuples(index=False):
        lines.append(f"- {est.service_names.get(r.service, r.service)}, år {r.year}: {r.outcome}.")
    none = [s for s, rows in t.groupby("service", sort=False) if not (rows["outcome"] == WRITTEN).any()]
    if none:
        names = ", ".join(est.service_names.get(s, s) for s in none)
        lines += [
            "",
            f"Ingen år er skrevet for: {names}. For dem gælder den nationale profil fortsat, når laget bruges "
            "(et lokalt lag erstatter kun de profiler, det har rækker for). Skal kun kommunens egne tal tælle, så "
            "udelad disse ydelser i beregningen.",
        ]
    some = [
        s
        for s, rows in t.groupby("service", sort=False)
        if (rows["outcome"] == WRITTEN).any() and not (rows["outcome"] == WRITTEN).all()
    ]
    if some:
        lines += [
            "",
            "For ydelser med nogle år skrevet erstatter laget hele den nationale profil: de udeladte år tæller som 0 "
            "(som i SØM, hvor kun signifikante estimater står i vidensdatabasen).",
        ]
    lines += ["", "## Metode", ""]
    lines += [
        "For hver ydelse og hvert år k efter basisåret er brugen regresseret med OLS (mindste kvadraters metode) "
        "på en indikator for succes og kovariaterne; koefficienten til succes er konsekvensestimatet. Det er "
        "samme fremgangsmåde som SØM's register-estimater: målgruppen deles i en succes- og en ikke-succesgruppe, "
        "begges brug følges i årene efter, og forskellen justeres for systematiske forskelle som køn og alder.",
        "",
        f"- Kovariater: {', '.join(next(iter(est.adjusted_for.values()))[1:])}"
        + (" og personens brug af samme ydelse i basisåret (year 0)" if t["baseline"].any() else "")
        + ". Alder indgår centreret med et andengradsled, så sammenhængen med alder ikke behøver være lineær.",
        '- Standardfejl: heteroskedasticitetsrobuste (HC1, som statsmodels\' `cov_type="HC1"`); intervallet og '
        "p-værdien bruger t-fordelingen med n minus antal parametre frihedsgrader.",
        f"- Signifikans: {'p < 0,05' if est.only_significant else 'ikke krævet'} "
        f"(tosidet, {danish_number(100 * LEVEL)} %-niveau).",
    ]
    dropped = {k: v for k, v in est.dropped_covariates.items() if v}
    for k, v in dropped.items():
        lines.append(f"- År {k}: udeladt {', '.join(v)}, fordi de ikke varierer (eller følger de andre kovariater).")
    lines += [
        "",
        "## Sådan bruges laget",
        "",
        "Laget bruges som ethvert lokalt lag: `SOM_LOCAL=<mappen> make app`, eller "
        '`load_knowledge(local="<mappen>")`. Rækkerne står som *lokal estimeret* med interval, antal personer og '
        "panelets navn og hash; i usikkerhedsberegningen (Monte Carlo) bruges intervallet som usikkerhed på "
        "estimatet i stedet for den generelle antagelse.",
        "",
    ]
    return "\n".join(lines)


def write_layer(est: Estimates, path: str | Path, kommune: str | None = None, description: str | None = None) -> Path:
    """Write the estimates as a local layer in folder `path`: consequences.csv (the written rows), lokal.yaml
    (unless the folder has one) and the Danish report rapport.md. Raises PanelError when the folder already has
    a consequences.csv with rows not estimated by this tool, or when no estimate can be written (the report is
    written all the same, saying why)."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    target = path / "consequences.csv"
    if target.exists():
        old = pd.read_csv(target, dtype=str, keep_default_na=False)
        if "status" not in old or (old["status"] != "local_estimated").any():
            raise PanelError(
                [Problem(str(target), "Filen har kommunens egne rækker (ikke lokal estimeret); vælg en anden mappe.")]
            )
    (path / REPORT_NAME).write_text(report_markdown(est), encoding="utf-8")
    rows = est.layer_rows()
    if rows.empty:
        target.unlink(missing_ok=True)
        raise PanelError(
            [Problem(str(path), f"Ingen estimater kan skrives (alle {len(est.table)} er udeladt); se {REPORT_NAME}.")]
        )
    rows.to_csv(target, index=False)
    meta = path / LAYER_META
    if not meta.exists():
        name = "".join(c if c.isalnum() else "_" for c in path.name.lower()).strip("_") or "lokale_estimater"
        text = description or (
            f"Konsekvensestimater for {est.target_group} × {est.outcome}, estimeret med SØM-værkstedet fra "
            f"kommunens eget panel {est.panel} (SHA-256 {est.panel_hash}). Se {REPORT_NAME}."
        )
        meta.write_text(
            f"name: {_yaml(name)}\nkommune: {_yaml(kommune or name)}\ndescription: {_yaml(text)}\n",
            encoding="utf-8",
        )
    return path


def _yaml(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
