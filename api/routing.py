"""Route plumbing the assessment and scorecard routers share.

:mod:`api.assess_routes` and :mod:`api.scorecard_routes` both add imports of rows
(JSON per kind, one CSV endpoint), check days against the service's range and
check that a key may read a team or a manager; the pieces live here once.
"""

__all__ = [
    "Id",
    "ImportOut",
    "Parsed",
    "ProblemOut",
    "check_day",
    "check_manager",
    "check_team",
    "csv_body_doc",
    "import_route",
    "read_csv_rows",
    "run_import",
]

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import HTTPException, Query, Request
from fastapi.routing import APIRouter
from pydantic import BaseModel, Field

from api.app import ApiError
from api.assess_repo import BatchRejectedError, ImportReport
from api.auth import Principal
from api.ingest import MAX_DAY, MIN_DAY
from trajectory.errors import InputError, RowProblem

#: An id in a query string: 1 to 64 characters, no NUL.
Id = Annotated[str, Query(min_length=1, max_length=64, pattern=r"^[^\x00]+$")]

#: Rows as read, before validation, and the problems of the rows that could not be read.
Parsed = tuple[pd.DataFrame, list[RowProblem]]

#: Turns the bytes of a CSV into :data:`Parsed`: ``parse(data, kind, source)``.
CsvParser = Callable[[bytes, str, str], Parsed]


class ProblemOut(BaseModel):
    source: str
    row: int | None
    field: str | None
    reason: str
    message: str


class ImportOut(BaseModel):
    kind: str
    received: int = Field(description="rows in the request")
    stored: int = Field(description="rows inserted or updated (idempotent on their keys)")
    rejected: list[ProblemOut] = Field(description="bad rows, not stored")


def import_route(
    router: APIRouter, path: str, summary: str, openapi_extra: dict[str, Any] | None = None
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The decorator of an import endpoint: ``POST``, tag ``ingest``, answers :class:`ImportOut`."""
    return router.post(
        path,
        tags=["ingest"],
        response_model=ImportOut,
        summary=summary,
        openapi_extra=openapi_extra,
    )


def csv_body_doc(example: str) -> dict[str, Any]:
    """The OpenAPI request body of a CSV import (text/csv, header row first)."""
    return {
        "requestBody": {
            "required": True,
            "content": {"text/csv": {"schema": {"type": "string"}, "example": example}},
        }
    }


async def read_csv_rows(request: Request, kind: str, parse: CsvParser) -> tuple[Parsed, str]:
    """The request's CSV body read as rows of ``kind``, and the source name (``kind.csv``)."""
    data = await request.body()
    source = f"{kind}.csv"
    try:
        parsed = parse(data, kind, source)
    except InputError as exc:
        raise ApiError(422, str(exc), [exc.problem]) from exc
    return parsed, source


def run_import(
    importer: Callable[..., ImportReport],
    request: Request,
    kind: str,
    parsed: Parsed,
    **options: Any,
) -> ImportOut:
    """``importer(engine, kind, raw, problems, **options)``; a refused batch is a 422."""
    raw, problems = parsed
    try:
        report = importer(request.app.state.engine, kind, raw, problems, **options)
    except BatchRejectedError as exc:
        raise ApiError(422, str(exc), list(exc.problems)) from exc
    return ImportOut(**report.to_dict())


def check_day(day: dt.date, field: str, where: Literal["query", "path"]) -> dt.date:
    """``day`` itself, or a 422 naming ``where`` and ``field`` when it is out of range."""
    if not MIN_DAY <= day <= MAX_DAY:
        raise ApiError(
            422,
            f"{where}, field {field}: {day} is outside {MIN_DAY} .. {MAX_DAY}",
            [RowProblem(where, None, field, f"outside {MIN_DAY} .. {MAX_DAY}")],
        )
    return day


def check_team(who: Principal, team_id: str) -> None:
    """403 unless the key may read ``team_id``."""
    if not who.may_read_team(team_id):
        raise HTTPException(403, f"team {team_id!r} is not one of this key's teams")


def check_manager(who: Principal, manager_id: str, *, known: bool, team: str | None) -> None:
    """403 unless the key may read the manager's ``team``; then 404 for an unknown one."""
    if not who.may_read_team(team):
        raise HTTPException(403, f"manager {manager_id!r} is not in this key's teams")
    if not known:
        raise HTTPException(404, f"no person {manager_id!r}")
