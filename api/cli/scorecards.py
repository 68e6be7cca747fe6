"""``trajcheck assess day`` and ``trajcheck assess five-day``: scorecards, files or database.

Inputs are either folders: part 1's exports (``--data``), the marketing kinds
(``--marketing``) and the verification results of ``trajcheck daily``
(``--results``: ``<date>/days/<manager>.json``; the map report beside each result,
``<manager>.html``, is what the HTML links to); or, without ``--data``, the service's
database (``--database-url`` or ``TRAJCHECK_DATABASE_URL``): part 1's tables, the
marketing tables (``trajcheck assess import``) and the stored verification results
(``--results`` still reads results and links maps from a folder when given).  Both
give the same scorecards.  Outputs: JSON, CSV and HTML in ``--out``.  Every
:class:`~trajectory.errors.TrajcheckError` is one line on stderr and exit
status 2 (``api.cli.main``).
"""

from __future__ import annotations

__all__ = ["add_scorecard_commands", "read_folders"]

import argparse
import datetime as dt
import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from api.cli.common import engine_for, parse_day
from trajectory.errors import InputError


def add_scorecard_commands(asub: Any) -> None:
    """Add ``day`` and ``five-day`` to the ``trajcheck assess`` sub-parsers."""
    d = asub.add_parser("day", help="every field manager's daily scorecard (JSON, CSV, HTML)")
    d.add_argument("--date", required=True, help="local day YYYY-MM-DD")
    d.add_argument("--manager", action="append", default=[], help="only this manager (repeat)")
    _inputs(d)
    d.set_defaults(func=_cmd_day)
    f = asub.add_parser("five-day", help="the 5-day assessment of one field manager")
    f.add_argument("--manager", required=True, help="the field manager to assess")
    f.add_argument("--start", required=True, help="first local day YYYY-MM-DD")
    _inputs(f)
    f.set_defaults(func=_cmd_five_day)


def _inputs(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--data", type=Path, help="folder of part 1's export files (default: the database)"
    )
    p.add_argument("--marketing", type=Path, help="folder of marketing files (with --data)")
    p.add_argument(
        "--database-url",
        help="SQLAlchemy URL when not --data (default TRAJCHECK_DATABASE_URL or "
        "sqlite:///trajcheck.db)",
    )
    p.add_argument("--results", type=Path, help="trajcheck daily outputs: <date>/days/*.json")
    p.add_argument("--out", type=Path, required=True, help="folder for the JSON, CSV, HTML")
    p.add_argument("--lang", choices=("en", "zh"), default="en", help="page and table labels")
    p.add_argument("--config", type=Path, help="assessment TOML (part 1)")
    p.add_argument("--marketing-config", type=Path, help="marketing TOML (targets, hours ...)")


def _configs(args: argparse.Namespace) -> tuple[Any, Any]:
    from assessment.config import load_assess_config
    from assessment.marketing_config import load_marketing_config

    acfg = load_assess_config(args.config)
    return acfg, load_marketing_config(args.marketing_config, timezone=acfg.timezone)


def _load(
    args: argparse.Namespace, days: list[dt.date], manager_id: str | None = None
) -> tuple[Any, Any, list[dict[str, Any]], Any, Any]:
    """Part 1's dataset, the marketing frames, the days' results and both configs."""
    acfg, mcfg = _configs(args)
    if args.data is None:
        from api.db.marketing import scorecard_inputs

        with engine_for(args.database_url).connect() as conn:
            data, mk, bodies = scorecard_inputs(conn, days, mcfg, manager_id=manager_id)
        if args.results is not None:
            bodies = _results(args.results, days)
        return data, mk, bodies, acfg, mcfg
    data, mk = read_folders(args, acfg, mcfg)
    return data, mk, _results(args.results, days), acfg, mcfg


def read_folders(args: argparse.Namespace, acfg: Any, mcfg: Any) -> tuple[Any, Any]:
    """Part 1's dataset from ``--data`` and the marketing frames from ``--marketing``
    (required with it), the marketing rows checked against the dataset's people and
    buyers."""
    import pandas as pd

    from assessment.io import read_dataset
    from assessment.marketing_data import read_marketing

    if args.marketing is None:
        raise InputError("--marketing", None, None, "required with --data")
    data, _ = read_dataset(args.data, timezone=acfg.timezone)
    known = {
        "people": pd.Index(data.people["person_id"]),
        "buyers": pd.Index(data.buyers["buyer_id"]),
    }
    mk, _ = read_marketing(args.marketing, timezone=mcfg.timezone, known=known)
    return data, mk


def _results(folder: Path | None, days: list[dt.date]) -> list[dict[str, Any]]:
    from batch.summary import read_result

    if folder is None:
        return []
    out = []
    for day in days:
        for path in sorted((folder / day.isoformat() / "days").glob("*.json")):
            body = read_result(path)
            if body is not None:
                out.append(body)
    return out


def _map_link(args: argparse.Namespace) -> Any:
    from batch.files import day_stem

    if args.results is None:
        return None
    base = os.path.relpath(args.results, args.out)

    def link(manager_id: str, day: str) -> str:
        # the file is named by day_stem (which holds "%"): every segment percent-encoded
        # again, so that a browser opens that file and not the one the id decodes to
        folder = quote(base.replace(os.sep, "/"))
        return (
            f"{folder}/{quote(day, safe='')}/days/{quote(day_stem(manager_id) + '.html', safe='')}"
        )

    return link


def _cmd_day(args: argparse.Namespace) -> int:
    from assessment.export import to_records, write_table
    from assessment.scorecard import daily_scorecards
    from assessment.scorecard_html import render_team_day

    day = parse_day(args.date, "--date")
    data, mk, bodies, acfg, mcfg = _load(args, [day])
    sc = daily_scorecards(
        data, mk, bodies, day, config=mcfg, assess_config=acfg,
        managers=args.manager or None,
    )  # fmt: skip
    stem = args.out / f"scorecards-{day.isoformat()}"
    cards = sc.cards
    flat = cards.assign(
        failed_items=cards["failed_items"].map(";".join),
        fix_tomorrow=cards["fix_tomorrow"].map(" | ".join),
    )
    write_table(flat, stem.with_suffix(".csv"), mcfg.timezone)
    body = {"date": day.isoformat(), "scorecards": to_records(cards, mcfg.timezone)}
    _write(stem.with_suffix(".json"), json.dumps(body, ensure_ascii=False, indent=1) + "\n")
    page = render_team_day(cards, day, lang=args.lang, map_link=_map_link(args))
    _write(stem.with_suffix(".html"), page)
    _print_cards(cards, args.lang)
    return 0


def _print_cards(cards: Any, lang: str) -> None:
    """One line per manager under a header naming every column: the track's day status,
    the claimed on-site visits the track corroborates (of those claimed), doubts and
    contradicts, and the scorecard's verdict with its failed items."""
    from api.cli.verify_summary import pad
    from maps.i18n import labels

    t = {**labels(lang, "day"), **labels(lang, "scorecard")}
    widths = (8, 14, 14, 10, 14)
    head = ("manager", "cli_track", "cli_claims", "cli_doubtful", "cli_contradicted")
    cells = [pad(t[k], w) for k, w in zip(head, widths, strict=True)]
    print(" ".join(cells) + " " + t["cli_scorecard"])
    for r in cards.itertuples(index=False):
        failed = len(list(r.failed_items))
        verdict = t["pass"] if r.passed else f"{t['fail']} ({failed} {t['cli_items_failed']})"
        status = t.get(str(r.status), str(r.status)).replace("_", " ")
        row = (
            r.manager_id,
            status,
            f"{r.corroborated}/{r.onsite_claims}",
            r.doubtful,
            r.contradicted,
        )
        print(" ".join(pad(str(v), w) for v, w in zip(row, widths, strict=True)) + " " + verdict)


def _cmd_five_day(args: argparse.Namespace) -> int:
    from assessment.export import to_records, write_table
    from assessment.fiveday import five_day_assessment, working_days
    from assessment.scorecard_html import render_five_day

    start = parse_day(args.start, "--start")
    _, mcfg = _configs(args)
    days = list(working_days(start, mcfg.five_days, mcfg.weekmask))
    data, mk, bodies, acfg, mcfg = _load(args, days, args.manager)
    fd = five_day_assessment(
        data, mk, bodies, args.manager, start, config=mcfg,
        assess_config=acfg,
    )  # fmt: skip
    stem = args.out / f"five-day-{args.manager}-{start.isoformat()}"
    flat = fd.cards.assign(
        failed_items=fd.cards["failed_items"].map(";".join),
        fix_tomorrow=fd.cards["fix_tomorrow"].map(" | ".join),
    )
    write_table(flat, stem.with_suffix(".csv"), mcfg.timezone)
    body = {
        **fd.summary(),
        "orders": to_records(fd.orders, mcfg.timezone),
        "scorecards": to_records(fd.cards, mcfg.timezone),
    }
    _write(stem.with_suffix(".json"), json.dumps(body, ensure_ascii=False, indent=1) + "\n")
    _write(stem.with_suffix(".html"), render_five_day(fd, lang=args.lang, map_link=_map_link(args)))
    print(f"{fd.manager_id} {fd.days[0]} .. {fd.days[-1]}: {fd.verdict}")
    for reason in fd.reasons:
        print(f"  - {reason}")
    return 0


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
