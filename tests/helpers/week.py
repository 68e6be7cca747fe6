"""A generated week of one manager with a breakfast place on five of its seven days
(:func:`trajectory.testing.week.generate_week`), verified: the result dicts."""

from __future__ import annotations

import copy
import datetime as dt
import functools
from typing import Any

from trajectory.testing import verify_generated
from trajectory.testing.week import generate_week

#: The week: Monday 16 .. Sunday 22 November 2026.
WEEK_DATES: tuple[str, ...] = tuple(
    (dt.date(2026, 11, 16) + dt.timedelta(days=k)).isoformat() for k in range(7)
)
#: The dates with a breakfast before work (not Thursday, not Sunday).
BREAKFAST_DATES: tuple[str, ...] = tuple(WEEK_DATES[k] for k in (0, 1, 2, 4, 5))


def week_results(manager_id: str = "M1") -> list[dict[str, Any]]:
    """The week's result dicts (a fresh copy each call), in date order."""
    return copy.deepcopy(_results(manager_id))


@functools.cache
def _results(manager_id: str) -> list[dict[str, Any]]:
    days = generate_week(WEEK_DATES, manager_id=manager_id, breakfast_dates=BREAKFAST_DATES)
    return [verify_generated(day).to_dict() for day in days]
