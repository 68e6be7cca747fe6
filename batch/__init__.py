"""trajcheck daily runs: verify every manager-day of a date, write results, summaries, indexes.

May import trajectory and maps; never api or assessment (a store of days comes in as a DayStore).
"""

from __future__ import annotations

__all__ = [
    "DailyScheduler",
    "DayOutcome",
    "DayStore",
    "Engine",
    "ManagerDay",
    "RunReport",
    "RunSettings",
    "Schedule",
    "run_daily",
]

from batch.engines import Engine
from batch.jobs import DayOutcome, RunSettings
from batch.run import RunReport, run_daily
from batch.schedule import DailyScheduler, Schedule
from batch.store import DayStore, ManagerDay
