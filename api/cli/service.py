"""``trajcheck serve``, ``trajcheck db upgrade``, ``trajcheck teams ...``, ``trajcheck keys ...``.

Every command reads the database URL from ``--database-url`` or
``TRAJCHECK_DATABASE_URL`` (default: SQLite ``trajcheck.db`` in the current folder).
"""

from __future__ import annotations

__all__ = ["add_service_commands"]

import argparse
import json
import os
import sys
from typing import TYPE_CHECKING, Any

from api.cli.common import add_database_option, engine_for

if TYPE_CHECKING:  # the database modules load when a command runs, not for --help
    from api.settings import Settings


def add_service_commands(sub: Any) -> None:
    """Add the service's sub-commands to the ``trajcheck`` parser."""
    s = sub.add_parser("serve", help="run the HTTP API (uvicorn); settings from TRAJCHECK_*")
    add_database_option(s)
    s.add_argument("--host", help="interface (default 127.0.0.1, TRAJCHECK_HOST)")
    s.add_argument("--port", type=int, help="port (default 8000, TRAJCHECK_PORT)")
    s.add_argument("--workers", type=int, help="worker processes (default 1, TRAJCHECK_WORKERS)")
    s.set_defaults(func=_cmd_serve)

    d = sub.add_parser("db", help="database schema")
    dsub = d.add_subparsers(dest="db_command", required=True)
    up = dsub.add_parser("upgrade", help="apply the migrations (alembic upgrade head)")
    add_database_option(up)
    up.set_defaults(func=_cmd_db_upgrade)

    t = sub.add_parser("teams", help="create or list teams")
    tsub = t.add_subparsers(dest="teams_command", required=True)
    tc = tsub.add_parser("create", help="create (or rename) a team")
    tc.add_argument("team_id", help="the team's id, e.g. T-BJ-01")
    tc.add_argument("--name", default="", help="the team's display name")
    add_database_option(tc)
    tc.set_defaults(func=_cmd_teams_create)
    ta = tsub.add_parser("assign", help="put managers in a team")
    ta.add_argument("team_id", help="an existing team's id")
    ta.add_argument("manager_ids", nargs="+", help="one or more managers' ids")
    add_database_option(ta)
    ta.set_defaults(func=_cmd_teams_assign)
    tl = tsub.add_parser("list", help="list teams")
    add_database_option(tl)
    tl.set_defaults(func=_cmd_teams_list)

    k = sub.add_parser("keys", help="create, list or revoke API keys")
    ksub = k.add_subparsers(dest="keys_command", required=True)
    kc = ksub.add_parser("create", help="create a key and print its secret once")
    kc.add_argument(
        "--role",
        required=True,
        choices=("platform", "supervisor", "admin"),
        help="platform: the management platform, every team; supervisor: its --team(s) "
        "only; admin: keys and teams",
    )
    kc.add_argument("--team", action="append", default=[], help="a supervisor's team (repeat)")
    kc.add_argument("--name", default="", help="who holds the key (shown by keys list)")
    add_database_option(kc)
    kc.set_defaults(func=_cmd_keys_create)
    kl = ksub.add_parser("list", help="list keys (never their secrets)")
    add_database_option(kl)
    kl.set_defaults(func=_cmd_keys_list)
    kr = ksub.add_parser("revoke", help="revoke a key")
    kr.add_argument("key_id", type=int, help="the key's number, as keys list shows it")
    add_database_option(kr)
    kr.set_defaults(func=_cmd_keys_revoke)


def _settings(args: argparse.Namespace) -> Settings:
    from api.settings import Settings

    overrides = {
        name: getattr(args, name)
        for name in ("database_url", "host", "port", "workers")
        if getattr(args, name, None) is not None
    }
    return Settings(**overrides)


def _cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api.main import create_app

    settings = _settings(args)
    engine_for(settings.database_url).dispose()  # migrate once, before any worker starts
    print(
        f"trajcheck: serving on http://{settings.host}:{settings.port} "
        f"(database {settings.database_url.split('@')[-1]}; docs at /docs)",
        file=sys.stderr,
    )
    # forwarded headers: only create_app's, from TRAJCHECK_TRUSTED_PROXIES (uvicorn's off)
    where = {
        "host": settings.host,
        "port": settings.port,
        "log_level": "info",
        "proxy_headers": False,
    }
    if settings.workers == 1:
        uvicorn.run(create_app(settings, migrate=False), **where)  # type: ignore[arg-type]
        return 0
    # uvicorn's worker processes import the factory and read TRAJCHECK_* themselves;
    # --database-url reaches them as the variable it overrides
    os.environ["TRAJCHECK_DATABASE_URL"] = settings.database_url
    uvicorn.run(
        "api.main:create_app",
        factory=True,
        workers=settings.workers,
        **where,  # type: ignore[arg-type]
    )
    return 0


def _cmd_db_upgrade(args: argparse.Namespace) -> int:
    engine_for(args.database_url).dispose()
    print("trajcheck: database schema is up to date")
    return 0


def _cmd_teams_create(args: argparse.Namespace) -> int:
    from api.db import teams
    from api.db.session import writing

    engine = engine_for(args.database_url)
    with writing(engine) as conn:
        teams.upsert_team(conn, args.team_id, args.name)
    print(json.dumps({"team_id": args.team_id, "name": args.name}, ensure_ascii=False))
    return 0


def _cmd_teams_assign(args: argparse.Namespace) -> int:
    from api.db import teams
    from api.db.session import writing

    engine = engine_for(args.database_url)
    with writing(engine) as conn:
        if not teams.team_exists(conn, args.team_id):
            print(f"trajcheck: error: no team {args.team_id!r}", file=sys.stderr)
            return 2
        for manager_id in args.manager_ids:
            teams.assign_manager(conn, manager_id, args.team_id)
    print(json.dumps({"team_id": args.team_id, "managers": args.manager_ids}, ensure_ascii=False))
    return 0


def _cmd_teams_list(args: argparse.Namespace) -> int:
    from api.db import teams

    with engine_for(args.database_url).connect() as conn:
        print(json.dumps(teams.list_teams(conn), ensure_ascii=False, indent=2))
    return 0


def _cmd_keys_create(args: argparse.Namespace) -> int:
    from api.auth import new_secret
    from api.db import keys, teams
    from api.db.session import writing

    if args.role == "supervisor" and not args.team:
        print("trajcheck: error: a supervisor key needs --team", file=sys.stderr)
        return 2
    engine = engine_for(args.database_url)
    secret = new_secret()
    with writing(engine) as conn:
        missing = [t for t in args.team if not teams.team_exists(conn, t)]
        if missing:
            print(f"trajcheck: error: no team {missing[0]!r}", file=sys.stderr)
            return 2
        key = keys.create_key(
            conn, secret=secret, name=args.name, role=args.role, team_ids=sorted(set(args.team))
        )
    print(json.dumps({**key.to_dict(), "key": secret}, ensure_ascii=False, indent=2))
    print("trajcheck: the key is shown once; store it now", file=sys.stderr)
    return 0


def _cmd_keys_list(args: argparse.Namespace) -> int:
    from api.db import keys

    with engine_for(args.database_url).connect() as conn:
        print(json.dumps([k.to_dict() for k in keys.list_keys(conn)], indent=2))
    return 0


def _cmd_keys_revoke(args: argparse.Namespace) -> int:
    from api.db import keys
    from api.db.session import writing

    with writing(engine_for(args.database_url)) as conn:
        done = keys.revoke_key(conn, args.key_id)
    if not done:
        print(f"trajcheck: error: no live key {args.key_id}", file=sys.stderr)
        return 2
    print(f"trajcheck: key {args.key_id} revoked")
    return 0
