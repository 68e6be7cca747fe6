"""Reads and writes of the assessment tables: imports, reassignments, the dataset for the rules.

Every import is one write transaction: the references are checked against what
the database holds at that moment plus the batch itself, then the good rows are
upserted on their natural keys (the same file imported twice leaves the
database as after the first time).  A buyer whose manager changes gets a new
period in ``buyer_assignments`` (the previous one is closed), so the history of
who held a buyer survives every import and reassignment.

Every write to these tables also changes the data version (:func:`bump_data_version`,
same transaction), which lets a service process keep what :func:`load_dataset` read
while :func:`data_version` answers the same (:mod:`api.assess_cache`).
"""

from __future__ import annotations

__all__ = [
    "BatchRejectedError",
    "ImportReport",
    "ReassignError",
    "assignment_history",
    "bump_data_version",
    "data_version",
    "import_rows",
    "known_ids",
    "load_dataset",
    "reassign",
    "row_dicts",
    "stored_columns",
    "upsert_on_key",
]

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from api.db import (
    areas,
    assess_data_version,
    brands,
    buyer_assignments,
    buyers,
    cluster_points,
    declarations,
    orders,
    people,
    teams,
)
from api.repo import writing
from assessment.io import Dataset, check_rows, empty_frame
from assessment.schema import ACCOUNT_MANAGER_ROLES
from trajectory.errors import InputError, RowProblem

_TABLES: dict[str, sa.Table] = {
    "areas": areas,
    "clusters": cluster_points,
    "people": people,
    "brands": brands,
    "buyers": buyers,
    "orders": orders,
    "declarations": declarations,
}
#: frame column -> table column where they differ
_RENAMED = {
    "registered_at": "registered_ms",
    "assigned_at": "assigned_ms",
    "activated_at": "activated_ms",
    "placed_at": "placed_ms",
    "amount": "amount_fen",
}


class BatchRejectedError(InputError):
    """A batch with bad rows was refused whole (atomic, or no good row); nothing was stored."""

    def __init__(self, problems: Sequence[RowProblem], why: str) -> None:
        first = problems[0]
        super().__init__(
            first.source,
            first.row,
            first.field,
            f"{first.reason} ({_rows_text(problems)}; {why})",
        )
        self.problems = tuple(problems)


def _rows_text(problems: Sequence[RowProblem]) -> str:
    n = len({p.row for p in problems})
    return "1 bad row" if n == 1 else f"{n} bad rows"


class ReassignError(InputError):
    """A reassignment the rules forbid; ``status`` is the HTTP status that says why."""

    def __init__(self, status: int, field: str, reason: str) -> None:
        super().__init__("reassignment", None, field, reason)
        self.status = status


@dataclass(frozen=True)
class ImportReport:
    """What one import did: rows received, rows upserted, and the rejected rows' problems."""

    kind: str
    received: int
    stored: int
    rejected: tuple[RowProblem, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "received": self.received,
            "stored": self.stored,
            "rejected": [{**p.to_dict(), "message": str(p)} for p in self.rejected],
        }


def import_rows(
    engine: Engine,
    kind: str,
    raw: pd.DataFrame,
    problems: Sequence[RowProblem],
    *,
    source: str,
    timezone: str,
    crs: str = "wgs84",
    atomic: bool = False,
) -> ImportReport:
    """Validate raw rows of ``kind`` and upsert the good ones, in one transaction.

    Raises
    ------
    BatchRejectedError
        Bad rows and ``atomic``, or no good row at all: nothing is stored.
    """
    with writing(engine) as conn:
        checked = check_rows(
            raw,
            problems,
            kind,
            source=source,
            timezone=timezone,
            crs=crs,
            known=known_ids(conn),
        )
        if checked.rejected and (atomic or checked.frame.empty):
            why = "atomic batch: nothing stored" if atomic else "no good rows"
            raise BatchRejectedError(checked.rejected, why)
        stored = _upsert(conn, kind, checked.frame)
    return ImportReport(kind, checked.received, stored, checked.rejected)


def known_ids(conn: Connection) -> dict[str, pd.Series]:
    """What imported rows may refer to (see :func:`assessment.validate.check_references`)."""
    specs = {
        "areas": (areas.c.area_id, areas.c.kind),
        "clusters": (cluster_points.c.cluster_id, cluster_points.c.area_id),
        "people": (people.c.person_id, people.c.role),
        "buyers": (buyers.c.buyer_id, buyers.c.area_id),
    }
    out = {}
    for name, (key, value) in specs.items():
        rows = conn.execute(sa.select(key, value)).all()
        out[name] = pd.Series(
            [r[1] for r in rows], index=pd.Index([r[0] for r in rows], dtype=object), dtype=object
        )
    return out


def reassign(
    conn: Connection,
    buyer_id: str,
    manager_id: str,
    *,
    at: dt.datetime,
    reason: str = "",
    force: bool = False,
) -> dict[str, Any]:
    """Hand a buyer to another account manager from ``at`` on; record it in the history.

    Raises
    ------
    ReassignError
        404 unknown buyer; 422 the new holder is not an account manager, or
        ``at`` is before the current assignment; 409 the buyer is activated (its
        activator holds exclusive rights; ``force`` overrides) or already held
        by that manager.
    """
    row = conn.execute(sa.select(buyers).where(buyers.c.buyer_id == buyer_id)).first()
    if row is None:
        raise ReassignError(404, "buyer_id", f"no buyer {buyer_id!r}")
    role = conn.execute(
        sa.select(people.c.role).where(people.c.person_id == manager_id)
    ).scalar_one_or_none()
    if role is None:
        raise ReassignError(422, "manager_id", f"no person {manager_id!r}")
    if role not in ACCOUNT_MANAGER_ROLES:
        raise ReassignError(
            422, "manager_id", f"{manager_id!r} is a {role}, not an account manager"
        )
    at_ms = _instant_ms(at)
    if row.manager_id == manager_id:
        raise ReassignError(
            409, "manager_id", f"buyer {buyer_id!r} is already held by {manager_id!r}"
        )
    if row.activated_ms is not None and row.activated_ms <= at_ms and not force:
        raise ReassignError(
            409,
            "buyer_id",
            f"buyer {buyer_id!r} is activated: its activator holds exclusive rights "
            "(force to override)",
        )
    if row.assigned_ms is not None and at_ms <= row.assigned_ms:
        raise ReassignError(422, "at", "not after the current assignment began")
    now_ms = _instant_ms(dt.datetime.now(dt.UTC))
    conn.execute(
        sa.update(buyer_assignments)
        .where(buyer_assignments.c.buyer_id == buyer_id, buyer_assignments.c.ended_ms.is_(None))
        .values(ended_ms=at_ms)
    )
    conn.execute(
        sa.insert(buyer_assignments).values(
            buyer_id=buyer_id,
            assigned_ms=at_ms,
            manager_id=manager_id,
            ended_ms=None,
            reason=reason[:200],
            recorded_ms=now_ms,
        )
    )
    conn.execute(
        sa.update(buyers)
        .where(buyers.c.buyer_id == buyer_id)
        .values(manager_id=manager_id, assigned_ms=at_ms)
    )
    bump_data_version(conn)
    return {
        "buyer_id": buyer_id,
        "from_manager_id": row.manager_id,
        "manager_id": manager_id,
        "assigned_at": _iso(at_ms),
        "reason": reason[:200],
    }


def assignment_history(conn: Connection, buyer_ids: Sequence[str] | None = None) -> pd.DataFrame:
    """Every assignment period (``assignments`` of :class:`Dataset`), oldest first per buyer."""
    stmt = sa.select(
        buyer_assignments.c.buyer_id,
        buyer_assignments.c.manager_id,
        buyer_assignments.c.assigned_ms,
        buyer_assignments.c.ended_ms,
        buyer_assignments.c.reason,
    ).order_by(buyer_assignments.c.buyer_id, buyer_assignments.c.assigned_ms)
    if buyer_ids is not None:
        stmt = stmt.where(buyer_assignments.c.buyer_id.in_(list(buyer_ids)))
    rows = conn.execute(stmt).all()
    cols: list[Sequence[Any]] = list(zip(*rows, strict=True)) if rows else [(), (), (), (), ()]
    return pd.DataFrame(
        {
            "buyer_id": pd.Series(cols[0], dtype=object),
            "manager_id": pd.Series(cols[1], dtype=object),
            "assigned_at": _times(cols[2]),
            "ended_at": _times(cols[3]),
            "reason": pd.Series(cols[4], dtype=object),
        }
    )


def load_dataset(conn: Connection) -> Dataset:
    """Every assessment table as the validated frames the rules take."""
    frames: dict[str, pd.DataFrame] = {}
    for kind, table in _TABLES.items():
        template = empty_frame(kind)
        rows = conn.execute(sa.select(table)).all()
        cols = stored_columns(table, rows)
        data: dict[str, Any] = {}
        for column in template.columns:
            if column == "source_row":
                data[column] = np.arange(1, len(rows) + 1, dtype=np.int64)
                continue
            stored = _RENAMED.get(column, column)
            values = list(cols.get(stored, ())) if rows else []
            data[column] = _from_db(column, values, template[column].dtype)
        frames[kind] = pd.DataFrame(data, columns=template.columns)
    for kind in ("areas", "clusters", "people", "buyers"):  # names stored as "" when absent
        frames[kind]["name"] = frames[kind]["name"].where(frames[kind]["name"] != "", None)
    decl = frames["declarations"]
    for column in ("product", "brand"):
        decl[column] = decl[column].where(decl[column] != "", None)
    decl["net_weight_g"] = decl["net_weight_g"].where(decl["net_weight_g"] != 0, pd.NA)
    return Dataset(**frames, assignments=assignment_history(conn))


def data_version(conn: Connection) -> int | None:
    """The version of part 1's tables (None: no version row, nothing may be kept)."""
    stmt = sa.select(assess_data_version.c.version).where(assess_data_version.c.id == 1)
    version: int | None = conn.execute(stmt).scalar_one_or_none()
    return version


def bump_data_version(conn: Connection) -> None:
    """Give part 1's tables a new version, in the caller's (write) transaction.

    The version is random, not a count: a database emptied or restored and written to
    again never repeats a version that stood for other rows.
    """
    stmt = _insert(conn, assess_data_version).values(id=1, version=secrets.randbits(62))
    conn.execute(
        stmt.on_conflict_do_update(index_elements=["id"], set_={"version": stmt.excluded.version})
    )


def stored_columns(table: sa.Table, rows: Sequence[Any]) -> dict[str, tuple[Any, ...]]:
    """Rows selected from ``table`` as one tuple of values per column name (none: ``{}``)."""
    names = [c.name for c in table.columns]
    return dict(zip(names, zip(*rows, strict=True), strict=True)) if rows else {}


def row_dicts(lists: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """Columns of equal length (name -> values) as one dict per row."""
    names = list(lists)
    return [dict(zip(names, values, strict=True)) for values in zip(*lists.values(), strict=True)]


def upsert_on_key(conn: Connection, table: sa.Table, rows: list[dict[str, Any]]) -> int:
    """Insert ``rows`` (not empty), updating those whose primary key is stored; their number."""
    keys = [c.name for c in table.primary_key.columns]
    stmt = _insert(conn, table)
    update = {c: stmt.excluded[c] for c in rows[0] if c not in keys}
    conn.execute(stmt.on_conflict_do_update(index_elements=keys, set_=update), rows)
    return len(rows)


# ------------------------------------------------------------------ private


def _insert(conn: Connection, table: sa.Table) -> Any:
    return (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(table)


def _instant_ms(value: dt.datetime) -> int:
    if value.tzinfo is None:
        raise ValueError("instants must be time-zone aware")
    return int(value.timestamp() * 1000)


def _iso(ms: int) -> str:
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).isoformat()


def _times(values: Sequence[Any]) -> pd.Series:
    arr = np.array([np.nan if v is None else v for v in values], dtype=float)
    out: pd.Series = pd.Series(
        pd.to_datetime(arr, unit="ms", utc=True), dtype="datetime64[ns, UTC]"
    )
    return out


def _from_db(column: str, values: list[Any], dtype: Any) -> pd.Series:
    if column in ("registered_at", "assigned_at", "activated_at", "placed_at"):
        return _times(values)
    if column == "amount":
        return pd.Series(np.array(values, dtype=np.int64) / 100.0, dtype=float)
    if column in ("declared_on", "period_end"):
        days: pd.Series = pd.to_datetime(pd.Series(values, dtype=object))
        return days.astype("datetime64[ns]")
    if str(dtype) == "Int64":
        return pd.Series(values, dtype="Int64")
    if str(dtype) in ("float64", "int64", "bool"):
        typed: pd.Series = pd.Series(values, dtype=dtype)
        return typed
    return pd.Series(values, dtype=object)


def _column_values(frame: pd.DataFrame, column: str) -> list[Any]:
    """A frame column as plain Python values for the driver (NA -> None)."""
    s = frame[column]
    if column in ("registered_at", "assigned_at", "activated_at", "placed_at"):
        ms = pd.DatetimeIndex(s).as_unit("ms").asi8
        out = ms.astype(object)
        out[pd.isna(s).to_numpy(bool)] = None
        return list(out)
    if column == "amount":
        return list(np.rint(s.to_numpy(float) * 100).astype(np.int64).tolist())
    if column in ("declared_on", "period_end"):
        dates = s.dt.date.astype(object)
        return [None if pd.isna(v) else v for v in dates.tolist()]
    obj = s.astype(object)
    return list(obj.where(s.notna(), None).tolist())


def _rows(frame: pd.DataFrame, kind: str) -> list[dict[str, Any]]:
    table = _TABLES[kind]
    columns = [c for c in frame.columns if _RENAMED.get(c, c) in table.c]
    lists = {_RENAMED.get(c, c): _column_values(frame, c) for c in columns}
    for name, values in lists.items():  # optional text stored as "" (NOT NULL, default "")
        column = table.c[name]
        if not column.nullable and column.server_default is not None:
            lists[name] = ["" if v is None else v for v in values]
    if kind == "declarations":  # key columns: "" and 0 stand for "not declared"
        lists["product"] = ["" if v is None else v for v in lists["product"]]
        lists["brand"] = ["" if v is None else v for v in lists["brand"]]
        lists["net_weight_g"] = [0 if v is None else int(v) for v in lists["net_weight_g"]]
    if "net_weight_g" in lists:
        lists["net_weight_g"] = [None if v is None else int(v) for v in lists["net_weight_g"]]
    return row_dicts(lists)


def _upsert(conn: Connection, kind: str, frame: pd.DataFrame) -> int:
    if frame.empty:
        return 0
    table = _TABLES[kind]
    rows = _rows(frame, kind)
    if kind == "people":
        team_ids = sorted({r["team_id"] for r in rows if r["team_id"] is not None})
        if team_ids:
            conn.execute(
                _insert(conn, teams).on_conflict_do_nothing(index_elements=["team_id"]),
                [{"team_id": t} for t in team_ids],
            )
    before = _current_holders(conn) if kind == "buyers" else None
    upsert_on_key(conn, table, rows)
    if before is not None:
        _record_assignments(conn, rows, before)
    bump_data_version(conn)
    return len(rows)


def _current_holders(conn: Connection) -> dict[str, tuple[str | None, int | None]]:
    rows = conn.execute(sa.select(buyers.c.buyer_id, buyers.c.manager_id, buyers.c.assigned_ms))
    return {r.buyer_id: (r.manager_id, r.assigned_ms) for r in rows}


def _record_assignments(
    conn: Connection, rows: list[dict[str, Any]], before: dict[str, tuple[str | None, int | None]]
) -> None:
    """Close the open period and open a new one where a buyer's (manager, since) changed."""
    now_ms = _instant_ms(dt.datetime.now(dt.UTC))
    changed = [
        r
        for r in rows
        if before.get(r["buyer_id"], (None, None)) != (r["manager_id"], r["assigned_ms"])
    ]
    if not changed:
        return
    close = [
        {"b": r["buyer_id"], "end": r["assigned_ms"] if r["manager_id"] is not None else now_ms}
        for r in changed
        if r["buyer_id"] in before
    ]
    if close:
        conn.execute(
            sa.update(buyer_assignments)
            .where(
                buyer_assignments.c.buyer_id == sa.bindparam("b"),
                buyer_assignments.c.ended_ms.is_(None),
            )
            .values(ended_ms=sa.bindparam("end")),
            close,
        )
    opened = [
        {
            "buyer_id": r["buyer_id"],
            "assigned_ms": r["assigned_ms"],
            "manager_id": r["manager_id"],
            "ended_ms": None,
            "reason": "import",
            "recorded_ms": now_ms,
        }
        for r in changed
        if r["manager_id"] is not None
    ]
    if opened:
        stmt = _insert(conn, buyer_assignments)
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=["buyer_id", "assigned_ms"],
                set_={"manager_id": stmt.excluded.manager_id, "ended_ms": None},
            ),
            opened,
        )
