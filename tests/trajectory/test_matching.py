"""Matching stays to stores: one-to-one, gated, revisits, exempt places."""

from __future__ import annotations

import pandas as pd

from tests.tracks import at
from trajectory.config import ExemptPlace
from trajectory.matching import MATCH_COLUMNS, match_stores


def _stays(points: list[tuple[float, float]], spread: float = 10.0) -> pd.DataFrame:
    rows = []
    for i, (x, y) in enumerate(points):
        lat, lon = at(x, y)
        rows.append(
            {
                "stay_id": i + 1,
                "lat": lat,
                "lon": lon,
                "spread_m": spread,
                "duration_s": 600.0,
                "n_points": 100,
            }
        )
    return pd.DataFrame(rows)


def _stores(points: list[tuple[str, float, float]]) -> pd.DataFrame:
    rows = []
    for i, (sid, x, y) in enumerate(points):
        lat, lon = at(x, y)
        rows.append({"store_id": sid, "seq": i + 1, "lat": lat, "lon": lon})
    return pd.DataFrame(rows)


class TestMatchStores:
    def test_adds_columns_and_keeps_input(self) -> None:
        stays = _stays([(0, 0)])
        before = stays.copy()
        out = match_stores(stays, _stores([("A", 10, 0)]))
        assert set(MATCH_COLUMNS) <= set(out.columns)
        pd.testing.assert_frame_equal(stays, before)
        assert out["store_id"].tolist() == ["A"]
        assert abs(out["distance_m"].iloc[0] - 10.0) < 0.1

    def test_one_to_one_beats_greedy_nearest(self) -> None:
        # Stay 1 is nearest to A, but greedy would leave stay 2 (only near A) unmatched.
        stays = _stays([(0, 0), (-60, 0)])
        stores = _stores([("A", -30, 0), ("B", 40, 0)])
        out = match_stores(stays, stores, radius_m=100)
        assert out["store_id"].tolist() == ["B", "A"]

    def test_distance_gate_is_inclusive(self) -> None:
        tight = _stays([(0, 0)], spread=0.0)  # no widening (see the wide-gate tests)
        out = match_stores(tight, _stores([("A", 100, 0)]), radius_m=100.01)
        assert out["store_id"].tolist() == ["A"]
        out = match_stores(tight, _stores([("A", 100, 0)]), radius_m=99.9)
        assert out["store_id"].tolist() == [None]

    def test_a_drifting_stay_left_over_reaches_an_unvisited_store(self) -> None:
        # held-out drift_indoors/3020: a 28-minute visit whose drift put its centre
        # 108 m from the store; its spread (58 m) says the centre is that uncertain
        out = match_stores(_stays([(0, 0)], spread=40.0), _stores([("A", 130, 0)]))
        assert out["store_id"].tolist() == ["A"]
        assert out["confidence"].iloc[0] == 0.5
        # a tight stay is where it says it is; the widening stops at half the radius
        assert match_stores(_stays([(0, 0)], spread=5.0), _stores([("A", 130, 0)]))[
            "store_id"
        ].tolist() == [None]
        assert match_stores(_stays([(0, 0)], spread=90.0), _stores([("A", 160, 0)]))[
            "store_id"
        ].tolist() == [None]

    def test_the_wide_gate_never_makes_a_revisit(self) -> None:
        # A is visited by the first stay: the second, 130 m off, is not A again
        stays = _stays([(130, 0), (0, 0)], spread=40.0)
        out = match_stores(stays, _stores([("A", 130, 0)]))
        assert out["store_id"].iloc[0] == "A"
        assert pd.isna(out["store_id"].iloc[1])

    def test_revisit_takes_nearest_store_in_gate(self) -> None:
        out = match_stores(
            _stays([(0, 0), (500, 0), (5, 0)]), _stores([("A", 0, 0), ("B", 500, 0)])
        )
        assert out["store_id"].tolist() == ["A", "B", "A"]
        assert out["revisit"].tolist() == [False, False, True]

    def test_tie_is_broken_by_visit_order(self) -> None:
        # Two stores at the same spot (one building); stays in time order take seq order.
        out = match_stores(_stays([(0, 0), (0, 0)]), _stores([("A", 0, 20), ("B", 0, 20)]))
        assert out["store_id"].tolist() == ["A", "B"]

    def test_exempt_place_is_never_matched(self) -> None:
        """A stay in an exempt place is not matched to a store outside the place, even
        one within the match radius."""
        lat, lon = at(0, 0)
        out = match_stores(
            _stays([(0, 0)]),
            _stores([("A", 80, 0)]),
            exempt_places=[ExemptPlace("office", lat, lon, 50.0)],
        )
        assert out["exempt"].tolist() == ["office"]
        assert out["store_id"].tolist() == [None]

    def test_a_store_inside_an_exempt_place_is_a_store_first(self) -> None:
        """Issue 13: a task store inside an exempt place matches the stays within the
        match radius of it (until then they were exempt and the store 'unseen')."""
        lat, lon = at(0, 0)
        out = match_stores(
            _stays([(30, 0), (0, 400), (2, 0)]),
            _stores([("A", 35, 0)]),
            exempt_places=[
                ExemptPlace("office", lat, lon, 50.0),
                ExemptPlace("home", *at(0, 400), 50.0),
            ],
        )
        assert pd.isna(out["exempt"].iloc[0]) and out["exempt"].iloc[1] == "home"
        assert out["store_id"].iloc[0] == "A" and pd.isna(out["store_id"].iloc[1])
        # the office's own stay (at its centre, 33 m from the store) stays exempt
        assert out["exempt"].iloc[2] == "office" and pd.isna(out["store_id"].iloc[2])

    def test_close_stores_are_flagged_ambiguous(self) -> None:
        out = match_stores(_stays([(0, 0)], spread=40.0), _stores([("A", 5, 0), ("B", -12, 0)]))
        assert out["ambiguous_store_ids"].iloc[0] == ["B"]
        assert out["confidence"].iloc[0] < 0.9

    def test_far_apart_stores_are_not_ambiguous(self) -> None:
        out = match_stores(_stays([(0, 0)], spread=10.0), _stores([("A", 5, 0), ("B", 90, 0)]))
        assert out["ambiguous_store_ids"].iloc[0] == []
        assert out["confidence"].iloc[0] > 0.9

    def test_no_stores(self) -> None:
        out = match_stores(
            _stays([(0, 0)]), _stores([]).reindex(columns=["store_id", "seq", "lat", "lon"])
        )
        assert out["store_id"].tolist() == [None]
