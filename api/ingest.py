"""Turn request bodies into validated frames, naming the row and field of every problem.

Rows are counted from 1 in the order sent (``points[0]`` is row 1; in a CSV
body the header is not a row), as in the CLI's messages.
"""

from __future__ import annotations

__all__ = [
    "MAX_DAY",
    "MIN_DAY",
    "Parsed",
    "parse_points_csv",
    "parse_points_json",
    "parse_tasks",
]

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from api.ingest_clean import clean_points
from trajectory.crs import to_wgs84
from trajectory.dayrange import END_INSTANT, FIRST_INSTANT, MAX_DAY, MIN_DAY
from trajectory.errors import RowProblem
from trajectory.io import split_track_csv
from trajectory.schema import TRACK_FRAME_COLUMNS, validate_tasks, validate_track

#: A timestamp that carries its own zone: ``Z`` or ``+08:00``/``+0800``/``+08``.
_ZONED = re.compile(r"(?:[zZ]|[+-]\d{2}(?::?\d{2})?)\s*$")
#: Epoch seconds or milliseconds (UTC by definition).
_EPOCH = re.compile(r"^\s*-?\d+(?:\.\d*)?\s*$")
#: The two above for ASCII text in RE2 (pyarrow): Python's \s and \d spelled out for ASCII.
_SPACE_ASCII = r"[\t\n\x0b\x0c\r\x1c-\x1f ]"
_ZONED_ASCII = rf"(?:[zZ]|[+-][0-9]{{2}}(?::?[0-9]{{2}})?){_SPACE_ASCII}*$"
_EPOCH_ASCII = rf"^{_SPACE_ASCII}*-?[0-9]+(?:\.[0-9]*)?{_SPACE_ASCII}*$"
POINT_FIELDS = ("manager_id", "timestamp", "lat", "lon", "accuracy_m", "speed_mps")
#: The days the service knows (trajectory.dayrange: one range for every date and instant);
#: fixes are kept from the first to the last of those days in any zone.
_FIRST_INSTANT, _END_INSTANT = pd.Timestamp(FIRST_INSTANT), pd.Timestamp(END_INSTANT)
#: Longest text the database columns hold (``api.db``); a NUL no PostgreSQL text holds.
_MANAGER_ID_MAX = 64
_TASK_TEXT_MAX = {"store_id": 64, "store_name": 200, "market_id": 64}
#: ``tasks.seq`` is a 32-bit integer column.
_SEQ_RANGE = (-(2**31), 2**31 - 1)
TASK_FIELDS = (
    "seq",
    "store_id",
    "store_name",
    "lat",
    "lon",
    "method",
    "reported_visited",
    "market_id",
)


@dataclass(frozen=True)
class Parsed:
    """Good rows (validated, WGS-84) and the problems of the others, in row order."""

    frame: pd.DataFrame
    rejected: tuple[RowProblem, ...]
    received: int


def _json_kind(value: Any) -> str:
    if isinstance(value, bool | np.bool_):
        return "true/false"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return "a number"


def _object_rows(
    items: Sequence[Any], source: str, fields: Sequence[str], text_fields: Sequence[str] = ()
) -> tuple[pd.DataFrame, list[RowProblem]]:
    """A frame of the known fields of the items that are JSON objects.

    A row with a key outside ``fields``, or whose ``text_fields`` hold anything but a
    string (or null), is a problem and left out.  Other values that are not scalars (lists, objects)
    become a marker string, which the schema then rejects as "not a number" (or
    an unknown word) for that row and field.
    """
    rows = np.arange(1, len(items) + 1, dtype=np.int64)
    if set(map(type, items)) <= {dict}:  # the usual body: every item a plain JSON object
        is_obj = np.ones(len(items), dtype=bool)
        objs = list(items)
    else:
        is_obj = np.fromiter((isinstance(x, Mapping) for x in items), bool, count=len(items))
        objs = [x for x, ok in zip(items, is_obj, strict=True) if ok]
    problems = [RowProblem(source, int(r), None, "expected a JSON object") for r in rows[~is_obj]]
    frame = (
        pd.DataFrame.from_records(objs, columns=list(fields))
        if objs
        else pd.DataFrame(columns=list(fields))
    )
    frame["source_row"] = rows[is_obj]
    frame_rows = frame["source_row"].to_numpy(np.int64)
    # unknown keys are refused, not dropped (issue 14): the row is named with the key
    known = frozenset(fields)
    if known.issuperset(set().union(*objs)):  # no unknown key anywhere: no row to look at
        wrong = np.zeros(len(objs), dtype=bool)
    else:
        wrong = np.fromiter((not known.issuperset(x) for x in objs), bool, count=len(objs))
    for i in np.flatnonzero(wrong):
        extra = str(min(set(objs[i]) - known, key=str))
        why = f"unknown field (expected {', '.join(fields)})"
        problems.append(RowProblem(source, int(frame_rows[i]), extra[:64], why))
    for name in text_fields:
        if isinstance(frame[name].dtype, pd.StringDtype):
            continue  # text or missing throughout
        values = frame[name].to_numpy(dtype=object)
        not_text = np.fromiter(
            (not (v is None or isinstance(v, str) or v != v) for v in values),
            dtype=bool,
            count=len(values),
        )
        for i in np.flatnonzero(not_text & ~wrong):
            kind = _json_kind(values[i])
            reason = f"expected a JSON string (got {kind})"
            problems.append(RowProblem(source, int(frame_rows[i]), name, reason))
        wrong |= not_text
    if wrong.any():
        frame = frame.loc[~wrong].reset_index(drop=True)
    for name in fields:
        col = frame[name]
        if col.dtype == object:
            nested = col.map(lambda v: isinstance(v, (list, dict))).to_numpy(bool)
            if nested.any():
                frame[name] = col.where(~nested, "<a JSON list or object>")
    return frame, problems


def _text_problems(
    frame: pd.DataFrame, limits: Mapping[str, int], source: str, *, no_slash: bool = False
) -> tuple[pd.DataFrame, list[RowProblem]]:
    """Leave out the rows whose text is longer than its column or holds a NUL (or a ``/``)."""
    if frame.empty:
        return frame, []
    rows = frame["source_row"].to_numpy(np.int64)
    bad = np.zeros(len(frame), dtype=bool)
    problems = []
    for name, most in limits.items():
        col = frame[name].astype(object)
        text = col.where(col.notna(), "").astype(str)
        long = (text.str.len() > most).to_numpy(bool)
        nul = text.str.contains("\x00", regex=False).to_numpy(bool)
        slash = text.str.contains("/", regex=False).to_numpy(bool) if no_slash else nul & False
        for i in np.flatnonzero(long | nul | slash):
            if nul[i]:
                reason = "contains a NUL character"
            elif slash[i]:
                reason = "contains '/', which the URLs of its days cannot hold"
            else:
                reason = f"longer than {most} characters"
            problems.append(RowProblem(source, int(rows[i]), name, reason))
        bad |= long | nul | slash
    return frame.loc[~bad].reset_index(drop=True), problems


def _time_problems(frame: pd.DataFrame, source: str) -> tuple[pd.DataFrame, list[RowProblem]]:
    """Leave out fixes outside the service's days (e.g. 1900, or epoch 0 sent by mistake)."""
    if frame.empty:
        return frame, []
    time = pd.DatetimeIndex(frame["time"])
    out = np.asarray((time < _FIRST_INSTANT) | (time >= _END_INSTANT), dtype=bool)
    rows = frame["source_row"].to_numpy(np.int64)
    problems = [
        RowProblem(
            source,
            int(rows[i]),
            "timestamp",
            f"{time[int(i)].isoformat()} is outside the days {MIN_DAY} .. {MAX_DAY}",
        )
        for i in np.flatnonzero(out)
    ]
    return frame.loc[~out].reset_index(drop=True), problems


def _naive_mask(stamps: pd.Series) -> pd.Series:
    """True for the text timestamps that are neither zoned nor epoch (by index label).

    A column of ASCII text is matched by pyarrow at once (``_ZONED_ASCII``/``_EPOCH_ASCII``
    match ASCII text as ``_ZONED``/``_EPOCH`` do); anything else string by string.
    """
    if pd.api.types.is_numeric_dtype(stamps.dtype) or pd.api.types.is_bool_dtype(stamps.dtype):
        return pd.Series(False, index=stamps.index)  # no text at all
    if isinstance(stamps.dtype, pd.StringDtype) and stamps.dtype.storage == "pyarrow":
        arr = pa.array(stamps.array)
        if pc.all(pc.string_is_ascii(arr)).as_py() is not False:
            zoned = pc.match_substring_regex(arr, _ZONED_ASCII)
            epoch = pc.match_substring_regex(arr, _EPOCH_ASCII)
            naive = pc.fill_null(pc.invert(pc.or_(zoned, epoch)), False)
            return pd.Series(naive.to_numpy(zero_copy_only=False), index=stamps.index)
    text = stamps.where(stamps.map(lambda v: isinstance(v, str)), None).dropna().astype(str)
    naive_text = ~(text.str.contains(_ZONED) | text.str.match(_EPOCH))
    return naive_text.astype(bool).reindex(stamps.index, fill_value=False)


def _naive_problems(frame: pd.DataFrame, source: str) -> tuple[pd.DataFrame, list[RowProblem]]:
    """Reject timestamps with no UTC offset (strings that are neither zoned nor epoch)."""
    stamps = frame["timestamp"]
    bad_index = stamps.index[_naive_mask(stamps).to_numpy(bool)]
    if not len(bad_index):
        return frame, []
    rows = frame.loc[bad_index, "source_row"].to_numpy(np.int64).tolist()
    shown = [str(v)[:40] for v in stamps.loc[bad_index].tolist()]
    problems = [
        RowProblem(
            source,
            row,
            "timestamp",
            f"{value!r} has no UTC offset; send e.g. 2026-11-20T07:12:03+08:00 or epoch "
            "milliseconds",
        )
        for row, value in zip(rows, shown, strict=True)
    ]
    return frame.drop(index=bad_index), problems


def _validated_points(
    frame: pd.DataFrame,
    problems: list[RowProblem],
    *,
    source: str,
    crs: str,
    naive_timezone: str | None,
    received: int,
) -> Parsed:
    if naive_timezone is None and len(frame):
        frame, naive = _naive_problems(frame, source)
        problems = problems + naive
    if len(frame):
        checked = validate_track(
            frame.reset_index(drop=True),
            source=source,
            timezone=naive_timezone or "UTC",
            on_bad_row="skip",
        )
        good, bad = checked.frame, checked.rejected
        good, too_long = _text_problems(
            good, {"manager_id": _MANAGER_ID_MAX}, source, no_slash=True
        )
        good, out_of_range = _time_problems(good, source)
        bad = (*bad, *too_long, *out_of_range)
    else:
        good, bad = pd.DataFrame(columns=list(TRACK_FRAME_COLUMNS)), ()
    rejected = sorted([*problems, *bad], key=lambda p: (p.row or 0, p.field or ""))
    return Parsed(frame=_in_wgs84(good, crs), rejected=tuple(rejected), received=received)


def _in_wgs84(good: pd.DataFrame, crs: str) -> pd.DataFrame:
    if crs == "wgs84" or not len(good):
        return good
    lat, lon = to_wgs84(good["lat"].to_numpy(), good["lon"].to_numpy(), crs)
    return good.assign(lat=lat, lon=lon)


def parse_points_json(
    items: Sequence[Any], *, crs: str, naive_timezone: str | None, source: str = "points"
) -> Parsed:
    """Validate a JSON list of fixes (objects with :data:`POINT_FIELDS`)."""
    clean = clean_points(items)  # the usual batch, every row good: read column by column
    if clean is not None:
        return Parsed(frame=_in_wgs84(clean, crs), rejected=(), received=len(items))
    frame, problems = _object_rows(items, source, POINT_FIELDS, text_fields=("manager_id",))
    frame["manager_id"] = frame["manager_id"].where(frame["manager_id"].notna(), "")
    return _validated_points(
        frame, problems, source=source, crs=crs, naive_timezone=naive_timezone, received=len(items)
    )


def parse_points_csv(
    raw: bytes, *, crs: str, naive_timezone: str | None, source: str = "points.csv"
) -> Parsed:
    """Validate a CSV body of fixes (header row, then one fix per row)."""
    frame, problems = split_track_csv(raw, source)
    received = len(frame) + len(problems)
    frame = frame.rename(columns=lambda c: str(c).strip().lower())
    return _validated_points(
        frame,
        list(problems),
        source=source,
        crs=crs,
        naive_timezone=naive_timezone,
        received=received,
    )


def parse_tasks(
    items: Sequence[Any],
    *,
    manager_id: str,
    day: dt.date,
    crs: str,
    known_stores: Mapping[str, Mapping[str, Any]],
    source: str = "tasks",
) -> Parsed:
    """Validate a task list; a store given without coordinates takes the stored ones.

    Coordinates sent with a task are in ``crs``; master-data coordinates are
    already WGS-84.
    """
    frame, problems = _object_rows(
        items, source, TASK_FIELDS, text_fields=("store_id", "store_name", "method", "market_id")
    )
    if frame.empty:
        return Parsed(frame=frame, rejected=tuple(problems), received=len(items))
    if not any(isinstance(x, Mapping) and "reported_visited" in x for x in items):
        # as in a CSV without the column: every task reads as reported visited
        frame = frame.drop(columns=["reported_visited"])
    frame["manager_id"] = manager_id
    frame["date"] = day.isoformat()
    # Filled in below from the master data: an absent column is all-NaN float64,
    # an all-integer one int64, and pandas refuses to put text or floats in those.
    for name in ("lat", "lon", "store_name", "market_id"):
        frame[name] = frame[name].astype(object)
    sent = frame["lat"].notna() & frame["lon"].notna()
    if crs != "wgs84" and sent.any():
        _convert_sent(frame, sent, crs)
    problems += _fill_from_master(frame, sent, known_stores, source)
    bad_rows = {p.row for p in problems}
    frame = frame.loc[~frame["source_row"].isin(bad_rows)]
    checked = validate_tasks(frame.reset_index(drop=True), source=source, on_bad_row="skip")
    good, too_long = _text_problems(checked.frame, _TASK_TEXT_MAX, source)
    seq = good["seq"].to_numpy(np.int64)
    big = (seq < _SEQ_RANGE[0]) | (seq > _SEQ_RANGE[1])
    rows = good["source_row"].to_numpy(np.int64)
    too_big = [
        RowProblem(source, int(rows[i]), "seq", f"out of range {list(_SEQ_RANGE)} (got {seq[i]})")
        for i in np.flatnonzero(big)
    ]
    good = good.loc[~big].reset_index(drop=True)
    rejected = sorted(
        [*problems, *checked.rejected, *too_long, *too_big],
        key=lambda p: (p.row or 0, p.field or ""),
    )
    return Parsed(frame=good, rejected=tuple(rejected), received=len(items))


def _convert_sent(frame: pd.DataFrame, sent: pd.Series, crs: str) -> None:
    """Coordinates sent with the tasks (in ``crs``) to WGS-84, in place."""
    lat = pd.to_numeric(frame.loc[sent, "lat"], errors="coerce").to_numpy(float)
    lon = pd.to_numeric(frame.loc[sent, "lon"], errors="coerce").to_numpy(float)
    ok = np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
    wlat, wlon = lat.copy(), lon.copy()
    if ok.any():
        wlat[ok], wlon[ok] = to_wgs84(lat[ok], lon[ok], crs)
    idx = frame.index[sent.to_numpy(bool)][ok]
    frame.loc[idx, "lat"] = wlat[ok]
    frame.loc[idx, "lon"] = wlon[ok]


def _fill_from_master(
    frame: pd.DataFrame,
    sent: pd.Series,
    known_stores: Mapping[str, Mapping[str, Any]],
    source: str,
) -> list[RowProblem]:
    """Coordinates, market and name of the rows sent without them, from the store master
    data, in place; a problem per row whose store is not there."""
    problems = []
    store_ids = frame["store_id"].astype(str)
    source_rows = frame["source_row"].to_numpy(np.int64)
    no_market = frame["market_id"].isna().to_numpy(bool)
    for pos in np.flatnonzero(~sent.to_numpy(bool)):  # rows without coordinates only
        label = frame.index[int(pos)]
        known = known_stores.get(str(store_ids.iloc[pos]))
        if known is not None:
            frame.loc[label, ["lat", "lon"]] = [known["lat"], known["lon"]]
            if no_market[pos] and known.get("market_id"):
                frame.loc[label, "market_id"] = known["market_id"]
        else:
            problems.append(
                RowProblem(
                    source,
                    int(source_rows[pos]),
                    "store_id",
                    f"no coordinates sent and store {store_ids.iloc[pos]!r} is not in the "
                    "store master data",
                )
            )
    names = frame["store_name"].isna()
    frame.loc[names, "store_name"] = [
        (known_stores.get(s) or {}).get("name", "") for s in store_ids[names]
    ]
    return problems
