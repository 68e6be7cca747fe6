"""Database fixtures of the assessment tests: SQLite always, PostgreSQL when reachable.

The databases come from :func:`tests.api.conftest.new_database` (a SQLite file,
or a private PostgreSQL schema dropped afterwards; PostgreSQL skips with its
reason unless ``TRAJCHECK_REQUIRE_POSTGRES=1``).  ``engine`` is migrated once per
session and emptied before each test; ``sample_engine`` holds the sample city
(``sample_data/``), imported once per session and never written to by a test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from api.assess_repo import import_rows
from api.db import upgrade
from assessment.io import raw_from_csv
from assessment.schema import KINDS
from tests.api.conftest import new_database, wipe

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def db_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def shared(db_backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    with new_database(db_backend, tmp_path_factory.mktemp(db_backend)) as engine:
        upgrade(engine)
        yield engine


@pytest.fixture
def engine(shared: Engine) -> Engine:
    """A migrated, empty database (SQLite, then PostgreSQL)."""
    wipe(shared)
    return shared


@pytest.fixture(scope="session")
def sample_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """SQLite holding the sample city, for read-only tests."""
    with new_database("sqlite", tmp_path_factory.mktemp("sample")) as engine:
        upgrade(engine)
        import_sample(engine)
        yield engine


def import_sample(engine: Engine) -> None:
    for kind in KINDS:
        path = SAMPLE / f"{kind}.csv"
        raw, problems = raw_from_csv(path.read_bytes(), kind, path.name)
        report = import_rows(
            engine, kind, raw, problems, source=path.name, timezone="Asia/Shanghai"
        )
        assert not report.rejected, report.rejected[:3]
