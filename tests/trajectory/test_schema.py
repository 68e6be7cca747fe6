"""Tests of trajectory.schema: column matching, per-row checks, raise/skip, normal form."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from trajectory.errors import ConfigError, InputError
from trajectory.schema import (
    TASK_FRAME_COLUMNS,
    TRACK_FRAME_COLUMNS,
    ValidatedTasks,
    ValidatedTrack,
    validate_tasks,
    validate_track,
)

INSTANT = pd.Timestamp("2026-11-19 23:12:03", tz="UTC")  # 07:12:03 in Shanghai


def _track(**overrides: list[object]) -> pd.DataFrame:
    """Three good fixes as text (the way a CSV arrives); override any column."""
    data: dict[str, list[object]] = {
        "manager_id": ["007", "007", "007"],
        "timestamp": ["2026-11-20 07:12:03", "2026-11-20 07:12:08", "2026-11-20 07:12:13"],
        "lat": ["31.2304", "31.2305", "31.2306"],
        "lon": ["121.4737", "121.4738", "121.4739"],
        "accuracy_m": ["5", "", "4.5"],
        "speed_mps": ["0.5", "1.2", ""],
    }
    data.update(overrides)
    return pd.DataFrame(data)


def _tasks(**overrides: list[object]) -> pd.DataFrame:
    data: dict[str, list[object]] = {
        "manager_id": ["007", "007", "007"],
        "date": ["2026-11-20", "2026/11/20", "20261120"],
        "seq": ["1", "2", "3"],
        "store_id": ["001", "002", "003"],
        "store_name": ["东方水产", "", "Fresh Mart"],
        "lat": ["31.2304", "31.2404", "31.2504"],
        "lon": ["121.4737", "121.4837", "121.4937"],
        "method": ["onsite", " Phone ", "现场"],
    }
    data.update(overrides)
    return pd.DataFrame(data)


def _raises(message: str, func: object, *args: object, **kwargs: object) -> None:
    with pytest.raises(InputError) as info:
        func(*args, **kwargs)  # type: ignore[operator]
    assert str(info.value) == message


class TestValidateTrack:
    def test_normal_form(self) -> None:
        result = validate_track(_track(), source="m1.csv")
        assert isinstance(result, ValidatedTrack)
        frame = result.frame
        assert tuple(frame.columns) == TRACK_FRAME_COLUMNS
        assert {c: str(t) for c, t in frame.dtypes.items()} == {
            "manager_id": "str",
            "time": "datetime64[ns, UTC]",
            "lat": "float64",
            "lon": "float64",
            "accuracy_m": "float64",
            "speed_mps": "float64",
            "source_row": "int64",
        }
        assert frame["manager_id"].tolist() == ["007"] * 3
        assert frame["time"].iloc[0] == INSTANT
        assert frame["accuracy_m"].isna().tolist() == [False, True, False]
        assert frame["source_row"].tolist() == [1, 2, 3]
        assert result.rejected == ()
        assert result.source == "m1.csv"

    def test_optional_columns_absent_give_nan(self) -> None:
        frame = validate_track(_track().drop(columns=["accuracy_m", "speed_mps"])).frame
        assert frame["accuracy_m"].isna().all()
        assert frame["speed_mps"].isna().all()

    def test_column_names_are_stripped_lowercased_and_aliased(self) -> None:
        raw = _track().rename(
            columns={
                "manager_id": " Manager_ID ",
                "lat": "Latitude",
                "lon": "lng",
                "timestamp": "ts",
            }
        )
        frame = validate_track(raw).frame
        assert frame["lat"].iloc[0] == pytest.approx(31.2304)
        assert frame["time"].iloc[0] == INSTANT

    def test_ambiguous_alias(self) -> None:
        raw = _track().assign(latitude=["1", "2", "3"])
        _raises(
            "<dataframe>, field lat: ambiguous: columns 'lat', 'latitude' all mean lat",
            validate_track,
            raw,
        )

    @pytest.mark.parametrize("column", ["manager_id", "timestamp", "lat", "lon"])
    def test_missing_required_column(self, column: str) -> None:
        _raises(
            f"m1.csv, field {column}: missing required column; "
            "expected manager_id,timestamp,lat,lon[,accuracy_m,speed_mps]",
            validate_track,
            _track().drop(columns=[column]),
            source="m1.csv",
        )

    @pytest.mark.parametrize(
        ("column", "value", "reason"),
        [
            ("lat", "999", "out of range [-90, 90] (got 999)"),
            ("lat", "-90.5", "out of range [-90, 90] (got -90.5)"),
            ("lon", "180.01", "out of range [-180, 180] (got 180.01)"),
            ("lat", "abc", "not a number (got 'abc')"),
            ("lat", "inf", "not a finite number (got inf)"),
            ("lat", "", "missing"),
            ("lon", None, "missing"),
            ("manager_id", "  ", "missing"),
            ("timestamp", "soon", "not ISO 8601, naive local time or epoch seconds (got 'soon')"),
            ("accuracy_m", "-1", "must be >= 0 (got -1)"),
            ("speed_mps", "fast", "not a number (got 'fast')"),
        ],
    )
    def test_bad_value_raises_naming_row_and_field(
        self, column: str, value: object, reason: str
    ) -> None:
        raw = _track()
        raw[column] = raw[column].astype(object)
        raw.loc[1, column] = value
        _raises(f"m1.csv, row 2, field {column}: {reason}", validate_track, raw, source="m1.csv")

    @pytest.mark.parametrize("lat", ["-90", "90"])
    def test_latitude_bounds_are_inclusive(self, lat: str) -> None:
        assert validate_track(_track(lat=[lat] * 3)).frame["lat"].iloc[0] == float(lat)

    def test_first_bad_row_by_source_row_and_field_order(self) -> None:
        raw = _track(lat=["31.2", "31.2", "999"], lon=["121.4", "1000", "121.4"])
        raw["source_row"] = [30, 20, 10]
        _raises(
            "<dataframe>, row 10, field lat: out of range [-90, 90] (got 999)", validate_track, raw
        )
        raw = _track(timestamp=["x", "2026-11-20 07:12:08", "2026-11-20 07:12:13"])
        raw.loc[0, "lat"] = "999"
        _raises(
            "<dataframe>, row 1, field timestamp: not ISO 8601, naive local time or epoch "
            "seconds (got 'x')",
            validate_track,
            raw,
        )

    def test_skip_keeps_good_rows_and_lists_problems(self) -> None:
        raw = _track(lat=["31.2", "999", "31.3"])
        raw.loc[1, "speed_mps"] = "-1"
        result = validate_track(raw, source="m1.csv", on_bad_row="skip")
        assert result.frame["source_row"].tolist() == [1, 3]
        assert result.frame.index.tolist() == [0, 1]
        assert [str(p) for p in result.rejected] == [
            "m1.csv, row 2, field lat: out of range [-90, 90] (got 999)",
            "m1.csv, row 2, field speed_mps: must be >= 0 (got -1)",
        ]

    def test_swapped_lat_lon_is_refused_even_when_skipping(self) -> None:
        raw = _track(lat=["121.4737"] * 3, lon=["31.2304"] * 3)
        _raises(
            "<dataframe>: lat and lon look swapped: every lat is within 73..135 and every lon "
            "within 3..54 (China with its axes exchanged); put latitude in lat, longitude in lon",
            validate_track,
            raw,
            on_bad_row="skip",
        )

    def test_mixed_time_forms(self) -> None:
        raw = _track(
            timestamp=["2026-11-20 07:12:03", "2026-11-20T07:12:08+08:00", "2026-11-20 07:12:13"]
        )
        _raises(
            "m1.csv, row 2, field timestamp: mixes naive local times and times with a UTC "
            "offset; use one form",
            validate_track,
            raw,
            source="m1.csv",
        )

    def test_timezone_reads_naive_times(self) -> None:
        frame = validate_track(_track(), timezone="UTC").frame
        assert frame["time"].iloc[0] == pd.Timestamp("2026-11-20 07:12:03", tz="UTC")

    def test_typed_columns(self) -> None:
        raw = pd.DataFrame(
            {
                "manager_id": [7, 7],
                "timestamp": [1795129923, 1795129928],
                "lat": [31.2304, 31.2305],
                "lon": [121.4737, 121.4738],
                "accuracy_m": [5.0, np.nan],
            }
        )
        frame = validate_track(raw).frame
        assert frame["manager_id"].tolist() == ["7", "7"]
        assert frame["time"].iloc[0] == INSTANT

    def test_input_frame_is_not_modified(self) -> None:
        raw = _track(lat=["31.2", "999", "31.3"])
        before = raw.copy()
        validate_track(raw, on_bad_row="skip")
        pd.testing.assert_frame_equal(raw, before)

    def test_validated_frame_is_accepted_unchanged(self) -> None:
        once = validate_track(_track()).frame
        twice = validate_track(once).frame
        pd.testing.assert_frame_equal(once, twice)

    def test_existing_source_row_is_kept(self) -> None:
        raw = _track().assign(source_row=[5, 6, 8])
        assert validate_track(raw).frame["source_row"].tolist() == [5, 6, 8]

    def test_empty_frame(self) -> None:
        frame = validate_track(_track().iloc[:0]).frame
        assert tuple(frame.columns) == TRACK_FRAME_COLUMNS
        assert len(frame) == 0

    def test_bad_on_bad_row(self) -> None:
        with pytest.raises(ConfigError, match="on_bad_row"):
            validate_track(_track(), on_bad_row="ignore")  # type: ignore[arg-type]


class TestValidateTasks:
    def test_normal_form(self) -> None:
        result = validate_tasks(_tasks(), source="tasks.csv")
        assert isinstance(result, ValidatedTasks)
        frame = result.frame
        assert tuple(frame.columns) == TASK_FRAME_COLUMNS
        assert {c: str(t) for c, t in frame.dtypes.items()} == {
            "manager_id": "str",
            "date": "object",
            "seq": "int64",
            "store_id": "str",
            "store_name": "str",
            "lat": "float64",
            "lon": "float64",
            "method": "str",
            "reported_visited": "bool",
            "market_id": "object",
            "source_row": "int64",
        }
        assert frame["date"].tolist() == [dt.date(2026, 11, 20)] * 3
        assert frame["store_id"].tolist() == ["001", "002", "003"]
        assert frame["store_name"].tolist() == ["东方水产", "", "Fresh Mart"]
        assert frame["method"].tolist() == ["onsite", "phone", "onsite"]
        assert frame["reported_visited"].tolist() == [True, True, True]
        assert frame["market_id"].tolist() == [None, None, None]
        assert result.has_reported_visited is False

    @pytest.mark.parametrize(
        ("word", "method"),
        [
            ("上门", "onsite"),
            ("拜访", "onsite"),
            ("电话", "phone"),
            ("聊天", "chat"),
            ("聊一聊", "chat"),
            ("微信", "chat"),
            ("CHAT", "chat"),
        ],
    )
    def test_method_words(self, word: str, method: str) -> None:
        frame = validate_tasks(_tasks(method=[word] * 3)).frame
        assert frame["method"].tolist() == [method] * 3

    def test_reported_visited_words(self) -> None:
        words = ["true", "0", "YES", "n", "是", "否", "", "1", "False", "Y"]
        raw = pd.concat([_tasks().iloc[:1]] * len(words), ignore_index=True)
        raw["store_id"] = [f"s{i}" for i in range(len(words))]
        raw["reported_visited"] = words
        result = validate_tasks(raw)
        assert result.has_reported_visited is True
        assert result.frame["reported_visited"].tolist() == [
            True,
            False,
            True,
            False,
            True,
            False,
            False,
            True,
            False,
            True,
        ]

    def test_market_id(self) -> None:
        frame = validate_tasks(_tasks(market_id=["M1", " ", None])).frame
        assert frame["market_id"].tolist() == ["M1", None, None]

    @pytest.mark.parametrize(
        ("column", "value", "reason"),
        [
            ("method", "visit", "unknown method (got 'visit'); expected onsite, phone or chat"),
            ("method", "", "missing"),
            ("seq", "1.5", "not a whole number (got 1.5)"),
            ("seq", "first", "not a number (got 'first')"),
            ("seq", "1e300", "too large (got 1e300)"),
            ("date", "2026-02-30", "not a valid calendar date (got '2026-02-30')"),
            (
                "date",
                "20.11.2026",
                "not a date YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD (got '20.11.2026')",
            ),
            ("store_id", "", "missing"),
            ("lat", "999", "out of range [-90, 90] (got 999)"),
            (
                "reported_visited",
                "maybe",
                "not true/false, yes/no, y/n, 1/0 or 是/否 (got 'maybe')",
            ),
        ],
    )
    def test_bad_value_raises_naming_row_and_field(
        self, column: str, value: str, reason: str
    ) -> None:
        raw = _tasks(reported_visited=["1", "1", "1"])
        raw.loc[2, column] = value
        _raises(
            f"tasks.csv, row 3, field {column}: {reason}", validate_tasks, raw, source="tasks.csv"
        )

    def test_duplicate_task_is_a_problem_on_the_later_row(self) -> None:
        raw = _tasks(store_id=["001", "002", "001"], date=["2026-11-20", "2026-11-20", "20261120"])
        _raises(
            "tasks.csv, row 3, field store_id: duplicate of row 1 (same manager_id, date and "
            "store_id)",
            validate_tasks,
            raw,
            source="tasks.csv",
        )
        other_day = _tasks(store_id=["001", "002", "001"], date=["2026-11-20"] * 2 + ["2026-11-21"])
        assert len(validate_tasks(other_day).frame) == 3

    def test_skip_keeps_good_rows_and_lists_problems(self) -> None:
        raw = _tasks(method=["onsite", "visit", "phone"], seq=["1", "2", "x"])
        result = validate_tasks(raw, source="tasks.csv", on_bad_row="skip")
        assert result.frame["store_id"].tolist() == ["001"]
        assert [str(p) for p in result.rejected] == [
            "tasks.csv, row 2, field method: unknown method (got 'visit'); expected onsite, "
            "phone or chat",
            "tasks.csv, row 3, field seq: not a number (got 'x')",
        ]

    def test_missing_required_column(self) -> None:
        _raises(
            "tasks.csv, field method: missing required column; expected "
            "manager_id,date,seq,store_id,store_name,lat,lon,method[,reported_visited,market_id,crs,footprint]",
            validate_tasks,
            _tasks().drop(columns=["method"]),
            source="tasks.csv",
        )

    def test_swapped_store_coordinates(self) -> None:
        with pytest.raises(InputError, match="lat and lon look swapped"):
            validate_tasks(_tasks(lat=["121.4"] * 3, lon=["31.2"] * 3))

    def test_typed_values(self) -> None:
        raw = _tasks(
            seq=[1, 2, 3],
            lat=[31.2304, 31.2404, 31.2504],
            date=[dt.date(2026, 11, 20)] * 3,
            reported_visited=[True, False, True],
        )
        frame = validate_tasks(raw).frame
        assert frame["seq"].tolist() == [1, 2, 3]
        assert frame["reported_visited"].tolist() == [True, False, True]

    def test_input_frame_is_not_modified(self) -> None:
        raw = _tasks(method=["onsite", "visit", "phone"])
        before = raw.copy()
        validate_tasks(raw, on_bad_row="skip")
        pd.testing.assert_frame_equal(raw, before)

    def test_validated_frame_is_accepted_unchanged(self) -> None:
        once = validate_tasks(_tasks(reported_visited=["1", "0", ""], market_id=["M1", "", "M2"]))
        twice = validate_tasks(once.frame)
        pd.testing.assert_frame_equal(once.frame, twice.frame)
