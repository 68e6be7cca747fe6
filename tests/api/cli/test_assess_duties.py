"""``trajcheck assess keywords|supervisor|chat-trend`` and ``reassign|history --data``
(issue 15, items 6, 7, 12): every rule from the command line, on folders."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from api.cli.main import main
from tests.helpers.samples import SAMPLE

MK = SAMPLE / "marketing"
FOLDERS = ("--data", str(SAMPLE), "--marketing", str(MK))
WEEK = ("--from", "2026-11-16", "--to", "2026-11-20")


def test_keywords_writes_the_queue(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """管理中心将原因转换成关键词: the queue as JSON, CSV and a page; the agreement printed."""
    out = tmp_path / "q"
    args = ["assess", "keywords", *WEEK, *FOLDERS, "--lang", "zh", "--team", "north",
            "--json", f"{out}.json", "--csv", f"{out}.csv", "--html", f"{out}.html"]  # fmt: skip
    assert main(args) == 0
    assert "12 of 14 keyed reasons" in capsys.readouterr().out
    body = json.loads((tmp_path / "q.json").read_text("utf-8"))
    assert body["total"] > 0 and {i["team_id"] for i in body["items"]} == {"north"}
    text = (tmp_path / "q.csv").read_text("utf-8-sig")
    rows = list(csv.DictReader(text.splitlines()))
    assert len(rows) == body["total"] and rows[0]["suggested"] == "; ".join(
        body["items"][0]["suggested"]
    )
    assert "待转换关键词的原因" in (tmp_path / "q.html").read_text("utf-8")


def test_supervisor_and_chat_trend(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """物流行政区总经理或城市总监每日对未达成目标的驻场经理帮扶; 需不断提高聊一聊买家数."""
    page = tmp_path / "gm1.html"
    assert main(["assess", "supervisor", "GM1", *WEEK, *FOLDERS, "--html", str(page)]) == 0
    assert "GM1 2026-11-16 .. 2026-11-20: owed 4, helped 4, open 0" in capsys.readouterr().out
    assert "Daily help owed by GM1" in page.read_text("utf-8")
    assert main(["assess", "chat-trend", *WEEK, *FOLDERS, "--manager", "F11"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split() == ["F11", "2026-11-16", "5", "5", "first"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["supervisor", "NOBODY", *WEEK, *FOLDERS], "field person_id: no person 'NOBODY'"),
        (["supervisor", "F11", *WEEK, *FOLDERS], "field role: 'F11' is a field_manager"),
        (["keywords", "--from", "2026-11-21", "--to", "2026-11-20", *FOLDERS], "--from"),
        (["chat-trend", "--from", "2026-01-01", "--to", "2026-11-20", *FOLDERS], "92 days"),
        (["keywords", "--from", "16.11.2026", *FOLDERS], "--from"),
        (["keywords", *WEEK, "--data", str(SAMPLE)], "--marketing"),
    ],
)
def test_bad_input_is_exit_2_naming_it(
    args: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["assess", *args]) == 2
    assert words in capsys.readouterr().err


def test_agency_lists_agents_supplied_their_brand(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """老一批代理品牌: 平台不向厂家区域代理商供应其代理品牌的商品."""
    page = tmp_path / "agency.html"
    args = ["assess", "agency", "--data", str(SAMPLE), "--as-of", "2026-12-01",
            "--html", str(page), "--lang", "zh"]  # fmt: skip
    assert main(args) == 0
    assert "order       B004 华都代理 O00456 12 boxes" in capsys.readouterr().out
    assert "向代理商供应其代理品牌" in page.read_text("utf-8")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Part 1's sample exports, copied (the folder is rewritten)."""
    out = tmp_path / "city"
    out.mkdir()
    for f in SAMPLE.glob("*.csv"):
        shutil.copy(f, out / f.name)
    return out


def _row(folder: Path, buyer: str) -> dict[str, str]:
    with (folder / "buyers.csv").open(encoding="utf-8-sig") as f:
        return next(r for r in csv.DictReader(f) if r["buyer_id"] == buyer)


class TestReassignInAFolder:
    """驻场经理对激活客户具有专属营销权, 2个月内未激活的目标客户需分配给其他驻场经理."""

    def test_due_buyer_moves_and_its_window_starts_again(
        self, folder: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        before = (folder / "buyers.csv").read_text("utf-8").splitlines()
        args = ["assess", "reassign", "B021", "--to", "F22", "--at", "2026-12-01",
                "--reason", "due since 2026-10-01", "--data", str(folder)]  # fmt: skip
        assert main(args) == 0
        assert json.loads(capsys.readouterr().out)["from_manager_id"] == "F23"
        after = (folder / "buyers.csv").read_text("utf-8").splitlines()
        changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
        assert len(changed) == 1  # only B021's row; every other cell as it was
        assert (_row(folder, "B021")["manager_id"], _row(folder, "B021")["assigned_at"]) == (
            "F22",
            "2026-12-01 00:00:00",
        )
        assert main(["assess", "buyers", "--data", str(folder), "--as-of", "2026-12-02",
                     "--manager", "F22", "--json", str(folder / "out.json")]) == 0  # fmt: skip
        b021 = next(
            b for b in json.loads((folder / "out.json").read_text("utf-8"))
            if b["buyer_id"] == "B021"
        )  # fmt: skip
        assert b021["rights"] == "window"
        capsys.readouterr()
        assert main(["assess", "history", "B021", "--data", str(folder)]) == 0
        [entry] = json.loads(capsys.readouterr().out)
        assert entry["reason"] == "due since 2026-10-01" and entry["from_manager_id"] == "F23"

    @pytest.mark.parametrize(
        ("extra", "field"),
        [
            (["--to", "F21", "--at", "2026-12-02"], "field buyer_id: 409"),  # inside 2 months
            (["--to", "F21", "--at", "2026-12-02", "--force"], "field reason: 422"),
            (["--to", "CD1", "--at", "2026-12-02"], "field manager_id: 422"),
        ],
    )
    def test_refusals_name_the_row_and_change_nothing(
        self, folder: Path, extra: list[str], field: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        first = ["assess", "reassign", "B021", "--to", "F22", "--at", "2026-12-01",
                 "--data", str(folder)]  # fmt: skip
        assert main(first) == 0
        before = (folder / "buyers.csv").read_bytes()
        assert main(["assess", "reassign", "B021", *extra, "--data", str(folder)]) == 2
        err = capsys.readouterr().err
        assert "buyers.csv, row 21" in err and field in err
        assert (folder / "buyers.csv").read_bytes() == before

    def test_history_lists_every_hand_over(
        self, folder: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        for to, at, extra in (("F22", "2026-12-01", []),
                              ("F21", "2026-12-02", ["--force", "--reason", "boss"])):  # fmt: skip
            assert main(["assess", "reassign", "B021", "--to", to, "--at", at, *extra,
                         "--data", str(folder)]) == 0  # fmt: skip
        capsys.readouterr()
        assert main(["assess", "history", "B021", "--data", str(folder)]) == 0
        items = json.loads(capsys.readouterr().out)
        assert [(i["manager_id"], i["forced"], i["reason"]) for i in items] == [
            ("F22", False, ""),
            ("F21", True, "boss"),
        ]
