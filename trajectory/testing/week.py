"""A generated week (or month) of one manager, with a recurring unexplained place.

:func:`generate_week` generates one day per date (:func:`generate_day`), moves each to
one city (every day's first fix on :data:`ORIGIN`; the tasks, the true visits and the
exempt places move with it) and, on the chosen dates, adds a breakfast before work: 25
minutes of fixes at :data:`BREAKFAST` (2.5 km from the origin) ending 20 minutes before
the day's first fix.  The breakfast is a stay at no task store: an unexplained stay that
recurs on those dates and nowhere else.
"""

from __future__ import annotations

__all__ = ["BREAKFAST", "ORIGIN", "generate_week"]

import dataclasses
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from trajectory.testing.scenarios import SimulatedDay, generate_day

#: (lat, lon) of every generated day's first fix (Guangzhou, WGS-84).
ORIGIN: tuple[float, float] = (23.1200, 113.3000)
#: (lat, lon) of the breakfast place (WGS-84): 2.5 km south-west of :data:`ORIGIN`.
BREAKFAST: tuple[float, float] = (23.1040, 113.2830)

_BREAKFAST_S = 25 * 60
_BEFORE_WORK_S = 20 * 60
_STEP_S = 10


def generate_week(
    dates: Sequence[str],
    *,
    manager_id: str,
    breakfast_dates: Iterable[str] = (),
    scenario: str = "extra_stop",
    seed: int = 0,
) -> list[SimulatedDay]:
    """One generated day per date (seeds ``seed``, ``seed + 1``, ...), all in one city.

    Parameters
    ----------
    dates
        Local dates (``YYYY-MM-DD``), one day each.
    manager_id
        The manager of every day.
    breakfast_dates
        The dates with a breakfast at :data:`BREAKFAST` before work.
    scenario, seed
        :func:`generate_day`'s scenario and the first seed.
    """
    breakfast = set(breakfast_dates)
    days = []
    for k, date in enumerate(dates):
        day = _moved(generate_day(scenario, seed + k, date=date, manager_id=manager_id))
        if date in breakfast:
            day = _with_breakfast(day, np.random.default_rng(seed + k))
        days.append(day)
    return days


def _moved(day: SimulatedDay) -> SimulatedDay:
    """The day moved so that its first fix lies on :data:`ORIGIN`."""
    if day.track_crs != "wgs84" or day.store_crs != "wgs84":
        raise ValueError(f"scenario {day.scenario!r} is not in WGS-84")
    dlat = ORIGIN[0] - float(day.track["lat"].iloc[0])
    dlon = ORIGIN[1] - float(day.track["lon"].iloc[0])
    config: dict[str, Any] = dict(day.config)
    if "exempt_places" in config:
        config["exempt_places"] = [
            {**p, "lat": p["lat"] + dlat, "lon": p["lon"] + dlon} for p in config["exempt_places"]
        ]
    return dataclasses.replace(
        day,
        track=day.track.assign(lat=day.track["lat"] + dlat, lon=day.track["lon"] + dlon),
        tasks=day.tasks.assign(lat=day.tasks["lat"] + dlat, lon=day.tasks["lon"] + dlon),
        visits=day.visits.assign(lat=day.visits["lat"] + dlat, lon=day.visits["lon"] + dlon),
        config=config,
    )


def _with_breakfast(day: SimulatedDay, rng: np.random.Generator) -> SimulatedDay:
    """The day with 25 min of fixes at :data:`BREAKFAST` ending 20 min before its first fix."""
    first = str(day.track["timestamp"].iloc[0])  # ISO with its offset, "+08:00"
    start = pd.Timestamp(first) - pd.Timedelta(seconds=_BEFORE_WORK_S + _BREAKFAST_S)
    times = start + pd.to_timedelta(np.arange(0, _BREAKFAST_S, _STEP_S), unit="s")
    n = len(times)
    noise_deg = rng.normal(0.0, 6.0, size=(n, 2)) / 111_000.0
    fixes = pd.DataFrame(
        {
            "manager_id": day.track["manager_id"].iloc[0],
            "timestamp": times.strftime("%Y-%m-%dT%H:%M:%S") + first[-6:],
            "lat": BREAKFAST[0] + noise_deg[:, 0],
            "lon": BREAKFAST[1] + noise_deg[:, 1],
            "accuracy_m": 8.0,
            "speed_mps": 0.0,
        }
    )
    truth = pd.DataFrame(
        {
            "true_lat": BREAKFAST[0],
            "true_lon": BREAKFAST[1],
            "indoor": False,
            "fault": "",
            "drift_m": 0.0,
        },
        index=range(n),
    )
    return dataclasses.replace(
        day,
        track=pd.concat([fixes, day.track], ignore_index=True),
        point_truth=pd.concat([truth, day.point_truth], ignore_index=True),
    )
