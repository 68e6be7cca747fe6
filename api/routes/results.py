"""Stored results of many manager-days: the filtered list (failing first) and the team's
day index page, both read from the stored results only."""

from __future__ import annotations

__all__ = ["router"]

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api.db import results, teams
from api.deps import Conn, Who, check_day, visible_teams
from api.http import StrictJSONRoute
from api.params import IsoDate, Lang, QueryId, path_part
from api.schemas.service import ResultRow, ResultsPage
from maps.team import render_team_index
from trajectory.result import DayStatus

router = APIRouter(route_class=StrictJSONRoute)
Verdict = Literal["pass", "fail", "inconclusive"]


@router.get(
    "/v1/results",
    tags=["read"],
    response_model=ResultsPage,
    summary="Stored results, filtered by date, team and verdict; failing first",
)
def get_results(
    who: Who,
    conn: Conn,
    date: IsoDate | None = None,
    team_id: QueryId | None = None,
    status: DayStatus | None = None,
    check: Literal["on_time_arrival", "trajectory_clear", "visit_count_match"] | None = None,
    verdict: Verdict | None = None,
    integrity: Literal["clean", "suspicious"] | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> ResultsPage:
    total, page = results.list_results(
        conn,
        day=None if date is None else check_day(date, "date", "query"),
        team_ids=visible_teams(who, team_id),
        status=status,
        check=check,
        verdict=verdict,
        integrity=integrity,
        limit=limit,
        offset=offset,
    )
    return ResultsPage(total=total, items=[ResultRow(**r) for r in page])


@router.get(
    "/v1/days/{date}/index.html",
    tags=["reports"],
    response_class=HTMLResponse,
    summary="The team's day: every visible manager's stored verdicts, failing first",
)
def get_team_index(
    date: IsoDate,
    request: Request,
    who: Who,
    conn: Conn,
    team_id: QueryId | None = None,
    lang: Lang = "en",
) -> HTMLResponse:
    day = check_day(date)
    bodies = results.result_bodies(conn, day, visible_teams(who, team_id))
    names = teams.manager_names(conn, (str(b["manager_id"]) for b in bodies))
    bodies = [
        {**b, "manager_name": names[str(b["manager_id"])]} if str(b["manager_id"]) in names else b
        for b in bodies
    ]
    root = request.scope.get("root_path", "")
    links = {
        str(
            b["manager_id"]
        ): f"{root}/v1/managers/{path_part(str(b['manager_id']))}/days/{day}/report.html"
        f"?lang={lang}"
        for b in bodies
    }
    return HTMLResponse(render_team_index(bodies, date=day.isoformat(), links=links, lang=lang))
