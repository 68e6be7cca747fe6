"""Real GPS traces from ../shared/real-gps (not redistributed; skipped where absent)."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from trajectory.cleaning import clean_track
from trajectory.pipeline import verify_day
from trajectory.staypoints import detect_stay_points
from trajectory.testing.evaluation import score_intervals

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
