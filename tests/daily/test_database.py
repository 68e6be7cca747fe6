"""``trajcheck daily`` over the service's database (SQLite): listing, verifying, storing."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from api import repo
from api.cli import main
from api.db import make_engine, upgrade
from trajectory.io import read_tasks, read_track
from trajectory.pipeline import verify_day

SAMPLES = Path(__file__).resolve().parents[2] / "sample_tracks"
DAY = dt.date(2026, 11, 20)
TZ = "Asia/Shanghai"


@pytest.fixture
def database(tmp_path: Path) -> tuple[str, Engine]:
    """late (M3946, team north) and compliant (M1965) with fixes and tasks; market's
    tasks only (M3241, no fixes); extra_stop's fixes only (M1207, no tasks); a manager
    with fixes on another day only."""
    url = f"sqlite:///{tmp_path / 'tc.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with repo.writing(engine) as conn:
        repo.upsert_team(conn, "north", "North")
        for name in ("late", "compliant", "extra_stop"):
            repo.insert_points(conn, read_track(SAMPLES / name / "track.csv").frame)
        for name in ("late", "compliant", "market"):
            tasks = read_tasks(SAMPLES / name / "tasks.csv").frame
            repo.replace_tasks(conn, str(tasks["manager_id"].iloc[0]), DAY, tasks)
        other = read_track(SAMPLES / "late" / "track.csv").frame.assign(manager_id="OTHER")
        other["time"] = other["time"] + dt.timedelta(days=3)
        repo.insert_points(conn, other)
        repo.assign_manager(conn, "M3946", "north")
    return url, engine


class TestManagerDaysOn:
    def test_lists_managers_with_fixes_or_tasks_on_the_day(
        self, database: tuple[str, Engine]
    ) -> None:
        _, engine = database
        with engine.connect() as conn:
            days = repo.manager_days_on(conn, DAY, TZ)
        got = {d["manager_id"]: (d["has_points"], d["has_tasks"], d["team_id"]) for d in days}
        assert got == {
            "M1207": (True, False, None),
            "M1965": (True, True, None),
            "M3241": (False, True, None),
            "M3946": (True, True, "north"),
        }
        with engine.connect() as conn:
            assert [
                d["manager_id"] for d in repo.manager_days_on(conn, DAY.replace(day=23), TZ)
            ] == ["OTHER"]


class TestDailyFromDatabase:
    def test_verifies_stores_and_summarises(
        self, database: tuple[str, Engine], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        url, engine = database
        out = tmp_path / "run"
        argv = ["daily", "--date", "2026-11-20", "--database-url", url, "--out", str(out)]
        code = main([*argv, "--no-maps", "--workers", "1", "--progress", "none"])
        err = capsys.readouterr().err
        assert code == 0, err
        summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
        status = {r["manager_id"]: r["status"] for r in summary["rows"]}
        assert status == {"M1207": "no_tasks", "M1965": "pass", "M3241": "no_gps", "M3946": "fail"}
        late = json.loads((out / "days" / "M3946.json").read_text(encoding="utf-8"))
        want = verify_day(
            read_track(SAMPLES / "late" / "track.csv"), read_tasks(SAMPLES / "late" / "tasks.csv")
        ).to_dict()
        assert late == want
        with engine.connect() as conn:
            for manager in status:
                stored = repo.get_result(conn, manager, DAY)
                assert stored == json.loads((out / "days" / f"{manager}.json").read_text("utf-8"))
        team_page = (out / "teams" / "north.html").read_text(encoding="utf-8")
        assert team_page.count('class="tc-row"') == 1
        assert 'data-manager="M3946"' in team_page
