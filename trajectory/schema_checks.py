"""The column checks behind :func:`trajectory.schema.validate_track` and ``validate_tasks``.

:class:`FieldChecks` gathers per-field problems of one table column by column
(vectorised) and settles them into kept rows and :class:`~trajectory.errors.RowProblem` s;
the functions find the wanted columns and check coordinates.
"""

from __future__ import annotations

__all__ = [
    "FieldChecks",
    "as_text",
    "check_on_bad_row",
    "checked_coordinates",
    "find_columns",
    "source_rows",
]

from collections.abc import Mapping

import numpy as np
import pandas as pd

from trajectory.errors import ConfigError, InputError, RowProblem

#: Where China lies with its axes exchanged (lat holding longitudes and vice versa).
SWAPPED_LAT = (73.0, 135.0)
SWAPPED_LON = (3.0, 54.0)
DATE_RE = (
    r"^(?P<year>\d{4})(?:[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})"
    r"|(?P<month8>\d{2})(?P<day8>\d{2}))(?:[ T]00:00(?::00)?)?$"
)

#: Largest whole number (``seq``) kept exactly by float64 and int64.
MAX_WHOLE = 2.0**53


def check_on_bad_row(on_bad_row: str) -> None:
    """``on_bad_row`` must be ``"raise"`` or ``"skip"``."""
    if on_bad_row not in ("raise", "skip"):
        raise ConfigError(f"on_bad_row: expected 'raise' or 'skip', got {on_bad_row!r}")


def find_columns(
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


def source_rows(cols: dict[str, pd.Series], n: int, source: str) -> np.ndarray:
    """The ``source_row`` column as whole numbers, else 1..n."""
    if "source_row" not in cols:
        return np.arange(1, n + 1, dtype=np.int64)
    numbers = pd.to_numeric(cols["source_row"], errors="coerce").to_numpy(dtype="float64")
    if not np.all(np.isfinite(numbers) & (numbers % 1 == 0)):
        raise InputError(source, None, "source_row", "must hold whole numbers")
    return numbers.astype(np.int64)


def checked_coordinates(
    checks: FieldChecks, cols: dict[str, pd.Series], source: str
) -> tuple[np.ndarray, np.ndarray]:
    """Checked lat/lon (degrees); refuses a whole input that looks swapped for China."""
    lat = checks.number("lat", cols["lat"], required=True)
    lon = checks.number("lon", cols["lon"], required=True)
    both = np.isfinite(lat) & np.isfinite(lon)
    if both.any():
        la, lo = lat[both], lon[both]
        if np.all((la >= SWAPPED_LAT[0]) & (la <= SWAPPED_LAT[1])) and np.all(
            (lo >= SWAPPED_LON[0]) & (lo <= SWAPPED_LON[1])
        ):
            raise InputError(
                source,
                None,
                None,
                "lat and lon look swapped: every lat is within 73..135 and every lon within "
                "3..54 (China with its axes exchanged); put latitude in lat, longitude in lon",
            )
    return checks.within("lat", lat, -90.0, 90.0), checks.within("lon", lon, -180.0, 180.0)


def as_text(values: pd.Series) -> pd.Series:
    """Stripped strings, ``""`` where missing; whole floats lose their ``.0``."""
    if pd.api.types.is_float_dtype(values.dtype):
        finite = values.dropna()
        if bool(np.all(np.isfinite(finite) & (finite % 1 == 0))):
            values = values.astype("Int64")
    missing = values.isna()
    text = values.astype("str").str.strip()
    return text.where(~missing, "") if missing.any() else text


#: The reasons and bad positions of a column without a problem.
_NO_REASONS = np.empty(0, dtype=object)
_NOWHERE = np.empty(0, dtype=np.intp)


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


class FieldChecks:
    """Per-field problems of one table, gathered column by column (vectorised)."""

    def __init__(self, source: str, rows: np.ndarray) -> None:
        self.source = source
        self.rows = rows
        self.n = len(rows)
        self._fields: list[tuple[str, np.ndarray, np.ndarray]] = []  # and the bad positions

    def add(self, field: str, reasons: np.ndarray, raw: pd.Series | None = None) -> None:
        """Record a column of reasons (None = fine); fill ``{got}``/``{got!r}`` from ``raw``."""
        where = np.flatnonzero(pd.notna(reasons))
        for i in where:
            if raw is not None and "{got" in reasons[i]:
                shown = _shown(raw.iloc[i])
                reasons[i] = reasons[i].replace("{got!r}", repr(shown)).replace("{got}", shown)
        self._fields.append((field, reasons, where))

    def add_mask(self, field: str, mask: np.ndarray, reason: str, raw: pd.Series | None) -> None:
        """:meth:`add` of ``reason`` where ``mask`` is set (no reasons built when it is
        nowhere: the usual clean column)."""
        if not mask.any():
            self._fields.append((field, _NO_REASONS, _NOWHERE))
            return
        self.add(field, _reasons(mask, reason), raw)

    def bad(self) -> np.ndarray:
        out = np.zeros(self.n, dtype=bool)
        for _, _, where in self._fields:
            out[where] = True
        return out

    def within(self, field: str, nums: np.ndarray, lo: float, hi: float) -> np.ndarray:
        """Range check (inclusive) of already parsed numbers; NaN where out of range."""
        out = np.isfinite(nums) & ((nums < lo) | (nums > hi))
        reason = f"out of range [{lo:g}, {hi:g}] (got {{got}})"
        self.add_mask(field, out, reason, pd.Series(nums) if out.any() else None)
        return np.where(out, np.nan, nums)

    def settle(
        self, frame: pd.DataFrame, on_bad_row: str
    ) -> tuple[pd.DataFrame, tuple[RowProblem, ...]]:
        """Raise for the first problem, or drop the bad rows and list every problem."""
        rank: dict[str, int] = {}
        found = []
        for field, reasons, where in self._fields:
            order = rank.setdefault(field, len(rank))
            for i in where:
                found.append((int(self.rows[i]), order, field, str(reasons[i])))
        found.sort()
        problems = tuple(RowProblem(self.source, row, f, r) for row, _, f, r in found)
        if problems and on_bad_row == "raise":
            raise InputError.from_problem(problems[0])
        if not problems:  # nothing to drop: no copy
            return frame.reset_index(drop=True), problems
        kept = frame.loc[~self.bad()].reset_index(drop=True)
        return kept, problems

    def text(self, field: str, values: pd.Series | None, *, required: bool) -> pd.Series:
        if values is None:
            return pd.Series("", index=range(self.n), dtype="str")
        text = as_text(values)
        if required:
            self.add_mask(field, (text == "").to_numpy(), "missing", None)
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
            raw = as_text(values)
            missing = (raw == "").to_numpy()
            nums = pd.to_numeric(raw, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        finite = np.isfinite(nums)
        if finite.all() and not whole and (lo is None or not bool(np.any(nums < lo))):
            self._fields.append((field, _NO_REASONS, _NOWHERE))  # the usual clean column
            return nums.copy()
        reasons = np.full(self.n, None, dtype=object)
        reasons[~finite] = "not a finite number (got {got})"
        reasons[np.isnan(nums)] = "not a number (got {got!r})"
        if whole:
            fraction = np.mod(nums, 1, where=finite, out=np.zeros(self.n))
            reasons[finite & (fraction != 0)] = "not a whole number (got {got})"
            reasons[finite & (np.abs(nums) > MAX_WHOLE)] = "too large (got {got})"
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
            raw = as_text(values).reset_index(drop=True)
            parts = raw.str.extract(DATE_RE)
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
        raw = as_text(values).reset_index(drop=True)
        mapped = raw.str.lower().map(dict(allowed)).astype(object)
        reasons = np.full(self.n, None, dtype=object)
        unknown = mapped.isna().to_numpy()
        if field == "method":
            reasons[unknown] = "unknown method (got {got!r}); expected onsite, phone or chat"
        elif field == "crs":
            reasons[unknown] = (
                "unknown coordinate system (got {got!r}); expected wgs84, gcj02 or bd09"
            )
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
