"""``trajcheck assess day`` and ``five-day``: scorecards and the 5-day assessment from the
database (``city``: the sample city imported with ``trajcheck assess import``) equal those
of the folder mode."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy.engine import Engine

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
