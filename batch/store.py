"""Where a daily run over stored data reads its manager-days and stores its results.

A run reads from a :class:`DayStore` (the service's database is one:
:class:`api.daily_store.SqlDayStore`) instead of importing the service: the run
lists the manager-days of a date, each job loads its own manager-day and saves its
result.  A store travels to every worker (local processes, Dask workers), so it
must be picklable: hold what locates the data (a URL), and open connections lazily
in each process.
"""

from __future__ import annotations

__all__ = ["DayStore", "ManagerDay"]

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import pandas as pd

from trajectory.schema import ValidatedTasks, ValidatedTrack

if TYPE_CHECKING:  # trajectory.integrity loads numba and scipy: not in a run's driver
    from trajectory.integrity import TrackFingerprint


@dataclass(frozen=True)
class ManagerDay:
    """A manager with fixes or a task list on a date, and the manager's team (or None)."""

    manager_id: str
    team_id: str | None = None


class DayStore(Protocol):
    """The operations a daily run needs from stored data (picklable)."""

    def prepare(self) -> None:
        """Make the store ready before the run lists it (e.g. migrate the schema)."""

    def manager_days(self, date: dt.date, timezone: str) -> list[ManagerDay]:
        """Every manager with fixes in the local ``date`` (IANA ``timezone``) or a task
        list for it, by manager_id."""

    def load_day(
        self, manager_id: str, date: dt.date, timezone: str
    ) -> tuple[ValidatedTrack, ValidatedTasks]:
        """One manager-day: its fixes of the local day and its task list (either may be
        empty)."""

    def other_days(self, manager_id: str, date: dt.date) -> list[TrackFingerprint]:
        """The track fingerprints of the manager's other stored days (the recent ones): a
        day repeating one of them is flagged ``replayed_track`` (issue 12)."""

    def save_result(
        self,
        manager_id: str,
        date: dt.date,
        body: Mapping[str, Any],
        track: pd.DataFrame | None = None,
    ) -> None:
        """Store (or replace) one manager-day's result dict, with the cleaned fixes it was
        computed from (``time``, ``lat``, ``lon``), which its map report draws."""

    def close(self) -> None:
        """Release this process's connections (the end of a run)."""
