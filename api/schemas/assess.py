"""Request and response bodies of the assessment routes: row imports, reassignments,
buyer and order reports, scorecards and the 5-day assessment."""

from __future__ import annotations

__all__ = [
    "BuyersPage",
    "FiveDayOut",
    "HistoryOut",
    "ImportOut",
    "MarketingRowsIn",
    "OrdersOut",
    "ReassignIn",
    "ReassignOut",
    "RowsIn",
    "ScorecardsOut",
]

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.params import Crs, Instant
from api.schemas.service import Problem


class ImportOut(BaseModel):
    kind: str
    received: int = Field(description="rows in the request")
    stored: int = Field(description="rows inserted or updated (idempotent on their keys)")
    rejected: list[Problem] = Field(
        description="bad rows, not stored: the first TRAJCHECK_MAX_PROBLEMS of them"
    )
    rejected_total: int = Field(0, description="how many rows were rejected in all")


class RowsIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "examples": [
                {
                    "crs": "gcj02",
                    "rows": [
                        {
                            "buyer_id": "B001",
                            "name": "江桥冻品批发1号",
                            "type": "distributor",
                            "area_id": "M01",
                            "lat": 31.2446,
                            "lon": 121.3397,
                            "registered_at": "2026-05-19 16:10",
                            "manager_id": "F11",
                            "assigned_at": "2026-08-16",
                        }
                    ],
                }
            ]
        },
    )
    rows: list[Any] = Field(description="the rows: objects with the kind's columns")
    crs: Crs = Field("wgs84", description="coordinate system of lat/lon (buyers, clusters)")
    atomic: bool = Field(False, description="store nothing when any row is bad")


class ReassignIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    buyer_id: str = Field(min_length=1, max_length=64, pattern=r"^[^\x00]+$")
    manager_id: str = Field(min_length=1, max_length=64, pattern=r"^[^\x00]+$")
    at: Instant | None = Field(
        None, strict=False, description="when (ISO 8601 with a UTC offset); default now"
    )
    reason: str = Field("", max_length=200, pattern=r"^[^\x00]*$")
    force: bool = Field(False, description="reassign even an activated buyer")


class ReassignOut(BaseModel):
    buyer_id: str
    from_manager_id: str | None
    manager_id: str
    assigned_at: str
    reason: str


class BuyersPage(BaseModel):
    as_of: str
    total: int
    items: list[dict[str, Any]] = Field(
        description="one object per buyer, columns of assessment.buyers.BUYER_REPORT_COLUMNS"
    )


class OrdersOut(BaseModel):
    as_of: str
    by_team: list[dict[str, Any]]
    by_manager: list[dict[str, Any]]
    declarations: list[dict[str, Any]]


class HistoryOut(BaseModel):
    buyer_id: str
    periods: list[dict[str, Any]]


class MarketingRowsIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    rows: list[Any] = Field(description="the rows: objects with the kind's columns")
    atomic: bool = Field(False, description="store nothing when any row is bad")


class ScorecardsOut(BaseModel):
    date: str
    total: int
    scorecards: list[dict[str, Any]] = Field(
        description="one object per field manager, columns of "
        "assessment.scorecard.SCORECARD_COLUMNS (failed_items and fix_tomorrow are lists)"
    )


class FiveDayOut(BaseModel):
    manager_id: str
    start: str
    days: list[str]
    closed_order: bool
    orders_closed: int
    new_orders: int
    best_class: str | None
    days_passed: int
    contradicted: int
    verdict: Literal["pass", "fail"]
    reasons: list[str]
    orders: list[dict[str, Any]]
    scorecards: list[dict[str, Any]]
