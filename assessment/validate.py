"""Validate rows of one kind column by column, naming the source, row and field of every problem.

:func:`validate_rows` turns raw cells (CSV text or JSON scalars) into a typed
frame of the good rows and a list of :class:`~trajectory.errors.RowProblem` for
the others; every column is parsed with vectorised pandas operations and only
the bad rows are visited one by one (to word their messages).
:func:`check_references` then rejects rows that name an area, cluster point,
person or buyer that neither the same import nor the database knows.

Rows are counted from 1 in the order received; a CSV header is not a row.
"""

from __future__ import annotations

__all__ = ["Validated", "check_references", "validate_rows"]

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from assessment.schema import (
    ACCOUNT_MANAGER_ROLES,
    CRS_FIELD,
    ID_MAX_CHARS,
    LOCATED,
    SCHEMAS,
    TEXT_MAX_CHARS,
    FieldSpec,
    TableSchema,
)
from trajectory import crs as crs_mod
from trajectory.config import CRS_NAMES
from trajectory.errors import RowProblem
from trajectory.timestamps import parse_timestamps

#: Marker the readers put in a cell that held a JSON list or object.
NESTED = "\x00nested"
_TRUE = ("true", "1", "yes", "y", "是", "t")
_FALSE = ("false", "0", "no", "n", "否", "f")
_WEIGHT_RE = r"^(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>kg|公斤|千克|g|克|斤|jin)$"
_GRAMS = {"kg": 1000.0, "公斤": 1000.0, "千克": 1000.0, "g": 1.0, "克": 1.0, "斤": 500.0}
_GRAMS["jin"] = 500.0
_DATE_RE = r"^\d{4}[-/]\d{1,2}[-/]\d{1,2}$"


@dataclass(frozen=True)
class Validated:
    """Good rows (typed; see :attr:`TableSchema.columns`) and the problems of the others."""

    kind: str
    frame: pd.DataFrame
    rejected: tuple[RowProblem, ...]
    received: int

    @property
    def rejected_rows(self) -> int:
        return len({p.row for p in self.rejected})


def validate_rows(
    raw: pd.DataFrame,
    kind: str,
    *,
    source: str,
    timezone: str,
    crs: str = "wgs84",
) -> Validated:
    """Parse and check every row of one kind.

    Parameters
    ----------
    raw
        One column per field (absent optional columns may be left out), cells as
        text or JSON scalars, and ``source_row`` (1-based).
    kind
        One of :data:`assessment.schema.KINDS`.
    source
        File or request name used in the problems.
    timezone
        IANA zone in which naive times and bare dates are read.
    crs
        Coordinate system of ``lat``/``lon`` where a row has no ``crs`` cell;
        locations are converted to WGS-84 and the source system kept in ``crs``.

    Returns
    -------
    Validated
        Typed good rows and one problem per bad cell (a row may have several),
        sorted by row then field.  Repeated keys are bad from their second
        occurrence ("repeats row N").
    """
    schema = SCHEMAS[kind]
    n = len(raw)
    rows = raw["source_row"].to_numpy(np.int64) if n else np.zeros(0, np.int64)
    reasons: dict[str, np.ndarray] = {}
    out: dict[str, pd.Series] = {}
    for spec in schema.fields:
        cells = raw[spec.name] if spec.name in raw.columns else pd.Series([None] * n, dtype=object)
        cells = cells.reset_index(drop=True)
        values, why = _parse(spec, cells, timezone=timezone, source=source, rows=rows)
        out[spec.name + "_g" if spec.kind == "weight" else spec.name] = values
        reasons[spec.name] = why
    frame = pd.DataFrame(out)
    frame["source_row"] = rows
    if kind in LOCATED:
        frame, reasons[CRS_FIELD] = _locate(frame, raw, crs, reasons)
    _cross_field(kind, frame, reasons)
    good, problems = _good_rows(frame, reasons, rows, schema, source)
    consistency = _order_lines(good, source) if kind == "orders" else []
    drop_rows = {p.row for p in consistency}
    if drop_rows:
        good = good.loc[~good["source_row"].isin(drop_rows)].reset_index(drop=True)
    rejected = sorted([*problems, *consistency], key=_order)
    return Validated(kind, good[list(schema.columns)], tuple(rejected), n)


def check_references(
    checked: Validated, known: Mapping[str, pd.Series], *, source: str
) -> Validated:
    """Reject rows that refer to unknown areas, cluster points, people or buyers.

    Parameters
    ----------
    checked
        Output of :func:`validate_rows`.
    known
        What the rows may refer to (this import's earlier kinds and the database
        together): ``areas`` (kind by area_id), ``clusters`` (area_id by
        cluster_id), ``people`` (role by person_id, this import's people
        included) and ``buyers`` (any value, by buyer_id).
    source
        File or request name used in the problems.
    """
    frame = checked.frame
    refs = _REFERENCES.get(checked.kind, ())
    problems: list[RowProblem] = []
    bad = np.zeros(len(frame), dtype=bool)
    rows = frame["source_row"].to_numpy(np.int64)
    for column, table, wanted in refs:
        values = frame[column]
        index = known.get(table, pd.Series(dtype=object))
        present = values.notna().to_numpy(bool)
        found = values.isin(index.index).to_numpy(bool)
        unknown = present & ~found
        shown = values.to_numpy(object)
        for i in np.flatnonzero(unknown):
            problems.append(
                RowProblem(
                    source,
                    int(rows[i]),
                    column,
                    f"unknown {_SINGULAR[table]} {shown[i]!r} (import {table} first)",
                )
            )
        bad |= unknown
        if wanted == "account_manager":
            roles = values.map(index).where(present & found)
            wrong = (present & found) & ~roles.isin(ACCOUNT_MANAGER_ROLES).to_numpy(bool)
            role_of = roles.to_numpy(object)
            for i in np.flatnonzero(wrong):
                problems.append(
                    RowProblem(
                        source,
                        int(rows[i]),
                        column,
                        f"{shown[i]!r} is a {role_of[i]}, not an account manager "
                        "(field/area manager, regional manager or city director)",
                    )
                )
            bad |= wrong
    if checked.kind == "buyers":
        has = frame["cluster_id"].notna().to_numpy(bool) & ~bad
        clusters = known.get("clusters", pd.Series(dtype=object))
        cluster_area = frame["cluster_id"].map(clusters)
        wrong = has & (cluster_area != frame["area_id"]).to_numpy(bool)
        cid, carea = frame["cluster_id"].to_numpy(object), cluster_area.to_numpy(object)
        aid = frame["area_id"].to_numpy(object)
        for i in np.flatnonzero(wrong):
            problems.append(
                RowProblem(
                    source,
                    int(rows[i]),
                    "cluster_id",
                    f"cluster point {cid[i]!r} lies in area {carea[i]!r}, not in {aid[i]!r}",
                )
            )
        bad |= wrong
    if not problems:
        return checked
    rejected = sorted([*checked.rejected, *problems], key=_order)
    good = frame.loc[~bad].reset_index(drop=True)
    return Validated(checked.kind, good, tuple(rejected), checked.received)


# ------------------------------------------------------------------ private

_SINGULAR = {
    "areas": "market or district",
    "clusters": "cluster point",
    "people": "person",
    "buyers": "buyer",
}
#: (column, table referred to, extra requirement)
_REFERENCES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "areas": (("district_id", "areas", ""),),
    "clusters": (("area_id", "areas", ""),),
    "people": (("reports_to", "people", ""), ("area_id", "areas", "")),
    "buyers": (
        ("area_id", "areas", ""),
        ("cluster_id", "clusters", ""),
        ("manager_id", "people", "account_manager"),
        ("activated_by", "people", "account_manager"),
    ),
    "orders": (("buyer_id", "buyers", ""),),
    "declarations": (("manager_id", "people", "account_manager"), ("buyer_id", "buyers", "")),
}


def _order(p: RowProblem) -> tuple[int, str]:
    return (p.row or 0, p.field or "")


def _why(
    ok: np.ndarray | pd.Series, prefix: str, shown: pd.Series, suffix: str = ")"
) -> np.ndarray:
    """``None`` where ``ok``, else ``prefix + shown + suffix`` (an object array)."""
    text = (prefix + shown.astype(str) + suffix).to_numpy(dtype=object)
    out = text.copy()
    out[np.asarray(ok, dtype=bool)] = None
    return out


def _text(cells: pd.Series) -> pd.Series:
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


def _parse(
    spec: FieldSpec, cells: pd.Series, *, timezone: str, source: str, rows: np.ndarray
) -> tuple[pd.Series, np.ndarray]:
    """Typed values of one column and the reason each bad cell is bad (None when good)."""
    text = _text(cells)
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
        bad_why = _why(
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
    why = _why(ok | blank, f"not one of {', '.join(spec.choices)} (got ", shown)
    values = mapped.where(ok | (blank & (spec.default is not None)), None)
    return values, why


def _parse_number(spec: FieldSpec, text: pd.Series) -> tuple[pd.Series, np.ndarray]:
    numbers = pd.to_numeric(text.where(text != "", None), errors="coerce").astype(float)
    shown = text.str.slice(0, 40)
    finite = np.isfinite(numbers.to_numpy(float))
    why = _why(finite, "not a number (got ", shown)

    def also(bad: np.ndarray, prefix: str) -> None:
        more = _why(~bad, prefix, shown)
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
    why = _why(ok, "not a net weight such as 10kg, 500g or 20斤 (got ", text.str.slice(0, 40))
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
    why = _why(ok, "not a date YYYY-MM-DD (got ", text.str.slice(0, 40))
    return pd.Series(parsed.to_numpy(dtype="datetime64[ns]")), why


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
    return values, why


def _locate(
    frame: pd.DataFrame, raw: pd.DataFrame, default_crs: str, reasons: dict[str, np.ndarray]
) -> tuple[pd.DataFrame, np.ndarray]:
    """Convert lat/lon to WGS-84 group by group; keep each row's source system in ``crs``."""
    n = len(frame)
    given = _text(raw[CRS_FIELD]) if CRS_FIELD in raw.columns else pd.Series([""] * n, dtype=object)
    systems = given.str.lower().where(given != "", default_crs)
    why = _why(
        systems.isin(CRS_NAMES), f"not one of {', '.join(CRS_NAMES)} (got ", given.str.slice(0, 20)
    )
    lat = frame["lat"].to_numpy(float).copy()
    lon = frame["lon"].to_numpy(float).copy()
    usable = np.isfinite(lat) & np.isfinite(lon) & pd.isna(reasons["lat"]) & pd.isna(reasons["lon"])
    for name in CRS_NAMES:
        if name == "wgs84":
            continue
        sel = usable & (systems == name).to_numpy(bool)
        if sel.any():
            lat[sel], lon[sel] = crs_mod.to_wgs84(lat[sel], lon[sel], name)
    # BD-09's offset applies everywhere (-90 comes out as -90.0065): keep points on the globe
    lat = np.clip(lat, -90.0, 90.0)
    lon = np.where(np.abs(lon) > 180.0, (lon + 180.0) % 360.0 - 180.0, lon)
    # WGS-84 to 1e-7 degrees (1.1 cm), as the service stores GPS fixes
    out = frame.assign(
        lat=np.round(lat, 7),
        lon=np.round(lon, 7),
        crs=systems.where(pd.isna(why), None).to_numpy(object),
    )
    return out, why


def _cross_field(kind: str, frame: pd.DataFrame, reasons: dict[str, np.ndarray]) -> None:
    """Checks that involve two fields of one row (written into ``reasons``).

    A check runs only on rows whose fields involved are each fine on their own,
    so one bad cell gives one problem.
    """

    def flag(field: str, mask: pd.Series, reason: str, *others: str) -> None:
        m = mask.to_numpy(bool) & pd.isna(reasons[field])
        for other in others:
            m &= pd.isna(reasons[other])
        reasons[field][m] = reason

    if kind == "buyers":
        manager, assigned = frame["manager_id"], frame["assigned_at"]
        registered, activated = frame["registered_at"], frame["activated_at"]
        flag(
            "assigned_at",
            manager.notna() & assigned.isna(),
            "missing: a buyer with a manager_id needs the time of assignment",
            "manager_id",
        )
        flag("assigned_at", manager.isna() & assigned.notna(), "given without a manager_id")
        flag(
            "activated_at",
            activated.notna() & registered.isna(),
            "an activated buyer must have registered_at",
            "registered_at",
        )
        flag("activated_at", (activated < registered).fillna(False), "before registered_at")
        flag(
            "activated_by",
            frame["activated_by"].notna() & activated.isna(),
            "given without activated_at",
            "activated_at",
        )
    elif kind == "declarations":
        flag(
            "product",
            frame["product"].isna() & frame["brand"].isna(),
            "missing: declare a product, a brand or both",
            "brand",
        )
        flag(
            "period_end",
            (frame["period_end"] < frame["declared_on"]).fillna(False),
            "before declared_on",
        )
    elif kind == "areas":
        flag(
            "district_id",
            (frame["kind"] == "district") & frame["district_id"].notna(),
            "a district lies in no other district",
        )


def _problems(reasons: dict[str, np.ndarray], rows: np.ndarray, source: str) -> list[RowProblem]:
    out = []
    for field, why in reasons.items():
        for i in np.flatnonzero(pd.notna(why)):
            out.append(RowProblem(source, int(rows[i]), field, str(why[i])))
    return out


def _good_rows(
    frame: pd.DataFrame,
    reasons: dict[str, np.ndarray],
    rows: np.ndarray,
    schema: TableSchema,
    source: str,
) -> tuple[pd.DataFrame, list[RowProblem]]:
    """The rows without a bad cell or a repeated key, and the problems of the others."""
    problems = _problems(reasons, rows, source)
    bad = np.zeros(len(rows), dtype=bool)
    for why in reasons.values():
        bad |= pd.notna(why)
    good = frame.loc[~bad].reset_index(drop=True)
    good, repeats = _repeats(good, schema, source)
    return good, [*problems, *repeats]


def _repeats(
    good: pd.DataFrame, schema: TableSchema, source: str
) -> tuple[pd.DataFrame, list[RowProblem]]:
    """Rows whose key repeats an earlier row's are bad ("repeats row N")."""
    key = list(schema.key)
    dup = good.duplicated(subset=key, keep="first").to_numpy(bool)
    if not dup.any():
        return good, []
    first = good.groupby(key, dropna=False, sort=False)["source_row"].transform("min")
    rows, firsts = good["source_row"].to_numpy(np.int64), first.to_numpy(np.int64)
    names = [k.removesuffix("_g") for k in key]
    same = f" (same {', '.join(names)})" if len(key) > 1 else ""
    problems = [
        RowProblem(
            source,
            int(rows[i]),
            schema.key[0],
            f"repeats row {int(firsts[i])}{same}",
        )
        for i in np.flatnonzero(dup)
    ]
    return good.loc[~dup].reset_index(drop=True), problems


def _order_lines(good: pd.DataFrame, source: str) -> list[RowProblem]:
    """Lines of one order must agree on buyer, time and status with its first line."""
    problems: list[RowProblem] = []
    if good.empty:
        return problems
    groups = good.groupby("order_id", sort=False)
    first_row = groups["source_row"].transform("first").to_numpy(np.int64)
    rows = good["source_row"].to_numpy(np.int64)
    ids = good["order_id"].to_numpy(object)
    for field in ("buyer_id", "placed_at", "status"):
        first = groups[field].transform("first")
        at = np.flatnonzero((good[field] != first).to_numpy(bool))
        mine = good[field].iloc[at].astype(str).to_numpy(object)
        theirs = first.iloc[at].astype(str).to_numpy(object)
        for k, i in enumerate(at):
            problems.append(
                RowProblem(
                    source,
                    int(rows[i]),
                    field,
                    f"order {ids[i]!r} has {theirs[k]} at row {int(first_row[i])}, {mine[k]} here",
                )
            )
    return problems
