"""``POST .../verify`` names a stay at no task store after the nearest store of the store
master (``PUT /v1/stores``) or buyer of the assessment data (issue 17, item 1), on both
databases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.cli.main import main as cli_main
from api.db.session import writing
from api.db.tables import areas, buyers
from tests.helpers.db import MANAGER_A, Keys
from tests.helpers.service import bearer, load_small_day
from tests.tracks import DAY, at
from trajectory import crs as crs_mod


def _verify(client: TestClient, keys: Keys) -> dict[str, Any]:
    r = client.post(f"/v1/managers/{MANAGER_A}/days/{DAY}/verify", headers=bearer(keys.platform))
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def _first_stay(body: dict[str, Any]) -> dict[str, Any]:
    """The day's first stay: 5 min at (0, 0), before the two task stores."""
    first: dict[str, Any] = body["stay_points"][0]
    assert first["store_id"] is None and first["exempt"] is None
    return first


def _add_buyer(engine: Engine, buyer_id: str, x: float, y: float) -> None:
    lat, lon = at(x, y)
    with writing(engine) as conn:
        conn.execute(areas.insert().values(area_id="A1", name="market", kind="market"))
        conn.execute(
            buyers.insert().values(
                buyer_id=buyer_id,
                name="Laochen Seafood",
                type="regular",
                area_id="A1",
                lat=lat,
                lon=lon,
                crs="wgs84",
                chat_admitted=False,
            )
        )


def test_a_store_of_the_master_names_the_stay(
    client: TestClient, keys: Keys, engine: Engine
) -> None:
    load_small_day(client, keys.platform, MANAGER_A)
    assert _first_stay(_verify(client, keys)).get("nearest_known") is None  # nothing known yet
    lat, lon = crs_mod.convert(*at(15, 0), "wgs84", "gcj02")  # the master in GCJ-02
    far = crs_mod.convert(*at(3000, 3000), "wgs84", "gcj02")
    stores = [
        {"store_id": "K1", "name": "Old Wang's", "lat": float(lat), "lon": float(lon)},
        {"store_id": "K2", "name": "far", "lat": float(far[0]), "lon": float(far[1])},
    ]
    r = client.put(
        "/v1/stores", json={"stores": stores, "crs": "gcj02"}, headers=bearer(keys.platform)
    )
    assert r.status_code == 200, r.text
    body = _verify(client, keys)
    named = _first_stay(body)["nearest_known"]
    assert named["id"] == "K1" and named["kind"] == "store" and named["name"] == "Old Wang's"
    assert named["distance_m"] < 40
    assert all(s["nearest_known"] is None for s in body["stay_points"][1:])  # task stores
    got = client.get(f"/v1/managers/{MANAGER_A}/days/{DAY}/result", headers=bearer(keys.platform))
    assert got.json()["stay_points"][0]["nearest_known"] == named  # stored as answered


def test_a_buyer_with_coordinates_names_the_stay(
    client: TestClient, keys: Keys, engine: Engine
) -> None:
    load_small_day(client, keys.platform, MANAGER_A)
    _add_buyer(engine, "B123", 0, 12)
    named = _first_stay(_verify(client, keys))["nearest_known"]
    assert (named["id"], named["kind"], named["name"]) == ("B123", "buyer", "Laochen Seafood")
    r = client.get(
        f"/v1/managers/{MANAGER_A}/days/{DAY}/report.html", headers=bearer(keys.platform)
    )
    assert r.status_code == 200
    assert "Laochen Seafood" in r.text


def test_a_daily_run_from_the_database_names_the_stay_too(
    client: TestClient, keys: Keys, engine: Engine, tmp_path: Path
) -> None:
    """``trajcheck daily`` from the database uses its stores and buyers, as the service."""
    if engine.dialect.name != "sqlite":
        pytest.skip("the SQLite URL is enough: the route test covers both databases")
    load_small_day(client, keys.platform, MANAGER_A)
    _add_buyer(engine, "B123", 0, 12)
    url = engine.url.render_as_string(hide_password=False)
    argv = ["daily", "--date", DAY, "--database-url", url, "--out", str(tmp_path)]
    assert cli_main([*argv, "--no-maps", "--workers", "1", "--progress", "none"]) == 0
    body = json.loads((tmp_path / "days" / f"{MANAGER_A}.json").read_text(encoding="utf-8"))
    assert _first_stay(body)["nearest_known"]["id"] == "B123"
