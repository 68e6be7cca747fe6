"""Delimited text files (CSV) split into raw string columns, and the readers' common parts.

The standard library's C tokenizer splits the records; everything after that is
column-wise.  Every value stays text, so ids such as ``007`` keep their zeros.
Rows are data records below the header, numbered from 1 (blank lines are not
records); ragged rows become :class:`~trajectory.errors.RowProblem` s.
"""

from __future__ import annotations

__all__ = [
    "RawTable",
    "decode_text",
    "no_rows_error",
    "number_rows",
    "read_bytes",
    "read_track_csv",
    "split_csv",
    "split_track_csv",
]

import codecs
import csv
import io
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from trajectory.errors import InputError, RowProblem
from trajectory.schema import TRACK_ALIASES, TRACK_COLUMNS, TRACK_OPTIONAL_COLUMNS

#: Column separators recognised in a CSV header, in order of preference on a tie.
_DELIMITERS: tuple[str, ...] = (",", "\t", ";", "|")


@dataclass
class RawTable:
    """Raw rows as strings or typed values, with ``source_row``, plus reader-level problems."""

    frame: pd.DataFrame
    problems: list[RowProblem] = field(default_factory=list)


def read_bytes(file: Path, source: str) -> bytes:
    """The file's bytes; an unreadable file is an :class:`InputError`."""
    try:
        return file.read_bytes()
    except OSError as exc:
        raise InputError(source, None, None, f"cannot read file ({exc.strerror})") from exc


def number_rows(frame: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """Drop any ``source_row`` column of the file and number the rows as read."""
    keep = [str(c).strip().lower() != "source_row" for c in frame.columns]
    out = frame.loc[:, keep].reset_index(drop=True)
    out["source_row"] = np.asarray(rows, dtype=np.int64)
    return out


def no_rows_error(source: str) -> InputError:
    """The error of a file with a header (or a container) but no data rows."""
    return InputError(source, None, None, "no data rows")


def read_track_csv(file: Path, source: str) -> RawTable:
    """A track CSV file split into raw columns (see :func:`split_csv`)."""
    return split_csv(
        read_bytes(file, source), source, TRACK_COLUMNS, TRACK_OPTIONAL_COLUMNS, TRACK_ALIASES
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
    table = split_csv(raw, source, TRACK_COLUMNS, TRACK_OPTIONAL_COLUMNS, TRACK_ALIASES)
    return table.frame, tuple(table.problems)


def decode_text(raw: bytes, source: str) -> str:
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


def split_csv(
    raw: bytes,
    source: str,
    required: tuple[str, ...],
    optional: tuple[str, ...],
    aliases: Mapping[str, str],
) -> RawTable:
    """Split a delimited text file into string columns; ragged rows become problems.

    The standard library's C tokenizer splits the records (it keeps quoted
    separators and newlines, and unlike pandas' reader it tells a short row from
    a row of empty fields); everything after that is column-wise.
    """
    text = decode_text(raw, source)
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
        raise no_rows_error(source)
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
    return RawTable(number_rows(frame, rows[~ragged]), problems)


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
