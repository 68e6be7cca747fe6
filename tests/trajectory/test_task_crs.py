"""A task file may say each store's coordinate system (``crs`` column), and an exempt place
may belong to one manager (a home): the two settings a single daily run over many
managers cannot give per day."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.helpers.samples import SAMPLES
from trajectory.config import ExemptPlace, VerifyConfig, load_config
from trajectory.crs import convert
from trajectory.errors import InputError
from trajectory.io import read_track
from trajectory.pipeline import verify_day
from trajectory.schema import validate_tasks

DAY = SAMPLES / "gcj02_stores"


def _tasks() -> pd.DataFrame:
    return pd.read_csv(DAY / "tasks.csv", dtype=str, keep_default_na=False)


def _statuses(tasks: pd.DataFrame, **kwargs: object) -> dict[str, str]:
    cfg = load_config(DAY / "config.toml")
    result = verify_day(read_track(DAY / "track.csv"), tasks, cfg, **kwargs)  # type: ignore[arg-type]
    return {name: check.status for name, check in result.checks.items()}


def test_the_rows_crs_wins_over_the_runs_default() -> None:
    tasks = _tasks()
    assert set(tasks["crs"]) == {"gcj02"}
    every_pass = {
        "on_time_arrival": "pass",
        "trajectory_clear": "pass",
        "visit_count_match": "pass",
    }
    assert _statuses(tasks) == every_pass  # no --store-crs needed
    assert _statuses(tasks.drop(columns="crs"), store_crs="gcj02") == every_pass
    assert _statuses(tasks.drop(columns="crs"))["trajectory_clear"] == "fail"  # read as WGS-84


def test_mixed_systems_in_one_file() -> None:
    """Half the rows converted to WGS-84 and marked so, half left in GCJ-02: same verdicts."""
    tasks = _tasks()
    half = tasks.index % 2 == 0
    lat = tasks.loc[half, "lat"].astype(float).to_numpy()
    lon = tasks.loc[half, "lon"].astype(float).to_numpy()
    wlat, wlon = convert(lat, lon, "gcj02", "wgs84")
    tasks.loc[half, "lat"], tasks.loc[half, "lon"] = wlat.astype(str), wlon.astype(str)
    tasks.loc[half, "crs"] = "WGS-84"
    tasks.loc[~half, "crs"] = ""  # blank: the run's --store-crs
    assert set(_statuses(tasks, store_crs="gcj02").values()) == {"pass"}


def test_an_unknown_crs_names_row_and_field() -> None:
    tasks = _tasks()
    tasks.loc[2, "crs"] = "mars"
    with pytest.raises(InputError) as err:
        validate_tasks(tasks, source="tasks.csv")
    assert "row 3" in str(err.value) and "field crs" in str(err.value) and "mars" in str(err.value)
    kept = validate_tasks(tasks, source="tasks.csv", on_bad_row="skip")
    assert len(kept.frame) == len(tasks) - 1 and kept.rejected[0].field == "crs"


def test_an_exempt_place_can_belong_to_one_manager() -> None:
    home = load_config(DAY / "config.toml").exempt_places[0]
    mine = ExemptPlace(home.name, home.lat, home.lon, home.radius_m, manager_id="M2959")
    other = ExemptPlace(home.name, home.lat, home.lon, home.radius_m, manager_id="M0001")
    track, tasks = read_track(DAY / "track.csv"), _tasks()
    kept = verify_day(track, tasks, VerifyConfig(exempt_places=(mine,)))
    assert kept.checks["trajectory_clear"].status == "pass"
    ignored = verify_day(track, tasks, VerifyConfig(exempt_places=(other,)))
    assert ignored.checks["trajectory_clear"].status == "fail"  # someone else's home
