"""Schemathesis against the service's own OpenAPI document (issue 4).

Every operation gets its documented examples, the coverage phase's boundary and
invalid values, and a bounded number of generated requests (positive and
negative), sent in-process (ASGI) with an admin key, on SQLite.  Every check
schemathesis has runs on every answer: not a server error, status code and
content type documented, body matching its schema, bad data rejected and good
data accepted, authentication not ignored, unsupported methods answered 405.
Generation is derandomized, so CI sees the same requests on every run.

The database holds a team, a manager in it with a day of points and a task
list, and a store, so reads and verifies of that manager find data.  The admin
key has a large id, so a generated ``DELETE /v1/keys/{key_id}`` does not
revoke it half-way through.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
import sqlalchemy as sa
from fastapi.testclient import TestClient
from schemathesis import Case

from api.db import make_engine, upgrade
from api.db.keys import digest
from api.db.session import writing
from api.db.tables import api_keys
from api.db.teams import assign_manager, upsert_team
from api.main import create_app
from api.settings import Settings

ADMIN_KEY = "tc_schemathesis_admin_key_0123456789abcdefghijklmnopq"
ADMIN_KEY_ID = 1_234_567
DAY = "2026-11-20"
MAX_EXAMPLES = 15
AUTH = {"X-API-Key": ADMIN_KEY}


def _seed(engine: sa.Engine) -> None:
    import datetime as dt

    with writing(engine) as conn:
        conn.execute(
            sa.insert(api_keys).values(
                key_id=ADMIN_KEY_ID,
                name="schemathesis",
                role="admin",
                digest=digest(ADMIN_KEY),
                prefix=ADMIN_KEY[:10],
                created_at=dt.datetime.now(dt.UTC),
            )
        )
        upsert_team(conn, "A", "team A")
        assign_manager(conn, "m1", "A")


# The app exists at import time (schemathesis reads its OpenAPI document while
# pytest collects; its fixture-based loader does not work with pytest 9), over a
# SQLite file that the fixture below creates, migrates and seeds before any case
# runs, and removes afterwards.
_FOLDER = Path(tempfile.mkdtemp(prefix="tc_schemathesis_"))
atexit.register(shutil.rmtree, _FOLDER, ignore_errors=True)  # also when collected, not run
_URL = f"sqlite:///{_FOLDER / 'api.db'}"
_ENGINE = make_engine(_URL)
APP = create_app(Settings(database_url=_URL), engine=_ENGINE, migrate=False)
CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            "database": "none",
            # no generated Authorization/X-API-Key headers: a bad one is a 401 and the
            # request would test nothing past authentication
            "with-security-parameters": False,
        },
        "checks": {
            # Schema-valid is not always valid here: the schema cannot say that a day lies
            # in 2000..2100, that a timestamp carries a UTC offset, that store ids in one
            # batch differ or that a CSV body has a header; those answers are 422s that
            # name the field.  Every other status still counts against the check.
            "positive_data_acceptance": {
                "expected-statuses": [200, 201, 204, 401, 403, 404, 409, 422, 429]
            },
        },
    }
)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP, config=CONFIG)


@pytest.fixture(scope="module", autouse=True)
def seeded_database() -> Iterator[None]:
    upgrade(_ENGINE)
    _seed(_ENGINE)
    client = TestClient(APP, headers={"X-API-Key": ADMIN_KEY})
    points = [
        {
            "manager_id": "m1",
            "timestamp": f"{DAY}T{8 + i // 60:02d}:{i % 60:02d}:00+08:00",
            "lat": 31.2304,
            "lon": 121.4737,
        }
        for i in range(90)
    ]
    assert client.post("/v1/points", json={"points": points}).status_code == 200
    stores = {"stores": [{"store_id": "s1", "name": "一号店", "lat": 31.2304, "lon": 121.4737}]}
    assert client.put("/v1/stores", json=stores).status_code == 200
    tasks = {"tasks": [{"seq": 1, "store_id": "s1", "method": "onsite"}]}
    assert client.put(f"/v1/managers/m1/days/{DAY}/tasks", json=tasks).status_code == 200
    try:
        yield
    finally:
        _ENGINE.dispose()
        shutil.rmtree(_FOLDER, ignore_errors=True)


@schema.parametrize()
def test_the_api_keeps_its_openapi_promises(case: Case) -> None:
    # the key goes with the call, so schemathesis knows it as the real credential and
    # checks that the same request without it, or with a wrong one, is refused
    case.call_and_validate(headers=AUTH)


# ------------------------------------------------------------------ the document itself

INGEST = [
    ("post", "/v1/points", "application/json"),
    ("post", "/v1/points.csv", "text/csv"),
    ("put", "/v1/stores", "application/json"),
    ("put", "/v1/managers/{manager_id}/days/{date}/tasks", "application/json"),
]


def _resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref is None:
        return schema
    found: dict[str, Any] = doc["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return found


@pytest.mark.parametrize(("method", "path", "media"), INGEST)
def test_ingest_bodies_have_examples_that_are_accepted(method: str, path: str, media: str) -> None:
    doc = APP.openapi()
    content = doc["paths"][path][method]["requestBody"]["content"][media]
    body = _resolve(doc, content["schema"])
    examples = body.get("examples") or [content.get("example")]
    assert examples and examples[0], f"{method.upper()} {path}: no example"
    client = TestClient(APP, headers=AUTH)
    url = path.format(manager_id="m-example", date=DAY)
    for example in examples:
        if media == "text/csv":
            r = client.request(method, url, content=example, headers={"content-type": media})
        else:
            r = client.request(method, url, json=example)
        assert r.status_code == 200, (path, r.text)


@pytest.mark.parametrize(("method", "path", "media"), INGEST)
def test_ingest_errors_are_documented_with_the_error_body(
    method: str, path: str, media: str
) -> None:
    doc = APP.openapi()
    responses = doc["paths"][path][method]["responses"]
    for status in ("401", "403", "413", "422"):
        schema = responses[status]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/ErrorBody"}, (path, status, schema)
        assert responses[status]["description"]
    error_body = doc["components"]["schemas"]["ErrorBody"]
    assert error_body["required"] == ["detail", "errors"]
    assert error_body["properties"]["detail"]["type"] == "string"
    problem = _resolve(doc, error_body["properties"]["errors"]["items"])
    assert set(problem["properties"]) == {"source", "row", "field", "reason", "message"}
    assert error_body["examples"][0]["errors"][0]["row"] == 3


def test_every_v1_route_documents_401_and_422_as_json() -> None:
    doc = APP.openapi()
    for path, operations in doc["paths"].items():
        if not path.startswith("/v1/"):
            continue
        for method, operation in operations.items():
            for status in ("401", "422"):
                content = operation["responses"][status]["content"]
                assert list(content) == ["application/json"], (method, path, status, content)
