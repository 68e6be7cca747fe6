"""``trajcheck daily`` end to end on the sample days: files, Parquet, resume, errors, Dask."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from api.cli.main import main
from batch.parquet import write_day_tracks
from trajectory.io import read_tasks, read_track
from trajectory.pipeline import verify_day

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_tracks"
DAYS = sorted(p for p in SAMPLES.iterdir() if (p / "track.csv").is_file())
DATE = "2026-11-20"
DAY = dt.date(2026, 11, 20)
#: manager_id of each sample day (one manager per sample).
MANAGERS = {
    p.name: (p / "tasks.csv").read_text("utf-8").splitlines()[1].split(",")[0] for p in DAYS
}


def _daily(
    out: Path, *extra: str, tracks: list[Path] | None = None, tasks: list[Path] | None = None
) -> list[str]:
    argv = ["daily", "--date", DATE, "--out", str(out), "--progress", "log"]
    argv += [
        "--tracks",
        *map(str, tracks if tracks is not None else [d / "track.csv" for d in DAYS]),
    ]
    argv += ["--tasks", *map(str, tasks if tasks is not None else [d / "tasks.csv" for d in DAYS])]
    return argv + list(extra)


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    _, err = capsys.readouterr()
    return code, err


def _summary(out: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _results(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((out / "days").glob("*.json"))}


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One sequential run over the six samples, with maps (shared, read-only)."""
    out = tmp_path_factory.mktemp("daily") / "run"
    assert main(_daily(out, "--workers", "1")) == 0
    yield out


class TestFiles:
    def test_every_sample_verified_as_trajcheck_verify_does(self, first_run: Path) -> None:
        summary = _summary(first_run)
        assert summary["managers"] == len(DAYS)
        assert summary["counts"]["error"] == 0
        for day in DAYS:
            manager = MANAGERS[day.name]
            got = json.loads((first_run / "days" / f"{manager}.json").read_text("utf-8"))
            want = verify_day(read_track(day / "track.csv"), read_tasks(day / "tasks.csv"))
            assert got == want.to_dict(), day.name
        row = {r["manager_id"]: r for r in summary["rows"]}["M3946"]  # the late sample
        assert (row["status"], row["on_time_arrival"]) == ("fail", "fail")
        assert row["map"] == "days/M3946.html"

    def test_maps_index_summary_and_parquet(self, first_run: Path) -> None:
        maps = sorted(p.name for p in (first_run / "days").glob("*.html"))
        assert maps == sorted(f"{m}.html" for m in MANAGERS.values())
        index = (first_run / "index.html").read_text(encoding="utf-8")
        assert index.count('class="tc-row"') == len(DAYS)
        assert 'href="days/M3946.html"' in index
        csv_lines = (first_run / "summary.csv").read_text(encoding="utf-8").splitlines()
        assert csv_lines[0].startswith("manager_id,date,status,on_time_arrival")
        assert len(csv_lines) == 1 + len(DAYS)
        table = pq.read_table(first_run / "results.parquet").to_pylist()
        assert sorted(r["manager_id"] for r in table) == sorted(MANAGERS.values())
        assert all(json.loads(r["result_json"])["manager_id"] == r["manager_id"] for r in table)

    def test_rerun_skips_and_force_redoes(
        self, first_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        out = tmp_path / "run"
        shutil.copytree(first_run, out)
        before = _results(out)
        (out / "days" / "M3946.json").unlink()  # as if the run had stopped before it
        (out / "days" / ".M1965.json.x1y2.tmp").write_text('{"manager_id": "M19', "utf-8")
        code, err = _run(_daily(out, "--workers", "1"), capsys)
        assert code == 0, err
        assert "verified 1, skipped 5 already done" in err
        assert _results(out) == before
        assert _summary(out) == _summary(first_run)
        code, err = _run(_daily(out, "--workers", "1", "--force"), capsys)
        assert "verified 6, skipped 0" in err
        assert _results(out) == before

    def test_maps_wanted_later_are_rendered_later(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        out = tmp_path / "run"
        files = {
            "tracks": [SAMPLES / "late" / "track.csv"],
            "tasks": [SAMPLES / "late" / "tasks.csv"],
        }
        code, err = _run(_daily(out, "--no-maps", "--workers", "1", **files), capsys)
        assert code == 0, err
        assert not list((out / "days").glob("*.html"))
        assert _summary(out)["rows"][0]["map"] is None
        code, err = _run(_daily(out, "--workers", "1", **files), capsys)
        assert "verified 1, skipped 0" in err
        assert (out / "days" / "M3946.html").is_file()


class TestErrorsAndMissingData:
    def _setup(self, tmp_path: Path) -> tuple[list[Path], list[Path]]:
        """late with a bad row, compliant's tasks without a track, a track without tasks."""
        late = (SAMPLES / "late" / "track.csv").read_text("utf-8").splitlines()
        parts = late[3].split(",")
        parts[2] = "999"  # data row 3, field lat
        late[3] = ",".join(parts)
        bad = tmp_path / "late.csv"
        bad.write_text("\n".join(late) + "\n", encoding="utf-8")
        extra = tmp_path / "extra.csv"
        text = (SAMPLES / "market" / "track.csv").read_text("utf-8").replace("M3241", "X9")
        extra.write_text(text, encoding="utf-8")
        tracks = [bad, SAMPLES / "market" / "track.csv", extra]
        tasks = [SAMPLES / n / "tasks.csv" for n in ("late", "market", "compliant")]
        return tracks, tasks

    def test_one_bad_manager_never_stops_the_run(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        tracks, tasks = self._setup(tmp_path)
        out = tmp_path / "run"
        code, err = _run(
            _daily(out, "--no-maps", "--workers", "1", tracks=tracks, tasks=tasks), capsys
        )
        assert code == 1
        rows = {r["manager_id"]: r for r in _summary(out)["rows"]}
        assert rows["M3946"]["status"] == "error"
        assert rows["M3946"]["reason"] == (
            f"{tracks[0]}, row 3, field lat: out of range [-90, 90] (got 999)"
        )
        assert rows["M3241"]["status"] == "inconclusive"  # the market sample, unaffected
        assert rows["M1965"]["status"] == "no_gps"
        assert rows["X9"]["status"] == "no_tasks"
        assert not (out / "days" / "M3946.json").exists()
        assert "error: M3946: " in err
        index = (out / "index.html").read_text(encoding="utf-8")
        assert 'class="tc-daily-error"' in index
        assert '<div class="tc-daily-no-gps"><p><b>1 manager(s)' in index
        assert '<li data-manager="X9">X9</li>' in index
        assert index.count('class="tc-row"') == 3

    def test_skip_bad_rows_verifies_and_lists_the_row(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        tracks, tasks = self._setup(tmp_path)
        out = tmp_path / "run"
        argv = _daily(
            out, "--no-maps", "--workers", "1", "--skip-bad-rows", tracks=tracks, tasks=tasks
        )
        code, err = _run(argv, capsys)
        assert code == 0, err
        body = json.loads((out / "days" / "M3946.json").read_text("utf-8"))
        assert [(r["row"], r["field"]) for r in body["rejected_rows"]] == [(3, "lat")]
        assert body["checks"]["on_time_arrival"]["status"] == "fail"

    def test_unreadable_task_file_stops_with_status_2(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        tasks = tmp_path / "tasks.csv"
        tasks.write_text("nothing,useful\n1,2\n", encoding="utf-8")
        code, err = _run(_daily(tmp_path / "run", tasks=[tasks]), capsys)
        assert code == 2
        assert "header has no recognisable columns" in err


class TestEngines:
    def test_parquet_dataset_gives_the_same_results(
        self, first_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        dataset = tmp_path / "tracks"
        for day in DAYS:
            frame = read_track(day / "track.csv").frame
            write_day_tracks(frame, dataset, DAY, timezone="Asia/Shanghai", name="part-0")
        out = tmp_path / "run"
        code, err = _run(_daily(out, "--no-maps", "--workers", "1", tracks=[dataset]), capsys)
        assert code == 0, err
        assert _results(out) == _results(first_run)

    def test_local_processes_and_dask_cluster_give_identical_results(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        from distributed import Client, LocalCluster

        local = tmp_path / "local"
        code, err = _run(_daily(local, "--no-maps", "--workers", "2"), capsys)
        assert code == 0, err
        dask_out = tmp_path / "dask"
        # in-process workers (threads): starts in about a second, and no warning to filter
        cluster = LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        )
        client = Client(cluster)
        try:
            assert len(client.scheduler_info()["workers"]) == 2
            address = cluster.scheduler_address
            argv = _daily(
                dask_out,
                "--no-maps",
                "--engine",
                "dask",
                "--scheduler",
                address,
                "--chunk-size",
                "1",
            )
            code, err = _run(argv, capsys)
        finally:
            client.close()
            cluster.close()
        assert code == 0, err
        assert "(dask)" in err
        assert len(_results(local)) == len(DAYS)
        assert _results(dask_out) == _results(local)
        assert _summary(dask_out) == _summary(local)
        for name in ("results.parquet", "stays.parquet"):
            assert pq.read_table(local / name).equals(pq.read_table(dask_out / name)), name


class TestArguments:
    def test_yesterday_in_the_configured_zone_and_default_folder(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        from zoneinfo import ZoneInfo

        monkeypatch.chdir(tmp_path)
        argv = ["daily", "--date", "yesterday", "--tracks", str(DAYS[0] / "track.csv")]
        argv += ["--tasks", str(DAYS[0] / "tasks.csv"), "--workers", "1", "--no-maps"]
        code, err = _run(argv, capsys)
        want = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date() - dt.timedelta(days=1)
        assert code == 0, err
        summary = _summary(tmp_path / "out" / "daily" / want.isoformat())
        assert (summary["date"], summary["managers"]) == (want.isoformat(), 0)

    @pytest.mark.parametrize(
        ("extra", "message"),
        [
            (["--scheduler", "tcp://127.0.0.1:1"], "--scheduler needs --engine dask"),
            (["--database-url", "sqlite://"], "not both"),
        ],
    )
    def test_conflicting_options(
        self, tmp_path: Path, extra: list[str], message: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, err = _run(_daily(tmp_path / "run", *extra), capsys)
        assert code == 2
        assert message in err
