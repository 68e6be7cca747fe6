"""The duties beside the scorecard through the API (issue 15, items 6, 7, 12): the same
bodies as ``trajcheck assess keywords|supervisor|chat-trend --json`` on the folders,
supervisors limited to their teams, bad input a 4xx naming the field."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.cli.main import main as cli_main
from tests.helpers.assess_service import Keys, client_for, make_keys
from tests.helpers.samples import SAMPLE
from tests.helpers.scorecards import MK

WEEK = {"from": "2026-11-16", "to": "2026-11-20"}
QUEUE, TREND = "/v1/assess/keywords/queue", "/v1/assess/chat-trend"
HELP = "/v1/assess/supervisors/{}/help"
AGENCY = "/v1/assess/agency-conflicts"


@pytest.fixture(scope="module")
def api(city: tuple[str, Engine]) -> Iterator[tuple[TestClient, Keys]]:
    keys = make_keys(city[1])
    with client_for(city[1]) as c:
        yield c, keys


def _get(api: tuple[TestClient, Keys], who: str, path: str, **params: str) -> Any:
    client, keys = api
    return client.get(path, params=params, headers=Keys.h(getattr(keys, who)))


def _cli(tmp: Path, *args: str) -> Any:
    out = tmp / "out.json"
    folders = ("--data", str(SAMPLE), "--marketing", str(MK))
    dates = ("--from", WEEK["from"], "--to", WEEK["to"])
    assert cli_main(["assess", *args, *dates, *folders, "--json", str(out)]) == 0
    return json.loads(out.read_text("utf-8"))


@pytest.mark.parametrize(
    ("path", "cli"),
    [(QUEUE, ("keywords",)), (TREND, ("chat-trend",)), (HELP.format("GM2"), ("supervisor", "GM2"))],
)
def test_api_equals_the_cli_on_the_folders(
    api: tuple[TestClient, Keys], tmp_path: Path, path: str, cli: tuple[str, ...]
) -> None:
    r = _get(api, "platform", path, **WEEK)
    assert r.status_code == 200, r.text
    assert r.json() == _cli(tmp_path, *cli)


def test_keyword_queue_body(api: tuple[TestClient, Keys]) -> None:
    """管理中心将原因转换成关键词: the queue, each reason with suggestions, and the agreement."""
    body = _get(api, "platform", QUEUE, **WEEK).json()
    assert body["total"] == 20 and (round(body["agreement"] * body["tried"]), body["tried"]) == (
        12,
        14,
    )
    assert all(item["suggested"] for item in body["items"])
    north = _get(api, "north", QUEUE, **WEEK).json()["items"]
    assert north and {i["team_id"] for i in north} == {"north"}
    f11 = _get(api, "north", QUEUE, manager_id="F11", **WEEK).json()["items"]
    assert f11 and {i["manager_id"] for i in f11} == {"F11"}


def test_supervisor_help_body(api: tuple[TestClient, Keys]) -> None:
    """物流行政区总经理或城市总监每日对未达成目标的驻场经理帮扶: on the supervisor's own page."""
    body = _get(api, "north", HELP.format("GM1"), **WEEK).json()
    assert (body["due"], body["helped"], body["open"]) == (4, 4, 0)
    assert {i["manager_id"] for i in body["items"]} <= {"F11", "F12", "F13"}
    assert body["plans"] and {p["gap_causes"] for p in body["plans"]} == {"method", "process"}
    cd = _get(api, "admin", HELP.format("CD1"), **WEEK).json()
    assert cd["due"] == 13 and not any(i["helped_by_you"] for i in cd["items"])


def test_chat_trend_body(api: tuple[TestClient, Keys]) -> None:
    """需不断提高聊一聊买家数: per manager and week."""
    body = _get(api, "south", TREND, **WEEK).json()
    assert [i["manager_id"] for i in body["items"]] == ["F21", "F22", "F23"]
    assert {(i["week"], i["trend"]) for i in body["items"]} == {("2026-11-16", "first")}


def test_agency_conflicts(api: tuple[TestClient, Keys], tmp_path: Path) -> None:
    """老一批代理品牌: the lines supplying an agent its own brand, as the CLI lists them."""
    body = _get(api, "north", AGENCY, as_of="2026-12-01").json()
    out = tmp_path / "a.json"
    args = ["assess", "agency", "--data", str(SAMPLE), "--as-of", "2026-12-01", "--json", str(out)]
    assert cli_main(args) == 0
    assert body["items"] == json.loads(out.read_text("utf-8")) and body["total"] == 1
    assert _get(api, "south", AGENCY).json()["total"] == 0
    page = _get(api, "north", AGENCY + ".html", lang="zh")
    assert page.status_code == 200 and "老一批代理品牌" in page.text


@pytest.mark.parametrize(
    ("path", "lang", "words"),
    [
        (QUEUE + ".html", "zh", "待转换关键词的原因"),
        (HELP.format("GM1") + ".html", "zh", "每日帮扶"),
        (TREND + ".html", "zh", "聊一聊买家数"),
        (TREND + ".html", "en", "Chat buyers per manager and week"),
    ],
)
def test_pages(api: tuple[TestClient, Keys], path: str, lang: str, words: str) -> None:
    r = _get(api, "north", path, lang=lang, **WEEK)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert words in r.text and "F21" not in r.text


@pytest.mark.parametrize(
    ("who", "path", "params", "status", "field"),
    [
        ("south", QUEUE, {"team_id": "north"}, 403, None),
        ("south", TREND, {"manager_id": "F11"}, 403, None),
        ("south", HELP.format("GM1"), {}, 403, None),
        ("north", HELP.format("CD1"), {}, 403, None),  # the director has no team
        ("north", HELP.format("NOBODY"), {}, 403, None),
        ("platform", HELP.format("NOBODY"), {}, 404, None),
        ("platform", HELP.format("F11"), {}, 422, "supervisor_id"),
        ("platform", QUEUE, {"from": "2026-11-21", "to": "2026-11-20"}, 422, "from"),
        ("platform", TREND, {"from": "2026-01-01", "to": "2026-11-20"}, 422, "from"),
        ("platform", QUEUE, {"from": "1999-12-31", "to": "2026-11-20"}, 422, "from"),
        ("platform", QUEUE, {"from": "20261116"}, 422, "from"),
        ("platform", QUEUE + ".html", {"lang": "fr"}, 422, "lang"),
        ("south", AGENCY, {"manager_id": "F11"}, 403, None),
        ("platform", AGENCY, {"as_of": "2101-01-01"}, 422, "as_of"),
    ],
)
def test_refusals(
    api: tuple[TestClient, Keys], who: str, path: str, params: dict[str, str], status: int,
    field: str | None,
) -> None:  # fmt: skip
    r = _get(api, who, path, **{**WEEK, **params})
    assert r.status_code == status, r.text
    assert r.json()["detail"]
    if field is not None:
        assert field in r.text


def test_401_without_a_key(api: tuple[TestClient, Keys]) -> None:
    client, _ = api
    for path in (QUEUE, TREND + ".html", HELP.format("GM1")):
        assert client.get(path).status_code == 401
