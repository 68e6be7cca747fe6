"""``trajcheck daily`` end to end: N generated manager-days from a Parquet dataset.

Generates a pool of distinct 1 s-sampled days (~17,000 fixes each) once, replicates
them under N manager ids (each copy shifted by a few hundred metres) into a Parquet
dataset partitioned by date/manager plus one task CSV, cached under
``benchmarks/.cache/daily`` (gitignored).  Then times ``trajcheck daily`` as a
subprocess (Python start-up, listing, every manager-day, summary, results.parquet and
the team index included) locally and on a Dask ``LocalCluster``, without and with map
reports, and reports manager-days/s, points/s, the CPU time of every process of the
run (the kernel's accounting, which does not depend on what else the machine runs) and
peak memory (the whole process tree's proportional set size, sampled every 100 ms with
psutil, so pages shared by forked workers count once; and the largest single process's
peak resident memory from the kernel's maxrss).

Usage::

    python benchmarks/daily.py                      # N = 100 and 1000 -> results/daily.md
    python benchmarks/daily.py --sizes 100 --quick  # one quick row, prints only
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import psutil

from batch.parquet import write_day_tracks
from trajectory.schema import validate_track
from trajectory.testing.scenarios import SCENARIOS, generate_day

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "benchmarks" / ".cache" / "daily"
DATE = dt.date(2026, 11, 20)
#: Scenarios whose track and stores are WGS-84 (a daily run uses one coordinate system).
POOL_SCENARIOS = tuple(s for s in SCENARIOS if s not in ("gcj02_stores", "track_gcj02"))
TRAJCHECK = [sys.executable, "-m", "api.cli"]
#: Runs the command, then prints on stderr the largest reaped descendant's peak RSS (kB)
#: and the CPU time (user + system, s) of the descendants it (and they) reaped.
_WRAPPER = (
    "import resource, subprocess, sys; rc = subprocess.call(sys.argv[1:]); "
    "u = resource.getrusage(resource.RUSAGE_CHILDREN); "
    "print('rusage', u.ru_maxrss, u.ru_utime + u.ru_stime, file=sys.stderr); sys.exit(rc)"
)


def build_dataset(n: int, pool_size: int) -> tuple[Path, Path, int]:
    """The cached dataset of ``n`` manager-days: (tracks dataset, tasks CSV, total fixes)."""
    folder = CACHE / f"n{n}-pool{pool_size}"
    tracks, tasks, done = folder / "tracks", folder / "tasks.csv", folder / "points.txt"
    if done.is_file():
        return tracks, tasks, int(done.read_text())
    shutil.rmtree(folder, ignore_errors=True)
    pool = _pool(pool_size)
    total = 0
    task_frames = []
    for k in range(n):
        day = pool[k % len(pool)]
        manager = f"B{k:05d}"
        shift = 0.003 * (k // len(pool))  # ~330 m north per copy
        track = day.track.assign(manager_id=manager, lat=day.track["lat"] + shift)
        frame = validate_track(track).frame
        written = write_day_tracks(frame, tracks, DATE, timezone="Asia/Shanghai", name="p0")
        total += sum(written.values())
        task_frames.append(day.tasks.assign(manager_id=manager, lat=day.tasks["lat"] + shift))
    pd.concat(task_frames, ignore_index=True).to_csv(tasks, index=False)
    done.write_text(str(total))
    return tracks, tasks, total


def _pool(size: int) -> list:  # type: ignore[type-arg]
    """``size`` distinct generated days of 15,000-19,500 fixes (mean ~17,000)."""
    out = []
    seed = 0
    while len(out) < size:
        for scenario in POOL_SCENARIOS:
            day = generate_day(scenario, seed, sampling_s=1.0, manager_id="P")
            if 15_000 <= len(day.track) <= 19_500:
                out.append(day)
            if len(out) == size:
                break
        seed += 1
    return out


def run(args: list[str]) -> tuple[float, int, int, float, str]:
    """Wall time (s), peak tree PSS and largest maxrss (bytes), CPU time (s), stderr."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", _WRAPPER, *TRAJCHECK, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    peak = [0]
    cpu: dict[int, float] = {}  # pid -> user + system seconds, last seen
    stop = threading.Event()

    def sample() -> None:
        wrapper = psutil.Process(proc.pid)
        while not stop.is_set():
            try:
                procs = wrapper.children(recursive=True)
                peak[0] = max(peak[0], sum(_pss(p) for p in procs))
                for p in procs:
                    try:
                        times = p.cpu_times()
                        cpu[p.pid] = max(cpu.get(p.pid, 0.0), times.user + times.system)
                    except psutil.Error:
                        pass
            except psutil.Error:
                pass
            stop.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    elapsed = time.perf_counter() - t0
    stop.set()
    sampler.join()
    if proc.returncode != 0:
        raise RuntimeError(f"trajcheck daily failed ({proc.returncode}):\n{err[-3000:]}")
    last = err.strip().splitlines()[-1].split()
    if not last or last[0] != "rusage":
        raise RuntimeError(f"no rusage line from the wrapper:\n{err[-3000:]}")
    # processes reaped by the wrapper are in its rusage; the forkserver's workers are not
    # (nobody waits for the forkserver), so add the sampled ones, whichever is larger
    return elapsed, peak[0], int(last[1]) * 1024, max(float(last[2]), sum(cpu.values())), err


def _pss(p: psutil.Process) -> int:
    """Proportional set size: shared pages (forked workers, libraries) counted once overall."""
    try:
        return int(p.memory_full_info().pss)
    except (psutil.Error, AttributeError):
        try:
            return int(p.memory_info().rss)
        except psutil.Error:
            return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100,1000", help="manager-days per run, comma-separated")
    parser.add_argument("--pool", type=int, default=40, help="distinct generated days")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--maps-up-to", type=int, default=1000, help="largest N run with maps")
    parser.add_argument("--quick", action="store_true", help="local, no maps; print only")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "daily.md")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    load_before = os.getloadavg()
    started = dt.datetime.now(dt.UTC)
    for n in sizes:
        t0 = time.perf_counter()
        tracks, tasks, total = build_dataset(n, args.pool)
        print(f"N={n}: dataset ready ({total:,} fixes, {time.perf_counter() - t0:.1f} s)")
        combos = [("local", False)]
        if not args.quick:
            combos += [("dask", False)]
            if n <= args.maps_up_to:
                combos += [("local", True), ("dask", True)]
        for engine, maps in combos:
            with tempfile.TemporaryDirectory(prefix="trajcheck-daily-") as tmp:
                cmd = [
                    "daily",
                    "--date",
                    DATE.isoformat(),
                    "--tracks",
                    str(tracks),
                    "--tasks",
                    str(tasks),
                    "--out",
                    tmp,
                    "--engine",
                    engine,
                    "--workers",
                    str(args.workers),
                    "--progress",
                    "log",
                ]
                if not maps:
                    cmd.append("--no-maps")
                elapsed, tree_peak, proc_peak, cpu_s, err = run(cmd)
            found = re.search(r"workers \(([0-9.]+) s to connect", err)  # "(1.1 s to connect, ...)"
            row = {
                "n": n,
                "points": total,
                "engine": engine,
                "maps": maps,
                "seconds": elapsed,
                "days_per_s": n / elapsed,
                "points_per_s": total / elapsed,
                "tree_peak_mb": tree_peak / 1e6,
                "proc_peak_mb": proc_peak / 1e6,
                "cpu_s": cpu_s,
                "cluster_s": float(found.group(1)) if found else None,
            }
            rows.append(row)
            print(
                f"  {engine:<5} maps={'yes' if maps else 'no ':<3} {elapsed:7.1f} s  "
                f"{row['days_per_s']:7.1f} manager-days/s  "
                f"{row['points_per_s'] / 1e6:5.2f}M points/s  "
                f"CPU {cpu_s:6.1f} s ({total / cpu_s / 1e6:4.2f}M points per CPU-s)  "
                f"peak {row['tree_peak_mb']:,.0f} MB "
                f"(largest process {row['proc_peak_mb']:,.0f} MB)",
                flush=True,
            )
    load_after = os.getloadavg()
    if args.quick:
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(_markdown(rows, args, started, load_before, load_after), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


def _markdown(
    rows: list[dict],  # type: ignore[type-arg]
    args: argparse.Namespace,
    started: dt.datetime,
    load_before: tuple[float, float, float],
    load_after: tuple[float, float, float],
) -> str:
    cpu = platform.processor() or platform.machine()
    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        model = cpu
    mean = np.mean([r["points"] / r["n"] for r in rows]) if rows else 0
    head = (
        f"`trajcheck daily` end to end from a Parquet dataset (date/manager partitions) and a "
        f"task CSV, {started:%Y-%m-%d %H:%M} UTC, {model}, {os.cpu_count()} cores, "
        f"{args.workers} workers, Python {platform.python_version()}; "
        f"{args.pool} distinct generated 1 s-sampled days replicated, {mean:,.0f} fixes per "
        f"manager-day on average. Load average (1/5/15 min) before "
        f"{'/'.join(f'{x:.2f}' for x in load_before)}, after "
        f"{'/'.join(f'{x:.2f}' for x in load_after)}. Wall time of the whole command "
        "(start-up, listing, every manager-day, summary, results.parquet, team index). "
        "Peak memory: the process tree's summed proportional set size (PSS, shared pages "
        "counted once; sampled every 100 ms) and the largest single process's peak "
        "resident memory (maxrss).\n\n"
    )
    table = [
        "| manager-days | fixes | engine | maps | time | manager-days/s | points/s | "
        "CPU time | points per CPU-second | peak memory (tree) | largest process |",
        "|--:|--:|---|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in rows:
        engine = "local processes" if r["engine"] == "local" else "Dask LocalCluster"
        if r["cluster_s"] is not None:
            engine += f" (started in {r['cluster_s']:.1f} s)"
        table.append(
            f"| {r['n']:,} | {r['points'] / 1e6:.1f}M | {engine} | "
            f"{'yes' if r['maps'] else 'no'} | {r['seconds']:.1f} s | {r['days_per_s']:.1f} | "
            f"{r['points_per_s'] / 1e6:.2f}M | {r['cpu_s']:.0f} s | "
            f"{r['points'] / r['cpu_s'] / 1e6:.2f}M | {r['tree_peak_mb']:,.0f} MB | "
            f"{r['proc_peak_mb']:,.0f} MB |"
        )
    note = (
        "\nCPU time: user + system seconds of every process of the run (driver, workers, "
        "scheduler), sampled every 100 ms from the kernel's per-process accounting (a process "
        "that ends loses at most its last 100 ms); unlike the wall time it does not depend "
        "on what else the machine runs. Points per CPU-second is what one fully used core "
        "gives, start-up and summary included. 'Started in': creating the LocalCluster and "
        "connecting to it; its worker processes then import trajcheck while the first tasks "
        "wait (in the time and CPU columns).\n"
    )
    return head + "\n".join(table) + "\n" + note


if __name__ == "__main__":
    raise SystemExit(main())
