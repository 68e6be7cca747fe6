"""Read tracks and task lists from files into validated frames.

Every reader turns whatever it finds wrong into an :class:`~trajectory.errors.InputError`
(or, with ``on_bad_row="skip"``, a :class:`~trajectory.errors.RowProblem` in
``rejected``) that names the file as given, the 1-based data row and the field;
no pandas, gpxpy or pyarrow exception leaves this module.

Track formats, by suffix:

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

Rows are numbered per format: CSV counts data records below the header (blank
lines are not records), GeoJSON counts features, GPX counts points in document
order (all track segments, then all routes), Parquet counts table rows.  The
readers live in :mod:`trajectory.io_csv` and :mod:`trajectory.io_formats`.
"""

from __future__ import annotations

__all__ = [
    "TASK_SUFFIXES",
    "TRACK_READERS",
    "TRACK_SUFFIXES",
    "RawTable",
    "read_tasks",
    "read_track",
    "split_csv",
    "split_track_csv",
]

from collections.abc import Callable
from os import PathLike
from pathlib import Path

from trajectory.errors import ConfigError, InputError, RowProblem
from trajectory.io_csv import RawTable, read_bytes, read_track_csv, split_csv, split_track_csv
from trajectory.io_formats import read_geojson, read_gpx, read_parquet, read_task_json
from trajectory.schema import (
    TASK_ALIASES,
    TASK_COLUMNS,
    TASK_OPTIONAL_COLUMNS,
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
#: The raw reader of each track file suffix (the daily run imports with them too).
TRACK_READERS: dict[str, Callable[[Path, str], RawTable]] = {
    ".csv": read_track_csv,
    ".txt": read_track_csv,
    ".geojson": read_geojson,
    ".json": read_geojson,
    ".gpx": read_gpx,
    ".parquet": read_parquet,
    ".pq": read_parquet,
}


def read_track(
    path: str | PathLike[str],
    *,
    timezone: str = "Asia/Shanghai",
    on_bad_row: OnBadRow = "raise",
) -> ValidatedTrack:
    """Read one GPS track file and validate it.

    The format follows the suffix (``.csv``, ``.txt``, ``.geojson``, ``.json``,
    ``.gpx``, ``.parquet``, ``.pq``; see the module docstring).

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
    reader = TRACK_READERS.get(file.suffix.lower())
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
        table = split_csv(
            read_bytes(file, source), source, TASK_COLUMNS, TASK_OPTIONAL_COLUMNS, TASK_ALIASES
        )
    elif suffix == ".json":
        table = read_task_json(file, source)
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
