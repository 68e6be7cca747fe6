"""``trajcheck week``: a manager's week (or month) from a folder of result JSON files.

Reads every day result (``*.json`` holding the result keys, in ``--results`` and its
sub-folders, as ``trajcheck daily`` writes them) of ``--manager`` from ``--from`` to
``--to``, clusters the unexplained stays into recurring places
(:func:`trajectory.week.summarize_week`, with ``place_radius_m`` and
``place_min_visits`` of ``--config``) and writes the week page (:func:`maps.week.render_week`;
each day links to the ``.html`` report beside its result file when there is one) and,
with ``--json``, the week document.
"""

from __future__ import annotations

__all__ = ["add_week_command", "read_manager_results"]

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

from api.cli.common import EXIT_OK, add_map_options, parse_day
from trajectory.errors import InputError

#: The longest range one page shows (days).
MAX_DAYS = 92


def add_week_command(sub: Any) -> None:
    """Add ``week`` to the ``trajcheck`` sub-commands."""
    w = sub.add_parser(
        "week",
        help="a manager's week or month from result JSON files: one row per day and the "
        "recurring unexplained places on one map",
    )
    w.add_argument("--manager", required=True, help="the manager_id")
    w.add_argument("--from", dest="first", required=True, help="first date YYYY-MM-DD")
    w.add_argument("--to", dest="last", required=True, help="last date YYYY-MM-DD (inclusive)")
    w.add_argument(
        "--results",
        type=Path,
        required=True,
        help="folder of day result JSON files (searched with its sub-folders, e.g. the "
        "output of trajcheck daily); a report NAME.html beside NAME.json is linked",
    )
    w.add_argument("--html", type=Path, required=True, help="write the week page here")
    w.add_argument("--json", type=Path, help="also write the week document (JSON) here")
    w.add_argument(
        "--config",
        type=Path,
        help="TOML configuration: place_radius_m (default 100) and place_min_visits "
        "(default 3) define a recurring place",
    )
    add_map_options(w)
    w.set_defaults(func=_cmd_week)


def _cmd_week(args: argparse.Namespace) -> int:
    from maps.week import render_week
    from trajectory.config import load_config
    from trajectory.week import summarize_week

    first, last = parse_day(args.first, "--from"), parse_day(args.last, "--to")
    if last < first or (last - first).days >= MAX_DAYS:
        raise InputError("--to", None, None, f"must be 0 to {MAX_DAYS - 1} days after --from")
    config = load_config(args.config)
    found = read_manager_results(args.results, args.manager, first, last)
    if not found:
        raise InputError(
            str(args.results), None, None, f"no results of {args.manager} from {first} to {last}"
        )
    week = summarize_week(
        [data for _, data in found],
        manager_id=args.manager,
        first=first,
        last=last,
        radius_m=config.place_radius_m,
        min_visits=config.place_min_visits,
    )
    out_dir = args.html.resolve().parent
    links = {
        str(data["date"]): _relative_href(path.with_suffix(".html"), out_dir)
        for path, data in found
        if path.with_suffix(".html").is_file()
    }
    page = render_week(week, links=links, lang=args.lang, tiles=args.tiles, offline=args.offline)
    args.html.parent.mkdir(parents=True, exist_ok=True)
    args.html.write_text(page, encoding="utf-8")
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(week, ensure_ascii=False, indent=1), encoding="utf-8")
    days = sum(1 for d in week["days"] if d["status"] is not None)
    print(
        f"{args.manager}: {days} day(s) with a result, {len(week['places'])} recurring "
        f"place(s) -> {args.html}",
        file=sys.stderr,
    )
    return EXIT_OK


def read_manager_results(
    folder: Path, manager_id: str, first: dt.date, last: dt.date
) -> list[tuple[Path, dict[str, Any]]]:
    """(path, result dict) of the manager's day results from ``first`` to ``last``, one per
    date (a result with a report beside it first, then by path), in date order."""
    from trajectory.result import RESULT_KEYS

    if not folder.is_dir():
        raise InputError(str(folder), None, None, "not a folder of result JSON files")
    chosen: dict[str, tuple[Path, dict[str, Any]]] = {}
    lo, hi = first.isoformat(), last.isoformat()
    for path in sorted(folder.rglob("*.json")):
        data = _read_json(path)
        if not isinstance(data, dict) or not all(k in data for k in RESULT_KEYS):
            continue
        date = str(data["date"])
        if str(data["manager_id"]) != manager_id or not lo <= date <= hi:
            continue
        kept = chosen.get(date)
        if kept is None or (
            not kept[0].with_suffix(".html").is_file() and path.with_suffix(".html").is_file()
        ):
            chosen[date] = (path, data)
    return [chosen[d] for d in sorted(chosen)]


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(str(path), None, None, f"not valid JSON: {exc}") from exc


def _relative_href(target: Path, start: Path) -> str:
    """URL-quoted POSIX path of ``target`` relative to the folder ``start``."""
    return quote(Path(os.path.relpath(target.resolve(), start)).as_posix())
