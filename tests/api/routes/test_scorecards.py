"""The scorecard endpoints (``/v1/assess/days/{date}/scorecards``, ``five-day``, the marketing
imports): the same scorecards as the command line, supervisors limited to their teams,
imports for the platform and admins only."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.helpers.assess_service import Keys, client_for, make_keys
from tests.helpers.scorecards import DAY, FOLDERS, START, run_cli


@pytest.fixture(scope="module")
def api(city: tuple[str, Engine]) -> Iterator[tuple[TestClient, Keys]]:
    keys = make_keys(city[1])
    with client_for(city[1]) as c:
        yield c, keys


def _get(api: tuple[TestClient, Keys], who: str, path: str, **params: str) -> Any:
    client, keys = api
    return client.get(path, params=params, headers=Keys.h(getattr(keys, who)))


DAY_PATH = f"/v1/assess/days/{DAY}/scorecards"
FIVE_PATH = f"/v1/assess/managers/F11/five-day/{START}"


class TestApi:
    def test_401_without_a_key(self, api: tuple[TestClient, Keys]) -> None:
        client, _ = api
        for method, path in (("GET", DAY_PATH), ("GET", FIVE_PATH + ".html"),
                             ("POST", "/v1/assess/chat_reports")):  # fmt: skip
            assert client.request(method, path).status_code == 401

    def test_day_equals_the_cli_and_supervisors_see_their_teams(
        self, api: tuple[TestClient, Keys], tmp_path: Path
    ) -> None:
        run_cli(tmp_path, "day", "--date", DAY, *FOLDERS)
        want = json.loads((tmp_path / f"scorecards-{DAY}.json").read_text("utf-8"))
        got = _get(api, "platform", DAY_PATH).json()
        assert got["scorecards"] == want["scorecards"] and got["total"] > 2
        north = _get(api, "north", DAY_PATH).json()["scorecards"]
        assert {c["team_id"] for c in north} == {"north"}
        assert north == [c for c in want["scorecards"] if c["team_id"] == "north"]
        one = _get(api, "north", DAY_PATH, manager_id="F11").json()["scorecards"]
        assert [c["manager_id"] for c in one] == ["F11"]
        south = _get(api, "admin", DAY_PATH, team_id="south").json()["scorecards"]
        assert {c["team_id"] for c in south} == {"south"}

    @pytest.mark.parametrize(
        ("who", "path", "params", "status"),
        [
            ("south", DAY_PATH, {"manager_id": "F11"}, 403),
            ("south", DAY_PATH, {"team_id": "north"}, 403),
            ("south", DAY_PATH + ".html", {"team_id": "north"}, 403),
            ("south", FIVE_PATH, {}, 403),
            ("south", FIVE_PATH + ".html", {}, 403),
            ("north", "/v1/assess/managers/NOBODY/five-day/2026-11-16", {}, 403),
            ("platform", "/v1/assess/managers/NOBODY/five-day/2026-11-16", {}, 404),
            ("platform", DAY_PATH, {"manager_id": "NOBODY"}, 404),
            ("platform", "/v1/assess/days/20261118/scorecards", {}, 422),
            ("platform", "/v1/assess/days/1999-12-31/scorecards", {}, 422),
            ("platform", FIVE_PATH, {"lang": "fr"}, 200),  # lang only on the page
            ("platform", "/v1/assess/managers/F11/five-day/2100-12-30", {}, 422),  # 2101
            ("platform", FIVE_PATH + ".html", {"lang": "fr"}, 422),
        ],
    )
    def test_refusals(
        self, api: tuple[TestClient, Keys], who: str, path: str, params: dict[str, str],
        status: int,
    ) -> None:  # fmt: skip
        r = _get(api, who, path, **params)
        assert r.status_code == status, r.text
        if status >= 400:
            assert r.json()["detail"]

    def test_five_day_and_pages(self, api: tuple[TestClient, Keys], tmp_path: Path) -> None:
        run_cli(tmp_path, "five-day", "--manager", "F11", "--start", START, *FOLDERS)
        want = json.loads((tmp_path / f"five-day-F11-{START}.json").read_text("utf-8"))
        got = _get(api, "north", FIVE_PATH).json()
        assert got == want
        page = _get(api, "north", FIVE_PATH + ".html", lang="zh")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "/v1/managers/F11/days/2026-11-16/report.html?lang=zh" in page.text
        day = _get(api, "platform", DAY_PATH + ".html", team_id="north")
        assert day.status_code == 200 and "F11" in day.text and "F21" not in day.text

    def test_imports_need_platform_or_admin(self, writable: tuple[TestClient, Keys]) -> None:
        client, keys = writable
        body = {"rows": [{"keyword": "库存", "category": "stock"}]}
        r = client.post("/v1/assess/keywords", json=body, headers=Keys.h(keys.north))
        assert r.status_code == 403, r.text
        for _ in range(2):
            r = client.post("/v1/assess/keywords", json=body, headers=Keys.h(keys.platform))
            assert r.status_code == 200 and r.json()["stored"] == 1, r.text
        csv = "keyword,category,needs_leaf\n产品,product,yes\n,price,no\n".encode()
        for atomic, status in (("true", 422), ("false", 200)):
            r = client.post(
                "/v1/assess/marketing.csv",
                params={"kind": "keywords", "atomic": atomic},
                content=csv,
                headers={**Keys.h(keys.admin), "Content-Type": "text/csv"},
            )
            assert r.status_code == status, r.text
        assert r.json()["stored"] == 1
        [bad] = r.json()["rejected"]
        assert (bad["source"], bad["row"], bad["field"]) == ("keywords.csv", 2, "keyword")
