"""The plumbing of the assessment's row imports (JSON per kind, one CSV endpoint), shared
by :mod:`api.routes.assess` and :mod:`api.routes.scorecards`."""

from __future__ import annotations

__all__ = ["RawRows", "csv_body_doc", "import_route", "read_csv_rows", "run_import"]

from collections.abc import Callable
from typing import Any

import pandas as pd
from fastapi import Request
from fastapi.routing import APIRouter
from sqlalchemy.engine import Engine

from api.db.assess import BatchRejectedError, ImportReport
from api.errors import ApiError
from api.limits import cap, read_csv_body
from api.schemas.assess import ImportOut
from trajectory.errors import InputError, RowProblem

#: Rows as read, before validation, and the problems of the rows that could not be read.
RawRows = tuple[pd.DataFrame, list[RowProblem]]

#: Turns the bytes of a CSV into :data:`RawRows`: ``parse(data, kind, source)``.
CsvParser = Callable[[bytes, str, str], RawRows]


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
            "content": {
                "text/csv": {
                    "schema": {
                        "type": "string",
                        "minLength": 1,
                        "description": "a header row naming the kind's columns, then its rows",
                    },
                    "example": example,
                }
            },
        }
    }


async def read_csv_rows(request: Request, kind: str, parse: CsvParser) -> tuple[RawRows, str]:
    """The request's CSV body read as rows of ``kind``, and the source name (``kind.csv``)."""
    settings = request.app.state.trajcheck.settings
    data = await read_csv_body(request, settings.max_import_rows, "rows")
    source = f"{kind}.csv"
    try:
        parsed = parse(data, kind, source)
    except InputError as exc:
        raise ApiError(422, str(exc), [exc.problem]) from exc
    return parsed, source


def run_import(
    importer: Callable[..., ImportReport],
    engine: Engine,
    kind: str,
    parsed: RawRows,
    **options: Any,
) -> ImportOut:
    """``importer(engine, kind, raw, problems, **options)``; a refused batch is a 422."""
    raw, problems = parsed
    most = options.pop("max_problems", 1000)
    try:
        report = importer(engine, kind, raw, problems, **options)
    except BatchRejectedError as exc:
        raise ApiError(422, str(exc), list(exc.problems)) from exc
    out = ImportOut(**report.to_dict())
    out.rejected, out.rejected_total = cap(out.rejected, most)
    return out
