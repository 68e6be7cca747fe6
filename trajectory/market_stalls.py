"""Viterbi segmentation of one market period's fixes into stall visits.

The algorithm of :mod:`trajectory.markets` (see its docstring): 30 s time bins
whose hidden states are the candidate stalls plus "elsewhere", a fixed switch
cost, runs shorter than the minimum stay folded into the neighbour that explains
them better, then one run per stall (Hungarian) and the evidence of each visit.

References
----------
Rabiner, L. R. (1989). A tutorial on hidden Markov models and selected
applications in speech recognition. Proc. IEEE 77(2).
"""

from __future__ import annotations

__all__ = ["AMBIGUOUS_NATS", "BIN_S", "segment_period"]

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment

from trajectory.market_walks import (
    GAP_SWITCH_COST,
    STILL_GAP_S,
    STILL_SWITCH_COST,
    trusted_walk_fixes,
)

BIN_S = 30.0
#: Correlation time (s) of phone GPS errors; bins closer than this share evidence.
ERROR_CORRELATION_S = 60.0
#: Cost (nats) of switching stall between two bins.
SWITCH_COST = 2.0
#: Costs of the strict and loose segmentations that bracket the visit count.
STRICT_SWITCH_COST = 4.0
LOOSE_SWITCH_COST = 1.0
#: Extra error (m) of a stall's coordinates.
STORE_SIGMA_M = 8.0
#: A visit whose evidence for its stall over the runner-up is below this (nats)
#: names the runner-up as ambiguous.
AMBIGUOUS_NATS = 3.0
#: A bin further than this many sigmas from every stall is "elsewhere".
ELSEWHERE_SIGMAS = 2.5
#: Cost (nats) of a second visit to one stall within a market period.
REVISIT_NATS = 8.0
#: Penalty (nats) for being at a stall while the phone reports walking.
WALK_NATS = 10.0


def segment_period(
    t: npt.NDArray[np.float64],
    x: npt.NDArray[np.float64],
    y: npt.NDArray[np.float64],
    acc: npt.NDArray[np.float64],
    sx: npt.NDArray[np.float64],
    sy: npt.NDArray[np.float64],
    *,
    min_stay_s: float,
    speed: npt.NDArray[np.float64] | None = None,
) -> tuple[list[tuple[int, int, int, list[int], float, bool]], tuple[int, int]]:
    """Visits in one market period, and the range of the visit count.

    Each visit is (first, last, state, unresolved stalls, margin, confirmed);
    indexes are relative to the period; state -1 is "elsewhere" (not a stall).
    The period is segmented at three switch costs: the visits come from the
    middle one; a stall is *confirmed* when the strict segmentation visits it
    too; the visit count ranges over what the three give (how sure the count is).
    Where the phone reports its ``speed`` (m/s), walks between stalls are kept out
    of every visit and still stretches are not split
    (:mod:`trajectory.market_walks`).
    """
    bins = _bins(t, speed)
    starts, ends, walk_bin, still = bins.starts, bins.ends, bins.walk, bins.still
    loglik = _loglik(x, y, acc, sx, sy, starts, ends, walk_bin)
    k = sx.size

    def paths(cost: float) -> list[tuple[int, int, int]]:
        costs = np.choose(still, [cost, STILL_SWITCH_COST, max(cost, GAP_SWITCH_COST)])
        path = _viterbi(loglik, costs)
        runs = _fold_short_runs(_runs(path), loglik, t, starts, ends, min_stay_s, walk_bin)
        return _one_visit_per_stall(runs, loglik, k)

    def visits(runs: list[tuple[int, int, int]]) -> int:
        return sum(1 for _, _, st in runs if st != k)

    runs = paths(SWITCH_COST)
    strict, loose = paths(STRICT_SWITCH_COST), paths(LOOSE_SWITCH_COST)
    confirmed = {st for _, _, st in strict if st != k}
    n = visits(runs)
    high = max(n, visits(strict), visits(loose)) + _possible_splits(runs, k, bins, t, min_stay_s)
    count_range = (min(n, visits(strict), visits(loose)), high)
    hidden = _unresolved_stalls(loglik, runs, k, max(1, int(np.ceil(min_stay_s / BIN_S))))
    out: list[tuple[int, int, int, list[int], float, bool]] = []
    for r, (s, e, state) in enumerate(runs):
        if state == k:  # not at a stall: a stay only where the manager stood, not walked
            for a, b in _still_parts(s, e, walk_bin, starts, ends):
                if t[b] - t[a] >= min_stay_s:
                    out.append((a, b, -1, [], float("nan"), True))
            continue
        total = loglik[s:e].sum(axis=0)
        others = [j for j in np.argsort(total[:k])[::-1] if j != state]
        margin = float(total[state] - total[others[0]]) if others else float("inf")
        alts = [int(others[0])] if margin < AMBIGUOUS_NATS else []
        alts += [j for j in hidden.get(r, []) if j not in alts and j != state]
        out.append((int(starts[s]), int(ends[e - 1] - 1), state, alts, margin, state in confirmed))
    return out, count_range


def _loglik(
    x: npt.NDArray[np.float64],
    y: npt.NDArray[np.float64],
    acc: npt.NDArray[np.float64],
    sx: npt.NDArray[np.float64],
    sy: npt.NDArray[np.float64],
    starts: npt.NDArray[np.int64],
    ends: npt.NDArray[np.int64],
    walk_bin: npt.NDArray[np.bool_],
) -> npt.NDArray[np.float64]:
    """Per bin: the log-likelihood of each stall and, last, of "elsewhere"."""
    bx = np.array([np.median(x[a:b]) for a, b in zip(starts, ends, strict=True)])
    by = np.array([np.median(y[a:b]) for a, b in zip(starts, ends, strict=True)])
    sigma = _noise_sigma(acc, x, y)
    var = sigma * sigma + STORE_SIGMA_M * STORE_SIGMA_M
    weight = min(1.0, BIN_S / ERROR_CORRELATION_S)
    d2 = (bx[:, None] - sx[None, :]) ** 2 + (by[:, None] - sy[None, :]) ** 2
    loglik = -weight * d2 / (2.0 * var)
    elsewhere = np.full((bx.size, 1), -weight * ELSEWHERE_SIGMAS**2 / 2.0)
    loglik[walk_bin] -= WALK_NATS  # no stall while walking
    return np.hstack([loglik, elsewhere])


@dataclass(frozen=True)
class Bins:
    """A period's bins: first fix, end (exclusive), whether each is a walk or a possible
    walk, and what the speed says of its boundary with the previous bin
    (:func:`_still_boundaries`)."""

    starts: npt.NDArray[np.int64]
    ends: npt.NDArray[np.int64]
    walk: npt.NDArray[np.bool_]
    possible: npt.NDArray[np.bool_]
    still: npt.NDArray[np.int64]


def _bins(t: npt.NDArray[np.float64], speed: npt.NDArray[np.float64] | None) -> Bins:
    """The period's bins: :data:`BIN_S` long, also ending where a walk or a possible
    walk starts or ends."""
    walking, possible, read = trusted_walk_fixes(t, speed, at_walking_pace=True)
    bins = np.floor((t - t[0]) / BIN_S).astype(np.int64)
    cut = (walking[1:] != walking[:-1]) | (possible[1:] != possible[:-1])
    starts = np.flatnonzero(np.r_[True, (np.diff(bins) > 0) | cut])
    ends = np.r_[starts[1:], t.size]
    return Bins(
        starts, ends, walking[starts], possible[starts], _still_boundaries(t, read, starts, ends)
    )


def _possible_splits(
    runs: list[tuple[int, int, int]],
    k: int,
    bins: Bins,
    t: npt.NDArray[np.float64],
    min_stay_s: float,
) -> int:
    """Stall visits holding a possible walk with a minimum stay either side: each may be
    two visits (a short walk caught by one or two speed readings)."""
    n = 0
    for s, e, state in runs:  # a loop over visits, then over their possible-walk bins
        if state == k:
            continue
        t0, t1 = t[bins.starts[s]], t[bins.ends[e - 1] - 1]
        for b in np.flatnonzero(bins.possible[s:e]) + s:
            if t[bins.starts[b]] - t0 >= min_stay_s and t1 - t[bins.ends[b] - 1] >= min_stay_s:
                n += 1
                break
    return n


def _one_visit_per_stall(
    runs: list[tuple[int, int, int]], loglik: npt.NDArray[np.float64], k: int
) -> list[tuple[int, int, int]]:
    """Re-assign the stall runs, one per stall where the evidence allows (Hungarian).

    Within one market period a manager visits each stall once; Viterbi alone may
    give a noisy stall two runs and a quiet neighbour none.  Each run takes the
    stall that maximises the summed log-likelihood of all runs, where a second
    visit to a stall costs :data:`REVISIT_NATS` (a third twice that): a run moves
    to another stall only when that stall explains it nearly as well, so a skipped
    stall is never "visited" by a run that was plainly elsewhere.  Runs in the
    "elsewhere" state keep it.
    """
    idx = [r for r, (_, _, st) in enumerate(runs) if st != k]
    if len(idx) < 2:
        return runs
    score = np.array([loglik[runs[r][0] : runs[r][1], :k].sum(axis=0) for r in idx])
    copies = len(idx)  # enough copies of every stall for any run to revisit it
    penalty = np.repeat(np.arange(copies) * REVISIT_NATS, k)
    cost = np.tile(-score, (1, copies)) + penalty[None, :]
    rows, cols = linear_sum_assignment(cost)
    new = list(runs)
    for rr, cc in zip(rows, cols, strict=True):
        s, e, _ = runs[idx[rr]]
        new[idx[rr]] = (s, e, int(cc % k))
    # merge neighbours that now share a stall
    merged: list[tuple[int, int, int]] = []
    for r in new:
        if merged and merged[-1][2] == r[2]:
            merged[-1] = (merged[-1][0], r[1], r[2])
        else:
            merged.append(r)
    return merged


def _unresolved_stalls(
    loglik: npt.NDArray[np.float64], runs: list[tuple[int, int, int]], k: int, window: int
) -> dict[int, list[int]]:
    """Unvisited stalls the track cannot rule out, by the run where the doubt lies.

    A stall no run was assigned is unresolved when, over some window of
    ``window`` bins (one minimum stay), it explains the fixes nearly as well
    (within :data:`AMBIGUOUS_NATS`) as the path does: the manager may have
    stood there without the GPS telling.
    """
    path_state = np.concatenate([np.full(e - s, st) for s, e, st in runs])
    chosen = loglik[np.arange(path_state.size), path_state]
    visited = {st for _, _, st in runs}
    run_of_bin = np.concatenate([np.full(e - s, r) for r, (s, e, _) in enumerate(runs)])
    out: dict[int, list[int]] = {}
    if path_state.size < window:
        return out
    for j in range(k):
        if j in visited:
            continue
        diff = np.r_[0.0, np.cumsum(loglik[:, j] - chosen)]
        sums = diff[window:] - diff[:-window]
        best = int(np.argmax(sums))
        if sums[best] >= -AMBIGUOUS_NATS:
            out.setdefault(int(run_of_bin[best + window // 2]), []).append(j)
    return out


def _still_boundaries(
    t: npt.NDArray[np.float64],
    read: npt.NDArray[np.bool_],
    starts: npt.NDArray[np.int64],
    ends: npt.NDArray[np.int64],
) -> npt.NDArray[np.int64]:
    """Per bin, what the phone's speed says of the boundary with the previous bin:
    0 nothing; 1 it did not move (a still reading on either side, close in time);
    2 it read still before and after a gap in the fixes (a walk could hide in it)."""
    n_read = np.r_[0, np.cumsum(read)]
    has = (n_read[ends] - n_read[starts]) > 0
    idx = np.flatnonzero(read)
    kind = np.zeros(starts.size, dtype=np.int64)
    if idx.size < 2 or starts.size < 2:
        return kind
    # last reading before each boundary and first reading from it
    before = idx[np.clip(np.searchsorted(idx, starts[1:]) - 1, 0, idx.size - 1)]
    after = idx[np.clip(np.searchsorted(idx, starts[1:]), 0, idx.size - 1)]
    both = has[1:] & has[:-1] & (after >= starts[1:]) & (before < starts[1:])
    close = t[after] - t[before] <= STILL_GAP_S
    kind[1:] = np.where(both, np.where(close, 1, 2), 0)
    return kind


def _still_parts(
    s: int,
    e: int,
    walk_bin: npt.NDArray[np.bool_],
    starts: npt.NDArray[np.int64],
    ends: npt.NDArray[np.int64],
) -> list[tuple[int, int]]:
    """First and last fix of each stretch of bins ``s``..``e - 1`` outside walks."""
    out: list[tuple[int, int]] = []
    b = s
    while b < e:  # a loop over the bins of one run
        if walk_bin[b]:
            b += 1
            continue
        c = b
        while c + 1 < e and not walk_bin[c + 1]:
            c += 1
        out.append((int(starts[b]), int(ends[c] - 1)))
        b = c + 1
    return out


def _viterbi(
    loglik: npt.NDArray[np.float64], switch_cost: npt.NDArray[np.float64]
) -> npt.NDArray[np.int64]:
    """Most likely state path; ``switch_cost[b]`` is the cost of changing state into bin b."""
    nb, k = loglik.shape
    score = loglik[0].copy()
    back = np.zeros((nb, k), dtype=np.int64)
    states = np.arange(k)
    for b in range(1, nb):  # a loop over 30 s bins of one market period, not over fixes
        best_prev = int(np.argmax(score))
        switch_score = score[best_prev] - switch_cost[b]
        take_switch = switch_score > score
        back[b] = np.where(take_switch, best_prev, states)
        score = np.where(take_switch, switch_score, score) + loglik[b]
    path = np.empty(nb, dtype=np.int64)
    path[-1] = int(np.argmax(score))
    for b in range(nb - 1, 0, -1):
        path[b - 1] = back[b, path[b]]
    return path


def _fold_short_runs(
    runs: list[tuple[int, int, int]],
    loglik: npt.NDArray[np.float64],
    t: npt.NDArray[np.float64],
    starts: npt.NDArray[np.int64],
    ends: npt.NDArray[np.int64],
    min_stay_s: float,
    walk_bin: npt.NDArray[np.bool_],
) -> list[tuple[int, int, int]]:
    """Fold runs shorter than the minimum stay into the neighbour that explains them best;
    a run that holds a walk stays (it parts the visits either side of it)."""
    runs = list(runs)
    walks = np.r_[0, np.cumsum(walk_bin)]
    while len(runs) > 1:
        durations = [
            np.inf if walks[e] > walks[s] else t[ends[e - 1] - 1] - t[starts[s]] for s, e, _ in runs
        ]
        i = int(np.argmin(durations))
        if durations[i] >= min_stay_s:
            break
        s, e, _ = runs[i]
        options = [j for j in (i - 1, i + 1) if 0 <= j < len(runs)]
        j = max(options, key=lambda q: loglik[s:e, runs[q][2]].sum())
        lo, hi = min(runs[i][0], runs[j][0]), max(runs[i][1], runs[j][1])
        runs[min(i, j)] = (lo, hi, runs[j][2])
        del runs[max(i, j)]
        merged: list[tuple[int, int, int]] = []
        for r in runs:
            if merged and merged[-1][2] == r[2]:
                merged[-1] = (merged[-1][0], r[1], r[2])
            else:
                merged.append(r)
        runs = merged
    return runs


def _runs(path: npt.NDArray[np.int64]) -> list[tuple[int, int, int]]:
    change = np.flatnonzero(np.diff(path)) + 1
    s = np.concatenate([[0], change])
    e = np.concatenate([change, [path.size]])
    return [(int(a), int(b), int(path[a])) for a, b in zip(s, e, strict=True)]


def _noise_sigma(
    acc: npt.NDArray[np.float64], x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]
) -> float:
    """Per-axis GPS noise (m): from the phone's accuracy (a 68 % radius, ~1.5 sigma)
    when it reports one, else from the scatter around a running median."""
    ok = np.isfinite(acc)
    if ok.sum() >= 5:
        return float(np.clip(np.median(acc[ok]) / 1.5, 5.0, 60.0))
    if x.size < 5:
        return 20.0
    k = 5
    px, py = np.pad(x, k // 2, mode="edge"), np.pad(y, k // 2, mode="edge")
    rx = x - np.median(np.lib.stride_tricks.sliding_window_view(px, k), axis=1)
    ry = y - np.median(np.lib.stride_tricks.sliding_window_view(py, k), axis=1)
    # median of a 2-D Rayleigh distance is 1.177 sigma
    return float(np.clip(np.median(np.hypot(rx, ry)) / 1.177, 5.0, 60.0))
