"""render_team_index / render_team_map / write_team_report: the team's day (no browser)."""

from __future__ import annotations

import html
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from maps.html import escape
from maps.i18n import LABELS, TABLE
from maps.team import (
    INDEX_NAME,
    OVERVIEW_NAME,
    TEAM_STAY_CLASS,
    render_team_index,
    render_team_map,
    write_team_report,
)
from trajectory.errors import InputError
from trajectory.result import CHECK_NAMES
from trajectory.testing.evaluation import verify_generated
from trajectory.testing.scenarios import generate_day

XSS = "<img src=x onerror=alert(1)>"
DATE = "2026-11-20"
# (manager_id, scenario): late fails, market is inconclusive, compliant passes
TEAM = (("M3", "compliant"), ("M1", "late"), ("M2", "market"), ("M4", "skipped_store"))

TEAM_LABELS = TABLE["team"]
_ROW = re.compile(r'<tr class="tc-row" data-manager="([^"]*)" data-status="([^"]*)"')


@cache
def _result_json(scenario: str, manager_id: str, date: str = DATE) -> str:
    day = generate_day(scenario, 1, manager_id=manager_id, date=date)
    return json.dumps(verify_generated(day).to_dict())


def _result(scenario: str, manager_id: str, date: str = DATE) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_result_json(scenario, manager_id, date))
    return data


def _team() -> list[dict[str, Any]]:
    return [_result(scenario, m) for m, scenario in TEAM]


def _count(page: str, what: str) -> int:
    found = re.search(rf'data-count="{re.escape(what)}">(\d+)<', page)
    assert found is not None, what
    return int(found.group(1))


def _write_results(folder: Path, team: list[dict[str, Any]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for data in team:
        (folder / f"{data['manager_id']}.json").write_text(json.dumps(data), encoding="utf-8")


class TestRenderTeamIndex:
    def test_counts_match_the_results(self) -> None:
        team = _team()
        page = render_team_index(team, date=DATE)
        assert _count(page, "managers") == len(team)
        for name in CHECK_NAMES:
            for status in ("pass", "fail", "inconclusive"):
                want = sum(1 for r in team if r["checks"][name]["status"] == status)
                assert _count(page, f"{name}-{status}") == want, (name, status)
        for status in ("pass", "fail", "inconclusive"):
            want = sum(1 for r in team if r["status"] == status)
            assert _count(page, f"overall-{status}") == want

    def test_failing_first_then_inconclusive_then_passing(self) -> None:
        team = _team()
        rows = _ROW.findall(render_team_index(team, date=DATE))
        rank = {"fail": 0, "inconclusive": 1, "pass": 2}
        want = sorted(
            ((r["manager_id"], r["status"]) for r in team), key=lambda x: (rank[x[1]], x[0])
        )
        assert rows == want
        assert rows[0][1] == "fail"

    def test_reason_is_the_tooltip_and_first_arrival_is_local_hhmm(self) -> None:
        data = _result("late", "M1")
        page = render_team_index([data], date=DATE)
        for name in CHECK_NAMES:
            assert f'title="{escape(data["checks"][name]["reason"])}"' in page
        assert f">{data['checks']['on_time_arrival']['arrival'][11:16]}<" in page

    def test_links_only_where_given(self) -> None:
        page = render_team_index(_team(), date=DATE, links={"M1": "../days/M1.html"})
        assert page.count('class="tc-day-link"') == 1
        assert 'href="../days/M1.html"' in page

    def test_user_strings_are_escaped(self) -> None:
        data = _result("compliant", "M3")
        data["manager_id"] = XSS
        data["checks"]["on_time_arrival"]["reason"] = '"><script>alert(2)</script>'
        page = render_team_index([data], date=DATE, links={XSS: 'x" onclick="alert(3)'})
        assert XSS not in page
        assert html.escape(XSS) in page
        assert "<script>alert(2)" not in page
        assert 'onclick="alert(3)' not in page

    def test_chinese_labels(self) -> None:
        page = render_team_index(_team(), date=DATE, lang="zh")
        zh = LABELS["zh"]
        for key in ("manager", "overall", "first_arrival", *CHECK_NAMES, "fail", "pass"):
            assert zh[key] in page
        assert "团队外勤日报" in page
        assert 'lang="zh"' in page

    def test_self_contained_and_sortable(self) -> None:
        page = render_team_index(_team(), date=DATE)
        assert "<script src" not in page
        assert "<link" not in page
        assert 'addEventListener("click"' in page
        assert '<table class="tc-team" data-sortable>' in page

    def test_problems_are_listed_under_the_heading_one_list_per_status(self) -> None:
        problems = [
            ("no_tasks", "T1", None),
            ("error", "E1", "tracks/E1.csv row 3, field lat: <bad>"),
            ("no_gps", "G1", None),
            ("no_gps", "G2", None),
        ]
        page = render_team_index(_team(), date=DATE, problems=problems)
        h1_end = page.index("</h1>")
        assert page.index('<div class="tc-daily-error">') == h1_end + len("</h1>")
        assert (
            '<div class="tc-daily-error"><p><b>1 manager-day(s) could not be verified</b> '
            '(see summary.csv):</p><ul><li data-manager="E1">E1: tracks/E1.csv row 3, '
            "field lat: &lt;bad&gt;</li></ul></div>"
            '<div class="tc-daily-no-gps"><p><b>2 manager(s) with a task list but no GPS fix '
            'on the day</b> (see summary.csv):</p><ul><li data-manager="G1">G1</li>'
            '<li data-manager="G2">G2</li></ul></div>'
            '<div class="tc-daily-no-tasks"><p><b>1 manager(s) with GPS fixes but no task '
            'list</b> (see summary.csv):</p><ul><li data-manager="T1">T1</li></ul></div>'
        ) in page
        assert page.index("tc-daily-no-tasks") < page.index('data-count="managers"')

    def test_problems_in_chinese_and_escaped(self) -> None:
        zh = TEAM_LABELS["zh"]
        page = render_team_index([], date=DATE, lang="zh", problems=[("no_gps", XSS, None)])
        assert f"<b>1 {zh['problems_no_gps']}</b>{zh['problems_see']}" in page
        assert XSS not in page and html.escape(XSS) in page

    def test_no_problems_no_lists(self) -> None:
        page = render_team_index(_team(), date=DATE)
        assert "tc-daily-" not in page

    def test_unknown_problem_status(self) -> None:
        with pytest.raises(ValueError, match="problem status"):
            render_team_index([], date=DATE, problems=[("pass", "M1", None)])


class TestRenderTeamMap:
    def test_one_marker_set_per_manager(self) -> None:
        team = _team()
        page = render_team_map(team)
        for k, data in enumerate(sorted(team, key=lambda r: r["manager_id"]), start=1):
            classes = f'"{TEAM_STAY_CLASS} tc-team-m{k}"'
            assert page.count(classes) == len(data["stay_points"]), data["manager_id"]
            assert f'data-team-layer=\\"{k}\\"' in page  # the layer name, JSON-quoted
        assert page.count(f'"{TEAM_STAY_CLASS} ') == sum(len(r["stay_points"]) for r in team)
        assert "L.control.layers" in page

    def test_amap_shifts_the_stays(self) -> None:
        team = [_result("compliant", "M3")]
        osm = render_team_map(team, tiles="osm")
        amap = render_team_map(team, tiles="amap")
        stay = team[0]["stay_points"][0]
        assert f"{stay['lat']:.6f}".rstrip("0") in osm
        assert "autonavi" in amap
        assert f"{stay['lat']:.6f}".rstrip("0") not in amap

    def test_manager_id_and_store_names_are_escaped(self) -> None:
        data = _result("compliant", "M3")
        data["manager_id"] = XSS
        for store in data["stores"]:
            store["store_name"] = XSS
        page = render_team_map([data])
        assert XSS not in page

    def test_unknown_tiles(self) -> None:
        with pytest.raises(ValueError, match="tiles"):
            render_team_map([], tiles="google")  # type: ignore[arg-type]

    def test_offline_inlines_every_asset_and_draws_no_tiles(self) -> None:
        team = _team()
        online, offline = render_team_map(team), render_team_map(team, offline=True)
        assert re.findall(r'<script src="https://[^"]+leaflet\.js"', online)
        assert "tile.openstreetmap.org" in online
        assert not re.search(r"<(script|link|img)\b[^>]*\b(src|href)=", offline)
        assert "tile.openstreetmap.org" not in offline and "L.tileLayer" not in offline
        assert "Leaflet 1.9.3, a JS library for interactive maps" in offline
        assert offline.count(f'"{TEAM_STAY_CLASS} ') == online.count(f'"{TEAM_STAY_CLASS} ')
        assert "awesome-markers" not in online  # folium's unused icon assets are left out
        amap = render_team_map(team, offline=True, tiles="amap")
        assert "autonavi" in amap  # tiles asked for explicitly still come from the network


class TestWriteTeamReport:
    def test_writes_index_and_overview_with_links_where_maps_exist(self, tmp_path: Path) -> None:
        results = tmp_path / "results"
        _write_results(results, _team())
        (results / "M1.html").write_text("<html></html>", encoding="utf-8")
        (results / "notes.json").write_text('{"hello": 1}', encoding="utf-8")
        out = tmp_path / "team"
        index = write_team_report(results, out)
        assert index == out / INDEX_NAME
        assert (out / OVERVIEW_NAME).is_file()
        page = index.read_text(encoding="utf-8")
        assert len(_ROW.findall(page)) == len(TEAM)
        assert 'href="../results/M1.html"' in page
        assert page.count('class="tc-day-link"') == 1
        assert f'href="{OVERVIEW_NAME}"' in page
        assert not (out / "M1.html").exists()

    def test_offline(self, tmp_path: Path) -> None:
        results = tmp_path / "results"
        _write_results(results, _team())
        index = write_team_report(results, tmp_path / "team", offline=True)
        for page in (index, tmp_path / "team" / OVERVIEW_NAME):
            text = page.read_text(encoding="utf-8")
            assert not re.search(r"<(script|link|img)\b[^>]*\b(src|href)=", text), page.name
        overview = (tmp_path / "team" / OVERVIEW_NAME).read_text(encoding="utf-8")
        assert '<script data-vendored="leaflet-1.9.3/leaflet.js">' in overview

    def test_several_dates_need_a_date(self, tmp_path: Path) -> None:
        results = tmp_path / "results"
        _write_results(results, [_result("compliant", "M3"), _result("late", "M1", "2026-11-21")])
        with pytest.raises(InputError, match=r"2026-11-20, 2026-11-21"):
            write_team_report(results, tmp_path / "team")
        index = write_team_report(results, tmp_path / "team", date="2026-11-21")
        assert [m for m, _ in _ROW.findall(index.read_text(encoding="utf-8"))] == ["M1"]
        with pytest.raises(InputError, match="no results for 2026-11-22"):
            write_team_report(results, tmp_path / "team", date="2026-11-22")

    def test_malformed_json(self, tmp_path: Path) -> None:
        results = tmp_path / "results"
        _write_results(results, [_result("compliant", "M3")])
        bad = results / "broken.json"
        bad.write_text('{"manager_id": ', encoding="utf-8")
        with pytest.raises(InputError, match="not valid JSON") as info:
            write_team_report(results, tmp_path / "team")
        assert info.value.source == str(bad)

    def test_no_results(self, tmp_path: Path) -> None:
        with pytest.raises(InputError, match="no trajcheck day results"):
            write_team_report(tmp_path, tmp_path / "team")

    def test_chinese(self, tmp_path: Path) -> None:
        results = tmp_path / "results"
        _write_results(results, _team())
        index = write_team_report(results, tmp_path / "team", lang="zh", tiles="none")
        assert LABELS["zh"]["on_time_arrival"] in index.read_text(encoding="utf-8")
        assert "tile.openstreetmap" not in (tmp_path / "team" / OVERVIEW_NAME).read_text(
            encoding="utf-8"
        )
