"""batch.summary: done-ness, summary rows and the summary files."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from batch.index import day_problems
from batch.summary import SUMMARY_COLUMNS, error_row, read_result, summary_row, write_summary
from trajectory.io import read_tasks, read_track
from trajectory.pipeline import verify_day
from trajectory.schema import validate_tasks

SAMPLES = Path(__file__).resolve().parents[2] / "sample_tracks"
DAY = dt.date(2026, 11, 20)


def _sample_body(name: str) -> dict:  # type: ignore[type-arg]
    day = SAMPLES / name
    return verify_day(read_track(day / "track.csv"), read_tasks(day / "tasks.csv")).to_dict()


class TestReadResult:
    def test_complete_result_is_done(self, tmp_path: Path) -> None:
        body = _sample_body("late")
        path = tmp_path / "r.json"
        path.write_text(json.dumps(body), encoding="utf-8")
        assert read_result(path) == body

    @pytest.mark.parametrize(
        "text",
        ['{"manager_id": "m", "date": "2026-11-20", "checks": {', '{"manager_id": "m"}', "[]", ""],
    )
    def test_torn_or_foreign_files_are_not_done(self, tmp_path: Path, text: str) -> None:
        path = tmp_path / "r.json"
        path.write_text(text, encoding="utf-8")
        assert read_result(path) is None

    def test_missing_file_is_not_done(self, tmp_path: Path) -> None:
        assert read_result(tmp_path / "nothing.json") is None


class TestSummaryRow:
    def test_fail_row_names_the_failing_check(self) -> None:
        row = summary_row(_sample_body("late"), result="days/M3946.json", map_path=None)
        assert row["manager_id"] == "M3946"
        assert row["status"] == "fail"
        assert row["on_time_arrival"] == "fail"
        assert row["trajectory_clear"] == row["visit_count_match"] == "pass"
        assert row["reason"].startswith("on_time_arrival: Reached the first store S77668 at 08:31")
        assert "trajectory_clear" not in row["reason"]
        assert row["first_arrival"] == "2026-11-20T08:31:50+08:00"
        assert (row["stay_points"], row["onsite_visits"]) == (10, 10)
        assert row["points"] == 2864
        assert row["checks"]["on_time_arrival"]["status"] == "fail"
        assert set(SUMMARY_COLUMNS) <= set(row)

    def test_pass_row_has_no_reason(self) -> None:
        row = summary_row(_sample_body("compliant"))
        assert (row["status"], row["reason"]) == ("pass", "")

    def test_tasks_without_fixes_is_no_gps(self) -> None:
        tasks = read_tasks(SAMPLES / "late" / "tasks.csv")
        track = read_track(SAMPLES / "late" / "track.csv")
        empty = track.frame.iloc[0:0]
        body = verify_day(empty, tasks).to_dict()
        assert summary_row(body)["status"] == "no_gps"
        assert summary_row(body)["points"] == 0

    def test_fixes_without_tasks_is_no_tasks(self) -> None:
        track = read_track(SAMPLES / "late" / "track.csv")
        no_tasks = validate_tasks(read_tasks(SAMPLES / "late" / "tasks.csv").frame.iloc[0:0])
        body = verify_day(track, no_tasks, manager_id="M3946", date=DAY).to_dict()
        row = summary_row(body)
        assert row["status"] == "no_tasks"
        assert row["points"] > 0
        assert row["reason"] == "GPS fixes but no task list for the day"

    def test_error_row_has_no_verdicts(self) -> None:
        row = error_row("m1", DAY, "t.csv, row 3, field lat: out of range")
        assert row["status"] == "error"
        assert row["on_time_arrival"] is None
        assert row["checks"] is None
        assert day_problems([row]) == [("error", "m1", "t.csv, row 3, field lat: out of range")]


class TestWriteSummary:
    def test_csv_and_json_sorted_by_manager(self, tmp_path: Path) -> None:
        rows = [
            summary_row(_sample_body("late"), result="days/M3946.json"),
            error_row("A1", DAY, "bad"),
            summary_row(_sample_body("compliant"), result="days/M1965.json"),
        ]
        csv_path, json_path = write_summary(rows, tmp_path, date=DAY)
        with csv_path.open(encoding="utf-8", newline="") as f:
            table = list(csv.DictReader(f))
        assert [r["manager_id"] for r in table] == ["A1", "M1965", "M3946"]
        assert tuple(table[0]) == SUMMARY_COLUMNS
        assert table[0]["status"] == "error"
        assert table[0]["on_time_arrival"] == ""
        doc = json.loads(json_path.read_text(encoding="utf-8"))
        assert doc["managers"] == 3
        assert doc["counts"]["error"] == doc["counts"]["fail"] == doc["counts"]["pass"] == 1
        assert [r["manager_id"] for r in doc["rows"]] == ["A1", "M1965", "M3946"]
