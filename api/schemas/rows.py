"""The OpenAPI schemas of the rows of ``POST /v1/points`` and ``PUT .../tasks``.

The routes read their rows as plain JSON values (``list[Any]``) so that a bad row is
reported with its number and field instead of failing the whole body; the schema still
states what a good row is (issue 14, item 7), so a client generated from it gets the
fields, types, ranges and the 2000-2100 days right.  A schema-valid row is accepted;
the parser is as lenient as a CSV reader (numbers in strings, Chinese method words), so
some rows outside the schema are read too.
"""

from __future__ import annotations

__all__ = ["POINT_ROW_SCHEMA", "TASK_ROW_SCHEMA", "points_schema", "tasks_schema"]

from typing import Any

from api.params import INSTANT_SCHEMA
from trajectory.dayrange import END_INSTANT, FIRST_INSTANT

_FIRST_S = int(FIRST_INSTANT.timestamp())
_LAST_S = int(END_INSTANT.timestamp()) - 1
#: an id: no NUL, not blank (ids are stripped; a blank one is missing)
_ID = r"^[^\x00]*[^\x00\s][^\x00]*$"

#: A GPS fix: epoch seconds or milliseconds, or ISO 8601 with a UTC offset.
POINT_ROW_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["manager_id", "timestamp", "lat", "lon"],
    "properties": {
        "manager_id": {
            "type": "string",
            "minLength": 1,
            "maxLength": 64,
            "pattern": r"^[^\x00/]*[^\x00/\s][^\x00/]*$",
        },
        "timestamp": {
            "description": "one form for every row of a batch (x-one-form): ISO 8601 with "
            "an offset, epoch seconds or epoch milliseconds; a row in another form than the "
            "batch's majority is rejected, by row",
            "x-one-form": True,
            "anyOf": [
                INSTANT_SCHEMA,
                {
                    "type": "number",
                    "minimum": _FIRST_S,
                    "maximum": _LAST_S,
                    "description": "epoch seconds",
                },
                {
                    "type": "number",
                    "minimum": _FIRST_S * 1000,
                    "maximum": _LAST_S * 1000 + 999,
                    "description": "epoch milliseconds",
                },
            ],
        },
        "lat": {"type": "number", "minimum": -90, "maximum": 90},
        "lon": {"type": "number", "minimum": -180, "maximum": 180},
        "accuracy_m": {"type": ["number", "null"], "minimum": 0},
        "speed_mps": {"type": ["number", "null"], "minimum": 0},
    },
}

#: A task-list store: coordinates may come from the store master data (``PUT /v1/stores``).
TASK_ROW_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["seq", "store_id", "method"],
    "properties": {
        "seq": {"type": "integer", "minimum": -(2**31), "maximum": 2**31 - 1},
        "store_id": {"type": "string", "minLength": 1, "maxLength": 64, "pattern": _ID},
        "store_name": {"type": "string", "maxLength": 200, "pattern": r"^[^\x00]*$"},
        "lat": {"type": "number", "minimum": -90, "maximum": 90},
        "lon": {"type": "number", "minimum": -180, "maximum": 180},
        "method": {"type": "string", "enum": ["onsite", "phone", "chat"]},
        "reported_visited": {"type": ["boolean", "null"]},
        "market_id": {"type": ["string", "null"], "maxLength": 64, "pattern": r"^[^\x00]*$"},
    },
    "dependentRequired": {"lat": ["lon"], "lon": ["lat"]},
}


def points_schema(description: str) -> dict[str, Any]:
    return {"type": "array", "items": POINT_ROW_SCHEMA, "description": description}


def tasks_schema(description: str) -> dict[str, Any]:
    return {
        "type": "array",
        "items": TASK_ROW_SCHEMA,
        "description": description,
        "x-unique-by": "store_id",
    }
