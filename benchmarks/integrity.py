"""Track-integrity benchmark (issue 12): spoofed and honest generated days, real traces, time.

Reports the share of spoofed days flagged (mock hold, teleport, simulated route,
replay of the previous day), the share of spoofed windows a flag overlaps, the share
of honest days flagged (every generated scenario, plus the same route recorded honestly
the next day compared against the first day's fingerprint), the flags on every real
trace in ``../shared/real-gps`` (each local day against the user's other days), and what
``check_integrity`` adds to ``verify_day``'s time.

Usage::

    python benchmarks/integrity.py --seeds 10
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

import numpy as np

from trajectory import pipeline
from trajectory.config import config_from_mapping
from trajectory.integrity import day_fingerprint
from trajectory.integrity_types import Integrity
from trajectory.pipeline import verify_day
from trajectory.testing import SCENARIOS, generate_day, verify_generated
from trajectory.testing.spoofing import SPOOFS, honest_next_day, real_trace_flags, spoof

REAL = Path(__file__).resolve().parents[2] / "shared" / "real-gps"


def spoofed(seeds: range) -> list[str]:
    """Per spoof: days flagged and windows overlapped."""
    lines = ["| spoof | days | flagged | window overlapped |", "|---|---|---|---|"]
    for name, (n, hit, over) in spoofed_counts(seeds).items():
        lines.append(f"| {name} | {n} | {hit / n:.0%} | {over / n:.0%} |")
    return lines


def spoofed_counts(seeds: range) -> dict[str, tuple[int, int, int]]:
    """Per spoof: (days, days flagged, days whose spoofed window a flag overlaps)."""
    out = {}
    for name in SPOOFS:
        hit = over = n = 0
        for seed in seeds:
            day = generate_day("compliant", seed)
            date = dt.date.fromisoformat(str(day.tasks["date"].iloc[0]))
            tasks, others = day.tasks, ()
            if name == "replay":
                others = (day_fingerprint(verify_generated(day).track, date),)
                tasks = tasks.assign(date=(date + dt.timedelta(days=1)).isoformat())
            track, (a, b) = spoof(name, day.track, seed)  # type: ignore[misc]
            flags = verify_day(track, tasks, other_days=others).integrity.flags
            n += 1
            hit += bool(flags)
            over += any(f.start.value / 1e9 <= b and f.end.value / 1e9 >= a for f in flags)
        out[name] = (n, hit, over)
    return out


def honest(seeds: range) -> list[str]:
    """Honest days flagged, per scenario and for the next-day repeat."""
    flagged, total, repeat_flagged, repeats = honest_counts(seeds)
    return [
        f"Honest generated days flagged: {flagged}/{total} ({flagged / total:.1%}); "
        f"same route recorded again the next day: {repeat_flagged}/{repeats}."
    ]


def honest_counts(seeds: range) -> tuple[int, int, int, int]:
    """(honest days flagged, days, next-day repeats flagged, repeats): every scenario,
    and each WGS-84 day recorded honestly again the next day against its fingerprint."""
    flagged = total = repeat_flagged = repeats = 0
    for scenario in SCENARIOS:
        for seed in seeds:
            day = generate_day(scenario, seed)
            result = verify_generated(day)
            total += 1
            flagged += result.integrity.status == "suspicious"
            if day.track_crs != "wgs84":
                continue
            cfg = config_from_mapping(day.config) if day.config else None
            fp = day_fingerprint(result.track, result.date)
            again = honest_next_day(day.track, day.point_truth, np.random.default_rng(seed))
            tasks = day.tasks.assign(date=(result.date + dt.timedelta(days=1)).isoformat())
            repeats += 1
            repeat_flagged += bool(verify_day(again, tasks, cfg, other_days=(fp,)).integrity.flags)
    return flagged, total, repeat_flagged, repeats


def real_traces() -> list[str]:
    """Flags on every real trace (each local day against the user's other days)."""
    counts = real_counts()
    if counts is None:
        return [f"Real traces: not present at {REAL}, skipped."]
    return [f"Real traces: {counts[0]} flags over {counts[1]} user-days."]


def real_counts() -> tuple[int, int] | None:
    """(flags, user-days) over every real trace; None when the traces are absent."""
    if not REAL.is_dir():
        return None
    flags = days = 0
    for _, _, _, kinds in real_trace_flags(REAL):
        days += 1
        flags += len(kinds)
    return flags, days


def timing(seeds: range) -> list[str]:
    """verify_day's time with integrity and with it replaced by a no-op."""
    days = [generate_day("compliant", s) for s in seeds]
    before = dt.date(2026, 11, 1)  # other managers' days stand in for the manager's others
    fps = [day_fingerprint(verify_generated(d).track, before) for d in days]

    def run() -> float:
        t0 = time.perf_counter()
        for d in days:
            verify_day(d.track, d.tasks, other_days=fps)
        return time.perf_counter() - t0

    run()
    with_s = min(run() for _ in range(3))
    saved = pipeline.check_integrity
    pipeline.check_integrity = lambda *a, **k: Integrity()  # type: ignore[assignment]
    without_s = min(run() for _ in range(3))
    pipeline.check_integrity = saved
    return [
        f"verify_day over {len(days)} compliant days, {len(fps)} other-day fingerprints each: "
        f"{1000 * with_s / len(days):.1f} ms/day with integrity, "
        f"{1000 * without_s / len(days):.1f} ms/day without (+{with_s / without_s - 1:.1%})."
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=10, help="days per spoof/scenario")
    args = parser.parse_args(argv)
    seeds = range(1000, 1000 + args.seeds)
    for block in (spoofed(seeds), honest(seeds), real_traces(), timing(seeds)):
        print("\n".join(block), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
