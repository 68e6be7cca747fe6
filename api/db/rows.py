"""Row conversions and upserts the assessment and marketing repositories share:
instants as UTC milliseconds, columns as stored, upserts on natural keys, the data version."""

from __future__ import annotations

__all__ = [
    "bump_data_version",
    "data_version",
    "from_db",
    "instant_ms",
    "iso_from_ms",
    "row_dicts",
    "stored_columns",
    "times_from_ms",
    "upsert_on_key",
]

import datetime as dt
import secrets
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from api.db.session import dialect_insert
from api.db.tables import (
    assess_data_version,
)


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
    stmt = dialect_insert(conn, assess_data_version).values(id=1, version=secrets.randbits(62))
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
    stmt = dialect_insert(conn, table)
    update = {c: stmt.excluded[c] for c in rows[0] if c not in keys}
    conn.execute(stmt.on_conflict_do_update(index_elements=keys, set_=update), rows)
    return len(rows)


def instant_ms(value: dt.datetime) -> int:
    if value.tzinfo is None:
        raise ValueError("instants must be time-zone aware")
    return int(value.timestamp() * 1000)


def iso_from_ms(ms: int) -> str:
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).isoformat()


def times_from_ms(values: Sequence[Any]) -> pd.Series:
    arr = np.array([np.nan if v is None else v for v in values], dtype=float)
    out: pd.Series = pd.Series(
        pd.to_datetime(arr, unit="ms", utc=True), dtype="datetime64[ns, UTC]"
    )
    return out


def from_db(column: str, values: list[Any], dtype: Any) -> pd.Series:
    if column in ("registered_at", "assigned_at", "activated_at", "placed_at"):
        return times_from_ms(values)
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
