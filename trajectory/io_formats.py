"""GeoJSON, GPX, Parquet and task-JSON files to raw rows (see :mod:`trajectory.io`).

Rows are numbered per format: GeoJSON counts features, GPX counts points in
document order (all track segments, then all routes), Parquet counts table rows,
task JSON counts the objects of the list.
"""

from __future__ import annotations

__all__ = ["read_geojson", "read_gpx", "read_parquet", "read_task_json"]

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import gpxpy
import gpxpy.gpx
import numpy as np
import pandas as pd
import pyarrow as pa

from trajectory.errors import InputError, RowProblem
from trajectory.io_csv import RawTable, decode_text, no_rows_error, number_rows, read_bytes
from trajectory.schema import TASK_COLUMNS, TRACK_ALIASES

_COORD_NAMES = frozenset({"lat", "lon", *TRACK_ALIASES} - {"time", "ts"})


def _load_json(file: Path, source: str) -> Any:
    text = decode_text(read_bytes(file, source), source)
    if not text.strip():
        raise InputError(source, None, None, "empty file")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            source,
            None,
            None,
            f"not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})",
        ) from exc


def read_geojson(file: Path, source: str) -> RawTable:
    """Point features to rows; the feature's position (from 1) is its row."""
    doc = _load_json(file, source)
    features = doc.get("features") if isinstance(doc, dict) else None
    if not (isinstance(doc, dict) and doc.get("type") == "FeatureCollection") or not isinstance(
        features, list
    ):
        raise InputError(
            source, None, None, "expected a GeoJSON FeatureCollection of Point features"
        )
    if not features:
        raise no_rows_error(source)
    # JSON arrives as Python objects: one pass per feature is the parse itself.
    is_feature = [isinstance(f, dict) for f in features]
    props = [
        f["properties"] if ok and isinstance(f.get("properties"), dict) else {}
        for f, ok in zip(features, is_feature, strict=True)
    ]
    geoms = [f.get("geometry") if ok else None for f, ok in zip(features, is_feature, strict=True)]
    kinds = pd.Series([g.get("type") if isinstance(g, dict) else None for g in geoms], dtype=object)
    coords = pd.Series(
        [g.get("coordinates") if isinstance(g, dict) else None for g in geoms], dtype=object
    )
    pairs = coords.map(lambda c: isinstance(c, list | tuple) and len(c) >= 2)
    reasons = np.full(len(features), None, dtype=object)
    reasons[~pairs.to_numpy(dtype=bool)] = "expected Point coordinates [lon, lat]"
    not_point = (kinds != "Point").to_numpy() & kinds.notna().to_numpy()
    reasons[not_point] = [f"expected a Point geometry (got {k})" for k in kinds[not_point]]
    reasons[kinds.isna().to_numpy()] = "missing"
    fields = np.full(len(features), "geometry", dtype=object)
    fields[~np.asarray(is_feature)] = None
    reasons[~np.asarray(is_feature)] = "not a GeoJSON Feature object"
    rows = np.arange(1, len(features) + 1)
    problems = [
        RowProblem(source, int(rows[i]), fields[i], str(reasons[i]))
        for i in np.flatnonzero(pd.notna(reasons))
    ]
    good = pd.isna(reasons).astype(bool)
    frame = pd.DataFrame.from_records(props).reindex(range(len(features)))
    frame = frame.loc[:, [str(c).strip().lower() not in _COORD_NAMES for c in frame.columns]]
    lonlat = pd.DataFrame(coords[good].map(lambda c: list(c[:2])).tolist(), columns=["lon", "lat"])
    frame = frame.loc[good].reset_index(drop=True)
    frame["lat"] = lonlat["lat"]
    frame["lon"] = lonlat["lon"]
    return RawTable(number_rows(frame, rows[good]), problems)


def read_gpx(file: Path, source: str) -> RawTable:
    """Track points, then route points; manager_id from ``<name>`` or the file stem."""
    raw = read_bytes(file, source)
    if not raw.strip():
        raise InputError(source, None, None, "empty file")
    try:
        gpx = gpxpy.parse(raw)
    except (gpxpy.gpx.GPXException, ValueError) as exc:
        raise InputError(source, None, None, f"not valid GPX ({exc})") from exc
    default = (gpx.name or "").strip() or file.stem
    groups: list[tuple[str | None, Sequence[Any]]] = [
        (t.name, s.points) for t in gpx.tracks for s in t.segments
    ]
    groups += [(r.name, r.points) for r in gpx.routes]
    # gpxpy hands out point objects: reading their attributes is the parse itself.
    pieces = [
        pd.DataFrame(
            {
                "manager_id": (name or "").strip() or default,
                "timestamp": [None if p.time is None else p.time.isoformat() for p in points],
                "lat": [p.latitude for p in points],
                "lon": [p.longitude for p in points],
                "speed_mps": [getattr(p, "speed", None) for p in points],
            },
            dtype=object,
        )
        for name, points in groups
        if points
    ]
    if not pieces:
        raise InputError(source, None, None, "no data rows: no track or route points")
    frame = pd.concat(pieces, ignore_index=True)
    return RawTable(number_rows(frame, np.arange(1, len(frame) + 1)))


def read_parquet(file: Path, source: str) -> RawTable:
    """A Parquet table as it is (typed or text columns); row i is table row i."""
    try:
        frame = pd.read_parquet(file)
    except (OSError, ValueError, pa.ArrowException) as exc:
        raise InputError(source, None, None, f"not a readable Parquet file ({exc})") from exc
    if frame.empty:
        raise no_rows_error(source)
    return RawTable(number_rows(frame, np.arange(1, len(frame) + 1)))


def read_task_json(file: Path, source: str) -> RawTable:
    """A list of task objects, or ``{"tasks": [...]}``; the i-th object is row i."""
    doc = _load_json(file, source)
    items = doc.get("tasks") if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        raise InputError(
            source, None, None, 'expected a JSON list of task objects or {"tasks": [...]}'
        )
    if not items:
        raise no_rows_error(source)
    is_obj = np.array([isinstance(item, dict) for item in items], dtype=bool)
    rows = np.arange(1, len(items) + 1)
    problems = [
        RowProblem(source, int(r), None, "expected a task object {...}") for r in rows[~is_obj]
    ]
    objects = [item for item, ok in zip(items, is_obj, strict=True) if ok]
    frame = pd.DataFrame.from_records(objects) if objects else pd.DataFrame()
    if frame.empty:
        frame = pd.DataFrame(columns=list(TASK_COLUMNS), index=range(len(objects)))
    return RawTable(number_rows(frame, rows[is_obj]), problems)
