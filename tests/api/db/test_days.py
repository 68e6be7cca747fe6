"""Local days in epoch milliseconds (api/db/days.py)."""

from __future__ import annotations

import datetime as dt

from api.db.days import day_bounds_ms


def test_day_bounds_follow_the_zone() -> None:
    assert day_bounds_ms(dt.date(2026, 11, 20), "UTC") == (1795132800000, 1795219200000)
    # a 23-hour day: Europe/Berlin's spring-forward
    lo, hi = day_bounds_ms(dt.date(2026, 3, 29), "Europe/Berlin")
    assert hi - lo == 23 * 3600 * 1000
