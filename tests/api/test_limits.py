"""Row limits before parsing, and capped error lists (issue 14, items 2 and 3)."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.errors import error_body
from api.limits import count_json_rows
from tests.helpers.assess_service import Keys, make_keys
from tests.helpers.db import create_key
from trajectory.errors import RowProblem

CSV = {"content-type": "text/csv"}


@pytest.fixture
def small(make_client: object, engine: Engine) -> Iterator[tuple[TestClient, Keys]]:
    keys = make_keys(engine)
    c = make_client(max_import_rows=50, max_problems=5, max_points_per_request=50)  # type: ignore[operator]
    yield c, keys


@pytest.mark.parametrize(
    ("body", "rows"),
    [
        (b'{"rows": []}', 1),
        (b'{"rows": [{}]}', 1),
        (b'{"rows": [{}, {}, {"a": [1, 2, {"b": ","}]}]}', 3),
        (b'{"crs": "wgs84", "rows": [{"x": "a,\\",[b"}, 7]}', 2),
    ],
)
def test_rows_are_counted_on_the_bytes(body: bytes, rows: int) -> None:
    assert count_json_rows(body) == rows


def test_the_count_never_exceeds_the_body_length() -> None:
    """api.http counts only bodies longer than the row limit: each counted comma or
    bracket is a byte of its own (issue 18)."""
    rng = random.Random(18)
    alphabet = b'{}[],:"\\ a1'
    bodies = [b'{"a":[' + b"," * 500 + b"]}", b"[" * 300, b'{"a":[[[[,,,,]]]]}', b'{"a":["x\\"]}']
    bodies += [bytes(rng.choice(alphabet) for _ in range(rng.randint(0, 60))) for _ in range(3000)]
    for body in bodies:
        assert count_json_rows(body) <= len(body), body


@pytest.mark.parametrize("kind", ["brands", "orders", "summaries"])
def test_json_import_over_the_row_limit_is_413(small: tuple[TestClient, Keys], kind: str) -> None:
    c, keys = small
    r = c.post(f"/v1/assess/{kind}", json={"rows": [{}] * 51}, headers=keys.h(keys.platform))
    assert r.status_code == 413, r.text
    assert "the limit is 50" in r.json()["detail"]


def test_csv_import_over_the_row_limit_is_413(small: tuple[TestClient, Keys]) -> None:
    c, keys = small
    body = "brand,kind\n" + "x,lead\n" * 51
    h = {**keys.h(keys.platform), **CSV}
    r = c.post("/v1/assess/import.csv?kind=brands", content=body, headers=h)
    assert r.status_code == 413, r.text


def test_rejected_rows_are_capped_with_a_count(small: tuple[TestClient, Keys]) -> None:
    c, keys = small
    rows = [{"brand": "", "kind": "lead"}] * 40 + [{"brand": "ok", "kind": "lead"}]
    r = c.post("/v1/assess/brands", json={"rows": rows}, headers=keys.h(keys.platform))
    assert r.status_code == 200, r.text
    assert len(r.json()["rejected"]) == 5
    assert r.json()["rejected_total"] == 40
    r = c.post("/v1/assess/brands", json={"rows": rows[:40]}, headers=keys.h(keys.platform))
    assert r.status_code == 422
    assert len(r.json()["errors"]) == 40


def test_error_lists_keep_the_first_1000_and_count_them_all() -> None:
    problems = [RowProblem("rows", i, "brand", "missing") for i in range(1, 5001)]
    body = error_body("rows, row 1, field brand: missing", problems)
    assert len(body["errors"]) == 1000 and body["errors"][0]["row"] == 1
    assert body["errors_total"] == 5000


def test_points_csv_stops_at_the_limit_while_streaming(
    small: tuple[TestClient, Keys], engine: Engine
) -> None:
    c, _ = small
    secret, _id = create_key(engine, "platform", name="p2")
    sent = 0

    def chunks() -> Iterator[bytes]:
        nonlocal sent
        yield b"manager_id,timestamp,lat,lon\n"
        for _ in range(10_000):
            sent += 1
            yield b"m1,2026-11-20T07:00:00+08:00,31.2,121.4\n" * 10

    r = c.post("/v1/points.csv", content=chunks(), headers={"X-API-Key": secret, **CSV})
    assert r.status_code == 413, r.text
    # counted while the body streams in: "more than", not the count of a parsed body
    assert "more than 50 rows" in r.json()["detail"], r.text
    assert sent == 10_000


def test_points_json_over_the_limit_is_413_before_parsing(
    make_client: object, engine: Engine
) -> None:
    c = make_client(max_points_per_request=1000)  # type: ignore[operator]
    secret, _id = create_key(engine, "platform", name="p3")
    body = b'{"points": [' + b",".join([b"{}"] * 2_000_000) + b"]}"
    started = time.process_time()
    h = {"X-API-Key": secret, "content-type": "application/json"}
    r = c.post("/v1/points", content=body, headers=h)
    assert r.status_code == 413, r.text
    assert time.process_time() - started < 2.0
