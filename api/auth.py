"""API keys and roles.

A key is ``tc_`` + 43 URL-safe characters (256 random bits); only its SHA-256
digest is stored.  It is sent as ``Authorization: Bearer <key>`` or
``X-API-Key: <key>``.  A browser (HTML reports) holds a session token instead, in the
``trajcheck_session`` cookie set by ``POST /v1/session``: never the key itself.

=============  ============================================================
role           may
=============  ============================================================
``platform``   ingest points, stores and task lists; verify and read all
``supervisor`` verify and read the managers of its own teams only
``admin``      everything, plus teams, managers' teams and API keys
=============  ============================================================
"""

from __future__ import annotations

__all__ = ["ROLES", "Principal", "new_secret"]

import secrets
from dataclasses import dataclass
from typing import Literal

Role = Literal["platform", "supervisor", "admin"]
ROLES: tuple[Role, ...] = ("platform", "supervisor", "admin")


def new_secret() -> str:
    """A fresh API key (shown once; store only its digest)."""
    return "tc_" + secrets.token_urlsafe(32)


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key's id, role and (for supervisors) teams."""

    key_id: int
    role: str
    team_ids: tuple[str, ...]

    @property
    def reads_all(self) -> bool:
        return self.role in ("platform", "admin")

    def may_read_team(self, team_id: str | None) -> bool:
        return self.reads_all or (team_id is not None and team_id in self.team_ids)
