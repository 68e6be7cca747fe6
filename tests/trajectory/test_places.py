"""Recurring places across days (issue 17 item 2): DBSCAN over the unexplained stays."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tests.helpers.week import BREAKFAST_DATES, WEEK_DATES, week_results
from trajectory.config import VerifyConfig, config_from_mapping, load_config
from trajectory.errors import ConfigError
from trajectory.geodesy import haversine_m
from trajectory.places import STAY_COLUMNS, recurring_places, unexplained_stays
from trajectory.testing.week import BREAKFAST
from trajectory.week import summarize_week, week_window


def _stays(points: list[tuple[str, float, float]], **extra: Any) -> pd.DataFrame:
    """A stays frame: (date, lat, lon) per stay, 10 min each."""
    frame = pd.DataFrame(
        {
            "date": [d for d, _, _ in points],
            "stay_id": range(1, len(points) + 1),
            "lat": [p[1] for p in points],
            "lon": [p[2] for p in points],
            "duration_s": 600.0,
        }
    )
    return frame.assign(**extra)


def _north(metres: float) -> float:
    """Degrees of latitude for ``metres`` north."""
    return metres / 111_195.08


@pytest.fixture(scope="module")
def results() -> list[dict[str, Any]]:
    return week_results("M1")


class TestRecurringPlacesOfAGeneratedWeek:
    def test_the_breakfast_place_on_every_day_it_occurs_and_nowhere_else(
        self, results: list[dict[str, Any]]
    ) -> None:
        assert {r["manager_id"] for r in results} == {"M1"}
        places = recurring_places(unexplained_stays(results))
        assert len(places) == 1
        place = places[0]
        assert place.dates == BREAKFAST_DATES
        assert haversine_m(place.lat, place.lon, *BREAKFAST) < 10
        # its stays are exactly the stays at the breakfast place, one on each of its days
        at_breakfast = [
            (r["date"], s["id"])
            for r in results
            for s in r["stay_points"]
            if haversine_m(s["lat"], s["lon"], *BREAKFAST) < 50
        ]
        assert list(place.stays) == at_breakfast
        assert place.visits == 5 and place.weekdays == (0, 1, 2, 4, 5)
        assert 20 * 60 <= place.median_s <= 26 * 60
        assert place.total_s == pytest.approx(
            sum(
                s["duration_s"]
                for r in results
                for s in r["stay_points"]
                if (r["date"], s["id"]) in at_breakfast
            )
        )

    def test_the_week_document(self, results: list[dict[str, Any]]) -> None:
        first, last = week_window(dt.date(2026, 11, 22))
        week = summarize_week(
            results, manager_id="M1", first=first, last=last, radius_m=100.0, min_visits=3
        )
        assert [d["date"] for d in week["days"]] == list(WEEK_DATES)
        assert [d["date"] for d in week["days"] if d["places"] == [1]] == list(BREAKFAST_DATES)
        assert all(d["status"] in ("pass", "fail", "inconclusive") for d in week["days"])
        assert week["places"][0]["days"] == 5

    def test_days_without_a_result_and_other_managers(self, results: list[dict[str, Any]]) -> None:
        other = [{**r, "manager_id": "M2"} for r in results]
        week = summarize_week(
            other + results[:3],
            manager_id="M1",
            first=dt.date(2026, 11, 14),
            last=dt.date(2026, 11, 20),
            radius_m=100.0,
            min_visits=3,
        )
        rows = {d["date"]: d for d in week["days"]}
        assert rows["2026-11-14"]["status"] is None and rows["2026-11-19"]["status"] is None
        assert rows["2026-11-16"]["places"] == [1]
        assert week["places"][0]["dates"] == list(BREAKFAST_DATES[:3])


class TestRecurringPlaces:
    @pytest.mark.parametrize(("gap_m", "found"), [(99.0, True), (101.0, False)])
    def test_the_radius_is_the_neighbour_distance(self, gap_m: float, found: bool) -> None:
        stays = _stays(
            [
                ("2026-11-16", 23.1, 113.3),
                ("2026-11-17", 23.1 + _north(gap_m), 113.3),
                ("2026-11-18", 23.1 + _north(2 * gap_m), 113.3),
            ]
        )
        # the middle stay has both others within gap_m: a core point of 3
        assert bool(recurring_places(stays, radius_m=100.0, min_visits=3)) is found

    def test_visits_on_one_day_only_are_not_recurring(self) -> None:
        stays = _stays([("2026-11-16", 23.1, 113.3)] * 4)
        assert recurring_places(stays, min_visits=3) == []
        two_days = _stays([("2026-11-16", 23.1, 113.3)] * 3 + [("2026-11-17", 23.1, 113.3)])
        assert recurring_places(two_days, min_visits=3)[0].visits == 4

    @pytest.mark.parametrize("visits", [2, 3])
    def test_min_visits(self, visits: int) -> None:
        stays = _stays([("2026-11-16", 23.1, 113.3), ("2026-11-17", 23.1, 113.3)])
        assert bool(recurring_places(stays, min_visits=visits)) is (visits == 2)

    def test_most_visits_first_and_the_nearest_known_most_named(self) -> None:
        a = [(f"2026-11-{d}", 23.1, 113.3) for d in (16, 17, 18)]
        b = [(f"2026-11-{d}", 23.2, 113.4) for d in (16, 17, 18, 19)]
        stays = _stays(
            a + b,
            known_id=[None, None, None, "B1", "B1", "B2", None],
            known_name=[None, None, None, "Laochen", "Laochen", "Other", None],
            known_kind=[None, None, None, "buyer", "buyer", "buyer", None],
            known_distance_m=[None, None, None, 10.0, 20.0, 5.0, None],
        )
        places = recurring_places(stays)
        assert [p.visits for p in places] == [4, 3]
        assert places[0].nearest_known == {
            "id": "B1",
            "name": "Laochen",
            "kind": "buyer",
            "distance_m": 15.0,
        }
        assert places[1].nearest_known is None

    def test_input_not_modified_and_empty(self) -> None:
        stays = _stays([(f"2026-11-{d}", 23.1, 113.3) for d in (16, 17, 18)])
        before = stays.copy()
        recurring_places(stays)
        pd.testing.assert_frame_equal(stays, before)
        assert recurring_places(stays.iloc[:0]) == []

    @pytest.mark.parametrize(
        "args", [{"radius_m": 0.0}, {"radius_m": -1.0}, {"min_visits": 1}, {"min_visits": 2.5}]
    )
    def test_bad_arguments(self, args: dict[str, Any]) -> None:
        with pytest.raises(ValueError, match=next(iter(args))):
            recurring_places(_stays([("2026-11-16", 23.1, 113.3)]), **args)


class TestUnexplainedStays:
    def test_only_stays_at_no_store_and_no_exempt_place(self) -> None:
        result = {
            "date": "2026-11-16",
            "stay_points": [
                {"id": 1, "lat": 23.1, "lon": 113.3, "duration_s": 60, "store_id": "S1"},
                {"id": 2, "lat": 23.1, "lon": 113.3, "duration_s": 60, "exempt": "home"},
                {
                    "id": 3,
                    "lat": 23.1,
                    "lon": 113.3,
                    "duration_s": 60,
                    "store_id": None,
                    "nearest_known": {"id": "B1", "name": "n", "kind": "buyer", "distance_m": 3.0},
                },
                {"id": 4, "lat": 23.1, "lon": 113.3, "duration_s": 60, "store_id": None},
            ],
        }
        frame = unexplained_stays([result])
        assert tuple(frame.columns) == STAY_COLUMNS
        assert frame["stay_id"].tolist() == [3, 4]
        assert frame["known_id"].iloc[0] == "B1" and pd.isna(frame["known_id"].iloc[1])

    def test_no_results(self) -> None:
        assert unexplained_stays([]).empty


class TestPlaceSettings:
    def test_defaults_and_toml(self, tmp_path: Path) -> None:
        assert (VerifyConfig().place_radius_m, VerifyConfig().place_min_visits) == (100.0, 3)
        path = tmp_path / "c.toml"
        path.write_text("place_radius_m = 80\nplace_min_visits = 4\n", encoding="utf-8")
        cfg = load_config(path)
        assert (cfg.place_radius_m, cfg.place_min_visits) == (80.0, 4)

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"place_radius_m": 0}, "place_radius_m: must be > 0"),
            ({"place_min_visits": 1}, "place_min_visits: must be >= 2"),
            ({"place_min_visits": 2.5}, "place_min_visits: expected an integer"),
            ({"place_min_visits": True}, "place_min_visits: expected an integer"),
        ],
    )
    def test_bad_values(self, data: dict[str, Any], message: str) -> None:
        with pytest.raises(ConfigError, match=message):
            config_from_mapping(data)
