"""The manager's week as the API answers it (``GET /v1/managers/{id}/weeks/{date}``): the
week document of :func:`trajectory.week.summarize_week`, documented field by field."""

from __future__ import annotations

__all__ = ["PlaceKnownOut", "PlaceOut", "PlaceStayOut", "WeekDayOut", "WeekOut"]

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from trajectory.result import DayStatus

Verdict = Literal["pass", "fail", "inconclusive"]


class WeekDayOut(BaseModel):
    """One date of the range: its stored result's verdicts (all null without one)."""

    date: dt.date
    weekday: int = Field(ge=0, le=6, description="0 = Monday ... 6 = Sunday")
    status: DayStatus | None = Field(description="the day status; null: no stored result")
    verdict: Verdict | None = Field(description="the checks' overall verdict")
    checks: dict[str, Verdict] = Field(description="check name -> verdict (empty: no result)")
    stay_points: int | None = Field(description="stays counted (exempt places excluded)")
    onsite_visits: int | None = Field(description="on-site visits reported")
    unexplained: int | None = Field(description="stays at no task store and no exempt place")
    integrity: Literal["clean", "suspicious"] | None = Field(
        description="track integrity; null: no result or one stored before issue 12"
    )
    integrity_flags: int | None = Field(description="number of integrity flags")
    places: list[int] = Field(description="ids of the recurring places visited that day")


class PlaceKnownOut(BaseModel):
    """The known store or buyer most of a place's stays were named after."""

    id: str
    name: str
    kind: str = Field(description="store or buyer")
    distance_m: float | None = Field(description="median distance of those stays (m)")


class PlaceStayOut(BaseModel):
    date: dt.date
    stay_id: int = Field(description="the stay's id in that day's result")


class PlaceOut(BaseModel):
    """A recurring unexplained place (DBSCAN cluster of unexplained stays)."""

    id: int = Field(description="1-based, most visits first")
    lat: float = Field(description="centre: mean of the stays' centres (WGS-84)")
    lon: float
    spread_m: float = Field(description="largest distance from the centre to a stay (m)")
    visits: int = Field(description="stays at the place")
    days: int = Field(description="dates with a stay at the place")
    total_s: float = Field(description="total observed dwell (s)")
    median_s: float = Field(description="typical (median) dwell of a stay (s)")
    dates: list[dt.date]
    weekdays: list[int] = Field(description="days of week with a stay (0 = Monday)")
    stays: list[PlaceStayOut]
    nearest_known: PlaceKnownOut | None


class WeekOut(BaseModel):
    """A manager's days from ``first`` to ``last`` and the recurring unexplained places."""

    manager_id: str
    first: dt.date
    last: dt.date = Field(description="the requested date: the range ends on it")
    radius_m: float = Field(description="place_radius_m of the configuration")
    min_visits: int = Field(description="place_min_visits of the configuration")
    days: list[WeekDayOut]
    places: list[PlaceOut]
