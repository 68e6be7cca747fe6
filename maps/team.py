"""The team's day: an index page of every manager's verdicts, and an overview map.

:func:`render_team_index` turns the result dicts of one day (the contract JSON of
:meth:`~trajectory.result.DayResult.to_dict`) into one plain HTML page: counts at
the top, then one row per manager (failing first, then inconclusive, then passing),
sortable by clicking a column header (a few lines of inline JavaScript; no external
asset).  :func:`render_team_map` draws every manager's stays on one folium map, one
toggleable layer per manager.  :func:`write_team_report` reads a folder of result
JSON files and writes both pages.  Nothing is recomputed: every figure comes from
the result dicts.

Every user-supplied string (manager ids, store names, reason sentences) is
HTML-escaped with :func:`maps.day._esc`.

Hooks for tests and browser checks: each index row is a ``<tr class="tc-row">``
with ``data-manager`` and ``data-status``; each count is an element with
``data-count="<what>"``; each stay on the overview map is a circle marker with the
classes ``tc-team-stay`` and ``tc-team-m<k>`` (``k`` the manager's 1-based position
in manager_id order).
"""

from __future__ import annotations

__all__ = [
    "INDEX_NAME",
    "OVERVIEW_NAME",
    "TEAM_COLOURS",
    "TEAM_STAY_CLASS",
    "render_team_index",
    "render_team_map",
    "write_team_report",
]

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote

import folium
import numpy as np
from branca.element import Figure

from maps.day import (
    ReportMap,
    Shift,
    Tiles,
    _add_tiles,
    _check_tiles,
    _esc,
    _hhmm,
    _identity,
    _latlon,
    _to_gcj02,
)
from maps.i18n import Lang, labels
from maps.offline import inline_assets
from trajectory.errors import InputError
from trajectory.result import CHECK_NAMES

#: File names written by :func:`write_team_report` in its output folder.
INDEX_NAME = "index.html"
OVERVIEW_NAME = "overview.html"
#: One colour per manager (in manager_id order, repeating after ten).
TEAM_COLOURS: tuple[str, ...] = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)
#: CSS class of every stay marker on the overview map.
TEAM_STAY_CLASS = "tc-team-stay"

_STATUS_RANK = {"fail": 0, "inconclusive": 1, "pass": 2}
_STATUS_COLOURS = {"pass": "#1a9850", "fail": "#d73027", "inconclusive": "#f39c12"}
_REQUIRED_KEYS = ("manager_id", "date", "checks")

# Words of the team pages that maps.i18n does not have.
_TEAM_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "team_title": "Team day report",
        "managers": "Managers",
        "check": "Check",
        "stays": "Stays",
        "visits": "On-site visits",
        "day_map": "Day map",
        "open_map": "map",
        "no_map": "no map",
        "overview": "Overview map of every stay",
        "sort_hint": "Click a column header to sort.",
        "team_map_title": "Team day: every stay",
    },
    "zh": {
        "team_title": "团队外勤日报",
        "managers": "业务经理人数",
        "check": "检查项",
        "stays": "停留点",
        "visits": "上报到店拜访",
        "day_map": "当日地图",
        "open_map": "查看地图",
        "no_map": "无地图",
        "overview": "全体停留点总览地图",
        "sort_hint": "点击列标题可排序。",
        "team_map_title": "团队当日停留点总览",
    },
}

_CSS = """<style>
body{font:14px/1.4 system-ui,sans-serif;margin:16px;color:#222}
h1{font-size:20px;margin:0 0 8px}
table{border-collapse:collapse}
th,td{padding:3px 8px;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
table.tc-team th{cursor:pointer;background:#f4f4f4;user-select:none}
table.tc-team th.tc-asc::after{content:" \\25B2"}
table.tc-team th.tc-desc::after{content:" \\25BC"}
.tc-badge{display:inline-block;padding:0 6px;border-radius:8px;color:#fff;font-weight:600}
.tc-counts{margin:8px 0 16px}.tc-counts td,.tc-counts th{border:1px solid #ddd}
</style>"""

# Sorts the table by the clicked column, on each cell's data-sort (numbers numerically).
_JS = """<script>
(function(){
  var table=document.querySelector("table.tc-team");
  if(!table){return;}
  var heads=table.tHead.rows[0].cells;
  Array.prototype.forEach.call(heads,function(th,col){
    th.addEventListener("click",function(){
      var asc=!th.classList.contains("tc-asc");
      Array.prototype.forEach.call(heads,function(h){h.classList.remove("tc-asc","tc-desc");});
      th.classList.add(asc?"tc-asc":"tc-desc");
      var body=table.tBodies[0];
      var rows=Array.prototype.slice.call(body.rows);
      rows.sort(function(a,b){
        var x=a.cells[col].getAttribute("data-sort")||"";
        var y=b.cells[col].getAttribute("data-sort")||"";
        var nx=parseFloat(x),ny=parseFloat(y);
        var c=(!isNaN(nx)&&!isNaN(ny))?nx-ny:(x<y?-1:(x>y?1:0));
        return asc?c:-c;
      });
      rows.forEach(function(r){body.appendChild(r);});
    });
  });
})();
</script>"""


def render_team_index(
    results: Sequence[Mapping[str, Any]],
    *,
    date: str,
    links: Mapping[str, str] | None = None,
    overview_href: str | None = None,
    lang: Lang = "en",
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
        ``"en"`` or ``"zh"``.  Reason sentences (tooltips) stay in English.

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
        For an unknown ``lang``.
    """
    text = {**labels(lang), **_TEAM_LABELS[lang]}
    links = links or {}
    rows = sorted(results, key=lambda r: (_STATUS_RANK.get(_status(r), 1), str(r["manager_id"])))
    title = f"{text['team_title']} · {date}"
    parts = [
        f'<!DOCTYPE html><html lang="{_esc(lang)}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_esc(title)}</title>{_CSS}</head><body>",
        f"<h1>{_esc(title)}</h1>",
        _counts_html(rows, text),
    ]
    if overview_href is not None:
        link = f'<a class="tc-overview" href="{_esc(overview_href)}">{_esc(text["overview"])}</a>'
        parts.append(f"<p>{link}</p>")
    head = [
        text["manager"],
        text["overall"],
        *(text[name] for name in CHECK_NAMES),
        text["stays"],
        text["visits"],
        text["first_arrival"],
        text["day_map"],
    ]
    parts.append(f"<p><small>{_esc(text['sort_hint'])}</small></p>")
    parts.append('<table class="tc-team"><thead><tr>')
    parts.extend(f"<th>{_esc(h)}</th>" for h in head)
    parts.append("</tr></thead><tbody>")
    parts.extend(_row_html(r, links.get(str(r["manager_id"])), text) for r in rows)
    parts.append(f"</tbody></table>{_JS}</body></html>")
    return "".join(parts)


def render_team_map(
    results: Sequence[Mapping[str, Any]],
    *,
    tiles: Tiles | None = None,
    lang: Lang = "en",
    offline: bool = False,
) -> str:
    """Render every manager's stays on one map, one toggleable layer per manager.

    Parameters
    ----------
    results
        Result dicts (the contract JSON), one per manager; read only.
    tiles
        ``"osm"``, ``"amap"`` (GCJ-02 tiles: every stay is shifted to GCJ-02, as in
        :func:`maps.day.render_day`) or ``"none"``; by default ``"osm"``, or
        ``"none"`` when ``offline``.
    lang
        Language of the popup labels, ``"en"`` or ``"zh"``.
    offline
        Inline every script and stylesheet (:func:`maps.offline.inline_assets`).

    Returns
    -------
    str
        One HTML document (online, Leaflet loads from its CDN).  Each manager has a colour
        from :data:`TEAM_COLOURS` in manager_id order; each stay is a small circle
        marker (class :data:`TEAM_STAY_CLASS`) with a popup: manager, stay number
        in time order, arrival, departure, matched store (or unexplained, or the
        exempt place).

    Raises
    ------
    ValueError
        For an unknown ``lang`` or ``tiles``.
    maps.offline.OfflineAssetError
        When ``offline`` and the page would load an asset that has no vendored copy.
    """
    text = {**labels(lang), **_TEAM_LABELS[lang]}
    tiles = _check_tiles(tiles, offline)
    shift: Shift = _to_gcj02 if tiles == "amap" else _identity
    fmap = ReportMap(location=None, tiles=None, control_scale=True, zoom_start=12)
    _add_tiles(fmap, tiles)
    bounds: list[list[float]] = []
    ordered = sorted(results, key=lambda r: str(r["manager_id"]))
    for k, result in enumerate(ordered, start=1):
        colour = TEAM_COLOURS[(k - 1) % len(TEAM_COLOURS)]
        name = (
            f'<span style="color:{colour}">\u25cf</span> {_esc(result["manager_id"])}'
            f' <small data-team-layer="{k}">({len(result.get("stay_points", []))})</small>'
        )
        group = folium.FeatureGroup(name=name)
        group.add_to(fmap)
        _add_team_stays(group, result, k, colour, shift, text, bounds)
    folium.LayerControl(position="topright", collapsed=False).add_to(fmap)
    root = cast(Figure, fmap.get_root())
    root.header.add_child(folium.Element(f"<title>{_esc(text['team_map_title'])}</title>"))
    if bounds:
        arr = np.asarray(bounds)
        fmap.fit_bounds([arr.min(axis=0).tolist(), arr.max(axis=0).tolist()], padding=(30, 30))
    else:
        fmap.fit_bounds([[-60.0, -170.0], [70.0, 170.0]])
    page = str(root.render())
    return inline_assets(page) if offline else page


def write_team_report(
    results_dir: Path,
    out_dir: Path,
    *,
    date: str | None = None,
    lang: Lang = "en",
    tiles: Tiles | None = None,
    offline: bool = False,
) -> Path:
    """Write the team's index page and overview map from a folder of result JSON.

    Parameters
    ----------
    results_dir
        Folder of ``*.json`` files; those holding a trajcheck day result (keys
        ``manager_id``, ``date`` and ``checks``) are read, any other JSON is skipped.
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
        the first by file name.
    """
    if not results_dir.is_dir():
        raise InputError(str(results_dir), None, None, "not a folder of result JSON files")
    found: list[tuple[Path, dict[str, Any]]] = []
    for path in sorted(results_dir.glob("*.json")):
        data = _read_result(path)
        if data is not None:
            found.append((path, data))
    if not found:
        raise InputError(str(results_dir), None, None, "no trajcheck day results (*.json)")
    dates = sorted({str(d["date"]) for _, d in found})
    if date is None:
        if len(dates) > 1:
            raise InputError(
                str(results_dir),
                None,
                "date",
                f"results of several dates ({', '.join(dates)}); choose one with --date",
            )
        date = dates[0]
    elif date not in dates:
        raise InputError(
            str(results_dir),
            None,
            "date",
            f"no results for {date} (dates present: {', '.join(dates)})",
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    chosen: dict[str, tuple[dict[str, Any], str | None]] = {}
    for path, data in found:
        if str(data["date"]) != date:
            continue
        page = path.with_suffix(".html")
        href = _relative_href(page, out_dir) if page.is_file() else None
        manager = str(data["manager_id"])
        if manager not in chosen or (chosen[manager][1] is None and href is not None):
            chosen[manager] = (data, href)
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


def _read_result(path: Path) -> dict[str, Any] | None:
    """The result dict in ``path``, or None when the JSON is not a day result."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(str(path), None, None, f"not valid JSON: {exc}") from exc
    if not isinstance(data, dict) or not all(k in data for k in _REQUIRED_KEYS):
        return None
    if not isinstance(data["checks"], dict):
        return None
    return data


def _relative_href(target: Path, start: Path) -> str:
    """URL-quoted POSIX path of ``target`` relative to the folder ``start``."""
    rel = os.path.relpath(target.resolve(), start.resolve())
    return quote(Path(rel).as_posix())


def _status(result: Mapping[str, Any]) -> str:
    """The overall status, from the checks when the dict lacks it."""
    status = result.get("status")
    if status in _STATUS_RANK:
        return str(status)
    statuses = {str(c.get("status")) for c in result["checks"].values()}
    for s in ("fail", "inconclusive"):
        if s in statuses:
            return s
    return "pass"


def _stay_count(result: Mapping[str, Any]) -> int:
    """Stays counted by the visit-count check (exempt places excluded)."""
    counted = result["checks"].get("visit_count_match", {}).get("stay_points")
    if isinstance(counted, int):
        return counted
    return sum(1 for s in result.get("stay_points", []) if s.get("exempt") is None)


def _badge(status: str, text: Mapping[str, str], reason: str | None = None) -> str:
    colour = _STATUS_COLOURS.get(status, "#999")
    title = f' title="{_esc(reason)}"' if reason else ""
    label = _esc(text.get(status, status))
    return f'<span class="tc-badge" style="background:{colour}"{title}>{label}</span>'


def _counts_html(rows: Sequence[Mapping[str, Any]], text: Mapping[str, str]) -> str:
    statuses = ("pass", "fail", "inconclusive")
    head = "".join(f"<th>{_badge(s, text)}</th>" for s in statuses)
    body = []
    for name in (*CHECK_NAMES, "overall"):
        if name == "overall":
            got = [_status(r) for r in rows]
        else:
            got = [str(r["checks"].get(name, {}).get("status", "inconclusive")) for r in rows]
        cells = "".join(
            f'<td data-count="{name}-{s}">{sum(1 for g in got if g == s)}</td>' for s in statuses
        )
        body.append(f"<tr><th>{_esc(text[name])}</th>{cells}</tr>")
    return (
        f'<p>{_esc(text["managers"])}: <b data-count="managers">{len(rows)}</b></p>'
        f'<table class="tc-counts"><tr><th>{_esc(text["check"])}</th>{head}</tr>'
        f"{''.join(body)}</table>"
    )


def _row_html(result: Mapping[str, Any], href: str | None, text: Mapping[str, str]) -> str:
    manager = str(result["manager_id"])
    status = _status(result)
    checks = result["checks"]
    cells = [
        f'<td data-sort="{_esc(manager)}">{_esc(manager)}</td>',
        f'<td data-sort="{_STATUS_RANK.get(status, 1)}">{_badge(status, text)}</td>',
    ]
    for name in CHECK_NAMES:
        check = checks.get(name, {})
        s = str(check.get("status", "inconclusive"))
        cells.append(
            f'<td data-check="{name}" data-sort="{_STATUS_RANK.get(s, 1)}">'
            f"{_badge(s, text, str(check.get('reason', '')))}</td>"
        )
    stays = _stay_count(result)
    visits = checks.get("visit_count_match", {}).get("onsite_visits")
    arrival = checks.get("on_time_arrival", {}).get("arrival")
    first = _hhmm(arrival) if isinstance(arrival, str) else "–"
    cells.append(f'<td data-sort="{stays}">{stays}</td>')
    shown = str(int(visits)) if isinstance(visits, int | float) else "–"
    cells.append(f'<td data-sort="{_esc(shown)}">{_esc(shown)}</td>')
    cells.append(f'<td data-sort="{_esc(first)}">{_esc(first)}</td>')
    if href is not None:
        cells.append(
            f'<td data-sort="1"><a class="tc-day-link" href="{_esc(href)}">'
            f"{_esc(text['open_map'])}</a></td>"
        )
    else:
        cells.append(f'<td data-sort="0"><small>{_esc(text["no_map"])}</small></td>')
    return (
        f'<tr class="tc-row" data-manager="{_esc(manager)}" data-status="{_esc(status)}">'
        f"{''.join(cells)}</tr>"
    )


def _add_team_stays(
    group: folium.FeatureGroup,
    result: Mapping[str, Any],
    k: int,
    colour: str,
    shift: Shift,
    text: Mapping[str, str],
    bounds: list[list[float]],
) -> None:
    """One manager's stays, numbered in time order as on the day map."""
    stays = sorted(result.get("stay_points", []), key=lambda s: (s["arrival"] or "", s["id"]))
    if not stays:
        return
    names = {str(s["store_id"]): str(s["store_name"]) for s in result.get("stores", [])}
    where = _latlon(shift, [s["lat"] for s in stays], [s["lon"] for s in stays])
    manager = _esc(result["manager_id"])
    for number, (stay, loc) in enumerate(zip(stays, where, strict=True), start=1):
        if stay.get("exempt") is not None:
            what = f"{_esc(text['exempt'])}: {_esc(stay['exempt'])}"
        elif stay.get("store_id") is not None:
            store_id = str(stay["store_id"])
            what = f"{_esc(names.get(store_id, ''))} ({_esc(store_id)})"
        else:
            what = _esc(text["unexplained"])
        times = f"{_hhmm(stay['arrival'])}–{_hhmm(stay['departure'])}"
        rows = [
            (text["manager"], manager),
            (text["arrival"], _hhmm(stay["arrival"])),
            (text["departure"], _hhmm(stay["departure"])),
            (text["matched_store"], what),
        ]
        body = "".join(f"<tr><th>{_esc(a)}</th><td>{b}</td></tr>" for a, b in rows)
        title = f"{manager} · {_esc(text['stay'])} {number}"
        folium.CircleMarker(
            loc,
            radius=6,
            color="#fff",
            weight=1.5,
            fill=True,
            fill_color=colour,
            fill_opacity=0.85,
            className=f"{TEAM_STAY_CLASS} tc-team-m{k}",
            popup=folium.Popup(f"<b>{title}</b><table>{body}</table>", max_width=320),
            tooltip=f"{title} · {times}",
        ).add_to(group)
        bounds.append(loc)
