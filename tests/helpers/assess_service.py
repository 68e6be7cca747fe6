"""The assessment in the service: the sample city imported into a database, one API key
per role (supervisors of teams ``north`` and ``south``), clients over a database."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.auth import new_secret
from api.db.assess import import_rows
from api.db.keys import create_key
from api.db.session import writing
from api.db.teams import upsert_team
from api.main import create_app
from api.settings import Settings
from assessment.io import raw_from_csv
from assessment.schema import KINDS
from tests.helpers.samples import SAMPLE

AS_OF = "2026-12-01"


@dataclass(frozen=True)
class Keys:
    platform: str
    admin: str
    north: str  # supervisor of team north
    south: str

    @staticmethod
    def h(secret: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {secret}"}


def make_keys(engine: Engine) -> Keys:
    secrets = {name: new_secret() for name in ("platform", "admin", "north", "south")}
    with writing(engine) as conn:
        for team in ("north", "south"):
            upsert_team(conn, team, team)
        for name, secret in secrets.items():
            role = name if name in ("platform", "admin") else "supervisor"
            teams = () if role != "supervisor" else (name,)
            create_key(conn, secret=secret, name=name, role=role, team_ids=teams)
    return Keys(**secrets)


def client_for(engine: Engine) -> TestClient:
    url = engine.url.render_as_string(hide_password=False)
    return TestClient(create_app(Settings(database_url=url), engine=engine, migrate=False))


def import_sample(engine: Engine) -> None:
    """Import the sample city (``sample_data/*.csv``); every row must be accepted."""
    for kind in KINDS:
        path = SAMPLE / f"{kind}.csv"
        raw, problems = raw_from_csv(path.read_bytes(), kind, path.name)
        report = import_rows(
            engine, kind, raw, problems, source=path.name, timezone="Asia/Shanghai"
        )
        assert not report.rejected, report.rejected[:3]
