"""Step 3 of the app (Effekt): the outcomes of the chosen target group with success rate, persistence and an
effect study from the knowledge base that pre-fills the rate and shows its source.

Same protocol as app_steps: `widget`, `read(data, problems)`, `load(scenario)`, `fields`.
"""

from __future__ import annotations

import re

import ipywidgets as W
import pandas as pd

from ..errors import Problem
from ..fields import FIELD
from ..format import pct
from ..kb import KnowledgeBase
from ..scenario import Scenario
from .app_steps import CUSTOM, BasisStep, read_field, source_html
from .app_widgets import FieldInput, canonical, css_name, esc, help_html, label, message_widget


class OutcomeRow:
    """One outcome (effektmål) in step 3: include it, its success rate, persistence and an effect study."""

    def __init__(self, outcome_id: str, name: str, definition: str, studies: pd.DataFrame, changed):
        self.id = outcome_id
        self.changed = changed
        self.index: int | None = None  # position in the scenario's outcomes list (None: not chosen)
        self.studies = studies.set_index("id") if len(studies) else studies
        self.check = W.Checkbox(value=False, description=name, indent=False, layout=W.Layout(width="420px"))
        self.rate = FieldInput(FIELD["outcomes[{i}].success_rate"], label_width="180px")
        self.rate.input.add_class(f"som-rate-{css_name(outcome_id)}")  # a stable handle for browser tests
        self.persistence = FieldInput(FIELD["outcomes[{i}].persistence"], label_width="180px")
        options = (
            [("Intet studie valgt", "")]
            + [
                (f"{r['name']} – {pct(r['success_rate'])}{' (lokal)' if r.get('local_layer') else ''}", sid)
                for sid, r in self.studies.iterrows()
            ]
            if len(studies)
            else [("Ingen effektstudier i vidensdatabasen", "")]
        )
        self._loading = False  # True while load() puts a file's values in
        self.study = W.Dropdown(options=options, layout=W.Layout(width="420px"))
        self.study_info = help_html("")
        self.check.observe(lambda _: self._toggle() or self.changed(), "value")
        self.rate.observe(self._rate_changed)
        self.persistence.observe(lambda _: self.changed())
        self.study.observe(self._study_chosen, "value")
        self.details = W.VBox(
            [
                self.rate.box,
                self.persistence.box,
                W.HBox(
                    [
                        label(
                            "Effektstudie (kilde)",
                            "180px",
                            tip="Det studie, succesraten kommer fra. Valget udfylder succesraten og gemmes i "
                            "beregningen; tjeklisten og usikkerhedsanalysen læser studiets design og interval.",
                        ),
                        self.study,
                    ]
                ),
                self.study_info,
            ],
            layout=W.Layout(margin="0 0 0 30px"),
        )
        self.widget = W.VBox(
            [W.HBox([self.check]), help_html(definition), self.details],
            layout=W.Layout(border="1px solid #ddd", padding="6px", margin="4px 0"),
        )
        self._toggle()

    def _toggle(self) -> None:
        self.details.layout.display = None if self.check.value else "none"

    def _study_chosen(self, change) -> None:
        sid = change["new"]
        if not sid:
            self.study_info.value = ""
            self.changed()  # the declared study is part of the scenario
            return
        r = self.studies.loc[sid]
        ci = (
            f" (95 %-interval {pct(r['ci_low'])}–{pct(r['ci_high'])})"
            if pd.notna(r["ci_low"]) and pd.notna(r["ci_high"])
            else ""
        )
        n = f", n = {int(r['n'])}" if pd.notna(r["n"]) else ""
        self.study_info.value = (
            f"<div style='margin-left:184px'><b>{esc(r['name'])}</b>"
            f"{' <span class=som-flag>lokal</span>' if r.get('local_layer') else ''}: {esc(r['measure'])} "
            f"{pct(r['success_rate'])}"
            f"{ci}. Design: {esc(r['design'])}, evidensniveau {int(r['evidence_level'])}{n}, {esc(r['country'])}."
            f"<br>{source_html(r['source_title'], r['source_url'], bool(r['illustrative']))}"
            f"{'<br>' + esc(r['note']) if r['note'] else ''}</div>"
        )
        self.rate.set(float(r["success_rate"]))
        self.changed()  # the declared study is part of the scenario, even where the rate stays the same

    def _rate_changed(self, _=None) -> None:
        """A rate typed over the chosen study's drops the study (and with it, in the checklist and step 7, the
        study's evidence level and interval), and says so next to the field."""
        sid = self.study.value
        if sid and not self._loading:
            study_rate = float(self.studies.loc[sid, "success_rate"])
            try:
                rate = self.rate.get()
            except ValueError:
                rate = None
            if rate is not None and round(rate * 100, 2) != round(study_rate * 100, 2):  # as the field shows it
                self.study.value = ""  # clears the study's description
                self.study_info.value = (
                    f"<div class='som-study-dropped' style='margin-left:184px'>Succesraten {pct(rate)} er ikke "
                    f"studiets ({esc(self.studies.loc[sid, 'name'])}: {pct(study_rate)}), så studiet er ikke "
                    "længere valgt: tjeklisten og usikkerhedsanalysen (trin 7) regner raten som antaget, uden "
                    "studiets interval og evidensniveau.</div>"
                )
        self.changed()

    def persistence_values(self) -> list[float]:
        """The persistence profile as shares; FieldValueError in Danish (per cent) if a value is not 0–100."""
        text = self.persistence.value
        parts = [p for p in re.split(r"[;\s]+", text.strip()) if p]
        shown = "; ".join(canonical(p, "%") for p in parts)
        if any(canonical(p, "%") != p for p in parts) and shown != text:
            self.persistence.value = shown  # '100; 80.5' → '100; 80,5': the field shows what is used
        return self.persistence.get()

    def load(self, rate: float | None, persistence: list[float] | None, chosen: bool, study: str | None = None) -> None:
        self.check.value = chosen
        # the study the scenario declares (never one found by its rate); choosing it shows its source and fills
        # in its rate, which the scenario's own rate then replaces
        self.study.value = study if study in {v for _, v in self.study.options} else ""
        if rate is not None:
            self._loading = True  # a file may declare a study and keep its own rate: only a typed rate drops it
            try:
                self.rate.set(rate)
            finally:
                self._loading = False
        if persistence is not None:
            self.persistence.set(persistence)


class EffectStep:
    """Step 3: the outcomes of the chosen target group, with success rates and persistence."""

    def __init__(self, kb: KnowledgeBase, basis: BasisStep, changed):
        self.kb = kb
        self.basis = basis
        self.changed = changed
        self.rows: dict[tuple[str, str], OutcomeRow] = {}  # (target group, outcome) → row, kept across switches
        self.box = W.VBox()
        self.msg = message_widget()
        self.widget = W.VBox(
            [
                W.HTML("<h3>Trin 3 · Effekt</h3>"),
                help_html(
                    "Vælg de effektmål, indsatsen påvirker, og angiv succesraten: den andel af deltagerne, der "
                    "når målet på grund af indsatsen (netto i forhold til basisalternativet). Effekten indtræder "
                    "i det år, forløbet afsluttes. Et effektstudie fra vidensdatabasen kan udfylde succesraten."
                ),
                self.msg,
                self.box,
            ],
            layout=W.Layout(padding="6px"),
        )

    def current_rows(self) -> list[OutcomeRow]:
        gid = self.basis.group.value
        if gid == CUSTOM:
            items = [(oid, name, "Eget effektmål") for oid, name in self.basis.custom_outcome_names().items()]
            studies = self.kb.effect_studies.iloc[0:0]
        else:
            outs = self.kb.outcomes_for(gid)
            items = [(r.id, r.name, r.definition) for r in outs.itertuples()]
            studies = self.kb.effect_studies
        rows = []
        for oid, name, definition in items:
            key = (gid, oid)
            if key not in self.rows:
                self.rows[key] = OutcomeRow(oid, name, definition, studies[studies["outcome"] == oid], self.changed)
            else:
                self.rows[key].check.description = name
            rows.append(self.rows[key])
        return rows

    def refresh(self, preselect: bool = False) -> None:
        """Show the rows of the current target group; with `preselect`, tick the first if none is ticked."""
        rows = self.current_rows()
        if preselect and rows and not any(r.check.value for r in rows):
            first = rows[0]
            if first.rate.input.value == "" and len(first.studies):
                first.study.value = first.studies.index[0]  # pre-fills the rate, with its source
            first.check.value = True
        self.box.children = [r.widget for r in rows] or [help_html("Målgruppen har ingen effektmål endnu.")]

    def read(self, data: dict, problems: list[Problem]) -> None:
        outcomes = []
        for row in self.current_rows():
            row.index = None
            if not row.check.value:
                continue
            row.index = i = len(outcomes)
            rate = read_field(problems, f"outcomes[{i}].success_rate", row.rate.get)
            persistence = read_field(problems, f"outcomes[{i}].persistence", row.persistence_values)
            # the study is the declared source of the rate (the checklist and the Monte Carlo read it)
            outcomes.append(
                {"outcome": row.id, "success_rate": rate, "persistence": persistence, "study": row.study.value or None}
            )
        data["outcomes"] = outcomes

    def load(self, s: Scenario) -> None:
        chosen = {o.outcome: o for o in s.outcomes}
        for row in self.current_rows():
            o = chosen.get(row.id)
            row.load(o.success_rate if o else None, o.persistence if o else None, o is not None, o.study if o else None)
        self.refresh()

    @property
    def fields(self) -> list:
        out = [(["outcomes"], self.msg, None)]
        for row in self.current_rows():
            if row.index is not None:
                out.append(([f"outcomes[{row.index}].success_rate"], row.rate.msg, row.rate.input))
                out.append(([f"outcomes[{row.index}].persistence"], row.persistence.msg, row.persistence.input))
        return out
