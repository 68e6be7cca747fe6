"""``trajcheck serve``, ``trajcheck db upgrade``, ``trajcheck teams ...``, ``trajcheck keys ...``.

Every command reads the database URL from ``--database-url`` or
``TRAJCHECK_DATABASE_URL`` (default: SQLite ``trajcheck.db`` in the current folder).
"""

from __future__ import annotations

__all__ = ["add_service_commands"]

import argparse
import json
import sys
from typing import Any

from api.settings import Settings


def add_service_commands(sub: Any) -> None:
    """Add the service's sub-commands to the ``trajcheck`` parser."""
    s = sub.add_parser("serve", help="run the HTTP API (uvicorn); settings from TRAJCHECK_*")
    _db_option(s)
    s.add_argument("--host", help="interface (default 127.0.0.1, TRAJCHECK_HOST)")
    s.add_argument("--port", type=int, help="port (default 8000, TRAJCHECK_PORT)")
    s.add_argument("--workers", type=int, help="worker processes (default 1, TRAJCHECK_WORKERS)")
    s.set_defaults(func=_cmd_serve)

    d = sub.add_parser("db", help="database schema")
    dsub = d.add_subparsers(dest="db_command", required=True)
    up = dsub.add_parser("upgrade", help="apply the migrations (alembic upgrade head)")
    _db_option(up)
    up.set_defaults(func=_cmd_db_upgrade)

    t = sub.add_parser("teams", help="create or list teams")
    tsub = t.add_subparsers(dest="teams_command", required=True)
    tc = tsub.add_parser("create", help="create (or rename) a team")
    tc.add_argument("team_id")
    tc.add_argument("--name", default="")
    _db_option(tc)
    tc.set_defaults(func=_cmd_teams_create)
    ta = tsub.add_parser("assign", help="put managers in a team")
    ta.add_argument("team_id")
    ta.add_argument("manager_ids", nargs="+")
    _db_option(ta)
    ta.set_defaults(func=_cmd_teams_assign)
    tl = tsub.add_parser("list", help="list teams")
    _db_option(tl)
    tl.set_defaults(func=_cmd_teams_list)

    k = sub.add_parser("keys", help="create, list or revoke API keys")
    ksub = k.add_subparsers(dest="keys_command", required=True)
    kc = ksub.add_parser("create", help="create a key and print its secret once")
    kc.add_argument("--role", required=True, choices=("platform", "supervisor", "admin"))
    kc.add_argument("--team", action="append", default=[], help="a supervisor's team (repeat)")
    kc.add_argument("--name", default="")
    _db_option(kc)
    kc.set_defaults(func=_cmd_keys_create)
    kl = ksub.add_parser("list", help="list keys (never their secrets)")
    _db_option(kl)
    kl.set_defaults(func=_cmd_keys_list)
    kr = ksub.add_parser("revoke", help="revoke a key")
    kr.add_argument("key_id", type=int)
    _db_option(kr)
    kr.set_defaults(func=_cmd_keys_revoke)


def _db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database-url",
        help="SQLAlchemy URL (default TRAJCHECK_DATABASE_URL or sqlite:///trajcheck.db)",
    )


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {
        name: getattr(args, name)
        for name in ("database_url", "host", "port", "workers")
        if getattr(args, name, None) is not None
    }
    return Settings(**overrides)


def _engine(args: argparse.Namespace) -> Any:
    from api.db import make_engine, upgrade

    engine = make_engine(_settings(args).database_url)
    upgrade(engine)
    return engine


def _cmd_serve(args: argparse.Namespace) -> int:
    import os

    import uvicorn

    settings = _settings(args)
    os.environ["TRAJCHECK_DATABASE_URL"] = settings.database_url
    engine = _engine(args)  # migrate once, before any worker starts
    engine.dispose()
    print(
        f"trajcheck: serving on http://{settings.host}:{settings.port} "
        f"(database {settings.database_url.split('@')[-1]}; docs at /docs)",
        file=sys.stderr,
    )
    uvicorn.run(
        "api.main:app",
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_level="info",
    )
    return 0


def _cmd_db_upgrade(args: argparse.Namespace) -> int:
    _engine(args).dispose()
    print("trajcheck: database schema is up to date")
    return 0


def _cmd_teams_create(args: argparse.Namespace) -> int:
    from api import repo

    engine = _engine(args)
    with repo.writing(engine) as conn:
        repo.upsert_team(conn, args.team_id, args.name)
    print(json.dumps({"team_id": args.team_id, "name": args.name}, ensure_ascii=False))
    return 0


def _cmd_teams_assign(args: argparse.Namespace) -> int:
    from api import repo

    engine = _engine(args)
    with repo.writing(engine) as conn:
        if not repo.team_exists(conn, args.team_id):
            print(f"trajcheck: error: no team {args.team_id!r}", file=sys.stderr)
            return 2
        for manager_id in args.manager_ids:
            repo.assign_manager(conn, manager_id, args.team_id)
    print(json.dumps({"team_id": args.team_id, "managers": args.manager_ids}, ensure_ascii=False))
    return 0


def _cmd_teams_list(args: argparse.Namespace) -> int:
    from api import repo

    with _engine(args).connect() as conn:
        print(json.dumps(repo.list_teams(conn), ensure_ascii=False, indent=2))
    return 0


def _cmd_keys_create(args: argparse.Namespace) -> int:
    from api import repo
    from api.auth import new_secret

    if args.role == "supervisor" and not args.team:
        print("trajcheck: error: a supervisor key needs --team", file=sys.stderr)
        return 2
    engine = _engine(args)
    secret = new_secret()
    with repo.writing(engine) as conn:
        missing = [t for t in args.team if not repo.team_exists(conn, t)]
        if missing:
            print(f"trajcheck: error: no team {missing[0]!r}", file=sys.stderr)
            return 2
        key = repo.create_key(
            conn, secret=secret, name=args.name, role=args.role, team_ids=sorted(set(args.team))
        )
    print(json.dumps({**key.to_dict(), "key": secret}, ensure_ascii=False, indent=2))
    print("trajcheck: the key is shown once; store it now", file=sys.stderr)
    return 0


def _cmd_keys_list(args: argparse.Namespace) -> int:
    from api import repo

    with _engine(args).connect() as conn:
        print(json.dumps([k.to_dict() for k in repo.list_keys(conn)], indent=2))
    return 0


def _cmd_keys_revoke(args: argparse.Namespace) -> int:
    from api import repo

    with repo.writing(_engine(args)) as conn:
        done = repo.revoke_key(conn, args.key_id)
    if not done:
        print(f"trajcheck: error: no live key {args.key_id}", file=sys.stderr)
        return 2
    print(f"trajcheck: key {args.key_id} revoked")
    return 0
