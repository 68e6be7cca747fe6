"""What a stay's popup says of the time the GPS did not see (issue 13): the gap bridged
inside the stay, and the window the arrival and departure may lie in when a gap borders
them.  The stay's ring is dashed on the map when it bridges a gap (maps.day_layers)."""

from __future__ import annotations

__all__ = ["bridged_rows"]

from collections.abc import Mapping
from typing import Any

from maps.html import escape, hhmm


def bridged_rows(stay: Mapping[str, Any], text: Mapping[str, str]) -> list[tuple[str, str]]:
    """Popup rows (already escaped values): the bridged gap and the arrival/departure
    windows; none for a stay seen throughout (or a result stored before issue 13)."""
    rows = []
    bridged = stay.get("bridged_s")
    if bridged:
        rows.append((text["bridged_gap"], f"{float(bridged) / 60.0:.0f} {escape(text['minutes'])}"))
    earliest, latest = stay.get("arrival_earliest"), stay.get("departure_latest")
    if isinstance(earliest, str) and earliest != stay.get("arrival"):
        rows.append((text["arrival_window"], f"{hhmm(earliest)}–{hhmm(stay['arrival'])}"))
    if isinstance(latest, str) and latest != stay.get("departure"):
        rows.append((text["departure_window"], f"{hhmm(stay['departure'])}–{hhmm(latest)}"))
    return rows
