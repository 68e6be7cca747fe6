"""Sortable, filterable HTML tables of the rule outputs, in English or Chinese.

One self-contained page per report (no external asset): a search box, one
drop-down per enumerated column (status, grade, rights, match, ...), and
column headers that sort on click (numbers numerically, via each cell's
``data-sort``).  Every value comes from :func:`assessment.export.to_records`
and every string is HTML-escaped, attributes included.

Hooks for tests and browsers: rows are ``<tr class="as-row">`` with
``data-key`` (buyer id, or manager/team), cells carry ``data-col``.
"""

from __future__ import annotations

__all__ = ["render_buyers", "render_orders", "render_table"]

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from assessment.export import to_records
from maps.html import escape, render_page
from maps.i18n import label

#: Columns shown as drop-down filters (their values are translated).
ENUM_COLUMNS = frozenset(
    {
        "type",
        "status",
        "grade",
        "rights",
        "match",
        "team_id",
        "is_target",
        "period_open",
        "target_source",
    }
)
_NUMERIC_KINDS = "iufb"

#: The tables' own rules, after maps.html's shared ones (sortable headers, cells).
_CSS = """h2{font-size:16px;margin:20px 0 6px}
table{margin-bottom:8px}
td{white-space:nowrap}
th{position:sticky;top:0}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.as-filters{margin:6px 0}.as-filters label{margin-right:10px}
tr.as-hidden{display:none}"""

# Filter rows by the drop-downs and the search box (maps.html's script sorts them).
_JS = """<script>
document.querySelectorAll("table.as-table").forEach(function(table){
  var body=table.tBodies[0];
  var box=document.getElementById(table.id+"-filters");
  if(!box){return;}
  function apply(){
    var q=(box.querySelector("input").value||"").toLowerCase(),shown=0;
    var picks=Array.prototype.map.call(box.querySelectorAll("select"),function(s){
      return [s.getAttribute("data-col"),s.value];});
    Array.prototype.forEach.call(body.rows,function(r){
      var ok=!q||r.textContent.toLowerCase().indexOf(q)>=0;
      picks.forEach(function(p){
        if(p[1]!==""){var c=r.querySelector('td[data-col="'+p[0]+'"]');
          if(!c||c.getAttribute("data-sort")!==p[1]){ok=false;}}});
      r.classList.toggle("as-hidden",!ok);if(ok){shown++;}
    });
    box.querySelector(".as-shown").textContent=shown;
  }
  box.querySelectorAll("input,select").forEach(function(e){
    e.addEventListener("input",apply);e.addEventListener("change",apply);});
});
</script>"""


def render_buyers(table: pd.DataFrame, *, as_of: dt.date, timezone: str, lang: str = "en") -> str:
    """The buyer report (:func:`assessment.buyers.assess_buyers`) as one HTML page."""
    counts = {
        "targets": int(table["is_target"].sum()),
        "reassign_due": int((table["rights"] == "due").sum()),
    }
    facts = " · ".join(
        f'<span data-count="{k}">{v}</span> {escape(_label(lang, k))}' for k, v in counts.items()
    )
    body = [
        f"<h1>{escape(_label(lang, 'buyers_title'))}</h1>",
        f"<p>{escape(_label(lang, 'as_of'))} {escape(as_of.isoformat())} · {facts}</p>",
        render_table(table, "as-buyers", key="buyer_id", lang=lang, timezone=timezone),
    ]
    return _page(_label(lang, "buyers_title"), body, lang)


def render_orders(
    matches: pd.DataFrame,
    by_manager: pd.DataFrame,
    by_team: pd.DataFrame,
    *,
    timezone: str,
    lang: str = "en",
    as_of: dt.date | None = None,
) -> str:
    """Declaration matching: per team, per manager, then every declaration."""
    when = (
        ""
        if as_of is None
        else f"<p>{escape(_label(lang, 'as_of'))} {escape(as_of.isoformat())}</p>"
    )
    body = [
        f"<h1>{escape(_label(lang, 'orders_title'))}</h1>",
        when,
        f"<h2>{escape(_label(lang, 'by_team'))}</h2>",
        render_table(
            by_team, "as-teams", key="team_id", lang=lang, timezone=timezone, filters=False
        ),
        f"<h2>{escape(_label(lang, 'by_manager'))}</h2>",
        render_table(by_manager, "as-managers", key="manager_id", lang=lang, timezone=timezone),
        f"<h2>{escape(_label(lang, 'declarations_title'))}</h2>",
        render_table(matches, "as-declarations", key="buyer_id", lang=lang, timezone=timezone),
    ]
    return _page(_label(lang, "orders_title"), body, lang)


def render_table(
    frame: pd.DataFrame,
    table_id: str,
    *,
    key: str,
    lang: str,
    timezone: str,
    filters: bool = True,
) -> str:
    """One sortable table (and its filter bar); every cell escaped."""
    columns = [str(c) for c in frame.columns]
    numeric = {c: frame[c].dtype.kind in _NUMERIC_KINDS and c not in ENUM_COLUMNS for c in columns}
    records = to_records(frame, timezone)
    head = "".join(f'<th data-col="{escape(c)}">{escape(_label(lang, c))}</th>' for c in columns)
    rows = [_row(r, columns, key, numeric, lang) for r in records]
    parts = []
    if filters:
        parts.append(_filter_bar(records, columns, table_id, lang))
    parts.append(
        f'<table class="as-table" id="{escape(table_id)}" data-sortable>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
    return "\n".join(parts)


# ------------------------------------------------------------------ private


def _label(lang: str, key: str, column: str | None = None) -> str:
    """A label of the assessment area of :mod:`maps.i18n` (``key`` when it has none)."""
    return label(lang, key, column, area="assessment")


def _page(title: str, body: Sequence[str], lang: str) -> str:
    hint = f"<p><small>{escape(_label(lang, 'hint'))}</small></p>"
    return render_page(
        title, "\n".join([*body, hint]), lang=lang, css=_CSS, sortable=True, script=_JS
    )


def _text(value: Any, column: str, lang: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _label(lang, "true" if value else "false")
    if column in ENUM_COLUMNS or column == "type":
        return _label(lang, str(value), column)
    if isinstance(value, float):
        return (
            f"{value:,.2f}" if column.endswith("amount") or column == "turnover" else f"{value:g}"
        )
    return str(value)


def _sort_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return repr(round(value, 6)) if value != int(value) else str(int(value))
    return str(value)


def _row(
    record: Mapping[str, Any],
    columns: Sequence[str],
    key: str,
    numeric: Mapping[str, bool],
    lang: str,
) -> str:
    cells = []
    for c in columns:
        v = record.get(c)
        cls = ' class="num"' if numeric[c] else ""
        sort = escape(_sort_value(v))
        cells.append(
            f'<td data-col="{escape(c)}" data-sort="{sort}"{cls}>{escape(_text(v, c, lang))}</td>'
        )
    return f'<tr class="as-row" data-key="{escape(record.get(key) or "")}">{"".join(cells)}</tr>'


def _filter_bar(
    records: Sequence[Mapping[str, Any]], columns: Sequence[str], table_id: str, lang: str
) -> str:
    parts = [
        f'<div class="as-filters" id="{escape(table_id)}-filters">',
        f'<label>{escape(_label(lang, "search"))} <input type="search"></label>',
    ]
    for c in columns:
        if c not in ENUM_COLUMNS:
            continue
        values = sorted({_sort_value(r.get(c)) for r in records} - {""})
        options = "".join(
            f'<option value="{escape(v)}">{escape(_option_text(v, c, lang))}</option>'
            for v in values
        )
        parts.append(
            f'<label>{escape(_label(lang, c))} <select data-col="{escape(c)}">'
            f'<option value="">{escape(_label(lang, "all"))}</option>{options}</select></label>'
        )
    parts.append(
        f'<span class="as-count"><span class="as-shown">{len(records)}</span> / {len(records)} '
        f"{escape(_label(lang, 'rows'))}</span></div>"
    )
    return "".join(parts)


def _option_text(value: str, column: str, lang: str) -> str:
    if column in ("is_target", "period_open"):
        return _label(lang, "true" if value == "1" else "false")
    return _label(lang, value, column)
