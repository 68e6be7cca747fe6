"""``PUT /v1/stores``: insert or replace store master data (any coordinate system)."""

from __future__ import annotations

__all__ = ["router"]

from typing import Any

import numpy as np
from fastapi import APIRouter

from api.db import days
from api.db.session import writing
from api.deps import State, Writer
from api.errors import ApiError
from api.http import StrictJSONRoute
from api.routes.points import too_many
from api.schemas.service import StoresIn, StoresStored
from trajectory.crs import to_wgs84
from trajectory.errors import RowProblem

router = APIRouter(tags=["ingest"], route_class=StrictJSONRoute)


@router.put(
    "/v1/stores",
    summary="Insert or replace store master data",
    responses={422: {"description": "a bad store; nothing stored"}},
)
def put_stores(body: StoresIn, _who: Writer, state: State) -> StoresStored:
    too_many(len(body.stores), state.settings.max_stores_per_request, "stores")
    rows = [s.model_dump() for s in body.stores]
    if body.crs != "wgs84" and rows:
        _convert(rows, body.crs)
    _check_unique(rows)
    with writing(state.engine) as conn:
        n = days.upsert_stores(conn, rows)
    return StoresStored(stored=n)


def _convert(rows: list[dict[str, Any]], crs: str) -> None:
    lat, lon = to_wgs84(np.array([r["lat"] for r in rows]), np.array([r["lon"] for r in rows]), crs)
    for r, a, o in zip(rows, lat.tolist(), lon.tolist(), strict=True):
        r["lat"], r["lon"] = a, o


def _check_unique(rows: list[dict[str, Any]]) -> None:
    seen: dict[str, int] = {}
    for i, r in enumerate(rows, start=1):
        if r["store_id"] in seen:
            first = seen[r["store_id"]]
            raise ApiError(
                422,
                f"stores, row {i}, field store_id: {r['store_id']!r} repeats row {first}",
                [RowProblem("stores", i, "store_id", f"repeats row {first}")],
            )
        seen[r["store_id"]] = i
