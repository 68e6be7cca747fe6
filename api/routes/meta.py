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
from api.schemas.service import Health, Version

log = logging.getLogger("trajcheck.api")
router = APIRouter(tags=["meta"], route_class=StrictJSONRoute)


@router.get(
    "/health",
    response_model=Health,
    summary="Liveness and database reachability",
    responses={503: {"model": Health, "description": "the database is unreachable"}},
)
def health(state: State) -> JSONResponse:
    try:
        with state.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError as exc:
        log.warning("health: database unreachable: %s", exc)
        return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
    return JSONResponse({"status": "ok", "database": state.engine.dialect.name})


@router.get(
    "/version", response_model=Version, summary="Service and schema version (newest migration)"
)
def version(state: State) -> Version:
    return Version(version=VERSION, schema=state.schema_head)
