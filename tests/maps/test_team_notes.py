"""Several results for one manager-day: the team report says which file it kept and why."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.cli.main import main
from maps.team import write_team_report
from tests.maps.test_team import DATE, _result


def test_the_kept_file_is_named_with_its_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = tmp_path / "results"
    results.mkdir()
    passing, failing = _result("compliant", "M1"), _result("late", "M1")
    assert passing["status"] != failing["status"]
    (results / "a.json").write_text(json.dumps(passing), encoding="utf-8")
    (results / "b.json").write_text(json.dumps(failing), encoding="utf-8")
    (results / "c.json").write_text(json.dumps(_result("compliant", "M2")), encoding="utf-8")
    notes: list[str] = []
    write_team_report(results, tmp_path / "team", notes=notes)
    statuses = ", ".join(sorted([passing["status"], failing["status"]]))
    assert notes == [
        f"manager M1: 2 results for {DATE} (a.json, b.json); kept a.json (the first by file "
        f"name); their verdicts differ ({statuses})"
    ]
    (results / "b.html").write_text("<html></html>", encoding="utf-8")  # a day map wins
    notes.clear()
    write_team_report(results, tmp_path / "team", notes=notes)
    assert "kept b.json (it has a day map)" in notes[0]
    code = main(["report", "--results", str(results), "--out", str(tmp_path / "t2")])
    assert code == 0
    assert "trajcheck report: manager M1: 2 results" in capsys.readouterr().err


def test_the_index_shows_names_where_the_data_has_them() -> None:
    from maps.team import render_team_index

    named = {**_result("compliant", "M1"), "manager_name": "李<伟>"}
    page = render_team_index([named, _result("late", "M2")], date=DATE)
    assert '李&lt;伟&gt; <small class="tc-id">M1</small>' in page
    assert '<td data-sort="M2">M2</td>' in page
