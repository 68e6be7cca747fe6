"""HTML map report of one manager-day.

:func:`render_day` draws what a :class:`~trajectory.result.DayResult` concluded, so
that a supervisor sees in ten seconds whether the manager was where the task list
said, when it said: the cleaned track coloured by time of day, the numbered stays,
the task-list stores with their match radius coloured by status, a dashed link from
each stay to its store, and a side panel with the three verdicts and their reasons.
Nothing is recomputed: every number and status comes from the result (its contract
dict, and ``result.track`` for the cleaned fixes).

Every user-supplied string (store names and ids, the manager id, exempt place
names, reason sentences) is HTML-escaped, and so are backticks, ``$`` and
backslashes, because folium places popups and tooltips in JavaScript template
literals.

Markers carry hooks for tests and browser checks: each stay label contains the
token ``tc-stay-n<k>`` (``k`` its number in time order) and each store label
``tc-store-n<seq>``; paths carry the classes ``tc-track``, ``tc-gap``, ``tc-stay``,
``tc-store-radius`` and ``tc-link``.

The **timeline** (:mod:`maps.timeline`) is one more layer: a clock control plays the
day back minute by minute, a marker (``tc-timeline-now``) moving along the track and
each stay's ring (``tc-timeline-stay``) appearing at its arrival, over the static map.

``offline=True`` inlines every script and stylesheet (:mod:`maps.offline`), so the page
opens without a network.  Folium's icon assets that these pages never use (Leaflet
awesome-markers, the Font Awesome and Glyphicons icon fonts) are left out of every
page, online or offline: see :data:`UNUSED_FOLIUM_ASSETS`.
"""

from __future__ import annotations

__all__ = [
    "AMAP_ATTRIBUTION",
    "AMAP_TILES_URL",
    "SIMPLIFY_TOLERANCE_M",
    "STAY_MARKER_TOKEN",
    "STORE_MARKER_TOKEN",
    "TRACK_COLOURS",
    "TRACK_GAP_S",
    "UNUSED_FOLIUM_ASSETS",
    "ReportMap",
    "render_day",
    "write_day",
]

import html
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal, cast

import folium
import numpy as np
import numpy.typing as npt
import pandas as pd
from branca.element import Figure
from folium.plugins import PolyLineTextPath
from shapely import LineString

from maps.i18n import Lang, labels
from maps.offline import inline_assets
from maps.timeline import TRAIL_COLOUR, Timeline, TimelineStay, build_timeline
from trajectory.crs import wgs84_to_gcj02
from trajectory.geodesy import LocalProjection
from trajectory.result import CHECK_NAMES, DayResult

Tiles = Literal["osm", "amap", "none"]
FloatArray = npt.NDArray[np.float64]
Shift = Callable[[FloatArray, FloatArray], tuple[FloatArray, FloatArray]]

#: Douglas-Peucker tolerance (m) of the drawn track: invisible at street zoom.
SIMPLIFY_TOLERANCE_M = 3.0
#: Fixes further apart than this (s) are joined by a grey dotted "no data" line.
TRACK_GAP_S = 600.0
#: One colour per sixth of the day, from the first fix (light blue) to the last (purple).
TRACK_COLOURS: tuple[str, ...] = ("#74a9cf", "#3690c0", "#0570b0", "#807dba", "#6a51a3", "#3f007d")
#: Amap (Gaode) road tiles; they are drawn in GCJ-02.
AMAP_TILES_URL = (
    "https://webrd0{s}.is.autonavi.com/appmaptile"
    "?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}"
)
AMAP_ATTRIBUTION = "© 高德地图 AutoNavi"
#: folium's default assets that no report uses (icons of ``folium.Icon``, i.e. Leaflet
#: awesome-markers, and the Font Awesome and Glyphicons icon fonts): not loaded.
UNUSED_FOLIUM_ASSETS = frozenset(
    {
        "awesome_markers",
        "awesome_markers_css",
        "awesome_markers_font_css",
        "glyphicons_css",
        "awesome_rotate_css",
    }
)
#: Token followed by the stay's number inside each stay label.
STAY_MARKER_TOKEN = "tc-stay-n"
#: Token followed by the store's seq inside each store label.
STORE_MARKER_TOKEN = "tc-store-n"

_COORD_DIGITS = 6  # 0.1 m
_STAY_COLOURS = {"matched": "#0b7a75", "unexplained": "#d01c8b", "exempt": "#8c8c8c"}
_STORE_COLOURS = {
    "visited": "#1a9850",
    "not_visited": "#d73027",
    "ambiguous": "#f39c12",
    "unseen": "#f39c12",
    "no_gps": "#8c8c8c",
    "not_expected": "#8c8c8c",
}
_STATUS_COLOURS = {"pass": "#1a9850", "fail": "#d73027", "inconclusive": "#f39c12"}
_ARROW = "\u00a0" * 12 + "\u27a4"
_CSS = """<style>
.tc-panel{position:fixed;top:10px;right:10px;z-index:1000;width:360px;max-height:calc(100% - 40px);
overflow:auto;background:#fff;padding:8px 12px;border-radius:6px;
box-shadow:0 1px 5px rgba(0,0,0,.4);font:13px/1.35 system-ui,sans-serif}
.tc-panel h3{margin:2px 0 6px;font-size:16px}.tc-panel h4{margin:10px 0 4px;font-size:13px}
.tc-panel table{border-collapse:collapse;width:100%}.tc-panel td,.tc-panel th{padding:1px 4px;
text-align:left;vertical-align:top;border-bottom:1px solid #eee}
.tc-check{margin:4px 0;padding:4px 6px;border-left:4px solid #999}.tc-check p{margin:2px 0 0}
.tc-badge{display:inline-block;padding:0 6px;border-radius:8px;color:#fff;font-weight:600}
.tc-legend{position:fixed;bottom:56px;left:10px;z-index:1000;background:#fff;padding:6px 10px;
border-radius:6px;box-shadow:0 1px 5px rgba(0,0,0,.4);font:12px/1.5 system-ui,sans-serif}
.tc-sw{display:inline-block;width:22px;height:4px;margin-right:6px;vertical-align:middle}
.tc-dot{display:inline-block;width:11px;height:11px;border-radius:50%;margin-right:6px}
.tc-sq{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:6px}
.tc-label{display:inline-block;transform:translate(-50%,-50%);min-width:18px;height:18px;
border-radius:9px;color:#fff;font:bold 11px/18px system-ui,sans-serif;text-align:center;
white-space:nowrap;box-shadow:0 0 0 1.5px #fff}
.tc-label.tc-store{border-radius:3px}.tc-label.tc-warn{box-shadow:0 0 0 2px #fff,0 0 0 4px #000}
.tc-tag{margin-left:4px;padding:0 4px;background:#fff;color:#333;border-radius:3px;
font-weight:normal}
path.tc-store-radius{pointer-events:none!important}
.folium-map.leaflet-container{background:#f2efe9}
.tc-now{width:16px;height:16px;margin:-8px 0 0 -8px;border-radius:50%;background:#e6550d;
border:3px solid #fff;box-shadow:0 0 0 1.5px #e6550d,0 1px 4px rgba(0,0,0,.5)}
</style>"""


class ReportMap(folium.Map):
    """``folium.Map`` without the assets in :data:`UNUSED_FOLIUM_ASSETS`.

    Leaflet, jQuery (folium's popups use it) and Bootstrap stay.  A report that starts
    using ``folium.Icon`` must take its assets out of :data:`UNUSED_FOLIUM_ASSETS`
    (and vendor them for the offline build).
    """

    # folium reads these per class: ClassVar would clash with its annotation
    default_js = [(k, u) for k, u in folium.Map.default_js if k not in UNUSED_FOLIUM_ASSETS]  # noqa: RUF012
    default_css = [(k, u) for k, u in folium.Map.default_css if k not in UNUSED_FOLIUM_ASSETS]  # noqa: RUF012


def render_day(
    result: DayResult,
    *,
    lang: Lang = "en",
    tiles: Tiles | None = None,
    offline: bool = False,
) -> str:
    """Render one manager-day as a self-contained HTML page.

    Parameters
    ----------
    result
        The verified day; read only.  Its ``track`` (cleaned fixes) is drawn when
        present.
    lang
        Language of the headings and labels, ``"en"`` or ``"zh"``.  The reason
        sentences of the checks stay in English.
    tiles
        ``"osm"`` (OpenStreetMap, WGS-84), ``"amap"`` (Amap/Gaode tiles, which are
        GCJ-02: every overlay, the timeline too, is then shifted to GCJ-02 so that it
        sits on the right street) or ``"none"`` (no background).  By default ``"osm"``,
        or ``"none"`` when ``offline``: tiles always come from the network, so an
        offline page asks for them only when ``tiles`` is given explicitly.
    offline
        Inline every script and stylesheet (vendored copies, :mod:`maps.offline`), so
        that the page needs no network; about 0.6 MB more.

    Returns
    -------
    str
        One HTML document.  Online, Leaflet and its plugins load from their CDNs.

    Raises
    ------
    ValueError
        For an unknown ``lang`` or ``tiles``.
    maps.offline.OfflineAssetError
        When ``offline`` and the page would load an asset that has no vendored copy.

    Examples
    --------
    >>> from trajectory.simulate import generate_day
    >>> from trajectory.evaluation import verify_generated
    >>> page = render_day(verify_generated(generate_day("compliant", 1)), lang="zh")
    >>> "准时到达" in page
    True
    """
    text = labels(lang)
    tiles = _check_tiles(tiles, offline)
    data = result.to_dict()
    shift: Shift = _to_gcj02 if tiles == "amap" else _identity
    fmap = ReportMap(location=None, tiles=None, control_scale=True, zoom_start=13)
    _add_tiles(fmap, tiles)
    groups = {
        key: folium.FeatureGroup(name=text[f"layer_{key}"])
        for key in ("track", "links", "stores", "stays")
    }
    for group in groups.values():
        group.add_to(fmap)
    bounds: list[list[float]] = []
    bins = _add_track(groups["track"], result.track, data["timezone"], shift, text, bounds)
    store_at = _add_stores(groups["stores"], data, shift, text, bounds)
    stays = _add_stays(groups["stays"], groups["links"], data, store_at, shift, text, bounds)
    timeline = build_timeline(result.track, stays, data["timezone"], shift)
    if timeline is not None:
        title = text["timeline_clock"].format(zone=data["timezone"])
        Timeline(timeline, name=text["layer_timeline"], title=title).add_to(fmap)
    folium.LayerControl(position="topleft", collapsed=False).add_to(fmap)
    root = cast(Figure, fmap.get_root())
    root.header.add_child(folium.Element(_CSS))
    root.html.add_child(folium.Element(_panel_html(data, text)))
    root.html.add_child(folium.Element(_legend_html(bins, text, timeline is not None)))
    if bounds:
        arr = np.asarray(bounds)
        # Fit the drawing between the layer control and legend (left column) and
        # the panel (360 px, right), so that no marker starts hidden under them.
        fmap.fit_bounds(
            [arr.min(axis=0).tolist(), arr.max(axis=0).tolist()],
            padding_top_left=(250, 30),
            padding_bottom_right=(400, 30),
        )
    page = str(root.render())
    return inline_assets(page) if offline else page


def write_day(result: DayResult, path: str | Path, **kwargs: Any) -> Path:
    """Write :func:`render_day`'s page to ``path`` (UTF-8), creating its folder.

    Parameters
    ----------
    result
        The verified day.
    path
        Output file, conventionally ``*.html``.
    **kwargs
        ``lang``, ``tiles`` and ``offline``, passed to :func:`render_day`.

    Returns
    -------
    Path
        The path written.
    """
    out = Path(path)
    page = render_day(result, **kwargs)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    return out


def _esc(value: object) -> str:
    """HTML-escape, plus the characters that matter inside a JS template literal."""
    return (
        html.escape(str(value), quote=True)
        .replace("`", "&#96;")
        .replace("$", "&#36;")
        .replace("\\", "&#92;")
    )


def _check_tiles(tiles: Tiles | None, offline: bool) -> Tiles:
    """The tiles to draw: ``tiles`` checked, or the default (none when offline)."""
    if tiles is None:
        return "none" if offline else "osm"
    if tiles not in ("osm", "amap", "none"):
        raise ValueError(f"tiles must be one of osm, amap, none, got {tiles!r}")
    return tiles


def _identity(lat: FloatArray, lon: FloatArray) -> tuple[FloatArray, FloatArray]:
    return lat, lon


def _to_gcj02(lat: FloatArray, lon: FloatArray) -> tuple[FloatArray, FloatArray]:
    return wgs84_to_gcj02(lat, lon)


def _latlon(shift: Shift, lat: npt.ArrayLike, lon: npt.ArrayLike) -> list[list[float]]:
    """Shifted, rounded ``[[lat, lon], ...]`` for folium."""
    la, lo = shift(np.asarray(lat, dtype=np.float64), np.asarray(lon, dtype=np.float64))
    out: list[list[float]] = np.column_stack([la, lo]).round(_COORD_DIGITS).tolist()
    return out


def _hhmm(iso: str | None) -> str:
    """``HH:MM`` of an ISO time already in the day's zone."""
    return iso[11:16] if iso else "–"


def _add_tiles(fmap: folium.Map, tiles: Tiles) -> None:
    if tiles == "osm":
        folium.TileLayer("OpenStreetMap", control=False).add_to(fmap)
    elif tiles == "amap":
        folium.TileLayer(
            tiles=AMAP_TILES_URL,
            attr=AMAP_ATTRIBUTION,
            subdomains="1234",
            max_zoom=18,
            control=False,
        ).add_to(fmap)


def _add_track(
    group: folium.FeatureGroup,
    track: pd.DataFrame | None,
    timezone: str,
    shift: Shift,
    text: Mapping[str, str],
    bounds: list[list[float]],
) -> list[tuple[str, str, str]]:
    """Draw the track in time-of-day colours; return the legend's (colour, from, to)."""
    if track is None or len(track) < 2:
        return []
    times = pd.DatetimeIndex(track["time"])
    t_ns = times.asi8
    lat = track["lat"].to_numpy(dtype=np.float64)
    lon = track["lon"].to_numpy(dtype=np.float64)
    n_bins = len(TRACK_COLOURS)
    edges = np.linspace(t_ns[0], t_ns[-1], n_bins + 1)
    bin_of = np.clip(np.searchsorted(edges, t_ns, side="right") - 1, 0, n_bins - 1)
    gap = np.diff(t_ns) > TRACK_GAP_S * 1e9
    cuts = np.flatnonzero((np.diff(bin_of) != 0) | gap) + 1
    proj = LocalProjection.around(lat, lon)
    x, y = proj.forward(lat, lon)
    starts = np.concatenate([[0], cuts])
    ends = np.concatenate([cuts, [len(t_ns)]])
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        joined = end < len(t_ns) and not gap[end - 1]
        stop = end + 1 if joined else end  # share the next segment's first fix
        if stop - start >= 2:
            line = LineString(np.column_stack([x[start:stop], y[start:stop]]))
            xy = np.asarray(line.simplify(SIMPLIFY_TOLERANCE_M, preserve_topology=False).coords)
            s_lat, s_lon = proj.inverse(xy[:, 0], xy[:, 1])
            points = _latlon(shift, s_lat, s_lon)
            bounds.extend(points)
            colour = TRACK_COLOURS[int(bin_of[start])]
            poly = _polyline(points, color=colour, weight=4, opacity=0.85, className="tc-track")
            poly.add_to(group)
            attributes = {"fill": colour, "font-size": "13"}
            PolyLineTextPath(  # type: ignore[no-untyped-call]
                poly, _ARROW, repeat=True, offset=4, attributes=attributes
            ).add_to(group)
        if end < len(t_ns) and gap[end - 1]:
            minutes = (t_ns[end] - t_ns[end - 1]) / 60e9
            _polyline(
                _latlon(shift, lat[end - 1 : end + 1], lon[end - 1 : end + 1]),
                color="#666",
                weight=2,
                dash_array="2 6",
                className="tc-gap",
                tooltip=f"{_esc(text['gps_gap'])}: {minutes:.0f} {_esc(text['minutes'])}",
            ).add_to(group)
    local = pd.DatetimeIndex(pd.to_datetime(edges.astype(np.int64), utc=True)).tz_convert(timezone)
    hhmm = local.strftime("%H:%M").tolist()
    return [(TRACK_COLOURS[i], hhmm[i], hhmm[i + 1]) for i in range(n_bins)]


def _store_state(store: Mapping[str, Any]) -> tuple[str, bool]:
    """(status key for colour and label, reported-but-not-on-track flag)."""
    status = str(store["status"])
    warn = bool(store["reported_visited"]) and not bool(store["visited"])
    return status, warn


def _add_stores(
    group: folium.FeatureGroup,
    data: Mapping[str, Any],
    shift: Shift,
    text: Mapping[str, str],
    bounds: list[list[float]],
) -> dict[str, tuple[list[float], Mapping[str, Any]]]:
    """Draw the on-site stores; return store_id -> (drawn location, store dict)."""
    onsite = sorted((s for s in data["stores"] if s["method"] == "onsite"), key=lambda s: s["seq"])
    if not onsite:
        return {}
    where = _latlon(shift, [s["lat"] for s in onsite], [s["lon"] for s in onsite])
    radius_m = float(data["config"].get("match_radius_m", 100.0))
    out: dict[str, tuple[list[float], Mapping[str, Any]]] = {}
    for store, loc in zip(onsite, where, strict=True):
        status, warn = _store_state(store)
        colour = _STORE_COLOURS.get(status, "#8c8c8c")
        state = text["reported_not_on_track"] if warn else text.get(status, status)
        name = f"{_esc(store['store_name'])} ({_esc(store['store_id'])})"
        rows = [
            (text["status"], _esc(state)),
            (text["reported"], text["yes"] if store["reported_visited"] else text["no"]),
            (text["arrival"], _hhmm(store["arrival"])),
            (text["departure"], _hhmm(store["departure"])),
            (text["match_radius"], f"{radius_m:.0f} m"),
        ]
        popup = _popup(f"{_esc(text['seq'])} {int(store['seq'])} · {name}", rows)
        folium.Circle(
            loc,
            radius=radius_m,
            color="#000" if warn else colour,
            weight=2 if warn else 1,
            dash_array="5 5" if warn else None,
            fill=True,
            fill_color=colour,
            fill_opacity=0.08,
            className="tc-store-radius",
        ).add_to(group)
        mark = "!" if warn else ""
        icon = folium.DivIcon(
            html=(
                f'<div class="tc-label tc-store{" tc-warn" if warn else ""} '
                f'{STORE_MARKER_TOKEN}{int(store["seq"])}" style="background:{colour}">'
                f"{int(store['seq'])}{mark}</div>"
            ),
            class_name="tc-store-icon",
            icon_size=(0, 0),
        )
        folium.Marker(
            loc, icon=icon, popup=popup, tooltip=f"{name} · {_esc(state)}", z_index_offset=1000
        ).add_to(group)
        out[str(store["store_id"])] = (loc, store)
        bounds.append(loc)
    return out


def _add_stays(
    group: folium.FeatureGroup,
    links: folium.FeatureGroup,
    data: Mapping[str, Any],
    store_at: Mapping[str, tuple[list[float], Mapping[str, Any]]],
    shift: Shift,
    text: Mapping[str, str],
    bounds: list[list[float]],
) -> list[TimelineStay]:
    """Draw the stays numbered in time order, and a dashed link to each matched store.

    Returns the stays as the timeline shows them (same numbers, places and tooltips).
    """
    stays = sorted(data["stay_points"], key=lambda s: (s["arrival"] or "", s["id"]))
    out: list[TimelineStay] = []
    if not stays:
        return out
    where = _latlon(shift, [s["lat"] for s in stays], [s["lon"] for s in stays])
    for number, (stay, loc) in enumerate(zip(stays, where, strict=True), start=1):
        matched = store_at.get(str(stay["store_id"])) if stay["store_id"] is not None else None
        if stay["exempt"] is not None:
            kind, what = "exempt", f"{_esc(text['exempt'])}: {_esc(stay['exempt'])}"
        elif stay["store_id"] is not None:
            name = matched[1]["store_name"] if matched else ""
            kind, what = "matched", f"{_esc(name)} ({_esc(stay['store_id'])})"
        else:
            kind, what = "unexplained", _esc(text["unexplained"])
        minutes = float(stay["duration_s"]) / 60.0
        distance = stay["distance_m"]
        rows = [
            (text["arrival"], _hhmm(stay["arrival"])),
            (text["departure"], _hhmm(stay["departure"])),
            (text["duration"], f"{minutes:.0f} {_esc(text['minutes'])}"),
            (text["matched_store"], what),
            (text["distance"], "–" if distance is None else f"{distance:.0f} m"),
            (text["points"], str(int(stay["n_points"]))),
        ]
        if stay["ambiguous_store_ids"]:
            ids = ", ".join(_esc(i) for i in stay["ambiguous_store_ids"])
            rows.append((text["ambiguous_with"], ids))
        if stay["revisit"]:
            rows.append((text["revisit"], text["yes"]))
        title = f"{_esc(text['stay'])} {number}"
        tip = f"{title} · {_hhmm(stay['arrival'])}–{_hhmm(stay['departure'])} · {what}"
        colour = _STAY_COLOURS[kind]
        folium.CircleMarker(
            loc,
            radius=float(np.clip(4.0 + 2.5 * np.sqrt(minutes), 7.0, 26.0)),
            color="#fff",
            weight=2,
            fill=True,
            fill_color=colour,
            fill_opacity=0.75,
            className="tc-stay",
            popup=_popup(title, rows),
            tooltip=tip,
        ).add_to(group)
        tag = f'<span class="tc-tag">{_esc(stay["exempt"])}</span>' if kind == "exempt" else ""
        icon = folium.DivIcon(
            html=(
                f'<div class="tc-label {STAY_MARKER_TOKEN}{number}" '
                f'style="background:{colour}">{number}{tag}</div>'
            ),
            class_name="tc-stay-icon",
            icon_size=(0, 0),
        )
        folium.Marker(loc, icon=icon, interactive=False).add_to(group)
        bounds.append(loc)
        if stay["arrival"]:
            out.append(TimelineStay(number, loc[0], loc[1], str(stay["arrival"]), tip))
        if matched is not None:
            _polyline(
                [loc, matched[0]],
                color="#222",
                weight=2,
                dash_array="6 5",
                className="tc-link",
                tooltip=tip,
            ).add_to(links)
    return out


def _polyline(locations: list[list[float]], **kwargs: Any) -> folium.PolyLine:
    """``folium.PolyLine`` (untyped in folium) with its path options."""
    return folium.PolyLine(locations, **kwargs)  # type: ignore[no-untyped-call]


def _popup(title: str, rows: list[tuple[str, str]]) -> folium.Popup:
    """A popup from already escaped ``title`` and ``rows`` values (labels are ours)."""
    body = "".join(f"<tr><th>{_esc(k)}</th><td>{v}</td></tr>" for k, v in rows)
    return folium.Popup(f"<b>{title}</b><table>{body}</table>", max_width=320)


def _panel_html(data: Mapping[str, Any], text: Mapping[str, str]) -> str:
    """The fixed summary panel: verdicts, facts, cleaning, task list."""
    checks = data["checks"]
    parts = [
        f'<div class="tc-panel"><h3>{_esc(text["title"])}</h3>',
        f"<div>{_esc(text['manager'])}: <b>{_esc(data['manager_id'])}</b> · "
        f"{_esc(text['date'])}: <b>{_esc(data['date'])}</b> · {_esc(text['overall'])}: "
        f"{_badge(data['status'], text)}</div>",
    ]
    for name in CHECK_NAMES:
        check = checks.get(name)
        if check is None:
            continue
        status = str(check["status"])
        parts.append(
            f'<div class="tc-check" data-check="{_esc(name)}" data-status="{_esc(status)}" '
            f'style="border-color:{_STATUS_COLOURS.get(status, "#999")}">'
            f"<b>{_esc(text[name])}</b> {_badge(status, text)}<p>{_esc(check['reason'])}</p></div>"
        )
    arrival = checks.get("on_time_arrival", {})
    counts = checks.get("visit_count_match", {})
    unexplained = sum(
        1 for s in data["stay_points"] if s["store_id"] is None and s["exempt"] is None
    )
    first = (
        f" ({_esc(text['first_store'])} {_esc(arrival['first_store_id'])})"
        if arrival.get("first_store_id")
        else ""
    )
    facts = [
        (text["deadline"], _hhmm(arrival.get("deadline"))),
        (text["first_arrival"], _hhmm(arrival.get("arrival")) + first),
        (
            text["stays_vs_visits"],
            f"{counts.get('stay_points', '–')} {_esc(text['stays_counted'])} / "
            f"{counts.get('onsite_visits', '–')} {_esc(text['visits_reported'])}<br>"
            f"{len(data['stay_points'])} {_esc(text['stays_on_map'])}, "
            f"{unexplained} {_esc(text['unexplained_stays'])}",
        ),
    ]
    parts.append(_table(facts))
    parts.append(f"<h4>{_esc(text['cleaning'])}</h4>{_table(_cleaning_rows(data, text))}")
    parts.append(_tasks_html(data, text))
    parts.append("</div>")
    return "".join(parts)


def _badge(status: str, text: Mapping[str, str]) -> str:
    colour = _STATUS_COLOURS.get(status, "#999")
    label = _esc(text.get(status, status))
    return f'<span class="tc-badge" style="background:{colour}">{label}</span>'


def _table(rows: list[tuple[str, str]]) -> str:
    body = "".join(f"<tr><th>{_esc(k)}</th><td>{v}</td></tr>" for k, v in rows)
    return f"<table>{body}</table>"


def _cleaning_rows(data: Mapping[str, Any], text: Mapping[str, str]) -> list[tuple[str, str]]:
    cleaning = data["cleaning"]
    dropped = {k: int(v) for k, v in cleaning.get("dropped", {}).items() if v}
    why = ", ".join(f"{_esc(text.get(k, k))} {n}" for k, n in dropped.items())
    return [
        (text["input_points"], str(cleaning.get("input_points", "–"))),
        (text["kept_points"], str(cleaning.get("kept_points", "–"))),
        (text["dropped"], f"{sum(dropped.values())}: {why}" if dropped else text["none_dropped"]),
        (text["outside_day"], str(cleaning.get("outside_day", 0))),
        (text["rejected_rows"], str(cleaning.get("rejected_rows", 0))),
    ]


def _tasks_html(data: Mapping[str, Any], text: Mapping[str, str]) -> str:
    head = "".join(
        f"<th>{_esc(text[k])}</th>" for k in ("seq", "store", "method", "status", "reported")
    )
    rows = []
    for store in sorted(data["stores"], key=lambda s: s["seq"]):
        status, warn = _store_state(store)
        state = text["reported_not_on_track"] if warn else text.get(status, status)
        colour = _STORE_COLOURS.get(status, "#8c8c8c")
        method = str(store["method"])
        rows.append(
            f'<tr data-method="{_esc(method)}"><td>{int(store["seq"])}</td>'
            f"<td>{_esc(store['store_name'])}<br><small>{_esc(store['store_id'])}</small></td>"
            f"<td>{_esc(text.get(method, method))}</td>"
            f'<td><span class="tc-sq" style="background:{colour}"></span>{_esc(state)}</td>'
            f"<td>{_esc(text['yes'] if store['reported_visited'] else text['no'])}</td></tr>"
        )
    return (
        f"<h4>{_esc(text['tasks'])} ({len(rows)})</h4><table><tr>{head}</tr>{''.join(rows)}</table>"
        f"<small>{_esc(text['remote_note'])}</small>"
    )


def _legend_html(bins: list[tuple[str, str, str]], text: Mapping[str, str], timeline: bool) -> str:
    def row(swatch: str, colour: str, label: str, extra: str = "") -> str:
        return (
            f'<div><span class="{swatch}" style="background:{colour};{extra}"></span>{label}</div>'
        )

    parts = [f'<div class="tc-legend"><b>{_esc(text["legend"])}</b>']
    if bins:
        parts.append(f"<div>{_esc(text['time_of_day'])}</div>")
        parts += [row("tc-sw", c, f"{a}–{b}") for c, a, b in bins]
        parts.append(row("tc-sw", "#666", _esc(text["gps_gap"]), "height:2px"))
    for kind, colour in _STAY_COLOURS.items():
        parts.append(row("tc-dot", colour, _esc(text[f"stay_{kind}"])))
    parts.append(f"<div><small>{_esc(text['stay_size'])}</small></div>")
    for status in ("visited", "not_visited", "ambiguous", "unseen"):
        parts.append(row("tc-sq", _STORE_COLOURS[status], _esc(text[status])))
    parts.append(
        row(
            "tc-sq",
            _STORE_COLOURS["not_visited"],
            _esc(text["reported_not_on_track"]) + " (!)",
            "outline:2px dashed #000",
        )
    )
    parts.append(row("tc-sw", "#222", _esc(text["link"]), "height:2px"))
    if timeline:
        parts.append(f"<div>{_esc(text['layer_timeline'])}</div>")
        ring = f"border:2px solid {TRAIL_COLOUR}"
        now = _esc(text["timeline_now"])
        parts.append(row("tc-dot", TRAIL_COLOUR, now, "border:2px solid #fff"))
        parts.append(row("tc-sw", TRAIL_COLOUR, _esc(text["timeline_trail"]), "height:3px"))
        parts.append(row("tc-dot", "transparent", _esc(text["timeline_stay"]), ring))
    parts.append("</div>")
    return "".join(parts)
