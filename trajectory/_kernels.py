"""Compiled (numba) inner loops over GPS fixes.

These scans are inherently sequential (each fix's fate depends on the group
built so far), so they cannot be written as NumPy array expressions; running
them as Python loops would cost ~1 µs per fix.  numba compiles them to machine
code (~20-50 ns per fix).  Inputs are plain float64 arrays: ``t`` in seconds,
``x``/``y`` in metres of a local projection (see ``trajectory.geodesy``).

Here: the stay assembly.  Burst flags (cleaning) and smooth-velocity steps
(integrity) are in :mod:`trajectory._steps`, the grouping scan and the
fragment statistics are in :mod:`trajectory._groups`, the creep and queue tests
of a stay in :mod:`trajectory._motion`.  Helpers are
``@njit`` functions too: numba compiles each call into the caller.

Compile time (a fresh install's first run, ``benchmarks/cold_start.py``): numba links
each compiled helper into its caller and optimises the whole again at every level of
the call tree, so a helper with a single call site is ``inline="always"`` (numba
inlines it before compiling: 20 % less compile, the same machine code speed), while
one called from several places stays a function of its own (inlined, each copy would
compile).  Each kernel is compiled for one argument type: see
:func:`trajectory._steps.kernel_array` and ``_add_stay``.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from trajectory._groups import fragments, joins, scan_groups, segment_stats, time_median
from trajectory._motion import is_creeping, is_queue

#: Statistics of a stay (centre, spread, creep) are taken over at most this many
#: of its fixes, spread evenly from the first to the last: a 1 s-sampled hour
#: would otherwise sort 3,600 values a dozen times for a centre known to metres.
STAT_SAMPLE = 256

#: A run the creep test rejects is looked at again around its time-weighted centre when
#: that lies this share of the stay radius or more from the fixes' median (see _add_stay).
SECOND_LOOK_SHIFT = 0.25


@njit(cache=True, nogil=True)
def _thin(idx: np.ndarray, cap: int) -> np.ndarray:
    n = idx.shape[0]
    if n <= cap:
        return idx
    out = np.empty(cap, dtype=idx.dtype)
    for i in range(cap):
        out[i] = idx[(i * (n - 1)) // (cap - 1)]
    return out


@njit(cache=True, nogil=True)
def _percentile(a: np.ndarray, q: float) -> float:
    """``np.percentile(a, q)`` of finite values, as numba computes it (linear between the
    closest ranks), bit for bit; without the NaN, 0 and 100 paths numba's version compiles
    (2.7 s of compile, issue 18), and through the ``np.argsort`` ``time_median`` uses."""
    n = a.shape[0]
    if n == 1:
        return a[0]
    rank = 1 + (n - 1) * (q / 100.0)
    f = math.floor(rank)
    m = rank - f
    order = np.argsort(a)
    k = int(f - 1)
    return a[order[k]] * (1 - m) + a[order[k + 1]] * m


@njit(cache=True, nogil=True)
def assemble_stays(  # noqa: PLR0913 - the compiled signature benchmarks/speed.py calls
    t: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    radius: np.ndarray,
    speed: np.ndarray,
    min_stay_s: float,
    max_gap_s: float,
    excursion_s: float,
    merge_gap_s: float,
    creep_m: float,
    settle_s: float,
) -> tuple:
    """Scan, merge fragments, trim, reject creep and short stays.

    Returns per stay: first fix, last fix, centre x, centre y, fix count,
    80th percentile spread (m) and longest gap inside (s).
    """
    group, starts, ends = scan_groups(t, x, y, radius, max_gap_s, excursion_s, settle_s)
    min_fragment_s = min(settle_s, min_stay_s / 4.0)
    members, offsets, frag_start, frag_end = fragments(t, group, starts, ends, min_fragment_s)
    nf = frag_start.shape[0]
    out = (
        np.empty(nf, dtype=np.int64),
        np.empty(nf, dtype=np.int64),
        np.empty(nf),
        np.empty(nf),
        np.empty(nf, dtype=np.int64),
        np.empty(nf),
        np.empty(nf),
    )
    second = np.zeros(nf, dtype=np.bool_)  # found on the second look (see _add_stay)
    if nf == 0:
        return out
    stats = segment_stats(x, y, radius, members, offsets)
    limits = (min_stay_s, max_gap_s, excursion_s, merge_gap_s, creep_m)
    fixes = (t, x, y, radius, speed)
    ns = _merge_runs(fixes, members, offsets, (frag_start, frag_end), stats, limits, out, second)
    w = _merge_same_place(t, radius, out, second, ns, merge_gap_s)
    return (
        out[0][:w],
        out[1][:w],
        out[2][:w],
        out[3][:w],
        out[4][:w],
        out[5][:w],
        out[6][:w],
    )


@njit(cache=True, nogil=True, inline="always")
def _merge_runs(
    fixes: tuple,
    members: np.ndarray,
    offsets: np.ndarray,
    frags: tuple,
    stats: tuple,
    limits: tuple,
    out: tuple,
    second: np.ndarray,
) -> int:
    """Merge consecutive fragments into runs and write each run that makes a stay to
    ``out`` (``second``: found on the second look); the number of stays written.

    ``fixes`` is (t, x, y, radius, speed), ``frags`` (frag_start, frag_end), ``stats``
    :func:`segment_stats` of the fragments, ``limits`` (min_stay_s, max_gap_s,
    excursion_s, merge_gap_s, creep_m).
    """
    t = fixes[0]
    frag_start, frag_end = frags
    cx, cy, spread, frag_r = stats
    min_stay_s, max_gap_s, excursion_s, merge_gap_s, creep_m = limits
    nf = frag_start.shape[0]
    sizes = offsets[1 : nf + 1] - offsets[:nf]
    ns = int(0)  # noqa: UP018, RUF046 - not the literal 0: one signature (see _add_stay)
    run_first = 0  # first fragment of the current merged run
    wx = cx[0] * sizes[0]
    wy = cy[0] * sizes[0]
    wn = sizes[0]
    for k in range(1, nf + 1):
        merge = False
        if k < nf:
            reach = max(max(frag_r[k], frag_r[k - 1]), max(spread[k], spread[k - 1]))
            a, b = frag_end[k - 1], frag_start[k]
            dx, dy = cx[k] - wx / wn, cy[k] - wy / wn
            merge = joins(t, a, b, dx, dy, reach, max_gap_s, excursion_s, merge_gap_s)
        if merge:
            wx += cx[k] * sizes[k]
            wy += cy[k] * sizes[k]
            wn += sizes[k]
            continue
        # finish the run of fragments run_first .. k-1
        mem = members[offsets[run_first] : offsets[k]]
        if t[mem[-1]] - t[mem[0]] >= min_stay_s:
            ns = _add_stays(mem, fixes, min_stay_s, creep_m, out, second, ns)
        if k < nf:
            run_first = k
            wx = cx[k] * sizes[k]
            wy = cy[k] * sizes[k]
            wn = sizes[k]
    return ns


#: What a run's trim leaves before or after its stay is a stay of its own when that stay
#: lasts this many minimum stays (shorter: the approach, a queue, drift at a visit's end).
SPLIT_OFF_STAYS = 3.0


@njit(cache=True, nogil=True, inline="always")
def _add_stays(
    mem: np.ndarray,
    fixes: tuple,
    min_stay_s: float,
    creep_m: float,
    out: tuple,
    second: np.ndarray,
    ns: int,
) -> int:
    """Write the stay of run ``mem`` at ``out[.][ns]`` (see :func:`_add_stay`), then the
    stays of what its trim left before and after it, in time order; the next free slot.

    A walk next door of a minute or so joins the two visits' fragments into one run
    (contiguous, within twice the radius); the trim around the run's median keeps the
    longer visit and would drop the other with the walk (generated nearby_stores
    8000: a 36-minute visit 95 m from a 57-minute one vanished)."""
    t, x, y, radius, speed = fixes
    rest = mem
    shortest = min_stay_s  # the run's own stay; what its trim left must last longer
    while rest.shape[0] > 1 and t[rest[-1]] - t[rest[0]] >= shortest:
        found = _add_stay(rest, t, x, y, radius, speed, min_stay_s, creep_m, out, ns)
        if found == 0 or t[out[1][ns]] - t[out[0][ns]] < shortest:
            break
        second[ns] = found < 0
        head = rest[rest < out[0][ns]]
        rest = rest[rest > out[1][ns]]
        ns += 1
        shortest = SPLIT_OFF_STAYS * min_stay_s
        if head.shape[0] > 1 and t[head[-1]] - t[head[0]] >= shortest:
            early = _add_stay(head, t, x, y, radius, speed, min_stay_s, creep_m, out, ns)
            if early != 0 and t[out[1][ns]] - t[out[0][ns]] >= shortest:
                _swap(out, ns - 1, ns)  # the head's stay goes before the run's
                second[ns] = second[ns - 1]
                second[ns - 1] = early < 0
                ns += 1
    return ns


@njit(cache=True, nogil=True, inline="always")
def _swap(out: tuple, a: int, b: int) -> None:
    """Swap stays ``a`` and ``b`` of ``out`` (first, last, x, y, count, spread, gap)."""
    out[0][a], out[0][b] = out[0][b], out[0][a]
    out[1][a], out[1][b] = out[1][b], out[1][a]
    out[2][a], out[2][b] = out[2][b], out[2][a]
    out[3][a], out[3][b] = out[3][b], out[3][a]
    out[4][a], out[4][b] = out[4][b], out[4][a]
    out[5][a], out[5][b] = out[5][b], out[5][a]
    out[6][a], out[6][b] = out[6][b], out[6][a]


@njit(cache=True, nogil=True)
def _add_stay(
    mem: np.ndarray,
    t: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    radius: np.ndarray,
    speed: np.ndarray,
    min_stay_s: float,
    creep_m: float,
    out: tuple,
    ns: int,
) -> int:
    """Trim a merged run to its fixes near the centre and, unless it is too short,
    creeping or a queue, write it as stay ``ns`` of ``out``: 1 when written, -1 when
    written on the second look, 0 when not a stay.

    The centre is the fixes' median.  A run that fails around it gets a second
    look around where the time was spent (the time-weighted median) when that lies
    more than ``SECOND_LOOK_SHIFT`` of the radius away, with the creep test's quarters
    taken by time: where the phone sampled densely for a minute after minutes of
    sparse fixes, the fix median lies in the minute, and the minutes at the other
    end of a short stroll look like slow progress (the diary trace's stop 7).  A
    smaller shift is no evidence of that: two queues of generated days (messy_rows
    4004, irregular_sampling 4036) pass a second look at 3-7 m, as do some diary
    stops under 10 m of extra noise at 2-5 m.
    """
    few = _thin(mem, STAT_SAMPLE)
    r = np.median(radius[few])
    kept = _trim(mem, x, y, np.median(x[few]), np.median(y[few]), r)
    found = 1
    # bool(False), int(0) (noqa: UP018, RUF046): numba types them bool / int64, not
    # literal, so each helper compiles for one signature (a literal argument, or a loop
    # variable starting at a constant, adds a compile per value: issue 18's cold start)
    by_count, by_time = bool(False), bool(True)  # noqa: UP018
    if not _is_stay(kept, t, x, y, speed, min_stay_s, creep_m, by_count):
        tx, ty = time_median(t, x, few), time_median(t, y, few)
        moved = np.hypot(tx - np.median(x[few]), ty - np.median(y[few])) > SECOND_LOOK_SHIFT * r
        again = _trim(mem, x, y, tx, ty, r)
        if not (moved and _is_stay(again, t, x, y, speed, min_stay_s, creep_m, by_time)):
            return 0
        kept = again
        found = -1
    few = _thin(kept, STAT_SAMPLE)
    fx = np.median(x[few])
    fy = np.median(y[few])
    out[0][ns] = kept[0]
    out[1][ns] = kept[-1]
    out[2][ns] = fx
    out[3][ns] = fy
    out[4][ns] = kept.shape[0]
    out[5][ns] = _percentile(np.hypot(x[few] - fx, y[few] - fy), 80.0)
    longest = 0.0  # np.max(np.diff(t[kept])) without compiling np.diff
    for i in range(1, kept.shape[0]):
        longest = max(longest, t[kept[i]] - t[kept[i - 1]])
    out[6][ns] = longest
    return found


@njit(cache=True, nogil=True)
def _trim(
    mem: np.ndarray, x: np.ndarray, y: np.ndarray, cx: float, cy: float, r: float
) -> np.ndarray:
    """The run's fixes from the first to the last within ``r`` of (``cx``, ``cy``), without
    those beyond 1.5 ``r`` (the approach and the way out); empty when fewer than two."""
    d = np.hypot(x[mem] - cx, y[mem] - cy)
    lo = -1
    hi = -1
    for i in range(mem.shape[0]):
        if d[i] <= r:
            if lo < 0:
                lo = i
            hi = i
    if not (lo >= 0 and hi > lo):
        return mem[:0]
    return mem[lo : hi + 1][d[lo : hi + 1] <= 1.5 * r]


@njit(cache=True, nogil=True)
def _is_stay(
    kept: np.ndarray,
    t: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    speed: np.ndarray,
    min_stay_s: float,
    creep_m: float,
    by_time: bool,
) -> bool:
    """Long enough (first to last fix), neither creeping (quarters ``by_time`` or by
    count) nor a queue."""
    if kept.shape[0] < 2 or t[kept[-1]] - t[kept[0]] < min_stay_s:
        return False
    few = _thin(kept, STAT_SAMPLE)
    return not is_creeping(few, t, x, y, speed, creep_m, by_time) and not is_queue(few, t, x, y)


@njit(cache=True, nogil=True, inline="always")
def _merge_same_place(
    t: np.ndarray, radius: np.ndarray, out: tuple, second: np.ndarray, ns: int, merge_gap_s: float
) -> int:
    """Consecutive stays at the same place with no stay between them and at most
    2 * merge_gap_s apart are one visit cut by a burst or an excursion that formed a
    fragment of its own: merge them in ``out`` (in place); the number of stays left.
    """
    first, last, ox, oy, on, osp, og = out
    w = 0
    for i in range(ns):
        if w > 0:
            j = w - 1
            gap = t[first[i]] - t[last[j]]
            reach = max(max(osp[j], osp[i]), np.median(radius[first[j] : last[j] + 1]))
            if second[i] or second[j]:
                reach *= 2.0  # a stay seen only on the second look beside a visit is its part
            if gap <= 2.0 * merge_gap_s and np.hypot(ox[i] - ox[j], oy[i] - oy[j]) <= reach:
                nj, ni = on[j], on[i]
                ox[j] = (ox[j] * nj + ox[i] * ni) / (nj + ni)
                oy[j] = (oy[j] * nj + oy[i] * ni) / (nj + ni)
                osp[j] = max(osp[j], osp[i])
                og[j] = max(max(og[j], og[i]), gap)
                last[j] = last[i]
                on[j] = nj + ni
                continue
        first[w] = first[i]
        last[w] = last[i]
        ox[w] = ox[i]
        oy[w] = oy[i]
        on[w] = on[i]
        osp[w] = osp[i]
        og[w] = og[i]
        second[w] = second[i]
        w += 1
    return w
