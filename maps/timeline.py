"""Timeline playback of one manager-day, a layer of the day's map report.

A clock control (play, pause, step, a time slider and a speed slider) replays the day
in whole minutes: a marker moves along the cleaned track, the part of the track already
played is drawn over the static one, and each stay's ring appears at its arrival time.
The static map stays as it is underneath; the timeline is one entry in the layer
control, and unticking it removes its drawing and its clock.

It runs on Leaflet.TimeDimension, the library behind folium's ``TimestampedGeoJson``
plugin, and loads the same files from the same URLs (no jQuery UI or moment.js, which
only that plugin's own template needs).  Our template differs from the plugin's in three
ways: the clock shows the day's own time zone (the plugin's shows the browser's zone or
UTC), the layer is toggleable, and the player's steps are whole minutes from the first
fix to the last, whatever the data's spacing.

Track-integrity flags (issue 12) are marked on the time slider: one red band
(``tc-timeline-flag``) per flagged window, its kind and reason as the band's tooltip.

Only a thinned track is handed to the browser: the first fix in every
:data:`TIMELINE_SAMPLE_S` seconds, plus the fixes on either side of a gap, which keeps
a 17,000-fix day to about 1,500 points.
"""

from __future__ import annotations

__all__ = [
    "FLAG_MARK_COLOUR",
    "TIMELINE_SAMPLE_S",
    "TIMELINE_STEP_S",
    "TRAIL_COLOUR",
    "Timeline",
    "TimelineData",
    "TimelineStay",
    "build_timeline",
]

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import pandas as pd
from folium.elements import JSCSSMixin
from folium.map import Layer
from folium.plugins import TimestampedGeoJson
from folium.template import Template

from maps.geo import COORD_DIGITS, Shift
from trajectory.result import iso_many

#: At most one track point per this many seconds is handed to the browser.
TIMELINE_SAMPLE_S = 30
#: The clock's step (s): the player shows whole minutes.
TIMELINE_STEP_S = 60
#: Colour of the moving marker, of the track already played and of the stays' rings.
TRAIL_COLOUR = "#e6550d"
#: Colour of the track-integrity windows marked on the time slider (``tc-timeline-flag``).
FLAG_MARK_COLOUR = "#e31a1c"

_PLUGIN_JS = ("iso8601", "leaflet.timedimension")
_PLUGIN_CSS = ("leaflet.timedimension_css",)


@dataclass(frozen=True)
class TimelineStay:
    """A stay as the timeline shows it (coordinates already shifted for the tiles)."""

    number: int
    lat: float
    lon: float
    arrival: str  # ISO 8601 in the day's zone, with its offset
    tooltip: str  # already HTML-escaped


@dataclass(frozen=True)
class TimelineData:
    """What the timeline hands to the browser.

    ``features`` is a GeoJSON FeatureCollection: first the thinned track, a LineString
    whose ``properties.times`` give each vertex's time, then one Point per stay with
    ``properties.times == [arrival]``.  Times are ISO 8601 in the day's zone with its
    offset (``2026-11-20T07:12:03+08:00``), so they are both the local wall clock and
    the exact instant.  ``start`` and ``end`` (same form) bound the player: the first
    fix's time floored, and the last fix's time ceiled, to the minute.
    """

    features: dict[str, Any]
    start: str
    end: str
    timezone: str
    offset_min: int  # UTC offset at ``start``: the clock's fallback if the browser lacks the zone
    #: Track-integrity flags marked on the time slider: ``start``, ``end`` (ISO) and
    #: ``label`` (plain text: kind, times, reason).
    flags: tuple[Mapping[str, str], ...] = ()

    def to_json(self) -> str:
        """The object the template embeds, safe inside an HTML ``<script>``."""
        payload = {
            "start": self.start,
            "end": self.end,
            "step": f"PT{TIMELINE_STEP_S // 60}M",
            "timezone": self.timezone,
            "offset_min": self.offset_min,
            "colour": TRAIL_COLOUR,
            "flag_colour": FLAG_MARK_COLOUR,
            "flags": [dict(f) for f in self.flags],
            "features": self.features,
        }
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        return text.replace("<", "\\u003c")  # no "</script>" or "<!--" can form


def build_timeline(
    track: pd.DataFrame | None,
    stays: Sequence[TimelineStay],
    timezone: str,
    shift: Shift,
    flags: Sequence[Mapping[str, str]] = (),
) -> TimelineData | None:
    """Thin the cleaned track and collect the timeline's features.

    Parameters
    ----------
    track
        The cleaned fixes (``time`` tz-aware, ``lat``, ``lon`` WGS-84), sorted by time,
        as in :attr:`trajectory.result.DayResult.track`.
    stays
        The stays in time order, as drawn on the static map.
    timezone
        IANA zone of the day; the times handed over are in it.
    shift
        The coordinate shift of the map's tiles (identity, or WGS-84 to GCJ-02).
    flags
        Track-integrity windows to mark on the time slider (``start``, ``end``, ``label``).

    Returns
    -------
    TimelineData or None
        None when the track has fewer than two fixes (nothing to play).
    """
    if track is None or len(track) < 2:
        return None
    tz = ZoneInfo(timezone)
    times = pd.DatetimeIndex(track["time"])
    t_s = times.as_unit("ns").asi8 // 1_000_000_000  # epoch seconds, whatever the unit
    keep = _thin(t_s)
    lat, lon = shift(
        track["lat"].to_numpy(dtype=np.float64)[keep], track["lon"].to_numpy(dtype=np.float64)[keep]
    )
    coords = np.column_stack([lon, lat]).round(COORD_DIGITS).tolist()
    features: list[dict[str, Any]] = [
        {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": coords},
            "properties": {"kind": "track", "times": iso_many(times[keep], tz)},
        }
    ]
    features += [_stay_feature(s) for s in stays]
    step = TIMELINE_STEP_S
    bounds_s = np.array([t_s[0] // step * step, -(-t_s[-1] // step) * step], dtype=np.int64)
    bounds = pd.DatetimeIndex(pd.to_datetime(bounds_s, unit="s", utc=True))
    start, end = iso_many(bounds, tz)
    offset = bounds[0].tz_convert(tz).utcoffset()
    offset_min = 0 if offset is None else int(offset.total_seconds() // 60)
    return TimelineData(
        features={"type": "FeatureCollection", "features": features},
        start=start,
        end=end,
        timezone=timezone,
        offset_min=offset_min,
        flags=tuple(flags),
    )


def _stay_feature(stay: TimelineStay) -> dict[str, Any]:
    """A stay as a GeoJSON point that appears at its arrival."""
    return {
        "type": "Feature",
        "geometry": {
            "type": "Point",
            "coordinates": [round(stay.lon, COORD_DIGITS), round(stay.lat, COORD_DIGITS)],
        },
        "properties": {
            "kind": "stay",
            "number": stay.number,
            "times": [stay.arrival],
            "tooltip": stay.tooltip,
        },
    }


def _thin(t_s: npt.NDArray[np.int64]) -> npt.NDArray[np.intp]:
    """Indices kept: the first fix of each sample window, both sides of longer gaps, the last."""
    window = (t_s - t_s[0]) // TIMELINE_SAMPLE_S
    first = np.flatnonzero(np.diff(window, prepend=-1) != 0)
    before_gap = np.flatnonzero(np.diff(t_s) > TIMELINE_SAMPLE_S)
    keep: npt.NDArray[np.intp] = np.unique(np.concatenate([first, before_gap, [len(t_s) - 1]]))
    return keep


class Timeline(JSCSSMixin, Layer):
    """The timeline layer: Leaflet.TimeDimension's player over :class:`TimelineData`.

    Parameters
    ----------
    data
        The features and clock bounds, from :func:`build_timeline`.
    name
        Its entry in the layer control.
    title
        Tooltip of the clock control (already plain text; it is JSON-encoded).
    words
        The control's own words in the page's language: the tooltips of its buttons
        ``Backward``, ``Play``, ``Forward`` (and ``Date``: ``title``), ``speed`` (the speed
        label, ``{n}`` steps of a minute per second), ``speed_title`` and ``no_time``.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        // Markers are made with constructors (new L.Marker), not the factories
        // (L.marker), which the tests count as the static map's markers.
        var {{ this.get_name() }}_data = {{ this.data.to_json() }};
        var {{ this.get_name() }} = (function (map, cfg) {
            var fmt = null;
            try {
                fmt = new Intl.DateTimeFormat("en-GB", {
                    timeZone: cfg.timezone, hourCycle: "h23", year: "numeric",
                    month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit"
                });
            } catch (e) { fmt = null; }
            function clock(date) {
                if (fmt && fmt.formatToParts) {
                    var p = {};
                    fmt.formatToParts(date).forEach(function (x) { p[x.type] = x.value; });
                    return p.year + "-" + p.month + "-" + p.day + " " + p.hour + ":" + p.minute;
                }
                var local = new Date(date.getTime() + cfg.offset_min * 60000);
                return local.toISOString().slice(0, 16).replace("T", " ");
            }
            var td = L.timeDimension({
                timeInterval: cfg.start + "/" + cfg.end,
                period: cfg.step,
                currentTime: Date.parse(cfg.start)
            });
            map.timeDimension = td;
            var words = {{ this.words|tojson }};
            var Control = L.Control.TimeDimension.extend({
                _getDisplayDateFormat: function (date) { return clock(date); },
                // the page's language: button tooltips, the speed (one step = a minute)
                _createButton: function (name, container) {
                    var a = L.Control.TimeDimension.prototype._createButton.call(
                        this, name, container);
                    a.title = words[name] || "";
                    return a;
                },
                _createSliderSpeed: function (cls, container) {
                    var knob = L.Control.TimeDimension.prototype._createSliderSpeed.call(
                        this, cls, container);
                    container.lastChild.title = words.speed_title;
                    return knob;
                },
                _getDisplaySpeed: function (fps) { return words.speed.replace("{n}", fps); },
                _getDisplayNoTimeError: function () { return words.no_time; }
            });
            var control = new Control({
                timeDimension: td, position: "topleft", title: {{ this.title|tojson }},
                autoPlay: false, loopButton: false, timeSliderDragUpdate: true,
                speedSlider: true, minSpeed: 1, maxSpeed: 30, speedStep: 1,
                timeZones: [cfg.timezone],
                playerOptions: {transitionTime: 100, loop: false, startOver: true}
            });
            var base = L.geoJson(cfg.features, {
                style: function (feature) {
                    if (feature.properties.kind !== "track") { return {}; }
                    return {color: cfg.colour, weight: 3, opacity: 0.9,
                            className: "tc-timeline-trail"};
                },
                pointToLayer: function (feature, latlng) {
                    if (feature.properties.kind === "track") {
                        return new L.Marker(latlng, {
                            icon: new L.DivIcon({className: "tc-timeline-now",
                                                 html: '<div class="tc-now"></div>',
                                                 iconSize: [0, 0]}),
                            interactive: false, keyboard: false, zIndexOffset: 2000
                        });
                    }
                    return new L.CircleMarker(latlng, {
                        radius: 15, color: cfg.colour, weight: 3, opacity: 0.95, fill: false,
                        className: "tc-timeline-stay tc-timeline-stay-n" + feature.properties.number
                    });
                },
                onEachFeature: function (feature, layer) {
                    if (feature.properties.kind === "stay") {
                        layer.bindTooltip(feature.properties.tooltip);
                    }
                }
            });
            var layer = L.timeDimension.layer.geoJson(base, {
                timeDimension: td, addlastPoint: true, updateTimeDimension: false
            });
            function markFlags() {
                // integrity flags: a red band per window on the time slider, its reason
                // as the band's tooltip (title, plain text)
                var bar = control.getContainer().querySelector(".timecontrol-dateslider .slider");
                var t0 = Date.parse(cfg.start), span = Date.parse(cfg.end) - t0;
                if (!bar || !(span > 0)) { return; }
                bar.style.position = "relative";
                cfg.flags.forEach(function (f) {
                    var a = Math.max(0, (Date.parse(f.start) - t0) / span);
                    var b = Math.min(1, (Date.parse(f.end) - t0) / span);
                    var el = L.DomUtil.create("div", "tc-timeline-flag", bar);
                    el.title = f.label;
                    el.style.cssText = "position:absolute;top:0;bottom:0;min-width:3px;opacity:.7;"
                        + "pointer-events:auto;background:" + cfg.flag_colour + ";left:"
                        + (100 * a) + "%;width:" + (100 * Math.max(0, b - a)) + "%";
                });
            }
            layer.on("add", function () { control.addTo(map); markFlags(); });
            layer.on("remove", function () {
                if (control._player) { control._player.stop(); }
                control.remove();
            });
            return layer;
        })({{ this._parent.get_name() }}, {{ this.get_name() }}_data);
        {% endmacro %}
        """
    )

    # the plugin's own URLs, so that a folium upgrade moves both together
    default_js = [(k, u) for k, u in TimestampedGeoJson.default_js if k in _PLUGIN_JS]  # noqa: RUF012
    default_css = [(k, u) for k, u in TimestampedGeoJson.default_css if k in _PLUGIN_CSS]  # noqa: RUF012

    def __init__(
        self, data: TimelineData, *, name: str, title: str, words: Mapping[str, str]
    ) -> None:
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "Timeline"
        self.data = data
        self.title = title
        self.words = {"Date": title, **words}
