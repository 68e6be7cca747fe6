"""``/health`` and ``/version``: liveness, database reachability, service and schema version."""

from __future__ import annotations

__all__ = ["router"]

import logging

import sqlalchemy as sa
from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import State
from api.http import StrictJSONRoute
from api.params import VERSION

log = logging.getLogger("trajcheck.api")
router = APIRouter(tags=["meta"], route_class=StrictJSONRoute)


@router.get("/health", summary="Liveness and database reachability")
def health(state: State) -> JSONResponse:
    try:
        with state.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError as exc:
        log.warning("health: database unreachable: %s", exc)
        return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
    return JSONResponse({"status": "ok", "database": state.engine.dialect.name})


@router.get("/version", summary="Service and schema version (newest migration)")
def version(state: State) -> dict[str, str]:
    return {"version": VERSION, "schema": state.schema_head}
