"""render_day / write_day: the HTML contract of the one-manager-day map report (no browser)."""

from __future__ import annotations

import dataclasses
import html
import json
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import shapely

from maps.day import (
    AMAP_TILES_URL,
    SIMPLIFY_TOLERANCE_M,
    STAY_MARKER_TOKEN,
    STORE_MARKER_TOKEN,
    TRACK_COLOURS,
    TRACK_GAP_S,
    UNUSED_FOLIUM_ASSETS,
    render_day,
    write_day,
)
from maps.i18n import LABELS
from maps.offline import MANIFEST_PATH
from maps.reasons import check_reason
from maps.timeline import TIMELINE_SAMPLE_S, TIMELINE_STEP_S
from trajectory.crs import wgs84_to_gcj02
from trajectory.geodesy import LocalProjection, haversine_m
from trajectory.result import CHECK_NAMES, DayResult
from trajectory.testing.evaluation import verify_generated
from trajectory.testing.scenarios import generate_day

XSS = "<img src=x onerror=alert(1)>"
# closes a JS template literal or interpolates into it, and holds an invalid JS escape
TEMPLATE_BREAK = "`${alert(2)}` C:\\user"
EXEMPT = "<script>alert(3)</script>家"

_MARKER = re.compile(r"L\.(marker|circleMarker|circle)\(\s*\[([-\d.]+),\s*([-\d.]+)\]")
_POLYLINE = re.compile(r"L\.polyline\(\s*(\[\[.*?\]\]),\s*(\{.*?\})\s*\)", re.DOTALL)


@cache
def _result(scenario: str, seed: int = 1) -> DayResult:
    return verify_generated(generate_day(scenario, seed))


@cache
def _hostile_result() -> DayResult:
    day = generate_day("skipped_store", 1, manager_id="M<b>1</b>")
    tasks = day.tasks.copy()
    tasks.loc[tasks.index[0], "store_name"] = XSS
    tasks.loc[tasks.index[1], "store_name"] = TEMPLATE_BREAK
    places = [{**p, "name": EXEMPT} for p in day.config["exempt_places"]]
    return verify_generated(
        dataclasses.replace(day, tasks=tasks, config={**day.config, "exempt_places": places})
    )


def _tokens(page: str, token: str) -> list[int]:
    return [int(n) for n in re.findall(rf"{token}(\d+)\b", page)]


def _markers(page: str) -> list[tuple[str, float, float]]:
    return [(kind, float(lat), float(lon)) for kind, lat, lon in _MARKER.findall(page)]


def _polylines(page: str, css_class: str) -> list[tuple[list[list[float]], dict[str, Any]]]:
    out = []
    for coords, options in _POLYLINE.findall(page):
        opts = json.loads(re.sub(r",\s*}$", "}", options))  # folium leaves a trailing comma
        if opts.get("className") == css_class:
            out.append((json.loads(coords), opts))
    return out


def _div_icons(page: str) -> list[str]:
    """The HTML of every L.divIcon (stay and store labels), decoded."""
    found = re.findall(r"L\.divIcon\((\{.*?\})\);", page, re.DOTALL)
    return [json.loads(re.sub(r",\s*}$", "}", icon))["html"] for icon in found]


def _tile_urls(page: str) -> list[str]:
    return [json.loads(url) for url in re.findall(r'L\.tileLayer\(\s*("[^"]*")', page)]


def _timeline(page: str) -> dict[str, Any] | None:
    """The object the page hands to the timeline (Leaflet.TimeDimension), decoded."""
    found = re.findall(r"var (timeline_[0-9a-f]+)_data = (\{.*?\});\n", page)
    if not found:
        return None
    assert len(found) == 1
    data: dict[str, Any] = json.loads(found[0][1])
    return data


def _track_feature(data: dict[str, Any]) -> dict[str, Any]:
    track = [f for f in data["features"]["features"] if f["properties"]["kind"] == "track"]
    assert len(track) == 1
    return track[0]


def _asset_refs(page: str) -> list[tuple[str, str, str]]:
    """(tag, attribute, value) of every src/href on a tag (script text is not parsed)."""
    found: list[tuple[str, str, str]] = []

    class Refs(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.extend((tag, k, v or "") for k, v in attrs if k in ("src", "href"))

    Refs().feed(page)
    return found


def _panel(page: str) -> str:
    start = page.index('<div class="tc-panel">')
    return page[start : page.index('<div class="tc-legend">', start)]


class TestRenderDay:
    def test_leaflet_map_present(self) -> None:
        page = render_day(_result("compliant"))
        assert page.lstrip().startswith("<!DOCTYPE html>")
        assert re.search(r'<div class="folium-map" id="map_[0-9a-f]+"', page)
        assert "L.map(" in page
        assert "L.control.layers(" in page
        assert '<div class="tc-legend">' in page

    @pytest.mark.parametrize("scenario", ["compliant", "market", "skipped_store"])
    def test_one_numbered_marker_per_stay(self, scenario: str) -> None:
        result = _result(scenario)
        page = render_day(result)
        n = len(result.stay_points)
        assert sorted(_tokens(page, STAY_MARKER_TOKEN)) == list(range(1, n + 1))
        assert page.count("L.circleMarker(") == n

    def test_stays_numbered_in_time_order(self) -> None:
        result = _result("skipped_store")
        page = render_day(result)
        stays = sorted(result.stay_points, key=lambda s: s.arrival)
        drawn = [(lat, lon) for kind, lat, lon in _markers(page) if kind == "circleMarker"]
        np.testing.assert_allclose(drawn, [(s.lat, s.lon) for s in stays], rtol=0, atol=1e-6)

    def test_stores_on_site_only(self) -> None:
        result = _result("phone_chat_tasks")
        page = render_day(result)
        onsite = [s for s in result.stores if s.method == "onsite"]
        remote = [s for s in result.stores if s.method != "onsite"]
        assert remote, "scenario should have phone/chat tasks"
        assert sorted(_tokens(page, STORE_MARKER_TOKEN)) == sorted(s.seq for s in onsite)
        assert page.count("L.circle(") == len(onsite)  # one match-radius circle each
        panel = _panel(page)
        for store in remote:
            assert html.escape(store.store_name) in panel
            assert store.store_id in panel
        assert panel.count('data-method="phone"') + panel.count('data-method="chat"') == len(remote)

    def test_store_radius_is_match_radius(self) -> None:
        result = _result("compliant")
        page = render_day(result)
        radius = result.config["match_radius_m"]
        radii = re.findall(r'"radius": ([\d.]+)', page)
        assert radii.count(str(float(radius))) == len(result.stores)

    def test_reported_but_not_on_track_is_flagged(self) -> None:
        result = _result("skipped_store")
        missed = [s for s in result.stores if s.reported_visited and not s.visited]
        assert missed
        page = render_day(result)
        icons = _div_icons(page)
        for store in missed:
            label = [i for i in icons if re.search(rf"{STORE_MARKER_TOKEN}{store.seq}\b", i)]
            assert len(label) == 1
            assert "tc-warn" in label[0] and f">{store.seq}!</div>" in label[0]
        assert LABELS["en"]["reported_not_on_track"] in _panel(page)

    def test_links_join_stays_to_matched_stores(self) -> None:
        result = _result("compliant")
        page = render_day(result)
        links = _polylines(page, "tc-link")
        onsite = {s.store_id: s for s in result.stores if s.method == "onsite"}
        matched = [s for s in result.stay_points if s.store_id in onsite]
        assert len(links) == len(matched)
        for stay, (coords, opts) in zip(
            sorted(matched, key=lambda s: s.arrival), links, strict=True
        ):
            store = onsite[str(stay.store_id)]
            expected = [[stay.lat, stay.lon], [store.lat, store.lon]]
            np.testing.assert_allclose(coords, expected, rtol=0, atol=1e-6)
            assert opts["dashArray"]

    @pytest.mark.parametrize("scenario", ["compliant", "skipped_store", "market"])
    def test_checks_statuses_and_reasons(self, scenario: str) -> None:
        result = _result(scenario)
        panel = _panel(render_day(result))
        for name in CHECK_NAMES:
            check = result.checks[name]
            assert f'data-check="{name}" data-status="{check.status}"' in panel
            assert html.escape(check.reason) in panel
        assert result.manager_id in panel
        assert result.date.isoformat() in panel

    def test_panel_facts_and_cleaning(self) -> None:
        result = _result("skipped_store")
        panel = _panel(render_day(result))
        arrival = result.checks["on_time_arrival"].fields
        assert f"<td>{arrival['deadline'][11:16]}</td>" in panel
        assert arrival["arrival"][11:16] in panel
        assert f"<td>{result.cleaning.input_points}</td>" in panel
        dropped = {k: v for k, v in result.cleaning.dropped.items() if v}
        assert f"<td>{sum(dropped.values())}: " in panel
        for reason, n in dropped.items():
            assert f"{LABELS['en'][reason]} {n}" in panel

    def test_chinese_labels(self) -> None:
        page = render_day(_result("market"), lang="zh")
        panel = _panel(page)
        for word in ("准时到达", "轨迹清晰", "拜访一致", "无法判断", "已拜访", "任务清单"):
            assert word in panel
        for layer in ("停留点", "门店", "轨迹"):
            assert f'"{layer}"' in page or f'"{json.dumps(layer)[1:-1]}"' in page
        assert "On-time arrival" not in page
        # the reasons are written in Chinese from their codes (issue 16), not in English
        assert html.escape(_result("market").checks["visit_count_match"].reason) not in panel
        count = _result("market").to_dict()["checks"]["visit_count_match"]
        zh = check_reason("visit_count_match", count, LABELS["zh"])
        assert "上报到店拜访" in zh and html.escape(zh) in panel
        assert "未拜访" in render_day(_result("skipped_store"), lang="zh")

    def test_every_label_translated(self) -> None:
        assert LABELS["en"].keys() == LABELS["zh"].keys()
        assert all(v.strip() for lang in LABELS.values() for v in lang.values())

    def test_amap_shifts_every_overlay(self) -> None:
        result = _result("compliant")
        osm, amap = render_day(result), render_day(result, tiles="amap")
        assert _tile_urls(amap) == [AMAP_TILES_URL]
        assert _tile_urls(osm) == ["https://tile.openstreetmap.org/{z}/{x}/{y}.png"]
        assert "tile.openstreetmap.org" not in amap
        m_osm, m_amap = _markers(osm), _markers(amap)
        assert len(m_osm) == len(m_amap) > 0
        kinds = [m[0] for m in m_osm]
        assert kinds == [m[0] for m in m_amap]
        lat0, lon0 = np.array([m[1:] for m in m_osm]).T
        lat1, lon1 = np.array([m[1:] for m in m_amap]).T
        shift_m = haversine_m(lat0, lon0, lat1, lon1)
        assert np.all((shift_m > 100) & (shift_m < 700))
        truth = np.array(
            [(s.lat, s.lon) for s in result.stay_points] + [(s.lat, s.lon) for s in result.stores]
        )
        drawn = np.array([m[1:] for m in m_osm])
        # OSM: every marker sits on a WGS-84 stay or store of the result, as given
        nearest = np.abs(drawn[:, None, :] - truth[None, :, :]).max(axis=2).min(axis=1)
        assert nearest.max() <= 1e-6
        track_osm = _polylines(osm, "tc-track")[0][0][0]
        track_amap = _polylines(amap, "tc-track")[0][0][0]
        assert 100 < float(haversine_m(*track_osm, *track_amap)) < 700

    def test_no_tiles(self) -> None:
        result = _result("compliant")
        page = render_day(result, tiles="none")
        assert _tile_urls(page) == []
        assert "openstreetmap.org/" not in page and "autonavi" not in page
        assert sorted(_tokens(page, STAY_MARKER_TOKEN)) == list(
            range(1, len(result.stay_points) + 1)
        )
        assert len(_tile_urls(render_day(result))) == 1

    def test_user_strings_escaped(self) -> None:
        result = _hostile_result()
        assert any(s.exempt == EXEMPT for s in result.stay_points)
        page = render_day(result)
        panel = _panel(page)
        assert html.escape(XSS) in panel
        assert "<img src=x" not in page
        assert "${alert(2)}" not in page and "`${" not in page
        assert "C:\\user" not in page
        assert "&#96;&#36;{alert(2)}&#96; C:&#92;user" in panel
        assert "M&lt;b&gt;1&lt;/b&gt;" in panel and "<b>1</b>" not in page
        assert "<script>alert(3)" not in page and "\\u003cscript\\u003ealert(3)" not in page
        assert page.count(html.escape(EXEMPT)) >= 2  # stay popup, tooltip and label

    def test_track_simplified_but_faithful(self) -> None:
        result = _result("compliant")
        assert result.track is not None
        page = render_day(result)
        lines = _polylines(page, "tc-track")
        colours = [opts["color"] for _, opts in lines]
        assert set(colours) == set(TRACK_COLOURS)
        assert colours[0] == TRACK_COLOURS[0] and colours[-1] == TRACK_COLOURS[-1]
        assert page.count(".setText(") == len(lines)  # a direction arrow path per segment
        lat = result.track["lat"].to_numpy()
        lon = result.track["lon"].to_numpy()
        proj = LocalProjection.around(lat, lon)
        drawn = shapely.MultiLineString(
            [np.column_stack(proj.forward(*np.array(c).T)) for c, _ in lines]
        )
        fixes = shapely.points(np.column_stack(proj.forward(lat, lon)))
        assert sum(len(c) for c, _ in lines) < 0.75 * len(lat)
        assert float(shapely.distance(fixes, drawn).max()) <= SIMPLIFY_TOLERANCE_M + 0.2

    def test_exempt_stay_labelled_with_place(self) -> None:
        result = _result("skipped_store")
        page = render_day(result)
        exempt = [s for s in result.stay_points if s.exempt]
        assert exempt
        icons = _div_icons(page)
        for stay in exempt:
            assert any(f'<span class="tc-tag">{stay.exempt}</span>' in icon for icon in icons)

    def test_gps_gaps_drawn_as_gaps(self) -> None:
        result = _result("phone_gap")
        assert result.track is not None
        gaps = np.diff(result.track["time"].to_numpy()) > np.timedelta64(int(TRACK_GAP_S), "s")
        assert gaps.any()
        assert len(_polylines(render_day(result), "tc-gap")) == int(gaps.sum())

    def test_day_without_gps(self) -> None:
        day = generate_day("compliant", 1)
        result = verify_generated(dataclasses.replace(day, track=day.track.iloc[:0]))
        page = render_day(result)
        assert _tokens(page, STAY_MARKER_TOKEN) == []
        assert _polylines(page, "tc-track") == []
        assert sorted(_tokens(page, STORE_MARKER_TOKEN)) == sorted(s.seq for s in result.stores)
        assert 'data-status="inconclusive"' in _panel(page)

    def test_size_bound_17000_point_day(self) -> None:
        result = _result("sampling_1s", 5)
        assert result.track is not None and len(result.track) > 15_000
        page = render_day(result)
        assert len(page.encode("utf-8")) < 1_500_000

    def test_result_not_mutated(self) -> None:
        result = _result("skipped_store")
        before = result.to_dict(include_track=False)
        render_day(result, lang="zh", tiles="amap")
        assert result.to_dict(include_track=False) == before

    @pytest.mark.parametrize("kwargs", [{"lang": "fr"}, {"tiles": "google"}])
    def test_bad_arguments(self, kwargs: dict[str, Any]) -> None:
        with pytest.raises(ValueError, match=next(iter(kwargs))):
            render_day(_result("compliant"), **kwargs)

    def test_write_day(self, tmp_path: Path) -> None:
        out = write_day(_result("compliant"), tmp_path / "reports" / "day.html", lang="zh")
        assert out == tmp_path / "reports" / "day.html"
        page = out.read_text(encoding="utf-8")
        assert "L.map(" in page and "准时到达" in page


class TestTimeline:
    """The data handed to Leaflet.TimeDimension (the browser side is in test_browser)."""

    def test_one_track_and_one_point_per_stay(self) -> None:
        result = _result("skipped_store")
        data = _timeline(render_day(result))
        assert data is not None
        features = data["features"]["features"]
        stays = sorted(result.stay_points, key=lambda s: s.arrival)
        assert len(features) == 1 + len(stays)
        assert features[0]["properties"]["kind"] == "track"
        points = features[1:]
        assert [f["properties"]["number"] for f in points] == list(range(1, len(stays) + 1))
        tz = result.to_dict()["timezone"]
        for stay, point in zip(stays, points, strict=True):
            assert point["geometry"]["type"] == "Point"
            np.testing.assert_allclose(
                point["geometry"]["coordinates"], [stay.lon, stay.lat], rtol=0, atol=1e-6
            )
            # a stay appears at its arrival, given in the day's zone
            (arrival,) = point["properties"]["times"]
            assert pd.Timestamp(arrival) == stay.arrival.floor("s")
            assert arrival == stay.arrival.tz_convert(tz).floor("s").isoformat()

    def test_times_monotonic_and_local(self) -> None:
        result = _result("compliant")
        assert result.track is not None
        data = _timeline(render_day(result))
        assert data is not None
        assert data["timezone"] == "Asia/Shanghai" and data["offset_min"] == 480
        times = _track_feature(data)["properties"]["times"]
        coords = _track_feature(data)["geometry"]["coordinates"]
        assert len(times) == len(coords) > 2
        assert all(t.endswith("+08:00") for t in times)  # Shanghai wall clock, not UTC
        instants = pd.DatetimeIndex([pd.Timestamp(t) for t in times])
        assert instants.is_monotonic_increasing and instants.is_unique
        fix_times = pd.DatetimeIndex(result.track["time"]).floor("s")
        assert instants[0] == fix_times[0] and instants[-1] == fix_times[-1]
        shanghai = instants.tz_convert("Asia/Shanghai")
        assert [t[11:19] for t in times] == shanghai.strftime("%H:%M:%S").tolist()
        # the player runs over whole minutes that cover the track
        start, end = pd.Timestamp(data["start"]), pd.Timestamp(data["end"])
        assert data["start"].endswith(":00+08:00") and data["end"].endswith(":00+08:00")
        assert start <= instants[0] < start + pd.Timedelta(seconds=TIMELINE_STEP_S)
        assert end - pd.Timedelta(seconds=TIMELINE_STEP_S) < instants[-1] <= end
        assert data["step"] == "PT1M"

    def test_thinned_track_is_real_fixes_every_sample(self) -> None:
        result = _result("phone_gap")
        assert result.track is not None
        data = _timeline(render_day(result))
        assert data is not None
        track = _track_feature(data)
        kept = pd.DatetimeIndex([pd.Timestamp(t) for t in track["properties"]["times"]])
        fix_times = pd.DatetimeIndex(result.track["time"]).floor("s")
        position = fix_times.get_indexer(kept)
        assert (position >= 0).all()  # every point is a fix of the cleaned track
        lat = result.track["lat"].to_numpy()[position]
        lon = result.track["lon"].to_numpy()[position]
        np.testing.assert_allclose(
            track["geometry"]["coordinates"], np.column_stack([lon, lat]), rtol=0, atol=1e-6
        )
        step_s = np.diff(kept.as_unit("s").asi8)
        # a point in every sample window, except across a GPS gap (both sides kept)
        wide = step_s >= 2 * TIMELINE_SAMPLE_S
        assert (np.diff(position)[wide] == 1).all()
        assert (step_s > TRACK_GAP_S).any()  # the phone_gap day has long gaps
        span_s = (fix_times[-1] - fix_times[0]).total_seconds()
        assert len(kept) <= span_s / TIMELINE_SAMPLE_S + 2 * int(wide.sum()) + 2

    def test_amap_shifts_timeline_to_gcj02(self) -> None:
        result = _result("compliant")
        osm = _timeline(render_day(result))
        amap = _timeline(render_day(result, tiles="amap"))
        assert osm is not None and amap is not None
        for a, b in zip(osm["features"]["features"], amap["features"]["features"], strict=True):
            assert a["properties"] == b["properties"]
            lonlat = np.array(a["geometry"]["coordinates"], dtype=float).reshape(-1, 2)
            shifted = np.array(b["geometry"]["coordinates"], dtype=float).reshape(-1, 2)
            lat, lon = wgs84_to_gcj02(lonlat[:, 1], lonlat[:, 0])
            np.testing.assert_allclose(shifted, np.column_stack([lon, lat]), rtol=0, atol=2e-6)
            moved = haversine_m(lonlat[:, 1], lonlat[:, 0], shifted[:, 1], shifted[:, 0])
            assert np.all((moved > 100) & (moved < 700))

    def test_a_toggleable_layer_with_its_labels(self) -> None:
        result = _result("compliant")
        for lang in ("en", "zh"):
            page = render_day(result, lang=lang)
            name = json.dumps(LABELS[lang]["layer_timeline"])
            assert re.search(rf"{re.escape(name)} : timeline_[0-9a-f]+,", page)  # layer control
            legend = page[page.index('<div class="tc-legend">') :]
            for key in ("timeline_now", "timeline_trail", "timeline_stay"):
                assert html.escape(LABELS[lang][key]) in legend
        assert "时间轴" in LABELS["zh"]["layer_timeline"]
        assert "leaflet.timedimension.min.js" in page

    def test_no_timeline_without_gps(self) -> None:
        day = generate_day("compliant", 1)
        page = render_day(verify_generated(dataclasses.replace(day, track=day.track.iloc[:0])))
        assert _timeline(page) is None
        assert "timedimension" not in page

    def test_size_bound_17000_point_day(self) -> None:
        result = _result("sampling_1s", 5)
        assert result.track is not None and len(result.track) > 15_000
        page = render_day(result)
        data = re.search(r"var timeline_[0-9a-f]+_data = (\{.*?\});\n", page)
        assert data is not None
        assert len(data.group(1).encode("utf-8")) < 120_000
        track = _track_feature(_timeline(page) or {})
        assert len(track["geometry"]["coordinates"]) < len(result.track) / 10
        assert len(render_day(result, offline=True).encode("utf-8")) < 1_500_000


class TestRenderDayOffline:
    def test_no_external_script_or_stylesheet(self) -> None:
        result = _result("skipped_store")
        online, offline = render_day(result), render_day(result, offline=True)
        external = [r for r in _asset_refs(online) if r[2].startswith("https://")]
        assert {t for t, _, _ in external} == {"script", "link"} and len(external) == 9
        assert _asset_refs(offline) == []  # no src or href on any tag at all
        assert not re.search(r"""url\(\s*['"]?(https?:)?//""", offline)
        assert "Leaflet 1.9.3, a JS library for interactive maps" in offline
        assert "L.TimeDimension" in offline and "L.Polyline.include" in offline  # textpath
        assert offline.count("<script data-vendored=") == 6
        assert offline.count("<style data-vendored=") == 3
        # the same map: everything of the online page's body is there
        assert _tokens(offline, STAY_MARKER_TOKEN) == _tokens(online, STAY_MARKER_TOKEN)
        assert _polylines(offline, "tc-track") == _polylines(online, "tc-track")

    def test_offline_draws_no_tiles_unless_asked(self) -> None:
        result = _result("compliant")
        assert _tile_urls(render_day(result, offline=True)) == []
        assert _tile_urls(render_day(result, offline=True, tiles="amap")) == [AMAP_TILES_URL]
        assert len(_tile_urls(render_day(result))) == 1  # online default: OpenStreetMap

    def test_unused_icon_assets_left_out(self) -> None:
        page = render_day(_result("compliant"))
        for name in ("awesome-markers", "fontawesome", "glyphicons.css", "bootstrap-glyphicons"):
            assert name not in page
        assert "awesome_markers" in UNUSED_FOLIUM_ASSETS
        vendored = {a["url"] for a in json.loads(MANIFEST_PATH.read_text())["assets"] if "url" in a}
        loaded = {v for _, _, v in _asset_refs(page) if v.startswith("https://")}
        assert loaded == vendored

    def test_hostile_strings_still_escaped(self) -> None:
        page = render_day(_hostile_result(), offline=True)
        assert "<img src=x" not in page and "<script>alert(3)" not in page
        assert html.escape(XSS) in _panel(page)

    def test_write_day_offline(self, tmp_path: Path) -> None:
        out = write_day(_result("compliant"), tmp_path / "day.html", offline=True, lang="zh")
        page = out.read_text(encoding="utf-8")
        assert _asset_refs(page) == [] and "准时到达" in page
