"""Warnings about a day's inputs (issue 13 item 5): zone, day window, exempt stores, CRS;
read back from stored results; reasons and fields agree over every generated scenario."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest

from maps.day_panel import panel_html
from maps.i18n import labels
from maps.team import render_team_index
from trajectory import verify_day
from trajectory.config import ExemptPlace, VerifyConfig, config_from_mapping
from trajectory.day_warnings import WARNING_CODES
from trajectory.errors import ConfigError
from trajectory.result import RESULT_KEYS, DayResult
from trajectory.testing.evaluation import verify_generated
from trajectory.testing.scenarios import SCENARIOS, generate_day

ZURICH = (47.3769, 8.5417)


def _codes(result: DayResult) -> list[str]:
    return [w.code for w in result.warnings]


def _zurich_day(stamps: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    lat, lon = ZURICH
    track = pd.DataFrame(
        {
            "manager_id": ["Z1"] * len(stamps),
            "timestamp": stamps,
            "lat": [lat + 1e-6 * i for i in range(len(stamps))],
            "lon": [lon] * len(stamps),
        }
    )
    tasks = pd.DataFrame(
        {
            "manager_id": ["Z1"], "date": ["2026-11-20"], "seq": [1], "store_id": ["S1"],
            "store_name": ["Z"], "lat": [lat], "lon": [lon], "method": ["onsite"],
        }
    )  # fmt: skip
    return track, tasks


def _stamps(start: str, n: int, step_s: int = 30) -> list[str]:
    t0 = pd.Timestamp(start)
    return [(t0 + pd.Timedelta(seconds=step_s * i)).isoformat() for i in range(n)]


@pytest.fixture(scope="module")
def compliant() -> Any:
    return generate_day("compliant", 0)


class TestDetectWarnings:
    def test_a_plain_day_has_none(self, compliant: Any) -> None:
        result = verify_generated(compliant)
        assert result.warnings == ()
        assert result.to_dict()["warnings"] == []

    def test_a_zurich_track_under_shanghai_time(self) -> None:
        track, tasks = _zurich_day(_stamps("2026-11-20T08:00:00+01:00", 40))
        result = verify_day(track, tasks)
        assert "zone_mismatch" in _codes(result)
        assert "Asia/Shanghai" in result.warnings[0].message

    def test_the_right_zone_per_manager_silences_it(self) -> None:
        track, tasks = _zurich_day(_stamps("2026-11-20T23:00:00+01:00", 40))
        shanghai = verify_day(track, tasks)
        assert "outside_day" in _codes(shanghai)  # 23:00 in Zurich is the next day in China
        cfg = VerifyConfig(manager_timezones={"Z1": "Europe/Zurich"})
        zurich = verify_day(track, tasks, cfg)
        assert (zurich.timezone, _codes(zurich)) == ("Europe/Zurich", [])
        assert zurich.outside_day_points == 0

    def test_the_zone_per_market_beats_the_managers(self) -> None:
        cfg = VerifyConfig(
            market_timezones={"M": "Europe/Zurich"}, manager_timezones={"Z1": "Asia/Tokyo"}
        )
        assert cfg.timezone_for("Z1", "M") == "Europe/Zurich"
        assert cfg.timezone_for("Z1", None) == "Asia/Tokyo"
        assert cfg.timezone_for("Q", "X") == "Asia/Shanghai"

    def test_an_unknown_zone_is_a_config_error(self) -> None:
        with pytest.raises(ConfigError):
            config_from_mapping({"market_timezones": {"M": "Mars/Olympus"}})
        assert config_from_mapping({"manager_timezones": {"a": "UTC"}}).manager_timezones == {
            "a": "UTC"
        }

    def test_a_store_inside_an_exempt_place_is_a_store_first(self, compliant: Any) -> None:
        first = compliant.tasks.sort_values("seq").iloc[0]
        office = ExemptPlace("office", float(first["lat"]) + 35 / 111_320, float(first["lon"]), 150)
        cfg = config_from_mapping(compliant.config) if compliant.config else VerifyConfig()
        plain = verify_generated(compliant)
        result = verify_day(
            compliant.track, compliant.tasks, cfg.replace(exempt_places=(office,)),
            track_crs=compliant.track_crs, store_crs=compliant.store_crs,
        )  # fmt: skip
        assert "store_in_exempt_place" in _codes(result)
        by_id = {s.store_id: s.status for s in result.stores}
        assert by_id[str(first["store_id"])] == "visited"
        assert result.checks["on_time_arrival"].status == plain.checks["on_time_arrival"].status

    def test_a_wrong_store_crs(self, compliant: Any) -> None:
        wrong = verify_day(compliant.track, compliant.tasks, store_crs="bd09")
        assert "stays_far_from_stores" in _codes(wrong)
        assert "store_crs" in wrong.warnings[-1].message


class TestStoredWarnings:
    def test_round_trip_and_old_results(self) -> None:
        track, tasks = _zurich_day(_stamps("2026-11-20T08:00:00+01:00", 40))
        body = verify_day(track, tasks).to_dict()
        assert body["warnings"] and {w["code"] for w in body["warnings"]} <= set(WARNING_CODES)
        assert DayResult.from_dict(body).to_dict() == body
        old = {k: v for k, v in body.items() if k != "warnings"}
        assert DayResult.from_dict(old).warnings == ()
        assert "warnings" not in RESULT_KEYS

    @pytest.mark.parametrize("lang", ["en", "zh"])
    def test_shown_on_the_map_and_the_team_index(self, lang: str) -> None:
        track, tasks = _zurich_day(_stamps("2026-11-20T08:00:00+01:00", 40))
        body = verify_day(track, tasks).to_dict()
        text = {**labels(lang), **labels(lang, "team")}
        panel = panel_html(body, text)
        assert 'class="tc-warnings"' in panel and text["warnings"] in panel
        assert text["warning_zone_mismatch"][:4] in panel
        index = render_team_index([body], date="2026-11-20", lang=lang)  # type: ignore[arg-type]
        assert 'class="tc-warn-n" data-sort="1"' in index
        plain = {**body, "warnings": []}
        assert "tc-warnings" not in panel_html(plain, text)
        assert 'class="tc-warn-n" data-sort="0"' in render_team_index(
            [plain],
            date="2026-11-20",
            lang=lang,  # type: ignore[arg-type]
        )

    def test_every_code_has_words_in_both_languages(self) -> None:
        for lang in ("en", "zh"):
            assert all(f"warning_{c}" in labels(lang) for c in WARNING_CODES)


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_reasons_name_every_store_and_stay_in_the_fields(scenario: str) -> None:
    """trajectory_clear's reason names every id its fields list (issue 13: it named one
    unvisited store while ``unvisited_store_ids`` held two)."""
    for seed in range(3):
        check = verify_generated(generate_day(scenario, seed)).checks["trajectory_clear"]
        if check.status == "pass":
            assert check.fields["unvisited_store_ids"] == []
            continue
        for store_id in check.fields["unvisited_store_ids"]:
            assert str(store_id) in check.reason, (scenario, seed, check.reason)
        for stay_id in check.fields["unmatched_stay_ids"]:
            assert f"{stay_id}" in check.reason, (scenario, seed, check.reason)


def test_day_bounds_are_the_zoned_days() -> None:
    cfg = VerifyConfig(manager_timezones={"Z1": "Europe/Zurich"})
    track, tasks = _zurich_day(_stamps("2026-11-20T07:00:00+01:00", 40))
    result = verify_day(track, tasks, cfg)
    assert result.stay_points and result.stay_points[0].arrival.tz_convert(
        "Europe/Zurich"
    ).date() == dt.date(2026, 11, 20)
