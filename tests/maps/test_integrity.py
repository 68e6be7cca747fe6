"""Track integrity on the pages (issue 12): the flagged windows over the day map's track
and on its timeline, the team index's column and filter (no browser)."""

from __future__ import annotations

import html
import json
import re
from functools import cache
from typing import Any

import folium
import pytest

from maps.day import render_day
from maps.geo import identity
from maps.i18n import TABLE, Lang
from maps.integrity import FLAG_CLASS, add_integrity
from maps.team import render_team_index
from maps.timeline import build_timeline
from trajectory.pipeline import verify_day
from trajectory.result import DayResult
from trajectory.testing import generate_day, verify_generated
from trajectory.testing.spoofing import spoof

DATE = "2026-11-20"


@cache
def _held() -> DayResult:
    """A day with a mock-location hold (a ``frozen_position`` flag)."""
    day = generate_day("compliant", 1004)
    track, _ = spoof("mock_hold", day.track, 4)
    result = verify_day(track, day.tasks)
    assert result.integrity.status == "suspicious"
    return result


@cache
def _teleported() -> DayResult:
    day = generate_day("compliant", 1001, manager_id="M9")
    track, _ = spoof("teleport", day.track, 1)
    result = verify_day(track, day.tasks)
    assert [f.kind for f in result.integrity.flags] == ["teleport"]
    return result


@cache
def _clean_json(manager_id: str) -> str:
    return json.dumps(
        verify_generated(generate_day("compliant", 1, manager_id=manager_id)).to_dict()
    )


def _flags(page: str) -> list[str]:
    """The class attribute of every flagged-window path (line or ring) on the page."""
    return re.findall(rf'"className": "({FLAG_CLASS}[^"]*)"', page)


class TestDayMap:
    @pytest.mark.parametrize("lang", ["en", "zh"])
    def test_the_flagged_window_is_drawn_with_its_reason(self, lang: Lang) -> None:
        result = _held()
        page = render_day(result, lang=lang, tiles="none")
        flag = result.to_dict()["integrity"]["flags"][0]
        drawn = _flags(page)
        assert f"{FLAG_CLASS} tc-integrity-frozen_position" in drawn
        assert f"{FLAG_CLASS}-mark" in drawn
        assert html.escape(flag["reason"]) in page
        words = TABLE["day"][lang]
        assert json.dumps(words["layer_integrity"])[1:-1] in page  # the layer control's entry
        assert html.escape(words["integrity_frozen_position"]) in page

    def test_the_line_follows_the_fixes_inside_the_window(self) -> None:
        result = _teleported()
        data = result.to_dict()
        group = folium.FeatureGroup()
        marks = add_integrity(group, result.track, data, identity, TABLE["day"]["en"])
        line = next(c for c in group._children.values() if isinstance(c, folium.PolyLine))
        flag = data["integrity"]["flags"][0]
        assert marks == [{"start": flag["start"], "end": flag["end"], "label": marks[0]["label"]}]
        assert flag["reason"] in marks[0]["label"]
        # the teleport's two fixes, kilometres apart
        first, last = (list(map(float, line.locations[i])) for i in (0, -1))
        assert abs(first[0] - last[0]) + abs(first[1] - last[1]) > 0.01

    def test_a_clean_day_draws_no_flag(self) -> None:
        page = render_day(verify_generated(generate_day("compliant", 1)), tiles="none")
        assert _flags(page) == []
        assert TABLE["day"]["en"]["layer_integrity"] not in page

    def test_the_timeline_marks_the_window_on_its_slider(self) -> None:
        result = _held()
        page = render_day(result, tiles="none")
        assert "tc-timeline-flag" in page
        timeline = build_timeline(
            result.track,
            [],
            "Asia/Shanghai",
            identity,
            flags=[{"start": "s", "end": "e", "label": "</script><b>x"}],
        )
        assert timeline is not None
        payload = timeline.to_json()
        assert "</script>" not in payload
        assert json.loads(payload)["flags"] == [
            {"start": "s", "end": "e", "label": "</script><b>x"}
        ]


class TestTeamIndex:
    def _team(self) -> list[dict[str, Any]]:
        held = _held().to_dict()
        held["manager_id"] = "M9"
        old = json.loads(_clean_json("M1"))
        del old["integrity"]  # stored before issue 12: reads as clean
        return [held, json.loads(_clean_json("M2")), old]

    @pytest.mark.parametrize("lang", ["en", "zh"])
    def test_a_column_a_filter_and_the_count(self, lang: Lang) -> None:
        page = render_team_index(self._team(), date=DATE, lang=lang)
        rows = dict(
            re.findall(r'data-manager="([^"]*)" data-status="[^"]*" data-integrity="([^"]*)"', page)
        )
        assert rows == {"M9": "suspicious", "M2": "clean", "M1": "clean"}
        words = {**TABLE["day"][lang], **TABLE["team"][lang]}
        assert f"<th>{html.escape(words['integrity'])}</th>" in page
        assert 'select class="tc-integrity-filter"' in page
        assert re.search(r'data-count="integrity-suspicious">1<', page)
        assert words["integrity_all"] in page and words["integrity_suspicious"] in page

    def test_the_cell_sorts_by_flag_count_and_shows_the_reason(self) -> None:
        team = self._team()
        page = render_team_index(team, date=DATE)
        cells = re.findall(r'<td data-integrity="([^"]*)" data-sort="(\d+)"( title="[^"]*")?', page)
        assert sorted(cells)[0][:2] == ("clean", "0")
        suspicious = [c for c in cells if c[0] == "suspicious"]
        assert suspicious and suspicious[0][1] == str(len(team[0]["integrity"]["flags"]))
        assert html.escape(team[0]["integrity"]["flags"][0]["reason"]) in suspicious[0][2]
