"""The team's day index pages of a run: ``index.html`` and one page per team.

The pages are drawn by :func:`maps.team.render_team_index` from the result JSON
files the run wrote (read back with :func:`batch.summary.read_result`), each row
linking the manager's map.  The days without a verdict (in error, without GPS,
without tasks) are handed over as ``problems``, which the page lists above the table.
"""

from __future__ import annotations

__all__ = ["day_problems", "write_indexes"]

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote

from batch.files import day_stem, write_text_atomic
from batch.summary import read_result

if TYPE_CHECKING:  # maps.team loads folium: imported when a page is drawn
    from maps.team import Problem


def write_indexes(
    rows: Sequence[Mapping[str, Any]],
    out: Path,
    *,
    date: dt.date,
    lang: Literal["en", "zh"] = "en",
    teams: Mapping[str, str | None] | None = None,
) -> Path | None:
    """Write ``index.html`` of every manager, and ``teams/<team>.html`` per known team.

    Parameters
    ----------
    rows
        The run's summary rows (:func:`batch.summary.summary_row`); their ``result``
        and ``map`` paths are relative to ``out``.
    out
        The run's folder.
    date, lang
        The day shown, and the pages' language.
    teams
        manager_id -> team (or None); managers without a team are on ``index.html`` only.

    Returns
    -------
    Path or None
        ``index.html``; None when there is no manager-day (no page is written).
    """
    if not rows:
        return None
    results = _stored_results(rows, out)
    index = write_text_atomic(out / "index.html", _page(rows, results, date, lang, ""))
    by_team: dict[str, list[Mapping[str, Any]]] = {}
    for r in rows:
        team = (teams or {}).get(str(r["manager_id"]))
        if team:
            by_team.setdefault(team, []).append(r)
    for team, selected in by_team.items():
        page = _page(selected, results, date, lang, "../")
        write_text_atomic(out / "teams" / f"{day_stem(team)}.html", page)
    return index


def day_problems(rows: Sequence[Mapping[str, Any]]) -> list[Problem]:
    """The days in error (with their reasons), without GPS or without tasks.

    ``(status, manager_id, reason or None)`` as :func:`maps.team.render_team_index`
    lists them above the table, in the order of :data:`maps.team.PROBLEM_STATUSES`,
    each status by manager_id.
    """
    from maps.team import PROBLEM_STATUSES

    rank = {status: k for k, status in enumerate(PROBLEM_STATUSES)}
    listed = sorted(
        (r for r in rows if r["status"] in rank),
        key=lambda r: (rank[r["status"]], str(r["manager_id"])),
    )
    return [
        (
            str(r["status"]),
            str(r["manager_id"]),
            str(r["reason"]) if r["status"] == "error" else None,
        )
        for r in listed
    ]


def _stored_results(rows: Sequence[Mapping[str, Any]], out: Path) -> dict[str, dict[str, Any]]:
    """manager_id -> the result JSON the run wrote for it (days with a result only)."""
    found: dict[str, dict[str, Any]] = {}
    for r in rows:
        if not r.get("result"):
            continue
        body = read_result(out / str(r["result"]))
        if body is not None:
            found[str(r["manager_id"])] = body
    return found


def _page(
    selected: Sequence[Mapping[str, Any]],
    results: Mapping[str, Mapping[str, Any]],
    date: dt.date,
    lang: Literal["en", "zh"],
    prefix: str,
) -> str:
    """One index page of ``selected`` rows, its links relative to a page ``prefix`` deep."""
    from maps.team import render_team_index

    managers = [str(r["manager_id"]) for r in selected]
    links = {str(r["manager_id"]): prefix + quote(str(r["map"])) for r in selected if r.get("map")}
    return render_team_index(
        [results[m] for m in managers if m in results],
        date=date.isoformat(),
        links=links,
        lang=lang,
        problems=day_problems(selected),
    )
