"""``POST /v1/points`` (JSON) and ``/v1/points.csv``: store GPS fixes, idempotent on
(manager_id, timestamp); good rows kept and bad rows named, or nothing with ``atomic``."""

from __future__ import annotations

__all__ = ["router", "too_many"]

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from api.db import days
from api.db.session import writing
from api.deps import State, Writer
from api.errors import ApiError
from api.http import StrictJSONRoute
from api.ingest import Parsed, parse_points_csv, parse_points_json
from api.limits import cap, read_csv_body
from api.params import Crs
from api.schemas.service import IngestReport, PointsIn, Problem
from trajectory.errors import InputError, RowProblem

router = APIRouter(tags=["ingest"], route_class=StrictJSONRoute)

_CSV_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {
                "schema": {
                    "type": "string",
                    "minLength": 1,
                    "description": "a header row (manager_id,timestamp,lat,lon and optionally "
                    "accuracy_m,speed_mps, any order), then one fix per row",
                },
                "example": (
                    "manager_id,timestamp,lat,lon\n"
                    "m001,2026-11-20T07:12:03+08:00,31.2304,121.4737\n"
                ),
            }
        },
    }
}


def too_many(n: int, limit: int, field: str) -> None:
    """413 when a request carries more than ``limit`` rows of ``field``."""
    if n > limit:
        raise ApiError(
            413,
            f"{field}: {n} rows in one request; the limit is {limit}",
            [RowProblem("body", None, field, f"more than {limit} rows")],
        )


@router.post(
    "/v1/points",
    response_model=IngestReport,
    summary="Store GPS fixes (JSON); idempotent on (manager_id, timestamp)",
    responses={
        413: {"description": "too many points or too large a body"},
        422: {"description": "every row bad, or a bad row in an atomic batch"},
    },
)
def post_points(body: PointsIn, _who: Writer, state: State) -> IngestReport:
    settings = state.settings
    too_many(len(body.points), settings.max_points_per_request, "points")
    parsed = parse_points_json(body.points, crs=body.crs, naive_timezone=settings.naive_timezone)
    return _store(state, parsed, body.atomic)


@router.post(
    "/v1/points.csv",
    response_model=IngestReport,
    summary="Store GPS fixes from a CSV body (text/csv: manager_id,timestamp,lat,lon,...)",
    openapi_extra=_CSV_BODY,
)
async def post_points_csv(
    request: Request, _who: Writer, state: State, crs: Crs = "wgs84", atomic: bool = False
) -> IngestReport:
    settings = state.settings
    raw = await read_csv_body(request, settings.max_points_per_request, "points")
    try:
        parsed = parse_points_csv(raw, crs=crs, naive_timezone=settings.naive_timezone)
    except InputError as exc:
        raise ApiError(422, str(exc), [exc.problem]) from exc
    too_many(parsed.received, settings.max_points_per_request, "points")
    return await run_in_threadpool(_store, state, parsed, atomic)


def _store(state: State, parsed: Parsed, atomic: bool) -> IngestReport:
    problems = [
        Problem(source=p.source, row=p.row, field=p.field, reason=p.reason, message=str(p))
        for p in parsed.rejected
    ]
    if parsed.rejected and (atomic or parsed.frame.empty):
        why = "atomic batch: nothing stored" if atomic else "no good rows"
        raise ApiError(
            422,
            f"{parsed.rejected[0]} ({len(parsed.rejected)} bad rows; {why})",
            list(parsed.rejected),
        )
    with writing(state.engine) as conn:
        stored = days.insert_points(conn, parsed.frame)
    shown, total = cap(problems, state.settings.max_problems)
    return IngestReport(
        received=parsed.received,
        stored=stored,
        duplicates=len(parsed.frame) - stored,
        rejected=shown,
        rejected_total=total,
    )
