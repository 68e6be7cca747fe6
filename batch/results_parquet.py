"""``results.parquet`` and ``stays.parquet`` (GeoParquet) of a daily run.

``results.parquet`` holds one row per manager-day: the summary's columns
(:data:`batch.summary.SUMMARY_COLUMNS`) and the whole result JSON.
``stays.parquet`` holds one row per stay with a WKB point geometry in OGC:CRS84
(WGS-84 lon/lat, GeoParquet's default), a layer GIS tools open directly.  Both are
written from the run's result files a batch at a time, so memory does not grow with
the number of managers.
"""

from __future__ import annotations

__all__ = ["RESULT_COLUMNS", "write_results_parquet"]

import contextlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import shapely

from batch.files import atomic_target
from batch.summary import SUMMARY_COLUMNS

#: Columns of ``results.parquet``: the summary's, and the whole result JSON.
RESULT_COLUMNS: tuple[str, ...] = (*SUMMARY_COLUMNS, "result_json")
#: Fields of each stay in ``stays.parquet`` (with manager_id, date and geometry).
_STAY_FIELDS: tuple[str, ...] = (
    "id",
    "arrival",
    "departure",
    "duration_s",
    "n_points",
    "store_id",
    "distance_m",
    "exempt",
    "revisit",
    "confirmed",
    "lat",
    "lon",
)
#: GeoParquet 1.1 metadata: one WKB point column; no ``crs`` means OGC:CRS84 (WGS-84 lon/lat).
_GEO_METADATA = {
    b"geo": json.dumps(
        {
            "version": "1.1.0",
            "primary_column": "geometry",
            "columns": {"geometry": {"encoding": "WKB", "geometry_types": ["Point"]}},
        }
    ).encode("utf-8")
}
_STAYS_SCHEMA = pa.schema(
    [
        ("manager_id", pa.string()),
        ("date", pa.string()),
        ("id", pa.int64()),
        ("arrival", pa.string()),
        ("departure", pa.string()),
        ("duration_s", pa.float64()),
        ("n_points", pa.int64()),
        ("store_id", pa.string()),
        ("distance_m", pa.float64()),
        ("exempt", pa.string()),
        ("revisit", pa.bool_()),
        ("confirmed", pa.bool_()),
        ("lat", pa.float64()),
        ("lon", pa.float64()),
        ("geometry", pa.binary()),
    ],
    metadata=_GEO_METADATA,
)
_RESULT_SCHEMA = pa.schema(
    [
        ("manager_id", pa.string()),
        ("date", pa.string()),
        ("status", pa.string()),
        ("on_time_arrival", pa.string()),
        ("trajectory_clear", pa.string()),
        ("visit_count_match", pa.string()),
        ("stay_points", pa.int64()),
        ("onsite_visits", pa.int64()),
        ("first_arrival", pa.string()),
        ("points", pa.int64()),
        ("reason", pa.string()),
        ("result", pa.string()),
        ("map", pa.string()),
        ("result_json", pa.string()),
    ]
)
#: Rows of results.parquet gathered before a row group is written (bounds memory).
_RESULT_BATCH = 512


def write_results_parquet(
    rows: Iterable[Mapping[str, Any]], run_dir: Path, path: Path, *, stays_path: Path | None = None
) -> Path:
    """Write ``results.parquet``: one row per manager-day, the summary plus the result JSON.

    ``result_json`` is read from each row's ``result`` file (relative to
    ``run_dir``), a batch at a time, so memory does not grow with the number of
    managers.  With ``stays_path``, every stay of every result also goes to a
    **GeoParquet** file there (one row per stay: manager, date, stay id, arrival,
    departure, duration, fixes, matched store or exempt place, revisit, confirmed,
    lat, lon, and a WKB ``geometry`` point in OGC:CRS84, i.e. WGS-84 lon/lat), which
    GIS tools and ``geopandas.read_parquet`` open as a layer.  Both files are written
    to a temporary name and renamed.
    """
    with contextlib.ExitStack() as files:
        tmp = files.enter_context(atomic_target(path))
        stays_tmp = None if stays_path is None else files.enter_context(atomic_target(stays_path))
        _write_tables(rows, run_dir, tmp, stays_tmp)
    return path


def _write_tables(
    rows: Iterable[Mapping[str, Any]], run_dir: Path, path: Path, stays_path: Path | None
) -> None:
    """The rows into ``path`` and their stays into ``stays_path``, a batch at a time."""
    with contextlib.ExitStack() as stack:
        writer = stack.enter_context(pq.ParquetWriter(path, _RESULT_SCHEMA))
        stays_writer = (
            stack.enter_context(pq.ParquetWriter(stays_path, _STAYS_SCHEMA))
            if stays_path is not None
            else None
        )
        batch: list[dict[str, Any]] = []
        stays: list[dict[str, Any]] = []
        for row in sorted(rows, key=lambda r: str(r["manager_id"])):
            record = _result_record(row, run_dir)
            batch.append(record)
            if stays_writer is not None and record["result_json"]:
                stays.extend(_stay_records(json.loads(record["result_json"])))
            if len(batch) >= _RESULT_BATCH:
                writer.write_table(pa.Table.from_pylist(batch, schema=_RESULT_SCHEMA))
                batch = []
                if stays_writer is not None:
                    stays_writer.write_table(_stays_table(stays))
                    stays = []
        writer.write_table(pa.Table.from_pylist(batch, schema=_RESULT_SCHEMA))
        if stays_writer is not None:
            stays_writer.write_table(_stays_table(stays))


def _stay_records(body: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "manager_id": str(body["manager_id"]),
            "date": str(body["date"]),
            **{k: stay.get(k) for k in _STAY_FIELDS},
        }
        for stay in body.get("stay_points", [])
    ]


def _stays_table(records: list[dict[str, Any]]) -> pa.Table:
    lat = np.array([r["lat"] for r in records], dtype=float)
    lon = np.array([r["lon"] for r in records], dtype=float)
    wkb = shapely.to_wkb(shapely.points(lon, lat)) if records else np.array([], dtype=object)
    columns = {name: [r.get(name) for r in records] for name in _STAYS_SCHEMA.names[:-1]}
    columns["geometry"] = list(wkb)
    return pa.Table.from_pydict(columns, schema=_STAYS_SCHEMA)


def _result_record(row: Mapping[str, Any], run_dir: Path) -> dict[str, Any]:
    record = {k: row.get(k) for k in SUMMARY_COLUMNS}
    text = None
    if row.get("result"):
        try:
            text = (run_dir / str(row["result"])).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            text = None
    record["result_json"] = text
    return record
