"""Daily runs over every manager: the parts that do not depend on the engine.

A daily run verifies every manager-day of one date.  Each manager-day is one
job: its fixes and task list in, one **summary row** out, and its result JSON
written to a file.  This module holds what every engine (local processes, a Dask
cluster) and every input (files, Parquet, the service's database) shares:

* the file names of a manager-day's outputs (:func:`day_stem`);
* atomic writes (:func:`write_text_atomic`): a file is written to a temporary
  name beside it and renamed over the target, so an interrupted run leaves either
  the old file, the new one, or nothing, never half a file;
* whether a manager-day is already done (:func:`read_result`);
* the summary row of a result, of a day that could not be verified
  (:func:`summary_row`, :func:`error_row`) and the summary files
  (:func:`write_summary`);
* (task lists of many managers, each bad row charged to its manager, are in
  :mod:`trajectory.daily_tasks`; tracks and results as Parquet in
  :mod:`trajectory.parquet` and :mod:`trajectory.results_parquet`).

Statuses of a manager-day in the summary: ``pass``, ``fail`` and
``inconclusive`` (the result's overall status); ``no_gps`` (a task list but not a
single fix on the day); ``no_tasks`` (fixes but no task list); ``error`` (the day
could not be verified: the reason names the file, row and field).
"""

from __future__ import annotations

__all__ = [
    "DAY_STATUSES",
    "SUMMARY_COLUMNS",
    "DayStatus",
    "chunks",
    "day_stem",
    "error_row",
    "move_into_place",
    "read_result",
    "summary_row",
    "team_index_results",
    "write_summary",
    "write_text_atomic",
]

import csv
import datetime as dt
import io
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, TypeVar

from trajectory.result import CHECK_NAMES

DayStatus = Literal["pass", "fail", "inconclusive", "no_gps", "no_tasks", "error"]
#: Every status a manager-day can have in the summary, worst first.
DAY_STATUSES: tuple[str, ...] = ("error", "fail", "inconclusive", "no_gps", "no_tasks", "pass")
#: Columns of ``summary.csv`` (``summary.json`` has them too, plus ``checks``).
SUMMARY_COLUMNS: tuple[str, ...] = (
    "manager_id",
    "date",
    "status",
    *CHECK_NAMES,
    "stay_points",
    "onsite_visits",
    "first_arrival",
    "points",
    "reason",
    "result",
    "map",
)
#: Keys a result JSON must hold to count as a finished manager-day.
_RESULT_KEYS = ("manager_id", "date", "checks", "status", "stay_points", "stores", "cleaning")
#: Bytes kept as they are in file names; everything else is percent-encoded.
_SAFE = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")

T = TypeVar("T")


def _read_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


#: The process's umask, read once at import (reading it means setting it).
_UMASK = _read_umask()


def day_stem(manager_id: str) -> str:
    """The file-name stem of a manager's outputs: the id, percent-encoded where unsafe.

    Letters, digits, ``_`` and ``-`` stay; every other byte of the UTF-8 id
    (``/``, ``.``, spaces, Chinese characters) becomes ``%XX``, so any id gives one
    file name, distinct ids give distinct names, and ``..`` cannot climb out of
    the output folder.  Hive partition readers (pyarrow) decode the same form.

    Examples
    --------
    >>> day_stem("M3946"), day_stem("a/b"), day_stem("..")
    ('M3946', 'a%2Fb', '%2E%2E')
    """
    raw = manager_id.encode("utf-8")
    return "".join(chr(b) if b in _SAFE else f"%{b:02X}" for b in raw)


def write_text_atomic(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file and a rename.

    The temporary file sits in the same folder (so the rename is atomic on POSIX and
    Windows) and starts with ``.``, so readers that skip hidden files never see it.
    It is removed when writing fails.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        move_into_place(Path(tmp), path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def move_into_place(tmp: Path, target: Path) -> None:
    """Rename a finished temporary file over ``target``, with a new file's usual permissions.

    ``tempfile.mkstemp`` creates files readable by their owner only; the outputs of a
    run (maps a web server serves, summaries others read) get ``0o666`` less the umask,
    as ``open`` would have given them.
    """
    tmp.chmod(0o666 & ~_UMASK)
    tmp.replace(target)


def read_result(path: Path) -> dict[str, Any] | None:
    """The result stored at ``path`` when it is complete, else None.

    Complete: the file exists, holds valid JSON and has every key of the result
    contract's top level.  (Atomic writes make a torn file impossible; this also
    refuses files that something else left there.)
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(data, dict) or not all(k in data for k in _RESULT_KEYS):
        return None
    return data


def summary_row(
    body: Mapping[str, Any], *, result: str | None = None, map_path: str | None = None
) -> dict[str, Any]:
    """One manager-day's summary row, from its result JSON.

    Parameters
    ----------
    body
        The result dict (:meth:`~trajectory.result.DayResult.to_dict`).
    result, map_path
        Paths of the result JSON and the map report, relative to the run's folder.

    Returns
    -------
    dict
        :data:`SUMMARY_COLUMNS` plus ``checks``: per check its ``status`` and
        ``reason`` (and the first arrival, stay count and reported visits), which
        is what the team's day index shows.  ``reason`` joins the reasons of the
        checks that did not pass; ``first_arrival`` is the arrival at the first
        on-site store (ISO 8601, local time), ``points`` the fixes on the day.
    """
    checks = body["checks"]
    status = _day_status(body)
    count = checks["visit_count_match"]
    arrival = checks["on_time_arrival"].get("arrival")
    if status == "no_gps":
        reason = "a task list but no GPS fixes on the day"
    elif status == "no_tasks":
        reason = "GPS fixes but no task list for the day"
    else:
        reason = " ".join(
            f"{name}: {checks[name]['reason']}"
            for name in CHECK_NAMES
            if checks[name]["status"] != "pass"
        )
    digest: dict[str, dict[str, Any]] = {
        name: {"status": checks[name]["status"], "reason": checks[name]["reason"]}
        for name in CHECK_NAMES
    }
    digest["on_time_arrival"]["arrival"] = arrival
    digest["visit_count_match"]["stay_points"] = count.get("stay_points")
    digest["visit_count_match"]["onsite_visits"] = count.get("onsite_visits")
    return {
        "manager_id": str(body["manager_id"]),
        "date": str(body["date"]),
        "status": status,
        **{name: checks[name]["status"] for name in CHECK_NAMES},
        "stay_points": count.get("stay_points"),
        "onsite_visits": count.get("onsite_visits"),
        "first_arrival": arrival,
        "points": int(body["cleaning"]["input_points"]),
        "reason": reason,
        "result": result,
        "map": map_path,
        "checks": digest,
    }


def error_row(manager_id: str, date: dt.date | str, reason: str) -> dict[str, Any]:
    """The summary row of a manager-day that could not be verified."""
    return {
        "manager_id": manager_id,
        "date": str(date),
        "status": "error",
        **dict.fromkeys(CHECK_NAMES),
        "stay_points": None,
        "onsite_visits": None,
        "first_arrival": None,
        "points": None,
        "reason": reason,
        "result": None,
        "map": None,
        "checks": None,
    }


def write_summary(
    rows: Iterable[Mapping[str, Any]], out_dir: Path, *, date: dt.date | str
) -> tuple[Path, Path]:
    """Write ``summary.csv`` and ``summary.json`` (atomically), rows by manager_id.

    ``summary.json`` is ``{"date", "managers", "counts": {status: n}, "rows": [...]}``
    and holds nothing that depends on how or how fast the run went, so two runs
    of the same data give the same file.

    Returns
    -------
    tuple of Path
        The CSV and the JSON written.
    """
    ordered = sorted(rows, key=lambda r: str(r["manager_id"]))
    counts = {s: sum(1 for r in ordered if r["status"] == s) for s in DAY_STATUSES}
    doc = {"date": str(date), "managers": len(ordered), "counts": counts, "rows": ordered}
    json_path = write_text_atomic(
        out_dir / "summary.json", json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
    )
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=SUMMARY_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(
        {k: ("" if r.get(k) is None else r[k]) for k in SUMMARY_COLUMNS} for r in ordered
    )
    csv_path = write_text_atomic(out_dir / "summary.csv", buffer.getvalue())
    return csv_path, json_path


def team_index_results(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Summary rows as the result dicts :func:`maps.team.render_team_index` reads.

    Only what the index shows (manager, status, each check's status and reason,
    first arrival, stays, reported visits); days in error have no checks and are
    left out (the caller lists them).
    """
    return [
        {
            "manager_id": r["manager_id"],
            "date": r["date"],
            "status": r["status"] if r["status"] in ("pass", "fail", "inconclusive") else None,
            "checks": r["checks"],
            "stay_points": [],
        }
        for r in rows
        if r.get("checks")
    ]


def chunks(items: Sequence[T], size: int) -> Iterator[list[T]]:
    """``items`` in consecutive lists of at most ``size`` (>= 1)."""
    step = max(1, int(size))
    for start in range(0, len(items), step):
        yield list(items[start : start + step])


def _day_status(body: Mapping[str, Any]) -> DayStatus:
    has_tasks = bool(body.get("stores"))
    has_points = int(body["cleaning"]["input_points"]) > 0
    if has_tasks and not has_points:
        return "no_gps"
    if has_points and not has_tasks:
        return "no_tasks"
    status = str(body["status"])
    if status == "pass":
        return "pass"
    return "fail" if status == "fail" else "inconclusive"
