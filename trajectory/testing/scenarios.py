"""Seeded generator of realistic manager-days with ground truth (samples, golden tests, benchmark).

A day is planned in metres around a random centre in a Chinese city
(:mod:`trajectory.testing.world`), walked and driven by the manager
(:mod:`trajectory.testing.walk`) and recorded by a phone
(:mod:`trajectory.testing.observe`).  Each scenario changes a few field rates of an
ordinary day (``_SCENARIO_PARAMS``).

Nothing here knows the detector; the figures are field figures, drawn per day.
Verdicts are never knife-edge: on-time days reach the first on-site store by 07:20,
late days at 07:40 or later, and every true visit lasts at least 4 minutes.
"""

from __future__ import annotations

__all__ = ["SCENARIOS", "SimulatedDay", "generate_day"]

import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from trajectory.crs import wgs84_to_gcj02
from trajectory.testing.labels import day_notes, store_names
from trajectory.testing.observe import observe, row_order
from trajectory.testing.walk import Line, walk_day
from trajectory.testing.world import UTC_OFFSET_S, RetryError, World

# fmt: off
# Field rates of an ordinary day; each scenario overrides a few of them.
_BASE: dict[str, Any] = {
    "market": False,        # a wholesale-market day (6-12 stalls, then 0-3 district stores)
    "late": False,          # first on-site store reached 07:40-08:40 instead of 06:40-07:20
    "skip": False,          # one on-site store (never seq 1) skipped, still reported visited
    "swap": 0,              # 1: two stalls visited in swapped adjacent order, 2: any two swapped
    "extra": False,         # an unexplained 10-30 min stop >= 400 m from every task store
    "revisit": False,       # the first or second store visited again at the end, > 1 h later
    "phone_chat": False,    # 2-4 phone/chat tasks, one of them seq 1
    "track_crs": "wgs84",
    "store_crs": "wgs84",
    "sampling": 5.0,        # nominal interval (s); 0 means irregular, log-uniform 1-60 s
    "jumps_h": 1.0,         # single jumps per hour (x 0.5-1.5 per day)
    "bursts_h": 0.3,        # bursts of cell/Wi-Fi fixes per hour (x 0.5-1.5), 3x likelier indoors
    "gap_p": 0.15,          # share of indoor visits with a signal gap ...
    "gap_min": (5.0, 12.0), # ... this long (min); stalls 2-8 min
    "drift_p": 0.08,        # share of indoor visits whose fixes drift 20-80 m
    "jam_p": 0.1,           # share of drives with a stop-and-go queue (150-500 m, 0-2 m/s)
    "jam_near": False,      # one queue on the street of a store just left or about to be entered
    "phone_gap": False,     # the phone logs nothing for 25-35 min around a drive
    "messy": False,         # upload batches duplicated and out of order
    "min_visit_min": 5.0,   # shortest district visit (min); visits last up to 40 min
    "near_pair": False,     # 1-2 ordinary stores 55-120 m from another, each visited 15-90 min
}
_SCENARIO_PARAMS: dict[str, dict[str, Any]] = {
    "compliant": {},
    "late": {"late": True},
    "skipped_store": {"skip": True},
    "extra_stop": {"extra": True},
    "market": {"market": True, "swap": 1},
    "gcj02_stores": {"store_crs": "gcj02"},
    "track_gcj02": {"track_crs": "gcj02"},
    "heavy_outliers": {"jumps_h": 18.0, "bursts_h": 4.0},
    "sampling_1s": {"sampling": 1.0},
    "sampling_30s": {"sampling": 30.0},
    "irregular_sampling": {"sampling": 0.0},
    "traffic_jam": {"jam_p": 0.5, "jam_near": True},
    "revisit": {"revisit": True},
    "indoor_gaps": {"gap_p": 0.75, "gap_min": (8.0, 25.0)},
    "phone_gap": {"phone_gap": True, "min_visit_min": 15.0},
    "messy_rows": {"messy": True},
    "drift_indoors": {"drift_p": 0.75},
    "market_skip": {"market": True, "skip": True, "swap": 2},
    "phone_chat_tasks": {"phone_chat": True},
    "nearby_stores": {"near_pair": True, "drift_p": 0.4, "gap_p": 0.3},
}
#: Scenario names accepted by :func:`generate_day`.
SCENARIOS: tuple[str, ...] = tuple(_SCENARIO_PARAMS)
# fmt: on


@dataclass(frozen=True, eq=False)
class SimulatedDay:
    """One generated manager-day with its ground truth.

    Attributes
    ----------
    track
        Fixes as a phone uploads them: ``manager_id, timestamp`` (ISO 8601, second
        resolution, ``+08:00``), ``lat, lon`` (in ``track_crs``), ``accuracy_m``,
        ``speed_mps`` (NaN where the phone gave none).
    tasks
        The day's task list (``TASK_COLUMNS`` plus ``reported_visited``), coordinates
        in ``store_crs``.
    visits
        True stops of at least 4 min in time order: ``kind`` (store, unexplained,
        exempt), ``store_id`` (None unless a store), ``lat, lon`` (WGS-84, where the
        person stood), ``arrival_utc, departure_utc``.
    expected
        ``on_time_arrival``, ``trajectory_clear``, ``visit_count_match`` under the
        default configuration plus ``config``, computed from ``visits``.
    config
        Configuration overrides the day needs (``exempt_places`` when the day starts
        at home or the warehouse), else ``{}``.
    point_truth
        Per ``track`` row (same order): ``true_lat, true_lon`` (WGS-84), ``indoor``,
        ``fault`` ("", "jump", "burst") and ``drift_m``; for benchmarks of cleaning.
    """

    track: pd.DataFrame
    tasks: pd.DataFrame
    visits: pd.DataFrame
    track_crs: str
    store_crs: str
    expected: dict[str, bool]
    config: dict[str, Any]
    scenario: str
    seed: int
    notes: str
    point_truth: pd.DataFrame


def generate_day(
    scenario: str,
    seed: int,
    *,
    sampling_s: float | None = None,
    date: str = "2026-11-20",
    manager_id: str | None = None,
) -> SimulatedDay:
    """Generate one manager-day of ``scenario``, reproducible from ``seed``.

    Parameters
    ----------
    scenario
        One of :data:`SCENARIOS`.
    seed
        Non-negative integer; the same (scenario, seed) always gives the same day.
    sampling_s
        Regular sampling interval (s, >= 1, rounded to whole seconds; intervals of 3 s
        or more jitter by 1 s) replacing the scenario's own.  The plan, the noise and
        the outlier times do not depend on it, so one day can be compared across rates.
    date
        Local date (Asia/Shanghai) of the day, ``YYYY-MM-DD``.
    manager_id
        Manager id written to track and tasks; a seeded ``M####`` by default.
    """
    if scenario not in _SCENARIO_PARAMS:
        raise ValueError(f"unknown scenario {scenario!r}; expected one of {', '.join(SCENARIOS)}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    if sampling_s is not None and not sampling_s >= 1:
        raise ValueError(f"sampling_s must be >= 1 s, got {sampling_s!r}")
    p = {**_BASE, **_SCENARIO_PARAMS[scenario]}
    if sampling_s is not None:
        p["sampling"] = float(sampling_s)
    ss = np.random.SeedSequence([int(seed), zlib.crc32(scenario.encode())])
    plan_rng, noise_rng, sample_rng, fault_rng, id_rng = (
        np.random.default_rng(s) for s in ss.spawn(5)
    )
    for _ in range(100):
        try:
            world = World(p, plan_rng)
            line = walk_day(world, p, plan_rng)
            break
        except RetryError:
            continue
    else:  # pragma: no cover - the constraints are loose; 100 failures mean a bug
        raise RuntimeError(f"could not plan a {scenario} day for seed {seed}")
    rngs = (noise_rng, sample_rng, fault_rng, id_rng)
    day = _assemble(world, line, p, scenario, date, manager_id, rngs)
    return SimulatedDay(**day, scenario=scenario, seed=int(seed))


def _assemble(
    w: World,
    line: Line,
    p: dict[str, Any],
    scenario: str,
    date: str,
    manager_id: str | None,
    rngs: tuple[np.random.Generator, ...],
) -> dict[str, Any]:
    """Observe the planned day and build the fields of a :class:`SimulatedDay`."""
    noise_rng, sample_rng, fault_rng, id_rng = rngs
    onsite = [r for r, m in enumerate(w.methods) if m == "onsite"]
    first = min(onsite, key=lambda r: w.seq[r])
    off = float(round(line.target_s - min(v["arr"] for v in line.visits if v["task"] == first)))
    obs, cols, info = observe(w, line, p, off, noise_rng, sample_rng, fault_rng)
    order = row_order(obs, p["messy"], fault_rng)
    mid = f"M{id_rng.integers(1000, 10000)}"
    mid = manager_id if manager_id is not None else mid
    ids = [f"S{n}" for n in id_rng.choice(90000, len(w.places), replace=False) + 10000]
    names = store_names(w, id_rng)
    track, point_truth = _track_frames(w, p, obs, cols, order, mid, date)
    tasks = _task_frame(w, p, mid, date, ids, names)
    visits = _visit_frame(w, line, off, ids, date)
    return {
        "track": track,
        "tasks": tasks,
        "visits": visits,
        "track_crs": p["track_crs"],
        "store_crs": p["store_crs"],
        "expected": _expected(tasks, visits, date),
        "config": _config(w, visits),
        "notes": day_notes(scenario, w, line, off, info, ids, visits, p),
        "point_truth": point_truth,
    }


def _track_frames(
    w: World,
    p: dict[str, Any],
    obs: npt.NDArray[np.int64],
    cols: dict[str, Any],
    order: npt.NDArray[np.intp],
    mid: str,
    date: str,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The uploaded track (rows in upload ``order``) and the truth of each of its rows."""
    lat, lon = w.uv_to_latlon(cols["pos"])
    if p["track_crs"] == "gcj02":
        lat, lon = wgs84_to_gcj02(lat, lon)
    stamps = np.char.add(
        np.datetime_as_string(np.datetime64(date, "s") + obs.astype("timedelta64[s]"), unit="s"),
        "+08:00",
    )
    track = pd.DataFrame(
        {
            "manager_id": mid,
            "timestamp": stamps[order],
            "lat": np.round(lat[order], 7),
            "lon": np.round(lon[order], 7),
            "accuracy_m": np.round(cols["acc"][order], 1),
            "speed_mps": np.round(cols["speed"][order], 2),
        }
    )
    t_lat, t_lon = w.uv_to_latlon(cols["true"])
    point_truth = pd.DataFrame(
        {
            "true_lat": t_lat[order],
            "true_lon": t_lon[order],
            "indoor": cols["indoor"][order],
            "fault": cols["fault"][order],
            "drift_m": np.round(cols["drift_m"][order], 2),
        }
    )
    return track, point_truth


def _task_frame(
    w: World, p: dict[str, Any], mid: str, date: str, ids: list[str], names: list[str]
) -> pd.DataFrame:
    """The day's task list in ``seq`` order, coordinates in the scenario's ``store_crs``."""
    rows = sorted(range(len(w.places)), key=lambda r: w.seq[r])
    s_lat, s_lon = w.uv_to_latlon(np.array([w.places[r].listed for r in rows]))
    if p["store_crs"] == "gcj02":
        s_lat, s_lon = wgs84_to_gcj02(s_lat, s_lon)
    return pd.DataFrame(
        {
            "manager_id": mid,
            "date": date,
            "seq": [w.seq[r] for r in rows],
            "store_id": [ids[r] for r in rows],
            "store_name": [names[r] for r in rows],
            "lat": np.round(s_lat, 7),
            "lon": np.round(s_lon, 7),
            "method": [w.methods[r] for r in rows],
            "reported_visited": True,
        }
    )


def _visit_frame(w: World, line: Line, off: float, ids: list[str], date: str) -> pd.DataFrame:
    """The true visits in time order (WGS-84 stand points, UTC arrival and departure)."""
    midnight_utc = pd.Timestamp(date, tz="UTC") - pd.Timedelta(seconds=UTC_OFFSET_S)
    vs = sorted(line.visits, key=lambda v: v["arr"])
    v_lat, v_lon = w.uv_to_latlon(np.array([v["stand"] for v in vs]))
    return pd.DataFrame(
        {
            "kind": [v["kind"] for v in vs],
            "store_id": [ids[v["task"]] if v["kind"] == "store" else None for v in vs],
            "lat": v_lat,
            "lon": v_lon,
            "arrival_utc": [midnight_utc + pd.Timedelta(seconds=round(v["arr"] + off)) for v in vs],
            "departure_utc": [
                midnight_utc + pd.Timedelta(seconds=round(v["dep"] + off)) for v in vs
            ],
        }
    )


def _config(w: World, visits: pd.DataFrame) -> dict[str, Any]:
    """Configuration the day needs: the exempt home or warehouse when the day visits it."""
    config: dict[str, Any] = {}
    if (visits["kind"] == "exempt").any():
        e_lat, e_lon = w.uv_to_latlon(w.home.listed)
        config["exempt_places"] = [
            {
                "name": w.exempt_kind,
                "lat": round(float(e_lat), 7),
                "lon": round(float(e_lon), 7),
                "radius_m": 120.0,
                "crs": "wgs84",
            }
        ]
    return config


def _expected(tasks: pd.DataFrame, visits: pd.DataFrame, date: str) -> dict[str, bool]:
    """The three verdicts the truth implies under the default configuration (deadline 07:30)."""
    onsite = tasks[tasks["method"] == "onsite"]
    stores = visits[visits["kind"] == "store"]
    first = onsite.sort_values("seq")["store_id"].iloc[0]
    arrivals = stores.loc[stores["store_id"] == first, "arrival_utc"]
    deadline = pd.Timestamp(f"{date}T07:30:00+08:00")
    return {
        "on_time_arrival": bool(len(arrivals) > 0 and arrivals.min() <= deadline),
        "trajectory_clear": bool(
            not (visits["kind"] == "unexplained").any()
            and set(onsite["store_id"]) <= set(stores["store_id"])
        ),
        "visit_count_match": int((visits["kind"] != "exempt").sum())
        == int(onsite["reported_visited"].sum()),
    }
