"""Distances in metres on the WGS-84 sphere approximation.

Every metre trajcheck measures comes from here; nothing measures metres in
degrees.  A manager-day spans at most a few tens of kilometres, so a local
equirectangular (tangent-plane) projection around the day's mean latitude is
accurate to better than 0.1 % and lets the hot paths work on plain float64
arrays of metres.
"""

from __future__ import annotations

__all__ = ["EARTH_RADIUS_M", "LocalProjection", "haversine_m"]

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

#: Mean Earth radius (IUGG), metres.
EARTH_RADIUS_M = 6_371_008.8

FloatArray = npt.NDArray[np.float64]


def haversine_m(
    lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike, lon2: npt.ArrayLike
) -> FloatArray:
    """Great-circle distance in metres between (lat1, lon1) and (lat2, lon2), broadcast.

    Examples
    --------
    >>> round(float(haversine_m(39.9, 116.4, 39.9, 116.401)), 1)
    85.3
    """
    p1 = np.radians(np.asarray(lat1, dtype=np.float64))
    p2 = np.radians(np.asarray(lat2, dtype=np.float64))
    dphi = p2 - p1
    dlmb = np.radians(np.asarray(lon2, dtype=np.float64) - np.asarray(lon1, dtype=np.float64))
    a = np.sin(dphi / 2.0) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2.0) ** 2
    return np.asarray(2.0 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))))


@dataclass(frozen=True)
class LocalProjection:
    """Equirectangular projection to metres around a reference point.

    ``x`` points east and ``y`` north, both in metres from (lat0, lon0).
    """

    lat0: float
    lon0: float

    @classmethod
    def around(cls, lat: npt.ArrayLike, lon: npt.ArrayLike) -> LocalProjection:
        """A projection centred on the mean of the given coordinates (0, 0 when empty).

        Any point within tens of kilometres serves as the centre; the mean is
        cheaper than the median and a few far-off fixes barely move it.
        """
        lat_a = np.asarray(lat, dtype=np.float64)
        lon_a = np.asarray(lon, dtype=np.float64)
        ok = np.isfinite(lat_a) & np.isfinite(lon_a)
        if not ok.any():
            return cls(0.0, 0.0)
        if ok.all():
            return cls(float(lat_a.mean()), float(lon_a.mean()))
        return cls(float(lat_a[ok].mean()), float(lon_a[ok].mean()))

    @property
    def _kx(self) -> float:
        return float(EARTH_RADIUS_M * np.cos(np.radians(self.lat0)) * np.pi / 180.0)

    @property
    def _ky(self) -> float:
        return float(EARTH_RADIUS_M * np.pi / 180.0)

    def forward(self, lat: npt.ArrayLike, lon: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
        """(lat, lon) in degrees to (x, y) in metres."""
        lon_a = np.asarray(lon, dtype=np.float64)
        lat_a = np.asarray(lat, dtype=np.float64)
        shifted = lon_a - self.lon0 + 180.0
        # ``% 360`` returns a value in [0, 360) unchanged: skip the costly modulo then
        if shifted.size and not (shifted.min() >= 0.0 and shifted.max() < 360.0):
            shifted = shifted % 360.0
        dlon = shifted - 180.0
        return dlon * self._kx, (lat_a - self.lat0) * self._ky

    def inverse(self, x: npt.ArrayLike, y: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
        """(x, y) in metres back to (lat, lon) in degrees."""
        lat = self.lat0 + np.asarray(y, dtype=np.float64) / self._ky
        lon = self.lon0 + np.asarray(x, dtype=np.float64) / self._kx
        return lat, lon
