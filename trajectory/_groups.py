"""Compiled grouping of consecutive fixes, and statistics of the groups' fragments.

The first stage of the stay assembly of :mod:`trajectory._kernels`: sequential
scans (numba), ``t`` in seconds, ``x``/``y`` in metres of a local projection.
"""

# mypy: disallow-any-generics=False, warn-return-any=False
# (numba kernels: plain ndarray/tuple signatures are what numba compiles; as for
# trajectory._kernels in pyproject.toml)
from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def _small_median(buf: np.ndarray, k: int) -> float:
    # insertion sort of buf[:k] in place (k <= 64), then the middle
    for i in range(1, k):
        v = buf[i]
        j = i - 1
        while j >= 0 and buf[j] > v:
            buf[j + 1] = buf[j]
            j -= 1
        buf[j + 1] = v
    if k % 2 == 1:
        return buf[k // 2]
    return 0.5 * (buf[k // 2 - 1] + buf[k // 2])


@njit(cache=True, nogil=True)
def time_median(t: np.ndarray, v: np.ndarray, idx: np.ndarray) -> float:
    """Median of ``v[idx]`` weighted by the time each fix stands for (half the time to
    its neighbours in ``idx``): where a person spent the time, however densely the
    phone sampled it."""
    m = idx.shape[0]
    if m < 3:
        return np.median(v[idx])
    tt = t[idx]
    w = np.empty(m)
    w[0] = 0.5 * (tt[1] - tt[0])
    w[m - 1] = 0.5 * (tt[m - 1] - tt[m - 2])
    for q in range(1, m - 1):  # a loop, not a slice assignment (see segment_stats)
        w[q] = 0.5 * (tt[q + 1] - tt[q - 1])
    vals = v[idx]
    order = np.argsort(vals)
    half = 0.5 * w.sum()
    acc = 0.0
    for q in range(m):
        acc += w[order[q]]
        if acc >= half:
            return vals[order[q]]
    return vals[order[m - 1]]


@njit(cache=True, nogil=True, inline="always")
def _center(
    x: np.ndarray, y: np.ndarray, members: np.ndarray, cnt: int, bx: np.ndarray, by: np.ndarray
) -> tuple:
    # median of the group's members, sampled evenly to at most 32 values, in
    # preallocated buffers (no allocation per call: this runs for every new group)
    step = max(1, cnt // 32)
    # int(0), not the literal 0: one compiled signature (see _kernels._add_stay)
    j = int(0)  # noqa: UP018, RUF046
    for q in range(0, cnt, step):
        if j == 32:
            break
        bx[j] = x[members[q]]
        by[j] = y[members[q]]
        j += 1
    return _small_median(bx, j), _small_median(by, j)


@njit(cache=True, nogil=True, inline="always")
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
    # Whole-group median (a recent-window median would follow creeping traffic).
    bufs = (np.empty(32), np.empty(32))
    limits = (max_gap_s, excursion_s, settle_s)
    # int(0), not the literal 0: one compiled signature (see _kernels._add_stay)
    ng = int(0)  # noqa: UP018, RUF046
    i = int(0)  # noqa: UP018, RUF046
    while i < n:
        last_in = _grow_group(t, x, y, radius_m, i, ng, group, members, bufs, limits)
        starts[ng] = i
        ends[ng] = last_in
        ng += 1
        i = last_in + 1
    return group, starts[:ng].copy(), ends[:ng].copy()


@njit(cache=True, nogil=True, inline="always")
def _grow_group(
    t: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    radius_m: np.ndarray,
    start: int,
    ng: int,
    group: np.ndarray,
    members: np.ndarray,
    bufs: tuple,
    limits: tuple,
) -> int:
    """Grow group ``ng`` from fix ``start`` (see :func:`scan_groups`); its last member.

    ``bufs`` are the two median buffers, ``limits`` is (max_gap_s, excursion_s, settle_s).
    """
    max_gap_s, excursion_s, settle_s = limits
    n = t.shape[0]
    cx = x[start]
    cy = y[start]
    cnt = 1
    members[0] = start
    group[start] = ng
    last_in = start
    next_update = 8
    sx = x[start]
    sy = y[start]
    j = start + 1
    while j < n:
        if t[j] - t[last_in] > max_gap_s:
            break
        dx = x[j] - cx
        dy = y[j] - cy
        rj = radius_m[j]
        if dx * dx + dy * dy <= rj * rj:  # squared: no libm hypot per fix
            members[cnt] = j
            cnt += 1
            group[j] = ng
            last_in = j
            sx += x[j]
            sy += y[j]
            if cnt < 8:
                # a young group (or a moving fix's): its running mean is cheap and
                # close enough; the median takes over once outliers can matter
                cx, cy = sx / cnt, sy / cnt
            elif cnt >= next_update:
                cx, cy = _center(x, y, members, cnt, bufs[0], bufs[1])
                next_update = cnt + max(2, min(cnt // 4, 64))
            j += 1
            continue
        # j is outside: tolerate a short excursion of an established group
        if t[last_in] - t[start] < settle_s:
            break
        found = _excursion_end(t, x, y, radius_m, j, last_in, cx, cy, max_gap_s, excursion_s)
        if found < 0:
            break
        j = found
    return last_in


@njit(cache=True, nogil=True, inline="always")
def _excursion_end(
    t: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    radius_m: np.ndarray,
    j: int,
    last_in: int,
    cx: float,
    cy: float,
    max_gap_s: float,
    excursion_s: float,
) -> int:
    """The first fix back inside after the excursion starting at ``j``, or -1 (none in time).

    A one-fix excursion is always tolerated; longer ones up to ``excursion_s``.
    """
    n = t.shape[0]
    found = -1
    k = j + 1
    while k < n:
        if t[k] - t[last_in] > max_gap_s:
            break
        ex = x[k] - cx
        ey = y[k] - cy
        inside = ex * ex + ey * ey <= radius_m[k] * radius_m[k]
        if inside:
            if k == j + 1 or t[k] - t[last_in] <= excursion_s:
                found = k
            break
        if t[k] - t[last_in] > excursion_s:
            break
        k += 1
    return found


@njit(cache=True, nogil=True, inline="always")
def segment_stats(
    x: np.ndarray, y: np.ndarray, radius: np.ndarray, members: np.ndarray, offsets: np.ndarray
) -> tuple:
    """Per segment (``members[offsets[i]:offsets[i+1]]``): median x, median y, the 80th
    percentile distance to that centre, and the median per-fix radius.

    Each statistic is taken over at most 64 members sampled evenly through the
    segment, in preallocated buffers: a fragment's centre is needed to a few
    metres, and this runs for every fragment of the day.
    """
    k = offsets.shape[0] - 1
    cx = np.empty(k)
    cy = np.empty(k)
    spread = np.empty(k)
    rad = np.empty(k)
    bx = np.empty(64)
    by = np.empty(64)
    br = np.empty(64)
    bd = np.empty(64)
    tx = np.empty(64)
    ty = np.empty(64)
    for i in range(k):
        lo = offsets[i]
        m = offsets[i + 1] - lo
        step = max(1, (m + 63) // 64)
        j = int(0)  # noqa: UP018, RUF046 - not the literal 0 (see _center)
        for q in range(lo, lo + m, step):
            f = members[q]
            bx[j] = x[f]
            by[j] = y[f]
            br[j] = radius[f]
            j += 1
        for q in range(j):  # a loop: a slice assignment compiles numba's shape-mismatch
            tx[q] = bx[q]  # error message formatting (1.7 s of compile, issue 18)
            ty[q] = by[q]
        mx = _small_median(tx, j)  # sorts the copies; bx, by stay paired
        my = _small_median(ty, j)
        for q in range(j):
            bd[q] = np.hypot(bx[q] - mx, by[q] - my)
        _small_median(bd, j)  # sorts bd[:j]
        spread[i] = bd[min(j - 1, int(0.8 * (j - 1) + 0.5))]
        cx[i] = mx
        cy[i] = my
        rad[i] = _small_median(br, j)
    return cx, cy, spread, rad


@njit(cache=True, nogil=True, inline="always")
def fragments(
    t: np.ndarray, group: np.ndarray, starts: np.ndarray, ends: np.ndarray, min_fragment_s: float
) -> tuple:
    """Members of the groups lasting ``min_fragment_s`` or more, flattened with offsets.

    Returns ``(members, offsets, frag_start, frag_end)``: fragment ``i`` is
    ``members[offsets[i]:offsets[i + 1]]``, from fix ``frag_start[i]`` to ``frag_end[i]``.
    """
    n = t.shape[0]
    ng = starts.shape[0]
    members = np.empty(n, dtype=np.int64)
    offsets = np.empty(ng + 1, dtype=np.int64)
    frag_start = np.empty(ng, dtype=np.int64)
    frag_end = np.empty(ng, dtype=np.int64)
    nf = 0
    m = 0
    offsets[0] = 0
    for g in range(ng):
        if ends[g] > starts[g] and t[ends[g]] - t[starts[g]] >= min_fragment_s:
            for j in range(starts[g], ends[g] + 1):
                if group[j] == g:
                    members[m] = j
                    m += 1
            frag_start[nf] = starts[g]
            frag_end[nf] = ends[g]
            nf += 1
            offsets[nf] = m
    return members[:m], offsets[: nf + 1], frag_start[:nf], frag_end[:nf]


@njit(cache=True, nogil=True, inline="always")
def joins(
    t: np.ndarray,
    a: int,
    b: int,
    dx: float,
    dy: float,
    reach: float,
    max_gap_s: float,
    excursion_s: float,
    merge_gap_s: float,
) -> bool:
    """Whether the next fragment (first fix ``b``) continues the run (last fix ``a``).

    ``dx``, ``dy``: the fragment's centre from the run's weighted centre (m).
    """
    gap = t[b] - t[a]
    seen_s = t[b - 1] - t[a + 1] if b - a > 2 else 0.0
    dist = np.hypot(dx, dy)
    contiguous = seen_s <= excursion_s and dist <= 2.0 * reach
    close = dist <= reach and min(gap, seen_s) <= merge_gap_s
    return gap <= max_gap_s and (close or contiguous)
