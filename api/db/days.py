"""A manager-day's stored GPS fixes and task list, and the store master data.

Points are inserted with ``ON CONFLICT DO NOTHING`` on their ``(manager, instant)``
key, so a retried or concurrent upload of the same fixes stores each once and drops none."""

from __future__ import annotations

__all__ = [
    "count_points",
    "day_bounds_ms",
    "insert_points",
    "load_tasks",
    "load_track",
    "manager_days_on",
    "replace_tasks",
    "store_lookup",
    "tasks_as_dicts",
    "upsert_stores",
]

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from api.db.session import dialect_insert
from api.db.tables import managers, points, stores, tasks
from api.db.teams import ensure_managers
from trajectory.schema import TASK_FRAME_COLUMNS, ValidatedTasks, ValidatedTrack
from trajectory.timestamps import local_day_bounds

#: Rows per executemany on SQLite (a batch is written in chunks of this many rows).
_SQLITE_CHUNK = 5000
#: Plain DB-API executemany of tuples: no per-row parameter dictionaries to compile.
_SQLITE_INSERT = (
    "INSERT INTO points (manager_pk, t_ms, lat_e7, lon_e7, acc_dm, speed_cms) "
    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"
)


def insert_points(conn: Connection, frame: pd.DataFrame) -> int:
    """Store validated WGS-84 fixes; return how many were new.

    ``frame`` has ``manager_id``, ``time`` (UTC), ``lat``, ``lon``,
    ``accuracy_m``, ``speed_mps``.  Instants are kept to the millisecond; a fix
    whose ``(manager, millisecond)`` is already stored is left as it was.
    """
    if frame.empty:
        return 0
    codes, ids = pd.factorize(frame["manager_id"])  # a pk per distinct id, not per fix
    pks = ensure_managers(conn, ids.tolist())
    cols: dict[str, np.ndarray[Any, np.dtype[np.int64]]] = {
        "manager_pk": np.array([pks[m] for m in ids], dtype=np.int64)[codes],
        "t_ms": np.asarray(pd.DatetimeIndex(frame["time"]).as_unit("ns").asi8 // 1_000_000),
        "lat_e7": np.rint(frame["lat"].to_numpy(float) * 1e7).astype(np.int64),
        "lon_e7": np.rint(frame["lon"].to_numpy(float) * 1e7).astype(np.int64),
    }
    # Key order: concurrent transactions then lock the keys they share in the same order,
    # so overlapping uploads wait for each other instead of deadlocking (PostgreSQL).
    order = np.lexsort((cols["t_ms"], cols["manager_pk"]))
    cols = {k: v[order] for k, v in cols.items()}
    missing: dict[str, np.ndarray[Any, np.dtype[np.bool_]]] = {}
    for name, field, scale in (("acc_dm", "accuracy_m", 10.0), ("speed_cms", "speed_mps", 100.0)):
        values = frame[field].to_numpy(float)[order]
        missing[name] = np.isnan(values)
        scaled = np.rint(np.minimum(np.where(missing[name], 0.0, values), 2e8 / scale) * scale)
        cols[name] = scaled.astype(np.int64)
    if conn.dialect.name == "postgresql":
        return _insert_postgresql(conn, cols, missing)
    return _insert_sqlite(conn, cols, missing)


def _insert_postgresql(
    conn: Connection,
    cols: Mapping[str, np.ndarray[Any, np.dtype[np.int64]]],
    missing: Mapping[str, np.ndarray[Any, np.dtype[np.bool_]]],
) -> int:
    """One ``INSERT ... SELECT unnest(...)``; each column goes as the text of an array
    literal (``{1,2,NULL}``), written here rather than element by element by the driver."""
    arrays = {}
    for name, values in cols.items():
        text = list(map(str, values.tolist()))  # Python's int to text: faster than NumPy's
        if name in missing:
            for i in np.flatnonzero(missing[name]).tolist():
                text[i] = "NULL"
        arrays[name] = "{" + ",".join(text) + "}"
    result = conn.execute(
        sa.text(
            "INSERT INTO points (manager_pk, t_ms, lat_e7, lon_e7, acc_dm, speed_cms) "
            "SELECT * FROM unnest(CAST(:manager_pk AS integer[]), CAST(:t_ms AS bigint[]), "
            "CAST(:lat_e7 AS integer[]), CAST(:lon_e7 AS integer[]), "
            "CAST(:acc_dm AS integer[]), CAST(:speed_cms AS integer[])) "
            "ON CONFLICT DO NOTHING"
        ),
        arrays,
    )
    return int(result.rowcount)


def _insert_sqlite(
    conn: Connection,
    cols: Mapping[str, np.ndarray[Any, np.dtype[np.int64]]],
    missing: Mapping[str, np.ndarray[Any, np.dtype[np.bool_]]],
) -> int:
    """Plain DB-API executemany of tuples, ``_SQLITE_CHUNK`` rows at a time."""
    lists: list[list[Any]] = []
    for name, values in cols.items():
        out = values.astype(object)  # Python ints, and None where missing
        if name in missing:
            out[missing[name]] = None
        lists.append(out.tolist())
    rows = list(zip(*lists, strict=True))
    inserted = 0
    for start in range(0, len(rows), _SQLITE_CHUNK):
        chunk = rows[start : start + _SQLITE_CHUNK]
        inserted += int(conn.exec_driver_sql(_SQLITE_INSERT, chunk).rowcount)
    return inserted


def day_bounds_ms(day: dt.date, timezone: str) -> tuple[int, int]:
    """``[lo, hi)`` in UTC milliseconds of the local calendar day (DST-safe; the one
    window of :func:`trajectory.timestamps.local_day_bounds`)."""
    lo, hi = local_day_bounds(day, timezone)
    return lo.as_unit("ns").value // 1_000_000, hi.as_unit("ns").value // 1_000_000


def load_track(conn: Connection, manager_id: str, day: dt.date, timezone: str) -> ValidatedTrack:
    """The stored fixes of one manager's local day as a :class:`ValidatedTrack`."""
    lo, hi = day_bounds_ms(day, timezone)
    missing = -(2**31)  # stands for NULL so every cell is an integer
    stmt = (
        sa.select(
            points.c.t_ms,
            points.c.lat_e7,
            points.c.lon_e7,
            sa.func.coalesce(points.c.acc_dm, missing),
            sa.func.coalesce(points.c.speed_cms, missing),
        )
        .join(managers, managers.c.pk == points.c.manager_pk)
        .where(managers.c.manager_id == manager_id, points.c.t_ms >= lo, points.c.t_ms < hi)
        .order_by(points.c.t_ms)
    )
    rows = conn.execute(stmt).all()
    # One C-level pass over the rows (np.array on Row objects is 10x slower).
    ints = np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int64, count=5 * len(rows))
    arr = ints.reshape(-1, 5).astype(float)
    arr[:, 3:][ints.reshape(-1, 5)[:, 3:] == missing] = np.nan
    n = len(arr)
    frame = pd.DataFrame(
        {
            "manager_id": pd.Series([manager_id] * n, dtype="str"),
            "time": pd.to_datetime(arr[:, 0].astype(np.int64), unit="ms", utc=True).as_unit("ns"),
            "lat": arr[:, 1] / 1e7,
            "lon": arr[:, 2] / 1e7,
            "accuracy_m": arr[:, 3] / 10.0,
            "speed_mps": arr[:, 4] / 100.0,
            "source_row": np.arange(1, n + 1, dtype=np.int64),
        }
    )
    return ValidatedTrack(frame=frame, rejected=(), source=f"points of {manager_id} on {day}")


def count_points(conn: Connection, manager_id: str, day: dt.date, timezone: str) -> int:
    lo, hi = day_bounds_ms(day, timezone)
    stmt = (
        sa.select(sa.func.count())
        .select_from(points.join(managers, managers.c.pk == points.c.manager_pk))
        .where(managers.c.manager_id == manager_id, points.c.t_ms >= lo, points.c.t_ms < hi)
    )
    return int(conn.execute(stmt).scalar_one())


def upsert_stores(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> int:
    """Insert or replace store master data (WGS-84); return the row count."""
    if not rows:
        return 0
    stmt = dialect_insert(conn, stores)
    stmt = stmt.on_conflict_do_update(
        index_elements=["store_id"],
        set_={c: stmt.excluded[c] for c in ("name", "lat", "lon", "market_id")},
    )
    conn.execute(stmt, [dict(r) for r in rows])
    return len(rows)


def store_lookup(conn: Connection, store_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    ids = sorted(set(store_ids))
    if not ids:
        return {}
    rows = conn.execute(sa.select(stores).where(stores.c.store_id.in_(ids)))
    return {r.store_id: dict(r._mapping) for r in rows}


def replace_tasks(conn: Connection, manager_id: str, day: dt.date, frame: pd.DataFrame) -> int:
    """Replace the task list of one manager-day with ``frame`` (validated, WGS-84)."""
    pk = ensure_managers(conn, [manager_id])[manager_id]
    conn.execute(sa.delete(tasks).where(tasks.c.manager_pk == pk, tasks.c.date == day))
    if frame.empty:
        return 0
    market = frame["market_id"].astype(object)
    market = market.where(market.notna(), None)
    columns: dict[str, list[Any]] = {
        "store_id": frame["store_id"].astype(str).tolist(),
        "seq": frame["seq"].astype(np.int64).tolist(),
        "store_name": frame["store_name"].astype(str).tolist(),
        "lat": frame["lat"].astype(float).tolist(),
        "lon": frame["lon"].astype(float).tolist(),
        "method": frame["method"].astype(str).tolist(),
        "reported_visited": frame["reported_visited"].astype(bool).tolist(),
        "market_id": [None if m is None else str(m) for m in market.tolist()],
    }
    rows = [
        {"manager_pk": pk, "date": day, **dict(zip(columns, values, strict=True))}
        for values in zip(*columns.values(), strict=True)
    ]
    conn.execute(sa.insert(tasks), rows)
    return len(rows)


def load_tasks(conn: Connection, manager_id: str, day: dt.date) -> ValidatedTasks:
    """The stored task list of one manager-day (possibly empty)."""
    stmt = (
        sa.select(tasks)
        .join(managers, managers.c.pk == tasks.c.manager_pk)
        .where(managers.c.manager_id == manager_id, tasks.c.date == day)
        .order_by(tasks.c.seq, tasks.c.store_id)
    )
    rows = [dict(r._mapping) for r in conn.execute(stmt)]
    frame = pd.DataFrame(
        {
            "manager_id": pd.Series([manager_id] * len(rows), dtype="str"),
            "date": pd.Series([day] * len(rows), dtype=object),
            "seq": pd.Series([r["seq"] for r in rows], dtype=np.int64),
            "store_id": pd.Series([r["store_id"] for r in rows], dtype="str"),
            "store_name": pd.Series([r["store_name"] for r in rows], dtype="str"),
            "lat": pd.Series([r["lat"] for r in rows], dtype=float),
            "lon": pd.Series([r["lon"] for r in rows], dtype=float),
            "method": pd.Series([r["method"] for r in rows], dtype="str"),
            "reported_visited": pd.Series([r["reported_visited"] for r in rows], dtype=bool),
            "market_id": pd.Series([r["market_id"] for r in rows], dtype=object),
            "source_row": pd.Series(range(1, len(rows) + 1), dtype=np.int64),
        }
    )[list(TASK_FRAME_COLUMNS)]
    return ValidatedTasks(frame=frame, rejected=(), source=f"tasks of {manager_id} on {day}")


def tasks_as_dicts(frame: pd.DataFrame) -> list[dict[str, Any]]:
    if frame.empty:  # an empty task list (PUT []) comes without the validated columns
        return []
    out = frame.drop(columns=["manager_id", "source_row"]).copy()
    out["date"] = out["date"].map(str)
    return [{str(k): v for k, v in r.items()} for r in out.to_dict(orient="records")]


def manager_days_on(conn: Connection, day: dt.date, timezone: str) -> list[dict[str, Any]]:
    """Every manager with fixes or a task list on the local ``day``, by manager_id.

    Returns
    -------
    list of dict
        ``manager_id``, ``team_id`` (or None), ``has_points``, ``has_tasks``.  Each
        test is an ``EXISTS`` probe on the primary key of ``points`` (manager, time
        range) and of ``tasks`` (manager, date): two index look-ups per manager, never
        a scan of the day's fixes.
    """
    lo, hi = day_bounds_ms(day, timezone)
    has_points = (
        sa.exists()
        .where(points.c.manager_pk == managers.c.pk, points.c.t_ms >= lo, points.c.t_ms < hi)
        .correlate(managers)
    )
    has_tasks = (
        sa.exists()
        .where(tasks.c.manager_pk == managers.c.pk, tasks.c.date == day)
        .correlate(managers)
    )
    stmt = (
        sa.select(
            managers.c.manager_id,
            managers.c.team_id,
            has_points.label("has_points"),
            has_tasks.label("has_tasks"),
        )
        .where(sa.or_(has_points, has_tasks))
        .order_by(managers.c.manager_id)
    )
    return [
        {
            "manager_id": str(r.manager_id),
            "team_id": r.team_id,
            "has_points": bool(r.has_points),
            "has_tasks": bool(r.has_tasks),
        }
        for r in conn.execute(stmt)
    ]
