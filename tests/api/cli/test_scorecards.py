"""``trajcheck assess day`` and ``five-day``: scorecards and the 5-day assessment from the
database (``city``: the sample city imported with ``trajcheck assess import``) equal those
of the folder mode."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from api.cli.main import main as cli_main
from tests.helpers.scorecards import DAY, FOLDERS, START, run_cli


class TestCli:
    def test_database_and_folders_agree(self, city: tuple[str, Engine], tmp_path: Path) -> None:
        url = city[0]
        for mode, extra in (("files", FOLDERS), ("db", ("--database-url", url))):
            run_cli(tmp_path / mode, "day", "--date", DAY, *extra)
            run_cli(tmp_path / mode, "five-day", "--manager", "F11", "--start", START, *extra)
        for name in (f"scorecards-{DAY}", f"five-day-F11-{START}"):
            for ext in (".json", ".csv"):
                a = (tmp_path / "files" / name).with_suffix(ext).read_text("utf-8")
                b = (tmp_path / "db" / name).with_suffix(ext).read_text("utf-8")
                assert a == b, name + ext
        fd = json.loads((tmp_path / "db" / f"five-day-F11-{START}.json").read_text("utf-8"))
        assert fd["verdict"] == "fail" and fd["contradicted"] == 2

    def test_days_without_results(self, tmp_path: Path) -> None:
        run_cli(tmp_path, "five-day", "--manager", "F11", "--start", START, *FOLDERS[:4])
        fd = json.loads((tmp_path / f"five-day-F11-{START}.json").read_text("utf-8"))
        assert {c["status"] for c in fd["scorecards"]} == {"no_result"}
        fixes = [f for c in fd["scorecards"] for f in c["fix_tomorrow"]]
        assert (
            "Summary says 9 on-site visits, records 8, track n/a stays: make them agree." in fixes
        )


def test_the_day_table_names_its_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for lang, head in (
        ("en", ["manager", "track", "seen/claimed", "doubtful", "contradicted", "scorecard"]),
        ("zh", ["驻场经理", "轨迹", "印证/上报", "存疑", "否定", "考核"]),
    ):
        capsys.readouterr()
        argv = ["assess", "day", "--date", DAY, *FOLDERS, "--out", str(tmp_path), "--lang", lang]
        assert cli_main(argv) == 0
        lines = capsys.readouterr().out.splitlines()
        assert lines[0].split() == head
        f11 = next(line for line in lines if line.startswith("F11"))
        assert len(f11.split()) >= len(head)  # one value under every column
        if lang == "zh":
            assert not any(c.isascii() and c.isalpha() for c in f11[3:])
