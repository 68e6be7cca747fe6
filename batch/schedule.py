"""The scheduled daily run: a service process runs the daily run itself, every morning.

:class:`DailyScheduler` starts an APScheduler ``BackgroundScheduler`` whose cron
trigger fires at :attr:`Schedule.at` in the verification config's time zone
(Asia/Shanghai by default) and runs :func:`batch.run.run_daily` for the previous
local day over :attr:`Schedule.store`, into ``Schedule.out/<date>/``.  (The service
builds the :class:`Schedule` from its settings: ``TRAJCHECK_DAILY_AT`` and friends.)

With several service workers every worker's trigger fires, but only one runs: the
job first takes an exclusive, non-blocking ``flock`` on ``out/.daily.lock``
(released by the kernel if the process dies), and a date whose run already finished
is skipped (the run itself is resumable: a second run of a date only redoes what is
missing).  Every run leaves its record in ``<date>/scheduled-run.json`` and
``last-run.json`` (status ``running``, then ``ok``, ``some_failed`` or ``error``), which
:meth:`DailyScheduler.status` and :func:`read_record` return.
"""

from __future__ import annotations

__all__ = [
    "DAY_RECORD",
    "FINISHED",
    "LAST_RUN",
    "LOCK_FILE",
    "DailyScheduler",
    "Schedule",
    "read_record",
]

import datetime as dt
import fcntl
import json
import logging
import os
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from batch.files import write_text_atomic
from batch.jobs import RunSettings
from batch.run import RunReport, run_daily
from batch.store import DayStore
from trajectory.config import VerifyConfig

log = logging.getLogger("trajcheck.daily")

#: Under ``daily_out``: the record of the newest scheduled run.
LAST_RUN = "last-run.json"
#: Under ``daily_out``: the file whose ``flock`` one process holds while it runs.
LOCK_FILE = ".daily.lock"
#: Under ``daily_out/<date>/``: the record of that date's scheduled run.
DAY_RECORD = "scheduled-run.json"
#: Statuses of a run that ended (a date with one of these is not run again).
FINISHED = ("ok", "some_failed")
JOB_ID = "trajcheck-daily"

RunFn = Callable[..., RunReport]


@dataclass(frozen=True)
class Schedule:
    """When, from where and into where the scheduled run goes.

    Attributes
    ----------
    at
        ``HH:MM``, local time in the verification config's zone.
    out
        The folder of the runs: one sub-folder per date, the lock and ``last-run.json``.
    store
        The manager-days to verify, where the results are saved too.
    workers
        Local worker processes (None: every core).
    maps
        Render each manager-day's map report.
    """

    at: str
    out: Path
    store: DayStore
    workers: int | None = None
    maps: bool = True


class DailyScheduler:
    """The scheduled daily run of one service process.

    Parameters
    ----------
    schedule
        When to run, over which store, into which folder, how.
    config
        The verification config; its ``timezone`` is the zone of ``schedule.at`` and
        of "yesterday".
    run
        The run (:func:`batch.run.run_daily`; tests give a fake).
    clock
        The current time (tests give a fixed one); by default the real one.
    """

    def __init__(
        self,
        schedule: Schedule,
        config: VerifyConfig,
        *,
        run: RunFn = run_daily,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.schedule = schedule
        self.config = config
        self.tz = config.tz
        self.out = Path(schedule.out)
        hour, minute = (int(p) for p in schedule.at.split(":"))
        self.hour, self.minute = hour, minute
        self._run = run
        self._clock = clock or (lambda: dt.datetime.now(self.tz))
        self._scheduler: Any = None

    # ------------------------------------------------------------ the APScheduler side

    def trigger(self) -> Any:
        """The cron trigger: every day at ``schedule.at`` in the config's zone."""
        from apscheduler.triggers.cron import CronTrigger

        return CronTrigger(hour=self.hour, minute=self.minute, timezone=self.tz)

    def start(self) -> None:
        """Start the background scheduler thread (``APScheduler``)."""
        from apscheduler.schedulers.background import BackgroundScheduler

        scheduler = BackgroundScheduler(
            timezone=self.tz,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
        )
        scheduler.add_job(self.run_scheduled, self.trigger(), id=JOB_ID, name="trajcheck daily")
        scheduler.start()
        self._scheduler = scheduler
        _log_to_stderr()
        log.info(
            "daily run scheduled at %s %s (next %s), output %s",
            self.schedule.at,
            self.config.timezone,
            self.next_run(),
            self.out,
        )

    def shutdown(self) -> None:
        """Stop the scheduler thread (a run in progress finishes in its own thread)."""
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None

    @property
    def running(self) -> bool:
        return self._scheduler is not None and bool(self._scheduler.running)

    def job(self) -> Any:
        """The APScheduler job (None when not started)."""
        return None if self._scheduler is None else self._scheduler.get_job(JOB_ID)

    def next_run(self) -> dt.datetime | None:
        job = self.job()
        return None if job is None else job.next_run_time

    # ------------------------------------------------------------ the job

    def run_scheduled(self) -> dict[str, Any] | None:
        """The job: the daily run of the day before today (local time); never raises."""
        day = self._clock().astimezone(self.tz).date() - dt.timedelta(days=1)
        try:
            return self.run_for(day)
        except Exception:  # the scheduler thread must survive anything
            log.exception("daily run of %s: unexpected failure", day)
            return None

    def run_for(self, day: dt.date) -> dict[str, Any] | None:
        """Run ``day`` unless another process is running or it is done; the run's record.

        Returns None when skipped (lock held elsewhere, or the date already finished).
        """
        self.out.mkdir(parents=True, exist_ok=True)
        with _exclusive(self.out / LOCK_FILE) as held:
            if not held:
                log.info("daily run of %s: another process holds the lock; skipped", day)
                return None
            done = read_record(self.out / day.isoformat() / DAY_RECORD)
            if done is not None and done.get("status") in FINISHED:
                log.info("daily run of %s: already done (%s); skipped", day, done["status"])
                return None
            return self._run_locked(day)

    def _run_locked(self, day: dt.date) -> dict[str, Any]:
        folder = self.out / day.isoformat()
        record: dict[str, Any] = {
            "date": day.isoformat(),
            "status": "running",
            "started_at": _now_utc(),
            "finished_at": None,
            "out": str(folder.resolve()),
            "host": socket.gethostname(),
            "pid": os.getpid(),
        }
        self._write(folder, record)
        log.info("daily run of %s: started, output %s", day, folder)
        started = time.perf_counter()
        settings = RunSettings(
            date=day,
            out=folder,
            config=self.config,
            maps=self.schedule.maps,
            store=self.schedule.store,
        )
        try:
            report = self._run(
                settings,
                workers=self.schedule.workers,
                log=lambda message: log.info("daily run of %s: %s", day, message),
            )
        except Exception as exc:
            record.update(
                status="error",
                message=f"{type(exc).__name__}: {exc}",
                seconds=round(time.perf_counter() - started, 3),
                finished_at=_now_utc(),
            )
            self._write(folder, record)
            log.exception("daily run of %s: failed", day)
            return record
        record.update(_finished(report))
        self._write(folder, record)
        log.info(
            "daily run of %s: %s, %d manager-days (%s), verified %d, skipped %d, %d errors, %.1f s",
            day,
            record["status"],
            len(report.rows),
            ", ".join(f"{k} {v}" for k, v in record["counts"].items()) or "none",
            report.verified,
            report.skipped,
            report.errors,
            report.seconds,
        )
        return record

    def _write(self, folder: Path, record: dict[str, Any]) -> None:
        text = json.dumps(record, ensure_ascii=False, indent=1) + "\n"
        write_text_atomic(folder / DAY_RECORD, text)
        write_text_atomic(self.out / LAST_RUN, text)

    def status(self) -> dict[str, Any]:
        """What ``GET /v1/daily/last`` answers."""
        next_run = self.next_run()
        return {
            "enabled": True,
            "at": self.schedule.at,
            "timezone": self.config.timezone,
            "next_run": None if next_run is None else next_run.isoformat(),
            "out": str(self.out.resolve()),
            "last": read_record(self.out / LAST_RUN),
        }


def _finished(report: RunReport) -> dict[str, Any]:
    """The fields of a run's record that its report gives, once it ended."""
    counts: dict[str, int] = {}
    for row in report.rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    return {
        "status": "some_failed" if report.errors or report.problems else "ok",
        "finished_at": _now_utc(),
        "seconds": round(report.seconds, 3),
        "manager_days": len(report.rows),
        "counts": dict(sorted(counts.items())),
        "verified": report.verified,
        "skipped": report.skipped,
        "errors": report.errors,
        "problems": list(report.problems),
    }


def _log_to_stderr() -> None:
    """Make the run's INFO lines visible when nothing configured logging (uvicorn
    configures its own loggers only)."""
    if log.handlers or logging.getLogger().handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)


@contextmanager
def _exclusive(path: Path) -> Iterator[bool]:
    """Hold ``path``'s exclusive ``flock`` (yields True) or yield False at once when taken."""
    with path.open("a+b") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def read_record(path: Path) -> dict[str, Any] | None:
    """A run record, or None when missing or unreadable."""
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


def _now_utc() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
