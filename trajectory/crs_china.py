"""The six conversions between WGS-84, GCJ-02 and BD-09, and the GCJ-02 box.

Public through :mod:`trajectory.crs` (import them from there); the formulas on
arrays are in ``trajectory._gcj02``.
"""

from __future__ import annotations

__all__ = [
    "bd09_to_gcj02",
    "bd09_to_wgs84",
    "gcj02_to_bd09",
    "gcj02_to_wgs84",
    "out_of_china",
    "wgs84_to_bd09",
    "wgs84_to_gcj02",
]

import numpy as np
from numpy.typing import ArrayLike, NDArray

from trajectory._gcj02 import (
    LatLon,
    arr_bd09_to_gcj02_approx,
    arr_gcj02_to_bd09,
    arr_wgs84_to_bd09,
    arr_wgs84_to_gcj02,
    as_arrays,
    gcj02_offset_deg,
    invert,
    outside_box,
)


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
    return outside_box(*as_arrays(lat, lon))


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
    return arr_wgs84_to_gcj02(*as_arrays(lat, lon))


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
    lat_a, lon_a = as_arrays(lat, lon)
    dlat, dlon = gcj02_offset_deg(lat_a, lon_a)
    return invert(arr_wgs84_to_gcj02, lat_a, lon_a, lat_a - dlat, lon_a - dlon, tol_m, max_iter)


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
    return arr_gcj02_to_bd09(*as_arrays(lat, lon))


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
    lat_a, lon_a = as_arrays(lat, lon)
    start_lat, start_lon = arr_bd09_to_gcj02_approx(lat_a, lon_a)
    return invert(arr_gcj02_to_bd09, lat_a, lon_a, start_lat, start_lon, tol_m, max_iter)


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
    return arr_wgs84_to_bd09(*as_arrays(lat, lon))


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
    lat_a, lon_a = as_arrays(lat, lon)
    gcj_lat, gcj_lon = arr_bd09_to_gcj02_approx(lat_a, lon_a)
    dlat, dlon = gcj02_offset_deg(gcj_lat, gcj_lon)
    start_lat, start_lon = gcj_lat - dlat, gcj_lon - dlon
    return invert(arr_wgs84_to_bd09, lat_a, lon_a, start_lat, start_lon, tol_m, max_iter)
