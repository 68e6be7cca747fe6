"""``trajcheck daily`` over the service's database: listing, verifying, storing.

Every test runs on SQLite and on PostgreSQL (a private schema, as in tests/api; skipped
with the reason when the server is unreachable unless TRAJCHECK_REQUIRE_POSTGRES=1), and
the two backends' runs of the sample data must write the same files.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from api.cli.main import main
from api.db.days import insert_points, manager_days_on, replace_tasks
from api.db.engine import upgrade
from api.db.results import get_result
from api.db.session import writing
from api.db.teams import assign_manager, upsert_team
from tests.helpers.db import BACKENDS, new_database
from trajectory.io import read_tasks, read_track
from trajectory.pipeline import verify_day

SAMPLES = Path(__file__).resolve().parents[2] / "sample_tracks"
DAY = dt.date(2026, 11, 20)
TZ = "Asia/Shanghai"


def engine_url(engine: Engine) -> str:
    """``engine``'s URL for another process or engine: a PostgreSQL schema rides along."""
    url = engine.url.render_as_string(hide_password=False)
    if engine.dialect.name != "postgresql":
        return url
    with engine.connect() as conn:
        schema = conn.execute(sa.text("SELECT current_schema()")).scalar_one()
    return f"{url}?options={quote(f'-csearch_path={schema}')}"


def fill(engine: Engine) -> None:
    """late (M3946, team north) and compliant (M1965) with fixes and tasks; market's
    tasks only (M3241, no fixes); extra_stop's fixes only (M1207, no tasks); a manager
    with fixes on another day only."""
    upgrade(engine)
    with writing(engine) as conn:
        upsert_team(conn, "north", "North")
        for name in ("late", "compliant", "extra_stop"):
            insert_points(conn, read_track(SAMPLES / name / "track.csv").frame)
        for name in ("late", "compliant", "market"):
            tasks = read_tasks(SAMPLES / name / "tasks.csv").frame
            replace_tasks(conn, str(tasks["manager_id"].iloc[0]), DAY, tasks)
        other = read_track(SAMPLES / "late" / "track.csv").frame.assign(manager_id="OTHER")
        other["time"] = other["time"] + dt.timedelta(days=3)
        insert_points(conn, other)
        assign_manager(conn, "M3946", "north")


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Engine]]:
    """The sample database (:func:`fill`) on SQLite or PostgreSQL: its URL and engine."""
    with new_database(str(request.param), tmp_path) as engine:
        fill(engine)
        yield engine_url(engine), engine


class TestManagerDaysOn:
    def test_lists_managers_with_fixes_or_tasks_on_the_day(
        self, database: tuple[str, Engine]
    ) -> None:
        _, engine = database
        with engine.connect() as conn:
            found = manager_days_on(conn, DAY, TZ)
        got = {d["manager_id"]: (d["has_points"], d["has_tasks"], d["team_id"]) for d in found}
        assert got == {
            "M1207": (True, False, None),
            "M1965": (True, True, None),
            "M3241": (False, True, None),
            "M3946": (True, True, "north"),
        }
        with engine.connect() as conn:
            assert [d["manager_id"] for d in manager_days_on(conn, DAY.replace(day=23), TZ)] == [
                "OTHER"
            ]


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
                stored = get_result(conn, manager, DAY)
                assert stored == json.loads((out / "days" / f"{manager}.json").read_text("utf-8"))
        team_page = (out / "teams" / "north.html").read_text(encoding="utf-8")
        assert team_page.count('class="tc-row"') == 1
        assert 'data-manager="M3946"' in team_page


def test_postgresql_and_sqlite_runs_agree(tmp_path: Path) -> None:
    """The same sample data, run on each backend (PostgreSQL on two worker processes):
    identical summaries, result JSONs and stored results."""
    written: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    for backend, workers in (("sqlite", "1"), ("postgresql", "2")):
        with new_database(backend, tmp_path) as engine:
            fill(engine)
            out = tmp_path / backend
            argv = ["daily", "--date", str(DAY), "--database-url", engine_url(engine)]
            argv += ["--out", str(out), "--no-maps", "--workers", workers, "--progress", "none"]
            assert main(argv) == 0
            files = {
                p.relative_to(out).as_posix(): json.loads(p.read_text(encoding="utf-8"))
                for p in sorted(out.rglob("*.json"))
            }
            with engine.connect() as conn:
                stored = {m: get_result(conn, m, DAY) for m in ("M1207", "M1965", "M3241")}
            written[backend] = files, stored
    files, stored = written["sqlite"]
    assert set(files) == {
        "summary.json",
        *(f"days/{m}.json" for m in ("M1207", "M1965", "M3241", "M3946")),
    }
    assert all(stored.values())
    assert written["postgresql"] == written["sqlite"]
