"""Compiled (numba) scans over consecutive GPS fixes: burst flags and smooth steps.

Sequential like the stay scans of :mod:`trajectory._kernels` (each fix's fate depends
on the last good one), so compiled with numba.  ``flag_bursts`` and
``flag_round_trips`` serve the cleaning, ``smooth_steps`` the integrity check's
simulated-route test.  Inputs are float64 arrays: ``t`` in seconds, ``x``/``y`` in metres
of a local projection.
"""

from __future__ import annotations

__all__ = ["flag_bursts", "flag_round_trips", "kernel_array", "smooth_steps"]

import numpy as np
from numba import njit


def kernel_array(a: np.ndarray) -> np.ndarray:
    """``a`` as the one array type the kernels are compiled for: float64, C-contiguous,
    writable (copied only when it is not).  numba compiles a kernel again, for tens of
    seconds, for every new argument type (a read-only pandas column, a reversed view,
    an int array), and ``trajcheck warmup`` compiles only the types it meets."""
    return np.require(a, dtype=np.float64, requirements=("C", "W"))


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
        dx, dy = x[i] - x[prev], y[i] - y[prev]
        d = _far(dx, dy, 0.99 * jump_m)  # 0 when surely shorter than jump_m
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
def _far(dx: float, dy: float, min_m: float) -> float:
    """``hypot(dx, dy)`` when it may exceed ``min_m``, else 0 (hypot is costly; the bound
    ``hypot <= |dx| + |dy|`` decides most steps)."""
    return np.hypot(dx, dy) if abs(dx) + abs(dy) > min_m else 0.0


@njit(cache=True, nogil=True)
def _still(t: np.ndarray, x: np.ndarray, y: np.ndarray, j: int, min_mps: float) -> bool:
    """The hop from fix ``j`` to ``j + 1`` exists and is slower than a quarter of ``min_mps``."""
    if j < 0 or j + 1 >= t.shape[0]:
        return False
    hop = float(np.hypot(x[j + 1] - x[j], y[j + 1] - y[j]))
    return bool(hop / max(t[j + 1] - t[j], 1.0) < 0.25 * min_mps)


@njit(cache=True, nogil=True)
def flag_round_trips(
    t: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    min_mps: float,
    min_m: float,
    max_n: int,
    max_s: float,
    back_share: float,
) -> np.ndarray:
    """Flag runs of 1..``max_n`` fixes (lasting at most ``max_s``) that are entered by one
    hop faster than ``min_mps`` over more than ``min_m`` and left by another such hop
    that lands within ``back_share`` of the first hop's length of the fix before the run,
    with the phone at rest (a hop under a quarter of ``min_mps``) just before the run and
    just after its return.

    A phone that falls back to cell or Wi-Fi positions for a few minutes reports a
    cluster hundreds of metres off and then the place it never left.  Sampled every
    30 s or more, the hops there and back stay under ``flag_bursts``' speed limit, but
    nobody drives a few hundred metres from a standstill at that speed, stops, and
    drives back to the same spot at that speed again, each way within one interval (a
    car that turns at the end of a fast road and comes back is not at rest around it).
    """
    n = t.shape[0]
    bad = np.zeros(n, dtype=np.bool_)
    i = 1
    while i < n - 1:
        p = i - 1
        d = _far(x[i] - x[p], y[i] - y[p], min_m)
        found = -1
        if d > min_m and d / max(t[i] - t[p], 1.0) > min_mps:
            for k in range(i + 1, min(n, i + max_n + 1)):
                if t[k - 1] - t[i] > max_s:
                    break
                back = _far(x[k] - x[k - 1], y[k] - y[k - 1], min_m)
                if back > min_m and back / max(t[k] - t[k - 1], 1.0) > min_mps:
                    home = np.hypot(x[k] - x[p], y[k] - y[p]) <= back_share * d
                    if home and _still(t, x, y, p - 1, min_mps) and _still(t, x, y, k, min_mps):
                        found = k
                    break  # the first fast hop ends the run, back or not
        if found > 0:
            bad[i:found] = True
            i = found + 1
        else:
            i += 1
    return bad


@njit(cache=True, nogil=True)
def smooth_steps(
    t: np.ndarray, x: np.ndarray, y: np.ndarray, max_dv_mps: float, min_mps: float, max_dt_s: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Step velocities (m/s, step ``i``: fix ``i`` to ``i + 1``, over at least 1 ms) and,
    per pair of steps ``i``, ``i + 1``, whether the velocity changed by at most
    ``max_dv_mps`` with both steps at ``min_mps`` or faster and the second lasting at
    most ``max_dt_s`` (integrity's simulated routes).  The same operations as the NumPy
    expressions they replace; ``np.hypot`` (the costly part) only where a bound does
    not already decide the comparison."""
    n = t.shape[0]
    vx = np.empty(max(n - 1, 0))
    vy = np.empty(max(n - 1, 0))
    for i in range(n - 1):
        step_s = max(t[i + 1] - t[i], 1e-3)
        vx[i] = (x[i + 1] - x[i]) / step_s
        vy[i] = (y[i + 1] - y[i]) / step_s
    smooth = np.zeros(max(n - 2, 0), dtype=np.bool_)
    for i in range(n - 2):
        if (
            t[i + 2] - t[i + 1] <= max_dt_s
            and _hypot_at_least(vx[i], vy[i], min_mps)
            and _hypot_at_least(vx[i + 1], vy[i + 1], min_mps)
        ):
            smooth[i] = _hypot_at_most(vx[i + 1] - vx[i], vy[i + 1] - vy[i], max_dv_mps)
    return vx, vy, smooth


@njit(cache=True, nogil=True)
def _hypot_at_least(a: float, b: float, limit: float) -> bool:
    """``np.hypot(a, b) >= limit`` (False for NaN), decided by the bounds
    ``max(|a|, |b|) <= hypot <= |a| + |b|`` (1 % margins) where they can."""
    a, b = abs(a), abs(b)
    if not a + b >= 0.99 * limit:
        return False
    if max(a, b) > 1.01 * limit:
        return True
    return bool(np.hypot(a, b) >= limit)


@njit(cache=True, nogil=True)
def _hypot_at_most(a: float, b: float, limit: float) -> bool:
    """``np.hypot(a, b) <= limit`` (False for NaN), by the same bounds where they can."""
    a, b = abs(a), abs(b)
    if a + b <= 0.99 * limit:
        return True
    if not max(a, b) <= 1.01 * limit:
        return False
    return bool(np.hypot(a, b) <= limit)
