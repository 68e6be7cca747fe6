"""A manager-day's task list: ``PUT`` replaces it whole (every row good, or nothing
stored; coordinates from the store master data when a row has none), ``GET`` reads it."""

from __future__ import annotations

__all__ = ["router"]

import datetime as dt
from typing import Any

import pandas as pd
from fastapi import APIRouter

from api.db import days
from api.db.session import writing
from api.deps import Conn, State, Who, Writer, check_day, readable_manager
from api.errors import ApiError
from api.http import StrictJSONRoute
from api.ingest import parse_tasks
from api.params import IsoDate, ManagerId
from api.routes.points import too_many
from api.schemas.service import TaskOut, TasksIn, TasksOut

router = APIRouter(route_class=StrictJSONRoute)
PATH = "/v1/managers/{manager_id}/days/{date}/tasks"


@router.put(
    PATH,
    tags=["ingest"],
    response_model=TasksOut,
    summary="Replace the task list of one manager-day (all rows good, or nothing stored)",
)
def put_tasks(
    manager_id: ManagerId, date: IsoDate, body: TasksIn, _who: Writer, state: State
) -> TasksOut:
    day = check_day(date)
    too_many(len(body.tasks), state.settings.max_tasks_per_request, "tasks")
    with state.engine.connect() as conn:
        known = days.store_lookup(conn, _store_ids(body.tasks))
    parsed = parse_tasks(
        body.tasks, manager_id=manager_id, day=day, crs=body.crs, known_stores=known
    )
    if parsed.rejected:
        raise ApiError(
            422,
            f"{parsed.rejected[0]} ({len(parsed.rejected)} bad rows; nothing stored)",
            list(parsed.rejected),
        )
    with writing(state.engine) as conn:
        days.replace_tasks(conn, manager_id, day, parsed.frame)
    return _tasks_out(manager_id, day, parsed.frame)


@router.get(PATH, tags=["read"], response_model=TasksOut)
def get_tasks(manager_id: ManagerId, date: IsoDate, who: Who, conn: Conn) -> TasksOut:
    day = check_day(date)
    readable_manager(conn, who, manager_id)
    frame = days.load_tasks(conn, manager_id, day).frame
    return _tasks_out(manager_id, day, frame)


def _tasks_out(manager_id: str, day: dt.date, frame: pd.DataFrame) -> TasksOut:
    tasks = [TaskOut.model_validate(t) for t in days.tasks_as_dicts(frame)]
    return TasksOut(manager_id=manager_id, date=day, tasks=tasks)


def _store_ids(tasks: list[Any]) -> list[str]:
    """The well-formed store ids of the rows (the rest are named by parse_tasks)."""
    return [
        t["store_id"]
        for t in tasks
        if isinstance(t, dict)
        and isinstance(t.get("store_id"), str)
        and 0 < len(t["store_id"]) <= 64
        and "\x00" not in t["store_id"]
    ]
