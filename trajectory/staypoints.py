"""Stay-point detection: where a field manager stopped, from when to when.

The scan groups consecutive fixes around a running median (as infostop does,
Aslak & Alessandretti 2020), not around the group's first fix (Li et al. 2008
"anchor"), because the first fix of a visit lies on the approach path.  It
bridges indoor signal gaps when the next fix is back inside the group, and
tolerates short excursions and single outliers.  Fragments of one visit split
by jitter are merged, the edges are trimmed of approach fixes, creeping
traffic is rejected, and only then is the minimum duration applied.

References
----------
Li, Q. et al. (2008). Mining user similarity based on location history. GIS '08.
Aslak, U. & Alessandretti, L. (2020). Infostop: scalable stop-location detection
in multi-user mobility data. arXiv:2003.14370.

Examples
--------
>>> import pandas as pd
>>> t = pd.date_range("2026-11-20 00:00", periods=60, freq="10s", tz="UTC")
>>> track = pd.DataFrame({"time": t, "lat": 31.23, "lon": 121.47})
>>> len(detect_stay_points(track, min_stay_s=300))
1
"""

from __future__ import annotations

__all__ = ["SETTLE_S", "STAY_COLUMNS", "detect_stay_columns", "detect_stay_points"]

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from trajectory._frames import Columns, columns_of
from trajectory._kernels import assemble_stays
from trajectory._steps import kernel_array
from trajectory.geodesy import LocalProjection
from trajectory.timestamps import elapsed_s

#: Columns of the stay table returned by :func:`detect_stay_points`:
#: ``arrival``/``departure`` tz-aware UTC, ``duration_s`` seconds, ``spread_m`` the
#: 80th percentile distance of its fixes to the centre, ``max_gap_s`` the longest gap
#: inside it, ``arrival_gap_s`` / ``departure_gap_s`` the gaps to the fixes just
#: before / after it (how uncertain its ends are), ``first_fix`` / ``last_fix``
#: positions in the track.
STAY_COLUMNS: tuple[str, ...] = (
    "stay_id",
    "lat",
    "lon",
    "arrival",
    "departure",
    "duration_s",
    "n_points",
    "spread_m",
    "max_gap_s",
    "arrival_gap_s",
    "departure_gap_s",
    "first_fix",
    "last_fix",
)
#: How long (s) a group must have lasted before excursions are tolerated (default).
SETTLE_S = 30.0


def detect_stay_points(
    track: pd.DataFrame,
    *,
    radius_m: float = 50.0,
    min_stay_s: float = 180.0,
    max_gap_s: float = 3 * 3600.0,
    excursion_s: float = 90.0,
    merge_gap_s: float = 300.0,
    creep_m: float = 60.0,
    settle_s: float = SETTLE_S,
) -> pd.DataFrame:
    """Detect stay points in one person's cleaned, time-sorted track.

    Parameters
    ----------
    track
        Cleaned fixes with columns ``time`` (tz-aware), ``lat``, ``lon``
        (WGS-84), sorted by time.  Not modified.
    radius_m
        Fixes within this distance (m) of the group's running median belong to it.
    min_stay_s
        Shortest stay (s), measured from the first to the last fix inside the
        final stay radius; shorter stops (traffic lights) are not stays.
    max_gap_s
        Longest gap without fixes (s) bridged inside a stay when the next fix
        is back inside the radius.
    excursion_s
        Longest time (s) outside the radius tolerated inside an established stay.
    merge_gap_s
        Consecutive fragments whose centres are within ``radius_m`` and whose
        time gap is at most this (s) are one visit and are merged.
    creep_m
        A stay whose first and last quarters (by time) lie more than half of
        this apart (m), progressing steadily at traffic speed, is creeping
        traffic and is rejected (``trajectory._motion.is_creeping``).
    settle_s
        A group must have lasted this long (s) before excursions are tolerated.

    Returns
    -------
    pandas.DataFrame
        One row per stay in time order, columns :data:`STAY_COLUMNS` (units there).
    """
    if len(track) == 0:
        return _empty()
    limits = (min_stay_s, max_gap_s, excursion_s, merge_gap_s, creep_m, settle_s)
    # the columns are new arrays nothing else holds: no copy
    return pd.DataFrame(detect_stay_columns(track, radius_m, limits), copy=False)


def detect_stay_columns(
    track: pd.DataFrame, radius_m: float, limits: tuple[float, float, float, float, float, float]
) -> Columns:
    """:func:`detect_stay_points` as :data:`~trajectory._frames.Columns` (``verify_day``'s
    hot path: no DataFrame built); ``limits`` are its ``min_stay_s, max_gap_s,
    excursion_s, merge_gap_s, creep_m, settle_s`` in that order."""
    if len(track) == 0:
        return columns_of(_empty())
    t = elapsed_s(track["time"])
    lat = track["lat"].to_numpy(dtype=np.float64)
    lon = track["lon"].to_numpy(dtype=np.float64)
    proj = LocalProjection.around(lat, lon)
    x, y = proj.forward(lat, lon)
    speed = (
        track["speed_mps"].to_numpy(dtype=np.float64)
        if "speed_mps" in track
        else np.full(len(track), np.nan)
    )
    fixes = (
        kernel_array(t),
        kernel_array(x),
        kernel_array(y),
        kernel_array(_fix_radius(track, radius_m)),
    )
    evidence = kernel_array(_speed_evidence(t, x, y, speed))  # often a read-only column
    stays = assemble_stays(*fixes, evidence, *(float(v) for v in limits))
    return _stay_table(t, proj, track["time"], stays)


#: Sustained speed (m/s, fix to fix 30 s or more later) no one reaches on foot (an
#: e-bike rides at 5-7).
DRIVING_MPS = 4.0
#: At most this many fixes, evenly spread, are looked at to judge the reported speeds.
EVIDENCE_SAMPLE = 2000
#: Reported speed (m/s) under which a phone "stands still" while its fixes drive.
STILL_REPORTED_MPS = 1.0


def _speed_evidence(
    t: npt.NDArray[np.float64],
    x: npt.NDArray[np.float64],
    y: npt.NDArray[np.float64],
    speed: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """The phone's reported speeds, or none (NaN) when they are not evidence of standing
    still: a phone whose median reading stays under :data:`STILL_REPORTED_MPS` on the
    (at least 20) fixes where the track drives at :data:`DRIVING_MPS` or more reports 0
    whatever it does, and must not waive the creep test of a traffic queue."""
    ok = np.isfinite(speed)
    if ok.sum() < 20:
        return speed
    step = max(1, t.size // EVIDENCE_SAMPLE)  # a day's drives show at any 2,000 fixes
    i = np.flatnonzero(ok[::step]) * step
    j = np.searchsorted(t, t[i] + 30.0)
    i, j = i[j < t.size], j[j < t.size]
    sustained = np.hypot(x[j] - x[i], y[j] - y[i]) / np.maximum(t[j] - t[i], 1e-9)
    driving = i[sustained >= DRIVING_MPS]
    if driving.size >= 20 and float(np.median(speed[driving])) < STILL_REPORTED_MPS:
        return np.full(speed.size, np.nan)
    return speed


def _stay_table(
    t: npt.NDArray[np.float64], proj: LocalProjection, times: pd.Series, stays: tuple[Any, ...]
) -> Columns:
    """The stay table (:data:`STAY_COLUMNS`) of ``assemble_stays``' arrays."""
    first, last, cx, cy, n_points, spread, max_gap = stays
    if first.size == 0:
        return columns_of(_empty())
    n = t.shape[0]
    lat, lon = proj.inverse(cx, cy)
    tz_times = pd.DatetimeIndex(times)
    return {
        "stay_id": np.arange(1, first.size + 1),
        "lat": lat,
        "lon": lon,
        "arrival": tz_times[first],
        "departure": tz_times[last],
        "duration_s": t[last] - t[first],
        "n_points": n_points,
        "spread_m": spread,
        "max_gap_s": max_gap,
        "arrival_gap_s": np.where(first > 0, t[first] - t[np.maximum(first - 1, 0)], np.inf),
        "departure_gap_s": np.where(last < n - 1, t[np.minimum(last + 1, n - 1)] - t[last], np.inf),
        "first_fix": first,
        "last_fix": last,
    }


def _fix_radius(track: pd.DataFrame, radius_m: float) -> npt.NDArray[np.float64]:
    """Per-fix group radius: ``radius_m``, widened where the phone reports poor accuracy.

    ``accuracy_m`` is the phone's 68 % error radius (about 1.5 sigma per axis);
    1.5 times its local mean (over 11 fixes; the worst fixes were already
    dropped by cleaning) covers about 90 % of the scatter.  Capped at 2.5
    ``radius_m`` so a stay never swallows a neighbouring store.
    """
    n = len(track)
    if "accuracy_m" not in track or n == 0:
        return np.full(n, radius_m)
    acc = track["accuracy_m"].to_numpy(dtype=np.float64)
    ok = np.isfinite(acc)
    if not ok.any():
        return np.full(n, radius_m)
    kernel = np.ones(11)
    total = np.convolve(np.where(ok, acc, 0.0), kernel, mode="same")
    count = np.convolve(ok.astype(np.float64), kernel, mode="same")
    with np.errstate(invalid="ignore", divide="ignore"):
        local = np.where(count > 0, total / count, np.nan)
    r = np.where(np.isfinite(local), 1.5 * local, radius_m)
    return np.clip(r, radius_m, 2.5 * radius_m)


def _empty() -> pd.DataFrame:
    out = pd.DataFrame({c: pd.Series(dtype="float64") for c in STAY_COLUMNS})
    out["stay_id"] = out["stay_id"].astype("int64")
    out["arrival"] = pd.Series(dtype="datetime64[ns, UTC]")
    out["departure"] = pd.Series(dtype="datetime64[ns, UTC]")
    for c in ("n_points", "first_fix", "last_fix"):
        out[c] = out[c].astype("int64")
    return out
