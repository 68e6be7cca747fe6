"""Headless Chromium for the page tests that are not ``tests/maps/test_browser.py``'s.

Debian's ``chromium`` driven by Playwright (``playwright install`` is never run); pages
are opened via ``file://`` with every non-local request aborted.  Without the browser
the tests skip with the reason, except when ``TRAJCHECK_REQUIRE_BROWSER=1`` (CI).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("TRAJCHECK_CHROMIUM", "/usr/bin/chromium"))
REQUIRE_BROWSER = os.environ.get("TRAJCHECK_REQUIRE_BROWSER", "") not in ("", "0")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")


@contextmanager
def chromium() -> Iterator[Any]:
    """One headless Chromium, or a skip (a failure under ``TRAJCHECK_REQUIRE_BROWSER=1``)."""
    reason = None
    if not CHROMIUM.is_file():
        reason = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        reason = reason or "Playwright is not installed (pip install -e '.[dev]')"
    if reason is not None:
        if REQUIRE_BROWSER:
            pytest.fail(f"{reason} (TRAJCHECK_REQUIRE_BROWSER=1: the browser tests are mandatory)")
        pytest.skip(reason)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Opened:
    """A page opened offline, with the errors it raised."""

    page: Any
    errors: list[str] = field(default_factory=list)

    def js(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)


def open_offline(browser: Any, path: Path, width: int, height: int) -> Opened:
    """``path`` in a fresh context of ``width`` x ``height`` CSS px, the network cut."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    opened = Opened(page)
    context.route(
        "**/*",
        lambda r: r.continue_() if r.request.url.startswith(LOCAL_SCHEMES) else r.abort(),
    )
    page.on("pageerror", lambda exc: opened.errors.append(str(exc)))
    page.on("console", lambda m: opened.errors.append(m.text) if m.type == "error" else None)
    page.goto(path.resolve().as_uri(), wait_until="load")
    return opened
