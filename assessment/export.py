"""Rule outputs as plain records, CSV and JSON: one formatting for every interface.

Instants are ISO 8601 in the configured zone with its offset
(``2026-11-05T09:00:00+08:00``), calendar dates ``YYYY-MM-DD``, missing values
``null`` in JSON and empty in CSV.  CSV files are UTF-8 with a byte-order mark,
so spreadsheet programs show Chinese names correctly.
"""

from __future__ import annotations

__all__ = ["to_records", "write_table"]

import json
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from trajectory.errors import InputError


def to_records(frame: pd.DataFrame, timezone: str) -> list[dict[str, Any]]:
    """JSON-ready rows: instants in ``timezone``, dates as text, NA as None, Python scalars."""
    names = [str(c) for c in frame.columns]
    lists = [_column(frame[c], timezone) for c in frame.columns]
    return [dict(zip(names, values, strict=True)) for values in zip(*lists, strict=True)]


def _column(col: pd.Series, timezone: str) -> list[Any]:
    missing = col.isna().to_numpy(bool).copy()
    if isinstance(col.dtype, pd.DatetimeTZDtype):
        text = col.dt.tz_convert(timezone).dt.strftime("%Y-%m-%dT%H:%M:%S%z")
        values = text.str.replace(r"(\d\d)(\d\d)$", r"\1:\2", regex=True).to_numpy(object)
    elif pd.api.types.is_datetime64_any_dtype(col.dtype):
        values = col.dt.strftime("%Y-%m-%d").to_numpy(object)
    elif pd.api.types.is_bool_dtype(col.dtype):
        values = np.array(col.to_numpy(bool).tolist(), dtype=object)
    elif pd.api.types.is_integer_dtype(col.dtype):
        filled = col.fillna(0) if missing.any() else col
        values = np.array(filled.to_numpy(np.int64).tolist(), dtype=object)
    elif pd.api.types.is_float_dtype(col.dtype):
        numbers = col.to_numpy(float)
        missing |= ~np.isfinite(numbers)
        values = np.array(numbers.tolist(), dtype=object)
    else:
        values = col.to_numpy(object).copy()
    values[missing] = None
    out: list[Any] = values.tolist()
    return out


def write_table(frame: pd.DataFrame, path: str | PathLike[str], timezone: str) -> Path:
    """Write ``frame`` as ``.csv`` or ``.json`` (a list of objects), chosen by the suffix."""
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix not in (".csv", ".json"):
        raise InputError(str(path), None, None, "output must end in .csv or .json")
    file.parent.mkdir(parents=True, exist_ok=True)
    records = to_records(frame, timezone)
    if suffix == ".json":
        text = json.dumps(records, ensure_ascii=False, indent=1, allow_nan=False)
        file.write_text(text + "\n", encoding="utf-8")
    else:
        table = pd.DataFrame(records, columns=list(frame.columns), dtype=object)
        table.to_csv(file, index=False, encoding="utf-8-sig", lineterminator="\n")
    return file
