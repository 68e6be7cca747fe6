"""Cleaning a track before stay detection: order, duplicates, poor fixes, jumps.

Every dropped fix is counted by reason and listed by source row; nothing is
dropped silently.
"""

from __future__ import annotations

__all__ = ["DROP_REASONS", "CleaningReport", "clean_track"]

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from trajectory._steps import flag_bursts, flag_round_trips, kernel_array
from trajectory.geodesy import LocalProjection

#: Why a fix can be dropped, in the order the steps run.
DROP_REASONS: tuple[str, ...] = (
    "duplicate",
    "conflicting_duplicate",
    "zero_coordinates",
    "poor_accuracy",
    "burst",
    "jump",
)


@dataclass(frozen=True)
class CleaningReport:
    """What cleaning did: fixes in, fixes kept, and fixes dropped by reason.

    ``dropped_rows`` maps a reason to the source rows dropped for it (1-based
    data rows of the input file), so a supervisor can look each one up.
    """

    input_points: int
    kept_points: int
    dropped: dict[str, int] = field(default_factory=dict)
    dropped_rows: dict[str, list[int]] = field(default_factory=dict)
    reordered: bool = False

    def to_dict(self) -> dict[str, object]:
        return {
            "input_points": self.input_points,
            "kept_points": self.kept_points,
            "dropped": dict(self.dropped),
            "reordered": self.reordered,
        }


def clean_track(
    track: pd.DataFrame,
    *,
    max_speed_mps: float = 50.0,
    jump_m: float = 150.0,
    max_accuracy_m: float = 200.0,
    accuracy_factor: float = 5.0,
    accuracy_floor_m: float = 50.0,
    max_burst_n: int = 15,
    max_burst_s: float = 600.0,
) -> tuple[pd.DataFrame, CleaningReport]:
    """Return a cleaned, time-sorted copy of one person's track and what was dropped.

    Steps: sort by time (stable, so uploads arriving out of order give the same
    result); drop exact duplicates (same time and position) and, of fixes with
    the same time but different positions, all but the most accurate; drop
    (0, 0) fixes; drop fixes whose ``accuracy_m`` exceeds ``max_accuracy_m`` or
    is ``accuracy_factor`` times worse than the track's median and worse than
    ``accuracy_floor_m``; drop bursts of up to ``max_burst_n`` fixes (default 15) that leave
    at more than ``max_speed_mps`` and come back, or that are reached and left by hops
    over 300 m at more than 20 m/s that end where they began; drop single jumps: a fix more
    than ``jump_m`` off the line between its neighbours, more than ``jump_m``
    from both, on a detour at least three times the direct path.

    Parameters
    ----------
    track
        Validated fixes: ``time`` (tz-aware), ``lat``, ``lon``, optional
        ``accuracy_m``, ``speed_mps``, ``source_row``.  Not modified.

    Returns
    -------
    (pandas.DataFrame, CleaningReport)
        The kept fixes sorted by time with a fresh index, and the report.
    """
    n_in = len(track)
    times, lat_all, lon_all, acc_all, rows_all = _columns(track)
    reordered = bool(n_in > 1 and np.any(np.diff(times) < 0))
    # Sort on (time, lat, lon, accuracy) so shuffled or duplicated uploads give the
    # same order and exact duplicates sit next to each other.
    acc_key = np.where(np.isnan(acc_all), np.inf, acc_all)
    kept = _Kept(_time_order(times, (rows_all, acc_key, lon_all, lat_all)), rows_all)
    _drop_duplicates(kept, times, lat_all, lon_all, acc_key)
    idx = kept.idx
    kept.drop((lat_all[idx] == 0) & (lon_all[idx] == 0), "zero_coordinates")
    poor = _poor_accuracy(acc_all[kept.idx], max_accuracy_m, accuracy_factor, accuracy_floor_m)
    kept.drop(poor, "poor_accuracy")
    proj = LocalProjection.around(lat_all[kept.idx], lon_all[kept.idx])
    x_all, y_all = proj.forward(lat_all, lon_all)
    t_all = (times - (times.min() if n_in else 0)).astype(np.float64) / 1e9
    idx = kept.idx
    bursts = (max_speed_mps, jump_m, max_burst_n, max_burst_s)
    kept.drop(_bursts(t_all[idx], x_all[idx], y_all[idx], *bursts), "burst")
    for _ in range(3):  # a second pass catches a jump that sat next to another
        mask = _single_jumps(x_all[kept.idx], y_all[kept.idx], jump_m)
        if not mask.any():
            break
        kept.drop(mask, "jump")
    return _cleaned(track, kept, reordered)


def _cleaned(
    track: pd.DataFrame, kept: _Kept, reordered: bool
) -> tuple[pd.DataFrame, CleaningReport]:
    """The kept fixes in time order with ``source_row`` and ``accuracy_m``, and the report."""
    idx = kept.idx
    df = track.iloc[idx].reset_index(drop=True)
    if "source_row" not in df:
        df["source_row"] = kept.rows[idx]
    if "accuracy_m" not in df:
        df["accuracy_m"] = np.nan
    empty = np.zeros(0, dtype=np.int64)
    dropped = kept.dropped
    report = CleaningReport(
        input_points=len(track),
        kept_points=int(idx.size),
        dropped={r: int(dropped.get(r, empty).size) for r in DROP_REASONS},
        dropped_rows={r: sorted(int(v) for v in dropped.get(r, empty)) for r in DROP_REASONS},
        reordered=reordered,
    )
    return df, report


def _time_order(
    times: npt.NDArray[np.int64], ties: tuple[npt.NDArray[Any], ...]
) -> npt.NDArray[np.intp]:
    """``np.lexsort((*ties, times))`` for a track: a stable sort on time, and the full
    lexicographic sort only among the few fixes that share an instant."""
    n = times.size
    if n < 2 or bool(np.all(times[1:] >= times[:-1])):
        order = np.arange(n, dtype=np.intp)
    else:
        order = np.argsort(times, kind="stable")
    ts = times[order]
    tie = ts[1:] == ts[:-1]
    if not tie.any():
        return order
    shared = np.zeros(n, dtype=bool)
    shared[1:] |= tie
    shared[:-1] |= tie
    slots = np.flatnonzero(shared)  # runs of one instant, in time order
    sub = order[slots]  # within a run in input order, as the stable lexsort keeps them
    order[slots] = sub[np.lexsort((*(k[sub] for k in ties), times[sub]))]
    return order


class _Kept:
    """The positions of the fixes still kept, in time order, and the rows dropped by reason."""

    def __init__(self, idx: npt.NDArray[np.intp], rows: npt.NDArray[np.int64]) -> None:
        self.idx = idx
        self.rows = rows
        self.dropped: dict[str, npt.NDArray[np.int64]] = {}

    def drop(self, mask: npt.NDArray[np.bool_], reason: str) -> None:
        """Drop the kept fixes where ``mask`` (aligned to ``idx``) holds, for ``reason``."""
        if not mask.any():  # the usual case: nothing to copy
            return
        found = self.rows[self.idx[mask]]
        old = self.dropped.get(reason)
        self.dropped[reason] = np.concatenate([old, found]) if old is not None else found
        self.idx = self.idx[~mask]


def _columns(
    track: pd.DataFrame,
) -> tuple[
    npt.NDArray[np.int64],
    npt.NDArray[np.float64],
    npt.NDArray[np.float64],
    npt.NDArray[np.float64],
    npt.NDArray[np.int64],
]:
    """Time (ns), lat, lon, accuracy (NaN when absent) and source row (1.. when absent)."""
    n_in = len(track)
    times = pd.DatetimeIndex(track["time"]).as_unit("ns").asi8
    lat_all = track["lat"].to_numpy(dtype=np.float64)
    lon_all = track["lon"].to_numpy(dtype=np.float64)
    acc_all = (
        track["accuracy_m"].to_numpy(dtype=np.float64)
        if "accuracy_m" in track
        else np.full(n_in, np.nan)
    )
    rows_all = (
        track["source_row"].to_numpy(dtype=np.int64)
        if "source_row" in track
        else np.arange(1, n_in + 1, dtype=np.int64)
    )
    return times, lat_all, lon_all, acc_all, rows_all


def _drop_duplicates(
    kept: _Kept,
    times: npt.NDArray[np.int64],
    lat: npt.NDArray[np.float64],
    lon: npt.NDArray[np.float64],
    acc_key: npt.NDArray[np.float64],
) -> None:
    """Drop exact duplicates, then all but the most accurate fix of each instant."""
    ts = times[kept.idx]
    if ts.size < 2 or bool(np.all(ts[1:] != ts[:-1])):  # no shared instant: nothing to do
        return
    kept.drop(_repeats(ts, lat[kept.idx], lon[kept.idx]), "duplicate")
    ts = times[kept.idx]
    tie = ts[1:] == ts[:-1]
    shared = np.zeros(ts.size, dtype=bool)  # the fixes of a shared instant (the others stay)
    shared[1:] |= tie
    shared[:-1] |= tie
    slots = np.flatnonzero(shared)
    conflicting = np.zeros(ts.size, dtype=bool)
    conflicting[slots] = ~_first_best(ts[slots], acc_key[kept.idx[slots]])
    kept.drop(conflicting, "conflicting_duplicate")


def _repeats(
    ts: npt.NDArray[np.int64], la: npt.NDArray[np.float64], lo: npt.NDArray[np.float64]
) -> npt.NDArray[np.bool_]:
    """Exact duplicates: same instant and position, adjacent after the sort."""
    repeat = np.zeros(ts.size, dtype=bool)
    repeat[1:] = (ts[1:] == ts[:-1]) & (la[1:] == la[:-1]) & (lo[1:] == lo[:-1])
    return repeat


def _first_best(ts: npt.NDArray[np.int64], acc_k: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
    """Same instant, different positions: the most accurate of each instant (ties: the first)."""
    n = ts.size
    starts = np.flatnonzero(np.r_[True, ts[1:] != ts[:-1]]) if n else np.zeros(0, np.int64)
    best_acc = np.minimum.reduceat(acc_k, starts) if n else acc_k
    run = np.cumsum(np.r_[True, ts[1:] != ts[:-1]]) - 1 if n else np.zeros(0, np.int64)
    is_best = acc_k == best_acc[run]
    # first best in each run
    first_best = np.zeros(n, dtype=bool)
    if n:
        best_pos = np.flatnonzero(is_best)
        keep = best_pos[np.r_[True, run[best_pos][1:] != run[best_pos][:-1]]]
        first_best[keep] = True
    return first_best


def _poor_accuracy(
    acc: npt.NDArray[np.float64],
    max_accuracy_m: float,
    accuracy_factor: float,
    accuracy_floor_m: float,
) -> npt.NDArray[np.bool_]:
    """Reported accuracy over ``max_accuracy_m``, or ``accuracy_factor`` x the median and
    over ``accuracy_floor_m``."""
    poor = np.zeros(acc.size, dtype=bool)
    if np.isfinite(acc).any():
        median_acc = float(np.nanmedian(acc))
        limit = max(accuracy_floor_m, accuracy_factor * median_acc)
        with np.errstate(invalid="ignore"):
            poor = np.isfinite(acc) & ((acc > max_accuracy_m) | (acc > limit))
    return poor


#: A round trip (``trajectory._steps.flag_round_trips``): there and back to within a
#: quarter of the way, each hop over 300 m at more than 20 m/s (72 km/h from and to a
#: standstill within one fix interval).  Bursts of cell fixes are 300-1,500 m off.
ROUND_TRIP_MPS = 20.0
ROUND_TRIP_M = 300.0
ROUND_TRIP_BACK = 0.25


def _bursts(
    t: npt.NDArray[np.float64],
    x: npt.NDArray[np.float64],
    y: npt.NDArray[np.float64],
    max_speed_mps: float,
    jump_m: float,
    max_burst_n: int,
    max_burst_s: float,
) -> npt.NDArray[np.bool_]:
    """Bursts flagged in both directions: a burst right after a signal gap looks reachable
    going forward (the gap hides its speed) but not coming back from the fixes after it."""
    mps, jump, burst_n, burst_s = (
        float(max_speed_mps),
        float(jump_m),
        int(max_burst_n),
        float(max_burst_s),
    )  # one compiled signature, whatever the caller passed (see kernel_array)
    fwd = (kernel_array(t), kernel_array(x), kernel_array(y))
    forward = flag_bursts(*fwd, mps, jump, burst_n, burst_s)
    # copies, not reversed views: one compiled signature (see kernel_array)
    back = (kernel_array(-t[::-1]), kernel_array(x[::-1]), kernel_array(y[::-1]))
    backward = flag_bursts(*back, mps, jump, burst_n, burst_s)[::-1]
    trips = flag_round_trips(*fwd, ROUND_TRIP_MPS, ROUND_TRIP_M, burst_n, burst_s, ROUND_TRIP_BACK)
    mask: npt.NDArray[np.bool_] = forward | backward | trips
    return mask


def _single_jumps(
    x: npt.NDArray[np.float64], y: npt.NDArray[np.float64], jump_m: float
) -> npt.NDArray[np.bool_]:
    """Interior fixes far off the line between their neighbours and far from both."""
    n = x.shape[0]
    mask = np.zeros(n, dtype=bool)
    if n < 3:
        return mask
    dx, dy = np.diff(x), np.diff(y)  # step i: fix i to fix i + 1
    # a step with |dx| + |dy| <= 0.99 jump_m is shorter than jump_m: hypot only for the rest
    far = np.abs(dx) + np.abs(dy) > 0.99 * jump_m
    cand = np.flatnonzero(far[:-1] & far[1:])  # interior fix i + 1, both steps maybe long
    d1, d2 = np.hypot(dx[cand], dy[cand]), np.hypot(dx[cand + 1], dy[cand + 1])
    long = np.minimum(d1, d2) > jump_m  # usually a handful
    if not long.any():
        return mask
    cand, d1, d2 = cand[long], d1[long], d2[long]
    ax, ay = x[cand], y[cand]
    px, py = x[cand + 1], y[cand + 1]
    bx, by = x[cand + 2], y[cand + 2]
    d13 = np.hypot(bx - ax, by - ay)
    # distance from p to the segment a-b
    vx, vy = bx - ax, by - ay
    seg2 = vx * vx + vy * vy
    with np.errstate(invalid="ignore", divide="ignore"):
        u = np.where(seg2 > 0, ((px - ax) * vx + (py - ay) * vy) / seg2, 0.0)
    u = np.clip(u, 0.0, 1.0)
    off = np.hypot(px - (ax + u * vx), py - (ay + u * vy))
    detour = (d1 + d2) >= 3.0 * np.maximum(d13, 1.0)
    mask[cand + 1] = (off > jump_m) & detour
    return mask
