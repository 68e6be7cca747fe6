"""Compiled (numba) inner loops over GPS fixes.

These scans are inherently sequential (each fix's fate depends on the group
built so far), so they cannot be written as NumPy array expressions; running
them as Python loops would cost ~1 µs per fix.  numba compiles them to machine
code (~20-50 ns per fix).  Inputs are plain float64 arrays: ``t`` in seconds,
``x``/``y`` in metres of a local projection (see ``trajectory.geodesy``).
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def flag_bursts(
    t: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    max_speed_mps: float,
    jump_m: float,
    max_burst_n: int,
    max_burst_s: float,
) -> np.ndarray:
    """Flag runs of 1..max_burst_n fixes that leave at an impossible speed and come back.

    A run starting at ``i`` is a burst when reaching it from the last good fix
    needs more than ``max_speed_mps`` over more than ``jump_m``, and a later fix
    within ``max_burst_n`` fixes / ``max_burst_s`` seconds is again plausible
    from that good fix (reachable at ``max_speed_mps`` and much closer to it
    than the burst was); the run itself lasts at most ``max_burst_s``, while the
    return may follow a signal gap.  Runs with no return are kept: the person
    really moved.
    """
    n = t.shape[0]
    bad = np.zeros(n, dtype=np.bool_)
    if n < 3:
        return bad
    prev = 0
    i = 1
    while i < n:
        dt = max(t[i] - t[prev], 1.0)
        d = np.hypot(x[i] - x[prev], y[i] - y[prev])
        if d > jump_m and d / dt > max_speed_mps:
            found = -1
            limit = min(n, i + max_burst_n + 1)
            for k in range(i + 1, limit):
                if t[k - 1] - t[i] > max_burst_s:
                    break  # the run itself lasts too long to be a burst
                dk = np.hypot(x[k] - x[prev], y[k] - y[prev])
                dtk = max(t[k] - t[prev], 1.0)
                if dk / dtk <= max_speed_mps and dk <= max(jump_m, 0.5 * d):
                    found = k
                    break
            if found > 0:
                for k in range(i, found):
                    bad[k] = True
                prev = found
                i = found + 1
                continue
        prev = i
        i += 1
    return bad


@njit(cache=True, nogil=True)
def _center(x: np.ndarray, y: np.ndarray, members: np.ndarray, cnt: int, window: int) -> tuple:
    # median of the group's members (the last `window` when window > 0),
    # sampled evenly to at most 32 values
    lo = max(0, cnt - window) if window > 0 else 0
    m = cnt - lo
    step = max(1, m // 32)
    k = (m + step - 1) // step
    bx = np.empty(k)
    by = np.empty(k)
    j = 0
    for q in range(lo, cnt, step):
        bx[j] = x[members[q]]
        by[j] = y[members[q]]
        j += 1
    return np.median(bx[:j]), np.median(by[:j])


@njit(cache=True, nogil=True)
def scan_groups(
    t: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    radius_m: np.ndarray,
    max_gap_s: float,
    excursion_s: float,
    settle_s: float,
) -> tuple:
    """Group consecutive fixes that stay within ``radius_m[j]`` of the group's running median.

    ``radius_m`` is per fix, so a fix whose phone reports poor accuracy may lie
    further out (see ``trajectory.staypoints``).

    Returns ``(group_of_fix, starts, ends)``: the group id of every fix (-1 for
    fixes skipped as short excursions), and the first / last member index of
    each group.  A group continues across a signal gap of up to ``max_gap_s``
    when the next fix is back inside the radius (indoor signal loss), and
    across an excursion outside the radius of up to ``excursion_s`` seconds, or
    of one single fix, once the group has lasted ``settle_s`` seconds.
    """
    n = t.shape[0]
    group = np.full(n, -1, dtype=np.int64)
    starts = np.empty(n, dtype=np.int64)
    ends = np.empty(n, dtype=np.int64)
    members = np.empty(n, dtype=np.int64)
    window = 0  # whole-group median: a recent-window median would follow creeping traffic
    ng = 0
    i = 0
    while i < n:
        start = i
        cx = x[i]
        cy = y[i]
        cnt = 1
        members[0] = i
        group[i] = ng
        last_in = i
        next_update = 2
        j = i + 1
        while j < n:
            if t[j] - t[last_in] > max_gap_s:
                break
            if np.hypot(x[j] - cx, y[j] - cy) <= radius_m[j]:
                members[cnt] = j
                cnt += 1
                group[j] = ng
                last_in = j
                if cnt >= next_update:
                    cx, cy = _center(x, y, members, cnt, window)
                    next_update = cnt + 1 if cnt < 8 else cnt + max(2, min(cnt // 4, 64))
                j += 1
                continue
            # j is outside: tolerate a short excursion of an established group
            if t[last_in] - t[start] < settle_s:
                break
            found = -1
            k = j + 1
            while k < n:
                if t[k] - t[last_in] > max_gap_s:
                    break
                inside = np.hypot(x[k] - cx, y[k] - cy) <= radius_m[k]
                if inside:
                    if k == j + 1 or t[k] - t[last_in] <= excursion_s:
                        found = k
                    break
                if t[k] - t[last_in] > excursion_s:
                    break
                k += 1
            if found < 0:
                break
            j = found
        starts[ng] = start
        ends[ng] = last_in
        ng += 1
        i = last_in + 1
    return group, starts[:ng].copy(), ends[:ng].copy()


@njit(cache=True, nogil=True)
def segment_stats(
    x: np.ndarray, y: np.ndarray, radius: np.ndarray, members: np.ndarray, offsets: np.ndarray
) -> tuple:
    """Per segment (``members[offsets[i]:offsets[i+1]]``): median x, median y, the 80th
    percentile distance to that centre, and the median per-fix radius."""
    k = offsets.shape[0] - 1
    cx = np.empty(k)
    cy = np.empty(k)
    spread = np.empty(k)
    rad = np.empty(k)
    for i in range(k):
        idx = members[offsets[i] : offsets[i + 1]]
        xs = x[idx]
        ys = y[idx]
        cx[i] = np.median(xs)
        cy[i] = np.median(ys)
        d = np.hypot(xs - cx[i], ys - cy[i])
        spread[i] = np.percentile(d, 80.0)
        rad[i] = np.median(radius[idx])
    return cx, cy, spread, rad
