"""DayResult serialisation: times in the configured zone, vectorised and scalar agree;
``from_dict`` is the exact inverse of ``to_dict`` and names the field of a bad stored result."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from trajectory import load_config, read_tasks, read_track, verify_day
from trajectory.cleaning import CleaningReport
from trajectory.errors import InputError
from trajectory.result import (
    DAY_STATUSES,
    CheckResult,
    DayResult,
    StayPoint,
    StoreVisit,
    day_status,
    iso,
    iso_many,
    status_of,
)
from trajectory.testing.evaluation import verify_generated
from trajectory.testing.scenarios import SCENARIOS, generate_day


class TestIsoMany:
    @pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/New_York", "UTC", "Asia/Kolkata"])
    def test_matches_scalar_iso_across_dst(self, zone: str) -> None:
        times = pd.DatetimeIndex(
            pd.date_range("2026-03-08 05:00", periods=48, freq="37min", tz="UTC")
        ).append(pd.DatetimeIndex([pd.Timestamp("2026-11-01 05:59:59.7", tz="UTC")]))
        tz = ZoneInfo(zone)
        assert iso_many(times, tz) == [iso(t, tz) for t in times]

    def test_empty(self) -> None:
        assert iso_many(pd.DatetimeIndex([], tz="UTC"), ZoneInfo("UTC")) == []


ROOT = Path(__file__).resolve().parent.parent.parent
SAMPLE_DAYS = sorted(p for p in (ROOT / "sample_tracks").iterdir() if (p / "track.csv").is_file())


def _verify_sample(day: Path) -> DayResult:
    expected = json.loads((day / "expected.json").read_text(encoding="utf-8"))
    cfg = day / "config.toml"
    return verify_day(
        read_track(day / "track.csv"),
        read_tasks(day / "tasks.csv"),
        load_config(cfg if cfg.is_file() else None),
        track_crs=expected.get("track_crs", "wgs84"),
        store_crs=expected.get("store_crs", "wgs84"),
    )


@pytest.fixture(scope="module")
def compliant() -> DayResult:
    return verify_generated(generate_day("compliant", 0))


def _round_trip(result: DayResult, *, include_track: bool) -> None:
    data = result.to_dict(include_track=include_track)
    assert DayResult.from_dict(data).to_dict(include_track=include_track) == data
    stored = json.loads(json.dumps(data, ensure_ascii=False))  # as files and the API hold it
    back = DayResult.from_dict(stored)
    assert json.dumps(back.to_dict(include_track=include_track)) == json.dumps(data)


class TestFromDict:
    @pytest.mark.parametrize("include_track", [False, True])
    @pytest.mark.parametrize("day", SAMPLE_DAYS, ids=lambda p: p.name)
    def test_inverts_to_dict_on_the_sample_days(self, day: Path, include_track: bool) -> None:
        _round_trip(_verify_sample(day), include_track=include_track)

    @pytest.mark.parametrize("include_track", [False, True])
    @pytest.mark.parametrize("scenario", SCENARIOS)
    def test_inverts_to_dict_on_every_scenario(self, scenario: str, include_track: bool) -> None:
        _round_trip(verify_generated(generate_day(scenario, 3)), include_track=include_track)

    def test_rebuilds_the_records(self, compliant: DayResult) -> None:
        back = DayResult.from_dict(compliant.to_dict())
        assert back.manager_id == compliant.manager_id
        assert back.date == compliant.date
        assert back.checks.keys() == compliant.checks.keys()
        assert all(isinstance(c, CheckResult) for c in back.checks.values())
        assert isinstance(back.cleaning, CleaningReport)
        assert isinstance(back.stay_points, tuple) and isinstance(back.stores, tuple)
        assert all(isinstance(s, StayPoint) for s in back.stay_points)
        assert all(isinstance(s, StoreVisit) for s in back.stores)
        assert all(isinstance(s.ambiguous_store_ids, tuple) for s in back.stay_points)
        assert back.outside_day_points == compliant.outside_day_points
        assert back.config == compliant.config
        assert back.status == compliant.status

    def test_times_are_tz_aware_and_equal(self, compliant: DayResult) -> None:
        back = DayResult.from_dict(compliant.to_dict())
        for old, new in zip(compliant.stay_points, back.stay_points, strict=True):
            assert new.arrival.tzinfo is not None and new.departure.tzinfo is not None
            assert new.arrival == old.arrival.floor("s")
        visited = [s for s in back.stores if s.arrival is not None]
        assert visited and all(s.arrival is not None and s.arrival.tzinfo for s in visited)

    def test_the_track_key_wins_over_the_argument(self, compliant: DayResult) -> None:
        assert compliant.track is not None
        other = compliant.track.iloc[:3]
        back = DayResult.from_dict(compliant.to_dict(include_track=True), track=other)
        assert back.track is not None and len(back.track) == len(compliant.track)
        assert str(back.track["time"].dt.tz) == "UTC"

    def test_the_track_argument_without_a_track_key(self, compliant: DayResult) -> None:
        assert compliant.track is not None
        back = DayResult.from_dict(compliant.to_dict(), track=compliant.track)
        assert back.track is compliant.track
        assert DayResult.from_dict(compliant.to_dict()).track is None

    def test_keys_with_a_default_may_be_absent(self, compliant: DayResult) -> None:
        data = compliant.to_dict()
        for key in ("rejected_rows", "config"):
            del data[key]
        for stay in data["stay_points"]:
            for key in ("revisit", "exempt", "confirmed", "market_period", "split_from"):
                del stay[key]
        back = DayResult.from_dict(data)
        assert back.rejected_rows == () and back.config == {}
        assert all(s.confirmed and s.market_period == 0 for s in back.stay_points)

    @pytest.mark.parametrize(
        ("path", "value", "field"),
        [
            (("manager_id",), None, "manager_id"),
            (("date",), "20 Nov", "date"),
            (("timezone",), "Mars/Olympus", "timezone"),
            (("stay_points",), {}, "stay_points"),
            (("stay_points", 0, "arrival"), "07:12", "stay_points[0].arrival"),
            (("stay_points", 0, "arrival"), "soon", "stay_points[0].arrival"),
            (("stay_points", 0, "lat"), "31.2", "stay_points[0].lat"),
            (("stay_points", 0, "n_points"), 2.5, "stay_points[0].n_points"),
            (("stay_points", 0, "revisit"), "no", "stay_points[0].revisit"),
            (("stay_points", 0, "ambiguous_store_ids"), [1], "stay_points[0].ambiguous_store_ids"),
            (("stores", 0, "status"), "gone", "stores[0].status"),
            (("stores", 0, "seq"), True, "stores[0].seq"),
            (("checks", "on_time_arrival", "status"), "maybe", "checks.on_time_arrival.status"),
            (("checks", "on_time_arrival"), [], "checks.on_time_arrival"),
            (("cleaning", "input_points"), "12", "cleaning.input_points"),
            (("cleaning", "dropped", "jump"), None, "cleaning.dropped.jump"),
            (("rejected_rows",), [{"source": "x.csv"}], "rejected_rows[0].reason"),
        ],
    )
    def test_a_wrong_type_names_the_field(
        self, compliant: DayResult, path: tuple[str | int, ...], value: object, field: str
    ) -> None:
        data = compliant.to_dict()
        data["cleaning"]["dropped"]["jump"] = 1
        _set(data, path, value)
        with pytest.raises(InputError) as info:
            DayResult.from_dict(data)
        assert info.value.field == field

    @pytest.mark.parametrize(
        ("path", "field"),
        [
            (("manager_id",), "manager_id"),
            (("checks",), "checks"),
            (("stay_points", 0, "departure"), "stay_points[0].departure"),
            (("stores", 0, "store_id"), "stores[0].store_id"),
            (("checks", "trajectory_clear", "reason"), "checks.trajectory_clear.reason"),
            (("cleaning", "kept_points"), "cleaning.kept_points"),
        ],
    )
    def test_a_missing_key_names_the_field(
        self, compliant: DayResult, path: tuple[str | int, ...], field: str
    ) -> None:
        data = compliant.to_dict()
        parent: Any = data
        for key in path[:-1]:
            parent = parent[key]
        del parent[path[-1]]
        with pytest.raises(InputError, match="missing") as info:
            DayResult.from_dict(data)
        assert info.value.field == field

    def test_not_an_object(self) -> None:
        with pytest.raises(InputError, match="expected an object"):
            DayResult.from_dict([])  # type: ignore[arg-type]

    def test_a_ragged_track_is_rejected(self, compliant: DayResult) -> None:
        data = compliant.to_dict(include_track=True)
        data["track"]["lat"] = data["track"]["lat"][:-1]
        with pytest.raises(InputError, match="differ in length"):
            DayResult.from_dict(data)


def _set(data: dict[str, Any], path: tuple[str | int, ...], value: object) -> None:
    parent: Any = data
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value


class TestDayStatus:
    """One status rule: a day missing tasks or fixes is never ``pass`` (issue 13 item 6)."""

    @staticmethod
    def _empty_day(with_fix: bool) -> DayResult:
        track = pd.DataFrame(
            {
                "manager_id": ["M1"] if with_fix else pd.Series(dtype=str),
                "timestamp": ["2026-11-20T09:00:00+08:00"] if with_fix else pd.Series(dtype=str),
                "lat": [31.2] if with_fix else pd.Series(dtype=float),
                "lon": [121.4] if with_fix else pd.Series(dtype=float),
            }
        )
        cols = ["manager_id", "date", "seq", "store_id", "store_name", "lat", "lon", "method"]
        tasks = pd.DataFrame({c: pd.Series(dtype=str) for c in cols})
        return verify_day(track, tasks, manager_id="M1", date="2026-11-20")

    @pytest.mark.parametrize("with_fix", [False, True])
    def test_no_tasks_is_never_pass(self, with_fix: bool) -> None:
        result = self._empty_day(with_fix)
        body = result.to_dict()
        assert (result.status, result.passed) == ("no_tasks", False)
        assert (body["status"], body["passed"]) == ("no_tasks", False)
        assert day_status(body) == "no_tasks"
        assert DayResult.from_dict(body).status == "no_tasks"

    def test_the_rule_by_sides(self) -> None:
        assert status_of(False, False, ["pass"]) == "no_tasks"
        assert status_of(False, True, ["pass"]) == "no_tasks"
        assert status_of(True, False, ["pass"]) == "no_gps"
        assert status_of(True, True, ["pass", "inconclusive"]) == "inconclusive"
        assert status_of(True, True, ["pass"]) == "pass"
        assert {status_of(a, b, ["fail"]) for a in (0, 1) for b in (0, 1)} <= set(DAY_STATUSES)

    def test_a_day_with_tasks_and_fixes_keeps_the_checks_verdict(
        self, compliant: DayResult
    ) -> None:
        assert compliant.status == "pass" and compliant.passed
