"""The service's reads and writes: one function per operation, SQL in one place.

Every write is one transaction (``engine.begin()``): a batch is stored whole or
not at all, whatever happens mid-way.  Points are inserted with
``ON CONFLICT DO NOTHING`` on their ``(manager, instant)`` key, so a retried or
concurrent upload of the same fixes stores each once and drops none.
"""

from __future__ import annotations

__all__ = [
    "CHECK_NAMES",
    "ApiKey",
    "assign_manager",
    "count_points",
    "create_key",
    "day_bounds_ms",
    "digest",
    "ensure_managers",
    "find_key",
    "get_result",
    "insert_points",
    "list_keys",
    "list_results",
    "list_teams",
    "load_tasks",
    "load_track",
    "manager_days_on",
    "manager_team",
    "replace_tasks",
    "result_bodies",
    "revoke_key",
    "save_result",
    "store_lookup",
    "tasks_as_dicts",
    "team_exists",
    "upsert_stores",
    "upsert_team",
    "writing",
]

import datetime as dt
import hashlib
import itertools
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from api.db import api_keys, key_teams, managers, points, results, stores, tasks, teams
from trajectory.schema import TASK_FRAME_COLUMNS, ValidatedTasks, ValidatedTrack

#: SQLite's limit on bound variables per statement is 32766; 6 columns per fix.
_SQLITE_CHUNK = 5000


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """One write transaction (``BEGIN IMMEDIATE`` on SQLite, see :func:`api.db.make_engine`)."""
    with engine.connect().execution_options(write=True) as conn, conn.begin():
        yield conn


def _insert(conn: Connection, table: sa.Table) -> Any:
    """The dialect's INSERT, which knows ``ON CONFLICT``."""
    return (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(table)


# ------------------------------------------------------------------ managers, teams


def ensure_managers(conn: Connection, manager_ids: Iterable[str]) -> dict[str, int]:
    """``manager_id -> pk``, creating the managers not seen before (without a team)."""
    ids = sorted(set(manager_ids))
    if not ids:
        return {}
    stmt = _insert(conn, managers).on_conflict_do_nothing(index_elements=["manager_id"])
    conn.execute(stmt, [{"manager_id": m} for m in ids])
    rows = conn.execute(
        sa.select(managers.c.manager_id, managers.c.pk).where(managers.c.manager_id.in_(ids))
    )
    return {r.manager_id: r.pk for r in rows}


def manager_team(conn: Connection, manager_id: str) -> tuple[int, str | None] | None:
    """``(pk, team_id)`` of a manager, or None when unknown."""
    row = conn.execute(
        sa.select(managers.c.pk, managers.c.team_id).where(managers.c.manager_id == manager_id)
    ).first()
    return None if row is None else (row.pk, row.team_id)


def upsert_team(conn: Connection, team_id: str, name: str) -> None:
    stmt = _insert(conn, teams).values(team_id=team_id, name=name)
    conn.execute(stmt.on_conflict_do_update(index_elements=["team_id"], set_={"name": name}))


def list_teams(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(sa.select(teams).order_by(teams.c.team_id))
    return [dict(r._mapping) for r in rows]


def team_exists(conn: Connection, team_id: str) -> bool:
    return (
        conn.execute(sa.select(teams.c.team_id).where(teams.c.team_id == team_id)).first()
        is not None
    )


def assign_manager(conn: Connection, manager_id: str, team_id: str | None) -> None:
    pk = ensure_managers(conn, [manager_id])[manager_id]
    conn.execute(sa.update(managers).where(managers.c.pk == pk).values(team_id=team_id))


# ------------------------------------------------------------------ points


def insert_points(conn: Connection, frame: pd.DataFrame) -> int:
    """Store validated WGS-84 fixes; return how many were new.

    ``frame`` has ``manager_id``, ``time`` (UTC), ``lat``, ``lon``,
    ``accuracy_m``, ``speed_mps``.  Instants are kept to the millisecond; a fix
    whose ``(manager, millisecond)`` is already stored is left as it was.
    """
    if frame.empty:
        return 0
    pks = ensure_managers(conn, frame["manager_id"].unique().tolist())
    cols = {
        "manager_pk": frame["manager_id"].map(pks).to_numpy(np.int64),
        "t_ms": pd.DatetimeIndex(frame["time"]).as_unit("ns").asi8 // 1_000_000,
        "lat_e7": np.rint(frame["lat"].to_numpy(float) * 1e7).astype(np.int64),
        "lon_e7": np.rint(frame["lon"].to_numpy(float) * 1e7).astype(np.int64),
    }
    optional = {
        "acc_dm": (frame["accuracy_m"].to_numpy(float), 10.0),
        "speed_cms": (frame["speed_mps"].to_numpy(float), 100.0),
    }
    # Key order: concurrent transactions then lock the keys they share in the same order,
    # so overlapping uploads wait for each other instead of deadlocking (PostgreSQL).
    order = np.lexsort((cols["t_ms"], cols["manager_pk"]))
    cols = {k: v[order] for k, v in cols.items()}
    optional = {k: (v[order], scale) for k, (v, scale) in optional.items()}
    lists: dict[str, list[Any]] = {k: v.tolist() for k, v in cols.items()}
    for name, (values, scale) in optional.items():
        scaled = np.rint(np.minimum(values, 2e8 / scale) * scale)
        out = scaled.astype(object)
        out[np.isnan(values)] = None
        lists[name] = [None if v is None else int(v) for v in out]
    if conn.dialect.name == "postgresql":
        result = conn.execute(
            sa.text(
                "INSERT INTO points (manager_pk, t_ms, lat_e7, lon_e7, acc_dm, speed_cms) "
                "SELECT * FROM unnest(CAST(:manager_pk AS integer[]), CAST(:t_ms AS bigint[]), "
                "CAST(:lat_e7 AS integer[]), CAST(:lon_e7 AS integer[]), "
                "CAST(:acc_dm AS integer[]), CAST(:speed_cms AS integer[])) "
                "ON CONFLICT DO NOTHING"
            ),
            lists,
        )
        return int(result.rowcount)
    names = list(lists)
    rows = [dict(zip(names, vals, strict=True)) for vals in zip(*lists.values(), strict=True)]
    stmt = sqlite.insert(points).on_conflict_do_nothing()
    inserted = 0
    for start in range(0, len(rows), _SQLITE_CHUNK):
        inserted += int(conn.execute(stmt, rows[start : start + _SQLITE_CHUNK]).rowcount)
    return inserted


def day_bounds_ms(day: dt.date, timezone: str) -> tuple[int, int]:
    """``[lo, hi)`` in UTC milliseconds of the local calendar day (DST-safe)."""
    tz = ZoneInfo(timezone)
    lo = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
    hi = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    return int(lo.timestamp() * 1000), int(hi.timestamp() * 1000)


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
            "time": pd.to_datetime(arr[:, 0].astype(np.int64), unit="ms", utc=True),
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


# ------------------------------------------------------------------ stores, tasks


def upsert_stores(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> int:
    """Insert or replace store master data (WGS-84); return the row count."""
    if not rows:
        return 0
    stmt = _insert(conn, stores)
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


# ------------------------------------------------------------------ results


def save_result(conn: Connection, manager_pk: int, day: dt.date, body: Mapping[str, Any]) -> None:
    """Store (or replace) the verdict of one manager-day."""
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
    }
    stmt = _insert(conn, results).values(**values)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=["manager_pk", "date"],
            set_={k: stmt.excluded[k] for k in values if k not in ("manager_pk", "date")},
        )
    )


def get_result(conn: Connection, manager_id: str, day: dt.date) -> dict[str, Any] | None:
    row = conn.execute(
        sa.select(results.c.body)
        .join(managers, managers.c.pk == results.c.manager_pk)
        .where(managers.c.manager_id == manager_id, results.c.date == day)
    ).first()
    if row is None:
        return None
    body: dict[str, Any] = json.loads(row.body)
    return body


CHECK_NAMES = ("on_time_arrival", "trajectory_clear", "visit_count_match")


def list_results(
    conn: Connection,
    *,
    day: dt.date | None = None,
    team_ids: Sequence[str] | None = None,
    status: str | None = None,
    check: str | None = None,
    verdict: str | None = None,
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
    ).join(managers, managers.c.pk == results.c.manager_pk)
    if day is not None:
        base = base.where(results.c.date == day)
    if team_ids is not None:
        base = base.where(managers.c.team_id.in_(list(team_ids)))
    if status is not None:
        base = base.where(results.c.status == status)
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
        item["computed_at"] = _utc(item["computed_at"]).isoformat()
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


def _utc(value: dt.datetime) -> dt.datetime:
    """SQLite hands timestamps back naive; they were written in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


# ------------------------------------------------------------------ API keys


@dataclass(frozen=True)
class ApiKey:
    """An API key as stored: never the secret, only its SHA-256 digest."""

    key_id: int
    name: str
    role: str
    prefix: str
    team_ids: tuple[str, ...]
    created_at: dt.datetime
    revoked_at: dt.datetime | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "key_id": self.key_id,
            "name": self.name,
            "role": self.role,
            "prefix": self.prefix,
            "team_ids": list(self.team_ids),
            "created_at": self.created_at.isoformat(),
            "revoked_at": None if self.revoked_at is None else self.revoked_at.isoformat(),
        }


def digest(secret: str) -> str:
    """SHA-256 of a key: keys are 256-bit random, so a fast hash is the right one."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def create_key(
    conn: Connection, *, secret: str, name: str, role: str, team_ids: Sequence[str]
) -> ApiKey:
    now = dt.datetime.now(dt.UTC)
    key_id = conn.execute(
        sa.insert(api_keys)
        .values(name=name, role=role, digest=digest(secret), prefix=secret[:10], created_at=now)
        .returning(api_keys.c.key_id)
    ).scalar_one()
    if team_ids:
        conn.execute(sa.insert(key_teams), [{"key_id": key_id, "team_id": t} for t in team_ids])
    return ApiKey(key_id, name, role, secret[:10], tuple(team_ids), now, None)


def find_key(conn: Connection, secret: str) -> ApiKey | None:
    """The live key whose secret this is, or None (unknown or revoked)."""
    row = conn.execute(
        sa.select(api_keys).where(
            api_keys.c.digest == digest(secret), api_keys.c.revoked_at.is_(None)
        )
    ).first()
    return None if row is None else _key(conn, row)


def list_keys(conn: Connection) -> list[ApiKey]:
    return [_key(conn, r) for r in conn.execute(sa.select(api_keys).order_by(api_keys.c.key_id))]


def revoke_key(conn: Connection, key_id: int) -> bool:
    result = conn.execute(
        sa.update(api_keys)
        .where(api_keys.c.key_id == key_id, api_keys.c.revoked_at.is_(None))
        .values(revoked_at=dt.datetime.now(dt.UTC))
    )
    return bool(result.rowcount)


def _key(conn: Connection, row: Any) -> ApiKey:
    teams_of = conn.execute(
        sa.select(key_teams.c.team_id)
        .where(key_teams.c.key_id == row.key_id)
        .order_by(key_teams.c.team_id)
    ).scalars()
    return ApiKey(
        key_id=row.key_id,
        name=row.name,
        role=row.role,
        prefix=row.prefix,
        team_ids=tuple(teams_of),
        created_at=_utc(row.created_at),
        revoked_at=None if row.revoked_at is None else _utc(row.revoked_at),
    )


# ------------------------------------------------------------------ daily runs


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
