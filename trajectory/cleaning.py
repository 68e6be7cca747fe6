"""Cleaning a track before stay detection: order, duplicates, poor fixes, jumps.

Every dropped fix is counted by reason and listed by source row; nothing is
dropped silently.
"""

from __future__ import annotations

__all__ = ["CleaningReport", "DROP_REASONS", "clean_track"]

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from trajectory._kernels import flag_bursts
from trajectory.geodesy import LocalProjection

#: Why a fix can be dropped, in the order the steps run.
DROP_REASONS: tuple[str, ...] = (
    "duplicate",
    "conflicting_duplicate",
    "zero_coordinates",
    "poor_accuracy",
    "burst",
    "jump",
)


@dataclass(frozen=True)
class CleaningReport:
    """What cleaning did: fixes in, fixes kept, and fixes dropped by reason.

    ``dropped_rows`` maps a reason to the source rows dropped for it (1-based
    data rows of the input file), so a supervisor can look each one up.
    """

    input_points: int
    kept_points: int
    dropped: dict[str, int] = field(default_factory=dict)
    dropped_rows: dict[str, list[int]] = field(default_factory=dict)
    reordered: bool = False

    def to_dict(self) -> dict[str, object]:
        return {
            "input_points": self.input_points,
            "kept_points": self.kept_points,
            "dropped": dict(self.dropped),
            "reordered": self.reordered,
        }


def clean_track(
    track: pd.DataFrame,
    *,
    max_speed_mps: float = 50.0,
    jump_m: float = 150.0,
    max_accuracy_m: float = 200.0,
    accuracy_factor: float = 5.0,
    accuracy_floor_m: float = 50.0,
    max_burst_n: int = 15,
    max_burst_s: float = 600.0,
) -> tuple[pd.DataFrame, CleaningReport]:
    """Return a cleaned, time-sorted copy of one person's track and what was dropped.

    Steps: sort by time (stable, so uploads arriving out of order give the same
    result); drop exact duplicates (same time and position) and, of fixes with
    the same time but different positions, all but the most accurate; drop
    (0, 0) fixes; drop fixes whose ``accuracy_m`` exceeds ``max_accuracy_m`` or
    is ``accuracy_factor`` times worse than the track's median and worse than
    ``accuracy_floor_m``; drop bursts of up to ``max_burst_n`` fixes (default 15) that leave
    at more than ``max_speed_mps`` and come back; drop single jumps: a fix more
    than ``jump_m`` off the line between its neighbours, more than ``jump_m``
    from both, on a detour at least three times the direct path.

    Parameters
    ----------
    track
        Validated fixes: ``time`` (tz-aware), ``lat``, ``lon``, optional
        ``accuracy_m``, ``speed_mps``, ``source_row``.  Not modified.

    Returns
    -------
    (pandas.DataFrame, CleaningReport)
        The kept fixes sorted by time with a fresh index, and the report.
    """
    n_in = len(track)
    df = track.copy()
    if "source_row" not in df.columns:
        df["source_row"] = np.arange(1, n_in + 1, dtype=np.int64)
    if "accuracy_m" not in df.columns:
        df["accuracy_m"] = np.nan
    times = pd.DatetimeIndex(df["time"]).as_unit("ns").asi8
    reordered = bool(n_in > 1 and np.any(np.diff(times) < 0))
    # Sort on (time, accuracy, lat, lon) so shuffled or duplicated uploads give the
    # same order and, of fixes sharing an instant, the most accurate comes first.
    order = np.lexsort(
        (df["source_row"].to_numpy(), df["lon"].to_numpy(), df["lat"].to_numpy(),
         df["accuracy_m"].fillna(np.inf).to_numpy(), times)
    )
    df = df.iloc[order].reset_index(drop=True)
    dropped: dict[str, npt.NDArray[np.int64]] = {}

    def drop(mask: npt.NDArray[np.bool_], reason: str) -> None:
        nonlocal df
        dropped[reason] = df["source_row"].to_numpy()[mask]
        df = df.loc[~mask].reset_index(drop=True)

    drop(df.duplicated(subset=["time", "lat", "lon"], keep="first").to_numpy(), "duplicate")
    drop(df.duplicated(subset=["time"], keep="first").to_numpy(), "conflicting_duplicate")
    drop(((df["lat"] == 0) & (df["lon"] == 0)).to_numpy(), "zero_coordinates")

    acc = df["accuracy_m"].to_numpy(dtype=np.float64)
    poor = np.zeros(len(df), dtype=bool)
    if np.isfinite(acc).any():
        median_acc = float(np.nanmedian(acc))
        limit = max(accuracy_floor_m, accuracy_factor * median_acc)
        with np.errstate(invalid="ignore"):
            poor = np.isfinite(acc) & ((acc > max_accuracy_m) | (acc > limit))
    drop(poor, "poor_accuracy")

    t, x, y = _arrays(df)
    # Both directions: a burst right after a signal gap looks reachable going
    # forward (the gap hides its speed) but not coming back from the fixes after it.
    forward = flag_bursts(t, x, y, max_speed_mps, jump_m, max_burst_n, max_burst_s)
    backward = flag_bursts(-t[::-1], x[::-1], y[::-1], max_speed_mps, jump_m, max_burst_n,
                           max_burst_s)[::-1]
    drop(forward | backward, "burst")
    for _ in range(3):  # a second pass catches a jump that sat next to another
        t, x, y = _arrays(df)
        mask = _single_jumps(x, y, jump_m)
        if not mask.any():
            break
        prev = dropped.get("jump", np.zeros(0, dtype=np.int64))
        drop(mask, "jump")
        dropped["jump"] = np.concatenate([prev, dropped["jump"]])
    dropped.setdefault("jump", np.zeros(0, dtype=np.int64))
    report = CleaningReport(
        input_points=n_in,
        kept_points=len(df),
        dropped={r: int(dropped[r].size) for r in DROP_REASONS},
        dropped_rows={r: sorted(int(v) for v in dropped[r]) for r in DROP_REASONS},
        reordered=reordered,
    )
    return df, report


def _arrays(
    df: pd.DataFrame,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    ns = pd.DatetimeIndex(df["time"]).as_unit("ns").asi8
    t = (ns - ns[0]).astype(np.float64) / 1e9 if ns.size else np.zeros(0)
    lat = df["lat"].to_numpy(dtype=np.float64)
    lon = df["lon"].to_numpy(dtype=np.float64)
    x, y = LocalProjection.around(lat, lon).forward(lat, lon)
    return t, x, y


def _single_jumps(
    x: npt.NDArray[np.float64], y: npt.NDArray[np.float64], jump_m: float
) -> npt.NDArray[np.bool_]:
    """Interior fixes far off the line between their neighbours and far from both."""
    n = x.shape[0]
    mask = np.zeros(n, dtype=bool)
    if n < 3:
        return mask
    ax, ay = x[:-2], y[:-2]
    px, py = x[1:-1], y[1:-1]
    bx, by = x[2:], y[2:]
    d1 = np.hypot(px - ax, py - ay)
    d2 = np.hypot(bx - px, by - py)
    d13 = np.hypot(bx - ax, by - ay)
    # distance from p to the segment a-b
    vx, vy = bx - ax, by - ay
    seg2 = vx * vx + vy * vy
    with np.errstate(invalid="ignore", divide="ignore"):
        u = np.where(seg2 > 0, ((px - ax) * vx + (py - ay) * vy) / seg2, 0.0)
    u = np.clip(u, 0.0, 1.0)
    off = np.hypot(px - (ax + u * vx), py - (ay + u * vy))
    detour = (d1 + d2) >= 3.0 * np.maximum(d13, 1.0)
    mask[1:-1] = (off > jump_m) & (np.minimum(d1, d2) > jump_m) & detour
    return mask
