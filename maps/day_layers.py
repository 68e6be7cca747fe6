"""The drawn layers of the day map (:mod:`maps.day`): track, stores, stays and links.

Each ``add_*`` function draws one layer into a folium group, extends ``bounds``
with what it drew, and reads only the result (its contract dict and its cleaned
track).  Every user-supplied string is escaped with :func:`maps.html.escape`.
"""

from __future__ import annotations

__all__ = [
    "SIMPLIFY_TOLERANCE_M",
    "STAY_COLOURS",
    "STAY_MARKER_TOKEN",
    "STORE_COLOURS",
    "STORE_MARKER_TOKEN",
    "TRACK_COLOURS",
    "TRACK_GAP_S",
    "add_stays",
    "add_stores",
    "add_track",
    "store_state",
]

from collections.abc import Mapping
from typing import Any

import folium
import numpy as np
import pandas as pd
from folium.plugins import PolyLineTextPath
from shapely import LineString

from maps.basemap import polyline
from maps.day_bridged import bridged_rows
from maps.day_known import OFF_LIST_COLOUR, off_list_kind, stay_tag
from maps.geo import FloatArray, Shift, latlon
from maps.html import escape, hhmm, rows_table
from maps.timeline import TimelineStay
from trajectory.geodesy import LocalProjection

#: Douglas-Peucker tolerance (m) of the drawn track: invisible at street zoom.
SIMPLIFY_TOLERANCE_M = 3.0
#: Fixes further apart than this (s) are joined by a grey dotted "no data" line.
TRACK_GAP_S = 600.0
#: One colour per sixth of the day, from the first fix (light blue) to the last (purple).
TRACK_COLOURS: tuple[str, ...] = ("#74a9cf", "#3690c0", "#0570b0", "#807dba", "#6a51a3", "#3f007d")
#: Token followed by the stay's number inside each stay label.
STAY_MARKER_TOKEN = "tc-stay-n"
#: Token followed by the store's seq inside each store label.
STORE_MARKER_TOKEN = "tc-store-n"
#: Colour of each kind of stay.
STAY_COLOURS = {
    "matched": "#0b7a75",
    "off_list": OFF_LIST_COLOUR,
    "unexplained": "#d01c8b",
    "exempt": "#8c8c8c",
}
#: Colour of each store status.
STORE_COLOURS = {
    "visited": "#1a9850",
    "not_visited": "#d73027",
    "ambiguous": "#f39c12",
    "unseen": "#8c510a",  # brown: not the orange of "ambiguous" (issue 16)
    "no_gps": "#8c8c8c",
    "not_expected": "#8c8c8c",
}

_ARROW = "\u00a0" * 12 + "\u27a4"
StoreAt = Mapping[str, tuple[list[float], Mapping[str, Any]]]


def add_track(
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
    t_ns = pd.DatetimeIndex(track["time"]).as_unit("ns").asi8  # whatever unit storage gave
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
            points = latlon(shift, s_lat, s_lon)
            bounds.extend(points)
            _add_segment(group, points, TRACK_COLOURS[int(bin_of[start])])
        if end < len(t_ns) and gap[end - 1]:
            across = latlon(shift, lat[end - 1 : end + 1], lon[end - 1 : end + 1])
            _add_gap(group, across, (t_ns[end] - t_ns[end - 1]) / 60e9, text)
    local = pd.DatetimeIndex(pd.to_datetime(edges.astype(np.int64), utc=True)).tz_convert(timezone)
    hhmm_of = local.strftime("%H:%M").tolist()
    return [(TRACK_COLOURS[i], hhmm_of[i], hhmm_of[i + 1]) for i in range(n_bins)]


def _add_segment(group: folium.FeatureGroup, points: list[list[float]], colour: str) -> None:
    """One stretch of the track in one colour, with direction arrows along it."""
    poly = polyline(points, color=colour, weight=4, opacity=0.85, className="tc-track")
    poly.add_to(group)
    attributes = {"fill": colour, "font-size": "13"}
    PolyLineTextPath(  # type: ignore[no-untyped-call]
        poly, _ARROW, repeat=True, offset=4, attributes=attributes
    ).add_to(group)


def _add_gap(
    group: folium.FeatureGroup,
    points: list[list[float]],
    minutes: FloatArray | float,
    text: Mapping[str, str],
) -> None:
    """The grey dotted line across a stretch without fixes."""
    polyline(
        points,
        color="#666",
        weight=2,
        dash_array="2 6",
        className="tc-gap",
        tooltip=f"{escape(text['gps_gap'])}: {minutes:.0f} {escape(text['minutes'])}",
    ).add_to(group)


def store_state(store: Mapping[str, Any]) -> tuple[str, bool]:
    """(status key for colour and label, reported-but-not-on-track flag)."""
    status = str(store["status"])
    warn = bool(store["reported_visited"]) and not bool(store["visited"])
    return status, warn


def add_stores(
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
    where = latlon(shift, [s["lat"] for s in onsite], [s["lon"] for s in onsite])
    radius_m = float(data["config"].get("match_radius_m", 100.0))
    out: dict[str, tuple[list[float], Mapping[str, Any]]] = {}
    for store, loc in zip(onsite, where, strict=True):
        _add_store(group, store, loc, radius_m, text)
        out[str(store["store_id"])] = (loc, store)
        bounds.append(loc)
    return out


def _add_store(
    group: folium.FeatureGroup,
    store: Mapping[str, Any],
    loc: list[float],
    radius_m: float,
    text: Mapping[str, str],
) -> None:
    """One store: its match radius, and its numbered label with a popup."""
    status, warn = store_state(store)
    colour = STORE_COLOURS.get(status, "#8c8c8c")
    state = text["reported_not_on_track"] if warn else text.get(status, status)
    name = f"{escape(store['store_name'])} ({escape(store['store_id'])})"
    rows = [
        (text["status"], escape(state)),
        (text["reported"], text["yes"] if store["reported_visited"] else text["no"]),
        (text["arrival"], hhmm(store["arrival"])),
        (text["departure"], hhmm(store["departure"])),
        (text["match_radius"], f"{radius_m:.0f} m"),
    ]
    popup = _popup(f"{escape(text['seq'])} {int(store['seq'])} · {name}", rows)
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
        loc, icon=icon, popup=popup, tooltip=f"{name} · {escape(state)}", z_index_offset=1000
    ).add_to(group)


def add_stays(
    group: folium.FeatureGroup,
    links: folium.FeatureGroup,
    data: Mapping[str, Any],
    store_at: StoreAt,
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
    where = latlon(shift, [s["lat"] for s in stays], [s["lon"] for s in stays])
    for number, (stay, loc) in enumerate(zip(stays, where, strict=True), start=1):
        matched = store_at.get(str(stay["store_id"])) if stay["store_id"] is not None else None
        kind, what = _stay_kind(stay, matched, text)
        title = f"{escape(text['stay'])} {number}"
        tip = f"{title} · {hhmm(stay['arrival'])}–{hhmm(stay['departure'])} · {what}"
        _add_stay(group, stay, loc, number, kind, _popup(title, _stay_rows(stay, what, text)), tip)
        bounds.append(loc)
        if stay["arrival"]:
            out.append(TimelineStay(number, loc[0], loc[1], str(stay["arrival"]), tip))
        if matched is not None:
            polyline(
                [loc, matched[0]],
                color="#222",
                weight=2,
                dash_array="6 5",
                className="tc-link",
                tooltip=tip,
            ).add_to(links)
    return out


def _stay_kind(
    stay: Mapping[str, Any],
    matched: tuple[list[float], Mapping[str, Any]] | None,
    text: Mapping[str, str],
) -> tuple[str, str]:
    """(kind of stay, escaped description): exempt place, matched store or unexplained."""
    if stay["exempt"] is not None:
        return "exempt", f"{escape(text['exempt'])}: {escape(stay['exempt'])}"
    if stay["store_id"] is not None:
        name = matched[1]["store_name"] if matched else ""
        return "matched", f"{escape(name)} ({escape(stay['store_id'])})"
    return off_list_kind(stay, text) or ("unexplained", escape(text["unexplained"]))


def _stay_rows(
    stay: Mapping[str, Any], what: str, text: Mapping[str, str]
) -> list[tuple[str, str]]:
    """The rows of a stay's popup."""
    minutes = float(stay["duration_s"]) / 60.0
    distance = stay["distance_m"]
    rows = [
        (text["arrival"], hhmm(stay["arrival"])),
        (text["departure"], hhmm(stay["departure"])),
        (text["duration"], f"{minutes:.0f} {escape(text['minutes'])}"),
        (text["matched_store"], what),
        (text["distance"], "–" if distance is None else f"{distance:.0f} m"),
        (text["points"], str(int(stay["n_points"]))),
    ]
    if stay["ambiguous_store_ids"]:
        ids = ", ".join(escape(i) for i in stay["ambiguous_store_ids"])
        rows.append((text["ambiguous_with"], ids))
    if stay["revisit"]:
        rows.append((text["revisit"], text["yes"]))
    rows += bridged_rows(stay, text)
    return rows


def _add_stay(
    group: folium.FeatureGroup,
    stay: Mapping[str, Any],
    loc: list[float],
    number: int,
    kind: str,
    popup: folium.Popup,
    tip: str,
) -> None:
    """One stay: a circle sized by its duration, and its number on top."""
    minutes = float(stay["duration_s"]) / 60.0
    colour = STAY_COLOURS[kind]
    bridged = bool(stay.get("bridged_s"))  # a gap inside: its ring dashed, as the legend says
    folium.CircleMarker(
        loc,
        radius=float(np.clip(4.0 + 2.5 * np.sqrt(minutes), 7.0, 26.0)),
        color="#333" if bridged else "#fff",
        dash_array="4 3" if bridged else None,
        weight=2,
        fill=True,
        fill_color=colour,
        fill_opacity=0.75,
        className="tc-stay tc-bridged" if bridged else "tc-stay",
        popup=popup,
        tooltip=tip,
    ).add_to(group)
    tag = stay_tag(stay, kind)
    icon = folium.DivIcon(
        html=(
            f'<div class="tc-label {STAY_MARKER_TOKEN}{number}" '
            f'style="background:{colour}">{number}{tag}</div>'
        ),
        class_name="tc-stay-icon",
        icon_size=(0, 0),
    )
    folium.Marker(loc, icon=icon, interactive=False).add_to(group)


def _popup(title: str, rows: list[tuple[str, str]]) -> folium.Popup:
    """A popup from already escaped ``title`` and ``rows`` values (labels are ours)."""
    return folium.Popup(f"<b>{title}</b>{rows_table(rows)}", max_width=320)
