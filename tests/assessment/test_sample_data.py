"""The sample city: reproducible from its seed, and it holds every case the rules distinguish."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import pytest

from assessment.buyers import GRADES, RIGHTS, STATUSES, assess_buyers
from assessment.io import Dataset, read_dataset
from assessment.orders import CLASSES, match_declarations
from assessment.schema import BUYER_TYPES, ORDER_STATUSES
from tests.helpers.samples import SAMPLE

AS_OF = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def sample() -> Dataset:
    data, rejected = read_dataset(SAMPLE)
    assert not rejected
    return data


def test_the_generator_rewrites_the_same_bytes(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("sample_generate", SAMPLE / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.generate(tmp_path)
    for path in sorted(SAMPLE.glob("*.csv")):
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


def test_every_case_occurs(sample: Dataset) -> None:
    table = assess_buyers(sample, as_of=AS_OF)
    assert len(table) == 100
    assert set(table["type"]) == set(BUYER_TYPES)
    assert set(table["status"]) == set(STATUSES)
    assert set(table["grade"]) == set(GRADES)
    assert set(table["rights"]) == set(RIGHTS)
    assert set(sample.orders["status"]) == set(ORDER_STATUSES)
    assert set(sample.buyers["crs"]) == {"wgs84", "gcj02"}
    matches = match_declarations(sample.declarations, sample.orders, sample.people, as_of=AS_OF)
    assert set(matches["match"]) == set(CLASSES)
    assert ((matches["match"] == "none") & (matches["cancelled_lines"] > 0)).any()


def test_the_boundary_orders_land_where_the_seed_says(sample: Dataset) -> None:
    table = assess_buyers(sample, as_of=AS_OF).set_index("buyer_id")
    by_max = table.dropna(subset=["max_sku_boxes"]).groupby("max_sku_boxes")["grade"].agg(set)
    for boxes, grade in ((29, "tier3"), (30, "tier2"), (99, "tier2"), (100, "tier1")):
        assert by_max.loc[boxes] == {grade}, boxes
    live = sample.orders.loc[sample.orders["status"] == "delivered"]
    per_order = live.groupby("order_id").agg(buyer_id=("buyer_id", "first"), boxes=("boxes", "sum"))
    largest = per_order.groupby("buyer_id")["boxes"].max()
    assert not table.loc[largest.index[largest == 4], "is_target"].any()
    assert table.loc[largest.index[largest == 5], "is_target"].all()
    assert (largest == 4).any() and (largest == 5).any()
