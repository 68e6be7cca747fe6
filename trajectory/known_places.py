"""Every store and buyer the company knows, indexed once, to name unexplained stays.

A stay at no task-list store and no exempt place is "unexplained"; when a known place
(a store of the master data, a buyer of the assessment data) lies within
``VerifyConfig.known_radius_m`` of it, the result names the nearest one
(``stay_points[].nearest_known``): "stay 5 at buyer B123 Laochen Seafood, not on
today's list, 12 m".

The index is scikit-learn's :class:`~sklearn.neighbors.BallTree` with the haversine
metric on (lat, lon) in radians: exact great-circle nearest neighbours (the same
distance as :func:`trajectory.geodesy.haversine_m`), built in about 0.1 s for 100k
places and queried for thousands of stays at once (``benchmarks/known_places.py``
compares it with shapely's STRtree).  scikit-learn is imported when an index is
built, never at import time.

Examples
--------
>>> import pandas as pd
>>> places = KnownPlaces.from_frame(
...     pd.DataFrame({"id": ["B1"], "name": ["Laochen"], "lat": [31.2], "lon": [121.4]})
... )
>>> idx, dist = places.nearest([31.2001], [121.4], radius_m=100.0)
>>> int(idx[0]), round(float(dist[0]), 1)
(0, 11.1)
"""

from __future__ import annotations

__all__ = [
    "KNOWN_ALIASES",
    "KNOWN_COLUMNS",
    "KNOWN_OPTIONAL_COLUMNS",
    "KnownPlaces",
    "name_stays",
    "read_known_places",
]

from collections.abc import Mapping, Sequence
from dataclasses import replace
from os import PathLike
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from trajectory import crs as crs_mod
from trajectory.config import CRS_NAMES
from trajectory.errors import InputError, RowProblem
from trajectory.geodesy import EARTH_RADIUS_M
from trajectory.known_types import NearestKnown
from trajectory.result_parts import StayPoint
from trajectory.schema import _CRS_WORDS
from trajectory.schema_checks import (
    FieldChecks,
    check_on_bad_row,
    checked_coordinates,
    find_columns,
    source_rows,
)

if TYPE_CHECKING:
    from sklearn.neighbors import BallTree

#: Required columns of a known-places frame or master file.
KNOWN_COLUMNS: tuple[str, ...] = ("id", "lat", "lon")
#: Optional columns: ``name`` (blank: none), ``kind`` (``store``, ``buyer``; blank: the
#: reader's default) and ``crs`` (a row's own coordinate system; blank: the file's).
KNOWN_OPTIONAL_COLUMNS: tuple[str, ...] = ("name", "kind", "crs")
#: Other spellings of the columns (a store master is often an export of the task system).
KNOWN_ALIASES: Mapping[str, str] = MappingProxyType(
    {
        "store_id": "id",
        "buyer_id": "id",
        "store_name": "name",
        "latitude": "lat",
        "lng": "lon",
        "longitude": "lon",
    }
)
_SUFFIXES = (".csv", ".txt", ".json")


class KnownPlaces:
    """Known places (WGS-84) and their spatial index, built once and queried many times.

    Build with :meth:`from_frame` (validates and converts) or :func:`read_known_places`
    (a master file).  ``frame`` has the columns ``id, name, kind, lat, lon`` (WGS-84)
    and ``source_row``; ``rejected`` lists the rows left out (``on_bad_row="skip"``).
    Instances pickle (a daily run sends one to each worker).
    """

    def __init__(
        self, frame: pd.DataFrame, *, rejected: tuple[RowProblem, ...] = (), source: str = ""
    ) -> None:
        self.frame = frame.reset_index(drop=True)
        self.rejected = rejected
        self.source = source
        self._tree: BallTree | None = _ball_tree(self.frame) if len(self.frame) else None
        # plain object arrays, taken once: a day's lookup must not convert 100k strings
        self._labels = tuple(self.frame[c].to_numpy(dtype=object) for c in ("id", "name", "kind"))

    def __len__(self) -> int:
        return len(self.frame)

    def __repr__(self) -> str:
        return f"KnownPlaces({len(self)} places from {self.source or '<frame>'})"

    @classmethod
    def from_frame(
        cls,
        df: pd.DataFrame,
        *,
        crs: str = "wgs84",
        kind: str = "store",
        source: str = "<dataframe>",
        on_bad_row: Literal["raise", "skip"] = "raise",
    ) -> KnownPlaces:
        """Validate raw rows (:data:`KNOWN_COLUMNS`, optionally :data:`KNOWN_OPTIONAL_COLUMNS`)
        and index them.

        Parameters
        ----------
        df
            One row per place; the input is not modified.
        crs
            Coordinate system of rows without their own ``crs``: ``wgs84``, ``gcj02``
            or ``bd09`` (converted to WGS-84 with :func:`trajectory.crs.to_wgs84`).
        kind
            ``kind`` of rows without one (default ``store``).
        source
            Name used in error messages (the file).
        on_bad_row
            ``raise``: an :class:`~trajectory.errors.InputError` naming the source, row
            and field of the first bad row; ``skip``: bad rows left out and listed in
            ``rejected``.  A missing id or coordinate, a coordinate out of range, an
            unknown ``crs`` and a repeated (kind, id) are bad.
        """
        if crs not in CRS_NAMES:
            raise InputError(source, None, "crs", f"unknown coordinate system {crs!r}")
        check_on_bad_row(on_bad_row)
        frame, rejected = _validated(df, crs, kind, source, on_bad_row)
        return cls(frame, rejected=rejected, source=source)

    def nearest(
        self, lat: ArrayLike, lon: ArrayLike, radius_m: float
    ) -> tuple[np.ndarray, np.ndarray]:
        """The nearest place within ``radius_m`` of each (lat, lon) (WGS-84 degrees).

        Returns row positions in :attr:`frame` (-1 where none is within the radius, or
        the coordinate is not finite) and great-circle distances in m (NaN there).
        """
        lat_a = np.atleast_1d(np.asarray(lat, dtype=np.float64))
        lon_a = np.atleast_1d(np.asarray(lon, dtype=np.float64))
        idx = np.full(len(lat_a), -1, dtype=np.int64)
        dist = np.full(len(lat_a), np.nan)
        ok = np.isfinite(lat_a) & np.isfinite(lon_a)
        if self._tree is None or not ok.any():
            return idx, dist
        query = np.radians(np.column_stack([lat_a[ok], lon_a[ok]]))
        d_rad, i = self._tree.query(query, k=1)
        d_m = d_rad[:, 0] * EARTH_RADIUS_M
        within = d_m <= radius_m
        rows = np.flatnonzero(ok)[within]
        idx[rows] = i[within, 0]
        dist[rows] = d_m[within]
        return idx, dist

    def named(self, lat: ArrayLike, lon: ArrayLike, radius_m: float) -> list[NearestKnown | None]:
        """:meth:`nearest` as records: the place and its distance, None where none is near."""
        idx, dist = self.nearest(lat, lon, radius_m)
        ids, names, kinds = self._labels
        return [
            None if j < 0 else NearestKnown(str(ids[j]), str(names[j]), str(kinds[j]), d)
            for j, d in zip(idx.tolist(), dist.tolist(), strict=True)
        ]


def name_stays(
    stays: Sequence[StayPoint], places: KnownPlaces | None, radius_m: float
) -> tuple[StayPoint, ...]:
    """The stays, those at no task store and no exempt place given their ``nearest_known``.

    One query for all of the day's unexplained stays; the others are returned as they
    are (``nearest_known`` None), as are all of them without ``places``.
    """
    want = [
        i
        for i, s in enumerate(stays)
        if s.store_id is None and s.exempt is None and not s.ambiguous_store_ids
    ]
    if places is None or not want or not len(places):
        return tuple(stays)
    lat = np.array([stays[i].lat for i in want], dtype=np.float64)
    lon = np.array([stays[i].lon for i in want], dtype=np.float64)
    out = list(stays)
    for pos, known in zip(want, places.named(lat, lon, radius_m), strict=True):
        if known is not None:
            out[pos] = replace(out[pos], nearest_known=known)
    return tuple(out)


def read_known_places(
    path: str | PathLike[str],
    *,
    crs: str = "wgs84",
    kind: str = "store",
    on_bad_row: Literal["raise", "skip"] = "raise",
) -> KnownPlaces:
    """Read a store master file (CSV or JSON) and index it.

    CSV: ``id,name,lat,lon[,kind,crs]`` (also ``store_id``/``buyer_id``, ``store_name``,
    ``latitude``/``longitude``/``lng``), read like a task list (separator from the
    header, UTF-8/GB18030).  JSON: a list of objects, or ``{"places": [...]}`` /
    ``{"stores": [...]}``.  Row *i* is the *i*-th data row.  Errors name the file,
    row and field; see :meth:`KnownPlaces.from_frame` for ``crs``, ``kind`` and
    ``on_bad_row``.
    """
    from trajectory.io_csv import read_bytes, split_csv

    source = str(path)
    check_on_bad_row(on_bad_row)
    file = Path(path)
    if not file.is_file():
        raise InputError(source, None, None, "no such file" if not file.exists() else "not a file")
    suffix = file.suffix.lower()
    if suffix not in _SUFFIXES:
        raise InputError(
            source,
            None,
            None,
            f"unsupported file type {suffix or '(none)'!r}; expected " + ", ".join(_SUFFIXES),
        )
    raw = read_bytes(file, source)
    if suffix == ".json":
        frame, problems = _json_rows(raw, source)
    else:
        table = split_csv(raw, source, KNOWN_COLUMNS, KNOWN_OPTIONAL_COLUMNS, KNOWN_ALIASES)
        frame, problems = table.frame, table.problems
    if problems and on_bad_row == "raise":
        raise InputError.from_problem(min(problems, key=lambda p: p.row or 0))
    places = KnownPlaces.from_frame(frame, crs=crs, kind=kind, source=source, on_bad_row=on_bad_row)
    if problems:
        merged = sorted([*problems, *places.rejected], key=lambda p: p.row or 0)
        places.rejected = tuple(merged)
    return places


# --------------------------------------------------------------------------- private


def _ball_tree(frame: pd.DataFrame) -> BallTree:
    from sklearn.neighbors import BallTree

    coords = np.radians(frame[["lat", "lon"]].to_numpy(dtype=np.float64))
    return BallTree(coords, metric="haversine")


def _validated(
    df: pd.DataFrame, crs: str, kind: str, source: str, on_bad_row: str
) -> tuple[pd.DataFrame, tuple[RowProblem, ...]]:
    """The rows checked column by column (vectorised), converted to WGS-84."""
    cols = find_columns(df, KNOWN_COLUMNS, KNOWN_OPTIONAL_COLUMNS, KNOWN_ALIASES, source)
    checks = FieldChecks(source, source_rows(cols, len(df), source))
    ids = checks.text("id", cols["id"], required=True)
    names = checks.text("name", cols.get("name"), required=False)
    kinds = checks.text("kind", cols.get("kind"), required=False).str.lower()
    kinds = kinds.where(kinds != "", kind)
    lat, lon = checked_coordinates(checks, cols, source)
    row_crs = pd.Series(crs, index=range(len(df)), dtype=object)
    if "crs" in cols:
        own = checks.choice("crs", cols["crs"], _CRS_WORDS)
        row_crs = own.where(own.notna() & (own != ""), crs)
    _duplicates(checks, kinds, ids)
    frame = pd.DataFrame(
        {
            "id": ids.to_numpy(dtype=object),
            "name": names.to_numpy(dtype=object),
            "kind": kinds.to_numpy(dtype=object),
            "lat": lat,
            "lon": lon,
            "crs": row_crs.to_numpy(dtype=object),
            "source_row": checks.rows,
        }
    )
    kept, rejected = checks.settle(frame, on_bad_row)
    return _in_wgs84(kept), rejected


def _duplicates(checks: FieldChecks, kinds: pd.Series, ids: pd.Series) -> None:
    """A later good row repeating the (kind, id) of an earlier one is bad."""
    good = np.flatnonzero(~checks.bad())
    keys = kinds.to_numpy(dtype=object)[good] + "\x1f" + ids.to_numpy(dtype=object)[good]
    codes, _ = pd.factorize(keys)  # numbered in order of first appearance
    first = np.unique(codes, return_index=True)[1][codes]
    dup = first != np.arange(len(codes))
    reasons = np.full(checks.n, None, dtype=object)
    reasons[good[dup]] = [
        f"duplicate of row {r} (same kind and id)" for r in checks.rows[good[first[dup]]]
    ]
    checks.add("id", reasons)


def _in_wgs84(frame: pd.DataFrame) -> pd.DataFrame:
    """Each row converted from its ``crs`` to WGS-84 (one conversion per system)."""
    lat = frame["lat"].to_numpy(dtype=np.float64, copy=True)
    lon = frame["lon"].to_numpy(dtype=np.float64, copy=True)
    row_crs = frame["crs"].to_numpy(dtype=object)
    for name in set(row_crs.tolist()) - {"wgs84"}:
        rows = row_crs == name
        lat[rows], lon[rows] = crs_mod.to_wgs84(lat[rows], lon[rows], str(name))
    out = frame.drop(columns="crs").assign(lat=lat, lon=lon)
    for col in ("id", "name", "kind"):
        out[col] = out[col].astype(str)
    return out


def _json_rows(raw: bytes, source: str) -> tuple[pd.DataFrame, list[RowProblem]]:
    """A JSON list of place objects (or ``{"places"|"stores": [...]}``) as raw rows."""
    import json

    try:
        doc: Any = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(source, None, None, f"not valid JSON ({exc})") from exc
    items = doc.get("places", doc.get("stores")) if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        raise InputError(
            source, None, None, 'expected a JSON list of place objects or {"places": [...]}'
        )
    rows = np.arange(1, len(items) + 1)
    is_obj = np.array([isinstance(item, dict) for item in items], dtype=bool)
    problems = [RowProblem(source, int(r), None, "expected an object {...}") for r in rows[~is_obj]]
    objects = [item for item, ok in zip(items, is_obj, strict=True) if ok]
    frame = pd.DataFrame.from_records(objects) if objects else pd.DataFrame(columns=["id"])
    return frame.assign(source_row=rows[is_obj]), problems
