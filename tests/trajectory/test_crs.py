"""Tests for trajectory.crs: WGS-84 / GCJ-02 / BD-09 conversions.

Distances are measured with a haversine written here, independent of the module
under test, and the forward formulas are checked against a scalar re-statement
of the textbook formula and against values published by wandergis/coordtransform.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import ArrayLike, NDArray

from trajectory import crs
from trajectory.config import CRS_NAMES
from trajectory.errors import ConfigError

EARTH_RADIUS_M = 6_371_008.8
ROUND_TRIP_TOL_M = 0.01

# Points: (lat, lon), degrees.
BEIJING_WGS84 = (39.9042, 116.4074)
#: wandergis/coordtransform test/app.js input (lon 116.404, lat 39.915) and its outputs.
COORDTRANSFORM_INPUT = (39.915, 116.404)
COORDTRANSFORM_WGS84_TO_GCJ02 = (39.91640428150164, 116.41024449916938)
COORDTRANSFORM_GCJ02_TO_BD09 = (39.92133699351021, 116.41036949371029)
#: The one-step inverses published there (approximate by construction).
COORDTRANSFORM_GCJ02_TO_WGS84 = (39.91359571849836, 116.39775550083061)
COORDTRANSFORM_BD09_TO_GCJ02 = (39.90865673957631, 116.39762729119315)
ABROAD = {
    "zurich": (47.3769, 8.5417),
    "london": (51.5074, -0.1278),
    "new_york": (40.7128, -74.0060),
    "sydney": (-33.8688, 151.2093),
}

# The GCJ-02 box shrunk by 0.05 deg on every side (more than the largest offset,
# ~730 m = 0.012 deg of longitude at 56 N): near the edge the forward transform
# jumps and is not one-to-one, see gcj02_to_wgs84's Notes.
_MARGIN_DEG = 0.05
LAT_IN_BOX = st.floats(crs.CHINA_LAT_MIN_DEG + _MARGIN_DEG, crs.CHINA_LAT_MAX_DEG - _MARGIN_DEG)
LON_IN_BOX = st.floats(crs.CHINA_LON_MIN_DEG + _MARGIN_DEG, crs.CHINA_LON_MAX_DEG - _MARGIN_DEG)
PROPERTY = settings(max_examples=300, deadline=None, database=None)

Converter = Callable[[ArrayLike, ArrayLike], tuple[NDArray[np.float64], NDArray[np.float64]]]
ALL_CONVERTERS: list[Converter] = [
    crs.wgs84_to_gcj02,
    crs.gcj02_to_wgs84,
    crs.gcj02_to_bd09,
    crs.bd09_to_gcj02,
    crs.wgs84_to_bd09,
    crs.bd09_to_wgs84,
]


def haversine_m(
    lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike
) -> NDArray[np.float64]:
    """Great-circle distance (m) on the mean Earth sphere."""
    p1, l1, p2, l2 = (np.radians(np.asarray(v, dtype=np.float64)) for v in (lat1, lon1, lat2, lon2))
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin((l2 - l1) / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(h)), dtype=np.float64)


def textbook_wgs84_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    """The well-known scalar GCJ-02 formula, term by term, with the math module."""
    if not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271):
        return lat, lon
    a, ee, pi = 6378245.0, 0.00669342162296594323, math.pi
    x, y = lon - 105.0, lat - 35.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    dlat += (20.0 * math.sin(6.0 * x * pi) + 20.0 * math.sin(2.0 * x * pi)) * 2.0 / 3.0
    dlat += (20.0 * math.sin(y * pi) + 40.0 * math.sin(y / 3.0 * pi)) * 2.0 / 3.0
    dlat += (160.0 * math.sin(y / 12.0 * pi) + 320 * math.sin(y * pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    dlon += (20.0 * math.sin(6.0 * x * pi) + 20.0 * math.sin(2.0 * x * pi)) * 2.0 / 3.0
    dlon += (20.0 * math.sin(x * pi) + 40.0 * math.sin(x / 3.0 * pi)) * 2.0 / 3.0
    dlon += (150.0 * math.sin(x / 12.0 * pi) + 300.0 * math.sin(x / 30.0 * pi)) * 2.0 / 3.0
    rad_lat = lat / 180.0 * pi
    magic = 1 - ee * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((a * (1 - ee)) / (magic * sqrt_magic) * pi)
    dlon = (dlon * 180.0) / (a / sqrt_magic * math.cos(rad_lat) * pi)
    return lat + dlat, lon + dlon


def textbook_gcj02_to_bd09(lat: float, lon: float) -> tuple[float, float]:
    """Baidu's scalar forward formula."""
    x_pi = math.pi * 3000.0 / 180.0
    z = math.sqrt(lon * lon + lat * lat) + 0.00002 * math.sin(lat * x_pi)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * x_pi)
    return z * math.sin(theta) + 0.006, z * math.cos(theta) + 0.0065


def one_step_gcj02_to_wgs84(lat: ArrayLike, lon: ArrayLike) -> tuple[NDArray[np.float64], ...]:
    """The common non-iterative inverse: subtract the offset evaluated at the GCJ-02 point."""
    g_lat, g_lon = np.asarray(lat, dtype=np.float64), np.asarray(lon, dtype=np.float64)
    f_lat, f_lon = crs.wgs84_to_gcj02(g_lat, g_lon)
    return 2 * g_lat - f_lat, 2 * g_lon - f_lon


def mainland_grid(n_side: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """An ``n_side`` x ``n_side`` grid over the shrunk GCJ-02 box, flattened."""
    lat = np.linspace(
        crs.CHINA_LAT_MIN_DEG + _MARGIN_DEG, crs.CHINA_LAT_MAX_DEG - _MARGIN_DEG, n_side
    )
    lon = np.linspace(
        crs.CHINA_LON_MIN_DEG + _MARGIN_DEG, crs.CHINA_LON_MAX_DEG - _MARGIN_DEG, n_side
    )
    lat_g, lon_g = np.meshgrid(lat, lon, indexing="ij")
    return lat_g.ravel(), lon_g.ravel()


def random_mainland(n: int, seed: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """``n`` uniformly random points in the shrunk GCJ-02 box."""
    rng = np.random.default_rng(seed)
    lat = rng.uniform(crs.CHINA_LAT_MIN_DEG + _MARGIN_DEG, crs.CHINA_LAT_MAX_DEG - _MARGIN_DEG, n)
    lon = rng.uniform(crs.CHINA_LON_MIN_DEG + _MARGIN_DEG, crs.CHINA_LON_MAX_DEG - _MARGIN_DEG, n)
    return lat, lon


class TestOutOfChina:
    def test_beijing_inside_and_abroad_outside(self) -> None:
        lat = [BEIJING_WGS84[0], *(p[0] for p in ABROAD.values())]
        lon = [BEIJING_WGS84[1], *(p[1] for p in ABROAD.values())]
        assert crs.out_of_china(lat, lon).tolist() == [False, True, True, True, True]

    @pytest.mark.parametrize(
        ("lat", "lon", "outside"),
        [
            (30.0, 72.004, False),  # exactly on each edge: inside
            (30.0, 137.8347, False),
            (0.8293, 100.0, False),
            (55.8271, 100.0, False),
            (30.0, 72.004 - 1e-9, True),  # just beyond each edge: outside
            (30.0, 137.8347 + 1e-9, True),
            (0.8293 - 1e-9, 100.0, True),
            (55.8271 + 1e-9, 100.0, True),
        ],
    )
    def test_box_edges(self, lat: float, lon: float, outside: bool) -> None:
        assert bool(crs.out_of_china(lat, lon)) is outside

    def test_nan_is_not_outside_and_broadcasts(self) -> None:
        result = crs.out_of_china(np.array([np.nan, 39.9, 39.9]), 116.4)
        assert result.dtype == np.bool_
        assert result.tolist() == [False, False, False]


class TestWgs84ToGcj02:
    def test_published_reference_value(self) -> None:
        lat, lon = crs.wgs84_to_gcj02(*COORDTRANSFORM_INPUT)
        np.testing.assert_allclose([lat, lon], COORDTRANSFORM_WGS84_TO_GCJ02, rtol=0, atol=1e-12)

    def test_beijing_offset_is_hundreds_of_metres(self) -> None:
        lat, lon = crs.wgs84_to_gcj02(*BEIJING_WGS84)
        offset_m = float(haversine_m(*BEIJING_WGS84, lat, lon))
        assert 100.0 < offset_m < 700.0
        np.testing.assert_allclose(
            [lat, lon], textbook_wgs84_to_gcj02(*BEIJING_WGS84), rtol=0, atol=1e-12
        )

    def test_matches_textbook_formula(self) -> None:
        # 1e-12 deg ~ 0.1 um: the triple-angle rewrite changes nothing measurable.
        lat, lon = random_mainland(2000, seed=8)
        expected = np.array([textbook_wgs84_to_gcj02(a, o) for a, o in zip(lat, lon, strict=True)])
        out_lat, out_lon = crs.wgs84_to_gcj02(lat, lon)
        np.testing.assert_allclose(out_lat, expected[:, 0], rtol=0, atol=1e-12)
        np.testing.assert_allclose(out_lon, expected[:, 1], rtol=0, atol=1e-12)

    @pytest.mark.parametrize("place", sorted(ABROAD))
    def test_identity_outside_china(self, place: str) -> None:
        lat, lon = ABROAD[place]
        out_lat, out_lon = crs.wgs84_to_gcj02(lat, lon)
        assert (float(out_lat), float(out_lon)) == (lat, lon)

    def test_nan_and_inf(self) -> None:
        lat = np.array([np.nan, 39.9, np.inf, 39.9042])
        lon = np.array([116.4, np.nan, 116.4, -np.inf])
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            out_lat, out_lon = crs.wgs84_to_gcj02(lat, lon)
        assert np.isnan(out_lat[:2]).all()
        assert np.isnan(out_lon[:2]).all()
        np.testing.assert_array_equal(out_lat[2:], lat[2:])  # inf is outside the box
        np.testing.assert_array_equal(out_lon[2:], lon[2:])

    def test_input_not_mutated_and_shape_kept(self) -> None:
        lat, lon = random_mainland(12, seed=1)
        lat2, lon2 = lat.reshape(3, 4), lon.reshape(3, 4)
        before = (lat2.copy(), lon2.copy())
        out_lat, out_lon = crs.wgs84_to_gcj02(lat2, lon2)
        assert out_lat.shape == out_lon.shape == (3, 4)
        np.testing.assert_array_equal(lat2, before[0])
        np.testing.assert_array_equal(lon2, before[1])


class TestGcj02ToWgs84:
    @PROPERTY
    @given(lat=LAT_IN_BOX, lon=LON_IN_BOX)
    def test_round_trip_within_1_cm(self, lat: float, lon: float) -> None:
        back = crs.gcj02_to_wgs84(*crs.wgs84_to_gcj02(lat, lon))
        assert float(haversine_m(lat, lon, *back)) < ROUND_TRIP_TOL_M

    def test_forward_image_within_tolerance(self) -> None:
        lat, lon = random_mainland(20_000, seed=2)
        for tol_m in (1e-2, 1e-4, 1e-6):
            image = crs.wgs84_to_gcj02(*crs.gcj02_to_wgs84(lat, lon, tol_m=tol_m))
            # The tolerance is checked on a local flat approximation: allow 1 %.
            assert haversine_m(lat, lon, *image).max() < 1.01 * tol_m

    def test_one_step_inverse_is_not_enough(self) -> None:
        # Why iterate: the usual one-step inverse is metres off in much of China.
        lat, lon = mainland_grid(150)
        gcj = crs.wgs84_to_gcj02(lat, lon)
        one_step_err_m = haversine_m(lat, lon, *one_step_gcj02_to_wgs84(*gcj))
        iterated_err_m = haversine_m(lat, lon, *crs.gcj02_to_wgs84(*gcj))
        assert one_step_err_m.max() > 0.5
        assert (one_step_err_m > ROUND_TRIP_TOL_M).mean() > 0.5
        assert iterated_err_m.max() < ROUND_TRIP_TOL_M

    def test_max_iter_zero_is_the_one_step_inverse(self) -> None:
        lat, lon = random_mainland(1000, seed=3)
        np.testing.assert_array_equal(
            crs.gcj02_to_wgs84(lat, lon, max_iter=0), one_step_gcj02_to_wgs84(lat, lon)
        )

    def test_published_one_step_value_is_metres_off(self) -> None:
        lat, lon = crs.gcj02_to_wgs84(*COORDTRANSFORM_INPUT)
        image = crs.wgs84_to_gcj02(lat, lon)
        assert float(haversine_m(*COORDTRANSFORM_INPUT, *image)) < 1e-4
        published_m = float(haversine_m(lat, lon, *COORDTRANSFORM_GCJ02_TO_WGS84))
        assert 0.05 < published_m < 11.0

    @pytest.mark.parametrize("place", sorted(ABROAD))
    def test_identity_outside_china(self, place: str) -> None:
        lat, lon = ABROAD[place]
        out_lat, out_lon = crs.gcj02_to_wgs84(lat, lon)
        assert (float(out_lat), float(out_lon)) == (lat, lon)

    def test_box_edge_stops_without_a_preimage(self) -> None:
        # 0.001 deg inside the west edge the GCJ-02 shift (~500 m east) has no
        # WGS-84 preimage; iteration must stop at max_iter with a finite point
        # near the target.  Just outside the edge GCJ-02 is the identity.
        lat = np.linspace(1.0, 55.0, 50)
        for lon_deg, far_m in ((crs.CHINA_LON_MIN_DEG + 0.001, 1000.0), (72.0, 0.0)):
            lon = np.full_like(lat, lon_deg)
            out_lat, out_lon = crs.gcj02_to_wgs84(lat, lon)
            assert np.isfinite([out_lat, out_lon]).all()
            assert haversine_m(lat, lon, out_lat, out_lon).max() <= far_m

    def test_scalars_give_0d_arrays(self) -> None:
        lat, lon = crs.gcj02_to_wgs84(39.9, 116.4)
        assert lat.shape == lon.shape == ()
        assert lat.dtype == np.float64
        assert isinstance(float(lat), float)

    def test_lists_and_broadcasting(self) -> None:
        lat, lon = crs.gcj02_to_wgs84([39.9, 31.2], 116.4)
        assert lat.shape == lon.shape == (2,)
        np.testing.assert_array_equal(lat[1], crs.gcj02_to_wgs84(31.2, 116.4)[0])

    def test_nan_propagates_without_warnings(self) -> None:
        lat = np.array([np.nan, 39.9, np.nan, 31.2])
        lon = np.array([116.4, np.nan, np.nan, 121.5])
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            out_lat, out_lon = crs.gcj02_to_wgs84(lat, lon)
        assert np.isnan(out_lat[:3]).all()
        assert np.isnan(out_lon[:3]).all()
        assert np.isfinite([out_lat[3], out_lon[3]]).all()

    @pytest.mark.parametrize(
        ("kwargs", "match"),
        [
            ({"tol_m": 0.0}, "tol_m"),
            ({"tol_m": -1.0}, "tol_m"),
            ({"tol_m": float("nan")}, "tol_m"),
            ({"max_iter": -1}, "max_iter"),
            ({"max_iter": 2.5}, "max_iter"),
        ],
    )
    def test_bad_iteration_parameters(self, kwargs: dict[str, float], match: str) -> None:
        with pytest.raises(ConfigError, match=match):
            crs.gcj02_to_wgs84(39.9, 116.4, **kwargs)  # type: ignore[arg-type]


class TestGcj02ToBd09:
    def test_published_reference_value(self) -> None:
        lat, lon = crs.gcj02_to_bd09(*COORDTRANSFORM_INPUT)
        np.testing.assert_allclose([lat, lon], COORDTRANSFORM_GCJ02_TO_BD09, rtol=0, atol=1e-12)

    def test_matches_textbook_formula(self) -> None:
        lat, lon = random_mainland(2000, seed=9)
        expected = np.array([textbook_gcj02_to_bd09(a, o) for a, o in zip(lat, lon, strict=True)])
        out_lat, out_lon = crs.gcj02_to_bd09(lat, lon)
        np.testing.assert_allclose(out_lat, expected[:, 0], rtol=0, atol=1e-12)
        np.testing.assert_allclose(out_lon, expected[:, 1], rtol=0, atol=1e-12)

    def test_baidu_offset_is_hundreds_of_metres(self) -> None:
        gcj = crs.wgs84_to_gcj02(*BEIJING_WGS84)
        offset_m = float(haversine_m(*gcj, *crs.gcj02_to_bd09(*gcj)))
        assert 300.0 < offset_m < 1500.0

    def test_applies_outside_china_too(self) -> None:
        lat, lon = ABROAD["zurich"]
        assert float(haversine_m(lat, lon, *crs.gcj02_to_bd09(lat, lon))) > 100.0

    def test_nan_propagates(self) -> None:
        out_lat, out_lon = crs.gcj02_to_bd09([np.nan, 39.9], [116.4, np.nan])
        assert np.isnan(out_lat).all()
        assert np.isnan(out_lon).all()


class TestBd09ToGcj02:
    @PROPERTY
    @given(lat=LAT_IN_BOX, lon=LON_IN_BOX)
    def test_round_trip_within_1_cm(self, lat: float, lon: float) -> None:
        back = crs.bd09_to_gcj02(*crs.gcj02_to_bd09(lat, lon))
        assert float(haversine_m(lat, lon, *back)) < ROUND_TRIP_TOL_M

    def test_exact_where_the_published_inverse_is_not(self) -> None:
        lat, lon = mainland_grid(150)
        bd = crs.gcj02_to_bd09(lat, lon)
        published_err_m = haversine_m(lat, lon, *crs.bd09_to_gcj02(*bd, max_iter=0))
        iterated_err_m = haversine_m(lat, lon, *crs.bd09_to_gcj02(*bd))
        assert published_err_m.max() > ROUND_TRIP_TOL_M
        assert iterated_err_m.max() < 1e-3  # < 1 mm

    def test_published_reference_value_is_close(self) -> None:
        lat, lon = crs.bd09_to_gcj02(*COORDTRANSFORM_INPUT)
        assert float(haversine_m(lat, lon, *COORDTRANSFORM_BD09_TO_GCJ02)) < 0.3
        image = crs.gcj02_to_bd09(lat, lon)
        assert float(haversine_m(*COORDTRANSFORM_INPUT, *image)) < 1e-4

    def test_nan_propagates_without_warnings(self) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            out_lat, out_lon = crs.bd09_to_gcj02([np.nan, 39.9, 39.9], [116.4, np.nan, 116.4])
        assert np.isnan(out_lat[:2]).all()
        assert np.isnan(out_lon[:2]).all()
        assert np.isfinite([out_lat[2], out_lon[2]]).all()


class TestWgs84ToBd09:
    def test_is_gcj02_then_bd09(self) -> None:
        lat, lon = random_mainland(1000, seed=4)
        np.testing.assert_array_equal(
            crs.wgs84_to_bd09(lat, lon), crs.gcj02_to_bd09(*crs.wgs84_to_gcj02(lat, lon))
        )

    def test_beijing_offset(self) -> None:
        offset_m = float(haversine_m(*BEIJING_WGS84, *crs.wgs84_to_bd09(*BEIJING_WGS84)))
        assert 500.0 < offset_m < 2000.0


class TestBd09ToWgs84:
    @PROPERTY
    @given(lat=LAT_IN_BOX, lon=LON_IN_BOX)
    def test_round_trip_within_1_cm(self, lat: float, lon: float) -> None:
        back = crs.bd09_to_wgs84(*crs.wgs84_to_bd09(lat, lon))
        assert float(haversine_m(lat, lon, *back)) < ROUND_TRIP_TOL_M

    def test_two_step_one_step_inverse_is_not_enough(self) -> None:
        lat, lon = mainland_grid(150)
        bd = crs.wgs84_to_bd09(lat, lon)
        two_step = one_step_gcj02_to_wgs84(*crs.bd09_to_gcj02(*bd, max_iter=0))
        assert haversine_m(lat, lon, *two_step).max() > 0.5
        assert haversine_m(lat, lon, *crs.bd09_to_wgs84(*bd)).max() < ROUND_TRIP_TOL_M

    def test_nan_propagates_without_warnings(self) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            out_lat, out_lon = crs.bd09_to_wgs84([np.nan, 39.9], [116.4, np.nan])
        assert np.isnan(out_lat).all()
        assert np.isnan(out_lon).all()


class TestConvert:
    @pytest.mark.parametrize("func", ALL_CONVERTERS, ids=lambda f: f.__name__)
    def test_vectorised_100k_matches_per_element(self, func: Converter) -> None:
        lat, lon = random_mainland(100_000, seed=5)
        src, dst = func.__name__.split("_to_")
        out_lat, out_lon = crs.convert(lat, lon, src, dst)
        assert out_lat.shape == out_lon.shape == (100_000,)
        # Per element on a random sample: a per-point loop over all 100k would be
        # the slow path this module exists to avoid.  Each point's iteration must
        # not depend on its neighbours in the batch; the count of iterations may
        # differ by one at the tolerance, so allow 1e-9 deg (0.1 mm).
        rng = np.random.default_rng(6)
        sample = rng.choice(lat.size, 200, replace=False)
        one_by_one = np.array([[float(v) for v in func(lat[i], lon[i])] for i in sample])
        np.testing.assert_allclose(one_by_one[:, 0], out_lat[sample], rtol=0, atol=1e-9)
        np.testing.assert_allclose(one_by_one[:, 1], out_lon[sample], rtol=0, atol=1e-9)

    @pytest.mark.parametrize("name", CRS_NAMES)
    def test_same_system_returns_copies(self, name: str) -> None:
        lat, lon = np.array([39.9, 31.2]), np.array([116.4, 121.5])
        out_lat, out_lon = crs.convert(lat, lon, name, name)
        np.testing.assert_array_equal(out_lat, lat)
        np.testing.assert_array_equal(out_lon, lon)
        out_lat[0] = 0.0
        out_lon[0] = 0.0
        assert lat[0] == 39.9
        assert lon[0] == 116.4

    @pytest.mark.parametrize(("src", "dst"), [("wgs84", "mars"), ("WGS84", "gcj02"), ("", "bd09")])
    def test_unknown_name(self, src: str, dst: str) -> None:
        bad = dst if src in CRS_NAMES else src
        with pytest.raises(
            ConfigError, match=rf"unknown coordinate system '{bad}'.*wgs84, gcj02, bd09"
        ):
            crs.convert(39.9, 116.4, src, dst)

    def test_scalars(self) -> None:
        lat, lon = crs.convert(*BEIJING_WGS84, "wgs84", "gcj02")
        assert lat.shape == lon.shape == ()
        np.testing.assert_allclose(
            (float(lat), float(lon)), textbook_wgs84_to_gcj02(*BEIJING_WGS84), rtol=0, atol=1e-12
        )


class TestToWgs84:
    @pytest.mark.parametrize("src", CRS_NAMES)
    def test_equals_convert(self, src: str) -> None:
        lat, lon = random_mainland(500, seed=7)
        np.testing.assert_array_equal(
            crs.to_wgs84(lat, lon, src), crs.convert(lat, lon, src, "wgs84")
        )

    def test_recovers_beijing_from_each_system(self) -> None:
        gcj = crs.wgs84_to_gcj02(*BEIJING_WGS84)
        bd = crs.wgs84_to_bd09(*BEIJING_WGS84)
        for src, (lat, lon) in (("wgs84", BEIJING_WGS84), ("gcj02", gcj), ("bd09", bd)):
            assert float(haversine_m(*BEIJING_WGS84, *crs.to_wgs84(lat, lon, src))) < 1e-3

    def test_unknown_name(self) -> None:
        with pytest.raises(ConfigError, match="unknown coordinate system 'epsg:4326' for src"):
            crs.to_wgs84(39.9, 116.4, "epsg:4326")

    @pytest.mark.parametrize("src", CRS_NAMES)
    def test_stays_on_the_globe_at_the_poles_and_the_antimeridian(self, src: str) -> None:
        lat = np.array([-90.0, 90.0, -90.0, 89.99, 0.0, 0.0, 45.0])
        lon = np.array([0.0, 0.0, -179.999, 180.0, -180.0, 179.9999, -179.99])
        out_lat, out_lon = crs.to_wgs84(lat, lon, src)
        assert ((out_lat >= -90.0) & (out_lat <= 90.0)).all()
        assert ((out_lon >= -180.0) & (out_lon <= 180.0)).all()

    @pytest.mark.parametrize("src", CRS_NAMES)
    def test_clips_latitude_and_wraps_longitude_of_convert(self, src: str) -> None:
        rng = np.random.default_rng(8)
        lat, lon = rng.uniform(-90, 90, 2000), rng.uniform(-180, 180, 2000)
        lat[:20], lon[20:40] = np.repeat([-90.0, 90.0], 10), np.repeat([-180.0, 180.0], 10)
        c_lat, c_lon = crs.convert(lat, lon, src, "wgs84")
        want_lon = np.where(np.abs(c_lon) > 180.0, (c_lon + 180.0) % 360.0 - 180.0, c_lon)
        out_lat, out_lon = crs.to_wgs84(lat, lon, src)
        np.testing.assert_array_equal(out_lat, np.clip(c_lat, -90.0, 90.0))
        np.testing.assert_array_equal(out_lon, want_lon)

    def test_bd09_south_pole_on_the_antimeridian(self) -> None:
        lat, lon = crs.to_wgs84(-90.0, -179.999, "bd09")
        assert lat.shape == lon.shape == ()
        assert float(lat) == -90.0
        assert 179.99 < float(lon) < 180.0

    def test_nan_and_inf_without_warnings(self) -> None:
        lat, lon = crs.to_wgs84([np.nan, 10.0, np.inf], [1.0, np.inf, 1.0], "bd09")
        assert np.isnan(lat[0]) and np.isnan(lon[0])
        assert lon[1] == np.inf
        assert lat[2] == 90.0
