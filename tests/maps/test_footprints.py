"""Store and market footprints (issue 17, item 3) on the day map: a layer of their own,
each distinct polygon once with the stores it holds, shifted over Amap tiles, in en and
zh; a day without footprints draws none."""

from __future__ import annotations

import dataclasses
import json
import math
import re
from functools import cache

import numpy as np
import shapely

from maps.day import render_day
from maps.day_footprints import FOOTPRINT_COLOUR
from maps.html import escape
from maps.i18n import labels
from trajectory.crs import wgs84_to_gcj02
from trajectory.result import DayResult
from trajectory.testing.evaluation import verify_generated
from trajectory.testing.scenarios import generate_day

XSS = "<img src=x onerror=alert(1)>"


@cache
def _plain() -> DayResult:
    return verify_generated(generate_day("compliant", 1))


def _with_hall(name: str = "Jiangxi market") -> DayResult:
    """The generated day, its first two on-site stores inside one 200 m square hall."""
    r = _plain()
    onsite = [s for s in r.stores if s.method == "onsite"]
    first = onsite[0]
    hall = shapely.Point(first.lon, first.lat).buffer(0.001, cap_style="square").wkt
    stores = tuple(
        dataclasses.replace(s, footprint=hall, store_name=name) if s in onsite[:2] else s
        for s in r.stores
    )
    return dataclasses.replace(r, stores=stores)


def test_the_footprint_is_drawn_once_with_the_stores_it_holds() -> None:
    page = render_day(_with_hall())
    assert page.count("L.polygon(") == 1  # one hall, two stalls
    assert f'"color": "{FOOTPRINT_COLOUR}"' in page
    assert labels("en")["layer_footprints"] in page
    onsite = [s for s in _with_hall().stores if s.method == "onsite"]
    assert f"({onsite[0].store_id})" in page and f"({onsite[1].store_id})" in page


def test_chinese_label_and_escaped_names() -> None:
    page = render_day(_with_hall(XSS), lang="zh")
    assert json.dumps(labels("zh")["layer_footprints"]) in page  # the layer list
    assert labels("zh")["footprint"] in page  # the tooltip
    assert XSS not in page and escape(XSS) in page


def test_over_amap_tiles_the_footprint_is_shifted() -> None:
    store = next(s for s in _with_hall().stores if s.footprint)
    osm, amap = (_first_vertex(render_day(_with_hall(), tiles=t)) for t in ("osm", "amap"))
    assert math.isclose(osm[0], store.lat + 0.001, abs_tol=1e-6)
    assert math.isclose(osm[1], store.lon + 0.001, abs_tol=1e-6)
    glat, glon = wgs84_to_gcj02(np.array([osm[0]]), np.array([osm[1]]))
    assert math.isclose(amap[0], glat[0], abs_tol=2e-6)
    assert math.isclose(amap[1], glon[0], abs_tol=2e-6)


def test_a_day_without_footprints_draws_none() -> None:
    page = render_day(_plain())
    assert "L.polygon(" not in page
    assert labels("en")["layer_footprints"] not in page


def _first_vertex(page: str) -> tuple[float, float]:
    found = re.search(r"L\.polygon\(\s*\[\[\[([-\d.]+), ([-\d.]+)\]", page)
    assert found is not None
    return float(found.group(1)), float(found.group(2))
