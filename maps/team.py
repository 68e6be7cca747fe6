"""The team's day: an index page of every manager's verdicts, and an overview map.

:func:`render_team_index` turns the result dicts of one day (the contract JSON of
:meth:`~trajectory.result.DayResult.to_dict`) into one plain HTML page: the
manager-days without a verdict (errors, no GPS, no task list) listed under the
heading, counts, then one row per manager (failing first, then inconclusive, then
passing), sortable by clicking a column header (:data:`maps.html.SORT_SCRIPT`; no
external asset).  :func:`render_team_map` (:mod:`maps.team_map`) draws every
manager's stays on one folium map.  :func:`write_team_report` reads a folder of
result JSON files and writes both pages.  Nothing is recomputed: every figure comes
from the result dicts, and a row's verdict is :func:`trajectory.result.check_status`
of its checks.

Every user-supplied string (manager ids, store names, reason sentences) is
HTML-escaped with :func:`maps.html.escape`.

Hooks for tests and browser checks: each index row is a ``<tr class="tc-row">``
with ``data-manager``, ``data-status`` and ``data-integrity`` (``clean`` or ``suspicious``,
which the drop-down ``select.tc-integrity-filter`` filters on); each count is an element with
``data-count="<what>"``; each listed manager-day without a verdict is an
``<li data-manager>`` inside ``<div class="tc-daily-<status>">``; each stay on the
overview map is a circle marker with the classes ``tc-team-stay`` and
``tc-team-m<k>`` (``k`` the manager's 1-based position in manager_id order).
"""

from __future__ import annotations

__all__ = [
    "INDEX_NAME",
    "OVERVIEW_NAME",
    "PROBLEM_STATUSES",
    "TEAM_COLOURS",
    "TEAM_STAY_CLASS",
    "Problem",
    "render_team_index",
    "render_team_map",
    "write_team_report",
]

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from maps.basemap import Tiles
from maps.day_panel import warning_lines
from maps.html import escape, hhmm, render_page, status_badge
from maps.i18n import Lang, labels
from maps.integrity import (
    INTEGRITY_FILTER_SCRIPT,
    integrity_cell,
    integrity_filter_html,
    integrity_status,
)
from maps.reasons import check_reason
from maps.team_map import TEAM_COLOURS, TEAM_STAY_CLASS, render_team_map
from maps.team_notes import duplicate_notes, manager_label
from maps.team_stays import stays_cells, stays_headers
from trajectory.errors import InputError
from trajectory.result import CHECK_NAMES, RESULT_KEYS, check_status

#: File names written by :func:`write_team_report` in its output folder.
INDEX_NAME = "index.html"
OVERVIEW_NAME = "overview.html"
#: Day statuses listed above the index table, in this order (they have no verdict row).
PROBLEM_STATUSES: tuple[str, ...] = ("error", "no_gps", "no_tasks")
#: (day status, manager_id, reason or None): a manager-day listed above the table.
Problem = tuple[str, str, str | None]

_STATUS_RANK = {"fail": 0, "inconclusive": 1, "pass": 2}
_CSS = """.tc-badge{display:inline-block;padding:0 6px;border-radius:8px;color:#fff;font-weight:600}
.tc-counts{margin:8px 0 16px}.tc-counts td,.tc-counts th{border:1px solid #ddd}"""


def render_team_index(
    results: Sequence[Mapping[str, Any]],
    *,
    date: str,
    links: Mapping[str, str] | None = None,
    overview_href: str | None = None,
    lang: Lang = "en",
    problems: Sequence[Problem] = (),
) -> str:
    """Render the team's day as one sortable HTML table.

    Parameters
    ----------
    results
        Result dicts of one day (the contract JSON), one per manager; read only.
    date
        The day shown in the heading, ``YYYY-MM-DD``.
    links
        manager_id -> relative href of that manager's day map; managers without an
        entry get no link.
    overview_href
        Relative href of the overview map, linked under the heading when given.
    lang
        ``"en"`` or ``"zh"``, the checks' reasons (tooltips) too (:mod:`maps.reasons`).
    problems
        ``(status, manager_id, reason)`` of the manager-days without a verdict,
        status one of :data:`PROBLEM_STATUSES`; listed under the heading, one list
        per status in that order, ``id: reason`` when the reason is not None.

    Returns
    -------
    str
        One HTML document with no external asset.  Rows are ordered failing
        managers first, then inconclusive, then passing, each group by manager_id;
        counts at the top give, per check, how many managers passed, failed or were
        inconclusive.

    Raises
    ------
    ValueError
        For an unknown ``lang`` or a problem's unknown status.
    """
    text = {**labels(lang), **labels(lang, "team")}
    rows = sorted(results, key=lambda r: (_STATUS_RANK[_verdict(r)], str(r["manager_id"])))
    title = f"{text['team_title']} · {date}"
    parts = [f"<h1>{escape(title)}</h1>", _problems_html(problems, text), _counts_html(rows, text)]
    if overview_href is not None:
        href = escape(overview_href)
        parts.append(f'<p><a class="tc-overview" href="{href}">{escape(text["overview"])}</a></p>')
    parts.append(integrity_filter_html([integrity_status(r) for r in rows], text))
    parts.append(f"<p><small>{escape(text['sort_hint'])}</small></p>")
    parts.append(_table_html(rows, links or {}, text))
    page = "".join(parts)
    return render_page(
        title, page, lang=lang, css=_CSS, sortable=True, script=INTEGRITY_FILTER_SCRIPT
    )


def write_team_report(
    results_dir: Path,
    out_dir: Path,
    *,
    date: str | None = None,
    lang: Lang = "en",
    tiles: Tiles | None = None,
    offline: bool = False,
    notes: list[str] | None = None,
) -> Path:
    """Write the team's index page and overview map from a folder of result JSON.

    Parameters
    ----------
    results_dir
        Folder of ``*.json`` files; those holding a trajcheck day result (every key
        of :data:`trajectory.result.RESULT_KEYS`) are read, any other JSON is skipped.
        A manager's day map is ``<same stem>.html`` beside the JSON; it is linked
        (by a path relative to ``out_dir``) when it exists, and never copied.
    out_dir
        Folder for ``index.html`` and ``overview.html`` (created when missing).
    date
        The day to report, ``YYYY-MM-DD``; by default the single date present.
    lang, tiles, offline
        As in :func:`render_team_index` and :func:`render_team_map` (the index page
        has no external asset either way).

    Returns
    -------
    Path
        The index page written.

    Raises
    ------
    InputError
        When ``results_dir`` is not a folder, a ``*.json`` file is not valid JSON,
        no result is found (for ``date``), or several dates are present and no
        ``date`` is given.  When one manager has several results for the day (say
        ``late.json`` and ``late.full.json``), the one with a day map is kept, else
        the first by file name; ``notes``, when given, gets one line per such manager
        saying which file was kept and why (:func:`duplicate_notes`).
    """
    found = _read_results(results_dir)
    date = _pick_date(results_dir, found, date)
    out_dir.mkdir(parents=True, exist_ok=True)
    chosen = _choose(found, date, out_dir)
    if notes is not None:
        notes += duplicate_notes(found, date, chosen)
    results = [data for data, _ in chosen.values()]
    links = {m: href for m, (_, href) in chosen.items() if href is not None}
    (out_dir / OVERVIEW_NAME).write_text(
        render_team_map(results, tiles=tiles, lang=lang, offline=offline), encoding="utf-8"
    )
    index = out_dir / INDEX_NAME
    index.write_text(
        render_team_index(results, date=date, links=links, overview_href=OVERVIEW_NAME, lang=lang),
        encoding="utf-8",
    )
    return index


def _read_results(results_dir: Path) -> list[tuple[Path, dict[str, Any]]]:
    """(path, result dict) of every day result in ``results_dir``, by file name."""
    if not results_dir.is_dir():
        raise InputError(str(results_dir), None, None, "not a folder of result JSON files")
    found: list[tuple[Path, dict[str, Any]]] = []
    for path in sorted(results_dir.glob("*.json")):
        data = _read_result(path)
        if data is not None:
            found.append((path, data))
    if not found:
        raise InputError(str(results_dir), None, None, "no trajcheck day results (*.json)")
    return found


def _choose(
    found: Sequence[tuple[Path, dict[str, Any]]], date: str, out_dir: Path
) -> dict[str, tuple[dict[str, Any], str | None]]:
    """manager_id -> (result of ``date``, href of its day map or None); a result with a
    day map beats one without, else the first by file name wins."""
    chosen: dict[str, tuple[dict[str, Any], str | None]] = {}
    for path, data in found:
        if str(data["date"]) != date:
            continue
        page = path.with_suffix(".html")
        href = _relative_href(page, out_dir) if page.is_file() else None
        manager = str(data["manager_id"])
        if manager not in chosen or (chosen[manager][1] is None and href is not None):
            chosen[manager] = (data, href)
    return chosen


def _pick_date(
    results_dir: Path, found: Sequence[tuple[Path, Mapping[str, Any]]], date: str | None
) -> str:
    """``date`` when results have it, else the single date present."""
    dates = sorted({str(d["date"]) for _, d in found})
    if date is None:
        if len(dates) > 1:
            raise InputError(
                str(results_dir),
                None,
                "date",
                f"results of several dates ({', '.join(dates)}); choose one with --date",
            )
        return dates[0]
    if date not in dates:
        raise InputError(
            str(results_dir),
            None,
            "date",
            f"no results for {date} (dates present: {', '.join(dates)})",
        )
    return date


def _read_result(path: Path) -> dict[str, Any] | None:
    """The result dict in ``path``, or None when the JSON is not a day result."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(str(path), None, None, f"not valid JSON: {exc}") from exc
    if not isinstance(data, dict) or not all(k in data for k in RESULT_KEYS):
        return None
    if not isinstance(data["checks"], dict):
        return None
    return data


def _relative_href(target: Path, start: Path) -> str:
    """URL-quoted POSIX path of ``target`` relative to the folder ``start``."""
    rel = os.path.relpath(target.resolve(), start.resolve())
    return quote(Path(rel).as_posix())


def _verdict(result: Mapping[str, Any]) -> str:
    """The checks' overall verdict (the one rule, :func:`trajectory.result.check_status`)."""
    return check_status(str(c.get("status")) for c in result["checks"].values())


def _warnings_cell(result: Mapping[str, Any], text: Mapping[str, str]) -> str:
    """The count of the result's warnings, their texts as the tooltip (``–`` for none)."""
    lines = warning_lines(result, text)
    if not lines:
        return '<td class="tc-warn-n" data-sort="0">–</td>'
    return (
        f'<td class="tc-warn-n" data-sort="{len(lines)}" title="{escape(" ".join(lines))}">'
        f"⚠ {len(lines)}</td>"
    )


def _problems_html(problems: Sequence[Problem], text: Mapping[str, str]) -> str:
    """One ``<div class="tc-daily-<status>">`` list per status of :data:`PROBLEM_STATUSES`."""
    by_status: dict[str, list[tuple[str, str | None]]] = {s: [] for s in PROBLEM_STATUSES}
    for status, manager, reason in problems:
        if status not in by_status:
            raise ValueError(
                f"problem status must be one of {', '.join(PROBLEM_STATUSES)}, got {status!r}"
            )
        by_status[status].append((manager, reason))
    parts = []
    for status, listed in by_status.items():
        if not listed:
            continue
        items = "".join(
            f'<li data-manager="{escape(m)}">{escape(m)}'
            + ("" if reason is None else f": {escape(reason)}")
            + "</li>"
            for m, reason in listed
        )
        parts.append(
            f'<div class="tc-daily-{status.replace("_", "-")}"><p><b>{len(listed)} '
            f"{escape(text[f'problems_{status}'])}</b>{escape(text['problems_see'])}</p>"
            f"<ul>{items}</ul></div>"
        )
    return "".join(parts)


def _counts_html(rows: Sequence[Mapping[str, Any]], text: Mapping[str, str]) -> str:
    statuses = ("pass", "fail", "inconclusive")
    head = "".join(f"<th>{status_badge(s, text)}</th>" for s in statuses)
    body = []
    for name in (*CHECK_NAMES, "overall"):
        if name == "overall":
            got = [_verdict(r) for r in rows]
        else:
            got = [str(r["checks"].get(name, {}).get("status", "inconclusive")) for r in rows]
        cells = "".join(
            f'<td data-count="{name}-{s}">{sum(1 for g in got if g == s)}</td>' for s in statuses
        )
        body.append(f"<tr><th>{escape(text[name])}</th>{cells}</tr>")
    return (
        f'<p>{escape(text["managers"])}: <b data-count="managers">{len(rows)}</b></p>'
        f'<table class="tc-counts"><tr><th>{escape(text["check"])}</th>{head}</tr>'
        f"{''.join(body)}</table>"
    )


def _table_html(
    rows: Sequence[Mapping[str, Any]], links: Mapping[str, str], text: Mapping[str, str]
) -> str:
    """The sortable table of managers, one ``tr.tc-row`` each."""
    head = [
        text["manager"],
        text["overall"],
        *(text[name] for name in CHECK_NAMES),
        *stays_headers(text),
        text["visits"],
        text["first_arrival"],
        text["warnings"],
        text["integrity"],
        text["day_map"],
    ]
    cells = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join(_row_html(r, links.get(str(r["manager_id"])), text) for r in rows)
    return (
        f'<table class="tc-team" data-sortable><thead><tr>{cells}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


def _row_html(result: Mapping[str, Any], href: str | None, text: Mapping[str, str]) -> str:
    manager = str(result["manager_id"])
    status = _verdict(result)
    checks = result["checks"]
    cells = [
        f'<td data-sort="{escape(manager)}">{manager_label(result)}</td>',
        f'<td data-sort="{_STATUS_RANK[status]}">{status_badge(status, text)}</td>',
    ]
    for name in CHECK_NAMES:
        check = checks.get(name, {})
        s = str(check.get("status", "inconclusive"))
        cells.append(
            f'<td data-check="{name}" data-sort="{_STATUS_RANK.get(s, 1)}">'
            f"{status_badge(s, text, check_reason(name, check, text))}</td>"
        )
    visits = checks.get("visit_count_match", {}).get("onsite_visits")
    arrival = checks.get("on_time_arrival", {}).get("arrival")
    first = hhmm(arrival) if isinstance(arrival, str) else "–"
    cells.append(stays_cells(result, text))
    shown = str(int(visits)) if isinstance(visits, int | float) else "–"
    cells.append(f'<td data-sort="{escape(shown)}">{escape(shown)}</td>')
    cells.append(f'<td data-sort="{escape(first)}">{escape(first)}</td>')
    cells.append(_warnings_cell(result, text))
    cells.append(integrity_cell(result, text))
    if href is not None:
        cells.append(
            f'<td data-sort="1"><a class="tc-day-link" href="{escape(href)}">'
            f"{escape(text['open_map'])}</a></td>"
        )
    else:
        cells.append(f'<td data-sort="0"><small>{escape(text["no_map"])}</small></td>')
    return (
        f'<tr class="tc-row" data-manager="{escape(manager)}" data-status="{escape(status)}" '
        f'data-integrity="{escape(integrity_status(result))}">'
        f"{''.join(cells)}</tr>"
    )
