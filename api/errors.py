"""Client errors and their one JSON shape: ``{"detail": ..., "errors": [...]}``.

Every client error is a 4xx whose ``detail`` is one sentence naming source, row and
field; the service never answers a client's input with a 500."""

from __future__ import annotations

__all__ = ["ApiError", "add_error_handlers", "error_body", "log", "problem_from_loc"]

import logging
from typing import Any

import sqlalchemy as sa
from fastapi import FastAPI, HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

from trajectory.errors import RowProblem, TrajcheckError

log = logging.getLogger("trajcheck.api")


class ApiError(HTTPException):
    """A client error: status, one-sentence detail and the row problems behind it.

    An ``HTTPException``, so that FastAPI passes it on when it is raised while
    the body is read (the body limit, strict JSON) instead of answering 400.
    """

    def __init__(self, status: int, detail: str, errors: list[RowProblem] | None = None) -> None:
        super().__init__(status, detail)
        self.status = status
        self.detail = detail
        self.errors = errors or []


#: Most problems an error answer lists (``errors_total`` says how many there were).
MAX_ERRORS = 1000


def error_body(detail: str, errors: list[RowProblem]) -> dict[str, Any]:
    shown = [{**p.to_dict(), "message": str(p)} for p in errors[:MAX_ERRORS]]
    body: dict[str, Any] = {"detail": detail, "errors": shown}
    if len(errors) > MAX_ERRORS:  # only when the list was cut
        body["errors_total"] = len(errors)
    return body


def problem_from_loc(loc: tuple[Any, ...], msg: str, kind: str = "") -> RowProblem:
    """``("body", "stores", 3, "lat")`` -> stores, row 4, field lat."""
    if kind == "json_invalid":
        where = f" at character {loc[1]}" if len(loc) > 1 else ""
        return RowProblem("body", None, None, f"not valid JSON{where} ({msg})")
    parts = [p for p in loc if p != "body"] or ["body"]
    source = str(parts[0]) if isinstance(parts[0], str) else "body"
    row = next((p + 1 for p in parts if isinstance(p, int)), None)
    names = [str(p) for p in parts[1:] if not isinstance(p, int)]
    field = ".".join(names) if names else (None if row is not None else source)
    if loc and loc[0] in ("query", "path", "header", "cookie"):
        source, field = str(loc[0]), ".".join(str(p) for p in loc[1:]) or None
        row = None
    return RowProblem(source, row, field, msg)


def add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code in (204, 304):
            return Response(status_code=exc.status_code, headers=exc.headers)
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            # Starlette lists the methods of the first route that matched the path only
            # (PUT for .../tasks, which GET serves too)
            path, root = request.scope.get("path", ""), request.scope.get("root_path", "")
            path = path[len(root) :] if root and path.startswith(root) else path
            allowed = {
                method
                for route in app.routes
                if isinstance(route, APIRoute) and route.path_regex.match(path)
                for method in route.methods or ()
            }
            headers["Allow"] = ", ".join(sorted(allowed))
        return JSONResponse(
            error_body(str(exc.detail), []), status_code=exc.status_code, headers=headers
        )

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(error_body(exc.detail, exc.errors), status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            problem_from_loc(
                tuple(e.get("loc", ())),
                str(
                    (e.get("ctx") or {}).get("error")
                    if e.get("type") == "json_invalid"
                    else e.get("msg", "")
                ),
                str(e.get("type", "")),
            )
            for e in exc.errors()
        ]
        detail = str(problems[0]) if problems else "invalid request"
        if len(problems) > 1:
            detail += f" (and {len(problems) - 1} more)"
        return JSONResponse(error_body(detail, problems), status_code=422)

    @app.exception_handler(TrajcheckError)
    async def _trajcheck(_request: Request, exc: TrajcheckError) -> JSONResponse:
        return JSONResponse(error_body(str(exc), []), status_code=422)

    @app.exception_handler(sa.exc.OperationalError)
    async def _database_error(_request: Request, exc: sa.exc.OperationalError) -> JSONResponse:
        # Unreachable, locked, disk full, deadlock: the write transaction was rolled back
        # whole, so the client may simply send the request again.
        log.error("database error, answered 503: %s", exc.orig)
        return JSONResponse(
            error_body("database unavailable: nothing was stored; retry the request", []),
            status_code=503,
            headers={"Retry-After": "1"},
        )
