"""The day map report on phones, and the timeline's clock control (issue 16).

At phone sizes (412 x 860 upright, 700 x 450 sideways) the verdicts come first, the
map below them, nothing over the map but its own controls, and no stay or store
under a control.  Screenshots (the first screen and the whole page) of every case
land in ``out/test-browser/phone/`` (kept as CI artifacts).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest

from api.cli.verify import verify_sample
from maps.day import write_day
from maps.day_layers import STORE_COLOURS
from maps.i18n import LABELS
from tests.helpers.browser import Opened, chromium, open_offline
from tests.helpers.samples import ROOT, SAMPLE_DAYS, SAMPLES
from trajectory.result import DayResult

pytestmark = pytest.mark.browser

OUT = ROOT / "out" / "test-browser" / "phone"
PHONES = [(412, 860), (700, 450)]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


@cache
def _sample(name: str) -> DayResult:
    """A bundled sample day verified as ``trajcheck demo`` does."""
    result: DayResult = verify_sample(SAMPLES / name)[1]
    return result


def _open(browser: Any, name: str, lang: str, size: tuple[int, int]) -> Opened:
    width, height = size
    stem = f"{name}-{lang}-{width}x{height}"
    path = write_day(_sample(name), OUT / f"{stem}.html", lang=lang, tiles="none", offline=True)
    opened = open_offline(browser, path, width, height)
    opened.page.screenshot(path=str(OUT / f"{stem}.png"))
    opened.page.screenshot(path=str(OUT / f"{stem}-full.png"), full_page=True)
    return opened


_RECTS = """() => {
  const r = e => { const b = e.getBoundingClientRect();
    return {left: b.left, top: b.top, right: b.right, bottom: b.bottom}; };
  const all = s => Array.from(document.querySelectorAll(s));
  return {
    checks: all('.tc-verdicts .tc-check').map(r),
    verdicts: r(document.querySelector('.tc-verdicts')),
    map: r(document.querySelector('.folium-map')),
    details: r(document.querySelector('.tc-details')),
    legend: r(document.querySelector('.tc-legend')),
    controls: all('.leaflet-control').filter(e => e.offsetParent !== null).map(r),
    labels: all('.leaflet-marker-pane .tc-label').map(r),
    layers_open: all('.leaflet-control-layers-expanded').length,
  };
}"""


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["left"] < b["right"]
        and a["right"] > b["left"]
        and a["top"] < b["bottom"]
        and a["bottom"] > b["top"]
    )


@pytest.mark.parametrize("size", PHONES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", SAMPLE_DAYS)
def test_phone_shows_verdicts_then_the_map(browser: Any, name: str, size: tuple[int, int]) -> None:
    width, height = size
    page = _open(browser, name, "zh" if name == "skipped_store" else "en", size)
    assert page.errors == []
    at = page.js(_RECTS)
    # the three verdicts on the first screen, at the top
    assert len(at["checks"]) == 3
    assert all(c["bottom"] <= height and c["right"] <= width for c in at["checks"]), at
    # the map below them, the whole width, at least 320 px high; details and legend below
    box = at["map"]
    assert box["top"] >= at["verdicts"]["bottom"] - 1
    assert box["left"] == 0 and box["right"] == width
    assert box["bottom"] - box["top"] >= 320
    assert at["details"]["top"] >= box["bottom"] - 1
    assert at["legend"]["top"] >= box["bottom"] - 1
    # the layer list folded into its button; the controls inside the map
    assert at["layers_open"] == 0
    assert all(c["right"] <= width and c["top"] >= box["top"] for c in at["controls"]), at
    # every stay and store on the map, none under a control
    assert at["labels"]
    for label in at["labels"]:
        assert box["left"] <= label["left"] and label["right"] <= box["right"], label
        assert box["top"] <= label["top"] and label["bottom"] <= box["bottom"], label
        assert not any(_overlap(label, c) for c in at["controls"]), (label, at["controls"])


def test_phone_layer_button_opens_and_closes(browser: Any) -> None:
    page = _open(browser, "compliant", "zh", PHONES[0])
    button = page.page.locator(".leaflet-control-layers-toggle")
    assert button.get_attribute("title") == LABELS["zh"]["layers_toggle"]
    button.click()
    assert page.page.locator(".leaflet-control-layers-list").is_visible()
    page.page.mouse.click(30, int(page.js(_RECTS)["map"]["top"]) + 80)  # beside the list
    assert page.js("document.querySelectorAll('.leaflet-control-layers-expanded').length") == 0
    assert page.errors == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_timeline_control_speaks_the_page_language(browser: Any, lang: str) -> None:
    """Tooltips and the speed label in the page's language, no icon over the speed."""
    text = LABELS[lang]
    page = _open(browser, "compliant", lang, (1280, 800))
    titles = page.js(
        """() => ['backward', 'play', 'forward'].map(
             k => document.querySelector('.timecontrol-' + k).title)"""
    )
    assert titles == [text["timeline_backward"], text["timeline_play"], text["timeline_forward"]]
    speed = page.page.locator(".timecontrol-speed .speed")
    assert speed.inner_text().strip() == text["timeline_speed"].format(n=10)
    assert "fps" not in page.page.locator(".leaflet-bar-timecontrol").inner_text()
    icon = page.js(
        "getComputedStyle(document.querySelector('.timecontrol-speed'), '::before').content"
    )
    assert icon in ("none", "normal"), icon
    assert page.errors == []


def test_legend_colours_tell_every_store_status_apart() -> None:
    shown = ("visited", "not_visited", "ambiguous", "unseen")
    assert len({STORE_COLOURS[s] for s in shown}) == len(shown)
