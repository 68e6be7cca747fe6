"""Vectorised conversions between WGS-84, GCJ-02 and BD-09 geographic coordinates.

Phones and map SDKs in China rarely hand out plain GPS coordinates:

* **WGS-84** (``"wgs84"``): raw GNSS fixes, OpenStreetMap, every map outside China.
* **GCJ-02** (``"gcj02"``, "Mars coordinates"): the state-mandated obfuscation used
  by Amap (Gaode), Tencent Maps and the Android location APIs of phones sold in
  China.  It shifts points by a smooth but irregular offset of typically 100-700 m.
* **BD-09** (``"bd09"``): Baidu's further shift on top of GCJ-02 (about 1 km more).

trajcheck measures everything in WGS-84, so :func:`to_wgs84` is the one step of the
pipeline that matters (the command line and the API both call it; it keeps the
results on the globe); the other directions are here for maps and tests.  The
conversions themselves live in :mod:`trajectory.crs_china` and are re-exported here.

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
    "BD09_DLAT_DEG",
    "BD09_DLON_DEG",
    "BD09_X_PI",
    "CHINA_LAT_MAX_DEG",
    "CHINA_LAT_MIN_DEG",
    "CHINA_LON_MAX_DEG",
    "CHINA_LON_MIN_DEG",
    "KRASOVSKY_A_M",
    "KRASOVSKY_EE",
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
from numpy.typing import ArrayLike

from trajectory._gcj02 import (
    BD09_DLAT_DEG,
    BD09_DLON_DEG,
    BD09_X_PI,
    CHINA_LAT_MAX_DEG,
    CHINA_LAT_MIN_DEG,
    CHINA_LON_MAX_DEG,
    CHINA_LON_MIN_DEG,
    KRASOVSKY_A_M,
    KRASOVSKY_EE,
    FloatArray,
    LatLon,
    as_arrays,
)
from trajectory.config import CRS_NAMES
from trajectory.crs_china import (
    bd09_to_gcj02,
    bd09_to_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    out_of_china,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)
from trajectory.errors import ConfigError

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
        return as_arrays(lat, lon)
    return _CONVERTERS[src, dst](lat, lon)


def to_wgs84(lat: ArrayLike, lon: ArrayLike, src: str) -> LatLon:
    """Convert coordinates in ``src`` to WGS-84, kept on the globe.

    ``convert(lat, lon, src, "wgs84")``, then latitudes clipped to [-90, 90] and
    longitudes beyond +-180 wrapped into [-180, 180): BD-09's offset applies
    everywhere, so -90 in BD-09 would come out as -90.0055 and -179.999 as -180.0058.
    NaN passes through, as does an infinite longitude (an infinite latitude clips to
    the pole).  The one conversion of the command line and the API.

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
    >>> [round(float(v), 4) for v in to_wgs84(-90.0, -179.999, "bd09")]
    [-90.0, 179.9942]
    """
    wlat, wlon = convert(lat, lon, src, "wgs84")
    return _keep_on_globe(wlat, wlon)


def _keep_on_globe(lat: FloatArray, lon: FloatArray) -> LatLon:
    """Latitude clipped to the poles, finite longitude beyond +-180 wrapped into [-180, 180)."""
    with np.errstate(invalid="ignore"):
        wrap = np.isfinite(lon) & (np.abs(lon) > 180.0)
        lon = np.where(wrap, (lon + 180.0) % 360.0 - 180.0, lon)
    return np.asarray(np.clip(lat, -90.0, 90.0)), np.asarray(lon)
