"""A manager-day's inputs in WGS-84: the fixes in the run's ``track_crs``, each task row in
its own ``crs`` (task files may mix systems) or else the run's ``store_crs``, and the
exempt places in theirs.  Vectorised: one conversion per coordinate system present."""

from __future__ import annotations

__all__ = ["exempt_in_wgs84", "exempt_places_of", "in_wgs84"]

from dataclasses import replace

import numpy as np
import pandas as pd

from trajectory import crs as crs_mod
from trajectory.config import ExemptPlace, VerifyConfig


def in_wgs84(
    points: pd.DataFrame, task_df: pd.DataFrame, track_crs: str, store_crs: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The fixes and the tasks (a copy) with WGS-84 coordinates."""
    if track_crs != "wgs84" and len(points):
        lat, lon = crs_mod.to_wgs84(points["lat"].to_numpy(), points["lon"].to_numpy(), track_crs)
        points = points.assign(lat=lat, lon=lon)
    # a row's own ``crs`` (task files may mix systems) before the run's ``store_crs``
    if "crs" in task_df:
        row_crs = task_df["crs"].fillna(store_crs).to_numpy(dtype=object)
    else:
        row_crs = np.full(len(task_df), store_crs, dtype=object)
    systems = set(row_crs.tolist()) - {"wgs84"}
    floats = task_df["lat"].dtype == np.float64 and task_df["lon"].dtype == np.float64
    if not systems and floats:
        return points, task_df  # already WGS-84 floats: nothing to convert or copy
    task_df = task_df.copy()
    lat = task_df["lat"].to_numpy(dtype=np.float64, copy=True)
    lon = task_df["lon"].to_numpy(dtype=np.float64, copy=True)
    for name in systems:  # one conversion per system, not per row
        rows = row_crs == name
        lat[rows], lon[rows] = crs_mod.to_wgs84(lat[rows], lon[rows], str(name))
    task_df["lat"], task_df["lon"] = lat, lon
    return points, task_df


def exempt_in_wgs84(place: ExemptPlace) -> ExemptPlace:
    """The place with WGS-84 coordinates (its other fields kept)."""
    if place.crs == "wgs84":
        return place
    lat, lon = crs_mod.to_wgs84(np.array([place.lat]), np.array([place.lon]), place.crs)
    return replace(place, lat=float(lat[0]), lon=float(lon[0]), crs="wgs84")


def exempt_places_of(cfg: VerifyConfig, manager_id: str) -> tuple[ExemptPlace, ...]:
    """The configured exempt places that apply to ``manager_id`` (everyone's and their
    own), in WGS-84."""
    return tuple(
        exempt_in_wgs84(p) for p in cfg.exempt_places if p.manager_id in (None, manager_id)
    )
