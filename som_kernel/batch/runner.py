"""Plan a run (scenarios → blocks of one structure → chunks), execute the chunks on an engine, keep each
finished chunk on disk, and put the tables together.

Engines (the same `run_chunk` everywhere):
- serial: in this process (`workers=1`);
- local processes (default): `concurrent.futures.ProcessPoolExecutor` on the machine's cores. Chosen over
  dask's local scheduler because it needs nothing beyond the standard library and has no scheduler of its
  own to start; each worker process receives the knowledge bases once, when it starts;
- a Dask cluster (`scheduler=` address, a `distributed.Client`, or env SOM_DASK_SCHEDULER): the knowledge
  bases are scattered to every worker once (broadcast), then one task per chunk.

Chunks hold whole blocks (see compute.py), so the chunk size and the engine change where a block is computed,
never how: the tables are identical bit for bit. A chunk's two files are written when it finishes; a rerun
with the same inputs and settings skips the chunks already on disk, and Ctrl-C keeps them.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import Problem, ScenarioError, SomError
from ..kb import DEFAULT_KNOWLEDGE_DIR, KnowledgeBase, load_knowledge
from ..scenario import build_scenario, load_scenario
from .compute import Item, Options, block_columns, frames
from .table import (
    ID_COLUMNS,
    KNOWLEDGE_COLUMNS,
    check_columns,
    field_columns,
    is_varying,
    plain,
    read_parameter_table,
)

BLOCK = 256  # scenarios of one structure evaluated together; fixed, so numbers never depend on the chunking
SCENARIO_SUFFIXES = (".json",)
TABLE_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")
RESULTS_FILE = "results.parquet"
KEY_FILE = "key_figures.parquet"
XLSX_FILE = "key_figures.xlsx"
ENV_SCHEDULER = "SOM_DASK_SCHEDULER"


@dataclass
class Plan:
    """Every scenario of a run: the bases (scenario dicts), one Item per scenario, their id columns, and the
    scenarios that failed before any calculation (a scenario file that cannot be read)."""

    bases: dict[str, dict] = field(default_factory=dict)
    items: list[Item] = field(default_factory=list)
    ids: pd.DataFrame = field(default_factory=pd.DataFrame)
    failed: dict[int, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.ids)

    def knowledge_paths(self) -> list[str | None]:
        return list(dict.fromkeys(it.knowledge for it in self.items))


def _scenario_dict(scenario) -> dict:
    return scenario.model_dump(mode="json")


def plan_run(inputs: Iterable[str | os.PathLike | pd.DataFrame], base: str | os.PathLike | dict | None = None) -> Plan:
    """A Plan from scenario files (.json), parameter tables (.csv/.xlsx or DataFrames) and (base, table) pairs.

    A table's rows are applied to `base` (a scenario file or dict); without `base`, to the one scenario file
    among `inputs` (which is then not run on its own); a (base, table) pair uses its own base (a portfolio:
    several interventions, each over the same table of kommuner). Table columns are checked before anything runs; a bad
    column raises ScenarioError naming it, with a suggestion."""
    inputs = list(inputs)
    pairs = [x for x in inputs if isinstance(x, tuple)]  # (base, table): a table with its own base
    inputs = [x for x in inputs if not isinstance(x, tuple)]
    is_table = [isinstance(x, pd.DataFrame) or Path(x).suffix.lower() in TABLE_SUFFIXES for x in inputs]
    files = [x for x, t in zip(inputs, is_table) if not t]
    tables = [x for x, t in zip(inputs, is_table) if t]
    for f in files:
        if Path(f).suffix.lower() not in SCENARIO_SUFFIXES:
            raise ScenarioError(f"'{f}' er hverken en scenariefil (.json) eller en parametertabel (.csv, .xlsx).")
    plan = Plan()
    id_rows: list[dict] = []
    if tables:
        if base is None:
            if len(files) != 1:
                raise ScenarioError(
                    "En parametertabel skal have ét grundscenarie: angiv én scenariefil sammen med tabellen "
                    "eller brug --base SCENARIE.json."
                )
            base, files = files[0], []
        pairs = [(base, t) for t in tables] + pairs
    for b, source in pairs:
        base_dict = _scenario_dict(build_scenario(b) if isinstance(b, dict) else load_scenario(b))
        base_name = f"{base_dict.get('name') or 'base'}#{len(plan.bases)}" if isinstance(b, dict) else Path(b).name
        plan.bases.setdefault(base_name, base_dict)
        _plan_table(plan, id_rows, source, base_name, base_dict)
    for f in files:
        i = len(id_rows)
        try:
            data = _scenario_dict(load_scenario(f))
        except SomError as e:
            plan.failed[i] = " ".join(str(p) for p in e.problems)
            id_rows.append({"scenario": i, "name": Path(f).stem, "source": Path(f).name})
            continue
        key = f"{Path(f).name}#{i}"
        plan.bases[key] = data
        plan.items.append(Item(index=i, base=key, knowledge=None))
        id_rows.append({"scenario": i, "name": data.get("name") or Path(f).stem, "source": Path(f).name})
    if not id_rows:
        raise ScenarioError("Ingen scenarier at beregne: angiv scenariefiler (.json) eller en parametertabel.")
    plan.ids = pd.DataFrame(id_rows)
    return plan


def _plan_table(plan: Plan, id_rows: list[dict], source, base_name: str, base_dict: dict) -> None:
    table = read_parameter_table(source)
    name = "tabellen" if isinstance(source, pd.DataFrame) else Path(source).name
    folder = Path.cwd() if isinstance(source, pd.DataFrame) else Path(source).resolve().parent
    check_columns(table, base_dict, name)
    fields = field_columns(table)
    id_col = next((c for c in table.columns if c.lower() in ID_COLUMNS), None)
    kb_col = next((c for c in table.columns if c.lower() in KNOWLEDGE_COLUMNS), None)
    for r, row in enumerate(table.itertuples(index=False, name=None)):
        values = dict(zip(table.columns, row))
        i = len(id_rows)
        knowledge = plain(values[kb_col]) if kb_col else None
        if knowledge is not None:
            p = Path(str(knowledge))
            knowledge = str(p if p.is_absolute() else (folder / p).resolve())
        shared, varying = [], []
        for c in fields:
            v = plain(values[c])
            if v is not None:
                (varying if is_varying(c) else shared).append((c, v))
        label = plain(values[id_col]) if id_col else None
        plan.items.append(Item(i, base_name, knowledge, tuple(shared), tuple(varying)))
        id_rows.append(
            {
                "scenario": i,
                "name": str(label) if label is not None else f"{Path(name).stem} række {r + 1}",
                "source": name,
                "base": base_dict.get("name", ""),
                **({"knowledge": knowledge} if kb_col else {}),
                **{c: values[c] for c in fields},
            }
        )


# ---- blocks and chunks --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chunk:
    """One task: whole blocks of items and the bases they start from."""

    number: int
    bases: dict[str, dict]
    blocks: tuple[tuple[Item, ...], ...]
    token: str = ""  # the run's fingerprint: models are kept per worker under (token, block key)

    @property
    def size(self) -> int:
        return sum(len(b) for b in self.blocks)


def blocks_of(items: list[Item], block: int = BLOCK) -> list[tuple[Item, ...]]:
    """Items grouped by structure (base, knowledge base, shared overrides) in order of first appearance, cut
    into blocks of at most `block` items."""
    groups: dict[tuple, list[Item]] = {}
    for it in items:
        groups.setdefault(it.key, []).append(it)
    return [tuple(g[i : i + block]) for g in groups.values() for i in range(0, len(g), block)]


def chunks_of(plan: Plan, chunk_size: int, token: str = "") -> list[Chunk]:
    """Whole blocks packed into chunks of at least `chunk_size` scenarios (the last one may be smaller)."""
    out: list[Chunk] = []
    current: list[tuple[Item, ...]] = []
    n = 0

    def close():
        bases = {b[0].base: plan.bases[b[0].base] for b in current}
        out.append(Chunk(len(out), bases, tuple(current), token))

    for b in blocks_of(plan.items):
        current.append(b)
        n += len(b)
        if n >= chunk_size:
            close()
            current, n = [], 0
    if current:
        close()
    return out


def default_chunk_size(n: int, draws: int) -> int:
    """Scenarios per chunk: about a sixteenth of the run (so two to a few dozen workers all get work), at most
    2,000 (a chunk is then a second or so), and with draws at most ~100,000 draws per chunk. It depends on
    the run only, never on the number of workers, so a rerun with other workers still finds its chunks."""
    size = min(2_000, max(1, -(-n // 16)))
    return min(size, max(1, 100_000 // draws)) if draws else size


# ---- running a chunk -------------------------------------------------------------------------------------


_KB_CACHE: dict[tuple, KnowledgeBase] = {}


def _load(path: str | None) -> KnowledgeBase:
    """load_knowledge, kept per folder and the files' modification times (a rerun in a notebook or a test
    does not read and check the same knowledge base again; a changed file is read again)."""
    folder = Path(path) if path is not None else Path(os.environ.get("SOM_KNOWLEDGE", DEFAULT_KNOWLEDGE_DIR))
    stamp = (
        tuple(sorted((f.name, f.stat().st_mtime_ns) for f in folder.glob("*") if f.is_file()))
        if folder.is_dir()
        else ()
    )
    key = (str(folder.resolve()), stamp)
    if key not in _KB_CACHE:
        _KB_CACHE[key] = load_knowledge(folder)
    return _KB_CACHE[key]


class KnowledgeBundle:
    """The knowledge bases of a run by path (None = the default), or the Danish message why one failed."""

    def __init__(self, paths: Iterable[str | None]):
        self.kbs: dict[str | None, KnowledgeBase | str] = {}
        for p in paths:
            try:
                self.kbs[p] = _load(p)
            except SomError as e:
                where = p or "standard"
                self.kbs[p] = f"Vidensdatabasen {where} kan ikke bruges: " + " ".join(str(x) for x in e.problems)


_BLAS: Any = None  # this process's threadpoolctl controller: finding the libraries is done once, not per chunk


def _one_blas_thread():
    """A context in which BLAS uses one thread (restored on leaving)."""
    global _BLAS
    if _BLAS is None:
        from threadpoolctl import ThreadpoolController

        _BLAS = ThreadpoolController()
    return _BLAS.limit(limits=1, user_api="blas")


def run_chunk(chunk: Chunk, bundle: KnowledgeBundle, options: Options) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Results and key figures of every scenario in `chunk`. One BLAS thread: the parallelism is the workers'
    (several BLAS threads per worker on a busy machine made the small matrix products 20 times slower), and
    every engine then runs the same single-threaded products."""
    blocks = []
    models = _ModelView(chunk.token)
    with _one_blas_thread():
        for block in chunk.blocks:
            first = block[0]
            base, kb = chunk.bases[first.base], bundle.kbs[first.knowledge]
            blocks.append(block_columns(base, list(block), kb, options, models))
    results, keys = frames(blocks)
    return pd.concat(results, ignore_index=True), pd.concat(keys, ignore_index=True)


_MODELS: dict[tuple, Any] = {}  # per process: (run token, block key) → (scenario, model), and bases; a few dozen
_MODELS_MAX = 32


class _ModelView:
    """The models of one run in this process (dict-like for evaluate_block): blocks of one structure, in this
    chunk or an earlier one on the same worker, build their model once."""

    def __init__(self, token: str):
        self.token = token

    def get(self, key):
        value = _MODELS.pop((self.token, key), None)
        if value is not None:
            _MODELS[(self.token, key)] = value  # last used goes last: a base used by every block stays
        return value

    def __setitem__(self, key, value) -> None:
        if (self.token, key) not in _MODELS:
            while len(_MODELS) >= _MODELS_MAX:
                _MODELS.pop(next(iter(_MODELS)))
            _MODELS[(self.token, key)] = value


_WORKER_BUNDLE: KnowledgeBundle | None = None


def _init_worker(bundle: KnowledgeBundle) -> None:
    global _WORKER_BUNDLE
    _WORKER_BUNDLE = bundle


def _run_in_worker(chunk: Chunk, options: Options):
    return run_chunk(chunk, _WORKER_BUNDLE, options)


def _serial(chunks, bundle, options) -> Iterator:
    for c in chunks:
        yield c, run_chunk(c, bundle, options)


def _processes(chunks, bundle, options, workers: int) -> Iterator:
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(bundle,))
    try:
        futures = {pool.submit(_run_in_worker, c, options): c for c in chunks}
        for f in as_completed(futures):
            yield futures[f], f.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _dask(chunks, bundle, options, client, tag: str) -> Iterator:
    from distributed import as_completed as dask_completed

    shared = client.scatter(bundle, broadcast=True, hash=False)
    futures = {
        client.submit(run_chunk, c, shared, options, key=f"som-chunk-{tag}-{c.number}", pure=False): c for c in chunks
    }
    try:
        for f in dask_completed(futures):
            yield futures[f], f.result()
    finally:
        client.cancel(list(futures))


# ---- the run ---------------------------------------------------------------------------------------------


@dataclass
class BatchResult:
    """Where a run's tables are and how it went."""

    out_dir: Path
    n_scenarios: int
    n_errors: int
    seconds: float
    engine: str
    chunks_done: int
    chunks_total: int
    chunks_skipped: int
    interrupted: bool = False
    dashboard: str | None = None
    compute_seconds: float = 0.0  # planning and the chunks (workers, chunk files)
    assemble_seconds: float = 0.0  # the final Parquet files and the Excel file

    @property
    def results_path(self) -> Path:
        return self.out_dir / RESULTS_FILE

    @property
    def key_figures_path(self) -> Path:
        return self.out_dir / KEY_FILE

    @property
    def xlsx_path(self) -> Path:
        return self.out_dir / XLSX_FILE

    def results(self) -> pd.DataFrame:
        return pd.read_parquet(self.results_path)

    def key_figures(self) -> pd.DataFrame:
        return pd.read_parquet(self.key_figures_path)


def _fingerprint(plan: Plan, options: Options, chunk_size: int) -> str:
    doc = {
        "bases": plan.bases,
        "items": [(it.index, it.base, it.knowledge, it.shared, it.varying) for it in plan.items],
        "failed": plan.failed,
        "options": {**asdict(options), "spec": repr(options.spec)},
        "chunk_size": chunk_size,
        "block": BLOCK,
    }
    return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()


def _client(scheduler):
    if scheduler is None:
        return None
    from distributed import Client

    return scheduler if isinstance(scheduler, Client) else Client(scheduler)


def run(
    inputs: Iterable[str | os.PathLike | pd.DataFrame] | Plan,
    out_dir: str | os.PathLike,
    *,
    base: str | os.PathLike | dict | None = None,
    draws: int = 0,
    seed: int = 0,
    payback_years: int = 10,
    workers: int | None = None,
    scheduler: Any = None,
    chunk_size: int | None = None,
    restart: bool = False,
    progress: bool = True,
    on_chunk=None,
    xlsx: bool = True,
) -> BatchResult:
    """Run every scenario of `inputs` (see plan_run) into `out_dir`: results.parquet (tidy: id columns,
    year, actor, welfare_area, kind, amount, discounted), key_figures.parquet and key_figures.xlsx.

    workers: local processes (default: every core; 1 = in this process). scheduler: a Dask scheduler
    address or Client (default: env SOM_DASK_SCHEDULER, else local). A rerun skips the chunks on disk;
    `restart=True` starts over. Ctrl-C stops, keeps the finished chunks and returns with interrupted=True.
    xlsx=False skips the Excel file (it takes longer than the calculation for tens of thousands of rows)."""
    start = time.perf_counter()
    plan = inputs if isinstance(inputs, Plan) else plan_run(inputs, base)
    options = Options(draws=int(draws), seed=int(seed), payback_years=int(payback_years))
    if options.draws < 0:
        raise ScenarioError([Problem("draws", "Antallet af træk kan ikke være negativt.")])
    size = int(chunk_size) if chunk_size else default_chunk_size(len(plan), options.draws)
    tag = _fingerprint(plan, options, size)
    chunks = chunks_of(plan, size, tag)
    out = Path(out_dir)
    parts = out / "chunks"
    manifest = parts / "plan.json"
    if restart and parts.exists():
        shutil.rmtree(parts)
    if manifest.exists() and json.loads(manifest.read_text(encoding="utf-8")).get("fingerprint") != tag:
        raise ScenarioError(
            [
                Problem(
                    str(out),
                    "Mappen indeholder en anden kørsel (andre input eller indstillinger). Vælg en ny mappe, "
                    "eller start forfra med --forfra (sletter de gemte dele).",
                )
            ]
        )
    parts.mkdir(parents=True, exist_ok=True)
    manifest.write_text(json.dumps({"fingerprint": tag, "chunks": len(chunks)}), encoding="utf-8")

    def done(c: Chunk) -> bool:
        return (parts / f"{c.number:05d}.key.parquet").exists()

    todo = [c for c in chunks if not done(c)]
    skipped = len(chunks) - len(todo)
    scheduler = scheduler if scheduler is not None else (os.environ.get(ENV_SCHEDULER) or None)
    client = _client(scheduler)
    own_client = client is not None and client is not scheduler
    n_workers = workers or os.cpu_count() or 1
    dashboard = None
    if client is not None:
        engine = f"Dask-klynge ({client.scheduler.address})"
        dashboard = client.dashboard_link
    elif n_workers == 1 or len(todo) <= 1:
        engine = "i denne proces"
    else:
        engine = f"{n_workers} lokale processer"
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(plan), initial=sum(c.size for c in chunks if done(c)), unit="scenarier", desc="SØM")
    interrupted = False
    finished = skipped
    bundle = KnowledgeBundle(plan.knowledge_paths()) if todo else None
    if client is not None:
        stream = _dask(todo, bundle, options, client, tag[:12])
    elif n_workers == 1 or len(todo) <= 1:
        stream = _serial(todo, bundle, options)
    else:
        stream = _processes(todo, bundle, options, min(n_workers, len(todo)))
    try:
        for c, (results, key) in stream:
            tmp_r, tmp_k = parts / f"{c.number:05d}.results.tmp", parts / f"{c.number:05d}.key.tmp"
            results.to_parquet(tmp_r, index=False)
            key.to_parquet(tmp_k, index=False)
            tmp_r.replace(parts / f"{c.number:05d}.results.parquet")
            tmp_k.replace(parts / f"{c.number:05d}.key.parquet")  # the key file last: its presence = done
            finished += 1
            if bar is not None:
                bar.update(c.size)
            if on_chunk is not None:
                on_chunk(finished, len(chunks))
    except KeyboardInterrupt:
        interrupted = True
    finally:
        if hasattr(stream, "close"):
            stream.close()
        if bar is not None:
            bar.close()
        if own_client:
            client.close()
    n_errors = 0
    computed = time.perf_counter()
    if not interrupted:
        try:
            n_errors = _assemble(plan, chunks, parts, out, xlsx)
        except KeyboardInterrupt:  # every chunk is on disk: a rerun only puts the tables together
            interrupted = True
    end = time.perf_counter()
    return BatchResult(
        out_dir=out,
        n_scenarios=len(plan),
        n_errors=n_errors,
        seconds=end - start,
        engine=engine,
        chunks_done=finished,
        chunks_total=len(chunks),
        chunks_skipped=skipped,
        interrupted=interrupted,
        dashboard=dashboard,
        compute_seconds=computed - start,
        assemble_seconds=end - computed,
    )


def _with_ids(ids: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """`table` (sorted by scenario) with the id columns of its scenarios in front (ids row i = scenario i)."""
    front = ids.iloc[table["scenario"].to_numpy()].reset_index(drop=True)
    return pd.concat([front, table.drop(columns="scenario").reset_index(drop=True)], axis=1)


def _assemble(plan: Plan, chunks: list[Chunk], parts: Path, out: Path, xlsx: bool = True) -> int:
    """Put the chunk files together, sorted by scenario, with the id columns in front. Returns #errors."""
    from .output import write_key_figures_xlsx

    keys = [pd.read_parquet(parts / f"{c.number:05d}.key.parquet") for c in chunks]
    results = [pd.read_parquet(parts / f"{c.number:05d}.results.parquet") for c in chunks]
    if plan.failed:
        keys.append(
            pd.DataFrame({"scenario": list(plan.failed), "error": pd.Series(list(plan.failed.values()), dtype=object)})
        )
    key = pd.concat([k for k in keys if len(k)], ignore_index=True)
    key = _with_ids(plan.ids, key.iloc[np.argsort(key["scenario"].to_numpy(), kind="stable")])
    res = pd.concat(results, ignore_index=True)
    res = _with_ids(plan.ids, res.iloc[np.argsort(res["scenario"].to_numpy(), kind="stable")])
    key.to_parquet(out / KEY_FILE, index=False)
    res.to_parquet(out / RESULTS_FILE, index=False)
    if xlsx:
        write_key_figures_xlsx(key, out / XLSX_FILE)
    elif (out / XLSX_FILE).exists():
        (out / XLSX_FILE).unlink()  # never leave an Excel file of an earlier run beside these tables
    return int(key["error"].notna().sum())
