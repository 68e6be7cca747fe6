"""Every page in Chinese reads Chinese (issue 16).

Each page a supervisor opens is rendered with ``lang="zh"`` from the samples, opened in
headless Chromium, and what a person reads (the text shown, every tooltip ``title``,
the layer list and the timeline's clock) may hold no Latin-letter word outside ids
(any token with a digit: ``F11``, ``S60636``, ``GM1``, times), the sample's team ids,
units and the short allow-list :data:`ALLOWED`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.cli.main import main as cli_main
from maps.day import write_day
from maps.team import OVERVIEW_NAME, write_team_report
from tests.helpers.browser import chromium, open_offline
from tests.helpers.samples import ROOT, SAMPLE
from tests.helpers.scorecards import DAY, FOLDERS, START
from trajectory.testing.evaluation import verify_generated
from trajectory.testing.scenarios import generate_day

pytestmark = pytest.mark.browser

OUT = ROOT / "out" / "test-browser" / "zh"
#: Latin words a Chinese page may show: names (GPS, UTC, Leaflet's attribution, the IANA
#: zone of the clock), units, and the sample's team ids.
ALLOWED = frozenset(
    {
        "GPS",
        "UTC",
        "Leaflet",
        "Asia",
        "Shanghai",
        "km",
        "mi",
        "ft",
        "kg",
        "g",
        "m",
        "north",
        "south",
    }
)
#: Days drawn: every kind of reason (late, not visited, unexplained stay, market range).
DAYS = [("compliant", 1), ("late", 2), ("skipped_store", 3), ("extra_stop", 4), ("market", 5)]

_READ = """() => {
  const titles = Array.from(document.querySelectorAll('[title]')).map(e => e.title);
  return [document.body.innerText, ...titles].join('\\n');
}"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def pages() -> dict[str, Path]:
    """Every page in zh: day reports, team index and overview, assessment pages,
    scorecards and the 5-day assessment."""
    OUT.mkdir(parents=True, exist_ok=True)
    out: dict[str, Path] = {}
    results = OUT / "results"
    results.mkdir(exist_ok=True)
    for scenario, seed in DAYS:
        result = verify_generated(generate_day(scenario, seed, manager_id=f"M{seed}"))
        out[f"day-{scenario}"] = write_day(
            result, results / f"M{seed}.html", lang="zh", tiles="none", offline=True
        )
        (results / f"M{seed}.json").write_text(json.dumps(result.to_dict()), encoding="utf-8")
    out["team-index"] = write_team_report(
        results, OUT / "team", lang="zh", tiles="none", offline=True
    )
    out["team-overview"] = OUT / "team" / OVERVIEW_NAME
    data = ("--data", str(SAMPLE))
    marketing = ("--marketing", str(SAMPLE / "marketing"))
    window = ("--from", START, "--to", DAY)
    commands = {
        "buyers": ["buyers", *data, "--as-of", "2026-12-01"],
        "buyers-due": ["buyers", *data, "--as-of", "2026-12-01", "--view", "due"],
        "orders": ["orders", *data, "--as-of", "2026-12-01"],
        "agency": ["agency", *data, "--as-of", "2026-12-01"],
        "keywords": ["keywords", *data, *marketing, *window],
        "supervisor": ["supervisor", "GM1", *data, *marketing, *window],
        "chat-trend": ["chat-trend", *data, *marketing, *window],
    }
    for name, args in commands.items():
        path = OUT / f"{name}.html"
        assert cli_main(["assess", *args, "--lang", "zh", "--html", str(path)]) in (0, 1)
        out[name] = path
    assess = OUT / "scorecards"
    for args in (["day", "--date", DAY], ["five-day", "--manager", "F11", "--start", START]):
        assert cli_main(["assess", *args, *FOLDERS, "--out", str(assess), "--lang", "zh"]) == 0
    out["scorecards"] = assess / f"scorecards-{DAY}.html"
    out["five-day"] = assess / f"five-day-F11-{START}.html"
    return out


def latin_words(text: str) -> set[str]:
    """Latin-letter words of ``text`` that are neither ids nor allowed."""
    words = re.findall(r"[A-Za-z][A-Za-z0-9_]*", text)
    return {w for w in words if not re.search(r"\d", w) and w not in ALLOWED}


def test_latin_words_finds_english() -> None:
    assert latin_words("首店 S60636 于 07:19 到达，2 km, GPS") == set()
    assert latin_words("onsite 8/8 · phone 5/5 · 10 fps") == {"onsite", "phone", "fps"}


@pytest.mark.parametrize(
    "name",
    [f"day-{s}" for s, _ in DAYS] + ["team-index", "team-overview", "buyers", "buyers-due",
     "orders", "agency", "keywords", "supervisor", "chat-trend", "scorecards", "five-day"],
)  # fmt: skip
def test_page_reads_chinese(browser: Any, pages: dict[str, Path], name: str) -> None:
    page = open_offline(browser, pages[name], 1280, 800)
    assert page.errors == []
    text = str(page.js(_READ))
    assert re.search(r"[\u4e00-\u9fff]", text)
    assert latin_words(text) == set(), name
