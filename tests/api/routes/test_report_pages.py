"""The service's pages: the map of a stored day shows the same times and GPS gaps as the
map rendered from files, and the team's index names the managers the service knows.

The stored track comes back from the database in its own time unit (milliseconds); the map
must read instants, not assume nanoseconds (it once drew every legend band as ``02:38-02:38``
and no gap at all for a day from the service).
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.db.days import load_track
from maps.day import render_day
from tests.helpers.db import MANAGER_A, Keys
from tests.helpers.samples import SAMPLES
from tests.helpers.service import bearer, sample_points, sample_tasks
from tests.tracks import DAY
from trajectory.pipeline import verify_day

BAND = re.compile(r"(\d\d:\d\d)–(\d\d:\d\d)")


def _times_and_gaps(page: str) -> tuple[list[tuple[str, str]], int]:
    return BAND.findall(page), page.count("tc-gap")


def test_service_report_matches_file_report(client: TestClient, keys: Keys, engine: Engine) -> None:
    _, day, tasks = sample_tasks("late")
    points = [{**p, "manager_id": MANAGER_A} for p in sample_points("late")]
    # a 25-minute hole mid-morning: a GPS gap both maps must draw
    stamps = pd.to_datetime([p["timestamp"] for p in points], utc=True)
    hole_from = stamps[len(stamps) // 2]
    keep = (stamps < hole_from) | (stamps > hole_from + pd.Timedelta(minutes=25))
    points = [p for p, k in zip(points, keep, strict=True) if k]

    h = bearer(keys.platform)
    day_path = f"/v1/managers/{MANAGER_A}/days/{day}"
    assert client.put(f"{day_path}/tasks", json={"tasks": tasks}, headers=h).status_code == 200
    assert client.post("/v1/points", json={"points": points}, headers=h).status_code == 200
    assert client.post(f"{day_path}/verify", headers=h).status_code == 200
    r = client.get(f"{day_path}/report.html", params={"tiles": "none"}, headers=h)
    assert r.status_code == 200, r.text
    served = _times_and_gaps(r.text)

    task_file = pd.read_csv(SAMPLES / "late" / "tasks.csv", dtype=str).assign(manager_id=MANAGER_A)
    result = verify_day(pd.DataFrame(points), task_file, manager_id=MANAGER_A, date=day)
    from_files = _times_and_gaps(render_day(result, tiles="none"))

    # the nightly run's path: the day read back from the points table, verified, drawn
    with engine.connect() as conn:
        stored_track = load_track(conn, MANAGER_A, dt.date.fromisoformat(day), "Asia/Shanghai")
    nightly = verify_day(stored_track, task_file, manager_id=MANAGER_A, date=day)
    from_database = _times_and_gaps(render_day(nightly, tiles="none"))

    bands, gaps = from_files
    assert len(bands) >= 5 and all(a != b for a, b in bands[:-1]), bands
    assert gaps >= 1
    assert served == from_files
    assert from_database == from_files


def test_team_index_names_the_managers_the_service_knows(
    client: TestClient, keys: Keys, engine: Engine
) -> None:
    import sqlalchemy as sa

    from api.db.session import writing
    from api.db.tables import people
    from tests.helpers.db import MANAGER_B
    from tests.helpers.service import load_small_day

    for i, manager in enumerate((MANAGER_A, MANAGER_B)):
        load_small_day(client, keys.platform, manager, seed=i)
        h = bearer(keys.platform)
        assert (
            client.post(f"/v1/managers/{manager}/days/{DAY}/verify", headers=h).status_code == 200
        )
    with writing(engine) as conn:
        conn.execute(sa.insert(people).values(person_id=MANAGER_A, name="王 <芳>", role="field"))
    page = client.get(f"/v1/days/{DAY}/index.html", headers=bearer(keys.platform)).text
    assert f'王 &lt;芳&gt; <small class="tc-id">{MANAGER_A}</small>' in page
    assert f'<td data-sort="{MANAGER_B}">{MANAGER_B}</td>' in page
