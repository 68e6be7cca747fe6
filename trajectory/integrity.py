"""Track integrity: advisory flags for mock locations, teleports, replayed and simulated tracks.

``check_integrity`` runs over the day's raw fixes (before cleaning hides anything) and
its cleaned fixes; it never changes a check.  The rules and their thresholds (the
README's "Track integrity" section gives the data they come from):

- ``teleport``: consecutive raw fixes >= :data:`TELEPORT_M` apart at >= :data:`TELEPORT_MPS`
  within :data:`TELEPORT_MAX_DT_S`, >= 5x the speed on either side, both sides steady
  tracking for :data:`SIDE_S` (so a phone restart's first far-off fixes are spared), the
  reported accuracy far smaller than the jump (cell fixes spared), and the track not back
  within half the jump for :data:`RETURN_S` (an outlier or cell burst comes back).
- ``frozen_position``: the very same coordinates for >= :data:`FROZEN_S` over >=
  :data:`FROZEN_N` fixes with constant or absent accuracy and zero or absent speed.
- ``simulated_route``: >= :data:`SIM_S` of movement (>= 2 m/s) whose velocity changes by
  less than :data:`SIM_DV_MPS` from fix to fix: a straight constant-speed line without
  any GPS noise.
- ``replayed_track``: see :mod:`trajectory.integrity_replay`.
"""

from __future__ import annotations

__all__ = [
    "FROZEN_N",
    "FROZEN_S",
    "SIM_DV_MPS",
    "SIM_S",
    "TELEPORT_M",
    "TELEPORT_MPS",
    "TrackFingerprint",
    "check_integrity",
    "day_fingerprint",
    "track_fingerprints",
]

import datetime as dt
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from trajectory._steps import kernel_array, smooth_steps
from trajectory.cleaning import clean_track
from trajectory.crs import to_wgs84
from trajectory.geodesy import LocalProjection
from trajectory.integrity_replay import TrackFingerprint, build_fingerprint, find_replays
from trajectory.integrity_types import Integrity, IntegrityFlag
from trajectory.result_parts import StayPoint

F64 = npt.NDArray[np.float64]
B = npt.NDArray[np.bool_]

TELEPORT_M = 1000.0
TELEPORT_MPS = 100.0
TELEPORT_MAX_DT_S = 120.0
SIDE_S = 120.0
RETURN_S = 600.0
FROZEN_S = 300.0
FROZEN_N = 20
FROZEN_MAX_INTERVAL_S = 30.0
SIM_S = 120.0
SIM_DV_MPS = 0.2
_SIM_MIN_STEPS = 10


def check_integrity(
    raw: pd.DataFrame,
    clean: pd.DataFrame,
    stays: Sequence[StayPoint],
    *,
    date: dt.date,
    others: Iterable[TrackFingerprint] = (),
) -> Integrity:
    """The day's integrity flags (sorted by start).

    Parameters
    ----------
    raw
        The day's fixes before cleaning (``time`` tz-aware, ``lat``, ``lon`` WGS-84,
        optional ``accuracy_m`` m and ``speed_mps`` m/s; NaN when absent).
    clean
        The cleaned fixes (``time``, ``lat``, ``lon``), time-sorted.
    stays
        The day's stays; a flag lists those it overlaps.
    date
        The local day; fingerprints of the same date are not compared.
    others
        Other days' fingerprints (:func:`day_fingerprint`) to look for a replay of.
    """
    t, lat, lon, acc, spd = _raw_arrays(raw)
    proj = LocalProjection.around(lat, lon)
    x, y = proj.forward(lat, lon)
    spans = [*_teleports(t, x, y, acc), *_frozen(t, lat, lon, acc, spd), *_simulated(t, x, y)]
    ct = _seconds(clean["time"])
    clat, clon = clean["lat"].to_numpy(float), clean["lon"].to_numpy(float)
    fp = build_fingerprint(ct, clat, clon, date)
    for m in find_replays(ct, clat, clon, fp, list(others)):
        reason = (
            f"the fixes repeat those of {m.other_date.isoformat()} shifted by "
            f"{m.shift_s / 3600:+.2f} h ({m.share:.0%} of that day's per-minute fixes within "
            "2.5 m)"
        )
        ev = {
            "other_date": m.other_date.isoformat(),
            "shift_s": m.shift_s,
            "matched_share": round(m.share, 3),
            "matched_fixes": m.matched,
        }
        spans.append(("replayed_track", m.start_s, m.end_s, reason, ev))
    flags = [
        IntegrityFlag(kind, _ts(a), _ts(b), reason, _stay_ids(stays, a, b), ev)
        for kind, a, b, reason, ev in sorted(spans, key=lambda s: (s[1], s[0]))
    ]
    return Integrity(tuple(flags))


def day_fingerprint(track: pd.DataFrame, date: dt.date) -> TrackFingerprint:
    """The fingerprint of a day's cleaned fixes (``time``, ``lat``, ``lon``) for later replays."""
    order = np.argsort(_seconds(track["time"]), kind="stable")
    t = _seconds(track["time"])[order]
    return build_fingerprint(
        t, track["lat"].to_numpy(float)[order], track["lon"].to_numpy(float)[order], date
    )


def track_fingerprints(
    points: pd.DataFrame, timezone: str, track_crs: str = "wgs84"
) -> list[TrackFingerprint]:
    """One fingerprint per local day of a multi-day track (one manager's ``time``,
    ``lat``, ``lon``), each day cleaned first: the other days a replay may copy."""
    if points.empty:
        return []
    if track_crs != "wgs84":
        lat, lon = to_wgs84(points["lat"].to_numpy(), points["lon"].to_numpy(), track_crs)
        points = points.assign(lat=lat, lon=lon)
    local = pd.DatetimeIndex(points["time"]).tz_convert(timezone).date
    out = []
    for day in sorted(set(local)):  # a loop over days, not fixes
        clean, _ = clean_track(points.loc[local == day])
        out.append(day_fingerprint(clean, day))
    return out


_Span = tuple[str, float, float, str, dict[str, object]]


def _raw_arrays(raw: pd.DataFrame) -> tuple[F64, F64, F64, F64, F64]:
    """Time-sorted raw fixes, one per instant, finite and not (0, 0)."""
    t = _seconds(raw["time"])
    lat, lon = raw["lat"].to_numpy(float), raw["lon"].to_numpy(float)
    nan = np.full(len(raw), np.nan)
    acc = raw["accuracy_m"].to_numpy(float) if "accuracy_m" in raw else nan
    spd = raw["speed_mps"].to_numpy(float) if "speed_mps" in raw else nan
    ok = np.isfinite(t) & np.isfinite(lat) & np.isfinite(lon) & ~((lat == 0) & (lon == 0))
    if ok.all() and bool(np.all(t[1:] >= t[:-1])):  # the usual day: already in time order
        first = np.r_[True, t[1:] != t[:-1]] if len(t) else np.zeros(0, bool)
        if first.all():
            return t, lat, lon, acc, spd
        return t[first], lat[first], lon[first], acc[first], spd[first]
    order = np.flatnonzero(ok)[np.argsort(t[ok], kind="stable")]
    t = t[order]
    first = np.r_[True, t[1:] != t[:-1]] if len(t) else np.zeros(0, bool)
    keep = order[first]
    return t[first], lat[keep], lon[keep], acc[keep], spd[keep]


def _teleports(t: F64, x: F64, y: F64, acc: F64) -> list[_Span]:
    """Jumps no vehicle makes, between steady tracking on both sides, that do not come back."""
    if len(t) < 3:
        return []
    dx, dy = np.diff(x), np.diff(y)
    if not bool(np.any(np.abs(dx) + np.abs(dy) >= 0.99 * TELEPORT_M)):
        return []  # every step shorter than TELEPORT_M (|dx| + |dy| bounds the distance)
    d = np.hypot(dx, dy)
    dt_s = np.diff(t)
    v = d / np.maximum(dt_s, 1e-3)
    cand = (d >= TELEPORT_M) & (dt_s <= TELEPORT_MAX_DT_S) & (v >= TELEPORT_MPS)
    err = np.nan_to_num(acc, nan=0.0)
    out: list[_Span] = []
    for i in np.flatnonzero(cand)[:100]:
        if d[i] < 3.0 * max(err[i], err[i + 1]):
            continue
        pre = _steady(t, v, dt_s, int(i), before=True)
        post = _steady(t, v, dt_s, int(i), before=False)
        if pre is None or post is None or max(pre, post) * 5.0 > v[i]:
            continue
        later = (t > t[i + 1]) & (t <= t[i + 1] + RETURN_S)
        earlier = (t < t[i]) & (t >= t[i] - RETURN_S)
        if np.any(np.hypot(x[later] - x[i], y[later] - y[i]) < d[i] / 2.0) or np.any(
            np.hypot(x[earlier] - x[i + 1], y[earlier] - y[i + 1]) < d[i] / 2.0
        ):
            continue
        reason = f"moved {d[i] / 1000:.1f} km in {dt_s[i]:.0f} s ({v[i]:.0f} m/s) and stayed there"
        ev: dict[str, object] = {
            "distance_m": round(float(d[i]), 1),
            "seconds": round(float(dt_s[i]), 1),
            "speed_mps": round(float(v[i]), 1),
        }
        out.append(("teleport", float(t[i]), float(t[i + 1]), reason, ev))
    return out


def _steady(t: F64, v: F64, dt_s: F64, i: int, *, before: bool) -> float | None:
    """Median step speed of the :data:`SIDE_S` of tracking beside step ``i``, or None
    when that side has a gap, too few fixes, or another impossible step."""
    if before:
        lo = int(np.searchsorted(t, t[i] - SIDE_S, side="left"))
        steps = slice(lo, i)
        span = t[i] - t[lo]
    else:
        hi = int(np.searchsorted(t, t[i + 1] + SIDE_S, side="right")) - 1
        steps = slice(i + 1, hi)
        span = t[hi] - t[i + 1]
    sv, sd = v[steps], dt_s[steps]
    if len(sv) < 2 or span < 0.75 * SIDE_S or sd.max() > 60.0 or sv.max() >= TELEPORT_MPS / 2:
        return None
    return float(np.median(sv))


def _frozen(t: F64, lat: F64, lon: F64, acc: F64, spd: F64) -> list[_Span]:
    """Runs of identical coordinates long enough, with constant accuracy and no speed."""
    same = (np.diff(lat) == 0) & (np.diff(lon) == 0)
    out: list[_Span] = []
    starts, ends = _runs(same)  # a run a..b: fixes a..b (b inclusive)
    span, count = t[ends] - t[starts], ends - starts + 1
    short = (span < FROZEN_S) | (count < FROZEN_N) | (span / (count - 1) > FROZEN_MAX_INTERVAL_S)
    for a, b in zip(starts[~short].tolist(), ends[~short].tolist(), strict=True):
        dur, n = t[b] - t[a], b - a + 1
        ra, rs = acc[a : b + 1], spd[a : b + 1]
        varied = np.isfinite(ra).any() and np.nanmax(ra) - np.nanmin(ra) > 1.0
        if varied or (np.isfinite(rs).any() and np.nanmax(rs) > 0.1):
            continue
        reason = f"{n} fixes at the very same position for {dur / 60:.0f} min, accuracy unchanged"
        out.append(
            (
                "frozen_position",
                float(t[a]),
                float(t[b]),
                reason,
                {"fixes": int(n), "seconds": round(float(dur), 1)},
            )
        )
    return out


def _simulated(t: F64, x: F64, y: F64) -> list[_Span]:
    """Movement whose velocity does not change at all from fix to fix (no GPS noise)."""
    if len(t) < _SIM_MIN_STEPS + 2:
        return []
    fixes = (kernel_array(t), kernel_array(x), kernel_array(y))
    vx, vy, smooth = smooth_steps(*fixes, SIM_DV_MPS, 2.0, 30.0)
    out: list[_Span] = []
    starts, ends = _runs(smooth)  # a run a..b: fixes a..b+1
    long = (t[ends + 1] - t[starts] >= SIM_S) & (ends - starts + 1 >= _SIM_MIN_STEPS)
    for a, b in zip(starts[long].tolist(), ends[long].tolist(), strict=True):
        dur = t[b + 1] - t[a]
        dist = float(np.hypot(x[b + 1] - x[a], y[b + 1] - y[a]))
        reason = (
            f"{dist:.0f} m in a perfectly straight line at a constant "
            f"{float(np.median(np.hypot(vx[a : b + 1], vy[a : b + 1]))):.1f} m/s, "
            "without any GPS noise"
        )
        out.append(
            (
                "simulated_route",
                float(t[a]),
                float(t[b + 1]),
                reason,
                {"fixes": int(b - a + 2), "seconds": round(float(dur), 1)},
            )
        )
    return out


def _runs(mask: B) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Starts and exclusive ends of the runs of True."""
    edges = np.flatnonzero(np.diff(np.r_[0, mask.astype(np.int8), 0]))
    return edges[::2], edges[1::2]


def _stay_ids(stays: Sequence[StayPoint], start_s: float, end_s: float) -> tuple[int, ...]:
    a, b = _ts(start_s), _ts(end_s)
    return tuple(s.id for s in stays if s.arrival <= b and s.departure >= a)


def _seconds(times: pd.Series) -> F64:
    return np.asarray(pd.DatetimeIndex(times).as_unit("ns").asi8 / 1e9, dtype=np.float64)


def _ts(seconds: float) -> pd.Timestamp:
    return pd.Timestamp(round(seconds * 1e9), unit="ns", tz="UTC")
