"""Schemathesis against the service's own OpenAPI document (issues 4 and 14).

Every operation gets its documented examples, the coverage phase's boundary and
invalid values, and a bounded number of generated requests (positive and
negative), sent in-process (ASGI) on SQLite, once with a platform key and once with
a supervisor key (admin routes once more with an admin key).  Every check
schemathesis has runs on every answer: not a server error, status code and content
type documented, body matching its schema, bad data rejected and good data accepted
(a schema-valid request answered 422 is a failure: what the service enforces is in
the schema), authentication not ignored, unsupported methods answered 405.
Generation is derandomized, so CI sees the same requests on every run.

The database holds a team, a manager in it with a day of points and a task
list, and a store, so reads and verifies of that manager find data.  The keys
have large ids, so a generated ``DELETE /v1/keys/{key_id}`` does not revoke one
half-way through.
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
from schemathesis import Case, HookContext
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from api.db import make_engine, upgrade
from api.db.keys import digest
from api.db.session import writing
from api.db.tables import api_keys, key_teams
from api.db.teams import assign_manager, upsert_team
from api.main import create_app
from api.settings import Settings

ADMIN_KEY = "tc_schemathesis_admin_key_0123456789abcdefghijklmnopq"
#: role -> (key id, secret); the supervisor's team is "A"
KEYS = {
    "admin": (1_234_567, ADMIN_KEY),
    "platform": (1_234_568, "tc_schemathesis_platform_key_0123456789abcdefghijk"),
    "supervisor": (1_234_569, "tc_schemathesis_supervisor_key_0123456789abcdefghi"),
}
DAY = "2026-11-20"
MAX_EXAMPLES = 8
AUTH = {"X-API-Key": ADMIN_KEY}


def _seed(engine: sa.Engine) -> None:
    import datetime as dt

    with writing(engine) as conn:
        upsert_team(conn, "A", "team A")
        assign_manager(conn, "m1", "A")
        for role, (key_id, secret) in KEYS.items():
            conn.execute(
                sa.insert(api_keys).values(
                    key_id=key_id,
                    name=f"schemathesis {role}",
                    role=role,
                    digest=digest(secret),
                    prefix=secret[:10],
                    created_at=dt.datetime.now(dt.UTC),
                )
            )
        conn.execute(sa.insert(key_teams).values(key_id=KEYS["supervisor"][0], team_id="A"))


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
            # a schema-valid request may find no such manager (404), belong to another
            # team or role (403) or conflict with the stored state (409); a 422 is a
            # failure: the schema did not say what the service enforces (issue 14)
            "positive_data_acceptance": {"expected-statuses": [200, 201, 204, 401, 403, 404, 409]},
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


@schema.hook
def filter_body(ctx: HookContext, body: Any) -> bool:
    """What JSON Schema cannot say but the document does: one row per store id in
    ``PUT /v1/stores`` and in a task list (``x-unique-by``), one timestamp form per batch
    of fixes (``x-one-form``)."""
    path = "" if ctx.operation is None else ctx.operation.path
    rows_key = {"/v1/stores": "stores"}.get(path, "tasks" if path.endswith("/tasks") else "")
    if not rows_key or not isinstance(body, dict) or not isinstance(body.get(rows_key), list):
        return _one_timestamp_form(path, body)
    ids = [row.get("store_id") for row in body[rows_key] if isinstance(row, dict)]
    if len(ids) != len({str(i).strip() for i in ids}):
        return False
    return _one_timestamp_form(path, body)


def _one_timestamp_form(path: str, body: Any) -> bool:
    """``x-one-form``: the fixes of one batch give their times in one form (offset,
    epoch seconds or epoch milliseconds), as the schema's description says."""
    if path != "/v1/points" or not isinstance(body, dict):
        return True
    forms = set()
    for row in body.get("points") or []:
        stamp = row.get("timestamp") if isinstance(row, dict) else None
        if isinstance(stamp, str):
            forms.add("iso")
        elif isinstance(stamp, int | float):
            forms.add("ms" if stamp >= 1e11 else "s")
    return len(forms) <= 1


@schema.hook
def map_body(ctx: HookContext, body: Any) -> Any:
    """A generated task without coordinates gets some: its random store id cannot be in
    the master data (the seeded examples cover that path)."""
    if ctx.operation is None or not ctx.operation.path.endswith("/tasks"):
        return body
    if isinstance(body, dict) and isinstance(body.get("tasks"), list):
        for task in body["tasks"]:
            if isinstance(task, dict) and "lat" not in task and "lon" not in task:
                task.update(lat=31.2304, lon=121.4737)
    return body


_IMPORT_GAP = (
    "assessment import rows are free objects in the schema (per-kind columns, and the "
    "references to imported buyers, people and areas, are checked by the service only)"
)
_DUTIES_GAP = "the 92-day period limit and the week bounds of from/to are not in the schema"
LENIENT_ROWS = ("POST /v1/points", "PUT /v1/managers/{manager_id}/days/{date}/tasks")
#: Operations whose schema-valid requests may still be refused (a 422 naming the field),
#: and why: issue 14 follow-ups.  Every other check still runs on them.
KNOWN_GAPS: dict[str, str] = {
    **{
        f"POST /v1/assess/{kind}": _IMPORT_GAP
        for kind in (
            "areas",
            "clusters",
            "people",
            "brands",
            "buyers",
            "orders",
            "declarations",
            "windows",
            "keywords",
            "marketing",
            "chat_reports",
            "summaries",
            "help_plans",
        )
    },
    **{
        f"GET /v1/assess/{path}": _DUTIES_GAP
        for path in (
            "keywords/queue",
            "keywords/queue.html",
            "chat-trend",
            "chat-trend.html",
            "supervisors/{supervisor_id}/help",
            "supervisors/{supervisor_id}/help.html",
        )
    },
    **{
        f"GET /v1/assess/managers/{{manager_id}}/five-day/{{date}}{suffix}": (
            "the 5 working days from date must end by 2100-12-31 (the span depends on the "
            "configured weekmask), which the path's date schema does not say"
        )
        for suffix in ("", ".html")
    },
}


@pytest.mark.parametrize("role", ["platform", "supervisor", "admin"])
@schema.parametrize()
def test_the_api_keeps_its_openapi_promises(case: Case, role: str) -> None:
    if role == "admin" and "admin" not in (case.operation.tags or []):
        pytest.skip("the admin key is a platform key outside the admin routes")
    excluded = []
    if "text/csv" in str(case.media_type):
        # a CSV body is a string to OpenAPI: its columns are in the description and the
        # example, and the body's rows are checked (and named) by the service
        excluded.append(positive_data_acceptance)
    where = f"{case.operation.method.upper()} {case.operation.path}"
    if where in KNOWN_GAPS:
        excluded.append(positive_data_acceptance)
    if where in LENIENT_ROWS:
        # rows are read as leniently as CSV cells ("31.2", "现场"): the schema gives the
        # canonical form, and some rows outside it are read too
        excluded.append(negative_data_rejection)
    # the key goes with the call, so schemathesis knows it as the real credential and
    # checks that the same request without it, or with a wrong one, is refused
    case.call_and_validate(headers={"X-API-Key": KEYS[role][1]}, excluded_checks=excluded)


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
