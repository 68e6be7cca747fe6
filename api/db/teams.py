"""Teams and managers: who belongs where, and which managers have data on a day."""

from __future__ import annotations

__all__ = [
    "assign_manager",
    "ensure_managers",
    "list_teams",
    "manager_names",
    "manager_team",
    "team_exists",
    "upsert_team",
]

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from api.db.session import dialect_insert
from api.db.tables import managers, people, teams


def ensure_managers(conn: Connection, manager_ids: Iterable[str]) -> dict[str, int]:
    """``manager_id -> pk``, creating the managers not seen before (without a team)."""
    ids = sorted(set(manager_ids))
    found = _manager_pks(conn, ids)
    missing = [m for m in ids if m not in found]
    if missing:  # else no INSERT: one statement for the usual batch of known managers
        stmt = dialect_insert(conn, managers).on_conflict_do_nothing(index_elements=["manager_id"])
        conn.execute(stmt, [{"manager_id": m} for m in missing])
        found.update(_manager_pks(conn, missing))
    return found


def _manager_pks(conn: Connection, ids: list[str]) -> dict[str, int]:
    if not ids:
        return {}
    rows = conn.execute(
        sa.select(managers.c.manager_id, managers.c.pk).where(managers.c.manager_id.in_(ids))
    )
    return {r.manager_id: r.pk for r in rows}


def manager_team(conn: Connection, manager_id: str) -> tuple[int, str | None] | None:
    """``(pk, team_id)`` of a manager, or None when unknown."""
    row = conn.execute(
        sa.select(managers.c.pk, managers.c.team_id).where(managers.c.manager_id == manager_id)
    ).first()
    return None if row is None else (row.pk, row.team_id)


def upsert_team(conn: Connection, team_id: str, name: str) -> None:
    stmt = dialect_insert(conn, teams).values(team_id=team_id, name=name)
    conn.execute(stmt.on_conflict_do_update(index_elements=["team_id"], set_={"name": name}))


def list_teams(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(sa.select(teams).order_by(teams.c.team_id))
    return [dict(r._mapping) for r in rows]


def team_exists(conn: Connection, team_id: str) -> bool:
    return (
        conn.execute(sa.select(teams.c.team_id).where(teams.c.team_id == team_id)).first()
        is not None
    )


def assign_manager(conn: Connection, manager_id: str, team_id: str | None) -> None:
    pk = ensure_managers(conn, [manager_id])[manager_id]
    conn.execute(sa.update(managers).where(managers.c.pk == pk).values(team_id=team_id))


def manager_names(conn: Connection, manager_ids: Iterable[str]) -> dict[str, str]:
    """manager_id -> name, for the managers the assessment's people table names."""
    wanted = sorted(set(manager_ids))
    if not wanted:
        return {}
    rows = conn.execute(
        sa.select(people.c.person_id, people.c.name).where(
            people.c.person_id.in_(wanted), people.c.name != ""
        )
    )
    return {str(pid): str(name) for pid, name in rows}
