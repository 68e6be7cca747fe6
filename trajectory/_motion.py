"""Compiled tests of whether a stay was slow motion: creeping traffic, stop-and-go queues.

Part of the stay assembly of :mod:`trajectory._kernels`: a group of fixes that
stays within the radius for minutes may still be a car in a jam or a slow walk.
Inputs are the kernels' arrays (``t`` s, ``x``/``y`` m) and ``kept``, the indices
of the stay's fixes.
"""

# mypy: disallow-any-generics=False, warn-return-any=False
# (numba kernels: plain ndarray/tuple signatures are what numba compiles; as for
# trajectory._kernels in pyproject.toml)
from __future__ import annotations

import numpy as np
from numba import njit

#: Constants of the creep test (see is_creeping).
CREEP_RHO = 0.7
STRICT_CREEP_RHO = 0.88
CREEP_MPS = 0.13
SLOW_CREEP_MPS = 0.1
STILL_MPS = 0.25
#: Rank correlation enough for a stay of at most QUEUE_MAX_S whose phone says it moved.
MOVING_CREEP_RHO = 0.55
#: Cosine between a creep's progression and the way the track goes on (see _moves_on).
CREEP_COS = 0.4
#: The phone's speeds are averaged without the first and last 1/EDGE_SHARE_INV of fixes.
EDGE_SHARE_INV = 10


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


@njit(cache=True, nogil=True, inline="always")
def is_creeping(
    kept: np.ndarray,
    t: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    speed: np.ndarray,
    creep_m: float,
    by_time: bool,
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
    moved; so does ``MOVING_CREEP_RHO`` for a stay of at most ``QUEUE_MAX_S`` (a queue's
    halts pull the correlation down, its phone reports the hops).  A phone whose
    speeds average below ``STILL_MPS`` stood still: whatever the positions did, that
    was the GPS (the first and last tenth of the fixes, the walk in and out, are left
    out of that average: with them an 11-minute indoor visit drifting 96 m averaged
    0.29 m/s, without 0.06).  Thresholds were set on generated days and checked on the
    real diary trace, whose stops stroll 40-70 m at about 0.11 m/s.  The quarters are
    a quarter of the fixes each, or ``by_time`` the fixes of the first and last quarter
    of the time (the stay assembly's second look, see ``trajectory._kernels._add_stay``).
    """
    n = kept.shape[0]
    if n < 5:
        return False
    moving_per_phone = False
    sp_sum = 0.0
    sp_n = 0
    edge = n // EDGE_SHARE_INV  # the walk in and out is not the dwell
    for i in range(edge, n - edge):
        v = speed[kept[i]]
        if np.isfinite(v):
            sp_sum += v
            sp_n += 1
    if sp_n >= max(3, (n - 2 * edge) // 2):
        if sp_sum / sp_n < STILL_MPS:
            return False
        moving_per_phone = True
    duration = t[kept[n - 1]] - t[kept[0]]
    dx, dy = _quarters_apart(kept, t, x, y, by_time)
    apart = np.hypot(dx, dy)
    if apart <= 0.5 * creep_m:
        return False
    net_mps = apart / max(duration, 1.0)
    if net_mps < SLOW_CREEP_MPS:
        return False
    along = (x[kept] * dx + y[kept] * dy) / apart
    rho = spearman(t[kept], along)
    progress = (rho > CREEP_RHO and net_mps >= CREEP_MPS) or (
        moving_per_phone
        and (rho > STRICT_CREEP_RHO or (duration <= QUEUE_MAX_S and rho > MOVING_CREEP_RHO))
    )
    return progress and _moves_on(kept, t, x, y, dx / apart, dy / apart)


@njit(cache=True, nogil=True, inline="always")
def _quarters_apart(
    kept: np.ndarray, t: np.ndarray, x: np.ndarray, y: np.ndarray, by_time: bool
) -> tuple:
    """(dx, dy) from the median of the stay's first quarter to that of its last: a quarter
    of its fixes (at least 2), or ``by_time`` the fixes of its first / last quarter of
    the time (at least the first / last 2)."""
    n = kept.shape[0]
    q = max(2, n // 4)
    a = kept[:q]
    b = kept[n - q :]
    if by_time:
        tk = t[kept]
        quarter = 0.25 * (tk[n - 1] - tk[0])
        a = kept[: max(2, int(np.sum(tk <= tk[0] + quarter)))]
        b = kept[n - max(2, int(np.sum(tk >= tk[n - 1] - quarter))) :]
    return np.median(x[b]) - np.median(x[a]), np.median(y[b]) - np.median(y[a])


@njit(cache=True, nogil=True, inline="always")
def _moves_on(
    kept: np.ndarray, t: np.ndarray, x: np.ndarray, y: np.ndarray, ux: float, uy: float
) -> bool:
    """The track goes on the way the stay progressed (unit vector ``ux``, ``uy``): from the
    fix ``QUEUE_REACH_M`` before the stay's first to the one that far after its last,
    within ``CREEP_COS``.  Traffic creeps the way it goes; indoor drift that happens to
    progress points anywhere, and a track that leaves the way it came is no queue.
    Unknown (no track within ``QUEUE_LOOK_S`` either side): True."""
    i0 = kept[0]
    i1 = kept[kept.shape[0] - 1]
    # int(...) (noqa: UP018, RUF046), not a literal step: one signature (see _kernels._add_stay)
    j = _reach_out(t, x, y, i0, int(-1), x[i0], y[i0])  # noqa: UP018, RUF046
    k = _reach_out(t, x, y, i1, int(1), x[i1], y[i1])  # noqa: UP018, RUF046
    if j < 0 or k < 0:
        return True
    lx, ly = x[k] - x[j], y[k] - y[j]
    ll = np.hypot(lx, ly)
    if ll < QUEUE_REACH_M:
        return True
    return (lx * ux + ly * uy) / ll >= CREEP_COS


#: Constants of the queue test (see is_queue).
QUEUE_MAX_S = 300.0
QUEUE_RHO = 0.5
QUEUE_ELONGATION = 2.0
QUEUE_COS = 0.9
QUEUE_OFFSET_M = 12.0
QUEUE_REACH_M = 40.0
QUEUE_LOOK_S = 600.0


@njit(cache=True, nogil=True, inline="always")
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
    if not _steady_progress(kept, t, x, y, duration):
        return False
    px = x[kept]
    py = y[kept]
    cx = np.median(px)
    cy = np.median(py)
    angle = _major_axis(px, py)
    if np.isnan(angle):
        return False
    return _along_the_road(t, x, y, i0, i1, cx, cy, angle)


@njit(cache=True, nogil=True, inline="always")
def _steady_progress(
    kept: np.ndarray, t: np.ndarray, x: np.ndarray, y: np.ndarray, duration: float
) -> bool:
    """First to last quarter at ``SLOW_CREEP_MPS`` or more, rank-correlated above ``QUEUE_RHO``."""
    n = kept.shape[0]
    q = max(2, n // 4)
    dx = np.median(x[kept[n - q :]]) - np.median(x[kept[:q]])
    dy = np.median(y[kept[n - q :]]) - np.median(y[kept[:q]])
    apart = np.hypot(dx, dy)
    if apart <= 0.0 or apart / max(duration, 1.0) < SLOW_CREEP_MPS:
        return False
    rho = spearman(t[kept], (x[kept] * dx + y[kept] * dy) / apart)
    return not rho < QUEUE_RHO  # written as the original rejection test (NaN passes)


@njit(cache=True, nogil=True, inline="always")
def _major_axis(px: np.ndarray, py: np.ndarray) -> float:
    """Direction (rad) of the fixes' major axis; NaN unless ``QUEUE_ELONGATION`` : 1 or more."""
    n = px.shape[0]
    ux = px - px.mean()
    uy = py - py.mean()
    sxx = np.dot(ux, ux) / n
    syy = np.dot(uy, uy) / n
    sxy = np.dot(ux, uy) / n
    half = 0.5 * (sxx + syy)
    root = np.sqrt(0.25 * (sxx - syy) ** 2 + sxy * sxy)
    if half + root < QUEUE_ELONGATION**2 * max(half - root, 1e-9):
        return np.nan
    return 0.5 * np.arctan2(2.0 * sxy, sxx - syy)  # direction of the major axis


@njit(cache=True, nogil=True, inline="always")
def _along_the_road(
    t: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    i0: int,
    i1: int,
    cx: float,
    cy: float,
    angle: float,
) -> bool:
    """The track comes in and leaves along the axis through the centre (see ``is_queue``)."""
    # the track just outside the stay, QUEUE_REACH_M from its centre
    j = _reach_out(t, x, y, i0, int(-1), cx, cy)  # noqa: UP018, RUF046
    k = _reach_out(t, x, y, i1, int(1), cx, cy)  # noqa: UP018, RUF046
    if j < 0 or k < 0:
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


@njit(cache=True, nogil=True)
def _reach_out(
    t: np.ndarray, x: np.ndarray, y: np.ndarray, i: int, step: int, px: float, py: float
) -> int:
    """The first fix from ``i`` (exclusive) in direction ``step`` (-1 back, +1 on) at
    ``QUEUE_REACH_M`` or more from (``px``, ``py``); -1 when the track ends first or that
    fix is more than ``QUEUE_LOOK_S`` away in time."""
    j = i + step
    m = t.shape[0]
    while 0 <= j < m and np.hypot(x[j] - px, y[j] - py) < QUEUE_REACH_M:
        j += step
    if j < 0 or j >= m or abs(t[j] - t[i]) > QUEUE_LOOK_S:
        return -1
    return j
