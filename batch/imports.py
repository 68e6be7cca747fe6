"""Track files into the run's Parquet dataset (``OUT/tracks.parquet``), one job per file.

A daily run over track files first imports the date's fixes of every file into a
dataset partitioned by date/manager, so that the verification jobs read one
manager-day's files each.  Each file's import is recorded in a manifest
(``tracks.parquet/_import/<key>.json``: the file's size and modification time, the
managers written, bad rows); a re-run re-imports only files that changed.  Bad rows
are charged to the manager written on them: without ``--skip-bad-rows`` that
manager's day becomes an error (and none of its fixes from that file are imported),
with it the rows are left out and listed in the manager's result.

A file may hold other days of a manager than the run's date: their fingerprints
(:func:`trajectory.integrity.track_fingerprints`, within :data:`OTHER_DAYS` days of the
date) are kept in the manifest, base64, and handed to that manager's job, so that a day
repeating one of them is flagged ``replayed_track`` (issue 12).
"""

from __future__ import annotations

__all__ = [
    "OTHER_DAYS",
    "ImportOutcome",
    "drop_removed_sources",
    "import_track_files",
    "is_dataset",
    "track_files",
]

import base64
import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from batch.files import day_stem, write_text_atomic
from batch.jobs import TRACKS_DIR, RunSettings
from trajectory.errors import InputError, RowProblem
from trajectory.io import TRACK_READERS, TRACK_SUFFIXES

#: Other days of a file within this many days of the run's date are fingerprinted.
OTHER_DAYS = 60


@dataclass(frozen=True)
class ImportOutcome:
    """What importing one track file found: fixes per manager, errors, rejected rows."""

    source: str
    written: dict[str, int]
    errors: dict[str, str]
    rejected: dict[str, tuple[RowProblem, ...]]
    unattributed: tuple[RowProblem, ...] = ()
    fatal: str | None = None
    #: manager_id -> base64 fingerprints of the file's other days of that manager
    fingerprints: dict[str, tuple[str, ...]] = field(default_factory=dict)


def import_track_files(paths: Sequence[Path], settings: RunSettings) -> list[ImportOutcome]:
    """Import a chunk of track files into ``OUT/tracks.parquet`` (one job per file)."""
    return [_import_one(path, settings) for path in paths]


def _import_one(path: Path, s: RunSettings) -> ImportOutcome:
    source = str(path)
    key = _key(path)
    staging = s.out / TRACKS_DIR
    manifest = staging / "_import" / f"{key}.json"
    stamp = _stamp(path, s)
    old = _read_manifest(manifest)
    if old is not None and old.get("stamp") == stamp and "fingerprints" in old and not s.force:
        return _outcome_from(old)
    try:
        outcome = _import(path, s, staging, key)
    except InputError as exc:
        outcome = ImportOutcome(source, {}, {}, {}, (), fatal=str(exc))
    except Exception as exc:  # one file must never stop the run
        reason = f"{source}: internal error ({type(exc).__name__}: {exc})"
        outcome = ImportOutcome(source, {}, {}, {}, (), fatal=reason)
    stale = set(old.get("written", {})) - set(outcome.written) if old else set()
    for manager in stale:
        folder = staging / f"date={s.date}" / f"manager_id={day_stem(manager)}"
        (folder / f"part-{key}.parquet").unlink(missing_ok=True)
    write_text_atomic(manifest, json.dumps(_manifest(outcome, stamp), ensure_ascii=False))
    return outcome


def _import(path: Path, s: RunSettings, staging: Path, key: str) -> ImportOutcome:
    """Validate one track file, charge its bad rows, write its fixes of the date."""
    from batch.parquet import write_day_tracks
    from batch.tasks import attribute_problems
    from trajectory.schema import validate_track

    source = str(path)
    raw, problems = _raw_track_table(path)
    checked = validate_track(raw, source=source, timezone=s.config.timezone, on_bad_row="skip")
    mine, lost = attribute_problems([*problems, *checked.rejected], raw)
    frame = checked.frame
    errors: dict[str, str] = {}
    if s.on_bad_row == "raise":
        errors = {m: str(min(p, key=lambda q: q.row or 0)) for m, p in mine.items()}
        frame = frame.loc[~frame["manager_id"].isin(list(errors))]
    written = write_day_tracks(
        frame, staging, s.date, timezone=s.config.timezone, name=f"part-{key}"
    )
    return ImportOutcome(
        source,
        written,
        errors,
        {m: tuple(p) for m, p in mine.items()} if s.on_bad_row == "skip" else {},
        tuple(lost),
        fingerprints=_other_days(frame, s),
    )


def _other_days(frame: pd.DataFrame, s: RunSettings) -> dict[str, tuple[str, ...]]:
    """Base64 fingerprints of each manager's days other than ``s.date`` (within
    :data:`OTHER_DAYS` days of it) in a validated track frame."""
    from trajectory.integrity import track_fingerprints

    tz = s.config.timezone
    local = pd.DatetimeIndex(frame["time"]).tz_convert(tz).normalize().tz_localize(None)
    days = (local - pd.Timestamp(s.date)).days.to_numpy()
    near = (days != 0) & (abs(days) <= OTHER_DAYS)
    out: dict[str, tuple[str, ...]] = {}
    for manager, group in frame.loc[near].groupby("manager_id", sort=True):  # per manager
        fps = track_fingerprints(group, tz, s.track_crs)
        out[str(manager)] = tuple(base64.b64encode(f.to_bytes()).decode("ascii") for f in fps)
    return out


def _raw_track_table(path: Path) -> tuple[pd.DataFrame, list[RowProblem]]:
    """A track file as read (raw cells, ``source_row``) and the reader's row problems."""
    # The raw table, not read_track: the daily run needs the manager_id written on a
    # rejected row to charge it to that manager.
    source = str(path)
    if not path.is_file():
        raise InputError(source, None, None, "no such file")
    reader = TRACK_READERS.get(path.suffix.lower())
    if reader is None:
        expected = ", ".join(TRACK_SUFFIXES)
        raise InputError(source, None, None, f"unsupported file type; expected {expected}")
    table = reader(path, source)
    return table.frame, list(table.problems)


def _stamp(path: Path, s: RunSettings) -> dict[str, Any]:
    st = path.stat()
    return {
        "size": st.st_size,
        "mtime_ns": st.st_mtime_ns,
        "date": s.date.isoformat(),
        "timezone": s.config.timezone,
        "on_bad_row": s.on_bad_row,
    }


def _manifest(o: ImportOutcome, stamp: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "source": o.source,
        "stamp": dict(stamp),
        "written": o.written,
        "errors": o.errors,
        "rejected": {m: [p.to_dict() for p in ps] for m, ps in o.rejected.items()},
        "unattributed": [p.to_dict() for p in o.unattributed],
        "fatal": o.fatal,
        "fingerprints": {m: list(f) for m, f in o.fingerprints.items()},
    }


def _read_manifest(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    return data if isinstance(data, dict) else None


def _outcome_from(data: Mapping[str, Any]) -> ImportOutcome:
    def problems(items: Sequence[Mapping[str, Any]]) -> tuple[RowProblem, ...]:
        return tuple(RowProblem(p["source"], p["row"], p["field"], p["reason"]) for p in items)

    return ImportOutcome(
        str(data["source"]),
        {str(k): int(v) for k, v in data["written"].items()},
        {str(k): str(v) for k, v in data["errors"].items()},
        {str(k): problems(v) for k, v in data["rejected"].items()},
        problems(data["unattributed"]),
        data.get("fatal"),
        {str(k): tuple(str(x) for x in v) for k, v in data.get("fingerprints", {}).items()},
    )


def is_dataset(path: Path) -> bool:
    """A folder of Parquet partitions (``date=``/``manager_id=`` folders) or Parquet files only."""
    if not path.is_dir():
        return False
    entries = [e for e in path.iterdir() if not e.name.startswith((".", "_"))]
    if any(e.is_dir() and "=" in e.name for e in entries):
        return True
    return bool(entries) and all(e.suffix.lower() in (".parquet", ".pq") for e in entries)


def track_files(paths: Sequence[Path]) -> list[Path]:
    """Files as given; folders give their track files (not recursively)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(
                sorted(
                    p
                    for p in path.iterdir()
                    if p.is_file()
                    and p.suffix.lower() in TRACK_SUFFIXES
                    and not p.name.startswith(".")
                )
            )
        else:
            out.append(path)
    return out


def drop_removed_sources(staging: Path, files: Sequence[Path], date: dt.date) -> None:
    """Forget imports of files that are no longer among the inputs (their fixes too)."""
    folder = staging / "_import"
    if not folder.is_dir():
        return
    keep = {_key(p) for p in files}
    for manifest in folder.glob("*.json"):
        if manifest.stem in keep:
            continue
        data = _read_manifest(manifest) or {}
        for manager in data.get("written", {}):
            target = staging / f"date={date}" / f"manager_id={day_stem(manager)}"
            (target / f"part-{manifest.stem}.parquet").unlink(missing_ok=True)
        manifest.unlink(missing_ok=True)


def _key(path: Path) -> str:
    """The name of a source file's manifest and of its file in each manager's folder."""
    return hashlib.sha1(str(path.resolve()).encode("utf-8")).hexdigest()[:16]
