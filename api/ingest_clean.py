"""The usual ``POST /v1/points`` body read column by column: every row a clean fix.

A phone's batch is almost always clean: every item an object of the known fields, the
manager id plain text, the timestamp ``YYYY-MM-DDThh:mm:ss+hh:mm`` (or ``...Z``), the
coordinates numbers on the globe.  :func:`clean_points` checks that for the whole list
at once (one list of values per field, a type set, a few NumPy comparisons) and then
builds the very frame :func:`api.ingest.parse_points_json` would, without pandas'
per-column checks.  Anything it does not vouch for (one bad, odd or merely unusual row)
makes it answer None, and the full checks run as before: they name every bad row.
"""

from __future__ import annotations

__all__ = ["clean_points"]

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from trajectory.dayrange import END_INSTANT, FIRST_INSTANT
from trajectory.schema_checks import SWAPPED_LAT, SWAPPED_LON
from trajectory.timestamps_iso import fixed_iso_utc

#: The fields of a fix; the first four are required.
_REQUIRED = ("manager_id", "timestamp", "lat", "lon")
_OPTIONAL = ("accuracy_m", "speed_mps")
_FIELDS = frozenset((*_REQUIRED, *_OPTIONAL))
#: Longest manager id the database holds (``api.db.tables.managers``).
_MANAGER_ID_MAX = 64
_FIRST_NS = pd.Timestamp(FIRST_INSTANT).as_unit("ns").value
_END_NS = pd.Timestamp(END_INSTANT).as_unit("ns").value
_NUMBER = {float, int}
_NUMBER_OR_NULL = {float, int, type(None)}


def clean_points(items: Sequence[Any]) -> pd.DataFrame | None:
    """The validated frame (:data:`trajectory.schema.TRACK_FRAME_COLUMNS`, WGS-84 untouched)
    of ``items`` when every one is a clean fix, else None (then check row by row)."""
    if not items or type(items) is not list or set(map(type, items)) != {dict}:
        return None
    if not _FIELDS.issuperset(set().union(*items)):
        return None  # an unknown key: the full checks name it
    managers = [d.get("manager_id") for d in items]
    if not _plain_ids(managers):
        return None
    time = _instants([d.get("timestamp") for d in items])
    if time is None:
        return None
    lat = _numbers([d.get("lat") for d in items], _NUMBER)
    lon = _numbers([d.get("lon") for d in items], _NUMBER)
    if lat is None or lon is None or not _on_globe(lat, lon):
        return None
    optional = {}
    for name in _OPTIONAL:
        values = _numbers([d.get(name) for d in items], _NUMBER_OR_NULL)
        if values is None or bool(np.any(values < 0)):  # NaN (null) compares False
            return None
        optional[name] = values
    return pd.DataFrame(
        {
            "manager_id": pd.Series(managers, dtype="str").array,
            "time": time.array,
            "lat": lat,
            "lon": lon,
            **optional,
            "source_row": np.arange(1, len(items) + 1, dtype=np.int64),
        }
    )


def _plain_ids(values: list[Any]) -> bool:
    """Every id a string the full checks keep as it is: printable ASCII without blanks
    at either end, no ``/``, at most 64 characters."""
    if set(map(type, values)) != {str}:
        return False
    for text in set(values):
        if not (
            0 < len(text) <= _MANAGER_ID_MAX
            and text.isascii()
            and text.isprintable()
            and text == text.strip()
            and "/" not in text
        ):
            return False
    return True


def _instants(values: list[Any]) -> pd.Series | None:
    """UTC instants of fixed-width ISO 8601 text with an offset, all within the days."""
    if set(map(type, values)) != {str}:
        return None
    utc = fixed_iso_utc(pd.Series(values, dtype="str"))
    if utc is None:
        return None
    ns = utc.array.asi8
    if not bool(np.all((ns >= _FIRST_NS) & (ns < _END_NS))):
        return None
    return utc


def _numbers(values: list[Any], types: set[type]) -> npt.NDArray[np.float64] | None:
    """Finite float64 values (NaN for null where ``types`` allows it), or None."""
    if not set(map(type, values)) <= types:
        return None  # text, true/false, a list or an object
    try:
        out = np.array(values, dtype=np.float64)
    except OverflowError:  # an integer too large for a float
        return None
    if bool(np.any(np.isinf(out))):
        return None
    return out


def _on_globe(lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]) -> bool:
    """Every coordinate present and in range, and the whole not China with axes swapped."""
    if not bool(np.all((np.abs(lat) <= 90.0) & (np.abs(lon) <= 180.0))):
        return False  # NaN fails too
    swapped = np.all((lat >= SWAPPED_LAT[0]) & (lat <= SWAPPED_LAT[1])) and np.all(
        (lon >= SWAPPED_LON[0]) & (lon <= SWAPPED_LON[1])
    )
    return not bool(swapped)
