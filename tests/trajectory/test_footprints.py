"""Store and market footprints (issue 17, item 3): a stay is matched by its distance to a
store's polygon (0 inside), the polygon may be WKT or GeoJSON in any of the three
coordinate systems, and a market's hall from the configuration holds its stalls."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

from trajectory.config import VerifyConfig, config_from_mapping
from trajectory.crs import convert
from trajectory.errors import ConfigError, InputError
from trajectory.footprints import parse_footprint, store_distances
from trajectory.geodesy import LocalProjection
from trajectory.io import read_tasks
from trajectory.pipeline import verify_day
from trajectory.result import DayResult

HALL = LocalProjection(31.2300, 121.4700)  # the hall's centre
CFG = VerifyConfig(match_radius_m=50.0, resegment=False)


def _ring(half_x: float, half_y: float) -> list[tuple[float, float]]:
    """A rectangle round the hall's centre, (lon, lat) corners."""
    xs = np.array([-half_x, half_x, half_x, -half_x, -half_x])
    ys = np.array([-half_y, -half_y, half_y, half_y, -half_y])
    lat, lon = HALL.inverse(xs, ys)
    return list(zip(lon.tolist(), lat.tolist(), strict=True))


def _wkt(half_x: float = 120.0, half_y: float = 40.0) -> str:
    return str(shapely.Polygon(_ring(half_x, half_y)).wkt)


def _track(x: float = 70.0, y: float = 0.0) -> pd.DataFrame:
    """A 30-min stay at (x, y) m from the hall's centre, reached from 1 km away."""
    t0 = pd.Timestamp("2026-11-20 06:40:00")
    drive = np.linspace(1000.0, x, 60)
    xs = np.concatenate([drive, np.full(180, x) + np.sin(np.arange(180)) * 3.0])
    ys = np.concatenate([np.full(60, y), np.full(180, y) + np.cos(np.arange(180)) * 3.0])
    lat, lon = HALL.inverse(xs, ys)
    times = [t0 + pd.Timedelta(seconds=10 * i) for i in range(xs.size)]
    return pd.DataFrame(
        {
            "manager_id": "M1",
            "timestamp": [t.isoformat() for t in times],
            "lat": lat,
            "lon": lon,
        }
    )


def _tasks(footprint: str | None = None, **extra: str) -> pd.DataFrame:
    row = {
        "manager_id": "M1",
        "date": "2026-11-20",
        "seq": "1",
        "store_id": "JX-HALL",
        "store_name": "Jiangxi market",
        "lat": str(HALL.lat0),
        "lon": str(HALL.lon0),
        "method": "onsite",
        **extra,
    }
    if footprint is not None:
        row["footprint"] = footprint
    return pd.DataFrame([row])


def _statuses(result: DayResult) -> dict[str, str]:
    return {name: c.status for name, c in result.checks.items()}


class TestMatching:
    def test_a_stay_inside_the_hall_70_m_from_its_centre_is_matched(self) -> None:
        result = verify_day(_track(), _tasks(_wkt()), CFG)
        (stay,) = result.stay_points
        assert stay.store_id == "JX-HALL" and stay.distance_m == 0.0
        assert set(_statuses(result).values()) == {"pass"}
        assert result.stores[0].footprint is not None

    def test_the_same_store_as_a_point_is_unchanged(self) -> None:
        result = verify_day(_track(), _tasks(), CFG)
        (stay,) = result.stay_points
        assert stay.store_id is None  # 70 m from the point, gate 50 m: as before
        assert result.stores[0].footprint is None
        assert result.to_dict()["stores"][0]["footprint"] is None
        blank = verify_day(_track(), _tasks(""), CFG)  # a blank footprint is a point
        assert blank.to_dict()["stay_points"] == result.to_dict()["stay_points"]

    def test_outside_the_hall_the_distance_is_to_its_edge(self) -> None:
        result = verify_day(_track(x=160.0), _tasks(_wkt()), CFG)  # 40 m past the wall
        (stay,) = result.stay_points
        assert stay.store_id == "JX-HALL"
        assert stay.distance_m == pytest.approx(40.0, abs=3.0)

    def test_a_gcj02_polygon_is_converted(self) -> None:
        ring = np.array(_ring(120.0, 40.0))
        glat, glon = convert(ring[:, 1], ring[:, 0], "wgs84", "gcj02")
        gcj = shapely.Polygon(np.column_stack([glon, glat])).wkt
        unconverted = verify_day(_track(), _tasks(gcj), CFG)  # read as WGS-84: ~500 m off
        assert unconverted.stay_points[0].store_id is None
        result = verify_day(_track(), _tasks(gcj, crs="gcj02"), CFG)
        assert result.stay_points[0].store_id == "JX-HALL"
        back = parse_footprint(str(result.stores[0].footprint))
        assert shapely.equals_exact(back, shapely.Polygon(ring), tolerance=1e-6)

    def test_geojson_and_a_geojson_object(self) -> None:
        geo = shapely.to_geojson(shapely.Polygon(_ring(120.0, 40.0)))
        assert verify_day(_track(), _tasks(geo), CFG).stay_points[0].store_id == "JX-HALL"
        feature = json.dumps({"type": "Feature", "geometry": json.loads(geo), "properties": {}})
        assert verify_day(_track(), _tasks(feature), CFG).stay_points[0].store_id == "JX-HALL"

    def test_a_market_hall_from_the_configuration_holds_its_stalls(self) -> None:
        tasks = _tasks(market_id="JX-01")
        assert verify_day(_track(), tasks, CFG).stay_points[0].store_id is None
        cfg = config_from_mapping(
            {"match_radius_m": 50, "resegment": False, "market_footprints": {"JX-01": _wkt()}}
        )
        result = verify_day(_track(), tasks, cfg)
        assert result.stay_points[0].store_id == "JX-HALL"
        assert result.stores[0].footprint is not None  # the stall's hall

    def test_distances_are_vectorised_over_stays_and_stores(self) -> None:
        stores = pd.DataFrame(
            {
                "lat": [HALL.lat0, HALL.lat0],
                "lon": [HALL.lon0, HALL.lon0],
                "footprint": [parse_footprint(_wkt()), None],
            }
        )
        lat, lon = HALL.inverse(np.array([0.0, 70.0, 220.0]), np.zeros(3))
        d = store_distances(lat, lon, stores)
        assert d.shape == (3, 2)
        np.testing.assert_allclose(d[:, 0], [0.0, 0.0, 100.0], atol=0.5)
        np.testing.assert_allclose(d[:, 1], [0.0, 70.0, 220.0], atol=0.5)


class TestBadFootprints:
    @pytest.mark.parametrize(
        ("text", "words"),
        [
            ("POLYGON((121.47 31.23, 121.48", "WKT"),
            ('{"type": "Polygon", "coordinates": [[[121.47, 31.23]', "GeoJSON"),
            ("POINT(121.47 31.23)", "got Point"),
            ("POLYGON((0 0, 2 2, 2 0, 0 2, 0 0))", "invalid"),
            ("POLYGON((31.23 121.47, 31.24 121.47, 31.24 121.48, 31.23 121.47))", "range"),
        ],
    )
    def test_a_bad_row_names_file_row_and_field(self, text: str, words: str) -> None:
        tasks = pd.concat([_tasks(_wkt()), _tasks(text).assign(store_id="S2", seq="2")])
        with pytest.raises(InputError) as err:
            verify_day(_track(), tasks.reset_index(drop=True), CFG)
        assert err.value.row == 2 and err.value.field == "footprint"
        assert words in str(err.value)

    def test_a_bad_row_in_a_csv_file(self, tmp_path: Path) -> None:
        path = tmp_path / "tasks.csv"
        tasks = pd.concat([_tasks(_wkt()), _tasks("POLYGON((1 2").assign(store_id="S2")])
        tasks.to_csv(path, index=False)
        with pytest.raises(InputError) as err:
            read_tasks(path)
        assert str(err.value).startswith(f"{path}, row 2, field footprint:")
        kept = read_tasks(path, on_bad_row="skip")
        assert len(kept.frame) == 1 and kept.rejected[0].field == "footprint"

    def test_a_bad_market_footprint_names_the_key(self) -> None:
        with pytest.raises(ConfigError, match=r"market_footprints\.JX-01"):
            config_from_mapping({"market_footprints": {"JX-01": "POLYGON((1 2"}})


def test_the_result_round_trips_with_a_footprint() -> None:
    result = verify_day(_track(), _tasks(_wkt()), CFG)
    data = result.to_dict()
    assert data["stores"][0]["footprint"].startswith("POLYGON")
    assert DayResult.from_dict(data).to_dict() == data
    data["stores"][0].pop("footprint")  # stored before issue 17: a point
    assert DayResult.from_dict(data).stores[0].footprint is None
