"""Path and query parameter types: ids, calendar days, coordinate systems."""

from __future__ import annotations

__all__ = [
    "DAY_RE",
    "DAY_SCHEMA",
    "INSTANT_RE",
    "INSTANT_SCHEMA",
    "VERSION",
    "Crs",
    "Day",
    "Instant",
    "IsoDate",
    "Lang",
    "ManagerId",
    "QueryId",
    "TeamId",
    "path_part",
]

import datetime as dt
import re
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import Path, Query
from pydantic import AfterValidator, BeforeValidator, WithJsonSchema

from trajectory.dayrange import MAX_DAY, MIN_DAY, RANGE_TEXT, day_in_range, instant_in_range

VERSION = "0.1.0"


Crs = Literal["wgs84", "gcj02", "bd09"]


ManagerId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[^\x00/]+$")]


TeamId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[^\x00/]+$")]


def _iso_day(value: Any) -> Any:
    """Only ``YYYY-MM-DD``: pydantic would also read ``0`` or ``1795129200`` as a Unix time."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("expected a date YYYY-MM-DD")
    return value


def _kept_instant(value: dt.datetime) -> dt.datetime:
    """The one range (:mod:`trajectory.dayrange`) for every instant a body carries."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("no UTC offset")
    if not instant_in_range(value):
        raise ValueError(RANGE_TEXT)
    return value


def _kept_day(value: dt.date) -> dt.date:
    if not day_in_range(value):
        raise ValueError(RANGE_TEXT)
    return value


#: A real calendar day from 2000-01-01 to 2100-12-31 (month lengths, leap days; 2100 is
#: not a leap year): what the schema promises is what the service reads.
DAY_RE = (
    r"(?:(?:20\d\d|2100)-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])"
    r"|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|02-(?:0[1-9]|1\d|2[0-8]))"
    r"|20(?:00|0[48]|[2468][048]|[13579][26])-02-29)"
)
#: An ISO 8601 instant with a UTC offset on such a day (seconds and fraction optional).
INSTANT_RE = (
    DAY_RE + r"T(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,6})?)?"
    r"(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)"
)
#: The schema of a day the service keeps: ``2000-01-01`` .. ``2100-12-31``.
DAY_SCHEMA: dict[str, Any] = {
    "type": "string",
    "format": "date",
    "pattern": f"^{DAY_RE}$",
    "description": f"a day YYYY-MM-DD from {MIN_DAY} to {MAX_DAY}",
}
#: The schema of an instant the service keeps (ISO 8601 with a UTC offset).
INSTANT_SCHEMA: dict[str, Any] = {
    "type": "string",
    "format": "date-time",
    "pattern": f"^{INSTANT_RE}$",
    "description": f"ISO 8601 with a UTC offset, on a day from {MIN_DAY} to {MAX_DAY}",
}

#: A calendar day in a path or query: ``2026-11-20`` and nothing else.
IsoDate = Annotated[dt.date, BeforeValidator(_iso_day), WithJsonSchema(DAY_SCHEMA)]
#: A day in a body, in the service's range.
Day = Annotated[dt.date, AfterValidator(_kept_day), WithJsonSchema(DAY_SCHEMA)]
#: An instant in a body: with a UTC offset, on a day in the service's range.
Instant = Annotated[dt.datetime, AfterValidator(_kept_instant), WithJsonSchema(INSTANT_SCHEMA)]


def path_part(value: str) -> str:
    """``value`` percent-encoded as one path segment of a generated URL (``/``, ``%`` too)."""
    return quote(str(value), safe="")


#: An id in a query string: 1 to 64 characters, no NUL.
QueryId = Annotated[str, Query(min_length=1, max_length=64, pattern=r"^[^\x00]+$")]
#: A language of the pages.
Lang = Literal["en", "zh"]
