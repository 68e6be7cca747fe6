"""Accuracy benchmark: many seeded generated days per scenario, plus real diary-labelled stops.

Reports, per scenario and overall: stay precision / recall / F1, split and
missed visits, the share of days whose stay count is exact, arrival and
departure errors, store-visit accuracy (each on-site store's visited /
not-visited call against the truth) and per-check verdict accuracy (right,
wrong, inconclusive).  Then the same stay metrics on the real trace with
diary-labelled stops in ``../shared/real-gps/stopgo-diary-labeled`` when that
folder is present.  Last, the track-integrity figures (issue 12), measured by
``benchmarks/integrity.py``'s functions: the share of spoofed days flagged and of
spoofed windows a flag overlaps, the share of honest days flagged (and of the same
route recorded honestly the next day), and the flags on the real traces.

Usage::

    python benchmarks/accuracy.py --seeds 20   # full table -> benchmarks/results/accuracy.md
    python benchmarks/accuracy.py --seeds 3 --scenarios market late --integrity-seeds 0
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from trajectory.cleaning import clean_track
from trajectory.staypoints import detect_stay_points
from trajectory.testing.degrade import DEGRADATIONS, degrade, stop_recall
from trajectory.testing.evaluation import (
    IntervalScore,
    nearby_store_score,
    score_intervals,
    score_verdicts,
    summarise,
    timing_errors,
    verify_generated,
)
from trajectory.testing.scenarios import SCENARIOS, generate_day

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # benchmarks.integrity, when run as a script

from benchmarks.integrity import honest_counts, real_counts, spoofed_counts  # noqa: E402

REAL_GPS = ROOT.parent / "shared" / "real-gps"
CHECKS = ("on_time_arrival", "trajectory_clear", "visit_count_match")


def run_scenario(scenario: str, seeds: range) -> dict[str, Any]:
    scores: list[IntervalScore] = []
    verdicts: dict[str, list[str]] = defaultdict(list)
    store_right = store_total = 0
    wrong_days: list[str] = []
    timing: dict[str, list[float]] = defaultdict(list)
    near = np.zeros(3, dtype=np.int64)  # visits at nearby ordinary stores, split, merged
    for seed in seeds:
        day = generate_day(scenario, seed)
        result = verify_generated(day)
        for key, errors in timing_errors(day, result).items():
            timing[key] += errors
        n = nearby_store_score(day, result)
        near += (n.true, n.split, n.merged)
        data = result.to_dict()
        truth = day.visits
        ts = _epoch(truth["arrival_utc"])
        te = _epoch(truth["departure_utc"])
        ds = _epoch(pd.Series([s.arrival for s in result.stay_points], dtype="datetime64[ns, UTC]"))
        de = _epoch(
            pd.Series([s.departure for s in result.stay_points], dtype="datetime64[ns, UTC]")
        )
        scores.append(score_intervals(ts, te, ds, de))
        v = score_verdicts(data, day.expected)
        for name, outcome in v.items():
            verdicts[name].append(outcome)
        if any(o == "wrong" for o in v.values()):
            wrong_days.append(f"{scenario}/{seed}")
        visited_truth = set(truth.loc[truth["kind"] == "store", "store_id"].astype(str))
        for store in data["stores"]:
            if store["method"] != "onsite":
                continue
            store_total += 1
            store_right += bool(store["visited"]) == (store["store_id"] in visited_truth)
    summary = summarise(scores)
    summary["store_accuracy"] = store_right / store_total if store_total else 1.0
    for name in CHECKS:
        outcomes = verdicts[name]
        summary[f"{name}_right"] = outcomes.count("right") / len(outcomes)
        summary[f"{name}_inconclusive"] = outcomes.count("inconclusive") / len(outcomes)
    summary["wrong_days"] = wrong_days
    summary["timing"] = dict(timing)
    summary["near"] = tuple(int(v) for v in near)
    return summary


def _diary_track(folder: Path) -> pd.DataFrame:
    """The diary-labelled recording as the cleaner's input frame (no accuracy column)."""
    pts = pd.read_csv(folder / "normalized.csv")
    return pd.DataFrame(
        {
            "time": pd.to_datetime(pts["timestamp"], utc=True, format="ISO8601"),
            "lat": pts["lat"],
            "lon": pts["lon"],
            "accuracy_m": np.nan,
            "source_row": np.arange(1, len(pts) + 1),
        }
    )


def run_real() -> dict[str, Any] | None:
    folder = REAL_GPS / "stopgo-diary-labeled"
    if not folder.is_dir():
        return None
    track = _diary_track(folder)
    truth = pd.read_csv(folder / "ground_truth_stops.csv")
    out = {}
    for min_stay in (180.0, 300.0):
        clean, _ = clean_track(track)
        stays = detect_stay_points(clean, min_stay_s=min_stay)
        keep = truth["duration_s"] >= min_stay
        t = truth.loc[keep]
        score = score_intervals(
            _epoch(pd.to_datetime(t["first_point_utc"], utc=True)),
            _epoch(pd.to_datetime(t["last_point_utc"], utc=True)),
            _epoch(stays["arrival"]),
            _epoch(stays["departure"]),
        )
        out[int(min_stay)] = summarise([score])
    return out


def _epoch(values: pd.Series) -> np.ndarray:
    idx = pd.DatetimeIndex(pd.to_datetime(values, utc=True))
    return idx.as_unit("ns").asi8.astype(np.float64) / 1e9


def _fmt(x: float) -> str:
    return f"{x:.3f}" if isinstance(x, float) else str(x)


def render(
    results: dict[str, dict[str, Any]], real: dict[str, Any] | None, seeds: int, seconds: float
) -> str:
    lines = [
        f"Generated days: {seeds} seeds per scenario ({seeds * len(results)} days), "
        f"default configuration, {seconds:.0f} s on this machine.",
        "",
        "| scenario | stays true/found | precision | recall | F1 | split | missed | exact count "
        "| arrival p50/p90 s | store acc. | on-time right (inc.) | clear right (inc.) "
        "| count right (inc.) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, s in results.items():
        lines.append(
            f"| {name} | {s['true']}/{s['detected']} | {s['precision']:.3f} | {s['recall']:.3f} "
            f"| {s['f1']:.3f} | {s['split']} | {s['missed']} | {s['exact_days']:.0%} "
            f"| {s['arrival_p50_s']:.0f}/{s['arrival_p90_s']:.0f} | {s['store_accuracy']:.3f} | "
            + " | ".join(f"{s[f'{c}_right']:.0%} ({s[f'{c}_inconclusive']:.0%})" for c in CHECKS)
            + " |"
        )
    if real is not None:
        lines += [
            "",
            "Real trace with diary-labelled stops (stopgo-diary-labeled, 697 fixes, ~10 s):",
            "",
            "| min_stay_s | true stops >= min | found | precision | recall | F1 | split "
            "| arrival p50/p90 s | departure p50/p90 s |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for ms, s in real.items():
            lines.append(
                f"| {ms} | {s['true']} | {s['detected']} | {s['precision']:.3f} "
                f"| {s['recall']:.3f} | {s['f1']:.3f} | {s['split']} "
                f"| {s['arrival_p50_s']:.0f}/{s['arrival_p90_s']:.0f} "
                f"| {s['departure_p50_s']:.0f}/{s['departure_p90_s']:.0f} |"
            )
    return "\n".join(lines) + "\n"


def run_integrity(seeds: range) -> dict[str, Any]:
    """The track-integrity figures (``benchmarks/integrity.py``'s measures) over ``seeds``."""
    honest = honest_counts(seeds)
    return {"spoofs": spoofed_counts(seeds), "honest": honest, "real": real_counts()}


def render_integrity(figures: dict[str, Any], seeds: int) -> str:
    """The integrity section: goals against the measured shares, then per spoof."""
    spoofs: dict[str, tuple[int, int, int]] = figures["spoofs"]
    n = sum(v[0] for v in spoofs.values())
    hit, over = (sum(v[i] for v in spoofs.values()) for i in (1, 2))
    flagged, total, again, repeats = figures["honest"]
    real = figures["real"]
    shown_real = "traces absent" if real is None else f"{real[0]} over {real[1]} user-days"
    lines = [
        "",
        f"Track integrity ({seeds} seeds per spoof and per scenario; benchmarks/integrity.py):",
        "",
        "| measure | measured | goal |",
        "|---|---|---|",
        f"| spoofed days flagged | {hit}/{n} ({hit / n:.1%}) | >= 95 % |",
        f"| spoofed windows overlapped by a flag | {over}/{n} ({over / n:.1%}) | |",
        f"| honest generated days flagged | {flagged}/{total} ({flagged / total:.1%}) | <= 1 % |",
        f"| same route recorded honestly the next day, flagged | {again}/{repeats} "
        f"({again / max(repeats, 1):.1%}) | <= 1 % |",
        f"| flags on the real traces | {shown_real} | 0 |",
        "",
        "| spoof | days | flagged | spoofed window overlapped |",
        "|---|---|---|---|",
    ]
    lines += [f"| {k} | {d} | {h / d:.0%} | {o / d:.0%} |" for k, (d, h, o) in spoofs.items()]
    return "\n".join(lines) + "\n"


def run_degraded(seeds: range) -> dict[str, tuple[int, int, int]] | None:
    """Issue 13, item 4: the diary-labelled trace degraded (``trajectory.testing.degrade``),
    per degradation (diary stops >= 180 s, how many found, false stays) over ``seeds``."""
    folder = REAL_GPS / "stopgo-diary-labeled"
    if not folder.is_dir():
        return None
    track = _diary_track(folder)
    truth = pd.read_csv(folder / "ground_truth_stops.csv")
    out = {}
    for kind in ("none", *DEGRADATIONS):
        counts = np.zeros(3, dtype=np.int64)
        for seed in seeds if kind != "none" else range(1):
            clean, _ = clean_track(track if kind == "none" else degrade(track, kind, seed))
            counts += stop_recall(truth, detect_stay_points(clean, min_stay_s=180.0))
        out[kind] = (int(counts[0]), int(counts[1]), int(counts[2]))
    return out


def render_issue13(
    results: dict[str, dict[str, Any]], degraded: dict[str, tuple[int, int, int]] | None
) -> str:
    """Issue 13's figures: split visits at nearby ordinary stores, observed vs bridged
    arrival/departure errors (all scenarios), diary recall under each degradation."""
    lines = ["", "Issue 13 (generated days above; real trace below):", ""]
    ordinary = [r for name, r in results.items() if not name.startswith("market")]
    true, split, merged = (sum(r["near"][i] for r in ordinary) for i in range(3))
    lines.append(
        f"- visits at ordinary stores (non-market scenarios) with another store within 150 m: "
        f"{true}; split into two or more stays: {split}; stays covering two of them: {merged}"
    )
    lines += ["", "| error (s, abs) | stays | p50 | p90 |", "|---|--:|--:|--:|"]
    for key in ("arrival_observed", "arrival_bridged", "departure_observed", "departure_bridged"):
        err = np.abs(
            np.concatenate([np.asarray(r["timing"].get(key, [])) for r in results.values()])
        )
        p50, p90 = (f"{np.percentile(err, q):.0f}" if err.size else "-" for q in (50, 90))
        lines.append(f"| {key.replace('_', ' ')} | {err.size} | {p50} | {p90} |")
    if degraded is not None:
        lines += [
            "",
            "| diary trace (stops >= 180 s) | stops | found | recall | false stays |",
            "|---|--:|--:|--:|--:|",
        ]
        for kind, (n, found, false) in degraded.items():
            lines.append(f"| {kind} | {n} | {found} | {found / max(n, 1):.3f} | {false} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seeds", type=int, default=20, help="days per scenario (default 20)")
    parser.add_argument(
        "--first-seed",
        type=int,
        default=1000,
        help="first seed (default 1000: apart from the seeds the tests use)",
    )
    parser.add_argument("--scenarios", nargs="*", default=list(SCENARIOS))
    parser.add_argument(
        "--integrity-seeds",
        type=int,
        default=10,
        help="days per spoof and per scenario for the track-integrity figures (0: none)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "accuracy.md")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    results = {}
    all_wrong = []
    for name in args.scenarios:
        results[name] = run_scenario(name, seeds)
        all_wrong += results[name]["wrong_days"]
        print(
            f"{name:20s} F1 {results[name]['f1']:.3f}  exact {results[name]['exact_days']:.0%}  "
            f"wrong {len(results[name]['wrong_days'])}",
            file=sys.stderr,
        )
    real = run_real()
    text = render(results, real, args.seeds, time.perf_counter() - t0)
    text += render_issue13(results, run_degraded(range(10)))
    if args.integrity_seeds > 0:
        first = args.first_seed
        figures = run_integrity(range(first, first + args.integrity_seeds))
        text += render_integrity(figures, args.integrity_seeds)
    if all_wrong:
        text += "\nDays with a wrong verdict: " + ", ".join(all_wrong) + "\n"
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
