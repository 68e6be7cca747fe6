"""The team's overview map: every manager's stays on one folium map (:mod:`maps.team`).

One toggleable layer per manager, in manager_id order, each in its colour from
:data:`TEAM_COLOURS`; each stay is a small circle marker with the classes
:data:`TEAM_STAY_CLASS` and ``tc-team-m<k>`` (``k`` the manager's 1-based position)
and a popup.  Nothing is recomputed: every figure comes from the result dicts.
"""

from __future__ import annotations

__all__ = ["TEAM_COLOURS", "TEAM_STAY_CLASS", "render_team_map"]

from collections.abc import Mapping, Sequence
from typing import Any, cast

import folium
import numpy as np
from branca.element import Figure

from maps.basemap import ControlWords, ReportMap, Tiles, add_tiles, check_tiles
from maps.day_known import off_list_kind
from maps.geo import Shift, latlon, shift_for
from maps.html import escape, hhmm, rows_table
from maps.i18n import Lang, labels
from maps.offline import inline_assets

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
    text = {**labels(lang), **labels(lang, "team")}
    tiles = check_tiles(tiles, offline)
    shift = shift_for(tiles)
    fmap = ReportMap(location=None, tiles=None, control_scale=True, zoom_start=12)
    add_tiles(fmap, tiles)
    bounds: list[list[float]] = []
    for k, result in enumerate(sorted(results, key=lambda r: str(r["manager_id"])), start=1):
        colour = TEAM_COLOURS[(k - 1) % len(TEAM_COLOURS)]
        name = (
            f'<span style="color:{colour}">\u25cf</span> {escape(result["manager_id"])}'
            f' <small data-team-layer="{k}">({len(result.get("stay_points", []))})</small>'
        )
        group = folium.FeatureGroup(name=name)
        group.add_to(fmap)
        _add_team_stays(group, result, k, colour, shift, text, bounds)
    folium.LayerControl(position="topright", collapsed=False).add_to(fmap)
    ControlWords({k: text[k] for k in ("zoom_in", "zoom_out", "layers_toggle")}).add_to(fmap)
    root = cast(Figure, fmap.get_root())
    root.header.add_child(folium.Element(f"<title>{escape(text['team_map_title'])}</title>"))
    _fit(fmap, bounds)
    page = str(root.render())
    return inline_assets(page) if offline else page


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
    where = latlon(shift, [s["lat"] for s in stays], [s["lon"] for s in stays])
    manager = escape(result["manager_id"])
    for number, (stay, loc) in enumerate(zip(stays, where, strict=True), start=1):
        rows = [
            (text["manager"], manager),
            (text["arrival"], hhmm(stay["arrival"])),
            (text["departure"], hhmm(stay["departure"])),
            (text["matched_store"], _stay_what(stay, names, text)),
        ]
        title = f"{manager} · {escape(text['stay'])} {number}"
        folium.CircleMarker(
            loc,
            radius=6,
            color="#fff",
            weight=1.5,
            fill=True,
            fill_color=colour,
            fill_opacity=0.85,
            className=f"{TEAM_STAY_CLASS} tc-team-m{k}",
            popup=folium.Popup(f"<b>{title}</b>{rows_table(rows)}", max_width=320),
            tooltip=f"{title} · {hhmm(stay['arrival'])}–{hhmm(stay['departure'])}",
        ).add_to(group)
        bounds.append(loc)


def _stay_what(stay: Mapping[str, Any], names: Mapping[str, str], text: Mapping[str, str]) -> str:
    """Escaped: the exempt place, the matched store, the known place not on the list, or
    "unexplained"."""
    if stay.get("exempt") is not None:
        return f"{escape(text['exempt'])}: {escape(stay['exempt'])}"
    if stay.get("store_id") is not None:
        store_id = str(stay["store_id"])
        return f"{escape(names.get(store_id, ''))} ({escape(store_id)})"
    named = off_list_kind(stay, text)
    return named[1] if named else escape(text["unexplained"])


def _fit(fmap: folium.Map, bounds: list[list[float]]) -> None:
    """Fit every stay, or the world when there is none."""
    if bounds:
        arr = np.asarray(bounds)
        fmap.fit_bounds([arr.min(axis=0).tolist(), arr.max(axis=0).tolist()], padding=(30, 30))
    else:
        fmap.fit_bounds([[-60.0, -170.0], [70.0, 170.0]])
