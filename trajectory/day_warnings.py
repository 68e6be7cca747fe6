"""Warnings about a manager-day's inputs: traps that change the verdict without an error.

A warning does not change a verdict; it tells the supervisor that the inputs look
wrong in a way the verdicts cannot show: a track whose longitude does not fit the
configured time zone, most fixes outside the day (or the working hours), a task
store inside an exempt place (it is treated as a store first), every stay far from
every task store (the usual sign of a wrong ``store_crs``).  Each warning has a
``code`` (one of :data:`WARNING_CODES`), an English ``message`` and the ``values``
the message is written from (the map reports translate by code from the values).
"""

from __future__ import annotations

__all__ = ["WARNING_CODES", "DayWarning", "WarningCode", "detect_warnings", "warning_message"]

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from trajectory.config import ExemptPlace, VerifyConfig
from trajectory.geodesy import haversine_m
from trajectory.result_parts import StayPoint

WarningCode = Literal[
    "zone_mismatch", "outside_day", "store_in_exempt_place", "stays_far_from_stores"
]
#: Every warning code, in the order warnings are listed.
WARNING_CODES: tuple[WarningCode, ...] = (
    "zone_mismatch",
    "outside_day",
    "store_in_exempt_place",
    "stays_far_from_stores",
)
#: Hours between the zone's UTC offset and the longitude's (lon / 15 deg) that are
#: still plausible: China's single zone spans 73-135 deg E (UTC+4.9 to +9.0 by sun).
ZONE_TOLERANCE_H = 3.5
#: No stay within the match radius of a store, the median stay this many match radii
#: from its nearest store: the usual sign of a wrong ``store_crs``.
FAR_MATCH_RADII = 2.0

_MESSAGES: dict[str, str] = {
    "zone_mismatch": (
        "The track's longitude ({lon} deg) fits about UTC{expected_offset_h:+d}, not the "
        "configured time zone {timezone} (UTC{utc_offset_h:+g}): the day window and every "
        "time may be shifted; check the time zone."
    ),
    "outside_day": (
        "{outside} of {total} fixes fall outside the {window} in {timezone} and were left "
        "out: check the time zone and the date."
    ),
    "store_in_exempt_place": (
        "Task store {store_id} lies {distance_m} m inside the exempt place {place} (radius "
        "{radius_m} m): stays at the store count as visits of it, not as exempt."
    ),
    "stays_far_from_stores": (
        "None of {stays} stay(s) is within {radius_m} m of a task store (the median stay is "
        "{median_m} m from its nearest store): check the stores' coordinate system "
        "(store_crs is {store_crs})."
    ),
}


@dataclass(frozen=True)
class DayWarning:
    """One warning: its code, English message and the values the message states."""

    code: WarningCode
    message: str
    values: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "values": dict(self.values)}


def warning_message(code: str, values: Mapping[str, Any]) -> str:
    """The English message of a warning from its values."""
    return _MESSAGES[code].format(**values)


def _warning(code: WarningCode, **values: Any) -> DayWarning:
    return DayWarning(code, warning_message(code, values), values)


def detect_warnings(
    *,
    day: dt.date,
    cfg: VerifyConfig,
    lon: np.ndarray,
    outside: int,
    onsite: pd.DataFrame,
    stays: Sequence[StayPoint],
    exempt_places: Sequence[ExemptPlace],
    store_crs: str,
) -> tuple[DayWarning, ...]:
    """The day's warnings, in :data:`WARNING_CODES` order.

    Parameters
    ----------
    day, cfg
        The local day and the configuration it was verified with (zone, hours, radii).
    lon
        Longitudes (deg, WGS-84) of the manager's fixes, on the day or not.
    outside
        How many of them fell outside the day (or the working hours).
    onsite
        The on-site task stores (``store_id``, ``lat``, ``lon``; WGS-84).
    stays
        The day's stays (exempt ones are not compared with the stores).
    exempt_places
        The exempt places in WGS-84.
    store_crs
        The stores' coordinate system as given (named in the message).
    """
    found = [
        *_zone_warning(day, cfg.timezone, lon),
        *_outside_warning(outside, len(lon), cfg),
        *_exempt_store_warnings(onsite, exempt_places),
        *_far_warning(onsite, stays, cfg.match_radius_m, store_crs),
    ]
    return tuple(found)


def _zone_warning(day: dt.date, timezone: str, lon: np.ndarray) -> list[DayWarning]:
    """The longitudes' median against the zone's UTC offset at local noon."""
    lon = lon[np.isfinite(lon)]
    if lon.size == 0:
        return []
    median = float(np.median(lon))
    noon = dt.datetime.combine(day, dt.time(12), tzinfo=ZoneInfo(timezone))
    offset_h = (noon.utcoffset() or dt.timedelta()).total_seconds() / 3600
    diff = (median / 15 - offset_h + 12) % 24 - 12
    if abs(diff) <= ZONE_TOLERANCE_H:
        return []
    return [
        _warning(
            "zone_mismatch",
            lon=round(median, 2),
            expected_offset_h=round(median / 15),
            timezone=timezone,
            utc_offset_h=offset_h,
        )
    ]


def _outside_warning(outside: int, total: int, cfg: VerifyConfig) -> list[DayWarning]:
    """Most fixes (more than half) outside the day or the working hours."""
    if outside == 0 or 2 * outside <= total:
        return []
    window = "day" if cfg.working_hours is None else "working hours"
    return [
        _warning("outside_day", outside=outside, total=total, window=window, timezone=cfg.timezone)
    ]


def _exempt_store_warnings(onsite: pd.DataFrame, places: Sequence[ExemptPlace]) -> list[DayWarning]:
    """One warning per on-site task store inside an exempt place (the first that holds it)."""
    if onsite.empty or not places:
        return []
    lat = onsite["lat"].to_numpy(dtype=np.float64)
    lon = onsite["lon"].to_numpy(dtype=np.float64)
    ids = onsite["store_id"].astype(str).to_numpy()
    out: list[DayWarning] = []
    warned: set[str] = set()
    for place in places:
        d = np.atleast_1d(haversine_m(lat, lon, place.lat, place.lon))
        for k in np.flatnonzero(d <= place.radius_m):
            if ids[k] in warned:
                continue
            warned.add(str(ids[k]))
            out.append(
                _warning(
                    "store_in_exempt_place",
                    store_id=str(ids[k]),
                    place=place.name,
                    distance_m=round(float(d[k])),
                    radius_m=round(place.radius_m),
                )
            )
    return out


def _far_warning(
    onsite: pd.DataFrame, stays: Sequence[StayPoint], match_radius_m: float, store_crs: str
) -> list[DayWarning]:
    """No non-exempt stay near a store, the median one ``FAR_MATCH_RADII`` radii away."""
    counted = [s for s in stays if s.exempt is None]
    if onsite.empty or not counted:
        return []
    d = haversine_m(
        np.array([s.lat for s in counted])[:, None],
        np.array([s.lon for s in counted])[:, None],
        onsite["lat"].to_numpy(dtype=np.float64)[None, :],
        onsite["lon"].to_numpy(dtype=np.float64)[None, :],
    )
    nearest = np.min(d, axis=1)
    median = float(np.median(nearest))
    if nearest.min() <= match_radius_m or median <= FAR_MATCH_RADII * match_radius_m:
        return []
    return [
        _warning(
            "stays_far_from_stores",
            stays=len(counted),
            radius_m=round(match_radius_m),
            median_m=round(median),
            store_crs=store_crs,
        )
    ]
