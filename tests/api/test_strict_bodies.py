"""Bodies: unknown keys, content types, huge numbers (issue 14, item 7)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.helpers.db import Keys
from tests.helpers.service import bearer


def test_an_unknown_key_is_422_naming_it(client: TestClient, keys: Keys) -> None:
    body = {"stores": [{"store_id": "S1", "nam": "x", "lat": 31.2, "lon": 121.4}]}
    r = client.put("/v1/stores", json=body, headers=bearer(keys.platform))
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["field"] == "nam"


def test_a_body_without_a_content_type_is_422_saying_so(client: TestClient, keys: Keys) -> None:
    r = client.put("/v1/stores", content=b'{"stores": []}', headers=bearer(keys.platform))
    assert r.status_code == 422, r.text
    assert "Content-Type must be application/json" in r.json()["detail"]


def test_a_csv_route_refuses_a_form_or_text_body(client: TestClient, keys: Keys) -> None:
    for media in ("text/plain", "application/x-www-form-urlencoded"):
        h = {**bearer(keys.platform), "content-type": media}
        r = client.post("/v1/points.csv", content=b"manager_id,timestamp,lat,lon\n", headers=h)
        assert r.status_code == 422, r.text


def test_a_5000_digit_integer_is_the_documented_422(client: TestClient, keys: Keys) -> None:
    body = b'{"stores": [{"store_id": "S1", "lat": ' + b"9" * 5000 + b', "lon": 1}]}'
    h = {**bearer(keys.platform), "content-type": "application/json"}
    r = client.put("/v1/stores", content=body, headers=h)
    assert r.status_code == 422, r.text
    assert set(r.json()) == {"detail", "errors"}
    assert r.json()["detail"].startswith("body: ")


def test_an_unknown_key_in_a_point_or_task_row_is_named(client: TestClient, keys: Keys) -> None:
    """Rows refuse unknown keys too (the schema says additionalProperties: false)."""
    fix = {"manager_id": "mA", "lat": 31.2, "lon": 121.4}
    points = [
        {**fix, "timestamp": "2026-11-20T07:00:00+08:00", "altitude": 9},
        {**fix, "timestamp": "2026-11-20T07:00:01+08:00"},
    ]
    r = client.post("/v1/points", json={"points": points}, headers=bearer(keys.platform))
    assert r.status_code == 200, r.text
    assert (r.json()["stored"], r.json()["rejected"][0]["field"]) == (1, "altitude")
    task = {"seq": 1, "store_id": "S1", "lat": 31.2, "lon": 121.4, "method": "onsite", "x": 1}
    url = "/v1/managers/mA/days/2026-11-20/tasks"
    r = client.put(url, json={"tasks": [task]}, headers=bearer(keys.platform))
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["field"] == "x"
