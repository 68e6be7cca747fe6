"""Hostile input: never a 500, and every 4xx names the field (and the row).

Issue 4, "Bad input and limits".  Every answer to bad client input is a 4xx
whose JSON body is ``{"detail": "<source>, row <n>, field <f>: <reason>",
"errors": [...]}``; in a batch of points the good rows beside the bad ones are
stored (checked in the database), and a rejected task list or store batch
stores nothing.

The cases that reach the database run on SQLite and on PostgreSQL (stricter:
NUL bytes in text, 32-bit integers, ``varchar(n)`` lengths), each in a private
database (a temporary SQLite file; a schema ``tc_hostile_<random>`` dropped at
the end).  PostgreSQL is expected at ``TRAJCHECK_TEST_POSTGRES_URL`` (default
the trust-auth server at 127.0.0.1:5432, database ``test``); when unreachable
those cases skip and say why, unless ``TRAJCHECK_REQUIRE_POSTGRES=1``.
Body parsing and size limits do not depend on the database: SQLite only.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import select
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.engine import Engine

from api.db import make_engine, upgrade
from api.db.keys import create_key
from api.db.session import writing
from api.db.tables import managers, points, stores, tasks
from api.main import create_app
from api.settings import Settings
from tests.helpers.db import PG_URL

DAY = "2026-11-20"
T0 = "2026-11-20T07:00:00+08:00"
T0_MS = 1_795_129_200_000  # T0 in epoch milliseconds
JSON = {"content-type": "application/json"}
CSV = {"content-type": "text/csv"}


# ------------------------------------------------------------------ fixtures


@dataclass
class Service:
    """An app over a migrated database, with a platform and an admin key."""

    backend: str
    engine: Engine
    client: TestClient
    platform: dict[str, str]
    admin: dict[str, str]

    def with_settings(self, **overrides: Any) -> TestClient:
        """Another app over the same database, with other settings."""
        settings = Settings(database_url=str(self.engine.url), **overrides)
        app = create_app(settings, engine=self.engine, migrate=False)
        return TestClient(app, raise_server_exceptions=False)


def _service(backend: str, engine: Engine) -> Service:
    upgrade(engine)
    secrets_by_role = {}
    with writing(engine) as conn:
        for role in ("platform", "admin"):
            secret = f"tc_{role}_{secrets.token_urlsafe(16)}"
            create_key(conn, secret=secret, name=role, role=role, team_ids=[])
            secrets_by_role[role] = secret
    app = create_app(Settings(database_url=str(engine.url)), engine=engine, migrate=False)
    return Service(
        backend=backend,
        engine=engine,
        client=TestClient(app, raise_server_exceptions=False),
        platform={"X-API-Key": secrets_by_role["platform"]},
        admin={"X-API-Key": secrets_by_role["admin"]},
    )


@pytest.fixture(scope="module")
def sqlite_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    path = tmp_path_factory.mktemp("hostile") / "hostile.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        yield _service("sqlite", engine)
    finally:
        engine.dispose()


def _postgres_or_skip() -> None:
    probe = sa.create_engine(PG_URL, connect_args={"connect_timeout": 3}, poolclass=sa.NullPool)
    try:
        with probe.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError as exc:
        reason = f"PostgreSQL unreachable at {PG_URL.split('@')[-1]}: {type(exc).__name__}"
        if os.environ.get("TRAJCHECK_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"{reason} (TRAJCHECK_REQUIRE_POSTGRES=1 makes it mandatory)")
        pytest.skip(f"{reason}; set TRAJCHECK_REQUIRE_POSTGRES=1 to make this a failure")
    finally:
        probe.dispose()


@pytest.fixture(scope="module")
def postgresql_service() -> Iterator[Service]:
    _postgres_or_skip()
    schema = f"tc_hostile_{secrets.token_hex(6)}"
    admin = sa.create_engine(PG_URL, poolclass=sa.NullPool)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield _service("postgresql", engine)
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def service(request: pytest.FixtureRequest) -> Service:
    """The cases that reach the database: on both backends."""
    found: Service = request.getfixturevalue(f"{request.param}_service")
    return found


@pytest.fixture
def lite(sqlite_service: Service) -> Service:
    """Cases that never reach the database (parsing, limits): SQLite only."""
    return sqlite_service


# ------------------------------------------------------------------ helpers


def new_id(label: str) -> str:
    """A manager id no other test uses (the database is shared by the module)."""
    return f"{label}-{secrets.token_hex(4)}"


def fix(manager_id: str, second: int = 0, **fields: Any) -> dict[str, Any]:
    """A good fix of ``manager_id``, ``second`` seconds after T0, with ``fields`` replaced."""
    row: dict[str, Any] = {
        "manager_id": manager_id,
        "timestamp": f"2026-11-20T07:00:{second:02d}+08:00",
        "lat": 31.2304,
        "lon": 121.4737,
    }
    row.update(fields)
    return row


def stored_ms(engine: Engine, manager_id: str) -> list[int]:
    """The stored instants of ``manager_id`` (epoch ms), ascending."""
    with engine.connect() as conn:
        return list(
            conn.execute(
                sa.select(points.c.t_ms)
                .join(managers, managers.c.pk == points.c.manager_pk)
                .where(managers.c.manager_id == manager_id)
                .order_by(points.c.t_ms)
            ).scalars()
        )


def count(engine: Engine, table: sa.Table) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def problem(
    r: Response,
    status: int,
    field: str | None = None,
    row: int | None = None,
    *,
    source: str | None = None,
) -> dict[str, Any]:
    """Check a 4xx answer: the status, and a detail naming source, row and field."""
    assert r.status_code == status, f"{r.status_code} (expected {status}): {r.text[:500]}"
    body = r.json()
    assert isinstance(body, dict) and set(body) == {"detail", "errors"}, body
    detail = body["detail"]
    assert isinstance(detail, str) and detail, body
    assert isinstance(body["errors"], list), body
    if source is not None:
        assert detail.startswith(source), detail
    if field is not None:
        assert field in detail, f"{field!r} not named in {detail!r}"
    if row is not None:
        assert f"row {row}," in detail or f"row {row}:" in detail, f"row {row} not in {detail!r}"
        assert any(e["row"] == row for e in body["errors"]), body["errors"]
    for e in body["errors"]:
        assert set(e) == {"source", "row", "field", "reason", "message"}, e
    return body


def rejected(r: Response, *expected: tuple[int, str | None]) -> dict[str, Any]:
    """Check a 200 ingest report that rejected exactly the ``(row, field)`` pairs given."""
    assert r.status_code == 200, r.text[:500]
    body = r.json()
    got = [(p["row"], p["field"]) for p in body["rejected"]]
    assert got == list(expected), body["rejected"]
    for p in body["rejected"]:
        assert f"row {p['row']}" in p["message"], p
        if p["field"]:
            assert f"field {p['field']}" in p["message"], p
    return body


def post_raw(client: TestClient, path: str, body: bytes, headers: dict[str, str]) -> Response:
    return client.post(path, content=body, headers={**headers, **JSON})


# ------------------------------------------------------------------ JSON structure


@pytest.mark.parametrize(
    "body",
    [
        b'{"points": [',
        b'{"points": [{"manager_id": "m"}',
        b"{points: []}",
        b"{'points': []}",
        b'{"points": []} trailing',
        b"\x00",
        b"[1,",
        b'{"points": [] ,}',
    ],
)
def test_malformed_json_is_422_naming_the_body(lite: Service, body: bytes) -> None:
    found = problem(post_raw(lite.client, "/v1/points", body, lite.platform), 422)
    assert found["detail"].startswith("body: not valid JSON at character"), found


def test_empty_json_body_is_422(lite: Service) -> None:
    problem(post_raw(lite.client, "/v1/points", b"", lite.platform), 422, "body")


@pytest.mark.parametrize("body", [b"[1, 2]", b'"points"', b"17", b"null", b"true", b"[]"])
def test_json_that_is_not_an_object_is_422(lite: Service, body: bytes) -> None:
    problem(post_raw(lite.client, "/v1/points", body, lite.platform), 422, "body")


@pytest.mark.parametrize("points_value", ['"x"', '{"a": 1}', "5", "null", "true"])
def test_points_not_a_list_is_422_naming_points(lite: Service, points_value: str) -> None:
    body = f'{{"points": {points_value}}}'.encode()
    problem(post_raw(lite.client, "/v1/points", body, lite.platform), 422, "points")


def test_missing_points_is_422_naming_points(lite: Service) -> None:
    problem(
        lite.client.post("/v1/points", json={"crs": "wgs84"}, headers=lite.platform), 422, "points"
    )


@pytest.mark.parametrize(
    ("field", "value"), [("crs", "mercator"), ("crs", 5), ("atomic", "perhaps"), ("atomic", [])]
)
def test_bad_batch_options_are_422_naming_them(lite: Service, field: str, value: Any) -> None:
    body = {"points": [fix("opt")], field: value}
    problem(lite.client.post("/v1/points", json=body, headers=lite.platform), 422, field)


def test_rows_that_are_not_objects_are_rejected_and_the_good_row_stored(service: Service) -> None:
    m = new_id("rows")
    body = {"points": [1, "a", None, [fix(m)], True, fix(m, 1)]}
    r = service.client.post("/v1/points", json=body, headers=service.platform)
    report = rejected(r, (1, None), (2, None), (3, None), (4, None), (5, None))
    assert report["received"] == 6 and report["stored"] == 1
    assert all("expected a JSON object" in p["reason"] for p in report["rejected"])
    assert stored_ms(service.engine, m) == [T0_MS + 1000]


# ------------------------------------------------------------------ wrong types, per row


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("lat", "abc"),
        ("lat", [1]),
        ("lat", {"a": 1}),
        ("lat", True),
        ("lat", ""),
        ("lat", None),
        ("lon", "121,47"),
        ("lat", 999),
        ("lat", -90.0000001),
        ("lon", -500),
        ("lon", 180.5),
        ("accuracy_m", -1),
        ("accuracy_m", "far"),
        ("speed_mps", [3]),
        ("timestamp", None),
        ("timestamp", True),
        ("timestamp", {"at": T0}),
        ("timestamp", "yesterday"),
        ("manager_id", 123),
        ("manager_id", 1.5),
        ("manager_id", None),
        ("manager_id", ""),
        ("manager_id", False),
        ("manager_id", ["m"]),
        ("manager_id", {"id": "m"}),
        ("manager_id", "x" * 65),
        ("manager_id", "a\u0000b"),
        ("manager_id", "north/042"),
    ],
)
def test_a_bad_value_rejects_its_row_and_keeps_the_good_ones(
    service: Service, field: str, value: Any
) -> None:
    m = new_id("types")
    bad = {**fix(m, 0), field: value}
    r = service.client.post(
        "/v1/points", json={"points": [fix(m, 1), bad, fix(m, 2)]}, headers=service.platform
    )
    report = rejected(r, (2, field))
    assert report["stored"] == 2
    assert stored_ms(service.engine, m) == [T0_MS + 1000, T0_MS + 2000]
    if field == "manager_id" and isinstance(value, str) and value:
        with service.engine.connect() as conn:
            names = conn.execute(sa.select(managers.c.manager_id)).scalars().all()
        assert value not in names and value.strip() not in names


def test_every_row_bad_is_422_naming_the_first(service: Service) -> None:
    m = new_id("allbad")
    body = {"points": [fix(m, 0, lat=999), fix(m, 1, lon="x")]}
    found = problem(
        service.client.post("/v1/points", json=body, headers=service.platform), 422, "lat", 1
    )
    assert [(e["row"], e["field"]) for e in found["errors"]] == [(1, "lat"), (2, "lon")]
    assert stored_ms(service.engine, m) == []


def test_atomic_batch_with_a_bad_row_stores_nothing(service: Service) -> None:
    m = new_id("atomic")
    body = {"points": [fix(m, 0), fix(m, 1, lat="abc")], "atomic": True}
    r = service.client.post("/v1/points", json=body, headers=service.platform)
    problem(r, 422, "lat", 2)
    assert stored_ms(service.engine, m) == []


@pytest.mark.parametrize(
    # (no "%": Starlette's TestClient decodes the path twice, uvicorn once)
    "manager_id",
    ["😀", "经理-上海-001", "e\u0301", "x" * 64, "m 1", "m?x=1#y"],
)
def test_unusual_but_valid_manager_ids_are_stored_and_readable(
    service: Service, manager_id: str
) -> None:
    m = manager_id + secrets.token_hex(2) if len(manager_id) < 60 else manager_id
    r = service.client.post("/v1/points", json={"points": [fix(m)]}, headers=service.platform)
    assert r.status_code == 200 and r.json()["stored"] in (0, 1), r.text
    assert stored_ms(service.engine, m) == [T0_MS]
    from urllib.parse import quote

    url = f"/v1/managers/{quote(m, safe='')}/days/{DAY}/verify"
    verified = service.client.post(url, headers=service.platform)
    assert verified.status_code == 200, verified.text
    assert verified.json()["manager_id"] == m


# ------------------------------------------------------------------ not JSON that Python accepts


@pytest.mark.parametrize(
    ("body", "source", "row", "field"),
    [
        (
            b'{"points": [{"manager_id": "m", "timestamp": 1, "lat": NaN, "lon": 1}]}',
            "points",
            1,
            "lat",
        ),
        (b'{"points": [{}, {"lon": -Infinity}]}', "points", 2, "lon"),
        (b'{"points": [{"accuracy_m": Infinity}]}', "points", 1, "accuracy_m"),
        (b'{"points": [], "atomic": NaN}', "body", None, "atomic"),
        (b'{"stores": [{"store_id": "s", "lat": NaN, "lon": 1}]}', "stores", 1, "lat"),
    ],
)
def test_nan_and_infinity_tokens_are_not_json(
    lite: Service, body: bytes, source: str, row: int | None, field: str
) -> None:
    path = "/v1/stores" if b"stores" in body else "/v1/points"
    send = lite.client.put if path == "/v1/stores" else lite.client.post
    r = send(path, content=body, headers={**lite.platform, **JSON})
    found = problem(r, 422, field, row, source=source)
    assert "is not JSON" in found["detail"], found


def test_nan_token_rejects_the_whole_batch(service: Service) -> None:
    """A body with NaN is not JSON (RFC 8259): refused whole, like a missing bracket."""
    m = new_id("nan")
    good = json.dumps(fix(m))
    body = f'{{"points": [{good}, {{"manager_id": "{m}", "timestamp": "{T0}", "lat": NaN}}]}}'
    problem(post_raw(service.client, "/v1/points", body.encode(), service.platform), 422, "lat", 2)
    assert stored_ms(service.engine, m) == []


@pytest.mark.parametrize(
    ("body", "row", "field"),
    [
        (b'{"points": [{"lat": 1, "lon": 2, "lat": 999}]}', 1, "lat"),
        (b'{"points": [{}, {"manager_id": "a", "manager_id": "b"}]}', 2, "manager_id"),
        (b'{"points": [], "points": [{}]}', None, "points"),
        (b'{"points": [], "crs": "wgs84", "crs": "gcj02"}', None, "crs"),
    ],
)
def test_repeated_keys_are_refused(lite: Service, body: bytes, row: int | None, field: str) -> None:
    found = problem(post_raw(lite.client, "/v1/points", body, lite.platform), 422, field, row)
    assert "more than once" in found["detail"], found


@pytest.mark.parametrize(
    "body",
    [
        b'{"points": [{"manager_id": "\\ud800"}]}',
        b'{"points": [{"manager_id": "m\\udfff"}]}',
        b'{"points": [{"\\udc00": 1}]}',
    ],
)
def test_lone_surrogates_are_refused(lite: Service, body: bytes) -> None:
    found = problem(post_raw(lite.client, "/v1/points", body, lite.platform), 422, row=1)
    assert "surrogate" in found["detail"], found


def test_a_surrogate_pair_is_text(service: Service) -> None:
    m = new_id("pair")
    body = json.dumps({"points": [fix(m + "😀")]}, ensure_ascii=True).encode()
    assert b"\\ud83d\\ude00" in body
    r = post_raw(service.client, "/v1/points", body, service.platform)
    assert r.status_code == 200 and r.json()["stored"] == 1, r.text
    assert stored_ms(service.engine, m + "😀") == [T0_MS]


@pytest.mark.parametrize(
    "body",
    [
        b'{"points": [{"manager_id": "\xff"}]}',
        b"\xff\xfe{\x00}\x00",
        '{"points": []}'.encode("utf-16"),
        '{"points": [{"manager_id": "经理"}]}'.encode("gb18030"),
    ],
)
def test_json_that_is_not_utf8_is_422(lite: Service, body: bytes) -> None:
    found = problem(post_raw(lite.client, "/v1/points", body, lite.platform), 422, source="body")
    assert "UTF-8" in found["detail"], found


def test_deeply_nested_json_is_422(lite: Service) -> None:
    body = b'{"points": [' + b"[" * 100_000 + b"]" * 100_000 + b"]}"
    problem(post_raw(lite.client, "/v1/points", body, lite.platform), 422, source="body")


# ------------------------------------------------------------------ timestamps


@pytest.mark.parametrize(
    "value",
    [
        "2026-11-20 07:00:09",
        "2026-11-20T07:00:09",
        "2026/11/20 07:00:09",
        "20261120T070009",
    ],
)
def test_timestamps_without_zone_are_rejected_per_row(service: Service, value: str) -> None:
    m = new_id("naive")
    body = {"points": [fix(m, 1), fix(m, 9, timestamp=value), fix(m, 2)]}
    r = service.client.post("/v1/points", json=body, headers=service.platform)
    report = rejected(r, (2, "timestamp"))
    assert (
        "UTC offset" in report["rejected"][0]["reason"]
        or "not ISO" in report["rejected"][0]["reason"]
    ), report
    assert stored_ms(service.engine, m) == [T0_MS + 1000, T0_MS + 2000]


def test_timestamps_without_zone_are_read_in_the_configured_zone(service: Service) -> None:
    m = new_id("naive-tz")
    client = service.with_settings(naive_timezone="Asia/Shanghai")
    body = {"points": [fix(m, s, timestamp=f"2026-11-20 07:00:{s:02d}") for s in (0, 1)]}
    r = client.post("/v1/points", json=body, headers=service.platform)
    assert r.status_code == 200 and r.json()["stored"] == 2, r.text
    assert stored_ms(service.engine, m) == [T0_MS, T0_MS + 1000]
    body = {"points": [fix(m, 5), fix(m, 6), fix(m, 7, timestamp="2026-11-20 07:00:07")]}
    rejected(client.post("/v1/points", json=body, headers=service.platform), (3, "timestamp"))
    # 02:30 on a spring-forward night does not exist in New York: a bad row, never a guess
    client = service.with_settings(naive_timezone="America/New_York")
    body = {"points": [fix(m, 0, timestamp="2026-03-08 02:30:00")]}
    problem(client.post("/v1/points", json=body, headers=service.platform), 422, "timestamp", 1)


@pytest.mark.parametrize(
    "value",
    [
        "9999-12-31T23:59:59Z",
        "1900-01-01T00:00:00Z",
        "0001-01-01T00:00:00+00:00",
        "1999-12-30T00:00:00Z",
        "2101-01-03T00:00:00Z",
        "2262-04-12T00:00:00Z",
        "+275760-09-13T00:00:00Z",
        "2026-02-30T07:00:00+08:00",
        "2026-11-20T25:00:00+08:00",
        "2026-11-20T07:00:00+25:00",
        1e20,
        "1e20",
        -1,
        -1_700_000_000_000,
        0,
        10**30,
        1.5,
        "NaN",
        "Infinity",
    ],
)
def test_extreme_timestamps_are_rejected_per_row(service: Service, value: Any) -> None:
    m = new_id("extreme")
    body = {"points": [fix(m, 1), fix(m, 2), fix(m, 9, timestamp=value), fix(m, 3)]}
    r = service.client.post("/v1/points", json=body, headers=service.platform)
    rejected(r, (3, "timestamp"))
    assert stored_ms(service.engine, m) == [T0_MS + 1000, T0_MS + 2000, T0_MS + 3000]


def test_epoch_timestamps_are_utc(service: Service) -> None:
    m = new_id("epoch")
    for stamp in (T0_MS // 1000, T0_MS + 500, str(T0_MS + 700)):
        body = {"points": [fix(m, timestamp=stamp)]}
        r = service.client.post("/v1/points", json=body, headers=service.platform)
        assert r.status_code == 200, r.text
    assert stored_ms(service.engine, m) == [T0_MS, T0_MS + 500, T0_MS + 700]
    # one batch takes one form (the majority's); the odd one out is a bad row, not a guess
    body = {"points": [fix(m, timestamp=T0_MS + 1000), fix(m, 0), fix(m, 1)]}
    rejected(
        service.client.post("/v1/points", json=body, headers=service.platform), (1, "timestamp")
    )


# ------------------------------------------------------------------ body size and row limits


def test_body_over_the_limit_with_content_length_is_413(lite: Service) -> None:
    body = b" " * (50 * 1024 * 1024)
    r = lite.client.post("/v1/points", content=body, headers={**lite.platform, **JSON})
    found = problem(r, 413, "body")
    assert "TRAJCHECK_MAX_BODY_BYTES" in found["detail"]


@pytest.mark.parametrize("path", ["/v1/points", "/v1/points.csv", "/v1/stores"])
def test_streamed_body_over_the_limit_is_413(lite: Service, path: str) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(50):
            yield b" " * (1024 * 1024)

    method = "PUT" if path == "/v1/stores" else "POST"
    r = lite.client.request(method, path, content=chunks(), headers={**lite.platform, **JSON})
    problem(r, 413, "body")


def _asgi_post(
    app: FastAPI, path: str, headers: dict[str, str], chunks: Iterable[bytes]
) -> tuple[int, bytes, int]:
    """POST straight to the ASGI app; return (status, body, request bytes the app read)."""
    pending = iter(chunks)
    read = 0
    done = False
    answer: dict[str, Any] = {"body": b""}

    async def receive() -> dict[str, Any]:
        nonlocal read, done
        if done:
            await asyncio.sleep(3600)  # like a server: nothing more until the client goes
        chunk = next(pending, None)
        if chunk is None:
            done = True
            return {"type": "http.request", "body": b"", "more_body": False}
        read += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
        elif message["type"] == "http.response.body":
            answer["body"] += message.get("body", b"")

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
    }
    asyncio.run(app(scope, receive, send))
    return answer["status"], answer["body"], read


def test_declared_length_over_the_limit_is_refused_before_reading(lite: Service) -> None:
    app = create_app(Settings(max_body_bytes=1_000_000), engine=lite.engine, migrate=False)
    headers = {**lite.platform, **JSON, "content-length": str(50 * 1024 * 1024)}
    status, body, read = _asgi_post(app, "/v1/points", headers, [b" " * 65536] * 800)
    assert status == 413 and read == 0
    assert json.loads(body)["detail"].startswith("body: larger than 1000000 bytes")


@pytest.mark.parametrize("path", ["/v1/points", "/v1/points.csv"])
def test_streamed_body_is_cut_off_at_the_limit(lite: Service, path: str) -> None:
    limit, chunk = 1_000_000, 65536
    app = create_app(Settings(max_body_bytes=limit), engine=lite.engine, migrate=False)
    status, body, read = _asgi_post(app, path, {**lite.platform, **JSON}, [b" " * chunk] * 800)
    assert status == 413, body
    assert json.loads(body)["detail"].startswith("body: larger than")
    assert read <= limit + chunk  # 52 MB offered, about 1 MB read


def test_real_server_answers_413_without_waiting_for_the_body(lite: Service) -> None:
    """Over a socket: 413 while the client still has most of 50 MB to send."""
    limit = 1_000_000
    app = create_app(Settings(max_body_bytes=limit), engine=lite.engine, migrate=False)
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="critical", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.02)
        port = server.servers[0].sockets[0].getsockname()[1]
        key = lite.platform["X-API-Key"]
        head = (
            f"POST /v1/points HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: {key}\r\n"
            "Content-Type: application/json\r\n"
        )
        for framing in (
            f"Content-Length: {50 * 1024 * 1024}\r\n",
            "Transfer-Encoding: chunked\r\n",
        ):
            chunked = framing.startswith("Transfer")
            status, sent = _send_until_answered(port, (head + framing + "\r\n").encode(), chunked)
            assert status == 413, status
            assert sent < 10 * limit, sent  # 50 MB offered
    finally:
        server.should_exit = True
        thread.join(10)


def _send_until_answered(port: int, head: bytes, chunked: bool) -> tuple[int, int]:
    """Send ``head`` then up to 50 MB of body; return (status, body bytes sent) on the answer."""
    piece = b" " * 65536
    frame = (b"%x\r\n" % len(piece)) + piece + b"\r\n" if chunked else piece
    sent, total = 0, 50 * 1024 * 1024
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head)
        sock.setblocking(False)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            readable, writable, _ = select.select([sock], [sock] if sent < total else [], [], 1)
            if readable:
                sock.setblocking(True)
                answer = sock.recv(65536)
                return int(answer.split(b" ", 2)[1]), sent
            if writable:
                try:
                    sent += sock.send(frame)
                except (BlockingIOError, BrokenPipeError, ConnectionResetError):
                    continue
    raise AssertionError("no answer within 20 s")


def test_too_many_points_is_413_naming_points(lite: Service) -> None:
    client = lite.with_settings(max_points_per_request=1000)
    body = {"points": [fix("many", 0)] * 1001}
    found = problem(client.post("/v1/points", json=body, headers=lite.platform), 413, "points")
    assert "1001" in found["detail"] and "1000" in found["detail"]
    csv = "manager_id,timestamp,lat,lon\n" + "many,1795129200,31.2,121.4\n" * 1001
    r = client.post("/v1/points.csv", content=csv.encode(), headers={**lite.platform, **CSV})
    problem(r, 413, "points")


def test_a_million_points_hit_the_default_limit(lite: Service) -> None:
    """1,000,001 (tiny) points in 3 MB: 413 from the default row limit, in well under a second."""
    body = b'{"points": [' + b"{}," * 1_000_000 + b"{}]}"
    start = time.perf_counter()
    found = problem(post_raw(lite.client, "/v1/points", body, lite.platform), 413, "points")
    assert "1000001" in found["detail"]
    assert time.perf_counter() - start < 5
    # a million real fixes (~70 MB) are over the default body limit before any parsing
    row = json.dumps(fix("million")).encode()
    assert len(row) * 1_000_000 > Settings().max_body_bytes


def test_too_many_tasks_and_stores_are_413(lite: Service) -> None:
    client = lite.with_settings(max_tasks_per_request=3, max_stores_per_request=3)
    tasks_body = {"tasks": [{"seq": i, "store_id": f"s{i}", "method": "phone"} for i in range(4)]}
    r = client.put(f"/v1/managers/m/days/{DAY}/tasks", json=tasks_body, headers=lite.platform)
    problem(r, 413, "tasks")
    stores_body = {"stores": [{"store_id": f"s{i}", "lat": 1, "lon": 1} for i in range(4)]}
    problem(client.put("/v1/stores", json=stores_body, headers=lite.platform), 413, "stores")


# ------------------------------------------------------------------ CSV


CSV_HEAD = "manager_id,timestamp,lat,lon\n"


def test_csv_ragged_rows_are_rejected_and_the_good_rows_stored(service: Service) -> None:
    m = new_id("ragged")
    text = (
        CSV_HEAD
        + f"{m},{T0},31.2,121.4\n"
        + f"{m},2026-11-20T07:00:01+08:00\n"
        + f"{m},2026-11-20T07:00:02+08:00,31.2,121.4,9,9,9\n"
        + f"{m},2026-11-20T07:00:03+08:00,31.2,121.4\n"
        + f"{m},2026-11-20T07:00:04+08:00,999,121.4\n"
        + f'"{m}",2026-11-20T07:00:05+08:00,"31.2","121.4"\n'
    )
    r = service.client.post(
        "/v1/points.csv", content=text.encode(), headers={**service.platform, **CSV}
    )
    report = rejected(r, (2, None), (3, None), (5, "lat"))
    assert report["received"] == 6
    assert stored_ms(service.engine, m) == [T0_MS, T0_MS + 3000, T0_MS + 5000]


@pytest.mark.parametrize(
    ("label", "body", "field"),
    [
        ("empty", b"", None),
        ("blank lines", b"\n\n  \n", None),
        ("header only", CSV_HEAD.encode(), None),
        ("missing column", b"manager_id,timestamp,lat\nm,2026-11-20T07:00:00+08:00,1\n", "lon"),
        ("binary", bytes(range(256)) * 4, None),
        ("zip", b"PK\x03\x04" + os.urandom(2000), None),
        ("json", b'{"points": []}', "manager_id"),
        ("ambiguous", b"manager_id,timestamp,lat,latitude,lon\nm,1795129200,1,1,1\n", "lat"),
    ],
)
def test_csv_that_cannot_be_read_is_422(
    lite: Service, label: str, body: bytes, field: str | None
) -> None:
    r = lite.client.post("/v1/points.csv", content=body, headers={**lite.platform, **CSV})
    problem(r, 422, field, source="points.csv")


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16", "utf-8-sig"])
def test_csv_in_other_encodings_is_read(service: Service, encoding: str) -> None:
    m = new_id("经理")
    text = CSV_HEAD + f"{m},{T0},31.2,121.4\n"
    r = service.client.post(
        "/v1/points.csv", content=text.encode(encoding), headers={**service.platform, **CSV}
    )
    assert r.status_code == 200 and r.json()["stored"] == 1, r.text
    assert stored_ms(service.engine, m) == [T0_MS]


def test_csv_text_the_database_cannot_hold_is_rejected_per_row(service: Service) -> None:
    m = new_id("csvtext")
    text = (
        CSV_HEAD
        + f"{m},{T0},31.2,121.4\n"
        + f"m\x00{m},{T0},31.2,121.4\n"
        + f"{'x' * 65},{T0},31.2,121.4\n"
        + f"{m},2026-11-20 07:00:01,31.2,121.4\n"
    )
    r = service.client.post(
        "/v1/points.csv", content=text.encode(), headers={**service.platform, **CSV}
    )
    rejected(r, (2, "manager_id"), (3, "manager_id"), (4, "timestamp"))
    assert stored_ms(service.engine, m) == [T0_MS]


def test_csv_bad_query_options_are_422(lite: Service) -> None:
    body = (CSV_HEAD + f"m,{T0},31.2,121.4\n").encode()
    for query, field in (("crs=utm", "crs"), ("atomic=perhaps", "atomic")):
        r = lite.client.post(
            f"/v1/points.csv?{query}", content=body, headers={**lite.platform, **CSV}
        )
        problem(r, 422, field, source="query")


# ------------------------------------------------------------------ task lists


def task(seq: int = 1, store_id: str = "t-s1", **fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "seq": seq,
        "store_id": store_id,
        "lat": 31.23,
        "lon": 121.47,
        "method": "onsite",
    }
    row.update(fields)
    return row


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        (task(seq=10**12), "seq"),
        (task(seq=2**31), "seq"),
        (task(seq=-(2**31) - 1), "seq"),
        (task(seq=2**53 + 2), "seq"),
        (task(seq=1.5), "seq"),
        (task(seq="first"), "seq"),
        (task(method="fly"), "method"),
        (task(method=1), "method"),
        (task(method=None), "method"),
        (task(store_id="x" * 65), "store_id"),
        (task(store_id="s\x00"), "store_id"),
        (task(store_id=123), "store_id"),
        (task(store_id=None), "store_id"),
        (task(store_id=["s"]), "store_id"),
        (task(store_name="n" * 201), "store_name"),
        (task(store_name="n\x00"), "store_name"),
        (task(store_name={"zh": "店"}), "store_name"),
        (task(market_id="m" * 65), "market_id"),
        (task(market_id="m\x00"), "market_id"),
        (task(lat=999), "lat"),
        (task(lon=-500), "lon"),
        (task(lat="NaN"), "lat"),
        (task(lat=[31]), "lat"),
        (task(reported_visited="maybe"), "reported_visited"),
        (task(reported_visited=[True]), "reported_visited"),
        ({"seq": 2, "store_id": "unknown-store", "method": "onsite"}, "store_id"),
        (task(store_id="t-s0"), "store_id"),  # the same store twice
    ],
)
def test_a_bad_task_rejects_the_whole_list(
    service: Service, bad: dict[str, Any], field: str
) -> None:
    m = new_id("tasks")
    url = f"/v1/managers/{m}/days/{DAY}/tasks"
    first = service.client.put(url, json={"tasks": [task(0, "t-s0")]}, headers=service.platform)
    assert first.status_code == 200, first.text
    r = service.client.put(url, json={"tasks": [task(0, "t-s0"), bad]}, headers=service.platform)
    problem(r, 422, field, 2, source="tasks")
    kept = service.client.get(url, headers=service.platform).json()["tasks"]
    assert [t["store_id"] for t in kept] == ["t-s0"]  # the list before the bad PUT


def test_extreme_but_valid_tasks_are_stored(service: Service) -> None:
    m = new_id("tasks-ok")
    url = f"/v1/managers/{m}/days/{DAY}/tasks"
    body = {
        "tasks": [
            task(2**31 - 1, "a" * 64, store_name="店" * 200, market_id="😀" * 64),
            task(-(2**31), "b", lat=-90, lon=180, method="电话", reported_visited="是"),
        ]
    }
    r = service.client.put(url, json=body, headers=service.platform)
    assert r.status_code == 200, r.text
    got = service.client.get(url, headers=service.platform).json()["tasks"]
    assert [(t["seq"], t["store_id"], t["method"]) for t in got] == [
        (-(2**31), "b", "phone"),
        (2**31 - 1, "a" * 64, "onsite"),
    ]


def test_tasks_without_reported_visited_read_as_visited(service: Service) -> None:
    m = new_id("rv")
    url = f"/v1/managers/{m}/days/{DAY}/tasks"
    r = service.client.put(url, json={"tasks": [task()]}, headers=service.platform)
    assert r.status_code == 200 and r.json()["tasks"][0]["reported_visited"] is True, r.text


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"tasks": "x"}, "tasks"),
        ({"tasks": None}, "tasks"),
        ({}, "tasks"),
        ({"tasks": [task()], "crs": "osgb"}, "crs"),
    ],
)
def test_task_list_shapes_are_422(service: Service, body: Any, field: str) -> None:
    r = service.client.put(f"/v1/managers/m/days/{DAY}/tasks", json=body, headers=service.platform)
    problem(r, 422, field)


# ------------------------------------------------------------------ stores

STORE_A = '{"store_id": "a", "lat": 1, "lon": 1}'


@pytest.mark.parametrize(
    ("raw", "row", "field"),
    [
        ('{"stores": [{"store_id": "s", "lat": NaN, "lon": 1}]}', 1, "lat"),
        ('{"stores": [{"store_id": "s", "lat": 1, "lon": Infinity}]}', 1, "lon"),
        ('{"stores": [{"store_id": "s", "lat": 91, "lon": 1}]}', 1, "lat"),
        ('{"stores": [{"store_id": "s", "lat": "x", "lon": 1}]}', 1, "lat"),
        (f'{{"stores": [{STORE_A}, {STORE_A}]}}', 2, "store_id"),
        (f'{{"stores": [{STORE_A}, {{"store_id": "", "lat": 1, "lon": 1}}]}}', 2, "store_id"),
        ('{"stores": [{"store_id": "s\\u0000", "lat": 1, "lon": 1}]}', 1, "store_id"),
        ('{"stores": [{"store_id": "' + "s" * 65 + '", "lat": 1, "lon": 1}]}', 1, "store_id"),
        (
            '{"stores": [{"store_id": "s", "name": "' + "n" * 201 + '", "lat": 1, "lon": 1}]}',
            1,
            "name",
        ),
        ('{"stores": [{"store_id": "s", "name": "n\\u0000", "lat": 1, "lon": 1}]}', 1, "name"),
        (
            '{"stores": [{"store_id": "s", "market_id": "\\u0000", "lat": 1, "lon": 1}]}',
            1,
            "market_id",
        ),
        ('{"stores": [{"store_id": 7, "lat": 1, "lon": 1}]}', 1, "store_id"),
        ('{"stores": [{"store_id": "s", "lat": 1, "lon": 1, "lat": 2}]}', 1, "lat"),
        ('{"stores": [7]}', 1, None),
    ],
)
def test_bad_stores_store_nothing(service: Service, raw: str, row: int, field: str | None) -> None:
    before = count(service.engine, stores)
    r = service.client.put("/v1/stores", content=raw.encode(), headers={**service.platform, **JSON})
    problem(r, 422, field, row, source="stores")
    assert count(service.engine, stores) == before


def test_huge_but_valid_store_names_are_stored(service: Service) -> None:
    sid = "s" * 60 + secrets.token_hex(2)
    body = {
        "crs": "gcj02",
        "stores": [{"store_id": sid, "name": "店" * 200, "lat": 31.2, "lon": 121.4}],
    }
    r = service.client.put("/v1/stores", json=body, headers=service.platform)
    assert r.status_code == 200, r.text
    with service.engine.connect() as conn:
        name = conn.execute(sa.select(stores.c.name).where(stores.c.store_id == sid)).scalar_one()
    assert name == "店" * 200


# ------------------------------------------------------------------ path and query parameters


@pytest.mark.parametrize(
    ("manager_id", "status", "field"),
    [
        ("m%00", 422, "manager_id"),
        ("x" * 65, 422, "manager_id"),
        ("%E7%BB%8F%E7%90%86%F0%9F%98%80", 404, None),  # 经理😀, unknown to the platform
        ("%ED%A0%80", 404, None),  # a UTF-8-encoded surrogate: not text, not a manager
        ("%FF", 404, None),
    ],
)
def test_hostile_manager_ids_in_the_path(
    service: Service, manager_id: str, status: int, field: str | None
) -> None:
    for method, suffix in (
        ("GET", "tasks"),
        ("GET", "result"),
        ("POST", "verify"),
        ("GET", "report.html"),
    ):
        r = service.client.request(
            method, f"/v1/managers/{manager_id}/days/{DAY}/{suffix}", headers=service.platform
        )
        problem(r, status, field)


@pytest.mark.parametrize(
    ("date", "reason"),
    [
        ("0001-01-01", "outside"),
        ("9999-12-31", "outside"),
        ("1999-12-31", "outside"),
        ("2101-01-01", "outside"),
        ("2026-02-30", "date"),
        ("2026-13-01", "date"),
        ("20261120x", "date"),
        ("yesterday", "date"),
        ("-0001-01-01", "date"),
        ("99999-01-01", "date"),
        ("0", "date"),  # pydantic alone reads numbers as Unix times: 1970-01-01
        ("1795129200", "date"),
        ("2026-11-20T00:00:00", "date"),
    ],
)
def test_hostile_dates_in_the_path(service: Service, date: str, reason: str) -> None:
    m = new_id("dates")
    service.client.post("/v1/points", json={"points": [fix(m)]}, headers=service.platform)
    for method, suffix in (
        ("GET", "tasks"),
        ("PUT", "tasks"),
        ("POST", "verify"),
        ("GET", "result"),
    ):
        body = {"tasks": []} if method == "PUT" else None
        r = service.client.request(
            method, f"/v1/managers/{m}/days/{date}/{suffix}", json=body, headers=service.platform
        )
        found = problem(r, 422, "date", source="path")
        assert reason in found["detail"], found
    problem(
        service.client.get(f"/v1/days/{date}/index.html", headers=service.platform), 422, "date"
    )


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "limit"),
        ("limit=1000000000000", "limit"),
        ("limit=-1", "limit"),
        ("limit=abc", "limit"),
        ("limit=1e3", "limit"),
        ("offset=-1", "offset"),
        ("offset=1000000000000", "offset"),
        ("offset=99999999999999999999999999", "offset"),
        ("team_id=%00", "team_id"),
        ("team_id=" + "t" * 65, "team_id"),
        ("date=2026-02-30", "date"),
        ("date=0001-01-01", "date"),
        ("date=1795129200", "date"),
        ("date=2026-11-20T00:00:00Z", "date"),
        ("status=great", "status"),
        ("check=speed", "check"),
        ("verdict=%F0%9F%98%80", "verdict"),
    ],
)
def test_hostile_query_parameters(service: Service, query: str, field: str) -> None:
    r = service.client.get(f"/v1/results?{query}", headers=service.platform)
    problem(r, 422, field)


def test_odd_but_valid_query_parameters(service: Service) -> None:
    for query in ("limit=1000&offset=10000000", "team_id=%E7%BB%8F%F0%9F%98%80", "limit=+5"):
        r = service.client.get(f"/v1/results?{query}", headers=service.platform)
        assert r.status_code == 200 and isinstance(r.json()["items"], list), r.text


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-API-Key": ""},
        {"X-API-Key": "tc_" + "A" * 10_000},
        {"X-API-Key": b"\xff\xfe\x00"},
        {"Authorization": "Bearer"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": b"Bearer \xe9\xe9"},
        {"Cookie": "trajcheck_key=%00"},
        {"Cookie": "trajcheck_session=%00"},
    ],
)
def test_hostile_keys_are_401(service: Service, headers: dict[str, Any]) -> None:
    r = service.client.get("/v1/results", headers=headers)
    assert r.status_code == 401, r.text
    assert isinstance(r.json()["detail"], str) and "key" in r.json()["detail"]


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("PUT", "/v1/teams/t%00", {}, "team_id"),
        ("PUT", "/v1/teams/" + "t" * 65, {}, "team_id"),
        ("PUT", "/v1/teams/t", {"name": "n\x00"}, "name"),
        ("PUT", "/v1/teams/t", {"name": "n" * 201}, "name"),
        ("PUT", "/v1/managers/m", {"team_id": "t\x00"}, "team_id"),
        ("PUT", "/v1/managers/m", {"team_id": 5}, "team_id"),
        ("POST", "/v1/keys", {"role": "root"}, "role"),
        ("POST", "/v1/keys", {"role": "supervisor", "team_ids": ["t\x00"]}, "team_ids"),
        ("POST", "/v1/keys", {"role": "supervisor", "team_ids": []}, "team_ids"),
        ("POST", "/v1/keys", {"role": "platform", "name": "k\x00"}, "name"),
        ("DELETE", "/v1/keys/99999999999999", None, "key_id"),
        ("DELETE", "/v1/keys/0", None, "key_id"),
        ("DELETE", "/v1/keys/one", None, "key_id"),
    ],
)
def test_hostile_admin_input(
    service: Service, method: str, path: str, body: Any, field: str
) -> None:
    r = service.client.request(method, path, json=body, headers=service.admin)
    problem(r, 422, field)


def test_unknown_routes_and_methods_have_the_error_body(lite: Service) -> None:
    problem(lite.client.get("/v1/nothing", headers=lite.platform), 404)
    problem(lite.client.delete("/v1/points", headers=lite.platform), 405)


def test_wrong_content_type_is_422(lite: Service) -> None:
    body = json.dumps({"points": [fix("ct")]}).encode()
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data"):
        r = lite.client.post(
            "/v1/points", content=body, headers={**lite.platform, "content-type": content_type}
        )
        problem(r, 422, "body")


def test_the_points_table_holds_nothing_from_refused_managers(service: Service) -> None:
    """Across the module: no manager id the database should never have seen."""
    with service.engine.connect() as conn:
        names = conn.execute(sa.select(managers.c.manager_id)).scalars().all()
    for name in names:
        assert "\x00" not in name and "/" not in name and 0 < len(name) <= 64, name
    assert count(service.engine, tasks) >= 0


def test_405_lists_every_method_of_the_path(lite: Service) -> None:
    r = lite.client.delete(f"/v1/managers/m/days/{DAY}/tasks", headers=lite.platform)
    problem(r, 405)
    assert r.headers["allow"] == "GET, PUT"  # Starlette alone said "PUT"


@pytest.mark.parametrize(
    "authorization", ["Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Token abc", "bearer"]
)
def test_an_unusable_authorization_header_is_not_skipped(
    service: Service, authorization: str
) -> None:
    """A valid X-API-Key behind a bad Authorization header does not get the request through."""
    headers = {**service.platform, "Authorization": authorization}
    r = service.client.get("/v1/results", headers=headers)
    assert r.status_code == 401, r.text
    assert "Authorization" in r.json()["detail"]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/v1/points", {"points": [], "atomic": 0}, "atomic"),
        ("/v1/points", {"points": [], "atomic": "true"}, "atomic"),
        ("/v1/stores", {"stores": [{"store_id": "s", "lat": 1, "lon": False}]}, "lon"),
        ("/v1/stores", {"stores": [{"store_id": "s", "lat": "31.2", "lon": 1}]}, "lat"),
        ("/v1/stores", {"stores": [{"store_id": 5, "lat": 1, "lon": 1}]}, "store_id"),
    ],
)
def test_json_types_are_not_coerced(lite: Service, path: str, body: Any, field: str) -> None:
    send = lite.client.put if path == "/v1/stores" else lite.client.post
    problem(send(path, json=body, headers=lite.platform), 422, field)


@pytest.mark.parametrize("crs", ["gcj02", "bd09"])
def test_coordinates_at_the_poles_and_the_antimeridian_stay_on_the_globe(
    service: Service, crs: str
) -> None:
    """BD-09's offset applies everywhere: -90 would come out as -90.0065 (and 90 warned /0)."""
    corners = [(90.0, 0.0), (-90.0, 180.0), (-90.0, -180.0), (0.0, -180.0)]
    sid = f"pole-{crs}-"
    body = {
        "crs": crs,
        "stores": [
            {"store_id": f"{sid}{i}", "lat": a, "lon": o} for i, (a, o) in enumerate(corners)
        ],
    }
    r = service.client.put("/v1/stores", json=body, headers=service.platform)
    assert r.status_code == 200, r.text
    with service.engine.connect() as conn:
        rows = conn.execute(
            sa.select(stores.c.lat, stores.c.lon).where(stores.c.store_id.startswith(sid))
        ).all()
    assert len(rows) == 4
    assert all(-90 <= a <= 90 and -180 <= o <= 180 for a, o in rows), rows
    m = new_id(f"pole-{crs}")
    points_body = {
        "crs": crs,
        "points": [fix(m, i, lat=a, lon=o) for i, (a, o) in enumerate(corners)],
    }
    r = service.client.post("/v1/points", json=points_body, headers=service.platform)
    assert r.status_code == 200 and r.json()["stored"] == 4, r.text
    tasks_body = {
        "crs": crs,
        "tasks": [task(i, f"p{i}", lat=a, lon=o) for i, (a, o) in enumerate(corners)],
    }
    r = service.client.put(
        f"/v1/managers/{m}/days/{DAY}/tasks", json=tasks_body, headers=service.platform
    )
    assert r.status_code == 200, r.text
