"""A kommune's panel of its own citizens for estimating consequences (estimate.py): reading and checking.

A panel is a CSV file (comma-separated with decimal point, or Danish Excel's semicolons with decimal comma) or a
Parquet file with one row per person and consequence year:

    person_id, base_year, year, success, age, sex, <service id>, <service id> [unit], …

`year` is the consequence year k = 1 … 10 after the base year; rows with year 0 (optional) hold each person's use
in the base year itself, the baseline the estimate adjusts for. `success` is 0/1 (reached the outcome in the base
year), `age` the age in the base year, `sex` K/M (also kvinde/mand, or Danmarks Statistik's 2/1). Every other
column is a service of the knowledge base, in its unit (a unit written in brackets in the header is checked).
knowledge/lokale/skabelon/ holds a template and the data dictionary (DATAORDBOG.md).

Everything wrong is reported at once, in Danish, naming file:række:kolonne (at most a few rows per kind of
problem, with the count of the rest); nothing is dropped silently.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import PanelError, Problem
from ..messages import danish_number
from .reading import COMMA, EXCEL_DK, read_csv_file, where
from .schema import KnowledgeBase

REQUIRED = ("person_id", "base_year", "year", "success", "age", "sex")
# what a person has once (the same on every row of the person)
PERSON_COLUMNS = ("base_year", "success", "age", "sex")
SEX_CODES = {"k": 1.0, "kvinde": 1.0, "2": 1.0, "m": 0.0, "mand": 0.0, "1": 0.0}  # → female 1/0
SHOWN_ROWS = 5  # rows named per kind of problem; the rest are counted
_HEADER_UNIT = re.compile(r"^\s*([^\[\]]+?)\s*\[\s*([^\[\]]+?)\s*\]\s*$")


@dataclass(frozen=True)
class Panel:
    """A checked panel: `frame` has person (a number per person id, 0, 1, …), base_year, year, success (0/1), age,
    female (0/1) and one float column per service id (in the service's unit); `line` is each row's row number."""

    name: str
    hash: str
    frame: pd.DataFrame
    services: tuple[str, ...]
    units: dict[str, str] = field(default_factory=dict)
    dialect: str = COMMA

    @property
    def has_baseline(self) -> bool:
        return bool((self.frame["year"] == 0).any())

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted(int(k) for k in self.frame["year"].unique() if k >= 1))


def file_hash(path: Path) -> str:
    """12 hex digits of SHA-256 over the file's bytes (what the layer's rows record as panel_hash)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()[:12]


class _Problems:
    """Problems per kind, each naming at most SHOWN_ROWS rows and counting the rest."""

    def __init__(self, label: str, first_line: int):
        self.label, self.first_line, self.items = label, first_line, []

    def add(self, message: str, column: str | None = None) -> None:
        self.items.append(Problem(f"{self.label}:kolonne {column}" if column else self.label, message))

    def rows(self, mask: np.ndarray, column: str, message) -> None:
        """`message(position)` for the first rows where `mask` holds, plus a count of the others."""
        at = np.flatnonzero(np.asarray(mask))
        for i in at[:SHOWN_ROWS].tolist():
            text = message(i) if callable(message) else message
            self.items.append(Problem(where(self.label, i + self.first_line, column), text))
        if len(at) > SHOWN_ROWS:
            more = danish_number(int(len(at) - SHOWN_ROWS))
            self.items.append(Problem(f"{self.label}:kolonne {column}", f"… og {more} rækker mere med samme fejl."))


def _read_frame(path: Path, problems: list[Problem]) -> tuple[pd.DataFrame, str, int] | None:
    """The file as a DataFrame of numbers where the cells are numbers (text otherwise), its dialect, and the row
    number of the first data row (2 in a CSV file under its header, 1 in Parquet)."""
    label = path.name
    if path.suffix.lower() == ".parquet":
        try:
            return pd.read_parquet(path), "Parquet", 1
        except (OSError, ValueError, ImportError) as e:
            problems.append(Problem(label, f"Parquet-filen kan ikke læses ({type(e).__name__})."))
            return None
    file = read_csv_file(path, label, problems)
    if file is None:
        return None
    danish = file.semicolon
    try:
        frame = pd.read_csv(
            io.BytesIO(file.body),  # the bytes, not the decoded text: no second copy to parse
            encoding=file.codec,
            sep=";" if danish else ",",
            decimal="," if danish else ".",
            dtype={"person_id": str, "sex": str},
            keep_default_na=False,
            na_values=[""],
            skipinitialspace=True,
        )
    except pd.errors.ParserError as e:
        hit = re.search(r"line (\d+), saw (\d+)", str(e))
        expected = re.search(r"Expected (\d+) fields", str(e))
        if hit and expected:
            problems.append(
                Problem(
                    where(label, int(hit.group(1))),
                    f"Rækken har {hit.group(2)} felter, men overskriften har {expected.group(1)}. "
                    + (
                        "Står der et decimalkomma i en kommasepareret fil? Skriv punktum, eller gem som "
                        "'CSV (semikolonsepareret)'."
                        if not danish
                        else "Er rækken afbrudt?"
                    ),
                )
            )
        else:
            problems.append(Problem(label, "Filen kan ikke læses som CSV."))
        return None
    except pd.errors.EmptyDataError:
        problems.append(Problem(label, "Filen er tom."))
        return None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame, EXCEL_DK if danish else COMMA, 2


def _numbers(raw: pd.DataFrame, column: str, p: _Problems, danish: bool) -> np.ndarray:
    """A column as floats; blank and non-numeric cells are problems (NaN in the result)."""
    values = raw[column]
    if values.dtype == object or pd.api.types.is_string_dtype(values):
        text = values.astype(object)
        number = pd.to_numeric(text.where(text.notna(), None), errors="coerce").to_numpy(dtype=float)
        blank = text.isna().to_numpy() | (text.astype(str).str.strip() == "").to_numpy()
        hint = "skriv decimaler med komma (fx 1,5)" if danish else "skriv decimaler med punktum (fx 1.5)"
        p.rows(np.isnan(number) & ~blank, column, lambda i: f"'{text.iloc[i]}' er ikke et tal; {hint}.")
    else:
        number = values.to_numpy(dtype=float)
        blank = np.isnan(number)
    p.rows(blank, column, "Cellen er tom; skriv 0, hvis personen ikke brugte ydelsen i året.")
    return number


def _whole(x: np.ndarray, low: int, high: int, column: str, p: _Problems, what: str) -> None:
    ok = np.isnan(x) | ((x == np.round(x)) & (x >= low) & (x <= high))
    p.rows(~ok, column, lambda i: f"{what} skal være et helt tal fra {low} til {high} (fik {danish_number(x[i])}).")


def read_panel(path: str | Path, kb: KnowledgeBase) -> Panel:
    """Read and check the panel in `path` against the knowledge base `kb` (its services, units and the longest
    consequence year). Raises PanelError listing every problem (file:række:kolonne, Danish)."""
    path = Path(path)
    problems: list[Problem] = []
    if not path.is_file():
        raise PanelError([Problem(str(path), "Panelet findes ikke (en CSV- eller Parquet-fil).")])
    read = _read_frame(path, problems)
    if read is None:
        raise PanelError(problems)
    raw, dialect, first_line = read
    p = _Problems(path.name, first_line)
    missing = [c for c in REQUIRED if c not in raw.columns]
    for column in missing:
        p.add(
            f"Kolonnen mangler. Panelet skal have {', '.join(REQUIRED)} og en kolonne pr. ydelse (se DATAORDBOG.md).",
            column,
        )
    if len(set(raw.columns)) != len(raw.columns):
        p.add("Overskriftsrækken har den samme kolonne mere end én gang.")
    services, units = _service_columns([c for c in raw.columns if c not in REQUIRED], kb, p)
    if len(raw) == 0:
        p.add("Panelet har ingen rækker.")
    if p.items:
        raise PanelError(p.items)

    danish = dialect == EXCEL_DK
    max_year = kb.meta.limits.consequence_years
    pid = raw["person_id"].astype(str).str.strip()
    p.rows((pid == "").to_numpy() | raw["person_id"].isna().to_numpy(), "person_id", "Personen mangler et id.")
    base_year = _numbers(raw, "base_year", p, danish)
    _whole(base_year, 1980, 2100, "base_year", p, "Basisåret")
    year = _numbers(raw, "year", p, danish)
    _whole(year, 0, max_year, "year", p, "Året efter basisåret (0 = basisåret)")
    success = _numbers(raw, "success", p, danish)
    p.rows(
        ~(np.isnan(success) | np.isin(success, (0.0, 1.0))),
        "success",
        lambda i: f"Succes skal være 0 eller 1 (fik {danish_number(success[i])}).",
    )
    age = _numbers(raw, "age", p, danish)
    p.rows(
        ~(np.isnan(age) | ((age >= 0) & (age <= 120))),
        "age",
        lambda i: f"Alderen skal ligge fra 0 til 120 år (fik {danish_number(age[i])}).",
    )
    sex_text = raw["sex"].astype(str).str.strip().str.lower()
    female = sex_text.map(SEX_CODES).to_numpy(dtype=float)
    p.rows(np.isnan(female), "sex", lambda i: f"Køn skal være K eller M (fik '{raw['sex'].iloc[i]}').")

    frame = pd.DataFrame(
        {"person": pd.factorize(pid)[0], "base_year": base_year, "year": year, "success": success, "age": age}
    ).assign(female=female)  # person: a number 0, 1, … per person id (the ids themselves stay in the file)
    unit_limits = dict(zip(kb.units["unit"], kb.units["use_max"]))
    for column, service in services.items():
        use = _numbers(raw, column, p, danish)
        p.rows(use < 0, column, lambda i, u=use: f"Brugen kan ikke være negativ (fik {danish_number(u[i])}).")
        limit = unit_limits.get(units[service])
        if limit is not None:
            p.rows(
                use > limit,
                column,
                lambda i, u=use, s=service, m=limit: (
                    f"{danish_number(u[i])} {units[s]} på et år passer ikke til enheden: en person kan højst have "
                    f"{danish_number(m)} {units[s]} pr. år. Er tallet i en anden enhed (fx dage i stedet for uger)?"
                ),
            )
        frame[service] = use
    _person_checks(frame, p)
    if p.items:
        raise PanelError(p.items)
    frame["year"] = frame["year"].astype(int)
    frame["base_year"] = frame["base_year"].astype(int)
    frame["line"] = np.arange(len(frame)) + first_line
    return Panel(path.name, file_hash(path), frame, tuple(services.values()), units, dialect)


def _service_columns(columns: list[str], kb: KnowledgeBase, p: _Problems) -> tuple[dict[str, str], dict[str, str]]:
    """Header → service id for the service columns, and each service's unit; problems for unknown ids and units
    written in the header that are not the service's."""
    known = dict(zip(kb.services["id"], kb.services["unit"]))
    services: dict[str, str] = {}
    for column in columns:
        m = _HEADER_UNIT.match(column)
        service, unit = (m.group(1), m.group(2)) if m else (column, None)
        if service not in known:
            close = [s for s in known if s.startswith(service[:4])][:3] if len(service) >= 4 else []
            hint = f" Mente du {' eller '.join(close)}?" if close else ""
            p.add(f"'{service}' er ikke en ydelse i vidensdatabasen (services.csv).{hint}", column)
            continue
        if unit is not None and unit != known[service]:
            p.add(
                f"Ydelsen '{service}' opgøres i {known[service]}, ikke {unit}. Regn om til {known[service]} pr. "
                "person pr. år.",
                column,
            )
            continue
        if service in services.values():
            p.add(f"Ydelsen '{service}' står i mere end én kolonne.", column)
            continue
        services[column] = service
    if not columns:
        p.add("Panelet har ingen ydelseskolonner (en kolonne pr. ydelse, navngivet med ydelsens id).")
    return services, {s: known[s] for s in services.values()}


def _person_checks(frame: pd.DataFrame, p: _Problems) -> None:
    """Duplicate person-years, a person whose base year, success, age or sex differ between rows, a person
    without a year-0 row when the panel has baselines, and groups without persons."""
    dup = frame.duplicated(["person", "year"], keep="first").to_numpy()
    p.rows(
        dup,
        "year",
        lambda i: f"Personen og året står allerede i en tidligere række (dublet; år {frame['year'].iloc[i]:g}).",
    )
    for column, what in zip(PERSON_COLUMNS, ("basisår", "succes", "alder", "køn"), strict=True):
        col = "female" if column == "sex" else column
        first = frame.groupby("person", sort=False)[col].transform("first")
        differs = (frame[col] != first) & frame[col].notna() & first.notna()
        p.rows(
            differs.to_numpy(),
            column,
            f"Personen har et andet {what} her end i sin første række; det skal være det samme i alle rækker.",
        )
    baseline = frame["year"] == 0
    if baseline.any():
        has = np.zeros(int(frame["person"].max()) + 1, dtype=bool)
        has[frame.loc[baseline, "person"].to_numpy()] = True
        p.rows(
            ~has[frame["person"].to_numpy()] & ~baseline.to_numpy(),
            "year",
            "Personen har ingen række med year 0 (brugen i basisåret), men panelet har det for andre personer.",
        )
    later = frame["year"] >= 1
    if not later.any():
        p.add("Panelet har ingen rækker med year 1 eller senere (årene efter basisåret).", "year")
        return
    groups = frame.loc[later, "success"]
    for value, name in ((1.0, "succesgruppen (success = 1)"), (0.0, "ikke-succesgruppen (success = 0)")):
        if not (groups == value).any():
            p.add(f"Ingen personer i {name}: der er intet at sammenligne med.", "success")
