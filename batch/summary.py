"""The summary of a daily run: one row per manager-day, and the finished results.

* whether a manager-day is already done (:func:`read_result`);
* the summary row of a result, of a day that could not be verified
  (:func:`summary_row`, :func:`error_row`) and the summary files
  (:func:`write_summary`).

Statuses of a manager-day in the summary are :data:`trajectory.result.DAY_STATUSES`
(the rule is :func:`trajectory.result.day_status`): ``pass``, ``fail`` and
``inconclusive`` (the checks' verdict); ``no_gps`` (a task list but not a single fix
on the day); ``no_tasks`` (fixes but no task list); ``error`` (the day could not be
verified: the reason names the file, row and field).
"""

from __future__ import annotations

__all__ = ["SUMMARY_COLUMNS", "error_row", "read_result", "summary_row", "write_summary"]

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from batch.files import write_text_atomic
from trajectory.result import CHECK_NAMES, DAY_STATUSES, RESULT_KEYS, day_status

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
    "integrity",
    "result",
    "map",
)


def read_result(path: Path) -> dict[str, Any] | None:
    """The result stored at ``path`` when it is complete, else None.

    Complete: the file exists, holds valid JSON and has every key of the result
    contract's top level (:data:`trajectory.result.RESULT_KEYS`).  (Atomic writes
    make a torn file impossible; this also refuses files that something else left
    there.)
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(data, dict) or not all(k in data for k in RESULT_KEYS):
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
        ``reason`` (and the first arrival, stay count and reported visits).
        ``reason`` joins the reasons of the checks that did not pass;
        ``first_arrival`` is the arrival at the first on-site store (ISO 8601, local
        time), ``points`` the fixes on the day.
    """
    checks = body["checks"]
    status = day_status(body)
    count = checks["visit_count_match"]
    arrival = checks["on_time_arrival"].get("arrival")
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
        "reason": _reason(status, checks),
        # track integrity (issue 12): clean | suspicious; results before it read as clean
        "integrity": str((body.get("integrity") or {}).get("status", "clean")),
        "result": result,
        "map": map_path,
        "checks": digest,
    }


def _reason(status: str, checks: Mapping[str, Any]) -> str:
    """The summary's reason: what is missing, or the reasons of the checks not passed."""
    if status == "no_gps":
        return "a task list but no GPS fixes on the day"
    if status == "no_tasks":
        return "GPS fixes but no task list for the day"
    return " ".join(
        f"{name}: {checks[name]['reason']}"
        for name in CHECK_NAMES
        if checks[name]["status"] != "pass"
    )


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
        "integrity": None,
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
