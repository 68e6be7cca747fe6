"""A manager's week: the stored results of the 7 days ending on a date (or up to 31 with
``days``), one row per day, and the recurring unexplained places; as JSON and as a page.

Scoped by team as every manager route: a supervisor reads only the managers of the
key's teams (403 otherwise; 404 for an unknown manager).  Nothing is verified afresh.
"""

from __future__ import annotations

__all__ = ["router"]

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse
from sqlalchemy.engine import Connection

from api.auth import Principal
from api.db.weeks import manager_bodies
from api.deps import AppState, Conn, State, Who, check_day, readable_manager
from api.http import StrictJSONRoute
from api.params import IsoDate, Lang, ManagerId
from api.schemas.week import WeekOut
from maps.week import day_report_href, render_week
from trajectory.dayrange import MIN_DAY
from trajectory.week import WEEK_DAYS, summarize_week, week_window

router = APIRouter(route_class=StrictJSONRoute)
PATH = "/v1/managers/{manager_id}/weeks/{date}"
#: ``days``: how many days end on the date (a week by default, up to a month).
Days = Annotated[
    int, Query(ge=1, le=31, description="days ending on the date (default 7: the week)")
]


# the page first: "/weeks/{date}" would otherwise match "2026-11-22.html" as the date
@router.get(
    PATH + ".html",
    tags=["reports"],
    response_class=HTMLResponse,
    summary="The manager's week page: one row per day, the recurring places on one map",
)
def get_week_page(
    manager_id: ManagerId,
    date: IsoDate,
    who: Who,
    conn: Conn,
    state: State,
    days: Days = WEEK_DAYS,
    lang: Lang = "en",
    tiles: Literal["osm", "amap", "none"] | None = None,
    offline: bool = False,
) -> HTMLResponse:
    """The days ending on ``date`` (``date`` included); each day with a stored result
    links to its map report (``../../{manager_id}/days/{date}/report.html``)."""
    week = _week(manager_id, date, days, who, conn, state)
    query = "" if lang == "en" else f"?lang={lang}"
    links = {
        d["date"]: day_report_href("../../", manager_id, d["date"], query)
        for d in week["days"]
        if d["status"] is not None
    }
    return HTMLResponse(render_week(week, links=links, lang=lang, tiles=tiles, offline=offline))


@router.get(
    PATH,
    tags=["read"],
    response_model=WeekOut,
    summary="The manager's week: one row per day and the recurring unexplained places",
)
def get_week(
    manager_id: ManagerId, date: IsoDate, who: Who, conn: Conn, state: State, days: Days = WEEK_DAYS
) -> dict[str, Any]:
    """The ``days`` days ending on ``date`` (``date`` included; default 7): per day the
    stored verdicts, stays vs on-site visits, unexplained stays and integrity (null
    without a stored result), and the unexplained stays clustered into recurring places
    (``place_radius_m``, ``place_min_visits`` of the service's configuration)."""
    return _week(manager_id, date, days, who, conn, state)


def _week(
    manager_id: str, date: dt.date, days: int, who: Principal, conn: Connection, state: AppState
) -> dict[str, Any]:
    """The week document, after the day range and the key's teams are checked."""
    first, last = week_window(check_day(date), days)
    first = max(first, MIN_DAY)  # a range ending early in 2000 starts on the service's first day
    pk = readable_manager(conn, who, manager_id)
    bodies = manager_bodies(conn, pk, first, last)
    config = state.verify_config
    return summarize_week(
        bodies,
        manager_id=manager_id,
        first=first,
        last=last,
        radius_m=config.place_radius_m,
        min_visits=config.place_min_visits,
    )
