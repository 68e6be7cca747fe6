"""``trajcheck``: the entry point.  Every :class:`~trajectory.errors.TrajcheckError` (bad
input, bad configuration) and every unreadable file becomes one line on stderr naming
the file, row and field, and exit status 2."""

from __future__ import annotations

__all__ = ["main"]

import argparse
import sys
from collections.abc import Sequence
from importlib import metadata

from api.cli.assess import add_assess_commands
from api.cli.common import EXIT_BAD_INPUT
from api.cli.daily import add_daily_command
from api.cli.service import add_service_commands
from api.cli.verify import add_verify_commands
from api.cli.warmup import add_warmup_command
from api.cli.week import add_week_command
from trajectory.errors import TrajcheckError


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = parser().parse_args(argv)
    try:
        return int(args.func(args))
    except TrajcheckError as exc:
        print(f"trajcheck: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:
        name = getattr(exc, "filename", None) or ""
        print(f"trajcheck: error: {name}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_BAD_INPUT


def _version() -> str:
    try:
        return metadata.version("trajcheck")
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def parser() -> argparse.ArgumentParser:
    """Every command group's sub-commands under one parser."""
    top = argparse.ArgumentParser(
        prog="trajcheck",
        description="Verify field managers' GPS tracks against their daily task lists.",
        epilog="examples:\n"
        "  trajcheck demo\n"
        "  trajcheck verify --track track.csv --tasks tasks.csv --html day.html --lang zh\n"
        "  trajcheck daily --date 2026-11-20 --tracks 'tracks/*.csv' --tasks 'tasks/*.csv'\n"
        "  trajcheck serve --port 8000\n"
        "`trajcheck <command> --help` tells each command's options.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    top.add_argument("--version", action="version", version=f"trajcheck {_version()}")
    sub = top.add_subparsers(dest="command", required=True)
    add_verify_commands(sub)
    add_service_commands(sub)
    add_assess_commands(sub)
    add_daily_command(sub)
    add_warmup_command(sub)
    add_week_command(sub)
    return top


if __name__ == "__main__":
    raise SystemExit(main())
