"""Market stalls told apart by the phone's speed (issue 13, item 1).

Under a market roof the fixes wander as far as the stalls are apart; the speed the
phone reports tells a walk to the next stall from GPS drift while standing still.
And a count every segmentation agrees on decides the checks where only the stall
of a visit is in doubt.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from tests.trajectory.test_checks import _stay, _store
from trajectory.checks import check_trajectory_clear, check_visit_count
from trajectory.market_count import pigeonhole
from trajectory.market_stalls import segment_period
from trajectory.market_walks import trusted_walk_fixes, walk_fixes

Floats = npt.NDArray[np.float64]
STEP_S = 5.0


def _still(rng: np.random.Generator, n: int) -> Floats:
    """Speeds of a phone standing still: zero half the time, else a little noise."""
    return np.where(rng.random(n) < 0.5, 0.0, np.abs(rng.normal(0, 0.15, n)))


class TestWalkFixes:
    def test_a_walk_with_low_readings_in_it_is_one_walk(self) -> None:
        rng = np.random.default_rng(0)
        walk = np.array([0.64, 0.99, 0.13, 0.99, 0.46, 1.34, 0.39, 0.60])
        speed = np.r_[_still(rng, 60), walk, _still(rng, 60)]
        t = np.arange(speed.size) * STEP_S
        walking, possible, read = walk_fixes(t, speed)
        assert np.flatnonzero(walking).tolist() == list(range(60, 68))
        assert not possible.any()
        assert read.sum() == 120

    def test_a_shuffle_caught_by_two_readings_is_only_possible(self) -> None:
        rng = np.random.default_rng(1)
        speed = np.r_[_still(rng, 60), [1.41, 0.77], _still(rng, 60)]
        walking, possible, read = walk_fixes(np.arange(speed.size) * STEP_S, speed)
        assert not walking.any()
        assert np.flatnonzero(possible).tolist() == [60, 61]
        assert not read[60:62].any()

    def test_a_noisier_phone_needs_more_to_show_a_walk(self) -> None:
        rng = np.random.default_rng(6)
        t = np.arange(1440) * STEP_S  # two hours
        noisy = np.abs(rng.normal(0, 0.3, t.size))  # readings at 0.5 m/s and more, often
        assert not walk_fixes(t, noisy)[0].any()
        assert not walk_fixes(t, np.abs(rng.normal(0, 0.15, t.size)))[0].any()

    def test_still_readings_and_no_readings_make_no_walk(self) -> None:
        rng = np.random.default_rng(2)
        t = np.arange(200) * STEP_S
        assert not walk_fixes(t, _still(rng, 200))[0].any()
        walking, possible, read = walk_fixes(t, np.full(200, np.nan))
        assert not (walking.any() or possible.any() or read.any())


def _period(
    rng: np.random.Generator, centres: list[tuple[float, float]], speeds: bool
) -> tuple[Floats, Floats, Floats, Floats]:
    """8-minute dwells at ``centres`` with 25 m of minute-correlated noise, a 20 s walk
    between them; speeds as the phone reports them, or NaN."""
    xs, ys, vs = [], [], []
    for i, (cx, cy) in enumerate(centres):
        n = int(480 / STEP_S)
        noise = np.cumsum(rng.normal(0, 5, (n, 2)), axis=0) * 0.3 + rng.normal(0, 15, (n, 2))
        xs.append(cx + noise[:, 0])
        ys.append(cy + noise[:, 1])
        vs.append(_still(rng, n))
        if i + 1 < len(centres):
            nx, ny = centres[i + 1]
            xs.append(np.linspace(cx, nx, 4))
            ys.append(np.linspace(cy, ny, 4))
            vs.append(np.abs(rng.normal(0.9, 0.2, 4)))
    x, y, v = np.concatenate(xs), np.concatenate(ys), np.concatenate(vs)
    return np.arange(x.size) * STEP_S, x, y, v if speeds else np.full(v.size, np.nan)


STALLS_X, STALLS_Y = np.array([0.0, 20.0, 40.0]), np.zeros(3)


def _visits(t: Floats, x: Floats, y: Floats, v: Floats) -> list[tuple[int, int, int]]:
    visits, _ = segment_period(
        t, x, y, np.full(t.size, np.nan), STALLS_X, STALLS_Y, min_stay_s=180, speed=v
    )
    return [(a, b, st) for a, b, st, *_ in visits]


class TestSegmentPeriod:
    def test_the_walk_parts_two_visits_the_fixes_cannot_tell_apart(self) -> None:
        # both dwells' fixes scatter around the same point between stalls 0 and 1
        t, x, y, v = _period(np.random.default_rng(3), [(10.0, 0.0), (10.0, 0.0)], True)
        visits = _visits(t, x, y, v)
        assert len(visits) == 2
        assert visits[0][1] < 96 < visits[1][0]  # the walk's fixes are in neither

    def test_drift_while_the_phone_stands_still_is_one_visit(self) -> None:
        rng = np.random.default_rng(4)
        t = np.arange(192) * STEP_S
        x = np.clip((t - 300.0) / 100.0, 0.0, 1.0) * 40.0 + rng.normal(0, 8, t.size)
        y, v = rng.normal(0, 8, t.size), _still(rng, t.size)  # drifts from stall 0 to 2
        x[:5], v[:5] = np.linspace(-40, 0, 5), 0.9  # walked in (a phone that shows walks)
        assert len(_visits(t, x, y, v)) == 1
        assert len(_visits(t, x, y, np.full(t.size, np.nan))) == 2  # positions alone split

    def test_a_possible_walk_inside_a_visit_leaves_the_count_open(self) -> None:
        rng = np.random.default_rng(7)
        t = np.arange(192) * STEP_S  # 16 minutes at stall 0
        x, y, v = rng.normal(0, 8, t.size), rng.normal(0, 8, t.size), _still(rng, t.size)
        x[:5], v[:5] = np.linspace(-40, 0, 5), 0.9  # walked in
        acc = np.full(t.size, np.nan)
        visits, count = segment_period(t, x, y, acc, STALLS_X, STALLS_Y, min_stay_s=180, speed=v)
        assert len(visits) == 1 and count == (1, 1)
        v[96:98] = [1.41, 0.77]  # two readings at walking pace mid-visit: a shuffle, or a walk
        visits, count = segment_period(t, x, y, acc, STALLS_X, STALLS_Y, min_stay_s=180, speed=v)
        assert len(visits) == 1 and count == (1, 2)

    def test_speeds_in_km_h_are_not_evidence(self) -> None:
        t, x, y, v = _period(np.random.default_rng(8), [(10.0, 0.0), (10.0, 0.0)], True)
        assert trusted_walk_fixes(t, v, at_walking_pace=True)[0].any()
        kmh = trusted_walk_fixes(t, v * 3.6, at_walking_pace=True)  # walks at 3+ "m/s"
        assert not any(a.any() for a in kmh)
        nan = np.full(t.size, np.nan)
        assert _visits(t, x, y, v * 3.6) == _visits(t, x, y, nan)

    def test_speeds_that_read_walking_all_the_time_are_not_evidence(self) -> None:
        rng = np.random.default_rng(5)
        t = np.arange(192) * STEP_S
        x = np.clip((t - 300.0) / 100.0, 0.0, 1.0) * 40.0 + rng.normal(0, 8, t.size)
        y = rng.normal(0, 8, t.size)
        differenced = np.abs(rng.normal(3.0, 1.0, t.size))
        assert _visits(t, x, y, differenced) == _visits(t, x, y, np.full(t.size, np.nan))


def _market(n_stays: int, ambiguous: tuple[str, ...], span: tuple[int, int] | None) -> list:  # type: ignore[type-arg]
    """Stays at stalls A, B, C, ... of one market period (visits ``span``)."""
    return [
        _stay(
            i + 1,
            "ABCDE"[i],
            market_period=1,
            period_visits=span,
            ambiguous_store_ids=ambiguous if i == 0 else (),
        )
        for i in range(n_stays)
    ]


class TestSettledCount:
    def test_fewer_stays_than_stalls_leaves_the_doubted_stall_unvisited(self) -> None:
        stays = _market(3, ("D",), (3, 3))
        stores = [_store(s, i + 1) for i, s in enumerate("ABC")] + [_store("D", 4, "ambiguous")]
        assert pigeonhole(stores, stays) == (["D"], [])

    def test_more_doubted_stalls_than_missed_fail_naming_them_all(self) -> None:
        # four visits, one of them back at C: one of D and E was missed, or both
        stays = [*_market(3, ("D", "E"), (4, 4)), _stay(4, "C", market_period=1, revisit=True)]
        stays[3] = _stay(4, "C", market_period=1, period_visits=(4, 4), revisit=True)
        stores = [_store(s, i + 1) for i, s in enumerate("ABC")]
        stores += [_store("D", 4, "ambiguous"), _store("E", 5, "ambiguous")]
        check = check_trajectory_clear(stores, stays, has_gps=True)
        assert check.status == "fail"
        assert check.reason_values["short"] == ["D", "E"]
        assert "D, E" in check.reason and "cannot tell which" in check.reason
        assert check.fields["unvisited_store_ids"] == ["D", "E"]

    @pytest.mark.parametrize("span", [(2, 4), None])
    def test_an_unsettled_count_stays_inconclusive(self, span: tuple[int, int] | None) -> None:
        stays = _market(3, ("D", "E"), span)
        stores = [_store(s, i + 1) for i, s in enumerate("ABC")]
        stores += [_store("D", 4, "ambiguous"), _store("E", 5, "ambiguous")]
        assert pigeonhole(stores, stays) == ([], [])
        assert check_trajectory_clear(stores, stays, has_gps=True).status == "inconclusive"

    def test_which_stall_is_in_doubt_does_not_widen_a_settled_count(self) -> None:
        stays = _market(3, ("D",), (3, 3))
        stores = [_store("A", 1), _store("B", 2), _store("D", 3, "ambiguous")]
        stores += [_store("C", 4)]
        assert check_visit_count(stores, stays, has_gps=True).status == "fail"
        settled = check_visit_count(stores[:2] + stores[3:], stays, has_gps=True)
        assert settled.status == "pass"
        unsettled = check_visit_count(stores, _market(3, ("D",), None), has_gps=True)
        assert unsettled.status == "inconclusive"
