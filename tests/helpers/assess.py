"""Hand-built assessment rows and datasets for the tests (no service; import, don't copy).

Rows are written as the platform's exports would write them (text cells) and go
through :func:`assessment.validate.validate_rows`, so every test also exercises
the import path.  Defaults: one market ``M1`` in district ``D1``, cluster point
``C1``; field managers ``F1`` (team north) and ``F2`` (team south), a district GM
``G1``; brands ``LEAD`` (lead), ``REG`` (regular), ``OLD`` (legacy agency).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

import pandas as pd

from assessment.io import Dataset, assignments_from_buyers, empty_frame, raw_from_records
from assessment.validate import validate_rows

TZ = "Asia/Shanghai"


def frame(kind: str, rows: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """Validated rows of ``kind``; fails the test on any problem."""
    if not rows:
        return empty_frame(kind)
    raw, problems = raw_from_records(list(rows), kind, kind)
    checked = validate_rows(raw, kind, source=kind, timezone=TZ)
    bad = [str(p) for p in (*problems, *checked.rejected)]
    assert not bad, bad
    return checked.frame


def buyer(buyer_id: str, **fields: Any) -> dict[str, Any]:
    """A registered, assigned (to F1 on 2026-01-01), activated (2026-02-01) distributor."""
    row: dict[str, Any] = {
        "buyer_id": buyer_id,
        "name": f"buyer {buyer_id}",
        "type": "distributor",
        "area_id": "M1",
        "cluster_id": "C1",
        "lat": 31.2,
        "lon": 121.4,
        "registered_at": "2026-01-01",
        "manager_id": "F1",
        "assigned_at": "2026-01-01",
        "activated_at": "2026-02-01",
    }
    row.update(fields)
    return {k: v for k, v in row.items() if v is not None}


def order(
    order_id: str,
    buyer_id: str,
    placed_at: str,
    boxes: int,
    *,
    product: str = "pork belly",
    brand: str = "LEAD",
    net_weight: str = "10kg",
    amount: float | None = None,
    status: str = "delivered",
) -> dict[str, Any]:
    """One order line; ``placed_at`` may be a date (local midnight) or an ISO time."""
    return {
        "order_id": order_id,
        "buyer_id": buyer_id,
        "placed_at": placed_at if "T" in placed_at or ":" in placed_at else placed_at + " 10:00",
        "product": product,
        "brand": brand,
        "net_weight": net_weight,
        "boxes": boxes,
        "amount": 100.0 * boxes if amount is None else amount,
        "status": status,
    }


def declaration(
    buyer_id: str,
    declared_on: str,
    *,
    manager_id: str = "F1",
    product: str | None = "pork belly",
    brand: str | None = "LEAD",
    net_weight: str | None = None,
    boxes: int = 10,
    period_end: str | None = None,
) -> dict[str, Any]:
    row = {
        "manager_id": manager_id,
        "declared_on": declared_on,
        "buyer_id": buyer_id,
        "product": product,
        "brand": brand,
        "net_weight": net_weight,
        "boxes": boxes,
        "period_end": period_end,
    }
    return {k: v for k, v in row.items() if v is not None}


PEOPLE = [
    {"person_id": "G1", "role": "district_gm", "team_id": "north"},
    {"person_id": "F1", "role": "field_manager", "reports_to": "G1", "team_id": "north"},
    {"person_id": "F2", "role": "field_manager", "reports_to": "G1", "team_id": "south"},
]
AREAS = [
    {"area_id": "D1", "kind": "district"},
    {"area_id": "M1", "kind": "market", "district_id": "D1"},
]
CLUSTERS = [{"cluster_id": "C1", "area_id": "M1"}, {"cluster_id": "C2", "area_id": "M1"}]
BRANDS = [
    {"brand": "LEAD", "kind": "lead"},
    {"brand": "REG", "kind": "regular"},
    {"brand": "OLD", "kind": "legacy_agency"},
]


def dataset(
    buyers: Sequence[Mapping[str, Any]],
    orders: Sequence[Mapping[str, Any]] = (),
    declarations: Sequence[Mapping[str, Any]] = (),
    *,
    assignments: pd.DataFrame | None = None,
) -> Dataset:
    """A :class:`Dataset` over the default areas, people and brands."""
    b = frame("buyers", buyers)
    return Dataset(
        areas=_static("areas").copy(),
        clusters=_static("clusters").copy(),
        people=_static("people").copy(),
        brands=_static("brands").copy(),
        buyers=b,
        orders=frame("orders", orders),
        declarations=frame("declarations", declarations),
        assignments=assignments_from_buyers(b) if assignments is None else assignments,
    )


@cache
def _static(kind: str) -> pd.DataFrame:
    rows = {"areas": AREAS, "clusters": CLUSTERS, "people": PEOPLE, "brands": BRANDS}[kind]
    return frame(kind, rows)
