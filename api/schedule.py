"""The opt-in in-service scheduler: ``trajcheck serve`` runs the daily run itself.

With ``TRAJCHECK_DAILY_AT=06:30`` every service process starts a
:class:`batch.schedule.DailyScheduler` (:func:`service_scheduler`, called by the app's
lifespan) that runs the daily run at 06:30 in the verification config's time zone for
the previous local day over the service's database
(:class:`api.db.daystore.SqlDayStore`), into ``TRAJCHECK_DAILY_OUT/<date>/``; one
process per run takes the file lock.  ``GET /v1/daily/last`` (:mod:`api.routes.daily`)
reports it.
"""

from __future__ import annotations

__all__ = ["schedule_from", "service_scheduler"]

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from api.db.daystore import SqlDayStore
from api.settings import Settings
from batch.run import RunReport, run_daily
from batch.schedule import DailyScheduler, Schedule
from trajectory.config import VerifyConfig


def schedule_from(settings: Settings) -> Schedule:
    """The scheduled run of the service's settings (``TRAJCHECK_DAILY_*``, database URL)."""
    if settings.daily_at is None:
        raise ValueError("the in-service daily run needs settings.daily_at (HH:MM)")
    return Schedule(
        at=settings.daily_at,
        out=Path(settings.daily_out),
        store=SqlDayStore(settings.database_url),
        workers=settings.daily_workers,
        maps=settings.daily_maps,
    )


def service_scheduler(
    settings: Settings,
    config: VerifyConfig,
    *,
    run: Callable[..., RunReport] = run_daily,
    clock: Callable[[], dt.datetime] | None = None,
) -> DailyScheduler:
    """The daily scheduler of one service process (``run`` and ``clock``: tests' fakes)."""
    return DailyScheduler(schedule_from(settings), config, run=run, clock=clock)
