"""``POST /v1/points`` and ``/v1/points.csv`` on both databases: idempotency (one fix per
manager and UTC millisecond), bad rows, atomic batches, limits, coordinate systems."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.db.days import load_track
from tests.helpers.db import Keys
from tests.helpers.service import (
    TRUTH,
    TZ,
    bearer,
    epoch_ms,
    fixes,
    stored,
    stored_ms,
)
from tests.tracks import at
from trajectory import crs as crs_mod
from trajectory.geodesy import haversine_m

# ------------------------------------------------------------------ idempotency


def test_same_batch_twice_is_stored_once(client: TestClient, keys: Keys, engine: Engine) -> None:
    h = bearer(keys.platform)
    batch = fixes("m1", 200)
    first = client.post("/v1/points", json={"points": batch}, headers=h).json()
    assert (first["stored"], first["duplicates"]) == (200, 0)
    again = client.post("/v1/points", json={"points": batch}, headers=h).json()
    assert again == {
        "received": 200,
        "stored": 0,
        "duplicates": 200,
        "rejected": [],
        "rejected_total": 0,
    }
    assert stored(engine, "m1") == 200


def test_overlapping_batches(client: TestClient, keys: Keys, engine: Engine) -> None:
    h = bearer(keys.platform)
    r = client.post("/v1/points", json={"points": fixes("m1", 100)}, headers=h)
    assert r.json()["stored"] == 100
    r = client.post("/v1/points", json={"points": fixes("m1", 100, offset=60)}, headers=h)
    assert (r.json()["stored"], r.json()["duplicates"]) == (60, 40)
    csv_rows = "manager_id,timestamp,lat,lon\n" + "".join(
        f"{p['manager_id']},{p['timestamp']},{p['lat']},{p['lon']}\n"
        for p in fixes("m1", 100, offset=150)
    )
    csv_h = {**h, "content-type": "text/csv"}  # a CSV write must say so (issue 14)
    r = client.post("/v1/points.csv", content=csv_rows, headers=csv_h)
    assert (r.json()["stored"], r.json()["duplicates"]) == (90, 10)
    assert stored(engine, "m1") == 250
    ms = stored_ms(engine, "m1")
    assert ms == sorted(set(ms)) and len(ms) == 250
    assert ms[0] == epoch_ms("2026-11-20T07:00:00+08:00") and ms[1] - ms[0] == 5000


def test_one_instant_in_any_spelling_is_one_fix(
    client: TestClient, keys: Keys, engine: Engine
) -> None:
    """The key is (manager, UTC millisecond): offsets, Z and epoch numbers all meet."""
    lat, lon = at(0, 0)
    spellings: list[Any] = [
        "2026-11-20T07:00:00+08:00",
        "2026-11-19T23:00:00Z",
        "2026-11-19T23:00:00.000+00:00",
        "2026-11-20T08:00:00+09:00",
        1795129200000,  # epoch ms
        1795129200,  # epoch s
    ]
    answers = []
    for s in spellings:  # one form per batch (a batch mixing forms is rejected row by row)
        point = {"manager_id": "m1", "timestamp": s, "lat": lat, "lon": lon}
        r = client.post("/v1/points", json={"points": [point]}, headers=bearer(keys.platform))
        assert r.status_code == 200, r.text
        answers.append((r.json()["stored"], r.json()["duplicates"]))
    assert answers == [(1, 0)] + [(0, 1)] * (len(spellings) - 1)
    assert stored_ms(engine, "m1") == [1795129200000]


def test_a_resent_fix_keeps_the_first_coordinates(
    client: TestClient, keys: Keys, engine: Engine
) -> None:
    h = bearer(keys.platform)
    first = fixes("m1", 1)
    moved = [{**first[0], "lat": first[0]["lat"] + 0.01}]
    client.post("/v1/points", json={"points": first}, headers=h)
    assert client.post("/v1/points", json={"points": moved}, headers=h).json()["duplicates"] == 1
    with engine.connect() as conn:
        track = load_track(conn, "m1", dt.date(2026, 11, 20), TZ).frame
    assert abs(track["lat"].iloc[0] - first[0]["lat"]) < 1e-7


def test_fixes_of_several_managers_in_one_batch(
    client: TestClient, keys: Keys, engine: Engine
) -> None:
    batch = fixes("m1", 30) + fixes("m2", 20) + fixes("m1", 10, offset=25)
    r = client.post("/v1/points", json={"points": batch}, headers=bearer(keys.platform))
    assert (r.json()["stored"], r.json()["duplicates"]) == (55, 5)
    assert (stored(engine, "m1"), stored(engine, "m2")) == (35, 20)


def test_stored_values_round_trip(client: TestClient, keys: Keys, engine: Engine) -> None:
    """Compact storage keeps 1e-7 degrees, decimetres, cm/s and milliseconds."""
    point = {
        "manager_id": "m1",
        "timestamp": "2026-11-20T07:00:00.123+08:00",
        "lat": 31.12345678,
        "lon": 121.98765432,
        "accuracy_m": 12.34,
        "speed_mps": 1.234,
    }
    r = client.post("/v1/points", json={"points": [point]}, headers=bearer(keys.platform))
    assert r.json()["stored"] == 1
    with engine.connect() as conn:
        row = load_track(conn, "m1", dt.date(2026, 11, 20), TZ).frame.iloc[0]
    assert row["time"].isoformat() == "2026-11-19T23:00:00.123000+00:00"
    assert abs(row["lat"] - 31.1234568) < 1e-9 and abs(row["lon"] - 121.9876543) < 1e-9
    assert row["accuracy_m"] == pytest.approx(12.3) and row["speed_mps"] == pytest.approx(1.23)


# ------------------------------------------------------------------ bad rows


BAD_BATCH: list[Any] = [
    {"manager_id": "m1", "timestamp": "2026-11-20T07:00:00+08:00", "lat": 31.23, "lon": 121.47},
    {"manager_id": "m1", "timestamp": "2026-11-20T07:00:05+08:00", "lat": 999, "lon": 121.47},
    {"manager_id": "m1", "lat": 31.23, "lon": 121.47},
    {"manager_id": "m1", "timestamp": "2026-11-20 07:00:15", "lat": 31.23, "lon": 121.47},
    "not an object",
    {"manager_id": "m1", "timestamp": "2026-11-20T07:00:25+08:00", "lat": "x", "lon": 121.47},
    {"manager_id": "m1", "timestamp": "2026-11-20T07:00:30+08:00", "lat": 31.23, "lon": 121.47},
]


BAD_ROWS = [(2, "lat"), (3, "timestamp"), (4, "timestamp"), (5, None), (6, "lat")]


def test_partial_batch_keeps_the_good_rows(client: TestClient, keys: Keys, engine: Engine) -> None:
    r = client.post("/v1/points", json={"points": BAD_BATCH}, headers=bearer(keys.platform))
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["received"], body["stored"], body["duplicates"]) == (7, 2, 0)
    assert [(p["row"], p["field"]) for p in body["rejected"]] == BAD_ROWS
    for p in body["rejected"]:
        assert p["source"] == "points" and p["reason"]
        assert p["message"].startswith(f"points, row {p['row']}")
    assert stored(engine, "m1") == 2


def test_atomic_batch_with_a_bad_row_stores_nothing(
    client: TestClient, keys: Keys, engine: Engine
) -> None:
    r = client.post(
        "/v1/points", json={"points": BAD_BATCH, "atomic": True}, headers=bearer(keys.platform)
    )
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["detail"].startswith("points, row 2, field lat")
    assert "atomic" in body["detail"] and "nothing stored" in body["detail"]
    assert [(p["row"], p["field"]) for p in body["errors"]] == BAD_ROWS
    assert stored(engine, "m1") == 0
    good = [BAD_BATCH[0], BAD_BATCH[-1]]
    r = client.post(
        "/v1/points", json={"points": good, "atomic": True}, headers=bearer(keys.platform)
    )
    assert r.json()["stored"] == 2


def test_csv_partial_and_atomic(client: TestClient, keys: Keys, engine: Engine) -> None:
    body = (
        "manager_id,timestamp,lat,lon\n"
        "m1,2026-11-20T07:00:00+08:00,31.23,121.47\n"
        "m1,2026-11-20T07:00:05+08:00,31.23,999\n"
        "m1,2026-11-20T07:00:10+08:00,31.23,121.47\n"
    )
    h = {**bearer(keys.platform), "Content-Type": "text/csv"}
    r = client.post("/v1/points.csv", params={"atomic": "true"}, content=body, headers=h)
    assert r.status_code == 422 and r.json()["errors"][0]["row"] == 2
    assert stored(engine, "m1") == 0
    r = client.post("/v1/points.csv", content=body, headers=h)
    assert r.status_code == 200
    assert r.json()["stored"] == 2
    assert [(p["source"], p["row"], p["field"]) for p in r.json()["rejected"]] == [
        ("points.csv", 2, "lon")
    ]


def test_every_row_bad_is_422(client: TestClient, keys: Keys, engine: Engine) -> None:
    r = client.post("/v1/points", json={"points": BAD_BATCH[1:6]}, headers=bearer(keys.platform))
    assert r.status_code == 422
    assert "no good rows" in r.json()["detail"]
    assert stored(engine, "m1") == 0


def test_limits_answer_413_naming_the_field(make_client: Any, keys: Keys) -> None:
    client = make_client(max_points_per_request=10, max_body_bytes=20_000)
    h = bearer(keys.platform)
    r = client.post("/v1/points", json={"points": fixes("m1", 11)}, headers=h)
    assert r.status_code == 413 and r.json()["detail"].startswith("points: 11 rows")
    r = client.post("/v1/points", json={"points": fixes("m1", 10)}, headers=h)
    assert r.status_code == 200
    r = client.post("/v1/points.csv", content="x" * 30_000, headers=h)
    assert r.status_code == 413 and "TRAJCHECK_MAX_BODY_BYTES" in r.json()["detail"]


# ------------------------------------------------------------------ coordinate systems


def test_points_in_gcj02_are_stored_in_wgs84(
    client: TestClient, keys: Keys, engine: Engine
) -> None:
    lat, lon = TRUTH[0]
    glat, glon = crs_mod.wgs84_to_gcj02(lat, lon)
    point = {
        "manager_id": "m1",
        "timestamp": "2026-11-20T07:00:00+08:00",
        "lat": float(glat),
        "lon": float(glon),
    }
    r = client.post(
        "/v1/points", json={"points": [point], "crs": "gcj02"}, headers=bearer(keys.platform)
    )
    assert r.json()["stored"] == 1
    with engine.connect() as conn:
        row = load_track(conn, "m1", dt.date(2026, 11, 20), TZ).frame.iloc[0]
    assert haversine_m(row["lat"], row["lon"], lat, lon) < 0.1
