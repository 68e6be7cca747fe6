"""Store and market footprints on the day map (issue 17, item 3): each distinct polygon of
``stores[].footprint`` (WKT, WGS-84) drawn once, outlined in the colour of the stores,
with the stores it holds in its tooltip (a market hall holds its stalls).

A result without footprints draws nothing and adds no layer.  Every user-supplied string
is escaped with :func:`maps.html.escape`.
"""

from __future__ import annotations

__all__ = ["FOOTPRINT_COLOUR", "add_footprints"]

from collections.abc import Mapping
from typing import Any

import folium
import numpy as np
import shapely

from maps.geo import Shift, latlon
from maps.html import escape

#: Outline of a footprint (the stores' teal, lighter fill).
FOOTPRINT_COLOUR = "#018571"


def add_footprints(
    fmap: folium.Map,
    data: Mapping[str, Any],
    shift: Shift,
    text: Mapping[str, str],
    bounds: list[list[float]],
) -> int:
    """Draw the on-site stores' footprints in a layer of their own; return how many
    distinct polygons were drawn (0: no layer added)."""
    held: dict[str, list[str]] = {}
    for store in data.get("stores", []):
        wkt = store.get("footprint")
        if wkt and store.get("method") == "onsite":
            name = f"{escape(store['store_name'])} ({escape(store['store_id'])})"
            held.setdefault(str(wkt), []).append(name)
    if not held:
        return 0
    group = folium.FeatureGroup(name=text["layer_footprints"])
    for wkt, names in held.items():
        rings = _rings(shapely.from_wkt(wkt), shift)
        tip = f"{escape(text['footprint'])}<br>" + "<br>".join(names)
        folium.Polygon(
            rings,
            color=FOOTPRINT_COLOUR,
            weight=2,
            fill=True,
            fill_opacity=0.12,
            tooltip=tip,
        ).add_to(group)
        bounds.extend(rings[0])
    group.add_to(fmap)
    return len(held)


def _rings(geom: shapely.Geometry, shift: Shift) -> list[list[list[float]]]:
    """Every ring (exteriors and holes) of a polygon or multipolygon, as drawn."""
    out = []
    for ring in shapely.get_rings(shapely.get_parts(geom)):
        xy = np.asarray(shapely.get_coordinates(ring))
        out.append(latlon(shift, xy[:, 1], xy[:, 0]))
    return out
