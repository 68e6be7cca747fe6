"""The daily run: every manager-day of a date, on local processes or a Dask cluster.

:func:`run_daily` lists the manager-days (from a :class:`~batch.store.DayStore`, or
from track files / a Parquet dataset plus task files), runs each one as a job
(:func:`batch.jobs.run_days`) on an engine (:class:`batch.engines.Runner`), and
finishes with the summary files, ``results.parquet`` and the team's day index.  The
job is the same on every engine, so the local run and the Dask run write the same
results.

Output folder::

    OUT/days/<manager>.json      result JSON of each manager-day (written atomically)
    OUT/days/<manager>.html      its map report (unless maps are off)
    OUT/index.html               the team's day index (maps.team), linking the maps
    OUT/teams/<team>.html        one index per team (store input)
    OUT/summary.csv, .json       one row per manager-day, statuses incl. error/no_gps/no_tasks
    OUT/results.parquet          the summary plus every result JSON, one row per manager-day
    OUT/stays.parquet            GeoParquet: one row per stay
    OUT/tracks.parquet/          file input: the date's fixes imported as Parquet (date/manager)

A manager-day whose result JSON is complete (and whose map exists, when maps are
on) is done: a re-run skips it unless ``force``.
"""

from __future__ import annotations

__all__ = ["RunReport", "run_daily"]

import dataclasses
import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from batch.engines import Engine, Runner, chunks
from batch.index import write_indexes
from batch.inputs import file_jobs, store_jobs
from batch.jobs import DayJob, DayOutcome, RunSettings, run_days
from batch.results_parquet import write_results_parquet
from batch.summary import write_summary


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
        Date, output folder, configuration, map options; ``store`` set means: read
        from (and save results in) that store (:class:`batch.store.DayStore`).
    tracks, tasks
        File input (when no store): track files, folders of them or a Parquet
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
        :class:`~batch.jobs.DayOutcome` (a progress bar or log lines).
    log
        Receives one-line messages.

    Raises
    ------
    TrajcheckError
        For input that stops the whole run (no task file, an unreadable dataset).
    """
    start = time.perf_counter()
    settings = dataclasses.replace(settings, out=settings.out.resolve())
    runner = Runner(engine, workers or os.cpu_count() or 1, scheduler, log or _quiet)
    problems: list[str] = []
    try:
        with runner:
            if settings.store is not None:
                jobs, teams = store_jobs(settings.store, settings)
            else:
                jobs = file_jobs(settings, tracks, tasks, runner, problems, runner.log)
                teams = {}
            if runner.engine == "dask" or runner.workers > 1:  # this thread only waits
                threading.Thread(target=_preload_finish, daemon=True).start()
            outcomes = _run_jobs(jobs, settings, runner, chunk_size, progress)
    finally:
        if settings.store is not None:
            settings.store.close()
    return _finish(outcomes, settings, teams, problems, start)


def _preload_finish() -> None:
    """Import what the end of the run needs (geopandas for ``stays.parquet``, maps.team
    and folium for the index) while the workers verify, instead of after them."""
    try:
        import geopandas  # noqa: F401

        import maps.team  # noqa: F401
    except Exception:  # imported again (and raising) where used
        pass


def _quiet(_message: str) -> None:
    """The log of a run without one."""


def _finish(
    outcomes: Sequence[DayOutcome],
    settings: RunSettings,
    teams: Mapping[str, str | None],
    problems: list[str],
    start: float,
) -> RunReport:
    """Write the summary files, ``results.parquet``, the indexes; the report (timed from
    ``start``, a ``time.perf_counter()``)."""
    out = settings.out
    rows = [o.row for o in outcomes]
    write_summary(rows, out, date=settings.date)
    write_results_parquet(rows, out, out / "results.parquet", stays_path=out / "stays.parquet")
    index = write_indexes(rows, out, date=settings.date, lang=settings.lang, teams=teams)
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


def _run_jobs(
    jobs: list[DayJob],
    settings: RunSettings,
    runner: Runner,
    chunk_size: int | None,
    progress: Callable[[int], Any] | None,
) -> list[DayOutcome]:
    """Run the jobs in chunks on ``runner``; each outcome goes to the progress display."""
    size = chunk_size or max(1, min(16, len(jobs) // (runner.workers * 8) or 1))
    n_tasks = -(-len(jobs) // size)
    runner.log(f"{len(jobs)} manager-days on {settings.date} in {n_tasks} tasks ({runner.engine})")
    advance = progress(len(jobs)) if progress is not None else None
    outcomes: list[DayOutcome] = []
    for outcome in runner.map(run_days, list(chunks(jobs, size)), settings):
        outcomes.append(outcome)
        if advance is not None:
            advance(outcome)
    return outcomes
