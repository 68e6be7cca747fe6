"""Tests of trajectory.io: every format round-trips, every bad file is an InputError.

File-level tests run inside ``tmp_path`` (``cwd`` fixture) and pass bare file
names, so messages can be compared exactly: they quote the path as given.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from trajectory.errors import InputError
from trajectory.io import read_tasks, read_track
from trajectory.schema import TRACK_FRAME_COLUMNS

DATA = Path(__file__).parent.parent / "data"
INSTANT = pd.Timestamp("2026-11-19 23:12:03", tz="UTC")  # 07:12:03 in Shanghai
HEADER = "manager_id,timestamp,lat,lon"
TASK_HEADER = "manager_id,date,seq,store_id,store_name,lat,lon,method"


@pytest.fixture
def cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _write(name: str, text: str, encoding: str = "utf-8") -> str:
    Path(name).write_bytes(text.encode(encoding))
    return name


def _csv(*rows: str, header: str = HEADER) -> str:
    return "\n".join((header, *rows)) + "\n"


def _error(func: object, *args: object, **kwargs: object) -> str:
    with pytest.raises(InputError) as info:
        func(*args, **kwargs)  # type: ignore[operator]
    return str(info.value)


def _gpx(body: str, version: str = "1.1") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="{version}" creator="t" '
        f'xmlns="http://www.topografix.com/GPX/{version.replace(".", "/")}">{body}</gpx>\n'
    )


GOOD = (
    "007,2026-11-20 07:12:03,31.2304,121.4737",
    "007,2026-11-20 07:12:08,31.2305,121.4738",
    "007,2026-11-20 07:12:13,31.2306,121.4739",
)


class TestReadTrack:
    @pytest.mark.parametrize("name", ["track_007.csv", "track_007.geojson", "track_007.gpx"])
    def test_fixture_formats_read_the_same_track(self, name: str) -> None:
        reference = read_track(DATA / "track_007.csv").frame
        result = read_track(DATA / name)
        assert tuple(result.frame.columns) == TRACK_FRAME_COLUMNS
        assert result.rejected == ()
        assert result.source == str(DATA / name)
        core = ["manager_id", "time", "lat", "lon", "speed_mps", "source_row"]
        pd.testing.assert_frame_equal(result.frame[core], reference[core])
        assert result.frame["time"].iloc[0] == INSTANT

    def test_parquet_round_trip_of_a_validated_track(self, cwd: Path) -> None:
        frame = read_track(DATA / "track_007.csv").frame
        frame.to_parquet("m1.parquet")
        pd.testing.assert_frame_equal(read_track("m1.parquet").frame, frame)

    def test_parquet_with_epoch_seconds_and_typed_columns(self, cwd: Path) -> None:
        raw = pd.DataFrame(
            {
                "manager_id": ["007"] * 3,
                "timestamp": [1795129923, 1795129928, 1795129933],
                "lat": [31.2304, 31.2305, 31.2306],
                "lon": [121.4737, 121.4738, 121.4739],
            }
        )
        raw.to_parquet("m1.pq")
        reference = read_track(DATA / "track_007.csv").frame
        result = read_track("m1.pq").frame
        pd.testing.assert_series_equal(result["time"], reference["time"])

    @pytest.mark.parametrize("sep", [";", "\t", "|"])
    def test_other_separators_are_sniffed_from_the_header(self, cwd: Path, sep: str) -> None:
        text = _csv(*GOOD).replace(",", sep)
        frame = read_track(_write("m1.csv", text)).frame
        assert frame["lat"].tolist() == [31.2304, 31.2305, 31.2306]

    def test_excel_sep_hint_and_txt_suffix(self, cwd: Path) -> None:
        text = "sep=;\n" + _csv(*GOOD).replace(",", ";")
        assert len(read_track(_write("m1.txt", text)).frame) == 3

    def test_utf8_bom_and_crlf(self, cwd: Path) -> None:
        path = _write("m1.csv", _csv(*GOOD).replace("\n", "\r\n"), encoding="utf-8-sig")
        assert read_track(path).frame["manager_id"].tolist() == ["007"] * 3

    def test_leading_zeros_and_column_aliases(self, cwd: Path) -> None:
        header = "Manager_ID, time ,Latitude,lng"
        frame = read_track(_write("m1.csv", _csv(*GOOD, header=header))).frame
        assert frame["manager_id"].tolist() == ["007"] * 3
        assert frame["lon"].iloc[0] == 121.4737

    def test_blank_lines_are_not_rows(self, cwd: Path) -> None:
        text = _csv(GOOD[0], "", GOOD[1], "   ", "7,2026-11-20 07:12:13,999,121.4")
        message = _error(read_track, _write("m1.csv", text))
        assert message == "m1.csv, row 3, field lat: out of range [-90, 90] (got 999)"

    def test_lat_out_of_range(self, cwd: Path) -> None:
        text = _csv(GOOD[0], GOOD[1], "007,2026-11-20 07:12:13,999,121.4739")
        message = _error(read_track, _write("m1.csv", text))
        assert message == "m1.csv, row 3, field lat: out of range [-90, 90] (got 999)"

    def test_bad_timestamp(self, cwd: Path) -> None:
        text = _csv(GOOD[0], "007,20/11/2026 07:12,31.2305,121.4738")
        assert _error(read_track, _write("m1.csv", text)) == (
            "m1.csv, row 2, field timestamp: not ISO 8601, naive local time or epoch seconds "
            "(got '20/11/2026 07:12')"
        )

    def test_mixed_naive_and_offset_times(self, cwd: Path) -> None:
        text = _csv(GOOD[0], GOOD[1], "007,2026-11-20T07:12:13+08:00,31.2306,121.4739")
        assert _error(read_track, _write("m1.csv", text)) == (
            "m1.csv, row 3, field timestamp: mixes naive local times and times with a UTC "
            "offset; use one form"
        )

    def test_missing_column(self, cwd: Path) -> None:
        text = "manager_id,timestamp,lat\n007,2026-11-20 07:12:03,31.2\n"
        assert _error(read_track, _write("m1.csv", text)) == (
            "m1.csv, field lon: missing required column; "
            "expected manager_id,timestamp,lat,lon[,accuracy_m,speed_mps]"
        )

    def test_header_without_recognisable_columns(self, cwd: Path) -> None:
        text = "manager_id timestamp lat lon\n007 2026-11-20T07:12:03 31.2 121.4\n"
        assert _error(read_track, _write("m1.csv", text)) == (
            "m1.csv: header has no recognisable columns (got 'manager_id timestamp lat lon'); "
            "expected columns manager_id,timestamp,lat,lon[,accuracy_m,speed_mps] separated by "
            "commas, tabs or semicolons"
        )

    @pytest.mark.parametrize(
        ("text", "reason"),
        [
            ("", "empty file: no header"),
            ("\n \n", "empty file: no header"),
            (HEADER + "\n", "no data rows"),
            (HEADER + "\n\n", "no data rows"),
        ],
    )
    def test_empty_files(self, cwd: Path, text: str, reason: str) -> None:
        assert _error(read_track, _write("m1.csv", text)) == f"m1.csv: {reason}"

    def test_no_such_file_and_unsupported_type(self, cwd: Path) -> None:
        assert _error(read_track, "nope.csv") == "nope.csv: no such file"
        assert _error(read_track, _write("m1.xlsx", "x")) == (
            "m1.xlsx: unsupported file type '.xlsx'; expected .csv, .txt, .geojson, .json, "
            ".gpx, .parquet, .pq"
        )

    def test_ragged_rows(self, cwd: Path) -> None:
        text = _csv(GOOD[0], "007,2026-11-20 07:12:08,31.2305", GOOD[2] + ",extra")
        path = _write("m1.csv", text)
        assert _error(read_track, path) == "m1.csv, row 2: expected 4 fields, got 3"
        result = read_track(path, on_bad_row="skip")
        assert result.frame["source_row"].tolist() == [1]
        assert [str(p) for p in result.rejected] == [
            "m1.csv, row 2: expected 4 fields, got 3",
            "m1.csv, row 3: expected 4 fields, got 5",
        ]

    def test_trailing_empty_fields_are_tolerated(self, cwd: Path) -> None:
        text = _csv(GOOD[0] + ",", GOOD[1] + ",,", header=HEADER + ",")
        assert len(read_track(_write("m1.csv", text)).frame) == 2

    def test_skip_keeps_good_rows_and_lists_problems_in_row_order(self, cwd: Path) -> None:
        text = _csv(
            "007,2026-11-20 07:12:03,999,121.4737",
            GOOD[1],
            "007,2026-11-20 07:12:13,31.2306",
            "007,never,31.2306,121.4739",
        )
        result = read_track(_write("m1.csv", text), on_bad_row="skip")
        assert result.frame["source_row"].tolist() == [2]
        assert [str(p) for p in result.rejected] == [
            "m1.csv, row 1, field lat: out of range [-90, 90] (got 999)",
            "m1.csv, row 3: expected 4 fields, got 3",
            "m1.csv, row 4, field timestamp: not ISO 8601, naive local time or epoch seconds "
            "(got 'never')",
        ]

    def test_swapped_coordinates(self, cwd: Path) -> None:
        text = _csv("007,2026-11-20 07:12:03,121.4737,31.2304")
        assert _error(read_track, _write("m1.csv", text)).startswith(
            "m1.csv: lat and lon look swapped"
        )

    def test_geojson_non_point_feature(self, cwd: Path) -> None:
        doc = json.loads((DATA / "track_007.geojson").read_text(encoding="utf-8"))
        doc["features"][1]["geometry"] = {"type": "LineString", "coordinates": [[1, 2], [3, 4]]}
        doc["features"][2] = "oops"
        path = _write("m1.geojson", json.dumps(doc))
        assert _error(read_track, path) == (
            "m1.geojson, row 2, field geometry: expected a Point geometry (got LineString)"
        )
        result = read_track(path, on_bad_row="skip")
        assert result.frame["source_row"].tolist() == [1]
        assert [str(p) for p in result.rejected][
            1
        ] == "m1.geojson, row 3: not a GeoJSON Feature object"

    @pytest.mark.parametrize(
        ("text", "reason"),
        [
            (
                "{",
                "not valid JSON (Expecting property name enclosed in double quotes at line 1 "
                "column 2)",
            ),
            ("[]", "expected a GeoJSON FeatureCollection of Point features"),
            ('{"type": "FeatureCollection", "features": []}', "no data rows"),
        ],
    )
    def test_bad_geojson(self, cwd: Path, text: str, reason: str) -> None:
        assert _error(read_track, _write("m1.json", text)) == f"m1.json: {reason}"

    def test_gpx_point_without_time_and_manager_from_stem(self, cwd: Path) -> None:
        body = (
            "<trk><trkseg>"
            '<trkpt lat="31.2304" lon="121.4737"><time>2026-11-19T23:12:03Z</time></trkpt>'
            '<trkpt lat="31.2305" lon="121.4738"></trkpt>'
            "</trkseg></trk>"
            '<rte><rtept lat="31.2306" lon="121.4739">'
            "<time>2026-11-19T23:12:13Z</time></rtept></rte>"
        )
        path = _write("m042.gpx", _gpx(body))
        assert _error(read_track, path) == "m042.gpx, row 2, field timestamp: missing"
        result = read_track(path, on_bad_row="skip")
        assert result.frame["manager_id"].tolist() == ["m042", "m042"]
        assert result.frame["source_row"].tolist() == [1, 3]

    def test_bad_gpx(self, cwd: Path) -> None:
        assert _error(read_track, _write("m1.gpx", "not xml")).startswith("m1.gpx: not valid GPX (")
        assert _error(read_track, _write("m2.gpx", _gpx("<trk/>"))) == (
            "m2.gpx: no data rows: no track or route points"
        )

    def test_bad_parquet(self, cwd: Path) -> None:
        assert _error(read_track, _write("m1.parquet", "not parquet")).startswith(
            "m1.parquet: not a readable Parquet file ("
        )

    def test_timezone_is_used_for_naive_times(self, cwd: Path) -> None:
        frame = read_track(_write("m1.csv", _csv(GOOD[0])), timezone="UTC").frame
        assert frame["time"].iloc[0] == pd.Timestamp("2026-11-20 07:12:03", tz="UTC")


class TestReadTasks:
    def test_json_fixture(self) -> None:
        result = read_tasks(DATA / "tasks_007.json")
        frame = result.frame
        assert frame["store_id"].tolist() == ["001", "002"]
        assert frame["store_name"].tolist() == ["东方水产", ""]
        assert frame["method"].tolist() == ["onsite", "phone"]
        assert frame["reported_visited"].tolist() == [True, False]
        assert frame["market_id"].tolist() == ["SH-01", None]
        assert result.has_reported_visited is True

    def test_json_list_and_non_object_items(self, cwd: Path) -> None:
        items = json.loads((DATA / "tasks_007.json").read_text(encoding="utf-8"))["tasks"]
        path = _write("tasks.json", json.dumps([items[0], 5, items[1]]))
        assert _error(read_tasks, path) == "tasks.json, row 2: expected a task object {...}"
        result = read_tasks(path, on_bad_row="skip")
        assert result.frame["source_row"].tolist() == [1, 3]

    @pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8"])
    def test_chinese_store_names_in_excel_encodings(self, cwd: Path, encoding: str) -> None:
        text = _csv(
            '007,2026/11/20,1,0012,"东方水产, 二号门",31.2304,121.4737,现场',
            "007,2026/11/20,2,0013,老王鲜肉,31.2404,121.4837,电话",
            header=TASK_HEADER,
        )
        frame = read_tasks(_write("tasks.csv", text, encoding=encoding)).frame
        assert frame["store_name"].tolist() == ["东方水产, 二号门", "老王鲜肉"]
        assert frame["store_id"].tolist() == ["0012", "0013"]
        assert frame["method"].tolist() == ["onsite", "phone"]

    def test_reported_visited_absent(self, cwd: Path) -> None:
        text = _csv("007,20261120,1,001,A,31.2,121.4,onsite", header=TASK_HEADER)
        result = read_tasks(_write("tasks.csv", text))
        assert result.has_reported_visited is False
        assert result.frame["reported_visited"].tolist() == [True]

    def test_bad_row_message(self, cwd: Path) -> None:
        text = _csv(
            "007,2026-11-20,1,001,A,31.2,121.4,onsite",
            "007,2026-11-20,2,002,B,31.2,121.4,visit",
            header=TASK_HEADER,
        )
        assert _error(read_tasks, _write("tasks.csv", text)) == (
            "tasks.csv, row 2, field method: unknown method (got 'visit'); "
            "expected onsite, phone or chat"
        )

    def test_duplicate_task(self, cwd: Path) -> None:
        row = "007,2026-11-20,1,001,A,31.2,121.4,onsite"
        assert _error(read_tasks, _write("tasks.csv", _csv(row, row, header=TASK_HEADER))) == (
            "tasks.csv, row 2, field store_id: duplicate of row 1 (same manager_id, date and "
            "store_id)"
        )

    def test_empty_and_missing_files(self, cwd: Path) -> None:
        assert _error(read_tasks, _write("t.csv", "")) == "t.csv: empty file: no header"
        assert _error(read_tasks, _write("t2.csv", TASK_HEADER + "\n")) == "t2.csv: no data rows"
        assert _error(read_tasks, _write("t.json", "[]")) == "t.json: no data rows"
        assert _error(read_tasks, "none.json") == "none.json: no such file"
        assert _error(read_tasks, _write("t.gpx", "x")) == (
            "t.gpx: unsupported file type '.gpx'; expected .csv, .txt, .json"
        )
