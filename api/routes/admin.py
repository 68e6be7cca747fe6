"""Admin routes: teams, managers' teams and API keys (the secret is shown once)."""

from __future__ import annotations

__all__ = ["router"]

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Response

from api.auth import new_secret
from api.db import keys, teams
from api.db.session import writing
from api.deps import Admin, Conn, State
from api.errors import ApiError
from api.http import StrictJSONRoute
from api.params import ManagerId, TeamId
from api.schemas.service import KeyCreated, KeyIn, KeyOut, ManagerIn, ManagerTeam, TeamIn, TeamOut
from trajectory.errors import RowProblem

router = APIRouter(tags=["admin"], route_class=StrictJSONRoute)


@router.put("/v1/teams/{team_id}", summary="Create or rename a team")
def put_team(team_id: TeamId, body: TeamIn, _who: Admin, state: State) -> TeamOut:
    with writing(state.engine) as conn:
        teams.upsert_team(conn, team_id, body.name)
    return TeamOut(team_id=team_id, name=body.name)


@router.get("/v1/teams", summary="Every team")
def get_teams(_who: Admin, conn: Conn) -> list[TeamOut]:
    return [TeamOut(**t) for t in teams.list_teams(conn)]


@router.put("/v1/managers/{manager_id}", summary="Put a manager in a team")
def put_manager(manager_id: ManagerId, body: ManagerIn, _who: Admin, state: State) -> ManagerTeam:
    with writing(state.engine) as conn:
        if body.team_id is not None and not teams.team_exists(conn, body.team_id):
            raise HTTPException(404, f"no team {body.team_id!r}; PUT /v1/teams/{{team_id}} first")
        teams.assign_manager(conn, manager_id, body.team_id)
    return ManagerTeam(manager_id=manager_id, team_id=body.team_id)


@router.post(
    "/v1/keys",
    response_model=KeyCreated,
    status_code=201,
    summary="Create an API key (the secret is in this answer only)",
)
def post_key(body: KeyIn, _who: Admin, state: State) -> KeyCreated:
    if body.role == "supervisor" and not body.team_ids:
        raise ApiError(
            422,
            "body, field team_ids: a supervisor key needs at least one team",
            [RowProblem("body", None, "team_ids", "empty for a supervisor key")],
        )
    secret = new_secret()
    with writing(state.engine) as conn:
        missing = [t for t in body.team_ids if not teams.team_exists(conn, t)]
        if missing:
            raise HTTPException(404, f"no team {missing[0]!r}")
        key = keys.create_key(
            conn, secret=secret, name=body.name, role=body.role, team_ids=sorted(set(body.team_ids))
        )
    return KeyCreated(**key.to_dict(), key=secret)


@router.get("/v1/keys", response_model=list[KeyOut], summary="Every API key (no secrets)")
def get_keys(_who: Admin, conn: Conn) -> list[KeyOut]:
    return [KeyOut(**k.to_dict()) for k in keys.list_keys(conn)]


@router.delete("/v1/keys/{key_id}", status_code=204, summary="Revoke an API key")
def delete_key(
    key_id: Annotated[int, Path(ge=1, le=2**31 - 1)], _who: Admin, state: State
) -> Response:
    with writing(state.engine) as conn:
        if not keys.revoke_key(conn, key_id):
            raise HTTPException(404, f"no live key {key_id}")
    return Response(status_code=204)
