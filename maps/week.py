"""The manager's week page: one row per day and the recurring places on one map.

:func:`render_week` turns the week document of :func:`trajectory.week.summarize_week`
into one folium HTML page: the heading, a table with one row per day (verdicts, stays
vs on-site visits, unexplained stays, the recurring places visited, integrity status
when the result has one, a link to the day's report), the recurring places as a table
and as numbered circles on one map.  Nothing is recomputed.  Every string from the
data is HTML-escaped with :func:`maps.html.escape`; the links are given by the caller
(percent-encoded, see :func:`day_report_href`).

Hooks for tests and browser checks: each day row is a ``<tr class="tc-week-day">`` with
``data-date`` and ``data-status`` (``none`` without a result); each place row a
``<tr class="tc-place" data-place>``; each place on the map a circle marker with the
class ``tc-place-marker``.
"""

from __future__ import annotations

__all__ = ["PLACE_CLASS", "day_report_href", "render_week"]

from collections.abc import Mapping, Sequence
from typing import Any, cast
from urllib.parse import quote

import folium
from branca.element import Figure

from maps.basemap import ReportMap, Tiles, add_tiles, check_tiles
from maps.geo import latlon, shift_for
from maps.html import escape, rows_table, status_badge
from maps.i18n import Lang, labels
from maps.integrity import INTEGRITY_COLOUR
from maps.offline import inline_assets
from trajectory.result import CHECK_NAMES

#: CSS class of every place's circle on the map.
PLACE_CLASS = "tc-place-marker"
#: The place circles' colour.
_PLACE_COLOUR = "#6a3d9a"
_CSS = """<style>
body{font:14px/1.4 system-ui,sans-serif;color:#222}
.tc-week{margin:12px 16px}.tc-week h1{font-size:20px;margin:0 0 4px}
.tc-week h2{font-size:16px;margin:16px 0 4px}
.tc-week table{border-collapse:collapse}
.tc-week th,.tc-week td{padding:3px 8px;border-bottom:1px solid #ddd;text-align:left}
.tc-week td:first-child{white-space:nowrap}
.tc-badge{display:inline-block;padding:0 6px;border-radius:8px;color:#fff;font-weight:600}
.folium-map{margin:0 16px 16px;width:calc(100% - 32px)!important}
</style>"""


def render_week(
    week: Mapping[str, Any],
    *,
    links: Mapping[str, str] | None = None,
    lang: Lang = "en",
    tiles: Tiles | None = None,
    offline: bool = False,
) -> str:
    """Render a manager's week (or month) as one HTML page.

    Parameters
    ----------
    week
        The week document (:func:`trajectory.week.summarize_week`); read only.
    links
        date (ISO) -> href of that day's report, already percent-encoded; days without
        one show no link.
    lang
        ``"en"`` or ``"zh"``.
    tiles, offline
        The map's background and the offline build, as :func:`maps.day.render_day`.

    Raises
    ------
    ValueError
        For an unknown ``lang`` or ``tiles``.
    """
    text = {**labels(lang), **labels(lang, "week")}
    tiles = check_tiles(tiles, offline)
    fmap = ReportMap(location=None, tiles=None, control_scale=True, zoom_start=13, height="440px")
    add_tiles(fmap, tiles)
    _add_places(fmap, week["places"], text, shift_for(tiles))
    root = cast(Figure, fmap.get_root())
    root.header.add_child(folium.Element(f"<title>{escape(_title(week, text))}</title>{_CSS}"))
    root.html.add_child(folium.Element(_body_html(week, links or {}, text)), index=0)
    root.html.add_child(folium.Element(_places_html(week, text)))
    page = str(root.render())
    return inline_assets(page) if offline else page


def day_report_href(prefix: str, manager_id: str, date: str, query: str = "") -> str:
    """``<prefix><manager_id>/days/<date>/report.html<query>``, the id percent-encoded."""
    return f"{prefix}{quote(manager_id, safe='')}/days/{quote(date, safe='')}/report.html{query}"


def _title(week: Mapping[str, Any], text: Mapping[str, str]) -> str:
    heading = text["week_heading"].format(
        manager=week["manager_id"], first=week["first"], last=week["last"]
    )
    return f"{text['week_title']}: {heading}"


def _body_html(week: Mapping[str, Any], links: Mapping[str, str], text: Mapping[str, str]) -> str:
    """The heading and the table of days."""
    heading = text["week_heading"].format(
        manager=week["manager_id"], first=week["first"], last=week["last"]
    )
    head = [
        text["date"],
        text["weekday"],
        text["overall"],
        *(text[name] for name in CHECK_NAMES),
        text["stays_vs_visits"],
        text["unexplained_stays"],
        text["at_places"],
        text["integrity"],
        text["day_report"],
    ]
    cells = "".join(f"<th>{escape(h)}</th>" for h in head)
    rows = "".join(_day_row(day, links.get(str(day["date"])), text) for day in week["days"])
    return (
        f'<div class="tc-week"><h1>{escape(text["week_title"])}</h1>'
        f'<p class="tc-week-heading">{escape(heading)}</p>'
        f'<table class="tc-week-days"><thead><tr>{cells}</tr></thead>'
        f"<tbody>{rows}</tbody></table></div>"
    )


def _day_row(day: Mapping[str, Any], href: str | None, text: Mapping[str, str]) -> str:
    date = escape(day["date"])
    weekday = escape(text[f"wd{int(day['weekday'])}"])
    status = day.get("status")
    link = (
        f'<a class="tc-day-link" href="{escape(href)}">{escape(text["open_report"])}</a>'
        if href
        else "–"
    )
    if status is None:
        blank = "<td>–</td>" * (len(CHECK_NAMES) + 4)
        return (
            f'<tr class="tc-week-day" data-date="{date}" data-status="none"><td>{date}</td>'
            f"<td>{weekday}</td><td><small>{escape(text['no_result'])}</small></td>"
            f"{blank}<td>{link}</td></tr>"
        )
    cells = [f"<td>{date}</td>", f"<td>{weekday}</td>"]
    cells.append(f"<td>{status_badge(str(status), text)}</td>")
    cells += [f"<td>{status_badge(day['checks'].get(n, ''), text)}</td>" for n in CHECK_NAMES]
    visits = _or_dash(day["onsite_visits"])
    cells.append(f"<td>{escape(day['stay_points'])} / {escape(visits)}</td>")
    cells.append(f"<td>{escape(day['unexplained'])}</td>")
    cells.append(f"<td>{escape(', '.join(f'#{p}' for p in day['places']) or '–')}</td>")
    cells.append(_integrity_td(day, text))
    cells.append(f"<td>{link}</td>")
    return (
        f'<tr class="tc-week-day" data-date="{date}" data-status="{escape(status)}">'
        f"{''.join(cells)}</tr>"
    )


def _integrity_td(day: Mapping[str, Any], text: Mapping[str, str]) -> str:
    """The integrity badge when the day's result has a status, else a dash."""
    if day.get("integrity") is None:
        return "<td>–</td>"
    status = str(day["integrity"])
    flags = int(day.get("integrity_flags") or 0)
    colour = INTEGRITY_COLOUR if status == "suspicious" else "#1a9850"
    label = escape(text.get(f"integrity_{status}", status))
    shown = f"⚠ {label} ({flags})" if flags else label
    return (
        f'<td data-integrity="{escape(status)}"><span class="tc-badge" '
        f'style="background:{colour}">{shown}</span></td>'
    )


def _places_html(week: Mapping[str, Any], text: Mapping[str, str]) -> str:
    """The places' heading, rule and table (the map follows)."""
    rule = text["places_rule"].format(radius=f"{week['radius_m']:g}", visits=week["min_visits"])
    places: Sequence[Mapping[str, Any]] = week["places"]
    if not places:
        table = f'<p class="tc-no-places">{escape(text["no_places"])}</p>'
    else:
        head = "".join(
            f"<th>{escape(text[k])}</th>"
            for k in (
                "place",
                "centre",
                "visits_n",
                "days_n",
                "total_time",
                "typical_time",
                "days_of_week",
                "nearest_known",
                "date",
            )
        )
        body = "".join(
            f'<tr class="tc-place" data-place="{int(p["id"])}">'
            + "".join(f"<td>{v}</td>" for _, v in _place_rows(p, text))
            + "</tr>"
            for p in places
        )
        table = (
            f'<table class="tc-places"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
        )
    return (
        f'<div class="tc-week"><h2>{escape(text["places_title"])}</h2>'
        f"<p><small>{escape(rule)}</small></p>{table}</div>"
    )


def _place_rows(place: Mapping[str, Any], text: Mapping[str, str]) -> list[tuple[str, str]]:
    """(label, escaped value) of a place, for its table row and its popup."""
    known = place.get("nearest_known")
    named = "–"
    if known:
        distance = known.get("distance_m")
        metres = "" if distance is None else f" · {float(distance):.0f} m"
        named = escape(f"{known.get('name') or known['id']} ({known['id']}){metres}")
    days = ", ".join(text[f"wd{int(w)}"] for w in place["weekdays"])
    return [
        (text["place"], f"#{int(place['id'])}"),
        (text["centre"], escape(f"{float(place['lat']):.5f}, {float(place['lon']):.5f}")),
        (text["visits_n"], escape(place["visits"])),
        (text["days_n"], escape(place["days"])),
        (text["total_time"], escape(_minutes(place["total_s"], text))),
        (text["typical_time"], escape(_minutes(place["median_s"], text))),
        (text["days_of_week"], escape(days)),
        (text["nearest_known"], named),
        (text["date"], escape(", ".join(place["dates"]))),
    ]


def _add_places(
    fmap: folium.Map, places: Sequence[Mapping[str, Any]], text: Mapping[str, str], shift: Any
) -> None:
    """One numbered circle per place (bigger with more visits); fit them all."""
    if not places:
        fmap.fit_bounds([[-60.0, -170.0], [70.0, 170.0]])
        return
    where = latlon(shift, [p["lat"] for p in places], [p["lon"] for p in places])
    for place, loc in zip(places, where, strict=True):
        title = escape(text["place_popup"].format(n=int(place["id"])))
        folium.CircleMarker(
            loc,
            radius=6 + min(int(place["visits"]), 20),
            color="#fff",
            weight=1.5,
            fill=True,
            fill_color=_PLACE_COLOUR,
            fill_opacity=0.8,
            className=PLACE_CLASS,
            popup=folium.Popup(
                f"<b>{title}</b>{rows_table(_place_rows(place, text))}", max_width=360
            ),
            tooltip=f"{title} · {int(place['visits'])}×",
        ).add_to(fmap)
    lats = [loc[0] for loc in where]
    lons = [loc[1] for loc in where]
    fmap.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], padding=(30, 30), max_zoom=16)


def _minutes(seconds: Any, text: Mapping[str, str]) -> str:
    return text["minutes"].format(n=round(float(seconds) / 60))


def _or_dash(value: Any) -> Any:
    return "–" if value is None else value
