"""Small hand-built tracks for unit tests (shared builders; import, don't copy)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from trajectory.geodesy import LocalProjection

ORIGIN = (31.2304, 121.4737)  # Shanghai, People's Square
PROJ = LocalProjection(*ORIGIN)
DAY = "2026-11-20"


def at(x_m: float, y_m: float) -> tuple[float, float]:
    """(lat, lon) of a point x metres east and y metres north of ORIGIN."""
    lat, lon = PROJ.inverse(x_m, y_m)
    return float(lat), float(lon)


class TrackBuilder:
    """Build a track leg by leg: ``stay`` (noisy, optional gaps) and ``move`` (straight line)."""

    def __init__(self, start: str = "07:00:00", step_s: float = 5.0, seed: int = 0) -> None:
        self.t = pd.Timestamp(f"{DAY} {start}", tz="Asia/Shanghai").tz_convert("UTC")
        self.step_s = step_s
        self.rng = np.random.default_rng(seed)
        self.rows: list[tuple[pd.Timestamp, float, float]] = []
        self.pos = (0.0, 0.0)

    def _emit(self, xs: np.ndarray, ys: np.ndarray, ts: np.ndarray) -> None:
        lat, lon = PROJ.inverse(xs, ys)
        for ti, la, lo in zip(ts, lat, lon, strict=True):
            self.rows.append((self.t + pd.Timedelta(seconds=float(ti)), float(la), float(lo)))

    def stay(
        self,
        x: float,
        y: float,
        seconds: float,
        noise_m: float = 8.0,
        gap: tuple[float, float] | None = None,
    ) -> TrackBuilder:
        ts = np.arange(0.0, seconds, self.step_s)
        if gap is not None:
            ts = ts[(ts < gap[0]) | (ts >= gap[0] + gap[1])]
        xs = x + self.rng.normal(0, noise_m, ts.size)
        ys = y + self.rng.normal(0, noise_m, ts.size)
        self._emit(xs, ys, ts)
        self.t += pd.Timedelta(seconds=seconds)
        self.pos = (x, y)
        return self

    def move(
        self, x: float, y: float, speed_mps: float = 8.0, noise_m: float = 3.0
    ) -> TrackBuilder:
        x0, y0 = self.pos
        dist = float(np.hypot(x - x0, y - y0))
        seconds = max(dist / speed_mps, self.step_s)
        ts = np.arange(0.0, seconds, self.step_s)
        f = ts / seconds
        xs = x0 + f * (x - x0) + self.rng.normal(0, noise_m, ts.size)
        ys = y0 + f * (y - y0) + self.rng.normal(0, noise_m, ts.size)
        self._emit(xs, ys, ts)
        self.t += pd.Timedelta(seconds=seconds)
        self.pos = (x, y)
        return self

    def point(self, x: float, y: float, after_s: float) -> TrackBuilder:
        """One fix ``after_s`` seconds after the previous one (a jump when far away)."""
        self.t += pd.Timedelta(seconds=after_s)
        self._emit(np.array([x]), np.array([y]), np.array([0.0]))
        self.t += pd.Timedelta(seconds=self.step_s)
        return self

    def frame(self, manager_id: str = "m1") -> pd.DataFrame:
        df = pd.DataFrame(self.rows, columns=["time", "lat", "lon"])
        df.insert(0, "manager_id", manager_id)
        df["accuracy_m"] = np.nan
        df["speed_mps"] = np.nan
        df["source_row"] = np.arange(1, len(df) + 1)
        return df


def tasks_frame(
    stores: list[tuple[str, float, float]],
    methods: list[str] | None = None,
    reported: list[bool] | None = None,
    manager_id: str = "m1",
) -> pd.DataFrame:
    """A task list of stores given as (store_id, x_m, y_m)."""
    rows = []
    for i, (sid, x, y) in enumerate(stores):
        lat, lon = at(x, y)
        rows.append(
            {
                "manager_id": manager_id,
                "date": DAY,
                "seq": i + 1,
                "store_id": sid,
                "store_name": f"store {sid}",
                "lat": lat,
                "lon": lon,
                "method": (methods[i] if methods else "onsite"),
                "reported_visited": (reported[i] if reported else True),
            }
        )
    return pd.DataFrame(rows)
