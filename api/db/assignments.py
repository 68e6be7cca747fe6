"""Who holds a buyer: reassignments (exclusive rights respected) and the history of periods."""

from __future__ import annotations

__all__ = ["ReassignError", "assignment_history", "reassign"]

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from api.db.rows import bump_data_version, instant_ms, iso_from_ms, times_from_ms
from api.db.session import dialect_insert
from api.db.tables import (
    buyer_assignments,
    buyers,
    people,
)
from assessment.config import AssessConfig
from assessment.rights import check_reassignment
from trajectory.errors import InputError


class ReassignError(InputError):
    """A reassignment the rules forbid; ``status`` is the HTTP status that says why."""

    def __init__(self, status: int, field: str, reason: str) -> None:
        super().__init__("reassignment", None, field, reason)
        self.status = status


def reassign(
    conn: Connection,
    buyer_id: str,
    manager_id: str,
    *,
    at: dt.datetime,
    reason: str = "",
    force: bool = False,
    config: AssessConfig | None = None,
) -> dict[str, Any]:
    """Hand a buyer to another field manager from ``at`` on; record it in the history.

    The rule is :func:`assessment.rights.check_reassignment` (专属营销权): the holder's
    two months are protected, an activated buyer is its activator's, and a forced
    reassignment needs a reason, kept in the history.

    Raises
    ------
    ReassignError
        404 unknown buyer; 422 the new holder is not a field manager, ``at`` is
        before the current assignment, or forced without a reason; 409 the buyer
        is activated (its activator holds exclusive rights) or inside its holder's
        two months (``force`` overrides both), or already held by that manager.
    """
    row = conn.execute(sa.select(buyers).where(buyers.c.buyer_id == buyer_id)).first()
    if row is None:
        raise ReassignError(404, "buyer_id", f"no buyer {buyer_id!r}")
    at_ms = instant_ms(at)
    _check_reassign(conn, row, manager_id, at, force=force, reason=reason, config=config)
    _move(conn, buyer_id, manager_id, at_ms, reason[:200])
    return {
        "buyer_id": buyer_id,
        "from_manager_id": row.manager_id,
        "manager_id": manager_id,
        "assigned_at": iso_from_ms(at_ms),
        "reason": reason[:200],
    }


def _check_reassign(
    conn: Connection, row: Any, manager_id: str, at: dt.datetime, *, force: bool, reason: str,
    config: AssessConfig | None,
) -> None:  # fmt: skip
    """The :class:`ReassignError` of :func:`reassign`, if any, for the buyer's ``row``."""
    role = conn.execute(
        sa.select(people.c.role).where(people.c.person_id == manager_id)
    ).scalar_one_or_none()
    times = [
        None if ms is None else dt.datetime.fromtimestamp(ms / 1000, dt.UTC)
        for ms in (row.assigned_ms, row.activated_ms)
    ]
    refusal = check_reassignment(
        buyer_id=row.buyer_id, holder=row.manager_id,
        assigned_at=times[0], activated_at=times[1],
        new_manager=manager_id, new_role=role, at=at, force=force, reason=reason,
        config=config or AssessConfig(),
    )  # fmt: skip
    if refusal is not None:
        raise ReassignError(refusal.status, refusal.field, refusal.reason)


def _move(conn: Connection, buyer_id: str, manager_id: str, at_ms: int, reason: str) -> None:
    """End the buyer's open period at ``at_ms``, open the new holder's, bump the version."""
    now_ms = instant_ms(dt.datetime.now(dt.UTC))
    conn.execute(
        sa.update(buyer_assignments)
        .where(buyer_assignments.c.buyer_id == buyer_id, buyer_assignments.c.ended_ms.is_(None))
        .values(ended_ms=at_ms)
    )
    conn.execute(
        sa.insert(buyer_assignments).values(
            buyer_id=buyer_id,
            assigned_ms=at_ms,
            manager_id=manager_id,
            ended_ms=None,
            reason=reason,
            recorded_ms=now_ms,
        )
    )
    conn.execute(
        sa.update(buyers)
        .where(buyers.c.buyer_id == buyer_id)
        .values(manager_id=manager_id, assigned_ms=at_ms)
    )
    bump_data_version(conn)


def assignment_history(conn: Connection, buyer_ids: Sequence[str] | None = None) -> pd.DataFrame:
    """Every assignment period (``assignments`` of :class:`Dataset`), oldest first per buyer."""
    stmt = sa.select(
        buyer_assignments.c.buyer_id,
        buyer_assignments.c.manager_id,
        buyer_assignments.c.assigned_ms,
        buyer_assignments.c.ended_ms,
        buyer_assignments.c.reason,
    ).order_by(buyer_assignments.c.buyer_id, buyer_assignments.c.assigned_ms)
    if buyer_ids is not None:
        stmt = stmt.where(buyer_assignments.c.buyer_id.in_(list(buyer_ids)))
    rows = conn.execute(stmt).all()
    cols: list[Sequence[Any]] = list(zip(*rows, strict=True)) if rows else [(), (), (), (), ()]
    return pd.DataFrame(
        {
            "buyer_id": pd.Series(cols[0], dtype=object),
            "manager_id": pd.Series(cols[1], dtype=object),
            "assigned_at": times_from_ms(cols[2]),
            "ended_at": times_from_ms(cols[3]),
            "reason": pd.Series(cols[4], dtype=object),
        }
    )


def _current_holders(conn: Connection) -> dict[str, tuple[str | None, int | None]]:
    rows = conn.execute(sa.select(buyers.c.buyer_id, buyers.c.manager_id, buyers.c.assigned_ms))
    return {r.buyer_id: (r.manager_id, r.assigned_ms) for r in rows}


def _record_assignments(
    conn: Connection, rows: list[dict[str, Any]], before: dict[str, tuple[str | None, int | None]]
) -> None:
    """Close the open period and open a new one where a buyer's (manager, since) changed."""
    now_ms = instant_ms(dt.datetime.now(dt.UTC))
    changed = [
        r
        for r in rows
        if before.get(r["buyer_id"], (None, None)) != (r["manager_id"], r["assigned_ms"])
    ]
    if not changed:
        return
    close = [
        {"b": r["buyer_id"], "end": r["assigned_ms"] if r["manager_id"] is not None else now_ms}
        for r in changed
        if r["buyer_id"] in before
    ]
    if close:
        conn.execute(
            sa.update(buyer_assignments)
            .where(
                buyer_assignments.c.buyer_id == sa.bindparam("b"),
                buyer_assignments.c.ended_ms.is_(None),
            )
            .values(ended_ms=sa.bindparam("end")),
            close,
        )
    opened = [
        {
            "buyer_id": r["buyer_id"],
            "assigned_ms": r["assigned_ms"],
            "manager_id": r["manager_id"],
            "ended_ms": None,
            "reason": "import",
            "recorded_ms": now_ms,
        }
        for r in changed
        if r["manager_id"] is not None
    ]
    if opened:
        stmt = dialect_insert(conn, buyer_assignments)
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=["buyer_id", "assigned_ms"],
                set_={"manager_id": stmt.excluded.manager_id, "ended_ms": None},
            ),
            opened,
        )
