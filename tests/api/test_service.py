"""The service's behaviour on both databases: the main flow, idempotency, bad rows,
task lists and store master data, coordinate systems, result listings, reports,
day boundaries, health and version."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api import repo
from api.cli import main as cli_main
from api.db import alembic_config
from tests.api.conftest import MANAGER_A, MANAGER_B, TEAM_A, TEAM_B, Keys
from tests.api.service_data import (
    CHECKS,
    SAMPLES,
    TZ,
    bearer,
    epoch_ms,
    fixes,
    load_small_day,
    sample_expected,
    sample_points,
    sample_tasks,
    small_day,
)
from tests.tracks import DAY, at
from trajectory import crs as crs_mod
from trajectory.geodesy import haversine_m


def stored(engine: Engine, manager_id: str, day: str = DAY) -> int:
    with engine.connect() as conn:
        return repo.count_points(conn, manager_id, dt.date.fromisoformat(day), TZ)


def stored_ms(engine: Engine, manager_id: str, day: str = DAY) -> list[int]:
    with engine.connect() as conn:
        track = repo.load_track(conn, manager_id, dt.date.fromisoformat(day), TZ)
    return pd.DatetimeIndex(track.frame["time"]).as_unit("ms").asi8.tolist()


# ------------------------------------------------------------------ the main flow


def cli_verdict(name: str, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    day = SAMPLES / name
    expected = sample_expected(name)
    argv = ["verify", "--track", str(day / "track.csv"), "--tasks", str(day / "tasks.csv")]
    argv += ["--track-crs", expected["track_crs"], "--store-crs", expected["store_crs"]]
    if (day / "config.toml").is_file():
        argv += ["--config", str(day / "config.toml")]
    assert cli_main(argv) == 0
    out, _ = capsys.readouterr()
    result: dict[str, Any] = json.loads(out)
    return result


def summary(result: dict[str, Any]) -> dict[str, Any]:
    return {
        **{c: result["checks"][c]["status"] for c in CHECKS},
        "status": result["status"],
        "stays": len(result["stay_points"]),
        "visited": sorted(s["store_id"] for s in result["stores"] if s["visited"]),
    }


@pytest.mark.parametrize(
    ("name", "how"),
    [("late", "json"), ("gcj02_stores", "csv"), ("skipped_store", "json"), ("market", "csv")],
)
def test_sample_day_through_the_api_matches_the_cli(
    name: str,
    how: str,
    make_client: Any,
    keys: Keys,
    engine: Engine,
    capsys: pytest.CaptureFixture[str],
) -> None:
    expected = sample_expected(name)
    assert expected["track_crs"] == "wgs84"
    config = SAMPLES / name / "config.toml"
    client: TestClient = make_client(config_file=config if config.is_file() else None)
    h = bearer(keys.platform)
    manager, day, tasks = sample_tasks(name)
    n = len(sample_points(name))
    if how == "json":
        r = client.post("/v1/points", json={"points": sample_points(name)}, headers=h)
    else:
        raw = (SAMPLES / name / "track.csv").read_bytes()
        r = client.post("/v1/points.csv", content=raw, headers={**h, "Content-Type": "text/csv"})
    assert r.status_code == 200, r.text
    assert r.json() == {"received": n, "stored": n, "duplicates": 0, "rejected": []}
    r = client.put(
        f"/v1/managers/{manager}/days/{day}/tasks",
        json={"tasks": tasks, "crs": expected["store_crs"]},
        headers=h,
    )
    assert r.status_code == 200, r.text
    r = client.post(f"/v1/managers/{manager}/days/{day}/verify", headers=h)
    assert r.status_code == 200, r.text
    got = r.json()
    want = cli_verdict(name, capsys)
    assert summary(got) == summary(want)
    assert got["cleaning"]["input_points"] == want["cleaning"]["input_points"] == n
    assert client.get(f"/v1/managers/{manager}/days/{day}/result", headers=h).json() == got
    # the stored stays are those of the files, to the second and the centimetre
    for a, b in zip(got["stay_points"], want["stay_points"], strict=True):
        assert (a["arrival"], a["departure"], a["store_id"]) == (
            b["arrival"],
            b["departure"],
            b["store_id"],
        )
        assert haversine_m(a["lat"], a["lon"], b["lat"], b["lon"]) < 0.05


def test_sample_day_verdicts_match_expected(client: TestClient, keys: Keys) -> None:
    """The compliant sample passes everything through the API (and the late one does not)."""
    h = bearer(keys.platform)
    for name in ("compliant",):
        manager, day, tasks = sample_tasks(name)
        raw = (SAMPLES / name / "track.csv").read_bytes()
        r = client.post("/v1/points.csv", content=raw, headers=h)
        assert r.status_code == 200, r.text
        r = client.put(f"/v1/managers/{manager}/days/{day}/tasks", json={"tasks": tasks}, headers=h)
        assert r.status_code == 200, r.text
        result = client.post(f"/v1/managers/{manager}/days/{day}/verify", headers=h).json()
        for check, passed in sample_expected(name)["expected"].items():
            assert result["checks"][check]["passed"] is passed


# ------------------------------------------------------------------ idempotency


def test_same_batch_twice_is_stored_once(client: TestClient, keys: Keys, engine: Engine) -> None:
    h = bearer(keys.platform)
    batch = fixes("m1", 200)
    first = client.post("/v1/points", json={"points": batch}, headers=h).json()
    assert (first["stored"], first["duplicates"]) == (200, 0)
    again = client.post("/v1/points", json={"points": batch}, headers=h).json()
    assert again == {"received": 200, "stored": 0, "duplicates": 200, "rejected": []}
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
    r = client.post("/v1/points.csv", content=csv_rows, headers=h)
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
        track = repo.load_track(conn, "m1", dt.date(2026, 11, 20), TZ).frame
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
        row = repo.load_track(conn, "m1", dt.date(2026, 11, 20), TZ).frame.iloc[0]
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


# ------------------------------------------------------------------ tasks and stores


def put_tasks(
    client: TestClient,
    keys: Keys,
    tasks: list[Any],
    manager: str = "m1",
    crs: str = "wgs84",
    day: str = DAY,
) -> Any:
    return client.put(
        f"/v1/managers/{manager}/days/{day}/tasks",
        json={"tasks": tasks, "crs": crs},
        headers=bearer(keys.platform),
    )


def get_tasks(client: TestClient, keys: Keys, manager: str = "m1", day: str = DAY) -> list[Any]:
    r = client.get(f"/v1/managers/{manager}/days/{day}/tasks", headers=bearer(keys.platform))
    assert r.status_code == 200, r.text
    tasks: list[Any] = r.json()["tasks"]
    return tasks


def task(seq: int, store_id: str, **extra: Any) -> dict[str, Any]:
    lat, lon = at(100 * seq, 0)
    return {"seq": seq, "store_id": store_id, "lat": lat, "lon": lon, "method": "onsite", **extra}


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


def test_duplicate_store_in_one_request_is_422(client: TestClient, keys: Keys) -> None:
    s = {"store_id": "s1", "lat": 31.2, "lon": 121.4}
    r = client.put("/v1/stores", json={"stores": [s, s]}, headers=bearer(keys.platform))
    assert r.status_code == 422
    assert r.json()["errors"][0]["row"] == 2 and r.json()["errors"][0]["field"] == "store_id"


TRUTH = [(31.2304, 121.4737), (23.1291, 113.2644), (39.9042, 116.4074)]


@pytest.mark.parametrize("crs", ["gcj02", "bd09"])
def test_stores_and_tasks_in_chinese_systems_are_stored_in_wgs84(
    client: TestClient, keys: Keys, crs: str
) -> None:
    lat, lon = np.array(TRUTH).T
    clat, clon = crs_mod.convert(lat, lon, "wgs84", crs)
    stores = [
        {"store_id": f"s{i}", "lat": float(a), "lon": float(o)}
        for i, (a, o) in enumerate(zip(clat, clon, strict=True))
    ]
    r = client.put("/v1/stores", json={"stores": stores, "crs": crs}, headers=bearer(keys.platform))
    assert r.status_code == 200, r.text
    from_master = [
        {"seq": i + 1, "store_id": s["store_id"], "method": "onsite"} for i, s in enumerate(stores)
    ]
    assert put_tasks(client, keys, from_master).status_code == 200
    for t, (tlat, tlon) in zip(get_tasks(client, keys), TRUTH, strict=True):
        assert haversine_m(t["lat"], t["lon"], tlat, tlon) < 0.1, t
    sent = [{**s, "seq": i + 1, "method": "onsite"} for i, s in enumerate(stores)]
    assert put_tasks(client, keys, sent, crs=crs, manager="m2").status_code == 200
    for t, (tlat, tlon) in zip(get_tasks(client, keys, manager="m2"), TRUTH, strict=True):
        assert haversine_m(t["lat"], t["lon"], tlat, tlon) < 0.1, t
    # the same coordinates sent as WGS-84 are (correctly) hundreds of metres away
    assert put_tasks(client, keys, sent, manager="m3").status_code == 200
    far = get_tasks(client, keys, manager="m3")[0]
    assert haversine_m(far["lat"], far["lon"], *TRUTH[0]) > 100


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
        row = repo.load_track(conn, "m1", dt.date(2026, 11, 20), TZ).frame.iloc[0]
    assert haversine_m(row["lat"], row["lon"], lat, lon) < 0.1


# ------------------------------------------------------------------ results and reports


def save_results(
    engine: Engine, rows: list[tuple[str, str | None, str, str, str, str, str]]
) -> None:
    """(manager, team, date, status, on_time, clear, count) stored as results."""
    with repo.writing(engine) as conn:
        for manager, team, day, status, *checks in rows:
            if team is not None:
                repo.upsert_team(conn, team, "")
            repo.assign_manager(conn, manager, team)
            pk = repo.manager_team(conn, manager)
            assert pk is not None
            body = {
                "manager_id": manager,
                "date": day,
                "status": status,
                "checks": {c: {"status": v} for c, v in zip(CHECKS, checks, strict=True)},
            }
            repo.save_result(conn, pk[0], dt.date.fromisoformat(day), body)


RESULTS = [
    ("m01", TEAM_A, "2026-11-20", "pass", "pass", "pass", "pass"),
    ("m02", TEAM_A, "2026-11-20", "fail", "fail", "pass", "pass"),
    ("m03", TEAM_A, "2026-11-20", "inconclusive", "pass", "inconclusive", "pass"),
    ("m04", TEAM_B, "2026-11-20", "fail", "pass", "pass", "fail"),
    ("m05", TEAM_B, "2026-11-20", "pass", "pass", "pass", "pass"),
    ("m06", None, "2026-11-20", "fail", "fail", "fail", "fail"),
    ("m01", TEAM_A, "2026-11-21", "fail", "fail", "pass", "pass"),
    ("m04", TEAM_B, "2026-11-19", "pass", "pass", "pass", "pass"),
]


def test_results_listing_filters(client: TestClient, keys: Keys, engine: Engine) -> None:
    save_results(engine, RESULTS)
    h = bearer(keys.platform)

    def listed(**params: Any) -> tuple[int, list[tuple[str, str]]]:
        r = client.get("/v1/results", params=params, headers=h)
        assert r.status_code == 200, r.text
        body = r.json()
        return body["total"], [(i["manager_id"], i["date"]) for i in body["items"]]

    total, items = listed()
    assert total == len(RESULTS)
    # newest day first; within a day failing, then inconclusive, then passing
    assert items == [
        ("m01", "2026-11-21"),
        ("m02", "2026-11-20"),
        ("m04", "2026-11-20"),
        ("m06", "2026-11-20"),
        ("m03", "2026-11-20"),
        ("m01", "2026-11-20"),
        ("m05", "2026-11-20"),
        ("m04", "2026-11-19"),
    ]
    assert listed(date="2026-11-20")[0] == 6
    assert listed(date="2026-11-22") == (0, [])
    assert {m for m, _ in listed(team_id=TEAM_B)[1]} == {"m04", "m05"}
    assert listed(date="2026-11-20", status="fail")[1] == [
        ("m02", "2026-11-20"),
        ("m04", "2026-11-20"),
        ("m06", "2026-11-20"),
    ]
    assert [m for m, _ in listed(date="2026-11-20", status="inconclusive")[1]] == ["m03"]
    assert [
        m for m, _ in listed(date="2026-11-20", check="visit_count_match", verdict="fail")[1]
    ] == ["m04", "m06"]
    assert [m for m, _ in listed(date="2026-11-20", verdict="inconclusive")[1]] == ["m03"]
    assert [m for m, _ in listed(check="on_time_arrival", verdict="fail", team_id=TEAM_A)[1]] == [
        "m01",
        "m02",
    ]
    # pagination: pages add up to the whole, in order, total unchanged
    pages = [listed(limit=3, offset=o) for o in (0, 3, 6)]
    assert all(t == len(RESULTS) for t, _ in pages)
    assert [i for _, page in pages for i in page] == items
    assert listed(limit=3, offset=100) == (len(RESULTS), [])
    item = client.get("/v1/results", params={"limit": 1}, headers=h).json()["items"][0]
    assert set(item) == {"manager_id", "team_id", "date", "status", *CHECKS, "computed_at"}
    assert dt.datetime.fromisoformat(item["computed_at"]).utcoffset() == dt.timedelta(0)
    for bad in (
        {"limit": 0},
        {"limit": 1001},
        {"offset": -1},
        {"status": "maybe"},
        {"check": "nope"},
        {"date": "2026-13-01"},
    ):
        r = client.get("/v1/results", params=bad, headers=h)
        assert r.status_code == 422, bad
        assert r.json()["errors"][0]["source"] == "query"


def test_supervisor_listing_filters_stay_within_its_teams(
    client: TestClient, keys: Keys, engine: Engine
) -> None:
    save_results(engine, RESULTS)
    r = client.get("/v1/results", params={"status": "fail"}, headers=bearer(keys.sup_b))
    assert [i["manager_id"] for i in r.json()["items"]] == ["m04"]
    assert r.json()["total"] == 1


def test_report_html_and_team_index(client: TestClient, keys: Keys) -> None:
    for i, manager in enumerate((MANAGER_A, MANAGER_B)):
        load_small_day(client, keys.platform, manager, seed=i)
    h = bearer(keys.platform)
    r = client.get(f"/v1/managers/{MANAGER_A}/days/{DAY}/report.html", headers=h)
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert r.text.lstrip().lower().startswith("<!doctype html")
    assert MANAGER_A in r.text and "leaflet" in r.text.lower()
    r = client.get(
        f"/v1/managers/{MANAGER_A}/days/{DAY}/report.html",
        params={"lang": "zh", "tiles": "none"},
        headers=h,
    )
    assert r.status_code == 200 and "准时到达" in r.text
    # a GET stores nothing; the index lists the stored verdicts and links their reports
    assert client.get(f"/v1/managers/{MANAGER_A}/days/{DAY}/result", headers=h).status_code == 404
    assert client.post(f"/v1/managers/{MANAGER_A}/days/{DAY}/verify", headers=h).status_code == 200
    r = client.get(f"/v1/days/{DAY}/index.html", headers=h)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert f"/v1/managers/{MANAGER_A}/days/{DAY}/report.html" in r.text
    assert f'data-manager="{MANAGER_B}"' not in r.text  # no stored result for mB yet
    assert client.get("/v1/days/2026-11-21/index.html", headers=h).status_code == 200


def test_verify_of_a_manager_without_data(client: TestClient, keys: Keys) -> None:
    """A known manager with no fixes and no tasks on the day: a verdict, not an error."""
    h = bearer(keys.platform)
    r = client.post(f"/v1/managers/{MANAGER_A}/days/2026-11-25/verify", headers=h)
    assert r.status_code == 200, r.text
    assert (r.json()["stay_points"], r.json()["stores"]) == ([], [])
    assert r.json()["cleaning"]["input_points"] == 0
    r = client.get(f"/v1/managers/{MANAGER_A}/days/2026-11-25/result", headers=h)
    assert r.status_code == 200
    r = client.get(f"/v1/managers/{MANAGER_A}/days/2026-11-26/result", headers=h)
    assert r.status_code == 404 and "verify first" in r.json()["detail"]


# ------------------------------------------------------------------ day boundaries


def test_fixes_belong_to_their_local_day(client: TestClient, keys: Keys, engine: Engine) -> None:
    """Asia/Shanghai days: 2026-11-20 runs from 2026-11-19T16:00Z to 2026-11-20T16:00Z."""
    lat, lon = at(0, 0)
    stamps = {
        "2026-11-19T23:59:59.999+08:00": "2026-11-19",
        "2026-11-19T15:59:59Z": "2026-11-19",
        "2026-11-20T00:00:00+08:00": "2026-11-20",
        "2026-11-19T16:00:00.001Z": "2026-11-20",
        "2026-11-20T12:00:00+08:00": "2026-11-20",
        "2026-11-20T23:59:59.999+08:00": "2026-11-20",
        "2026-11-20T16:00:00Z": "2026-11-21",
        "2026-11-21T00:00:00.001+08:00": "2026-11-21",
    }
    points = [{"manager_id": MANAGER_A, "timestamp": s, "lat": lat, "lon": lon} for s in stamps]
    r = client.post("/v1/points", json={"points": points}, headers=bearer(keys.platform))
    assert r.json()["stored"] == len(stamps)
    for day in ("2026-11-19", "2026-11-20", "2026-11-21"):
        want = sum(1 for d in stamps.values() if d == day)
        assert stored(engine, MANAGER_A, day) == want, day
    r = client.post(
        f"/v1/managers/{MANAGER_A}/days/2026-11-20/verify", headers=bearer(keys.platform)
    )
    assert r.status_code == 200, r.text
    assert r.json()["date"] == "2026-11-20"
    assert r.json()["cleaning"]["input_points"] == 4


def test_a_day_seen_from_the_other_side_of_midnight(
    client: TestClient, keys: Keys, engine: Engine
) -> None:
    """A day that starts at 07:00 local is read whole although it starts the day before in UTC."""
    points, _ = small_day("m1")
    early = fixes("m1", 60, start="2026-11-20T00:01:00+08:00")
    late = fixes("m1", 60, start="2026-11-20T23:50:00+08:00")
    r = client.post(
        "/v1/points", json={"points": points + early + late}, headers=bearer(keys.platform)
    )
    assert r.json()["stored"] == len(points) + 120
    ms = stored_ms(engine, "m1")
    assert len(ms) == len(points) + 120
    lo, hi = repo.day_bounds_ms(dt.date(2026, 11, 20), TZ)
    assert all(lo <= t < hi for t in ms)
    assert (lo, hi) == (1795104000000, 1795190400000)


def test_day_bounds_follow_the_zone() -> None:
    assert repo.day_bounds_ms(dt.date(2026, 11, 20), "UTC") == (1795132800000, 1795219200000)
    # a 23-hour day: Europe/Berlin's spring-forward
    lo, hi = repo.day_bounds_ms(dt.date(2026, 3, 29), "Europe/Berlin")
    assert hi - lo == 23 * 3600 * 1000


# ------------------------------------------------------------------ health, version


def test_health_and_version(client: TestClient, engine: Engine) -> None:
    r = client.get("/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "database": engine.dialect.name}
    r = client.get("/version")
    assert r.status_code == 200
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert r.json() == {"version": importlib.metadata.version("trajcheck"), "schema": head}


def test_health_when_the_database_is_down(tmp_path: Path) -> None:
    from api.app import create_app
    from api.db import make_engine
    from api.settings import Settings

    url = "postgresql+psycopg://postgres@127.0.0.1:9/none"
    engine = make_engine(url, connect_args={"connect_timeout": 2})
    app = create_app(Settings(database_url=url), engine=engine, migrate=False)
    try:
        with TestClient(app) as client:
            r = client.get("/health")
        assert r.status_code == 503
        assert r.json() == {"status": "error", "database": "unreachable"}
    finally:
        engine.dispose()


def test_openapi_documents_every_endpoint_with_examples(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    schemes = spec["components"]["securitySchemes"]
    assert {"HTTPBearer", "APIKeyHeader"} <= set(schemes)
    ingest = spec["paths"]["/v1/points"]["post"]
    assert ingest["summary"]
    schema = spec["components"]["schemas"]["PointsIn"]
    assert schema.get("examples")
    assert "text/csv" in spec["paths"]["/v1/points.csv"]["post"]["requestBody"]["content"]
    assert math.isfinite(len(spec["paths"]))
