"""Path and query parameter types: ids, calendar days, coordinate systems."""

from __future__ import annotations

__all__ = ["VERSION", "Crs", "IsoDate", "Lang", "ManagerId", "QueryId", "TeamId"]

import datetime as dt
import re
from typing import Annotated, Any, Literal

from fastapi import Path, Query
from pydantic import BeforeValidator

VERSION = "0.1.0"


Crs = Literal["wgs84", "gcj02", "bd09"]


ManagerId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[^\x00/]+$")]


TeamId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[^\x00/]+$")]


def _iso_day(value: Any) -> Any:
    """Only ``YYYY-MM-DD``: pydantic would also read ``0`` or ``1795129200`` as a Unix time."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("expected a date YYYY-MM-DD")
    return value


#: A calendar day in a path or query: ``2026-11-20`` and nothing else.
IsoDate = Annotated[dt.date, BeforeValidator(_iso_day)]


#: An id in a query string: 1 to 64 characters, no NUL.
QueryId = Annotated[str, Query(min_length=1, max_length=64, pattern=r"^[^\x00]+$")]
#: A language of the pages.
Lang = Literal["en", "zh"]
