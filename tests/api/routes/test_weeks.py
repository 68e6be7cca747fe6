"""``GET /v1/managers/{id}/weeks/{date}`` and its page (issue 17 item 2), on both databases."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.db.results import save_result
from api.db.session import writing
from api.db.teams import manager_team
from tests.helpers.db import MANAGER_A, MANAGER_B, Keys
from tests.helpers.week import BREAKFAST_DATES, WEEK_DATES, week_results

LAST = WEEK_DATES[-1]
URL = f"/v1/managers/{MANAGER_A}/weeks/{LAST}"


@pytest.fixture
def week(engine: Engine, keys: Keys) -> Keys:
    """mA's generated week stored as the service stores results."""
    with writing(engine) as conn:
        found = manager_team(conn, MANAGER_A)
        assert found is not None
        for body in week_results(MANAGER_A):
            save_result(conn, found[0], dt.date.fromisoformat(body["date"]), body)
    return keys


class TestGetWeek:
    def test_the_seven_days_ending_on_the_date_and_the_breakfast_place(
        self, client: TestClient, week: Keys
    ) -> None:
        r = client.get(URL, headers=week.h(week.sup_a))
        assert r.status_code == 200, r.text
        body = r.json()
        assert (body["first"], body["last"]) == (WEEK_DATES[0], LAST)
        assert [d["date"] for d in body["days"]] == list(WEEK_DATES)
        assert len(body["places"]) == 1
        assert body["places"][0]["dates"] == list(BREAKFAST_DATES)
        assert [d["date"] for d in body["days"] if d["places"]] == list(BREAKFAST_DATES)
        assert (body["radius_m"], body["min_visits"]) == (100.0, 3)

    def test_days_shorten_the_range(self, client: TestClient, week: Keys) -> None:
        r = client.get(URL, params={"days": 3}, headers=week.h(week.admin))
        assert r.status_code == 200, r.text
        body = r.json()
        assert [d["date"] for d in body["days"]] == list(WEEK_DATES[-3:])
        assert body["places"] == []  # one breakfast (Saturday) in the last three days

    def test_a_date_without_results(self, client: TestClient, week: Keys) -> None:
        r = client.get(f"/v1/managers/{MANAGER_A}/weeks/2026-10-01", headers=week.h(week.sup_a))
        assert r.status_code == 200
        assert all(d["status"] is None for d in r.json()["days"])

    @pytest.mark.parametrize("days", [0, 32])
    def test_days_out_of_range(self, client: TestClient, week: Keys, days: int) -> None:
        r = client.get(URL, params={"days": days}, headers=week.h(week.sup_a))
        assert r.status_code == 422


class TestScope:
    @pytest.mark.parametrize("suffix", ["", ".html"])
    def test_a_supervisor_of_another_team(
        self, client: TestClient, week: Keys, suffix: str
    ) -> None:
        r = client.get(URL + suffix, headers=week.h(week.sup_b))
        assert r.status_code == 403
        own = client.get(
            f"/v1/managers/{MANAGER_B}/weeks/{LAST}{suffix}", headers=week.h(week.sup_b)
        )
        assert own.status_code == 200

    @pytest.mark.parametrize("suffix", ["", ".html"])
    def test_unknown_manager(self, client: TestClient, week: Keys, suffix: str) -> None:
        r = client.get(f"/v1/managers/nobody/weeks/{LAST}{suffix}", headers=week.h(week.admin))
        assert r.status_code == 404
        assert client.get(URL + suffix).status_code == 401


class TestWeekPage:
    @pytest.mark.parametrize(("lang", "title"), [("en", "Manager's week"), ("zh", "业务经理周报")])
    def test_the_page(self, client: TestClient, week: Keys, lang: str, title: str) -> None:
        r = client.get(URL + ".html", params={"lang": lang}, headers=week.h(week.sup_a))
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith("text/html")
        page = r.text
        assert title in page or title.replace("'", "&#x27;") in page
        assert page.count('class="tc-week-day"') == 7
        assert page.count('class="tc-place"') == 1
        query = "" if lang == "en" else "?lang=zh"
        assert f'href="../../{MANAGER_A}/days/{LAST}/report.html{query}"' in page
