"""HTML map report of one manager-day.

:func:`render_day` draws what a :class:`~trajectory.result.DayResult` concluded, so
that a supervisor sees in ten seconds whether the manager was where the task list
said, when it said: the cleaned track coloured by time of day, the numbered stays,
the task-list stores with their match radius coloured by status, a dashed link from
each stay to its store, and a side panel with the three verdicts and their reasons.
Nothing is recomputed: every number and status comes from the result (its contract
dict, and ``result.track`` for the cleaned fixes).

The layers are drawn by :mod:`maps.day_layers`, the panel and legend written by
:mod:`maps.day_panel`; the tiles and the trimmed folium map come from
:mod:`maps.basemap`, the GCJ-02 shift for Amap tiles from :mod:`maps.geo`.

Every user-supplied string (store names and ids, the manager id, exempt place
names, reason sentences) is escaped with :func:`maps.html.escape`: HTML, and also
backticks, ``$`` and backslashes, because folium places popups and tooltips in
JavaScript template literals.

Markers carry hooks for tests and browser checks: each stay label contains the
token ``tc-stay-n<k>`` (``k`` its number in time order) and each store label
``tc-store-n<seq>``; paths carry the classes ``tc-track``, ``tc-gap``, ``tc-stay``,
``tc-store-radius`` and ``tc-link``; the track-integrity flags' windows (a dashed red
line over the flagged fixes, with the reason as tooltip and popup) ``tc-integrity-flag``
and their rings ``tc-integrity-flag-mark``, in their own layer (:mod:`maps.integrity`).

The **timeline** (:mod:`maps.timeline`) is one more layer: a clock control plays the
day back minute by minute, a marker (``tc-timeline-now``) moving along the track and
each stay's ring (``tc-timeline-stay``) appearing at its arrival, over the static map.

``offline=True`` inlines every script and stylesheet (:mod:`maps.offline`), so the page
opens without a network.  Folium's icon assets that these pages never use (Leaflet
awesome-markers, the Font Awesome and Glyphicons icon fonts) are left out of every
page, online or offline: see :data:`maps.basemap.UNUSED_FOLIUM_ASSETS`.
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

from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

import folium
import numpy as np
from branca.element import Figure

from maps.basemap import (
    AMAP_ATTRIBUTION,
    AMAP_TILES_URL,
    UNUSED_FOLIUM_ASSETS,
    ControlWords,
    ReportMap,
    Tiles,
    add_tiles,
    check_tiles,
)
from maps.day_footprints import add_footprints
from maps.day_layers import (
    SIMPLIFY_TOLERANCE_M,
    STAY_MARKER_TOKEN,
    STORE_MARKER_TOKEN,
    TRACK_COLOURS,
    TRACK_GAP_S,
    add_stays,
    add_stores,
    add_track,
)
from maps.day_panel import DAY_CSS, legend_html, panel_html
from maps.geo import shift_for
from maps.i18n import Lang, labels
from maps.integrity import add_integrity
from maps.offline import inline_assets
from maps.phone import PHONE_CSS, PhoneLayout
from maps.timeline import Timeline, build_timeline
from trajectory.result import DayResult

#: The timeline control's words (:class:`maps.timeline.Timeline`), labels ``timeline_<lower>``.
_TIMELINE_WORDS = ("Backward", "Play", "Forward", "speed", "speed_title", "no_time")


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
        Language of the page, ``"en"`` or ``"zh"``: the checks' reasons too, written
        from their ``reason_code`` (:mod:`maps.reasons`; English for results without).
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
    >>> from trajectory.testing.scenarios import generate_day
    >>> from trajectory.testing.evaluation import verify_generated
    >>> page = render_day(verify_generated(generate_day("compliant", 1)), lang="zh")
    >>> "准时到达" in page
    True
    """
    text = labels(lang)
    tiles = check_tiles(tiles, offline)
    data = result.to_dict()
    fmap = ReportMap(location=None, tiles=None, control_scale=True, zoom_start=13)
    add_tiles(fmap, tiles)
    bins, has_timeline, bounds = _draw_layers(fmap, result, data, tiles, text)
    root = cast(Figure, fmap.get_root())
    root.header.add_child(folium.Element(DAY_CSS + PHONE_CSS))
    root.html.add_child(folium.Element(panel_html(data, text)))
    root.html.add_child(folium.Element(legend_html(bins, text, has_timeline)))
    _fit(fmap, bounds, text)
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


def _draw_layers(
    fmap: folium.Map,
    result: DayResult,
    data: dict[str, Any],
    tiles: Tiles,
    text: Mapping[str, str],
) -> tuple[list[tuple[str, str, str]], bool, list[list[float]]]:
    """Draw track, stores, stays, links and timeline.

    Returns the track legend's (colour, from, to), whether a timeline was drawn, and
    the drawn places (to fit the view to).
    """
    bounds: list[list[float]] = []
    shift = shift_for(tiles)
    groups = {
        key: folium.FeatureGroup(name=text[f"layer_{key}"])
        for key in ("track", "links", "stores", "stays")
    }
    for group in groups.values():
        group.add_to(fmap)
    bins = add_track(groups["track"], result.track, data["timezone"], shift, text, bounds)
    add_footprints(fmap, data, shift, text, bounds)  # issue 17: halls and buildings
    store_at = add_stores(groups["stores"], data, shift, text, bounds)
    stays = add_stays(groups["stays"], groups["links"], data, store_at, shift, text, bounds)
    marks: list[dict[str, str]] = []
    if (data.get("integrity") or {}).get("flags"):  # issue 12: the flagged windows, on top
        flagged = folium.FeatureGroup(name=text["layer_integrity"])
        flagged.add_to(fmap)
        marks = add_integrity(flagged, result.track, data, shift, text)
    timeline = build_timeline(result.track, stays, data["timezone"], shift, flags=marks)
    if timeline is not None:
        title = text["timeline_clock"].format(zone=data["timezone"])
        words = {k: text[f"timeline_{k.lower()}"] for k in _TIMELINE_WORDS}
        Timeline(timeline, name=text["layer_timeline"], title=title, words=words).add_to(fmap)
    folium.LayerControl(position="topleft", collapsed=False).add_to(fmap)
    return bins, timeline is not None, bounds


def _fit(fmap: folium.Map, bounds: list[list[float]], text: Mapping[str, str]) -> None:
    """Fit the drawing between the layer control and legend (left column) and the
    panel (360 px, right), so that no marker starts hidden under them; on a phone
    below the controls of the one-column layout (:mod:`maps.phone`)."""
    box = None
    if bounds:
        arr = np.asarray(bounds)
        box = [arr.min(axis=0).tolist(), arr.max(axis=0).tolist()]
    desktop = ((250, 30), (400, 30))
    PhoneLayout(box, layers_title=text["layers_toggle"], desktop_padding=desktop).add_to(fmap)
    ControlWords({k: text[k] for k in ("zoom_in", "zoom_out", "layers_toggle")}).add_to(fmap)
