"""``trajcheck assess ...``: import exports, report buyers and declared orders, reassign buyers.

``import`` stores rows in the service's database (``--database-url`` or
``TRAJCHECK_DATABASE_URL``); ``buyers`` and ``orders`` read either that
database or, with ``--data DIR``, a folder of export files (no database at
all).  Every :class:`~trajectory.errors.TrajcheckError` becomes one line on
stderr naming the file, row and field, and exit status 2 (``api.cli.main``).
"""

from __future__ import annotations

__all__ = ["add_assess_commands"]

import argparse
import datetime as dt
import json
import sys
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from api.cli.common import engine_for, parse_day
from trajectory.config import CRS_NAMES
from trajectory.errors import InputError

#: Import order of the kinds (a kind refers only to those before it).
_KIND_ORDER = ("areas", "clusters", "people", "brands", "buyers", "orders", "declarations")
#: The marketing kinds (issue 7), imported after part 1's (they refer to people and buyers).
_MARKETING_KINDS = ("windows", "keywords", "marketing", "chat_reports", "summaries", "help_plans")


def add_assess_commands(sub: Any) -> None:
    """Add ``assess`` and its sub-commands to the ``trajcheck`` parser."""
    a = sub.add_parser("assess", help="buyers and orders of the assessment scheme")
    asub = a.add_subparsers(dest="assess_command", required=True)

    imp = asub.add_parser("import", help="import export files into the database (idempotent)")
    imp.add_argument("files", nargs="+", type=Path, help="CSV or JSON files named <kind>*.csv")
    imp.add_argument(
        "--kind",
        choices=(*_KIND_ORDER, *_MARKETING_KINDS),
        help="the kind of every file (default: from its name)",
    )
    imp.add_argument("--crs", choices=CRS_NAMES, default="wgs84", help="coordinates' system")
    imp.add_argument(
        "--atomic", action="store_true", help="store nothing of a file that has a bad row"
    )
    _common(imp, data=False)
    imp.set_defaults(func=_cmd_import)

    b = asub.add_parser("buyers", help="targets, status, grade, ranking, rights of every buyer")
    _common(b, data=True)
    b.add_argument(
        "--view",
        choices=("all", "targets", "due"),
        default="all",
        help="every buyer, target buyers only, or those due for reassignment",
    )
    b.add_argument("--status", action="append", default=[], help="keep these statuses (repeat)")
    b.add_argument("--grade", action="append", default=[], help="keep these grades (repeat)")
    _outputs(b)
    b.set_defaults(func=_cmd_buyers)

    o = asub.add_parser("orders", help="declared vs actual orders per declaration, manager, team")
    _common(o, data=True)
    o.add_argument("--from", dest="date_from", help="declarations from this day (YYYY-MM-DD)")
    o.add_argument("--to", dest="date_to", help="declarations up to this day (YYYY-MM-DD)")
    _outputs(o)
    o.set_defaults(func=_cmd_orders)

    g = asub.add_parser("agency", help="agents supplied their own brand (legacy agency brands)")
    _common(g, data=True)
    _outputs(g)
    g.set_defaults(func=_cmd_agency)

    _add_rights_commands(asub)

    from api.cli.scorecards import add_scorecard_commands  # issue 7: day, five-day

    add_scorecard_commands(asub)
    from api.cli.duties import add_duty_commands  # issue 15: keywords, supervisor, chat-trend

    add_duty_commands(asub)


def _add_rights_commands(asub: Any) -> None:
    """``reassign`` and ``history``: the database, or a folder of exports (``--data``)."""
    r = asub.add_parser("reassign", help="hand a buyer to another field manager (recorded)")
    r.add_argument("buyer_id", help="the buyer to reassign")
    r.add_argument("--to", dest="manager_id", required=True, help="the new field manager")
    r.add_argument("--at", help="when (ISO 8601 with offset, or YYYY-MM-DD local); default now")
    r.add_argument("--reason", default="", help="why (kept in the history)")
    r.add_argument(
        "--force",
        action="store_true",
        help="inside the holder's 2 months or an activated buyer (needs --reason)",
    )
    _common(r, data=False)
    _folder(r)
    r.set_defaults(func=_cmd_reassign)
    h = asub.add_parser("history", help="a buyer's assignment history")
    h.add_argument("buyer_id", help="the buyer whose assignments to list")
    _common(h, data=False)
    _folder(h)
    h.set_defaults(func=_cmd_history)


def _common(parser: argparse.ArgumentParser, *, data: bool) -> None:
    parser.add_argument("--config", type=Path, help="assessment TOML (thresholds, timezone)")
    parser.add_argument(
        "--database-url",
        help="SQLAlchemy URL (default TRAJCHECK_DATABASE_URL or sqlite:///trajcheck.db)",
    )
    if data:
        parser.add_argument(
            "--data", type=Path, help="read a folder of export files instead of the database"
        )
        parser.add_argument("--as-of", help="report as of this local day (default today)")
        parser.add_argument("--team", action="append", default=[], help="only this team (repeat)")
        parser.add_argument("--manager", action="append", default=[], help="only this manager")


def _folder(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data",
        type=Path,
        help="a folder of export files instead of the database (buyers.csv is rewritten, "
        "the hand-over appended to reassignments.jsonl)",
    )


def _outputs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--csv", type=Path, help="write the table(s) as CSV here")
    parser.add_argument("--json", dest="json_out", type=Path, help="write JSON here")
    parser.add_argument("--html", type=Path, help="write a sortable, filterable HTML page here")
    parser.add_argument("--lang", choices=("en", "zh"), default="en", help="HTML labels")


# ------------------------------------------------------------------ commands


def _cmd_import(args: argparse.Namespace) -> int:
    from api.db.assess import import_rows
    from api.db.marketing import import_marketing, marketing_kind_of
    from assessment.io import kind_of, raw_from_csv, raw_from_records, records_of
    from assessment.marketing_data import marketing_raw_from_csv, marketing_raw_from_records

    cfg = _config(args)
    engine = engine_for(args.database_url)
    files = [(args.kind or marketing_kind_of(f) or kind_of(f), f) for f in args.files]
    order = (*_KIND_ORDER, *_MARKETING_KINDS)
    files.sort(key=lambda kf: order.index(kf[0]))
    status = 0
    for kind, file in files:
        source = str(file)
        marketing = kind in _MARKETING_KINDS
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise InputError(source, None, None, f"cannot read file ({exc.strerror})") from exc
        if file.suffix.lower() == ".json":
            try:
                parsed = json.loads(data.decode("utf-8-sig"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise InputError(source, None, None, f"not valid JSON ({exc})") from exc
            items = records_of(parsed, kind, source)
            from_records = marketing_raw_from_records if marketing else raw_from_records
            raw, problems = from_records(items, kind, source)
        else:
            from_csv = marketing_raw_from_csv if marketing else raw_from_csv
            raw, problems = from_csv(data, kind, source)
        importer = import_marketing if marketing else partial(import_rows, crs=args.crs)
        report = importer(
            engine,
            kind,
            raw,
            problems,
            source=source,
            timezone=cfg.timezone,
            atomic=args.atomic,
        )
        for p in report.rejected:
            print(f"trajcheck: rejected: {p}", file=sys.stderr)
        print(
            f"{source}: {kind}: {report.received} rows, {report.stored} stored, "
            f"{len({p.row for p in report.rejected})} rejected"
        )
        status = max(status, 1 if report.rejected else 0)
    return status


def _cmd_buyers(args: argparse.Namespace) -> int:
    from assessment.buyers import assess_buyers
    from assessment.export import write_table
    from assessment.html import render_buyers

    cfg = _config(args)
    as_of = _as_of(args, cfg.timezone)
    table = assess_buyers(_dataset(args, cfg), as_of=as_of, config=cfg)
    table = _scope(table, args, manager_column="manager_id")
    if args.view == "targets":
        table = table.loc[table["is_target"]]
    elif args.view == "due":
        table = table.loc[table["rights"] == "due"].sort_values(["due_date", "buyer_id"])
    if args.status:
        table = table.loc[table["status"].isin(args.status)]
    if args.grade:
        table = table.loc[table["grade"].isin(args.grade)]
    table = table.reset_index(drop=True)
    for path in (args.csv, args.json_out):
        if path is not None:
            write_table(table, path, cfg.timezone)
    if args.html is not None:
        _write_text(
            args.html, render_buyers(table, as_of=as_of, timezone=cfg.timezone, lang=args.lang)
        )
    _print_buyer_summary(table, as_of)
    return 0


def _cmd_orders(args: argparse.Namespace) -> int:
    from assessment.export import to_records, write_table
    from assessment.html import render_orders
    from assessment.orders import match_declarations, summarise_matches

    cfg = _config(args)
    as_of = _as_of(args, cfg.timezone)
    data = _dataset(args, cfg)
    decl = data.declarations
    if args.date_from:
        decl = decl.loc[decl["declared_on"] >= parse_day(args.date_from, "--from")]
    if args.date_to:
        decl = decl.loc[decl["declared_on"] <= parse_day(args.date_to, "--to")]
    matches = match_declarations(decl, data.orders, data.people, config=cfg, as_of=as_of)
    matches = _scope(matches, args, manager_column="manager_id")
    matches = matches.sort_values(["declared_on", "manager_id", "buyer_id"]).reset_index(drop=True)
    managers = summarise_matches(matches, "manager_id")
    teams = summarise_matches(matches, "team_id")
    if args.csv is not None:
        stem = args.csv.with_suffix("")
        write_table(matches, args.csv, cfg.timezone)
        write_table(managers, stem.with_name(stem.name + ".managers.csv"), cfg.timezone)
        write_table(teams, stem.with_name(stem.name + ".teams.csv"), cfg.timezone)
    if args.json_out is not None:
        body = {
            "as_of": as_of.isoformat(),
            "by_team": to_records(teams, cfg.timezone),
            "by_manager": to_records(managers, cfg.timezone),
            "declarations": to_records(matches, cfg.timezone),
        }
        _write_text(args.json_out, json.dumps(body, ensure_ascii=False, indent=1) + "\n")
    if args.html is not None:
        page = render_orders(
            matches, managers, teams, timezone=cfg.timezone, lang=args.lang, as_of=as_of
        )
        _write_text(args.html, page)
    _print_order_summary(teams)
    return 0


def _cmd_agency(args: argparse.Namespace) -> int:
    from assessment.duties import agency_report
    from assessment.duties_html import render_agency_conflicts
    from assessment.export import write_table

    cfg = _config(args)
    as_of = _as_of(args, cfg.timezone)
    table = _scope(agency_report(_dataset(args, cfg), as_of=as_of, timezone=cfg.timezone), args,
                   manager_column="manager_id").reset_index(drop=True)  # fmt: skip
    for path in (args.csv, args.json_out):
        if path is not None:
            write_table(table, path, cfg.timezone)
    if args.html is not None:
        _write_text(args.html, render_agency_conflicts(table, lang=args.lang))
    print(f"agents supplied their own brand as of {as_of}: {len(table)}")
    for r in table.itertuples(index=False):
        print(f"  {r.source:<11} {r.buyer_id} {r.brand} {r.ref} {r.boxes} boxes")
    return 0


def _cmd_reassign(args: argparse.Namespace) -> int:
    from api.db import assignments
    from api.db.session import writing

    cfg = _config(args)
    at = _instant(args.at, cfg.timezone) if args.at else dt.datetime.now(dt.UTC)
    if args.data is not None:
        from api.cli.reassign_files import reassign_in_folder

        done = reassign_in_folder(
            args.data, args.buyer_id, args.manager_id, at=at, reason=args.reason,
            force=args.force, config=cfg,
        )  # fmt: skip
        print(json.dumps(done, ensure_ascii=False))
        return 0
    with writing(engine_for(args.database_url)) as conn:
        done = assignments.reassign(
            conn, args.buyer_id, args.manager_id, at=at, reason=args.reason, force=args.force
        )
    print(json.dumps(done, ensure_ascii=False))
    return 0


def _cmd_history(args: argparse.Namespace) -> int:
    from api.db.assignments import assignment_history
    from assessment.export import to_records

    cfg = _config(args)
    if args.data is not None:
        from api.cli.reassign_files import folder_history

        items = folder_history(args.data, args.buyer_id)
        print(json.dumps(items, ensure_ascii=False, indent=1))
        return 0
    with engine_for(args.database_url).connect() as conn:
        frame = assignment_history(conn, [args.buyer_id])
    print(json.dumps(to_records(frame, cfg.timezone), ensure_ascii=False, indent=1))
    return 0


# ------------------------------------------------------------------ helpers


def _config(args: argparse.Namespace) -> Any:
    from assessment.config import load_assess_config

    return load_assess_config(args.config)


def _dataset(args: argparse.Namespace, cfg: Any) -> Any:
    if args.data is not None:
        from assessment.io import read_dataset

        data, _ = read_dataset(args.data, timezone=cfg.timezone)
        return data
    from api.db.assess import load_dataset

    with engine_for(args.database_url).connect() as conn:
        return load_dataset(conn)


def _scope(table: Any, args: argparse.Namespace, *, manager_column: str) -> Any:
    if args.team:
        table = table.loc[table["team_id"].isin(args.team)]
    if args.manager:
        table = table.loc[table[manager_column].isin(args.manager)]
    return table


def _as_of(args: argparse.Namespace, timezone: str) -> dt.date:
    if args.as_of:
        return parse_day(args.as_of, "--as-of")
    return dt.datetime.now(ZoneInfo(timezone)).date()


def _instant(text: str, timezone: str) -> dt.datetime:
    try:
        if len(text) == 10:
            return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(), ZoneInfo(timezone))
        value = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise InputError("--at", None, None, f"not ISO 8601 (got {text!r})") from exc
    return value if value.tzinfo else value.replace(tzinfo=ZoneInfo(timezone))


def _write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _print_buyer_summary(table: Any, as_of: dt.date) -> None:
    print(f"buyers as of {as_of}: {len(table)}")
    for column in ("status", "grade", "rights"):
        counts = table[column].value_counts().sort_index()
        print(f"  {column:<7} " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    print(f"  targets {int(table['is_target'].sum())}")


def _print_order_summary(teams: Any) -> None:
    header = f"{'team':<10} {'decl.':>5} {'sku':>4} {'prod.':>5} {'buyer':>5} {'none':>4}  rate"
    print(header)
    for r in teams.itertuples(index=False):
        print(
            f"{r.team_id or '-':<10} {r.declarations:>5} {r.n_sku:>4} {r.n_product:>5} "
            f"{r.n_buyer:>5} {r.n_none:>4}  {r.match_rate:.0%}"
        )
