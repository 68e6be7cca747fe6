"""The manager's week page (:mod:`maps.week`, issue 17 item 2)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from maps.week import PLACE_CLASS, day_report_href, render_week
from tests.helpers.browser import chromium, open_offline
from tests.helpers.week import BREAKFAST_DATES, WEEK_DATES, week_results
from trajectory.week import summarize_week


@pytest.fixture(scope="module")
def week() -> dict[str, Any]:
    return summarize_week(
        week_results("M1"),
        manager_id="M1",
        first=dt.date.fromisoformat(WEEK_DATES[0]),
        last=dt.date.fromisoformat(WEEK_DATES[-1]),
        radius_m=100.0,
        min_visits=3,
    )


class TestRenderWeek:
    @pytest.mark.parametrize(
        ("lang", "words"),
        [
            ("en", ("Manager&#x27;s week", "Recurring unexplained places", "Mon", "report")),
            ("zh", ("业务经理周报", "反复出现的无对应门店地点", "周一", "查看报告")),
        ],
    )
    def test_in_both_languages(
        self, week: dict[str, Any], lang: str, words: tuple[str, ...]
    ) -> None:
        links = {d: day_report_href("days/", "M1", d) for d in WEEK_DATES}
        page = render_week(week, links=links, lang=lang)  # type: ignore[arg-type]
        for w in words:
            assert w in page, w
        assert page.count('class="tc-week-day"') == 7
        assert page.count(PLACE_CLASS) >= 1
        assert page.count('<tr class="tc-place" data-place="1">') == 1
        assert page.count('class="tc-day-link"') == 7
        for date in BREAKFAST_DATES:
            assert date in page

    def test_days_without_result_and_no_place(self, week: dict[str, Any]) -> None:
        empty = {**week, "days": [{**week["days"][0], "status": None}], "places": []}
        page = render_week(empty)
        assert 'data-status="none"' in page
        assert 'class="tc-no-places"' in page
        assert PLACE_CLASS not in page

    def test_everything_is_escaped_and_ids_percent_encoded(self, week: dict[str, Any]) -> None:
        hostile = '<script>alert("x")</script>/../%'
        place = {
            **week["places"][0],
            "nearest_known": {"id": hostile, "name": hostile, "kind": "buyer", "distance_m": 3.0},
        }
        data = {**week, "manager_id": hostile, "places": [place]}
        href = day_report_href("../../", hostile, WEEK_DATES[0], "?lang=zh")
        assert href.startswith("../../%3Cscript%3Ealert%28%22x%22%29%3C%2Fscript%3E%2F..%2F%25/")
        page = render_week(data, links={WEEK_DATES[0]: href})
        assert "<script>alert" not in page
        assert "&lt;script&gt;" in page

    def test_offline_and_tiles(self, week: dict[str, Any]) -> None:
        page = render_week(week, offline=True)
        assert '<script data-vendored="leaflet-1.9.3/leaflet.js">' in page
        assert not re.search(r"""<(script|link)[^>]+(src|href)=["']https?://""", page)
        with pytest.raises(ValueError, match="tiles"):
            render_week(week, tiles="google")  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="lang"):
            render_week(week, lang="fr")  # type: ignore[arg-type]


class TestInABrowser:
    def test_the_page_opens_offline_with_its_place(
        self, week: dict[str, Any], tmp_path: Path
    ) -> None:
        path = tmp_path / "week.html"
        path.write_text(render_week(week, lang="zh", offline=True), encoding="utf-8")
        with chromium() as browser:
            opened = open_offline(browser, path, 1200, 900)
            assert opened.errors == []
            assert opened.page.locator(f".{PLACE_CLASS}").count() == 1
            assert opened.page.locator("tr.tc-week-day").count() == 7
