"""verify_day's fixed per-day overhead (issue 18): this tree against an earlier commit.

Times ``validate_tasks``, ``validate_track`` and ``verify_day`` from raw and from
validated frames on one ~17k-fix generated 1 s-sampled day and on the ``late`` sample
day (2,864 fixes, read with ``pandas.read_csv``).  "before" is the tree of
``--against`` (default: the last commit before the issue-18 array work), exported with
``git archive`` to a temporary directory; each column runs in its own process (the
tree on ``PYTHONPATH``), the two alternating ``--rounds`` times so load changes hit
both; best of ``--repeat`` runs per round, best over the rounds.  Both trees must give
byte-identical results on the two days (checked here).  One core.

    .venv/bin/python benchmarks/overhead.py [--repeat 20] [--rounds 3] [--against REV]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # benchmarks._revision, when run as a script

from benchmarks._revision import export_revision  # noqa: E402

BEFORE_ISSUE_18 = "9e45110"
STAGES = (
    "validate_tasks",
    "validate_track",
    "verify_day, raw frames",
    "verify_day, validated frames",
)


def _days() -> dict[str, tuple[pd.DataFrame, pd.DataFrame]]:
    """The 1 s-sampled generated day (seeds 0-19) closest to 17k fixes, and ``late``."""
    from trajectory.testing import generate_day

    best = None
    for seed in range(20):
        day = generate_day("sampling_1s", seed)
        if best is None or abs(len(day.track) - 17_000) < abs(len(best.track) - 17_000):
            best = day
    assert best is not None
    late = ROOT / "sample_tracks" / "late"
    late_track, late_tasks = pd.read_csv(late / "track.csv"), pd.read_csv(late / "tasks.csv")
    return {
        f"sampling_1s seed {best.seed}, {len(best.track):,} fixes, {len(best.tasks)} tasks": (
            best.track,
            best.tasks,
        ),
        f"late sample, {len(late_track):,} fixes, {len(late_tasks)} tasks": (
            late_track,
            late_tasks,
        ),
    }


def _worker(repeat: int) -> dict[str, Any]:
    """Best-of-``repeat`` ms per day and stage, and a digest of the results (this tree)."""
    from trajectory.pipeline import verify_day

    out: dict[str, Any] = {"ms": {}, "digest": {}}
    for name, (track, tasks) in _days().items():
        result = verify_day(track, tasks)  # compile and warm up
        text = json.dumps(result.to_dict(), sort_keys=True, default=str)
        out["digest"][name] = hashlib.sha1(text.encode()).hexdigest()
        for stage, ms in _stage_ms(track, tasks, repeat).items():
            out["ms"][f"{name}|{stage}"] = ms
    return out


def _stage_ms(track: pd.DataFrame, tasks: pd.DataFrame, repeat: int) -> dict[str, float]:
    from trajectory.pipeline import verify_day
    from trajectory.schema import validate_tasks, validate_track

    vtrack, vtasks = validate_track(track), validate_tasks(tasks)
    fns: tuple[Callable[[], Any], ...] = (
        lambda: validate_tasks(tasks),
        lambda: validate_track(track),
        lambda: verify_day(track, tasks),
        lambda: verify_day(vtrack, vtasks),
    )
    out = {}
    for stage, fn in zip(STAGES, fns, strict=True):
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - start)
        out[stage] = best * 1e3
    return out


def _run(tree: Path, repeat: int) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", "--repeat", str(repeat)]
    done = subprocess.run(cmd, env=env, cwd=tempfile.gettempdir(), check=True, capture_output=True)
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--against", default=BEFORE_ISSUE_18, help="git revision of 'before'")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(_worker(args.repeat)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        export_revision(args.against, tmp)
        runs: dict[str, list[dict[str, Any]]] = {"before": [], "after": []}
        for _ in range(args.rounds):  # interleaved
            runs["before"].append(_run(Path(tmp), args.repeat))
            runs["after"].append(_run(ROOT, args.repeat))
    digests = {json.dumps(r["digest"], sort_keys=True) for rs in runs.values() for r in rs}
    assert len(digests) == 1, "the two trees give different results"
    print(f"| day | stage | before ({args.against}) ms | after ms |")
    print("|---|---|--:|--:|")
    for key in runs["after"][0]["ms"]:
        best = {side: min(r["ms"][key] for r in rs) for side, rs in runs.items()}
        day, stage = key.split("|")
        print(f"| {day} | {stage} | {best['before']:.1f} | {best['after']:.1f} |")


if __name__ == "__main__":
    main()
