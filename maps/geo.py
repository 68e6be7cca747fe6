"""Coordinates as the map pages draw them: WGS-84, or shifted to GCJ-02 for Amap tiles.

Chinese road tiles (Amap/Gaode) are drawn in GCJ-02; over them every overlay is
shifted with :func:`to_gcj02` so that it sits on the right street.  Over
OpenStreetMap (WGS-84) the shift is :func:`identity`.  :func:`latlon` applies a
shift and rounds to :data:`COORD_DIGITS` for folium.
"""

from __future__ import annotations

__all__ = ["COORD_DIGITS", "FloatArray", "Shift", "identity", "latlon", "shift_for", "to_gcj02"]

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from trajectory.crs import wgs84_to_gcj02

FloatArray = npt.NDArray[np.float64]
#: (lat, lon) arrays in WGS-84 -> (lat, lon) arrays as drawn.
Shift = Callable[[FloatArray, FloatArray], tuple[FloatArray, FloatArray]]

#: Decimals of the drawn coordinates (6: 0.1 m).
COORD_DIGITS = 6


def identity(lat: FloatArray, lon: FloatArray) -> tuple[FloatArray, FloatArray]:
    """No shift: WGS-84 as drawn over OpenStreetMap."""
    return lat, lon


def to_gcj02(lat: FloatArray, lon: FloatArray) -> tuple[FloatArray, FloatArray]:
    """WGS-84 shifted to GCJ-02, as drawn over Amap tiles."""
    return wgs84_to_gcj02(lat, lon)


def shift_for(tiles: str) -> Shift:
    """The shift of the overlays over ``tiles`` (GCJ-02 for ``"amap"``)."""
    return to_gcj02 if tiles == "amap" else identity


def latlon(shift: Shift, lat: npt.ArrayLike, lon: npt.ArrayLike) -> list[list[float]]:
    """Shifted, rounded ``[[lat, lon], ...]`` for folium."""
    la, lo = shift(np.asarray(lat, dtype=np.float64), np.asarray(lon, dtype=np.float64))
    out: list[list[float]] = np.column_stack([la, lo]).round(COORD_DIGITS).tolist()
    return out
