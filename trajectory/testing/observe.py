"""What the phone records of a generated day's true path: sampled, noisy, faulty fixes.

The path is sampled like a phone does and corrupted like one: Gauss-Markov noise per
axis, 5-15 m outdoors and 15-40 m indoors or under a market roof (time constant
30-120 s), slow indoor drift (20-80 m), single jumps (100-2000 m), bursts of 3-8
cell/Wi-Fi fixes 300-1500 m off (bad ``accuracy_m`` reported half the time), indoor
signal gaps, missing speeds, duplicated uploads and shuffled rows.

References
----------
.. [1] J. Rankin, "An error model for sensor simulation GPS and differential GPS",
   IEEE PLANS 1994 (first-order Gauss-Markov GPS error).
"""

from __future__ import annotations

__all__ = ["observe", "row_order"]

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.signal import lfilter

from trajectory.testing.walk import Line
from trajectory.testing.world import Arr, World


@dataclass(frozen=True)
class _Faults:
    """Fault draws of one day: jumps (``j_*``) and bursts (``b_*``) on the 1 s grid."""

    no_speed: bool
    j_t: Arr
    j_off: Arr
    j_bad: npt.NDArray[np.bool_]
    j_acc: Arr
    nb: int
    b_t: npt.NDArray[np.int64]
    b_k: npt.NDArray[np.int64]
    b_off: Arr
    b_scatter: Arr
    b_bad: npt.NDArray[np.bool_]
    b_acc: Arr
    b_ok: Arr


def observe(
    w: World,
    line: Line,
    p: dict[str, Any],
    off: float,
    noise_rng: np.random.Generator,
    sample_rng: np.random.Generator,
    fault_rng: np.random.Generator,
) -> tuple[npt.NDArray[np.int64], dict[str, Any], dict[str, float]]:
    """Sample the path like a phone and corrupt the fixes; times are local seconds of the day."""
    t0, t1 = int(np.ceil(off)), int(np.floor(off + line.log_end))
    n_grid = t1 - t0 + 1
    # everything drawn before the sampling is the same whatever the sampling rate
    tau, s_out, s_in, ou = _gauss_markov(noise_rng, n_grid)
    indoor = np.zeros(n_grid, dtype=bool)
    for a, b in line.indoor:
        indoor[max(0, int(a + off) - t0) : max(0, int(b + off) - t0)] = True
    sigma = np.convolve(
        np.pad(np.where(indoor, s_in, s_out), 7, mode="edge"), np.full(15, 1 / 15), "valid"
    )
    faults = _draw_faults(fault_rng, p, t0, t1, indoor)
    obs = _sample_times(sample_rng, p, line, off, t0, t1, n_grid)
    n, i = len(obs), obs - t0
    times = line.times + off
    true = np.column_stack([np.interp(obs, times, line.points[:, k]) for k in (0, 1)])
    j = np.clip(np.searchsorted(times, obs, "right") - 1, 0, len(times) - 2)
    v_true = np.hypot(*(line.points[j + 1] - line.points[j]).T) / np.maximum(
        times[j + 1] - times[j], 1e-6
    )
    err = ou[:, i].T * sigma[i, None] + noise_rng.normal(0, 1.5, (n, 2))
    acc = np.clip(1.4 * sigma[i] * np.exp(noise_rng.normal(0, 0.3, n)), 3, None)
    drift = _drift(line, obs, off)
    pos = true + err + drift
    fault = _apply_faults(faults, obs, true, pos, acc)
    cols = {
        "pos": pos,
        "true": true,
        "indoor": indoor[i],
        "fault": fault,
        "drift_m": np.hypot(*drift.T),
        "acc": acc,
        "speed": _speeds(fault_rng, v_true, fault, faults.no_speed),
    }
    info = {
        "tau": tau,
        "s_out": s_out,
        "s_in": s_in,
        "jumps": float((fault == "jump").sum()),
        "bursts": float(faults.nb),
        "n": float(n),
    }
    return obs, cols, info


def row_order(
    obs: npt.NDArray[np.int64], messy: bool, rng: np.random.Generator
) -> npt.NDArray[np.intp]:
    """Row order of the upload: duplicated blocks; on messy days also batches out of order."""
    n = len(obs)
    idx = np.arange(n)
    if not messy:
        k = int(rng.integers(1, 3)) if rng.random() < 0.2 and n > 20 else 0
        dups = [
            idx[s : s + int(m)]
            for s, m in zip(rng.integers(0, max(n - 15, 1), k), rng.integers(3, 16, k), strict=True)
        ]
        rows = np.concatenate([idx, *dups])
        return rows[np.argsort(obs[rows], kind="stable")]
    cuts = np.cumsum(rng.integers(30, 300, n // 30 + 1))
    batches: list[npt.NDArray[np.intp]] = []
    for b in np.split(idx, cuts[cuts < n]):
        batches.append(b)
        if len(b) > 5 and rng.random() < 0.3:  # the upload was retried
            s = int(rng.integers(0, len(b) - 4))
            batches.append(b[s : s + int(rng.integers(5, 41))])
    sel = np.flatnonzero(rng.random(len(batches)) < 0.35)
    shuffled = list(batches)
    for a, b in zip(sel, rng.permutation(sel), strict=True):
        shuffled[a] = batches[b]
    return np.concatenate(shuffled)


def _gauss_markov(rng: np.random.Generator, n_grid: int) -> tuple[float, float, float, Arr]:
    """Time constant (s), outdoor and indoor sigma (m) and unit Gauss-Markov noise (2, n_grid)."""
    tau, s_out, s_in = (
        rng.uniform(30, 120),
        rng.uniform(5, 15),
        rng.uniform(15, 40),
    )
    phi, burn = np.exp(-1 / tau), int(5 * tau)
    white = rng.standard_normal((2, n_grid + burn))
    ou = lfilter([np.sqrt(1 - phi**2)], [1.0, -phi], white, axis=1)[:, burn:]  # unit Gauss-Markov
    return tau, s_out, s_in, ou


def _draw_faults(
    rng: np.random.Generator,
    p: dict[str, Any],
    t0: int,
    t1: int,
    indoor: npt.NDArray[np.bool_],
) -> _Faults:
    """Missing speeds, jumps and bursts of the day, drawn on the 1 s grid ``t0..t1``."""
    n_grid = len(indoor)
    hours = n_grid / 3600
    no_speed = rng.random() < 0.1
    nj = rng.poisson(p["jumps_h"] * rng.uniform(0.5, 1.5) * hours)
    j_t, j_off = rng.uniform(t0, t1, nj), _vectors(rng, nj, 100, 2000)
    j_bad, j_acc = rng.random(nj) < 0.5, rng.uniform(150, 1500, nj)
    nb = rng.poisson(p["bursts_h"] * rng.uniform(0.5, 1.5) * hours)
    weight = np.where(indoor, 3.0, 1.0)  # cell/Wi-Fi fallback mostly indoors
    b_t = t0 + rng.choice(n_grid, nb, p=weight / weight.sum())
    b_k, b_off = rng.integers(3, 9, nb), _vectors(rng, nb, 300, 1500)
    b_scatter = rng.normal(0, 25, (nb, 8, 2))
    b_bad, b_acc, b_ok = (
        rng.random(nb) < 0.5,
        rng.uniform(300, 2000, nb),
        rng.uniform(20, 60, (nb, 8)),
    )
    return _Faults(
        no_speed, j_t, j_off, j_bad, j_acc, nb, b_t, b_k, b_off, b_scatter, b_bad, b_acc, b_ok
    )


def _sample_times(
    rng: np.random.Generator,
    p: dict[str, Any],
    line: Line,
    off: float,
    t0: int,
    t1: int,
    n_grid: int,
) -> npt.NDArray[np.int64]:
    """Fix times (local s): the phone's intervals, missed fixes and the signal gaps removed."""
    step = p["sampling"]
    if step == 0:  # irregular: 1-60 s, log-uniform
        iv = np.rint(np.exp(rng.uniform(0, np.log(60), n_grid)))
    else:
        iv = np.full(n_grid, float(max(1, round(step))))
        if step >= 3:
            iv += rng.choice([-1.0, 0.0, 1.0], n_grid, p=[0.1, 0.8, 0.1])
    obs: npt.NDArray[np.int64] = t0 + np.r_[0, np.cumsum(iv)].astype(np.int64)
    obs = obs[obs <= t1]
    obs = obs[rng.random(len(obs)) >= 0.01]  # missed fixes
    for a, b in line.gaps:
        obs = obs[(obs < a + off) | (obs >= b + off)]
    return obs


def _drift(line: Line, obs: npt.NDArray[np.int64], off: float) -> Arr:
    """Indoor drift (m, per fix): ramps up, holds until the visit ends, fades in 20 s."""
    drift = np.zeros((len(obs), 2))
    for ta, tr, te, vec in line.drifts:
        ramp = np.clip((obs - ta - off) / (tr - ta), 0, 1)
        held = min(1.0, (te - ta) / (tr - ta)) * np.clip(1 - (obs - te - off) / 20, 0, 1)
        drift += np.where(obs <= te + off, ramp, held)[:, None] * vec
    return drift


def _apply_faults(
    f: _Faults, obs: npt.NDArray[np.int64], true: Arr, pos: Arr, acc: Arr
) -> npt.NDArray[np.str_]:
    """Move the faulty fixes in ``pos`` and set their ``acc`` (in place); each fix's fault."""
    n = len(obs)
    fault = np.full(n, "", dtype="<U5")
    if n:
        ji = np.clip(np.searchsorted(obs, f.j_t), 0, n - 1)
        pos[ji] += f.j_off
        fault[ji] = "jump"
        acc[ji[f.j_bad]] = f.j_acc[f.j_bad]
        for k in range(f.nb):
            s = int(np.searchsorted(obs, f.b_t[k]))
            m = min(int(f.b_k[k]), n - s)
            if m > 0:
                pos[s : s + m] = true[s] + f.b_off[k] + f.b_scatter[k, :m]
                fault[s : s + m] = "burst"
                acc[s : s + m] = f.b_acc[k] if f.b_bad[k] else f.b_ok[k, :m]
    return fault


def _speeds(
    rng: np.random.Generator, v_true: Arr, fault: npt.NDArray[np.str_], no_speed: bool
) -> Arr:
    """Reported speed (m/s): noisy, 0 or near 0 when still, NaN where the phone gave none."""
    n = len(v_true)
    still = v_true < 0.3
    speed = np.where(
        still,
        np.where(rng.random(n) < 0.5, 0.0, np.abs(rng.normal(0, 0.15, n))),
        np.abs(v_true + rng.normal(0, 0.3, n)),
    )
    speed[(rng.random(n) < 0.02) | ((fault != "") & (rng.random(n) < 0.7)) | no_speed] = np.nan
    return speed


def _vectors(rng: np.random.Generator, n: int, lo: float, hi: float) -> Arr:
    """``n`` offsets in random directions, lengths log-uniform in [lo, hi] m."""
    a = rng.uniform(0, 2 * np.pi, n)
    length = np.exp(rng.uniform(np.log(lo), np.log(hi), n))
    return np.column_stack([np.cos(a), np.sin(a)]) * length[:, None]
