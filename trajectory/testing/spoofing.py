"""Tampered and honest look-alike variants of a generated day, for the integrity rules.

Each function takes a :class:`~trajectory.testing.scenarios.SimulatedDay`'s track (fixes
as uploaded: ``timestamp`` ISO 8601 with offset) and a generator, and returns the
altered track plus the tampered window (epoch seconds; ``None`` for honest variants).
Parameters are drawn widely per day (hold 6-60 min at 0.8-5 km, jumps of 2-20 km,
replays with 0-0.8 m jitter, 0-10 min extra shift and thinning 1-3, simulated drives of
5-25 min at 6-25 m/s).
"""

from __future__ import annotations

__all__ = ["SPOOFS", "honest_next_day", "real_trace_flags", "shift_days", "spoof"]

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.signal import lfilter

from trajectory.geodesy import LocalProjection

Window = tuple[float, float] | None
_Spoof = Callable[[pd.DataFrame, np.random.Generator], tuple[pd.DataFrame, Window]]


def _times(track: pd.DataFrame) -> np.ndarray:
    return np.asarray(
        pd.DatetimeIndex(pd.to_datetime(track["timestamp"], utc=True)).as_unit("ns").asi8 / 1e9
    )


def _set_times(track: pd.DataFrame, t_s: np.ndarray) -> pd.DataFrame:
    ts = pd.to_datetime(np.round(t_s).astype(np.int64), unit="s", utc=True)
    return track.assign(timestamp=ts.tz_convert("Asia/Shanghai").strftime("%Y-%m-%dT%H:%M:%S%z"))


def _window(
    t: np.ndarray, rng: np.random.Generator, lo_s: float, hi_s: float
) -> tuple[float, float]:
    dur = rng.uniform(lo_s, hi_s)
    start = rng.uniform(t.min() + 0.2 * (t.max() - t.min()), t.max() - dur - 600.0)
    return float(start), float(start + dur)


def _offset(
    lat: float, lon: float, rng: np.random.Generator, lo: float, hi: float
) -> tuple[float, float]:
    ang, dist = rng.uniform(0, 2 * np.pi), rng.uniform(lo, hi)
    return LocalProjection(lat, lon).inverse(dist * np.cos(ang), dist * np.sin(ang))  # type: ignore[return-value]


def mock_hold(track: pd.DataFrame, rng: np.random.Generator) -> tuple[pd.DataFrame, Window]:
    """A mock-location app holding one exact position 0.8-5 km away for 6-60 min."""
    t = _times(track)
    a, b = _window(t, rng, 360.0, 3600.0)
    inside = (t >= a) & (t <= b)
    lat, lon = _offset(float(track["lat"].median()), float(track["lon"].median()), rng, 800, 5000)
    out = track.copy()
    out.loc[inside, ["lat", "lon"]] = [round(float(lat), 6), round(float(lon), 6)]
    out.loc[inside, "accuracy_m"] = rng.choice([np.nan, 3.0, 5.0, 10.0])
    out.loc[inside, "speed_mps"] = 0.0
    return out, (a, b)


def teleport(track: pd.DataFrame, rng: np.random.Generator) -> tuple[pd.DataFrame, Window]:
    """From a moment on, every fix moved 2-20 km (the phone 'is' elsewhere)."""
    t = _times(track)
    a, _ = _window(t, rng, 600.0, 1200.0)
    later = t >= a
    dlat, dlon = (
        np.asarray(v) - c
        for v, c in zip(_offset(0.0, 0.0, rng, 2000, 20000), (0.0, 0.0), strict=True)
    )
    out = track.copy()
    out.loc[later, "lat"] += float(dlat)
    out.loc[later, "lon"] += float(dlon)
    jump = float(t[later].min())
    return out, (float(t[~later].max()), jump)


def simulated_route(track: pd.DataFrame, rng: np.random.Generator) -> tuple[pd.DataFrame, Window]:
    """5-25 min replaced by a straight constant-speed line (6-25 m/s, 1-5 s, 6 decimals)."""
    t = _times(track)
    a, b = _window(t, rng, 300.0, 1500.0)
    step = float(rng.choice([1.0, 2.0, 5.0]))
    tt = np.arange(a, b, step)
    speed, ang = rng.uniform(6.0, 25.0), rng.uniform(0, 2 * np.pi)
    k = np.searchsorted(t, a)
    proj = LocalProjection(float(track["lat"].iloc[k]), float(track["lon"].iloc[k]))
    lat, lon = proj.inverse(speed * (tt - a) * np.cos(ang), speed * (tt - a) * np.sin(ang))
    keep = track.loc[(t < a) | (t > b)]
    fake = pd.DataFrame(
        {
            "manager_id": track["manager_id"].iloc[0],
            "lat": np.round(lat, 6),
            "lon": np.round(lon, 6),
            "accuracy_m": 5.0,
            "speed_mps": speed,
        }
    )
    fake = _set_times(fake.assign(timestamp=""), tt)
    return pd.concat([keep, fake[track.columns]], ignore_index=True), (a, b)


def shift_days(track: pd.DataFrame, days: int, extra_s: float = 0.0) -> pd.DataFrame:
    """The same fixes ``days`` days (plus ``extra_s``) later."""
    return _set_times(track, _times(track) + days * 86400.0 + extra_s)


def replay(track: pd.DataFrame, rng: np.random.Generator) -> tuple[pd.DataFrame, Window]:
    """Yesterday's track (the input) uploaded as today's: jitter, extra shift, thinning."""
    k = int(rng.integers(1, 4))
    out = track.iloc[::k].copy()
    jitter = rng.uniform(0.0, 0.8) / 111_000.0
    out["lat"] = out["lat"] + rng.normal(0.0, jitter, len(out))
    out["lon"] = out["lon"] + rng.normal(0.0, jitter, len(out))
    out = shift_days(out, 1, float(rng.choice([0.0, rng.uniform(-600.0, 600.0)])))
    t = _times(out)
    return out, (float(t.min()), float(t.max()))


def honest_next_day(
    track: pd.DataFrame, truth: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    """The same route recorded honestly the next day: fresh correlated noise (5-15 m)
    and the day 0-20 min earlier or later, stretched by up to 5 %."""
    sigma = rng.uniform(5.0, 15.0) / 111_000.0
    t = _times(track)
    a = np.exp(-np.median(np.diff(t)) / rng.uniform(30.0, 120.0))  # Gauss-Markov, 30-120 s
    w = rng.normal(0.0, sigma * np.sqrt(1.0 - a * a), (len(track), 2))
    noise = lfilter([1.0], [1.0, -a], w, axis=0)
    t2 = t[0] + (t - t[0]) * rng.uniform(0.95, 1.05) + 86400.0 + rng.uniform(-1200.0, 1200.0)
    out = track.assign(
        lat=truth["true_lat"].to_numpy() + noise[:, 0],
        lon=truth["true_lon"].to_numpy() + noise[:, 1],
    )
    return _set_times(out, t2)


#: The spoofs a generated day can be given, by name.
SPOOFS: dict[str, _Spoof] = {
    "mock_hold": mock_hold,
    "teleport": teleport,
    "simulated_route": simulated_route,
    "replay": replay,
}


def spoof(name: str, track: pd.DataFrame, seed: int) -> tuple[pd.DataFrame, Window]:
    """``SPOOFS[name]`` applied with a generator seeded by ``seed``."""
    return SPOOFS[name](track, np.random.default_rng(seed))


def real_trace_flags(real: Path) -> Iterator[tuple[str, str, dt.date, list[str]]]:
    """(trace, user, local day, flag kinds) for every user-day of the real recordings in
    ``real`` (``*/normalized.csv``), each day checked against the user's other days: the
    honest traces any flag on which is a false positive (benchmark and test)."""
    from trajectory.cleaning import clean_track
    from trajectory.integrity import check_integrity, day_fingerprint

    for path in sorted(real.glob("*/normalized.csv")):
        for user, g in pd.read_csv(path).groupby("user_id"):
            raw = pd.DataFrame(
                {
                    "time": pd.to_datetime(g["timestamp"], utc=True, format="ISO8601"),
                    "lat": g["lat"].to_numpy(),
                    "lon": g["lon"].to_numpy(),
                    "accuracy_m": np.nan,
                    "source_row": np.arange(1, len(g) + 1),
                }
            )
            local = pd.DatetimeIndex(raw["time"]).tz_convert("Asia/Shanghai").date
            days = {d: raw.loc[local == d] for d in sorted(set(local))}
            cleaned = {d: clean_track(r)[0] for d, r in days.items()}
            fps = [day_fingerprint(c, d) for d, c in cleaned.items()]
            for d, r in days.items():
                result = check_integrity(r, cleaned[d], (), date=d, others=fps)
                yield path.parent.name, str(user), d, [f.kind for f in result.flags]
