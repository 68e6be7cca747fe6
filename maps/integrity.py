"""Track integrity on the pages (issue 12): the banner of the day report's verdict panel,
the flagged windows drawn over its track (:func:`add_integrity`; their marks on the
timeline's slider come from :mod:`maps.timeline`), and the team index's column and filter.

Flags are advisory: the banner says which windows of the track to doubt and why; the
checks' verdicts above it are unchanged.  Results stored before issue 12 have no
``integrity`` key and show nothing (and read as clean in the team index).
"""

from __future__ import annotations

__all__ = [
    "FLAG_CLASS",
    "FLAG_COLOUR",
    "INTEGRITY_COLOUR",
    "INTEGRITY_FILTER_SCRIPT",
    "add_integrity",
    "integrity_banner_html",
    "integrity_cell",
    "integrity_filter_html",
    "integrity_kind",
    "integrity_status",
]

from collections.abc import Mapping, Sequence
from typing import Any

import folium
import numpy as np
import numpy.typing as npt
import pandas as pd

from maps.basemap import polyline
from maps.geo import Shift, latlon
from maps.html import escape, hhmm

INTEGRITY_COLOUR = "#8e44ad"
#: The flagged windows over the track: a dashed red line (and ring) of this colour.
FLAG_COLOUR = "#e31a1c"
#: Class of each flagged window's line; its ring has ``-mark`` appended.
FLAG_CLASS = "tc-integrity-flag"
#: At most this many fixes of one flagged window are drawn (evenly thinned).
FLAG_MAX_POINTS = 500


def integrity_status(data: Mapping[str, Any]) -> str:
    """``clean`` or ``suspicious`` (results stored before issue 12 read as clean)."""
    return str((data.get("integrity") or {}).get("status", "clean"))


def integrity_kind(kind: str, text: Mapping[str, str]) -> str:
    """A flag kind in the page's language (the kind itself when unknown)."""
    return text.get(f"integrity_{kind}", kind)


def integrity_banner_html(data: Mapping[str, Any], text: Mapping[str, str]) -> str:
    """The banner (nothing when the track is clean)."""
    flags = (data.get("integrity") or {}).get("flags") or []
    if not flags:
        return ""
    items = "".join(
        f'<li data-kind="{escape(str(f.get("kind", "")))}"><b>'
        f"{escape(integrity_kind(str(f.get('kind', '')), text))}</b> "
        f"{escape(hhmm(f.get('start')))}–{escape(hhmm(f.get('end')))}: "
        f"{escape(str(f.get('reason', '')))}</li>"
        for f in flags
    )
    return (
        f'<div class="tc-integrity" role="alert" style="border:2px solid {INTEGRITY_COLOUR};'
        f'background:#f5eefa;padding:4px 6px;margin:4px 0">'
        f"<b>⚠ {escape(text['integrity_banner'].format(n=len(flags)))}</b><ul>{items}</ul></div>"
    )


#: Hides the team index's rows whose ``data-integrity`` differs from the chosen value.
INTEGRITY_FILTER_SCRIPT = """<script>
document.querySelectorAll("select.tc-integrity-filter").forEach(function(sel){
  sel.addEventListener("change",function(){
    document.querySelectorAll("tr.tc-row").forEach(function(r){
      r.hidden=sel.value!==""&&r.getAttribute("data-integrity")!==sel.value;
    });
  });
});
</script>"""


def integrity_cell(data: Mapping[str, Any], text: Mapping[str, str]) -> str:
    """The team index's integrity cell: a badge, the flags' reasons as its tooltip;
    sorts suspicious after clean (``data-sort`` = number of flags)."""
    status = integrity_status(data)
    flags = (data.get("integrity") or {}).get("flags") or []
    tip = " ".join(
        f"{integrity_kind(str(f.get('kind', '')), text)} {hhmm(f.get('start'))}–"
        f"{hhmm(f.get('end'))}: {f.get('reason', '')}"
        for f in flags
    )
    colour = INTEGRITY_COLOUR if status == "suspicious" else "#1a9850"
    title = f' title="{escape(tip)}"' if tip else ""
    label = escape(text.get(f"integrity_{status}", status))
    shown = f"⚠ {label} ({len(flags)})" if flags else label
    return (
        f'<td data-integrity="{escape(status)}" data-sort="{len(flags)}"{title}>'
        f'<span class="tc-badge" style="background:{colour}">{shown}</span></td>'
    )


def integrity_filter_html(statuses: Sequence[str], text: Mapping[str, str]) -> str:
    """The drop-down that shows all rows, or only the clean or the suspicious ones,
    with the count of each."""
    options = "".join(
        f'<option value="{s}">{escape(text[f"integrity_{s}"])} '
        f"({sum(1 for x in statuses if x == s)})</option>"
        for s in ("suspicious", "clean")
    )
    n = sum(1 for x in statuses if x == "suspicious")
    return (
        f'<p><label>{escape(text["integrity"])}: <select class="tc-integrity-filter">'
        f'<option value="">{escape(text["integrity_all"])}</option>{options}</select></label> '
        f'<b data-count="integrity-suspicious">{n}</b> {escape(text["integrity_suspicious"])}</p>'
    )


def add_integrity(
    group: folium.FeatureGroup,
    track: pd.DataFrame | None,
    data: Mapping[str, Any],
    shift: Shift,
    text: Mapping[str, str],
) -> list[dict[str, str]]:
    """Draw each flagged window over the track: its fixes as a dashed red line and a
    dashed ring at its first fix (a frozen position is one point), the kind, times and
    reason as tooltip and popup; a flag without fixes on the drawn track is ringed at
    its stays.  Returns the timeline's marks (``start``, ``end``, ``label``)."""
    flags = (data.get("integrity") or {}).get("flags") or []
    t_ns = None if track is None else pd.DatetimeIndex(track["time"]).as_unit("ns").asi8
    stays = {s["id"]: s for s in data.get("stay_points", [])}
    marks = []
    for flag in flags:
        kind = str(flag.get("kind", ""))
        what = f"{integrity_kind(kind, text)} {hhmm(flag.get('start'))}–{hhmm(flag.get('end'))}"
        label = f"{what}: {flag.get('reason', '')}"
        marks.append({"start": str(flag["start"]), "end": str(flag["end"]), "label": label})
        points = _window_points(track, t_ns, flag, shift)
        if not points:
            ids = [i for i in flag.get("stay_ids", []) if i in stays]
            at = [[stays[i]["lat"], stays[i]["lon"]] for i in ids]
            points = latlon(shift, [p[0] for p in at], [p[1] for p in at]) if at else []
        if not points:
            continue
        tip, popup = escape(label), f"<b>{escape(what)}</b><br>{escape(flag.get('reason', ''))}"
        css = f"{FLAG_CLASS} tc-integrity-{escape(kind)}"
        _draw_flag(group, points, css, tip, popup)
    return marks


def _draw_flag(
    group: folium.FeatureGroup, points: list[list[float]], css: str, tip: str, popup: str
) -> None:
    """The window's dashed red line (two points or more) and the ring at its start."""
    style: dict[str, Any] = {"color": FLAG_COLOUR, "weight": 6, "opacity": 0.9}
    if len(points) >= 2:
        polyline(
            points,
            dash_array="10 8",
            className=css,
            tooltip=tip,
            popup=folium.Popup(popup, max_width=320),
            **style,
        ).add_to(group)
    folium.CircleMarker(
        points[0],
        radius=12,
        dash_array="4 4",
        fill=False,
        className=f"{FLAG_CLASS}-mark",
        tooltip=tip,
        popup=folium.Popup(popup, max_width=320),
        **{**style, "weight": 3},
    ).add_to(group)


def _window_points(
    track: pd.DataFrame | None,
    t_ns: npt.NDArray[np.int64] | None,
    flag: Mapping[str, Any],
    shift: Shift,
) -> list[list[float]]:
    """The drawn track's fixes inside the flag's [start, end] (at most
    :data:`FLAG_MAX_POINTS`, evenly thinned), shifted for the tiles."""
    if track is None or t_ns is None or not len(t_ns):
        return []
    try:
        a, b = (pd.Timestamp(str(flag[k])).as_unit("ns").value for k in ("start", "end"))
    except (KeyError, ValueError):
        return []
    lo, hi = int(np.searchsorted(t_ns, a, "left")), int(np.searchsorted(t_ns, b, "right"))
    if hi <= lo:
        return []
    idx = np.unique(np.linspace(lo, hi - 1, min(int(hi - lo), FLAG_MAX_POINTS)).astype(np.intp))
    lat = track["lat"].to_numpy(dtype=np.float64)[idx]
    return latlon(shift, lat, track["lon"].to_numpy(dtype=np.float64)[idx])
