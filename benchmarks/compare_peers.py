"""Speed and accuracy of our stay detection against trackintel and movingpandas.

All three run on the same generated manager-days (``trajectory.testing``, WGS-84,
a mix of compliant days, long indoor gaps, heavy outliers and 1 s sampling) at
matching parameters: radius 50 m (movingpandas: diameter 100 m), minimum stay
180 s, and a gap threshold of 3 h so that no library cuts a stay at an indoor gap.
Each day is one person: one call of ours per day, one ``user_id`` per day for
trackintel, one ``Trajectory`` per day for movingpandas.

Ours is timed twice: detection alone on the cleaned track (the headline), and
``clean_track`` + detection on the track as uploaded, which is the fair
comparison because the peers get that same uploaded track (sorted by time) and
do no cleaning.  A detected stay matches a true visit when their time intervals
overlap; a visit overlapped by two or more stays is split, by none missed; a stay
overlapping no visit is spurious (a red light, a queue, a jump).

The peers are the optional ``bench`` extra of the project (``pip install -e
.[bench]``), never a runtime requirement.  Run from the repository root::

    python benchmarks/compare_peers.py --quick            # 10k points, prints only
    python benchmarks/compare_peers.py                    # 10k, 100k, 1M; writes results/peers.md
    python benchmarks/compare_peers.py --sizes 10k,200k --out /tmp/peers.md

A peer whose estimated run at a size exceeds ``--skip-after`` seconds (default
180) is skipped there and marked with the estimate.

References
----------
Li, Q. et al. (2008). Mining user similarity based on location history. GIS '08
(trackintel's "sliding" method).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd

from trajectory.cleaning import clean_track
from trajectory.staypoints import detect_stay_points
from trajectory.testing.scenarios import generate_day

RADIUS_M = 50.0
MIN_STAY_S = 180.0
MAX_GAP_S = 3 * 3600.0  # "large": bridges every indoor gap the generator makes
SCENARIO_MIX = ("compliant", "indoor_gaps", "heavy_outliers", "sampling_1s")
BEST_OF = 3  # repeats at sizes up to SMALL_POINTS
SMALL_POINTS = 100_000
REPEAT_BUDGET_S = 20.0  # a run slower than this is not repeated
PROBE_POINTS = 10_000
ROOT = Path(__file__).resolve().parent.parent
RESULTS_MD = ROOT / "benchmarks" / "results" / "peers.md"
SOURCES = (
    "trajectory/testing/scenarios.py",
    "trajectory/testing/world.py",
    "trajectory/testing/walk.py",
    "trajectory/testing/observe.py",
    "trajectory/testing/labels.py",
    "trajectory/cleaning.py",
    "trajectory/staypoints.py",
    "trajectory/_kernels.py",
    "trajectory/_groups.py",
    "trajectory/_motion.py",
)
OURS_DETECT = "ours: detect (cleaned track)"
OURS_FULL = "ours: clean + detect"
TRACKINTEL = "trackintel sliding"
MOVINGPANDAS = "movingpandas TrajectoryStopDetector"


@dataclass(frozen=True)
class BenchDay:
    """One generated manager-day: the uploaded track, its cleaned copy and the true visits."""

    day_id: int
    scenario: str
    raw: pd.DataFrame  # time (UTC), lat, lon, accuracy_m, speed_mps, source_row; upload order
    clean: pd.DataFrame
    visits: pd.DataFrame  # arrival_utc, departure_utc


@dataclass(frozen=True)
class Score:
    """Detected stays against the true visits of a set of days."""

    found: int
    true: int
    split: int
    missed: int
    spurious: int
    exact_days: float


@dataclass(frozen=True)
class Row:
    """One library at one size: throughput (or why not measured) and accuracy."""

    library: str
    points: int
    seconds: float | None
    runs: int
    score: Score | None
    note: str = ""

    @property
    def points_per_s(self) -> float | None:
        return None if self.seconds is None else self.points / self.seconds


@dataclass(frozen=True)
class Runner:
    """``prepare(days)`` builds the library's input (untimed); ``run(prepared)`` is timed
    and returns the stays as ``day_id, arrival, departure`` (UTC)."""

    library: str
    prepare: Callable[[Sequence[BenchDay]], Any]
    run: Callable[[Any], pd.DataFrame]
    points: Callable[[Sequence[BenchDay]], int]


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(argv)
    sizes = args.sizes or ([10_000] if args.quick else [10_000, 100_000, 1_000_000])
    out = args.out if args.out is not None else (None if args.quick else RESULTS_MD)
    wall0 = time.perf_counter()
    sources = _source_ids()  # as imported, near enough: checked again at the end
    load_start = os.getloadavg()[0]
    peers = _import_peers()
    days = _generate_days(max(sizes))
    _warm_up(days[0])
    runners = _runners(peers)
    rates: dict[str, float] = {}
    tables: list[tuple[str, list[Row], tuple[str, float, float] | None]] = []
    for size in sorted(sizes):
        subset = _prefix(days, size)
        label = f"{_si(size)} ({sum(len(d.raw) for d in subset):,} points, {len(subset)} days)"
        _log(f"size {label}")
        rows = [_measure(r, subset, size, args, rates) for r in runners]
        rows += [
            Row(name, 0, None, 0, None, f"not installed ({why})")
            for name, why in peers.items()
            if isinstance(why, str)
        ]
        tables.append((label, rows, _kernel_share(subset)))
    check_size = max([s for s in sizes if s <= SMALL_POINTS] or [min(sizes)])
    behind_clean = _peers_behind_cleaning(peers, _prefix(days, check_size))
    machine = _machine(sources)
    machine["load average (1 min)"] = (
        f"{load_start:.1f} at start, {os.getloadavg()[0]:.1f} at end (other work on the machine "
        "slows the timings)"
    )
    if _source_ids() != sources:
        machine["sources (sha256)"] += " **(changed during the run: re-run)**"
        _log("warning: the measured sources changed during the run; re-run for clean numbers")
    text = _markdown(tables, behind_clean, _si(check_size), machine, time.perf_counter() - wall0)
    print(text)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        _log(f"wrote {out}")
    return 0


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--sizes",
        type=_parse_sizes,
        default=None,
        help="comma-separated point counts, e.g. 10k,100k,1M (default: 10k,100k,1M)",
    )
    p.add_argument(
        "--quick",
        action="store_true",
        help="10k points, one run each, print only (unless --out is given)",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        help=f"markdown file to write (default for a full run: {RESULTS_MD.relative_to(ROOT)})",
    )
    p.add_argument(
        "--skip-after",
        type=float,
        default=180.0,
        help="skip a peer at a size when its estimated run exceeds this (s)",
    )
    return p.parse_args(argv)


def _parse_sizes(text: str) -> list[int]:
    mult = {"k": 1_000, "m": 1_000_000}
    try:
        sizes = [
            int(float(s[:-1]) * mult[s[-1].lower()]) if s[-1].lower() in mult else int(s)
            for s in (part.strip() for part in text.split(","))
            if s
        ]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a list of sizes like 10k,100k,1M: {text!r}"
        ) from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"sizes must be positive: {text!r}")
    return sizes


# --------------------------------------------------------------------------- data


def _generate_days(n_points: int) -> list[BenchDay]:
    """Whole days, scenarios in turn, seeds 0, 1, 2, ... until ``n_points`` are reached."""
    t0 = time.perf_counter()
    days: list[BenchDay] = []
    total = 0
    while total < n_points:
        i = len(days)
        scenario = SCENARIO_MIX[i % len(SCENARIO_MIX)]
        sim = generate_day(scenario, i, manager_id=f"D{i:05d}")
        if sim.track_crs != "wgs84":  # pragma: no cover - the mix has WGS-84 tracks only
            raise RuntimeError(f"{scenario} seed {i}: track in {sim.track_crs}, expected wgs84")
        tr = sim.track
        raw = pd.DataFrame(
            {
                "time": pd.to_datetime(tr["timestamp"], utc=True, format="ISO8601"),
                "lat": tr["lat"].to_numpy(dtype=np.float64),
                "lon": tr["lon"].to_numpy(dtype=np.float64),
                "accuracy_m": tr["accuracy_m"].to_numpy(dtype=np.float64),
                "speed_mps": tr["speed_mps"].to_numpy(dtype=np.float64),
                "source_row": np.arange(1, len(tr) + 1, dtype=np.int64),
            }
        )
        visits = sim.visits.loc[sim.visits["kind"].notna(), ["arrival_utc", "departure_utc"]]
        days.append(BenchDay(i, scenario, raw, clean_track(raw)[0], visits.reset_index(drop=True)))
        total += len(raw)
    _log(f"generated {len(days)} days, {total:,} points in {time.perf_counter() - t0:.1f} s")
    return days


def _prefix(days: Sequence[BenchDay], n_points: int) -> list[BenchDay]:
    """The first whole days holding at least ``n_points`` fixes."""
    cum = np.cumsum([len(d.raw) for d in days])
    return list(days[: int(np.searchsorted(cum, n_points)) + 1])


def _sorted_raw(day: BenchDay) -> pd.DataFrame:
    return day.raw.sort_values("time", kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- runners


def _runners(peers: dict[str, ModuleType | str]) -> list[Runner]:
    out = [
        Runner(
            OURS_DETECT,
            lambda days: [(d.day_id, d.clean) for d in days],
            _run_ours,
            lambda days: sum(len(d.clean) for d in days),
        ),
        Runner(
            OURS_FULL,
            lambda days: [(d.day_id, d.raw) for d in days],
            _run_ours_with_cleaning,
            lambda days: sum(len(d.raw) for d in days),
        ),
    ]
    raw_points = out[1].points
    if isinstance(peers["trackintel"], ModuleType):
        ti = peers["trackintel"]
        out.append(
            Runner(
                TRACKINTEL,
                lambda days: _trackintel_input(ti, days, _sorted_raw),
                lambda pfs: _run_trackintel(ti, pfs),
                raw_points,
            )
        )
    if isinstance(peers["movingpandas"], ModuleType):
        mpd = peers["movingpandas"]
        out.append(
            Runner(
                MOVINGPANDAS,
                lambda days: _movingpandas_input(mpd, days, _sorted_raw),
                lambda trajs: _run_movingpandas(mpd, trajs),
                raw_points,
            )
        )
    return out


def _run_ours(tracks: list[tuple[int, pd.DataFrame]]) -> pd.DataFrame:
    found = [
        (
            day_id,
            detect_stay_points(tr, radius_m=RADIUS_M, min_stay_s=MIN_STAY_S, max_gap_s=MAX_GAP_S),
        )
        for day_id, tr in tracks
    ]
    return _stays_table([(i, s["arrival"], s["departure"]) for i, s in found])


def _run_ours_with_cleaning(tracks: list[tuple[int, pd.DataFrame]]) -> pd.DataFrame:
    return _run_ours([(day_id, clean_track(tr)[0]) for day_id, tr in tracks])


def _trackintel_input(
    ti: ModuleType, days: Sequence[BenchDay], track_of: Callable[[BenchDay], pd.DataFrame]
) -> Any:
    import geopandas as gpd

    parts = []
    for d in days:
        tr = track_of(d)
        parts.append(
            pd.DataFrame(
                {"user_id": d.day_id, "tracked_at": tr["time"], "lon": tr["lon"], "lat": tr["lat"]}
            )
        )
    df = pd.concat(parts, ignore_index=True)
    gdf = gpd.GeoDataFrame(
        df[["user_id", "tracked_at"]],
        geometry=gpd.points_from_xy(df["lon"], df["lat"]),
        crs="EPSG:4326",
    )
    return ti.Positionfixes(gdf.rename_geometry("geom"))


def _run_trackintel(ti: ModuleType, pfs: Any) -> pd.DataFrame:
    with warnings.catch_warnings():  # "N duplicates were dropped", "No staypoints ..."
        warnings.simplefilter("ignore", UserWarning)
        _, sp = ti.preprocessing.generate_staypoints(
            pfs,
            method="sliding",
            distance_metric="haversine",
            dist_threshold=RADIUS_M,
            time_threshold=MIN_STAY_S / 60.0,
            gap_threshold=MAX_GAP_S / 60.0,
            include_last=True,  # like ours: a stay still running at the end of the track counts
            n_jobs=1,
        )
    return pd.DataFrame(
        {
            "day_id": sp["user_id"].to_numpy(dtype=np.int64),
            "arrival": _ns(sp["started_at"]),
            "departure": _ns(sp["finished_at"]),
        }
    )


def _movingpandas_input(
    mpd: ModuleType, days: Sequence[BenchDay], track_of: Callable[[BenchDay], pd.DataFrame]
) -> list[tuple[int, Any]]:
    import geopandas as gpd

    trajs = []
    for d in days:
        tr = track_of(d)
        # movingpandas drops the timezone anyway (with a warning): hand it naive UTC.
        index = pd.DatetimeIndex(tr["time"]).tz_convert("UTC").tz_localize(None).rename("t")
        gdf = gpd.GeoDataFrame(
            index=index, geometry=gpd.points_from_xy(tr["lon"], tr["lat"]), crs="EPSG:4326"
        )
        trajs.append((d.day_id, mpd.Trajectory(gdf, d.day_id)))
    return trajs


def _run_movingpandas(mpd: ModuleType, trajs: list[tuple[int, Any]]) -> pd.DataFrame:
    found = []
    for day_id, traj in trajs:
        segments = mpd.TrajectoryStopDetector(traj).get_stop_segments(
            min_duration=timedelta(seconds=MIN_STAY_S), max_diameter=2 * RADIUS_M
        )
        starts = [s.get_start_time() for s in segments.trajectories]
        ends = [s.get_end_time() for s in segments.trajectories]
        found.append(
            (
                day_id,
                pd.DatetimeIndex(starts).tz_localize("UTC"),
                pd.DatetimeIndex(ends).tz_localize("UTC"),
            )
        )
    return _stays_table(found)


def _stays_table(per_day: list[tuple[int, Any, Any]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "day_id": np.concatenate([np.full(len(a), i, dtype=np.int64) for i, a, _ in per_day]),
            "arrival": np.concatenate([_ns(a) for _, a, _ in per_day]),
            "departure": np.concatenate([_ns(b) for _, _, b in per_day]),
        }
    )


# --------------------------------------------------------------------------- measuring


def _measure(
    runner: Runner,
    days: list[BenchDay],
    size: int,
    args: argparse.Namespace,
    rates: dict[str, float],
) -> Row:
    """Time ``runner`` on ``days`` (best of 3 at small sizes) unless it would take too long."""
    points = runner.points(days)
    is_peer = runner.library not in (OURS_DETECT, OURS_FULL)
    if is_peer:
        if runner.library not in rates and points > 2 * PROBE_POINTS:
            probe = _prefix(days, PROBE_POINTS)
            seconds, _, _ = _best_of(runner, probe, 1)
            rates[runner.library] = runner.points(probe) / seconds
        est_s = points / rates.get(runner.library, np.inf)
        if est_s > args.skip_after:
            _log(f"  {runner.library}: skipped (est. {est_s / 60:.0f} min)")
            return Row(
                runner.library, points, None, 0, None, f"skipped (est. {est_s / 60:.0f} min)"
            )
    repeats = 1 if args.quick or size > SMALL_POINTS else BEST_OF
    seconds, runs, stays = _best_of(runner, days, repeats)
    rates[runner.library] = points / seconds
    row = Row(runner.library, points, seconds, runs, _score(stays, days))
    _log(f"  {runner.library}: {seconds:.3f} s, {_si(points / seconds)} points/s")
    return row


def _best_of(
    runner: Runner, days: Sequence[BenchDay], repeats: int
) -> tuple[float, int, pd.DataFrame]:
    """Best time (s) of up to ``repeats`` runs, the number of runs, the last run's stays."""
    prepared = runner.prepare(days)
    best = np.inf
    stays = pd.DataFrame()
    runs = 0
    while runs == 0 or (runs < repeats and best <= REPEAT_BUDGET_S):
        t0 = time.perf_counter()
        stays = runner.run(prepared)
        best = min(best, time.perf_counter() - t0)
        runs += 1
    return float(best), runs, stays


def _warm_up(day: BenchDay) -> None:
    """Compile (or load from numba's cache) our kernels before anything is timed."""
    detect_stay_points(clean_track(day.raw)[0], radius_m=RADIUS_M, min_stay_s=MIN_STAY_S)


def _kernel_share(days: Sequence[BenchDay]) -> tuple[str, float, float] | None:
    """Where our detection spends its time: (names of the compiled kernels it calls,
    points/s inside them, their share of the detection time), from one extra run with
    every numba function that ``trajectory.staypoints`` imports from
    ``trajectory._kernels`` wrapped in a timer.  Found by module, not by name or
    signature (both private and still changing); None when there are none."""
    from trajectory import staypoints

    kernels = {
        name: obj
        for name, obj in vars(staypoints).items()
        if getattr(getattr(obj, "py_func", None), "__module__", "") == "trajectory._kernels"
    }
    if not kernels:
        return None
    spent = 0.0

    def timed(inner: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            nonlocal spent
            t0 = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                spent += time.perf_counter() - t0

        return call

    for name, inner in kernels.items():
        setattr(staypoints, name, timed(inner))
    try:
        t0 = time.perf_counter()
        _run_ours([(d.day_id, d.clean) for d in days])
        total = time.perf_counter() - t0
    finally:
        for name, inner in kernels.items():
            setattr(staypoints, name, inner)
    names = ", ".join(f"`{n}`" for n in sorted(kernels))
    return names, sum(len(d.clean) for d in days) / spent, spent / total


def _score(stays: pd.DataFrame, days: Sequence[BenchDay]) -> Score:
    """Match stays to visits by time overlap, day by day."""
    by_day = {int(k): g for k, g in stays.groupby("day_id")}
    split = missed = spurious = exact = 0
    for d in days:
        s = by_day.get(d.day_id, stays.iloc[:0])
        s_arr, s_dep = _ns(s["arrival"]), _ns(s["departure"])
        v_arr, v_dep = _ns(d.visits["arrival_utc"]), _ns(d.visits["departure_utc"])
        overlap = (s_arr[:, None] < v_dep[None, :]) & (v_arr[None, :] < s_dep[:, None])
        per_visit = overlap.sum(axis=0)
        split += int((per_visit >= 2).sum())
        missed += int((per_visit == 0).sum())
        spurious += int((~overlap.any(axis=1)).sum())
        exact += int(len(s) == len(d.visits))
    return Score(
        len(stays), sum(len(d.visits) for d in days), split, missed, spurious, exact / len(days)
    )


def _peers_behind_cleaning(peers: dict[str, ModuleType | str], days: list[BenchDay]) -> list[Row]:
    """The peers once more, given our cleaned track: how much of their error is outliers."""
    rows = []
    for name, runner in ((TRACKINTEL, "trackintel"), (MOVINGPANDAS, "movingpandas")):
        mod = peers[runner]
        if not isinstance(mod, ModuleType):
            continue
        if name == TRACKINTEL:
            stays = _run_trackintel(mod, _trackintel_input(mod, days, lambda d: d.clean))
        else:
            stays = _run_movingpandas(mod, _movingpandas_input(mod, days, lambda d: d.clean))
        rows.append(
            Row(
                f"{name} on our cleaned track",
                sum(len(d.clean) for d in days),
                None,
                1,
                _score(stays, days),
            )
        )
    _log("  peers behind our cleaning: done")
    return rows


# --------------------------------------------------------------------------- report


def _markdown(
    tables: list[tuple[str, list[Row], tuple[str, float, float] | None]],
    behind_clean: list[Row],
    check_label: str,
    machine: dict[str, str],
    wall_s: float,
) -> str:
    lines = [
        "# Stay detection: trajcheck vs trackintel vs movingpandas",
        "",
        f"Generated by `benchmarks/compare_peers.py` on {machine['date']}"
        f" in {wall_s / 60:.1f} min.",
        "",
        "| machine | |",
        "|---|---|",
        *(f"| {k} | {v} |" for k, v in machine.items() if k != "date"),
        "",
        f"Parameters: radius {RADIUS_M:.0f} m (movingpandas `max_diameter` {2 * RADIUS_M:.0f} m), "
        f"minimum stay {MIN_STAY_S:.0f} s, gap threshold {MAX_GAP_S / 3600:.0f} h; "
        "trackintel `include_last=True`. Days: `trajectory.testing.generate_day` with scenarios "
        f"{', '.join(f'`{s}`' for s in SCENARIO_MIX)} in turn, seeds 0, 1, 2, ..., WGS-84. "
        "Peers get the uploaded track sorted by time; ours cleans it (`clean+detect`) or detects "
        "on the cleaned track (`detect`). Times: best of 3 up to 100k points (a run over "
        f"{REPEAT_BUDGET_S:.0f} s is not repeated), one run above; one core each.",
        "",
        "*vs ours*: points/s ÷ points/s of ours clean + detect. *stays / true*: detected stays / "
        "true visits. *split*: a true visit overlapped by ≥ 2 detected stays; *missed*: by none; "
        "*spurious*: a stay overlapping no true visit; *exact days*: share of days whose stay "
        "count equals the true count.",
        "",
        "| size | library | points | time (s) | runs | points/s | vs ours | stays / true "
        "| split | missed | spurious | exact days |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for label, rows, _ in tables:
        base = next((r.points_per_s for r in rows if r.library == OURS_FULL), None)
        lines += [_table_row(label, r, base) for r in rows]
    shares = [(label.split(" ")[0], share) for label, _, share in tables if share is not None]
    if shares:
        lines += [
            "",
            f"Where our detection spends its time (one extra run with the compiled kernels it "
            f"calls, {shares[0][1][0]}, timed from outside): "
            + ", ".join(
                f"{size}: kernels {_si(pps)} points/s, {frac:.0%} of detect time"
                for size, (_, pps, frac) in shares
            )
            + ". The rest is NumPy/pandas work in Python around them.",
        ]
    if behind_clean:
        lines += [
            "",
            f"Peers given our cleaned track ({check_label} size; accuracy only):",
            "",
            "| library | points | stays / true | split | missed | spurious | exact days |",
            "|---|--:|--:|--:|--:|--:|--:|",
        ]
        lines += [
            "| " + " | ".join([r.library, f"{r.points:,}", *_score_cells(r.score)]) + " |"
            for r in behind_clean
        ]
    return "\n".join(lines) + "\n"


def _table_row(label: str, r: Row, base: float | None) -> str:
    if r.seconds is None:
        cells = [label, r.library, f"{r.points:,}" if r.points else "—", r.note, "—", "—", "—"]
    else:
        pps = r.points / r.seconds
        cells = [
            label,
            r.library,
            f"{r.points:,}",
            f"{r.seconds:.3f}",
            str(r.runs),
            _si(pps),
            _ratio(pps, base),
        ]
    return "| " + " | ".join(cells + _score_cells(r.score)) + " |"


def _score_cells(s: Score | None) -> list[str]:
    if s is None:
        return ["—"] * 5
    return [
        f"{s.found:,} / {s.true:,}",
        f"{s.split:,}",
        f"{s.missed:,}",
        f"{s.spurious:,}",
        f"{s.exact_days:.0%}",
    ]


def _ratio(pps: float, base: float | None) -> str:
    if base is None:
        return "—"
    r = pps / base
    return f"{r:.2f}×" if r >= 0.1 else f"1/{1 / r:,.0f}"


def _machine(sources: str) -> dict[str, str]:
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        models = [
            ln.split(":", 1)[1].strip()
            for ln in cpuinfo.read_text().splitlines()
            if ln.startswith("model name")
        ]
        cpu = models[0] if models else cpu
    versions = ", ".join(
        f"{p} {_version(p)}"
        for p in (
            "trajcheck",
            "numpy",
            "pandas",
            "numba",
            "geopandas",
            "shapely",
            "trackintel",
            "movingpandas",
        )
    )
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "CPU": f"{cpu} (nproc {os.cpu_count()})",
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "versions": versions,
        "trajcheck commit": _git("describe", "--always", "--dirty"),
        # the code under test may be uncommitted work: identify the exact files measured
        "sources (sha256)": sources,
    }


def _source_ids() -> str:
    return ", ".join(_source_id(f) for f in SOURCES)


def _source_id(relpath: str) -> str:
    digest = hashlib.sha256((ROOT / relpath).read_bytes()).hexdigest()[:12]
    state = _git("status", "--porcelain", "--", relpath)[:2].strip()
    return f"`{relpath}` {digest}" + (
        f" ({'untracked' if state == '??' else 'modified'})" if state else ""
    )


def _git(*args: str) -> str:
    try:
        run = subprocess.run(
            ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return run.stdout.strip()


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


# --------------------------------------------------------------------------- helpers


def _import_peers() -> dict[str, ModuleType | str]:
    peers: dict[str, ModuleType | str] = {}
    for name in ("trackintel", "movingpandas"):
        try:
            with warnings.catch_warnings():  # movingpandas: "Missing optional dependencies"
                warnings.simplefilter("ignore", UserWarning)
                peers[name] = __import__(name)
        except ImportError as exc:
            peers[name] = f"{exc}; pip install -e .[bench]"
            _log(f"{name} not installed: its rows are skipped")
    return peers


def _ns(values: Any) -> np.ndarray:
    """Datetimes (tz-aware or UTC datetime64) as int64 ns since the epoch."""
    arr = np.asarray(values) if isinstance(values, pd.Series | np.ndarray) else None
    if arr is not None and arr.dtype.kind == "i":
        return arr.astype(np.int64, copy=False)
    idx = pd.DatetimeIndex(values)
    if idx.tz is not None:
        idx = idx.tz_convert("UTC").tz_localize(None)
    return idx.as_unit("ns").asi8


def _si(x: float) -> str:
    for div, suffix in ((1e6, "M"), (1e3, "k")):
        if x >= div:
            return f"{x / div:.3g}{suffix}"
    return f"{x:.3g}"


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
