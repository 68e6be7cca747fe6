"""Reads and writes of the six marketing kinds (issue 7): validated imports, upserts, the
frames the scorecards take.

An import is one write transaction, as part 1's (:mod:`api.assess_repo`): rows are
validated by :func:`assessment.marketing_data.validate_marketing_rows` against the
people and buyers the database holds at that moment (every problem names the
file, the row and the field), and the good rows are upserted on the kind's natural
key, so importing the same file twice leaves the database as after the first time.
With ``atomic`` a batch with any bad row stores nothing.

:func:`load_marketing` reads back exactly the frames
:func:`~assessment.marketing_data.read_marketing` gives for a folder, restricted to
what the scorecards of the local days ``first .. last`` can look at (records and
chat reports of those days, give or take a day; summaries of those days; help plans
dated up to the last day's help deadline; every window and keyword), so the
scorecards from the database and from the files agree.
"""

from __future__ import annotations

__all__ = ["import_marketing", "load_marketing", "marketing_kind_of", "scorecard_inputs"]

import datetime as dt
from collections.abc import Callable, Sequence
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from api.db.assess import BatchRejectedError, ImportReport, load_dataset
from api.db.results import get_result, result_bodies
from api.db.rows import row_dicts, stored_columns, upsert_on_key
from api.db.session import writing
from api.db.tables import (
    buyers,
    chat_reports,
    daily_summaries,
    help_plans,
    marketing_records,
    marketing_windows,
    people,
    tag_keywords,
)
from assessment.io import Dataset
from assessment.marketing import help_deadline
from assessment.marketing_config import MarketingConfig
from assessment.marketing_data import (
    MARKETING_KINDS,
    MarketingData,
    empty_marketing,
    validate_marketing_rows,
)
from trajectory.errors import InputError, RowProblem
from trajectory.timestamps import local_day_bounds

MARKETING_TABLES: dict[str, sa.Table] = {
    "windows": marketing_windows,
    "keywords": tag_keywords,
    "marketing": marketing_records,
    "chat_reports": chat_reports,
    "summaries": daily_summaries,
    "help_plans": help_plans,
}
#: frame column -> table column where they differ (instants are stored as UTC ms)
_RENAMED = {"slot_start": "slot_start_ms", "slot_end": "slot_end_ms", "sent_at": "sent_ms"}
_INSTANTS = frozenset(_RENAMED)
_DATES = frozenset({"date"})
#: optional key columns stored as "" (a key column cannot be NULL)
_BLANK_KEYS = {"help_plans": ("buyer_id", "manager_id")}
#: read-back order (the natural order of each kind)
_ORDER = {
    "windows": ("buyer_id", "start_min", "start"),
    "keywords": ("keyword",),
    "marketing": ("manager_id", "slot_start_ms", "buyer_id", "purpose"),
    "chat_reports": ("manager_id", "sent_ms", "kind"),
    "summaries": ("manager_id", "date"),
    "help_plans": ("date", "helper_id", "buyer_id", "manager_id"),
}


def marketing_kind_of(path: str | PathLike[str]) -> str | None:
    """The marketing kind a file holds, from its stem (``marketing-11.csv``), or None."""
    stem = Path(path).stem.lower()
    for kind in sorted(MARKETING_KINDS, key=len, reverse=True):
        if stem == kind or stem.startswith((kind + "-", kind + "_", kind + ".")):
            return kind
    return None


def import_marketing(
    engine: Engine,
    kind: str,
    raw: pd.DataFrame,
    problems: Sequence[RowProblem],
    *,
    source: str,
    timezone: str,
    atomic: bool = False,
) -> ImportReport:
    """Validate raw rows of a marketing ``kind`` and upsert the good ones (one transaction).

    Raises
    ------
    BatchRejectedError
        Bad rows and ``atomic``, or no good row at all: nothing is stored.
    """
    if kind not in MARKETING_TABLES:
        raise InputError(source, None, None, f"not a marketing kind: {kind!r}")
    with writing(engine) as conn:
        checked = validate_marketing_rows(
            raw, kind, source=source, timezone=timezone, known=_known(conn)
        )
        rejected = tuple(
            sorted([*problems, *checked.rejected], key=lambda p: (p.row or 0, p.field or ""))
        )
        received = checked.received + len(problems)
        if rejected and (atomic or checked.frame.empty):
            why = "atomic batch: nothing stored" if atomic else "no good rows"
            raise BatchRejectedError(rejected, why)
        stored = _upsert(conn, kind, checked.frame)
    return ImportReport(kind, received, stored, rejected)


def load_marketing(
    conn: Connection, first: dt.date, last: dt.date, config: MarketingConfig
) -> MarketingData:
    """The marketing frames the scorecards of local days ``first .. last`` use."""

    def ms(day: dt.date) -> int:
        return local_day_bounds(day, config.timezone)[0].as_unit("ns").value // 1_000_000

    lo, hi = ms(first - dt.timedelta(days=1)), ms(last + dt.timedelta(days=2))
    due = help_deadline(pd.Series([pd.Timestamp(last)]), config).to_numpy("datetime64[D]")
    deadline = dt.date.fromisoformat(str(due[0]))
    where: dict[str, Any] = {
        "windows": None,
        "keywords": None,
        "marketing": marketing_records.c.slot_start_ms.between(lo, hi),
        "chat_reports": chat_reports.c.sent_ms.between(lo, hi),
        "summaries": daily_summaries.c.date.between(
            first - dt.timedelta(days=1), last + dt.timedelta(days=1)
        ),
        "help_plans": help_plans.c.date.between(first - dt.timedelta(days=1), deadline),
    }
    frames = {kind: _read(conn, kind, where[kind]) for kind in MARKETING_KINDS}
    return MarketingData(**frames)


# ------------------------------------------------------------------ private


def _known(conn: Connection) -> dict[str, pd.Index]:
    return {
        "people": pd.Index(conn.execute(sa.select(people.c.person_id)).scalars().all()),
        "buyers": pd.Index(conn.execute(sa.select(buyers.c.buyer_id)).scalars().all()),
    }


def _column_values(frame: pd.DataFrame, column: str) -> list[Any]:
    """A frame column as plain Python values for the driver (NA -> None)."""
    s = frame[column]
    if column in _INSTANTS:
        return list(pd.DatetimeIndex(s).as_unit("ms").asi8.tolist())
    if column in _DATES:
        return list(s.dt.date.tolist())
    if s.dtype == bool:
        return list(s.to_numpy(bool).tolist())
    if s.dtype == np.int64:
        return list(s.to_numpy(np.int64).tolist())
    obj = s.astype(object)
    return list(obj.where(s.notna(), None).tolist())


def _rows(kind: str, frame: pd.DataFrame) -> list[dict[str, Any]]:
    table = MARKETING_TABLES[kind]
    columns = [c for c in frame.columns if _RENAMED.get(c, c) in table.c]
    lists = {_RENAMED.get(c, c): _column_values(frame, c) for c in columns}
    for name in _BLANK_KEYS.get(kind, ()):
        lists[name] = ["" if v is None else v for v in lists[name]]
    return row_dicts(lists)


def _upsert(conn: Connection, kind: str, frame: pd.DataFrame) -> int:
    if frame.empty:
        return 0
    table = MARKETING_TABLES[kind]
    return upsert_on_key(conn, table, _rows(kind, frame))


def _read(conn: Connection, kind: str, where: Any) -> pd.DataFrame:
    table = MARKETING_TABLES[kind]
    stmt = sa.select(table).order_by(*(table.c[c] for c in _ORDER[kind]))
    if where is not None:
        stmt = stmt.where(where)
    rows = conn.execute(stmt).all()
    cols = stored_columns(table, rows)
    template = empty_marketing(kind)
    data: dict[str, Any] = {}
    for column in template.columns:
        if column == "source_row":
            data[column] = np.arange(1, len(rows) + 1, dtype=np.int64)
            continue
        values = list(cols.get(_RENAMED.get(column, column), ()))
        dtype = template[column].dtype
        if column in _INSTANTS:
            data[column] = pd.Series(
                pd.to_datetime(np.array(values, dtype=np.int64), unit="ms", utc=True),
                dtype=dtype,
            )
        elif column in _DATES:
            data[column] = pd.Series(pd.to_datetime(pd.Series(values, dtype=object))).astype(dtype)
        elif column in _BLANK_KEYS.get(kind, ()):
            ids = pd.Series(values, dtype=object)
            data[column] = ids.where(ids != "", None)
        else:
            data[column] = pd.Series(values, dtype=object).astype(dtype)
    return pd.DataFrame(data, columns=template.columns)


def scorecard_inputs(
    conn: Connection,
    days: Sequence[dt.date],
    config: MarketingConfig,
    *,
    manager_id: str | None = None,
    dataset: Callable[[Connection], Dataset] = load_dataset,
) -> tuple[Dataset, MarketingData, list[dict[str, Any]]]:
    """What the scorecards of ``days`` take, from the database: part 1's dataset (read
    by ``dataset``, the service's :func:`api.db.cache.cached_dataset`), the marketing
    frames and the stored verification results of those days (one manager's, or
    everybody's)."""
    data = dataset(conn)
    mk = load_marketing(conn, min(days), max(days), config)
    if manager_id is not None:
        found = (get_result(conn, manager_id, day) for day in days)
        bodies = [b for b in found if b is not None]
    else:
        bodies = [b for day in days for b in result_bodies(conn, day, None)]
    return data, mk, bodies
