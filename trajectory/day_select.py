"""Selecting a manager-day's tasks from a task list (``verify_day``'s first step)."""

from __future__ import annotations

__all__ = ["is_onsite", "manager_days", "select_tasks"]

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from trajectory.errors import InputError
from trajectory.schema import ValidatedTasks


def select_tasks(
    vtasks: ValidatedTasks, manager_id: str | None, date: dt.date | str | None
) -> tuple[pd.DataFrame, str | None, dt.date | None]:
    """The tasks of the manager-day (selected by ``manager_id`` and ``date`` when given),
    its manager and date; None for those of an empty selection not named."""
    df = vtasks.frame
    want_date = dt.date.fromisoformat(date) if isinstance(date, str) else date
    if manager_id is not None:
        df = df.loc[df["manager_id"].astype(str) == str(manager_id)]
    if want_date is not None:
        df = df.loc[df["date"] == want_date]
    pairs = manager_days(df)
    if len(pairs) > 1:
        listed = ", ".join(f"{m} {d}" for m, d in pairs[:5])
        raise InputError(
            vtasks.source,
            None,
            "manager_id",
            f"the task list holds several manager-days ({listed}); verify one at a time "
            "(select with manager_id and date)",
        )
    if len(pairs) == 1:
        m, d = pairs[0]
        return df, str(m), d
    return df, manager_id, want_date


def manager_days(df: pd.DataFrame) -> list[tuple[Any, Any]]:
    """The distinct (manager_id, date) pairs in order of first appearance (a task list
    is a few rows: plain Python beats ``drop_duplicates`` here)."""
    ids, dates = df["manager_id"].tolist(), df["date"].tolist()
    if pd.isna(ids).any() or pd.isna(dates).any():  # NaN keys: pandas' notion of equal ones
        pairs = df[["manager_id", "date"]].drop_duplicates()
        return list(pairs.itertuples(index=False, name=None))
    return list(dict.fromkeys(zip(ids, dates, strict=True)))


def is_onsite(tasks: pd.DataFrame) -> np.ndarray:
    """The on-site rows (compared as objects: cheaper than pandas' string kernel here)."""
    return np.asarray(tasks["method"].to_numpy(dtype=object) == "onsite", dtype=bool)
