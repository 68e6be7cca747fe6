"""Wholesale markets: splitting one long stay into visits of close-together stalls.

In a market the task stores are stalls 15-60 m apart under one roof, closer
together than the GPS spread, so the stay scan sees one long stay where the
manager went from stall to stall.  For such a stay this module re-segments
its fixes with a Viterbi path over short time bins whose hidden states are
the candidate stalls: each bin's median position is scored against every
stall (Gaussian in distance, with the noise measured on the stay itself), a
switch costs a fixed penalty, and segments shorter than the minimum stay are
folded into their neighbours (a semi-Markov minimum duration).  Task order
plays no part: managers skip and reorder stalls, and an order prior would
hide the skipped stall a supervisor needs to see.

References
----------
Rabiner, L. R. (1989). A tutorial on hidden Markov models and selected
applications in speech recognition. Proc. IEEE 77(2).
"""

from __future__ import annotations

__all__ = ["resegment_stays"]

import numpy as np
import numpy.typing as npt
import pandas as pd

from trajectory.geodesy import LocalProjection
from trajectory.staypoints import STAY_COLUMNS

BIN_S = 30.0
#: Log-probability cost of switching stall between two bins.
SWITCH_COST = 6.0


def resegment_stays(
    stays: pd.DataFrame,
    track: pd.DataFrame,
    stores: pd.DataFrame,
    *,
    min_stay_s: float,
    match_radius_m: float,
) -> pd.DataFrame:
    """Split stays that span several nearby task stores into one stay per store visit.

    Parameters
    ----------
    stays
        Stays from :func:`trajectory.staypoints.detect_stay_points` on ``track``.
    track
        The cleaned track the stays were detected on (``time``, ``lat``, ``lon``).
    stores
        On-site task stores (``store_id``, ``lat``, ``lon`` in WGS-84).
    min_stay_s
        Shortest visit (s); no split produces a shorter one.
    match_radius_m
        Stores further than this (m) from every fix of a stay are not candidates.

    Returns
    -------
    pandas.DataFrame
        The stays, with long multi-store stays replaced by their parts, renumbered
        in time order; column ``split_from`` holds the original stay id (or the
        stay's own id when unsplit).
    """
    out = stays.copy()
    out["split_from"] = out["stay_id"]
    if stays.empty or len(stores) < 2:
        return out
    lat = track["lat"].to_numpy(dtype=np.float64)
    lon = track["lon"].to_numpy(dtype=np.float64)
    proj = LocalProjection.around(lat, lon)
    x, y = proj.forward(lat, lon)
    sx, sy = proj.forward(stores["lat"].to_numpy(dtype=np.float64), stores["lon"].to_numpy(dtype=np.float64))
    ns = pd.DatetimeIndex(track["time"]).as_unit("ns").asi8
    t = (ns - ns[0]).astype(np.float64) / 1e9
    times = pd.DatetimeIndex(track["time"])
    pieces: list[pd.DataFrame] = []
    for _, stay in out.iterrows():
        first, last = int(stay["first_fix"]), int(stay["last_fix"])
        if stay["duration_s"] < 2 * min_stay_s:
            pieces.append(stay.to_frame().T)
            continue
        cx, cy = proj.forward(stay["lat"], stay["lon"])
        d = np.hypot(sx - cx, sy - cy)
        cand = np.flatnonzero(d <= match_radius_m)
        if cand.size < 2:
            pieces.append(stay.to_frame().T)
            continue
        parts = _viterbi_parts(t[first : last + 1], x[first : last + 1], y[first : last + 1],
                               sx[cand], sy[cand], min_stay_s=min_stay_s)
        if len(parts) < 2:
            pieces.append(stay.to_frame().T)
            continue
        for a, b in parts:
            fa, fb = first + a, first + b
            px, py = float(np.median(x[fa : fb + 1])), float(np.median(y[fa : fb + 1]))
            plat, plon = proj.inverse(px, py)
            dist = np.hypot(x[fa : fb + 1] - px, y[fa : fb + 1] - py)
            gaps = np.diff(t[fa : fb + 1])
            row = stay.copy()
            row["lat"], row["lon"] = float(plat), float(plon)
            row["arrival"], row["departure"] = times[fa], times[fb]
            row["duration_s"] = float(t[fb] - t[fa])
            row["n_points"] = int(fb - fa + 1)
            row["spread_m"] = float(np.percentile(dist, 80))
            row["max_gap_s"] = float(gaps.max()) if gaps.size else 0.0
            row["arrival_gap_s"] = float(t[fa] - t[fa - 1]) if fa > first else stay["arrival_gap_s"]
            row["departure_gap_s"] = (
                float(t[fb + 1] - t[fb]) if fb < last else stay["departure_gap_s"]
            )
            row["first_fix"], row["last_fix"] = fa, fb
            pieces.append(row.to_frame().T)
    result = pd.concat(pieces, ignore_index=True)
    result = result.sort_values("arrival", kind="stable").reset_index(drop=True)
    result["stay_id"] = np.arange(1, len(result) + 1)
    for col in ("n_points", "first_fix", "last_fix", "stay_id", "split_from"):
        result[col] = result[col].astype("int64")
    for col in ("lat", "lon", "duration_s", "spread_m", "max_gap_s", "arrival_gap_s", "departure_gap_s"):
        result[col] = result[col].astype("float64")
    result["arrival"] = pd.to_datetime(result["arrival"], utc=True)
    result["departure"] = pd.to_datetime(result["departure"], utc=True)
    return result.loc[:, [*STAY_COLUMNS, "split_from"]]


def _viterbi_parts(
    t: npt.NDArray[np.float64],
    x: npt.NDArray[np.float64],
    y: npt.NDArray[np.float64],
    sx: npt.NDArray[np.float64],
    sy: npt.NDArray[np.float64],
    *,
    min_stay_s: float,
) -> list[tuple[int, int]]:
    """Index ranges (inclusive, relative to the stay) of the per-stall visits, in time order."""
    bins = np.floor((t - t[0]) / BIN_S).astype(np.int64)
    edges = np.flatnonzero(np.diff(bins)) + 1
    starts = np.concatenate([[0], edges])
    ends = np.concatenate([edges, [t.size]])
    nb = starts.size
    bx = np.array([np.median(x[a:b]) for a, b in zip(starts, ends, strict=True)])
    by = np.array([np.median(y[a:b]) for a, b in zip(starts, ends, strict=True)])
    # Noise of a bin median: the spread of bin medians around a 5-bin running median.
    sigma = float(np.clip(_robust_sigma(bx, by), 8.0, 60.0))
    d2 = (bx[:, None] - sx[None, :]) ** 2 + (by[:, None] - sy[None, :]) ** 2
    loglik = -d2 / (2.0 * sigma * sigma)
    k = sx.size
    score = loglik[0].copy()
    back = np.zeros((nb, k), dtype=np.int64)
    for b in range(1, nb):  # loop over 30 s bins of one stay, not over fixes
        best_prev = int(np.argmax(score))
        stay_score = score
        switch_score = score[best_prev] - SWITCH_COST
        take_switch = switch_score > stay_score
        back[b] = np.where(take_switch, best_prev, np.arange(k))
        score = np.where(take_switch, switch_score, stay_score) + loglik[b]
    path = np.empty(nb, dtype=np.int64)
    path[-1] = int(np.argmax(score))
    for b in range(nb - 1, 0, -1):
        path[b - 1] = back[b, path[b]]
    # Runs of one state, then fold runs shorter than the minimum stay into a neighbour.
    runs = _runs(path)
    changed = True
    while changed and len(runs) > 1:
        changed = False
        durations = [t[ends[e - 1] - 1] - t[starts[s]] for s, e, _ in runs]
        i = int(np.argmin(durations))
        if durations[i] < min_stay_s:
            s, e, _ = runs[i]
            if i == 0:
                j = 1
            elif i == len(runs) - 1:
                j = i - 1
            else:
                j = i - 1 if durations[i - 1] >= durations[i + 1] else i + 1
            lo, hi = min(runs[i][0], runs[j][0]), max(runs[i][1], runs[j][1])
            runs[min(i, j)] = (lo, hi, runs[j][2])
            del runs[max(i, j)]
            # merge neighbours that now share a state
            merged: list[tuple[int, int, int]] = []
            for r in runs:
                if merged and merged[-1][2] == r[2]:
                    merged[-1] = (merged[-1][0], r[1], r[2])
                else:
                    merged.append(r)
            runs = merged
            changed = True
    return [(int(starts[s]), int(ends[e - 1] - 1)) for s, e, _ in runs]


def _runs(path: npt.NDArray[np.int64]) -> list[tuple[int, int, int]]:
    change = np.flatnonzero(np.diff(path)) + 1
    s = np.concatenate([[0], change])
    e = np.concatenate([change, [path.size]])
    return [(int(a), int(b), int(path[a])) for a, b in zip(s, e, strict=True)]


def _robust_sigma(bx: npt.NDArray[np.float64], by: npt.NDArray[np.float64]) -> float:
    if bx.size < 5:
        return 20.0
    kernel = 5
    pad = kernel // 2
    px = np.pad(bx, pad, mode="edge")
    py = np.pad(by, pad, mode="edge")
    wx = np.lib.stride_tricks.sliding_window_view(px, kernel)
    wy = np.lib.stride_tricks.sliding_window_view(py, kernel)
    rx = bx - np.median(wx, axis=1)
    ry = by - np.median(wy, axis=1)
    r = np.hypot(rx, ry)
    return float(1.4826 * np.median(r) / 0.8326 * 1.0) if r.size else 20.0
