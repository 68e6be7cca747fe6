"""One range for every date and instant the service takes (issue 14, item 1).

Values outside 2000-01-01 .. 2100-12-31 are a 422 naming the field on every write
route; the extremes inside are stored, and then every read route answers them
without a server error, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.helpers.assess_service import Keys, client_for, import_sample, make_keys

OUTSIDE = [
    "2300-01-01T00:00:00Z",
    "1600-01-01T00:00:00Z",
    "1970-01-01T00:00:00Z",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-12:00",
]
FIRST, LAST = "2000-01-01T00:00:00+14:00", "2100-12-31T23:59:59-12:00"
DAYS = ("2000-01-01", "2100-12-31")


@pytest.fixture
def city(engine: Engine) -> Iterator[tuple[TestClient, Keys]]:
    import_sample(engine)
    keys = make_keys(engine)
    with client_for(engine) as c:
        yield c, keys


@pytest.mark.parametrize("at", OUTSIDE)
def test_reassignment_outside_the_days_is_422_and_reads_still_work(
    city: tuple[TestClient, Keys], at: str
) -> None:
    c, keys = city
    body = {"buyer_id": "B029", "manager_id": "F12", "at": at}
    r = c.post("/v1/assess/reassignments", json=body, headers=keys.h(keys.platform))
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["field"] == "at"
    assert c.get("/v1/assess/buyers", headers=keys.h(keys.platform)).status_code == 200


@pytest.mark.parametrize(
    ("kind", "row"),
    [
        (
            "declarations",
            {
                "manager_id": "F11",
                "declared_on": "1970-01-01",
                "buyer_id": "B067",
                "product": "猪五花肉",
                "brand": "雨润",
                "net_weight": "10kg",
                "boxes": 9,
            },
        ),
        (
            "orders",
            {
                "order_id": "O9",
                "buyer_id": "B002",
                "placed_at": "1970-01-02T08:00:00+08:00",
                "product": "猪肋排",
                "brand": "双汇",
                "net_weight": "15kg",
                "boxes": 2,
                "amount": 10.5,
                "status": "delivered",
            },
        ),
    ],
)
def test_imported_dates_outside_the_days_are_rejected_naming_the_field(
    city: tuple[TestClient, Keys], kind: str, row: dict[str, object]
) -> None:
    c, keys = city
    r = c.post(f"/v1/assess/{kind}", json={"rows": [row]}, headers=keys.h(keys.platform))
    assert r.status_code == 422, r.text
    assert "outside the days 2000-01-01 .. 2100-12-31" in r.text


def _write_extremes(c: TestClient, keys: Keys) -> None:
    h = keys.h(keys.platform)
    points = [
        {"manager_id": "F12", "timestamp": t, "lat": 31.2, "lon": 121.4} for t in (FIRST, LAST)
    ]
    assert c.post("/v1/points", json={"points": points}, headers=h).status_code == 200
    csv = f"manager_id,timestamp,lat,lon\nF11,{FIRST},31.2,121.4\nF11,{LAST},31.2,121.4\n"
    r = c.post("/v1/points.csv", content=csv, headers={**h, "content-type": "text/csv"})
    assert r.status_code == 200, r.text
    for day in DAYS:
        tasks = {
            "tasks": [{"seq": 1, "store_id": "S1", "lat": 31.2, "lon": 121.4, "method": "onsite"}]
        }
        r = c.put(f"/v1/managers/F12/days/{day}/tasks", json=tasks, headers=h)
        assert r.status_code == 200, r.text
        assert c.post(f"/v1/managers/F12/days/{day}/verify", headers=h).status_code == 200
    order = {
        "order_id": "O9",
        "buyer_id": "B002",
        "placed_at": LAST,
        "product": "猪肋排",
        "brand": "双汇",
        "net_weight": "15kg",
        "boxes": 2,
        "amount": 1,
        "status": "delivered",
    }
    decl = {
        "manager_id": "F11",
        "declared_on": DAYS[0],
        "buyer_id": "B067",
        "product": "猪五花肉",
        "brand": "雨润",
        "net_weight": "10kg",
        "boxes": 9,
    }
    for kind, row in (("orders", order), ("declarations", decl)):
        r = c.post(f"/v1/assess/{kind}", json={"rows": [row]}, headers=h)
        assert r.status_code == 200, r.text
    summary = {
        "manager_id": "F12",
        "date": DAYS[1],
        "target_onsite": 1,
        "target_phone": 1,
        "target_chat": 1,
        "actual_onsite": 1,
        "actual_phone": 1,
        "actual_chat": 1,
    }
    r = c.post("/v1/assess/summaries", json={"rows": [summary]}, headers=h)
    assert r.status_code in (200, 404), r.text  # the marketing route, when it exists
    r = c.post(
        "/v1/assess/reassignments",
        json={"buyer_id": "B029", "manager_id": "F12", "at": LAST},
        headers=h,
    )
    assert r.status_code == 200, r.text


def test_the_extremes_are_stored_and_every_read_route_answers_them(
    city: tuple[TestClient, Keys],
) -> None:
    c, keys = city
    _write_extremes(c, keys)
    values = {
        "manager_id": "F12",
        "supervisor_id": "F12",
        "team_id": "north",
        "key_id": "1",
        "name": "swagger-ui.css",
    }
    routes = [r for r in c.app.routes if isinstance(r, APIRoute) and "GET" in (r.methods or ())]  # type: ignore[attr-defined]
    assert len(routes) >= 15
    failed = []
    for route in routes:
        for day in DAYS:
            fill = {**values, "date": day}
            url = re.sub(r"\{(\w+)\}", lambda m, f=fill: f[m[1]], route.path)
            for query in ("", f"?as_of={day}&date={day}&buyer_id=B029"):
                for who in (keys.platform, keys.north):
                    r = c.get(url + query, headers=keys.h(who))
                    if r.status_code >= 500:
                        failed.append((url + query, r.status_code, r.text[:200]))
    assert not failed, failed
