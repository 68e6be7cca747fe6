"""GeoDataFrames at the boundary of the core, the convention of trackintel and movingpandas.

In: :func:`fixes_from_geodataframe` turns a GeoDataFrame of point fixes into the plain
``lat``/``lon`` frame the pipeline reads, converting any CRS pyproj knows to WGS-84
(EPSG:4326) through geopandas' ``to_crs``.  GCJ-02 and BD-09, which pyproj does not know,
stay the business of ``track_crs`` as for any other input: give such a frame without a
CRS (or as EPSG:4326) and name the system in ``track_crs``.

Out: :func:`stays_geodataframe` and :func:`stores_geodataframe` give a result's stays
and stores as GeoDataFrames in EPSG:4326, one row per stay or store, every field of the
result as a column, ready for trackintel, movingpandas, QGIS or ``to_file``.

The hot path never sees a geometry: these run once per call, on whole columns, and
geopandas is imported only when a GeoDataFrame is given or asked for.
"""

from __future__ import annotations

__all__ = [
    "fixes_from_geodataframe",
    "is_geodataframe",
    "stays_geodataframe",
    "stores_geodataframe",
]

from collections.abc import Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import pandas as pd

from trajectory.errors import InputError

if TYPE_CHECKING:
    import geopandas as gpd


class _Result(Protocol):
    """What these read of a :class:`trajectory.result.DayResult` (not imported: the
    result imports this module)."""

    @property
    def stay_points(self) -> Sequence[Any]: ...

    @property
    def stores(self) -> Sequence[Any]: ...


WGS84_EPSG = 4326


def is_geodataframe(frame: object) -> bool:
    """Whether ``frame`` is a GeoDataFrame (without importing geopandas for plain frames)."""
    return type(frame).__name__ == "GeoDataFrame" and hasattr(frame, "geometry")


def fixes_from_geodataframe(
    frame: gpd.GeoDataFrame, source: str = "<geodataframe>"
) -> pd.DataFrame:
    """The fixes as a plain frame with WGS-84 ``lat``/``lon`` columns (geometry dropped).

    The active geometry must be points; a frame without a CRS is taken as it is (WGS-84,
    or the system ``track_crs`` names).  Rows with an empty or missing geometry keep
    NaN coordinates, which validation reports by row like any other bad coordinate.
    """
    geometry = frame.geometry
    kinds = set(geometry.geom_type.dropna().unique().tolist())
    if not kinds <= {"Point"}:
        raise InputError(
            source, None, "geometry", f"expected point fixes, got {', '.join(sorted(kinds))}"
        )
    if frame.crs is not None and frame.crs.to_epsg() != WGS84_EPSG:
        geometry = geometry.to_crs(epsg=WGS84_EPSG)
    empty = geometry.isna() | geometry.is_empty
    lon = np.where(empty, np.nan, geometry.x.where(~empty).to_numpy(dtype=np.float64))
    lat = np.where(empty, np.nan, geometry.y.where(~empty).to_numpy(dtype=np.float64))
    plain = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    return plain.assign(lat=lat, lon=lon)


def stays_geodataframe(result: _Result) -> gpd.GeoDataFrame:
    """The result's stays, one row each, as points in EPSG:4326."""
    rows = [_flat(asdict(s)) for s in result.stay_points]
    return _points(rows, ("id", "lat", "lon", "arrival", "departure", "store_id"))


def stores_geodataframe(result: _Result) -> gpd.GeoDataFrame:
    """The result's task-list stores, one row each, as points in EPSG:4326."""
    rows = [{**_flat(asdict(s)), "visited": s.visited} for s in result.stores]
    return _points(rows, ("store_id", "store_name", "seq", "method", "lat", "lon", "status"))


def _flat(record: dict[str, Any]) -> dict[str, Any]:
    """Tuples (ambiguous store ids, period visits) as lists: columns a file can hold."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in record.items()}


def _points(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> gpd.GeoDataFrame:
    import geopandas as gpd

    frame = pd.DataFrame(rows) if rows else pd.DataFrame(columns=list(columns))
    geometry = gpd.points_from_xy(
        frame["lon"].astype(np.float64), frame["lat"].astype(np.float64), crs=WGS84_EPSG
    )
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=WGS84_EPSG)
