"""Observed vs bridged time in a stay (issue 13, item 3)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tests.tracks import TrackBuilder, tasks_frame
from trajectory import verify_day
from trajectory.bridging import BRIDGE_GAP_S, observed_span, observed_spans
from trajectory.result import DayResult


class TestObservedSpan:
    def test_no_gap_is_all_observed(self) -> None:
        t = np.arange(0.0, 600.0, 5.0)
        assert observed_span(t, 0, t.size - 1) == (0, t.size - 1, 0.0)

    def test_gap_inside_a_dwell_is_bridged_time(self) -> None:
        t = np.r_[np.arange(0.0, 300.0, 5.0), np.arange(1300.0, 1600.0, 5.0)]
        first, last, bridged = observed_span(t, 0, t.size - 1)
        assert (first, last) == (0, t.size - 1)
        assert bridged == 1300.0 - 295.0

    def test_lone_fixes_across_a_gap_at_either_end_are_not_the_dwell(self) -> None:
        t = np.r_[0.0, 10.0, np.arange(260.0, 600.0, 10.0), 1100.0, 1110.0]
        first, last, bridged = observed_span(t, 0, t.size - 1)
        assert t[first] == 260.0
        assert t[last] == 590.0
        assert bridged == 0.0

    def test_a_gap_of_exactly_the_threshold_is_observed(self) -> None:
        t = np.array([0.0, 5.0, 5.0 + BRIDGE_GAP_S, 200.0, 300.0])
        assert observed_span(t, 0, 4)[:2] == (0, 4)

    def test_no_dwell_anywhere_keeps_the_stay_as_detected(self) -> None:
        t = np.array([0.0, 500.0, 1000.0])
        assert observed_span(t, 0, 2) == (0, 2, 1000.0)


def _lone_fix_then_gap() -> pd.DataFrame:
    """A fix at store A at about 07:17, the GPS silent for 25 min, then 5 min seen there."""
    b = TrackBuilder(start="07:15:00", seed=3).move(-900, 0).move(0, 0)
    return b.stay(0, 0, 1800, noise_m=8, gap=(10, 1500)).move(900, 0).frame()


class TestObservedSpans:
    def test_same_as_observed_span_stay_by_stay(self) -> None:
        rng = np.random.default_rng(5)
        for _ in range(50):
            steps = rng.choice(
                [1.0, 5.0, 60.0, 200.0, 900.0], size=300, p=[0.5, 0.3, 0.1, 0.05, 0.05]
            )
            t = np.cumsum(steps)
            first = np.sort(rng.integers(0, 299, size=8))
            last = np.minimum(first + rng.integers(0, 60, size=8), 299)
            assert observed_spans(t, first, last) == [
                observed_span(t, int(a), int(b)) for a, b in zip(first, last, strict=True)
            ]


class TestResultReportsBridging:
    def test_on_time_arrival_is_not_decided_by_a_bridged_arrival(self) -> None:
        result = verify_day(_lone_fix_then_gap(), tasks_frame([("A", 0.0, 0.0)]))
        check = result.checks["on_time_arrival"]
        assert check.status == "inconclusive"  # a pass before issue 13
        stay = result.stay_points[0]
        assert stay.first_fix_at is not None and stay.arrival_earliest is not None
        assert stay.arrival - stay.first_fix_at > pd.Timedelta(minutes=20)
        assert stay.arrival_earliest <= stay.first_fix_at

    def test_json_says_what_was_observed_and_bridged(self) -> None:
        b = TrackBuilder(start="07:00:00", seed=4).move(-900, 0).move(0, 0)
        df = b.stay(0, 0, 2400, noise_m=8, gap=(600, 1200)).move(900, 0).frame()
        data = verify_day(df, tasks_frame([("A", 0.0, 0.0)])).to_dict()
        stay = data["stay_points"][0]
        assert stay["bridged_s"] >= 1200
        assert stay["arrival_uncertainty_s"] is None
        assert stay["first_fix_at"] == stay["arrival"]
        assert stay["last_fix_at"] == stay["departure"]

    def test_from_dict_is_the_inverse_of_to_dict(self) -> None:
        result = verify_day(_lone_fix_then_gap(), tasks_frame([("A", 0.0, 0.0)]))
        data = result.to_dict()
        assert DayResult.from_dict(data).to_dict() == data
        stay = DayResult.from_dict(data).stay_points[0]
        assert stay.first_fix_at is not None
        assert stay.bridged_s == result.stay_points[0].bridged_s
