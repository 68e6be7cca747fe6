"""Request and response bodies of the service's core routes: fixes, stores, task lists,
results, teams and keys, and the error body."""

from __future__ import annotations

__all__ = [
    "ErrorBody",
    "Health",
    "IngestReport",
    "KeyCreated",
    "KeyIn",
    "KeyOut",
    "ManagerIn",
    "ManagerTeam",
    "PointsIn",
    "Problem",
    "ResultRow",
    "ResultsPage",
    "StoreIn",
    "StoresIn",
    "StoresStored",
    "TaskOut",
    "TasksIn",
    "TasksOut",
    "TeamIn",
    "TeamOut",
    "Version",
]

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from api.params import Crs
from api.schemas.rows import points_schema, tasks_schema


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
    errors: list[Problem] = Field(
        description="the problems found, the first 1000 at most (may be empty)"
    )
    errors_total: int | None = Field(
        None, description="how many problems there were in all, when more than 1000"
    )


class PointsIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
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
    points: Annotated[
        list[Any],
        WithJsonSchema(
            points_schema(
                "GPS fixes: objects with manager_id, timestamp (ISO 8601 with a UTC offset, or "
                "epoch seconds/milliseconds), lat, lon and optionally accuracy_m, speed_mps; "
                "a bad row is rejected alone (or the batch, atomic) and named in the answer"
            )
        ),
    ]
    crs: Crs = Field("wgs84", description="coordinate system of lat/lon")
    atomic: bool = Field(
        False,
        description="reject the whole batch when any row is bad (default: keep the good rows)",
    )


class IngestReport(BaseModel):
    received: int = Field(description="rows in the request")
    stored: int = Field(description="fixes newly stored")
    duplicates: int = Field(description="good fixes already stored (same manager and instant)")
    rejected: list[Problem] = Field(
        description="bad rows, not stored: the first TRAJCHECK_MAX_PROBLEMS of them"
    )
    rejected_total: int = Field(0, description="how many rows were rejected in all")


class StoreIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")  # a JSON false is not 0, nor 0 false
    store_id: str = Field(min_length=1, max_length=64, pattern=r"^[^\x00]+$")
    name: str = Field("", max_length=200, pattern=r"^[^\x00]*$")
    lat: float = Field(ge=-90, le=90, allow_inf_nan=False)
    lon: float = Field(ge=-180, le=180, allow_inf_nan=False)
    market_id: str | None = Field(None, max_length=64, pattern=r"^[^\x00]+$")


class StoresIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
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
    stores: list[StoreIn] = Field(
        description="stores to insert or replace; every store_id at most once in a batch "
        "(a repeated one is a 422 naming both rows; x-unique-by)",
        json_schema_extra={"x-unique-by": "store_id"},
    )
    crs: Crs = "wgs84"


class TasksIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
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
    tasks: Annotated[
        list[Any],
        WithJsonSchema(
            tasks_schema(
                "task-list stores: seq, store_id, method (onsite/phone/chat) and optionally "
                "store_name, lat, lon (else taken from the store master data, where store_id "
                "must then be), reported_visited, market_id; every store_id at most once "
                "(x-unique-by)"
            )
        ),
    ]
    crs: Crs = Field("wgs84", description="coordinate system of the lat/lon sent with tasks")


class TaskOut(BaseModel):
    """One stored task-list store (coordinates WGS-84)."""

    date: str = Field(description="the local calendar day, YYYY-MM-DD")
    seq: int
    store_id: str
    store_name: str
    lat: float
    lon: float
    method: Literal["onsite", "phone", "chat"]
    reported_visited: bool | None = None
    market_id: str | None = None


class TasksOut(BaseModel):
    manager_id: str
    date: dt.date
    tasks: list[TaskOut]


class StoresStored(BaseModel):
    stored: int = Field(description="stores inserted or replaced")


class Health(BaseModel):
    status: Literal["ok", "error"]
    database: str = Field(description="the dialect (sqlite, postgresql), or 'unreachable'")


class Version(BaseModel):
    version: str = Field(description="the service's version")
    schema_: str = Field(alias="schema", description="the newest database migration")


class ResultRow(BaseModel):
    manager_id: str
    team_id: str | None
    date: str
    status: str
    on_time_arrival: str
    trajectory_clear: str
    visit_count_match: str
    computed_at: str
    integrity: str | None = None  # "clean" | "suspicious"; null: verified before issue 12


class ResultsPage(BaseModel):
    total: int
    items: list[ResultRow]


class TeamIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")  # a JSON false is not 0, nor 0 false
    name: str = Field("", max_length=200, pattern=r"^[^\x00]*$")


class TeamOut(BaseModel):
    team_id: str
    name: str


class ManagerTeam(BaseModel):
    manager_id: str
    team_id: str | None


class ManagerIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")  # a JSON false is not 0, nor 0 false
    team_id: str | None = Field(None, min_length=1, max_length=64, pattern=r"^[^\x00]+$")


class KeyIn(BaseModel):
    model_config = ConfigDict(
        strict=True,  # a JSON false is not 0, nor 0 false
        extra="forbid",
        json_schema_extra={  # as enforced by POST /v1/keys: a supervisor has teams
            "if": {"properties": {"role": {"const": "supervisor"}}, "required": ["role"]},
            "then": {"properties": {"team_ids": {"minItems": 1}}, "required": ["team_ids"]},
        },
    )
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
