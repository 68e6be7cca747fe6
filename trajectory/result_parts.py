"""The records a :class:`~trajectory.result.DayResult` holds (stays, store visits, checks)
and their contract JSON form.

Times in the JSON are ISO 8601 in the configured zone with its offset, floored to
the second; coordinates are WGS-84 degrees rounded to 7 decimals (1.1 cm).
"""

from __future__ import annotations

__all__ = [
    "CheckResult",
    "Status",
    "StayPoint",
    "StoreStatus",
    "StoreVisit",
    "check_to_dict",
    "iso",
    "iso_many",
    "stay_to_dict",
    "store_to_dict",
]

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any, Literal
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from trajectory.known_types import NearestKnown

Status = Literal["pass", "fail", "inconclusive"]
StoreStatus = Literal["visited", "not_visited", "ambiguous", "unseen", "not_expected", "no_gps"]


@dataclass(frozen=True)
class StayPoint:
    """One stay: where and when the manager stopped, and what it matched.

    ``arrival``/``departure`` bound the observed dwell (:mod:`trajectory.bridging`);
    ``first_fix_at``/``last_fix_at`` are the stay's first and last fix at the place
    (earlier/later than the dwell when a lone fix lies across a bridged gap);
    ``arrival_earliest``/``departure_latest`` the earliest arrival and latest
    departure the GPS allows (None: the fixes around the dwell pin it within
    ``BRIDGE_GAP_S``); ``bridged_s`` the seconds of gaps inside the dwell.
    """

    id: int
    lat: float
    lon: float
    arrival: pd.Timestamp
    departure: pd.Timestamp
    duration_s: float
    n_points: int
    spread_m: float
    max_gap_s: float
    store_id: str | None = None
    distance_m: float | None = None
    revisit: bool = False
    exempt: str | None = None
    ambiguous_store_ids: tuple[str, ...] = ()
    confidence: float | None = None
    arrival_earliest: pd.Timestamp | None = None
    split_from: int | None = None
    market_period: int = 0
    confirmed: bool = True
    period_visits: tuple[int, int] | None = None
    first_fix_at: pd.Timestamp | None = None
    last_fix_at: pd.Timestamp | None = None
    departure_latest: pd.Timestamp | None = None
    bridged_s: float | None = None
    #: The nearest known place (store master, buyers) of a stay at no task store.
    nearest_known: NearestKnown | None = None


@dataclass(frozen=True)
class StoreVisit:
    """One task-list store and whether the track shows it visited.

    ``status``: ``visited``; ``not_visited`` (the track shows the manager
    elsewhere); ``ambiguous`` (a stay covers it and a neighbour the GPS cannot
    tell apart); ``unseen`` (a gap in the GPS long enough to have held the
    visit); ``not_expected`` (phone or chat task); ``no_gps`` (no usable fixes).
    """

    store_id: str
    store_name: str
    seq: int
    method: str
    lat: float
    lon: float
    reported_visited: bool
    status: StoreStatus
    stay_id: int | None = None
    arrival: pd.Timestamp | None = None
    departure: pd.Timestamp | None = None
    visits: int = 0
    footprint: str | None = None  # WKT, WGS-84 (a hall, a building); None: a point

    @property
    def visited(self) -> bool:
        return self.status == "visited"


@dataclass(frozen=True)
class CheckResult:
    """One of the three checks: its status, a one-sentence reason, and its fields.

    ``reason_code`` and ``reason_values`` say the same as the English ``reason`` in
    structured form, so that a page can write it in another language (the map reports'
    ``reason_<check>_<code>`` labels); None for results stored before issue 16.
    """

    name: str
    status: Status
    reason: str
    fields: dict[str, Any] = field(default_factory=dict)
    reason_code: str | None = None
    reason_values: dict[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return self.status == "pass"


def iso(value: pd.Timestamp | dt.datetime | None, tz: ZoneInfo) -> str | None:
    """ISO 8601 in ``tz`` with its offset, seconds resolution; None stays None."""
    if type(value) is pd.Timestamp and value.tzinfo is not None and value.unit == "ns":
        # the usual case, without pandas' floor and conversions (~10x faster): whole
        # UTC seconds (floored), then the zone's wall time and offset; same text
        return dt.datetime.fromtimestamp(value.value // 1_000_000_000, tz).isoformat()
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return None
    ts = pd.Timestamp(value)
    if ts.tzinfo is None:
        ts = ts.tz_localize("UTC")
    return ts.tz_convert("UTC").floor("s").tz_convert(tz).isoformat()


def iso_many(times: pd.DatetimeIndex, tz: ZoneInfo) -> list[str]:
    """:func:`iso` for many instants at once (vectorised; per-fix Python is too slow)."""
    if len(times) == 0:
        return []
    utc_s = times.tz_convert("UTC").floor("s")  # floor in UTC: local times can be ambiguous
    wall = utc_s.tz_convert(tz).tz_localize(None).to_numpy(dtype="datetime64[s]")
    offset_s = (wall.astype("int64") - utc_s.as_unit("s").asi8).astype("int64")
    text = np.datetime_as_string(wall, unit="s")
    sign = np.where(offset_s < 0, "-", "+")
    hh = np.char.zfill((np.abs(offset_s) // 3600).astype(str), 2)
    mm = np.char.zfill((np.abs(offset_s) % 3600 // 60).astype(str), 2)
    suffix = np.char.add(np.char.add(np.char.add(sign, hh), ":"), mm)
    out: list[str] = np.char.add(text.astype(str), suffix).tolist()
    return out


def stay_to_dict(s: StayPoint, tz: ZoneInfo) -> dict[str, Any]:
    """A stay's contract JSON (``period_visits`` is internal and not written)."""
    return {
        "id": s.id,
        "lat": round(s.lat, 7),
        "lon": round(s.lon, 7),
        "arrival": iso(s.arrival, tz),
        "departure": iso(s.departure, tz),
        "duration_s": round(s.duration_s, 1),
        "n_points": s.n_points,
        "store_id": s.store_id,
        "distance_m": _num(s.distance_m, 1),
        "revisit": s.revisit,
        "exempt": s.exempt,
        "ambiguous_store_ids": list(s.ambiguous_store_ids),
        "confidence": _num(s.confidence, 3),
        "spread_m": _num(s.spread_m, 1),
        "max_gap_s": _num(s.max_gap_s, 1),
        "arrival_earliest": iso(s.arrival_earliest, tz),
        "split_from": s.split_from,
        "market_period": s.market_period or None,
        "confirmed": s.confirmed,
        "first_fix_at": iso(s.first_fix_at, tz),
        "last_fix_at": iso(s.last_fix_at, tz),
        "departure_latest": iso(s.departure_latest, tz),
        "bridged_s": _num(s.bridged_s, 1),
        "nearest_known": None if s.nearest_known is None else s.nearest_known.to_dict(),
        "arrival_uncertainty_s": _span_s(s.arrival_earliest, s.arrival),
        "departure_uncertainty_s": _span_s(s.departure, s.departure_latest),
    }


def _span_s(start: pd.Timestamp | None, end: pd.Timestamp | None) -> float | None:
    """Seconds from ``start`` to ``end`` as written (floored to the second); None if either is."""
    if start is None or end is None:
        return None
    return float((pd.Timestamp(end).floor("s") - pd.Timestamp(start).floor("s")).total_seconds())


def store_to_dict(s: StoreVisit, tz: ZoneInfo) -> dict[str, Any]:
    """A task-list store's contract JSON (``visited`` is derived from ``status``)."""
    return {
        "store_id": s.store_id,
        "store_name": s.store_name,
        "seq": s.seq,
        "method": s.method,
        "lat": round(s.lat, 7),
        "lon": round(s.lon, 7),
        "reported_visited": s.reported_visited,
        "visited": s.visited,
        "status": s.status,
        "stay_id": s.stay_id,
        "arrival": iso(s.arrival, tz),
        "departure": iso(s.departure, tz),
        "visits": s.visits,
        "footprint": s.footprint,
    }


def check_to_dict(c: CheckResult) -> dict[str, Any]:
    """A check's contract JSON: ``passed``, ``status``, ``reason`` (with ``reason_code``
    and ``reason_values`` when it has a code), then its own fields."""
    coded = (
        {}
        if c.reason_code is None
        else {"reason_code": c.reason_code, "reason_values": c.reason_values}
    )
    return {"passed": c.passed, "status": c.status, "reason": c.reason, **coded, **c.fields}


def _num(value: float | None, digits: int) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), digits)
