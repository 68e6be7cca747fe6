"""Degrading a real track the way weaker phones do, and scoring its labelled stops.

Issue 13, item 4: on the diary-labelled real trace, short stops with few fixes
are fragile.  :func:`degrade` makes three worse recordings of one track
(seeded): ``noise10`` (10 m of extra Gaussian noise per axis), ``sampling30``
(one fix every 30 s, from a random phase) and ``drop10`` (10 % of the fixes
lost at random); :func:`stop_recall` scores detected stays against labelled
stops (recall of the stops lasting at least ``min_stop_s``, and the stays that
overlap no labelled stop at all: false stays).
"""

from __future__ import annotations

__all__ = ["DEGRADATIONS", "degrade", "stop_recall"]

import numpy as np
import numpy.typing as npt
import pandas as pd

from trajectory.geodesy import LocalProjection
from trajectory.testing.evaluation import score_intervals

#: The degradations :func:`degrade` knows.
DEGRADATIONS: tuple[str, ...] = ("noise10", "sampling30", "drop10")


def degrade(track: pd.DataFrame, kind: str, seed: int) -> pd.DataFrame:
    """A copy of ``track`` (``time``, ``lat``, ``lon``, ...) degraded by ``kind``."""
    rng = np.random.default_rng([seed, DEGRADATIONS.index(kind)])
    if kind == "noise10":
        lat = track["lat"].to_numpy(dtype=np.float64)
        lon = track["lon"].to_numpy(dtype=np.float64)
        proj = LocalProjection.around(lat, lon)
        x, y = proj.forward(lat, lon)
        nlat, nlon = proj.inverse(x + rng.normal(0, 10.0, x.size), y + rng.normal(0, 10.0, y.size))
        return track.assign(lat=nlat, lon=nlon)
    if kind == "sampling30":
        ns = pd.DatetimeIndex(track["time"]).as_unit("ns").asi8
        phase = int(rng.integers(0, 30)) * 1_000_000_000
        slot = (ns - ns[0] + phase) // 30_000_000_000
        return track.loc[np.r_[True, np.diff(slot) > 0]].reset_index(drop=True)
    if kind == "drop10":
        keep = rng.random(len(track)) >= 0.10
        return track.loc[keep].reset_index(drop=True)
    raise ValueError(f"unknown degradation {kind!r}; expected one of {', '.join(DEGRADATIONS)}")


def stop_recall(
    stops: pd.DataFrame, stays: pd.DataFrame, *, min_stop_s: float = 180.0
) -> tuple[int, int, int]:
    """(labelled stops >= ``min_stop_s``, how many a stay overlaps, false stays).

    ``stops`` has ``first_point_utc``, ``last_point_utc``, ``duration_s``;
    ``stays`` has ``arrival``/``departure``.
    """
    ts, te = _epoch(stops["first_point_utc"]), _epoch(stops["last_point_utc"])
    ds, de = _epoch(stays["arrival"]), _epoch(stays["departure"])
    long = stops["duration_s"].to_numpy(dtype=np.float64) >= min_stop_s
    score = score_intervals(ts[long], te[long], ds, de)
    overlap = np.minimum(te[:, None], de[None, :]) >= np.maximum(ts[:, None], ds[None, :])
    false = int((~overlap.any(axis=0)).sum()) if ds.size else 0
    return int(long.sum()), score.matched, false


def _epoch(values: pd.Series) -> npt.NDArray[np.float64]:
    idx = pd.DatetimeIndex(pd.to_datetime(values, utc=True))
    return idx.as_unit("ns").asi8.astype(np.float64) / 1e9
