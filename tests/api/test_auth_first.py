"""The key is checked before the body is read (issue 14, item 4)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.helpers.db import Keys

WRITES = [
    ("POST", "/v1/points"),
    ("POST", "/v1/points.csv"),
    ("PUT", "/v1/stores"),
    ("PUT", "/v1/managers/mA/days/2026-11-20/tasks"),
    ("PUT", "/v1/teams/A"),
    ("POST", "/v1/assess/brands"),
    ("POST", "/v1/assess/reassignments"),
]
HOSTILE = [
    b'{"points": 1, "stores": [{"nam": 1}], "tasks": "x", "rows": 3, "name": []}',
    b"{not json",
    b'{"a": NaN}',
    b'{"rows": [' + b",".join([b"{}"] * 100_000) + b"]}",
]


@pytest.mark.parametrize(("method", "path"), WRITES)
@pytest.mark.parametrize("body", HOSTILE, ids=["schema", "broken", "nan", "many"])
def test_a_hostile_body_without_a_valid_key_is_401(
    client: TestClient, keys: Keys, method: str, path: str, body: bytes
) -> None:
    for headers in ({}, {"X-API-Key": "tc_nonsense"}, {"Authorization": "Bearer " + keys.revoked}):
        h = {**headers, "content-type": "application/json"}
        r = client.request(method, path, content=body, headers=h)
        assert r.status_code == 401, (headers, r.status_code, r.text)
        assert "row" not in r.json()["detail"]
