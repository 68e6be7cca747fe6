"""Read tracks and task lists from files into validated frames.

Every reader turns whatever it finds wrong into an :class:`~trajectory.errors.InputError`
(or, with ``on_bad_row="skip"``, a :class:`~trajectory.errors.RowProblem` in
``rejected``) that names the file as given, the 1-based data row and the field;
no pandas, gpxpy or pyarrow exception leaves this module.

Rows are numbered per format: CSV counts data records below the header (blank
lines are not records), GeoJSON counts features, GPX counts points in document
order (all track segments, then all routes), Parquet counts table rows.
"""

from __future__ import annotations

__all__ = ["TASK_SUFFIXES", "TRACK_SUFFIXES", "read_tasks", "read_track", "split_track_csv"]

import codecs
import csv
import io
import itertools
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any

import gpxpy
import gpxpy.gpx
import numpy as np
import pandas as pd
import pyarrow as pa

from trajectory.errors import ConfigError, InputError, RowProblem
from trajectory.schema import (
    TASK_ALIASES,
    TASK_COLUMNS,
    TASK_OPTIONAL_COLUMNS,
    TRACK_ALIASES,
    TRACK_COLUMNS,
    TRACK_OPTIONAL_COLUMNS,
    OnBadRow,
    ValidatedTasks,
    ValidatedTrack,
    validate_tasks,
    validate_track,
)

#: File suffixes :func:`read_track` understands (case-insensitive).
TRACK_SUFFIXES: tuple[str, ...] = (".csv", ".txt", ".geojson", ".json", ".gpx", ".parquet", ".pq")
#: File suffixes :func:`read_tasks` understands (case-insensitive).
TASK_SUFFIXES: tuple[str, ...] = (".csv", ".txt", ".json")
#: Column separators recognised in a CSV header, in order of preference on a tie.
_DELIMITERS: tuple[str, ...] = (",", "\t", ";", "|")
_COORD_NAMES = frozenset({"lat", "lon", *TRACK_ALIASES} - {"time", "ts"})


@dataclass
class _Table:
    """Raw rows as strings or typed values, with ``source_row``, plus reader-level problems."""

    frame: pd.DataFrame
    problems: list[RowProblem] = field(default_factory=list)


def read_track(
    path: str | PathLike[str],
    *,
    timezone: str = "Asia/Shanghai",
    on_bad_row: OnBadRow = "raise",
) -> ValidatedTrack:
    """Read one GPS track file and validate it.

    The format follows the suffix:

    * ``.csv``/``.txt``: a header row, then one fix per row.  Columns may be
      separated by commas, tabs, semicolons or ``|`` (decided from the header
      line; an Excel ``sep=;`` first line is honoured).  Every value is read as
      text, so ids such as ``007`` keep their zeros.  UTF-8 (with or without
      BOM), UTF-16 with BOM, else GB18030 (Chinese Excel exports).
    * ``.geojson``/``.json``: a FeatureCollection of Point features; the
      geometry gives ``[lon, lat]``, the properties ``manager_id``,
      ``timestamp`` and optionally ``accuracy_m`` and ``speed_mps``.
    * ``.gpx``: every point of every track segment, then of every route.
      ``manager_id`` is the track's (route's) ``<name>``, else the file's
      ``<metadata><name>``, else the file stem; ``<time>`` is the timestamp
      (a point without one is a bad row); ``<speed>`` (GPX 1.0) fills
      ``speed_mps``; ``accuracy_m`` stays NaN (HDOP is not metres).
    * ``.parquet``/``.pq``: a table with the CSV's columns, typed or text.

    Parameters
    ----------
    path
        The file; error messages quote it as given.
    timezone
        IANA zone in which naive local timestamps are read.
    on_bad_row
        ``"raise"``: raise for the first bad row.  ``"skip"``: drop bad rows
        (including ragged CSV rows and non-Point features) and list them in
        ``rejected``.

    Returns
    -------
    ValidatedTrack
        See :func:`trajectory.schema.validate_track` for the frame's columns.

    Raises
    ------
    InputError
        Missing, unreadable, empty or malformed file; a missing required
        column; swapped lat/lon; a bad row when ``on_bad_row="raise"``.

    Examples
    --------
    >>> read_track("tracks/m1.csv").frame.columns.tolist()  # doctest: +SKIP
    ['manager_id', 'time', 'lat', 'lon', 'accuracy_m', 'speed_mps', 'source_row']
    """
    source = str(path)
    _check_on_bad_row(on_bad_row)
    file = _existing_file(path, source)
    readers: dict[str, Callable[[Path, str], _Table]] = {
        ".csv": _read_track_csv,
        ".txt": _read_track_csv,
        ".geojson": _read_geojson,
        ".json": _read_geojson,
        ".gpx": _read_gpx,
        ".parquet": _read_parquet,
        ".pq": _read_parquet,
    }
    reader = readers.get(file.suffix.lower())
    if reader is None:
        raise InputError(source, None, None, _unsupported(file, TRACK_SUFFIXES))
    table = reader(file, source)
    checked = validate_track(table.frame, source=source, timezone=timezone, on_bad_row="skip")
    rejected = _merge(table.problems, checked.rejected, on_bad_row)
    return ValidatedTrack(frame=checked.frame, rejected=rejected, source=source)


def read_tasks(path: str | PathLike[str], *, on_bad_row: OnBadRow = "raise") -> ValidatedTasks:
    """Read one task-list file and validate it.

    ``.csv``/``.txt`` files are read as in :func:`read_track` (all text,
    separator from the header, UTF-8/GB18030).  ``.json`` files hold a list of
    objects, or an object whose ``"tasks"`` key holds that list; row *i* is the
    *i*-th object.

    Parameters
    ----------
    path
        The file; error messages quote it as given.
    on_bad_row
        ``"raise"`` or ``"skip"``, as in :func:`read_track`.

    Returns
    -------
    ValidatedTasks
        See :func:`trajectory.schema.validate_tasks` for the frame's columns.

    Raises
    ------
    InputError
        As in :func:`read_track`.
    """
    source = str(path)
    _check_on_bad_row(on_bad_row)
    file = _existing_file(path, source)
    suffix = file.suffix.lower()
    if suffix in (".csv", ".txt"):
        table = _read_csv(
            _read_bytes(file, source), source, TASK_COLUMNS, TASK_OPTIONAL_COLUMNS, TASK_ALIASES
        )
    elif suffix == ".json":
        table = _read_task_json(file, source)
    else:
        raise InputError(source, None, None, _unsupported(file, TASK_SUFFIXES))
    checked = validate_tasks(table.frame, source=source, on_bad_row="skip")
    rejected = _merge(table.problems, checked.rejected, on_bad_row)
    return ValidatedTasks(
        frame=checked.frame,
        rejected=rejected,
        source=source,
        has_reported_visited=checked.has_reported_visited,
    )


# --------------------------------------------------------------------------- private


def _check_on_bad_row(on_bad_row: str) -> None:
    if on_bad_row not in ("raise", "skip"):
        raise ConfigError(f"on_bad_row: expected 'raise' or 'skip', got {on_bad_row!r}")


def _unsupported(file: Path, suffixes: tuple[str, ...]) -> str:
    return f"unsupported file type {file.suffix or '(none)'!r}; expected {', '.join(suffixes)}"


def _merge(
    first: list[RowProblem], second: tuple[RowProblem, ...], on_bad_row: str
) -> tuple[RowProblem, ...]:
    """Reader and schema problems in row order; raise the first in raise mode."""
    problems = sorted([*first, *second], key=lambda p: -1 if p.row is None else p.row)
    if problems and on_bad_row == "raise":
        raise InputError.from_problem(problems[0])
    return tuple(problems)


def _existing_file(path: str | PathLike[str], source: str) -> Path:
    file = Path(path)
    if not file.exists():
        raise InputError(source, None, None, "no such file")
    if not file.is_file():
        raise InputError(source, None, None, "not a file")
    return file


def _read_bytes(file: Path, source: str) -> bytes:
    try:
        return file.read_bytes()
    except OSError as exc:
        raise InputError(source, None, None, f"cannot read file ({exc.strerror})") from exc


def _with_rows(frame: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """Drop any ``source_row`` column of the file and number the rows as read."""
    keep = [str(c).strip().lower() != "source_row" for c in frame.columns]
    out = frame.loc[:, keep].reset_index(drop=True)
    out["source_row"] = np.asarray(rows, dtype=np.int64)
    return out


def _no_rows(source: str) -> InputError:
    return InputError(source, None, None, "no data rows")


# ----------------------------------------------------------------------------- CSV


def _read_track_csv(file: Path, source: str) -> _Table:
    return _read_csv(
        _read_bytes(file, source), source, TRACK_COLUMNS, TRACK_OPTIONAL_COLUMNS, TRACK_ALIASES
    )


def split_track_csv(raw: bytes, source: str) -> tuple[pd.DataFrame, tuple[RowProblem, ...]]:
    """Split the bytes of a track CSV into text columns, as :func:`read_track` does.

    For callers that receive a CSV body rather than a file (the HTTP service).

    Returns
    -------
    tuple
        The raw frame (text cells, ``source_row`` numbering data rows from 1)
        and the problems of rows the reader could not split (ragged rows).

    Raises
    ------
    InputError
        Not text, no header, a missing required column or no data rows.
    """
    table = _read_csv(raw, source, TRACK_COLUMNS, TRACK_OPTIONAL_COLUMNS, TRACK_ALIASES)
    return table.frame, tuple(table.problems)


def _decode(raw: bytes, source: str) -> str:
    """UTF-8 (BOM optional), UTF-16 with BOM, else GB18030."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings: tuple[str, ...] = ("utf-16",)
    elif raw.startswith(codecs.BOM_UTF8):
        encodings = ("utf-8-sig",)
    else:
        encodings = ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(source, None, None, "not text in UTF-8, UTF-16 or GB18030")


def _read_csv(
    raw: bytes,
    source: str,
    required: tuple[str, ...],
    optional: tuple[str, ...],
    aliases: Mapping[str, str],
) -> _Table:
    """Split a delimited text file into string columns; ragged rows become problems.

    The standard library's C tokenizer splits the records (it keeps quoted
    separators and newlines, and unlike pandas' reader it tells a short row from
    a row of empty fields); everything after that is column-wise.
    """
    text = _decode(raw, source)
    lines = text.lstrip("\r\n\t ").splitlines()
    if not lines:
        raise InputError(source, None, None, "empty file: no header")
    header_line = lines[0]
    delimiter = _sniff(header_line)
    if header_line.strip().lower().startswith("sep=") and len(header_line.strip()) == 5:
        delimiter = header_line.strip()[4]  # Excel's "sep=;" hint line
        lines = lines[1:]
        header_line = lines[0] if lines else ""
        text = "\n".join(lines)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise InputError(source, None, None, f"malformed CSV ({exc})") from exc
    lengths = np.fromiter(map(len, records), dtype=np.int64, count=len(records))
    # Transpose with padding in C: short rows get None, which a real empty field never is.
    grid = np.array(list(itertools.zip_longest(*records)), dtype=object).reshape(-1, len(records))
    cells = pd.DataFrame(grid.T)
    first = cells.iloc[:, 0].fillna("").astype(str).str.strip()
    blank = (lengths == 0) | ((lengths == 1) & (first == "").to_numpy())
    cells = cells.loc[~blank].reset_index(drop=True)
    lengths = lengths[~blank]
    if cells.empty:
        raise InputError(source, None, None, "empty file: no header")
    header = [str(h).strip() for h in cells.iloc[0].dropna()]
    width = max((i + 1 for i, h in enumerate(header) if h), default=0)
    names = header[:width]
    _check_header(names, header_line, source, required, optional, aliases)
    data = cells.iloc[1:].reset_index(drop=True)
    if data.empty:
        raise _no_rows(source)
    n_fields = lengths[1:]
    extra = data.iloc[:, width:].fillna("").astype(str)
    too_long = (extra.apply(lambda col: col.str.strip()) != "").any(axis=1).to_numpy()
    ragged = (n_fields < width) | too_long
    rows = np.arange(1, len(data) + 1)
    problems = [
        RowProblem(source, int(rows[i]), None, f"expected {width} fields, got {n_fields[i]}")
        for i in np.flatnonzero(ragged)
    ]
    good = data.loc[~ragged, : width - 1]
    frame = pd.DataFrame(good.to_numpy(dtype=object), columns=names)
    return _Table(_with_rows(frame, rows[~ragged]), problems)


def _sniff(header_line: str) -> str:
    """The separator that occurs most often in the header line (comma when none)."""
    counts = [header_line.count(d) for d in _DELIMITERS]
    best = int(np.argmax(counts))
    return _DELIMITERS[best] if counts[best] else ","


def _check_header(
    names: list[str],
    line: str,
    source: str,
    required: tuple[str, ...],
    optional: tuple[str, ...],
    aliases: Mapping[str, str],
) -> None:
    known = {*required, *optional, *aliases}
    if not any(n.strip().lower() in known for n in names):
        shown = line.strip()
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        raise InputError(
            source,
            None,
            None,
            f"header has no recognisable columns (got {shown!r}); expected columns "
            f"{','.join(required)}[,{','.join(optional)}] separated by commas, tabs or semicolons",
        )


# ------------------------------------------------------------------------- GeoJSON


def _load_json(file: Path, source: str) -> Any:
    text = _decode(_read_bytes(file, source), source)
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


def _read_geojson(file: Path, source: str) -> _Table:
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
        raise _no_rows(source)
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
    return _Table(_with_rows(frame, rows[good]), problems)


# ----------------------------------------------------------------------------- GPX


def _read_gpx(file: Path, source: str) -> _Table:
    """Track points, then route points; manager_id from ``<name>`` or the file stem."""
    raw = _read_bytes(file, source)
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
    return _Table(_with_rows(frame, np.arange(1, len(frame) + 1)))


# ------------------------------------------------------------------------- Parquet


def _read_parquet(file: Path, source: str) -> _Table:
    try:
        frame = pd.read_parquet(file)
    except (OSError, ValueError, pa.ArrowException) as exc:
        raise InputError(source, None, None, f"not a readable Parquet file ({exc})") from exc
    if frame.empty:
        raise _no_rows(source)
    return _Table(_with_rows(frame, np.arange(1, len(frame) + 1)))


# ---------------------------------------------------------------------- task JSON


def _read_task_json(file: Path, source: str) -> _Table:
    """A list of task objects, or ``{"tasks": [...]}``; the i-th object is row i."""
    doc = _load_json(file, source)
    items = doc.get("tasks") if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        raise InputError(
            source, None, None, 'expected a JSON list of task objects or {"tasks": [...]}'
        )
    if not items:
        raise _no_rows(source)
    is_obj = np.array([isinstance(item, dict) for item in items], dtype=bool)
    rows = np.arange(1, len(items) + 1)
    problems = [
        RowProblem(source, int(r), None, "expected a task object {...}") for r in rows[~is_obj]
    ]
    objects = [item for item, ok in zip(items, is_obj, strict=True) if ok]
    frame = pd.DataFrame.from_records(objects) if objects else pd.DataFrame()
    if frame.empty:
        frame = pd.DataFrame(columns=list(TASK_COLUMNS), index=range(len(objects)))
    return _Table(_with_rows(frame, rows[is_obj]), problems)
