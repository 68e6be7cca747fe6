"""Generated links percent-encode every id (issue 14, item 6)."""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import pytest
from fastapi.testclient import TestClient
from starlette.requests import Request

from api.cli import scorecards as cli_scorecards
from api.params import path_part
from api.routes import scorecards as scorecard_routes
from assessment.config import AssessConfig
from assessment.fiveday import five_day_assessment
from assessment.io import read_dataset
from assessment.marketing_config import MarketingConfig
from assessment.marketing_data import read_marketing
from assessment.scorecard import daily_scorecards
from assessment.scorecard_html import render_five_day, render_team_day
from batch.files import day_stem
from maps.team import write_team_report
from tests.helpers.db import Keys
from tests.helpers.samples import SAMPLE
from tests.helpers.service import bearer, small_day
from tests.tracks import DAY
from trajectory.testing.evaluation import verify_generated
from trajectory.testing.scenarios import generate_day

ODD_IDS = ["M%31", "M 1?x=#y", "经理甲", "%E7%94%B2"]


@pytest.mark.parametrize("value", [*ODD_IDS, "a/b"])
def test_path_part_encodes_every_reserved_character(value: str) -> None:
    encoded = path_part(value)
    assert not set(encoded) & set("/?# %") - {"%"}
    assert encoded == quote(value, safe="")


def test_team_index_links_open_the_manager_they_name(client: TestClient, keys: Keys) -> None:
    h = bearer(keys.platform)
    for i, manager in enumerate(["M1", *ODD_IDS]):
        points, tasks = small_day(manager, seed=i)
        assert client.post("/v1/points", json={"points": points}, headers=h).status_code == 200
        # starlette's TestClient unquotes a path httpx has unquoted already: encode twice
        url = f"/v1/managers/{path_part(path_part(manager))}/days/{DAY}"
        assert client.put(url + "/tasks", json={"tasks": tasks}, headers=h).status_code == 200
        assert client.post(url + "/verify", headers=h).status_code == 200, manager
    page = client.get(f"/v1/days/{DAY}/index.html", headers=h).text
    hrefs = [html.unescape(m) for m in re.findall(r'class="tc-day-link" href="([^"]+)"', page)]
    assert len(hrefs) == 5, page[-500:]
    for manager in ODD_IDS:
        expected = f"/v1/managers/{quote(manager, safe='')}/days/{DAY}/report.html"
        assert any(href.startswith(expected) for href in hrefs), (manager, hrefs)
    for href in hrefs:  # a server decodes the path once: the manager the row names
        segment = href.split("/")[3]
        assert unquote(segment) in ["M1", *ODD_IDS], href
        r = client.get(href.replace(segment, quote(segment, safe="")), headers=h)
        assert r.status_code == 200, (href, r.text[:200])


# ------------------------------------------------------------------ scorecards, five-day pages

LINK_IDS = [*ODD_IDS, "a/b"]
_HREF = re.compile(r'<a href="([^"]+)">')


@pytest.fixture(scope="module")
def marketing_sample() -> tuple[Any, Any, list[dict[str, Any]]]:
    data, _ = read_dataset(SAMPLE)
    mk, _ = read_marketing(SAMPLE / "marketing")
    bodies = [
        json.loads(p.read_text(encoding="utf-8"))
        for p in sorted((SAMPLE / "marketing" / "results").glob("*/days/*.json"))
    ]
    return data, mk, bodies


def _service_link() -> Callable[[str, str], str]:
    return scorecard_routes._map_link(
        Request({"type": "http", "root_path": "", "headers": []}), "en"
    )


def _managers_linked(page: str) -> list[str]:
    """The manager of every report link of a page, as a server decodes the path once."""
    out = []
    for href in (html.unescape(h) for h in _HREF.findall(page)):
        assert not set(href.split("?")[0]) & set(" #") and href.count("?") == 1, href
        out.append(unquote(href.split("/")[3]))
    return out


def test_scorecard_page_links_encode_ids(marketing_sample: Any) -> None:
    data, mk, bodies = marketing_sample
    sc = daily_scorecards(
        data,
        mk,
        bodies,
        dt.date(2026, 11, 18),
        config=MarketingConfig(),
        assess_config=AssessConfig(),
    )
    cards = sc.cards[sc.cards["status"] != "no_result"].head(len(LINK_IDS)).copy()
    assert len(cards) == len(LINK_IDS)
    cards["manager_id"] = LINK_IDS
    page = render_team_day(cards, dt.date(2026, 11, 18), map_link=_service_link())
    assert _managers_linked(page) == LINK_IDS


@pytest.mark.parametrize("manager", LINK_IDS)
def test_five_day_page_links_encode_ids(marketing_sample: Any, manager: str) -> None:
    data, mk, bodies = marketing_sample
    fd = five_day_assessment(
        data, mk, bodies, "F11", dt.date(2026, 11, 16),
        config=MarketingConfig(), assess_config=AssessConfig(),
    )  # fmt: skip
    fd.cards["manager_id"] = manager
    linked = _managers_linked(render_five_day(fd, map_link=_service_link()))
    assert linked and set(linked) == {manager}


@pytest.mark.parametrize("manager", LINK_IDS)
def test_cli_scorecard_links_open_the_manager_file(tmp_path: Path, manager: str) -> None:
    results, out = tmp_path / "results", tmp_path / "cards"
    target = results / "2026-11-18" / "days" / f"{day_stem(manager)}.html"
    target.parent.mkdir(parents=True)
    target.write_text("<html></html>", encoding="utf-8")
    link = cli_scorecards._map_link(argparse.Namespace(results=results, out=out))
    href = link(manager, "2026-11-18")
    assert not set(href) & set(" ?#"), href
    assert (out / unquote(href)).resolve() == target.resolve()


def test_offline_team_index_links_open_the_manager_file(tmp_path: Path) -> None:
    results = tmp_path / "results"
    results.mkdir()
    for manager in LINK_IDS:
        day = generate_day("compliant", 1, manager_id=manager, date=DAY)
        stem = results / day_stem(manager)
        stem.with_suffix(".json").write_text(
            json.dumps(verify_generated(day).to_dict()), encoding="utf-8"
        )
        stem.with_suffix(".html").write_text(manager, encoding="utf-8")
    out = tmp_path / "team"
    page = write_team_report(results, out).read_text(encoding="utf-8")
    rows = re.findall(r'data-manager="([^"]*)".*?class="tc-day-link" href="([^"]+)"', page, re.S)
    assert sorted(html.unescape(m) for m, _ in rows) == sorted(LINK_IDS)
    for manager, href in rows:
        href = html.unescape(href)
        assert not set(href) & set(" ?#"), href
        opened = (out / unquote(href)).read_text(encoding="utf-8")
        assert opened == html.unescape(manager)
