"""One manager-day of a daily run: the job every engine runs (:func:`run_days`).

A job reads the manager-day's fixes (Parquet files, or a :class:`~batch.store.DayStore`)
and task list, verifies it, writes its map report and result JSON (atomically, the
JSON last: its presence marks the day done), saves the result in the store when it
came from there, and returns the day's summary row.  It never raises for one
manager's data: a day that cannot be verified is an ``error`` row whose reason names
the file, row and field.  The run around the jobs is :mod:`batch.run`.
"""

from __future__ import annotations

__all__ = [
    "DAYS_DIR",
    "TRACKS_DIR",
    "DayJob",
    "DayOutcome",
    "RunSettings",
    "run_days",
    "warm_up",
]

import dataclasses
import datetime as dt
import gc
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from batch.files import day_stem, write_text_atomic
from batch.store import DayStore
from batch.summary import error_row, read_result, summary_row
from trajectory.config import VerifyConfig
from trajectory.errors import RowProblem, TrajcheckError
from trajectory.known_places import KnownPlaces
from trajectory.result import DayResult
from trajectory.schema import TASK_FRAME_COLUMNS, ValidatedTasks, ValidatedTrack

#: Sub-folder of the run folder holding each manager-day's JSON and map.
DAYS_DIR = "days"
#: Sub-folder holding the imported track files (file input) as a Parquet dataset.
TRACKS_DIR = "tracks.parquet"


@dataclass(frozen=True)
class RunSettings:
    """What every job of a run shares (sent to each worker once).

    ``store`` set means: read the manager-days from it (and save the results in
    it) instead of from files.  ``known_places`` (a store master) names the stays at
    no task store (``stay_points[].nearest_known``).
    """

    date: dt.date
    out: Path
    config: VerifyConfig = field(default_factory=VerifyConfig)
    track_crs: str = "wgs84"
    store_crs: str = "wgs84"
    on_bad_row: Literal["raise", "skip"] = "raise"
    maps: bool = True
    lang: Literal["en", "zh"] = "en"
    tiles: Literal["osm", "amap", "none"] = "osm"
    force: bool = False
    store: DayStore | None = None
    known_places: KnownPlaces | None = None


@dataclass(frozen=True)
class DayJob:
    """One manager-day to verify.

    ``files``: its Parquet track files; ``tasks``: its validated task rows (file
    input; None: none, or load from the store); ``*_rejected``: rows left out
    (with skipped bad rows); ``error``: why it cannot be verified, known up front;
    ``other_days``: fingerprints (``TrackFingerprint.to_bytes``) of the manager's other
    days in the run's inputs, which a replay of is flagged (the store adds its own).
    """

    manager_id: str
    files: tuple[str, ...] = ()
    tasks: pd.DataFrame | None = None
    task_rejected: tuple[RowProblem, ...] = ()
    track_rejected: tuple[RowProblem, ...] = ()
    error: str | None = None
    other_days: tuple[bytes, ...] = ()


@dataclass(frozen=True)
class DayOutcome:
    """A job's summary row, and whether it was skipped (already done)."""

    row: dict[str, Any]
    skipped: bool = False


def run_days(jobs: Sequence[DayJob], settings: RunSettings) -> list[DayOutcome]:
    """Verify a chunk of manager-days; never raises for one manager's data."""
    return [_run_day(job, settings) for job in jobs]


def _run_day(job: DayJob, s: RunSettings) -> DayOutcome:
    stem = day_stem(job.manager_id)
    rel_json = f"{DAYS_DIR}/{stem}.json"
    rel_map = f"{DAYS_DIR}/{stem}.html" if s.maps else None
    json_path = s.out / rel_json
    map_path = s.out / rel_map if rel_map else None
    stale = (json_path, s.out / f"{DAYS_DIR}/{stem}.html")
    if job.error is not None:
        _remove_stale(*stale)
        return DayOutcome(error_row(job.manager_id, s.date, job.error))
    if not s.force:
        done = read_result(json_path)
        if done is not None and (map_path is None or map_path.is_file()):
            return DayOutcome(summary_row(done, result=rel_json, map_path=rel_map), skipped=True)
    try:
        body = _verify_and_write(job, s, json_path, map_path)
    except TrajcheckError as exc:
        _remove_stale(*stale)
        return DayOutcome(error_row(job.manager_id, s.date, str(exc)))
    except Exception as exc:  # one manager's day must never stop the run
        _remove_stale(*stale)
        reason = f"internal error ({type(exc).__name__}: {exc})"
        return DayOutcome(error_row(job.manager_id, s.date, reason))
    return DayOutcome(summary_row(body, result=rel_json, map_path=rel_map))


def _verify_and_write(
    job: DayJob, s: RunSettings, json_path: Path, map_path: Path | None
) -> dict[str, Any]:
    """Verify the day; write its map, save it in the store, write its JSON (last)."""
    result = _verify(job, s)
    body = result.to_dict()
    if map_path is not None:
        from maps.day import render_day

        with _gc_paused():
            page = render_day(result, lang=s.lang, tiles=s.tiles)
        write_text_atomic(map_path, page)
    if s.store is not None:
        s.store.save_result(job.manager_id, s.date, body, result.track)
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    write_text_atomic(json_path, text + "\n")
    return body


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block (its garbage is collected later).

    A day map builds ~20k long-lived lists (the track's points) and thousands of folium
    elements: the collections they set off scanned everything alive, ~40 % of the
    page's time.  Only around code that runs in one thread (a job).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _verify(job: DayJob, s: RunSettings) -> DayResult:
    from trajectory.integrity import TrackFingerprint
    from trajectory.pipeline import verify_day

    track, tasks = _load(job, s)
    if job.track_rejected:
        track = dataclasses.replace(track, rejected=job.track_rejected + track.rejected)
    others = [
        TrackFingerprint.from_bytes(b, f"other days of {job.manager_id}") for b in job.other_days
    ]
    if s.store is not None:
        others += s.store.other_days(job.manager_id, s.date)
    return verify_day(
        track,
        tasks,
        s.config,
        track_crs=s.track_crs,
        store_crs=s.store_crs,
        manager_id=job.manager_id,
        date=s.date,
        on_bad_row=s.on_bad_row,
        other_days=others,
        known_places=s.known_places,
    )


def _load(job: DayJob, s: RunSettings) -> tuple[ValidatedTrack, ValidatedTasks]:
    """The manager-day's track and tasks, from the store or from the job's files."""
    from batch.parquet import read_day_track

    timezone = s.config.timezone
    if s.store is not None:
        return s.store.load_day(job.manager_id, s.date, timezone)
    track = read_day_track(
        job.files,
        job.manager_id,
        timezone=timezone,
        source=f"{TRACKS_DIR} date={s.date} manager_id={job.manager_id}",
        on_bad_row=s.on_bad_row,
    )
    frame = job.tasks if job.tasks is not None else _no_tasks()
    tasks = ValidatedTasks(
        frame=frame, rejected=job.task_rejected, source=f"tasks of {job.manager_id}"
    )
    return track, tasks


def _no_tasks() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in TASK_FRAME_COLUMNS})


def _remove_stale(*paths: Path) -> None:
    """A day that errored has no result: older outputs would pass for this run's."""
    for path in paths:
        path.unlink(missing_ok=True)


def warm_up() -> None:
    """Load the compiled kernels (numba's on-disk cache) with a three-fix day."""
    from trajectory.pipeline import verify_day

    t0 = pd.Timestamp("2026-11-20T00:00:00Z")
    track = pd.DataFrame(
        {
            "manager_id": ["w"] * 3,
            "timestamp": [t0 + pd.Timedelta(seconds=5 * i) for i in range(3)],
            "lat": [31.23] * 3,
            "lon": [121.47] * 3,
        }
    )
    tasks = pd.DataFrame(
        {
            "manager_id": ["w"],
            "date": ["2026-11-20"],
            "seq": [1],
            "store_id": ["s"],
            "store_name": ["s"],
            "lat": [31.23],
            "lon": [121.47],
            "method": ["onsite"],
        }
    )
    verify_day(track, tasks)
