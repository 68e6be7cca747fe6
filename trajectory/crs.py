"""Vectorised conversions between WGS-84, GCJ-02 and BD-09 geographic coordinates.

Phones and map SDKs in China rarely hand out plain GPS coordinates:

* **WGS-84** (``"wgs84"``): raw GNSS fixes, OpenStreetMap, every map outside China.
* **GCJ-02** (``"gcj02"``, "Mars coordinates"): the state-mandated obfuscation used
  by Amap (Gaode), Tencent Maps and the Android location APIs of phones sold in
  China.  It shifts points by a smooth but irregular offset of typically 100-700 m.
* **BD-09** (``"bd09"``): Baidu's further shift on top of GCJ-02 (about 1 km more).

trajcheck measures everything in WGS-84, so :func:`to_wgs84` is the one step of the
pipeline that matters; the other directions are here for maps and tests.

Every function takes ``(lat, lon)`` in decimal degrees, as scalars, sequences or
NumPy arrays that broadcast against each other, and returns a tuple of new float64
ndarrays of the broadcast shape (0-d arrays for scalar input, so that the return
type is always the same; use ``float()`` to get Python floats).  Inputs are never
modified.  NaN in either coordinate gives NaN in both outputs, without warnings;
+-inf is outside the GCJ-02 box and passes through GCJ-02 unchanged.

The forward transforms (WGS-84 -> GCJ-02 -> BD-09) are the well-known published
formulas.  They have no closed-form inverse; the usual one-step approximation
``wgs = gcj - (f(gcj) - gcj)`` errs by up to about 5 m in mainland China (0.7 m
median).  The inverses here instead solve ``f(x) = target`` by fixed-point
iteration, vectorised over the whole array with a per-point convergence mask,
until the forward image of every point is within ``tol_m`` metres of its target
(default 0.1 mm).
"""

from __future__ import annotations

__all__ = [
    "bd09_to_gcj02",
    "bd09_to_wgs84",
    "convert",
    "gcj02_to_bd09",
    "gcj02_to_wgs84",
    "out_of_china",
    "to_wgs84",
    "wgs84_to_bd09",
    "wgs84_to_gcj02",
]

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from trajectory.config import CRS_NAMES
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
_M_PER_DEG = KRASOVSKY_A_M * np.pi / 180.0


def out_of_china(lat: ArrayLike, lon: ArrayLike) -> NDArray[np.bool_]:
    """Tell which points lie outside the GCJ-02 bounding box.

    GCJ-02 leaves points outside the box unchanged.  The box is the standard
    coarse rectangle (it includes Mongolia, the Korean peninsula and parts of
    neighbouring countries), not China's border.

    Parameters
    ----------
    lat, lon
        Latitude and longitude (degrees).  Broadcast against each other.

    Returns
    -------
    ndarray of bool
        ``True`` where the point is outside the box (points on an edge are inside).
        NaN coordinates give ``False``; the conversions then return NaN anyway.

    Examples
    --------
    >>> out_of_china([39.9042, 47.3769], [116.4074, 8.5417]).tolist()
    [False, True]
    """
    lat_a, lon_a = _as_arrays(lat, lon)
    with np.errstate(invalid="ignore"):
        return (
            (lon_a < CHINA_LON_MIN_DEG)
            | (lon_a > CHINA_LON_MAX_DEG)
            | (lat_a < CHINA_LAT_MIN_DEG)
            | (lat_a > CHINA_LAT_MAX_DEG)
        )


def wgs84_to_gcj02(lat: ArrayLike, lon: ArrayLike) -> LatLon:
    """Convert WGS-84 coordinates to GCJ-02 (Amap/Tencent "Mars" coordinates).

    Parameters
    ----------
    lat, lon
        WGS-84 latitude and longitude (degrees).

    Returns
    -------
    tuple of ndarray
        GCJ-02 ``(lat, lon)`` (degrees).  Unchanged outside :func:`out_of_china`'s box.

    References
    ----------
    The leaked GCJ-02 forward algorithm, as published in eviltransform
    (https://github.com/googollee/eviltransform) and coordtransform
    (https://github.com/wandergis/coordtransform).

    Examples
    --------
    >>> lat, lon = wgs84_to_gcj02(39.915, 116.404)
    >>> round(float(lat), 8), round(float(lon), 8)
    (39.91640428, 116.4102445)
    """
    return _wgs84_to_gcj02(*_as_arrays(lat, lon))


def gcj02_to_wgs84(
    lat: ArrayLike, lon: ArrayLike, *, tol_m: float = 1e-4, max_iter: int = 30
) -> LatLon:
    """Convert GCJ-02 coordinates to WGS-84, exactly (to ``tol_m``).

    Solves ``wgs84_to_gcj02(x) == (lat, lon)`` by fixed-point iteration started
    from the usual one-step approximation.  The offset changes by less than
    1 cm per metre moved, so each iteration shrinks the error 140-fold or more
    (600-fold typically); three iterations usually reach 0.1 mm.

    Parameters
    ----------
    lat, lon
        GCJ-02 latitude and longitude (degrees).
    tol_m
        Largest accepted distance (m) between the forward image of the result and
        ``(lat, lon)``.  Default 1e-4 m (0.1 mm).
    max_iter
        Iteration cap; ``0`` gives the one-step approximation.  Points that have
        not converged by then keep their last iterate.

    Returns
    -------
    tuple of ndarray
        WGS-84 ``(lat, lon)`` (degrees).  Unchanged outside the GCJ-02 box.

    Notes
    -----
    Convergence is guaranteed everywhere except within about 1 km of the GCJ-02
    box edges (in the sea or abroad, never mainland China): there the forward
    transform jumps, so some GCJ-02 points have two WGS-84 preimages (the one
    returned is the point itself) and some have none (the last iterate is
    returned, hundreds of metres off).

    Examples
    --------
    >>> lat, lon = gcj02_to_wgs84(*wgs84_to_gcj02(39.9042, 116.4074))
    >>> round(float(lat), 7), round(float(lon), 7)
    (39.9042, 116.4074)
    """
    lat_a, lon_a = _as_arrays(lat, lon)
    dlat, dlon = _gcj02_offset_deg(lat_a, lon_a)
    return _invert(_wgs84_to_gcj02, lat_a, lon_a, lat_a - dlat, lon_a - dlon, tol_m, max_iter)


def gcj02_to_bd09(lat: ArrayLike, lon: ArrayLike) -> LatLon:
    """Convert GCJ-02 coordinates to BD-09 (Baidu).

    Baidu applies its shift everywhere, also outside China.

    Parameters
    ----------
    lat, lon
        GCJ-02 latitude and longitude (degrees).

    Returns
    -------
    tuple of ndarray
        BD-09 ``(lat, lon)`` (degrees).

    References
    ----------
    Baidu's published formula with ``x_pi = pi * 3000 / 180``, as in
    https://github.com/wandergis/coordtransform.

    Examples
    --------
    >>> lat, lon = gcj02_to_bd09(39.915, 116.404)
    >>> round(float(lat), 8), round(float(lon), 8)
    (39.92133699, 116.41036949)
    """
    return _gcj02_to_bd09(*_as_arrays(lat, lon))


def bd09_to_gcj02(
    lat: ArrayLike, lon: ArrayLike, *, tol_m: float = 1e-4, max_iter: int = 30
) -> LatLon:
    """Convert BD-09 coordinates to GCJ-02, exactly (to ``tol_m``).

    Baidu's published inverse is itself approximate (errors up to
    about 0.25 m); it is used as the starting point of a fixed-point iteration
    on :func:`gcj02_to_bd09`.

    Parameters
    ----------
    lat, lon
        BD-09 latitude and longitude (degrees).
    tol_m
        Largest accepted distance (m) between the forward image of the result and
        ``(lat, lon)``.  Default 1e-4 m.
    max_iter
        Iteration cap (convergence normally takes one or two iterations).

    Returns
    -------
    tuple of ndarray
        GCJ-02 ``(lat, lon)`` (degrees).

    Examples
    --------
    >>> lat, lon = bd09_to_gcj02(*gcj02_to_bd09(39.915, 116.404))
    >>> round(float(lat), 7), round(float(lon), 7)
    (39.915, 116.404)
    """
    lat_a, lon_a = _as_arrays(lat, lon)
    start_lat, start_lon = _bd09_to_gcj02_approx(lat_a, lon_a)
    return _invert(_gcj02_to_bd09, lat_a, lon_a, start_lat, start_lon, tol_m, max_iter)


def wgs84_to_bd09(lat: ArrayLike, lon: ArrayLike) -> LatLon:
    """Convert WGS-84 coordinates to BD-09 (through GCJ-02).

    Parameters
    ----------
    lat, lon
        WGS-84 latitude and longitude (degrees).

    Returns
    -------
    tuple of ndarray
        BD-09 ``(lat, lon)`` (degrees).

    Examples
    --------
    >>> lat, lon = wgs84_to_bd09(39.9042, 116.4074)
    >>> round(float(lat), 4), round(float(lon), 4)
    (39.9119, 116.42)
    """
    return _wgs84_to_bd09(*_as_arrays(lat, lon))


def bd09_to_wgs84(
    lat: ArrayLike, lon: ArrayLike, *, tol_m: float = 1e-4, max_iter: int = 30
) -> LatLon:
    """Convert BD-09 coordinates to WGS-84, exactly (to ``tol_m``).

    Iterates on the composed forward transform :func:`wgs84_to_bd09`, so the
    tolerance holds end to end rather than per step.

    Parameters
    ----------
    lat, lon
        BD-09 latitude and longitude (degrees).
    tol_m
        Largest accepted distance (m) between the forward image of the result and
        ``(lat, lon)``.  Default 1e-4 m.
    max_iter
        Iteration cap; see :func:`gcj02_to_wgs84`.

    Returns
    -------
    tuple of ndarray
        WGS-84 ``(lat, lon)`` (degrees).

    Examples
    --------
    >>> lat, lon = bd09_to_wgs84(*wgs84_to_bd09(39.9042, 116.4074))
    >>> round(float(lat), 7), round(float(lon), 7)
    (39.9042, 116.4074)
    """
    lat_a, lon_a = _as_arrays(lat, lon)
    gcj_lat, gcj_lon = _bd09_to_gcj02_approx(lat_a, lon_a)
    dlat, dlon = _gcj02_offset_deg(gcj_lat, gcj_lon)
    start_lat, start_lon = gcj_lat - dlat, gcj_lon - dlon
    return _invert(_wgs84_to_bd09, lat_a, lon_a, start_lat, start_lon, tol_m, max_iter)


_Converter = Callable[[ArrayLike, ArrayLike], LatLon]

_CONVERTERS: dict[tuple[str, str], _Converter] = {
    ("wgs84", "gcj02"): wgs84_to_gcj02,
    ("gcj02", "wgs84"): gcj02_to_wgs84,
    ("gcj02", "bd09"): gcj02_to_bd09,
    ("bd09", "gcj02"): bd09_to_gcj02,
    ("wgs84", "bd09"): wgs84_to_bd09,
    ("bd09", "wgs84"): bd09_to_wgs84,
}


def convert(lat: ArrayLike, lon: ArrayLike, src: str, dst: str) -> LatLon:
    """Convert coordinates from one of :data:`trajectory.config.CRS_NAMES` to another.

    Parameters
    ----------
    lat, lon
        Latitude and longitude (degrees) in ``src``.
    src, dst
        Source and target system: ``"wgs84"``, ``"gcj02"`` or ``"bd09"``.
        When equal, copies of the inputs are returned.

    Returns
    -------
    tuple of ndarray
        ``(lat, lon)`` (degrees) in ``dst``.  Inverse directions use the default
        tolerance (0.1 mm).

    Raises
    ------
    ConfigError
        ``src`` or ``dst`` is not a known system name.

    Examples
    --------
    >>> lat, lon = convert(39.9042, 116.4074, "wgs84", "gcj02")
    >>> round(float(lat), 4), round(float(lon), 4)
    (39.9056, 116.4136)
    """
    for role, name in (("src", src), ("dst", dst)):
        if name not in CRS_NAMES:
            raise ConfigError(
                f"unknown coordinate system {name!r} for {role}; "
                f"expected one of {', '.join(CRS_NAMES)}"
            )
    if src == dst:
        return _as_arrays(lat, lon)
    return _CONVERTERS[src, dst](lat, lon)


def to_wgs84(lat: ArrayLike, lon: ArrayLike, src: str) -> LatLon:
    """Convert coordinates in ``src`` to WGS-84; shorthand for ``convert(lat, lon, src, "wgs84")``.

    Parameters
    ----------
    lat, lon
        Latitude and longitude (degrees) in ``src``.
    src
        Source system: ``"wgs84"``, ``"gcj02"`` or ``"bd09"``.

    Returns
    -------
    tuple of ndarray
        WGS-84 ``(lat, lon)`` (degrees).

    Raises
    ------
    ConfigError
        ``src`` is not a known system name.

    Examples
    --------
    >>> lat, lon = to_wgs84(*wgs84_to_bd09(39.9042, 116.4074), "bd09")
    >>> round(float(lat), 7), round(float(lon), 7)
    (39.9042, 116.4074)
    """
    return convert(lat, lon, src, "wgs84")


# --- internals ---------------------------------------------------------------


def _as_arrays(lat: ArrayLike, lon: ArrayLike) -> LatLon:
    """Return float64 copies of ``lat`` and ``lon`` broadcast to one shape."""
    lat_a = np.array(lat, dtype=np.float64)
    lon_a = np.array(lon, dtype=np.float64)
    if lat_a.shape == lon_a.shape:
        return lat_a, lon_a
    lat_b, lon_b = np.broadcast_arrays(lat_a, lon_a)
    return lat_b.copy(), lon_b.copy()


def _wgs84_to_gcj02(lat: FloatArray, lon: FloatArray) -> LatLon:
    """:func:`wgs84_to_gcj02` on float64 arrays of one shape."""
    dlat, dlon = _gcj02_offset_deg(lat, lon)
    return np.asarray(lat + dlat), np.asarray(lon + dlon)


def _gcj02_to_bd09(lat: FloatArray, lon: FloatArray) -> LatLon:
    """:func:`gcj02_to_bd09` on float64 arrays of one shape."""
    with np.errstate(invalid="ignore"):
        z = np.hypot(lon, lat) + 0.00002 * np.sin(lat * BD09_X_PI)
        theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * BD09_X_PI)
        bd_lat = z * np.sin(theta) + BD09_DLAT_DEG
        bd_lon = z * np.cos(theta) + BD09_DLON_DEG
    return np.asarray(bd_lat), np.asarray(bd_lon)


def _wgs84_to_bd09(lat: FloatArray, lon: FloatArray) -> LatLon:
    """:func:`wgs84_to_bd09` on float64 arrays of one shape."""
    return _gcj02_to_bd09(*_wgs84_to_gcj02(lat, lon))


def _gcj02_offset_deg(lat: FloatArray, lon: FloatArray) -> LatLon:
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
    outside = out_of_china(lat, lon)
    return np.where(outside, 0.0, dlat), np.where(outside, 0.0, dlon)


def _sin_triple(sin_t: FloatArray) -> FloatArray:
    """``sin(3 t)`` from ``sin(t)``."""
    return sin_t * (3.0 - 4.0 * sin_t * sin_t)


def _bd09_to_gcj02_approx(lat: FloatArray, lon: FloatArray) -> LatLon:
    """Baidu's published (approximate, errs up to ~0.25 m) inverse of :func:`gcj02_to_bd09`."""
    x = lon - BD09_DLON_DEG
    y = lat - BD09_DLAT_DEG
    with np.errstate(invalid="ignore"):
        z = np.hypot(x, y) - 0.00002 * np.sin(y * BD09_X_PI)
        theta = np.arctan2(y, x) - 0.000003 * np.cos(x * BD09_X_PI)
        return z * np.sin(theta), z * np.cos(theta)


def _invert(
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
    tol_deg = tol_m / _M_PER_DEG
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
