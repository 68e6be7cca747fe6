"""``GET /v1/results`` on both databases: filters, order, pagination, a supervisor's teams."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.db.results import save_result
from api.db.session import writing
from api.db.teams import assign_manager, manager_team, upsert_team
from tests.helpers.db import TEAM_A, TEAM_B, Keys
from tests.helpers.samples import CHECKS
from tests.helpers.service import (
    bearer,
)


def save_results(
    engine: Engine, rows: list[tuple[str, str | None, str, str, str, str, str]]
) -> None:
    """(manager, team, date, status, on_time, clear, count) stored as results."""
    with writing(engine) as conn:
        for manager, team, day, status, *checks in rows:
            if team is not None:
                upsert_team(conn, team, "")
            assign_manager(conn, manager, team)
            pk = manager_team(conn, manager)
            assert pk is not None
            body = {
                "manager_id": manager,
                "date": day,
                "status": status,
                "checks": {c: {"status": v} for c, v in zip(CHECKS, checks, strict=True)},
            }
            save_result(conn, pk[0], dt.date.fromisoformat(day), body)


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
    assert set(item) == {
        "manager_id", "team_id", "date", "status", *CHECKS, "computed_at", "integrity"
    }  # fmt: skip
    assert item["integrity"] == "clean"  # a body without integrity (stored before issue 12)
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
