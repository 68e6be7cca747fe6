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

from trajectory._kernels import scan_groups
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
    return _stays_from_xy(
        t, x, y, proj, track["time"], speed,
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
    group, starts, ends = scan_groups(t, x, y, radius_m, max_gap_s, excursion_s, settle_s)
    durations = t[ends] - t[starts]
    # Fragments worth merging: at least two fixes spanning a little time.
    min_fragment_s = min(settle_s, min_stay_s / 4.0)
    significant = np.flatnonzero((durations >= min_fragment_s) & (ends > starts))
    if significant.size == 0:
        return _empty()
    # Medians per significant fragment (a Python loop over fragments, not fixes).
    frag_members = [np.flatnonzero(group[starts[g] : ends[g] + 1] == g) + starts[g] for g in significant]
    cx = np.array([np.median(x[m]) for m in frag_members])
    cy = np.array([np.median(y[m]) for m in frag_members])
    merged: list[list[int]] = [[0]]
    for k in range(1, significant.size):
        prev_frag = merged[-1]
        members = np.concatenate([frag_members[q] for q in prev_frag])
        mx, my = float(np.median(x[members])), float(np.median(y[members]))
        gap = t[starts[significant[k]]] - t[ends[significant[prev_frag[-1]]]]
        close = np.hypot(cx[k] - mx, cy[k] - my) <= radius_m
        if close and gap <= merge_gap_s:
            prev_frag.append(k)
        else:
            merged.append([k])
    rows = []
    for frags in merged:
        members = np.sort(np.concatenate([frag_members[q] for q in frags]))
        row = _finish_stay(members, t, x, y, radius_m=radius_m, min_stay_s=min_stay_s,
                           creep_m=creep_m, speed=speed)
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


def _is_creeping(
    kept: npt.NDArray[np.int64],
    t: npt.NDArray[np.float64],
    x: npt.NDArray[np.float64],
    y: npt.NDArray[np.float64],
    speed: npt.NDArray[np.float64] | None,
    creep_m: float,
) -> bool:
    """Creeping traffic or a slow walk: steady movement through the whole "stay".

    The fixes are binned by 45 s; the median speed between bins 135 s apart
    measures steady movement while averaging out GPS noise.  A stay is creeping
    when that median exceeds 0.15 m/s and its first and last bins lie more than
    half of ``creep_m`` apart.  Walking between stalls (stay, step, stay) moves
    in a few bins only, so its median stays low.  Too short to bin: creeping
    when the first and last quarters lie more than ``creep_m`` apart.  When the
    phone reports speeds and their median is below 0.2 m/s, the person stood
    still and any drift is the GPS's (indoors).
    """
    if speed is not None:
        sp = speed[kept]
        sp = sp[np.isfinite(sp)]
        if sp.size >= max(3, kept.size // 2) and np.median(sp) < 0.2:
            return False
    tk = t[kept]
    bins = np.floor((tk - tk[0]) / _CREEP_BIN_S).astype(np.int64)
    starts = np.flatnonzero(np.r_[True, np.diff(bins) > 0])
    ends = np.r_[starts[1:], kept.size]
    if starts.size <= _CREEP_LAG_BINS:
        q = max(1, kept.size // 4)
        head, tail = kept[:q], kept[-q:]
        apart = np.hypot(np.median(x[head]) - np.median(x[tail]), np.median(y[head]) - np.median(y[tail]))
        return bool(apart > creep_m)
    xs, ys = x[kept], y[kept]
    bx = np.array([np.median(xs[a:b]) for a, b in zip(starts, ends, strict=True)])
    by = np.array([np.median(ys[a:b]) for a, b in zip(starts, ends, strict=True)])
    bt = np.array([np.median(tk[a:b]) for a, b in zip(starts, ends, strict=True)])
    lag = _CREEP_LAG_BINS
    v = np.hypot(bx[lag:] - bx[:-lag], by[lag:] - by[:-lag]) / np.maximum(bt[lag:] - bt[:-lag], 1.0)
    net = np.hypot(bx[-1] - bx[0], by[-1] - by[0])
    return bool(np.median(v) > _CREEP_MPS and net > 0.5 * creep_m)


_CREEP_BIN_S = 45.0
_CREEP_LAG_BINS = 3
_CREEP_MPS = 0.15


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
