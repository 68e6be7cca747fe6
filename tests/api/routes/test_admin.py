"""The admin endpoints (teams, managers' teams, API keys) work for an admin key."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.helpers.db import Keys
from tests.helpers.service import bearer


def test_admin_endpoints_work_for_admin(client: TestClient, keys: Keys, engine: Engine) -> None:
    h = bearer(keys.admin)
    assert client.put("/v1/teams/C", json={"name": "Team C"}, headers=h).status_code == 200
    assert [t["team_id"] for t in client.get("/v1/teams", headers=h).json()] == ["A", "B", "C"]
    assert client.put("/v1/managers/mC", json={"team_id": "C"}, headers=h).json() == {
        "manager_id": "mC",
        "team_id": "C",
    }
    r = client.post("/v1/keys", json={"role": "supervisor", "team_ids": ["C"]}, headers=h)
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["key"].startswith("tc_") and created["team_ids"] == ["C"]
    listed = client.get("/v1/keys", headers=h).json()
    assert created["key_id"] in [k["key_id"] for k in listed]
    assert created["key"] not in r.text.replace(created["key"], "", 1)  # shown once only
    assert all("key" not in k for k in listed)
    sup_c = bearer(created["key"])
    assert client.get("/v1/managers/mC/days/2026-11-20/tasks", headers=sup_c).status_code == 200
    assert client.get("/v1/managers/mA/days/2026-11-20/tasks", headers=sup_c).status_code == 403
    assert client.delete(f"/v1/keys/{created['key_id']}", headers=h).status_code == 204
    assert client.get("/v1/managers/mC/days/2026-11-20/tasks", headers=sup_c).status_code == 401
    assert client.delete(f"/v1/keys/{created['key_id']}", headers=h).status_code == 404
    r = client.post("/v1/keys", json={"role": "supervisor", "team_ids": []}, headers=h)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "team_ids"
    r = client.post("/v1/keys", json={"role": "supervisor", "team_ids": ["nope"]}, headers=h)
    assert r.status_code == 404
