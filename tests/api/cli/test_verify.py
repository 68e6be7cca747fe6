"""``trajcheck verify``, ``demo`` and ``report`` (api/cli/verify.py): golden sample days and
bad input."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from api.cli.main import main
from tests.helpers.samples import CHECKS, SAMPLE_DAYS, SAMPLES

GOOD_TRACK = (
    "manager_id,timestamp,lat,lon\n"
    "m1,2026-11-20T07:00:00+08:00,31.2300,121.4700\n"
    "m1,2026-11-20T07:00:05+08:00,31.2300,121.4700\n"
)
TASKS = (
    "manager_id,date,seq,store_id,store_name,lat,lon,method\n"
    "m1,2026-11-20,1,S1,一号店,31.2300,121.4700,onsite\n"
)


def _verify_argv(day: Path) -> list[str]:
    return ["verify", "--track", str(day / "track.csv"), "--tasks", str(day / "tasks.csv")]


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


class TestVerifySamples:
    @pytest.mark.parametrize("name", SAMPLE_DAYS)
    def test_sample_day_verdicts(self, name: str, capsys: pytest.CaptureFixture[str]) -> None:
        day = SAMPLES / name
        expected = json.loads((day / "expected.json").read_text(encoding="utf-8"))
        argv = [
            "verify",
            "--track",
            str(day / "track.csv"),
            "--tasks",
            str(day / "tasks.csv"),
            "--track-crs",
            expected["track_crs"],
            "--store-crs",
            expected["store_crs"],
        ]
        if (day / "config.toml").is_file():
            argv += ["--config", str(day / "config.toml")]
        code, out, err = _run(argv, capsys)
        assert code == 0, err
        result = json.loads(out)
        for check in CHECKS:
            got = result["checks"][check]
            want = expected["expected"][check]
            # Never the opposite verdict; "inconclusive" is allowed only where the GPS
            # cannot tell (market stalls closer than the noise).
            if name == "market":
                assert got["status"] in ("pass" if want else "fail", "inconclusive"), (check, got)
            else:
                assert got["passed"] is want, (check, got["reason"])
        visited = {s["store_id"] for s in result["stores"] if s["visited"]}
        if name != "market":
            assert visited == set(expected["visited_store_ids"])
        else:
            assert visited <= set(expected["visited_store_ids"])

    def test_json_file_output_and_contract_keys(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        day = SAMPLES / "late"
        out_file = tmp_path / "r" / "late.json"
        code, out, _ = _run(
            [
                *_verify_argv(day),
                "--json",
                str(out_file),
            ],
            capsys,
        )
        assert code == 0
        assert out == ""
        result = json.loads(out_file.read_text(encoding="utf-8"))
        assert {
            "manager_id",
            "date",
            "timezone",
            "stay_points",
            "stores",
            "checks",
            "passed",
        } <= set(result)
        assert {
            "id",
            "lat",
            "lon",
            "arrival",
            "departure",
            "duration_s",
            "n_points",
            "store_id",
            "distance_m",
        } <= set(result["stay_points"][0])
        assert {"store_id", "visited", "stay_id", "arrival", "departure"} <= set(
            result["stores"][0]
        )
        assert {"passed", "deadline", "first_store_id", "arrival", "status", "reason"} <= set(
            result["checks"]["on_time_arrival"]
        )
        assert {"passed", "unmatched_stay_ids", "unvisited_store_ids"} <= set(
            result["checks"]["trajectory_clear"]
        )
        assert {"passed", "stay_points", "onsite_visits"} <= set(
            result["checks"]["visit_count_match"]
        )
        assert result["stay_points"][0]["arrival"].endswith("+08:00")
        assert result["checks"]["on_time_arrival"]["deadline"] == "2026-11-20T07:30:00+08:00"

    def test_html_map_report(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        day = SAMPLES / "late"
        html = tmp_path / "maps" / "late.html"
        code, out, _ = _run(
            [
                *_verify_argv(day),
                "--html",
                str(html),
                "--lang",
                "zh",
            ],
            capsys,
        )
        assert code == 0
        page = html.read_text(encoding="utf-8")
        assert "leaflet" in page.lower()
        assert "准时到达" in page
        assert json.loads(out)["manager_id"] in page

    def test_html_map_report_offline(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        html = tmp_path / "late.html"
        argv = [*_verify_argv(SAMPLES / "late"), "--html", str(html), "--offline"]
        code, _, err = _run(argv, capsys)
        assert (code, err) == (0, "")
        page = html.read_text(encoding="utf-8")
        assert '<script data-vendored="leaflet-1.9.3/leaflet.js">' in page
        assert not re.search(r"<(script|link)\b[^>]*\b(src|href)=", page)
        assert "L.tileLayer" not in page  # offline: no tiles unless --tiles is given
        assert _run([*argv, "--tiles", "osm"], capsys)[0] == 0
        assert "tile.openstreetmap.org" in html.read_text(encoding="utf-8")

    def test_console_script_runs(self, tmp_path: Path) -> None:
        exe = shutil.which("trajcheck") or str(Path(sys.executable).parent / "trajcheck")
        (tmp_path / "t.csv").write_text(GOOD_TRACK, encoding="utf-8")
        (tmp_path / "k.csv").write_text(TASKS, encoding="utf-8")
        proc = subprocess.run(
            [exe, "verify", "--track", str(tmp_path / "t.csv"), "--tasks", str(tmp_path / "k.csv")],
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout)["manager_id"] == "m1"


BAD_TRACKS = {
    "missing_column": (
        "manager_id,timestamp,lat\nm1,2026-11-20T07:00:00+08:00,31.2\n",
        "t.csv, field lon: missing required column; "
        "expected manager_id,timestamp,lat,lon[,accuracy_m,speed_mps]",
    ),
    "bad_timestamp": (
        GOOD_TRACK + "m1,yesterday,31.23,121.47\n",
        "t.csv, row 3, field timestamp: not ISO 8601, naive local time or epoch seconds "
        "(got 'yesterday')",
    ),
    "lat_999": (
        GOOD_TRACK + "m1,2026-11-20T07:00:10+08:00,999,121.47\n",
        "t.csv, row 3, field lat: out of range [-90, 90] (got 999)",
    ),
    "empty_file": ("", "t.csv: empty file: no header"),
    "header_only": ("manager_id,timestamp,lat,lon\n", "t.csv: no data rows"),
    "wrong_delimiter": (
        "manager_id timestamp lat lon\nm1 2026-11-20T07:00:00+08:00 31.2 121.4\n",
        "t.csv: header has no recognisable columns (got 'manager_id timestamp lat lon'); expected "
        "columns manager_id,timestamp,lat,lon[,accuracy_m,speed_mps] separated by commas, tabs or "
        "semicolons",
    ),
    "mixed_time_zones": (
        GOOD_TRACK + "m1,2026-11-20 07:00:10,31.23,121.47\n",
        "t.csv, row 3, field timestamp: mixes naive local times and times with a UTC offset; "
        "use one form",
    ),
}


class TestVerifyBadInput:
    @pytest.mark.parametrize("case", sorted(BAD_TRACKS))
    def test_bad_track_exits_2_with_one_line(
        self,
        case: str,
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        text, message = BAD_TRACKS[case]
        monkeypatch.chdir(tmp_path)
        Path("t.csv").write_text(text, encoding="utf-8")
        Path("k.csv").write_text(TASKS, encoding="utf-8")
        code, out, err = _run(["verify", "--track", "t.csv", "--tasks", "k.csv"], capsys)
        assert code == 2
        assert out == ""
        assert err == f"trajcheck: error: {message}\n"

    def test_skip_bad_rows_keeps_the_good_rows(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.chdir(tmp_path)
        Path("t.csv").write_text(
            GOOD_TRACK + "m1,2026-11-20T07:00:10+08:00,999,121.47\n", encoding="utf-8"
        )
        Path("k.csv").write_text(TASKS, encoding="utf-8")
        code, out, _ = _run(
            ["verify", "--track", "t.csv", "--tasks", "k.csv", "--skip-bad-rows"], capsys
        )
        assert code == 0
        result = json.loads(out)
        assert result["rejected_rows"] == [
            {
                "source": "t.csv",
                "row": 3,
                "field": "lat",
                "reason": "out of range [-90, 90] (got 999)",
            }
        ]
        assert result["cleaning"]["input_points"] == 2

    def test_missing_file(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.chdir(tmp_path)
        Path("k.csv").write_text(TASKS, encoding="utf-8")
        code, _, err = _run(["verify", "--track", "nope.csv", "--tasks", "k.csv"], capsys)
        assert (code, err) == (2, "trajcheck: error: nope.csv: no such file\n")

    def test_bad_config(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.chdir(tmp_path)
        Path("t.csv").write_text(GOOD_TRACK, encoding="utf-8")
        Path("k.csv").write_text(TASKS, encoding="utf-8")
        Path("c.toml").write_text("stay_radius_m = -5\n", encoding="utf-8")
        code, _, err = _run(
            ["verify", "--track", "t.csv", "--tasks", "k.csv", "--config", "c.toml"], capsys
        )
        assert (code, err) == (
            2,
            "trajcheck: error: c.toml: stay_radius_m: must be > 0, got -5.0\n",
        )

    def test_track_of_another_manager(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.chdir(tmp_path)
        Path("t.csv").write_text(GOOD_TRACK.replace("m1,", "m2,"), encoding="utf-8")
        Path("k.csv").write_text(TASKS, encoding="utf-8")
        code, _, err = _run(["verify", "--track", "t.csv", "--tasks", "k.csv"], capsys)
        assert (code, err) == (
            2,
            "trajcheck: error: t.csv, field manager_id: the track has no fixes of manager m1 "
            "(it holds m2)\n",
        )


class TestDemo:
    def test_demo_verifies_every_sample(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out, _ = _run(["demo", "--out", str(tmp_path)], capsys)
        assert code == 0
        for name in SAMPLE_DAYS:
            assert name in out
            assert (tmp_path / f"{name}.json").is_file()
            assert (tmp_path / f"{name}.html").is_file()
        assert (tmp_path / "team" / "index.html").is_file()
        assert "index.html" in out
        assert "UNEXPECTED" not in out


class TestReport:
    def test_report_on_the_demo_results(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, _, _ = _run(["demo", "--out", str(tmp_path)], capsys)
        assert code == 0
        team = tmp_path / "team"
        code, out, err = _run(["report", "--results", str(tmp_path), "--out", str(team)], capsys)
        assert (code, err) == (0, "")
        index = team / "index.html"
        assert out.strip() == str(index)
        assert index.is_file()
        assert (team / "overview.html").is_file()
        page = index.read_text(encoding="utf-8")
        for name in SAMPLE_DAYS:
            data = json.loads((tmp_path / f"{name}.json").read_text(encoding="utf-8"))
            assert f'data-manager="{data["manager_id"]}"' in page
            assert f'href="../{name}.html"' in page
        argv = ["report", "--results", str(tmp_path), "--out", str(team), "--offline"]
        assert _run(argv, capsys)[0] == 0
        overview = (team / "overview.html").read_text(encoding="utf-8")
        assert '<script data-vendored="leaflet-1.9.3/leaflet.js">' in overview
        assert not re.search(r"<(script|link)\b[^>]*\b(src|href)=", overview)

    def test_bad_results_folder_exits_2_with_one_line(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        (tmp_path / "broken.json").write_text("{", encoding="utf-8")
        argv = ["report", "--results", str(tmp_path), "--out", str(tmp_path / "team")]
        code, out, err = _run(argv, capsys)
        assert code == 2
        assert out == ""
        assert err.startswith(f"trajcheck: error: {tmp_path / 'broken.json'}: not valid JSON")
        assert err.count("\n") == 1
