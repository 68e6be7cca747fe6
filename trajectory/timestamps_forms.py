"""The machinery of :func:`trajectory.timestamps.parse_timestamps`: forms, per row and column.

Each row's form (offset, naive local, epoch seconds, epoch milliseconds, missing,
garbage) is detected vectorised; the column's majority form is parsed and every
row in another form is a bad row.  See :mod:`trajectory.timestamps` for the forms.
"""

from __future__ import annotations

__all__ = [
    "all_iso_with_offset",
    "as_text",
    "datetime_column",
    "numeric_column",
    "text_column",
    "with_got",
]

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from trajectory.timestamps_iso import fixed_iso_utc

#: Form codes, per row.
_MISSING, _GARBAGE, _NAIVE, _OFFSET, _EPOCH_S, _EPOCH_MS = 0, -1, 1, 2, 3, 4
_FORM_NAMES = {
    _NAIVE: "naive local times",
    _OFFSET: "times with a UTC offset",
    _EPOCH_S: "epoch seconds",
    _EPOCH_MS: "epoch milliseconds",
}
#: Epoch numbers: seconds in [1e8, 1e11), milliseconds in [1e11, 1e14).
_EPOCH_S_MIN, _EPOCH_MS_MIN, _EPOCH_MAX = 1e8, 1e11, 1e14
#: Last instant datetime64[ns] can hold (2262-04-11), in ns since the epoch.
_NS_MAX = float(np.iinfo(np.int64).max) - 1e9

_EPOCH_RE = r"\d+(?:\.\d*)?(?:[eE]\+?\d+)?"
_DATETIME_RE = (
    r"^(?P<year>\d{4})[-/](?P<month>\d{1,2})[-/](?P<day>\d{1,2})"
    r"[T ]\s*(?P<hour>\d{1,2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?:[.,](?P<frac>\d+))?)?"
    r"\s*(?P<tz>[Zz]|(?P<sign>[+-])(?P<oh>\d{2}):?(?P<om>\d{2})?)?$"
)
_UNPARSEABLE = "not ISO 8601, naive local time or epoch seconds (got {got})"

_OFFSET_TAIL_RE = r"[+-]\d\d:?\d\d"
#: A stricter form than the two checks of ``all_iso_with_offset`` (ASCII only).
_PLAIN_ISO_OFFSET_RE = r"^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)$"


def datetime_column(
    values: pd.Series, timezone: str
) -> tuple[npt.NDArray[np.datetime64], npt.NDArray[np.object_], pd.Series]:
    """A ``datetime64`` column: tz-aware converted, naive localised in ``timezone``.

    Returns the UTC instants (naive ``datetime64[ns]``), the reason per bad row
    (None where good) and the text shown for each row in problems.
    """
    n = len(values)
    reasons = np.full(n, None, dtype=object)
    # datetime64[ns] spans 1677-09-21 .. 2262-04-11: whole years inside it only.
    missing = values.isna().to_numpy()
    inside = ((values.dt.year >= 1678) & (values.dt.year <= 2261)).to_numpy()
    stamps = values.where(inside)
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        aware = stamps.dt.tz_convert("UTC").dt.tz_localize(None)
        utc = aware.to_numpy(dtype="datetime64[ns]")
    else:
        naive = stamps.astype("datetime64[ns]")
        utc, reasons = _localise(naive, inside, timezone, reasons)
    display = values.astype("str")
    reasons[~inside] = "outside the years 1678-2261 (got {got})"
    reasons[missing] = "missing"
    return utc, reasons, display


def numeric_column(
    values: pd.Series, timezone: str
) -> tuple[npt.NDArray[np.datetime64], npt.NDArray[np.object_], pd.Series]:
    """A numeric column: epoch seconds or milliseconds (as :func:`datetime_column`)."""
    reasons = np.full(len(values), None, dtype=object)
    numbers = values.to_numpy(dtype="float64", na_value=np.nan)
    missing = np.isnan(numbers)
    forms = np.where(missing, _MISSING, _epoch_forms(numbers))
    utc, reasons = _parse_text_forms(forms, numbers, None, timezone, reasons)
    return utc, reasons, values


def text_column(
    text: pd.Series, timezone: str
) -> tuple[npt.NDArray[np.datetime64], npt.NDArray[np.object_], pd.Series]:
    """A text column (:func:`as_text`): each row's form, then the majority form parsed."""
    n = len(text)
    reasons = np.full(n, None, dtype=object)
    missing = (text == "").to_numpy()
    is_epoch = text.str.fullmatch(_EPOCH_RE).to_numpy(dtype=bool)
    numbers = np.full(n, np.nan)
    if is_epoch.any():
        epoch = pd.to_numeric(text[is_epoch])
        try:
            numbers[is_epoch] = epoch.to_numpy(dtype="float64")
        except OverflowError:  # an integer past float64 (kept as a Python int): infinite
            numbers[is_epoch] = [float(str(v)) for v in epoch]
    parts = _extract_parts(text)
    matched = parts["matched"].to_numpy()
    with_tz = parts["has_tz"].to_numpy()
    forms = np.full(n, _GARBAGE, dtype=np.int8)
    forms[missing] = _MISSING
    forms[matched & ~with_tz] = _NAIVE
    forms[matched & with_tz] = _OFFSET
    forms[is_epoch] = _epoch_forms(numbers[is_epoch])
    utc, reasons = _parse_text_forms(forms, numbers, parts, timezone, reasons)
    return utc, reasons, text


def all_iso_with_offset(text: pd.Series) -> pd.Series | None:
    """The common case, fast: every value is ISO 8601 with an explicit offset.

    Returns the UTC instants, or None when any value is not (then the full
    per-row analysis runs and names the bad rows).
    """
    if len(text) == 0:
        return None
    fixed = fixed_iso_utc(text)  # the commonest form, read without a parser
    if fixed is not None:
        return fixed
    if not _plainly_iso_with_offset(text):  # else the checks below hold for every value
        has_offset = (
            text.str.endswith("Z")
            | text.str[-6:].str.fullmatch(_OFFSET_TAIL_RE)
            | text.str[-5:].str.fullmatch(_OFFSET_TAIL_RE)
        )
        if not bool(has_offset.all()) or not bool(text.str.match(r"\d{4}-\d\d-\d\d[T ]").all()):
            return None
    parsed = pd.to_datetime(text, format="ISO8601", utc=True, errors="coerce")
    if bool(parsed.isna().any()):
        return None
    years = parsed.dt.year
    if not bool(((years >= 1678) & (years <= 2261)).all()):
        return None
    out: pd.Series = parsed.dt.as_unit("ns")
    return out


def _plainly_iso_with_offset(text: pd.Series) -> bool:
    """Every value ASCII ``YYYY-MM-DD[T ]hh:mm[:ss[.f]]`` with ``Z`` or an offset: one
    pyarrow pass that implies both pandas checks of :func:`all_iso_with_offset`."""
    arr = pa.array(text)  # zero-copy for the str dtype
    if arr.null_count or not (pa.types.is_large_string(arr.type) or pa.types.is_string(arr.type)):
        return False
    ascii_ = pc.all(pc.string_is_ascii(arr)).as_py()
    return bool(ascii_ and pc.all(pc.match_substring_regex(arr, _PLAIN_ISO_OFFSET_RE)).as_py())


def as_text(values: pd.Series) -> pd.Series:
    """Stripped strings, ``""`` for missing values."""
    missing = values.isna()
    text = values.astype("str").str.strip()
    return text.where(~missing, "")


def _epoch_forms(numbers: np.ndarray) -> np.ndarray:
    """Epoch seconds or milliseconds by magnitude; others are garbage."""
    forms = np.full(len(numbers), _GARBAGE, dtype=np.int8)
    with np.errstate(invalid="ignore"):
        forms[(numbers >= _EPOCH_S_MIN) & (numbers < _EPOCH_MS_MIN)] = _EPOCH_S
        forms[(numbers >= _EPOCH_MS_MIN) & (numbers < _EPOCH_MAX)] = _EPOCH_MS
    return forms


def _majority_form(forms: np.ndarray) -> int | None:
    known = forms[forms > 0]
    if known.size == 0:
        return None
    counts = np.bincount(known, minlength=_EPOCH_MS + 1)
    best = np.flatnonzero(counts == counts.max())
    if best.size == 1:
        return int(best[0])
    first_seen = [int(np.argmax(forms == f)) for f in best]
    return int(best[int(np.argmin(first_seen))])


def _parse_text_forms(
    forms: np.ndarray,
    numbers: np.ndarray,
    parts: pd.DataFrame | None,
    timezone: str,
    reasons: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    n = len(forms)
    utc = np.full(n, np.datetime64("NaT", "ns"), dtype="datetime64[ns]")
    reasons[forms == _MISSING] = "missing"
    reasons[forms == _GARBAGE] = _UNPARSEABLE
    majority = _majority_form(forms)
    if majority is None:
        return utc, reasons
    other = (forms > 0) & (forms != majority)
    for form in np.unique(forms[other]):
        a, b = sorted((majority, int(form)))
        reasons[forms == form] = f"mixes {_FORM_NAMES[a]} and {_FORM_NAMES[b]}; use one form"
    take = forms == majority
    if majority in (_EPOCH_S, _EPOCH_MS):
        # Whole units and the fraction apart, the fraction rounded to microseconds:
        # float64 cannot hold nanoseconds since 1970 exactly.
        unit_ns = 1_000_000_000 if majority == _EPOCH_S else 1_000_000
        in_range = take & (numbers * unit_ns <= _NS_MAX)
        reasons[take & ~in_range] = "epoch time out of range, after 2262 (got {got})"
        whole = np.floor(numbers[in_range])
        frac_us = np.round((numbers[in_range] - whole) * (unit_ns // 1000))
        ns = whole.astype(np.int64) * unit_ns + frac_us.astype(np.int64) * 1000
        utc[in_range] = ns.view("datetime64[ns]")
        return utc, reasons
    if parts is None:  # unreachable: numeric columns only hold epoch forms
        return utc, reasons
    local, offset_min, valid = _components(parts, take)
    reasons[take & ~valid] = "not a valid date and time (got {got})"
    ok = take & valid
    if majority == _OFFSET:
        shifted = local - pd.to_timedelta(offset_min, unit="min")
        utc[ok] = shifted[ok].to_numpy(dtype="datetime64[ns]")
        return utc, reasons
    return _localise(local, ok, timezone, reasons)


def _extract_parts(text: pd.Series) -> pd.DataFrame:
    """The groups of ``_DATETIME_RE`` as numbers (NaN where absent).

    Arrow's RE2 runs the pattern over the whole column in C++; pandas'
    ``str.extract`` would fall back to a Python call per row.
    """
    arr = pa.array(text.to_numpy(dtype=object), type=pa.string())
    struct = pc.extract_regex(arr, _DATETIME_RE)
    names = [struct.type.field(i).name for i in range(struct.type.num_fields)]
    empty = pa.scalar(None, pa.string())
    groups = {
        name: pc.if_else(pc.equal(col, ""), empty, col)
        for name, col in zip(names, struct.flatten(), strict=True)
    }
    out = {
        name: pc.cast(groups[name], pa.float64()).to_numpy(zero_copy_only=False)
        for name in ("year", "month", "day", "hour", "minute", "second", "oh", "om")
    }
    frac = pc.utf8_rpad(pc.utf8_slice_codeunits(groups["frac"], 0, 9), 9, "0")
    out["frac_ns"] = pc.cast(pc.fill_null(frac, "0"), pa.float64()).to_numpy(zero_copy_only=False)
    out["matched"] = struct.is_valid().to_numpy(zero_copy_only=False)
    out["has_tz"] = pc.is_valid(groups["tz"]).to_numpy(zero_copy_only=False)
    negative = pc.fill_null(pc.equal(groups["sign"], "-"), False)
    out["negative"] = negative.to_numpy(zero_copy_only=False)
    return pd.DataFrame(out, index=text.index)


def _components(parts: pd.DataFrame, take: np.ndarray) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Naive datetimes and offsets (minutes) from the regex groups; ``valid`` mask."""
    num = {
        key: parts[key].where(take)
        for key in ("year", "month", "day", "hour", "minute", "second", "oh", "om")
    }
    num["second"] = num["second"].fillna(0).where(take)
    # datetime64[ns] spans 1677-09-21 .. 2262-04-11: whole years inside it only.
    num["year"] = num["year"].where((num["year"] >= 1678) & (num["year"] <= 2261))
    frac_ns = parts["frac_ns"].where(take, 0).to_numpy(dtype="int64")
    base = pd.to_datetime(
        pd.DataFrame({k: num[k] for k in ("year", "month", "day", "hour", "minute", "second")}),
        errors="coerce",
    ).astype("datetime64[ns]")
    local = base + pd.to_timedelta(frac_ns, unit="ns")
    oh = num["oh"].fillna(0).to_numpy()
    om = num["om"].fillna(0).to_numpy()
    sign = np.where(parts["negative"].to_numpy(), -1.0, 1.0)
    offset_min = sign * (oh * 60 + om)
    clock_ok = (num["hour"] <= 23) & (num["minute"] <= 59) & (num["second"] <= 59)
    valid = local.notna().to_numpy() & clock_ok.to_numpy() & (oh <= 14) & (om < 60)
    return local, offset_min, valid


def _localise(
    local: pd.Series, take: np.ndarray, timezone: str, reasons: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Read naive local times in ``timezone``; clock-change gaps and overlaps are bad."""
    utc = np.full(len(local), np.datetime64("NaT", "ns"), dtype="datetime64[ns]")
    wanted = local.where(take)
    aware = wanted.dt.tz_localize(timezone, ambiguous="NaT", nonexistent="NaT")
    failed = take & aware.isna().to_numpy()
    if failed.any():
        shifted = wanted.dt.tz_localize(timezone, ambiguous="NaT", nonexistent="shift_forward")
        gap = failed & shifted.notna().to_numpy()
        reasons[gap] = (
            "local time {got} does not exist in "
            f"{timezone} (clocks moved forward); add a UTC offset"
        )
        reasons[failed & ~gap] = (
            f"local time {{got}} is ambiguous in {timezone} (clocks moved back); add a UTC offset"
        )
    ok = take & ~failed
    converted = aware.dt.tz_convert("UTC").dt.tz_localize(None).astype("datetime64[ns]")
    utc[ok] = converted[ok].to_numpy(dtype="datetime64[ns]")
    return utc, reasons


def with_got(reason: str, display: pd.Series | None, i: int) -> str:
    """Fill the ``{got}`` placeholder of a reason with the offending value."""
    if "{got}" not in reason:
        return reason
    raw = None if display is None else display.iloc[i]
    if isinstance(raw, str):
        text = raw
    elif isinstance(raw, int | float | np.number) and not isinstance(raw, bool):
        text = np.format_float_positional(float(raw), trim="-")
    else:
        text = str(raw)
    if len(text) > 40:
        text = text[:37] + "..."
    return reason.replace("{got}", repr(text))
