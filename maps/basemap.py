"""The folium map every map page starts from: its tiles and the assets it loads.

:class:`ReportMap` is ``folium.Map`` without folium's icon assets that no page uses
(:data:`UNUSED_FOLIUM_ASSETS`).  :func:`check_tiles` picks the background
(OpenStreetMap, Amap, or none; none by default offline, since tiles always come
from the network) and :func:`add_tiles` draws it.  Importing it installs
:mod:`maps.folium_speed` (the same pages, rendered faster).
"""

from __future__ import annotations

__all__ = [
    "AMAP_ATTRIBUTION",
    "AMAP_TILES_URL",
    "UNUSED_FOLIUM_ASSETS",
    "ControlWords",
    "ReportMap",
    "Tiles",
    "add_tiles",
    "check_tiles",
    "polyline",
]

import functools
from typing import Any, Literal

import folium
import numpy as np
import xyzservices
from branca.element import MacroElement
from folium.template import Template

from maps import folium_speed

folium_speed.install()  # folium renders the same pages without recompiling each text

Tiles = Literal["osm", "amap", "none"]

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


class ReportMap(folium.Map):
    """``folium.Map`` without the assets in :data:`UNUSED_FOLIUM_ASSETS`.

    Leaflet, jQuery (folium's popups use it) and Bootstrap stay.  A report that starts
    using ``folium.Icon`` must take its assets out of :data:`UNUSED_FOLIUM_ASSETS`
    (and vendor them for the offline build).
    """

    # folium reads these per class: ClassVar would clash with its annotation
    default_js = [(k, u) for k, u in folium.Map.default_js if k not in UNUSED_FOLIUM_ASSETS]  # noqa: RUF012
    default_css = [(k, u) for k, u in folium.Map.default_css if k not in UNUSED_FOLIUM_ASSETS]  # noqa: RUF012


def check_tiles(tiles: Tiles | None, offline: bool) -> Tiles:
    """The tiles to draw: ``tiles`` checked, or the default (none when offline).

    Raises
    ------
    ValueError
        For tiles other than ``"osm"``, ``"amap"`` and ``"none"``.
    """
    if tiles is None:
        return "none" if offline else "osm"
    if tiles not in ("osm", "amap", "none"):
        raise ValueError(f"tiles must be one of osm, amap, none, got {tiles!r}")
    return tiles


def add_tiles(fmap: folium.Map, tiles: Tiles) -> None:
    """Draw the background ``tiles`` (nothing for ``"none"``)."""
    if tiles == "osm":
        # what folium.TileLayer("OpenStreetMap") does, without searching xyzservices'
        # ~1,000 providers for every page
        osm = folium.TileLayer(_osm_mapnik(), name="openstreetmap", control=False)
        osm.add_to(fmap)
    elif tiles == "amap":
        folium.TileLayer(
            tiles=AMAP_TILES_URL,
            attr=AMAP_ATTRIBUTION,
            subdomains="1234",
            max_zoom=18,
            control=False,
        ).add_to(fmap)


@functools.cache
def _osm_mapnik() -> Any:
    """xyzservices' "OpenStreetMap Mapnik" (folium's ``"OpenStreetMap"``), looked up once."""
    return xyzservices.providers.query_name("OpenStreetMap Mapnik")


def polyline(locations: list[list[float]], **kwargs: Any) -> folium.PolyLine:
    """``folium.PolyLine`` (untyped in folium) with its path options.

    folium checks and converts every point in Python; a line of finite ``[lat, lon]``
    pairs is checked at once (numpy) to the same list of float pairs instead.
    """
    try:
        given = np.asarray(locations)
    except (TypeError, ValueError):  # ragged
        given = np.empty((0, 0))
    pairs = given.astype(np.float64) if given.dtype.kind in "biuf" else np.empty((0, 0))
    if pairs.ndim != 2 or pairs.shape[1] != 2 or len(pairs) < 2 or not np.isfinite(pairs).all():
        return folium.PolyLine(locations, **kwargs)  # type: ignore[no-untyped-call]
    line = folium.PolyLine(pairs[:1].tolist(), **kwargs)  # type: ignore[no-untyped-call]
    line.locations = pairs.tolist()  # what folium's validate_multi_locations returns
    return line


class ControlWords(MacroElement):
    """Leaflet's own tooltips in the page's language: the zoom buttons and the layers
    button (``words``: ``zoom_in``, ``zoom_out``, ``layers_toggle``), and the attribution
    without its English tooltip.  Added after the map's layer control."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map, words) {
            var box = map.getContainer();
            var set = function (sel, title) {
                box.querySelectorAll(sel).forEach(function (e) {
                    e.title = title; e.setAttribute("aria-label", title);
                });
            };
            set(".leaflet-control-zoom-in", words.zoom_in);
            set(".leaflet-control-zoom-out", words.zoom_out);
            set(".leaflet-control-layers-toggle", words.layers_toggle);
            if (map.attributionControl) {
                map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
            }
        })({{ this._parent.get_name() }}, {{ this.words|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, words: dict[str, str]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "ControlWords"
        self.words = words
