"""Track integrity: each rule with the case it catches and the honest look-alike it spares."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from trajectory._steps import smooth_steps
from trajectory.cleaning import clean_track
from trajectory.errors import InputError
from trajectory.integrity import check_integrity, day_fingerprint
from trajectory.integrity_replay import TrackFingerprint
from trajectory.integrity_types import read_integrity
from trajectory.pipeline import verify_day
from trajectory.result import DayResult
from trajectory.testing import generate_day, verify_generated
from trajectory.testing.spoofing import honest_next_day, real_trace_flags, spoof

DAY = dt.date(2026, 11, 20)
REAL = Path(__file__).resolve().parents[3] / "shared" / "real-gps"


def _line(
    n: int,
    step_s: float,
    dx_m: float,
    *,
    noise_m: float = 0.0,
    seed: int = 0,
    acc: float = float("nan"),
) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    t = pd.Timestamp("2026-11-20T01:00:00Z") + pd.to_timedelta(np.arange(n) * step_s, unit="s")
    x = np.arange(n) * dx_m + rng.normal(0, noise_m, n)
    y = rng.normal(0, noise_m, n)
    return pd.DataFrame(
        {"time": t, "lat": 31.2 + y / 111_000.0, "lon": 121.4 + x / 95_000.0, "accuracy_m": acc}
    )


def _flags(raw: pd.DataFrame, others: tuple[TrackFingerprint, ...] = ()) -> list[str]:
    clean, _ = clean_track(raw.assign(source_row=np.arange(1, len(raw) + 1)))
    return [f.kind for f in check_integrity(raw, clean, (), date=DAY, others=others).flags]


class TestTeleport:
    def test_a_jump_of_kilometres_in_seconds_that_stays_is_flagged(self) -> None:
        raw = _line(200, 5.0, 0.0, noise_m=5.0)
        raw.loc[100:, "lon"] += 5000 / 95_000.0
        assert _flags(raw) == ["teleport"]

    def test_a_cell_burst_that_comes_back_is_spared(self) -> None:
        raw = _line(200, 5.0, 0.0, noise_m=5.0)
        raw.loc[100:104, "lon"] += 1500 / 95_000.0
        assert _flags(raw) == []

    def test_a_gap_with_a_plausible_speed_is_spared(self) -> None:
        raw = _line(200, 5.0, 0.0, noise_m=5.0)
        raw.loc[100:, "time"] += pd.Timedelta(minutes=5)
        raw.loc[100:, "lon"] += 5000 / 95_000.0  # 5 km in 5 min: 17 m/s through a tunnel
        assert _flags(raw) == []

    def test_highway_driving_is_spared(self) -> None:
        assert _flags(_line(600, 1.0, 34.0, noise_m=2.0)) == []


class TestFrozenPosition:
    def test_one_exact_position_for_forty_minutes_is_flagged(self) -> None:
        raw = _line(480, 5.0, 0.0)  # no noise: the very same coordinates
        assert _flags(raw) == ["frozen_position"]

    def test_a_cached_fix_for_two_minutes_is_spared(self) -> None:
        raw = _line(480, 5.0, 0.0, noise_m=8.0)
        raw.loc[100:124, ["lat", "lon"]] = raw.loc[100, ["lat", "lon"]].to_numpy()
        assert _flags(raw) == []

    def test_growing_accuracy_is_spared(self) -> None:
        raw = _line(480, 5.0, 0.0).assign(accuracy_m=np.linspace(20, 60, 480))
        assert _flags(raw) == []

    def test_a_sparse_logger_repeating_a_wifi_fix_is_spared(self) -> None:
        assert _flags(_line(40, 60.0, 0.0)) == []  # like the Zurich and GeoLife traces


class TestSimulatedRoute:
    def test_a_noiseless_straight_drive_is_flagged(self) -> None:
        assert _flags(_line(300, 1.0, 12.0)) == ["simulated_route"]

    def test_a_real_drive_with_gps_noise_is_spared(self) -> None:
        assert _flags(_line(300, 1.0, 12.0, noise_m=1.0)) == []

    def test_compiled_steps_match_the_numpy_expressions(self) -> None:
        # smooth_steps calls hypot only where its bounds cannot decide: speeds and
        # velocity changes right at the thresholds must come out as NumPy has them
        rng = np.random.default_rng(3)
        for mean, scale in (
            (0.1, 0.05),
            (0.4, 0.2),
            (2.0, 1.0),
            (12.0, 0.1),
            (12.0, 0.15),
            (40.0, 20.0),
        ):
            t = np.cumsum(rng.choice([0.0005, 1.0, 2.0, 40.0], size=2000, p=[0.05, 0.8, 0.1, 0.05]))
            x = np.cumsum(rng.normal(mean, scale, size=2000))
            y = np.cumsum(rng.normal(0.0, scale, size=2000))
            dt_s = np.diff(t)
            step_s = np.maximum(dt_s, 1e-3)
            vx, vy = np.diff(x) / step_s, np.diff(y) / step_s
            speed = np.hypot(vx, vy)
            dv = np.hypot(np.diff(vx), np.diff(vy))
            want = (dv <= 0.2) & (speed[1:] >= 2.0) & (speed[:-1] >= 2.0) & (dt_s[1:] <= 30.0)
            got_vx, got_vy, got = smooth_steps(t, x, y, 0.2, 2.0, 30.0)
            assert np.array_equal(got, want)
            assert np.array_equal(got_vx, vx) and np.array_equal(got_vy, vy)


class TestReplay:
    @pytest.mark.parametrize("seed", [1000, 1001, 1002])
    def test_yesterday_uploaded_again_is_flagged_and_the_checks_unchanged(self, seed: int) -> None:
        day = generate_day("compliant", seed)
        yesterday = verify_generated(day)
        fp = day_fingerprint(yesterday.track, yesterday.date)
        today, _ = spoof("replay", day.track, seed)
        tasks = day.tasks.assign(date=(yesterday.date + dt.timedelta(days=1)).isoformat())
        plain = verify_day(today, tasks)
        result = verify_day(today, tasks, other_days=(fp,))
        assert [f.kind for f in result.integrity.flags] == ["replayed_track"]
        assert result.integrity.flags[0].evidence["other_date"] == yesterday.date.isoformat()
        assert result.to_dict()["checks"] == plain.to_dict()["checks"]

    def test_the_same_route_recorded_honestly_the_next_day_is_spared(self) -> None:
        day = generate_day("compliant", 1003)
        yesterday = verify_generated(day)
        fp = day_fingerprint(yesterday.track, yesterday.date)
        today = honest_next_day(day.track, day.point_truth, np.random.default_rng(3))
        tasks = day.tasks.assign(date=(yesterday.date + dt.timedelta(days=1)).isoformat())
        assert verify_day(today, tasks, other_days=(fp,)).integrity.flags == ()

    def test_a_fingerprint_is_compact_and_reads_back(self) -> None:
        result = verify_generated(generate_day("compliant", 1000))
        fp = day_fingerprint(result.track, result.date)
        data = fp.to_bytes()
        assert len(data) < 8000
        back = TrackFingerprint.from_bytes(data)
        assert back.date == fp.date
        assert np.array_equal(back.t_s, fp.t_s) and np.array_equal(back.lat_e6, fp.lat_e6)
        with pytest.raises(InputError, match="fingerprint"):
            TrackFingerprint.from_bytes(b"garbage")


class TestResultJson:
    def test_a_mock_hold_is_in_the_json_and_reads_back(self) -> None:
        day = generate_day("compliant", 1004)
        track, _ = spoof("mock_hold", day.track, 4)
        result = verify_day(track, day.tasks)
        body = result.to_dict()
        assert body["integrity"]["status"] == "suspicious"
        kinds = {f["kind"] for f in body["integrity"]["flags"]}
        assert "frozen_position" in kinds
        assert set(body["integrity"]["flags"][0]) >= {"kind", "start", "end", "stay_ids", "reason"}
        assert DayResult.from_dict(body).to_dict()["integrity"] == body["integrity"]

    def test_an_old_result_without_the_key_reads_as_clean(self) -> None:
        body = verify_generated(generate_day("compliant", 1000)).to_dict()
        del body["integrity"]
        assert DayResult.from_dict(body).integrity.status == "clean"

    def test_a_bad_flag_names_its_field(self) -> None:
        with pytest.raises(InputError, match=r"integrity\.flags\[0\]\.start"):
            read_integrity({"flags": [{"kind": "teleport", "reason": "x", "start": 3}]})


@pytest.mark.realgps
@pytest.mark.skipif(not REAL.is_dir(), reason=f"real GPS traces not present at {REAL}")
def test_no_flag_on_any_real_trace() -> None:
    """Every trace in ../shared/real-gps is an honest recording: any flag is a false positive."""
    flagged = [day for day in real_trace_flags(REAL) if day[3]]
    assert flagged == []
