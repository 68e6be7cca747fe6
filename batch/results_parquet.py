"""``results.parquet`` and ``stays.parquet`` (GeoParquet) of a daily run.

``results.parquet`` holds one row per manager-day: the summary's columns
(:data:`batch.summary.SUMMARY_COLUMNS`) and the whole result JSON.
``stays.parquet`` holds one row per stay with a point geometry in EPSG:4326, written by
geopandas (GeoParquet: WKB geometry, CRS metadata), a layer GIS tools and
``geopandas.read_parquet`` open directly.  The results are written a batch at a time,
so memory does not grow with the number of managers; the stays (~10 a manager-day)
are written once at the end.
"""

from __future__ import annotations

__all__ = ["RESULT_COLUMNS", "write_results_parquet"]

import contextlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

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
#: Column types of stays.parquet (besides ``geometry``), whatever the day's values.
_STAY_DTYPES = {
    "manager_id": "str",
    "date": "str",
    "id": "int64",
    "arrival": "str",
    "departure": "str",
    "duration_s": "float64",
    "n_points": "int64",
    "store_id": "object",
    "distance_m": "float64",
    "exempt": "object",
    "revisit": "bool",
    "confirmed": "bool",
    "lat": "float64",
    "lon": "float64",
}
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
        ("integrity", pa.string()),
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
    with pq.ParquetWriter(path, _RESULT_SCHEMA) as writer:
        batch: list[dict[str, Any]] = []
        stays: list[dict[str, Any]] = []  # ~10 per manager-day: small beside the results
        for row in sorted(rows, key=lambda r: str(r["manager_id"])):
            record = _result_record(row, run_dir)
            batch.append(record)
            if stays_path is not None and record["result_json"]:
                stays.extend(_stay_records(json.loads(record["result_json"])))
            if len(batch) >= _RESULT_BATCH:
                writer.write_table(pa.Table.from_pylist(batch, schema=_RESULT_SCHEMA))
                batch = []
        writer.write_table(pa.Table.from_pylist(batch, schema=_RESULT_SCHEMA))
    if stays_path is not None:
        _write_stays(stays, stays_path)


def _stay_records(body: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "manager_id": str(body["manager_id"]),
            "date": str(body["date"]),
            **{k: stay.get(k) for k in _STAY_FIELDS},
        }
        for stay in body.get("stay_points", [])
    ]


def _write_stays(records: list[dict[str, Any]], path: Path) -> None:
    """The stays as GeoParquet, written by geopandas (geometry and CRS metadata its own)."""
    import geopandas as gpd

    frame = pd.DataFrame(records, columns=list(_STAY_DTYPES)).astype(_STAY_DTYPES)
    geometry = gpd.points_from_xy(frame["lon"], frame["lat"], crs="EPSG:4326")
    gpd.GeoDataFrame(frame, geometry=geometry).to_parquet(path, index=False)


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
