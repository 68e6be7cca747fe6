"""Speed of the verification core on generated manager-days (one core).

Reports points/s of the compiled stay kernel (arrays in, one call per day and one
call over 1M points), of ``detect_stay_points`` and ``clean_track`` through the
DataFrame API, and milliseconds per 17,000-point manager-day for ``verify_day``
(from validated frames, from raw frames with ISO timestamps) and for reading the
day's CSV.  Ratios against trackintel and movingpandas come from
``compare_peers.py`` (same machine); this script has no peers.

Usage::

    python benchmarks/speed.py            # writes benchmarks/results/speed.md
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from trajectory._kernels import assemble_stays
from trajectory.cleaning import clean_track
from trajectory.geodesy import LocalProjection
from trajectory.io import read_tasks, read_track
from trajectory.pipeline import verify_day
from trajectory.schema import validate_tasks, validate_track
from trajectory.staypoints import _fix_radius, detect_stay_points
from trajectory.testing.scenarios import generate_day
from trajectory.timestamps import elapsed_s

ROOT = Path(__file__).resolve().parent.parent


def best_of(f: Callable[[], object], repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return min(times)


def day_17k(seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A 1 s-sampled working day trimmed or padded to about 17,000 fixes."""
    d = generate_day("sampling_1s", seed)
    return d.track, d.tasks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--days", type=int, default=6, help="manager-days to time (default 6)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "speed.md")
    args = parser.parse_args(argv)

    days = [day_17k(seed) for seed in range(args.days)]
    validated = [(validate_track(t), validate_tasks(k)) for t, k in days]
    cleaned = [clean_track(v.frame)[0] for v, _ in validated]
    arrays = []
    for c in cleaned:
        lat, lon = c["lat"].to_numpy(), c["lon"].to_numpy()
        x, y = LocalProjection.around(lat, lon).forward(lat, lon)
        arrays.append(
            (
                elapsed_s(c["time"]),
                x,
                y,
                _fix_radius(c, 50.0),
                c["speed_mps"].to_numpy(dtype=np.float64),
            )
        )
    points = sum(len(t) for t, _ in days)
    kept = sum(a[0].size for a in arrays)

    def kernel_per_day() -> None:
        for t, x, y, r, sp in arrays:
            assemble_stays(t, x, y, r, sp, 180.0, 10800.0, 90.0, 300.0, 60.0, 30.0)

    # one long track of >= 1M fixes: the days laid end to end, a day apart in time
    reps = int(np.ceil(1_000_000 / kept))
    parts = [
        (a[0] + 86400.0 * (i * len(arrays) + j), *a[1:])
        for i in range(reps)
        for j, a in enumerate(arrays)
    ]
    big = [np.concatenate([p[q] for p in parts]) for q in range(5)]

    def kernel_big() -> None:
        assemble_stays(
            big[0], big[1], big[2], big[3], big[4], 180.0, 10800.0, 90.0, 300.0, 60.0, 30.0
        )

    kernel_big()  # compile / warm up
    rows = []
    t_kernel = best_of(kernel_per_day)
    rows.append(
        (
            "stay kernel (compiled), one call per day",
            f"{kept / t_kernel / 1e6:.1f}M points/s",
            f"{t_kernel / len(days) * 1e3:.2f} ms/day",
        )
    )
    t_big = best_of(kernel_big, 3)
    rows.append(
        (
            f"stay kernel (compiled), one call over {big[0].size / 1e6:.2f}M points",
            f"{big[0].size / t_big / 1e6:.1f}M points/s",
            f"{t_big * 1e3:.0f} ms",
        )
    )
    t_detect = best_of(lambda: [detect_stay_points(c) for c in cleaned])
    rows.append(
        (
            "detect_stay_points (DataFrame in/out)",
            f"{kept / t_detect / 1e6:.2f}M points/s",
            f"{t_detect / len(days) * 1e3:.1f} ms/day",
        )
    )
    t_clean = best_of(lambda: [clean_track(v.frame) for v, _ in validated])
    rows.append(
        (
            "clean_track",
            f"{points / t_clean / 1e6:.2f}M points/s",
            f"{t_clean / len(days) * 1e3:.1f} ms/day",
        )
    )
    t_verify = best_of(lambda: [verify_day(v, k) for v, k in validated])
    rows.append(
        (
            "verify_day from validated frames",
            f"{points / t_verify / 1e6:.2f}M points/s",
            f"{t_verify / len(days) * 1e3:.1f} ms/day",
        )
    )
    t_raw = best_of(lambda: [verify_day(t, k) for t, k in days], 3)
    rows.append(
        (
            "verify_day from raw frames (ISO text timestamps)",
            f"{points / t_raw / 1e6:.2f}M points/s",
            f"{t_raw / len(days) * 1e3:.1f} ms/day",
        )
    )
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, (t, k) in enumerate(days):
            tp, kp = Path(tmp) / f"t{i}.csv", Path(tmp) / f"k{i}.csv"
            t.to_csv(tp, index=False)
            k.to_csv(kp, index=False)
            paths.append((tp, kp))
        t_io = best_of(lambda: [verify_day(read_track(tp), read_tasks(kp)) for tp, kp in paths], 3)
    rows.append(
        (
            "read CSV files + verify_day",
            f"{points / t_io / 1e6:.2f}M points/s",
            f"{t_io / len(days) * 1e3:.1f} ms/day",
        )
    )

    cpu = (
        next(
            (
                ln.split(":", 1)[1].strip()
                for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")
            ),
            platform.processor(),
        )
        if Path("/proc/cpuinfo").exists()
        else ""
    )
    text = [
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {cpu} "
        f"(one core), Python {platform.python_version()}: {len(days)} generated 1 s-sampled "
        f"manager-days, {points / len(days):,.0f} fixes each on average; best of several runs.",
        "",
        "| what | throughput | time |",
        "|---|--:|--:|",
    ]
    text += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    out = "\n".join(text) + "\n"
    print(out)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(out, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
