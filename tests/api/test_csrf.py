"""Cookie-authenticated writes from another origin are refused (issue 14, item 5)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.helpers.db import Keys
from tests.helpers.service import bearer

CSV = b"manager_id,timestamp,lat,lon\nmA,2026-11-20T07:00:00+08:00,31.2,121.4\n"


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "https://evil.example"},
        {"origin": "https://reports.testserver"},
        {"sec-fetch-site": "same-site"},
        {"sec-fetch-site": "cross-site"},
    ],
)
def test_cross_origin_cookie_writes_are_403(
    client: TestClient, keys: Keys, headers: dict[str, str]
) -> None:
    assert client.post("/v1/session", headers=bearer(keys.platform)).status_code == 204
    r = client.post("/v1/points.csv", content=CSV, headers={**headers, "content-type": "text/csv"})
    assert r.status_code == 403, r.text
    r = client.post("/v1/managers/mA/days/2026-11-20/verify", headers=headers)
    assert r.status_code == 403, r.text


def test_cross_origin_text_plain_is_refused_too(client: TestClient, keys: Keys) -> None:
    assert client.post("/v1/session", headers=bearer(keys.platform)).status_code == 204
    h = {"origin": "https://evil.example", "content-type": "text/plain"}
    assert client.post("/v1/points.csv", content=CSV, headers=h).status_code in (403, 422)


def test_same_origin_cookie_writes_and_header_keys_still_work(
    client: TestClient, keys: Keys
) -> None:
    assert client.post("/v1/session", headers=bearer(keys.platform)).status_code == 204
    h = {"origin": "http://testserver", "sec-fetch-site": "same-origin", "content-type": "text/csv"}
    assert client.post("/v1/points.csv", content=CSV, headers=h).status_code == 200
    h = {**bearer(keys.platform), "origin": "https://platform.example", "content-type": "text/csv"}
    assert client.post("/v1/points.csv", content=CSV, headers=h).status_code == 200
