"""``PUT``/``GET /v1/managers/{manager_id}/days/{date}/tasks`` on both databases: a task list
replaces the day's, takes coordinates from the store master data, stores nothing when bad."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.helpers.db import Keys
from tests.helpers.service import (
    bearer,
    get_tasks,
    put_tasks,
    task,
)
from tests.tracks import DAY, at


def test_tasks_put_replaces(client: TestClient, keys: Keys) -> None:
    r = put_tasks(client, keys, [task(1, "s1"), task(2, "s2"), task(3, "s3")])
    assert r.status_code == 200, r.text
    assert [t["store_id"] for t in r.json()["tasks"]] == ["s1", "s2", "s3"]
    assert [t["store_id"] for t in get_tasks(client, keys)] == ["s1", "s2", "s3"]
    r = put_tasks(client, keys, [task(1, "s4", method="phone")])
    assert r.status_code == 200, r.text
    got = get_tasks(client, keys)
    assert [(t["store_id"], t["method"], t["date"]) for t in got] == [("s4", "phone", DAY)]
    # other days and managers are untouched
    assert put_tasks(client, keys, [task(1, "s9")], day="2026-11-21").status_code == 200
    assert put_tasks(client, keys, [task(1, "s8")], manager="m2").status_code == 200
    assert [t["store_id"] for t in get_tasks(client, keys)] == ["s4"]


def test_empty_task_list_clears_the_day(client: TestClient, keys: Keys) -> None:
    assert put_tasks(client, keys, [task(1, "s1")]).status_code == 200
    r = put_tasks(client, keys, [])
    assert r.status_code == 200, r.text
    assert r.json()["tasks"] == []
    assert get_tasks(client, keys) == []


def test_a_bad_task_list_stores_nothing(client: TestClient, keys: Keys) -> None:
    assert put_tasks(client, keys, [task(1, "s1")]).status_code == 200
    r = put_tasks(client, keys, [task(1, "s2"), task(2, "s3", method="teleport")])
    assert r.status_code == 422
    assert r.json()["errors"][0]["row"] == 2 and r.json()["errors"][0]["field"] == "method"
    assert r.json()["detail"].startswith("tasks, row 2, field method")
    assert [t["store_id"] for t in get_tasks(client, keys)] == ["s1"]


def test_tasks_take_coordinates_from_the_store_master_data(client: TestClient, keys: Keys) -> None:
    lat, lon = at(500, 500)
    r = client.put(
        "/v1/stores",
        json={
            "stores": [
                {"store_id": "s1", "name": "鲜果坊", "lat": lat, "lon": lon, "market_id": "mk1"}
            ]
        },
        headers=bearer(keys.platform),
    )
    assert r.status_code == 200 and r.json() == {"stored": 1}
    r = put_tasks(client, keys, [{"seq": 1, "store_id": "s1", "method": "onsite"}, task(2, "s2")])
    assert r.status_code == 200, r.text
    first = get_tasks(client, keys)[0]
    assert (first["store_id"], first["store_name"], first["market_id"]) == ("s1", "鲜果坊", "mk1")
    assert (first["lat"], first["lon"]) == pytest.approx((lat, lon), abs=1e-9)
    # master data can be replaced; the next task list picks the new coordinates
    lat2, lon2 = at(600, 500)
    r = client.put(
        "/v1/stores",
        json={"stores": [{"store_id": "s1", "lat": lat2, "lon": lon2}]},
        headers=bearer(keys.platform),
    )
    assert r.status_code == 200
    put_tasks(client, keys, [{"seq": 1, "store_id": "s1", "method": "onsite"}])
    assert get_tasks(client, keys)[0]["lat"] == pytest.approx(lat2, abs=1e-9)


def test_task_with_an_unknown_store_and_no_coordinates_is_422(
    client: TestClient, keys: Keys
) -> None:
    r = put_tasks(
        client, keys, [task(1, "s1"), {"seq": 2, "store_id": "nowhere", "method": "onsite"}]
    )
    assert r.status_code == 422, r.text
    [problem] = r.json()["errors"]
    assert (problem["source"], problem["row"]) == ("tasks", 2)
    assert problem["field"] in ("lat", "store_id")
    assert "nowhere" in problem["reason"] and "master data" in problem["reason"]
    assert r.json()["detail"].startswith(f"tasks, row 2, field {problem['field']}")
    # nothing stored, not even the manager
    r = client.get(f"/v1/managers/m1/days/{DAY}/tasks", headers=bearer(keys.platform))
    assert r.status_code == 404
