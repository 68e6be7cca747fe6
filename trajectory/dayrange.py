"""The days trajcheck keeps: one range for every date and instant it accepts (issue 14).

Calendar days lie in ``MIN_DAY .. MAX_DAY`` (2000-01-01 .. 2100-12-31).  An instant is
kept when it can fall on one of those days in some time zone (UTC-12 .. UTC+14), i.e.
from ``FIRST_INSTANT`` (inclusive) to ``END_INSTANT`` (exclusive), in UTC.  Every value
in the range is far inside what ``datetime64[ns]`` (1677 .. 2262) and every database
column hold, so whatever is accepted can be read back by every reader.
"""

from __future__ import annotations

__all__ = [
    "END_INSTANT",
    "FIRST_INSTANT",
    "MAX_DAY",
    "MIN_DAY",
    "RANGE_TEXT",
    "day_in_range",
    "days_in_range",
    "instant_in_range",
    "instants_in_range",
]

import datetime as dt

import numpy as np
import pandas as pd

MIN_DAY, MAX_DAY = dt.date(2000, 1, 1), dt.date(2100, 12, 31)
#: First instant of MIN_DAY anywhere (a day of slack for UTC+14), in UTC.
FIRST_INSTANT = dt.datetime(1999, 12, 31, tzinfo=dt.UTC)
#: End of MAX_DAY anywhere (two days of slack for UTC-12), in UTC, exclusive.
END_INSTANT = dt.datetime(2101, 1, 2, tzinfo=dt.UTC)
#: How a message states the range.
RANGE_TEXT = f"outside the days {MIN_DAY} .. {MAX_DAY}"


def day_in_range(day: dt.date) -> bool:
    """Whether a calendar day is one the service keeps."""
    if isinstance(day, dt.datetime):
        day = day.date()
    return MIN_DAY <= day <= MAX_DAY


def instant_in_range(at: dt.datetime) -> bool:
    """Whether an aware instant falls on a day the service keeps (a naive one: False)."""
    if at.tzinfo is None or at.utcoffset() is None:
        return False
    try:
        utc = at.astimezone(dt.UTC)
    except (OverflowError, ValueError):  # 0001-01-01T00:00+14:00 is before year 1 in UTC
        return False
    return FIRST_INSTANT <= utc < END_INSTANT and day_in_range(at.date())


def days_in_range(values: pd.Series) -> np.ndarray:
    """Per value (naive datetime64 days; NaT counts as inside), whether it is kept."""
    stamps = pd.DatetimeIndex(values)
    lo, hi = pd.Timestamp(MIN_DAY), pd.Timestamp(MAX_DAY)
    return np.asarray(stamps.isna() | ((stamps >= lo) & (stamps <= hi)), dtype=bool)


def instants_in_range(values: pd.Series) -> np.ndarray:
    """Per value (UTC datetime64; NaT counts as inside), whether it is kept."""
    stamps = pd.DatetimeIndex(values)
    if stamps.tz is None:
        stamps = stamps.tz_localize("UTC")
    lo, hi = pd.Timestamp(FIRST_INSTANT), pd.Timestamp(END_INSTANT)
    return np.asarray(stamps.isna() | ((stamps >= lo) & (stamps < hi)), dtype=bool)
