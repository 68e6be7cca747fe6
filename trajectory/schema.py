"""Column names of the track and task-list tables, and their validation.

These constants are the vocabulary every reader, writer and test shares.
:func:`validate_track` and :func:`validate_tasks` turn a raw table (strings
from a CSV, typed columns from Parquet, an already validated frame) into the
normalised frames every later step trusts.  Checks are vectorised per column;
only the rows that fail are visited, to word their messages.
"""

from __future__ import annotations

__all__ = [
    "METHODS",
    "METHOD_ALIASES",
    "TASK_ALIASES",
    "TASK_COLUMNS",
    "TASK_FRAME_COLUMNS",
    "TASK_OPTIONAL_COLUMNS",
    "TRACK_ALIASES",
    "TRACK_COLUMNS",
    "TRACK_FRAME_COLUMNS",
    "TRACK_OPTIONAL_COLUMNS",
    "OnBadRow",
    "ValidatedTasks",
    "ValidatedTrack",
    "validate_tasks",
    "validate_track",
]

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

import numpy as np
import pandas as pd

from trajectory.errors import RowProblem
from trajectory.footprints import with_footprint
from trajectory.schema_checks import (
    FieldChecks,
    check_on_bad_row,
    checked_coordinates,
    find_columns,
    source_rows,
)
from trajectory.schema_tasks import good_task_frame
from trajectory.timestamps import parse_timestamps

#: Required columns of a GPS track (one row per fix).
TRACK_COLUMNS: tuple[str, ...] = ("manager_id", "timestamp", "lat", "lon")
#: Optional columns of a GPS track: horizontal accuracy (metres, 68 %) and speed (m/s).
TRACK_OPTIONAL_COLUMNS: tuple[str, ...] = ("accuracy_m", "speed_mps")
#: Required columns of a task list (one row per task-list store).
TASK_COLUMNS: tuple[str, ...] = (
    "manager_id",
    "date",
    "seq",
    "store_id",
    "store_name",
    "lat",
    "lon",
    "method",
)
#: Optional task-list columns. ``market_id`` selects a per-market arrival deadline;
#: ``crs`` names the row's coordinate system (wgs84, gcj02, bd09; blank: the run's).
#: ``footprint``: the store's polygon, WKT or GeoJSON (trajectory.footprints).
TASK_OPTIONAL_COLUMNS: tuple[str, ...] = ("reported_visited", "market_id", "crs", "footprint")
#: Allowed values of ``method``; only ``onsite`` tasks are expected on the track.
METHODS: tuple[str, ...] = ("onsite", "phone", "chat")

#: Columns of the frame :func:`validate_track` returns, in order.
TRACK_FRAME_COLUMNS: tuple[str, ...] = (
    "manager_id",
    "time",
    "lat",
    "lon",
    "accuracy_m",
    "speed_mps",
    "source_row",
)
#: Columns of the frame :func:`validate_tasks` returns, in order.
#: (``crs`` follows ``source_row`` when the input had that column.)
TASK_FRAME_COLUMNS: tuple[str, ...] = (
    *TASK_COLUMNS,
    "reported_visited",
    "market_id",
    "source_row",
)
#: Other accepted spellings of column names (matched after strip + lowercase).
TRACK_ALIASES: Mapping[str, str] = MappingProxyType(
    {
        "latitude": "lat",
        "lng": "lon",
        "longitude": "lon",
        "time": "timestamp",
        "ts": "timestamp",
    }
)
TASK_ALIASES: Mapping[str, str] = MappingProxyType(
    {"latitude": "lat", "lng": "lon", "longitude": "lon"}
)
#: Spellings of ``method`` (after strip + lowercase) and what they mean.
METHOD_ALIASES: Mapping[str, str] = MappingProxyType(
    {
        **{m: m for m in METHODS},
        "现场": "onsite",
        "上门": "onsite",
        "拜访": "onsite",
        "电话": "phone",
        "聊天": "chat",
        "聊一聊": "chat",
        "微信": "chat",
    }
)
_TRUTHY = ("true", "1", "1.0", "yes", "y", "是")
_FALSY = ("false", "0", "0.0", "no", "n", "否", "")
#: Spellings of a task row's ``crs`` (after strip + lowercase); blank: the run's default.
_CRS_WORDS: Mapping[str, str] = MappingProxyType(
    {
        "": "",
        "wgs84": "wgs84",
        "wgs-84": "wgs84",
        "epsg:4326": "wgs84",
        "gcj02": "gcj02",
        "gcj-02": "gcj02",
        "bd09": "bd09",
        "bd-09": "bd09",
    }
)
_BOOL_WORDS: Mapping[str, bool] = MappingProxyType(
    {**{w: True for w in _TRUTHY}, **{w: False for w in _FALSY}}
)

#: The accepted words of the task list's choice columns, for the fast path.
_TASK_WORDS: Mapping[str, Mapping[str, object]] = MappingProxyType(
    {"method": METHOD_ALIASES, "reported_visited": _BOOL_WORDS, "crs": _CRS_WORDS}
)

OnBadRow = Literal["raise", "skip"]


@dataclass(frozen=True)
class ValidatedTrack:
    """A track that passed :func:`validate_track`.

    Attributes
    ----------
    frame
        Columns :data:`TRACK_FRAME_COLUMNS`: ``manager_id`` (str), ``time``
        (``datetime64[ns, UTC]``), ``lat``/``lon`` (float64, degrees, as given:
        no datum conversion), ``accuracy_m`` (float64, m; NaN when absent),
        ``speed_mps`` (float64, m/s; NaN when absent), ``source_row`` (int64,
        the 1-based data row of the input).  Input order, fresh RangeIndex.
    rejected
        The problems of the rows that were skipped (empty unless ``on_bad_row="skip"``).
    source
        Where the data came from (file path as given, or ``"<dataframe>"``).
    """

    frame: pd.DataFrame
    rejected: tuple[RowProblem, ...]
    source: str


@dataclass(frozen=True)
class ValidatedTasks:
    """A task list that passed :func:`validate_tasks`.

    Attributes
    ----------
    frame
        Columns :data:`TASK_FRAME_COLUMNS`: ``manager_id``, ``store_id``,
        ``store_name`` and ``method`` (str; method one of :data:`METHODS`),
        ``date`` (``datetime.date`` objects), ``seq`` (int64), ``lat``/``lon``
        (float64, degrees), ``reported_visited`` (bool), ``market_id`` (str or
        None), ``source_row`` (int64).
    rejected
        The problems of the rows that were skipped.
    source
        Where the data came from.
    has_reported_visited
        False when the input had no ``reported_visited`` column (then every
        task reads as reported visited).
    """

    frame: pd.DataFrame
    rejected: tuple[RowProblem, ...]
    source: str
    has_reported_visited: bool = True


def validate_track(
    df: pd.DataFrame,
    *,
    source: str = "<dataframe>",
    timezone: str = "Asia/Shanghai",
    on_bad_row: OnBadRow = "raise",
) -> ValidatedTrack:
    """Check a raw track table and return it normalised.

    Column names are matched after stripping and lowercasing; ``latitude``,
    ``lng``, ``longitude``, ``time`` and ``ts`` are read as ``lat``, ``lon`` and
    ``timestamp`` when that is unambiguous.  An already normalised frame (a
    tz-aware ``time`` column) passes through unchanged.  The input is not modified.

    Parameters
    ----------
    df
        One row per GPS fix: :data:`TRACK_COLUMNS`, optionally
        :data:`TRACK_OPTIONAL_COLUMNS` and ``source_row`` (else row *i* is *i + 1*).
    source
        Name used in error messages.
    timezone
        IANA zone for naive local timestamps (see :func:`~trajectory.timestamps.parse_timestamps`).
    on_bad_row
        ``"raise"``: raise for the first bad row (lowest ``source_row``).
        ``"skip"``: drop bad rows and list each problem in ``rejected``.

    Returns
    -------
    ValidatedTrack

    Raises
    ------
    InputError
        A required column is missing or ambiguous, lat/lon look swapped (always),
        or a row is bad and ``on_bad_row="raise"``.

    Examples
    --------
    >>> raw = pd.DataFrame({"manager_id": ["m1"], "timestamp": ["2026-11-20 07:12:03"],
    ...                     "lat": ["31.23"], "lon": ["121.47"]})
    >>> validate_track(raw).frame["time"].iloc[0]
    Timestamp('2026-11-19 23:12:03+0000', tz='UTC')
    """
    check_on_bad_row(on_bad_row)
    cols = find_columns(df, TRACK_COLUMNS, TRACK_OPTIONAL_COLUMNS, TRACK_ALIASES, source)
    rows = source_rows(cols, len(df), source)
    checks = FieldChecks(source, rows)
    frame = _track_frame(checks, cols, rows, timezone, source)
    kept, rejected = checks.settle(frame, on_bad_row)
    return ValidatedTrack(frame=kept, rejected=rejected, source=source)


def validate_tasks(
    df: pd.DataFrame,
    *,
    source: str = "<dataframe>",
    on_bad_row: OnBadRow = "raise",
) -> ValidatedTasks:
    """Check a raw task list and return it normalised.

    Accepted values: ``method`` in :data:`METHODS` or the Chinese words of
    :data:`METHOD_ALIASES` (any case, spaces stripped); ``date`` as
    ``2026-11-20``, ``2026/11/20`` or ``20261120``; ``seq`` a whole number;
    ``reported_visited`` true/false, 1/0, yes/no, y/n, 是/否 (blank is false;
    without the column every task is reported visited); ``market_id`` optional
    (blank is None).  A second row with the same (manager_id, date, store_id) is
    bad.  Store lat/lon are checked like the track's.  The input is not modified.

    Parameters
    ----------
    df
        One row per task-list store: :data:`TASK_COLUMNS`, optionally
        :data:`TASK_OPTIONAL_COLUMNS` and ``source_row``.
    source
        Name used in error messages.
    on_bad_row
        ``"raise"`` or ``"skip"``, as in :func:`validate_track`.

    Returns
    -------
    ValidatedTasks

    Raises
    ------
    InputError
        As in :func:`validate_track`.
    """
    check_on_bad_row(on_bad_row)
    cols = find_columns(df, TASK_COLUMNS, TASK_OPTIONAL_COLUMNS, TASK_ALIASES, source)
    n = len(df)
    rows = source_rows(cols, n, source)
    fast = None if "footprint" in cols else good_task_frame(cols, rows, _TASK_WORDS)
    if fast is not None:  # every row good: the same frame without the column checks
        return ValidatedTasks(
            frame=fast,
            rejected=(),
            source=source,
            has_reported_visited="reported_visited" in cols,
        )
    checks = FieldChecks(source, rows)
    frame, has_reported = _task_frame(checks, cols, n)
    if "crs" in cols:
        crs = checks.choice("crs", cols["crs"], _CRS_WORDS).to_numpy(dtype=object, copy=True)
        crs[crs == ""] = None
        frame["crs"] = pd.Series(crs, dtype=object)
    frame = with_footprint(frame, checks, cols)  # WKT or GeoJSON text, checked (issue 17)
    kept, rejected = checks.settle(frame, on_bad_row)
    kept["method"] = kept["method"].astype("str")
    kept["reported_visited"] = kept["reported_visited"].astype(bool)
    return ValidatedTasks(
        frame=kept, rejected=rejected, source=source, has_reported_visited=has_reported
    )


def _track_frame(
    checks: FieldChecks,
    cols: dict[str, pd.Series],
    rows: np.ndarray,
    timezone: str,
    source: str,
) -> pd.DataFrame:
    """The track's columns checked (problems gathered in ``checks``) and converted."""
    manager_id = checks.text("manager_id", cols["manager_id"], required=True)
    stamps = parse_timestamps(cols["timestamp"], timezone=timezone, source=source, rows=rows)
    if stamps.bad.any():
        reasons = np.full(len(rows), None, dtype=object)
        reasons[stamps.bad] = [p.reason for p in stamps.problems]
        checks.add("timestamp", reasons)
    else:  # every timestamp read
        checks.add_mask("timestamp", stamps.bad, "", None)
    lat, lon = checked_coordinates(checks, cols, source)
    optional = {
        name: checks.number(name, cols.get(name), required=False, lo=0.0)
        for name in TRACK_OPTIONAL_COLUMNS
    }
    return pd.DataFrame(
        {  # arrays, not Series: nothing to align
            "manager_id": manager_id.astype("str").array,  # str already: no round trip
            "time": stamps.utc.array,
            "lat": lat,
            "lon": lon,
            **optional,
            "source_row": rows,
        }
    )


def _task_frame(
    checks: FieldChecks, cols: dict[str, pd.Series], n: int
) -> tuple[pd.DataFrame, bool]:
    """The task list's columns checked (problems gathered in ``checks``) and converted;
    whether it has a ``reported_visited`` column."""
    rows = checks.rows
    manager_id = checks.text("manager_id", cols["manager_id"], required=True)
    date = checks.dates("date", cols["date"])
    seq = checks.number("seq", cols["seq"], required=True, whole=True)
    store_id = checks.text("store_id", cols["store_id"], required=True)
    store_name = checks.text("store_name", cols["store_name"], required=False)
    lat, lon = checked_coordinates(checks, cols, checks.source)
    method = checks.choice("method", cols["method"], METHOD_ALIASES, required=True)
    has_reported = "reported_visited" in cols
    if has_reported:
        reported = checks.choice("reported_visited", cols["reported_visited"], _BOOL_WORDS)
    else:
        reported = pd.Series(True, index=range(n), dtype=object)
    market = checks.text("market_id", cols.get("market_id"), required=False)
    market_id = market.to_numpy(dtype=object)
    market_id[market_id == ""] = None
    checks.duplicates(manager_id, date, store_id)
    frame = pd.DataFrame(
        {
            "manager_id": manager_id.to_numpy(),
            "date": date.to_numpy(dtype=object),
            "seq": np.nan_to_num(seq, nan=0.0).astype(np.int64),
            "store_id": store_id.to_numpy(),
            "store_name": store_name.to_numpy(),
            "lat": lat,
            "lon": lon,
            "method": pd.Series(method.to_numpy(dtype=object), dtype=object),
            "reported_visited": pd.Series(reported.to_numpy(dtype=object), dtype=object),
            "market_id": pd.Series(market_id, dtype=object),
            "source_row": rows,
        }
    )
    for name in ("manager_id", "store_id", "store_name"):
        frame[name] = frame[name].astype("str")
    return frame, has_reported
