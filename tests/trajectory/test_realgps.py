"""Real GPS traces from ../shared/real-gps (not redistributed; skipped where absent)."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from trajectory.bridging import observed_span
from trajectory.cleaning import clean_track
from trajectory.config import VerifyConfig
from trajectory.geodesy import haversine_m
from trajectory.pipeline import verify_day
from trajectory.staypoints import detect_stay_points
from trajectory.testing.degrade import DEGRADATIONS, degrade, stop_recall
from trajectory.testing.evaluation import score_intervals
from trajectory.timestamps import elapsed_s

REAL = Path(__file__).resolve().parents[3] / "shared" / "real-gps"
pytestmark = [
    pytest.mark.realgps,
    pytest.mark.skipif(
        not REAL.is_dir(),
        reason=f"real GPS traces not present at {REAL} "
        "(they live beside the project, not in it; their licences are their owners')",
    ),
]


def _track(path: Path, user: str | None = None) -> pd.DataFrame:
    pts = pd.read_csv(path)
    if user is not None:
        pts = pts.loc[pts["user_id"].astype(str) == user]
    return pd.DataFrame(
        {
            "time": pd.to_datetime(pts["timestamp"], utc=True, format="ISO8601").to_numpy(),
            "lat": pts["lat"].to_numpy(),
            "lon": pts["lon"].to_numpy(),
            "accuracy_m": np.nan,
            "source_row": np.arange(1, len(pts) + 1),
        }
    )


def _epoch(values: pd.Series) -> np.ndarray:
    return pd.DatetimeIndex(pd.to_datetime(values, utc=True)).as_unit("ns").asi8 / 1e9


class TestDiaryLabelledStops:
    def test_stops_of_three_minutes_or_more_are_found(self) -> None:
        folder = REAL / "stopgo-diary-labeled"
        clean, _ = clean_track(_track(folder / "normalized.csv"))
        stays = detect_stay_points(clean, min_stay_s=180)
        truth = pd.read_csv(folder / "ground_truth_stops.csv")
        truth = truth.loc[truth["duration_s"] >= 180]
        score = score_intervals(
            _epoch(truth["first_point_utc"]),
            _epoch(truth["last_point_utc"]),
            _epoch(stays["arrival"]),
            _epoch(stays["departure"]),
        )
        assert score.matched >= len(truth) - 1
        assert score.detected <= len(truth) + 1
        assert score.split == 0
        assert np.median(np.abs(score.arrival_err_s)) <= 90


class TestDiaryObservedTimes:
    """Issue 13, item 3: stop 10 ends with fixes 500 s after the diary's departure across
    a bridged gap; stop 7 begins with lone fixes across two gaps before the diary's arrival."""

    def test_observed_dwell_and_uncertainty_hold_the_diary_times(self) -> None:
        folder = REAL / "stopgo-diary-labeled"
        clean, _ = clean_track(_track(folder / "normalized.csv"))
        stays = detect_stay_points(clean, min_stay_s=180)
        t = elapsed_s(clean["time"])
        times = _epoch(clean["time"])
        spans = [
            observed_span(t, a, b)
            for a, b in zip(stays["first_fix"], stays["last_fix"], strict=True)
        ]
        truth = pd.read_csv(folder / "ground_truth_stops.csv").set_index("stop_no")
        leave = _epoch(pd.Series([truth.loc[10, "last_point_utc"]]))[0]
        raw_dep = times[stays["last_fix"].to_numpy()]
        obs_dep = np.array([times[b] for _, b, _ in spans])
        k = int(np.argmin(np.abs(raw_dep - leave)))
        assert raw_dep[k] - leave > 400  # the detected stay ends 500 s late ...
        assert abs(obs_dep[k] - leave) <= 30  # ... its observed dwell on time
        come = _epoch(pd.Series([truth.loc[7, "first_point_utc"]]))[0]
        first = times[stays["first_fix"].to_numpy()]
        obs_arr = np.array([times[a] for a, _, _ in spans])
        assert np.any((first <= come) & (come <= obs_arr) & (obs_arr > first))


class TestDiaryDegraded:
    """Issue 13, item 4: the diary trace with 10 m extra noise, 30 s sampling or 10 % of
    the fixes dropped (10 seeds each).  The goal, recall >= 0.95 of the diary stops of
    3 minutes or more, is met at 30 s sampling and with fixes dropped, not with extra
    noise (0.938), since the stay assembly looks again, around the time-weighted centre
    and with the creep quarters by time, at runs the creep test rejects (stop 7:
    minutes at one spot seen by two or three fixes, then a 70 m walk).  The misses
    left are the 3-minute stop 12, a stroll of 80 m at 0.45 m/s, and once stop 5."""

    @staticmethod
    def _recall(kind: str) -> tuple[float, int]:
        folder = REAL / "stopgo-diary-labeled"
        track = _track(folder / "normalized.csv")
        truth = pd.read_csv(folder / "ground_truth_stops.csv")
        counts = np.zeros(3, dtype=np.int64)
        for seed in range(10):
            clean, _ = clean_track(degrade(track, kind, seed))
            counts += stop_recall(truth, detect_stay_points(clean, min_stay_s=180))
        return counts[1] / counts[0], int(counts[2])

    @pytest.mark.parametrize("kind", DEGRADATIONS)
    def test_recall_floor_and_no_false_stays(self, kind: str) -> None:
        recall, false = self._recall(kind)
        assert recall >= 0.93  # measured 0.938-0.963 (0.887-0.938 before the second look;
        # issue 13: 0.75-0.89; 0.80-0.875 before the creep test asked whether the track
        # goes on the way the stay progressed)
        assert false == 0


class TestGeoLife:
    def test_a_real_day_verifies_without_error(self) -> None:
        track = _track(REAL / "movingpandas-geolife" / "normalized.csv")
        track.insert(0, "manager_id", "geolife")
        day = pd.Timestamp(track["time"].iloc[0]).tz_convert("Asia/Shanghai").date()
        tasks = pd.DataFrame(
            {
                "manager_id": ["geolife"],
                "date": [day.isoformat()],
                "seq": [1],
                "store_id": ["X"],
                "store_name": ["x"],
                "lat": [track["lat"].iloc[0]],
                "lon": [track["lon"].iloc[0]],
                "method": ["onsite"],
            }
        )
        r = verify_day(track, tasks)
        stays = r.stay_points
        assert all(a.departure < b.arrival for a, b in pairwise(stays))
        assert r.cleaning.kept_points > 0


class TestGeoLifeNearbyStores:
    """Issue 13, item 2: GeoLife user 002, Beijing 2008-10-23 21:37-23:52 local, task stores
    at its 4 real stays, two of them 82 m apart (an 87-minute and a 28-minute visit)."""

    def test_each_visit_is_one_stay(self) -> None:
        track = _track(REAL / "trackintel-geolife" / "normalized.csv", user="2")  # "002"
        track.insert(0, "manager_id", "geolife")
        local = pd.to_datetime(track["time"], utc=True).dt.tz_convert("Asia/Shanghai")
        day = local.dt.strftime("%Y-%m-%d") == "2008-10-23"
        track = track.loc[day.to_numpy()].reset_index(drop=True)
        plain = verify_day(track, _no_tasks(), VerifyConfig(resegment=False), date="2008-10-23")
        # 4 stays when the issue was filed; 5 since the creep test keeps a 4-minute
        # stroll (12:46-12:50 UTC) the track does not go on with, 19 m from the
        # 28-minute visit: task stores at the four (5 minutes or more)
        stays = plain.stay_points
        assert 4 <= len(stays) <= 5
        keep = [i for i, s in enumerate(stays) if s.duration_s >= 300]
        assert len(keep) == 4
        tasks = pd.DataFrame(
            {
                "manager_id": "geolife",
                "date": "2008-10-23",
                "seq": range(1, len(keep) + 1),
                "store_id": [f"S{k}" for k in range(1, len(keep) + 1)],
                "store_name": "x",
                "lat": [stays[i].lat for i in keep],
                "lon": [stays[i].lon for i in keep],
                "method": "onsite",
            }
        )
        apart = haversine_m(stays[-2].lat, stays[-2].lon, stays[-1].lat, stays[-1].lon)
        assert 70 <= float(apart) <= 95  # the 87- and 28-minute visits next door
        result = verify_day(track, tasks)  # resegment on, the default
        # one stay per visit: re-segmentation splits none of them
        assert [(s.arrival, s.departure) for s in result.stay_points] == [
            (s.arrival, s.departure) for s in stays
        ]
        assert all(s.store_id is not None for s in result.stay_points)
        assert result.checks["trajectory_clear"].status == "pass"


def _no_tasks() -> pd.DataFrame:
    return pd.DataFrame(
        columns=["manager_id", "date", "seq", "store_id", "store_name", "lat", "lon", "method"]
    )
