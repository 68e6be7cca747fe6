"""``/v1/session``: the cookie that opens the HTML reports in a browser (issue 14, item 5:
a session token, never the API key; expiring, revocable with the key, Secure behind a
trusted TLS proxy)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy.engine import Engine

from api.db.keys import digest, find_key
from api.db.session import writing
from api.db.tables import sessions
from api.main import create_app
from api.settings import Settings
from tests.helpers.db import MANAGER_A, MANAGER_B, Keys
from tests.helpers.service import bearer
from tests.tracks import DAY

COOKIE = "trajcheck_session"
REPORT_B = f"/v1/managers/{MANAGER_B}/days/{DAY}/report.html"


def test_cookie_session_opens_html_reports(client: TestClient, two_days: Keys) -> None:
    keys = two_days
    assert client.get(REPORT_B).status_code == 401
    r = client.post("/v1/session", headers={"X-API-Key": keys.sup_b})
    assert r.status_code == 204
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    attrs = {a.strip().split("=")[0].lower() for a in cookie.split(";")}
    assert {"httponly", "samesite", "max-age"} <= attrs
    assert "samesite=strict" in cookie.lower()
    assert "secure" not in attrs  # plain http, no proxy
    r = client.get(REPORT_B)  # the cookie alone
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert MANAGER_B in r.text
    assert client.get(f"/v1/managers/{MANAGER_A}/days/{DAY}/report.html").status_code == 403
    assert client.get(f"/v1/days/{DAY}/index.html").status_code == 200
    # a supervisor's cookie still cannot ingest
    assert client.post("/v1/points", json={"points": []}).status_code == 403


def test_the_cookie_holds_a_token_never_the_key(
    client: TestClient, two_days: Keys, engine: Engine
) -> None:
    r = client.post("/v1/session", headers=bearer(two_days.sup_b))
    assert r.status_code == 204
    token = client.cookies[COOKIE]
    assert two_days.sup_b not in r.headers["set-cookie"] and token != two_days.sup_b
    with engine.connect() as conn:  # stored as its digest only
        rows = conn.execute(sa.select(sessions.c.digest)).scalars().all()
    assert rows == [digest(token)]
    # a key put into the cookie (old or new name) is not a session
    for name in (COOKIE, "trajcheck_key"):
        fresh = TestClient(client.app, cookies={name: two_days.sup_b})
        assert fresh.get(REPORT_B).status_code == 401


def test_session_with_a_bearer_key(client: TestClient, two_days: Keys) -> None:
    r = client.post("/v1/session", headers=bearer(two_days.sup_a))
    assert r.status_code == 204
    r = client.get(f"/v1/managers/{MANAGER_A}/days/{DAY}/report.html")
    assert r.status_code == 200


def test_session_needs_a_valid_key(client: TestClient, keys: Keys) -> None:
    r = client.post("/v1/session", headers={"X-API-Key": keys.revoked})
    assert r.status_code == 401
    assert "set-cookie" not in r.headers


def test_renewed_from_the_cookie_the_old_token_ends(client: TestClient, two_days: Keys) -> None:
    assert client.post("/v1/session", headers={"X-API-Key": two_days.sup_b}).status_code == 204
    old = client.cookies[COOKIE]
    r = client.post("/v1/session")  # the cookie alone
    assert r.status_code == 204
    assert client.cookies[COOKIE] != old
    assert client.get(REPORT_B).status_code == 200
    stale = TestClient(client.app, cookies={COOKIE: old})
    assert stale.get(REPORT_B).status_code == 401


def test_session_is_of_the_key_that_authenticated(client: TestClient, two_days: Keys) -> None:
    """Bearer wins over X-API-Key, as in authentication: never a key that failed."""
    headers = {**bearer(two_days.sup_b), "X-API-Key": "tc_bogus"}
    assert client.post("/v1/session", headers=headers).status_code == 204
    assert client.get(REPORT_B).status_code == 200
    assert client.get(f"/v1/managers/{MANAGER_A}/days/{DAY}/report.html").status_code == 403


def test_revoking_the_key_ends_its_sessions(
    client: TestClient, two_days: Keys, engine: Engine
) -> None:
    assert client.post("/v1/session", headers=bearer(two_days.sup_b)).status_code == 204
    assert client.get(REPORT_B).status_code == 200
    with engine.connect() as conn:
        found = find_key(conn, two_days.sup_b)
    assert found is not None
    r = client.delete(f"/v1/keys/{found.key_id}", headers=bearer(two_days.admin))
    assert r.status_code == 204
    r = client.get(REPORT_B)
    assert r.status_code == 401 and "revoked" in r.json()["detail"]
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(sessions)).scalar() == 0


def test_an_expired_session_is_401(client: TestClient, two_days: Keys, engine: Engine) -> None:
    r = client.post("/v1/session", headers=bearer(two_days.sup_b))
    assert f"max-age={12 * 3600}" in r.headers["set-cookie"].lower()
    with writing(engine) as conn:
        conn.execute(sa.update(sessions).values(expires_ms=sessions.c.created_ms - 1))
    assert client.get(REPORT_B).status_code == 401


def test_sign_out_ends_the_session(client: TestClient, two_days: Keys) -> None:
    assert client.post("/v1/session", headers=bearer(two_days.sup_b)).status_code == 204
    token = client.cookies[COOKIE]
    assert client.delete("/v1/session").status_code == 204
    assert TestClient(client.app, cookies={COOKIE: token}).get(REPORT_B).status_code == 401


def _behind(app: FastAPI, proxy: str) -> TestClient:
    return TestClient(app, base_url="http://reports.example", client=(proxy, 40000))


def test_secure_cookie_behind_a_trusted_tls_proxy(
    engine: Engine, settings: Settings, two_days: Keys
) -> None:
    app = create_app(
        settings.model_copy(update={"trusted_proxies": "10.0.0.0/8"}),
        engine=engine,
        migrate=False,
    )
    https = {"x-forwarded-proto": "https", "x-forwarded-for": "203.0.113.9"}
    with _behind(app, "10.1.2.3") as proxied:
        r = proxied.post("/v1/session", headers={**bearer(two_days.sup_b), **https})
        assert r.status_code == 204
        attrs = {a.strip().lower() for a in r.headers["set-cookie"].split(";")}
        assert "secure" in attrs
        # the browser's origin is the proxy's https one: a same-origin write is allowed
        # (a Secure cookie: the test client, on http, would not send it by itself)
        h = {**https, "origin": "https://reports.example", "sec-fetch-site": "same-origin"}
        h["cookie"] = r.headers["set-cookie"].split(";")[0]
        r = proxied.post(f"/v1/managers/{MANAGER_B}/days/{DAY}/verify", headers=h)
        assert r.status_code == 200, r.text
    with _behind(app, "192.0.2.1") as direct:  # not a trusted proxy: its header is ignored
        r = direct.post("/v1/session", headers={**bearer(two_days.sup_b), **https})
        attrs = {a.strip().lower() for a in r.headers["set-cookie"].split(";")}
        assert "secure" not in attrs


def test_trusted_proxies_must_be_addresses() -> None:
    with pytest.raises(ValidationError, match="not an IP address"):
        Settings(trusted_proxies="10.0.0.1, proxy.local")
