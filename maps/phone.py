"""The day map report on a phone: the verdicts first, the map below, then the details.

Supervisors open the reports from chat on their phones.  On a desktop the verdict
panel floats at the right of a full-window map, the layer list and the timeline's
clock at its top left and the legend at its bottom left; on a narrow screen (or a
low one: a phone held sideways, :data:`PHONE_MEDIA`) that covers everything.  There
the page becomes one column instead (:data:`PHONE_CSS`): the verdicts
(``.tc-verdicts``), the map (at least 320 px, 70 % of the screen's height), the
facts, cleaning and task list (``.tc-details``), and the legend, each below the
other and none over the map.  The layer list is folded into Leaflet's layers button
at the bottom right (tap to open, tap anywhere else to close), the zoom buttons give way to
pinching, the timeline's clock keeps one row at the top left without its speed
slider, and :class:`PhoneLayout` fits the drawing below them.
"""

from __future__ import annotations

__all__ = ["PHONE_CSS", "PHONE_MEDIA", "PhoneLayout"]

from branca.element import MacroElement
from folium.template import Template

#: Screens laid out as one column: narrow (a phone upright) or low (a phone sideways).
PHONE_MEDIA = "(max-width: 700px), (max-height: 500px)"

#: The one-column layout (after the day map's own stylesheet; folium's ``#map_<id>``
#: rules are beaten with ``!important``).
PHONE_CSS = f"""<style>
@media {PHONE_MEDIA} {{
html,body{{height:auto!important;overflow:auto!important}}
body{{display:flex;flex-direction:column}}
.tc-panel{{display:contents}}
.tc-verdicts,.tc-details{{padding:8px 12px;background:#fff}}
.tc-verdicts{{order:0}}
.folium-map.leaflet-container{{order:1;flex:none;position:relative!important;
width:100%!important;height:max(320px,70vh)!important;left:0!important;top:0!important}}
.tc-details{{order:2}}
.tc-legend{{order:3;position:static;margin:0 12px 12px;box-shadow:none;border:1px solid #ddd}}
.leaflet-control-zoom{{display:none}}
.leaflet-bar-timecontrol{{display:flex;width:max-content}}
.leaflet-bar-timecontrol .leaflet-control-timecontrol{{float:none;flex:none}}
.leaflet-bar-timecontrol a.timecontrol-date{{min-width:0;padding:0 6px}}
.leaflet-bar-timecontrol .timecontrol-speed{{display:none}}
.leaflet-bar-timecontrol .timecontrol-dateslider .slider{{width:80px!important}}
}}
</style>"""


class PhoneLayout(MacroElement):
    """Fit the map's view to the drawing; on a phone screen, fold the layer list first
    and fit the drawing below the controls.

    Added to the map after its layer control.  On a larger screen the view is fitted
    with ``desktop_padding``: Leaflet's ``fitBounds`` fails on a map narrower than
    that padding (no view, and the scripts after it do not run), hence the choice in the browser.

    Parameters
    ----------
    bounds
        ``[[south, west], [north, east]]`` of what is drawn (as for ``fitBounds``).
    layers_title
        Tooltip of the layers button (plain text; it is JSON-encoded).
    desktop_padding
        ``(top_left, bottom_right)`` padding (px) of the view on a larger screen.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map, bounds, media, title, desktop) {
            if (!window.matchMedia || !window.matchMedia(media).matches) {
                if (bounds) {
                    map.fitBounds(bounds, {paddingTopLeft: desktop[0],
                                           paddingBottomRight: desktop[1]});
                }
                return;
            }
            var box = map.getContainer();
            var layers = box.querySelector(".leaflet-control-layers");
            if (layers) {
                var fold = function () {
                    layers.classList.remove("leaflet-control-layers-expanded");
                };
                var button = layers.querySelector(".leaflet-control-layers-toggle");
                if (button) { button.title = title; }
                var corner = box.querySelector(".leaflet-bottom.leaflet-right");
                if (corner) { corner.insertBefore(layers, corner.firstChild); }  // clock: top
                fold();
                document.addEventListener("click", function (e) {
                    if (!layers.contains(e.target)) { fold(); }
                });
            }
            map.invalidateSize(false);
            if (!bounds) { return; }
            var top = 0;
            box.querySelectorAll(".leaflet-top .leaflet-control").forEach(function (c) {
                top = Math.max(top, c.offsetTop + c.offsetHeight);
            });
            var low = 12;
            box.querySelectorAll(".leaflet-bottom").forEach(function (c) {
                low = Math.max(low, c.offsetHeight + 12);
            });
            if (top + low + 80 > box.clientHeight) { top = 0; low = 12; }  // never no view
            map.fitBounds(bounds, {
                paddingTopLeft: [12, top + 12], paddingBottomRight: [12, low], animate: false
            });
        })({{ this._parent.get_name() }}, {{ this.bounds|tojson }},
           {{ this.media|tojson }}, {{ this.layers_title|tojson }},
           {{ this.desktop_padding|tojson }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        bounds: list[list[float]] | None,
        *,
        layers_title: str,
        desktop_padding: tuple[tuple[int, int], tuple[int, int]],
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "PhoneLayout"
        self.bounds = bounds
        self.media = PHONE_MEDIA
        self.layers_title = layers_title
        self.desktop_padding = [list(desktop_padding[0]), list(desktop_padding[1])]
