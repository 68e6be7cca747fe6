"""Task lists of many managers for one date, each bad row charged to its manager.

A daily run reads the task-list files once and hands each manager-day its own rows.
Unlike :func:`trajectory.io.read_tasks`, a bad row never stops the reading: it is
charged to the manager written on it, so that one manager's bad row makes that
manager's day an error (or, with bad rows skipped, a row listed in that manager's
result) and nobody else's.
"""

from __future__ import annotations

__all__ = ["DayTasks", "attribute_problems", "read_day_tasks"]

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from trajectory.errors import InputError, RowProblem
from trajectory.io import TASK_SUFFIXES
from trajectory.io_csv import read_bytes, split_csv
from trajectory.io_formats import read_task_json
from trajectory.schema import (
    TASK_ALIASES,
    TASK_COLUMNS,
    TASK_OPTIONAL_COLUMNS,
    OnBadRow,
    ValidatedTasks,
    validate_tasks,
)


@dataclass(frozen=True)
class DayTasks:
    """The task lists of one date, per manager.

    Attributes
    ----------
    by_manager
        manager_id -> that manager's validated task list for the date (its
        ``rejected`` holds that manager's rejected rows when bad rows are skipped).
    errors
        manager_id -> why that manager's day cannot be verified (the first bad row
        of its task list, when bad rows are not skipped).
    unattributed
        Rejected rows whose manager cannot be told (no readable manager_id).
    """

    by_manager: dict[str, ValidatedTasks]
    errors: dict[str, str] = field(default_factory=dict)
    unattributed: tuple[RowProblem, ...] = ()


def read_day_tasks(
    paths: Sequence[Path], date: dt.date, *, on_bad_row: OnBadRow = "raise"
) -> DayTasks:
    """Read task-list files and keep the task lists of ``date``, per manager.

    Unlike :func:`trajectory.io.read_tasks`, a bad row never stops the reading: it
    is charged to the manager on that row (its manager_id as written) when its date
    is ``date`` or unreadable.  With ``on_bad_row="raise"`` that manager's day
    becomes an error naming the first bad row; with ``"skip"`` the row is left out
    and listed in that manager's ``rejected``.

    Raises
    ------
    InputError
        When a file as a whole cannot be read (missing, not a task list, no
        required column): that is no single manager's bad data.
    """
    if on_bad_row not in ("raise", "skip"):
        raise InputError("<arguments>", None, "on_bad_row", f"unknown mode {on_bad_row!r}")
    frames: list[pd.DataFrame] = []
    problems: dict[str, list[RowProblem]] = {}
    unattributed: list[RowProblem] = []
    for path in paths:
        raw, reader_problems = _raw_task_table(path)
        checked = validate_tasks(raw, source=str(path), on_bad_row="skip")
        frames.append(checked.frame)
        mine, lost = attribute_problems(
            [*reader_problems, *checked.rejected], raw, date_column="date", date=date
        )
        for manager, found in mine.items():
            problems.setdefault(manager, []).extend(found)
        unattributed.extend(lost)
    tasks = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    on_day = tasks.loc[tasks["date"] == date] if len(tasks) else tasks
    by_manager: dict[str, ValidatedTasks] = {}
    groups: Iterable[tuple[Any, pd.DataFrame]] = (
        on_day.groupby("manager_id", sort=True) if len(on_day) else []
    )
    for key, group in groups:
        manager = str(key)
        rejected = tuple(problems.get(manager, ())) if on_bad_row == "skip" else ()
        by_manager[manager] = ValidatedTasks(
            frame=group.reset_index(drop=True),
            rejected=rejected,
            source=f"tasks of {manager} on {date}",
        )
    errors: dict[str, str] = {}
    if on_bad_row == "raise":
        errors = {m: str(min(found, key=_row_key)) for m, found in problems.items() if found}
    return DayTasks(by_manager=by_manager, errors=errors, unattributed=tuple(unattributed))


def attribute_problems(
    problems: Iterable[RowProblem],
    raw: pd.DataFrame,
    *,
    date_column: str | None = None,
    date: dt.date | None = None,
) -> tuple[dict[str, list[RowProblem]], list[RowProblem]]:
    """Charge rejected rows to the manager written on them.

    Parameters
    ----------
    problems
        Rejected rows (``row`` is the input's 1-based data row, ``source_row`` of ``raw``).
    raw
        The table as read, before validation: a ``manager_id`` column (any case)
        and ``source_row``.
    date_column, date
        When given, a row whose date column reads as another date than ``date``
        is not charged to anyone (it belongs to another day's run).

    Returns
    -------
    tuple
        manager_id -> its problems, and the problems of rows without a readable
        manager_id (or without a row: whole-file problems).
    """
    by_row = _column(raw, "manager_id")
    dates = _column(raw, date_column) if date_column else {}
    mine: dict[str, list[RowProblem]] = {}
    lost: list[RowProblem] = []
    for problem in problems:
        manager = by_row.get(problem.row) if problem.row is not None else None
        if not manager:
            lost.append(problem)
            continue
        if date is not None and problem.row is not None and problem.row in dates:
            on = pd.to_datetime(dates[problem.row], errors="coerce")
            if not pd.isna(on) and on.date() != date:
                continue
        mine.setdefault(manager, []).append(problem)
    return mine, lost


def _column(raw: pd.DataFrame, name: str | None) -> dict[int, str]:
    """source_row -> the stripped text of column ``name`` (matched case-insensitively)."""
    if name is None or "source_row" not in raw.columns:
        return {}
    hits = [c for c in raw.columns if str(c).strip().lower() == name]
    if len(hits) != 1:
        return {}
    values = raw[hits[0]]
    text = values.astype("str").str.strip().where(values.notna(), "")
    return dict(zip(raw["source_row"].astype(int).tolist(), text.tolist(), strict=True))


def _raw_task_table(path: Path) -> tuple[pd.DataFrame, list[RowProblem]]:
    """A task file as read (text cells, ``source_row``) and the reader's row problems."""
    # The raw table, not read_tasks: the daily run needs the manager_id written on a
    # rejected row, which the validated frame no longer has.
    source = str(path)
    if not path.is_file():
        raise InputError(source, None, None, "no such file")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        raw = read_bytes(path, source)
        table = split_csv(raw, source, TASK_COLUMNS, TASK_OPTIONAL_COLUMNS, TASK_ALIASES)
    elif suffix == ".json":
        table = read_task_json(path, source)
    else:
        expected = ", ".join(TASK_SUFFIXES)
        raise InputError(
            source, None, None, f"unsupported file type {suffix!r}; expected {expected}"
        )
    return table.frame, list(table.problems)


def _row_key(problem: RowProblem) -> tuple[int, str]:
    return (-1 if problem.row is None else problem.row, problem.source)
