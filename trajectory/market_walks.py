"""Walks between market stalls, from the speed the phone reports.

Under a market roof the fixes wander 15-40 m, as far as the stalls are apart, so
the positions alone cannot tell a manager who walked to the next stall from one
who stood still while the GPS drifted.  The phone's reported speed (Doppler, not
differenced positions) can: it stays near zero at a stall and reads about walking
pace for the 15-60 s walk to the next one.  A *walk* is a stretch of fixes
whose reported speed times time covers at least :data:`WALK_MIN_M` within
:data:`WINDOW_S` (so that one noisy reading neither makes nor breaks a walk); a
stretch between two fixes with reported speeds, no
walk and no gap in time is *still*: the phone says the manager did not move.

:func:`trajectory.market_stalls.segment_period` keeps walks out of every stall
visit and makes a change of stall within a still stretch cost
:data:`STILL_SWITCH_COST`.  Where the phone reports no speed, nothing changes.
"""

from __future__ import annotations

__all__ = [
    "GAP_SWITCH_COST",
    "STILL_GAP_S",
    "STILL_SWITCH_COST",
    "WALK_MIN_M",
    "WALK_MPS",
    "trusted_walk_fixes",
    "walk_fixes",
]

import numpy as np
import numpy.typing as npt

#: Speed (m/s) of the first and last reading of a walk.
WALK_MPS = 0.5
#: Distance (m, reported speed x time) covered within :data:`WINDOW_S` while walking.
WALK_MIN_M = 10.0
#: Time (s) from the first to the last reading of a walk at walking speed, at least: a
#: shuffle at a stall caught by one or two readings is not a walk.
WALK_MIN_S = 10.0
#: Noise level (m/s) of still readings the distance limit allows for.
STILL_NOISE_MPS = 0.15
#: A walk's readings are at least this many noise levels of the still readings.
NOISE_SIGMAS = 4.0
#: Largest share of the fixes that may be walks for the speeds to count.
MAX_WALK_SHARE = 0.5
#: Speed (m/s) that 90 % of the readings in walks stay under, or the speeds are not
#: walking pace (km/h sent as m/s: 3-5 "m/s" between stalls).
MAX_WALK_MPS = 3.0
#: Readings at walking speed that make a walk however close in time they are.
WALK_MIN_READINGS = 3
#: Window (s) over which a walk covers :data:`WALK_MIN_M`: a step aside does not.
WINDOW_S = 30.0
#: Readings further apart than this (s) do not belong to one walk or one still stretch.
MAX_READING_GAP_S = 30.0
#: Still readings at most this far apart (s) say the phone did not move between them
#: (a walk to the next stall takes longer: a shorter gap, e.g. a dropped burst of bad
#: fixes, does not hide one).
STILL_GAP_S = 90.0
#: Longest time (s) one reading stands for.
READING_S = 10.0
#: Cost (nats) of changing stall within a still stretch.
STILL_SWITCH_COST = 30.0
#: Cost (nats) of changing stall across a gap in the fixes with still readings either side.
GAP_SWITCH_COST = 6.0

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]


def walk_fixes(t: Floats, speed: Floats) -> tuple[Bools, Bools, Bools]:
    """Per fix: inside a walk; inside a possible walk; read (a reported speed, neither).

    ``t`` in seconds, ascending; ``speed`` in m/s, NaN where the phone gave none.
    A reading is moving when the readings within :data:`WINDOW_S` / 2 of it cover
    :data:`WALK_MIN_M` (speed x time: single readings of a walk can be low, and
    those of a still phone are near zero; both limits rise with the noise of the
    phone's still readings).  A run of moving readings is a walk from
    its first to its last reading of at least :data:`WALK_MPS` when there are
    :data:`WALK_MIN_READINGS` such readings or they span :data:`WALK_MIN_S`; with
    fewer it is a *possible* walk (a short walk caught by two readings looks like a
    shuffle at the stall caught by two): the speed says nothing there.
    """
    n = t.size
    walking, possible = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    ok = np.flatnonzero(np.isfinite(speed))
    read = np.zeros(n, dtype=bool)
    read[ok] = True
    if ok.size < 2:
        return walking, possible, read
    tr, v = t[ok], speed[ok]
    # a phone whose still readings are noisier needs more to show a walk: its noise
    # level from the median reading (most readings in a market are still ones;
    # |N(0, s)| has median 0.674 s and mean 0.8 s)
    noise = float(np.median(v)) / 0.674
    walk_mps = max(WALK_MPS, NOISE_SIGMAS * noise)
    walk_min_m = WALK_MIN_M + 0.8 * max(noise - STILL_NOISE_MPS, 0.0) * WINDOW_S
    metres = np.r_[
        0.0, np.cumsum(v * np.minimum(np.diff(tr, append=tr[-1] + READING_S), READING_S))
    ]
    lo = np.searchsorted(tr, tr - WINDOW_S / 2, side="left")
    hi = np.searchsorted(tr, tr + WINDOW_S / 2, side="right")
    moving = (metres[hi] - metres[lo]) >= walk_min_m
    new_run = np.r_[True, (moving[1:] != moving[:-1]) | (np.diff(tr) > MAX_READING_GAP_S)]
    run = np.cumsum(new_run) - 1
    fast = moving & (v >= walk_mps)
    idx = np.arange(ok.size)
    first = np.full(run[-1] + 1, ok.size)
    np.minimum.at(first, run[fast], idx[fast])
    last = np.full(run[-1] + 1, -1)
    np.maximum.at(last, run[fast], idx[fast])
    n_fast = np.bincount(run[fast], minlength=run[-1] + 1)
    runs = np.flatnonzero(last >= 0)
    sure = (tr[last[runs]] - tr[first[runs]] >= WALK_MIN_S) | (n_fast[runs] >= WALK_MIN_READINGS)
    for r, is_walk in zip(runs, sure, strict=True):  # a loop over walks, not fixes
        (walking if is_walk else possible)[ok[first[r]] : ok[last[r]] + 1] = True
    return walking, possible, read & ~walking & ~possible


def trusted_walk_fixes(
    t: Floats, speed: Floats | None, *, at_walking_pace: bool = False
) -> tuple[Bools, Bools, Bools]:
    """:func:`walk_fixes`, or nothing walking, possible or read when the speeds are not
    evidence: no walk at all (a phone that reports zero or nothing while moving), walks
    over more than :data:`MAX_WALK_SHARE` of the fixes (speeds differenced from noisy
    positions), or, ``at_walking_pace`` (every walk is on foot: a market period), walks
    whose readings' 90th percentile exceeds :data:`MAX_WALK_MPS` (km/h sent as m/s)."""
    if speed is None:
        speed = np.full(t.size, np.nan)
    walking, possible, read = walk_fixes(t, speed)
    if (
        not walking.any()
        or walking.mean() > MAX_WALK_SHARE
        or (at_walking_pace and np.nanpercentile(speed[walking], 90) > MAX_WALK_MPS)
    ):
        nothing = np.zeros(t.size, dtype=bool)
        return nothing, nothing.copy(), nothing.copy()
    return walking, possible, read
