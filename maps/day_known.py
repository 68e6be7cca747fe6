"""Stays at a place the company knows but not on the day's task list (issue 17), on the
day map: their kind, colour, popup line and label tag, read from
``stay_points[].nearest_known`` of the result dict.

"not on today's list: buyer Laochen Seafood (B123), 12 m".  Every user-supplied
string is escaped with :func:`maps.html.escape`.
"""

from __future__ import annotations

__all__ = ["OFF_LIST_COLOUR", "off_list_count", "off_list_kind", "off_list_line", "stay_tag"]

from collections.abc import Mapping
from typing import Any

from maps.html import escape

#: Colour of an off-list stay (orange: neither a task store's teal nor "unexplained" magenta).
OFF_LIST_COLOUR = "#e66101"


def off_list_line(known: Mapping[str, Any], text: Mapping[str, str]) -> str:
    """The escaped line "not on today's list: <kind> <name> (<id>), N m" (the id alone
    when the place has no name)."""
    kind = str(known.get("kind") or "")
    name = str(known.get("name") or "")
    place = f"{name} ({known['id']})" if name else str(known["id"])
    distance = known.get("distance_m")
    metres = "" if distance is None else f", {float(distance):.0f} m"
    word = text.get(f"known_{kind}", kind)
    return f"{escape(text['off_list'])}: {escape(word)} {escape(place)}{metres}"


def off_list_kind(stay: Mapping[str, Any], text: Mapping[str, str]) -> tuple[str, str] | None:
    """``("off_list", escaped line)`` for a stay named after a known place, else None."""
    known = stay.get("nearest_known")
    if not known or stay.get("store_id") is not None or stay.get("exempt") is not None:
        return None
    return "off_list", off_list_line(known, text)


def stay_tag(stay: Mapping[str, Any], kind: str) -> str:
    """The small tag beside a stay's number: the exempt place's name, or the known
    place's id of an off-list stay (a marker unlike any other); empty otherwise."""
    if kind == "exempt":
        return f'<span class="tc-tag">{escape(stay["exempt"])}</span>'
    if kind == "off_list":
        known = stay["nearest_known"]
        return f'<span class="tc-tag tc-off-list">? {escape(known["id"])}</span>'
    return ""


def off_list_count(result: Mapping[str, Any]) -> int:
    """Stays of a result dict at a known place not on the day's task list."""
    return sum(
        1
        for s in result.get("stay_points", [])
        if s.get("nearest_known") and s.get("store_id") is None and s.get("exempt") is None
    )
