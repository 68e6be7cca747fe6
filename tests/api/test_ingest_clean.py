"""api.ingest_clean: a clean batch read column by column gives the very Parsed of the
full checks; anything it does not vouch for goes to the full checks (issue 18)."""

from __future__ import annotations

import copy
import random
from typing import Any

import pandas as pd
import pytest

import api.ingest
from api.ingest import parse_points_json
from api.ingest_clean import clean_points
from trajectory.errors import InputError
from trajectory.testing.scenarios import generate_day


def _full_checks(items: list[Any], crs: str = "wgs84", naive: str | None = None) -> Any:
    """parse_points_json as it was: every row through the full checks."""
    saved = api.ingest.clean_points
    api.ingest.clean_points = lambda _items: None
    try:
        return parse_points_json(items, crs=crs, naive_timezone=naive)
    finally:
        api.ingest.clean_points = saved


def _same(items: list[Any], crs: str = "wgs84", naive: str | None = None) -> Any:
    fast = parse_points_json(copy.deepcopy(items), crs=crs, naive_timezone=naive)
    full = _full_checks(copy.deepcopy(items), crs, naive)
    pd.testing.assert_frame_equal(fast.frame, full.frame, check_exact=True)
    assert fast.rejected == full.rejected
    assert fast.received == full.received
    return fast


def _fix(i: int, **kw: Any) -> dict[str, Any]:
    fix = {
        "manager_id": "m001",
        "timestamp": f"2026-11-20T07:{i // 60 % 60:02d}:{i % 60:02d}+08:00",
        "lat": 31.2304 + i * 1e-5,
        "lon": 121.4737,
        "accuracy_m": 8.0,
        "speed_mps": 1.5,
    }
    fix.update(kw)
    return {k: v for k, v in fix.items() if v is not ...}


@pytest.mark.parametrize("scenario", ["compliant", "late", "skipped_store", "extra_stop"])
def test_generated_days_read_alike(scenario: str) -> None:
    for seed in range(3):
        day = generate_day(scenario, seed, sampling_s=2.0, manager_id=f"L{seed:04d}")
        track = day.track.astype({"manager_id": object, "timestamp": object})
        items = track.to_dict(orient="records")
        for p in items:  # NaN is not JSON: absent, as load.py sends it
            for k in ("accuracy_m", "speed_mps"):
                if p[k] != p[k]:
                    del p[k]
        assert clean_points(items) is not None
        for crs in ("wgs84", day.track_crs, "bd09"):
            parsed = _same(items, crs)
            assert not parsed.rejected and len(parsed.frame) == len(items)


CLEAN = [
    [_fix(i) for i in range(5)],
    [_fix(i, accuracy_m=..., speed_mps=...) for i in range(5)],
    [_fix(i, accuracy_m=None, speed_mps=0) for i in range(5)],
    [_fix(i, lat=31, lon=-121, accuracy_m=7) for i in range(5)],
    [_fix(i, timestamp=f"2026-11-20T07:00:{i:02d}Z", manager_id=f"m {i % 2}") for i in range(5)],
    [_fix(i, timestamp=f"2026-11-20T07:00:{i:02d}-05:30") for i in range(5)],
    [_fix(0, lat=-90.0, lon=-180.0), _fix(1, lat=90, lon=180), _fix(2, lat=-0.0, lon=0)],
    [_fix(0, manager_id="x" * 64)],
    [_fix(0), _fix(0)],  # the same instant twice: a duplicate for the database, not a bad row
]


@pytest.mark.parametrize("items", CLEAN)
def test_clean_batches_skip_the_full_checks_with_the_same_result(items: list[Any]) -> None:
    assert clean_points(items) is not None
    assert not _same(items).rejected


UNUSUAL: list[tuple[str, Any, bool]] = [  # field, value, is it a bad row
    ("manager_id", "", True),
    ("manager_id", " m001", False),  # stripped by the full checks
    ("manager_id", "m\x00", True),
    ("manager_id", "a/b", True),
    ("manager_id", "x" * 65, True),
    ("manager_id", "经理", False),
    ("manager_id", 7, True),
    ("manager_id", None, True),
    ("timestamp", "2026-11-20T07:00:00", True),  # no offset
    ("timestamp", "2026-11-20T07:00:00.250+08:00", False),
    ("timestamp", "2026-11-20 07:00:00+08:00", False),
    ("timestamp", 1_795_000_000_000, True),  # mixes epoch and offset forms
    ("timestamp", "1900-01-01T00:00:00+00:00", True),
    ("timestamp", "2026-02-30T07:00:00+08:00", True),
    ("timestamp", None, True),
    ("lat", "31.2", False),
    ("lat", True, True),
    ("lat", 91.0, True),
    ("lat", 1e400, True),
    ("lat", 10**400, True),
    ("lat", [1], True),
    ("lon", {"a": 1}, True),
    ("lon", None, True),
    ("lon", ..., True),
    ("accuracy_m", -1, True),
    ("accuracy_m", "8", False),
    ("speed_mps", False, True),
    ("speed_mps", 1e400, True),
    ("elevation", 3.0, True),  # an unknown field
]


@pytest.mark.parametrize(("field", "value", "bad"), UNUSUAL)
def test_an_unusual_row_goes_to_the_full_checks(field: str, value: Any, bad: bool) -> None:
    items = [_fix(i) for i in range(4)]
    items[2] = _fix(2, **{field: value})
    assert clean_points(items) is None
    parsed = _same(items)
    assert bool(parsed.rejected) is bad
    if bad:  # the row and field named; the good rows beside it kept
        assert [p.row for p in parsed.rejected] == [3]
        assert parsed.rejected[0].field in (field, None)
        assert parsed.frame["source_row"].tolist() == [1, 2, 4]


@pytest.mark.parametrize(
    "items",
    [
        [],
        [_fix(0), "text"],
        [_fix(0), None],
        [_fix(0), [1, 2]],
        [_fix(i, lat=100.0 + i, lon=30.0) for i in range(3)],  # China with its axes swapped
    ],
)
def test_other_lists_go_to_the_full_checks(items: list[Any]) -> None:
    assert clean_points(items) is None


def test_the_swapped_check_still_refuses_the_batch() -> None:
    items = [_fix(i, lat=100.0 + i, lon=30.0) for i in range(3)]
    with pytest.raises(InputError, match="look swapped"):
        parse_points_json(items, crs="wgs84", naive_timezone=None)


def test_random_damage_reads_alike() -> None:
    """Clean batches with a few values replaced at random: the same Parsed either way."""
    rng = random.Random(18)
    values = [v for _, v, _ in UNUSUAL if v is not ...] + [0, 45.5, "", "2026-11-20T07:00:00Z"]
    for _ in range(150):
        items = [_fix(i) for i in range(rng.randint(1, 12))]
        for _ in range(rng.randint(0, 3)):
            row = rng.choice(items)
            row[rng.choice(["manager_id", "timestamp", "lat", "lon", "accuracy_m"])] = rng.choice(
                values
            )
        if rng.random() < 0.2:
            del rng.choice(items)["speed_mps"]
        naive = rng.choice([None, "Asia/Shanghai"])
        try:
            _full_checks(copy.deepcopy(items), naive=naive)
        except InputError:  # the full checks refuse the whole batch: so does the fast path
            with pytest.raises(InputError):
                parse_points_json(items, crs="wgs84", naive_timezone=naive)
            continue
        _same(items, naive=naive)


def test_an_epoch_past_float64_is_a_bad_row_not_a_crash() -> None:
    """An integer timestamp of 401 digits beside text ones was an OverflowError (a 500)."""
    items = [_fix(i) for i in range(3)]
    items[1]["timestamp"] = 10**400
    parsed = parse_points_json(items, crs="wgs84", naive_timezone=None)
    assert [(p.row, p.field) for p in parsed.rejected] == [(2, "timestamp")]
    assert parsed.frame["source_row"].tolist() == [1, 3]
