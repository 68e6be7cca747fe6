"""The service's database as the store of a daily run (:class:`batch.store.DayStore`).

:class:`SqlDayStore` holds only the database URL, so it pickles to worker processes
and Dask workers; each process creates one engine per URL on first use and keeps it
(its connection pool) between jobs.  :func:`dispose_engines` closes this process's
engines.  The manager-days of a date are listed with two primary-key probes per
manager (:func:`api.db.days.manager_days_on`), never a scan of the day's fixes.
"""

from __future__ import annotations

__all__ = ["SqlDayStore", "db_engine", "dispose_engines"]

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy.engine import Engine

from batch.store import ManagerDay
from trajectory.integrity import TrackFingerprint
from trajectory.known_places import KnownPlaces
from trajectory.schema import ValidatedTasks, ValidatedTrack

#: One engine per database URL in this process (a worker keeps its pool between jobs).
_ENGINES: dict[str, Engine] = {}


def db_engine(url: str) -> Engine:
    """The engine of ``url`` in this process, created on first use."""
    if url not in _ENGINES:
        from api.db.engine import make_engine

        _ENGINES[url] = make_engine(url)
    return _ENGINES[url]


def dispose_engines() -> None:
    """Close this process's engines (the end of a run that verified in-process)."""
    while _ENGINES:
        _ENGINES.popitem()[1].dispose()


@dataclass(frozen=True)
class SqlDayStore:
    """The daily run's manager-days in the service's database at ``url``.

    Reads fixes and task lists with :func:`api.db.days.load_track` and
    :func:`api.db.days.load_tasks`, and saves each result as ``POST .../verify`` does
    (:func:`api.db.results.save_result`).
    """

    url: str

    def prepare(self) -> None:
        """Bring the database to the newest migration."""
        from api.db.engine import upgrade

        upgrade(db_engine(self.url))

    def manager_days(self, date: dt.date, timezone: str) -> list[ManagerDay]:
        """Every manager with a fix in the local ``date`` or a task list for it, by id."""
        from api.db.days import manager_days_on

        with db_engine(self.url).connect() as conn:
            found = manager_days_on(conn, date, timezone)
        return [ManagerDay(str(d["manager_id"]), d["team_id"]) for d in found]

    def load_day(
        self, manager_id: str, date: dt.date, timezone: str
    ) -> tuple[ValidatedTrack, ValidatedTasks]:
        """One manager's fixes of the local ``date`` and task list, on one connection."""
        from api.db.days import load_tasks, load_track

        with db_engine(self.url).connect() as conn:
            track = load_track(conn, manager_id, date, timezone)
            tasks = load_tasks(conn, manager_id, date)
        return track, tasks

    def known_places(self) -> KnownPlaces | None:
        """The stores and buyers the database knows, as ``POST .../verify`` uses them
        (:func:`api.db.known.load_known_places`); None when it holds neither."""
        from api.db.known import load_known_places

        with db_engine(self.url).connect() as conn:
            return load_known_places(conn)

    def other_days(self, manager_id: str, date: dt.date) -> list[TrackFingerprint]:
        """The fingerprints of the manager's last 60 other stored days, as ``POST .../verify``
        passes them (:func:`api.db.results.other_fingerprints`)."""
        from api.db.results import other_fingerprints
        from api.db.teams import manager_team

        with db_engine(self.url).connect() as conn:
            found = manager_team(conn, manager_id)
            return [] if found is None else other_fingerprints(conn, found[0], date)

    def save_result(
        self,
        manager_id: str,
        date: dt.date,
        body: Mapping[str, Any],
        track: pd.DataFrame | None = None,
    ) -> None:
        """Store (or replace) one manager-day's result and its cleaned fixes, creating the
        manager if new."""
        from api.db.results import save_result
        from api.db.session import writing
        from api.db.teams import ensure_managers

        with writing(db_engine(self.url)) as conn:
            pk = ensure_managers(conn, [manager_id])[manager_id]
            save_result(conn, pk, date, body, track=track)

    def close(self) -> None:
        """Close this process's engines (as a run ends)."""
        dispose_engines()
