"""The three checks, at their boundaries, with pass / fail / inconclusive."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from trajectory.checks import check_on_time_arrival, check_trajectory_clear, check_visit_count
from trajectory.result import StayPoint, StoreVisit

TZ = ZoneInfo("Asia/Shanghai")
DEADLINE = dt.datetime(2026, 11, 20, 7, 30, tzinfo=TZ)


def _t(hhmmss: str) -> pd.Timestamp:
    return pd.Timestamp(f"2026-11-20 {hhmmss}", tz=TZ).tz_convert("UTC")


def _store(
    sid: str,
    seq: int,
    status: str = "visited",
    method: str = "onsite",
    arrival: str | None = "07:10:00",
    stay_id: int | None = 1,
    reported: bool = True,
) -> StoreVisit:
    visited = status == "visited"
    return StoreVisit(
        store_id=sid,
        store_name=sid,
        seq=seq,
        method=method,
        lat=31.0,
        lon=121.0,
        reported_visited=reported,
        status=status,  # type: ignore[arg-type]
        stay_id=stay_id if visited else None,
        arrival=_t(arrival) if visited and arrival else None,
        departure=_t("09:00:00") if visited else None,
        visits=int(visited),
    )


def _stay(sid: int, store: str | None, arrival: str = "07:10:00", **kw: Any) -> StayPoint:
    return StayPoint(
        id=sid,
        lat=31.0,
        lon=121.0,
        arrival=_t(arrival),
        departure=_t("09:00:00"),
        duration_s=600.0,
        n_points=100,
        spread_m=10.0,
        max_gap_s=5.0,
        store_id=store,
        **kw,
    )


class TestCheckOnTimeArrival:
    @pytest.mark.parametrize(
        ("arrival", "status"),
        [
            ("07:29:59", "pass"),
            ("07:30:00", "pass"),
            ("07:30:01", "fail"),
            ("08:15:00", "fail"),
        ],
    )
    def test_deadline_boundary(self, arrival: str, status: str) -> None:
        stores = [_store("A", 1, arrival=arrival)]
        c = check_on_time_arrival(
            stores, [_stay(1, "A", arrival)], DEADLINE, first_fix=_t("06:00:00")
        )
        assert c.status == status
        assert c.passed == (status == "pass")
        assert c.fields["first_store_id"] == "A"
        assert c.fields["deadline"] == "2026-11-20T07:30:00+08:00"

    def test_first_store_is_lowest_onsite_seq(self) -> None:
        stores = [
            _store("P", 1, method="phone", status="not_expected"),
            _store("B", 3, arrival="08:00:00"),
            _store("A", 2, arrival="07:00:00"),
        ]
        c = check_on_time_arrival(stores, [], DEADLINE, first_fix=_t("06:00:00"))
        assert c.fields["first_store_id"] == "A"
        assert c.status == "pass"

    def test_no_gps_is_inconclusive_not_late(self) -> None:
        c = check_on_time_arrival([_store("A", 1, status="no_gps")], [], DEADLINE, first_fix=None)
        assert c.status == "inconclusive"
        assert "No usable GPS" in c.reason

    def test_gps_gap_straddling_deadline_is_inconclusive(self) -> None:
        stay = _stay(1, "A", "07:40:00", arrival_earliest=_t("07:05:00"))
        c = check_on_time_arrival(
            [_store("A", 1, arrival="07:40:00")], [stay], DEADLINE, first_fix=_t("06:00:00")
        )
        assert c.status == "inconclusive"
        assert "between 07:05 and 07:40" in c.reason

    def test_never_visited_is_fail(self) -> None:
        c = check_on_time_arrival(
            [_store("A", 1, status="not_visited")], [], DEADLINE, first_fix=_t("06:00:00")
        )
        assert c.status == "fail"
        assert "never visited" in c.reason

    def test_late_reason_gives_minutes(self) -> None:
        c = check_on_time_arrival(
            [_store("A", 1, arrival="07:52:00")],
            [_stay(1, "A", "07:52:00")],
            DEADLINE,
            first_fix=_t("06:00:00"),
        )
        assert "22 min after the 07:30 deadline" in c.reason

    def test_no_onsite_task_passes(self) -> None:
        c = check_on_time_arrival(
            [_store("P", 1, method="phone", status="not_expected")], [], DEADLINE, first_fix=None
        )
        assert c.status == "pass"


class TestCheckTrajectoryClear:
    def test_all_matched(self) -> None:
        c = check_trajectory_clear(
            [_store("A", 1), _store("B", 2, stay_id=2)],
            [_stay(1, "A"), _stay(2, "B")],
            has_gps=True,
        )
        assert c.status == "pass"
        assert c.fields["unmatched_stay_ids"] == []
        assert c.fields["unvisited_store_ids"] == []

    def test_unexplained_stay_fails(self) -> None:
        c = check_trajectory_clear([_store("A", 1)], [_stay(1, "A"), _stay(2, None)], has_gps=True)
        assert c.status == "fail"
        assert c.fields["unmatched_stay_ids"] == [2]

    def test_exempt_stay_is_not_unexplained(self) -> None:
        c = check_trajectory_clear(
            [_store("A", 1)], [_stay(1, "A"), _stay(2, None, exempt="office")], has_gps=True
        )
        assert c.status == "pass"

    def test_skipped_store_fails(self) -> None:
        c = check_trajectory_clear(
            [_store("A", 1), _store("B", 2, status="not_visited")], [_stay(1, "A")], has_gps=True
        )
        assert c.status == "fail"
        assert c.fields["unvisited_store_ids"] == ["B"]

    def test_ambiguous_store_is_inconclusive(self) -> None:
        c = check_trajectory_clear(
            [_store("A", 1), _store("B", 2, status="ambiguous")],
            [_stay(1, "A", ambiguous_store_ids=("B",))],
            has_gps=True,
        )
        assert c.status == "inconclusive"
        assert not c.passed

    def test_phone_tasks_are_not_expected_on_track(self) -> None:
        c = check_trajectory_clear(
            [_store("A", 1), _store("P", 2, method="phone", status="not_expected")],
            [_stay(1, "A")],
            has_gps=True,
        )
        assert c.status == "pass"

    def test_no_gps(self) -> None:
        c = check_trajectory_clear([_store("A", 1, status="no_gps")], [], has_gps=False)
        assert c.status == "inconclusive"


class TestCheckVisitCount:
    def test_equal(self) -> None:
        c = check_visit_count([_store("A", 1)], [_stay(1, "A")], has_gps=True)
        assert (c.status, c.fields["stay_points"], c.fields["onsite_visits"]) == ("pass", 1, 1)

    def test_unreported_visit_is_not_counted(self) -> None:
        c = check_visit_count(
            [_store("A", 1), _store("B", 2, status="not_visited", reported=False)],
            [_stay(1, "A")],
            has_gps=True,
        )
        assert c.status == "pass"
        assert c.fields["onsite_visits"] == 1

    def test_extra_stay_fails(self) -> None:
        c = check_visit_count([_store("A", 1)], [_stay(1, "A"), _stay(2, None)], has_gps=True)
        assert c.status == "fail"

    def test_revisit_is_a_second_stay_point(self) -> None:
        c = check_visit_count(
            [_store("A", 1)], [_stay(1, "A"), _stay(2, "A", revisit=True)], has_gps=True
        )
        assert c.status == "fail"
        assert (c.fields["stay_points"], c.fields["onsite_visits"], c.fields["revisits"]) == (
            2,
            1,
            1,
        )
        assert "1 revisit(s)" in c.reason

    def test_exempt_stay_is_not_counted(self) -> None:
        c = check_visit_count(
            [_store("A", 1)], [_stay(1, "A"), _stay(2, None, exempt="home")], has_gps=True
        )
        assert c.status == "pass"
        assert c.fields["stay_points"] == 1

    def test_gap_that_could_hide_a_visit_is_inconclusive(self) -> None:
        c = check_visit_count(
            [_store("A", 1), _store("B", 2, status="unseen")], [_stay(1, "A")], has_gps=True
        )
        assert c.status == "inconclusive"
