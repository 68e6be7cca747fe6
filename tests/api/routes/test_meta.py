"""``/health`` and ``/version``."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.db import alembic_config


def test_health_and_version(client: TestClient, engine: Engine) -> None:
    r = client.get("/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "database": engine.dialect.name}
    r = client.get("/version")
    assert r.status_code == 200
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert r.json() == {"version": importlib.metadata.version("trajcheck"), "schema": head}


def test_health_when_the_database_is_down(tmp_path: Path) -> None:
    from api.db import make_engine
    from api.main import create_app
    from api.settings import Settings

    url = "postgresql+psycopg://postgres@127.0.0.1:9/none"
    engine = make_engine(url, connect_args={"connect_timeout": 2})
    app = create_app(Settings(database_url=url), engine=engine, migrate=False)
    try:
        with TestClient(app) as client:
            r = client.get("/health")
        assert r.status_code == 503
        assert r.json() == {"status": "error", "database": "unreachable"}
    finally:
        engine.dispose()
