"""What the command groups share: exit codes, the database option, a migrated engine,
and the map options of every command that draws maps."""

from __future__ import annotations

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_OK",
    "add_database_option",
    "add_map_options",
    "engine_for",
    "parse_day",
]

import argparse
import datetime as dt

from sqlalchemy.engine import Engine

from api.db import make_engine, upgrade
from api.settings import Settings
from trajectory.errors import InputError

EXIT_OK = 0
EXIT_BAD_INPUT = 2


def add_database_option(parser: argparse.ArgumentParser) -> None:
    """``--database-url``."""
    parser.add_argument(
        "--database-url",
        help="SQLAlchemy URL (default TRAJCHECK_DATABASE_URL or sqlite:///trajcheck.db)",
    )


def engine_for(database_url: str | None) -> Engine:
    """An engine for ``database_url`` (default: the service's setting), migrated to head."""
    url = database_url or Settings().database_url
    engine = make_engine(url)
    upgrade(engine)
    return engine


def parse_day(text: str, option: str) -> dt.date:
    """``YYYY-MM-DD`` given to ``option``; an :class:`InputError` naming the option otherwise."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise InputError(option, None, None, f"not a date YYYY-MM-DD (got {text!r})") from exc


def add_map_options(parser: argparse.ArgumentParser) -> None:
    """``--lang``, ``--tiles`` and ``--offline``, shared by every command that draws maps."""
    parser.add_argument("--lang", choices=("en", "zh"), default="en", help="map labels")
    parser.add_argument(
        "--tiles",
        choices=("osm", "amap", "none"),
        default=None,
        help="map background: OpenStreetMap, Amap/Gaode (GCJ-02; overlays are shifted), or "
        "none (default osm; none with --offline, as tiles always need the network)",
    )
    parser.add_argument(
        "--offline",
        action="store_true",
        help="inline every script and stylesheet into the map pages (vendored copies), so "
        "they open without a network",
    )
