"""API keys: only a key's SHA-256 digest is stored; its role and teams.  Browser sessions:
a random token per ``POST /v1/session``, stored as its digest with the key and an expiry,
gone when the key is revoked."""

from __future__ import annotations

__all__ = [
    "ApiKey",
    "create_key",
    "create_session",
    "delete_session",
    "digest",
    "find_key",
    "find_session",
    "list_keys",
    "revoke_key",
]

import datetime as dt
import hashlib
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from api.db.session import as_utc
from api.db.tables import api_keys, key_teams, sessions


@dataclass(frozen=True)
class ApiKey:
    """An API key as stored: never the secret, only its SHA-256 digest."""

    key_id: int
    name: str
    role: str
    prefix: str
    team_ids: tuple[str, ...]
    created_at: dt.datetime
    revoked_at: dt.datetime | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "key_id": self.key_id,
            "name": self.name,
            "role": self.role,
            "prefix": self.prefix,
            "team_ids": list(self.team_ids),
            "created_at": self.created_at.isoformat(),
            "revoked_at": None if self.revoked_at is None else self.revoked_at.isoformat(),
        }


def digest(secret: str) -> str:
    """SHA-256 of a key: keys are 256-bit random, so a fast hash is the right one."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def create_key(
    conn: Connection, *, secret: str, name: str, role: str, team_ids: Sequence[str]
) -> ApiKey:
    now = dt.datetime.now(dt.UTC)
    key_id = conn.execute(
        sa.insert(api_keys)
        .values(name=name, role=role, digest=digest(secret), prefix=secret[:10], created_at=now)
        .returning(api_keys.c.key_id)
    ).scalar_one()
    if team_ids:
        conn.execute(sa.insert(key_teams), [{"key_id": key_id, "team_id": t} for t in team_ids])
    return ApiKey(key_id, name, role, secret[:10], tuple(team_ids), now, None)


def find_key(conn: Connection, secret: str) -> ApiKey | None:
    """The live key whose secret this is, or None (unknown or revoked).

    One query (the key and its teams joined): every authenticated request asks it."""
    rows = conn.execute(
        sa.select(api_keys, key_teams.c.team_id)
        .outerjoin(key_teams, key_teams.c.key_id == api_keys.c.key_id)
        .where(api_keys.c.digest == digest(secret), api_keys.c.revoked_at.is_(None))
        .order_by(key_teams.c.team_id)
    ).all()
    if not rows:
        return None
    return _key(conn, rows[0], [r.team_id for r in rows if r.team_id is not None])


def list_keys(conn: Connection) -> list[ApiKey]:
    return [_key(conn, r) for r in conn.execute(sa.select(api_keys).order_by(api_keys.c.key_id))]


def revoke_key(conn: Connection, key_id: int) -> bool:
    """Revoke the key and end its browser sessions."""
    result = conn.execute(
        sa.update(api_keys)
        .where(api_keys.c.key_id == key_id, api_keys.c.revoked_at.is_(None))
        .values(revoked_at=dt.datetime.now(dt.UTC))
    )
    conn.execute(sa.delete(sessions).where(sessions.c.key_id == key_id))
    return bool(result.rowcount)


def create_session(conn: Connection, key_id: int, *, seconds: int) -> str:
    """A new session token for the key, valid ``seconds`` (only its digest is stored).

    Expired sessions of every key are deleted on the way.
    """
    now = _now_ms()
    conn.execute(sa.delete(sessions).where(sessions.c.expires_ms <= now))
    token = "ts_" + secrets.token_urlsafe(32)
    conn.execute(
        sa.insert(sessions).values(
            digest=digest(token), key_id=key_id, created_ms=now, expires_ms=now + seconds * 1000
        )
    )
    return token


def find_session(conn: Connection, token: str) -> ApiKey | None:
    """The live key of an unexpired session token, or None."""
    row = conn.execute(
        sa.select(api_keys)
        .join(sessions, sessions.c.key_id == api_keys.c.key_id)
        .where(
            sessions.c.digest == digest(token),
            sessions.c.expires_ms > _now_ms(),
            api_keys.c.revoked_at.is_(None),
        )
    ).first()
    return None if row is None else _key(conn, row)


def delete_session(conn: Connection, token: str) -> bool:
    """End one session (sign-out); False when there was none."""
    result = conn.execute(sa.delete(sessions).where(sessions.c.digest == digest(token)))
    return bool(result.rowcount)


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


def _key(conn: Connection, row: Any, team_ids: list[str] | None = None) -> ApiKey:
    """The key of an ``api_keys`` row; its teams read unless given."""
    teams_of = team_ids
    if teams_of is None:
        teams_of = list(
            conn.execute(
                sa.select(key_teams.c.team_id)
                .where(key_teams.c.key_id == row.key_id)
                .order_by(key_teams.c.team_id)
            ).scalars()
        )
    return ApiKey(
        key_id=row.key_id,
        name=row.name,
        role=row.role,
        prefix=row.prefix,
        team_ids=tuple(teams_of),
        created_at=as_utc(row.created_at),
        revoked_at=None if row.revoked_at is None else as_utc(row.revoked_at),
    )
