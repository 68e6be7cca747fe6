"""``trajcheck daily`` finds replayed days across its inputs (issue 12): other days of a
manager in the track files, and the manager's days stored in the database."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from api.cli.main import main
from api.db.days import insert_points, replace_tasks
from api.db.engine import make_engine, upgrade
from api.db.session import writing
from trajectory.io import read_tasks, read_track
from trajectory.testing import generate_day
from trajectory.testing.spoofing import honest_next_day, spoof

YESTERDAY, TODAY = "2026-11-19", "2026-11-20"
MANAGER = "M7"


@cache
def _days(honest: bool) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Yesterday's track, today's (a replay of it, or the route recorded honestly again)
    and both days' task lists."""
    day = generate_day("compliant", 1002, manager_id=MANAGER, date=YESTERDAY)
    if honest:
        today = honest_next_day(day.track, day.point_truth, np.random.default_rng(2))
    else:
        today, _ = spoof("replay", day.track, 2)
    tasks = pd.concat([day.tasks, day.tasks.assign(date=TODAY)], ignore_index=True)
    return day.track, today, tasks


def _write_inputs(folder: Path, *, honest: bool = False, one_file: bool) -> list[str]:
    yesterday, today, tasks = _days(honest)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tasks.csv").write_text(tasks.to_csv(index=False), encoding="utf-8")
    if one_file:
        both = pd.concat([yesterday, today], ignore_index=True)
        (folder / "track.csv").write_text(both.to_csv(index=False), encoding="utf-8")
        return ["--tracks", str(folder / "track.csv"), "--tasks", str(folder / "tasks.csv")]
    (folder / "y.csv").write_text(yesterday.to_csv(index=False), encoding="utf-8")
    (folder / "t.csv").write_text(today.to_csv(index=False), encoding="utf-8")
    files = [str(folder / "y.csv"), str(folder / "t.csv")]
    return ["--tracks", *files, "--tasks", str(folder / "tasks.csv")]


def _daily(out: Path, date: str, *inputs: str) -> list[str]:
    argv = ["daily", "--date", date, "--out", str(out), "--no-maps", "--workers", "1"]
    return [*argv, "--progress", "none", *inputs]


def _flags(out: Path) -> list[dict]:  # type: ignore[type-arg]
    body = json.loads((out / "days" / f"{MANAGER}.json").read_text(encoding="utf-8"))
    return body["integrity"]["flags"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("one_file", [True, False], ids=["one-file", "two-files"])
def test_a_replay_of_another_day_in_the_inputs_is_flagged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], one_file: bool
) -> None:
    inputs = _write_inputs(tmp_path / "in", one_file=one_file)
    assert main(_daily(tmp_path / "out", TODAY, *inputs)) == 0
    _, err = capsys.readouterr()
    flags = _flags(tmp_path / "out")
    assert [f["kind"] for f in flags] == ["replayed_track"]
    assert flags[0]["other_date"] == YESTERDAY
    assert "track integrity suspicious 1" in err
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    rows = summary["rows"] if isinstance(summary, dict) else summary
    assert [r["integrity"] for r in rows if r["manager_id"] == MANAGER] == ["suspicious"]
    # a re-run reads the import manifest: the other day is still known
    assert main(_daily(tmp_path / "out", TODAY, *inputs, "--force")) == 0
    assert [f["kind"] for f in _flags(tmp_path / "out")] == ["replayed_track"]


def test_the_route_recorded_honestly_again_is_spared(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = _write_inputs(tmp_path / "in", honest=True, one_file=True)
    assert main(_daily(tmp_path / "out", TODAY, *inputs)) == 0
    assert _flags(tmp_path / "out") == []
    assert "track integrity suspicious 0" in capsys.readouterr().err


def test_a_replay_of_a_stored_day_is_flagged(tmp_path: Path) -> None:
    """The database run: yesterday's verified result is stored with its fingerprint."""
    inputs = _write_inputs(tmp_path / "in", one_file=True)
    url = f"sqlite:///{tmp_path / 'tc.db'}"
    engine = make_engine(url)
    upgrade(engine)
    track = read_track(Path(inputs[1]), timezone="Asia/Shanghai").frame
    tasks = read_tasks(Path(inputs[3])).frame
    with writing(engine) as conn:
        insert_points(conn, track)
        for day in (YESTERDAY, TODAY):
            date = pd.Timestamp(day).date()
            replace_tasks(conn, MANAGER, date, tasks.loc[tasks["date"] == date])
    engine.dispose()
    db = ["--database-url", url]
    assert main(_daily(tmp_path / "y", YESTERDAY, *db)) == 0
    assert _flags(tmp_path / "y") == []  # nothing stored before it to repeat
    assert main(_daily(tmp_path / "t", TODAY, *db)) == 0
    assert [f["other_date"] for f in _flags(tmp_path / "t")] == [YESTERDAY]
