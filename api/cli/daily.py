"""``trajcheck daily``: verify every manager-day of a date (see :mod:`batch.run`).

Exit status: 0 when every manager-day was verified (whatever the verdicts), 1 when
any manager-day (or a row without a manager) could not be verified, 2 for input
that stops the whole run (bad arguments, no readable task file or dataset).
"""

from __future__ import annotations

__all__ = ["EXIT_SOME_FAILED", "add_daily_command"]

import argparse
import datetime as dt
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from api.cli.common import add_stores_options, known_places_for
from trajectory.config import CRS_NAMES, load_config
from trajectory.errors import ConfigError

if TYPE_CHECKING:  # the run's modules load when the command runs, not for --help
    from api.db.daystore import SqlDayStore
    from batch.jobs import DayOutcome
    from batch.run import RunReport
    from trajectory.known_places import KnownPlaces

#: Exit status when at least one manager-day ended in error.
EXIT_SOME_FAILED = 1


def add_daily_command(sub: Any) -> None:
    """Add ``daily`` to the ``trajcheck`` sub-commands."""
    p = sub.add_parser(
        "daily",
        help="verify every manager-day of a date (database or files), locally or on Dask",
        description="Verify every manager with fixes or a task list on --date: result JSON, "
        "map report, the team's day index and a summary (CSV, JSON, Parquet).  Re-running "
        "skips manager-days already done unless --force.",
    )
    p.add_argument(
        "--date",
        required=True,
        type=_date,
        help="the local date, YYYY-MM-DD, or 'yesterday' / 'today' in the configured time zone",
    )
    src = p.add_argument_group("input (the database by default, or files)")
    src.add_argument(
        "--database-url",
        help="read points and task lists from the service's database and store the results "
        "there (default TRAJCHECK_DATABASE_URL or sqlite:///trajcheck.db)",
    )
    src.add_argument(
        "--tracks",
        type=Path,
        nargs="+",
        default=[],
        help="track files, folders of them, or a Parquet dataset partitioned by "
        "date=/manager_id= (or by date with a manager_id column)",
    )
    src.add_argument(
        "--tasks", type=Path, nargs="+", default=[], help="task-list file(s), CSV or JSON"
    )
    p.add_argument("--out", type=Path, help="output folder (default out/daily/DATE)")
    p.add_argument("--config", type=Path, help="TOML configuration (as trajcheck verify)")
    _add_crs_options(p)
    add_stores_options(p)
    p.add_argument(
        "--skip-bad-rows",
        action="store_true",
        help="leave bad rows out (listed in each result) instead of failing that manager-day",
    )
    p.add_argument("--no-maps", action="store_true", help="no map reports (much faster)")
    p.add_argument("--lang", choices=("en", "zh"), default="en", help="map and index labels")
    p.add_argument(
        "--tiles",
        choices=("osm", "amap", "none"),
        default="osm",
        help="map background: OpenStreetMap (default), Amap/Gaode or none",
    )
    p.add_argument("--force", action="store_true", help="redo manager-days already done")
    _add_engine_options(p)
    p.set_defaults(func=_cmd_daily)


def _add_crs_options(p: argparse.ArgumentParser) -> None:
    """``--track-crs`` and ``--store-crs`` (a task row's own ``crs`` column wins)."""
    p.add_argument(
        "--track-crs",
        choices=CRS_NAMES,
        default="wgs84",
        help="coordinate system of the fixes: wgs84 (raw GPS, default), gcj02 (Amap/Tencent "
        "SDKs), bd09 (Baidu)",
    )
    p.add_argument(
        "--store-crs",
        choices=CRS_NAMES,
        default="wgs84",
        help="coordinate system of the task lists' stores where a row has no crs column "
        "value (default wgs84)",
    )


def _add_engine_options(p: argparse.ArgumentParser) -> None:
    """``--engine``, ``--workers``, ``--scheduler``, ``--chunk-size`` and ``--progress``."""
    run = p.add_argument_group("engine")
    run.add_argument(
        "--engine",
        choices=("local", "dask"),
        default="local",
        help="local: processes on this machine (default); dask: a Dask cluster",
    )
    run.add_argument(
        "--workers",
        type=_positive,
        help="local: processes (default: every core; 1 runs in this process); "
        "dask without --scheduler: LocalCluster workers",
    )
    run.add_argument("--scheduler", help="dask: the scheduler's address, e.g. tcp://10.0.0.5:8786")
    run.add_argument("--chunk-size", type=_positive, help="manager-days per task (default: auto)")
    p.add_argument(
        "--progress",
        choices=("auto", "bar", "log", "none"),
        default="auto",
        help="a progress bar on a terminal, plain log lines otherwise (auto)",
    )


def _cmd_daily(args: argparse.Namespace) -> int:
    if args.scheduler and args.engine != "dask":
        raise ConfigError("--scheduler needs --engine dask")
    use_db = not args.tracks
    if not use_db and args.database_url:
        raise ConfigError("give either --database-url or --tracks/--tasks, not both")
    if use_db and args.tasks:
        raise ConfigError("--tasks needs --tracks (the database holds the task lists)")
    from batch.jobs import RunSettings
    from batch.run import run_daily

    store = None
    if use_db:
        from api.db.daystore import SqlDayStore
        from api.settings import Settings

        store = SqlDayStore(args.database_url or Settings().database_url)
    cfg = load_config(args.config)
    day = args.date
    if isinstance(day, str):  # yesterday / today, in the working day's time zone
        day = dt.datetime.now(cfg.tz).date() - dt.timedelta(days=1 if day == "yesterday" else 0)
    settings = RunSettings(
        date=day,
        out=args.out or Path("out/daily") / day.isoformat(),
        config=cfg,
        track_crs=args.track_crs,
        store_crs=args.store_crs,
        on_bad_row="skip" if args.skip_bad_rows else "raise",
        maps=not args.no_maps,
        lang=args.lang,
        tiles=args.tiles,
        force=args.force,
        store=store,
        known_places=known_places_for(args) if store is None else _known_in(store, args),
    )
    mode = _progress_mode(args.progress, sys.stderr)
    log = _logger(sys.stderr) if mode != "none" else None
    progress = _bar if mode == "bar" else (_log_lines if mode == "log" else None)
    report = run_daily(
        settings,
        tracks=args.tracks,
        tasks=args.tasks,
        engine=args.engine,
        workers=args.workers,
        scheduler=args.scheduler,
        chunk_size=args.chunk_size,
        progress=progress,
        log=log,
    )
    _print_report(report, sys.stderr)
    return EXIT_SOME_FAILED if report.errors or report.problems else 0


def _known_in(store: SqlDayStore, args: argparse.Namespace) -> KnownPlaces | None:
    """``--stores``, else the database's stores and buyers (as ``POST .../verify``)."""
    given = known_places_for(args)
    if given is not None:
        return given
    store.prepare()  # a database never migrated has no stores table yet
    return store.known_places()


def _print_report(report: RunReport, stream: TextIO) -> None:
    counts: dict[str, int] = {}
    for row in report.rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    shown = ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none"
    suspicious = sum(1 for row in report.rows if row.get("integrity") == "suspicious")
    shown += f"; track integrity suspicious {suspicious}"
    rate = report.points / report.seconds if report.seconds > 0 else 0.0
    print(
        f"trajcheck daily: {len(report.rows)} manager-days ({shown}); verified "
        f"{report.verified}, skipped {report.skipped} already done; "
        f"{report.seconds:.1f} s, {rate:,.0f} points/s",
        file=stream,
    )
    for problem in report.problems:
        print(f"trajcheck daily: error: {problem}", file=stream)
    for row in report.rows:
        if row["status"] == "error":
            print(f"trajcheck daily: error: {row['manager_id']}: {row['reason']}", file=stream)
    print(f"trajcheck daily: summary {report.out / 'summary.csv'}", file=stream)
    if report.index is not None:
        print(f"trajcheck daily: team's day index {report.index}", file=stream)


def _progress_mode(choice: str, stream: TextIO) -> str:
    if choice != "auto":
        return choice
    return "bar" if stream.isatty() else "log"


def _logger(stream: TextIO) -> Callable[[str], None]:
    def log(message: str) -> None:
        print(f"trajcheck daily: {message}", file=stream, flush=True)

    return log


def _bar(total: int) -> Callable[[DayOutcome], None]:
    """A rich progress bar on stderr; it closes itself after the last manager-day."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    bar = Progress(
        TextColumn("[bold]daily"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[errors]} errors"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(file=sys.stderr),
        transient=False,
    )
    task = bar.add_task("daily", total=total, errors=0)
    state = {"done": 0, "errors": 0}
    bar.start()
    if total == 0:
        bar.stop()

    def advance(outcome: DayOutcome) -> None:
        state["done"] += 1
        if outcome.row["status"] == "error":
            state["errors"] += 1
            bar.console.print(f"error: {outcome.row['manager_id']}: {outcome.row['reason']}")
        bar.update(task, advance=1, errors=state["errors"])
        if state["done"] >= total:
            bar.stop()

    return advance


def _log_lines(total: int) -> Callable[[DayOutcome], None]:
    """A log line every 10 % (or 10 s), and one per manager-day in error."""
    state = {"done": 0, "errors": 0, "last": time.monotonic()}
    step = max(1, total // 10)
    start = time.monotonic()

    def advance(outcome: DayOutcome) -> None:
        state["done"] += 1
        if outcome.row["status"] == "error":
            state["errors"] += 1
            print(
                f"trajcheck daily: error: {outcome.row['manager_id']}: {outcome.row['reason']}",
                file=sys.stderr,
                flush=True,
            )
        now = time.monotonic()
        done = int(state["done"])
        if done % step == 0 or done == total or now - state["last"] >= 10:
            state["last"] = now
            print(
                f"trajcheck daily: {done}/{total} manager-days, {int(state['errors'])} errors, "
                f"{now - start:.1f} s",
                file=sys.stderr,
                flush=True,
            )

    return advance


def _date(text: str) -> dt.date | str:
    if text in ("yesterday", "today"):
        return text
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from exc


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from exc
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value
