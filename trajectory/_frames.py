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

import numpy as np
import pandas as pd
from pandas.api.extensions import ExtensionDtype

#: A table as its columns, in column order, all of one length: name -> NumPy array, a
#: tz-aware ``DatetimeIndex`` for a column of instants, or the pandas extension array
#: of another extension column (strings, nullable numbers).
Columns = dict[str, Any]


def columns_of(frame: pd.DataFrame) -> Columns:
    """The frame's columns (:data:`Columns`)."""
    out: Columns = {}
    for c in frame.columns:
        s = frame[c]
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            out[str(c)] = pd.DatetimeIndex(s)
        elif isinstance(s.dtype, ExtensionDtype):
            out[str(c)] = s.array
        else:
            out[str(c)] = s.to_numpy()
    return out


def frame_of(columns: Mapping[str, Any]) -> pd.DataFrame:
    """The DataFrame of :data:`Columns` (a fresh RangeIndex), each column of its own
    dtype: an object column stays object (pandas would read one of text as strings)."""
    return pd.DataFrame(
        {
            c: pd.Series(v, dtype=object)
            if isinstance(v, np.ndarray) and v.dtype.kind == "O"
            else v
            for c, v in columns.items()
        }
    )


def with_columns(frame: pd.DataFrame, columns: Mapping[str, Any]) -> pd.DataFrame:
    """``frame.assign(**columns)`` for array-like ``columns`` of ``len(frame)``: a new
    frame built in one go (existing columns replaced in place, new ones appended)."""
    added = pd.DataFrame(dict(columns), index=frame.index)
    if set(columns).isdisjoint(frame.columns.tolist()):  # only new columns: side by side
        return pd.concat([frame, added], axis=1)
    data: dict[str, Any] = {c: frame[c] for c in frame.columns}  # Series keep their dtype
    data.update(columns)
    return pd.DataFrame(data, index=frame.index)
