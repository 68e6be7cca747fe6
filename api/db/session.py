"""The write transaction and the dialect's INSERT ... ON CONFLICT, shared by every repository.

Every write is one transaction (``engine.begin()``): a batch is stored whole or
not at all, whatever happens mid-way."""

from __future__ import annotations

__all__ = ["as_utc", "dialect_insert", "writing"]

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """One write transaction (``BEGIN IMMEDIATE`` on SQLite, see :func:`api.db.make_engine`)."""
    with engine.connect().execution_options(write=True) as conn, conn.begin():
        yield conn


def dialect_insert(conn: Connection, table: sa.Table) -> Any:
    """The dialect's INSERT, which knows ``ON CONFLICT``."""
    return (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(table)


def as_utc(value: dt.datetime) -> dt.datetime:
    """SQLite hands timestamps back naive; they were written in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
