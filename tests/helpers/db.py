"""Test databases on SQLite and PostgreSQL, teams and API keys.

PostgreSQL is ``TRAJCHECK_TEST_POSTGRES_URL`` (default the trust-auth server at
127.0.0.1:5432, database ``test``).  Each PostgreSQL database lives in its own schema
``tc_test_<random>`` (the engine's ``search_path``), dropped with CASCADE at the end,
so concurrent sessions never see each other.  When PostgreSQL is unreachable its
tests skip and say why, unless ``TRAJCHECK_REQUIRE_POSTGRES=1`` (set by ``.ci/run``),
which makes them fail.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from api.auth import new_secret
from api.db import keys as key_repo
from api.db import make_engine
from api.db.session import writing
from api.db.tables import metadata

PG_URL = os.environ.get(
    "TRAJCHECK_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BACKENDS = ("sqlite", "postgresql")
TEAM_A, TEAM_B = "A", "B"
MANAGER_A, MANAGER_B = "mA", "mB"


@cache
def postgres_unavailable() -> str | None:
    """Why PostgreSQL cannot be used (None when it can)."""
    engine = sa.create_engine(PG_URL, connect_args={"connect_timeout": 3}, poolclass=sa.NullPool)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError as exc:
        first = str(exc.orig if isinstance(exc, sa.exc.DBAPIError) else exc).strip()
        first = first.splitlines()[0] if first else type(exc).__name__
        return f"PostgreSQL unreachable at {PG_URL.split('@')[-1]}: {first}"
    finally:
        engine.dispose()
    return None


def require_backend(name: str) -> None:
    """Skip (or, with TRAJCHECK_REQUIRE_POSTGRES=1, fail) when ``name`` is unusable."""
    if name != "postgresql":
        return
    reason = postgres_unavailable()
    if reason is None:
        return
    if os.environ.get("TRAJCHECK_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"{reason} (TRAJCHECK_REQUIRE_POSTGRES=1 makes PostgreSQL mandatory)")
    pytest.skip(f"{reason}; set TRAJCHECK_REQUIRE_POSTGRES=1 to make this a failure")


@contextmanager
def new_database(backend: str, folder: Path) -> Iterator[Engine]:
    """An empty database (not migrated): a SQLite file in ``folder`` or a PostgreSQL schema."""
    require_backend(backend)
    name = f"tc_test_{secrets.token_hex(6)}"
    if backend == "sqlite":
        engine = make_engine(f"sqlite:///{folder / name}.db")
        try:
            yield engine
        finally:
            engine.dispose()
        return
    admin = sa.create_engine(PG_URL, poolclass=sa.NullPool)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{name}"'))
    engine = make_engine(PG_URL, connect_args={"options": f"-csearch_path={name}"})
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        admin.dispose()


def wipe(engine: Engine) -> None:
    """Empty every table (children first)."""
    with writing(engine) as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())


@dataclass(frozen=True)
class Keys:
    """Secrets of one key per role, plus a revoked one; ``h(secret)`` makes headers."""

    admin: str
    platform: str
    sup_a: str
    sup_b: str
    revoked: str
    ids: dict[str, int]

    @staticmethod
    def h(secret: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {secret}"}


def create_key(
    engine: Engine, role: str, team_ids: tuple[str, ...] = (), name: str = ""
) -> tuple[str, int]:
    """A new key's ``(secret, key_id)``."""
    secret = new_secret()
    with writing(engine) as conn:
        key = key_repo.create_key(conn, secret=secret, name=name, role=role, team_ids=team_ids)
    return secret, key.key_id
