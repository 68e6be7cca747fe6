"""Tracks as a Parquet dataset partitioned by local date and manager.

Layout of a track dataset (Hive partitioning, what ``pyarrow.dataset`` and Spark
read and write)::

    tracks/date=2026-11-20/manager_id=M3946/part-0.parquet
                           manager_id=M4120/part-0.parquet

``date`` is the manager's local calendar date (in the configured time zone) and
``manager_id`` the manager; partition values are percent-encoded
(:func:`batch.files.day_stem`).  Each file holds ``time``
(``timestamp[ns, tz=UTC]``), ``lat``, ``lon`` (float64, degrees) and optionally
``accuracy_m`` and ``speed_mps`` (float64; null when the phone gave none).  Files may
also hold raw columns as a track CSV has them (``timestamp`` as text, typed
or not); those are validated like a CSV.

A manager-day is then one folder: a daily run hands each worker the few files of
its manager-day, never the whole dataset.  Datasets partitioned otherwise (by date
only, or not at all) are re-partitioned once per date with
:func:`repartition_day`, which streams the data through pyarrow in bounded memory.
"""

from __future__ import annotations

__all__ = [
    "TRACK_FILE_COLUMNS",
    "day_bounds_ns",
    "list_day_files",
    "read_day_track",
    "repartition_day",
    "write_day_tracks",
]

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import shapely

from batch.files import atomic_target, day_stem
from trajectory.errors import InputError
from trajectory.schema import OnBadRow, ValidatedTrack, validate_track
from trajectory.timestamps import local_day_bounds

#: Columns of a track file in a dataset written by :func:`write_day_tracks`.
TRACK_FILE_COLUMNS: tuple[str, ...] = ("time", "lat", "lon", "accuracy_m", "speed_mps")

_TRACK_SCHEMA = pa.schema(
    [
        ("time", pa.timestamp("ns", tz="UTC")),
        ("lat", pa.float64()),
        ("lon", pa.float64()),
        ("accuracy_m", pa.float64()),
        ("speed_mps", pa.float64()),
    ]
)


def day_bounds_ns(date: dt.date, timezone: str) -> tuple[int, int]:
    """``[lo, hi)`` of the local calendar day in UTC nanoseconds (DST-safe; the one
    window of :func:`trajectory.timestamps.local_day_bounds`)."""
    lo, hi = local_day_bounds(date, timezone)
    return lo.as_unit("ns").value, hi.as_unit("ns").value


def write_day_tracks(
    frame: pd.DataFrame, base: Path, date: dt.date, *, timezone: str, name: str
) -> dict[str, int]:
    """Write the fixes of one local date into the dataset at ``base``, one file per manager.

    Parameters
    ----------
    frame
        A validated track frame (:data:`trajectory.schema.TRACK_FRAME_COLUMNS`), any
        managers and days; fixes outside the local ``date`` are left out.
    base
        The dataset's root folder.
    date, timezone
        The local calendar day kept.
    name
        File name (without ``.parquet``) of this source's file in each manager's
        folder: several sources of one manager-day sit side by side, and writing
        the same source again replaces its files.  Each file is written atomically.

    Returns
    -------
    dict
        manager_id -> fixes written.
    """
    lo, hi = day_bounds_ns(date, timezone)
    ns = pd.DatetimeIndex(frame["time"]).as_unit("ns").asi8
    day = frame.loc[(ns >= lo) & (ns < hi)]
    written: dict[str, int] = {}
    folder = base / f"date={date.isoformat()}"
    for manager, group in day.groupby("manager_id", sort=True):
        table = pa.Table.from_pandas(
            group.loc[:, list(TRACK_FILE_COLUMNS)].assign(
                time=pd.DatetimeIndex(group["time"]).as_unit("ns")
            ),
            schema=_TRACK_SCHEMA,
            preserve_index=False,
        )
        target = folder / f"manager_id={day_stem(str(manager))}" / f"{name}.parquet"
        _write_table_atomic(table, target)
        written[str(manager)] = len(group)
    return written


def list_day_files(dataset: Path, date: dt.date) -> dict[str, list[str]] | None:
    """The files of each manager-day of ``date`` in a dataset partitioned by manager.

    ``dataset`` is the root of a Hive-partitioned dataset (``date=``/``manager_id=``
    folders), or a folder of ``manager_id=`` folders of one date.  Only the folder of
    ``date`` is listed when it exists.

    Returns
    -------
    dict or None
        manager_id -> its files (sorted), or None when the dataset is not
        partitioned by manager (then see :func:`repartition_day`).

    Raises
    ------
    InputError
        When ``dataset`` is not a folder or holds no Parquet file.
    """
    if not dataset.is_dir():
        raise InputError(str(dataset), None, None, "not a folder of Parquet files")
    day_dir = dataset / f"date={date.isoformat()}"
    root, with_date = (day_dir, False) if day_dir.is_dir() else (dataset, True)
    data, names = _open_dataset(root)
    if "manager_id" not in names:
        return None
    flt = ds.field("date") == date.isoformat() if with_date and "date" in names else None
    out: dict[str, list[str]] = {}
    for fragment in data.get_fragments(filter=flt):
        keys = ds.get_partition_keys(fragment.partition_expression)
        manager = keys.get("manager_id")
        if manager is None:
            continue
        out.setdefault(str(manager), []).append(fragment.path)
    return {m: sorted(files) for m, files in sorted(out.items())}


def repartition_day(
    dataset: Path, staging: Path, date: dt.date, *, timezone: str
) -> dict[str, list[str]]:
    """Copy the fixes of ``date`` into a dataset partitioned by manager; list its files.

    For datasets partitioned by date only (or not at all) whose files hold a
    ``manager_id`` column and a tz-aware ``time`` column.  The copy streams through
    ``pyarrow.dataset.write_dataset`` (bounded memory, every core), filtered on the
    ``date`` partition when there is one and on the local day's UTC interval.

    Raises
    ------
    InputError
        When the files lack ``manager_id`` or a tz-aware ``time`` column.
    """
    source = str(dataset)
    data, parts = _open_dataset(dataset)
    schema = data.schema
    if "manager_id" not in schema.names:
        raise InputError(source, None, "manager_id", "missing column (or manager_id= folders)")
    time_type = schema.field("time").type if "time" in schema.names else None
    if not (isinstance(time_type, pa.TimestampType) and time_type.tz is not None):
        raise InputError(
            source,
            None,
            "time",
            "a dataset not partitioned by manager needs a tz-aware timestamp column 'time' "
            "(or use manager_id= folders)",
        )
    lo, hi = day_bounds_ns(date, timezone)
    time_ns = ds.field("time").cast(pa.timestamp("ns", tz="UTC"))
    flt = (time_ns >= pa.scalar(lo, pa.timestamp("ns", tz="UTC"))) & (
        time_ns < pa.scalar(hi, pa.timestamp("ns", tz="UTC"))
    )
    if "date" in parts:
        flt = flt & (ds.field("date") == date.isoformat())
    columns = ["manager_id", *(c for c in TRACK_FILE_COLUMNS if c in schema.names)]
    target = staging / f"date={date.isoformat()}"
    ds.write_dataset(
        data.scanner(columns=columns, filter=flt),
        target,
        format="parquet",
        partitioning=ds.partitioning(pa.schema([("manager_id", pa.string())]), flavor="hive"),
        existing_data_behavior="delete_matching",
        max_partitions=1 << 20,
        max_open_files=512,
        basename_template="part-{i}.parquet",
    )
    found = list_day_files(staging, date)
    return found or {}


def read_day_track(
    files: Sequence[str | Path],
    manager_id: str,
    *,
    timezone: str,
    source: str,
    on_bad_row: OnBadRow = "raise",
) -> ValidatedTrack:
    """Read one manager-day's files into a :class:`~trajectory.schema.ValidatedTrack`.

    Files in the layout of this module (a tz-aware ``time``, float ``lat``/``lon``)
    take a vectorised path: coordinates finite and in range, times present,
    accuracy and speed missing or >= 0.  Anything else (raw text columns, or a row
    that fails those tests) goes through :func:`trajectory.schema.validate_track`,
    which names the row and field.  Rows are numbered from 1 in file order.
    A ``manager_id`` column, when the files have one, selects this manager's rows.

    Parameters
    ----------
    files
        The Parquet files of the manager-day (none: an empty track).
    manager_id
        The manager; fills ``manager_id``.
    timezone
        IANA zone of naive timestamps (raw columns only).
    source
        Names the data in error messages.
    on_bad_row
        As in :func:`trajectory.schema.validate_track`.
    """
    tables = []
    for path in files:
        try:
            tables.append(pq.ParquetFile(path).read())
        except (OSError, pa.ArrowException) as exc:
            raise InputError(str(path), None, None, f"not a readable Parquet file ({exc})") from exc
    if not tables:
        return ValidatedTrack(frame=_empty_track(manager_id), rejected=(), source=source)
    try:
        table = (
            tables[0]
            if len(tables) == 1
            else pa.concat_tables(tables, promote_options="permissive")
        )
    except pa.ArrowException as exc:
        raise InputError(source, None, None, f"files of different columns ({exc})") from exc
    if "manager_id" in table.column_names:
        mine = pc.equal(table.column("manager_id").cast(pa.string()), manager_id)
        table = table.filter(pc.fill_null(mine, False))
    table = _geometry_to_latlon(table)
    fast = _fast_track(table, manager_id)
    if fast is not None:
        return ValidatedTrack(frame=fast, rejected=(), source=source)
    raw = table.to_pandas().drop(columns=["source_row"], errors="ignore")
    raw["manager_id"] = pd.Series([manager_id] * len(raw), dtype="str")
    return validate_track(raw, source=source, timezone=timezone, on_bad_row=on_bad_row)


# --------------------------------------------------------------------------- private


def _open_dataset(root: Path) -> tuple[ds.Dataset, list[str]]:
    """A Parquet dataset at ``root`` whose Hive partition values all read as text, and its keys.

    (Inferred types would turn a manager ``007`` into the integer 7.)  The keys are
    the ``key=`` folder names found between ``root`` and the files.
    """
    try:
        probe = ds.dataset(root, format="parquet")
        keys: dict[str, None] = {}
        for file in probe.files:
            for part in Path(file).relative_to(root).parts[:-1]:
                if "=" in part:
                    keys.setdefault(part.split("=", 1)[0])
        if not keys:
            return probe, []
        part = ds.partitioning(pa.schema([(k, pa.string()) for k in keys]), flavor="hive")
        return ds.dataset(root, format="parquet", partitioning=part), list(keys)
    except (OSError, pa.ArrowException) as exc:
        raise InputError(str(root), None, None, f"not a readable Parquet dataset ({exc})") from exc


def _write_table_atomic(table: pa.Table, target: Path) -> None:
    with atomic_target(target) as tmp:
        pq.write_table(table, tmp)


def _empty_track(manager_id: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "manager_id": pd.Series([], dtype="str"),
            "time": pd.Series([], dtype="datetime64[ns, UTC]"),
            "lat": pd.Series([], dtype="float64"),
            "lon": pd.Series([], dtype="float64"),
            "accuracy_m": pd.Series([], dtype="float64"),
            "speed_mps": pd.Series([], dtype="float64"),
            "source_row": pd.Series([], dtype="int64"),
        }
    )


def _fast_track(table: pa.Table, manager_id: str) -> pd.DataFrame | None:
    """The validated frame of typed, clean columns; None when validation must look closer."""
    names = table.column_names
    if "time" not in names or "timestamp" in names or "lat" not in names or "lon" not in names:
        return None
    time_type = table.schema.field("time").type
    if not (isinstance(time_type, pa.TimestampType) and time_type.tz is not None):
        return None
    n = table.num_rows
    numeric: dict[str, np.ndarray] = {}
    for name in ("lat", "lon", "accuracy_m", "speed_mps"):
        if name not in names:
            numeric[name] = np.full(n, np.nan)
            continue
        col = table.column(name)
        if not (pa.types.is_floating(col.type) or pa.types.is_integer(col.type)):
            return None
        numeric[name] = col.cast(pa.float64()).to_numpy(zero_copy_only=False)  # null -> NaN
    time_col = table.column("time")
    if time_col.null_count:
        return None
    ns = time_col.cast(pa.timestamp("ns", tz="UTC")).to_numpy(zero_copy_only=False)
    lat, lon = numeric["lat"], numeric["lon"]
    with np.errstate(invalid="ignore"):
        ok = (
            np.isfinite(lat)
            & np.isfinite(lon)
            & (np.abs(lat) <= 90.0)
            & (np.abs(lon) <= 180.0)
            & ~(numeric["accuracy_m"] < 0)
            & ~(numeric["speed_mps"] < 0)
            & ~np.isinf(numeric["accuracy_m"])
            & ~np.isinf(numeric["speed_mps"])
        )
    if not bool(ok.all()):
        return None
    return pd.DataFrame(
        {
            "manager_id": _repeat_text(manager_id, n),
            "time": pd.DatetimeIndex(ns, tz="UTC"),
            "lat": lat,
            "lon": lon,
            "accuracy_m": numeric["accuracy_m"],
            "speed_mps": numeric["speed_mps"],
            "source_row": np.arange(1, n + 1, dtype=np.int64),
        }
    )


def _repeat_text(value: str, n: int) -> pd.Series:
    """``n`` times ``value`` as a text column (built by Arrow: 10x faster than from a list)."""
    return pd.Series(pd.array(pa.repeat(pa.scalar(value, pa.string()), n), dtype="str"))


def _geometry_to_latlon(table: pa.Table) -> pa.Table:
    """GeoParquet points (WKB ``geometry``, lon/lat) as ``lat``/``lon`` columns.

    Only when the table has a ``geometry`` column and no ``lat``/``lon``; a null,
    unreadable or non-point geometry gives NaN, which validation then names.
    """
    names = table.column_names
    if "geometry" not in names or "lat" in names or "lon" in names:
        return table
    column = table.column("geometry")
    if not (pa.types.is_binary(column.type) or pa.types.is_large_binary(column.type)):
        return table
    geoms = shapely.from_wkb(column.to_numpy(zero_copy_only=False), on_invalid="ignore")
    points = shapely.get_type_id(geoms) == 0
    lon = np.where(points, shapely.get_x(geoms), np.nan)
    lat = np.where(points, shapely.get_y(geoms), np.nan)
    index = names.index("geometry")
    table = table.remove_column(index)
    return table.append_column("lat", pa.array(lat)).append_column("lon", pa.array(lon))
