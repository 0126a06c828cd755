"""Consequence estimates from a kommune's own panel, the way SØM makes its own (knowledge/README.md,
"Egne konsekvensestimater"): for every service and consequence year k, the difference in use between the
success group and the non-success group, adjusted by OLS for age, age², sex, base year and the person's use of
the same service in the base year, with heteroskedasticity-robust (HC1) standard errors.

    est = estimate("panel.csv", "psykisk_lidelse", "psykisk_lidelse_job_uddannelse")
    write_layer(est, "knowledge/lokale/min_kommune", kommune="Min Kommune")

One design matrix per year serves all services at once: the covariates common to all services are projected out
once (QR), and each service's own baseline column is then partialled out column by column with array arithmetic
(Frisch–Waugh–Lovell): no loop over services. 100.000 persons × 10 years × 20 services take 10–14 s from file to
result on the project's 2 cores under a load of 7 (the fits about 5 s of it; benchmarks/estimate_speed.py), against
the target of 30 s. The result equals statsmodels' OLS(…).fit(cov_type="HC1", use_t=True) (tests/test_estimate.py).

Privacy by construction: only aggregates leave: a service-year where either group has fewer than MIN_CELL persons
is suppressed (no estimate, no means), and a group characteristic resting on fewer than MIN_CELL persons is
suppressed too. Nothing person-level is written, and the returned tables hold only what may be written.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats
from threadpoolctl import threadpool_limits

from ..errors import PanelError, Problem
from ..messages import danish_number
from .load import load_knowledge
from .panel import Panel, read_panel
from .schema import KnowledgeBase

# consequences.csv's columns in the national file's order, then the estimate's own
LAYER_COLUMNS = [
    *("target_group", "outcome", "service", "year", "delta_use", "unit", "source_title", "source_url"),
    *("illustrative", "status", "calibrated_to", "note", "ci_low", "ci_high", "n", "panel", "panel_hash"),
]
MIN_CELL = 5  # fewer persons than this in a cell: suppressed (knowledge/README.md, "Egne konsekvensestimater")
LEVEL = 0.05  # SØM keeps estimates significant at the 5 % level
REPORT_NAME = "rapport.md"
WRITTEN = "skrevet"


@dataclass(frozen=True)
class Ols:
    """The success coefficient of one OLS fit per column of Y: estimate, HC1 standard error, residual degrees of
    freedom, and the number of regressors (constant and success included)."""

    beta: np.ndarray
    se: np.ndarray
    df: np.ndarray
    k: np.ndarray

    def interval(self, level: float = LEVEL) -> tuple[np.ndarray, np.ndarray]:
        """The (1 − level) interval with the t distribution on the residual degrees of freedom."""
        with np.errstate(invalid="ignore"):
            t = stats.t.ppf(1 - level / 2, np.where(self.df > 0, self.df, np.nan))
        return self.beta - t * self.se, self.beta + t * self.se

    def p_value(self) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return 2 * stats.t.sf(np.abs(self.beta / self.se), np.where(self.df > 0, self.df, np.nan))


def independent_columns(W: np.ndarray, names: list[str]) -> tuple[np.ndarray, list[str], list[str]]:
    """The columns of W that are not (numerically) a combination of earlier ones, their names, and the names of
    the dropped (e.g. sex when every person is a woman, age when everyone is 40)."""
    scale = np.sqrt((W * W).sum(axis=0))
    scaled = W / np.where(scale > 0, scale, 1.0)
    keep: list[int] = []
    for j in range(W.shape[1]):
        if scale[j] > 0 and np.linalg.matrix_rank(scaled[:, [*keep, j]], tol=1e-8) == len(keep) + 1:
            keep.append(j)
    return W[:, keep], [names[j] for j in keep], [names[j] for j in range(W.shape[1]) if j not in keep]


def ols_success(d: np.ndarray, W: np.ndarray, Y: np.ndarray, B: np.ndarray | None = None) -> Ols:
    """For each column s of Y (n × S): OLS of Y[:, s] on [W, d, B[:, s]] and the coefficient of d with its HC1
    standard error. W (n × q) are the common covariates with the constant (full column rank), d the 0/1 success
    indicator, B (n × S, optional) each column's own baseline; a baseline column with no variation beyond W is
    left out of that column's fit."""
    n = len(d)
    Q, _ = np.linalg.qr(W)

    def resid(X: np.ndarray) -> np.ndarray:
        return X - Q @ (Q.T @ X)

    d_w = resid(d[:, None].astype(float))
    Yt = resid(Y)
    k = np.full(Y.shape[1], W.shape[1] + 1)
    D = np.broadcast_to(d_w, Y.shape)
    if B is not None:
        Bw = resid(B)
        bb = (Bw * Bw).sum(axis=0)
        used = bb > 1e-10 * (B * B).sum(axis=0)  # what is left beyond W is more than rounding
        safe = np.where(used, bb, 1.0)
        D = d_w - Bw * np.where(used, (Bw * d_w).sum(axis=0) / safe, 0.0)
        Yt = Yt - Bw * np.where(used, (Bw * Yt).sum(axis=0) / safe, 0.0)
        k = k + used
    dd = (D * D).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        ok = dd > 1e-12 * n
        beta = np.where(ok, (D * Yt).sum(axis=0) / np.where(ok, dd, 1.0), np.nan)
        E = Yt - D * np.nan_to_num(beta)
        df = n - k
        hc0 = (D * D * E * E).sum(axis=0) / np.where(ok, dd, 1.0) ** 2
        se = np.where(ok & (df > 0), np.sqrt(hc0 * n / np.where(df > 0, df, 1)), np.nan)
    return Ols(beta=beta, se=se, df=df, k=k)


def covariates(persons: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """The common design matrix of one year's persons: constant, age and age² (centred), sex (woman = 1) and
    a dummy per base year after the first; names are Danish, for the report."""
    age = persons["age"].to_numpy(dtype=float)
    a = age - age.mean()
    cols = [np.ones(len(persons)), a, a * a, persons["female"].to_numpy(dtype=float)]
    names = ["konstant", "alder", "alder²", "køn"]
    base = persons["base_year"].to_numpy()
    for y in sorted(set(base.tolist()))[1:]:
        cols.append((base == y).astype(float))
        names.append(f"basisår {y}")
    return np.column_stack(cols), names


@dataclass(frozen=True)
class Estimates:
    """What estimate() found. `table` has one row per service × year: group sizes, raw group means, the raw and
    the adjusted difference, the 95 % interval, p, and `outcome` ('skrevet' or the Danish reason it is left out);
    suppressed rows hold no numbers beyond the year. `groups` describes the two groups side by side."""

    target_group: str
    outcome: str
    panel: str
    panel_hash: str
    table: pd.DataFrame
    groups: pd.DataFrame
    adjusted_for: dict[int, list[str]]
    dropped_covariates: dict[int, list[str]]
    only_significant: bool
    min_cell: int
    units: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # target group and outcome id → Danish name
    service_names: dict[str, str] = field(default_factory=dict)
    flows: dict[str, str] = field(default_factory=dict)

    @property
    def written(self) -> pd.DataFrame:
        return self.table[self.table["outcome"] == WRITTEN]

    @property
    def left_out(self) -> pd.DataFrame:
        return self.table[self.table["outcome"] != WRITTEN]

    def layer_rows(self) -> pd.DataFrame:
        """The written estimates as consequences.csv rows of a local layer (status local_estimated)."""
        w = self.written
        adjusted = {k: ", ".join(v[1:]) for k, v in self.adjusted_for.items()}
        rows = [
            {
                "target_group": self.target_group,
                "outcome": self.outcome,
                "service": r.service,
                "year": int(r.year),
                "delta_use": _g(r.delta_use),
                "unit": self.units[r.service],
                "source_title": f"Eget registerestimat fra panelet {self.panel}",
                "source_url": "",
                "illustrative": "false",
                "status": "local_estimated",
                "calibrated_to": "",
                "note": (
                    f"Forskel mellem succes- og ikke-succesgruppen år {int(r.year)} efter basisåret, justeret med OLS "
                    f"for {adjusted[int(r.year)]}{' og brug i basisåret' if r.baseline else ''}; HC1-standardfejl; "
                    f"{int(r.n_success)} + {int(r.n_non_success)} personer; {p_text(r.p_value)}. "
                    "En sammenhæng, ikke en kausal effekt."
                ),
                "ci_low": _g(r.ci_low),
                "ci_high": _g(r.ci_high),
                "n": int(r.n),
                "panel": self.panel,
                "panel_hash": self.panel_hash,
            }
            for r in w.itertuples(index=False)
        ]
        return pd.DataFrame(rows, columns=LAYER_COLUMNS)


def _g(x: float) -> str:
    """Six significant digits, as the knowledge base's CSV files hold them (monotone, so ci_low ≤ Δ ≤ ci_high)."""
    return f"{x:.6g}"


def p_text(p: float, label: bool = True) -> str:
    """'p < 0,001' or 'p = 0,029' (without `label`: '< 0,001', '0,029'; '–' for no value)."""
    if math.isnan(p):
        return "–"
    text = "< 0,001" if p < 0.001 else danish_number(float(p), 3)
    return text if not label else f"p {text}" if p < 0.001 else f"p = {text}"


def baseline_use(panel: Panel) -> np.ndarray | None:
    """(persons × services) each person's use in the base year (year 0), or None without year-0 rows."""
    if not panel.has_baseline:
        return None
    f = panel.frame
    base = f[f["year"] == 0]
    out = np.full((int(f["person"].max()) + 1, len(panel.services)), np.nan)
    out[base["person"].to_numpy()] = base[list(panel.services)].to_numpy(dtype=float)
    return out


def _year_fit(panel: Panel, k: int, baseline: np.ndarray | None) -> tuple[Ols, Ols, list[str], list[str], pd.DataFrame]:
    """The adjusted and the unadjusted fit of every service in consequence year k (`baseline`: baseline_use),
    the covariates used and dropped, and the year's rows."""
    f = panel.frame
    rows = f[f["year"] == k]
    Y = rows[list(panel.services)].to_numpy(dtype=float)
    d = rows["success"].to_numpy(dtype=float)
    W, names = covariates(rows)
    W, used, dropped = independent_columns(W, names)
    B = None if baseline is None else baseline[rows["person"].to_numpy()]
    adjusted = ols_success(d, W, Y, B)
    raw = ols_success(d, np.ones((len(d), 1)), Y)
    return adjusted, raw, used, dropped, rows


def estimate(
    panel: str | Path | Panel,
    target_group: str,
    outcome: str,
    kb: KnowledgeBase | None = None,
    only_significant: bool = True,
    min_cell: int = MIN_CELL,
) -> Estimates:
    """Estimate the consequences of `outcome` for `target_group` from a panel file (or a read Panel).
    `only_significant=False` writes every estimate, not only those significant at 5 % (SØM's rule);
    `min_cell` (at least 5) is the smallest group shown. Raises PanelError (Danish, file:række:kolonne)."""
    kb = kb if kb is not None else load_knowledge(local=False)
    problems = _check_ids(kb, target_group, outcome)
    if not (isinstance(min_cell, int) and min_cell >= MIN_CELL):
        problems.append(Problem("min_cell", f"Den mindste viste gruppe skal være mindst {MIN_CELL} personer."))
    if problems:
        raise PanelError(problems)
    panel = panel if isinstance(panel, Panel) else read_panel(panel, kb)
    units = dict(panel.units)
    limits = dict(zip(kb.units["unit"], kb.units["use_max"]))
    flows = dict(zip(kb.services["id"], kb.services["flow"]))
    parts, adjusted_for, dropped_for = [], {}, {}
    baseline = baseline_use(panel)
    for k in panel.years:
        # one BLAS thread: the products are thin (n × ≤ 10), and threads competing for 2 cores made them 20× slower
        with threadpool_limits(1):
            adj, raw, used, dropped, rows = _year_fit(panel, k, baseline)
        adjusted_for[k], dropped_for[k] = used, dropped
        lo, hi = adj.interval()
        success = rows["success"].to_numpy() == 1
        n_s, n_n = int(success.sum()), int((~success).sum())
        Y = rows[list(panel.services)]
        parts.append(
            pd.DataFrame(
                {
                    "service": list(panel.services),
                    "year": k,
                    "n": n_s + n_n,
                    "n_success": n_s,
                    "n_non_success": n_n,
                    "mean_success": Y[success].mean().to_numpy(),
                    "mean_non_success": Y[~success].mean().to_numpy(),
                    "raw_difference": raw.beta,
                    "delta_use": adj.beta,
                    "se": adj.se,
                    "ci_low": lo,
                    "ci_high": hi,
                    "p_value": adj.p_value(),
                    "baseline": adj.k > len(used) + 1,
                }
            )
        )
    table = pd.concat(parts, ignore_index=True)
    table["outcome"] = _reasons(table, units, limits, flows, only_significant, min_cell)
    hidden = table["outcome"].str.startswith("undertrykt")
    numbers = ["mean_success", "mean_non_success", "raw_difference", "delta_use", "se", "ci_low", "ci_high", "p_value"]
    table.loc[hidden, numbers] = np.nan
    table.loc[hidden, ["n", "n_success", "n_non_success"]] = -1  # shown as "< 5"
    return Estimates(
        target_group=target_group,
        outcome=outcome,
        panel=panel.name,
        panel_hash=panel.hash,
        table=table,
        groups=group_characteristics(panel, min_cell),
        adjusted_for=adjusted_for,
        dropped_covariates=dropped_for,
        only_significant=only_significant,
        min_cell=min_cell,
        units=units,
        names={
            **dict(zip(kb.target_groups["id"], kb.target_groups["name"])),
            **dict(zip(kb.outcomes["id"], kb.outcomes["name"])),
        },
        service_names=dict(zip(kb.services["id"], kb.services["name"])),
        flows={s: flows[s] for s in panel.services},
    )


def _check_ids(kb: KnowledgeBase, target_group: str, outcome: str) -> list[Problem]:
    problems = []
    if target_group not in set(kb.target_groups["id"]):
        problems.append(Problem("target_group", f"Ukendt målgruppe '{target_group}' (target_groups.csv)."))
    hit = kb.outcomes[kb.outcomes["id"] == outcome]
    if hit.empty:
        problems.append(Problem("outcome", f"Ukendt effektmål '{outcome}' (outcomes.csv)."))
    elif hit["target_group"].iloc[0] != target_group:
        problems.append(
            Problem("outcome", f"Effektmålet '{outcome}' hører til målgruppen '{hit['target_group'].iloc[0]}'.")
        )
    return problems


def _reasons(table: pd.DataFrame, units, limits, flows, only_significant: bool, min_cell: int) -> list[str]:
    """'skrevet' or why a service-year is left out, in the order the rules apply."""
    out = []
    for r in table.itertuples(index=False):
        limit = limits.get(units[r.service], math.inf)
        if min(r.n_success, r.n_non_success) < min_cell:
            out.append(f"undertrykt: færre end {min_cell} personer i en af grupperne")
        elif not np.isfinite(r.se) or r.se == 0:
            out.append("kan ikke estimeres: ingen variation i brugen, eller succes følger kovariaterne")
        elif only_significant and not r.p_value < LEVEL:
            out.append(f"ikke signifikant på 5 %-niveau ({p_text(r.p_value)})")
        elif flows.get(r.service) == "revenue" and r.delta_use < 0:
            out.append("negativ forskel i en indtægt (skat): vidensdatabasen tager kun positive skatteændringer")
        elif abs(r.delta_use) > limit:
            out.append(f"større end enhedens grænse ({danish_number(float(limit))} {units[r.service]} pr. år)")
        else:
            out.append(WRITTEN)
    return out


def group_characteristics(panel: Panel, min_cell: int = MIN_CELL) -> pd.DataFrame:
    """The two groups side by side (as SØM shows target-group characteristics): persons, mean age, share of
    women and mean use in the base year per service. A value resting on fewer than `min_cell` persons (or a
    share whose complement does) is NaN; `persons` below `min_cell` is −1 (shown as "< 5")."""
    f = panel.frame
    persons = f.drop_duplicates("person")
    rows: dict[str, list] = {"characteristic": [], "success_group": [], "non_success_group": []}

    def add(name, values):
        rows["characteristic"].append(name)
        rows["success_group"].append(values[0])
        rows["non_success_group"].append(values[1])

    groups = [persons[persons["success"] == 1], persons[persons["success"] == 0]]
    sizes = [len(g) for g in groups]
    small = [s < min_cell for s in sizes]
    add("persons", [-1 if sm else s for s, sm in zip(sizes, small)])
    add("age", [np.nan if sm else g["age"].mean() for g, sm in zip(groups, small)])
    women = [
        np.nan if sm or min(g["female"].sum(), len(g) - g["female"].sum()) < min_cell else g["female"].mean()
        for g, sm in zip(groups, small)
    ]
    add("women", women)
    if panel.has_baseline:
        base = f[f["year"] == 0]
        for s in panel.services:
            add(
                f"baseline:{s}",
                [np.nan if sm else base.loc[base["success"] == v, s].mean() for v, sm in zip((1, 0), small)],
            )
    return pd.DataFrame(rows)


def regression(panel: Panel, service: str, year: int, min_cell: int = MIN_CELL):
    """statsmodels' whole OLS fit (HC1, t distribution) of one service and year, with Danish regressor names,
    for an analyst who wants every coefficient; the success coefficient equals estimate()'s. Refused
    (PanelError) where either group has fewer than `min_cell` persons."""
    import statsmodels.api as sm

    f = panel.frame
    rows = f[f["year"] == year]
    n_success = int((rows["success"] == 1).sum())
    if min(n_success, len(rows) - n_success) < max(min_cell, MIN_CELL) or service not in panel.services:
        raise PanelError([Problem(f"{service}, år {year}", "Findes ikke, eller en gruppe har færre end 5 personer.")])
    W, names = covariates(rows)
    W, used, _ = independent_columns(W, names)
    X = pd.DataFrame(W, columns=used).assign(succes=rows["success"].to_numpy(dtype=float))
    baseline = baseline_use(panel)
    if baseline is not None:
        b = baseline[rows["person"].to_numpy(), panel.services.index(service)]
        if np.ptp(b) > 0:
            X["brug i basisåret"] = b
    return sm.OLS(rows[service].to_numpy(dtype=float), X).fit(cov_type="HC1", use_t=True)
