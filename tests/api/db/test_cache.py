"""The service keeps part 1's tables per process while the data version stands
(api/db/cache.py, one per app): no reload for a second request, a reload after any write,
the same answers as without the cache."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Connection, Engine

import api.db.assess
import api.db.rows
from api.db import upgrade
from api.db.assess import import_rows, load_dataset
from api.db.assignments import reassign
from api.db.cache import DatasetCache
from api.db.rows import data_version
from api.db.session import writing
from assessment.io import Dataset, raw_from_records
from tests.helpers.assess import AREAS, BRANDS, CLUSTERS, PEOPLE, buyer, order
from tests.helpers.assess_service import AS_OF, Keys, client_for, make_keys
from tests.helpers.db import new_database

UTC = dt.UTC


@pytest.fixture(autouse=True)
def loads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """How often the tables were loaded (one entry per :func:`load_dataset` call)."""
    calls: list[int] = []
    real = load_dataset

    def spy(conn: Connection) -> Dataset:
        calls.append(1)
        return real(conn)

    monkeypatch.setattr(api.db.assess, "load_dataset", spy)
    yield calls


@pytest.fixture
def writable(engine: Engine) -> Iterator[tuple[TestClient, Keys]]:
    """A client over a database holding the base rows and buyers B1, B2 with orders."""
    keys = make_keys(engine)
    with client_for(engine) as c:
        for kind, rows in (
            ("areas", AREAS),
            ("clusters", CLUSTERS),
            ("people", PEOPLE),
            ("brands", BRANDS),
            ("buyers", [buyer("B1"), buyer("B2", activated_at=None)]),
            ("orders", [order("O1", "B1", "2026-11-20", 3)]),
        ):
            r = post(c, keys, kind, rows)
            assert r.status_code == 200 and not r.json()["rejected"], r.text
        yield c, keys


def post(client: TestClient, keys: Keys, kind: str, rows: list[dict[str, Any]]) -> Any:
    return client.post(f"/v1/assess/{kind}", json={"rows": rows}, headers=Keys.h(keys.platform))


def get(w: tuple[TestClient, Keys], path: str, **params: str) -> Any:
    client, keys = w
    r = client.get(path, params={"as_of": AS_OF, **params}, headers=Keys.h(keys.platform))
    assert r.status_code == 200, r.text
    return r.json() if path.endswith(("buyers", "orders", "history")) else r.text


def put(engine: Engine, kind: str, rows: list[dict[str, Any]]) -> None:
    """Rows stored as another worker would: not through this process's app."""
    raw, problems = raw_from_records(rows, kind, kind)
    report = import_rows(engine, kind, raw, problems, source=kind, timezone="Asia/Shanghai")
    assert not report.rejected


def version(engine: Engine) -> int | None:
    with engine.connect() as conn:
        return data_version(conn)


def test_a_second_request_does_not_reload(
    writable: tuple[TestClient, Keys], loads: list[int]
) -> None:
    first = get(writable, "/v1/assess/buyers")
    assert len(loads) == 1
    assert get(writable, "/v1/assess/buyers") == first
    get(writable, "/v1/assess/buyers.html")
    get(writable, "/v1/assess/orders")
    get(writable, "/v1/assess/orders.html")
    get(writable, "/v1/assess/buyers/history", buyer_id="B1")
    assert len(loads) == 1


def test_every_write_is_seen_by_the_next_request(
    engine: Engine, writable: tuple[TestClient, Keys], loads: list[int]
) -> None:
    client, keys = writable
    assert get(writable, "/v1/assess/buyers")["total"] == 2
    before = version(engine)

    assert post(client, keys, "buyers", [buyer("B3")]).status_code == 200  # through the API
    assert version(engine) != before
    assert get(writable, "/v1/assess/buyers")["total"] == 3
    assert len(loads) == 2

    put(engine, "buyers", [buyer("B4")])  # another worker's import
    assert get(writable, "/v1/assess/buyers")["total"] == 4
    assert len(loads) == 3

    earlier = get(writable, "/v1/assess/buyers")["items"]
    put(engine, "orders", [order("O2", "B1", "2026-11-21", 700)])
    assert get(writable, "/v1/assess/buyers")["items"] != earlier
    assert len(loads) == 4

    r = client.post(
        "/v1/assess/reassignments",
        json={"buyer_id": "B3", "manager_id": "F2", "at": "2026-11-25T00:00:00+00:00"},
        headers=Keys.h(keys.platform),
    )
    assert r.status_code == 409  # activated: refused, nothing written, nothing reloaded
    get(writable, "/v1/assess/buyers")
    assert len(loads) == 4
    with writing(engine) as conn:  # another worker's reassignment
        reassign(conn, "B2", "F2", at=dt.datetime(2026, 11, 25, tzinfo=UTC))
    held = {i["buyer_id"]: i["manager_id"] for i in get(writable, "/v1/assess/buyers")["items"]}
    assert held["B2"] == "F2"
    history = get(writable, "/v1/assess/buyers/history", buyer_id="B2")["periods"]
    assert [p["manager_id"] for p in history] == ["F1", "F2"]
    assert len(loads) == 5


def test_a_refused_or_empty_import_keeps_the_version(
    engine: Engine, writable: tuple[TestClient, Keys]
) -> None:
    client, keys = writable
    before = version(engine)
    r = client.post(
        "/v1/assess/buyers",
        json={"rows": [buyer("B5"), buyer("B6", lat=99)], "atomic": True},
        headers=Keys.h(keys.platform),
    )
    assert r.status_code == 422
    assert version(engine) == before


def test_scorecards_read_the_kept_tables(
    writable: tuple[TestClient, Keys], loads: list[int]
) -> None:
    get(writable, "/v1/assess/buyers")
    client, keys = writable
    for path in (
        "/v1/assess/days/2026-11-20/scorecards",
        "/v1/assess/managers/F1/five-day/2026-11-16",
    ):
        r = client.get(path, headers=Keys.h(keys.platform))
        assert r.status_code == 200, r.text
    assert len(loads) == 1


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/v1/assess/buyers", {}),
        ("/v1/assess/buyers", {"view": "due"}),
        ("/v1/assess/buyers.html", {"lang": "zh"}),
        ("/v1/assess/orders", {}),
        ("/v1/assess/orders.html", {}),
    ],
)
def test_the_same_answers_with_and_without_the_cache(
    sample_engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    loads: list[int],
    path: str,
    params: dict[str, str],
) -> None:
    keys = make_keys(sample_engine)
    with client_for(sample_engine) as client:
        w = (client, keys)
        loaded, kept = get(w, path, **params), get(w, path, **params)
        assert len(loads) == 1
        monkeypatch.setattr(api.db.rows, "data_version", lambda conn: None)  # never kept
        uncached = [get(w, path, **params) for _ in range(2)]
        assert len(loads) == 3
    assert loaded == kept == uncached[0] == uncached[1]


def test_callers_get_their_own_copy(engine: Engine, writable: tuple[TestClient, Keys]) -> None:
    cache = DatasetCache()
    with engine.connect() as conn:
        mine = cache.dataset(conn)
        fresh = load_dataset(conn)
    mine.buyers.loc[:, "manager_id"] = "F2"
    mine.orders.loc[:, "boxes"] = 0
    mine.orders.iloc[0, 0] = "X"
    mine.people["team_id"] = None
    with engine.connect() as conn:
        again = cache.dataset(conn)
    for kind in ("buyers", "orders", "people", "assignments"):
        pd.testing.assert_frame_equal(again.frame(kind), fresh.frame(kind))


def test_concurrent_requests_load_once(
    engine: Engine, writable: tuple[TestClient, Keys], loads: list[int]
) -> None:
    cache = DatasetCache()

    def read(_: int) -> int:
        with engine.connect() as conn:
            return len(cache.dataset(conn).buyers)

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(read, range(16))) == [2] * 16
    assert len(loads) == 1


def test_nothing_is_kept_without_a_version_row(engine: Engine, loads: list[int]) -> None:
    assert version(engine) is None  # emptied by the fixture, version row included
    cache = DatasetCache()
    for _ in range(2):
        with engine.connect() as conn:
            assert cache.dataset(conn).buyers.empty
    assert len(loads) == 2


def test_a_migrated_database_has_a_version(tmp_path: Path) -> None:
    with new_database("sqlite", tmp_path) as fresh:
        upgrade(fresh)
        assert version(fresh) is not None
