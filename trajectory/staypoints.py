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
"""

from __future__ import annotations

__all__ = ["STAY_COLUMNS", "detect_stay_points"]

import numpy as np
import numpy.typing as npt
import pandas as pd

from trajectory._kernels import scan_groups, segment_stats
from trajectory.geodesy import LocalProjection

#: Columns of the stay table returned by :func:`detect_stay_points`.
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


def detect_stay_points(
    track: pd.DataFrame,
    *,
    radius_m: float = 50.0,
    min_stay_s: float = 180.0,
    max_gap_s: float = 3 * 3600.0,
    excursion_s: float = 90.0,
    merge_gap_s: float = 300.0,
    creep_m: float = 60.0,
    settle_s: float = 30.0,
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
        A stay whose first and last quarters (by time) have medians further
        apart than this (m) is creeping traffic or a walk and is rejected.
    settle_s
        A group must have lasted this long (s) before excursions are tolerated.

    Returns
    -------
    pandas.DataFrame
        One row per stay (columns :data:`STAY_COLUMNS`) in time order:
        ``arrival``/``departure`` tz-aware UTC, ``duration_s`` seconds,
        ``spread_m`` the 80th percentile distance of its fixes to the centre,
        ``max_gap_s`` the longest gap inside it, ``arrival_gap_s`` /
        ``departure_gap_s`` the gaps to the fixes just before / after it (how
        uncertain its ends are), ``first_fix`` / ``last_fix`` positions in ``track``.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.date_range("2026-11-20 00:00", periods=60, freq="10s", tz="UTC")
    >>> track = pd.DataFrame({"time": t, "lat": 31.23, "lon": 121.47})
    >>> len(detect_stay_points(track, min_stay_s=300))
    1
    """
    n = len(track)
    if n == 0:
        return _empty()
    t = _seconds(track["time"])
    lat = track["lat"].to_numpy(dtype=np.float64)
    lon = track["lon"].to_numpy(dtype=np.float64)
    proj = LocalProjection.around(lat, lon)
    x, y = proj.forward(lat, lon)
    speed = track["speed_mps"].to_numpy(dtype=np.float64) if "speed_mps" in track else None
    radius = _fix_radius(track, radius_m)
    return _stays_from_xy(
        t, x, y, proj, track["time"], speed, radius,
        radius_m=radius_m, min_stay_s=min_stay_s, max_gap_s=max_gap_s,
        excursion_s=excursion_s, merge_gap_s=merge_gap_s, creep_m=creep_m, settle_s=settle_s,
    )


def _stays_from_xy(
    t: npt.NDArray[np.float64],
    x: npt.NDArray[np.float64],
    y: npt.NDArray[np.float64],
    proj: LocalProjection,
    times: pd.Series,
    speed: npt.NDArray[np.float64] | None,
    radius: npt.NDArray[np.float64],
    *,
    radius_m: float,
    min_stay_s: float,
    max_gap_s: float,
    excursion_s: float,
    merge_gap_s: float,
    creep_m: float,
    settle_s: float,
) -> pd.DataFrame:
    n = t.shape[0]
    group, starts, ends = scan_groups(t, x, y, radius, max_gap_s, excursion_s, settle_s)
    durations = t[ends] - t[starts]
    # Fragments worth merging: at least two fixes spanning a little time.
    min_fragment_s = min(settle_s, min_stay_s / 4.0)
    significant = np.flatnonzero((durations >= min_fragment_s) & (ends > starts))
    if significant.size == 0:
        return _empty()
    # Members of each significant fragment (fixes of the group, excursions left out).
    frag_members = [np.flatnonzero(group[starts[g] : ends[g] + 1] == g) + starts[g] for g in significant]
    sizes = np.array([m.size for m in frag_members])
    offsets = np.r_[0, np.cumsum(sizes)].astype(np.int64)
    cx, cy, spread, frag_r = segment_stats(x, y, radius, np.concatenate(frag_members), offsets)
    merged: list[list[int]] = [[0]]
    for k in range(1, significant.size):
        prev_frag = merged[-1]
        # centre of the fragments merged so far: their medians weighted by size
        w = sizes[prev_frag]
        mx, my = float(np.dot(cx[prev_frag], w) / w.sum()), float(np.dot(cy[prev_frag], w) / w.sum())
        a, b = ends[significant[prev_frag[-1]]], starts[significant[k]]
        gap = t[b] - t[a]
        # Time actually seen elsewhere between the fragments: the span of the fixes
        # in between (a signal gap with a stray fix or two is not time elsewhere).
        seen_s = t[b - 1] - t[a + 1] if b - a > 2 else 0.0
        reach = max(frag_r[k], frag_r[prev_frag[-1]], spread[k], spread[prev_frag[-1]])
        dist = np.hypot(cx[k] - mx, cy[k] - my)
        # Back to back (nothing seen elsewhere for more than an excursion): one visit
        # whose indoor fixes wandered or drifted, unless the centres are far apart.
        contiguous = seen_s <= excursion_s and dist <= 2.0 * reach
        close = dist <= reach and min(gap, seen_s) <= merge_gap_s
        if gap <= max_gap_s and (close or contiguous):
            prev_frag.append(k)
        else:
            merged.append([k])
    rows = []
    for frags in merged:
        members = np.sort(np.concatenate([frag_members[q] for q in frags]))
        row = _finish_stay(members, t, x, y, radius_m=float(np.median(radius[members])),
                           min_stay_s=min_stay_s, creep_m=creep_m, speed=speed)
        if row is not None:
            rows.append(row)
    if not rows:
        return _empty()
    out = pd.DataFrame(rows)
    out["lat"], out["lon"] = proj.inverse(out.pop("cx").to_numpy(), out.pop("cy").to_numpy())
    tz_times = pd.DatetimeIndex(times)
    out["arrival"] = tz_times[out["first_fix"].to_numpy()]
    out["departure"] = tz_times[out["last_fix"].to_numpy()]
    first = out["first_fix"].to_numpy()
    last = out["last_fix"].to_numpy()
    out["arrival_gap_s"] = np.where(first > 0, t[first] - t[np.maximum(first - 1, 0)], np.inf)
    out["departure_gap_s"] = np.where(last < n - 1, t[np.minimum(last + 1, n - 1)] - t[last], np.inf)
    out.insert(0, "stay_id", np.arange(1, len(out) + 1))
    return out.loc[:, list(STAY_COLUMNS)].reset_index(drop=True)


def _finish_stay(
    members: npt.NDArray[np.int64],
    t: npt.NDArray[np.float64],
    x: npt.NDArray[np.float64],
    y: npt.NDArray[np.float64],
    *,
    radius_m: float,
    min_stay_s: float,
    creep_m: float,
    speed: npt.NDArray[np.float64] | None = None,
) -> dict[str, float] | None:
    if t[members[-1]] - t[members[0]] < min_stay_s:
        return None  # trimming only shortens it
    mx, my = np.median(x[members]), np.median(y[members])
    dist = np.hypot(x[members] - mx, y[members] - my)
    inside = np.flatnonzero(dist <= radius_m)
    if inside.size < 2:
        return None
    # Trim approach/departure fixes: the stay runs from the first to the last fix
    # inside the radius of its final centre.
    kept = members[inside[0] : inside[-1] + 1]
    kept = kept[np.hypot(x[kept] - mx, y[kept] - my) <= radius_m * 1.5]
    duration = t[kept[-1]] - t[kept[0]]
    if duration < min_stay_s:
        return None
    if _is_creeping(kept, t, x, y, speed, creep_m):
        return None
    mx, my = np.median(x[kept]), np.median(y[kept])
    spread = float(np.percentile(np.hypot(x[kept] - mx, y[kept] - my), 80))
    gaps = np.diff(t[kept]) if kept.size > 1 else np.zeros(1)
    return {
        "cx": float(mx),
        "cy": float(my),
        "duration_s": float(duration),
        "n_points": int(kept.size),
        "spread_m": spread,
        "max_gap_s": float(gaps.max()),
        "first_fix": int(kept[0]),
        "last_fix": int(kept[-1]),
    }


def _fix_radius(track: pd.DataFrame, radius_m: float) -> npt.NDArray[np.float64]:
    """Per-fix group radius: ``radius_m``, widened where the phone reports poor accuracy.

    ``accuracy_m`` is the phone's 68 % error radius (about 1.5 sigma per axis);
    1.5 times its local median (over 11 fixes, robust to one odd value) covers
    about 90 % of the scatter.  Capped at 2.5 ``radius_m`` so a stay never
    swallows a neighbouring store.
    """
    n = len(track)
    if "accuracy_m" not in track or n == 0:
        return np.full(n, radius_m)
    acc = track["accuracy_m"].astype("float64")
    if not acc.notna().any():
        return np.full(n, radius_m)
    local = acc.rolling(11, center=True, min_periods=1).median().to_numpy()
    r = np.where(np.isfinite(local), 1.5 * local, radius_m)
    return np.clip(r, radius_m, 2.5 * radius_m)


def _is_creeping(
    kept: npt.NDArray[np.int64],
    t: npt.NDArray[np.float64],
    x: npt.NDArray[np.float64],
    y: npt.NDArray[np.float64],
    speed: npt.NDArray[np.float64] | None,
    creep_m: float,
) -> bool:
    """Creeping traffic or a slow walk: steady progress in one direction.

    A stay is creeping when its first and last quarters lie more than half of
    ``creep_m`` apart, at a net speed of at least ``_CREEP_MPS`` (0.15 m/s;
    stop-and-go queues average 0.3-1 m/s, GPS drift indoors 20-80 m over many
    minutes is slower), *and* the fixes progress monotonically along that line
    (Spearman rank correlation of time and position along it above
    ``_CREEP_RHO``); or, for stop-and-go with long halts (net 0.1-0.15 m/s),
    when the progression is strictly monotone (above ``_STRICT_CREEP_RHO``)
    and the phone reports an average speed of at least 0.25 m/s.  GPS noise indoors is correlated over minutes and wanders
    tens of metres, but it wanders back: its rank correlation stays low, so a
    noisy visit is not mistaken for traffic.  When the phone reports speeds and their median
    average below 0.25 m/s, the person stood still and any drift is the GPS's
    (stop-and-go traffic halts half the time, so its median speed is 0 too:
    the mean, about 0.6 m/s in a queue, tells them apart).
    """
    if kept.size < 5:
        return False
    moving_per_phone = False
    if speed is not None:
        sp = speed[kept]
        sp = sp[np.isfinite(sp)]
        if sp.size >= max(3, kept.size // 2):
            if np.mean(sp) < _STILL_MPS:
                return False
            moving_per_phone = True
    q = max(2, kept.size // 4)
    head, tail = kept[:q], kept[-q:]
    dx = float(np.median(x[tail]) - np.median(x[head]))
    dy = float(np.median(y[tail]) - np.median(y[head]))
    apart = float(np.hypot(dx, dy))
    if apart <= 0.5 * creep_m:
        return False
    duration = float(t[kept[-1]] - t[kept[0]])
    net_mps = apart / max(duration, 1.0)
    if net_mps < _SLOW_CREEP_MPS:
        return False  # slower than traffic: GPS drift indoors
    along = (x[kept] * dx + y[kept] * dy) / apart
    rho = _spearman(t[kept], along)
    # Steady traffic; or slower stop-and-go with long halts that only ever moves
    # forward, when the phone's own speeds say it moved (people who dwell
    # while strolling slowly do the same; real diary-labelled stops show it).
    return (rho > _CREEP_RHO and net_mps >= _CREEP_MPS) or (
        moving_per_phone and rho > _STRICT_CREEP_RHO)


def _spearman(a: npt.NDArray[np.float64], b: npt.NDArray[np.float64]) -> float:
    ra = np.argsort(np.argsort(a, kind="stable"), kind="stable").astype(np.float64)
    rb = np.argsort(np.argsort(b, kind="stable"), kind="stable").astype(np.float64)
    ra -= ra.mean()
    rb -= rb.mean()
    denom = float(np.sqrt(np.dot(ra, ra) * np.dot(rb, rb)))
    return float(np.dot(ra, rb) / denom) if denom > 0 else 0.0


_CREEP_RHO = 0.75
_CREEP_MPS = 0.15
_SLOW_CREEP_MPS = 0.1
_STRICT_CREEP_RHO = 0.88
_STILL_MPS = 0.25


def _seconds(times: pd.Series) -> npt.NDArray[np.float64]:
    values = pd.DatetimeIndex(times).as_unit("ns").asi8
    return (values - values[0]).astype(np.float64) / 1e9 if values.size else np.zeros(0)


def _empty() -> pd.DataFrame:
    out = pd.DataFrame({c: pd.Series(dtype="float64") for c in STAY_COLUMNS})
    out["stay_id"] = out["stay_id"].astype("int64")
    out["arrival"] = pd.Series(dtype="datetime64[ns, UTC]")
    out["departure"] = pd.Series(dtype="datetime64[ns, UTC]")
    for c in ("n_points", "first_fix", "last_fix"):
        out[c] = out[c].astype("int64")
    return out
