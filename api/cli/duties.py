"""``trajcheck assess keywords | supervisor | chat-trend``: the duties beside the scorecard.

``keywords``    the management center's queue of reasons without keywords, suggested
                keywords each, and how often the top suggestion was the center's choice
``supervisor``  a district GM's or city director's daily help owed and given
``chat-trend``  distinct chat buyers per manager and week (should keep rising)

Inputs are folders (``--data`` part 1's exports and ``--marketing``) or the service's
database (``--database-url``); ``--json`` writes the API's body, so both agree.  Bad
input is one line on stderr naming the option or field, and exit status 2.
"""

from __future__ import annotations

__all__ = ["add_duty_commands"]

import argparse
import datetime as dt
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from api.cli.common import engine_for, parse_day
from trajectory.errors import InputError

#: The longest period one command reads (days), as the API's.
MAX_SPAN_DAYS = 92


def add_duty_commands(asub: Any) -> None:
    """Add ``keywords``, ``supervisor`` and ``chat-trend`` to ``trajcheck assess``."""
    k = asub.add_parser("keywords", help="the management center's keyword queue, suggestions")
    _inputs(k, scoped=True)
    k.set_defaults(func=_cmd_keywords, default_days=7)
    s = asub.add_parser("supervisor", help="a supervisor's daily help owed and given")
    s.add_argument("supervisor_id", help="a district GM or city director (people import)")
    _inputs(s, scoped=False)
    s.set_defaults(func=_cmd_supervisor, default_days=7)
    c = asub.add_parser("chat-trend", help="distinct chat buyers per manager and week")
    _inputs(c, scoped=True)
    c.set_defaults(func=_cmd_chat_trend, default_days=28)


def _inputs(p: argparse.ArgumentParser, *, scoped: bool) -> None:
    p.add_argument("--from", dest="date_from", help="first local day YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", help="last local day YYYY-MM-DD (default today)")
    if scoped:
        p.add_argument("--team", action="append", default=[], help="only this team (repeat)")
        p.add_argument("--manager", action="append", default=[], help="only this manager")
    p.add_argument("--data", type=Path, help="folder of part 1's exports (default: database)")
    p.add_argument("--marketing", type=Path, help="folder of marketing files (with --data)")
    p.add_argument("--database-url", help="SQLAlchemy URL when not --data")
    p.add_argument("--config", type=Path, help="assessment TOML (part 1)")
    p.add_argument("--marketing-config", type=Path, help="marketing TOML")
    p.add_argument("--json", dest="json_out", type=Path, help="write the API's JSON body here")
    p.add_argument("--csv", type=Path, help="write the rows as CSV here")
    p.add_argument("--html", type=Path, help="write the page here")
    p.add_argument("--lang", choices=("en", "zh"), default="en", help="labels of the page")


def _cmd_keywords(args: argparse.Namespace) -> int:
    from assessment.duties import keyword_queue_between
    from assessment.duties_html import render_keyword_queue
    from assessment.keywords import top1_agreement

    _, mcfg, first, last, data, mk = _load(args)
    queue, checked = keyword_queue_between(mk, data.people, first, last, mcfg)
    queue = _scope(queue, args)
    share, tried = top1_agreement(checked, mk.keywords)
    page = render_keyword_queue(
        queue, first, last, agreement=(share, tried), timezone=mcfg.timezone, lang=args.lang
    )
    extra = {"agreement": round(share, 4), "tried": tried}
    _outputs(args, queue, mcfg.timezone, first, last, extra, page)
    print(f"{len(queue)} reason(s) to key, {first} .. {last}; top suggestion was the center's "
          f"choice for {round(share * tried)} of {tried} keyed reasons")  # fmt: skip
    for r in queue.itertuples(index=False):
        print(f"  {str(r.date)[:10]} {r.manager_id} {r.buyer_id} {r.reason}  ->  "
              f"{'; '.join(r.suggested)}")  # fmt: skip
    return 0


def _cmd_supervisor(args: argparse.Namespace) -> int:
    from assessment.duties import helper_plans, supervisor_help_between
    from assessment.duties_html import render_supervisor_help
    from assessment.export import to_records
    from assessment.marketing import HELPER_ROLES

    acfg, mcfg, first, last, data, mk = _load(args)
    people = data.people.set_index("person_id")["role"]
    role = people.get(args.supervisor_id)
    if role is None:
        raise InputError("supervisor_id", None, "person_id", f"no person {args.supervisor_id!r}")
    if role not in HELPER_ROLES:
        why = f"{args.supervisor_id!r} is a {role}: the daily help is a district GM's or city "
        why += "director's"
        raise InputError("supervisor_id", None, "role", why)
    rows = supervisor_help_between(
        data, mk, first, last, args.supervisor_id, config=mcfg, assess_config=acfg
    )
    plans = helper_plans(mk.help_plans, data.people, args.supervisor_id, first, last)
    helped = int(rows["helped"].sum()) if len(rows) else 0
    page = render_supervisor_help(
        rows, args.supervisor_id, first, last, plans=plans, lang=args.lang
    )
    extra = {"supervisor_id": args.supervisor_id, "due": len(rows), "helped": helped,
             "open": len(rows) - helped, "plans": to_records(plans, mcfg.timezone)}  # fmt: skip
    _outputs(args, rows, mcfg.timezone, first, last, extra, page)
    print(f"{args.supervisor_id} {first} .. {last}: owed {len(rows)}, helped {helped}, "
          f"open {len(rows) - helped}")  # fmt: skip
    for r in rows.itertuples(index=False):
        state = "helped" if r.helped else "OPEN"
        print(f"  {str(r.date)[:10]} {r.manager_id} {r.gap}: {state} {r.helpers}")
    return 0


def _cmd_chat_trend(args: argparse.Namespace) -> int:
    from assessment.duties import chat_trend
    from assessment.duties_html import render_chat_trend

    _, mcfg, first, last, data, mk = _load(args)
    rec = mk.marketing
    day = rec["slot_start"].dt.tz_convert(mcfg.timezone).dt.date
    trend = chat_trend(rec.loc[(day >= first) & (day <= last)], data.people, mcfg.timezone)
    trend = _scope(trend, args)
    page = render_chat_trend(trend, first, last, lang=args.lang)
    _outputs(args, trend, mcfg.timezone, first, last, {}, page)
    import pandas as pd

    print(f"{'manager':<8} {'week':<10} {'days':>4} {'chat':>4} {'change':>6}  trend")
    for r in trend.itertuples(index=False):
        change = "" if pd.isna(r.change) else f"{int(r.change):+d}"
        print(f"{r.manager_id:<8} {str(r.week)[:10]:<10} {r.days:>4} {r.chat_buyers:>4} "
              f"{change:>6}  {r.trend}")  # fmt: skip
    return 0


# ------------------------------------------------------------------ helpers


def _period(args: argparse.Namespace, timezone: str) -> tuple[dt.date, dt.date]:
    last = parse_day(args.date_to, "--to") if args.date_to else dt.datetime.now(
        ZoneInfo(timezone)
    ).date()  # fmt: skip
    first = (
        parse_day(args.date_from, "--from")
        if args.date_from
        else last - dt.timedelta(days=args.default_days - 1)
    )
    if first > last:
        raise InputError("--from", None, None, f"{first} is after --to ({last})")
    if (last - first).days + 1 > MAX_SPAN_DAYS:
        raise InputError("--from", None, None, f"the period is longer than {MAX_SPAN_DAYS} days")
    return first, last


def _load(args: argparse.Namespace) -> tuple[Any, Any, dt.date, dt.date, Any, Any]:
    """Both configurations, the period, part 1's dataset and the marketing frames."""
    from assessment.config import load_assess_config
    from assessment.marketing_config import load_marketing_config

    acfg = load_assess_config(args.config)
    mcfg = load_marketing_config(args.marketing_config, timezone=acfg.timezone)
    first, last = _period(args, mcfg.timezone)
    if args.data is None:
        from api.db.assess import load_dataset
        from api.db.marketing import load_marketing

        with engine_for(args.database_url).connect() as conn:
            data = load_dataset(conn)
            mk = load_marketing(conn, first, last, mcfg)
        return acfg, mcfg, first, last, data, mk
    from api.cli.scorecards import read_folders

    data, mk = read_folders(args, acfg, mcfg)
    return acfg, mcfg, first, last, data, mk


def _scope(frame: Any, args: argparse.Namespace) -> Any:
    if args.team:
        frame = frame.loc[frame["team_id"].isin(args.team)]
    if args.manager:
        frame = frame.loc[frame["manager_id"].isin(args.manager)]
    return frame.reset_index(drop=True)


def _outputs(
    args: argparse.Namespace, frame: Any, timezone: str, first: dt.date, last: dt.date,
    extra: dict[str, Any], page: str,
) -> None:  # fmt: skip
    from assessment.export import to_records, write_table

    if args.csv is not None:
        flat = frame.copy()
        if "suggested" in flat:
            flat["suggested"] = flat["suggested"].map("; ".join)
        write_table(flat, args.csv, timezone)
    items = to_records(frame, timezone)
    body: dict[str, Any] = {"first": first.isoformat(), "last": last.isoformat()}
    if "supervisor_id" in extra:
        body = {"supervisor_id": extra.pop("supervisor_id"), **body}
    else:
        body["total"] = len(items)
    plans = extra.pop("plans", None)
    body.update(extra)
    body["items"] = items
    if plans is not None:
        body["plans"] = plans
    if args.json_out is not None:
        _write(args.json_out, json.dumps(body, ensure_ascii=False, indent=1) + "\n")
    if args.html is not None:
        _write(args.html, page)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
