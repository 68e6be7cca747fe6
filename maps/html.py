"""HTML helpers every page shares: one escaper, one page shell, one sortable table.

:func:`escape` makes any value safe inside an element, a quoted attribute and a
JavaScript template literal.  :func:`render_page` wraps a page's body in the one
document skeleton (doctype, charset, viewport, title, the shared stylesheet); with
``sortable=True`` it adds :data:`SORTABLE_CSS` and :data:`SORT_SCRIPT`, which sort
every ``<table data-sortable>`` by the clicked column header on each cell's
``data-sort`` (numbers numerically).  The folium map pages (:mod:`maps.day`, the
team overview) have folium's own skeleton and use only the escaper and the badges.
"""

from __future__ import annotations

__all__ = [
    "PAGE_CSS",
    "SORTABLE_CSS",
    "SORT_SCRIPT",
    "STATUS_COLOURS",
    "escape",
    "hhmm",
    "render_page",
    "rows_table",
    "status_badge",
]

import html
import math
from collections.abc import Mapping, Sequence
from typing import Any

#: Colour of each check status (badges, panel borders).
STATUS_COLOURS: dict[str, str] = {"pass": "#1a9850", "fail": "#d73027", "inconclusive": "#f39c12"}

#: Every page made by :func:`render_page`: the font, margins and collapsed tables.
PAGE_CSS = """body{font:14px/1.4 system-ui,sans-serif;margin:16px;color:#222}
table{border-collapse:collapse}"""

#: Pages of sortable tables: heading, cells, clickable headers with the sort arrow.
SORTABLE_CSS = """h1{font-size:20px;margin:0 0 8px}
th,td{padding:3px 8px;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
table[data-sortable] th{cursor:pointer;background:#f4f4f4;user-select:none}
table[data-sortable] th[data-dir="asc"]::after{content:" \\25B2"}
table[data-sortable] th[data-dir="desc"]::after{content:" \\25BC"}"""

#: Sorts each ``table[data-sortable]`` by the clicked header's column, on each cell's
#: ``data-sort``: numerically when both values are plain numbers, else as text.
SORT_SCRIPT = """<script>
document.querySelectorAll("table[data-sortable]").forEach(function(table){
  var body=table.tBodies[0];
  var heads=table.tHead.rows[0].cells;
  Array.prototype.forEach.call(heads,function(th,col){
    th.addEventListener("click",function(){
      var asc=th.getAttribute("data-dir")!=="asc";
      Array.prototype.forEach.call(heads,function(h){h.removeAttribute("data-dir");});
      th.setAttribute("data-dir",asc?"asc":"desc");
      var rows=Array.prototype.slice.call(body.rows);
      rows.sort(function(a,b){
        var x=a.cells[col].getAttribute("data-sort")||"";
        var y=b.cells[col].getAttribute("data-sort")||"";
        var nx=parseFloat(x),ny=parseFloat(y),c;
        if(!isNaN(nx)&&!isNaN(ny)&&String(nx)===x&&String(ny)===y){c=nx-ny;}
        else{c=x<y?-1:(x>y?1:0);}
        return asc?c:-c;
      });
      rows.forEach(function(r){body.appendChild(r);});
    });
  });
});
</script>"""


def escape(value: Any) -> str:
    """Text safe inside an HTML element, a quoted attribute and a JS template literal.

    ``None``, NaN and pandas' NA are the empty string.  Besides ``& < > " '`` the
    characters that matter inside a JavaScript template literal (folium puts popups
    in them) are escaped: backtick, ``$`` and backslash.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if type(value).__name__ == "NAType":
        return ""
    return (
        html.escape(str(value), quote=True)
        .replace("`", "&#96;")
        .replace("$", "&#36;")
        .replace("\\", "&#92;")
    )


def render_page(
    title: str,
    body: str,
    *,
    lang: str,
    css: str = "",
    sortable: bool = False,
    script: str = "",
) -> str:
    """One self-contained HTML document (no external asset).

    Parameters
    ----------
    title
        The document title (escaped here).
    body
        The page's markup, already escaped.
    lang
        The page's language, ``<html lang>``.
    css
        The page's own rules, after :data:`PAGE_CSS` (and :data:`SORTABLE_CSS`).
    sortable
        Add :data:`SORTABLE_CSS` and :data:`SORT_SCRIPT` for its ``table[data-sortable]``.
    script
        The page's own ``<script>`` element(s), after the sort script.
    """
    rules = "\n".join(r for r in (PAGE_CSS, SORTABLE_CSS if sortable else "", css) if r)
    scripts = (SORT_SCRIPT + "\n" if sortable else "") + (script + "\n" if script else "")
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>\n{rules}\n</style></head><body>\n"
        f"{body}\n{scripts}</body></html>\n"
    )


def hhmm(iso: str | None) -> str:
    """``HH:MM`` of an ISO time already in the day's zone, or a dash."""
    return iso[11:16] if iso else "–"


def status_badge(status: str, text: Mapping[str, str], reason: str | None = None) -> str:
    """A coloured badge with the status's label (and ``reason`` as its tooltip)."""
    colour = STATUS_COLOURS.get(status, "#999")
    title = f' title="{escape(reason)}"' if reason else ""
    label = escape(text.get(status, status))
    return f'<span class="tc-badge" style="background:{colour}"{title}>{label}</span>'


def rows_table(rows: Sequence[tuple[str, str]]) -> str:
    """A two-column table of (label, already escaped value) rows."""
    body = "".join(f"<tr><th>{escape(k)}</th><td>{v}</td></tr>" for k, v in rows)
    return f"<table>{body}</table>"
