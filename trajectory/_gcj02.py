"""GCJ-02 and BD-09 formulas on float64 arrays of one shape, and their fixed-point inverse.

The working parts of :mod:`trajectory.crs` (and :mod:`trajectory.crs_china`): no
argument checks beyond ``invert``'s, no broadcasting except in ``as_arrays``.
"""

from __future__ import annotations

__all__ = [
    "arr_bd09_to_gcj02_approx",
    "arr_gcj02_to_bd09",
    "arr_wgs84_to_bd09",
    "arr_wgs84_to_gcj02",
    "as_arrays",
    "gcj02_offset_deg",
    "invert",
    "outside_box",
]

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from trajectory.errors import ConfigError

FloatArray = NDArray[np.float64]
LatLon = tuple[FloatArray, FloatArray]

#: Semi-major axis (m) of the Krasovsky 1940 ellipsoid used by GCJ-02.
KRASOVSKY_A_M = 6378245.0
#: First eccentricity squared of the Krasovsky 1940 ellipsoid.
KRASOVSKY_EE = 0.00669342162296594323
#: Baidu's constant: pi * 3000 / 180 (radians per degree, scaled by 3000).
BD09_X_PI = np.pi * 3000.0 / 180.0
#: Constant shift (degrees) Baidu adds after its rotation and scaling.
BD09_DLAT_DEG = 0.006
BD09_DLON_DEG = 0.0065

#: GCJ-02 bounding box (degrees): outside it GCJ-02 is the identity.
CHINA_LAT_MIN_DEG = 0.8293
CHINA_LAT_MAX_DEG = 55.8271
CHINA_LON_MIN_DEG = 72.004
CHINA_LON_MAX_DEG = 137.8347

#: Metres per degree of arc on the Krasovsky sphere; only used for tolerances.
M_PER_DEG = KRASOVSKY_A_M * np.pi / 180.0


def as_arrays(lat: ArrayLike, lon: ArrayLike) -> LatLon:
    """Return float64 copies of ``lat`` and ``lon`` broadcast to one shape."""
    lat_a = np.array(lat, dtype=np.float64)
    lon_a = np.array(lon, dtype=np.float64)
    if lat_a.shape == lon_a.shape:
        return lat_a, lon_a
    lat_b, lon_b = np.broadcast_arrays(lat_a, lon_a)
    return lat_b.copy(), lon_b.copy()


def outside_box(lat: FloatArray, lon: FloatArray) -> NDArray[np.bool_]:
    """Outside the GCJ-02 box (edges inside; NaN gives False); see ``crs.out_of_china``."""
    with np.errstate(invalid="ignore"):
        return (
            (lon < CHINA_LON_MIN_DEG)
            | (lon > CHINA_LON_MAX_DEG)
            | (lat < CHINA_LAT_MIN_DEG)
            | (lat > CHINA_LAT_MAX_DEG)
        )


def arr_wgs84_to_gcj02(lat: FloatArray, lon: FloatArray) -> LatLon:
    """:func:`trajectory.crs.wgs84_to_gcj02` on float64 arrays of one shape."""
    dlat, dlon = gcj02_offset_deg(lat, lon)
    return np.asarray(lat + dlat), np.asarray(lon + dlon)


def arr_gcj02_to_bd09(lat: FloatArray, lon: FloatArray) -> LatLon:
    """:func:`trajectory.crs.gcj02_to_bd09` on float64 arrays of one shape."""
    with np.errstate(invalid="ignore"):
        z = np.hypot(lon, lat) + 0.00002 * np.sin(lat * BD09_X_PI)
        theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * BD09_X_PI)
        bd_lat = z * np.sin(theta) + BD09_DLAT_DEG
        bd_lon = z * np.cos(theta) + BD09_DLON_DEG
    return np.asarray(bd_lat), np.asarray(bd_lon)


def arr_wgs84_to_bd09(lat: FloatArray, lon: FloatArray) -> LatLon:
    """:func:`trajectory.crs.wgs84_to_bd09` on float64 arrays of one shape."""
    return arr_gcj02_to_bd09(*arr_wgs84_to_gcj02(lat, lon))


def gcj02_offset_deg(lat: FloatArray, lon: FloatArray) -> LatLon:
    """GCJ-02 offset ``(dlat, dlon)`` (degrees) at WGS-84 ``(lat, lon)``.

    Points outside the box (including +-inf) get exactly 0; NaN gives a NaN
    offset, which is harmless since the coordinate is NaN already.
    """
    x = lon - 105.0
    y = lat - 35.0
    with np.errstate(invalid="ignore", divide="ignore"):  # the poles: masked below
        # The published offsets (metres) are a quadratic plus sines of
        # (6x, 2x, x, x/3, x/12, x/30) * pi and (y, y/3, y/12, y/30) * pi.  Sines are
        # most of the cost, so sin(3t) = 3 sin t - 4 sin^3 t derives sin(pi x),
        # sin(6 pi x) and sin(pi y) from sin(pi x / 3), sin(2 pi x) and sin(pi y / 3)
        # (differences ~1e-15 m), and cos(lat) comes from sin(lat).
        sin_x3 = np.sin(x * (np.pi / 3.0))
        sin_y3 = np.sin(y * (np.pi / 3.0))
        sin_2x = np.sin(x * (2.0 * np.pi))
        common = (20.0 * _sin_triple(sin_2x) + 20.0 * sin_2x) * (2.0 / 3.0)
        dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
        dlat += common
        dlat += (20.0 * _sin_triple(sin_y3) + 40.0 * sin_y3) * (2.0 / 3.0)
        dlat += (160.0 * np.sin(y * (np.pi / 12.0)) + 320.0 * np.sin(y * (np.pi / 30.0))) * (
            2.0 / 3.0
        )
        dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
        dlon += common
        dlon += (20.0 * _sin_triple(sin_x3) + 40.0 * sin_x3) * (2.0 / 3.0)
        dlon += (150.0 * np.sin(x * (np.pi / 12.0)) + 300.0 * np.sin(x * (np.pi / 30.0))) * (
            2.0 / 3.0
        )

        # Metres to degrees on the Krasovsky ellipsoid.  cos(lat) > 0 in the box.
        sin2_lat = np.sin(np.radians(lat)) ** 2
        magic = 1.0 - KRASOVSKY_EE * sin2_lat
        sqrt_magic = np.sqrt(magic)
        meridian_radius_m = KRASOVSKY_A_M * (1.0 - KRASOVSKY_EE) / (magic * sqrt_magic)
        parallel_radius_m = KRASOVSKY_A_M / sqrt_magic * np.sqrt(1.0 - sin2_lat)
        dlat = (dlat * 180.0) / (meridian_radius_m * np.pi)
        dlon = (dlon * 180.0) / (parallel_radius_m * np.pi)
    outside = outside_box(lat, lon)
    return np.where(outside, 0.0, dlat), np.where(outside, 0.0, dlon)


def _sin_triple(sin_t: FloatArray) -> FloatArray:
    """``sin(3 t)`` from ``sin(t)``."""
    return sin_t * (3.0 - 4.0 * sin_t * sin_t)


def arr_bd09_to_gcj02_approx(lat: FloatArray, lon: FloatArray) -> LatLon:
    """Baidu's published (approximate, errs up to ~0.25 m) inverse of ``gcj02_to_bd09``."""
    x = lon - BD09_DLON_DEG
    y = lat - BD09_DLAT_DEG
    with np.errstate(invalid="ignore"):
        z = np.hypot(x, y) - 0.00002 * np.sin(y * BD09_X_PI)
        theta = np.arctan2(y, x) - 0.000003 * np.cos(x * BD09_X_PI)
        return z * np.sin(theta), z * np.cos(theta)


def invert(
    forward: Callable[[FloatArray, FloatArray], LatLon],
    target_lat: FloatArray,
    target_lon: FloatArray,
    start_lat: FloatArray,
    start_lon: FloatArray,
    tol_m: float,
    max_iter: int,
) -> LatLon:
    """Solve ``forward(x) == target`` by vectorised fixed-point iteration.

    ``x <- x - (forward(x) - target)`` converges because every forward transform
    here is the identity plus an offset that varies slowly with position: each
    iteration multiplies the error by < 0.01 for GCJ-02 and < 0.03 for BD-09.
    Each of the ``max_iter`` iterations evaluates ``forward`` only on the points
    still further than ``tol_m`` from their target, so ``max_iter=0`` returns the
    start unchanged.
    Non-finite targets are returned untouched.
    """
    if not (np.isfinite(tol_m) and tol_m > 0.0):
        raise ConfigError(f"tol_m must be a positive number of metres, got {tol_m!r}")
    if isinstance(max_iter, bool) or not isinstance(max_iter, int) or max_iter < 0:
        raise ConfigError(f"max_iter must be a non-negative integer, got {max_iter!r}")
    out_lat = np.array(start_lat, dtype=np.float64)
    out_lon = np.array(start_lon, dtype=np.float64)
    # +-inf passes through; NaN in either coordinate makes both NaN.
    finite = np.isfinite(target_lat) & np.isfinite(target_lon)
    out_lat[~finite] = target_lat[~finite]
    out_lon[~finite] = target_lon[~finite]
    either_nan = np.isnan(target_lat) | np.isnan(target_lon)
    out_lat[either_nan] = np.nan
    out_lon[either_nan] = np.nan

    # Flat indices of the points still iterating.
    flat_lat, flat_lon = out_lat.reshape(-1), out_lon.reshape(-1)
    goal_lat, goal_lon = target_lat.reshape(-1), target_lon.reshape(-1)
    active = np.flatnonzero(finite.reshape(-1))
    tol_deg = tol_m / M_PER_DEG
    for _ in range(max_iter):
        if active.size == 0:
            break
        cur_lat, cur_lon = flat_lat[active], flat_lon[active]
        img_lat, img_lon = forward(cur_lat, cur_lon)
        err_lat = img_lat - goal_lat[active]
        err_lon = img_lon - goal_lon[active]
        err_deg = np.hypot(err_lat, err_lon * np.cos(np.radians(cur_lat)))
        moving = err_deg > tol_deg
        active = active[moving]
        flat_lat[active] = cur_lat[moving] - err_lat[moving]
        flat_lon[active] = cur_lon[moving] - err_lon[moving]
    return out_lat, out_lon
