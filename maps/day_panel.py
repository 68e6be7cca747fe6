"""The fixed HTML of the day map (:mod:`maps.day`): its stylesheet, summary panel and legend.

The panel gives the three verdicts with their reasons, the facts behind them, the
GPS cleaning and the task list; the legend explains every colour and symbol drawn
by :mod:`maps.day_layers`.  Every user-supplied string is escaped.
"""

from __future__ import annotations

__all__ = ["DAY_CSS", "legend_html", "panel_html", "warning_lines"]

from collections.abc import Mapping
from typing import Any

from maps.day_layers import STAY_COLOURS, STORE_COLOURS, store_state
from maps.html import STATUS_COLOURS, escape, hhmm, rows_table, status_badge
from maps.integrity import integrity_banner_html
from maps.reasons import check_reason
from maps.timeline import TRAIL_COLOUR
from trajectory.result import CHECK_NAMES

#: The day map's own stylesheet (panel, legend, labels, the timeline's marker).
DAY_CSS = """<style>
.tc-panel{position:fixed;top:10px;right:10px;z-index:1000;width:360px;max-height:calc(100% - 40px);
overflow:auto;background:#fff;padding:8px 12px;border-radius:6px;
box-shadow:0 1px 5px rgba(0,0,0,.4);font:13px/1.35 system-ui,sans-serif}
.tc-panel h3{margin:2px 0 6px;font-size:16px}.tc-panel h4{margin:10px 0 4px;font-size:13px}
.tc-panel table{border-collapse:collapse;width:100%}.tc-panel td,.tc-panel th{padding:1px 4px;
text-align:left;vertical-align:top;border-bottom:1px solid #eee}
.tc-check{margin:4px 0;padding:4px 6px;border-left:4px solid #999}.tc-check p{margin:2px 0 0}
.tc-badge{display:inline-block;padding:0 6px;border-radius:8px;color:#fff;font-weight:600}
.tc-legend{position:fixed;bottom:56px;left:10px;z-index:1000;background:#fff;padding:6px 10px;
border-radius:6px;box-shadow:0 1px 5px rgba(0,0,0,.4);font:12px/1.5 system-ui,sans-serif}
.tc-sw{display:inline-block;width:22px;height:4px;margin-right:6px;vertical-align:middle}
.tc-dot{display:inline-block;width:11px;height:11px;border-radius:50%;margin-right:6px}
.tc-sq{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:6px}
.tc-label{display:inline-block;transform:translate(-50%,-50%);min-width:18px;height:18px;
border-radius:9px;color:#fff;font:bold 11px/18px system-ui,sans-serif;text-align:center;
white-space:nowrap;box-shadow:0 0 0 1.5px #fff}
.tc-label.tc-store{border-radius:3px}.tc-label.tc-warn{box-shadow:0 0 0 2px #fff,0 0 0 4px #000}
.tc-tag{margin-left:4px;padding:0 4px;background:#fff;color:#333;border-radius:3px;
font-weight:normal}
path.tc-store-radius{pointer-events:none!important}
.folium-map.leaflet-container{background:#f2efe9}
.tc-now{width:16px;height:16px;margin:-8px 0 0 -8px;border-radius:50%;background:#e6550d;
border:3px solid #fff;box-shadow:0 0 0 1.5px #e6550d,0 1px 4px rgba(0,0,0,.5)}
.leaflet-bar-timecontrol .timecontrol-speed:before{content:none}
.leaflet-bar-timecontrol .timecontrol-speed .speed{width:auto!important;padding:0 4px 0 8px}
</style>"""


def panel_html(data: Mapping[str, Any], text: Mapping[str, str]) -> str:
    """The fixed summary panel: verdicts, facts, cleaning, task list."""
    checks = data["checks"]
    parts = [
        f'<div class="tc-panel"><div class="tc-verdicts"><h3>{escape(text["title"])}</h3>',
        f"<div>{escape(text['manager'])}: <b>{escape(data['manager_id'])}</b> · "
        f"{escape(text['date'])}: <b>{escape(data['date'])}</b> · {escape(text['overall'])}: "
        f"{status_badge(data['status'], text)}</div>",
        integrity_banner_html(data, text),
    ]
    for name in CHECK_NAMES:
        check = checks.get(name)
        if check is None:
            continue
        status = str(check["status"])
        parts.append(
            f'<div class="tc-check" data-check="{escape(name)}" data-status="{escape(status)}" '
            f'style="border-color:{STATUS_COLOURS.get(status, "#999")}">'
            f"<b>{escape(text[name])}</b> {status_badge(status, text)}"
            f"<p>{escape(check_reason(name, check, text))}</p></div>"
        )
    parts.append(_warnings_html(data, text))
    # on a phone the map comes between the verdicts and the details (maps.phone)
    parts.append('</div><div class="tc-details">')
    parts.append(rows_table(_fact_rows(data, text)))
    parts.append(f"<h4>{escape(text['cleaning'])}</h4>{rows_table(_cleaning_rows(data, text))}")
    parts.append(_tasks_html(data, text))
    parts.append("</div></div>")
    return "".join(parts)


def warning_lines(data: Mapping[str, Any], text: Mapping[str, str]) -> list[str]:
    """The result's warnings in the page's language (its English message when a code
    or a value is unknown); none for results stored before warnings existed."""
    out = []
    for w in data.get("warnings") or []:
        try:
            out.append(text[f"warning_{w['code']}"].format(**w.get("values", {})))
        except (KeyError, ValueError, IndexError):
            out.append(str(w.get("message", w.get("code", ""))))
    return out


def _warnings_html(data: Mapping[str, Any], text: Mapping[str, str]) -> str:
    """The verdict panel's warning box (nothing when there is no warning)."""
    lines = warning_lines(data, text)
    if not lines:
        return ""
    items = "".join(f"<li>{escape(line)}</li>" for line in lines)
    return (
        f'<div class="tc-warnings" style="border-left:4px solid #e6550d;padding:2px 6px">'
        f"<b>⚠ {escape(text['warnings'])} ({len(lines)})</b><ul>{items}</ul></div>"
    )


def _fact_rows(data: Mapping[str, Any], text: Mapping[str, str]) -> list[tuple[str, str]]:
    """Deadline, first arrival, and stays against reported visits."""
    checks = data["checks"]
    arrival = checks.get("on_time_arrival", {})
    counts = checks.get("visit_count_match", {})
    unexplained = sum(
        1 for s in data["stay_points"] if s["store_id"] is None and s["exempt"] is None
    )
    first = (
        f" ({escape(text['first_store'])} {escape(arrival['first_store_id'])})"
        if arrival.get("first_store_id")
        else ""
    )
    return [
        (text["deadline"], hhmm(arrival.get("deadline"))),
        (text["first_arrival"], hhmm(arrival.get("arrival")) + first),
        (
            text["stays_vs_visits"],
            f"{counts.get('stay_points', '–')} {escape(text['stays_counted'])} / "
            f"{counts.get('onsite_visits', '–')} {escape(text['visits_reported'])}<br>"
            f"{len(data['stay_points'])} {escape(text['stays_on_map'])}, "
            f"{unexplained} {escape(text['unexplained_stays'])}",
        ),
    ]


def _cleaning_rows(data: Mapping[str, Any], text: Mapping[str, str]) -> list[tuple[str, str]]:
    cleaning = data["cleaning"]
    dropped = {k: int(v) for k, v in cleaning.get("dropped", {}).items() if v}
    why = ", ".join(f"{escape(text.get(k, k))} {n}" for k, n in dropped.items())
    return [
        (text["input_points"], str(cleaning.get("input_points", "–"))),
        (text["kept_points"], str(cleaning.get("kept_points", "–"))),
        (text["dropped"], f"{sum(dropped.values())}: {why}" if dropped else text["none_dropped"]),
        (text["outside_day"], str(cleaning.get("outside_day", 0))),
        (text["rejected_rows"], str(cleaning.get("rejected_rows", 0))),
    ]


def _tasks_html(data: Mapping[str, Any], text: Mapping[str, str]) -> str:
    head = "".join(
        f"<th>{escape(text[k])}</th>" for k in ("seq", "store", "method", "status", "reported")
    )
    rows = []
    for store in sorted(data["stores"], key=lambda s: s["seq"]):
        status, warn = store_state(store)
        state = text["reported_not_on_track"] if warn else text.get(status, status)
        colour = STORE_COLOURS.get(status, "#8c8c8c")
        method = str(store["method"])
        rows.append(
            f'<tr data-method="{escape(method)}"><td>{int(store["seq"])}</td>'
            f"<td>{escape(store['store_name'])}<br><small>{escape(store['store_id'])}</small></td>"
            f"<td>{escape(text.get(method, method))}</td>"
            f'<td><span class="tc-sq" style="background:{colour}"></span>{escape(state)}</td>'
            f"<td>{escape(text['yes'] if store['reported_visited'] else text['no'])}</td></tr>"
        )
    return (
        f"<h4>{escape(text['tasks'])} ({len(rows)})</h4><table><tr>{head}</tr>{''.join(rows)}"
        f"</table><small>{escape(text['remote_note'])}</small>"
    )


def _legend_row(swatch: str, colour: str, label: str, extra: str = "") -> str:
    return f'<div><span class="{swatch}" style="background:{colour};{extra}"></span>{label}</div>'


def legend_html(bins: list[tuple[str, str, str]], text: Mapping[str, str], timeline: bool) -> str:
    """The legend: track colours by time of day, stays, stores, links, the timeline."""
    row = _legend_row
    parts = [f'<div class="tc-legend"><b>{escape(text["legend"])}</b>']
    if bins:
        parts.append(f"<div>{escape(text['time_of_day'])}</div>")
        parts += [row("tc-sw", c, f"{a}–{b}") for c, a, b in bins]
        parts.append(row("tc-sw", "#666", escape(text["gps_gap"]), "height:2px"))
    for kind, colour in STAY_COLOURS.items():
        parts.append(row("tc-dot", colour, escape(text[f"stay_{kind}"])))
    parts.append(f"<div><small>{escape(text['stay_size'])}</small></div>")
    parts.append(f"<div><small>{escape(text['stay_bridged'])}</small></div>")
    for status in ("visited", "not_visited", "ambiguous", "unseen"):
        parts.append(row("tc-sq", STORE_COLOURS[status], escape(text[status])))
    warn = escape(text["reported_not_on_track"]) + " (!)"
    parts.append(row("tc-sq", STORE_COLOURS["not_visited"], warn, "outline:2px dashed #000"))
    parts.append(row("tc-sw", "#222", escape(text["link"]), "height:2px"))
    if timeline:
        parts.append(f"<div>{escape(text['layer_timeline'])}</div>")
        ring = f"border:2px solid {TRAIL_COLOUR}"
        now = escape(text["timeline_now"])
        parts.append(row("tc-dot", TRAIL_COLOUR, now, "border:2px solid #fff"))
        parts.append(row("tc-sw", TRAIL_COLOUR, escape(text["timeline_trail"]), "height:3px"))
        parts.append(row("tc-dot", "transparent", escape(text["timeline_stay"]), ring))
    parts.append("</div>")
    return "".join(parts)
