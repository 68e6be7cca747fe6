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
    "Status",
    "StayPoint",
    "StoreStatus",
    "StoreVisit",
    "check_status",
    "day_status",
    "iso",
    "iso_many",
    "status_of",
]

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo

import pandas as pd

from trajectory.cleaning import CleaningReport
from trajectory.day_warnings import DayWarning
from trajectory.errors import RowProblem
from trajectory.integrity_types import Integrity
from trajectory.result_parse import read_result
from trajectory.result_parts import (
    CheckResult,
    Status,
    StayPoint,
    StoreStatus,
    StoreVisit,
    check_to_dict,
    iso,
    iso_many,
    stay_to_dict,
    store_to_dict,
)

if TYPE_CHECKING:
    import geopandas as gpd

CHECK_NAMES: tuple[str, ...] = ("on_time_arrival", "trajectory_clear", "visit_count_match")
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

    The one rule that the daily run, the team index, the service and
    :attr:`DayResult.status` share.  A day with neither fixes nor tasks is
    ``no_tasks`` (there was nothing to verify), never ``pass``.
    """
    has_tasks = bool(body.get("stores"))
    has_points = int((body.get("cleaning") or {}).get("input_points", 0)) > 0
    return status_of(has_tasks, has_points, (str(c.get("status")) for c in body["checks"].values()))


def status_of(has_tasks: bool, has_points: bool, check_statuses: Iterable[str]) -> DayStatus:
    """The day status from what the day holds (tasks, fixes) and the checks' statuses."""
    if not has_tasks:
        return "no_tasks"
    if not has_points:
        return "no_gps"
    return check_status(check_statuses)


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
    warnings: tuple[DayWarning, ...] = ()
    integrity: Integrity = field(default_factory=Integrity)
    track: pd.DataFrame | None = field(default=None, repr=False, compare=False)

    @property
    def passed(self) -> bool:
        """True when the day's status is ``pass`` (every check passed, tasks and fixes held)."""
        return self.status == "pass"

    @property
    def status(self) -> DayStatus:
        """The day status (:func:`day_status`): ``no_tasks``/``no_gps`` or the checks' verdict."""
        return status_of(
            bool(self.stores),
            self.cleaning.input_points > 0,
            (c.status for c in self.checks.values()),
        )

    def stays_geodataframe(self) -> gpd.GeoDataFrame:
        """The stays as a GeoDataFrame of points in EPSG:4326 (every field a column)."""
        from trajectory.geoframes import stays_geodataframe

        return stays_geodataframe(self)

    def stores_geodataframe(self) -> gpd.GeoDataFrame:
        """The task-list stores as a GeoDataFrame of points in EPSG:4326."""
        from trajectory.geoframes import stores_geodataframe

        return stores_geodataframe(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, track: pd.DataFrame | None = None) -> DayResult:
        """The result that :meth:`to_dict` wrote, read back (its exact inverse).

        ``DayResult.from_dict(r.to_dict()).to_dict() == r.to_dict()``, with or without
        ``include_track``.  Times become tz-aware UTC timestamps.  What the JSON does not
        hold is not restored: ``StayPoint.period_visits`` and the cleaning report's
        ``dropped_rows``.

        Parameters
        ----------
        data
            A result dict (``to_dict()``, possibly stored and edited by hand).
        track
            The cleaned fixes (``time`` UTC, ``lat``, ``lon``) to draw, used when
            ``data`` has no ``track`` key (it has one when written with
            ``include_track=True``).

        Raises
        ------
        trajectory.errors.InputError
            Naming the field (``stores[3].status``) when a required key is missing or
            a value has the wrong type.
        """
        return cls(**read_result(data, track=track))

    def to_dict(self, *, include_track: bool = False) -> dict[str, Any]:
        """The contract JSON (plain dict of JSON types)."""
        tz = ZoneInfo(self.timezone)
        out: dict[str, Any] = {
            "manager_id": self.manager_id,
            "date": self.date.isoformat(),
            "timezone": self.timezone,
            "stay_points": [stay_to_dict(s, tz) for s in self.stay_points],
            "stores": [store_to_dict(s, tz) for s in self.stores],
            "checks": {name: check_to_dict(c) for name, c in self.checks.items()},
            "passed": self.passed,
            "status": self.status,
            "cleaning": {
                **self.cleaning.to_dict(),
                "outside_day": self.outside_day_points,
                "rejected_rows": len(self.rejected_rows),
            },
            "rejected_rows": [p.to_dict() for p in self.rejected_rows],
            "config": self.config,
            "warnings": [w.to_dict() for w in self.warnings],
            "integrity": self.integrity.to_dict(tz),
        }
        if include_track and self.track is not None:
            out["track"] = {
                "time": iso_many(pd.DatetimeIndex(self.track["time"]), tz),
                "lat": self.track["lat"].round(7).tolist(),
                "lon": self.track["lon"].round(7).tolist(),
            }
        return out
