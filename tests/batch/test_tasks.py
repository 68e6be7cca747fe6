"""batch.tasks: the task lists of a date per manager, bad rows charged to theirs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from batch.tasks import read_day_tasks
from trajectory.errors import InputError

DAY = dt.date(2026, 11, 20)
HEADER = "manager_id,date,seq,store_id,store_name,lat,lon,method\n"


class TestReadDayTasks:
    def _write(self, tmp_path: Path, body: str) -> Path:
        path = tmp_path / "tasks.csv"
        path.write_text(HEADER + body, encoding="utf-8")
        return path

    def test_bad_row_is_charged_to_its_manager_only(self, tmp_path: Path) -> None:
        path = self._write(
            tmp_path,
            "m1,2026-11-20,1,S1,a,31.23,121.47,onsite\n"
            "m1,2026-11-20,2,S2,b,999,121.47,onsite\n"
            "m2,2026-11-20,1,S3,c,31.24,121.48,onsite\n",
        )
        day = read_day_tasks([path], DAY)
        assert set(day.by_manager) == {"m1", "m2"}
        assert set(day.errors) == {"m1"}
        assert day.errors["m1"] == f"{path}, row 2, field lat: out of range [-90, 90] (got 999)"
        skipped = read_day_tasks([path], DAY, on_bad_row="skip")
        assert skipped.errors == {}
        assert [p.row for p in skipped.by_manager["m1"].rejected] == [2]
        assert skipped.by_manager["m2"].rejected == ()
        assert len(skipped.by_manager["m1"].frame) == 1

    def test_other_dates_are_left_out_and_their_bad_rows_too(self, tmp_path: Path) -> None:
        path = self._write(
            tmp_path,
            "m1,2026-11-20,1,S1,a,31.23,121.47,onsite\n"
            "m1,2026-11-21,1,S1,a,31.23,121.47,nonsense\n"
            "m3,2026-11-21,1,S1,a,31.23,121.47,onsite\n",
        )
        day = read_day_tasks([path], DAY)
        assert set(day.by_manager) == {"m1"}
        assert day.errors == {}

    def test_row_without_manager_is_unattributed(self, tmp_path: Path) -> None:
        path = self._write(
            tmp_path,
            "m1,2026-11-20,1,S1,a,31.23,121.47,onsite\n,2026-11-20,1,S1,a,31.23,121.47,onsite\n",
        )
        day = read_day_tasks([path], DAY)
        assert day.errors == {}
        assert [(p.row, p.field) for p in day.unattributed] == [(2, "manager_id")]

    def test_unreadable_file_stops_the_run(self, tmp_path: Path) -> None:
        path = tmp_path / "tasks.csv"
        path.write_text("who,what\n1,2\n", encoding="utf-8")
        with pytest.raises(InputError, match="header has no recognisable columns"):
            read_day_tasks([path], DAY)
