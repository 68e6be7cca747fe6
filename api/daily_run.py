"""The daily run: every manager-day of a date, on local processes or a Dask cluster.

:func:`run_daily` lists the manager-days (from the service's database, or from
track files / a Parquet dataset plus task files), runs each one as a job
(:func:`api.daily.run_days`) on an engine, and finishes with the summary files,
``results.parquet`` and the team's day index.  The job is the same on every engine,
so the local run and the Dask run write the same results.

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

__all__ = ["Engine", "RunReport", "run_daily"]

import dataclasses
import html
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

from api.daily import (
    TRACKS_DIR,
    DayJob,
    DayOutcome,
    RunSettings,
    db_engine,
    dispose_engines,
    run_days,
    warm_up,
)
from api.daily_import import drop_removed_sources, import_track_files, is_dataset, track_files
from trajectory.daily import (
    chunks,
    day_stem,
    team_index_results,
    write_summary,
    write_text_atomic,
)
from trajectory.daily_tasks import DayTasks, read_day_tasks
from trajectory.errors import InputError, RowProblem

Engine = Literal["local", "dask"]


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
            started = time.perf_counter()
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
            n = len(info.get("workers", {}))
            took = time.perf_counter() - started
            self.log(f"dask scheduler {info.get('address')}: {n} workers ({took:.1f} s to connect)")
        elif self.workers > 1:
            import multiprocessing

            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(
                ["api.daily", "api.daily_import", "trajectory.pipeline", "trajectory.parquet"]
            )
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx)
            # start every worker now, while this process lists the manager-days
            for _ in range(self.workers):
                self._pool.submit(warm_up)
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
        ``LocalCluster`` of ``workers`` processes).  Worker processes start with
        ``forkserver`` (or Dask's spawn) and import the calling script as
        ``__mp_main__``: as with any multiprocessing code, a script calling this
        must do so under ``if __name__ == "__main__":``.
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
        dispose_engines()
    rows = [o.row for o in outcomes]
    write_summary(rows, out, date=settings.date)
    from trajectory.results_parquet import write_results_parquet

    write_results_parquet(rows, out, out / "results.parquet", stays_path=out / "stays.parquet")
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

    engine = db_engine(str(s.database_url))
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
    datasets = [p for p in tracks if is_dataset(p)]
    files = track_files([p for p in tracks if not is_dataset(p)])
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
        drop_removed_sources(s.out / TRACKS_DIR, files, s.date)
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


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


#: The lists above the index table: what the verdict badges do not say.
_NOTES = {
    "error": "manager-day(s) could not be verified",
    "no_gps": "manager(s) with a task list but no GPS fix on the day",
    "no_tasks": "manager(s) with GPS fixes but no task list",
}


def _note(status: str, rows: Sequence[Mapping[str, Any]]) -> str:
    """``<div class="tc-daily-<status>">`` listing ``rows`` (with reasons for errors)."""
    if not rows:
        return ""
    items = "".join(
        f'<li data-manager="{_esc(r["manager_id"])}">{_esc(r["manager_id"])}'
        + (f": {_esc(r['reason'])}" if status == "error" else "")
        + "</li>"
        for r in rows
    )
    css = status.replace("_", "-")
    return (
        f'<div class="tc-daily-{css}"><p><b>{len(rows)} {_NOTES[status]}</b> '
        f"(see summary.csv):</p><ul>{items}</ul></div>"
    )


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
        notes = "".join(
            _note(status, [r for r in selected if r["status"] == status])
            for status in ("error", "no_gps", "no_tasks")
        )
        return page_html.replace("</h1>", "</h1>" + notes, 1) if notes else page_html

    index = write_text_atomic(out / "index.html", page(rows, ""))
    by_team: dict[str, list[Mapping[str, Any]]] = {}
    for r in rows:
        team = teams.get(str(r["manager_id"]))
        if team:
            by_team.setdefault(team, []).append(r)
    for team, selected in by_team.items():
        write_text_atomic(out / "teams" / f"{day_stem(team)}.html", page(selected, "../"))
    return index
