"""Request and response bodies of the service's core routes: fixes, stores, task lists,
results, teams and keys, and the error body."""

from __future__ import annotations

__all__ = [
    "ErrorBody",
    "IngestReport",
    "KeyCreated",
    "KeyIn",
    "KeyOut",
    "ManagerIn",
    "PointsIn",
    "Problem",
    "ResultRow",
    "ResultsPage",
    "StoreIn",
    "StoresIn",
    "TasksIn",
    "TasksOut",
    "TeamIn",
]

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.params import Crs


class Problem(BaseModel):
    source: str = Field(description="where: body, query, path, points, tasks, stores, ...")
    row: int | None = Field(description="row of a list, counted from 1 (None: not a row)")
    field: str | None = Field(description="field at fault (None: the whole row or body)")
    reason: str
    message: str = Field(description="source, row, field and reason in one sentence")


class ErrorBody(BaseModel):
    """The body of every 4xx answer."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "detail": "points, row 3, field lat: out of range [-90, 90] (got 999) "
                    "(1 bad rows; no good rows)",
                    "errors": [
                        {
                            "source": "points",
                            "row": 3,
                            "field": "lat",
                            "reason": "out of range [-90, 90] (got 999)",
                            "message": "points, row 3, field lat: out of range [-90, 90] (got 999)",
                        }
                    ],
                }
            ]
        }
    )
    detail: str = Field(description="one sentence naming source, row and field")
    errors: list[Problem] = Field(description="every problem found (may be empty)")


class PointsIn(BaseModel):
    model_config = ConfigDict(
        strict=True,
        json_schema_extra={
            "examples": [
                {
                    "crs": "wgs84",
                    "points": [
                        {
                            "manager_id": "m001",
                            "timestamp": "2026-11-20T07:12:03+08:00",
                            "lat": 31.2304,
                            "lon": 121.4737,
                            "accuracy_m": 8,
                        }
                    ],
                }
            ]
        },
    )
    points: list[Any] = Field(
        description="GPS fixes: objects with manager_id, timestamp (ISO 8601 with a UTC "
        "offset, or epoch seconds/milliseconds), lat, lon and optionally accuracy_m, speed_mps"
    )
    crs: Crs = Field("wgs84", description="coordinate system of lat/lon")
    atomic: bool = Field(
        False,
        description="reject the whole batch when any row is bad (default: keep the good rows)",
    )


class IngestReport(BaseModel):
    received: int = Field(description="rows in the request")
    stored: int = Field(description="fixes newly stored")
    duplicates: int = Field(description="good fixes already stored (same manager and instant)")
    rejected: list[Problem] = Field(description="bad rows, not stored")


class StoreIn(BaseModel):
    model_config = ConfigDict(strict=True)  # a JSON false is not 0, nor 0 false
    store_id: str = Field(min_length=1, max_length=64, pattern=r"^[^\x00]+$")
    name: str = Field("", max_length=200, pattern=r"^[^\x00]*$")
    lat: float = Field(ge=-90, le=90, allow_inf_nan=False)
    lon: float = Field(ge=-180, le=180, allow_inf_nan=False)
    market_id: str | None = Field(None, max_length=64, pattern=r"^[^\x00]+$")


class StoresIn(BaseModel):
    model_config = ConfigDict(
        strict=True,
        json_schema_extra={
            "examples": [
                {
                    "crs": "gcj02",
                    "stores": [
                        {"store_id": "s1", "name": "鲜果坊", "lat": 31.2281, "lon": 121.4801}
                    ],
                }
            ]
        },
    )
    stores: list[StoreIn]
    crs: Crs = "wgs84"


class TasksIn(BaseModel):
    model_config = ConfigDict(
        strict=True,
        json_schema_extra={
            "examples": [
                {
                    "crs": "wgs84",
                    "tasks": [
                        {"seq": 1, "store_id": "s1", "method": "onsite"},
                        {
                            "seq": 2,
                            "store_id": "s9",
                            "store_name": "Lucky Fruit",
                            "lat": 31.24,
                            "lon": 121.49,
                            "method": "phone",
                            "reported_visited": True,
                        },
                    ],
                }
            ]
        },
    )
    tasks: list[Any] = Field(
        description="task-list stores: seq, store_id, method (onsite/phone/chat) and optionally "
        "store_name, lat, lon (else taken from the store master data), reported_visited, market_id"
    )
    crs: Crs = Field("wgs84", description="coordinate system of the lat/lon sent with tasks")


class TasksOut(BaseModel):
    manager_id: str
    date: dt.date
    tasks: list[dict[str, Any]]


class ResultRow(BaseModel):
    manager_id: str
    team_id: str | None
    date: str
    status: str
    on_time_arrival: str
    trajectory_clear: str
    visit_count_match: str
    computed_at: str


class ResultsPage(BaseModel):
    total: int
    items: list[ResultRow]


class TeamIn(BaseModel):
    model_config = ConfigDict(strict=True)  # a JSON false is not 0, nor 0 false
    name: str = Field("", max_length=200, pattern=r"^[^\x00]*$")


class ManagerIn(BaseModel):
    model_config = ConfigDict(strict=True)  # a JSON false is not 0, nor 0 false
    team_id: str | None = Field(None, min_length=1, max_length=64, pattern=r"^[^\x00]+$")


class KeyIn(BaseModel):
    model_config = ConfigDict(strict=True)  # a JSON false is not 0, nor 0 false
    name: str = Field("", max_length=200, pattern=r"^[^\x00]*$")
    role: Literal["platform", "supervisor", "admin"]
    team_ids: list[Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[^\x00]+$")]] = []


class KeyOut(BaseModel):
    key_id: int
    name: str
    role: str
    prefix: str
    team_ids: list[str]
    created_at: str
    revoked_at: str | None


class KeyCreated(KeyOut):
    key: str = Field(description="the secret; shown only now, store it safely")
