"""The daily run: every manager-day of a date, on local processes or a Dask cluster.

:func:`run_daily` lists the manager-days (from the service's database, or from
track files / a Parquet dataset plus task files), verifies each one as a job on an
engine, and finishes with the summary files, ``results.parquet`` and the team's
day index.  The job itself (:func:`run_days`) is the same on every engine, so the
local run and the Dask run write the same results.

Output folder::

    OUT/days/<manager>.json      result JSON of each manager-day (written atomically)
    OUT/days/<manager>.html      its map report (unless maps are off)
    OUT/index.html               the team's day index (maps.team), linking the maps
    OUT/teams/<team>.html        one index per team (database input)
    OUT/summary.csv, .json       one row per manager-day, statuses incl. error/no_gps/no_tasks
    OUT/results.parquet          the summary plus every result JSON, one row per manager-day
    OUT/tracks.parquet/          file input: the date's fixes imported as Parquet (date/manager)

A manager-day whose result JSON is complete (and whose map exists, when maps are
on) is done: a re-run skips it unless ``force``.
"""

from __future__ import annotations

__all__ = ["DayJob", "DayOutcome", "RunSettings", "run_daily", "run_days"]

import dataclasses
import datetime as dt
import hashlib
import html
import json
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

import pandas as pd

from trajectory.config import VerifyConfig
from trajectory.daily import (
    DayTasks,
    chunks,
    day_stem,
    error_row,
    read_day_tasks,
    read_result,
    summary_row,
    team_index_results,
    write_summary,
    write_text_atomic,
)
from trajectory.errors import InputError, RowProblem, TrajcheckError
from trajectory.schema import TASK_FRAME_COLUMNS, ValidatedTasks

Engine = Literal["local", "dask"]
#: Sub-folder of the run folder holding each manager-day's JSON and map.
DAYS_DIR = "days"
#: Sub-folder holding the imported track files (file input) as a Parquet dataset.
TRACKS_DIR = "tracks.parquet"


@dataclass(frozen=True)
class RunSettings:
    """What every job of a run shares (sent to each worker once)."""

    date: dt.date
    out: Path
    config: VerifyConfig = field(default_factory=VerifyConfig)
    track_crs: str = "wgs84"
    store_crs: str = "wgs84"
    on_bad_row: Literal["raise", "skip"] = "raise"
    maps: bool = True
    lang: Literal["en", "zh"] = "en"
    tiles: Literal["osm", "amap", "none"] = "osm"
    force: bool = False
    database_url: str | None = None


@dataclass(frozen=True)
class DayJob:
    """One manager-day to verify.

    ``files``: its Parquet track files; ``tasks``: its validated task rows (file
    input; None: none, or load from the database); ``*_rejected``: rows left out
    (with skipped bad rows); ``error``: why it cannot be verified, known up front.
    """

    manager_id: str
    files: tuple[str, ...] = ()
    tasks: pd.DataFrame | None = None
    task_rejected: tuple[RowProblem, ...] = ()
    track_rejected: tuple[RowProblem, ...] = ()
    error: str | None = None


@dataclass(frozen=True)
class DayOutcome:
    """A job's summary row, and whether it was skipped (already done)."""

    row: dict[str, Any]
    skipped: bool = False


# ------------------------------------------------------------------------ the job


def run_days(jobs: Sequence[DayJob], settings: RunSettings) -> list[DayOutcome]:
    """Verify a chunk of manager-days; never raises for one manager's data."""
    return [_run_day(job, settings) for job in jobs]


def _run_day(job: DayJob, s: RunSettings) -> DayOutcome:
    stem = day_stem(job.manager_id)
    rel_json = f"{DAYS_DIR}/{stem}.json"
    rel_map = f"{DAYS_DIR}/{stem}.html" if s.maps else None
    json_path = s.out / rel_json
    map_path = s.out / rel_map if rel_map else None
    if job.error is not None:
        _remove_stale(json_path, s.out / f"{DAYS_DIR}/{stem}.html")
        return DayOutcome(error_row(job.manager_id, s.date, job.error))
    if not s.force:
        done = read_result(json_path)
        if done is not None and (map_path is None or map_path.is_file()):
            return DayOutcome(summary_row(done, result=rel_json, map_path=rel_map), skipped=True)
    try:
        result = _verify(job, s)
        body = result.to_dict()
        if map_path is not None:
            from maps.day import render_day

            write_text_atomic(map_path, render_day(result, lang=s.lang, tiles=s.tiles))
        if s.database_url is not None:
            _save_to_database(s.database_url, job.manager_id, s.date, body)
        text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
        write_text_atomic(json_path, text + "\n")
    except TrajcheckError as exc:
        _remove_stale(json_path, s.out / f"{DAYS_DIR}/{stem}.html")
        return DayOutcome(error_row(job.manager_id, s.date, str(exc)))
    except Exception as exc:  # one manager's day must never stop the run
        _remove_stale(json_path, s.out / f"{DAYS_DIR}/{stem}.html")
        reason = f"internal error ({type(exc).__name__}: {exc})"
        return DayOutcome(error_row(job.manager_id, s.date, reason))
    return DayOutcome(summary_row(body, result=rel_json, map_path=rel_map))


def _verify(job: DayJob, s: RunSettings) -> Any:
    from trajectory.parquet import read_day_track
    from trajectory.pipeline import verify_day

    cfg = s.config
    if s.database_url is not None:
        from api import repo

        with _db_engine(s.database_url).connect() as conn:
            track = repo.load_track(conn, job.manager_id, s.date, cfg.timezone)
            tasks = repo.load_tasks(conn, job.manager_id, s.date)
    else:
        source = f"{TRACKS_DIR} date={s.date} manager_id={job.manager_id}"
        track = read_day_track(
            job.files,
            job.manager_id,
            timezone=cfg.timezone,
            source=source,
            on_bad_row=s.on_bad_row,
        )
        frame = job.tasks if job.tasks is not None else _no_tasks()
        tasks = ValidatedTasks(
            frame=frame, rejected=job.task_rejected, source=f"tasks of {job.manager_id}"
        )
    if job.track_rejected:
        track = dataclasses.replace(track, rejected=job.track_rejected + track.rejected)
    return verify_day(
        track,
        tasks,
        cfg,
        track_crs=s.track_crs,
        store_crs=s.store_crs,
        manager_id=job.manager_id,
        date=s.date,
        on_bad_row=s.on_bad_row,
    )


def _no_tasks() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in TASK_FRAME_COLUMNS})


def _remove_stale(*paths: Path) -> None:
    """A day that errored has no result: older outputs would pass for this run's."""
    for path in paths:
        path.unlink(missing_ok=True)


#: One engine per database URL in this process (a worker keeps its pool between jobs).
_ENGINES: dict[str, Any] = {}


def _db_engine(url: str) -> Any:
    """The engine of ``url`` in this process, created on first use."""
    if url not in _ENGINES:
        from api.db import make_engine

        _ENGINES[url] = make_engine(url)
    return _ENGINES[url]


def _dispose_engines() -> None:
    """Close this process's engines (the end of a run that verified in-process)."""
    while _ENGINES:
        _ENGINES.popitem()[1].dispose()


def _save_to_database(url: str, manager_id: str, day: dt.date, body: Mapping[str, Any]) -> None:
    from api import repo

    with repo.writing(_db_engine(url)) as conn:
        pk = repo.ensure_managers(conn, [manager_id])[manager_id]
        repo.save_result(conn, pk, day, body)


# ------------------------------------------------------------------ importing files


@dataclass(frozen=True)
class ImportOutcome:
    """What importing one track file found: fixes per manager, errors, rejected rows."""

    source: str
    written: dict[str, int]
    errors: dict[str, str]
    rejected: dict[str, tuple[RowProblem, ...]]
    unattributed: tuple[RowProblem, ...] = ()
    fatal: str | None = None


def import_track_files(paths: Sequence[Path], settings: RunSettings) -> list[ImportOutcome]:
    """Import a chunk of track files into ``OUT/tracks.parquet`` (one job per file)."""
    return [_import_one(path, settings) for path in paths]


def _import_one(path: Path, s: RunSettings) -> ImportOutcome:
    from trajectory.daily import attribute_problems
    from trajectory.parquet import write_day_tracks

    source = str(path)
    key = hashlib.sha1(str(path.resolve()).encode("utf-8")).hexdigest()[:16]
    staging = s.out / TRACKS_DIR
    manifest = staging / "_import" / f"{key}.json"
    stamp = _stamp(path, s)
    old = _read_manifest(manifest)
    if old is not None and old.get("stamp") == stamp and not s.force:
        return _outcome_from(old)
    try:
        raw, problems = _raw_track_table(path)
        from trajectory.schema import validate_track

        checked = validate_track(raw, source=source, timezone=s.config.timezone, on_bad_row="skip")
        mine, lost = attribute_problems([*problems, *checked.rejected], raw)
        frame = checked.frame
        errors: dict[str, str] = {}
        if s.on_bad_row == "raise":
            errors = {m: str(min(p, key=lambda q: q.row or 0)) for m, p in mine.items()}
            frame = frame.loc[~frame["manager_id"].isin(list(errors))]
        written = write_day_tracks(
            frame, staging, s.date, timezone=s.config.timezone, name=f"part-{key}"
        )
        outcome = ImportOutcome(
            source,
            written,
            errors,
            {m: tuple(p) for m, p in mine.items()} if s.on_bad_row == "skip" else {},
            tuple(lost),
        )
    except InputError as exc:
        outcome = ImportOutcome(source, {}, {}, {}, (), fatal=str(exc))
    except Exception as exc:  # one file must never stop the run
        reason = f"{source}: internal error ({type(exc).__name__}: {exc})"
        outcome = ImportOutcome(source, {}, {}, {}, (), fatal=reason)
    stale = set(old.get("written", {})) - set(outcome.written) if old else set()
    for manager in stale:
        folder = staging / f"date={s.date}" / f"manager_id={day_stem(manager)}"
        (folder / f"part-{key}.parquet").unlink(missing_ok=True)
    write_text_atomic(manifest, json.dumps(_manifest(outcome, stamp), ensure_ascii=False))
    return outcome


def _raw_track_table(path: Path) -> tuple[pd.DataFrame, list[RowProblem]]:
    """A track file as read (raw cells, ``source_row``) and the reader's row problems."""
    # The io readers' raw tables are private to trajectory; the daily run needs the
    # manager_id written on a rejected row to charge it to that manager.
    from trajectory import io as tio

    source = str(path)
    if not path.is_file():
        raise InputError(source, None, None, "no such file")
    readers: dict[str, Callable[[Path, str], Any]] = {
        ".csv": tio._read_track_csv,
        ".txt": tio._read_track_csv,
        ".geojson": tio._read_geojson,
        ".json": tio._read_geojson,
        ".gpx": tio._read_gpx,
        ".parquet": tio._read_parquet,
        ".pq": tio._read_parquet,
    }
    reader = readers.get(path.suffix.lower())
    if reader is None:
        expected = ", ".join(tio.TRACK_SUFFIXES)
        raise InputError(source, None, None, f"unsupported file type; expected {expected}")
    table = reader(path, source)
    return table.frame, list(table.problems)


def _stamp(path: Path, s: RunSettings) -> dict[str, Any]:
    st = path.stat()
    return {
        "size": st.st_size,
        "mtime_ns": st.st_mtime_ns,
        "date": s.date.isoformat(),
        "timezone": s.config.timezone,
        "on_bad_row": s.on_bad_row,
    }


def _manifest(o: ImportOutcome, stamp: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "source": o.source,
        "stamp": dict(stamp),
        "written": o.written,
        "errors": o.errors,
        "rejected": {m: [p.to_dict() for p in ps] for m, ps in o.rejected.items()},
        "unattributed": [p.to_dict() for p in o.unattributed],
        "fatal": o.fatal,
    }


def _read_manifest(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    return data if isinstance(data, dict) else None


def _outcome_from(data: Mapping[str, Any]) -> ImportOutcome:
    def problems(items: Sequence[Mapping[str, Any]]) -> tuple[RowProblem, ...]:
        return tuple(RowProblem(p["source"], p["row"], p["field"], p["reason"]) for p in items)

    return ImportOutcome(
        str(data["source"]),
        {str(k): int(v) for k, v in data["written"].items()},
        {str(k): str(v) for k, v in data["errors"].items()},
        {str(k): problems(v) for k, v in data["rejected"].items()},
        problems(data["unattributed"]),
        data.get("fatal"),
    )


# ------------------------------------------------------------------------ engines


class _Runner:
    """Maps a function over chunks on local processes or a Dask cluster, as they finish."""

    def __init__(
        self, engine: Engine, workers: int, scheduler: str | None, log: Callable[[str], None]
    ) -> None:
        self.engine = engine
        self.workers = max(1, workers)
        self.scheduler = scheduler
        self.log = log
        self._pool: ProcessPoolExecutor | None = None
        self._client: Any = None
        self._cluster: Any = None

    def __enter__(self) -> _Runner:
        if self.engine == "dask":
            dask = _distributed()
            if self.scheduler:
                self._client = dask.Client(self.scheduler)
            else:
                self._cluster = dask.LocalCluster(
                    n_workers=self.workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                )
                self._client = dask.Client(self._cluster)
            info = self._client.scheduler_info()
            threads = sum(int(w.get("nthreads", 1)) for w in info.get("workers", {}).values())
            self.workers = threads or self.workers
            self.log(
                f"dask scheduler {info.get('address')}: {len(info.get('workers', {}))} workers"
            )
        elif self.workers > 1:
            import multiprocessing

            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["api.daily", "trajectory.pipeline", "trajectory.parquet"])
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()

    def map(self, fn: Callable[..., list[Any]], items: Sequence[Any], arg: Any) -> Iterator[Any]:
        """``fn(item, arg)`` for every item, yielding each element of each returned list."""
        if self._client is not None:
            # a key of its own: a scatter of equal data would share (and lose) the key
            shared = self._client.scatter(arg, broadcast=True, hash=False)
            futures = self._client.map(fn, items, settings=shared, pure=False)
            for future in _distributed().as_completed(futures):
                yield from future.result()
                future.release()
        elif self._pool is not None:
            pending: set[Future[list[Any]]] = {self._pool.submit(fn, i, arg) for i in items}
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield from future.result()
        else:
            for item in items:
                yield from fn(item, arg)


def _distributed() -> Any:
    """``dask.distributed``, imported when the Dask engine is used (untyped)."""
    import distributed

    return distributed


# ------------------------------------------------------------------------- the run


@dataclass
class RunReport:
    """How a run went: the summary rows and what the caller prints."""

    rows: list[dict[str, Any]]
    errors: int
    skipped: int
    verified: int
    points: int
    seconds: float
    out: Path
    index: Path | None = None
    problems: list[str] = field(default_factory=list)


def run_daily(
    settings: RunSettings,
    *,
    tracks: Sequence[Path] = (),
    tasks: Sequence[Path] = (),
    engine: Engine = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    chunk_size: int | None = None,
    progress: Callable[[int], Any] | None = None,
    log: Callable[[str], None] | None = None,
) -> RunReport:
    """Run every manager-day of ``settings.date``; see the module docstring.

    Parameters
    ----------
    settings
        Date, output folder, configuration, map options; ``database_url`` set
        means: read from (and store results in) the service's database.
    tracks, tasks
        File input (when no database): track files, folders of them or a Parquet
        dataset partitioned by date/manager; task-list files.
    engine, workers, scheduler
        ``local`` (a process pool of ``workers``, default every core; 1 runs in
        this process) or ``dask`` (the cluster at ``scheduler``, else a
        ``LocalCluster`` of ``workers`` processes).
    chunk_size
        Manager-days per task; by default about eight tasks per worker, at most 16.
    progress
        Called with the number of jobs once known, returns a callable taking each
        :class:`DayOutcome` (a progress bar or log lines).
    log
        Receives one-line messages.

    Raises
    ------
    TrajcheckError
        For input that stops the whole run (no task file, an unreadable dataset).
    """
    say = log or (lambda _msg: None)
    n_workers = workers or os.cpu_count() or 1
    start = time.perf_counter()
    out = settings.out.resolve()
    settings = dataclasses.replace(settings, out=out)
    problems: list[str] = []
    outcomes: list[DayOutcome] = []
    teams: dict[str, str | None] = {}
    try:
        with _Runner(engine, n_workers, scheduler, say) as runner:
            if settings.database_url is not None:
                jobs, teams = _database_jobs(settings)
            else:
                jobs = _file_jobs(settings, tracks, tasks, runner, problems, say)
            size = chunk_size or max(1, min(16, len(jobs) // (runner.workers * 8) or 1))
            n_tasks = -(-len(jobs) // size)
            say(f"{len(jobs)} manager-days on {settings.date} in {n_tasks} tasks ({engine})")
            advance = progress(len(jobs)) if progress is not None else None
            for outcome in runner.map(run_days, list(chunks(jobs, size)), settings):
                outcomes.append(outcome)
                if advance is not None:
                    advance(outcome)
    finally:
        _dispose_engines()
    rows = [o.row for o in outcomes]
    write_summary(rows, out, date=settings.date)
    from trajectory.parquet import write_results_parquet

    write_results_parquet(rows, out, out / "results.parquet")
    index = _write_indexes(rows, out, settings, teams)
    return RunReport(
        rows=rows,
        errors=sum(1 for r in rows if r["status"] == "error"),
        skipped=sum(1 for o in outcomes if o.skipped),
        verified=sum(1 for o in outcomes if not o.skipped and o.row["status"] != "error"),
        points=sum(int(o.row["points"] or 0) for o in outcomes if not o.skipped),
        seconds=time.perf_counter() - start,
        out=out,
        index=index,
        problems=problems,
    )


def _database_jobs(s: RunSettings) -> tuple[list[DayJob], dict[str, str | None]]:
    from api import repo
    from api.db import upgrade

    engine = _db_engine(str(s.database_url))
    upgrade(engine)
    with engine.connect() as conn:
        days = repo.manager_days_on(conn, s.date, s.config.timezone)
    jobs = [DayJob(manager_id=d["manager_id"]) for d in days]
    return jobs, {d["manager_id"]: d["team_id"] for d in days}


def _file_jobs(
    s: RunSettings,
    tracks: Sequence[Path],
    task_files: Sequence[Path],
    runner: _Runner,
    problems: list[str],
    say: Callable[[str], None],
) -> list[DayJob]:
    from trajectory.parquet import list_day_files, repartition_day

    if not task_files:
        raise InputError("<arguments>", None, "tasks", "give the task list file(s) with --tasks")
    day_tasks: DayTasks = read_day_tasks(list(task_files), s.date, on_bad_row=s.on_bad_row)
    problems.extend(f"{p} (no manager_id on the row)" for p in day_tasks.unattributed)
    datasets = [p for p in tracks if _is_dataset(p)]
    files = _track_files([p for p in tracks if not _is_dataset(p)])
    by_manager: dict[str, list[str]] = {}
    errors = dict(day_tasks.errors)
    rejected: dict[str, list[RowProblem]] = {}
    for dataset in datasets:
        listed = list_day_files(dataset, s.date)
        if listed is None:
            say(f"{dataset}: not partitioned by manager; importing {s.date} into {TRACKS_DIR}")
            listed = repartition_day(
                dataset, s.out / TRACKS_DIR, s.date, timezone=s.config.timezone
            )
        for manager, found in listed.items():
            by_manager.setdefault(manager, []).extend(found)
    if files:
        say(f"importing {len(files)} track file(s) into {s.out / TRACKS_DIR}")
        _drop_removed_sources(s.out / TRACKS_DIR, files, s.date)
        size = max(1, min(8, len(files) // (runner.workers * 4) or 1))
        for o in runner.map(import_track_files, list(chunks(files, size)), s):
            if o.fatal:
                problems.append(o.fatal)
            problems.extend(f"{p} (no manager_id on the row)" for p in o.unattributed)
            for manager, reason in o.errors.items():
                errors.setdefault(manager, reason)
            for manager, found in o.rejected.items():
                rejected.setdefault(manager, []).extend(found)
        staged = list_day_files(s.out / TRACKS_DIR, s.date) if (s.out / TRACKS_DIR).is_dir() else {}
        for manager, found in (staged or {}).items():
            by_manager.setdefault(manager, []).extend(found)
    managers = sorted(set(by_manager) | set(day_tasks.by_manager) | set(errors))
    jobs = []
    for m in managers:
        task = day_tasks.by_manager.get(m)
        jobs.append(
            DayJob(
                manager_id=m,
                files=tuple(sorted(set(by_manager.get(m, ())))),
                tasks=None if task is None else task.frame,
                task_rejected=() if task is None else task.rejected,
                track_rejected=tuple(rejected.get(m, ())),
                error=errors.get(m),
            )
        )
    return jobs


def _is_dataset(path: Path) -> bool:
    """A folder of Parquet partitions (``date=``/``manager_id=`` folders) or Parquet files only."""
    if not path.is_dir():
        return False
    entries = [e for e in path.iterdir() if not e.name.startswith((".", "_"))]
    if any(e.is_dir() and "=" in e.name for e in entries):
        return True
    return bool(entries) and all(e.suffix.lower() in (".parquet", ".pq") for e in entries)


def _track_files(paths: Sequence[Path]) -> list[Path]:
    """Files as given; folders give their track files (not recursively)."""
    from trajectory.io import TRACK_SUFFIXES

    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(
                sorted(
                    p
                    for p in path.iterdir()
                    if p.is_file()
                    and p.suffix.lower() in TRACK_SUFFIXES
                    and not p.name.startswith(".")
                )
            )
        else:
            out.append(path)
    return out


def _drop_removed_sources(staging: Path, files: Sequence[Path], date: dt.date) -> None:
    """Forget imports of files that are no longer among the inputs (their fixes too)."""
    folder = staging / "_import"
    if not folder.is_dir():
        return
    keep = {hashlib.sha1(str(p.resolve()).encode("utf-8")).hexdigest()[:16] for p in files}
    for manifest in folder.glob("*.json"):
        if manifest.stem in keep:
            continue
        data = _read_manifest(manifest) or {}
        for manager in data.get("written", {}):
            target = staging / f"date={date}" / f"manager_id={day_stem(manager)}"
            (target / f"part-{manifest.stem}.parquet").unlink(missing_ok=True)
        manifest.unlink(missing_ok=True)


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _write_indexes(
    rows: Sequence[Mapping[str, Any]],
    out: Path,
    s: RunSettings,
    teams: Mapping[str, str | None],
) -> Path | None:
    """``index.html`` of every manager, and one per team when teams are known."""
    if not rows:
        return None
    from maps.team import render_team_index

    def page(selected: Sequence[Mapping[str, Any]], prefix: str) -> str:
        links = {
            str(r["manager_id"]): prefix + quote(str(r["map"])) for r in selected if r.get("map")
        }
        page_html = render_team_index(
            team_index_results(selected), date=s.date.isoformat(), links=links, lang=s.lang
        )
        failed = [r for r in selected if r["status"] == "error"]
        if failed:
            items = "".join(
                f'<li data-manager="{_esc(r["manager_id"])}">{_esc(r["manager_id"])}: '
                f"{_esc(r['reason'])}</li>"
                for r in failed
            )
            note = (
                f'<div class="tc-daily-errors"><p><b>{len(failed)} manager-day(s) could not be '
                f"verified</b> (see summary.csv):</p><ul>{items}</ul></div>"
            )
            page_html = page_html.replace("</h1>", "</h1>" + note, 1)
        return page_html

    index = write_text_atomic(out / "index.html", page(rows, ""))
    by_team: dict[str, list[Mapping[str, Any]]] = {}
    for r in rows:
        team = teams.get(str(r["manager_id"]))
        if team:
            by_team.setdefault(team, []).append(r)
    for team, selected in by_team.items():
        write_text_atomic(out / "teams" / f"{day_stem(team)}.html", page(selected, "../"))
    return index
