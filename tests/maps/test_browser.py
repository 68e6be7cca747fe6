"""The map reports as a supervisor sees them: opened in headless Chromium (issue 3).

Every bundled sample day is rendered to ``out/test-browser/<sample>.html`` (gitignored),
opened via ``file://`` and checked for what a person would notice: no console error or
uncaught exception, one Leaflet map, one numbered label per stay and per on-site store
of the result, the track, gap, stay, radius and link paths, and the summary panel with
the three verdicts.  A full-page screenshot of each lands beside the page
(``docs/map-report.png``, linked from the README, is one of them, copied by hand).

Which page is opened how, and why
---------------------------------
This machine, developers' machines and CI have no general internet, so a page that
loads Leaflet from its CDNs would only show network errors.  Hence:

* The DOM checks (every sample, the hostile-strings day, the team pages) run on the
  **offline build** (``offline=True``, ``tiles="none"``) with the network cut: every
  request that is not ``file:``/``data:``/``blob:`` is aborted and recorded, and the test
  asserts that none was attempted.  That is the page a supervisor opens without network,
  and it is deterministic.
* The **online page** (the default: assets from CDNs, OpenStreetMap tiles) is checked for
  what it references: every external script and stylesheet is an ``https`` URL, Leaflet
  among them.  When the offline build's vendored copies are present (``maps/vendor/``
  with its manifest), the online page is also opened with each CDN request answered
  from the vendored file of that URL and each tile with a blank tile, and must pass the
  same DOM checks: this proves the vendored files are the assets the online page needs,
  without pretending to test the CDNs themselves.

The browser is Debian's ``chromium`` (``/usr/bin/chromium``) driven by Playwright's
Python API; ``playwright install`` is never run (no download at run time).  Without the
browser (or Playwright) the tests skip with the reason, except when
``TRAJCHECK_REQUIRE_BROWSER=1`` (set by ``.ci/run``), where that is a failure.  One
browser serves the whole module; each test gets a fresh context.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import struct
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urljoin

import numpy as np
import pytest

from api.cli.verify import verify_sample
from maps.day import (
    STAY_MARKER_TOKEN,
    STORE_MARKER_TOKEN,
    TRACK_COLOURS,
    TRACK_GAP_S,
    render_day,
    write_day,
)
from maps.i18n import LABELS
from maps.team import INDEX_NAME, OVERVIEW_NAME, TEAM_STAY_CLASS, write_team_report
from tests.helpers.samples import SAMPLE_DAYS, SAMPLES
from trajectory.result import CHECK_NAMES, DayResult
from trajectory.testing.evaluation import verify_generated
from trajectory.testing.scenarios import generate_day

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "out" / "test-browser"
CHROMIUM = Path(os.environ.get("TRAJCHECK_CHROMIUM", "/usr/bin/chromium"))
REQUIRE_BROWSER = os.environ.get("TRAJCHECK_REQUIRE_BROWSER", "") not in ("", "0")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWPORT = {"width": 1280, "height": 800}
XSS = "<img src=x onerror=alert(1)>"
EN = LABELS["en"]
# URL schemes that never leave the machine
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")
VENDOR = ROOT / "maps" / "vendor"


# --------------------------------------------------------------------------- browser


def _unavailable(reason: str) -> None:
    if REQUIRE_BROWSER:
        pytest.fail(f"{reason} (TRAJCHECK_REQUIRE_BROWSER=1: the browser tests are mandatory)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the module (launching takes ~1 s)."""
    if not CHROMIUM.is_file():
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed (pip install -e '.[dev]')")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Visit:
    """One page opened in a fresh context, with everything it said or tried."""

    page: Any
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)  # every non-local request attempted

    def js(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)

    def count(self, selector: str) -> int:
        return int(self.js("s => document.querySelectorAll(s).length", selector))

    def assert_clean(self) -> None:
        assert self.console_errors == [], self.console_errors
        assert self.page_errors == [], self.page_errors
        assert self.dialogs == [], self.dialogs


Serve = Callable[[str], tuple[bytes, str] | None]


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[..., Visit]]:
    """``open_page(path, serve=None)``: open ``path`` via file:// with the network cut.

    Requests whose URL is not local are aborted, unless ``serve(url)`` returns
    ``(body, content_type)`` to answer them with; either way they are recorded in
    ``Visit.requests``.
    """
    contexts: list[Any] = []

    def _open(path: Path, serve: Serve | None = None) -> Visit:
        context = browser.new_context(viewport=VIEWPORT, service_workers="block")
        contexts.append(context)
        page = context.new_page()
        visit = Visit(page)

        def route(route: Any) -> None:
            url = route.request.url
            if url.startswith(LOCAL_SCHEMES):
                route.continue_()
                return
            answer = serve(url) if serve is not None else None
            if answer is None:
                route.abort()
            else:
                route.fulfill(status=200, body=answer[0], content_type=answer[1])

        def on_request(request: Any) -> None:
            if not request.url.startswith(LOCAL_SCHEMES):
                visit.requests.append(request.url)

        def on_console(message: Any) -> None:
            if message.type == "error":
                visit.console_errors.append(f"{message.text} @ {message.location}")

        def on_dialog(dialog: Any) -> None:
            visit.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        context.route("**/*", route)
        page.on("request", on_request)
        page.on("console", on_console)
        page.on("pageerror", lambda exc: visit.page_errors.append(str(exc)))
        page.on("dialog", on_dialog)
        page.goto(path.resolve().as_uri(), wait_until="load")
        return visit

    yield _open
    for context in contexts:
        context.close()


# --------------------------------------------------------------------------- results


@cache
def _sample(name: str) -> DayResult:
    """A bundled sample day verified as ``trajcheck demo`` does."""
    result: DayResult = verify_sample(SAMPLES / name)[1]
    return result


@cache
def _hostile() -> DayResult:
    """A day whose manager id, first store's name and first store's id are markup."""
    day = generate_day("skipped_store", 1, manager_id=XSS)
    tasks = day.tasks.copy()
    first = tasks.index[tasks["seq"] == tasks["seq"].min()][0]
    tasks.loc[first, "store_name"] = XSS
    tasks.loc[first, "store_id"] = XSS
    return verify_generated(dataclasses.replace(day, tasks=tasks))


def _offline_page(result: DayResult, path: Path) -> Path:
    return write_day(result, path, tiles="none", offline=True)


# --------------------------------------------------------------------------- checks


def _tokens(visit: Visit, token: str) -> list[int]:
    """The numbers after ``token`` in the classes of the map's marker labels."""
    found = visit.js(
        """token => Array.from(
               document.querySelectorAll('.leaflet-marker-pane [class*="' + token + '"]'))
             .map(e => Array.from(e.classList).find(c => c.startsWith(token)))
             .filter(c => c !== undefined)
             .map(c => c.slice(token.length))""",
        token,
    )
    return sorted(int(n) for n in found)


def _gaps(result: DayResult) -> int:
    if result.track is None or len(result.track) < 2:
        return 0
    step = np.diff(result.track["time"].to_numpy())
    return int((step > np.timedelta64(int(TRACK_GAP_S), "s")).sum())


def assert_day_drawn(visit: Visit, result: DayResult, source: str) -> None:
    """What a supervisor sees on a day report matches ``result``."""
    assert visit.js("typeof window.L === 'object' && typeof window.L.map === 'function'")
    assert visit.count(".leaflet-container") == 1
    assert visit.count(".leaflet-control-layers") == 1
    onsite = [s for s in result.stores if s.method == "onsite"]
    stays = result.stay_points
    # every stay numbered 1..n in time order, every on-site store by its seq
    assert _tokens(visit, STAY_MARKER_TOKEN) == list(range(1, len(stays) + 1))
    assert _tokens(visit, STORE_MARKER_TOKEN) == sorted(s.seq for s in onsite)
    assert visit.count(".leaflet-overlay-pane path.tc-stay") == len(stays)
    assert visit.count(".leaflet-overlay-pane path.tc-store-radius") == len(onsite)
    onsite_ids = {s.store_id for s in onsite}
    matched = sum(1 for s in stays if s.store_id is not None and s.store_id in onsite_ids)
    assert visit.count(".leaflet-overlay-pane path.tc-link") == matched
    # the track: every segment the page defines is drawn, with its direction arrows
    segments = source.count('"className": "tc-track"')
    has_track = result.track is not None and len(result.track) >= 2
    assert (segments > 0) == has_track
    assert visit.count(".leaflet-overlay-pane path.tc-track") == segments
    assert visit.count(".leaflet-overlay-pane textPath") == segments
    colours = visit.js(
        "Array.from(document.querySelectorAll('path.tc-track')).map(p => p.getAttribute('stroke'))"
    )
    if has_track:
        assert {TRACK_COLOURS[0], TRACK_COLOURS[-1]} <= set(colours) <= set(TRACK_COLOURS)
    assert visit.count(".leaflet-overlay-pane path.tc-gap") == _gaps(result)
    # the summary panel: the three verdicts, each with its label, status and reason
    panel = visit.page.locator(".tc-panel")
    assert panel.count() == 1 and panel.is_visible()
    for name in CHECK_NAMES:
        check = result.checks[name]
        box = visit.page.locator(f'.tc-panel .tc-check[data-check="{name}"]')
        assert box.count() == 1 and box.is_visible(), name
        assert box.get_attribute("data-status") == check.status
        shown = box.inner_text()
        assert EN[name] in shown and EN[check.status] in shown, shown
        assert " ".join(check.reason.split()) in " ".join(shown.split())
    assert visit.page.locator(".tc-legend").is_visible()


# --------------------------------------------------------------------------- tests


@pytest.mark.parametrize("name", SAMPLE_DAYS)
def test_sample_day_report(name: str, open_page: Callable[..., Visit]) -> None:
    result = _sample(name)
    path = _offline_page(result, OUT / f"{name}.html")
    visit = open_page(path)
    visit.assert_clean()
    assert visit.requests == []  # the offline build asks the network for nothing
    assert_day_drawn(visit, result, path.read_text(encoding="utf-8"))
    visit.page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)


def test_hostile_strings_stay_text(open_page: Callable[..., Visit]) -> None:
    result = _hostile()
    store = next(s for s in result.stores if s.store_id == XSS)
    assert store.store_name == XSS and result.manager_id == XSS and store.method == "onsite"
    path = _offline_page(result, OUT / "hostile.html")
    visit = open_page(path)
    page = visit.page
    no_markup = "document.querySelectorAll('img[src=\"x\"], [onerror]').length"
    assert visit.js(no_markup) == 0
    panel = page.locator(".tc-panel").inner_text()
    assert panel.count(XSS) >= 3  # manager, store name and store id in the task list
    page.locator(f".{STORE_MARKER_TOKEN}{store.seq}").click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(state="visible", timeout=5000)
    assert popup.inner_text().count(XSS) == 2  # "<name> (<id>)"
    page.locator(f".{STORE_MARKER_TOKEN}{store.seq}").hover()
    tooltip = page.locator(".leaflet-tooltip")
    tooltip.wait_for(state="visible", timeout=5000)
    assert XSS in tooltip.inner_text()
    assert visit.js(no_markup) == 0
    visit.assert_clean()  # no dialog ever fired, no error
    assert visit.requests == []
    assert_day_drawn(visit, result, path.read_text(encoding="utf-8"))


_COVERED = """() => {
  const covers = Array.from(document.querySelectorAll('.tc-panel, .tc-legend'))
    .map(e => e.getBoundingClientRect());
  return Array.from(document.querySelectorAll('.leaflet-marker-pane .tc-label'))
    .filter(e => { const b = e.getBoundingClientRect();
      return covers.some(c => b.left < c.right && b.right > c.left
                              && b.top < c.bottom && b.bottom > c.top); })
    .map(e => e.className);
}"""


@pytest.mark.parametrize("name", ["compliant", "skipped_store", "gcj02_stores", "market"])
def test_panel_and_legend_hide_no_marker(open_page: Callable[..., Visit], name: str) -> None:
    """At 1280x800 the map is fitted so that neither panel nor legend hides a stay or store."""
    result = _sample(name)
    visit = open_page(_offline_page(result, OUT / f"{name}.html"))
    assert visit.js(_COVERED) == []


def test_team_pages(open_page: Callable[..., Visit]) -> None:
    folder = OUT / "team"
    results_dir = folder / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    for old in results_dir.glob("*"):
        old.unlink()
    team = [_sample(name) for name in SAMPLE_DAYS] + [_hostile()]
    for k, result in enumerate(team):
        stem = f"day{k}"
        data = result.to_dict()
        (results_dir / f"{stem}.json").write_text(json.dumps(data), encoding="utf-8")
        _offline_page(result, results_dir / f"{stem}.html")
    index = write_team_report(results_dir, folder, tiles="none", offline=True)
    assert index == folder / INDEX_NAME

    visit = open_page(index)
    visit.assert_clean()
    assert visit.requests == []
    rows = visit.page.locator("table.tc-team tbody tr.tc-row")
    assert rows.count() == len(team)
    shown = sorted(rows.nth(i).get_attribute("data-manager") for i in range(rows.count()))
    assert shown == sorted(r.manager_id for r in team)
    assert visit.page.locator("table.tc-team tbody").inner_text().count(XSS) == 1
    # sorting by the manager column works (inline script, no error)
    visit.page.locator("table.tc-team thead th").first.click()
    first_col = visit.js(
        "Array.from(document.querySelectorAll('table.tc-team tbody tr'))"
        ".map(r => r.cells[0].getAttribute('data-sort'))"
    )
    assert first_col == sorted(first_col)
    assert visit.page.locator("a.tc-day-link").count() == len(team)
    visit.assert_clean()

    overview = open_page(folder / OVERVIEW_NAME)
    overview.assert_clean()
    assert overview.requests == []
    assert overview.js("typeof window.L === 'object'")
    assert overview.count(".leaflet-container") == 1
    stays = sum(len(r.stay_points) for r in team)
    assert overview.count(f".leaflet-overlay-pane path.{TEAM_STAY_CLASS}") == stays
    for k in range(1, len(team) + 1):
        ordered = sorted(team, key=lambda r: r.manager_id)
        want = len(ordered[k - 1].stay_points)
        assert overview.count(f"path.tc-team-m{k}") == want
    assert XSS in overview.page.locator(".leaflet-control-layers").inner_text()
    assert overview.js("document.querySelectorAll('img[src=\"x\"]').length") == 0


# --------------------------------------------------------------------------- online page

_ASSET = re.compile(
    r"<script[^>]*\bsrc=\"([^\"]+)\"|<link[^>]*\brel=\"stylesheet\"[^>]*\bhref=\"([^\"]+)\""
)


def _external_assets(page: str) -> list[str]:
    return [a or b for a, b in _ASSET.findall(page) if (a or b).startswith(("http:", "https:"))]


def _blank_tile() -> bytes:
    """A 256 x 256 light-grey PNG (the map background), made here, not fetched."""
    raw = b"".join(b"\x00" + b"\xf2\xef\xe9" * 256 for _ in range(256))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 256, 256, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


_CONTENT_TYPES = {
    ".js": "text/javascript",
    ".css": "text/css",
    ".png": "image/png",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
}


def _vendored() -> tuple[dict[str, tuple[bytes, str]], dict[str, tuple[bytes, str]]] | None:
    """What maps/vendor/'s manifest holds, by the URLs it stands for; None when absent.

    Returns ``(by_url, by_prefix)``, each mapping to ``(body, content type)``: scripts and
    stylesheets by the CDN URL they replace, images by their URL relative to their
    package's stylesheet (as the browser resolves ``url(images/x.png)``); fonts by their
    ``font_url_prefix`` (the manifest's "every @font-face URL starting so": the browser
    asks for ``.woff`` and ``.ttf`` there, the vendored file is one ``.woff2``).
    """
    try:
        from maps.offline import VENDOR_DIR, vendored_assets

        assets = vendored_assets()
    except (ImportError, RuntimeError):
        return None

    def body(file: str) -> tuple[bytes, str]:
        path = VENDOR_DIR / file
        return path.read_bytes(), _CONTENT_TYPES.get(path.suffix, "application/octet-stream")

    by_url = {a.url: body(a.file) for a in assets if a.url is not None}
    by_prefix = {}
    sheets = [a for a in assets if a.kind == "css" and a.url is not None]
    for asset in assets:
        if asset.kind == "image":
            for sheet in sheets:
                folder = PurePosixPath(sheet.file).parent
                if PurePosixPath(asset.file).is_relative_to(folder):
                    rel = PurePosixPath(asset.file).relative_to(folder).as_posix()
                    by_url[urljoin(str(sheet.url), rel)] = body(asset.file)
        elif asset.font_url_prefix is not None:
            prefix = asset.font_url_prefix
            by_prefix[f"https:{prefix}" if prefix.startswith("//") else prefix] = body(asset.file)
    return by_url, by_prefix


def test_online_page_references_cdn_assets(open_page: Callable[..., Visit]) -> None:
    result = _sample("skipped_store")
    online = render_day(result)
    assets = _external_assets(online)
    assert assets, "the online page loads its assets from CDNs"
    assert all(url.startswith("https://") for url in assets), assets
    assert any(re.search(r"/leaflet@1\.9\.\d+/dist/leaflet\.js$", u) for u in assets), assets
    assert any(re.search(r"/leaflet@1\.9\.\d+/dist/leaflet\.css$", u) for u in assets), assets
    assert _external_assets(render_day(result, tiles="none", offline=True)) == []

    vendored = _vendored()
    if vendored is None:
        return
    by_url, by_prefix = vendored
    missing = [url for url in assets if url not in by_url]
    assert missing == [], "CDN assets of the online page without a vendored copy"
    tile = _blank_tile()

    def serve(url: str) -> tuple[bytes, str] | None:
        if url in by_url:
            return by_url[url]
        for prefix, answer in by_prefix.items():
            if url.startswith(prefix):
                return answer
        if url.startswith("https://tile.openstreetmap.org/"):
            return tile, "image/png"
        return None

    path = OUT / "online-skipped_store.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(online, encoding="utf-8")
    visit = open_page(path, serve)
    visit.assert_clean()
    unexpected = [u for u in visit.requests if serve(u) is None]
    assert unexpected == []
    assert_day_drawn(visit, result, online)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_integrity_banner_shows(open_page: Callable[..., Visit], lang: str) -> None:
    """A mock-location hold puts the integrity banner in the verdict panel (issue 12)."""
    from trajectory.pipeline import verify_day
    from trajectory.testing.spoofing import spoof

    day = generate_day("compliant", 1004)
    track, _ = spoof("mock_hold", day.track, 4)
    result = verify_day(track, day.tasks)
    assert result.integrity.status == "suspicious"
    path = OUT / f"integrity-{lang}.html"
    write_day(result, path, lang=lang, tiles="none", offline=True)
    visit = open_page(path)
    visit.assert_clean()
    banner = visit.page.locator(".tc-panel .tc-integrity")
    assert banner.is_visible()
    shown = banner.inner_text()
    assert LABELS[lang]["integrity_frozen_position"] in shown, shown
    # the flagged window over the track (a dashed red line and ring) and on the timeline
    assert visit.count("path.tc-integrity-flag") >= 1
    assert visit.count("path.tc-integrity-flag-mark") == len(result.integrity.flags)
    band = visit.page.locator(".timecontrol-dateslider .tc-timeline-flag").first
    assert band.is_visible()
    assert result.integrity.flags[0].reason in str(band.get_attribute("title"))


def test_team_index_filters_on_integrity(open_page: Callable[..., Visit], tmp_path: Path) -> None:
    """The team index's integrity filter shows only the suspicious day (issue 12)."""
    from trajectory.pipeline import verify_day
    from trajectory.testing.spoofing import spoof

    day = generate_day("compliant", 1004, manager_id="M9")
    track, _ = spoof("mock_hold", day.track, 4)
    held = verify_day(track, day.tasks).to_dict()
    clean = verify_generated(generate_day("compliant", 1, manager_id="M1")).to_dict()
    for data in (held, clean):
        (tmp_path / f"{data['manager_id']}.json").write_text(json.dumps(data), encoding="utf-8")
    index = write_team_report(tmp_path, tmp_path / "team", tiles="none", offline=True)
    visit = open_page(index)
    visit.assert_clean()
    visible = "() => [...document.querySelectorAll('tr.tc-row')].filter(r => !r.hidden).length"
    assert visit.js(visible) == 2
    visit.page.select_option("select.tc-integrity-filter", "suspicious")
    shown = "() => [...document.querySelectorAll('tr.tc-row')].filter(r => !r.hidden)"
    assert visit.js(f"{shown}.map(r => r.dataset.manager)") == ["M9"]
    visit.page.select_option("select.tc-integrity-filter", "")
    assert visit.js(visible) == 2
