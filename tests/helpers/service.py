"""Request bodies and readings of the tracking service: bundled sample days, small built
days, task lists, stored fixes."""

from __future__ import annotations

import csv
import datetime as dt
import json
from typing import Any

import pandas as pd
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.db.days import count_points, load_track
from tests.helpers.db import Keys
from tests.helpers.samples import SAMPLES
from tests.tracks import DAY, TrackBuilder, at

TZ = "Asia/Shanghai"
#: Three cities' true (WGS-84) coordinates: Shanghai, Guangzhou, Beijing.
TRUTH = [(31.2304, 121.4737), (23.1291, 113.2644), (39.9042, 116.4074)]


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def sample_expected(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SAMPLES / name / "expected.json").read_text("utf-8"))
    return data


def sample_points(name: str) -> list[dict[str, Any]]:
    """The sample's track.csv as JSON points (values as the CSV spells them, numbers parsed)."""
    with (SAMPLES / name / "track.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    out = []
    for r in rows:
        p: dict[str, Any] = {
            "manager_id": r["manager_id"],
            "timestamp": r["timestamp"],
            "lat": float(r["lat"]),
            "lon": float(r["lon"]),
        }
        for opt in ("accuracy_m", "speed_mps"):
            if r.get(opt):
                p[opt] = float(r[opt])
        out.append(p)
    return out


def sample_tasks(name: str) -> tuple[str, str, list[dict[str, Any]]]:
    """``(manager_id, date, tasks)`` of the sample's tasks.csv as the API's task objects."""
    with (SAMPLES / name / "tasks.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    tasks = []
    for r in rows:
        t: dict[str, Any] = {
            "seq": int(r["seq"]),
            "store_id": r["store_id"],
            "store_name": r["store_name"],
            "lat": float(r["lat"]),
            "lon": float(r["lon"]),
            "method": r["method"],
        }
        if r.get("reported_visited"):
            t["reported_visited"] = r["reported_visited"].strip().lower() == "true"
        if r.get("market_id"):
            t["market_id"] = r["market_id"]
        tasks.append(t)
    return rows[0]["manager_id"], rows[0]["date"], tasks


def small_day(manager_id: str, seed: int = 0) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A short day (about 300 fixes): on time at store S1, then S2; both on the task list."""
    b = TrackBuilder(start="07:00:00", step_s=10.0, seed=seed)
    b.stay(0, 0, 300).move(900, 0).stay(900, 0, 1200).move(900, 1200).stay(900, 1200, 1200)
    frame = b.frame(manager_id)
    points = [
        {
            "manager_id": manager_id,
            "timestamp": t.isoformat(),
            "lat": round(lat, 7),
            "lon": round(lon, 7),
        }
        for t, lat, lon in zip(frame["time"], frame["lat"], frame["lon"], strict=True)
    ]
    tasks = []
    for seq, (sid, x, y) in enumerate([("S1", 900, 0), ("S2", 900, 1200)], start=1):
        lat, lon = at(x, y)
        tasks.append(
            {
                "seq": seq,
                "store_id": sid,
                "store_name": f"store {sid}",
                "lat": lat,
                "lon": lon,
                "method": "onsite",
                "reported_visited": True,
            }
        )
    return points, tasks


def load_small_day(client: TestClient, platform: str, manager_id: str, seed: int = 0) -> None:
    """Upload a :func:`small_day` of ``manager_id`` and its task list (as the platform)."""
    points, tasks = small_day(manager_id, seed)
    r = client.post("/v1/points", json={"points": points}, headers=bearer(platform))
    assert r.status_code == 200, r.text
    r = client.put(
        f"/v1/managers/{manager_id}/days/{DAY}/tasks",
        json={"tasks": tasks},
        headers=bearer(platform),
    )
    assert r.status_code == 200, r.text


def fixes(
    manager_id: str,
    n: int,
    start: str = "2026-11-20T07:00:00+08:00",
    step_s: int = 5,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """``n`` fixes of a manager standing still, ``step_s`` apart, from fix number ``offset``."""
    t0 = dt.datetime.fromisoformat(start)
    lat, lon = at(0, 0)
    return [
        {
            "manager_id": manager_id,
            "timestamp": (t0 + dt.timedelta(seconds=step_s * i)).isoformat(),
            "lat": lat,
            "lon": lon,
        }
        for i in range(offset, offset + n)
    ]


def epoch_ms(timestamp: str) -> int:
    return int(pd.Timestamp(timestamp).value // 1_000_000)


def stored(engine: Engine, manager_id: str, day: str = DAY) -> int:
    """How many fixes of ``manager_id`` the database holds on local ``day``."""
    with engine.connect() as conn:
        return count_points(conn, manager_id, dt.date.fromisoformat(day), TZ)


def stored_ms(engine: Engine, manager_id: str, day: str = DAY) -> list[int]:
    """The stored instants (epoch ms) of ``manager_id`` on local ``day``."""
    with engine.connect() as conn:
        track = load_track(conn, manager_id, dt.date.fromisoformat(day), TZ)
    return pd.DatetimeIndex(track.frame["time"]).as_unit("ms").asi8.tolist()


def put_tasks(
    client: TestClient,
    keys: Keys,
    tasks: list[Any],
    manager: str = "m1",
    crs: str = "wgs84",
    day: str = DAY,
) -> Any:
    """``PUT`` the task list of ``manager`` on ``day`` (as the platform)."""
    return client.put(
        f"/v1/managers/{manager}/days/{day}/tasks",
        json={"tasks": tasks, "crs": crs},
        headers=bearer(keys.platform),
    )


def get_tasks(client: TestClient, keys: Keys, manager: str = "m1", day: str = DAY) -> list[Any]:
    """The stored task list of ``manager`` on ``day`` (must be there)."""
    r = client.get(f"/v1/managers/{manager}/days/{day}/tasks", headers=bearer(keys.platform))
    assert r.status_code == 200, r.text
    tasks: list[Any] = r.json()["tasks"]
    return tasks


def task(seq: int, store_id: str, **extra: Any) -> dict[str, Any]:
    """An on-site task at a store ``100 * seq`` metres east of the origin."""
    lat, lon = at(100 * seq, 0)
    return {"seq": seq, "store_id": store_id, "lat": lat, "lon": lon, "method": "onsite", **extra}
