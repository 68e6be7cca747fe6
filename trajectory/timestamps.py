"""Parse track timestamps into tz-aware UTC, and back to local time.

One column of a track holds its times in one of four forms, detected per column:

* ISO 8601 with a UTC offset or ``Z``: ``2026-11-20T07:12:03+08:00``,
  ``2026-11-20 07:12:03Z`` (different offsets in one column are fine);
* naive local time: ``2026-11-20 07:12:03`` or ``2026/11/20 07:12:03``, read in
  the day's time zone (``VerifyConfig.timezone``);
* epoch seconds, e.g. ``1763593923`` (numbers from 1e8 up to 1e11);
* epoch milliseconds, e.g. ``1763593923000`` (numbers from 1e11 up to 1e14).

Seconds may carry a fraction (``07:12:03.250``); the minutes of the offset may
be left out (``+08``).  Mixing forms in one column is an error, because it
usually means two exports were pasted together with different clocks.  The
detection and parsing of the forms is in :mod:`trajectory.timestamps_forms`.

Examples
--------
>>> import numpy as np, pandas as pd
>>> s = pd.Series(["2026-11-20 07:12:03", "2026-11-20 07:15:00"])
>>> r = parse_timestamps(s, timezone="Asia/Shanghai", source="m1.csv",
...                      rows=np.array([1, 2]))
>>> str(r.utc.iloc[0])
'2026-11-19 23:12:03+00:00'
"""

from __future__ import annotations

__all__ = [
    "TimestampParse",
    "elapsed_s",
    "local_date",
    "local_day_bounds",
    "parse_timestamps",
    "to_local",
]

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from trajectory.errors import ConfigError, RowProblem
from trajectory.timestamps_forms import (
    all_iso_with_offset,
    as_text,
    datetime_column,
    numeric_column,
    text_column,
    with_got,
)
from trajectory.timestamps_iso import fixed_iso_utc


@dataclass(frozen=True)
class TimestampParse:
    """The result of :func:`parse_timestamps`.

    Attributes
    ----------
    utc
        The instants, ``datetime64[ns, UTC]``, aligned to the input's index;
        ``NaT`` where the row is bad.
    bad
        Boolean mask, one entry per input row: ``True`` where the row has a problem.
    problems
        One :class:`~trajectory.errors.RowProblem` per bad row, in input order.
    """

    utc: pd.Series
    bad: np.ndarray
    problems: list[RowProblem]


def parse_timestamps(
    values: pd.Series,
    *,
    timezone: str,
    source: str,
    rows: np.ndarray,
    field: str = "timestamp",
) -> TimestampParse:
    """Convert a column of timestamps to tz-aware UTC.

    The form (offset, naive local, epoch seconds, epoch milliseconds) is decided
    per column by the majority of the rows that have one of these forms (a tie
    goes to the form seen first); every row in another form is bad, with the
    reason ``"mixes naive local times and times with a UTC offset; use one form"``
    (forms named in a fixed order).  Columns that are already ``datetime64`` are
    taken as they are: tz-aware ones are converted, naive ones localised.

    Parameters
    ----------
    values
        The raw column: strings, numbers (epoch), or datetimes.
    timezone
        IANA zone in which naive local times are read, e.g. ``"Asia/Shanghai"``.
        Local times that do not exist or occur twice there (daylight-saving
        changes) are bad rows, never guessed.
    source
        File name for the problems.
    rows
        1-based source row of each value (same length as ``values``).
    field
        Column name for the problems.

    Returns
    -------
    TimestampParse
        UTC instants (``NaT`` where bad), the bad-row mask and the problems.

    Raises
    ------
    ConfigError
        If ``timezone`` is not a known IANA zone.
    """
    _check_timezone(timezone)
    rows = np.asarray(rows)
    if len(rows) != len(values):
        raise ValueError("rows must have one entry per value")
    parsed = _parse_column(values, timezone)
    if isinstance(parsed, pd.Series):  # every value ISO 8601 with an offset
        return TimestampParse(
            utc=parsed.set_axis(values.index), bad=np.zeros(len(values), dtype=bool), problems=[]
        )
    utc, reasons, display = parsed
    bad = pd.notna(reasons).astype(bool)
    out = pd.Series(utc, index=values.index, name=values.name).dt.tz_localize("UTC")
    return TimestampParse(
        utc=out.astype("datetime64[ns, UTC]"),
        bad=bad,
        problems=_problems(bad, reasons, display, rows, source, field),
    )


def _parse_column(
    values: pd.Series, timezone: str
) -> pd.Series | tuple[np.ndarray, np.ndarray, pd.Series]:
    """By the column's dtype: the UTC instants, reasons and shown text (see
    :mod:`trajectory.timestamps_forms`), or the UTC series of the fast path."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return datetime_column(values, timezone)
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        return numeric_column(values, timezone)
    if isinstance(values.dtype, pd.StringDtype):  # fixed width: no blank to strip, none missing
        fixed = fixed_iso_utc(values)
        if fixed is not None:
            return fixed
    text = as_text(values)
    fast = all_iso_with_offset(text)
    if fast is not None:
        return fast
    return text_column(text, timezone)


def _problems(
    bad: np.ndarray,
    reasons: np.ndarray,
    display: pd.Series,
    rows: np.ndarray,
    source: str,
    field: str,
) -> list[RowProblem]:
    """One problem per bad row, the raw value shown where the reason asks for it."""
    return [
        RowProblem(source, int(rows[i]), field, with_got(reasons[i], display, int(i)))
        for i in np.flatnonzero(bad)
    ]


def to_local(utc: pd.Series, timezone: str) -> pd.Series:
    """Convert tz-aware instants to wall-clock time in ``timezone``.

    Parameters
    ----------
    utc
        Tz-aware datetimes (any zone; normally ``datetime64[ns, UTC]``).
    timezone
        IANA zone, e.g. ``"Asia/Shanghai"``.

    Returns
    -------
    pandas.Series
        The same instants, ``datetime64[ns, <timezone>]``.

    Examples
    --------
    >>> s = pd.Series(pd.to_datetime(["2026-11-19 23:12:03Z"]))
    >>> str(to_local(s, "Asia/Shanghai").iloc[0])
    '2026-11-20 07:12:03+08:00'
    """
    _check_timezone(timezone)
    out: pd.Series = utc.dt.tz_convert(timezone)
    return out


def local_date(utc: pd.Series, timezone: str) -> pd.Series:
    """The local calendar date of each instant, as :class:`datetime.date` objects.

    Parameters
    ----------
    utc
        Tz-aware datetimes.
    timezone
        IANA zone whose calendar decides the day (the working day's zone).

    Returns
    -------
    pandas.Series
        ``object`` dtype of ``datetime.date`` (``NaT`` stays ``NaT``).

    Examples
    --------
    >>> s = pd.Series(pd.to_datetime(["2026-11-19 23:12:03Z"]))
    >>> local_date(s, "Asia/Shanghai").iloc[0]
    datetime.date(2026, 11, 20)
    """
    out: pd.Series = to_local(utc, timezone).dt.date
    return out


def local_day_bounds(day: dt.date, timezone: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The local calendar day ``day`` in ``timezone`` as a UTC interval ``[start, end)``.

    Start is the day's first instant (inclusive), end the next day's first instant
    (exclusive), both tz-aware UTC.  DST-correct: a day with a clock change lasts 23
    or 25 hours, and a midnight the clocks skip starts the day at the transition.
    The one day window of the core, the daily runs and the service.

    Parameters
    ----------
    day
        The local calendar date.
    timezone
        IANA zone whose calendar decides the day, e.g. ``"Asia/Shanghai"``.

    Raises
    ------
    ConfigError
        ``timezone`` is not a known IANA zone.

    Examples
    --------
    >>> [str(t) for t in local_day_bounds(dt.date(2026, 11, 20), "Asia/Shanghai")]
    ['2026-11-19 16:00:00+00:00', '2026-11-20 16:00:00+00:00']
    >>> start, end = local_day_bounds(dt.date(2026, 3, 8), "America/New_York")
    >>> (end - start) / pd.Timedelta(hours=1)
    23.0
    """
    _check_timezone(timezone)
    tz = ZoneInfo(timezone)
    start = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    return pd.Timestamp(start).tz_convert("UTC"), pd.Timestamp(end).tz_convert("UTC")


def _check_timezone(timezone: str) -> None:
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise ConfigError(f"timezone: unknown IANA time zone {timezone!r}") from exc


def elapsed_s(times: pd.Series | pd.DatetimeIndex) -> np.ndarray:
    """Seconds since the first instant, as float64 (the time axis of the compiled scans)."""
    ns = pd.DatetimeIndex(times).as_unit("ns").asi8
    out: np.ndarray = (ns - ns[0]).astype(np.float64) / 1e9 if ns.size else np.zeros(0)
    return out
