"""Fixtures of the service tests: every persistence test runs on SQLite and on PostgreSQL.

``backend`` is parametrised over ``sqlite`` (a temporary file in WAL mode) and
``postgresql`` (``TRAJCHECK_TEST_POSTGRES_URL``, default the trust-auth server at
127.0.0.1:5432, database ``test``).  Each PostgreSQL database of a test session
lives in its own schema ``tc_test_<random>`` (the engine's ``search_path``),
dropped with CASCADE at the end, so concurrent sessions never see each other.
When PostgreSQL is unreachable its tests skip and say why, unless
``TRAJCHECK_REQUIRE_POSTGRES=1`` (set by ``.ci/run``), which makes them fail.

One migrated database per backend serves the whole session; the ``engine``
fixture empties its tables before each test.  ``client`` is a fresh
:class:`~fastapi.testclient.TestClient` (fresh cookie jar) on an app over that
engine; ``keys`` holds the secrets of one key per role (two supervisors: team A
and team B) and of a revoked key, with managers ``mA`` in team A and ``mB`` in
team B.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api import repo
from api.app import create_app
from api.auth import new_secret
from api.db import make_engine, metadata, upgrade
from api.settings import Settings

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


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """``sqlite`` or ``postgresql`` (skipped or failed when unreachable, see module doc)."""
    name = str(request.param)
    require_backend(name)
    return name


@pytest.fixture(scope="session")
def shared_engine(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """The session's migrated database of ``backend``."""
    with new_database(backend, tmp_path_factory.mktemp(backend)) as engine:
        upgrade(engine)
        yield engine


@pytest.fixture
def engine(shared_engine: Engine) -> Engine:
    """The migrated database, emptied before the test."""
    wipe(shared_engine)
    return shared_engine


def wipe(engine: Engine) -> None:
    with repo.writing(engine) as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture(scope="session")
def settings(shared_engine: Engine) -> Settings:
    return Settings(database_url=shared_engine.url.render_as_string(hide_password=False))


@pytest.fixture(scope="session")
def app(shared_engine: Engine, settings: Settings) -> FastAPI:
    """The service over the session's database (built once per backend)."""
    return create_app(settings, engine=shared_engine, migrate=False)


@pytest.fixture
def client(app: FastAPI, engine: Engine) -> Iterator[TestClient]:
    """A client with an empty cookie jar on the service over the emptied database."""
    with TestClient(app) as c:
        yield c


@pytest.fixture
def make_client(engine: Engine, settings: Settings) -> Iterator[Callable[..., TestClient]]:
    """``make_client(**settings)``: another client, on a new app when settings are given."""
    opened: list[TestClient] = []
    shared: dict[str, FastAPI] = {}

    def make(raise_server_exceptions: bool = True, **overrides: Any) -> TestClient:
        key = repr(sorted(overrides.items()))
        if key not in shared:
            cfg = settings.model_copy(update=overrides)
            shared[key] = create_app(cfg, engine=engine, migrate=False)
        c = TestClient(shared[key], raise_server_exceptions=raise_server_exceptions)
        c.__enter__()
        opened.append(c)
        return c

    yield make
    for c in opened:
        c.__exit__(None, None, None)


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
    with repo.writing(engine) as conn:
        key = repo.create_key(conn, secret=secret, name=name, role=role, team_ids=team_ids)
    return secret, key.key_id


@pytest.fixture
def keys(engine: Engine) -> Keys:
    """Teams A and B with managers mA and mB; one key per role; a revoked platform key."""
    with repo.writing(engine) as conn:
        repo.upsert_team(conn, TEAM_A, "Team A")
        repo.upsert_team(conn, TEAM_B, "Team B")
        repo.assign_manager(conn, MANAGER_A, TEAM_A)
        repo.assign_manager(conn, MANAGER_B, TEAM_B)
    made = {
        "admin": create_key(engine, "admin", name="admin"),
        "platform": create_key(engine, "platform", name="platform"),
        "sup_a": create_key(engine, "supervisor", (TEAM_A,), name="sup A"),
        "sup_b": create_key(engine, "supervisor", (TEAM_B,), name="sup B"),
        "revoked": create_key(engine, "platform", name="revoked"),
    }
    with repo.writing(engine) as conn:
        assert repo.revoke_key(conn, made["revoked"][1])
    return Keys(
        **{role: secret for role, (secret, _) in made.items()},
        ids={role: key_id for role, (_, key_id) in made.items()},
    )
