"""The manager-days of a run: listed from a store, or from track and task files.

From a :class:`~batch.store.DayStore`, every manager with fixes or a task list on the
date is one job that loads its own day.  From files, the task lists are read once
here (each bad row charged to its manager, :mod:`batch.tasks`); Parquet datasets are
listed (or re-partitioned by manager once, :mod:`batch.parquet`) and track files are
imported into ``OUT/tracks.parquet`` by jobs on the engine (:mod:`batch.imports`);
each job then carries its manager's files and task rows.
"""

from __future__ import annotations

__all__ = ["file_jobs", "store_jobs"]

import base64
from collections.abc import Callable, Sequence
from pathlib import Path

from batch.engines import Runner, chunks
from batch.imports import drop_removed_sources, import_track_files, is_dataset, track_files
from batch.jobs import TRACKS_DIR, DayJob, RunSettings
from batch.parquet import list_day_files, repartition_day
from batch.store import DayStore
from batch.tasks import DayTasks, read_day_tasks
from trajectory.errors import InputError, RowProblem


def store_jobs(store: DayStore, s: RunSettings) -> tuple[list[DayJob], dict[str, str | None]]:
    """One job per manager-day in ``store`` on ``s.date``, and each manager's team."""
    store.prepare()
    days = store.manager_days(s.date, s.config.timezone)
    jobs = [DayJob(manager_id=d.manager_id) for d in days]
    return jobs, {d.manager_id: d.team_id for d in days}


def file_jobs(
    s: RunSettings,
    tracks: Sequence[Path],
    task_files: Sequence[Path],
    runner: Runner,
    problems: list[str],
    say: Callable[[str], None],
) -> list[DayJob]:
    """One job per manager with fixes or a task list on ``s.date`` in the files.

    Rows and files that cannot be charged to one manager are added to ``problems``.

    Raises
    ------
    InputError
        When no task file is given, or a task file or dataset cannot be read at all.
    """
    if not task_files:
        raise InputError("<arguments>", None, "tasks", "give the task list file(s) with --tasks")
    day_tasks: DayTasks = read_day_tasks(list(task_files), s.date, on_bad_row=s.on_bad_row)
    problems.extend(f"{p} (no manager_id on the row)" for p in day_tasks.unattributed)
    errors = dict(day_tasks.errors)
    rejected: dict[str, list[RowProblem]] = {}
    others: dict[str, list[bytes]] = {}
    by_manager = _dataset_files([p for p in tracks if is_dataset(p)], s, say)
    files = track_files([p for p in tracks if not is_dataset(p)])
    if files:
        imported = _import_files(files, s, runner, problems, (errors, rejected, others), say)
        for manager, found in imported.items():
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
                other_days=tuple(others.get(m, ())),
            )
        )
    return jobs


def _dataset_files(
    datasets: Sequence[Path], s: RunSettings, say: Callable[[str], None]
) -> dict[str, list[str]]:
    """manager_id -> its files of ``s.date`` in Parquet datasets (re-partitioned if need be)."""
    by_manager: dict[str, list[str]] = {}
    for dataset in datasets:
        listed = list_day_files(dataset, s.date)
        if listed is None:
            say(f"{dataset}: not partitioned by manager; importing {s.date} into {TRACKS_DIR}")
            listed = repartition_day(
                dataset, s.out / TRACKS_DIR, s.date, timezone=s.config.timezone
            )
        for manager, found in listed.items():
            by_manager.setdefault(manager, []).extend(found)
    return by_manager


def _import_files(
    files: Sequence[Path],
    s: RunSettings,
    runner: Runner,
    problems: list[str],
    found: tuple[dict[str, str], dict[str, list[RowProblem]], dict[str, list[bytes]]],
    say: Callable[[str], None],
) -> dict[str, list[str]]:
    """Import track files into ``OUT/tracks.parquet`` on the engine; its files per manager.

    Each file's fatal problem and rows without a manager go to ``problems``; of
    ``found = (errors, rejected, others)``, bad rows charged to a manager go to
    ``errors`` (the first per manager) or ``rejected``, and the fingerprints of the
    manager's other days in the files (replay detection) to ``others``.
    """
    errors, rejected, others = found
    staging = s.out / TRACKS_DIR
    say(f"importing {len(files)} track file(s) into {staging}")
    drop_removed_sources(staging, files, s.date)
    size = max(1, min(8, len(files) // (runner.workers * 4) or 1))
    for o in runner.map(import_track_files, list(chunks(files, size)), s):
        if o.fatal:
            problems.append(o.fatal)
        problems.extend(f"{p} (no manager_id on the row)" for p in o.unattributed)
        for manager, reason in o.errors.items():
            errors.setdefault(manager, reason)
        for manager, rows in o.rejected.items():
            rejected.setdefault(manager, []).extend(rows)
        for manager, fps in o.fingerprints.items():
            others.setdefault(manager, []).extend(base64.b64decode(f) for f in fps)
    staged = list_day_files(staging, s.date) if staging.is_dir() else {}
    return staged or {}
