"""The result of verifying one manager-day, and its JSON contract.

``DayResult.to_dict()`` is the only place that produces the contract JSON the
management platform, the map reports and the daily runs read.  Times are ISO
8601 in the configured zone (with its offset); coordinates are WGS-84.
"""

from __future__ import annotations

__all__ = [
    "CHECK_NAMES",
    "DAY_STATUSES",
    "RESULT_KEYS",
    "CheckResult",
    "DayResult",
    "DayStatus",
    "StayPoint",
    "StoreVisit",
    "check_status",
    "day_status",
]

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from trajectory.cleaning import CleaningReport
from trajectory.errors import RowProblem

CHECK_NAMES: tuple[str, ...] = ("on_time_arrival", "trajectory_clear", "visit_count_match")
Status = Literal["pass", "fail", "inconclusive"]
StoreStatus = Literal["visited", "not_visited", "ambiguous", "unseen", "not_expected", "no_gps"]
#: A manager-day's status in a run: the checks' verdict, or why there is none.
DayStatus = Literal["pass", "fail", "inconclusive", "no_gps", "no_tasks", "error"]
#: Every day status, worst first (the order of summaries and indexes).
DAY_STATUSES: tuple[DayStatus, ...] = (
    "error",
    "fail",
    "inconclusive",
    "no_gps",
    "no_tasks",
    "pass",
)
#: The top-level keys every stored result dict has (files, database, API).
RESULT_KEYS: tuple[str, ...] = (
    "manager_id",
    "date",
    "timezone",
    "checks",
    "status",
    "stay_points",
    "stores",
    "cleaning",
)


def check_status(statuses: Iterable[str]) -> Status:
    """The overall verdict of the checks: ``fail`` beats ``inconclusive`` beats ``pass``."""
    seen = set(statuses)
    if "fail" in seen:
        return "fail"
    if "inconclusive" in seen:
        return "inconclusive"
    return "pass"


def day_status(body: Mapping[str, Any]) -> DayStatus:
    """A result dict's day status: ``no_gps``/``no_tasks`` where a side is missing,
    else the checks' verdict (:func:`check_status`).

    The one rule that the daily run, the team index and the service share.
    """
    has_tasks = bool(body.get("stores"))
    has_points = int((body.get("cleaning") or {}).get("input_points", 0)) > 0
    if has_tasks and not has_points:
        return "no_gps"
    if has_points and not has_tasks:
        return "no_tasks"
    return check_status(str(c.get("status")) for c in body["checks"].values())


@dataclass(frozen=True)
class StayPoint:
    """One stay: where and when the manager stopped, and what it matched."""

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

    @property
    def visited(self) -> bool:
        return self.status == "visited"


@dataclass(frozen=True)
class CheckResult:
    """One of the three checks: its status, a one-sentence reason, and its fields."""

    name: str
    status: Status
    reason: str
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return self.status == "pass"


@dataclass(frozen=True)
class DayResult:
    """Everything trajcheck concluded about one manager's day.

    ``track`` holds the cleaned fixes (``time``, ``lat``, ``lon`` WGS-84) for the
    map report; it is not part of the JSON unless asked for.
    """

    manager_id: str
    date: dt.date
    timezone: str
    stay_points: tuple[StayPoint, ...]
    stores: tuple[StoreVisit, ...]
    checks: dict[str, CheckResult]
    cleaning: CleaningReport
    rejected_rows: tuple[RowProblem, ...] = ()
    outside_day_points: int = 0
    config: dict[str, Any] = field(default_factory=dict)
    track: pd.DataFrame | None = field(default=None, repr=False, compare=False)

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks.values())

    @property
    def status(self) -> Status:
        return check_status(c.status for c in self.checks.values())

    def to_dict(self, *, include_track: bool = False) -> dict[str, Any]:
        """The contract JSON (plain dict of JSON types)."""
        tz = ZoneInfo(self.timezone)
        out: dict[str, Any] = {
            "manager_id": self.manager_id,
            "date": self.date.isoformat(),
            "timezone": self.timezone,
            "stay_points": [_stay_dict(s, tz) for s in self.stay_points],
            "stores": [_store_dict(s, tz) for s in self.stores],
            "checks": {name: _check_dict(c) for name, c in self.checks.items()},
            "passed": self.passed,
            "status": self.status,
            "cleaning": {
                **self.cleaning.to_dict(),
                "outside_day": self.outside_day_points,
                "rejected_rows": len(self.rejected_rows),
            },
            "rejected_rows": [p.to_dict() for p in self.rejected_rows],
            "config": self.config,
        }
        if include_track and self.track is not None:
            out["track"] = {
                "time": iso_many(pd.DatetimeIndex(self.track["time"]), tz),
                "lat": self.track["lat"].round(7).tolist(),
                "lon": self.track["lon"].round(7).tolist(),
            }
        return out


def iso(value: pd.Timestamp | dt.datetime | None, tz: ZoneInfo) -> str | None:
    """ISO 8601 in ``tz`` with its offset, seconds resolution; None stays None."""
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


def _num(value: float | None, digits: int) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), digits)


def _stay_dict(s: StayPoint, tz: ZoneInfo) -> dict[str, Any]:
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
    }


def _store_dict(s: StoreVisit, tz: ZoneInfo) -> dict[str, Any]:
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
    }


def _check_dict(c: CheckResult) -> dict[str, Any]:
    return {"passed": c.passed, "status": c.status, "reason": c.reason, **c.fields}
