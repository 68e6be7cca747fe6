"""What the OpenAPI document says (issue 14, items 7 and 8)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from api.main import create_app
from api.params import DAY_SCHEMA, INSTANT_SCHEMA
from api.settings import Settings

DOC: dict[str, Any] = create_app(Settings(database_url="sqlite://"), migrate=False).openapi()


def _operations() -> list[dict[str, Any]]:
    return [op for path in DOC["paths"].values() for op in path.values()]


def test_operation_ids_are_short_unique_and_stable() -> None:
    ids = [op["operationId"] for op in _operations()]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z][a-z0-9_]{2,31}", i) for i in ids), ids
    assert {"post_points", "put_tasks", "post_verify", "get_result", "get_results"} <= set(ids)
    assert "import_brands" in ids


def test_days_in_paths_queries_and_bodies_state_the_range() -> None:
    date = next(
        p["schema"]
        for p in DOC["paths"]["/v1/managers/{manager_id}/days/{date}/result"]["get"]["parameters"]
        if p["name"] == "date"
    )
    assert date["pattern"].startswith("^") and "2100" in date["pattern"]
    assert "2000-01-01" in date["description"]
    at = DOC["components"]["schemas"]["ReassignIn"]["properties"]["at"]
    assert "2100-12-31" in str(at)


def test_request_bodies_forbid_unknown_keys() -> None:
    for name in ("StoresIn", "StoreIn", "TasksIn", "PointsIn", "ReassignIn", "RowsIn"):
        assert DOC["components"]["schemas"][name].get("additionalProperties") is False, name


def test_the_enforced_constraints_are_in_the_schema() -> None:
    schemas = DOC["components"]["schemas"]
    point = schemas["PointsIn"]["properties"]["points"]["items"]
    assert point["additionalProperties"] is False
    assert point["required"] == ["manager_id", "timestamp", "lat", "lon"]
    task = schemas["TasksIn"]["properties"]["tasks"]["items"]
    assert task["additionalProperties"] is False and task["required"] == [
        "seq",
        "store_id",
        "method",
    ]
    assert schemas["StoresIn"]["properties"]["stores"]["x-unique-by"] == "store_id"
    assert schemas["KeyIn"]["then"]["properties"]["team_ids"]["minItems"] == 1
    for path in ("/v1/points.csv", "/v1/assess/import.csv"):
        body = DOC["paths"][path]["post"]["requestBody"]["content"]["text/csv"]["schema"]
        assert body["minLength"] == 1, path


@pytest.mark.parametrize(
    ("day", "kept"),
    [("2028-02-29", True), ("2000-02-29", True), ("2100-12-31", True), ("2026-02-29", False),
     ("2100-02-29", False), ("2026-04-31", False), ("1999-12-31", False), ("2101-01-01", False)],
)  # fmt: skip
def test_the_day_pattern_is_the_calendar(day: str, kept: bool) -> None:
    assert (re.fullmatch(DAY_SCHEMA["pattern"].strip("^$"), day) is not None) is kept
    instant = f"{day}T07:12:03.5+08:00"
    assert (re.fullmatch(INSTANT_SCHEMA["pattern"].strip("^$"), instant) is not None) is kept
