"""Small-frame helpers for the per-day hot path (issue 18).

A stay table holds a few dozen rows; setting its columns one by one
(``DataFrame.assign``, ``df[c] = ...``) costs pandas far more than the data, and so
does reading them (about 10 µs a column).  Inside ``verify_day`` the stay table
travels between the stages as :data:`Columns` (column name -> NumPy array, all of
one length); the public functions take and return DataFrames and convert at their
edges with :func:`columns_of` and :func:`frame_of`.
"""

from __future__ import annotations

__all__ = ["Columns", "columns_of", "frame_of", "with_columns"]

from collections.abc import Mapping
from typing import Any

import pandas as pd

#: A table as its columns, in column order, all of one length: name -> NumPy array
#: (``Series.to_numpy()``: extension columns as object arrays of their scalars), or a
#: tz-aware ``DatetimeIndex`` for a column of instants.
Columns = dict[str, Any]


def columns_of(frame: pd.DataFrame) -> Columns:
    """The frame's columns (:data:`Columns`)."""
    out: Columns = {}
    for c in frame.columns:
        s = frame[c]
        out[str(c)] = (
            pd.DatetimeIndex(s) if isinstance(s.dtype, pd.DatetimeTZDtype) else s.to_numpy()
        )
    return out


def frame_of(columns: Mapping[str, Any]) -> pd.DataFrame:
    """The DataFrame of :data:`Columns` (a fresh RangeIndex)."""
    return pd.DataFrame(dict(columns))


def with_columns(frame: pd.DataFrame, columns: Mapping[str, Any]) -> pd.DataFrame:
    """``frame.assign(**columns)`` for array-like ``columns`` of ``len(frame)``: a new
    frame built in one go (existing columns replaced in place, new ones appended)."""
    added = pd.DataFrame(dict(columns), index=frame.index)
    if set(columns).isdisjoint(frame.columns.tolist()):  # only new columns: side by side
        return pd.concat([frame, added], axis=1)
    data: dict[str, Any] = {c: frame[c] for c in frame.columns}  # Series keep their dtype
    data.update(columns)
    return pd.DataFrame(data, index=frame.index)
