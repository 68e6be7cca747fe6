"""A stay at a known store or buyer not on the day's list (issue 17) on the day map (popup
line, a marker of its own), on the overview map and in the team index (a count)."""

from __future__ import annotations

import dataclasses
import re
from functools import cache

from maps.day import render_day
from maps.day_known import OFF_LIST_COLOUR
from maps.team import render_team_index, render_team_map
from trajectory.known_types import NearestKnown
from trajectory.result import DayResult
from trajectory.testing.evaluation import verify_generated
from trajectory.testing.scenarios import generate_day

XSS = "<img src=x onerror=alert(1)>"


@cache
def _plain() -> DayResult:
    return verify_generated(generate_day("extra_stop", 1))


def _named(name: str = "Laochen Seafood") -> DayResult:
    """The generated day with its unexplained stays named after buyer B123, 12 m away."""
    r = _plain()
    known = NearestKnown("B123", name, "buyer", 12.3)
    stays = tuple(
        dataclasses.replace(s, nearest_known=known)
        if s.store_id is None and s.exempt is None and not s.ambiguous_store_ids
        else s
        for s in r.stay_points
    )
    assert stays != r.stay_points  # the scenario has an unexplained stop
    return dataclasses.replace(r, stay_points=stays)


class TestDayMap:
    def test_the_popup_names_the_place(self) -> None:
        page = render_day(_named())
        assert "not on today&#x27;s list: buyer Laochen Seafood (B123), 12 m" in page

    def test_a_marker_of_its_own(self) -> None:
        page = render_day(_named())
        assert OFF_LIST_COLOUR in page and "tc-off-list" in page
        assert "? B123" in page
        plain = render_day(_plain())
        assert "tc-tag tc-off-list" not in plain

    def test_chinese(self) -> None:
        page = render_day(_named("老陈海鲜"), lang="zh")
        assert "不在今日任务清单: 买家 老陈海鲜 (B123), 12 m" in page

    def test_the_name_is_escaped(self) -> None:
        page = render_day(_named(XSS))
        assert XSS not in page

    def test_the_result_round_trips_to_the_same_page(self) -> None:
        r = _named()
        back = DayResult.from_dict(r.to_dict(include_track=True))
        drop = re.compile(r"[0-9a-f]{32}")  # folium's element ids differ between renders
        assert drop.sub("", render_day(back)) == drop.sub("", render_day(r))


class TestTeam:
    def test_the_index_counts_off_list_visits(self) -> None:
        named = _named().to_dict()
        plain = {**_plain().to_dict(), "manager_id": "other"}
        page = render_team_index([named, plain], date=named["date"])
        assert "<th>Off-list visits</th>" in page
        n = sum(1 for s in named["stay_points"] if s["nearest_known"])
        assert re.search(rf'class="tc-off-list-n" data-sort="{n}" title="[^"]*Laochen', page)
        assert 'class="tc-off-list-n" data-sort="0"' in page

    def test_the_index_in_chinese(self) -> None:
        page = render_team_index([_named().to_dict()], date="2026-11-20", lang="zh")
        assert "<th>清单外到访</th>" in page

    def test_the_overview_map_names_the_place(self) -> None:
        page = render_team_map([_named().to_dict()])
        assert "Laochen Seafood (B123)" in page
