"""batch.results_parquet: results.parquet and the stays' GeoParquet."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from batch.results_parquet import RESULT_COLUMNS, write_results_parquet
from batch.summary import error_row, summary_row
from trajectory.io import read_tasks, read_track
from trajectory.pipeline import verify_day

SAMPLES = Path(__file__).resolve().parents[2] / "sample_tracks"
DAY = dt.date(2026, 11, 20)


class TestWriteResultsParquet:
    def test_summary_and_result_json_per_row(self, tmp_path: Path) -> None:
        day = SAMPLES / "late"
        body = verify_day(read_track(day / "track.csv"), read_tasks(day / "tasks.csv")).to_dict()
        (tmp_path / "days").mkdir()
        (tmp_path / "days" / "M3946.json").write_text(json.dumps(body), encoding="utf-8")
        rows = [summary_row(body, result="days/M3946.json"), error_row("A1", DAY, "bad row")]
        path = write_results_parquet(rows, tmp_path, tmp_path / "results.parquet")
        table = pq.read_table(path)
        assert tuple(table.column_names) == RESULT_COLUMNS
        got = table.to_pylist()
        assert [r["manager_id"] for r in got] == ["A1", "M3946"]
        assert got[0]["status"] == "error"
        assert got[0]["result_json"] is None
        assert json.loads(got[1]["result_json"]) == body
        assert got[1]["stay_points"] == 10

    def test_stays_layer_opens_in_geopandas(self, tmp_path: Path) -> None:
        import geopandas as gpd

        day = SAMPLES / "late"
        body = verify_day(read_track(day / "track.csv"), read_tasks(day / "tasks.csv")).to_dict()
        (tmp_path / "days").mkdir()
        (tmp_path / "days" / "M3946.json").write_text(json.dumps(body), encoding="utf-8")
        rows = [summary_row(body, result="days/M3946.json"), error_row("A1", DAY, "bad row")]
        stays_path = tmp_path / "stays.parquet"
        write_results_parquet(rows, tmp_path, tmp_path / "r.parquet", stays_path=stays_path)
        layer = gpd.read_parquet(stays_path)
        assert layer.crs is not None and layer.crs.to_epsg() == 4326  # WGS-84
        assert set(layer.geom_type) == {"Point"}
        assert layer["revisit"].dtype == bool and layer["duration_s"].dtype == "float64"
        assert len(layer) == len(body["stay_points"]) == 10
        first = body["stay_points"][0]
        assert (layer["manager_id"].iloc[0], layer["id"].iloc[0]) == ("M3946", first["id"])
        assert layer.geometry.iloc[0].x == pytest.approx(first["lon"])
        assert layer.geometry.iloc[0].y == pytest.approx(first["lat"])
        assert layer["store_id"].iloc[0] == first["store_id"]

    def test_a_run_without_stays_writes_an_empty_layer(self, tmp_path: Path) -> None:
        import geopandas as gpd

        stays_path = tmp_path / "stays.parquet"
        rows = [error_row("A1", DAY, "bad row")]
        write_results_parquet(rows, tmp_path, tmp_path / "r.parquet", stays_path=stays_path)
        layer = gpd.read_parquet(stays_path)
        assert len(layer) == 0 and layer.crs.to_epsg() == 4326
