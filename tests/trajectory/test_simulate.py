"""Tests of the seeded day generator: valid, reproducible days whose truth gives their verdicts."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from trajectory.geodesy import LocalProjection, haversine_m
from trajectory.schema import METHODS, TASK_COLUMNS, TRACK_COLUMNS, TRACK_OPTIONAL_COLUMNS
from trajectory.testing.scenarios import SCENARIOS, SimulatedDay, generate_day

SEEDS = (0, 1)
DATE = "2026-11-20"
DEADLINE = pd.Timestamp(f"{DATE}T07:30:00+08:00")


@pytest.fixture(scope="module")
def days() -> dict[tuple[str, int], SimulatedDay]:
    return {(s, seed): generate_day(s, seed) for s in SCENARIOS for seed in SEEDS}


def _times(day: SimulatedDay) -> pd.Series:
    return pd.to_datetime(day.track["timestamp"], format="ISO8601", utc=True)


def _errors_m(day: SimulatedDay) -> tuple[np.ndarray, np.ndarray]:
    proj = LocalProjection(float(day.visits["lat"].mean()), float(day.visits["lon"].mean()))
    x, y = proj.forward(day.track["lat"], day.track["lon"])
    tx, ty = proj.forward(day.point_truth["true_lat"], day.point_truth["true_lon"])
    return np.asarray(x - tx), np.asarray(y - ty)


def _recompute(day: SimulatedDay) -> dict[str, bool]:
    onsite = day.tasks[day.tasks["method"] == "onsite"]
    stores = day.visits[day.visits["kind"] == "store"]
    first = onsite.loc[onsite["seq"].idxmin(), "store_id"]
    arrivals = stores.loc[stores["store_id"] == first, "arrival_utc"]
    stays = int((day.visits["kind"].isin(["store", "unexplained"])).sum())
    return {
        "on_time_arrival": bool(len(arrivals)) and arrivals.min() <= DEADLINE,
        "trajectory_clear": "unexplained" not in set(day.visits["kind"])
        and set(onsite["store_id"]).issubset(stores["store_id"]),
        "visit_count_match": stays == int(onsite["reported_visited"].sum()),
    }


def _fixes_in(day: SimulatedDay, visit: pd.Series) -> int:
    t = _times(day)
    return int(((t >= visit["arrival_utc"]) & (t <= visit["departure_utc"])).sum())


class TestGenerateDay:
    @pytest.mark.parametrize("scenario", ["compliant", "market", "messy_rows", "track_gcj02"])
    def test_same_seed_same_day(self, scenario: str) -> None:
        a, b = generate_day(scenario, 7), generate_day(scenario, 7)
        for name in ("track", "tasks", "visits", "point_truth"):
            pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
        assert (a.expected, a.config, a.notes) == (b.expected, b.config, b.notes)

    def test_other_seed_other_day(self) -> None:
        a, b = generate_day("compliant", 1), generate_day("compliant", 2)
        assert a.tasks["lat"].tolist() != b.tasks["lat"].tolist()

    def test_sampling_rate_keeps_the_day(self) -> None:
        base = generate_day("compliant", 3)
        for step in (1.0, 30.0):
            other = generate_day("compliant", 3, sampling_s=step)
            pd.testing.assert_frame_equal(other.visits, base.visits)
            pd.testing.assert_frame_equal(other.tasks, base.tasks)
            assert len(other.track) != len(base.track)

    def test_manager_id_and_date(self) -> None:
        day = generate_day("compliant", 0, date="2027-01-05", manager_id="W007")
        assert set(day.track["manager_id"]) == {"W007"} == set(day.tasks["manager_id"])
        assert day.track["timestamp"].str.startswith("2027-01-05T").all()
        assert set(day.tasks["date"]) == {"2027-01-05"}

    @pytest.mark.parametrize(
        ("kwargs", "match"),
        [
            ({"scenario": "sunny", "seed": 0}, "unknown scenario"),
            ({"scenario": "late", "seed": -1}, "non-negative"),
            ({"scenario": "late", "seed": 0, "sampling_s": 0.5}, "sampling_s"),
        ],
    )
    def test_bad_arguments(self, kwargs: dict[str, object], match: str) -> None:
        with pytest.raises(ValueError, match=match):
            generate_day(**kwargs)  # type: ignore[arg-type]

    @pytest.mark.parametrize("seed", SEEDS)
    @pytest.mark.parametrize("scenario", SCENARIOS)
    def test_valid_day(
        self, days: dict[tuple[str, int], SimulatedDay], scenario: str, seed: int
    ) -> None:
        day = days[scenario, seed]
        assert (day.scenario, day.seed) == (scenario, seed)
        track, tasks, visits = day.track, day.tasks, day.visits
        assert list(track.columns) == [*TRACK_COLUMNS, *TRACK_OPTIONAL_COLUMNS]
        assert track["timestamp"].str.fullmatch(rf"{DATE}T\d\d:\d\d:\d\d\+08:00").all()
        assert np.isfinite(track[["lat", "lon", "accuracy_m"]].to_numpy()).all()
        assert (track["accuracy_m"] >= 3).all()
        assert (track["speed_mps"].dropna().between(0, 20)).all()
        assert len(track) > 100 and len(day.point_truth) == len(track)
        assert list(tasks.columns) == [*TASK_COLUMNS, "reported_visited"]
        assert tasks["seq"].tolist() == list(range(1, len(tasks) + 1))
        assert tasks["store_id"].is_unique and set(tasks["method"]) <= set(METHODS)
        assert tasks["store_name"].str.contains(r"[\u4e00-\u9fff]").all()
        assert list(visits.columns) == [
            "kind",
            "store_id",
            "lat",
            "lon",
            "arrival_utc",
            "departure_utc",
        ]
        assert set(visits["kind"]) <= {"store", "unexplained", "exempt"}
        assert str(visits["arrival_utc"].dt.tz) == "UTC"
        assert (visits["departure_utc"] - visits["arrival_utc"] >= pd.Timedelta(minutes=4)).all()
        assert visits["arrival_utc"].is_monotonic_increasing
        assert (
            visits["arrival_utc"].iloc[1:].to_numpy()
            >= visits["departure_utc"].iloc[:-1].to_numpy()
        ).all()
        onsite = set(tasks.loc[tasks["method"] == "onsite", "store_id"])
        assert set(visits.loc[visits["kind"] == "store", "store_id"]) <= onsite
        assert visits.loc[visits["kind"] != "store", "store_id"].isna().all()
        t = _times(day)
        slack = pd.Timedelta(seconds=60)  # a day may start or end with a stay at an exempt place
        assert t.min() - slack <= visits["arrival_utc"].min()
        assert visits["departure_utc"].max() <= t.max() + slack
        assert day.expected == _recompute(day)
        assert (day.track_crs, day.store_crs) in {
            ("wgs84", "wgs84"),
            ("wgs84", "gcj02"),
            ("gcj02", "wgs84"),
        }
        has_exempt = "exempt" in set(visits["kind"])
        assert ("exempt_places" in day.config) == has_exempt
        assert set(day.config) <= {"exempt_places"}
        if has_exempt:
            place = day.config["exempt_places"][0]
            ex = visits[visits["kind"] == "exempt"]
            assert (
                haversine_m(ex["lat"], ex["lon"], place["lat"], place["lon"])
                < place["radius_m"] / 2
            ).all()

    @pytest.mark.parametrize("seed", SEEDS)
    @pytest.mark.parametrize("scenario", SCENARIOS)
    def test_verdicts_are_not_knife_edge(
        self, days: dict[tuple[str, int], SimulatedDay], scenario: str, seed: int
    ) -> None:
        day = days[scenario, seed]
        first = day.tasks.loc[day.tasks["method"] == "onsite", "store_id"].iloc[0]
        arrival = day.visits.loc[day.visits["store_id"] == first, "arrival_utc"].min()
        margin = abs(arrival - DEADLINE)
        assert margin >= pd.Timedelta(minutes=10)
        assert day.expected["on_time_arrival"] is (scenario != "late")

    @pytest.mark.parametrize("seed", SEEDS)
    def test_scenario_verdicts(self, days: dict[tuple[str, int], SimulatedDay], seed: int) -> None:
        ok = {"on_time_arrival": True, "trajectory_clear": True, "visit_count_match": True}
        expected = {
            "compliant": ok,
            "late": {**ok, "on_time_arrival": False},
            "skipped_store": {**ok, "trajectory_clear": False, "visit_count_match": False},
            "extra_stop": {**ok, "trajectory_clear": False, "visit_count_match": False},
            "market": ok,
            "gcj02_stores": ok,
            "market_skip": {**ok, "trajectory_clear": False, "visit_count_match": False},
            "revisit": {**ok, "visit_count_match": False},
            "phone_chat_tasks": ok,
        }
        for scenario, verdicts in expected.items():
            assert days[scenario, seed].expected == verdicts, scenario

    @pytest.mark.parametrize("scenario", ["skipped_store", "market_skip"])
    def test_skipped_store_is_reported_but_never_visited(
        self, days: dict[tuple[str, int], SimulatedDay], scenario: str
    ) -> None:
        for seed in SEEDS:
            day = days[scenario, seed]
            missing = set(day.tasks["store_id"]) - set(day.visits["store_id"].dropna())
            assert len(missing) == 1
            row = day.tasks.set_index("store_id").loc[missing.pop()]
            assert row["reported_visited"] and row["seq"] > 1

    def test_extra_stop_is_long_and_away_from_stores(
        self, days: dict[tuple[str, int], SimulatedDay]
    ) -> None:
        for seed in SEEDS:
            day = days["extra_stop", seed]
            extra = day.visits[day.visits["kind"] == "unexplained"]
            assert len(extra) == 1
            assert (extra["departure_utc"] - extra["arrival_utc"]).iloc[0] >= pd.Timedelta(
                minutes=10
            )
            d = haversine_m(
                extra["lat"].iloc[0], extra["lon"].iloc[0], day.tasks["lat"], day.tasks["lon"]
            )
            assert d.min() > 300

    def test_revisit_is_more_than_an_hour_later(
        self, days: dict[tuple[str, int], SimulatedDay]
    ) -> None:
        for seed in SEEDS:
            stores = days["revisit", seed].visits.dropna(subset=["store_id"])
            twice = stores[stores["store_id"].duplicated(keep=False)]
            assert len(twice) == 2
            assert twice["arrival_utc"].iloc[1] - twice["departure_utc"].iloc[0] > pd.Timedelta(
                hours=1
            )

    @pytest.mark.parametrize("scenario", ["market", "market_skip"])
    def test_market_stalls(self, days: dict[tuple[str, int], SimulatedDay], scenario: str) -> None:
        for seed in SEEDS:
            day = days[scenario, seed]
            stalls = day.tasks[day.tasks["store_name"].str.contains("批发")]
            assert 6 <= len(stalls) <= 12
            assert stalls["store_name"].str.fullmatch(r".+批发 [A-E]\d+档").all()
            stood = day.visits[day.visits["store_id"].isin(stalls["store_id"])]
            d = haversine_m(*(np.asarray(stood[c])[:, None] for c in ("lat", "lon")),
                            *(np.asarray(stood[c])[None, :] for c in ("lat", "lon")))  # fmt: skip
            np.fill_diagonal(d, np.inf)
            assert d.min() >= 14.9
            assert (d.min(axis=1) <= 60.1).all()
            order = day.tasks.set_index("store_id").loc[stood["store_id"], "seq"]
            assert not order.is_monotonic_increasing  # some stalls out of task order

    def test_gcj02_offsets(self, days: dict[tuple[str, int], SimulatedDay]) -> None:
        for seed in SEEDS:
            day = days["gcj02_stores", seed]
            stores = day.visits.dropna(subset=["store_id"]).merge(day.tasks, on="store_id")
            d = haversine_m(stores["lat_x"], stores["lon_x"], stores["lat_y"], stores["lon_y"])
            assert ((d > 100) & (d < 700)).all()
            wgs = days["compliant", seed].visits.dropna(subset=["store_id"])
            wgs = wgs.merge(days["compliant", seed].tasks, on="store_id")
            assert (haversine_m(wgs["lat_x"], wgs["lon_x"], wgs["lat_y"], wgs["lon_y"]) < 100).all()
            day = days["track_gcj02", seed]
            ex, ey = _errors_m(day)
            assert 100 < np.median(np.hypot(ex, ey)) < 700

    @pytest.mark.parametrize(
        ("scenario", "low_s", "high_s"),
        [("sampling_1s", 1, 1), ("compliant", 4, 6), ("sampling_30s", 29, 31)],
    )
    def test_sampling(self, scenario: str, low_s: float, high_s: float) -> None:
        dt = _times(generate_day(scenario, 0)).drop_duplicates().diff().dt.total_seconds()
        assert low_s <= dt.median() <= high_s

    def test_irregular_sampling(self, days: dict[tuple[str, int], SimulatedDay]) -> None:
        dt = (
            _times(days["irregular_sampling", 0])
            .drop_duplicates()
            .diff()
            .dt.total_seconds()
            .dropna()
        )
        assert dt.min() >= 1 and dt.quantile(0.9) > 30 and dt.quantile(0.1) < 5

    def test_messy_rows(self, days: dict[tuple[str, int], SimulatedDay]) -> None:
        for seed in SEEDS:
            track = days["messy_rows", seed].track
            assert 0.01 < track.duplicated().mean() < 0.15
            assert not _times(days["messy_rows", seed]).is_monotonic_increasing
            assert days["compliant", seed].track["timestamp"].is_monotonic_increasing

    def test_phone_gap_keeps_visits_visible(
        self, days: dict[tuple[str, int], SimulatedDay]
    ) -> None:
        for seed in SEEDS:
            day = days["phone_gap", seed]
            assert _times(day).diff().max() >= pd.Timedelta(minutes=25)
            for _, visit in day.visits.iterrows():
                assert _fixes_in(day, visit) >= 5

    def test_indoor_gaps_inside_visits(self, days: dict[tuple[str, int], SimulatedDay]) -> None:
        for seed in SEEDS:
            day = days["indoor_gaps", seed]
            t = _times(day).drop_duplicates()
            long = [(a, b) for a, b in itertools.pairwise(t) if b - a >= pd.Timedelta(minutes=5)]
            inside = [
                (a, b)
                for a, b in long
                if ((day.visits["arrival_utc"] < a) & (day.visits["departure_utc"] > b)).any()
            ]
            assert len(inside) >= 1
            assert all(b - a <= pd.Timedelta(minutes=26) for a, b in inside)

    def test_drift_indoors(self, days: dict[tuple[str, int], SimulatedDay]) -> None:
        for seed in SEEDS:
            drift = days["drift_indoors", seed].point_truth["drift_m"]
            assert 20 <= drift.max() <= 80.5 and (drift > 0).mean() > 0.05

    def test_phone_chat_tasks_are_not_visited(
        self, days: dict[tuple[str, int], SimulatedDay]
    ) -> None:
        for seed in SEEDS:
            day = days["phone_chat_tasks", seed]
            remote = day.tasks[day.tasks["method"] != "onsite"]
            assert len(remote) >= 2 and day.tasks["method"].iloc[0] != "onsite"
            assert not set(remote["store_id"]) & set(day.visits["store_id"].dropna())

    def test_traffic_queue_next_to_a_store(self, days: dict[tuple[str, int], SimulatedDay]) -> None:
        for seed in SEEDS:
            day = days["traffic_jam", seed]
            truth = day.point_truth.assign(t=_times(day)).drop_duplicates("t").sort_values("t")
            truth = truth.set_index("t")
            ahead = truth.shift(freq="-240s").reindex(truth.index, method="nearest")
            moved = haversine_m(
                truth["true_lat"], truth["true_lon"], ahead["true_lat"], ahead["true_lon"]
            )
            creeping = (moved > 40) & (moved < 480)  # 0.17-2 m/s over four minutes
            near = (
                haversine_m(
                    truth["true_lat"].to_numpy()[:, None],
                    truth["true_lon"].to_numpy()[:, None],
                    day.tasks["lat"].to_numpy()[None, :],
                    day.tasks["lon"].to_numpy()[None, :],
                ).min(axis=1)
                < 150
            )
            assert (creeping & near).any()

    def test_outliers(self, days: dict[tuple[str, int], SimulatedDay]) -> None:
        for seed in SEEDS:
            heavy, calm = days["heavy_outliers", seed], days["compliant", seed]
            faults = heavy.point_truth["fault"]
            assert (faults != "").sum() > 3 * (calm.point_truth["fault"] != "").sum()
            ex, ey = _errors_m(heavy)
            jump = np.hypot(ex, ey)[faults == "jump"]
            assert jump.size and jump.min() > 40 and jump.max() < 2300
            runs = (faults != faults.shift()).cumsum()[faults == "burst"]
            assert runs.value_counts().between(1, 8).all()
            burst = np.hypot(ex, ey)[faults == "burst"]
            assert 200 < np.median(burst) < 1700

    def test_noise_statistics(self) -> None:
        outdoor, indoor, acc_out, acc_in, lag = [], [], [], [], []
        for seed in range(4):
            day = generate_day("sampling_1s", seed)
            ex, ey = _errors_m(day)
            truth = day.point_truth
            clean = ((truth["fault"] == "") & (truth["drift_m"] == 0)).to_numpy()
            is_in = truth["indoor"].to_numpy()
            outdoor.append(np.std(np.r_[ex[clean & ~is_in], ey[clean & ~is_in]]))
            indoor.append(np.std(np.r_[ex[clean & is_in], ey[clean & is_in]]))
            acc_out.append(day.track["accuracy_m"][clean & ~is_in].median())
            acc_in.append(day.track["accuracy_m"][clean & is_in].median())
            ok = clean[:-30] & clean[30:] & ~is_in[:-30] & ~is_in[30:]
            lag.append(np.corrcoef(ex[:-30][ok], ex[30:][ok])[0, 1])
        assert all(4 <= s <= 17 for s in outdoor), outdoor
        assert all(12 <= s <= 45 for s in indoor), indoor
        assert all(5 <= a <= 30 for a in acc_out) and np.median(acc_in) > np.median(acc_out)
        assert all(c > 0.2 for c in lag), lag  # Gauss-Markov, not white noise

    def test_stores_apart_and_geocoded_off(self, days: dict[tuple[str, int], SimulatedDay]) -> None:
        for seed in SEEDS:
            day = days["compliant", seed]
            lat, lon = day.tasks["lat"].to_numpy(), day.tasks["lon"].to_numpy()
            d = haversine_m(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
            np.fill_diagonal(d, np.inf)
            assert d.min() > 240 and np.diag(d, 1).max() < 3100
            stood = day.visits.dropna(subset=["store_id"]).merge(day.tasks, on="store_id")
            off = haversine_m(stood["lat_x"], stood["lon_x"], stood["lat_y"], stood["lon_y"])
            assert off.max() < 100 and np.median(off) > 5
