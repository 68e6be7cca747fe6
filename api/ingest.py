"""Turn request bodies into validated frames, naming the row and field of every problem.

Rows are counted from 1 in the order sent (``points[0]`` is row 1; in a CSV
body the header is not a row), as in the CLI's messages.
"""

from __future__ import annotations

__all__ = ["Parsed", "parse_points_csv", "parse_points_json", "parse_tasks"]

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from trajectory import crs as crs_mod
from trajectory.errors import RowProblem
from trajectory.io import split_track_csv
from trajectory.schema import validate_tasks, validate_track

#: A timestamp that carries its own zone: ``Z`` or ``+08:00``/``+0800``/``+08``.
_ZONED = re.compile(r"(?:[zZ]|[+-]\d{2}(?::?\d{2})?)\s*$")
#: Epoch seconds or milliseconds (UTC by definition).
_EPOCH = re.compile(r"^\s*-?\d+(?:\.\d*)?\s*$")
POINT_FIELDS = ("manager_id", "timestamp", "lat", "lon", "accuracy_m", "speed_mps")
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


def _object_rows(
    items: Sequence[Any], source: str, fields: Sequence[str]
) -> tuple[pd.DataFrame, list[RowProblem]]:
    """A frame of the known fields of the items that are JSON objects.

    Values that are not scalars (lists, objects) become a marker string, which
    the schema then rejects as "not a number"/"not text" for that row and field.
    """
    rows = np.arange(1, len(items) + 1, dtype=np.int64)
    is_obj = np.fromiter((isinstance(x, Mapping) for x in items), dtype=bool, count=len(items))
    problems = [RowProblem(source, int(r), None, "expected a JSON object") for r in rows[~is_obj]]
    objs = [x for x, ok in zip(items, is_obj, strict=True) if ok]
    frame = (
        pd.DataFrame.from_records(objs, columns=list(fields))
        if objs
        else pd.DataFrame(columns=list(fields))
    )
    for name in frame.columns:
        col = frame[name]
        if col.dtype == object:
            nested = col.map(lambda v: isinstance(v, (list, dict))).to_numpy(bool)
            if nested.any():
                frame[name] = col.where(~nested, "<a JSON list or object>")
    frame["source_row"] = rows[is_obj]
    return frame, problems


def _naive_problems(frame: pd.DataFrame, source: str) -> tuple[pd.DataFrame, list[RowProblem]]:
    """Reject timestamps with no UTC offset (strings that are neither zoned nor epoch)."""
    stamps = frame["timestamp"]
    text = stamps.where(stamps.map(lambda v: isinstance(v, str)), None).dropna().astype(str)
    naive = ~(text.str.contains(_ZONED) | text.str.match(_EPOCH))
    bad_index = text.index[naive.to_numpy(bool)]
    rows = frame.loc[bad_index, "source_row"].to_numpy(np.int64).tolist()
    shown = text.loc[bad_index].str.slice(0, 40).tolist()
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
    else:
        good, bad = (
            pd.DataFrame(
                columns=[
                    "manager_id",
                    "time",
                    "lat",
                    "lon",
                    "accuracy_m",
                    "speed_mps",
                    "source_row",
                ]
            ),
            (),
        )
    if crs != "wgs84" and len(good):
        lat, lon = crs_mod.to_wgs84(good["lat"].to_numpy(), good["lon"].to_numpy(), crs)
        good = good.assign(lat=lat, lon=lon)
    rejected = sorted([*problems, *bad], key=lambda p: (p.row or 0, p.field or ""))
    return Parsed(frame=good, rejected=tuple(rejected), received=received)


def parse_points_json(
    items: Sequence[Any], *, crs: str, naive_timezone: str | None, source: str = "points"
) -> Parsed:
    """Validate a JSON list of fixes (objects with :data:`POINT_FIELDS`)."""
    frame, problems = _object_rows(items, source, POINT_FIELDS)
    for name in ("manager_id",):
        frame[name] = frame[name].where(frame[name].notna(), "")
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
    frame, problems = _object_rows(items, source, TASK_FIELDS)
    if frame.empty:
        return Parsed(frame=frame, rejected=tuple(problems), received=len(items))
    frame["manager_id"] = manager_id
    frame["date"] = day.isoformat()
    # Filled in below from the master data: an absent column is all-NaN float64,
    # an all-integer one int64, and pandas refuses to put text or floats in those.
    for name in ("lat", "lon", "store_name", "market_id"):
        frame[name] = frame[name].astype(object)
    sent = frame["lat"].notna() & frame["lon"].notna()
    if crs != "wgs84" and sent.any():
        lat = pd.to_numeric(frame.loc[sent, "lat"], errors="coerce").to_numpy(float)
        lon = pd.to_numeric(frame.loc[sent, "lon"], errors="coerce").to_numpy(float)
        ok = np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
        wlat, wlon = lat.copy(), lon.copy()
        if ok.any():
            wlat[ok], wlon[ok] = crs_mod.to_wgs84(lat[ok], lon[ok], crs)
        idx = frame.index[sent.to_numpy(bool)][ok]
        frame.loc[idx, "lat"] = wlat[ok]
        frame.loc[idx, "lon"] = wlon[ok]
    store_ids = frame["store_id"].astype(str)
    source_rows = frame["source_row"].to_numpy(np.int64)
    no_market = frame["market_id"].isna().to_numpy(bool)
    for pos in np.flatnonzero(~sent.to_numpy(bool)):
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
                    "lat",
                    f"no coordinates sent and store {store_ids.iloc[pos]!r} is not in the "
                    "store master data",
                )
            )
    names = frame["store_name"].isna()
    frame.loc[names, "store_name"] = [
        (known_stores.get(s) or {}).get("name", "") for s in store_ids[names]
    ]
    bad_rows = {p.row for p in problems}
    frame = frame.loc[~frame["source_row"].isin(bad_rows)]
    checked = validate_tasks(frame.reset_index(drop=True), source=source, on_bad_row="skip")
    rejected = sorted([*problems, *checked.rejected], key=lambda p: (p.row or 0, p.field or ""))
    return Parsed(frame=checked.frame, rejected=tuple(rejected), received=len(items))
