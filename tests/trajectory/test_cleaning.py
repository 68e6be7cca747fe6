"""Cleaning: sort, dedupe, poor accuracy, bursts and single jumps, all counted."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tests.tracks import TrackBuilder
from trajectory.cleaning import DROP_REASONS, _single_jumps, clean_track


class TestCleanTrack:
    def test_sorts_and_reports_reordering(self) -> None:
        df = TrackBuilder(seed=1).stay(0, 0, 300).frame()
        shuffled = df.sample(frac=1.0, random_state=3)
        clean, report = clean_track(shuffled)
        assert clean["time"].is_monotonic_increasing
        assert report.reordered
        assert report.kept_points == len(df)

    def test_exact_duplicates_dropped_and_counted(self) -> None:
        df = TrackBuilder(seed=2).stay(0, 0, 300).frame()
        doubled = pd.concat([df, df.iloc[:10].assign(source_row=np.arange(1000, 1010))])
        clean, report = clean_track(doubled)
        assert len(clean) == len(df)
        assert report.dropped["duplicate"] == 10
        assert report.dropped_rows["duplicate"] == list(range(1000, 1010))

    def test_same_instant_keeps_the_most_accurate_fix(self) -> None:
        df = TrackBuilder(seed=3).stay(0, 0, 100).frame().assign(accuracy_m=10.0)
        twin = df.iloc[[4]].assign(lat=df["lat"].iloc[4] + 0.001, accuracy_m=5.0, source_row=99)
        clean, report = clean_track(pd.concat([df, twin]))
        assert report.dropped["conflicting_duplicate"] == 1
        assert 99 in clean["source_row"].to_numpy()
        assert report.dropped_rows["conflicting_duplicate"] == [5]

    def test_poor_accuracy_relative_to_median_is_dropped(self) -> None:
        df = TrackBuilder(seed=4).stay(0, 0, 300).frame().assign(accuracy_m=8.0)
        df.loc[df.index[[5, 6, 7]], "accuracy_m"] = [60.0, 450.0, 35.0]
        _, report = clean_track(df, accuracy_factor=5.0, accuracy_floor_m=50.0)
        # 60 > max(50, 5 * 8) and 450 > 200; 35 is kept
        assert report.dropped["poor_accuracy"] == 2

    def test_single_jump_off_the_line_is_dropped(self) -> None:
        df = TrackBuilder(seed=5).stay(0, 0, 200).point(800, 300, 30).stay(0, 0, 200).frame()
        clean, report = clean_track(df)
        assert report.dropped["jump"] + report.dropped["burst"] == 1
        assert len(clean) == len(df) - 1

    def test_burst_of_bad_fixes_is_dropped(self) -> None:
        b = TrackBuilder(seed=6).stay(0, 0, 200)
        for _ in range(5):
            b.point(1200, 400, 5)
        df = b.stay(0, 0, 200).frame()
        _, report = clean_track(df)
        assert report.dropped["burst"] == 5

    def test_fast_real_drive_is_kept(self) -> None:
        df = (
            TrackBuilder(seed=7, step_s=30)
            .move(6000, 0, speed_mps=20)
            .move(6000, 6000, speed_mps=20)
            .frame()
        )
        _, report = clean_track(df)
        assert report.dropped["jump"] == 0
        assert report.dropped["burst"] == 0

    def test_zero_coordinates_dropped(self) -> None:
        df = TrackBuilder(seed=8).stay(0, 0, 100).frame()
        df.loc[df.index[3], ["lat", "lon"]] = [0.0, 0.0]
        _, report = clean_track(df)
        assert report.dropped["zero_coordinates"] == 1

    def test_every_reason_is_reported(self) -> None:
        _, report = clean_track(TrackBuilder().stay(0, 0, 60).frame())
        assert set(report.dropped) == set(DROP_REASONS)

    def test_empty_track(self) -> None:
        clean, report = clean_track(TrackBuilder().frame())
        assert clean.empty
        assert report.kept_points == 0

    def test_burst_right_after_a_signal_gap_is_dropped(self) -> None:
        # Indoors: 8 minutes without fixes, then cell fixes 1.4 km off (reachable in
        # 8 minutes, so not impossible going forward), then back at the store.
        b = TrackBuilder(seed=9).stay(0, 0, 300)
        b.t += pd.Timedelta(minutes=8)
        for _ in range(6):
            b.point(1400, 200, 5)
        df = b.stay(0, 0, 300).frame()
        _, report = clean_track(df)
        assert report.dropped["burst"] == 6

    def test_sparse_burst_that_returns_to_the_spot_is_dropped(self) -> None:
        # Sampled every 30 s: 7 cell fixes 800 m off for 3.5 minutes (27 m/s there and
        # back, under max_speed_mps), then the place the phone never left.
        b = TrackBuilder(seed=10, step_s=30).stay(0, 0, 600)
        for k in range(7):
            b.point(800 + 10 * k, 300 - 5 * k, 0)
        df = b.stay(0, 0, 600).frame()
        _, report = clean_track(df)
        assert report.dropped["burst"] == 7

    def test_sparse_errand_at_city_speed_is_kept(self) -> None:
        # The same round trip 350 m off (12 m/s each way): a real errand, kept.
        b = TrackBuilder(seed=11, step_s=30).stay(0, 0, 600)
        for k in range(7):
            b.point(350 + 10 * k, 30 - 5 * k, 0)
        _, report = clean_track(b.stay(0, 0, 600).frame())
        assert report.dropped["burst"] == 0

    def test_fast_drive_there_and_back_is_kept(self) -> None:
        # 25 m/s out along a ring road, 3 minutes there, 25 m/s back: every hop is fast,
        # but the hop after the first is no return to the start.
        df = (
            TrackBuilder(seed=12, step_s=30)
            .stay(0, 0, 300)
            .move(3000, 0, speed_mps=25)
            .stay(3000, 0, 180)
            .move(0, 0, speed_mps=25)
            .stay(0, 0, 300)
            .frame()
        )
        _, report = clean_track(df)
        assert report.dropped["burst"] == 0


def _single_jumps_reference(x: np.ndarray, y: np.ndarray, jump_m: float) -> np.ndarray:
    """The single-jump test with hypot on every step (before the |dx| + |dy| bound)."""
    mask = np.zeros(x.size, dtype=bool)
    seg = np.hypot(np.diff(x), np.diff(y))
    d1, d2 = seg[:-1], seg[1:]
    cand = np.flatnonzero(np.minimum(d1, d2) > jump_m)
    d1, d2 = d1[cand], d2[cand]
    ax, ay, px, py = x[cand], y[cand], x[cand + 1], y[cand + 1]
    bx, by = x[cand + 2], y[cand + 2]
    vx, vy = bx - ax, by - ay
    seg2 = vx * vx + vy * vy
    with np.errstate(invalid="ignore", divide="ignore"):
        u = np.clip(np.where(seg2 > 0, ((px - ax) * vx + (py - ay) * vy) / seg2, 0.0), 0, 1)
    off = np.hypot(px - (ax + u * vx), py - (ay + u * vy))
    detour = (d1 + d2) >= 3.0 * np.maximum(np.hypot(vx, vy), 1.0)
    mask[cand + 1] = (off > jump_m) & detour
    return mask


class TestSingleJumps:
    def test_same_flags_as_hypot_on_every_step(self) -> None:
        # steps of about jump_m in every direction: the bound must never decide wrongly
        rng = np.random.default_rng(11)
        for _ in range(20):
            angle = rng.uniform(0, 2 * np.pi, 3000)
            step = rng.choice([5.0, 148.0, 150.0, 151.0, 400.0], 3000)
            x = np.cumsum(step * np.cos(angle))
            y = np.cumsum(step * np.sin(angle))
            assert np.array_equal(_single_jumps(x, y, 150.0), _single_jumps_reference(x, y, 150.0))
