"""Map report size and speed on the largest generated days (issue 3 targets: a
17,000-point day renders in under 1 s to under 1.5 MB, offline assets excluded).

Usage::

    python benchmarks/map_reports.py            # writes benchmarks/results/maps.md
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from maps.day import render_day
from trajectory.evaluation import verify_generated
from trajectory.result import DayResult
from trajectory.simulate import generate_day

ROOT = Path(__file__).resolve().parent.parent


def big_days(n: int, min_points: int) -> list[DayResult]:
    """The first ``n`` generated 1 s-sampled days with at least ``min_points`` fixes."""
    out = []
    seed = 0
    while len(out) < n and seed < 200:
        day = generate_day("compliant", seed, sampling_s=1.0)
        if len(day.track) >= min_points:
            out.append(verify_generated(day))
        seed += 1
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--min-points", type=int, default=17_000)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "maps.md")
    args = parser.parse_args(argv)
    days = big_days(args.days, args.min_points)
    render_day(days[0])  # warm up imports and templates
    lines = [
        f"Map report of {len(days)} generated 1 s-sampled days with >= {args.min_points:,} "
        f"fixes ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, one core, best of 3).",
        "",
        "| fixes (cleaned) | stays | tiles | render time | HTML size |",
        "|--:|--:|---|--:|--:|",
    ]
    for r in days:
        for tiles in ("osm", "amap"):
            best = float("inf")
            for _ in range(3):
                t0 = time.perf_counter()
                html = render_day(r, tiles=tiles)  # type: ignore[arg-type]
                best = min(best, time.perf_counter() - t0)
            n = 0 if r.track is None else len(r.track)
            lines.append(
                f"| {n:,} | {len(r.stay_points)} | {tiles} | {best * 1000:.0f} ms "
                f"| {len(html.encode('utf-8')) / 1e6:.2f} MB |"
            )
    text = "\n".join(lines) + "\n"
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
