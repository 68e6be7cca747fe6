"""Column parsers of the imports: raw cells (CSV text or JSON scalars) to typed values.

:func:`parse_column` parses one column of one field (:class:`~assessment.schema.FieldSpec`)
with vectorised pandas operations and gives, for each cell, the reason it is bad
(None when good).  The buyer/order import (:mod:`assessment.validate`) and the
marketing import (:mod:`assessment.marketing_data`) share it: one implementation.
"""

from __future__ import annotations

__all__ = ["NESTED", "cell_text", "parse_column", "why_not"]

import numpy as np
import pandas as pd

from assessment.schema import ID_MAX_CHARS, TEXT_MAX_CHARS, FieldSpec
from trajectory.dayrange import RANGE_TEXT, days_in_range, instants_in_range
from trajectory.timestamps import parse_timestamps

#: Marker the readers put in a cell that held a JSON list or object.
NESTED = "\x00nested"
_TRUE = ("true", "1", "yes", "y", "是", "t")
_FALSE = ("false", "0", "no", "n", "否", "f")
_WEIGHT_RE = r"^(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>kg|公斤|千克|g|克|斤|jin)$"
_GRAMS = {"kg": 1000.0, "公斤": 1000.0, "千克": 1000.0, "g": 1.0, "克": 1.0, "斤": 500.0}
_GRAMS["jin"] = 500.0
_DATE_RE = r"^\d{4}[-/]\d{1,2}[-/]\d{1,2}$"


def why_not(
    ok: np.ndarray | pd.Series, prefix: str, shown: pd.Series, suffix: str = ")"
) -> np.ndarray:
    """``None`` where ``ok``, else ``prefix + shown + suffix`` (an object array)."""
    text = (prefix + shown.astype(str) + suffix).to_numpy(dtype=object)
    out = text.copy()
    out[np.asarray(ok, dtype=bool)] = None
    return out


def cell_text(cells: pd.Series) -> pd.Series:
    """Cells as stripped text ("" for missing); JSON whole numbers lose their ``.0``."""
    obj = cells.astype(object).reset_index(drop=True)
    missing = obj.isna().to_numpy(bool)
    if pd.api.types.infer_dtype(obj, skipna=True) in ("string", "empty"):  # CSV text: fast path
        text = obj.where(~missing, "").astype(str).str.strip()
        return pd.Series(text.to_numpy(dtype=object), dtype=object)
    is_float = obj.map(lambda v: isinstance(v, float)).to_numpy(bool) & ~missing
    if is_float.any():
        floats = obj[is_float].astype(float)
        shown = floats.astype(str)
        whole = (np.floor(floats) == floats) & (floats.abs() < 1e15)
        shown[whole] = floats[whole].astype(np.int64).astype(str)
        obj[is_float] = shown
    text = obj.where(~missing, "").astype(str).str.strip()
    return pd.Series(text.to_numpy(dtype=object), dtype=object)


def parse_column(
    spec: FieldSpec, cells: pd.Series, *, timezone: str, source: str, rows: np.ndarray
) -> tuple[pd.Series, np.ndarray]:
    """Typed values of one column and the reason each bad cell is bad (None when good)."""
    text = cell_text(cells)
    n = len(text)
    why = np.full(n, None, dtype=object)
    blank = (text == "").to_numpy(bool)
    nested = (text == NESTED).to_numpy(bool)
    if spec.required:
        why[blank] = "missing"
    if spec.kind in ("id", "text"):
        values, bad_why = _parse_text(spec, text)
    elif spec.kind == "enum":
        values, bad_why = _parse_enum(spec, text)
    elif spec.kind in ("int", "amount", "coord"):
        values, bad_why = _parse_number(spec, text)
    elif spec.kind == "bool":
        lowered = text.str.lower()
        values = pd.Series(lowered.isin(_TRUE).to_numpy(bool))
        bad_why = why_not(
            lowered.isin(_TRUE) | lowered.isin(_FALSE) | (lowered == ""),
            "not true/false, yes/no, 1/0 or 是/否 (got ",
            text.str.slice(0, 40),
        )
    elif spec.kind == "weight":
        values, bad_why = _parse_weight(text)
    elif spec.kind == "date":
        values, bad_why = _parse_date(text)
    else:
        values, bad_why = _parse_instant(spec, text, timezone, source, rows, blank)
    take = ~blank & pd.isna(why)
    why[take] = bad_why[take]
    why[nested] = "a JSON list or object; expected one value"
    return values, why


def _parse_text(spec: FieldSpec, text: pd.Series) -> tuple[pd.Series, np.ndarray]:
    limit = ID_MAX_CHARS if spec.kind == "id" else TEXT_MAX_CHARS
    too_long = (text.str.len() > limit).to_numpy(bool)
    control = text.str.contains(r"[\x00-\x1f\x7f]", regex=True).to_numpy(bool)
    why = np.full(len(text), None, dtype=object)
    why[too_long] = f"longer than {limit} characters"
    why[control] = "contains control characters"
    values = text.where(text != "", None)
    return values, why


def _parse_enum(spec: FieldSpec, text: pd.Series) -> tuple[pd.Series, np.ndarray]:
    lowered = text.str.lower().str.replace("-", "_", regex=False)
    mapped = lowered.copy()
    aliases = {k.lower(): v for k, v in spec.aliases.items()}
    hit = lowered.isin(list(aliases))
    mapped[hit] = lowered[hit].map(aliases)
    spaced = lowered.str.replace(" ", "_", regex=False)
    mapped[~hit] = spaced[~hit]
    ok = mapped.isin(spec.choices).to_numpy(bool)
    blank = (text == "").to_numpy(bool)
    if spec.default is not None:
        mapped[blank] = spec.default
    shown = text.str.slice(0, 40)
    why = why_not(ok | blank, f"not one of {', '.join(spec.choices)} (got ", shown)
    values = mapped.where(ok | (blank & (spec.default is not None)), None)
    return values, why


def _parse_number(spec: FieldSpec, text: pd.Series) -> tuple[pd.Series, np.ndarray]:
    numbers = pd.to_numeric(text.where(text != "", None), errors="coerce").astype(float)
    shown = text.str.slice(0, 40)
    finite = np.isfinite(numbers.to_numpy(float))
    why = why_not(finite, "not a number (got ", shown)

    def also(bad: np.ndarray, prefix: str) -> None:
        more = why_not(~bad, prefix, shown)
        why[bad] = more[bad]

    if spec.kind == "int":
        whole = finite & (np.floor(numbers.to_numpy(float)) == numbers.to_numpy(float))
        also(finite & ~whole, "not a whole number (got ")
        also(
            whole & ((numbers < spec.lo) | (numbers > spec.hi)).to_numpy(bool),
            f"out of range [{spec.lo}, {spec.hi}] (got ",
        )
        values = numbers.where(pd.isna(why), 0).astype(np.int64)
        return values, why
    if spec.kind == "amount":
        also(finite & (numbers < 0).to_numpy(bool), "negative (got ")
        also(finite & (numbers > 1e11).to_numpy(bool), "more than 100 billion yuan (got ")
        return numbers.round(2), why
    limit = 90 if spec.name == "lat" else 180
    also(finite & (numbers.abs() > limit).to_numpy(bool), f"out of range [-{limit}, {limit}] (got ")
    return numbers, why


def _parse_weight(text: pd.Series) -> tuple[pd.Series, np.ndarray]:
    parts = text.str.lower().str.extract(_WEIGHT_RE)
    number = pd.to_numeric(parts["num"], errors="coerce").astype(float)
    grams = (number * parts["unit"].map(_GRAMS).astype(float)).round()
    ok = (grams > 0).to_numpy(bool) & (grams < 1e8).to_numpy(bool)
    why = why_not(ok, "not a net weight such as 10kg, 500g or 20斤 (got ", text.str.slice(0, 40))
    values = grams.where(ok).astype("Int64")
    return values, why


def _parse_date(text: pd.Series) -> tuple[pd.Series, np.ndarray]:
    form = text.str.match(_DATE_RE).to_numpy(bool)
    parsed = pd.to_datetime(
        text.where(form, None).str.replace("/", "-", regex=False),
        format="%Y-%m-%d",
        errors="coerce",
    )
    ok = form & parsed.notna().to_numpy(bool)
    why = why_not(ok, "not a date YYYY-MM-DD (got ", text.str.slice(0, 40))
    values = pd.Series(parsed.to_numpy(dtype="datetime64[ns]"))
    outside = ok & ~days_in_range(values)
    why[outside] = why_not(~outside, f"{RANGE_TEXT} (got ", text.str.slice(0, 40))[outside]
    return values, why


def _parse_instant(
    spec: FieldSpec,
    text: pd.Series,
    timezone: str,
    source: str,
    rows: np.ndarray,
    blank: np.ndarray,
) -> tuple[pd.Series, np.ndarray]:
    """Times as UTC; a bare date means its local midnight."""
    n = len(text)
    why = np.full(n, None, dtype=object)
    values = pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns, UTC]")
    take = ~blank & (text != NESTED).to_numpy(bool)
    if not take.any():
        return values, why
    sub = text[take]
    bare = sub.str.match(_DATE_RE)
    sub = sub.where(~bare, sub + " 00:00")
    parsed = parse_timestamps(
        sub.reset_index(drop=True),
        timezone=timezone,
        source=source,
        rows=rows[take],
        field=spec.name,
    )
    idx = np.flatnonzero(take)
    values.iloc[idx] = parsed.utc.to_numpy()
    bad_idx = idx[parsed.bad]
    why[bad_idx] = [p.reason for p in parsed.problems]
    outside = pd.isna(why) & ~instants_in_range(values)
    why[outside] = why_not(~outside, f"{RANGE_TEXT} (got ", text.str.slice(0, 40))[outside]
    return values, why
