"""The in-service scheduler (TRAJCHECK_DAILY_AT): trigger time, date, lock, status, off switch."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from api.db.days import insert_points, replace_tasks
from api.db.daystore import SqlDayStore
from api.db.engine import make_engine, upgrade
from api.db.results import get_result
from api.db.session import writing
from api.main import create_app
from api.schedule import service_scheduler
from api.settings import Settings
from batch.jobs import RunSettings
from batch.run import RunReport
from batch.schedule import LAST_RUN, LOCK_FILE, DailyScheduler
from tests.helpers.db import create_key
from trajectory.config import VerifyConfig
from trajectory.io import read_tasks, read_track

SAMPLES = Path(__file__).resolve().parents[2] / "sample_tracks"
SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = dt.date(2026, 11, 20)


class FakeRun:
    """Stands in for run_daily: records its calls, optionally waits or fails."""

    def __init__(self, block: threading.Event | None = None, fail: bool = False) -> None:
        self.calls: list[tuple[RunSettings, dict[str, Any]]] = []
        self.entered = threading.Event()
        self.block = block
        self.fail = fail

    def __call__(self, settings: RunSettings, **kwargs: Any) -> RunReport:
        self.calls.append((settings, kwargs))
        self.entered.set()
        if self.block is not None:
            assert self.block.wait(10)
        if self.fail:
            raise RuntimeError("database unreachable")
        row = {"manager_id": "M1", "status": "pass"}
        return RunReport(
            rows=[row, {"manager_id": "M2", "status": "error"}],
            errors=1,
            skipped=0,
            verified=1,
            points=100,
            seconds=0.25,
            out=settings.out,
        )


def settings_for(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": f"sqlite:///{tmp_path / 'tc.db'}",
        "daily_at": "06:30",
        "daily_out": tmp_path / "daily",
        "daily_workers": 1,
        "daily_maps": False,
    }
    return Settings(**{**values, **overrides})


def scheduler(
    tmp_path: Path, run: Callable[..., RunReport], now: dt.datetime | None = None, **kw: Any
) -> DailyScheduler:
    clock = (lambda: now) if now is not None else None
    return service_scheduler(settings_for(tmp_path, **kw), VerifyConfig(), run=run, clock=clock)


def apscheduler_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "APScheduler"]


# ------------------------------------------------------------------ settings


@pytest.mark.parametrize(("text", "want"), [("06:30", "06:30"), ("6:05", "06:05"), ("", None)])
def test_daily_at_setting(text: str, want: str | None) -> None:
    assert Settings(daily_at=text).daily_at == want


@pytest.mark.parametrize("text", ["24:00", "0630", "06:3", "06:60", "noon"])
def test_daily_at_setting_rejects(text: str) -> None:
    with pytest.raises(ValidationError, match="HH:MM"):
        Settings(daily_at=text)


def test_daily_at_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRAJCHECK_DAILY_AT", "07:45")
    monkeypatch.setenv("TRAJCHECK_DAILY_OUT", "/srv/daily")
    got = Settings()
    assert (got.daily_at, got.daily_out) == ("07:45", Path("/srv/daily"))
    monkeypatch.delenv("TRAJCHECK_DAILY_AT")
    assert Settings().daily_at is None


# ------------------------------------------------------------------ trigger and date


@pytest.mark.parametrize(
    ("at", "now_utc", "fires_local", "day"),
    [
        # 20:00 in Shanghai: the next 06:30 is tomorrow morning, which runs the 20th
        ("06:30", dt.datetime(2026, 11, 20, 12, 0), dt.datetime(2026, 11, 21, 6, 30), DAY),
        # 00:10 in Shanghai is still the 20th in UTC (16:10): the run is for the 20th
        ("00:10", dt.datetime(2026, 11, 20, 15, 0), dt.datetime(2026, 11, 21, 0, 10), DAY),
        # 23:55 local, a minute after 23:54 on the 20th: runs the 19th
        (
            "23:55",
            dt.datetime(2026, 11, 20, 15, 54),
            dt.datetime(2026, 11, 20, 23, 55),
            dt.date(2026, 11, 19),
        ),
    ],
)
def test_trigger_fires_at_the_local_time_and_runs_yesterday(
    tmp_path: Path, at: str, now_utc: dt.datetime, fires_local: dt.datetime, day: dt.date
) -> None:
    run = FakeRun()
    sched = scheduler(tmp_path, run, daily_at=at)
    now = now_utc.replace(tzinfo=dt.UTC)
    fire = sched.trigger().get_next_fire_time(None, now)
    assert fire == fires_local.replace(tzinfo=SHANGHAI)
    sched._clock = lambda: fire  # the job runs at the fire time
    record = sched.run_scheduled()
    assert [s.date for s, _ in run.calls] == [day]
    settings, kwargs = run.calls[0]
    assert settings.out == tmp_path / "daily" / day.isoformat()
    assert settings.store == SqlDayStore(f"sqlite:///{tmp_path / 'tc.db'}")
    assert (settings.maps, kwargs["workers"]) == (False, 1)
    assert record is not None and record["date"] == day.isoformat()
    assert record["status"] == "some_failed"
    assert record["counts"] == {"error": 1, "pass": 1}
    last = json.loads((tmp_path / "daily" / LAST_RUN).read_text(encoding="utf-8"))
    assert last == record


def test_the_running_scheduler_triggers_the_job(tmp_path: Path) -> None:
    run = FakeRun()
    now = dt.datetime(2026, 11, 21, 6, 30, tzinfo=SHANGHAI)
    sched = scheduler(tmp_path, run, now=now)
    sched.start()
    try:
        assert sched.running and len(apscheduler_threads()) >= 1
        next_run = sched.next_run()
        assert next_run is not None
        assert (next_run.hour, next_run.minute, str(next_run.tzinfo)) == (6, 30, "Asia/Shanghai")
        assert next_run - dt.datetime.now(SHANGHAI) <= dt.timedelta(days=1)
        sched.job().modify(next_run_time=dt.datetime.now(SHANGHAI))  # fire now
        assert run.entered.wait(10), "the scheduler did not run the job"
    finally:
        sched.shutdown()
    assert [s.date for s, _ in run.calls] == [DAY]
    assert not sched.running


# ------------------------------------------------------------------ one run at a time


def test_the_lock_prevents_a_second_concurrent_run(tmp_path: Path) -> None:
    release = threading.Event()
    first_run, second_run = FakeRun(block=release), FakeRun()
    first, second = scheduler(tmp_path, first_run), scheduler(tmp_path, second_run)
    results: list[Any] = []
    worker = threading.Thread(target=lambda: results.append(first.run_for(DAY)))
    worker.start()
    try:
        assert first_run.entered.wait(10)
        running = json.loads((tmp_path / "daily" / LAST_RUN).read_text(encoding="utf-8"))
        assert running["status"] == "running" and running["date"] == DAY.isoformat()
        assert second.run_for(DAY) is None  # another "worker" at the same minute
        assert second.run_for(DAY - dt.timedelta(days=1)) is None
    finally:
        release.set()
        worker.join(10)
    assert results[0]["status"] == "some_failed"
    assert second.run_for(DAY) is None  # that date is done now
    assert len(first_run.calls) == 1 and second_run.calls == []


def test_the_lock_held_by_another_process(tmp_path: Path) -> None:
    run = FakeRun()
    sched = scheduler(tmp_path, run)
    lock = tmp_path / "daily" / LOCK_FILE
    lock.parent.mkdir(parents=True)
    code = (
        "import fcntl, sys\n"
        f"f = open({str(lock)!r}, 'a+b'); fcntl.flock(f, fcntl.LOCK_EX)\n"
        "print('held', flush=True); sys.stdin.read()\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as holder:
        assert holder.stdout is not None and holder.stdin is not None
        try:
            assert holder.stdout.readline().strip() == "held"
            assert sched.run_for(DAY) is None
            assert run.calls == []
        finally:
            holder.stdin.close()
            holder.wait(10)
    assert sched.run_for(DAY) is not None  # released when the process ended
    assert len(run.calls) == 1


def test_a_failed_run_is_recorded_and_retried(tmp_path: Path) -> None:
    failing = FakeRun(fail=True)
    now = dt.datetime(2026, 11, 21, 6, 30, tzinfo=SHANGHAI)
    record = scheduler(tmp_path, failing, now=now).run_scheduled()
    assert record is not None and record["status"] == "error"
    assert record["message"] == "RuntimeError: database unreachable"
    assert record["finished_at"] is not None
    again = FakeRun()
    assert scheduler(tmp_path, again, now=now).run_scheduled() is not None
    assert len(again.calls) == 1


# ------------------------------------------------------------------ in the service


@pytest.fixture
def service_db(tmp_path: Path) -> Iterator[str]:
    """The late sample day (M3946: fixes and tasks) in a migrated SQLite database."""
    url = f"sqlite:///{tmp_path / 'tc.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with writing(engine) as conn:
        insert_points(conn, read_track(SAMPLES / "late" / "track.csv").frame)
        replace_tasks(conn, "M3946", DAY, read_tasks(SAMPLES / "late" / "tasks.csv").frame)
    engine.dispose()
    yield url


def test_setting_off_means_no_scheduler_thread(tmp_path: Path, service_db: str) -> None:
    before = len(apscheduler_threads())
    app = create_app(settings_for(tmp_path, daily_at=None), migrate=False)
    with TestClient(app) as client:
        assert app.state.daily_scheduler is None
        assert len(apscheduler_threads()) == before
        engine = app.state.trajcheck.engine
        admin, _ = create_key(engine, "admin")
        r = client.get("/v1/daily/last", headers={"Authorization": f"Bearer {admin}"})
        assert r.status_code == 200, r.text
        assert r.json()["enabled"] is False and r.json()["last"] is None


def test_the_service_runs_and_reports_the_daily_run(tmp_path: Path, service_db: str) -> None:
    before = len(apscheduler_threads())
    app = create_app(settings_for(tmp_path), migrate=False)
    with TestClient(app) as client:
        daily = app.state.daily_scheduler
        assert isinstance(daily, DailyScheduler) and daily.running
        assert len(apscheduler_threads()) == before + 1
        platform, _ = create_key(app.state.trajcheck.engine, "platform")
        h = {"Authorization": f"Bearer {platform}"}
        body = client.get("/v1/daily/last", headers=h).json()
        assert body["enabled"] is True and body["last"] is None
        assert (body["at"], body["timezone"]) == ("06:30", "Asia/Shanghai")
        assert body["next_run"].endswith("+08:00") and "T06:30:00" in body["next_run"]
        # the job as the trigger would run it on the morning of the 21st (the real run)
        daily._clock = lambda: dt.datetime(2026, 11, 21, 6, 30, tzinfo=SHANGHAI)
        record = daily.run_scheduled()
        assert record is not None and record["status"] == "ok", record
        last = client.get("/v1/daily/last", headers=h).json()["last"]
    assert len(apscheduler_threads()) == before
    assert last == record
    assert last["date"] == "2026-11-20" and last["counts"] == {"fail": 1}
    assert (last["manager_days"], last["verified"], last["errors"]) == (1, 1, 0)
    out = tmp_path / "daily" / "2026-11-20"
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert [(r["manager_id"], r["status"]) for r in summary["rows"]] == [("M3946", "fail")]
    engine = make_engine(service_db)
    with engine.connect() as conn:
        assert get_result(conn, "M3946", DAY) is not None  # stored in the service's db
    engine.dispose()
