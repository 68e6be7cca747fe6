"""Store and market footprints: a hall or a building given as a polygon (issue 17, item 3).

A task row may carry a ``footprint`` (WKT or GeoJSON text, in the row's coordinate
system), and the configuration's ``market_footprints`` give a market's hall (in the
run's ``store_crs``), which every stall of that market without a footprint of its own
is inside.  A stay's distance to such a store is its distance to the polygon (0 inside),
computed with shapely 2 on arrays in a local metric projection; stores without a
footprint keep their great-circle point distance, so task lists without footprints
match exactly as before.
"""

from __future__ import annotations

__all__ = [
    "footprint_column",
    "footprint_wkt",
    "footprints_in_wgs84",
    "parse_footprint",
    "store_distances",
    "with_footprint",
]

import json
from collections.abc import Mapping

import numpy as np
import pandas as pd
import shapely

from trajectory import crs as crs_mod
from trajectory.footprint_text import parse_footprint
from trajectory.geodesy import LocalProjection, haversine_m
from trajectory.schema_checks import FieldChecks


def footprint_wkt(geom: shapely.Geometry | None) -> str | None:
    """A footprint as WKT with 7 decimals (~1 cm, as the result's coordinates), or None."""
    if geom is None:
        return None
    return str(shapely.to_wkt(geom, rounding_precision=7, trim=True))


def footprint_column(checks: FieldChecks, values: pd.Series) -> pd.Series:
    """The task list's ``footprint`` column checked: each row's text (a GeoJSON object
    from a JSON task list is taken as it is) or None when blank; a bad footprint is a
    problem of the row's ``footprint`` field, recorded in ``checks``."""
    raw = values.reset_index(drop=True).to_numpy(dtype=object)
    texts = np.full(raw.size, None, dtype=object)
    reasons = np.full(raw.size, None, dtype=object)
    for i, value in enumerate(raw):  # one per task row, never per fix
        if isinstance(value, dict):
            value = json.dumps(value)
        if value is None or (isinstance(value, float) and np.isnan(value)):
            continue
        text = str(value).strip()
        if not text:
            continue
        try:
            parse_footprint(text)
        except ValueError as exc:
            reasons[i] = str(exc)
            continue
        texts[i] = text
    checks.add("footprint", reasons)
    return pd.Series(texts, dtype=object)


def with_footprint(
    frame: pd.DataFrame, checks: FieldChecks, cols: Mapping[str, pd.Series]
) -> pd.DataFrame:
    """``frame`` with the checked ``footprint`` column when the input has one."""
    if "footprint" not in cols:
        return frame
    return frame.assign(footprint=footprint_column(checks, cols["footprint"]).to_numpy())


def footprints_in_wgs84(
    task_df: pd.DataFrame, market_footprints: Mapping[str, str], store_crs: str
) -> pd.DataFrame:
    """The tasks with a ``footprint`` column of WGS-84 polygons (None where a store is a
    point): the row's own footprint in its ``crs`` (else ``store_crs``), else its
    market's hall from ``market_footprints`` (in ``store_crs``).  Returned unchanged when
    no row has either."""
    if "footprint" not in task_df and not market_footprints:
        return task_df
    own = (
        task_df["footprint"].to_numpy(dtype=object)
        if "footprint" in task_df
        else np.full(len(task_df), None, dtype=object)
    )
    market = (
        task_df["market_id"].to_numpy(dtype=object)
        if "market_id" in task_df
        else np.full(len(task_df), None, dtype=object)
    )
    row_crs = (
        task_df["crs"].fillna(store_crs).to_numpy(dtype=object)
        if "crs" in task_df
        else np.full(len(task_df), store_crs, dtype=object)
    )
    out = np.full(len(task_df), None, dtype=object)
    for i in range(len(task_df)):  # per task row
        if isinstance(own[i], str) and own[i]:
            out[i] = _to_wgs84(parse_footprint(own[i]), str(row_crs[i]))
        elif market[i] is not None and str(market[i]) in market_footprints:
            out[i] = _to_wgs84(parse_footprint(market_footprints[str(market[i])]), store_crs)
    if "footprint" not in task_df and all(g is None for g in out):
        return task_df
    return task_df.assign(footprint=out)


def store_distances(slat: np.ndarray, slon: np.ndarray, stores: pd.DataFrame) -> np.ndarray:
    """Metres from each stay (rows) to each store (columns): to the store's footprint
    (0 inside) where it has one, else the great-circle distance to its point."""
    dist = np.asarray(
        haversine_m(
            slat[:, None],
            slon[:, None],
            stores["lat"].to_numpy(dtype=np.float64)[None, :],
            stores["lon"].to_numpy(dtype=np.float64)[None, :],
        ),
        dtype=np.float64,
    )
    if "footprint" not in stores or slat.size == 0:
        return dist
    geoms = stores["footprint"].to_numpy(dtype=object)
    has = np.array([g is not None for g in geoms], dtype=bool)
    if not has.any():
        return dist
    proj = LocalProjection.around(slat, slon)
    x, y = proj.forward(slat, slon)
    points = shapely.points(x, y)
    local = np.array([_projected(g, proj) for g in geoms[has]], dtype=object)
    dist = dist.copy()
    dist[:, has] = shapely.distance(points[:, None], local[None, :])
    return dist


def _projected(geom: shapely.Geometry, proj: LocalProjection) -> shapely.Geometry:
    """A WGS-84 geometry in ``proj``'s metres (all vertices at once)."""

    def forward(xy: np.ndarray) -> np.ndarray:
        x, y = proj.forward(xy[:, 1], xy[:, 0])
        return np.column_stack([x, y])

    return shapely.transform(geom, forward)


def _to_wgs84(geom: shapely.Geometry, name: str) -> shapely.Geometry:
    """A footprint in coordinate system ``name`` converted to WGS-84 (all vertices at once)."""
    if name == "wgs84":
        return geom

    def convert(xy: np.ndarray) -> np.ndarray:
        lat, lon = crs_mod.to_wgs84(xy[:, 1].copy(), xy[:, 0].copy(), name)
        return np.column_stack([lon, lat])

    return shapely.transform(geom, convert)
