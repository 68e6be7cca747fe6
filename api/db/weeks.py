"""The stored results of one manager over a range of days (the week page)."""

from __future__ import annotations

__all__ = ["manager_bodies"]

import datetime as dt
import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from api.db.tables import results


def manager_bodies(
    conn: Connection, manager_pk: int, first: dt.date, last: dt.date
) -> list[dict[str, Any]]:
    """The stored result dicts of the manager from ``first`` to ``last`` (inclusive), by date."""
    rows = conn.execute(
        sa.select(results.c.body)
        .where(results.c.manager_pk == manager_pk)
        .where(results.c.date >= first, results.c.date <= last)
        .order_by(results.c.date)
    )
    return [json.loads(r.body) for r in rows]
