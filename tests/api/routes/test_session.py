"""``POST /v1/session``: the cookie that opens the HTML reports in a browser."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.helpers.db import MANAGER_A, MANAGER_B, Keys
from tests.helpers.service import bearer
from tests.tracks import DAY


def test_cookie_session_opens_html_reports(client: TestClient, two_days: Keys) -> None:
    keys = two_days
    report = f"/v1/managers/{MANAGER_B}/days/{DAY}/report.html"
    assert client.get(report).status_code == 401
    r = client.post("/v1/session", headers={"X-API-Key": keys.sup_b})
    assert r.status_code == 204
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("trajcheck_key=")
    attrs = {a.strip().split("=")[0].lower() for a in cookie.split(";")}
    assert {"httponly", "samesite", "max-age"} <= attrs
    assert "samesite=strict" in cookie.lower()
    r = client.get(report)  # the cookie alone
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert MANAGER_B in r.text
    assert client.get(f"/v1/managers/{MANAGER_A}/days/{DAY}/report.html").status_code == 403
    assert client.get(f"/v1/days/{DAY}/index.html").status_code == 200
    # a supervisor's cookie still cannot ingest
    assert client.post("/v1/points", json={"points": []}).status_code == 403


def test_session_with_a_bearer_key(client: TestClient, two_days: Keys) -> None:
    r = client.post("/v1/session", headers=bearer(two_days.sup_a))
    assert r.status_code == 204
    r = client.get(f"/v1/managers/{MANAGER_A}/days/{DAY}/report.html")
    assert r.status_code == 200


def test_session_needs_a_valid_key(client: TestClient, keys: Keys) -> None:
    r = client.post("/v1/session", headers={"X-API-Key": keys.revoked})
    assert r.status_code == 401
    assert "set-cookie" not in r.headers


def test_session_renewed_from_the_cookie_keeps_it(client: TestClient, two_days: Keys) -> None:
    assert client.post("/v1/session", headers={"X-API-Key": two_days.sup_b}).status_code == 204
    r = client.post("/v1/session")  # the cookie alone
    assert r.status_code == 204
    r = client.get(f"/v1/managers/{MANAGER_B}/days/{DAY}/report.html")
    assert r.status_code == 200, r.text


def test_session_stores_the_key_that_authenticated(client: TestClient, two_days: Keys) -> None:
    """Bearer wins over X-API-Key, as in authentication: the cookie is never a key that failed."""
    headers = {**bearer(two_days.sup_b), "X-API-Key": "tc_bogus"}
    assert client.post("/v1/session", headers=headers).status_code == 204
    assert client.cookies.get("trajcheck_key") == two_days.sup_b
