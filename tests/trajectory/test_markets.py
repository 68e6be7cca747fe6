"""Wholesale markets: stalls closer together than the GPS spread."""

from __future__ import annotations

import pandas as pd

from tests.tracks import TrackBuilder, tasks_frame
from trajectory.cleaning import clean_track
from trajectory.markets import resegment_stays
from trajectory.matching import match_stores
from trajectory.staypoints import detect_stay_points

STALLS = [("S1", 0.0, 0.0), ("S2", 30.0, 0.0), ("S3", 60.0, 0.0), ("S4", 90.0, 0.0)]


def _market_day(order: list[int], seed: int = 0, minutes: float = 8) -> pd.DataFrame:
    b = TrackBuilder(seed=seed).move(-800, 0).move(-40, 0)
    for k in order:
        _, x, y = STALLS[k]
        b.move(x, y, speed_mps=1.0, noise_m=6).stay(x, y, minutes * 60, noise_m=10)
    return b.move(800, 400).frame()


def _run(df: pd.DataFrame) -> pd.DataFrame:
    clean, _ = clean_track(df)
    stays = detect_stay_points(clean)
    stores = tasks_frame(STALLS)
    split = resegment_stays(stays, clean, stores, min_stay_s=180, match_radius_m=100)
    return match_stores(split, stores)


class TestResegmentStays:
    def test_plain_detection_merges_close_stalls(self) -> None:
        clean, _ = clean_track(_market_day([0, 1, 2, 3]))
        assert len(detect_stay_points(clean)) < 4

    def test_stalls_visited_in_a_row_come_out_separately(self) -> None:
        out = _run(_market_day([0, 1, 2, 3]))
        assert out["store_id"].tolist() == ["S1", "S2", "S3", "S4"]

    def test_out_of_order_visits_follow_the_track_not_the_list(self) -> None:
        out = _run(_market_day([2, 0, 3, 1], seed=1))
        assert out["store_id"].tolist() == ["S3", "S1", "S4", "S2"]

    def test_skipped_stall_stays_unvisited(self) -> None:
        out = _run(_market_day([0, 2, 3], seed=2))
        assert "S2" not in out["store_id"].tolist()
        assert out["store_id"].tolist() == ["S1", "S3", "S4"]

    def test_no_split_shorter_than_min_stay(self) -> None:
        clean, _ = clean_track(_market_day([0, 1, 2, 3], seed=3))
        stays = detect_stay_points(clean)
        split = resegment_stays(
            stays, clean, tasks_frame(STALLS), min_stay_s=180, match_radius_m=100
        )
        assert (split["duration_s"] >= 170).all()

    def test_stall_column_keeps_its_object_dtype(self) -> None:
        # the DataFrame is rebuilt from NumPy columns: pandas must not read the stall ids
        # (text and None) as a string column
        clean, _ = clean_track(_market_day([0, 1, 2, 3]))
        stays = detect_stay_points(clean)
        split = resegment_stays(
            stays, clean, tasks_frame(STALLS), min_stay_s=180, match_radius_m=100
        )
        assert split["state_store_id"].dtype == object
        assert split["state_store_id"].tolist() == ["S1", "S2", "S3", "S4"]

    def test_single_store_stay_is_untouched(self) -> None:
        df = TrackBuilder(seed=4).stay(0, 0, 900).move(900, 0).frame()
        clean, _ = clean_track(df)
        stays = detect_stay_points(clean)
        split = resegment_stays(
            stays,
            clean,
            tasks_frame([("A", 0, 0), ("B", 800, 0)]),
            min_stay_s=180,
            match_radius_m=100,
        )
        assert len(split) == len(stays) == 1
        assert split["split_from"].tolist() == [1]
