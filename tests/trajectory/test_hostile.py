"""Hostile input: whatever the rows hold, verify_day answers or raises InputError."""

from __future__ import annotations

import math

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.tracks import tasks_frame
from trajectory import InputError, verify_day

STORES = [("A", 0.0, 0.0), ("B", 800.0, 0.0)]
coord = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, 31.23, 121.47, 999.0, -91.0, 181.0]),
)
stamp = st.one_of(
    st.integers(-(2**40), 2**45).map(str),
    st.datetimes(
        min_value=pd.Timestamp("1900-01-01").to_pydatetime(),
        max_value=pd.Timestamp("2200-01-01").to_pydatetime(),
    ).map(lambda d: d.isoformat()),
    st.sampled_from(
        [
            "",
            "yesterday",
            "2026-11-20T07:00:00+08:00",
            "2026-11-20 07:00:00",
            "2026-02-30 07:00:00",
            "2026-11-20T07:00:00Z",
        ]
    ),
)
row = st.tuples(
    st.sampled_from(["m1", "m1", "", "m2"]),
    stamp,
    coord,
    coord,
    st.one_of(st.none(), st.floats(-10, 1e6)),
)


class TestHostileTracks:
    @settings(max_examples=150, deadline=None)
    @given(rows=st.lists(row, max_size=25), skip=st.booleans())
    def test_never_crashes(
        self, rows: list[tuple[str, str, float, float, float | None]], skip: bool
    ) -> None:
        df = pd.DataFrame(rows, columns=["manager_id", "timestamp", "lat", "lon", "accuracy_m"])
        try:
            r = verify_day(df, tasks_frame(STORES), on_bad_row="skip" if skip else "raise")
        except InputError as exc:
            assert exc.source
            return
        d = r.to_dict()
        assert set(d["checks"]) == {"on_time_arrival", "trajectory_clear", "visit_count_match"}
        for s in d["stay_points"]:
            assert math.isfinite(s["lat"]) and math.isfinite(s["lon"])

    def test_single_fix(self) -> None:
        df = pd.DataFrame(
            {
                "manager_id": ["m1"],
                "timestamp": ["2026-11-20T07:00:00+08:00"],
                "lat": [31.2304],
                "lon": [121.4737],
            }
        )
        r = verify_day(df, tasks_frame(STORES))
        assert r.stay_points == ()
        assert r.checks["trajectory_clear"].status == "fail"

    def test_all_fixes_at_one_instant(self) -> None:
        df = pd.DataFrame(
            {
                "manager_id": ["m1"] * 50,
                "timestamp": ["2026-11-20T07:00:00+08:00"] * 50,
                "lat": [31.2304 + i * 1e-5 for i in range(50)],
                "lon": [121.4737] * 50,
            }
        )
        r = verify_day(df, tasks_frame(STORES))
        assert r.cleaning.kept_points == 1
        assert r.cleaning.dropped["conflicting_duplicate"] == 49

    def test_track_on_another_day(self) -> None:
        df = pd.DataFrame(
            {
                "manager_id": ["m1"] * 3,
                "timestamp": ["2026-11-21T07:00:00+08:00"] * 3,
                "lat": [31.2304] * 3,
                "lon": [121.4737] * 3,
            }
        )
        r = verify_day(df, tasks_frame(STORES))
        assert r.outside_day_points == 3
        assert "No usable GPS" in r.checks["on_time_arrival"].reason
