"""From matched stays to result records: a stay point per stay, a store visit per task.

Each task-list store gets its status here (see :func:`store_records`); the checks
read these records and never the frames.
"""

from __future__ import annotations

__all__ = ["stay_records", "store_records"]

from dataclasses import replace
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd

from trajectory._frames import Columns
from trajectory.bridging import observed_spans
from trajectory.checks import ARRIVAL_GAP_S
from trajectory.footprints import footprint_wkt
from trajectory.geodesy import haversine_m
from trajectory.market_count import pigeonhole
from trajectory.result import StayPoint, StoreStatus, StoreVisit
from trajectory.timestamps import elapsed_s

#: Fastest plausible average urban travel speed (m/s) when asking whether a GPS
#: gap could have held a visit.
_GAP_TRAVEL_MPS = 10.0


def stay_records(matched: Columns, clean: pd.DataFrame) -> list[StayPoint]:
    """A :class:`StayPoint` per matched stay (``match_stores`` columns), in its order.

    ``arrival``/``departure`` bound the stay's observed dwell
    (:func:`trajectory.bridging.observed_span`); ``arrival_earliest`` is the
    earliest arrival the GPS allows when it is more than ``ARRIVAL_GAP_S`` before
    the observed arrival (the fix before the stay, or a lone first fix across a
    bridged gap), ``departure_latest`` likewise after the observed departure.
    """
    times = pd.DatetimeIndex(clean["time"]) if len(clean) else pd.DatetimeIndex([], tz="UTC")
    t = elapsed_s(times) if len(clean) else np.zeros(0)
    rows = _column_records(matched)
    return [
        StayPoint(
            id=int(row["stay_id"]),
            lat=float(row["lat"]),
            lon=float(row["lon"]),
            n_points=int(row["n_points"]),
            spread_m=float(row["spread_m"]),
            max_gap_s=float(row["max_gap_s"]),
            store_id=None if _missing(row["store_id"]) else str(row["store_id"]),
            distance_m=None if _missing(row["distance_m"]) else float(row["distance_m"]),
            revisit=bool(row["revisit"]),
            exempt=None if _missing(row["exempt"]) else str(row["exempt"]),
            ambiguous_store_ids=tuple(str(s) for s in row["ambiguous_store_ids"]),
            confidence=None if _missing(row["confidence"]) else float(row["confidence"]),
            split_from=int(row["split_from"]),
            market_period=int(row.get("market_period", 0)),
            confirmed=bool(row.get("confirmed", True)),
            period_visits=(int(row["period_visits_min"]), int(row["period_visits_max"]))
            if int(row.get("market_period", 0))
            else None,
            **span,
        )
        for row, span in zip(rows, _stay_times(rows, t, times), strict=True)
    ]


def _stay_times(
    rows: list[dict[str, Any]], t: npt.NDArray[np.float64], times: pd.DatetimeIndex
) -> list[dict[str, Any]]:
    """Observed and bridged times of each stay row (fix indexes into ``t``/``times``)."""
    out: list[dict[str, Any]] = [
        {  # a stay table without its track: as detected
            "arrival": pd.Timestamp(row["arrival"]),
            "departure": pd.Timestamp(row["departure"]),
            "duration_s": float(row["duration_s"]),
        }
        for row in rows
    ]
    on_track = [i for i, row in enumerate(rows) if t.size and int(row["last_fix"]) < t.size]
    if not on_track:
        return out
    first = np.array([int(rows[i]["first_fix"]) for i in on_track], dtype=np.int64)
    last = np.array([int(rows[i]["last_fix"]) for i in on_track], dtype=np.int64)
    spans = observed_spans(t, first, last)
    a, b = (np.array([s[k] for s in spans], dtype=np.int64) for k in (0, 1))
    before = np.where(
        (first > 0) & (t[first] - t[np.maximum(first - 1, 0)] > ARRIVAL_GAP_S), first - 1, first
    )
    after = np.where(
        (last + 1 < t.size) & (t[np.minimum(last + 1, t.size - 1)] - t[last] > ARRIVAL_GAP_S),
        last + 1,
        last,
    )
    early = (t[a] - t[before] > ARRIVAL_GAP_S).tolist()
    late = (t[after] - t[b] > ARRIVAL_GAP_S).tolist()
    boxed = times[np.concatenate([a, b, before, after, first, last])].tolist()
    k = len(on_track)
    for j, i in enumerate(on_track):
        out[i] = {
            "arrival": boxed[j],
            "departure": boxed[k + j],
            "duration_s": float(t[b[j]] - t[a[j]]),
            "arrival_earliest": boxed[2 * k + j] if early[j] else None,
            "departure_latest": boxed[3 * k + j] if late[j] else None,
            "first_fix_at": boxed[4 * k + j],
            "last_fix_at": boxed[5 * k + j],
            "bridged_s": spans[j][2],
        }
    return out


def _column_records(columns: Columns) -> list[dict[str, Any]]:
    """The rows of a (small) stay table given as columns, as dicts of Python values."""
    names = list(columns)
    values = [v.tolist() for v in columns.values()]
    return [dict(zip(names, row, strict=True)) for row in zip(*values, strict=True)]


def _missing(value: object) -> bool:
    if value is None or isinstance(value, list | tuple):
        return value is None
    return bool(pd.isna(value))  # type: ignore[call-overload]


def store_records(
    tasks: pd.DataFrame, stays: tuple[StayPoint, ...], clean: pd.DataFrame, min_stay_s: float
) -> list[StoreVisit]:
    """A :class:`StoreVisit` per task, in ``seq`` order, with its status.

    ``visited`` (a confirmed stay matched it), ``ambiguous``, ``unseen`` (a GPS gap
    outside every stay could have held a ``min_stay_s`` visit, travelling at
    ``_GAP_TRAVEL_MPS``), ``no_gps``, ``not_expected`` (phone or chat) or
    ``not_visited``.
    """
    out = []
    gaps = _gps_gaps(clean, stays, min_stay_s)
    for task in _task_records(tasks):
        sid = str(task["store_id"])
        mine = sorted((s for s in stays if s.store_id == sid), key=lambda s: s.arrival)
        status: StoreStatus
        if task["method"] != "onsite":
            status = "not_expected"
        elif mine:
            # only market visits a stricter segmentation does not confirm: ambiguous
            status = "visited" if any(s.confirmed for s in mine) else "ambiguous"
        elif len(clean) == 0:
            status = "no_gps"
        elif any(sid in s.ambiguous_store_ids for s in stays):
            status = "ambiguous"
        elif _fits_in_gap(gaps, float(task["lat"]), float(task["lon"]), min_stay_s):
            status = "unseen"
        else:
            status = "not_visited"
        first = mine[0] if mine and task["method"] == "onsite" else None
        out.append(
            StoreVisit(
                store_id=sid,
                store_name=str(task["store_name"]),
                seq=int(task["seq"]),
                method=str(task["method"]),
                lat=float(task["lat"]),
                lon=float(task["lon"]),
                reported_visited=bool(task["reported_visited"]),
                status=status,
                stay_id=first.id if first else None,
                arrival=first.arrival if first else None,
                departure=first.departure if first else None,
                visits=len(mine) if first else 0,
                footprint=footprint_wkt(task.get("footprint")),
            )
        )
    missed = set(pigeonhole(out, stays)[0])  # market stalls surely skipped
    return [replace(s, status="not_visited") if s.store_id in missed else s for s in out]


def _task_records(tasks: pd.DataFrame) -> list[dict[str, Any]]:
    """The tasks' rows in ``seq`` order (stable), the columns :func:`store_records` reads."""
    names = [c for c in _TASK_FIELDS if c in tasks.columns]
    order = np.argsort(tasks["seq"].to_numpy(), kind="stable")
    return _column_records({c: tasks[c].to_numpy()[order] for c in names})


#: The task columns :func:`store_records` reads (``footprint`` when there is one).
_TASK_FIELDS = (
    "store_id",
    "store_name",
    "seq",
    "method",
    "lat",
    "lon",
    "reported_visited",
    "footprint",
)


class _Gaps(NamedTuple):
    """GPS gaps (``dt_s`` s) from (``lat0``, ``lon0``) to (``lat1``, ``lon1``)."""

    dt_s: npt.NDArray[np.float64]
    lat0: npt.NDArray[np.float64]
    lon0: npt.NDArray[np.float64]
    lat1: npt.NDArray[np.float64]
    lon1: npt.NDArray[np.float64]


def _gps_gaps(clean: pd.DataFrame, stays: tuple[StayPoint, ...], min_stay_s: float) -> _Gaps:
    """Gaps between consecutive fixes, outside any stay, long enough to hold a visit.

    A gap inside a stay is indoor signal loss at that place (the fixes before
    and after it are at the same spot), not a window for another visit.
    """
    if len(clean) < 2:
        return _Gaps(*(np.zeros(0) for _ in range(5)))
    ns = pd.DatetimeIndex(clean["time"]).as_unit("ns").asi8
    dt_s = np.diff(ns) / 1e9
    inside = np.zeros(ns.size - 1, dtype=bool)
    ordered = bool(np.all(ns[1:] >= ns[:-1]))  # a cleaned track: a stay's gaps are a slice
    for s in stays:
        a = pd.Timestamp(s.first_fix_at or s.arrival).as_unit("ns").value
        b = pd.Timestamp(s.last_fix_at or s.departure).as_unit("ns").value
        if ordered:
            inside[np.searchsorted(ns[:-1], a) : np.searchsorted(ns[1:], b, side="right")] = True
        else:
            inside |= (ns[:-1] >= a) & (ns[1:] <= b)
    idx = np.flatnonzero((dt_s > min_stay_s) & ~inside)
    lat = clean["lat"].to_numpy()
    lon = clean["lon"].to_numpy()
    return _Gaps(dt_s[idx], lat[idx], lon[idx], lat[idx + 1], lon[idx + 1])


def _fits_in_gap(gaps: _Gaps, lat: float, lon: float, min_stay_s: float) -> bool:
    if gaps.dt_s.size == 0:
        return False
    d_in = haversine_m(gaps.lat0, gaps.lon0, lat, lon)
    d_out = haversine_m(lat, lon, gaps.lat1, gaps.lon1)
    need = (d_in + d_out) / _GAP_TRAVEL_MPS + min_stay_s
    return bool(np.any(need <= gaps.dt_s))
