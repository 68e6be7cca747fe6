"""batch.parquet: track datasets partitioned by date/manager, and results.parquet."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from batch.parquet import (
    list_day_files,
    read_day_track,
    repartition_day,
    write_day_tracks,
)
from trajectory.errors import InputError
from trajectory.io import read_tasks, read_track
from trajectory.pipeline import verify_day
from trajectory.schema import validate_track

SAMPLES = Path(__file__).resolve().parents[2] / "sample_tracks"
DAY = dt.date(2026, 11, 20)
TZ = "Asia/Shanghai"


def _track(manager_id: str, times: list[str], lat0: float = 31.23) -> pd.DataFrame:
    n = len(times)
    raw = pd.DataFrame(
        {
            "manager_id": [manager_id] * n,
            "timestamp": times,
            "lat": lat0 + np.arange(n) * 1e-5,
            "lon": 121.47 + np.arange(n) * 1e-5,
            "accuracy_m": [5.0] * n,
        }
    )
    return validate_track(raw).frame


class TestWriteAndList:
    def test_round_trip_keeps_the_day_per_manager(self, tmp_path: Path) -> None:
        times = [
            "2026-11-19T23:59:59+08:00",
            "2026-11-20T00:00:00+08:00",
            "2026-11-20T23:59:59+08:00",
            "2026-11-21T00:00:00+08:00",
        ]
        frame = pd.concat([_track("007", times), _track("a/b", times[1:3], 30.0)])
        written = write_day_tracks(frame, tmp_path, DAY, timezone=TZ, name="src")
        assert written == {"007": 2, "a/b": 2}
        files = list_day_files(tmp_path, DAY)
        assert files is not None
        assert set(files) == {"007", "a/b"}  # "007" stays text; "a/b" encoded in the folder
        assert files["a/b"][0].endswith("manager_id=a%2Fb/src.parquet")
        got = read_day_track(files["007"], "007", timezone=TZ, source="x").frame
        want = _track("007", times[1:3])
        pd.testing.assert_frame_equal(got, want, check_dtype=False)
        assert str(got["time"].dtype) == "datetime64[ns, UTC]"

    def test_writing_the_same_source_again_replaces_its_file(self, tmp_path: Path) -> None:
        times = ["2026-11-20T08:00:00+08:00", "2026-11-20T08:00:05+08:00"]
        write_day_tracks(_track("m1", times), tmp_path, DAY, timezone=TZ, name="src")
        write_day_tracks(_track("m1", times[:1]), tmp_path, DAY, timezone=TZ, name="src")
        write_day_tracks(_track("m1", times[1:]), tmp_path, DAY, timezone=TZ, name="other")
        files = list_day_files(tmp_path, DAY)
        assert files is not None
        track = read_day_track(files["m1"], "m1", timezone=TZ, source="x").frame
        assert len(track) == 2  # one fix from each source, none twice

    def test_listing_a_date_folder_and_a_missing_date(self, tmp_path: Path) -> None:
        track = _track("m1", ["2026-11-20T08:00:00+08:00"])
        write_day_tracks(track, tmp_path, DAY, timezone=TZ, name="s")
        assert list_day_files(tmp_path / "date=2026-11-20", DAY) == list_day_files(tmp_path, DAY)
        assert list_day_files(tmp_path, dt.date(2026, 11, 21)) == {}

    def test_dataset_without_manager_partitions_is_none(self, tmp_path: Path) -> None:
        table = pa.table({"manager_id": ["m1"], "time": pa.array([0], pa.timestamp("s", "UTC"))})
        pq.write_table(table, tmp_path / "all.parquet")
        assert list_day_files(tmp_path, DAY) is None

    def test_not_a_folder(self, tmp_path: Path) -> None:
        with pytest.raises(InputError, match="not a folder"):
            list_day_files(tmp_path / "none", DAY)


class TestReadDayTrack:
    def test_only_the_managers_own_files_are_read(self, tmp_path: Path) -> None:
        times = ["2026-11-20T08:00:00+08:00", "2026-11-20T08:00:05+08:00"]
        write_day_tracks(_track("m1", times), tmp_path, DAY, timezone=TZ, name="s")
        write_day_tracks(_track("m2", times), tmp_path, DAY, timezone=TZ, name="s")
        files = list_day_files(tmp_path, DAY)
        assert files is not None
        Path(files["m2"][0]).write_bytes(b"not parquet")  # another manager's broken file
        assert len(read_day_track(files["m1"], "m1", timezone=TZ, source="x").frame) == 2
        with pytest.raises(InputError, match="not a readable Parquet file"):
            read_day_track(files["m2"], "m2", timezone=TZ, source="x")

    def test_bad_rows_are_named_or_skipped(self, tmp_path: Path) -> None:
        path = tmp_path / "t.parquet"
        pq.write_table(
            pa.table(
                {
                    "time": pa.array([1, 2, 3], pa.timestamp("s", "UTC")),
                    "lat": [31.0, 91.0, 31.0],
                    "lon": [121.0, 121.0, 121.0],
                }
            ),
            path,
        )
        with pytest.raises(InputError, match=r"src, row 2, field lat: out of range"):
            read_day_track([path], "m1", timezone=TZ, source="src")
        got = read_day_track([path], "m1", timezone=TZ, source="src", on_bad_row="skip")
        assert len(got.frame) == 2
        assert [(p.row, p.field) for p in got.rejected] == [(2, "lat")]

    def test_raw_text_columns_are_validated_like_a_csv(self, tmp_path: Path) -> None:
        path = tmp_path / "t.parquet"
        pq.write_table(
            pa.table(
                {
                    "manager_id": ["m1", "m2", "m1"],
                    "timestamp": [
                        "2026-11-20 08:00:00",
                        "2026-11-20 08:00:01",
                        "2026-11-20 08:00:02",
                    ],
                    "lat": ["31.2", "31.2", "31.2"],
                    "lon": ["121.4", "121.4", "121.4"],
                }
            ),
            path,
        )
        got = read_day_track([path], "m1", timezone=TZ, source="src").frame
        assert len(got) == 2  # m2's row left out
        assert got["time"].iloc[0] == pd.Timestamp("2026-11-20 00:00:00", tz="UTC")

    def test_no_files_is_an_empty_track(self) -> None:
        got = read_day_track([], "m1", timezone=TZ, source="src")
        assert got.frame.empty
        assert list(got.frame.columns)[:4] == ["manager_id", "time", "lat", "lon"]

    def test_verify_from_parquet_equals_verify_from_csv(self, tmp_path: Path) -> None:
        day = SAMPLES / "late"
        track = read_track(day / "track.csv")
        write_day_tracks(track.frame, tmp_path, DAY, timezone=TZ, name="s")
        files = list_day_files(tmp_path, DAY)
        assert files is not None
        (manager,) = files
        from_parquet = read_day_track(files[manager], manager, timezone=TZ, source="x")
        tasks = read_tasks(day / "tasks.csv")
        a = verify_day(track, tasks).to_dict()
        b = verify_day(from_parquet, tasks).to_dict()
        assert a == b


class TestRepartitionDay:
    def test_date_partitioned_dataset_is_split_by_manager(self, tmp_path: Path) -> None:
        times = [
            "2026-11-20T08:00:00+08:00",
            "2026-11-20T08:00:05+08:00",
            "2026-11-21T08:00:00+08:00",
        ]
        frame = pd.concat([_track("007", times), _track("m2", times[:1])], ignore_index=True)
        table = pa.Table.from_pandas(
            frame.drop(columns=["source_row"]).assign(
                date=["2026-11-20", "2026-11-20", "2026-11-21", "2026-11-20"]
            ),
            preserve_index=False,
        )
        source = tmp_path / "by_date"
        ds.write_dataset(
            table,
            source,
            format="parquet",
            partitioning=ds.partitioning(pa.schema([("date", pa.string())]), flavor="hive"),
        )
        assert list_day_files(source, DAY) is None
        files = repartition_day(source, tmp_path / "staged", DAY, timezone=TZ)
        assert set(files) == {"007", "m2"}
        got = read_day_track(files["007"], "007", timezone=TZ, source="x").frame
        assert len(got) == 2

    def test_needs_manager_and_time_columns(self, tmp_path: Path) -> None:
        pq.write_table(pa.table({"lat": [1.0]}), tmp_path / "x.parquet")
        with pytest.raises(InputError, match="manager_id"):
            repartition_day(tmp_path, tmp_path / "staged", DAY, timezone=TZ)


class TestGeoParquet:
    def test_track_points_as_wkb_geometry(self, tmp_path: Path) -> None:
        import geopandas as gpd
        from shapely import LineString, Point

        frame = read_track(SAMPLES / "late" / "track.csv").frame
        geo = gpd.GeoDataFrame(
            frame[["time", "accuracy_m", "speed_mps"]],
            geometry=gpd.points_from_xy(frame["lon"], frame["lat"]),
            crs="EPSG:4326",
        )
        path = tmp_path / "t.parquet"
        geo.to_parquet(path)
        got = read_day_track([path], "M3946", timezone=TZ, source="src").frame
        np.testing.assert_allclose(got["lat"], frame["lat"])
        np.testing.assert_allclose(got["lon"], frame["lon"])
        geo.loc[2, "geometry"] = LineString([Point(0, 0), Point(1, 1)])
        geo.to_parquet(path)
        with pytest.raises(InputError, match="src, row 3, field lat"):
            read_day_track([path], "M3946", timezone=TZ, source="src")
