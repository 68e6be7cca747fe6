"""The routes' dependencies: settings, engine and connection, the caller and what it may
read, and the checked calendar day.  Everything comes from ``request.app.state`` (set by
:func:`api.main.create_app`); nothing here is built at import or kept between apps.
"""

from __future__ import annotations

__all__ = [
    "MAX_DAY",
    "MIN_DAY",
    "SESSION_COOKIE",
    "Admin",
    "AppState",
    "Conn",
    "State",
    "Who",
    "Writer",
    "authenticate",
    "check_day",
    "check_manager",
    "readable_manager",
    "visible_teams",
]

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import Depends, HTTPException, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.engine import Connection, Engine

from api.auth import Principal
from api.db import keys, teams
from api.db.cache import DatasetCache
from api.errors import ApiError
from api.settings import Settings
from assessment.config import AssessConfig
from assessment.marketing_config import MarketingConfig
from trajectory.config import VerifyConfig
from trajectory.dayrange import MAX_DAY, MIN_DAY, day_in_range
from trajectory.errors import RowProblem


@dataclass
class AppState:
    """What one app holds for its requests (``app.state.trajcheck``)."""

    settings: Settings
    engine: Engine
    verify_config: VerifyConfig
    assess_config: AssessConfig
    marketing_config: MarketingConfig
    datasets: DatasetCache
    schema_head: str


def _state(request: Request) -> AppState:
    state: AppState = request.app.state.trajcheck
    return state


State = Annotated[AppState, Depends(_state)]


def _connection(state: State) -> Iterator[Connection]:
    with state.engine.connect() as conn:
        yield conn


Conn = Annotated[Connection, Depends(_connection)]

_bearer = HTTPBearer(auto_error=False, description="Authorization: Bearer <API key>")
_header_key = APIKeyHeader(name="X-API-Key", auto_error=False)
_UNAUTHORISED = {"WWW-Authenticate": "Bearer"}

#: The browser session's cookie: a session token (``POST /v1/session``), never an API key.
SESSION_COOKIE = "trajcheck_session"


def _principal(
    request: Request,
    state: State,
    _cred: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    _key: Annotated[str | None, Depends(_header_key)],
) -> Principal:
    # api.http authenticates every /v1 request before its body is read (issue 14)
    found: Principal | None = request.scope.get("trajcheck.principal")
    return found if found is not None else authenticate(request, state)


def authenticate(request: Request, state: AppState) -> Principal:
    """The caller of ``request`` (401 without a valid key), from the headers alone."""
    auth = request.headers.get("authorization")
    scheme, _, token = (auth or "").partition(" ")
    cred = token.strip() if auth is not None and scheme.lower() == "bearer" else None
    key = request.headers.get("x-api-key")
    if not cred and auth is not None:
        # presented but unusable (not "Bearer <key>", or an empty key): never fall back
        # to another credential behind it
        raise HTTPException(
            401, "Authorization: expected 'Bearer <API key>'", headers=_UNAUTHORISED
        )
    secret = cred or key
    session = None if secret else request.cookies.get(SESSION_COOKIE)
    if not secret and not session:
        raise HTTPException(
            401, "no API key: send Authorization: Bearer <key> or X-API-Key", headers=_UNAUTHORISED
        )
    with state.engine.connect() as conn:
        found = keys.find_key(conn, secret) if secret else keys.find_session(conn, session or "")
    if found is None:
        why = (
            "invalid or revoked API key" if secret else "session expired, ended, or its key revoked"
        )
        raise HTTPException(401, why, headers=_UNAUTHORISED)
    return Principal(found.key_id, found.role, found.team_ids)


Who = Annotated[Principal, Depends(_principal)]


def _role(*allowed: str) -> Callable[[Principal], Principal]:
    def check(who: Who) -> Principal:
        if who.role not in allowed:
            raise HTTPException(
                403, f"a {who.role} key may not do this (needs {' or '.join(allowed)})"
            )
        return who

    return check


Writer = Annotated[Principal, Depends(_role("platform", "admin"))]
Admin = Annotated[Principal, Depends(_role("admin"))]


def check_manager(
    who: Principal, manager_id: str, *, known: bool, team: str | None, noun: str = "manager"
) -> None:
    """403 unless the key may read the manager's ``team``; then 404 for an unknown one.

    A supervisor is told 403 for an unknown manager too: whether an id exists outside
    its teams is not its business.
    """
    if not who.may_read_team(team):
        raise HTTPException(403, f"manager {manager_id!r} is not in this key's teams")
    if not known:
        raise HTTPException(404, f"no {noun} {manager_id!r}")


def readable_manager(conn: Connection, who: Principal, manager_id: str) -> int:
    """The manager's key, after :func:`check_manager` on the stored team."""
    found = teams.manager_team(conn, manager_id)
    check_manager(who, manager_id, known=found is not None, team=found[1] if found else None)
    if found is None:  # pragma: no cover - check_manager raised already
        raise HTTPException(404, f"no manager {manager_id!r}")
    return found[0]


def visible_teams(who: Principal, team_id: str | None) -> list[str] | None:
    """The teams whose rows the key may list (None: every team), after checking ``team_id``."""
    if who.reads_all:
        return None if team_id is None else [team_id]
    if team_id is not None:
        if not who.may_read_team(team_id):
            raise HTTPException(403, f"team {team_id!r} is not one of this key's teams")
        return [team_id]
    return list(who.team_ids)


def check_day(
    day: dt.date, field: str = "date", where: Literal["query", "path"] = "path"
) -> dt.date:
    """``day`` itself, or a 422 naming ``where`` and ``field`` when it is out of range."""
    if not day_in_range(day):
        raise ApiError(
            422,
            f"{where}, field {field}: {day} is outside {MIN_DAY} .. {MAX_DAY}",
            [RowProblem(where, None, field, f"outside {MIN_DAY} .. {MAX_DAY}")],
        )
    return day
