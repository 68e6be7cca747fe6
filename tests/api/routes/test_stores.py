"""``PUT /v1/stores`` on both databases: store master data, stored in WGS-84 whatever the
coordinate system sent."""

from __future__ import annotations

import numpy as np
import pytest
from fastapi.testclient import TestClient

from tests.helpers.db import Keys
from tests.helpers.service import (
    TRUTH,
    bearer,
    get_tasks,
    put_tasks,
)
from trajectory import crs as crs_mod
from trajectory.geodesy import haversine_m


def test_duplicate_store_in_one_request_is_422(client: TestClient, keys: Keys) -> None:
    s = {"store_id": "s1", "lat": 31.2, "lon": 121.4}
    r = client.put("/v1/stores", json={"stores": [s, s]}, headers=bearer(keys.platform))
    assert r.status_code == 422
    assert r.json()["errors"][0]["row"] == 2 and r.json()["errors"][0]["field"] == "store_id"


@pytest.mark.parametrize("crs", ["gcj02", "bd09"])
def test_stores_and_tasks_in_chinese_systems_are_stored_in_wgs84(
    client: TestClient, keys: Keys, crs: str
) -> None:
    lat, lon = np.array(TRUTH).T
    clat, clon = crs_mod.convert(lat, lon, "wgs84", crs)
    stores = [
        {"store_id": f"s{i}", "lat": float(a), "lon": float(o)}
        for i, (a, o) in enumerate(zip(clat, clon, strict=True))
    ]
    r = client.put("/v1/stores", json={"stores": stores, "crs": crs}, headers=bearer(keys.platform))
    assert r.status_code == 200, r.text
    from_master = [
        {"seq": i + 1, "store_id": s["store_id"], "method": "onsite"} for i, s in enumerate(stores)
    ]
    assert put_tasks(client, keys, from_master).status_code == 200
    for t, (tlat, tlon) in zip(get_tasks(client, keys), TRUTH, strict=True):
        assert haversine_m(t["lat"], t["lon"], tlat, tlon) < 0.1, t
    sent = [{**s, "seq": i + 1, "method": "onsite"} for i, s in enumerate(stores)]
    assert put_tasks(client, keys, sent, crs=crs, manager="m2").status_code == 200
    for t, (tlat, tlon) in zip(get_tasks(client, keys, manager="m2"), TRUTH, strict=True):
        assert haversine_m(t["lat"], t["lon"], tlat, tlon) < 0.1, t
    # the same coordinates sent as WGS-84 are (correctly) hundreds of metres away
    assert put_tasks(client, keys, sent, manager="m3").status_code == 200
    far = get_tasks(client, keys, manager="m3")[0]
    assert haversine_m(far["lat"], far["lon"], *TRUTH[0]) > 100
