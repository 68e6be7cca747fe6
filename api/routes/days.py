"""One manager-day: verify it (and store the result), read the stored result, and its
map report, which renders the stored result and never verifies afresh."""

from __future__ import annotations

__all__ = ["router"]

from typing import Any, Literal

from fastapi import APIRouter, HTTPException
from fastapi.responses import HTMLResponse

from api.db import days, results
from api.db.known import load_known_places
from api.db.session import writing
from api.deps import Conn, State, Who, check_day, readable_manager
from api.errors import ApiError
from api.http import StrictJSONRoute
from api.params import IsoDate, Lang, ManagerId
from api.schemas.result import DayResultOut
from maps.day import render_day
from trajectory.errors import InputError
from trajectory.pipeline import verify_day
from trajectory.result import DayResult

router = APIRouter(route_class=StrictJSONRoute)
PATH = "/v1/managers/{manager_id}/days/{date}"


@router.post(
    PATH + "/verify",
    tags=["verify"],
    response_model=DayResultOut,
    response_model_exclude_unset=True,
    summary="Verify a manager-day from the stored points and task list; store the result",
)
def post_verify(
    manager_id: ManagerId, date: IsoDate, who: Who, conn: Conn, state: State
) -> dict[str, Any]:
    day = check_day(date)
    pk = readable_manager(conn, who, manager_id)
    track = days.load_track(conn, manager_id, day, state.verify_config.timezone)
    tasks = days.load_tasks(conn, manager_id, day)
    others = results.other_fingerprints(conn, pk, day)  # replays of the manager's other days
    known = load_known_places(conn)  # stores and buyers: names the stays at no task store
    conn.close()
    try:
        result = verify_day(
            track,
            tasks,
            state.verify_config,
            manager_id=manager_id,
            date=day,
            other_days=others,
            known_places=known,
        )
    except InputError as exc:  # stored data that cannot be verified (e.g. bad task list)
        raise ApiError(422, str(exc)) from exc
    body = result.to_dict()
    with writing(state.engine) as wconn:
        results.save_result(wconn, pk, day, body, track=result.track)
    return body


@router.get(
    PATH + "/result",
    tags=["read"],
    response_model=DayResultOut,
    response_model_exclude_unset=True,
    summary="The stored result of a manager-day",
)
def get_result(manager_id: ManagerId, date: IsoDate, who: Who, conn: Conn) -> dict[str, Any]:
    day = check_day(date)
    readable_manager(conn, who, manager_id)
    body = results.get_result(conn, manager_id, day)
    if body is None:
        raise _no_result(manager_id, day)
    return body


@router.get(
    PATH + "/report.html",
    tags=["reports"],
    response_class=HTMLResponse,
    summary="The map report of a manager-day's stored result",
)
def get_report(
    manager_id: ManagerId,
    date: IsoDate,
    who: Who,
    conn: Conn,
    lang: Lang = "en",
    tiles: Literal["osm", "amap", "none"] | None = None,
    offline: bool = False,
) -> HTMLResponse:
    """The stored result (``POST .../verify`` or a daily run wrote it) drawn over the
    cleaned fixes it was computed from; a GET computes and changes nothing.

    ``offline=true`` inlines Leaflet and every asset (no CDN request) and, unless
    ``tiles`` is given, draws on a blank background; ``tiles`` defaults to osm."""
    day = check_day(date)
    readable_manager(conn, who, manager_id)
    stored = results.load_result(conn, manager_id, day)
    if stored is None:
        raise _no_result(manager_id, day)
    body, track = stored
    try:
        result = DayResult.from_dict(body, track=track)
    except InputError as exc:  # a stored body that is no longer a result
        raise ApiError(422, f"the stored result of {manager_id} on {day}: {exc}") from exc
    return HTMLResponse(render_day(result, lang=lang, tiles=tiles, offline=offline))


def _no_result(manager_id: str, day: object) -> HTTPException:
    return HTTPException(404, f"no result for {manager_id} on {day}; POST .../verify first")
