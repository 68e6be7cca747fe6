"""Column names of the track and task-list tables, and their validation.

These constants are the vocabulary every reader, writer and test shares.
:func:`validate_track` and :func:`validate_tasks` turn a raw table (strings
from a CSV, typed columns from Parquet, an already validated frame) into the
normalised frames every later step trusts.  Checks are vectorised per column;
only the rows that fail are visited, to word their messages.
"""

from __future__ import annotations

__all__ = [
    "METHODS",
    "METHOD_ALIASES",
    "TASK_ALIASES",
    "TASK_COLUMNS",
    "TASK_FRAME_COLUMNS",
    "TASK_OPTIONAL_COLUMNS",
    "TRACK_ALIASES",
    "TRACK_COLUMNS",
    "TRACK_FRAME_COLUMNS",
    "TRACK_OPTIONAL_COLUMNS",
    "OnBadRow",
    "ValidatedTasks",
    "ValidatedTrack",
    "validate_tasks",
    "validate_track",
]

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

import numpy as np
import pandas as pd

from trajectory.errors import ConfigError, InputError, RowProblem
from trajectory.timestamps import parse_timestamps

#: Required columns of a GPS track (one row per fix).
TRACK_COLUMNS: tuple[str, ...] = ("manager_id", "timestamp", "lat", "lon")
#: Optional columns of a GPS track: horizontal accuracy (metres, 68 %) and speed (m/s).
TRACK_OPTIONAL_COLUMNS: tuple[str, ...] = ("accuracy_m", "speed_mps")
#: Required columns of a task list (one row per task-list store).
TASK_COLUMNS: tuple[str, ...] = (
    "manager_id",
    "date",
    "seq",
    "store_id",
    "store_name",
    "lat",
    "lon",
    "method",
)
#: Optional task-list columns. ``market_id`` selects a per-market arrival deadline.
TASK_OPTIONAL_COLUMNS: tuple[str, ...] = ("reported_visited", "market_id")
#: Allowed values of ``method``; only ``onsite`` tasks are expected on the track.
METHODS: tuple[str, ...] = ("onsite", "phone", "chat")

#: Columns of the frame :func:`validate_track` returns, in order.
TRACK_FRAME_COLUMNS: tuple[str, ...] = (
    "manager_id",
    "time",
    "lat",
    "lon",
    "accuracy_m",
    "speed_mps",
    "source_row",
)
#: Columns of the frame :func:`validate_tasks` returns, in order.
TASK_FRAME_COLUMNS: tuple[str, ...] = (*TASK_COLUMNS, *TASK_OPTIONAL_COLUMNS, "source_row")
#: Other accepted spellings of column names (matched after strip + lowercase).
TRACK_ALIASES: Mapping[str, str] = MappingProxyType(
    {
        "latitude": "lat",
        "lng": "lon",
        "longitude": "lon",
        "time": "timestamp",
        "ts": "timestamp",
    }
)
TASK_ALIASES: Mapping[str, str] = MappingProxyType(
    {"latitude": "lat", "lng": "lon", "longitude": "lon"}
)
#: Spellings of ``method`` (after strip + lowercase) and what they mean.
METHOD_ALIASES: Mapping[str, str] = MappingProxyType(
    {
        **{m: m for m in METHODS},
        "现场": "onsite",
        "上门": "onsite",
        "拜访": "onsite",
        "电话": "phone",
        "聊天": "chat",
        "聊一聊": "chat",
        "微信": "chat",
    }
)
_TRUTHY = ("true", "1", "1.0", "yes", "y", "是")
_FALSY = ("false", "0", "0.0", "no", "n", "否", "")
_BOOL_WORDS: Mapping[str, bool] = MappingProxyType(
    {**{w: True for w in _TRUTHY}, **{w: False for w in _FALSY}}
)
#: Where China lies with its axes exchanged (lat holding longitudes and vice versa).
_SWAPPED_LAT = (73.0, 135.0)
_SWAPPED_LON = (3.0, 54.0)
_DATE_RE = (
    r"^(?P<year>\d{4})(?:[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})"
    r"|(?P<month8>\d{2})(?P<day8>\d{2}))(?:[ T]00:00(?::00)?)?$"
)

#: Largest whole number (``seq``) kept exactly by float64 and int64.
_MAX_WHOLE = 2.0**53

OnBadRow = Literal["raise", "skip"]


@dataclass(frozen=True)
class ValidatedTrack:
    """A track that passed :func:`validate_track`.

    Attributes
    ----------
    frame
        Columns :data:`TRACK_FRAME_COLUMNS`: ``manager_id`` (str), ``time``
        (``datetime64[ns, UTC]``), ``lat``/``lon`` (float64, degrees, as given:
        no datum conversion), ``accuracy_m`` (float64, m; NaN when absent),
        ``speed_mps`` (float64, m/s; NaN when absent), ``source_row`` (int64,
        the 1-based data row of the input).  Input order, fresh RangeIndex.
    rejected
        The problems of the rows that were skipped (empty unless ``on_bad_row="skip"``).
    source
        Where the data came from (file path as given, or ``"<dataframe>"``).
    """

    frame: pd.DataFrame
    rejected: tuple[RowProblem, ...]
    source: str


@dataclass(frozen=True)
class ValidatedTasks:
    """A task list that passed :func:`validate_tasks`.

    Attributes
    ----------
    frame
        Columns :data:`TASK_FRAME_COLUMNS`: ``manager_id``, ``store_id``,
        ``store_name`` and ``method`` (str; method one of :data:`METHODS`),
        ``date`` (``datetime.date`` objects), ``seq`` (int64), ``lat``/``lon``
        (float64, degrees), ``reported_visited`` (bool), ``market_id`` (str or
        None), ``source_row`` (int64).
    rejected
        The problems of the rows that were skipped.
    source
        Where the data came from.
    has_reported_visited
        False when the input had no ``reported_visited`` column (then every
        task reads as reported visited).
    """

    frame: pd.DataFrame
    rejected: tuple[RowProblem, ...]
    source: str
    has_reported_visited: bool = True


def validate_track(
    df: pd.DataFrame,
    *,
    source: str = "<dataframe>",
    timezone: str = "Asia/Shanghai",
    on_bad_row: OnBadRow = "raise",
) -> ValidatedTrack:
    """Check a raw track table and return it normalised.

    Column names are matched after stripping and lowercasing; ``latitude``,
    ``lng``, ``longitude``, ``time`` and ``ts`` are read as ``lat``, ``lon`` and
    ``timestamp`` when that is unambiguous.  An already normalised frame (a
    tz-aware ``time`` column) passes through unchanged.  The input is not modified.

    Parameters
    ----------
    df
        One row per GPS fix: :data:`TRACK_COLUMNS`, optionally
        :data:`TRACK_OPTIONAL_COLUMNS` and ``source_row`` (else row *i* is *i + 1*).
    source
        Name used in error messages.
    timezone
        IANA zone for naive local timestamps (see :func:`~trajectory.timestamps.parse_timestamps`).
    on_bad_row
        ``"raise"``: raise for the first bad row (lowest ``source_row``).
        ``"skip"``: drop bad rows and list each problem in ``rejected``.

    Returns
    -------
    ValidatedTrack

    Raises
    ------
    InputError
        A required column is missing or ambiguous, lat/lon look swapped (always),
        or a row is bad and ``on_bad_row="raise"``.

    Examples
    --------
    >>> raw = pd.DataFrame({"manager_id": ["m1"], "timestamp": ["2026-11-20 07:12:03"],
    ...                     "lat": ["31.23"], "lon": ["121.47"]})
    >>> validate_track(raw).frame["time"].iloc[0]
    Timestamp('2026-11-19 23:12:03+0000', tz='UTC')
    """
    _check_on_bad_row(on_bad_row)
    cols = _columns(df, TRACK_COLUMNS, TRACK_OPTIONAL_COLUMNS, TRACK_ALIASES, source)
    rows = _source_rows(cols, len(df), source)
    checks = _Checks(source, rows)
    manager_id = checks.text("manager_id", cols["manager_id"], required=True)
    stamps = parse_timestamps(cols["timestamp"], timezone=timezone, source=source, rows=rows)
    reasons = np.full(len(df), None, dtype=object)
    reasons[stamps.bad] = [p.reason for p in stamps.problems]
    checks.add("timestamp", reasons)
    lat, lon = _coordinates(checks, cols, source)
    optional = {
        name: checks.number(name, cols.get(name), required=False, lo=0.0)
        for name in TRACK_OPTIONAL_COLUMNS
    }
    frame = pd.DataFrame(
        {
            "manager_id": manager_id.to_numpy(),
            "time": stamps.utc.reset_index(drop=True),
            "lat": lat,
            "lon": lon,
            **optional,
            "source_row": rows,
        }
    )
    frame["manager_id"] = frame["manager_id"].astype("str")
    kept, rejected = checks.settle(frame, on_bad_row)
    return ValidatedTrack(frame=kept, rejected=rejected, source=source)


def validate_tasks(
    df: pd.DataFrame,
    *,
    source: str = "<dataframe>",
    on_bad_row: OnBadRow = "raise",
) -> ValidatedTasks:
    """Check a raw task list and return it normalised.

    Accepted values: ``method`` in :data:`METHODS` or the Chinese words of
    :data:`METHOD_ALIASES` (any case, spaces stripped); ``date`` as
    ``2026-11-20``, ``2026/11/20`` or ``20261120``; ``seq`` a whole number;
    ``reported_visited`` true/false, 1/0, yes/no, y/n, 是/否 (blank is false;
    without the column every task is reported visited); ``market_id`` optional
    (blank is None).  A second row with the same (manager_id, date, store_id) is
    bad.  Store lat/lon are checked like the track's.  The input is not modified.

    Parameters
    ----------
    df
        One row per task-list store: :data:`TASK_COLUMNS`, optionally
        :data:`TASK_OPTIONAL_COLUMNS` and ``source_row``.
    source
        Name used in error messages.
    on_bad_row
        ``"raise"`` or ``"skip"``, as in :func:`validate_track`.

    Returns
    -------
    ValidatedTasks

    Raises
    ------
    InputError
        As in :func:`validate_track`.
    """
    _check_on_bad_row(on_bad_row)
    cols = _columns(df, TASK_COLUMNS, TASK_OPTIONAL_COLUMNS, TASK_ALIASES, source)
    n = len(df)
    rows = _source_rows(cols, n, source)
    checks = _Checks(source, rows)
    manager_id = checks.text("manager_id", cols["manager_id"], required=True)
    date = checks.dates("date", cols["date"])
    seq = checks.number("seq", cols["seq"], required=True, whole=True)
    store_id = checks.text("store_id", cols["store_id"], required=True)
    store_name = checks.text("store_name", cols["store_name"], required=False)
    lat, lon = _coordinates(checks, cols, source)
    method = checks.choice("method", cols["method"], METHOD_ALIASES, required=True)
    has_reported = "reported_visited" in cols
    if has_reported:
        reported = checks.choice("reported_visited", cols["reported_visited"], _BOOL_WORDS)
    else:
        reported = pd.Series(True, index=range(n), dtype=object)
    market = checks.text("market_id", cols.get("market_id"), required=False)
    market_id = market.to_numpy(dtype=object)
    market_id[market_id == ""] = None
    checks.duplicates(manager_id, date, store_id)
    frame = pd.DataFrame(
        {
            "manager_id": manager_id.to_numpy(),
            "date": date.to_numpy(dtype=object),
            "seq": np.nan_to_num(seq, nan=0.0).astype(np.int64),
            "store_id": store_id.to_numpy(),
            "store_name": store_name.to_numpy(),
            "lat": lat,
            "lon": lon,
            "method": pd.Series(method.to_numpy(dtype=object), dtype=object),
            "reported_visited": pd.Series(reported.to_numpy(dtype=object), dtype=object),
            "market_id": pd.Series(market_id, dtype=object),
            "source_row": rows,
        }
    )
    for name in ("manager_id", "store_id", "store_name"):
        frame[name] = frame[name].astype("str")
    kept, rejected = checks.settle(frame, on_bad_row)
    kept["method"] = kept["method"].astype("str")
    kept["reported_visited"] = kept["reported_visited"].astype(bool)
    return ValidatedTasks(
        frame=kept, rejected=rejected, source=source, has_reported_visited=has_reported
    )


# --------------------------------------------------------------------------- private


def _check_on_bad_row(on_bad_row: str) -> None:
    if on_bad_row not in ("raise", "skip"):
        raise ConfigError(f"on_bad_row: expected 'raise' or 'skip', got {on_bad_row!r}")


def _columns(
    df: pd.DataFrame,
    required: tuple[str, ...],
    optional: tuple[str, ...],
    aliases: Mapping[str, str],
    source: str,
) -> dict[str, pd.Series]:
    """The wanted columns by canonical name (positional, so duplicate labels are safe)."""
    wanted = (*required, *optional, "source_row")
    found: dict[str, list[tuple[int, str]]] = {}
    for pos, label in enumerate(df.columns):
        key = str(label).strip().lower()
        name = aliases.get(key, key)
        if name in wanted:
            found.setdefault(name, []).append((pos, str(label)))
    for name in wanted:
        if len(found.get(name, ())) > 1:
            labels = ", ".join(repr(label) for _, label in found[name])
            raise InputError(source, None, name, f"ambiguous: columns {labels} all mean {name}")
    expected = f"{','.join(required)}[,{','.join(optional)}]"
    for name in required:
        if name not in found:
            raise InputError(source, None, name, f"missing required column; expected {expected}")
    return {name: df.iloc[:, hits[0][0]] for name, hits in found.items()}


def _source_rows(cols: dict[str, pd.Series], n: int, source: str) -> np.ndarray:
    if "source_row" not in cols:
        return np.arange(1, n + 1, dtype=np.int64)
    numbers = pd.to_numeric(cols["source_row"], errors="coerce").to_numpy(dtype="float64")
    if not np.all(np.isfinite(numbers) & (numbers % 1 == 0)):
        raise InputError(source, None, "source_row", "must hold whole numbers")
    return numbers.astype(np.int64)


def _coordinates(
    checks: _Checks, cols: dict[str, pd.Series], source: str
) -> tuple[np.ndarray, np.ndarray]:
    """Checked lat/lon (degrees); refuses a whole input that looks swapped for China."""
    lat = checks.number("lat", cols["lat"], required=True)
    lon = checks.number("lon", cols["lon"], required=True)
    both = np.isfinite(lat) & np.isfinite(lon)
    if both.any():
        la, lo = lat[both], lon[both]
        if np.all((la >= _SWAPPED_LAT[0]) & (la <= _SWAPPED_LAT[1])) and np.all(
            (lo >= _SWAPPED_LON[0]) & (lo <= _SWAPPED_LON[1])
        ):
            raise InputError(
                source,
                None,
                None,
                "lat and lon look swapped: every lat is within 73..135 and every lon within "
                "3..54 (China with its axes exchanged); put latitude in lat, longitude in lon",
            )
    return checks.within("lat", lat, -90.0, 90.0), checks.within("lon", lon, -180.0, 180.0)


def _as_text(values: pd.Series) -> pd.Series:
    """Stripped strings, ``""`` where missing; whole floats lose their ``.0``."""
    if pd.api.types.is_float_dtype(values.dtype):
        finite = values.dropna()
        if bool(np.all(np.isfinite(finite) & (finite % 1 == 0))):
            values = values.astype("Int64")
    missing = values.isna()
    text = values.astype("str").str.strip()
    return text.where(~missing, "")


def _reasons(mask: np.ndarray, reason: str) -> np.ndarray:
    """An object array holding ``reason`` where ``mask`` is set, None elsewhere."""
    out = np.full(len(mask), None, dtype=object)
    out[mask] = reason
    return out


def _shown(raw: object) -> str:
    """A value as the user wrote it, for "(got ...)"."""
    if isinstance(raw, float | np.floating):
        return np.format_float_positional(float(raw), trim="-")
    text = str(raw)
    return text if len(text) <= 40 else text[:37] + "..."


class _Checks:
    """Per-field problems of one table, gathered column by column (vectorised)."""

    def __init__(self, source: str, rows: np.ndarray) -> None:
        self.source = source
        self.rows = rows
        self.n = len(rows)
        self._fields: list[tuple[str, np.ndarray]] = []

    def add(self, field: str, reasons: np.ndarray, raw: pd.Series | None = None) -> None:
        """Record a column of reasons (None = fine); fill ``{got}``/``{got!r}`` from ``raw``."""
        for i in np.flatnonzero(pd.notna(reasons)):
            if raw is not None and "{got" in reasons[i]:
                shown = _shown(raw.iloc[i])
                reasons[i] = reasons[i].replace("{got!r}", repr(shown)).replace("{got}", shown)
        self._fields.append((field, reasons))

    def bad(self) -> np.ndarray:
        out = np.zeros(self.n, dtype=bool)
        for _, reasons in self._fields:
            out |= pd.notna(reasons).astype(bool)
        return out

    def within(self, field: str, nums: np.ndarray, lo: float, hi: float) -> np.ndarray:
        """Range check (inclusive) of already parsed numbers; NaN where out of range."""
        out = np.isfinite(nums) & ((nums < lo) | (nums > hi))
        reasons = _reasons(out, f"out of range [{lo:g}, {hi:g}] (got {{got}})")
        self.add(field, reasons, pd.Series(nums))
        return np.where(out, np.nan, nums)

    def settle(
        self, frame: pd.DataFrame, on_bad_row: str
    ) -> tuple[pd.DataFrame, tuple[RowProblem, ...]]:
        """Raise for the first problem, or drop the bad rows and list every problem."""
        rank: dict[str, int] = {}
        found = []
        for field, reasons in self._fields:
            order = rank.setdefault(field, len(rank))
            for i in np.flatnonzero(pd.notna(reasons)):
                found.append((int(self.rows[i]), order, field, str(reasons[i])))
        found.sort()
        problems = tuple(RowProblem(self.source, row, f, r) for row, _, f, r in found)
        if problems and on_bad_row == "raise":
            raise InputError.from_problem(problems[0])
        kept = frame.loc[~self.bad()].reset_index(drop=True)
        return kept, problems

    def text(self, field: str, values: pd.Series | None, *, required: bool) -> pd.Series:
        if values is None:
            return pd.Series("", index=range(self.n), dtype="str")
        text = _as_text(values)
        if required:
            self.add(field, _reasons((text == "").to_numpy(), "missing"))
        return text.reset_index(drop=True)

    def number(
        self,
        field: str,
        values: pd.Series | None,
        *,
        required: bool,
        lo: float | None = None,
        whole: bool = False,
    ) -> np.ndarray:
        """Float64 values (NaN where missing or bad) and their problems."""
        if values is None:
            return np.full(self.n, np.nan)
        if pd.api.types.is_bool_dtype(values.dtype):
            values = values.astype(object)
        if pd.api.types.is_numeric_dtype(values.dtype):
            nums = values.to_numpy(dtype="float64", na_value=np.nan)
            missing = np.isnan(nums)
            raw = values
        else:
            raw = _as_text(values)
            missing = (raw == "").to_numpy()
            nums = pd.to_numeric(raw, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        reasons = np.full(self.n, None, dtype=object)
        finite = np.isfinite(nums)
        reasons[~finite] = "not a finite number (got {got})"
        reasons[np.isnan(nums)] = "not a number (got {got!r})"
        if whole:
            fraction = np.mod(nums, 1, where=finite, out=np.zeros(self.n))
            reasons[finite & (fraction != 0)] = "not a whole number (got {got})"
            reasons[finite & (np.abs(nums) > _MAX_WHOLE)] = "too large (got {got})"
        if lo is not None:
            reasons[finite & (nums < lo)] = f"must be >= {lo:g} (got {{got}})"
        reasons[missing] = "missing" if required else None
        nums = np.where(pd.notna(reasons), np.nan, nums)
        self.add(field, reasons, raw)
        return nums

    def dates(self, field: str, values: pd.Series) -> pd.Series:
        """``datetime.date`` objects (NaT where bad)."""
        reasons = np.full(self.n, None, dtype=object)
        if pd.api.types.is_datetime64_any_dtype(values.dtype):
            parsed = values.reset_index(drop=True)
            raw = parsed
            reasons[parsed.isna().to_numpy()] = "missing"
        else:
            raw = _as_text(values).reset_index(drop=True)
            parts = raw.str.extract(_DATE_RE)
            month = pd.to_numeric(parts["month"].fillna(parts["month8"]))
            day = pd.to_numeric(parts["day"].fillna(parts["day8"]))
            year = pd.to_numeric(parts["year"])
            year = year.where((year >= 1678) & (year <= 2261))
            parsed = pd.to_datetime(
                pd.DataFrame({"year": year, "month": month, "day": day}), errors="coerce"
            )
            matched = parts["year"].notna().to_numpy()
            reasons[~matched] = "not a date YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD (got {got!r})"
            reasons[matched & parsed.isna().to_numpy()] = "not a valid calendar date (got {got!r})"
            reasons[(raw == "").to_numpy()] = "missing"
        self.add(field, reasons, raw)
        out: pd.Series = parsed.dt.date.where(pd.isna(reasons), None)
        return out

    def choice(
        self,
        field: str,
        values: pd.Series,
        allowed: Mapping[str, object],
        *,
        required: bool = False,
    ) -> pd.Series:
        """Map stripped, lowercased words through ``allowed``; unknown words are bad."""
        raw = _as_text(values).reset_index(drop=True)
        mapped = raw.str.lower().map(dict(allowed)).astype(object)
        reasons = np.full(self.n, None, dtype=object)
        unknown = mapped.isna().to_numpy()
        if field == "method":
            reasons[unknown] = "unknown method (got {got!r}); expected onsite, phone or chat"
        else:
            reasons[unknown] = "not true/false, yes/no, y/n, 1/0 or 是/否 (got {got!r})"
        if required:
            reasons[(raw == "").to_numpy()] = "missing"
        self.add(field, reasons, raw)
        return mapped

    def duplicates(self, manager_id: pd.Series, date: pd.Series, store_id: pd.Series) -> None:
        """A later row repeating (manager_id, date, store_id) of a good row is bad."""
        good = ~self.bad()
        keys = pd.DataFrame(
            {"m": manager_id[good], "d": date[good].astype(object), "s": store_id[good]}
        )
        first = pd.Series(self.rows[good], index=keys.index)
        first_row = first.groupby([keys["m"], keys["d"], keys["s"]], sort=False).transform("min")
        reasons = np.full(self.n, None, dtype=object)
        dup = keys.duplicated(keep="first").to_numpy()
        idx = np.flatnonzero(good)[dup]
        reasons[idx] = [
            f"duplicate of row {r} (same manager_id, date and store_id)"
            for r in first_row.to_numpy()[dup]
        ]
        self.add("store_id", reasons)
