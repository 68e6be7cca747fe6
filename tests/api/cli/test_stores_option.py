"""``trajcheck verify --stores`` and ``trajcheck daily --stores``: a store master names the
stays at no task store (issue 17, item 1)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from api.cli.main import main
from tests.helpers.samples import SAMPLES
from trajectory.crs import convert

DAY = SAMPLES / "extra_stop"
ARGV = [
    "verify",
    "--track",
    str(DAY / "track.csv"),
    "--tasks",
    str(DAY / "tasks.csv"),
    "--config",
    str(DAY / "config.toml"),
    "--json",
    "-",
]


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def _unexplained(body: dict[str, Any]) -> dict[str, Any]:
    stays: list[dict[str, Any]] = [
        s
        for s in body["stay_points"]
        if s["store_id"] is None and s["exempt"] is None and not s["ambiguous_store_ids"]
    ]
    assert len(stays) == 1  # the sample's one unexplained stop
    return stays[0]


@pytest.fixture(scope="module")
def stay() -> dict[str, Any]:
    """The sample day's unexplained stay, verified without a master."""
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(ARGV) == 0
    return _unexplained(json.loads(buf.getvalue()))


def _master(path: Path, stay: dict[str, Any], crs: str = "gcj02") -> Path:
    """2,000 stores 1.5-5 km from the stay and a buyer 20 m north of it, in ``crs``."""
    rng = np.random.default_rng(1)
    r = rng.uniform(1500, 5000, 2000) / 111_195
    a = rng.uniform(0, 2 * np.pi, 2000)
    lat = np.r_[stay["lat"] + r * np.cos(a), stay["lat"] + 20 / 111_195]
    lon = np.r_[stay["lon"] + r * np.sin(a) / np.cos(np.radians(stay["lat"])), stay["lon"]]
    lat, lon = convert(lat, lon, "wgs84", crs)
    lines = ["store_id,store_name,lat,lon,kind"]
    rows = enumerate(zip(lat, lon, strict=True))
    lines += [f"S{i},store {i},{la:.7f},{lo:.7f},store" for i, (la, lo) in rows]
    lines[-1] = f"B123,老陈海鲜,{lat[-1]:.7f},{lon[-1]:.7f},buyer"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_verify_names_the_off_list_stay(
    tmp_path: Path, stay: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    master = _master(tmp_path / "master.csv", stay)
    code, out, _ = _run([*ARGV, "--stores", str(master), "--stores-crs", "gcj02"], capsys)
    assert code == 0
    named = _unexplained(json.loads(out))["nearest_known"]
    assert named["id"] == "B123" and named["kind"] == "buyer" and named["name"] == "老陈海鲜"
    assert 10 < named["distance_m"] < 30


def test_the_stores_crs_defaults_to_the_store_crs(
    tmp_path: Path, stay: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    """Read as WGS-84 the GCJ-02 master lies 500 m off: an honest null."""
    master = _master(tmp_path / "master.csv", stay)
    code, out, _ = _run([*ARGV, "--stores", str(master)], capsys)
    assert code == 0
    assert _unexplained(json.loads(out))["nearest_known"] is None


def test_a_bad_master_row_names_file_row_and_field(
    tmp_path: Path, stay: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    master = _master(tmp_path / "master.csv", stay, crs="wgs84")
    lines = master.read_text(encoding="utf-8").splitlines()
    lines[5] = "S4,store 4,31.2,not-a-lon,store"
    master.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, _, err = _run([*ARGV, "--stores", str(master)], capsys)
    assert code == 2
    assert f"{master}, row 5, field lon: not a number" in err
    code, out, err = _run([*ARGV, "--stores", str(master), "--skip-bad-rows"], capsys)
    assert code == 0 and "1 bad rows of the store master left out" in err
    assert _unexplained(json.loads(out))["nearest_known"]["id"] == "B123"


def test_a_missing_master(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run([*ARGV, "--stores", str(tmp_path / "none.csv")], capsys)
    assert code == 2 and "none.csv: no such file" in err


def test_daily_names_the_off_list_stay(
    tmp_path: Path, stay: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    master = _master(tmp_path / "master.csv", stay, crs="bd09")
    out_dir = tmp_path / "run"
    argv = [
        "daily",
        "--date",
        "2026-11-20",
        "--tracks",
        str(DAY / "track.csv"),
        "--tasks",
        str(DAY / "tasks.csv"),
        "--config",
        str(DAY / "config.toml"),
        "--stores",
        str(master),
        "--stores-crs",
        "bd09",
        "--out",
        str(out_dir),
        "--no-maps",
        "--workers",
        "1",
        "--progress",
        "none",
    ]
    code, _, err = _run(argv, capsys)
    assert code == 0, err
    (result,) = (out_dir / "days").glob("*.json")
    body = json.loads(result.read_text(encoding="utf-8"))
    assert _unexplained(body)["nearest_known"]["id"] == "B123"


def test_the_terminal_summary_names_the_place(
    tmp_path: Path,
    stay: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sys

    master = _master(tmp_path / "master.csv", stay, crs="wgs84")
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    argv = [a for a in ARGV if a not in ("--json", "-")]
    code, out, _ = _run([*argv, "--stores", str(master)], capsys)
    assert code == 0
    assert f"Stay {stay['id']} (" in out
    assert "min): not on today's list: buyer 老陈海鲜 (B123), 20 m" in out
