"""The day result as the API answers it: the contract JSON of
:meth:`trajectory.result.DayResult.to_dict`, documented field by field.

Times are ISO 8601 in the result's zone with its offset; coordinates WGS-84.  A
check carries fields of its own besides ``passed``/``status``/``reason`` (kept as
they are), and so may the result as the contract grows; nothing is dropped.
"""

from __future__ import annotations

__all__ = [
    "CheckOut",
    "CleaningOut",
    "DayResultOut",
    "NearestKnownOut",
    "StayOut",
    "StoreOut",
    "TrackOut",
]

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from trajectory.result import DayStatus

Verdict = Literal["pass", "fail", "inconclusive"]


class NearestKnownOut(BaseModel):
    """The known store or buyer nearest a stay at no task store (issue 17)."""

    id: str
    name: str
    kind: str = Field(description="store (store master) or buyer (assessment data)")
    distance_m: float | None = Field(description="great-circle distance from the stay (m)")


class StayOut(BaseModel):
    """One stay: where and when the manager stopped, and the store it matched."""

    model_config = ConfigDict(extra="allow")
    id: int
    lat: float
    lon: float
    arrival: str | None
    departure: str | None
    duration_s: float
    n_points: int
    store_id: str | None = Field(description="the task store it matched (None: none)")
    distance_m: float | None
    revisit: bool
    exempt: str | None = Field(description="the exempt place it lies in (not counted)")
    ambiguous_store_ids: list[str]
    confidence: float | None
    spread_m: float | None
    max_gap_s: float | None
    arrival_earliest: str | None = Field(description="earliest arrival a GPS gap allows")
    split_from: int | None
    market_period: int | None
    confirmed: bool
    nearest_known: NearestKnownOut | None = Field(
        None, description="nearest known store or buyer within known_radius_m (not on the list)"
    )


class StoreOut(BaseModel):
    """One task-list store and whether the track shows it visited."""

    model_config = ConfigDict(extra="allow")
    store_id: str
    store_name: str
    seq: int
    method: str
    lat: float
    lon: float
    reported_visited: bool
    visited: bool
    status: Literal["visited", "not_visited", "ambiguous", "unseen", "not_expected", "no_gps"]
    stay_id: int | None
    arrival: str | None
    departure: str | None
    visits: int


class CheckOut(BaseModel):
    """One check's verdict, its one-sentence reason, and the check's own fields."""

    model_config = ConfigDict(extra="allow")
    passed: bool
    status: Verdict
    reason: str


class CleaningOut(BaseModel):
    """What cleaning kept and dropped (``dropped``: rule -> count)."""

    model_config = ConfigDict(extra="allow")
    input_points: int
    kept_points: int
    dropped: dict[str, int]
    reordered: bool
    outside_day: int
    rejected_rows: int


class RejectedRowOut(BaseModel):
    source: str
    row: int | None
    field: str | None
    reason: str


class TrackOut(BaseModel):
    """The cleaned fixes (only when asked for)."""

    time: list[str]
    lat: list[float]
    lon: list[float]


class DayResultOut(BaseModel):
    """Everything trajcheck concluded about one manager's day."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={"examples": [{"manager_id": "m001", "date": "2026-11-20"}]},
    )
    manager_id: str
    date: str = Field(description="the local calendar day, YYYY-MM-DD")
    timezone: str = Field(description="IANA zone of every time in the result")
    stay_points: list[StayOut]
    stores: list[StoreOut]
    checks: dict[str, CheckOut] = Field(
        description="on_time_arrival, trajectory_clear, visit_count_match"
    )
    passed: bool
    status: DayStatus = Field(
        description="no_tasks/no_gps when a side is missing, else fail beats inconclusive "
        "beats pass (trajectory.result.day_status)"
    )
    cleaning: CleaningOut
    rejected_rows: list[RejectedRowOut]
    config: dict[str, object] = Field(description="the verification configuration used")
    track: TrackOut | None = None
