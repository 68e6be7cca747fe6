"""The team index's stay columns (:mod:`maps.team`): the stays a manager-day counts, and
its off-list visits -- stays at a store or buyer the company knows that is not on the
day's task list (issue 17, ``stay_points[].nearest_known``)."""

from __future__ import annotations

__all__ = ["stay_count", "stays_cells", "stays_headers"]

from collections.abc import Mapping
from typing import Any

from maps.day_known import off_list_count
from maps.html import escape


def stays_headers(text: Mapping[str, str]) -> tuple[str, str]:
    """The two column headings: stays, off-list visits (not escaped)."""
    return text["stays"], text["off_list_visits"]


def stays_cells(result: Mapping[str, Any], text: Mapping[str, str]) -> str:
    """The two ``<td>`` of a result: stays counted, and off-list visits (``–`` for none;
    the cell's tooltip names the places)."""
    stays = stay_count(result)
    off = off_list_count(result)
    places = sorted(
        {
            str(s["nearest_known"].get("name") or s["nearest_known"]["id"])
            for s in result.get("stay_points", [])
            if s.get("nearest_known") and s.get("store_id") is None and s.get("exempt") is None
        }
    )
    title = f"{text['off_list_title']}: {', '.join(places)}" if places else text["off_list_title"]
    return (
        f'<td data-sort="{stays}">{stays}</td>'
        f'<td class="tc-off-list-n" data-sort="{off}" title="{escape(title)}">'
        f"{off if off else '–'}</td>"
    )


def stay_count(result: Mapping[str, Any]) -> int:
    """Stays counted by the visit-count check (exempt places excluded)."""
    counted = result["checks"].get("visit_count_match", {}).get("stay_points")
    if isinstance(counted, int):
        return counted
    return sum(1 for s in result.get("stay_points", []) if s.get("exempt") is None)
