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
def _center(
    x: np.ndarray, y: np.ndarray, members: np.ndarray, cnt: int, bx: np.ndarray, by: np.ndarray
) -> tuple:
    # median of the group's members, sampled evenly to at most 32 values, in
    # preallocated buffers (no allocation per call: this runs for every new group)
    step = max(1, cnt // 32)
    j = 0
    for q in range(0, cnt, step):
        if j == 32:
            break
        bx[j] = x[members[q]]
        by[j] = y[members[q]]
        j += 1
    return _small_median(bx, j), _small_median(by, j)


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
    # Whole-group median (a recent-window median would follow creeping traffic).
    bx = np.empty(32)
    by = np.empty(32)
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
        next_update = 8
        sx = x[i]
        sy = y[i]
        j = i + 1
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
                    cx, cy = _center(x, y, members, cnt, bx, by)
                    next_update = cnt + max(2, min(cnt // 4, 64))
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
        j = 0
        for q in range(lo, lo + m, step):
            f = members[q]
            bx[j] = x[f]
            by[j] = y[f]
            br[j] = radius[f]
            j += 1
        tx[:j] = bx[:j]
        ty[:j] = by[:j]
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


# --- stay assembly: fragments -> merged visits -> trimmed, checked stays -------------

#: Constants of the creep test (see is_creeping).
CREEP_RHO = 0.7
STRICT_CREEP_RHO = 0.88
CREEP_MPS = 0.13
SLOW_CREEP_MPS = 0.1
STILL_MPS = 0.25


@njit(cache=True, nogil=True)
def _ranks(a: np.ndarray) -> np.ndarray:
    order = np.argsort(a, kind="mergesort")
    r = np.empty(a.shape[0])
    for i in range(order.shape[0]):
        r[order[i]] = i
    return r


@njit(cache=True, nogil=True)
def spearman(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman rank correlation (ties broken by position)."""
    ra = _ranks(a)
    rb = _ranks(b)
    ra -= ra.mean()
    rb -= rb.mean()
    denom = np.sqrt(np.dot(ra, ra) * np.dot(rb, rb))
    return np.dot(ra, rb) / denom if denom > 0 else 0.0


@njit(cache=True, nogil=True)
def is_creeping(
    kept: np.ndarray,
    t: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    speed: np.ndarray,
    creep_m: float,
) -> bool:
    """Creeping traffic or a slow walk: steady progress in one direction.

    Creeping when the first and last quarters of the stay lie more than half of
    ``creep_m`` apart at a net speed of at least ``CREEP_MPS`` (stop-and-go
    queues average 0.3-1 m/s; GPS drift indoors, 20-80 m over many minutes, is
    slower) *and* the fixes progress along that line (Spearman rank correlation
    of time and position above ``CREEP_RHO``: indoor noise is correlated over
    minutes and wanders tens of metres, but it wanders back).  Slower
    stop-and-go (net 0.1-0.13 m/s) counts when the progression is strictly
    monotone (above ``STRICT_CREEP_RHO``) and the phone's own speeds say it
    moved.  A phone whose speeds average below ``STILL_MPS`` stood still:
    whatever the positions did, that was the GPS.  Thresholds were set on
    generated days and checked on the real diary-labelled trace, whose dwelling
    stops stroll 40-70 m at about 0.11 m/s.
    """
    n = kept.shape[0]
    if n < 5:
        return False
    moving_per_phone = False
    sp_sum = 0.0
    sp_n = 0
    for i in range(n):
        v = speed[kept[i]]
        if np.isfinite(v):
            sp_sum += v
            sp_n += 1
    if sp_n >= max(3, n // 2):
        if sp_sum / sp_n < STILL_MPS:
            return False
        moving_per_phone = True
    q = max(2, n // 4)
    dx = np.median(x[kept[n - q :]]) - np.median(x[kept[:q]])
    dy = np.median(y[kept[n - q :]]) - np.median(y[kept[:q]])
    apart = np.hypot(dx, dy)
    if apart <= 0.5 * creep_m:
        return False
    duration = t[kept[n - 1]] - t[kept[0]]
    net_mps = apart / max(duration, 1.0)
    if net_mps < SLOW_CREEP_MPS:
        return False
    along = (x[kept] * dx + y[kept] * dy) / apart
    rho = spearman(t[kept], along)
    return (rho > CREEP_RHO and net_mps >= CREEP_MPS) or (
        moving_per_phone and rho > STRICT_CREEP_RHO
    )


#: Constants of the queue test (see is_queue).
QUEUE_MAX_S = 300.0
QUEUE_RHO = 0.5
QUEUE_ELONGATION = 2.0
QUEUE_COS = 0.9
QUEUE_OFFSET_M = 12.0
QUEUE_REACH_M = 40.0
QUEUE_LOOK_S = 600.0


@njit(cache=True, nogil=True)
def is_queue(kept: np.ndarray, t: np.ndarray, x: np.ndarray, y: np.ndarray) -> bool:
    """A short stretch of a stop-and-go queue: the creep test's uncertain cases, by geometry.

    A queue's hops (1-3 m/s between halts of 5-50 s) have the speed and rank
    signature of a visit's walk in and out, so ``is_creeping`` lets some
    through.  Its geometry differs: the car moves along the road, so the
    fixes are elongated along one axis (principal axes at least
    ``QUEUE_ELONGATION`` : 1), the track comes in and leaves along that same
    line (the last fix ``QUEUE_REACH_M`` before the stay, the centre and the
    first fix that far after it turn by less than acos ``QUEUE_COS``, the axis
    lies along the line through those two fixes, the centre at most
    ``QUEUE_OFFSET_M`` off it).  A visit's centre sits off the street (the
    person walks into a building and comes back out), or the track turns away.
    Only short stays with some steady progress are tested: at most
    ``QUEUE_MAX_S`` long (a queue crosses the stay radius in a few minutes;
    visits last longer), first to last quarter at no less than
    ``SLOW_CREEP_MPS``, time and position rank-correlated above ``QUEUE_RHO``.
    The phone's own speed is not consulted: in a queue it averages near the
    ``STILL_MPS`` waiver.  Thresholds were set on generated traffic_jam days
    (seeds 1000-1059) and checked on 300 unseen ones and the real diary trace.
    """
    n = kept.shape[0]
    if n < 5:
        return False
    i0 = kept[0]
    i1 = kept[n - 1]
    duration = t[i1] - t[i0]
    if duration > QUEUE_MAX_S:
        return False
    q = max(2, n // 4)
    dx = np.median(x[kept[n - q :]]) - np.median(x[kept[:q]])
    dy = np.median(y[kept[n - q :]]) - np.median(y[kept[:q]])
    apart = np.hypot(dx, dy)
    if apart <= 0.0 or apart / max(duration, 1.0) < SLOW_CREEP_MPS:
        return False
    if spearman(t[kept], (x[kept] * dx + y[kept] * dy) / apart) < QUEUE_RHO:
        return False
    px = x[kept]
    py = y[kept]
    cx = np.median(px)
    cy = np.median(py)
    ux = px - px.mean()
    uy = py - py.mean()
    sxx = np.dot(ux, ux) / n
    syy = np.dot(uy, uy) / n
    sxy = np.dot(ux, uy) / n
    half = 0.5 * (sxx + syy)
    root = np.sqrt(0.25 * (sxx - syy) ** 2 + sxy * sxy)
    if half + root < QUEUE_ELONGATION**2 * max(half - root, 1e-9):
        return False
    angle = 0.5 * np.arctan2(2.0 * sxy, sxx - syy)  # direction of the major axis
    # the track just outside the stay, QUEUE_REACH_M from its centre
    j = i0 - 1
    while j >= 0 and np.hypot(x[j] - cx, y[j] - cy) < QUEUE_REACH_M:
        j -= 1
    k = i1 + 1
    m = t.shape[0]
    while k < m and np.hypot(x[k] - cx, y[k] - cy) < QUEUE_REACH_M:
        k += 1
    if j < 0 or k >= m or t[i0] - t[j] > QUEUE_LOOK_S or t[k] - t[i1] > QUEUE_LOOK_S:
        return False
    ax, ay = cx - x[j], cy - y[j]
    bx, by = x[k] - cx, y[k] - cy
    la = np.hypot(ax, ay)
    lb = np.hypot(bx, by)
    lx, ly = x[k] - x[j], y[k] - y[j]
    ll = np.hypot(lx, ly)
    if la <= 0.0 or lb <= 0.0 or ll <= 1.0:
        return False
    collinear = (ax * bx + ay * by) / (la * lb) >= QUEUE_COS
    along = abs(np.cos(angle) * lx + np.sin(angle) * ly) / ll >= QUEUE_COS
    on_line = abs(ax * ly - ay * lx) / ll <= QUEUE_OFFSET_M
    return collinear and along and on_line


#: Statistics of a stay (centre, spread, creep) are taken over at most this many
#: of its fixes, spread evenly from the first to the last: a 1 s-sampled hour
#: would otherwise sort 3,600 values a dozen times for a centre known to metres.
STAT_SAMPLE = 256


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
def assemble_stays(
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
    n = t.shape[0]
    group, starts, ends = scan_groups(t, x, y, radius, max_gap_s, excursion_s, settle_s)
    ng = starts.shape[0]
    min_fragment_s = min(settle_s, min_stay_s / 4.0)
    # members of significant fragments, flattened with offsets
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
    out_first = np.empty(nf, dtype=np.int64)
    out_last = np.empty(nf, dtype=np.int64)
    out_cx = np.empty(nf)
    out_cy = np.empty(nf)
    out_n = np.empty(nf, dtype=np.int64)
    out_spread = np.empty(nf)
    out_gap = np.empty(nf)
    if nf == 0:
        return out_first, out_last, out_cx, out_cy, out_n, out_spread, out_gap
    cx, cy, spread, frag_r = segment_stats(x, y, radius, members[:m], offsets[: nf + 1])
    sizes = offsets[1 : nf + 1] - offsets[:nf]
    ns = 0
    run_first = 0  # first fragment of the current merged run
    wx = cx[0] * sizes[0]
    wy = cy[0] * sizes[0]
    wn = sizes[0]
    for k in range(1, nf + 1):
        merge = False
        if k < nf:
            mx, my = wx / wn, wy / wn
            a, b = frag_end[k - 1], frag_start[k]
            gap = t[b] - t[a]
            seen_s = t[b - 1] - t[a + 1] if b - a > 2 else 0.0
            reach = max(max(frag_r[k], frag_r[k - 1]), max(spread[k], spread[k - 1]))
            dist = np.hypot(cx[k] - mx, cy[k] - my)
            contiguous = seen_s <= excursion_s and dist <= 2.0 * reach
            close = dist <= reach and min(gap, seen_s) <= merge_gap_s
            merge = gap <= max_gap_s and (close or contiguous)
        if merge:
            wx += cx[k] * sizes[k]
            wy += cy[k] * sizes[k]
            wn += sizes[k]
            continue
        # finish the run of fragments run_first .. k-1
        mem = members[offsets[run_first] : offsets[k]]
        if t[mem[-1]] - t[mem[0]] >= min_stay_s:
            few = _thin(mem, STAT_SAMPLE)
            r = np.median(radius[few])
            mx = np.median(x[few])
            my = np.median(y[few])
            d = np.hypot(x[mem] - mx, y[mem] - my)
            lo = -1
            hi = -1
            for i in range(mem.shape[0]):
                if d[i] <= r:
                    if lo < 0:
                        lo = i
                    hi = i
            if lo >= 0 and hi > lo:
                sub = mem[lo : hi + 1]
                dd = d[lo : hi + 1]
                kept = sub[dd <= 1.5 * r]
                long_enough = kept.shape[0] >= 2 and t[kept[-1]] - t[kept[0]] >= min_stay_s
                few = _thin(kept, STAT_SAMPLE)
                if (
                    long_enough
                    and not is_creeping(few, t, x, y, speed, creep_m)
                    and not is_queue(few, t, x, y)
                ):
                    fx = np.median(x[few])
                    fy = np.median(y[few])
                    out_first[ns] = kept[0]
                    out_last[ns] = kept[-1]
                    out_cx[ns] = fx
                    out_cy[ns] = fy
                    out_n[ns] = kept.shape[0]
                    out_spread[ns] = np.percentile(np.hypot(x[few] - fx, y[few] - fy), 80.0)
                    out_gap[ns] = np.max(np.diff(t[kept]))
                    ns += 1
        if k < nf:
            run_first = k
            wx = cx[k] * sizes[k]
            wy = cy[k] * sizes[k]
            wn = sizes[k]
    # Consecutive stays at the same place with no stay between them and at most
    # 2 * merge_gap_s apart are one visit cut by a burst or an excursion that
    # formed a fragment of its own.
    w = 0
    for i in range(ns):
        if w > 0:
            j = w - 1
            gap = t[out_first[i]] - t[out_last[j]]
            reach = max(
                max(out_spread[j], out_spread[i]), np.median(radius[out_first[j] : out_last[j] + 1])
            )
            if (
                gap <= 2.0 * merge_gap_s
                and np.hypot(out_cx[i] - out_cx[j], out_cy[i] - out_cy[j]) <= reach
            ):
                nj, ni = out_n[j], out_n[i]
                out_cx[j] = (out_cx[j] * nj + out_cx[i] * ni) / (nj + ni)
                out_cy[j] = (out_cy[j] * nj + out_cy[i] * ni) / (nj + ni)
                out_spread[j] = max(out_spread[j], out_spread[i])
                out_gap[j] = max(max(out_gap[j], out_gap[i]), gap)
                out_last[j] = out_last[i]
                out_n[j] = nj + ni
                continue
        out_first[w] = out_first[i]
        out_last[w] = out_last[i]
        out_cx[w] = out_cx[i]
        out_cy[w] = out_cy[i]
        out_n[w] = out_n[i]
        out_spread[w] = out_spread[i]
        out_gap[w] = out_gap[i]
        w += 1
    return (
        out_first[:w],
        out_last[:w],
        out_cx[:w],
        out_cy[:w],
        out_n[:w],
        out_spread[:w],
        out_gap[:w],
    )
