"""The commonest timestamp column, read without a parser: every value exactly
``YYYY-MM-DDThh:mm:ss+hh:mm`` (or ``...ssZ``), as phones and the generator write them.

The text is read as a byte matrix (one pyarrow buffer, no per-value Python work),
every byte and every field range checked; anything else (another width, a fraction
of a second, a day that does not exist, a leap second) returns None and
``pandas.to_datetime`` reads the column as before, so the instants are the same
either way.
"""

from __future__ import annotations

__all__ = ["fixed_iso_utc"]

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

_WITH_OFFSET = b"0000-00-00T00:00:00+00:00"
_WITH_Z = b"0000-00-00T00:00:00Z"
_NS = 1_000_000_000


def fixed_iso_utc(text: pd.Series) -> pd.Series | None:
    """The UTC instants (``datetime64[ns, UTC]``, ``text``'s index and name) when every
    value has one of the two fixed forms and valid fields, else None."""
    chars = _byte_matrix(text)
    if chars is None or chars.shape[1] not in (len(_WITH_OFFSET), len(_WITH_Z)):
        return None
    form = _WITH_OFFSET if chars.shape[1] == len(_WITH_OFFSET) else _WITH_Z
    pattern = np.frombuffer(form, dtype=np.uint8)
    digit = pattern == ord("0")
    d = chars - np.uint8(ord("0"))  # a digit's value; other bytes wrap to > 9
    ok = ((d <= 9) | ~digit) & ((chars == pattern) | digit)
    if form == _WITH_OFFSET:  # the sign may be either
        ok[:, 19] = (chars[:, 19] == ord("+")) | (chars[:, 19] == ord("-"))
    if not bool(ok.all()):
        return None
    ns = _instants(d, chars, form == _WITH_OFFSET)
    if ns is None:
        return None
    utc = pd.DatetimeIndex(ns.view("datetime64[ns]")).tz_localize("UTC")
    return pd.Series(utc, index=text.index, name=text.name)


def _byte_matrix(text: pd.Series) -> npt.NDArray[np.uint8] | None:
    """The values as an (n, width) uint8 matrix when all are non-null strings of one width."""
    if len(text) == 0:
        return None
    try:
        arr = pa.array(text)  # zero-copy for the str dtype
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    if isinstance(arr, pa.ChunkedArray) or arr.null_count:
        return None
    if not (pa.types.is_large_string(arr.type) or pa.types.is_string(arr.type)):
        return None
    off_type = np.int64 if pa.types.is_large_string(arr.type) else np.int32
    _, offsets_buf, data_buf = arr.buffers()
    offsets = np.frombuffer(offsets_buf, dtype=off_type)[arr.offset : arr.offset + len(arr) + 1]
    width = int(offsets[1] - offsets[0])
    if width == 0 or not bool(np.all(np.diff(offsets) == width)):
        return None
    data = np.frombuffer(data_buf, dtype=np.uint8)[int(offsets[0]) : int(offsets[-1])]
    return data.reshape(len(arr), width)


def _number(d: npt.NDArray[np.uint8], start: int, n: int) -> npt.NDArray[np.int64]:
    out = d[:, start].astype(np.int64)
    for k in range(start + 1, start + n):
        out = out * 10 + d[:, k]
    return out


def _instants(
    d: npt.NDArray[np.uint8], chars: npt.NDArray[np.uint8], with_offset: bool
) -> npt.NDArray[np.int64] | None:
    """Nanoseconds since the epoch (UTC), or None when a field is out of range."""
    year, month, day = _number(d, 0, 4), _number(d, 5, 2), _number(d, 8, 2)
    hour, minute, second = _number(d, 11, 2), _number(d, 14, 2), _number(d, 17, 2)
    if not bool(
        np.all((year >= 1900) & (year <= 2200) & (month >= 1) & (month <= 12) & (day >= 1))
        and np.all((hour <= 23) & (minute <= 59) & (second <= 59))
    ):
        return None
    months = ((year - 1970) * 12 + month - 1).astype("datetime64[M]")
    start = months.astype("datetime64[D]").astype(np.int64)
    length = (months + 1).astype("datetime64[D]").astype(np.int64) - start
    if not bool(np.all(day <= length)):
        return None
    seconds = (start + day - 1) * 86_400 + hour * 3_600 + minute * 60 + second
    if with_offset:
        off_h, off_m = _number(d, 20, 2), _number(d, 23, 2)
        if not bool(np.all((off_h <= 14) & (off_m <= 59))):
            return None
        sign = np.where(chars[:, 19] == ord("-"), -1, 1)
        seconds = seconds - sign * (off_h * 3_600 + off_m * 60)
    out: npt.NDArray[np.int64] = seconds * _NS
    return out
