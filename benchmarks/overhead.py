"""verify_day's fixed per-day overhead (issue 18): raw vs validated frames, per stage.

Times ``verify_day`` on one ~17k-fix generated 1 s-sampled day and on the ``late``
sample day (2,864 fixes, read with ``pandas.read_csv``), from raw frames and from
frames already validated, and the validation stages alone.  "before" runs with the
issue-18 fast paths switched off (the task-list fast path
``trajectory.schema_tasks.good_task_frame`` and the one-pass pyarrow ISO 8601 check of
``trajectory.timestamps_forms``; the third change, no copy in ``FieldChecks.settle``
when no row is bad, stays on), so both columns come from the same tree; the results
are identical either way (checked here too).  Best of ``--repeat`` runs, the two
columns interleaved three times; one process, one core.

    .venv/bin/python benchmarks/overhead.py [--repeat 30]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

import trajectory.schema as schema
import trajectory.timestamps_forms as forms
from trajectory.pipeline import verify_day
from trajectory.schema import validate_tasks, validate_track
from trajectory.testing import generate_day

ROOT = Path(__file__).resolve().parents[1]
_FAST = schema.good_task_frame  # type: ignore[attr-defined]
_PLAIN = forms._plainly_iso_with_offset


def _big_day(target: int = 17_000) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """The 1 s-sampled generated day (seeds 0-19) whose size is closest to ``target``."""
    best = None
    for seed in range(20):
        day = generate_day("sampling_1s", seed)
        if best is None or abs(len(day.track) - target) < abs(len(best.track) - target):
            best = day
    assert best is not None
    return best.track, best.tasks, f"sampling_1s seed {best.seed}"


def _fast_path(on: bool) -> None:
    schema.good_task_frame = _FAST if on else (lambda *a: None)  # type: ignore[attr-defined]
    forms._plainly_iso_with_offset = _PLAIN if on else (lambda text: False)


def _best_ms(fn: Callable[[], Any], on: bool, repeat: int) -> float:
    _fast_path(on)
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    _fast_path(True)
    return best * 1e3


def _rows(name: str, track: pd.DataFrame, tasks: pd.DataFrame, repeat: int) -> list[str]:
    vtrack, vtasks = validate_track(track), validate_tasks(tasks)
    stages: dict[str, Callable[[], Any]] = {
        "validate_tasks": lambda: validate_tasks(tasks),
        "validate_track": lambda: validate_track(track),
        "verify_day, raw frames": lambda: verify_day(track, tasks),
        "verify_day, validated frames": lambda: verify_day(vtrack, vtasks),
    }
    out = []
    for stage, fn in stages.items():
        before = after = float("inf")
        for _ in range(3):  # interleaved, so load changes hit both columns
            before = min(before, _best_ms(fn, False, repeat))
            after = min(after, _best_ms(fn, True, repeat))
        out.append(f"| {name} | {stage} | {before:.1f} | {after:.1f} |")
    return out


def _same_results(track: pd.DataFrame, tasks: pd.DataFrame) -> bool:
    dumps = []
    for on in (False, True):
        _fast_path(on)
        dumps.append(json.dumps(verify_day(track, tasks).to_dict(), sort_keys=True, default=str))
    _fast_path(True)
    return dumps[0] == dumps[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    big_track, big_tasks, big_name = _big_day()
    late = ROOT / "sample_tracks" / "late"
    late_track, late_tasks = pd.read_csv(late / "track.csv"), pd.read_csv(late / "tasks.csv")
    days = {
        f"{big_name}, {len(big_track):,} fixes, {len(big_tasks)} tasks": (big_track, big_tasks),
        f"late sample, {len(late_track):,} fixes, {len(late_tasks)} tasks": (
            late_track,
            late_tasks,
        ),
    }
    for track, tasks in days.values():
        verify_day(track, tasks)  # compile and warm up
        assert _same_results(track, tasks), "the fast path changed a result"
    print("| day | stage | before (ms) | after (ms) |")
    print("|---|---|--:|--:|")
    for name, (track, tasks) in days.items():
        print("\n".join(_rows(name, track, tasks, args.repeat)))


if __name__ == "__main__":
    main()
