"""The /v1/assess endpoints: 401 without a key, 403 across roles and teams, imports, reports."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.main import create_app
from api.settings import Settings
from tests.helpers.assess import AREAS, BRANDS, CLUSTERS, PEOPLE, buyer, order
from tests.helpers.assess_service import AS_OF, Keys, client_for, make_keys
from tests.helpers.samples import SAMPLE


@pytest.fixture(scope="module")
def sample_client(sample_engine: Engine) -> Iterator[tuple[TestClient, Keys]]:
    """A client over the sample city (read-only tests)."""
    keys = make_keys(sample_engine)
    with client_for(sample_engine) as c:
        yield c, keys


def assess_routes() -> list[tuple[str, str, str]]:
    app = create_app(Settings(database_url="sqlite://"), migrate=False)
    return [
        (method, route.path, str(route.tags[0]))
        for route in app.routes
        if isinstance(route, APIRoute) and route.path.startswith("/v1/assess")
        for method in sorted(route.methods)
    ]


ROUTES = assess_routes()
INGEST = [r for r in ROUTES if r[2] == "ingest"]


def test_every_route_carries_a_known_tag() -> None:
    assert len(ROUTES) >= 14
    assert {tag for _, _, tag in ROUTES} == {"ingest", "read", "reports"}


@pytest.mark.parametrize(("method", "path", "tag"), ROUTES)
def test_401_without_a_valid_key(
    sample_client: tuple[TestClient, Keys], method: str, path: str, tag: str
) -> None:
    client, _ = sample_client
    for headers in ({}, Keys.h("tc_nonsense"), {"X-API-Key": "tc_nonsense"}):
        r = client.request(method, path, headers=headers)
        assert r.status_code == 401, (tag, r.text)
        assert r.json()["detail"]


@pytest.mark.parametrize(("method", "path", "tag"), INGEST)
def test_supervisors_may_not_import_or_reassign(
    sample_client: tuple[TestClient, Keys], method: str, path: str, tag: str
) -> None:
    client, keys = sample_client
    for secret in (keys.north, keys.south):
        r = client.request(method, path, headers=Keys.h(secret), json={"rows": []})
        assert r.status_code == 403 and "supervisor" in r.json()["detail"], r.text


class TestScope:
    def get(self, sample: tuple[TestClient, Keys], who: str, path: str, **params: str) -> Any:
        client, keys = sample
        return client.get(
            path, params={"as_of": AS_OF, **params}, headers=Keys.h(getattr(keys, who))
        )

    def test_supervisors_see_their_teams_buyers_with_the_global_ranks(
        self, sample_client: tuple[TestClient, Keys]
    ) -> None:
        everyone = self.get(sample_client, "platform", "/v1/assess/buyers").json()
        north = self.get(sample_client, "north", "/v1/assess/buyers").json()
        assert everyone["total"] == 100 and everyone["as_of"] == AS_OF
        assert 0 < north["total"] < 100
        assert {b["team_id"] for b in north["items"]} == {"north"}
        ranks = {b["buyer_id"]: b["rank"] for b in everyone["items"]}
        assert all(ranks[b["buyer_id"]] == b["rank"] for b in north["items"])
        south = self.get(sample_client, "south", "/v1/assess/buyers").json()
        assert north["total"] + south["total"] == everyone["total"] - sum(
            1 for b in everyone["items"] if b["team_id"] is None
        )

    @pytest.mark.parametrize(
        ("path", "params"),
        [
            ("/v1/assess/buyers", {"team_id": "south"}),
            ("/v1/assess/buyers", {"manager_id": "F21"}),
            ("/v1/assess/buyers.html", {"team_id": "south"}),
            ("/v1/assess/orders", {"team_id": "south"}),
            ("/v1/assess/orders", {"manager_id": "F22"}),
            ("/v1/assess/orders.html", {"manager_id": "F22"}),
            ("/v1/assess/buyers", {"team_id": "nope"}),
        ],
    )
    def test_403_for_another_team(
        self, sample_client: tuple[TestClient, Keys], path: str, params: dict[str, str]
    ) -> None:
        r = self.get(sample_client, "north", path, **params)
        assert r.status_code == 403, r.text
        assert self.get(sample_client, "south", path, **params).status_code in (200, 403)
        assert self.get(sample_client, "platform", path, **params).status_code == 200

    def test_orders_of_the_supervisors_teams(self, sample_client: tuple[TestClient, Keys]) -> None:
        body = self.get(sample_client, "south", "/v1/assess/orders").json()
        assert [t["team_id"] for t in body["by_team"]] == ["south"]
        assert {d["team_id"] for d in body["declarations"]} == {"south"}
        everyone = self.get(sample_client, "platform", "/v1/assess/orders").json()
        assert [t["team_id"] for t in everyone["by_team"]] == ["north", "south"]
        assert sum(t["declarations"] for t in everyone["by_team"]) == len(everyone["declarations"])

    def test_html_holds_only_the_supervisors_rows(
        self, sample_client: tuple[TestClient, Keys]
    ) -> None:
        r = self.get(sample_client, "north", "/v1/assess/buyers.html", lang="zh")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        teams = set(re.findall(r'data-col="team_id" data-sort="([^"]*)"', r.text))
        assert teams == {"north"} and "买家" in r.text
        r = self.get(sample_client, "north", "/v1/assess/orders.html")
        assert set(re.findall(r'data-col="team_id" data-sort="([^"]*)"', r.text)) == {"north"}

    def test_history(self, sample_client: tuple[TestClient, Keys]) -> None:
        items = self.get(sample_client, "platform", "/v1/assess/buyers").json()["items"]
        south = next(b["buyer_id"] for b in items if b["team_id"] == "south")
        r = self.get(sample_client, "south", "/v1/assess/buyers/history", buyer_id=south)
        assert r.status_code == 200 and r.json()["periods"][0]["reason"] == "import"
        assert (
            self.get(
                sample_client, "north", "/v1/assess/buyers/history", buyer_id=south
            ).status_code
            == 403
        )
        assert (
            self.get(sample_client, "north", "/v1/assess/buyers/history", buyer_id="X").status_code
            == 403
        )
        assert (
            self.get(
                sample_client, "platform", "/v1/assess/buyers/history", buyer_id="X"
            ).status_code
            == 404
        )

    def test_views_and_filters(self, sample_client: tuple[TestClient, Keys]) -> None:
        due = self.get(sample_client, "platform", "/v1/assess/buyers", view="due").json()["items"]
        assert due and {b["rights"] for b in due} == {"due"}
        assert [b["due_date"] for b in due] == sorted(b["due_date"] for b in due)
        tier1 = self.get(sample_client, "platform", "/v1/assess/buyers", grade="tier1").json()
        assert tier1["total"] >= 1 and {b["grade"] for b in tier1["items"]} == {"tier1"}
        page = self.get(
            sample_client, "platform", "/v1/assess/buyers", limit="7", offset="95"
        ).json()
        assert page["total"] == 100 and len(page["items"]) == 5
        r = self.get(sample_client, "platform", "/v1/assess/buyers", as_of="1999-12-31")
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "as_of"


class TestImports:
    def post(
        self, w: tuple[TestClient, Keys], kind: str, rows: list[dict[str, Any]], **kw: Any
    ) -> Any:
        client, keys = w
        return client.post(
            f"/v1/assess/{kind}", json={"rows": rows, **kw}, headers=Keys.h(keys.platform)
        )

    def base(self, w: tuple[TestClient, Keys]) -> None:
        for kind, rows in (
            ("areas", AREAS),
            ("clusters", CLUSTERS),
            ("people", PEOPLE),
            ("brands", BRANDS),
        ):
            assert self.post(w, kind, rows).status_code == 200

    def test_json_rows_partly_bad(self, writable: tuple[TestClient, Keys]) -> None:
        self.base(writable)
        r = self.post(writable, "buyers", [buyer("B1"), buyer("B2", type="spaceship")])
        assert r.status_code == 200, r.text
        body = r.json()
        assert (body["received"], body["stored"]) == (2, 1)
        assert body["rejected"][0]["message"].startswith("buyers, row 2, field type: not one of")
        again = self.post(writable, "buyers", [buyer("B1")]).json()
        assert again["stored"] == 1 and not again["rejected"]

    def test_atomic_and_empty_batches_are_422(self, writable: tuple[TestClient, Keys]) -> None:
        self.base(writable)
        r = self.post(writable, "buyers", [buyer("B1"), buyer("B2", lat=99)], atomic=True)
        assert r.status_code == 422
        assert r.json()["detail"] == (
            "buyers, row 2, field lat: out of range [-90, 90] (got 99) (1 bad row; atomic batch: "
            "nothing stored)"
        )
        client, keys = writable
        listed = client.get("/v1/assess/buyers", headers=Keys.h(keys.platform)).json()
        assert listed["total"] == 0
        assert self.post(writable, "buyers", [7]).status_code == 422

    def test_csv_body(self, writable: tuple[TestClient, Keys]) -> None:
        client, keys = writable
        h = {**Keys.h(keys.platform), "content-type": "text/csv"}
        r = client.post(
            "/v1/assess/import.csv",
            params={"kind": "areas"},
            content=(SAMPLE / "areas.csv").read_bytes(),
            headers=h,
        )
        assert r.status_code == 200 and r.json()["stored"] == 6
        r = client.post(
            "/v1/assess/import.csv",
            params={"kind": "people"},
            content=b"person_id\nP1\n",
            headers=h,
        )
        assert r.status_code == 422
        assert r.json()["detail"] == "people.csv, field role: missing column"

    def test_reassignment_and_exclusive_rights(self, writable: tuple[TestClient, Keys]) -> None:
        self.base(writable)
        self.post(writable, "buyers", [buyer("T1", activated_at=None), buyer("A1")])
        self.post(writable, "orders", [order("O1", "T1", "2026-02-01", 6)])
        client, keys = writable
        h = Keys.h(keys.platform)
        due = client.get(
            "/v1/assess/buyers", params={"as_of": "2026-03-01", "view": "due"}, headers=h
        )
        assert [b["buyer_id"] for b in due.json()["items"]] == ["T1"]
        assert due.json()["items"][0]["due_date"] == "2026-03-01"
        body = {
            "buyer_id": "T1",
            "manager_id": "F2",
            "at": "2026-03-02T09:00:00+08:00",
            "reason": "due",
        }
        r = client.post("/v1/assess/reassignments", json=body, headers=h)
        assert r.status_code == 200 and r.json()["from_manager_id"] == "F1"
        r = client.post("/v1/assess/reassignments", json={**body, "buyer_id": "A1"}, headers=h)
        assert r.status_code == 409 and "exclusive" in r.json()["detail"]
        r = client.get("/v1/assess/buyers/history", params={"buyer_id": "T1"}, headers=h)
        assert [p["manager_id"] for p in r.json()["periods"]] == ["F1", "F2"]
        after = client.get("/v1/assess/buyers", params={"as_of": "2026-03-05"}, headers=h).json()
        t1 = next(b for b in after["items"] if b["buyer_id"] == "T1")
        assert (t1["manager_id"], t1["team_id"], t1["rights"], t1["due_date"]) == (
            "F2",
            "south",
            "window",
            "2026-05-02",
        )

    def test_html_escapes_every_string(self, writable: tuple[TestClient, Keys]) -> None:
        self.base(writable)
        evil = '<script>alert("x")</script>'
        self.post(writable, "buyers", [buyer("B<1>", name=evil)])
        client, keys = writable
        r = client.get("/v1/assess/buyers.html", headers=Keys.h(keys.platform))
        assert r.status_code == 200
        assert evil not in r.text and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in r.text
        assert 'data-key="B&lt;1&gt;"' in r.text
