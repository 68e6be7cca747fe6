"""The assessment's stored rows (part 1: areas, clusters, people, brands, buyers, orders,
declarations): validated idempotent imports and loading them as a Dataset."""

from __future__ import annotations

__all__ = ["BatchRejectedError", "ImportReport", "import_rows", "known_ids", "load_dataset"]

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from api.db.assignments import _current_holders, _record_assignments, assignment_history
from api.db.rows import bump_data_version, from_db, row_dicts, stored_columns, upsert_on_key
from api.db.session import dialect_insert, writing
from api.db.tables import (
    areas,
    brands,
    buyers,
    cluster_points,
    declarations,
    orders,
    people,
    teams,
)
from assessment.io import Dataset, check_rows, empty_frame
from trajectory.errors import InputError, RowProblem

_TABLES: dict[str, sa.Table] = {
    "areas": areas,
    "clusters": cluster_points,
    "people": people,
    "brands": brands,
    "buyers": buyers,
    "orders": orders,
    "declarations": declarations,
}


#: frame column -> table column where they differ
_RENAMED = {
    "registered_at": "registered_ms",
    "assigned_at": "assigned_ms",
    "activated_at": "activated_ms",
    "placed_at": "placed_ms",
    "amount": "amount_fen",
}


class BatchRejectedError(InputError):
    """A batch with bad rows was refused whole (atomic, or no good row); nothing was stored."""

    def __init__(self, problems: Sequence[RowProblem], why: str) -> None:
        first = problems[0]
        super().__init__(
            first.source,
            first.row,
            first.field,
            f"{first.reason} ({_rows_text(problems)}; {why})",
        )
        self.problems = tuple(problems)


def _rows_text(problems: Sequence[RowProblem]) -> str:
    n = len({p.row for p in problems})
    return "1 bad row" if n == 1 else f"{n} bad rows"


@dataclass(frozen=True)
class ImportReport:
    """What one import did: rows received, rows upserted, and the rejected rows' problems."""

    kind: str
    received: int
    stored: int
    rejected: tuple[RowProblem, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "received": self.received,
            "stored": self.stored,
            "rejected": [{**p.to_dict(), "message": str(p)} for p in self.rejected],
        }


def import_rows(
    engine: Engine,
    kind: str,
    raw: pd.DataFrame,
    problems: Sequence[RowProblem],
    *,
    source: str,
    timezone: str,
    crs: str = "wgs84",
    atomic: bool = False,
) -> ImportReport:
    """Validate raw rows of ``kind`` and upsert the good ones, in one transaction.

    Raises
    ------
    BatchRejectedError
        Bad rows and ``atomic``, or no good row at all: nothing is stored.
    """
    with writing(engine) as conn:
        checked = check_rows(
            raw,
            problems,
            kind,
            source=source,
            timezone=timezone,
            crs=crs,
            known=known_ids(conn),
        )
        if checked.rejected and (atomic or checked.frame.empty):
            why = "atomic batch: nothing stored" if atomic else "no good rows"
            raise BatchRejectedError(checked.rejected, why)
        stored = _upsert(conn, kind, checked.frame)
    return ImportReport(kind, checked.received, stored, checked.rejected)


def known_ids(conn: Connection) -> dict[str, pd.Series]:
    """What imported rows may refer to (see :func:`assessment.validate.check_references`)."""
    specs = {
        "areas": (areas.c.area_id, areas.c.kind),
        "clusters": (cluster_points.c.cluster_id, cluster_points.c.area_id),
        "people": (people.c.person_id, people.c.role),
        "buyers": (buyers.c.buyer_id, buyers.c.area_id),
    }
    out = {}
    for name, (key, value) in specs.items():
        rows = conn.execute(sa.select(key, value)).all()
        out[name] = pd.Series(
            [r[1] for r in rows], index=pd.Index([r[0] for r in rows], dtype=object), dtype=object
        )
    return out


def load_dataset(conn: Connection) -> Dataset:
    """Every assessment table as the validated frames the rules take."""
    frames: dict[str, pd.DataFrame] = {}
    for kind, table in _TABLES.items():
        template = empty_frame(kind)
        rows = conn.execute(sa.select(table)).all()
        cols = stored_columns(table, rows)
        data: dict[str, Any] = {}
        for column in template.columns:
            if column == "source_row":
                data[column] = np.arange(1, len(rows) + 1, dtype=np.int64)
                continue
            stored = _RENAMED.get(column, column)
            values = list(cols.get(stored, ())) if rows else []
            data[column] = from_db(column, values, template[column].dtype)
        frames[kind] = pd.DataFrame(data, columns=template.columns)
    for kind in ("areas", "clusters", "people", "buyers"):  # names stored as "" when absent
        frames[kind]["name"] = frames[kind]["name"].where(frames[kind]["name"] != "", None)
    decl = frames["declarations"]
    for column in ("product", "brand"):
        decl[column] = decl[column].where(decl[column] != "", None)
    decl["net_weight_g"] = decl["net_weight_g"].where(decl["net_weight_g"] != 0, pd.NA)
    return Dataset(**frames, assignments=assignment_history(conn))


def _column_values(frame: pd.DataFrame, column: str) -> list[Any]:
    """A frame column as plain Python values for the driver (NA -> None)."""
    s = frame[column]
    if column in ("registered_at", "assigned_at", "activated_at", "placed_at"):
        ms = pd.DatetimeIndex(s).as_unit("ms").asi8
        out = ms.astype(object)
        out[pd.isna(s).to_numpy(bool)] = None
        return list(out)
    if column == "amount":
        return list(np.rint(s.to_numpy(float) * 100).astype(np.int64).tolist())
    if column in ("declared_on", "period_end"):
        dates = s.dt.date.astype(object)
        return [None if pd.isna(v) else v for v in dates.tolist()]
    obj = s.astype(object)
    return list(obj.where(s.notna(), None).tolist())


def _rows(frame: pd.DataFrame, kind: str) -> list[dict[str, Any]]:
    table = _TABLES[kind]
    columns = [c for c in frame.columns if _RENAMED.get(c, c) in table.c]
    lists = {_RENAMED.get(c, c): _column_values(frame, c) for c in columns}
    for name, values in lists.items():  # optional text stored as "" (NOT NULL, default "")
        column = table.c[name]
        if not column.nullable and column.server_default is not None:
            lists[name] = ["" if v is None else v for v in values]
    if kind == "declarations":  # key columns: "" and 0 stand for "not declared"
        lists["product"] = ["" if v is None else v for v in lists["product"]]
        lists["brand"] = ["" if v is None else v for v in lists["brand"]]
        lists["net_weight_g"] = [0 if v is None else int(v) for v in lists["net_weight_g"]]
    if "net_weight_g" in lists:
        lists["net_weight_g"] = [None if v is None else int(v) for v in lists["net_weight_g"]]
    return row_dicts(lists)


def _upsert(conn: Connection, kind: str, frame: pd.DataFrame) -> int:
    if frame.empty:
        return 0
    table = _TABLES[kind]
    rows = _rows(frame, kind)
    if kind == "people":
        team_ids = sorted({r["team_id"] for r in rows if r["team_id"] is not None})
        if team_ids:
            conn.execute(
                dialect_insert(conn, teams).on_conflict_do_nothing(index_elements=["team_id"]),
                [{"team_id": t} for t in team_ids],
            )
    before = _current_holders(conn) if kind == "buyers" else None
    upsert_on_key(conn, table, rows)
    if before is not None:
        _record_assignments(conn, rows, before)
    bump_data_version(conn)
    return len(rows)
