"""What the command groups share: exit codes, the database option, a migrated engine,
and the map options of every command that draws maps."""

from __future__ import annotations

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_OK",
    "add_database_option",
    "add_map_options",
    "add_stores_options",
    "engine_for",
    "known_places_for",
    "parse_day",
]

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from trajectory.config import CRS_NAMES
from trajectory.errors import InputError

if TYPE_CHECKING:  # SQLAlchemy and the settings load when a command opens a database
    from sqlalchemy.engine import Engine

    from trajectory.known_places import KnownPlaces

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
    from api.db import make_engine, upgrade
    from api.settings import Settings

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


def add_stores_options(parser: argparse.ArgumentParser) -> None:
    """``--stores`` (a store master: every store and buyer the company knows) and
    ``--stores-crs``."""
    parser.add_argument(
        "--stores",
        type=Path,
        help="store master (CSV id,name,lat,lon[,kind,crs] or JSON): stays at no task store "
        "are named after the nearest known store or buyer within known_radius_m",
    )
    parser.add_argument(
        "--stores-crs",
        choices=CRS_NAMES,
        help="coordinate system of the store master where a row has no crs value "
        "(default: --store-crs)",
    )


def known_places_for(args: argparse.Namespace) -> KnownPlaces | None:
    """The store master of ``--stores``, indexed (None without it); with
    ``--skip-bad-rows`` its bad rows are left out and counted on stderr."""
    if getattr(args, "stores", None) is None:
        return None
    from trajectory.known_places import read_known_places

    skip = bool(getattr(args, "skip_bad_rows", False))
    places = read_known_places(
        args.stores,
        crs=args.stores_crs or args.store_crs,
        on_bad_row="skip" if skip else "raise",
    )
    if places.rejected:
        first = places.rejected[0]
        print(
            f"trajcheck: {len(places.rejected)} bad rows of the store master left out "
            f"(first: {first})",
            file=sys.stderr,
        )
    return places
