"""Row limits checked before a body is parsed, and capped error lists (issue 14).

A request body is at most ``TRAJCHECK_MAX_BODY_BYTES`` (:class:`api.http.BodyLimit`),
but 32 MB of ``{}`` rows costs seconds of CPU and gigabytes to parse and validate.  So
each write route has a row limit (:func:`row_limit`, from :class:`~api.settings.Settings`)
checked first: JSON rows are counted on the raw bytes (:func:`count_json_rows`, a scan
with no objects built), CSV lines while the body streams in (:func:`read_csv_body`), and
either is a 413 as soon as the limit is passed.  Lists of problems in answers keep the
first ``max_problems`` (:func:`cap`); the answer says how many there were.
"""

from __future__ import annotations

__all__ = [
    "CSV_MEDIA",
    "JSON_MEDIA",
    "cap",
    "check_media",
    "count_json_rows",
    "read_csv_body",
    "row_limit",
]

import re
from collections.abc import Sequence
from typing import TypeVar

import numpy as np
from starlette.requests import Request

from api.errors import ApiError
from api.settings import Settings
from trajectory.errors import RowProblem

T = TypeVar("T")
JSON_MEDIA = "application/json"
CSV_MEDIA = "text/csv"
#: A JSON string (escapes included): what the row count must not look into.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_CHUNK = 1 << 20
#: Every byte but the quote, brackets, braces and comma (what a row count reads).
_NOT_STRUCTURE = bytes(sorted(set(range(256)) - set(b'"[]{},')))
_OPEN = np.zeros(256, np.int8)
_OPEN[[ord("["), ord("{")]] = 1
_OPEN[[ord("]"), ord("}")]] = -1


def row_limit(path: str, settings: Settings) -> tuple[int, str]:
    """The most rows one request to ``path`` may carry, and what the rows are called."""
    if path.startswith("/v1/points"):
        return settings.max_points_per_request, "points"
    if path == "/v1/stores":
        return settings.max_stores_per_request, "stores"
    if path.endswith("/tasks"):
        return settings.max_tasks_per_request, "tasks"
    return settings.max_import_rows, "rows"


def too_many(n: int, limit: int, field: str, *, at_least: bool = False) -> None:
    """413 when a request carries more than ``limit`` rows of ``field``."""
    if n > limit:
        many = f"more than {limit}" if at_least else str(n)
        raise ApiError(
            413,
            f"{field}: {many} rows in one request; the limit is {limit}",
            [RowProblem("body", None, field, f"more than {limit} rows")],
        )


def count_json_rows(data: bytes) -> int:
    """An upper bound of the items of the lists one level inside the body's object.

    ``{"points": [{...}, {...}]}`` counts 2: the commas at depth two, plus one per list,
    found on the bytes outside the strings, 1 MB at a time (no objects built).  Each
    comma or bracket counted is a byte of its own: the count is at most ``len(data)``.
    """
    # Without escapes, and with every string closed, the strings are the bytes between the
    # odd and the next even quote; else they are blanked out as the JSON grammar reads them
    # (what is left of an unclosed string then counts as structure).
    paired = b"\\" not in data and data.count(b'"') % 2 == 0
    if not paired:
        data = _STRING.sub(b'""', data)
    data = data.translate(None, _NOT_STRUCTURE)  # only quotes, brackets and commas are read
    depth, commas, lists, quotes = 0, 0, 0, 0
    for start in range(0, len(data), _CHUNK):
        arr = np.frombuffer(data, np.uint8, count=min(_CHUNK, len(data) - start), offset=start)
        is_quote = arr == ord('"')
        outside = ~is_quote
        if paired:
            seen = quotes + np.cumsum(is_quote, dtype=np.int64)
            outside &= (seen & 1) == 0
            quotes = int(seen[-1])
        level = depth + np.cumsum(np.where(outside, _OPEN[arr], 0), dtype=np.int32)
        at_two = outside & (level == 2)
        commas += int(np.count_nonzero((arr == ord(",")) & at_two))
        lists += int(np.count_nonzero((arr == ord("[")) & at_two))
        depth = int(level[-1])
    return commas + lists


async def read_csv_body(request: Request, limit: int, field: str) -> bytes:
    """The CSV body, read while counting lines: 413 at the first line past ``limit`` rows."""
    chunks: list[bytes] = []
    lines = 0
    async for chunk in request.stream():
        lines += chunk.count(b"\n")
        chunks.append(chunk)
        too_many(lines - 1, limit, field, at_least=True)  # the header is not a row
    declared = request.headers.get("content-type", "").split(";")[0].strip().lower()
    check_media(declared, CSV_MEDIA)
    return b"".join(chunks)


def check_media(declared: str, want: str) -> None:
    """422 naming the header when a write's body is not declared as ``want``."""
    if declared != want:
        got = f"got {declared!r}" if declared else "none given"
        why = f"Content-Type must be {want} ({got})"
        raise ApiError(422, f"body: {why}", [RowProblem("body", None, "content-type", why)])


def cap(items: Sequence[T], most: int) -> tuple[list[T], int]:
    """The first ``most`` items and how many there were in all."""
    return list(items[:most]), len(items)
