"""Stored verification results: one per manager-day, with the verdict columns for listing."""

from __future__ import annotations

__all__ = [
    "get_result",
    "list_results",
    "load_result",
    "other_fingerprints",
    "pack_track",
    "result_bodies",
    "save_result",
    "unpack_track",
]

import datetime as dt
import json
import zlib
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from api.db.session import as_utc, dialect_insert
from api.db.tables import managers, results
from trajectory.integrity import TrackFingerprint, day_fingerprint
from trajectory.result import CHECK_NAMES


def save_result(
    conn: Connection,
    manager_pk: int,
    day: dt.date,
    body: Mapping[str, Any],
    track: pd.DataFrame | None = None,
) -> None:
    """Store (or replace) the verdict of one manager-day, and the cleaned fixes it was
    computed from (``time``, ``lat``, ``lon``; see :func:`pack_track`)."""
    checks = body["checks"]
    values = {
        "manager_pk": manager_pk,
        "date": day,
        "status": str(body["status"]),
        "on_time_arrival": str(checks["on_time_arrival"]["status"]),
        "trajectory_clear": str(checks["trajectory_clear"]["status"]),
        "visit_count_match": str(checks["visit_count_match"]["status"]),
        "computed_at": dt.datetime.now(dt.UTC),
        "body": json.dumps(body, ensure_ascii=False, allow_nan=False),
        "track": pack_track(track),
        "integrity": str((body.get("integrity") or {}).get("status", "clean")),
        "fingerprint": None if track is None else day_fingerprint(track, day).to_bytes(),
    }
    stmt = dialect_insert(conn, results).values(**values)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=["manager_pk", "date"],
            set_={k: stmt.excluded[k] for k in values if k not in ("manager_pk", "date")},
        )
    )


def get_result(conn: Connection, manager_id: str, day: dt.date) -> dict[str, Any] | None:
    """The stored result dict of a manager-day (None: not verified)."""
    row = _stored(conn, manager_id, day, results.c.body)
    if row is None:
        return None
    body: dict[str, Any] = json.loads(row.body)
    return body


def load_result(
    conn: Connection, manager_id: str, day: dt.date
) -> tuple[dict[str, Any], pd.DataFrame | None] | None:
    """The stored result of a manager-day and the cleaned fixes it was computed from."""
    row = _stored(conn, manager_id, day, results.c.body, results.c.track)
    if row is None:
        return None
    body: dict[str, Any] = json.loads(row.body)
    return body, unpack_track(row.track)


def _stored(conn: Connection, manager_id: str, day: dt.date, *columns: Any) -> Any:
    """The ``columns`` of a manager-day's stored result row (None: no row)."""
    return conn.execute(
        sa.select(*columns)
        .join(managers, managers.c.pk == results.c.manager_pk)
        .where(managers.c.manager_id == manager_id, results.c.date == day)
    ).first()


#: bytes per fix in a packed track: t_ms int64, lat_e7 int32, lon_e7 int32
_FIX_BYTES = 16


def pack_track(track: pd.DataFrame | None) -> bytes | None:
    """The cleaned fixes as zlib-compressed little-endian columns: UTC milliseconds (int64),
    then latitude and longitude in 1e-7 degrees (int32, 1.1 cm), the stored points' units.

    None (nothing to draw) for no track or an empty one.
    """
    if track is None or track.empty:
        return None
    t_ms = pd.DatetimeIndex(track["time"]).as_unit("ms").asi8.astype("<i8")
    lat = np.rint(track["lat"].to_numpy(np.float64) * 1e7).astype("<i4")
    lon = np.rint(track["lon"].to_numpy(np.float64) * 1e7).astype("<i4")
    return zlib.compress(t_ms.tobytes() + lat.tobytes() + lon.tobytes(), 6)


def unpack_track(blob: bytes | None) -> pd.DataFrame | None:
    """:func:`pack_track`'s frame back: ``time`` (UTC, nanosecond unit), ``lat``, ``lon``."""
    if blob is None:
        return None
    raw = zlib.decompress(blob)
    n = len(raw) // _FIX_BYTES
    t_ms = np.frombuffer(raw, "<i8", n, 0)
    lat = np.frombuffer(raw, "<i4", n, 8 * n)
    lon = np.frombuffer(raw, "<i4", n, 12 * n)
    return pd.DataFrame(
        {
            "time": pd.to_datetime(t_ms, unit="ms", utc=True).as_unit("ns"),
            "lat": lat.astype(np.float64) / 1e7,
            "lon": lon.astype(np.float64) / 1e7,
        }
    )


def list_results(
    conn: Connection,
    *,
    day: dt.date | None = None,
    team_ids: Sequence[str] | None = None,
    status: str | None = None,
    check: str | None = None,
    verdict: str | None = None,
    integrity: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[int, list[dict[str, Any]]]:
    """``(total, page)`` of stored results, newest day first, failing first."""
    base = sa.select(
        managers.c.manager_id,
        managers.c.team_id,
        results.c.date,
        results.c.status,
        results.c.on_time_arrival,
        results.c.trajectory_clear,
        results.c.visit_count_match,
        results.c.computed_at,
        results.c.integrity,
    ).join(managers, managers.c.pk == results.c.manager_pk)
    if day is not None:
        base = base.where(results.c.date == day)
    if team_ids is not None:
        base = base.where(managers.c.team_id.in_(list(team_ids)))
    if status is not None:
        base = base.where(results.c.status == status)
    if integrity is not None:  # results stored before issue 12 (null) count as clean
        base = base.where(sa.func.coalesce(results.c.integrity, "clean") == integrity)
    if check is not None and verdict is not None:
        base = base.where(results.c[check] == verdict)
    elif verdict is not None:
        base = base.where(sa.or_(*(results.c[c] == verdict for c in CHECK_NAMES)))
    total = int(conn.execute(sa.select(sa.func.count()).select_from(base.subquery())).scalar_one())
    order = sa.case(
        (results.c.status == "fail", 0), (results.c.status == "inconclusive", 1), else_=2
    )
    rows = conn.execute(
        base.order_by(results.c.date.desc(), order, managers.c.manager_id)
        .limit(limit)
        .offset(offset)
    )
    page = []
    for r in rows:
        item = dict(r._mapping)
        item["date"] = item["date"].isoformat()
        item["computed_at"] = as_utc(item["computed_at"]).isoformat()
        page.append(item)
    return total, page


def result_bodies(
    conn: Connection, day: dt.date, team_ids: Sequence[str] | None
) -> list[dict[str, Any]]:
    stmt = (
        sa.select(results.c.body)
        .join(managers, managers.c.pk == results.c.manager_pk)
        .where(results.c.date == day)
        .order_by(managers.c.manager_id)
    )
    if team_ids is not None:
        stmt = stmt.where(managers.c.team_id.in_(list(team_ids)))
    return [json.loads(r.body) for r in conn.execute(stmt)]


def other_fingerprints(
    conn: Connection, manager_pk: int, day: dt.date, *, last: int = 60
) -> list[TrackFingerprint]:
    """The track fingerprints of the manager's ``last`` other stored days (replay detection)."""
    rows = conn.execute(
        sa.select(results.c.date, results.c.fingerprint)
        .where(results.c.manager_pk == manager_pk, results.c.date != day)
        .where(results.c.fingerprint.is_not(None))
        .order_by(results.c.date.desc())
        .limit(last)
    )
    return [TrackFingerprint.from_bytes(r.fingerprint, f"results {r.date}") for r in rows]
