"""Validate rows of one kind column by column, naming the source, row and field of every problem.

:func:`validate_rows` turns raw cells (CSV text or JSON scalars) into a typed
frame of the good rows and a list of :class:`~trajectory.errors.RowProblem` for
the others; every column is parsed with vectorised pandas operations
(:mod:`assessment.parse`) and only the bad rows are visited one by one (to word
their messages).  :func:`assessment.references.check_references` then rejects rows
that name an area, cluster point, person or buyer that neither the same import nor
the database knows.

Rows are counted from 1 in the order received; a CSV header is not a row.
"""

from __future__ import annotations

__all__ = ["Validated", "good_rows", "problem_order", "validate_rows"]

from dataclasses import dataclass

import numpy as np
import pandas as pd

from assessment.parse import cell_text, parse_column, why_not
from assessment.schema import CRS_FIELD, LOCATED, SCHEMAS, TableSchema
from trajectory import crs as crs_mod
from trajectory.config import CRS_NAMES
from trajectory.errors import RowProblem


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
        values, why = parse_column(spec, cells, timezone=timezone, source=source, rows=rows)
        out[spec.name + "_g" if spec.kind == "weight" else spec.name] = values
        reasons[spec.name] = why
    frame = pd.DataFrame(out)
    frame["source_row"] = rows
    if kind in LOCATED:
        frame, reasons[CRS_FIELD] = _locate(frame, raw, crs, reasons)
    _cross_field(kind, frame, reasons)
    good, problems = good_rows(frame, reasons, rows, schema, source)
    consistency = _order_lines(good, source) if kind == "orders" else []
    drop_rows = {p.row for p in consistency}
    if drop_rows:
        good = good.loc[~good["source_row"].isin(drop_rows)].reset_index(drop=True)
    rejected = sorted([*problems, *consistency], key=problem_order)
    return Validated(kind, good[list(schema.columns)], tuple(rejected), n)


def problem_order(p: RowProblem) -> tuple[int, str]:
    """Sort key of problems: by row, then field."""
    return (p.row or 0, p.field or "")


def _locate(
    frame: pd.DataFrame, raw: pd.DataFrame, default_crs: str, reasons: dict[str, np.ndarray]
) -> tuple[pd.DataFrame, np.ndarray]:
    """Convert lat/lon to WGS-84 group by group; keep each row's source system in ``crs``."""
    n = len(frame)
    given = (
        cell_text(raw[CRS_FIELD]) if CRS_FIELD in raw.columns else pd.Series([""] * n, dtype=object)
    )
    systems = given.str.lower().where(given != "", default_crs)
    why = why_not(
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
            # kept on the globe: BD-09's offset applies everywhere (-90 -> -90.0065)
            lat[sel], lon[sel] = crs_mod.to_wgs84(lat[sel], lon[sel], name)
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


def good_rows(
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
