"""Small-frame helpers for the per-day hot path (issue 18).

A stay table holds a few dozen rows; setting its columns one by one
(``DataFrame.assign``, ``df[c] = ...``) costs pandas far more than the data.
"""

from __future__ import annotations

__all__ = ["with_columns"]

from collections.abc import Mapping
from typing import Any

import pandas as pd


def with_columns(frame: pd.DataFrame, columns: Mapping[str, Any]) -> pd.DataFrame:
    """``frame.assign(**columns)`` for array-like ``columns`` of ``len(frame)``: a new
    frame built in one go (existing columns replaced in place, new ones appended)."""
    added = pd.DataFrame(dict(columns), index=frame.index)
    if set(columns).isdisjoint(frame.columns.tolist()):  # only new columns: side by side
        return pd.concat([frame, added], axis=1)
    data: dict[str, Any] = {c: frame[c] for c in frame.columns}  # Series keep their dtype
    data.update(columns)
    return pd.DataFrame(data, index=frame.index)
