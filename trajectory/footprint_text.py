"""Reading a footprint: a store's or a market's polygon as WKT or GeoJSON text (issue 17).

Kept apart from :mod:`trajectory.footprints` (coordinate systems, distances) so that
the configuration can check its ``market_footprints`` without importing the rest.
"""

from __future__ import annotations

__all__ = ["parse_footprint"]

import json

import shapely

_AREAL = ("Polygon", "MultiPolygon")


def parse_footprint(text: str) -> shapely.Geometry:
    """A polygon from WKT (``POLYGON((lon lat, ...))``) or GeoJSON text (a geometry, or
    a Feature holding one), x = longitude, y = latitude.

    Raises
    ------
    ValueError
        Naming what is wrong: unreadable text, not a polygon, empty, invalid (a
        self-intersecting ring), or coordinates out of range.
    """
    body = text.strip()
    try:
        if body.startswith("{"):
            doc = json.loads(body)
            if isinstance(doc, dict) and doc.get("type") == "Feature":
                body = json.dumps(doc.get("geometry"))
            geom = shapely.from_geojson(body)
        else:
            geom = shapely.from_wkt(body)
    except (ValueError, shapely.errors.ShapelyError) as exc:
        kind = "GeoJSON" if body.startswith("{") else "WKT"
        raise ValueError(f"not a readable {kind} polygon ({_first_line(exc)})") from exc
    if geom is None or geom.geom_type not in _AREAL:
        got = "nothing" if geom is None else geom.geom_type
        raise ValueError(f"expected a Polygon or MultiPolygon, got {got}")
    if geom.is_empty:
        raise ValueError("the polygon is empty")
    if not geom.is_valid:
        raise ValueError(f"invalid polygon ({shapely.is_valid_reason(geom)})")
    xmin, ymin, xmax, ymax = geom.bounds
    if xmin < -180 or xmax > 180 or ymin < -90 or ymax > 90:
        raise ValueError("coordinates out of range (x is longitude, y latitude)")
    return geom


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
