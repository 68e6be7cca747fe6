"""Track integrity through the service: a replay across two uploaded days is flagged,
stored (``results.integrity``) and filtered (``GET /v1/results?integrity=suspicious``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from fastapi.testclient import TestClient

from tests.helpers.db import Keys
from tests.helpers.service import bearer
from trajectory.testing import generate_day
from trajectory.testing.spoofing import shift_days


def _upload(client: TestClient, h: dict[str, str], track: pd.DataFrame, tasks: pd.DataFrame) -> str:
    manager, day = str(tasks["manager_id"].iloc[0]), str(tasks["date"].iloc[0])
    r = client.post(
        "/v1/points.csv",
        content=track.to_csv(index=False).encode(),
        headers={**h, "Content-Type": "text/csv"},
    )
    assert r.status_code == 200, r.text
    cols = ["seq", "store_id", "store_name", "lat", "lon", "method", "reported_visited"]
    body: list[dict[str, Any]] = tasks[cols].to_dict("records")
    r = client.put(f"/v1/managers/{manager}/days/{day}/tasks", json={"tasks": body}, headers=h)
    assert r.status_code == 200, r.text
    return f"/v1/managers/{manager}/days/{day}/verify"


def test_a_replay_across_two_uploaded_days_is_flagged(client: TestClient, keys: Keys) -> None:
    h = bearer(keys.platform)
    day = generate_day("compliant", 1000)
    first = client.post(_upload(client, h, day.track, day.tasks), headers=h).json()
    assert first["integrity"] == {"status": "clean", "flags": []}
    next_day = dt.date.fromisoformat(str(day.tasks["date"].iloc[0])) + dt.timedelta(days=1)
    tasks = day.tasks.assign(date=next_day.isoformat())
    second = client.post(_upload(client, h, shift_days(day.track, 1), tasks), headers=h).json()
    assert second["integrity"]["status"] == "suspicious"
    flag = second["integrity"]["flags"][0]
    assert flag["kind"] == "replayed_track"
    assert flag["other_date"] == day.tasks["date"].iloc[0]
    statuses = [{k: c["status"] for k, c in r["checks"].items()} for r in (first, second)]
    assert statuses[0] == statuses[1]  # advisory only: the checks are those of the copy
    listed = client.get("/v1/results", params={"integrity": "suspicious"}, headers=h).json()
    assert [(r["date"], r["integrity"]) for r in listed["items"]] == [
        (next_day.isoformat(), "suspicious")
    ]
    clean = client.get("/v1/results", params={"integrity": "clean"}, headers=h).json()
    assert [r["date"] for r in clean["items"]] == [day.tasks["date"].iloc[0]]
