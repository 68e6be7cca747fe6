"""``trajcheck daily`` on a real Dask cluster: fresh workers against warm ones.

Starts a real cluster on 127.0.0.1 (``dask scheduler`` and ``dask worker`` processes,
``tests.helpers.dask_cluster``) for every run and times ``trajcheck daily --engine dask
--scheduler tcp://...`` (a subprocess: Python start-up, connecting, shipping the kernels,
every manager-day, the summary and Parquet outputs) over the Parquet dataset of
``benchmarks/daily.py`` (N generated ~17k-fix manager-days, no maps):

* ``warm``: workers whose numba cache already holds the kernels (the package's own);
* ``fresh``: workers with an empty ``NUMBA_CACHE_DIR`` (a new machine or container),
  which get the driver's compiled kernels from :mod:`batch.kernel_cache`;
* ``cold``: fresh workers and a driver with an empty cache too (nothing to ship: the
  workers compile, as every fresh worker did before the plugin); once.
* ``standing``: a second run (``--force``) on the warm run's cluster, kernels in memory.

Runs are interleaved (warm, fresh, warm, fresh, ...) so load from other processes falls
on both.  Besides the wall time it reads each worker process's CPU time (psutil, by
the pids the scheduler reports), which gives points per worker CPU-second: the figure to
size a cluster with, since it does not depend on what else the machine runs.

Usage::

    python benchmarks/dask_cluster.py                    # -> results/dask_cluster.md
    python benchmarks/dask_cluster.py --n 100 --repeats 1 --no-cold --quick
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # benchmarks.daily and tests.helpers, when run as a script

from benchmarks.daily import DATE, build_dataset  # noqa: E402
from tests.helpers.dask_cluster import dask_cluster  # noqa: E402

TRAJCHECK = [sys.executable, "-m", "api.cli.main"]


def one_run(kind: str, tracks: Path, tasks: Path, tmp: Path) -> list[dict[str, Any]]:
    """Start a cluster for ``kind``, run the batch on it (twice for ``warm``: + standing)."""
    cache = {"NUMBA_CACHE_DIR": str(tmp / "worker-cache")} if kind != "warm" else {}
    driver = {"NUMBA_CACHE_DIR": str(tmp / "driver-cache")} if kind == "cold" else {}
    rows = []
    with dask_cluster(tmp / "cluster", 2, worker_env=cache) as address:
        rows.append(_timed(kind, address, tracks, tasks, tmp / "out", driver))
        if kind == "warm":
            rows.append(_timed("standing", address, tracks, tasks, tmp / "out", driver))
    return rows


def _timed(
    kind: str, address: str, tracks: Path, tasks: Path, out: Path, env: dict[str, str]
) -> dict[str, Any]:
    from distributed import Client

    with Client(address) as client:  # type: ignore[no-untyped-call]
        pids = list(client.run(os.getpid).values())
    before = _cpu(pids)
    cmd = [*TRAJCHECK, "daily", "--date", DATE.isoformat(), "--tracks", str(tracks)]
    cmd += ["--tasks", str(tasks), "--out", str(out), "--no-maps", "--force"]
    cmd += ["--engine", "dask", "--scheduler", address, "--progress", "none"]
    t0 = time.perf_counter()
    done = subprocess.run(
        cmd, cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - t0
    if done.returncode != 0:
        raise RuntimeError(f"{kind}: trajcheck daily exited {done.returncode}\n{done.stderr}")
    return {"kind": kind, "seconds": seconds, "worker_cpu_s": _cpu(pids) - before}


def _cpu(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        times = psutil.Process(pid).cpu_times()
        total += times.user + times.system
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=200, help="manager-days of the batch")
    parser.add_argument("--pool", type=int, default=40, help="distinct generated days")
    parser.add_argument("--repeats", type=int, default=3, help="warm/fresh pairs")
    parser.add_argument("--no-cold", action="store_true", help="skip the (slow) cold run")
    parser.add_argument("--quick", action="store_true", help="print only")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "results" / "dask_cluster.md"
    )
    args = parser.parse_args(argv)
    tracks, tasks, points = build_dataset(args.n, args.pool)
    # the driver's cache must be current for the code as it is (it is what gets shipped)
    subprocess.run([*TRAJCHECK, "warmup"], cwd=ROOT, check=True, capture_output=True)
    started, load_before = dt.datetime.now(dt.UTC), os.getloadavg()
    kinds = ["warm", "fresh"] * args.repeats + ([] if args.no_cold else ["cold"])
    rows: list[dict[str, Any]] = []
    for kind in kinds:
        with tempfile.TemporaryDirectory(prefix="trajcheck-dask-bench-") as tmp:
            for row in one_run(kind, tracks, tasks, Path(tmp)):
                rows.append(row)
                print(
                    f"{row['kind']:<8} {row['seconds']:6.1f} s  "
                    f"{points / row['seconds'] / 1e6:5.2f}M points/s  "
                    f"worker CPU {row['worker_cpu_s']:5.1f} s",
                    flush=True,
                )
    text = _markdown(rows, args, points, started, load_before, os.getloadavg())
    print(text)
    if not args.quick:
        args.out.write_text(text, encoding="utf-8")
    return 0


def _markdown(
    rows: list[dict[str, Any]],
    args: argparse.Namespace,
    points: int,
    started: dt.datetime,
    load_before: tuple[float, ...],
    load_after: tuple[float, ...],
) -> str:
    by: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by.setdefault(row["kind"], []).append(row)
    lines = [
        "# trajcheck daily on a real Dask cluster: fresh vs warm workers",
        "",
        f"{started:%Y-%m-%d %H:%M} UTC, {_cpu_model()}, "
        f"{os.cpu_count()} cores shared with other sessions (load {load_before[0]:.2f} before, "
        f"{load_after[0]:.2f} after), Python {platform.python_version()}; one scheduler and "
        f"two `dask worker --nthreads 1` on 127.0.0.1, the driver on the same cores. "
        f"{args.n} manager-days, {points:,} fixes, Parquet, no maps; median of each kind.",
        "",
        "| workers | runs | time (median, range) | points/s | worker CPU "
        "| points per worker CPU-s |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for kind, found in by.items():
        secs = [r["seconds"] for r in found]
        cpu = statistics.median(r["worker_cpu_s"] for r in found)
        med = statistics.median(secs)
        lines.append(
            f"| {kind} | {len(found)} | {med:.1f} s ({min(secs):.1f}-{max(secs):.1f}) | "
            f"{points / med / 1e6:.2f}M | {cpu:.1f} s | {points / cpu / 1e6:.2f}M |"
        )
    if "fresh" in by and "warm" in by:
        ratio = statistics.median(r["seconds"] for r in by["fresh"]) / statistics.median(
            r["seconds"] for r in by["warm"]
        )
        cpu_ratio = statistics.median(r["worker_cpu_s"] for r in by["fresh"]) / statistics.median(
            r["worker_cpu_s"] for r in by["warm"]
        )
        lines += ["", f"fresh / warm: {ratio:.2f} (median wall time), {cpu_ratio:.2f} (worker CPU)"]
    return "\n".join(lines) + "\n"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


if __name__ == "__main__":
    sys.exit(main())
