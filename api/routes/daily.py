"""``GET /v1/daily/last``: the in-service daily run (``TRAJCHECK_DAILY_AT``), its schedule
and its last run."""

from __future__ import annotations

__all__ = ["router"]

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from api.deps import State, Writer
from api.http import StrictJSONRoute
from batch.schedule import LAST_RUN, DailyScheduler, read_record

router = APIRouter(tags=["daily"], route_class=StrictJSONRoute)


class DailyRunOut(BaseModel):
    """The in-service scheduler of the answering process and the newest scheduled run."""

    enabled: bool = Field(description="TRAJCHECK_DAILY_AT is set: this service runs daily")
    at: str | None = Field(description="HH:MM local time of the run")
    timezone: str | None = Field(description="IANA zone of 'at' and of 'yesterday'")
    next_run: str | None = Field(description="the next run (ISO 8601, local time)")
    out: str = Field(description="TRAJCHECK_DAILY_OUT: one folder per date")
    last: dict[str, Any] | None = Field(
        description="the newest run's record: date, status (running, ok, some_failed, "
        "error), started_at, finished_at, manager_days, counts by status, verified, "
        "skipped, errors, problems, seconds, message; null before the first run"
    )


@router.get(
    "/v1/daily/last",
    response_model=DailyRunOut,
    summary="The in-service daily run (TRAJCHECK_DAILY_AT): schedule and last run",
)
def daily_last(_who: Writer, state: State, request: Request) -> DailyRunOut:
    scheduler: DailyScheduler | None = request.app.state.daily_scheduler
    if scheduler is not None:
        return DailyRunOut(**scheduler.status())
    out = Path(state.settings.daily_out)
    return DailyRunOut(
        enabled=False,
        at=None,
        timezone=None,
        next_run=None,
        out=str(out.resolve()),
        last=read_record(out / LAST_RUN),
    )
