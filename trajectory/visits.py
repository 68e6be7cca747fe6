"""From matched stays to result records: a stay point per stay, a store visit per task.

Each task-list store gets its status here (see :func:`store_records`); the checks
read these records and never the frames.
"""

from __future__ import annotations

__all__ = ["stay_records", "store_records"]

from collections.abc import Hashable, Mapping
from dataclasses import replace
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from pandas.api.extensions import ExtensionDtype
from pandas.core.dtypes.cast import maybe_box_native  # type: ignore[attr-defined]

from trajectory.bridging import observed_span
from trajectory.checks import ARRIVAL_GAP_S
from trajectory.footprints import footprint_wkt
from trajectory.geodesy import haversine_m
from trajectory.market_count import pigeonhole
from trajectory.result import StayPoint, StoreStatus, StoreVisit
from trajectory.timestamps import elapsed_s

#: Fastest plausible average urban travel speed (m/s) when asking whether a GPS
#: gap could have held a visit.
_GAP_TRAVEL_MPS = 10.0


def stay_records(matched: pd.DataFrame, clean: pd.DataFrame) -> list[StayPoint]:
    """A :class:`StayPoint` per matched stay (``match_stores`` output), in its order.

    ``arrival``/``departure`` bound the stay's observed dwell
    (:func:`trajectory.bridging.observed_span`); ``arrival_earliest`` is the
    earliest arrival the GPS allows when it is more than ``ARRIVAL_GAP_S`` before
    the observed arrival (the fix before the stay, or a lone first fix across a
    bridged gap), ``departure_latest`` likewise after the observed departure.
    """
    out = []
    times = pd.DatetimeIndex(clean["time"]) if len(clean) else pd.DatetimeIndex([], tz="UTC")
    t = elapsed_s(clean["time"]) if len(clean) else np.zeros(0)
    for row in _records(matched):
        period = int(row.get("market_period", 0))
        out.append(
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
                market_period=period,
                confirmed=bool(row.get("confirmed", True)),
                period_visits=(int(row["period_visits_min"]), int(row["period_visits_max"]))
                if period
                else None,
                **_stay_times(row, t, times),
            )
        )
    return out


def _stay_times(
    row: Mapping[Hashable, Any], t: npt.NDArray[np.float64], times: pd.DatetimeIndex
) -> dict[str, Any]:
    """Observed and bridged times of one stay row (fix indexes into ``t``/``times``)."""
    first, last = int(row["first_fix"]), int(row["last_fix"])
    if t.size == 0 or last >= t.size:  # a stay table without its track: as detected
        return {
            "arrival": pd.Timestamp(row["arrival"]),
            "departure": pd.Timestamp(row["departure"]),
            "duration_s": float(row["duration_s"]),
        }
    a, b, bridged = observed_span(t, first, last)
    before = first - 1 if first > 0 and t[first] - t[first - 1] > ARRIVAL_GAP_S else first
    after = last + 1 if last + 1 < t.size and t[last + 1] - t[last] > ARRIVAL_GAP_S else last
    return {
        "arrival": times[a],
        "departure": times[b],
        "duration_s": float(t[b] - t[a]),
        "arrival_earliest": times[before] if t[a] - t[before] > ARRIVAL_GAP_S else None,
        "departure_latest": times[after] if t[after] - t[b] > ARRIVAL_GAP_S else None,
        "first_fix_at": times[first],
        "last_fix_at": times[last],
        "bridged_s": bridged,
    }


def _records(df: pd.DataFrame) -> list[dict[Hashable, Any]]:
    """``df.to_dict("records")`` for the few rows of a stay table or task list, column by
    column (``tolist`` gives the same Python scalars; pandas' own goes cell by cell)."""
    columns = [_native(series) for _, series in df.items()]
    return [dict(zip(df.columns, row, strict=True)) for row in zip(*columns, strict=True)]


def _native(series: pd.Series) -> list[Any]:
    """A column's values as ``to_dict`` gives them (object and extension columns boxed)."""
    values = series.tolist()
    if series.dtype == np.dtype(object) or isinstance(series.dtype, ExtensionDtype):
        return [maybe_box_native(v) for v in values]
    return values


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
    for task in _records(tasks.sort_values("seq", kind="stable")):
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


def _gps_gaps(clean: pd.DataFrame, stays: tuple[StayPoint, ...], min_stay_s: float) -> pd.DataFrame:
    """Gaps between consecutive fixes, outside any stay, long enough to hold a visit.

    A gap inside a stay is indoor signal loss at that place (the fixes before
    and after it are at the same spot), not a window for another visit.
    """
    if len(clean) < 2:
        return pd.DataFrame(columns=["dt_s", "lat0", "lon0", "lat1", "lon1"])
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
    return pd.DataFrame(
        {
            "dt_s": dt_s[idx],
            "lat0": lat[idx],
            "lon0": lon[idx],
            "lat1": lat[idx + 1],
            "lon1": lon[idx + 1],
        }
    )


def _fits_in_gap(gaps: pd.DataFrame, lat: float, lon: float, min_stay_s: float) -> bool:
    if gaps.empty:
        return False
    d_in = haversine_m(gaps["lat0"], gaps["lon0"], lat, lon)
    d_out = haversine_m(lat, lon, gaps["lat1"], gaps["lon1"])
    need = (d_in + d_out) / _GAP_TRAVEL_MPS + min_stay_s
    return bool(np.any(need <= gaps["dt_s"].to_numpy()))
