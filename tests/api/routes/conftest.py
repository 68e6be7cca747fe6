"""Fixtures of the assessment's endpoints (``/v1/assess``): ``writable`` is a client over
the emptied ``engine`` (SQLite, then PostgreSQL) with one key per role."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.helpers.assess_service import Keys, client_for, make_keys


@pytest.fixture
def writable(engine: Engine) -> Iterator[tuple[TestClient, Keys]]:
    """A client over an empty database (SQLite, then PostgreSQL)."""
    keys = make_keys(engine)
    with client_for(engine) as c:
        yield c, keys
