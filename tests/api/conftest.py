"""Fixtures of the service tests: every persistence test runs on SQLite and on PostgreSQL.

``backend`` is parametrised over ``sqlite`` (a temporary file in WAL mode) and
``postgresql`` (see :mod:`tests.helpers.db`: a private schema per database, skipped
with its reason when unreachable unless ``TRAJCHECK_REQUIRE_POSTGRES=1``).

One migrated database per backend serves the whole session; the ``engine``
fixture empties its tables before each test.  ``client`` is a fresh
:class:`~fastapi.testclient.TestClient` (fresh cookie jar) on an app over that
engine; ``keys`` holds the secrets of one key per role (two supervisors: team A
and team B) and of a revoked key, with managers ``mA`` in team A and ``mB`` in
team B; ``two_days`` adds a verified day of each.  ``city`` is a SQLite database
holding the assessment's sample city, its marketing data and verification results;
``sample_engine`` is SQLite holding the sample city (``sample_data/``) alone, imported
once per session and never written to by a test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.cli.main import main as cli_main
from api.db import make_engine, upgrade
from api.db.keys import revoke_key
from api.db.session import writing
from api.db.teams import assign_manager, upsert_team
from api.main import create_app
from api.settings import Settings
from tests.helpers.assess_service import import_sample
from tests.helpers.db import (
    BACKENDS,
    MANAGER_A,
    MANAGER_B,
    TEAM_A,
    TEAM_B,
    Keys,
    create_key,
    new_database,
    require_backend,
    wipe,
)
from tests.helpers.samples import SAMPLE
from tests.helpers.scorecards import MK, store_results
from tests.helpers.service import bearer, load_small_day
from tests.tracks import DAY


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


@pytest.fixture
def keys(engine: Engine) -> Keys:
    """Teams A and B with managers mA and mB; one key per role; a revoked platform key."""
    with writing(engine) as conn:
        upsert_team(conn, TEAM_A, "Team A")
        upsert_team(conn, TEAM_B, "Team B")
        assign_manager(conn, MANAGER_A, TEAM_A)
        assign_manager(conn, MANAGER_B, TEAM_B)
    made = {
        "admin": create_key(engine, "admin", name="admin"),
        "platform": create_key(engine, "platform", name="platform"),
        "sup_a": create_key(engine, "supervisor", (TEAM_A,), name="sup A"),
        "sup_b": create_key(engine, "supervisor", (TEAM_B,), name="sup B"),
        "revoked": create_key(engine, "platform", name="revoked"),
    }
    with writing(engine) as conn:
        assert revoke_key(conn, made["revoked"][1])
    return Keys(
        **{role: secret for role, (secret, _) in made.items()},
        ids={role: key_id for role, (_, key_id) in made.items()},
    )


@pytest.fixture
def two_days(client: TestClient, keys: Keys) -> Keys:
    """Points, tasks and stored results of mA (team A) and mB (team B)."""
    for i, manager in enumerate((MANAGER_A, MANAGER_B)):
        load_small_day(client, keys.platform, manager, seed=i)
        r = client.post(f"/v1/managers/{manager}/days/{DAY}/verify", headers=bearer(keys.platform))
        assert r.status_code == 200, r.text
    return keys


@pytest.fixture(scope="session")
def sample_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """SQLite holding the sample city, for read-only tests."""
    with new_database("sqlite", tmp_path_factory.mktemp("sample")) as engine:
        upgrade(engine)
        import_sample(engine)
        yield engine


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Engine]]:
    """(URL, engine) of a SQLite database holding the sample city, marketing and results.

    Filled the way an operator would: ``trajcheck assess import`` of part 1's and the
    marketing sample files (one command), and the sample's verification results stored
    as ``trajcheck daily`` stores them.
    """
    url = f"sqlite:///{tmp_path_factory.mktemp('city') / 'city.db'}"
    files = [*sorted(MK.glob("*.csv")), *sorted(SAMPLE.glob("*.csv"))]  # any order
    assert cli_main(["assess", "import", *map(str, files), "--database-url", url]) == 0
    engine = make_engine(url)
    store_results(engine)
    yield url, engine
    engine.dispose()
