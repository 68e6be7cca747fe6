"""What a person meets at the terminal: a summary instead of JSON, ``--json -``, ``--version``,
help texts on every option, and a ``--help`` that loads none of the heavy libraries."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from api.cli.main import main, parser
from tests.helpers.samples import SAMPLES

LATE = SAMPLES / "late"
ARGV = ["verify", "--track", str(LATE / "track.csv"), "--tasks", str(LATE / "tasks.csv")]


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    return code, capsys.readouterr().out


def test_summary_on_a_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    code, out = _run(ARGV, capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[1] == "Overall: FAIL"
    assert any(x.strip().startswith("On-time arrival") and " fail " in x for x in lines)
    assert "62 min after the 07:30 deadline" in out
    assert "Stays vs on-site visits: 10 stays" in out and "Track integrity: clean" in out
    assert "{" not in out  # no JSON for a person
    code, out = _run([*ARGV, "--lang", "zh"], capsys)
    assert "总体结论: 不通过" in out or "总体结论:" in out
    assert "准时到达" in out and "停留点与到店拜访" in out


def test_json_when_piped_or_asked(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    code, out = _run(ARGV, capsys)  # captured stdout is not a terminal
    assert code == 0 and json.loads(out)["status"] == "fail"
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    code, out = _run([*ARGV, "--json", "-"], capsys)
    assert json.loads(out)["checks"]["on_time_arrival"]["status"] == "fail"
    target = tmp_path / "day.json"
    code, out = _run([*ARGV, "--json", str(target)], capsys)
    assert json.loads(target.read_text("utf-8"))["manager_id"] == "M3946"
    assert out.startswith("Manager M3946")  # the file for programs, the summary for the person


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.startswith("trajcheck ")


def _actions(
    p: argparse.ArgumentParser, path: str = "trajcheck"
) -> list[tuple[str, argparse.Action]]:
    out = []
    for action in p._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                out += _actions(child, f"{path} {name}")
        elif not isinstance(action, argparse._HelpAction | argparse._VersionAction):
            out.append((path, action))
    return out


def test_every_option_has_help() -> None:
    missing = [
        f"{path} {'/'.join(a.option_strings) or a.dest}"
        for path, a in _actions(parser())
        if not a.help
    ]
    assert missing == []


def test_help_imports_no_heavy_library() -> None:
    """``trajcheck --help`` answers at once: the commands load pandas, numba, SQLAlchemy,
    SciPy and the web stack only when they run."""
    code = (
        "import sys, contextlib, io\n"
        "from api.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    main(['--help'])\n"
        "heavy = ('pandas', 'numpy', 'numba', 'sqlalchemy', 'scipy', 'fastapi', 'pydantic',\n"
        "         'folium')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
