"""maps.folium_speed and maps.basemap.polyline: folium's output, unchanged, faster."""

from __future__ import annotations

import math

import branca.element
import folium
import jinja2
import pytest
from folium.utilities import validate_multi_locations

from maps.basemap import polyline
from maps.folium_speed import StaticText, template

TEXTS = [
    "",
    "\n",
    "\n\n",
    "var a = 1;",
    "var a = 1;\n",
    "var a = 1;\n\n",
    "  line one\r\n  line two\r\n",
    "a\rb\r",
    "mixed\r\nends\nand\r",
    "<div class='x'>{ not syntax } {x} }} %} #}</div>\n   ",
    "中文 ✓ \t tabs\n",
]


@pytest.mark.parametrize("text", TEXTS)
def test_static_text_renders_what_jinja_renders(text: str) -> None:
    built = template(text)
    assert isinstance(built, StaticText)
    assert built.render() == jinja2.Template(text).render()
    assert built.render(this=object(), kwargs={}) == jinja2.Template(text).render()


@pytest.mark.parametrize("text", ["{{ 1 + 1 }}", "{% if true %}x{% endif %}", "a {# c #} b"])
def test_text_with_syntax_is_compiled_by_jinja(text: str) -> None:
    built = template(text)
    assert isinstance(built, jinja2.Template)
    assert built.render() == jinja2.Template(text).render()


def test_static_text_has_the_compiled_templates_other_attributes() -> None:
    assert template("plain").module.__dict__.get("script") is None


def test_installed_in_branca_when_maps_draw() -> None:
    element = branca.element.Element("var x = 1;\n")
    assert isinstance(element._template, StaticText)
    assert element.render() == "var x = 1;"
    assert element.get_name() == branca.element.Element().get_name()[:8] + element._id


POINTS = [[31.2, 121.4], [31.25, 121.45], [31.3, 121.5]]


@pytest.mark.parametrize(
    "points",
    [
        POINTS,
        [tuple(p) for p in POINTS],
        [[31, 121], [32, 122]],
        [[True, 121], [31.5, False]],
        [[31.2, 121.4], [math.inf, 121.5]],
        [[31.2, 121.4]],
        [[[31.2, 121.4], [31.3, 121.5]], [[31.4, 121.6], [31.5, 121.7]]],
    ],
)
def test_polyline_locations_are_folium_s(points: list) -> None:  # type: ignore[type-arg]
    line = polyline(points, color="#123")
    expected = validate_multi_locations(points)
    assert line.locations == expected
    assert [[type(v) for v in p] for p in line.locations] == [
        [type(v) for v in p] for p in expected
    ]
    assert line.options == folium.PolyLine(points, color="#123").options


def test_polyline_refuses_what_folium_refuses() -> None:
    for bad in ([[31.2, math.nan], [31.3, 121.5]], [], [["31.5", "121.5"], ["31.6", "121.6"]]):
        with pytest.raises(ValueError):
            polyline(bad)


def test_osm_tiles_are_folium_s() -> None:
    from maps.basemap import add_tiles

    ours, theirs = folium.Map(tiles=None), folium.Map(tiles=None)
    add_tiles(ours, "osm")
    folium.TileLayer("OpenStreetMap", control=False).add_to(theirs)
    (mine,) = [c for c in ours._children.values() if isinstance(c, folium.TileLayer)]
    (ref,) = [c for c in theirs._children.values() if isinstance(c, folium.TileLayer)]
    assert (mine.tiles, mine.tile_name, mine.options, mine.control) == (
        ref.tiles,
        ref.tile_name,
        ref.options,
        ref.control,
    )
    assert mine.get_name().split("_")[0] == ref.get_name().split("_")[0]
