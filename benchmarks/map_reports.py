"""Map report size and speed on the largest generated days (issue 3 targets: a
17,000-point day renders in under 1 s to under 1.5 MB), online (scripts from CDNs) and
offline (every script and stylesheet inlined, no tiles), with the timeline's share;
and the same for the bundled sample days.

Usage::

    python benchmarks/map_reports.py            # writes benchmarks/results/maps.md
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path

from maps.day import render_day
from trajectory.result import DayResult
from trajectory.testing.evaluation import verify_generated
from trajectory.testing.scenarios import generate_day

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


def sample_days() -> list[tuple[str, DayResult]]:
    """The bundled sample days, verified as ``trajcheck demo`` does."""
    from api.cli.verify import SAMPLES_DIR, verify_sample

    out = []
    for day in sorted(p for p in SAMPLES_DIR.iterdir() if (p / "track.csv").is_file()):
        _, result = verify_sample(day)
        out.append((day.name, result))
    return out


def measure(result: DayResult, tiles: str, offline: bool) -> tuple[float, int, int, int]:
    """Best of 3 render time (s), page bytes, timeline bytes and timeline track points."""
    best = float("inf")
    page = ""
    for _ in range(3):
        t0 = time.perf_counter()
        page = render_day(result, tiles=tiles, offline=offline)  # type: ignore[arg-type]
        best = min(best, time.perf_counter() - t0)
    found = re.search(r"var timeline_[0-9a-f]+_data = (\{.*?\});\n", page)
    points = 0
    if found:
        features = json.loads(found.group(1))["features"]["features"]
        points = len(features[0]["geometry"]["coordinates"])
    size = len(found.group(1).encode("utf-8")) if found else 0
    return best, len(page.encode("utf-8")), size, points


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--min-points", type=int, default=17_000)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "maps.md")
    args = parser.parse_args(argv)
    days = big_days(args.days, args.min_points)
    render_day(days[0], offline=True)  # warm up imports, templates and vendored files
    lines = [
        f"Map report of {len(days)} generated 1 s-sampled days with >= {args.min_points:,} "
        f"fixes, and of the bundled sample days "
        f"({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, one core, best of 3). "
        "Online: scripts and stylesheets from their CDNs (not counted); offline: all "
        "inlined, no tiles. Timeline: the data handed to the player, inside the page.",
        "",
        "| day | fixes (cleaned) | stays | page | render time | HTML size | timeline points "
        "| timeline data |",
        "|---|--:|--:|---|--:|--:|--:|--:|",
    ]
    rows: list[tuple[str, DayResult]] = [(f"generated #{k}", r) for k, r in enumerate(days, 1)]
    rows += sample_days()
    for name, r in rows:
        big = name.startswith("generated")
        modes = [("osm", False), ("amap", False), ("none", True)] if big else []
        modes = modes or [("osm", False), ("none", True)]
        for tiles, offline in modes:
            best, size, data, points = measure(r, tiles, offline)
            n = 0 if r.track is None else len(r.track)
            page = f"offline ({tiles})" if offline else f"online ({tiles})"
            lines.append(
                f"| {name} | {n:,} | {len(r.stay_points)} | {page} | {best * 1000:.0f} ms "
                f"| {size / 1e6:.2f} MB | {points:,} | {data / 1e3:.0f} kB |"
            )
    text = "\n".join(lines) + "\n"
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
