"""``trajcheck verify``, ``demo`` and ``report``: one manager-day from files.

``trajcheck verify`` verifies one manager-day from files and prints the result
JSON; ``trajcheck demo`` verifies every bundled sample day; ``trajcheck report``
writes the team's day (index page and overview map) from a folder of results.
"""

from __future__ import annotations

__all__ = ["add_verify_commands", "read_expected", "verify_files", "verify_sample"]

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from api.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    add_map_options,
    add_stores_options,
    known_places_for,
)
from trajectory.config import CRS_NAMES, load_config

SAMPLES_DIR = Path(__file__).resolve().parent.parent.parent / "sample_tracks"


def add_verify_commands(sub: Any) -> None:
    """``verify``, ``demo`` and ``report``."""
    _add_verify(sub)
    d = sub.add_parser("demo", help="verify every bundled sample day and print a summary")
    d.add_argument("--samples", type=Path, default=SAMPLES_DIR, help="folder of sample days")
    d.add_argument(
        "--out",
        type=Path,
        default=Path("out/demo"),
        help="folder for each day's result JSON (default out/demo)",
    )
    d.add_argument(
        "--offline",
        action="store_true",
        help="write map reports that need no network (scripts inlined, no background tiles)",
    )
    d.set_defaults(func=_cmd_demo)
    r = sub.add_parser(
        "report", help="write the team's day: an index of every manager and an overview map"
    )
    r.add_argument(
        "--results", required=True, type=Path, help="folder of result JSON files (and day maps)"
    )
    r.add_argument(
        "--out", required=True, type=Path, help="folder for index.html and overview.html"
    )
    r.add_argument("--date", help="the day to report (YYYY-MM-DD); default: the only date present")
    add_map_options(r)
    r.set_defaults(func=_cmd_report)


def _add_verify(sub: Any) -> None:
    v = sub.add_parser("verify", help="verify one manager-day and print the result JSON")
    v.add_argument(
        "--track",
        required=True,
        type=Path,
        help="GPS track: CSV manager_id,timestamp,lat,lon[,accuracy_m,speed_mps], "
        "GeoJSON points, GPX or Parquet",
    )
    v.add_argument(
        "--tasks",
        required=True,
        type=Path,
        help="task list: CSV manager_id,date,seq,store_id,store_name,lat,lon,method"
        "[,reported_visited,market_id,crs] or JSON",
    )
    v.add_argument("--config", type=Path, help="TOML configuration (every key optional)")
    for side in ("track", "store"):
        v.add_argument(
            f"--{side}-crs",
            choices=CRS_NAMES,
            default="wgs84",
            help=f"coordinate system of the {side}{'s' if side == 'store' else ''} (default wgs84)",
        )
    v.add_argument(
        "--json",
        dest="json_out",
        type=Path,
        help="write the result JSON to this file, or to stdout with '-' (default: a short "
        "summary on a terminal, the JSON when stdout is a pipe or a file)",
    )
    v.add_argument("--manager-id", help="select one manager when the task list holds several")
    v.add_argument("--date", help="select one date (YYYY-MM-DD) when the task list holds several")
    v.add_argument(
        "--skip-bad-rows",
        action="store_true",
        help="leave bad rows out and list them in the result instead of stopping at the first one",
    )
    v.add_argument(
        "--include-track",
        action="store_true",
        help="add the cleaned fixes to the JSON (for map rendering elsewhere)",
    )
    v.add_argument("--html", type=Path, help="also write the day's map report (one HTML file) here")
    add_map_options(v)
    add_stores_options(v)
    v.set_defaults(func=_cmd_verify)


def _cmd_verify(args: argparse.Namespace) -> int:
    result = verify_files(
        args.track,
        args.tasks,
        args.config,
        track_crs=args.track_crs,
        store_crs=args.store_crs,
        manager_id=args.manager_id,
        date=args.date,
        on_bad_row="skip" if args.skip_bad_rows else "raise",
        known_places=known_places_for(args),
    )
    if args.html is not None:
        from maps.day import write_day

        write_day(result, args.html, lang=args.lang, tiles=args.tiles, offline=args.offline)
    data = result.to_dict(include_track=args.include_track)
    if result.integrity.status == "suspicious":
        kinds = ", ".join(sorted({f.kind for f in result.integrity.flags}))
        print(f"trajcheck: track integrity suspicious ({kinds})", file=sys.stderr)
    text = json.dumps(data, ensure_ascii=False, indent=2)
    dash = args.json_out is not None and str(args.json_out) == "-"
    if args.json_out is not None and not dash:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(text + "\n", encoding="utf-8")
    if dash or (args.json_out is None and not sys.stdout.isatty()):
        sys.stdout.write(text + "\n")  # for programs: pipes, files, --json -
    elif sys.stdout.isatty():  # for a person
        from api.cli.verify_summary import summary_text

        sys.stdout.write(summary_text(data, args.lang))
    return EXIT_OK


def verify_files(track: Path, tasks: Path, config: Path | None, **kwargs: Any) -> Any:
    from trajectory.integrity import track_fingerprints
    from trajectory.io import read_tasks, read_track
    from trajectory.pipeline import verify_day

    cfg = load_config(config)
    on_bad_row = kwargs.pop("on_bad_row")
    vtasks = read_tasks(tasks, on_bad_row=on_bad_row)
    vtrack = read_track(track, timezone=cfg.timezone, on_bad_row=on_bad_row)
    frame = vtrack.frame
    if kwargs.get("manager_id") is not None:
        frame = frame.loc[frame["manager_id"].astype(str) == str(kwargs["manager_id"])]
    if frame["manager_id"].nunique() == 1:  # the file's other days: replays of them are flagged
        kwargs["other_days"] = track_fingerprints(
            frame, cfg.timezone, kwargs.get("track_crs", "wgs84")
        )
    return verify_day(vtrack, vtasks, cfg, on_bad_row=on_bad_row, **kwargs)


def _cmd_demo(args: argparse.Namespace) -> int:
    from maps.day import write_day

    days = sorted(p for p in args.samples.iterdir() if (p / "track.csv").is_file())
    if not days:
        print(
            f"trajcheck: error: {args.samples}: no sample days (folders with track.csv)",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    args.out.mkdir(parents=True, exist_ok=True)
    header = f"{'sample':<16} {'on_time':<13} {'clear':<13} {'count':<13} stays  verdict (expected)"
    print(header)
    print("-" * len(header))
    for day in days:
        expected, result = verify_sample(day)
        data = result.to_dict()
        (args.out / f"{day.name}.json").write_text(
            json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        write_day(result, args.out / f"{day.name}.html", offline=args.offline)
        checks = data["checks"]
        want = expected.get("expected", {})
        wrong = [
            k
            for k, v in want.items()
            if checks[k]["status"] != "inconclusive" and checks[k]["passed"] != v
        ]
        unsure = [k for k in want if checks[k]["status"] == "inconclusive"]
        note = (
            "UNEXPECTED"
            if wrong
            else ("as expected" if not unsure else "GPS cannot tell; expected " + _verdicts(want))
        )
        cells = [
            f"{checks[k]['status']:<13}"
            for k in ("on_time_arrival", "trajectory_clear", "visit_count_match")
        ]
        print(
            f"{day.name:<16} {' '.join(cells)} {len(data['stay_points']):>5}  "
            f"{data['status']} ({note})"
        )
    print(f"\nResult JSON and map report (.html) for each day: {args.out}/")
    from maps.team import write_team_report

    index = write_team_report(args.out, args.out / "team", offline=args.offline)
    print(f"The team's day (sortable index and overview map): {index}")
    return EXIT_OK


def _cmd_report(args: argparse.Namespace) -> int:
    from maps.team import write_team_report

    notes: list[str] = []
    index = write_team_report(
        args.results,
        args.out,
        date=args.date,
        lang=args.lang,
        tiles=args.tiles,
        offline=args.offline,
        notes=notes,
    )
    for note in notes:  # several results for one manager-day: say which one counts
        print(f"trajcheck report: {note}", file=sys.stderr)
    print(index)
    return EXIT_OK


def _verdicts(want: dict[str, bool]) -> str:
    return "/".join("pass" if want[k] else "fail" for k in want)


def verify_sample(day: Path) -> tuple[dict[str, Any], Any]:
    """A sample day's ``expected.json`` and its verified :class:`DayResult`."""
    expected = read_expected(day)
    cfg = day / "config.toml"
    result = verify_files(
        day / "track.csv",
        day / "tasks.csv",
        cfg if cfg.is_file() else None,
        track_crs=expected.get("track_crs", "wgs84"),
        store_crs=expected.get("store_crs", "wgs84"),
        manager_id=None,
        date=None,
        on_bad_row="raise",
    )
    return expected, result


def read_expected(day: Path) -> dict[str, Any]:
    path = day / "expected.json"
    if not path.is_file():
        return {}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data
