"""GeoDataFrames in and out of the core: a track in any CRS pyproj knows gives the same
result as the same fixes in WGS-84; stays and stores come back in EPSG:4326."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString

from tests.helpers.samples import SAMPLES
from trajectory.errors import InputError
from trajectory.io import read_tasks
from trajectory.pipeline import verify_day

LATE = SAMPLES / "late"


def _track() -> pd.DataFrame:
    return pd.read_csv(LATE / "track.csv", dtype={"manager_id": str})


def _as_geo(track: pd.DataFrame, epsg: int) -> gpd.GeoDataFrame:
    points = gpd.GeoDataFrame(
        track.drop(columns=["lat", "lon"]),
        geometry=gpd.points_from_xy(track["lon"], track["lat"]),
        crs=4326,
    )
    return points.to_crs(epsg=epsg)


@pytest.mark.parametrize("epsg", [4326, 3857, 32650])  # web mercator; UTM 50N (Beijing)
def test_a_geodataframe_in_any_crs_gives_the_wgs84_result(epsg: int) -> None:
    tasks = read_tasks(LATE / "tasks.csv")
    plain = verify_day(_track(), tasks).to_dict()
    geo = verify_day(_as_geo(_track(), epsg), tasks).to_dict()
    for stay_a, stay_b in zip(plain["stay_points"], geo["stay_points"], strict=True):
        assert (
            abs(stay_a["lat"] - stay_b["lat"]) < 1e-6 and abs(stay_a["lon"] - stay_b["lon"]) < 1e-6
        )
        stay_a.update(lat=None, lon=None, spread_m=None)
        stay_b.update(lat=None, lon=None, spread_m=None)
    assert geo["checks"] == plain["checks"]
    assert geo["stay_points"] == plain["stay_points"]


def test_only_point_fixes() -> None:
    lines = gpd.GeoDataFrame(
        {"manager_id": ["m"], "timestamp": ["2026-11-20T08:00:00+08:00"]},
        geometry=[LineString([(116.4, 39.9), (116.41, 39.91)])],
        crs=4326,
    )
    with pytest.raises(InputError, match="field geometry: expected point fixes, got LineString"):
        verify_day(lines, read_tasks(LATE / "tasks.csv"))


def test_stays_and_stores_as_geodataframes() -> None:
    result = verify_day(_track(), read_tasks(LATE / "tasks.csv"))
    stays = result.stays_geodataframe()
    stores = result.stores_geodataframe()
    assert stays.crs.to_epsg() == 4326 and stores.crs.to_epsg() == 4326
    assert len(stays) == len(result.stay_points) and len(stores) == len(result.stores)
    assert set(stays.geometry.geom_type) == {"Point"}
    assert np.allclose(stays.geometry.x, [s.lon for s in result.stay_points])
    assert list(stores["store_id"]) == [s.store_id for s in result.stores]
    assert stores["visited"].sum() == sum(s.visited for s in result.stores)
    assert pd.api.types.is_datetime64_any_dtype(stays["arrival"])
