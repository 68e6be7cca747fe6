"""Who may do what (api/deps.py, on every route): 401 without a valid key, 403 across teams
and roles.

The routes are enumerated from the app itself, so an endpoint added later is
covered (or fails :func:`test_every_route_is_classified`) without touching this file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.main import create_app
from api.settings import Settings
from tests.helpers.db import MANAGER_A, MANAGER_B, TEAM_A, TEAM_B, Keys, create_key
from tests.helpers.service import bearer
from tests.tracks import DAY

#: Routes open to everyone (no key).
PUBLIC = {"/health", "/version"}
#: What each tag means for access (every protected route carries exactly one).
ACCESS = {
    "auth": "any key",
    "ingest": "platform or admin",
    "admin": "admin",
    "read": "scoped",
    "verify": "scoped",
    "reports": "scoped",
    "daily": "platform or admin",
}
PATH_VALUES = {
    "date": DAY,
    "team_id": TEAM_A,
    "key_id": "1",
    "manager_id": MANAGER_A,
    "supervisor_id": MANAGER_A,
}


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    tag: str

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"

    def url(self, **values: str) -> str:
        return re.sub(r"\{(\w+)\}", lambda m: {**PATH_VALUES, **values}[m[1]], self.path)

    @property
    def manager_scoped(self) -> bool:
        return ACCESS[self.tag] == "scoped" and "{manager_id}" in self.path


def endpoints(app: FastAPI) -> list[Endpoint]:
    """Every protected (method, path) of ``app``, documentation pages excepted."""
    out = []
    for route in app.routes:
        if not isinstance(route, APIRoute) or route.path in PUBLIC:
            continue
        if route.path.startswith(("/docs", "/redoc", "/openapi")):
            continue
        tags = [str(t) for t in route.tags]
        for method in sorted(route.methods or ()):
            out.append(Endpoint(method, route.path, tags[0] if len(tags) == 1 else repr(tags)))
    return out


ENDPOINTS = endpoints(create_app(Settings(database_url="sqlite://"), migrate=False))
SCOPED = [e for e in ENDPOINTS if e.manager_scoped]
BY_ROLE = {
    "ingest": [e for e in ENDPOINTS if ACCESS.get(e.tag) == "platform or admin"],
    "admin": [e for e in ENDPOINTS if e.tag == "admin"],
}


def test_every_route_is_classified(app: FastAPI) -> None:
    assert endpoints(app) == ENDPOINTS
    assert len(ENDPOINTS) >= 15
    unknown = [e.id for e in ENDPOINTS if e.tag not in ACCESS]
    assert not unknown, f"give these routes one tag of {sorted(ACCESS)}: {unknown}"
    assert {e.path for e in SCOPED} >= {
        "/v1/managers/{manager_id}/days/{date}/tasks",
        "/v1/managers/{manager_id}/days/{date}/verify",
        "/v1/managers/{manager_id}/days/{date}/result",
        "/v1/managers/{manager_id}/days/{date}/report.html",
    }


# ------------------------------------------------------------------ 401


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.id)
def test_401_without_a_valid_key(client: TestClient, keys: Keys, endpoint: Endpoint) -> None:
    wrong = keys.platform[:-4] + ("AAAA" if not keys.platform.endswith("AAAA") else "BBBB")
    attempts = {
        "no key": {},
        "wrong key": bearer(wrong),
        "wrong X-API-Key": {"X-API-Key": "tc_nonsense"},
        "revoked key": bearer(keys.revoked),
        "revoked X-API-Key": {"X-API-Key": keys.revoked},
        "empty bearer": {"Authorization": "Bearer "},
    }
    for what, headers in attempts.items():
        r = client.request(endpoint.method, endpoint.url(), headers=headers)
        assert r.status_code == 401, (what, r.status_code, r.text)
        assert r.headers.get("www-authenticate", "").startswith("Bearer"), what
        assert r.json()["detail"], what


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.id)
def test_401_with_a_wrong_or_revoked_cookie(
    client: TestClient, keys: Keys, endpoint: Endpoint
) -> None:
    for secret in ("tc_nonsense", keys.revoked):
        client.cookies.set("trajcheck_session", secret)
        r = client.request(endpoint.method, endpoint.url())
        assert r.status_code == 401, (secret, r.text)
        assert r.headers.get("www-authenticate", "").startswith("Bearer")
    client.cookies.clear()


def test_public_routes_need_no_key(client: TestClient) -> None:
    assert client.get("/health").status_code == 200
    assert client.get("/version").status_code == 200
    assert client.get("/openapi.json").status_code == 200


# ------------------------------------------------------------------ 403 by role


@pytest.mark.parametrize("endpoint", BY_ROLE["ingest"], ids=lambda e: e.id)
def test_supervisor_cannot_ingest(client: TestClient, keys: Keys, endpoint: Endpoint) -> None:
    for secret in (keys.sup_a, keys.sup_b):
        r = client.request(endpoint.method, endpoint.url(), headers=bearer(secret))
        assert r.status_code == 403, r.text
        assert "supervisor" in r.json()["detail"]


@pytest.mark.parametrize("endpoint", BY_ROLE["admin"], ids=lambda e: e.id)
def test_only_admin_uses_admin_endpoints(
    client: TestClient, keys: Keys, endpoint: Endpoint
) -> None:
    for secret in (keys.sup_a, keys.sup_b, keys.platform):
        r = client.request(endpoint.method, endpoint.url(), headers=bearer(secret))
        assert r.status_code == 403, r.text


# ------------------------------------------------------------------ 403 across teams


@pytest.mark.parametrize("endpoint", SCOPED, ids=lambda e: e.id)
def test_supervisor_reads_only_its_teams_managers(
    client: TestClient, two_days: Keys, endpoint: Endpoint
) -> None:
    keys = two_days
    for secret, own, other in (
        (keys.sup_b, MANAGER_B, MANAGER_A),
        (keys.sup_a, MANAGER_A, MANAGER_B),
    ):
        r = client.request(endpoint.method, endpoint.url(manager_id=other), headers=bearer(secret))
        assert r.status_code == 403, r.text
        assert other in r.json()["detail"]
        r = client.request(endpoint.method, endpoint.url(manager_id=own), headers=bearer(secret))
        assert r.status_code == 200, r.text
    # an unknown manager is "not yours" to a supervisor (no existence oracle), 404 to the platform
    r = client.request(
        endpoint.method, endpoint.url(manager_id="ghost"), headers=bearer(keys.sup_b)
    )
    assert r.status_code == 403
    r = client.request(
        endpoint.method, endpoint.url(manager_id="ghost"), headers=bearer(keys.platform)
    )
    assert r.status_code == 404


def test_platform_and_admin_read_every_team(client: TestClient, two_days: Keys) -> None:
    for secret in (two_days.platform, two_days.admin):
        for manager in (MANAGER_A, MANAGER_B):
            for endpoint in SCOPED:
                r = client.request(
                    endpoint.method, endpoint.url(manager_id=manager), headers=bearer(secret)
                )
                assert r.status_code == 200, (endpoint.id, r.text)


def test_results_list_holds_only_the_supervisors_teams(client: TestClient, two_days: Keys) -> None:
    keys = two_days

    def managers(secret: str, **params: str) -> list[str]:
        r = client.get("/v1/results", params=params, headers=bearer(secret))
        assert r.status_code == 200, r.text
        assert r.json()["total"] == len(r.json()["items"])
        return [i["manager_id"] for i in r.json()["items"]]

    assert managers(keys.sup_b) == [MANAGER_B]
    assert managers(keys.sup_a) == [MANAGER_A]
    assert managers(keys.sup_b, team_id=TEAM_B, date=DAY) == [MANAGER_B]
    assert sorted(managers(keys.platform)) == [MANAGER_A, MANAGER_B]
    assert managers(keys.platform, team_id=TEAM_A) == [MANAGER_A]
    r = client.get("/v1/results", params={"team_id": TEAM_A}, headers=bearer(keys.sup_b))
    assert r.status_code == 403
    r = client.get("/v1/results", params={"team_id": "nope"}, headers=bearer(keys.sup_b))
    assert r.status_code == 403


def test_team_day_index_holds_only_the_supervisors_teams(
    client: TestClient, two_days: Keys
) -> None:
    keys = two_days
    url = f"/v1/days/{DAY}/index.html"
    r = client.get(url, headers=bearer(keys.sup_b))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert f'data-manager="{MANAGER_B}"' in r.text
    assert f'data-manager="{MANAGER_A}"' not in r.text and f"/{MANAGER_A}/" not in r.text
    r = client.get(url, headers=bearer(keys.platform))
    assert f'data-manager="{MANAGER_A}"' in r.text and f'data-manager="{MANAGER_B}"' in r.text
    assert (
        client.get(url, params={"team_id": TEAM_A}, headers=bearer(keys.sup_b)).status_code == 403
    )
    r = client.get(url, params={"team_id": TEAM_B}, headers=bearer(keys.sup_b))
    assert r.status_code == 200 and f'data-manager="{MANAGER_B}"' in r.text


def test_supervisor_of_two_teams(client: TestClient, two_days: Keys, engine: Engine) -> None:
    both, _ = create_key(engine, "supervisor", (TEAM_A, TEAM_B))
    r = client.get("/v1/results", headers=bearer(both))
    assert sorted(i["manager_id"] for i in r.json()["items"]) == [MANAGER_A, MANAGER_B]
