"""One manager-day on both databases (``/v1/managers/{manager_id}/days/{date}/verify``,
``/result``, ``/report.html``, and the team's ``/v1/days/{date}/index.html``): the main
flow equals the command line, the stored result is what is read and drawn, fixes belong to
their local day."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.cli.main import main as cli_main
from api.db.days import day_bounds_ms
from tests.helpers.db import MANAGER_A, MANAGER_B, Keys
from tests.helpers.samples import CHECKS, SAMPLES
from tests.helpers.service import (
    TZ,
    bearer,
    fixes,
    load_small_day,
    sample_expected,
    sample_points,
    sample_tasks,
    small_day,
    stored,
    stored_ms,
)
from tests.tracks import DAY, at
from trajectory.geodesy import haversine_m

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
    report = {"received": n, "stored": n, "duplicates": 0, "rejected": [], "rejected_total": 0}
    assert r.json() == report
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
        csv_h = {**h, "content-type": "text/csv"}  # a CSV write must say so (issue 14)
        r = client.post("/v1/points.csv", content=raw, headers=csv_h)
        assert r.status_code == 200, r.text
        r = client.put(f"/v1/managers/{manager}/days/{day}/tasks", json={"tasks": tasks}, headers=h)
        assert r.status_code == 200, r.text
        result = client.post(f"/v1/managers/{manager}/days/{day}/verify", headers=h).json()
        for check, passed in sample_expected(name)["expected"].items():
            assert result["checks"][check]["passed"] is passed


# ------------------------------------------------------------------ results and reports


def test_report_html_and_team_index(client: TestClient, keys: Keys) -> None:
    for i, manager in enumerate((MANAGER_A, MANAGER_B)):
        load_small_day(client, keys.platform, manager, seed=i)
    h = bearer(keys.platform)
    report = f"/v1/managers/{MANAGER_A}/days/{DAY}/report.html"
    # the report renders the stored result: none before a verify
    r = client.get(report, headers=h)
    assert r.status_code == 404 and "verify first" in r.json()["detail"]
    assert client.post(f"/v1/managers/{MANAGER_A}/days/{DAY}/verify", headers=h).status_code == 200
    r = client.get(report, headers=h)
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert r.text.lstrip().lower().startswith("<!doctype html")
    assert MANAGER_A in r.text and "leaflet" in r.text.lower()
    r = client.get(report, params={"lang": "zh", "tiles": "none"}, headers=h)
    assert r.status_code == 200 and "准时到达" in r.text
    # the index lists the stored verdicts and links their reports
    r = client.get(f"/v1/days/{DAY}/index.html", headers=h)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert f"/v1/managers/{MANAGER_A}/days/{DAY}/report.html" in r.text
    assert f'data-manager="{MANAGER_B}"' not in r.text  # no stored result for mB yet
    assert client.get("/v1/days/2026-11-21/index.html", headers=h).status_code == 200


def test_report_draws_the_stored_result_not_a_fresh_one(client: TestClient, keys: Keys) -> None:
    """Fixes sent after the verify change neither the stored result nor its page; a GET
    stores nothing (computed_at stands)."""
    load_small_day(client, keys.platform, MANAGER_A, seed=0)
    h = bearer(keys.platform)
    day_path = f"/v1/managers/{MANAGER_A}/days/{DAY}"
    verified = client.post(f"{day_path}/verify", headers=h).json()

    def page_now() -> str:  # folium names its elements afresh on every render
        r = client.get(f"{day_path}/report.html", params={"tiles": "none"}, headers=h)
        return re.sub(r"_[0-9a-f]{32}(?![0-9a-f])", "_ID", r.text)

    page = page_now()
    listed = client.get("/v1/results", params={"date": DAY}, headers=h).json()["items"]
    lat, lon = at(5000, 5000)  # far away, mid-morning, for an hour
    late = [
        {"manager_id": MANAGER_A, "timestamp": f"{DAY}T10:{m:02d}:00+08:00", "lat": lat, "lon": lon}
        for m in range(60)
    ]
    assert client.post("/v1/points", json={"points": late}, headers=h).status_code == 200
    assert page_now() == page
    assert client.get(f"{day_path}/result", headers=h).json() == verified
    assert client.get("/v1/results", params={"date": DAY}, headers=h).json()["items"] == listed
    fresh = client.post(f"{day_path}/verify", headers=h).json()
    assert fresh["cleaning"]["input_points"] == verified["cleaning"]["input_points"] + 60
    assert page_now() != page


def test_verify_of_a_manager_without_data(client: TestClient, keys: Keys) -> None:
    """A known manager with no fixes and no tasks on the day: a verdict, not an error."""
    h = bearer(keys.platform)
    r = client.post(f"/v1/managers/{MANAGER_A}/days/2026-11-25/verify", headers=h)
    assert r.status_code == 200, r.text
    assert (r.json()["stay_points"], r.json()["stores"]) == ([], [])
    assert r.json()["cleaning"]["input_points"] == 0
    assert (r.json()["status"], r.json()["passed"]) == ("no_tasks", False)  # never "pass"
    r = client.get(f"/v1/managers/{MANAGER_A}/days/2026-11-25/result", headers=h)
    assert r.status_code == 200
    assert r.json()["status"] == "no_tasks"
    listed = client.get("/v1/results?date=2026-11-25", headers=h).json()["items"]
    assert [i["status"] for i in listed if i["manager_id"] == MANAGER_A] == ["no_tasks"]
    listed = client.get("/v1/results?date=2026-11-25&status=no_tasks", headers=h).json()
    assert listed["total"] >= 1
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
    lo, hi = day_bounds_ms(dt.date(2026, 11, 20), TZ)
    assert all(lo <= t < hi for t in ms)
    assert (lo, hi) == (1795104000000, 1795190400000)
