"""The fast path of :func:`trajectory.schema.validate_tasks` for small, clean task lists.

A task list has tens of rows, and the vectorised column checks of
:class:`~trajectory.schema_checks.FieldChecks` cost ~60 pandas Series operations
whatever the row count.  :func:`good_task_frame` reads the columns once into plain
Python lists and builds the normalised frame directly, but only when every row is
good and every value is of a form whose handling is known to match the vectorised
checks exactly (ASCII dates, plain strings, numeric or text numbers).  Anything
else (a bad row, an unusual dtype, whitespace that pyarrow and Python might trim
differently) returns None, and the caller runs the full checks, which word the
problems.  So the fast path never changes a result, only how fast it is reached.
"""

from __future__ import annotations

__all__ = ["good_task_frame"]

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from trajectory.schema_checks import DATE_RE, MAX_WHOLE, SWAPPED_LAT, SWAPPED_LON

#: Above this many rows the vectorised checks are as fast; the fast path steps aside.
_MAX_ROWS = 2000
#: Whitespace that Python's ``str.strip`` and pyarrow's ``utf8_trim_whitespace`` agree on.
_ASCII_SPACE = " \t\n\r\x0b\x0c"
_DATE = re.compile(DATE_RE)
_TEXT_FIELDS = ("manager_id", "date", "store_id", "store_name", "method")
_OPTIONAL_TEXT = ("reported_visited", "market_id", "crs")


def good_task_frame(
    cols: dict[str, pd.Series],
    rows: np.ndarray,
    words: Mapping[str, Mapping[str, object]],
) -> pd.DataFrame | None:
    """The validated task frame when every row is good, else None (run the full checks).

    ``words`` maps ``method``, ``reported_visited`` and ``crs`` to their accepted
    spellings.  The frame equals what ``validate_tasks`` returns for the same input.
    """
    n = len(rows)
    if not 0 < n <= _MAX_ROWS:
        return None
    texts = {name: _texts(cols[name]) for name in _TEXT_FIELDS}
    texts |= {name: _texts(cols[name]) for name in _OPTIONAL_TEXT if name in cols}
    if any(t is None for t in texts.values()):
        return None
    t: dict[str, list[str]] = {k: v for k, v in texts.items() if v is not None}
    seq, lat, lon = (_numbers(cols[name]) for name in ("seq", "lat", "lon"))
    if seq is None or lat is None or lon is None or not _good_numbers(seq, lat, lon):
        return None
    if "" in t["manager_id"] or "" in t["store_id"]:
        return None
    dates = [_date(text) for text in t["date"]]
    method = _mapped(t["method"], words["method"], required=True)
    reported = (
        _mapped(t["reported_visited"], words["reported_visited"])
        if "reported_visited" in t
        else [True] * n
    )
    crs = _mapped(t["crs"], words["crs"]) if "crs" in t else []
    if None in dates or method is None or reported is None or crs is None:
        return None
    if len(set(zip(t["manager_id"], dates, t["store_id"], strict=True))) < n:
        return None
    market = t.get("market_id", [""] * n)
    frame = pd.DataFrame(
        {
            "manager_id": pd.array(t["manager_id"], dtype="str"),
            "date": _objects(dates),
            "seq": seq.astype(np.int64),
            "store_id": pd.array(t["store_id"], dtype="str"),
            "store_name": pd.array(t["store_name"], dtype="str"),
            "lat": lat,
            "lon": lon,
            "method": pd.array([str(m) for m in method], dtype="str"),
            "reported_visited": np.array(reported, dtype=bool),
            "market_id": _objects([m or None for m in market]),
            "source_row": rows,
        }
    )
    if "crs" in t:
        frame["crs"] = _objects([c or None for c in crs])
    return frame


def _objects(values: Sequence[object]) -> pd.Series:
    """An object column holding ``values`` as they are (no str inference)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return pd.Series(out, dtype=object)


def _texts(col: pd.Series | None) -> list[str] | None:
    """As :func:`~trajectory.schema_checks.as_text` would give, or None when unsure."""
    if col is None:
        return None
    kind = col.dtype.kind if isinstance(col.dtype, np.dtype) else ""
    if kind and kind in "iub":
        return [str(v) for v in col.tolist()]
    if kind == "f":
        values = col.to_numpy()
        known = values[~np.isnan(values)]
        if not np.all(np.isfinite(known) & (known % 1 == 0) & (np.abs(known) < MAX_WHOLE)):
            return None
        return ["" if v != v else str(int(v)) for v in values.tolist()]
    if kind != "O" and not isinstance(col.dtype, pd.StringDtype):
        return None
    out = []
    for v in col.to_numpy(dtype=object).tolist():
        if isinstance(v, str):
            text = _stripped(v)
            if text is None:
                return None
            out.append(text)
        elif v is None or (isinstance(v, float) and v != v):
            out.append("")
        else:
            return None
    return out


def _stripped(text: str) -> str | None:
    """``text`` stripped, or None when pyarrow might trim it differently from Python."""
    out = text.strip(_ASCII_SPACE)
    if out != text.strip():
        return None
    for c in (out[:1], out[-1:]):
        if c and not c.isascii() and unicodedata.category(c)[0] in "ZC":
            return None
    return out


def _numbers(col: pd.Series) -> np.ndarray | None:
    """Finite float64 values as :meth:`FieldChecks.number` reads them, or None."""
    if isinstance(col.dtype, np.dtype) and col.dtype.kind in "iuf":
        nums = col.to_numpy(dtype="float64")
    else:
        texts = _texts(col)
        if texts is None or "" in texts:
            return None
        parsed = pd.to_numeric(np.array(texts, dtype=object), errors="coerce")
        nums = np.asarray(parsed, dtype="float64")
    return nums if bool(np.all(np.isfinite(nums))) else None


def _good_numbers(seq: np.ndarray, lat: np.ndarray, lon: np.ndarray) -> bool:
    """Whole in-range ``seq``, in-range lat/lon that do not look swapped."""
    whole = bool(np.all((seq % 1 == 0) & (np.abs(seq) <= MAX_WHOLE)))
    in_range = bool(np.all((np.abs(lat) <= 90.0) & (np.abs(lon) <= 180.0)))
    swapped = bool(
        np.all((lat >= SWAPPED_LAT[0]) & (lat <= SWAPPED_LAT[1]))
        and np.all((lon >= SWAPPED_LON[0]) & (lon <= SWAPPED_LON[1]))
    )
    return whole and in_range and not swapped


def _date(text: str) -> dt.date | None:
    """The date an ASCII ``YYYY-MM-DD``/``YYYY/MM/DD``/``YYYYMMDD`` text names, or None."""
    found = _DATE.search(text) if text.isascii() else None
    if found is None:
        return None
    g = found.groupdict()
    year = int(g["year"])
    if not 1678 <= year <= 2261:
        return None
    try:
        return dt.date(year, int(g["month"] or g["month8"]), int(g["day"] or g["day8"]))
    except ValueError:
        return None


def _mapped(
    texts: list[str], allowed: Mapping[str, object], *, required: bool = False
) -> list[object] | None:
    """Each text's meaning in ``allowed`` (lowercased when ASCII), or None if any is unknown."""
    out = []
    for text in texts:
        if required and not text:
            return None
        key = text if text in allowed else (text.lower() if text.isascii() else None)
        if key is None or key not in allowed:
            return None
        out.append(allowed[key])
    return out
