"""``trajcheck warmup``: compile the core's numba kernels into their on-disk cache.

The stay, cleaning and market kernels are compiled on first use (about 14 s of CPU on a
fresh install, once: ``benchmarks/cold_start.py``); the cache then lives beside the
modules, in ``NUMBA_CACHE_DIR``, or, where the package folder is not writable, in the
user's cache folder (numba's ``~/.cache/numba``), and every later process loads it in
milliseconds.  ``make setup``, a service image and a fresh Dask worker run this once, so
a user's first ``trajcheck verify`` does not pay for it.  Every kernel is called with one
argument type (``trajectory._steps.kernel_array``), so one day compiles them all; it
verifies a few generated days of every shape the kernels meet (plain, market, messy GPS,
GCJ-02 stores), read back from CSV as a user's files are, to make sure.
"""

from __future__ import annotations

__all__ = ["add_warmup_command", "warm_up"]

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from api.cli.common import EXIT_OK

#: Generated days whose verification reaches every kernel and argument type.
WARMUP_SCENARIOS: tuple[str, ...] = (
    "compliant",
    "market",
    "messy_rows",
    "gcj02_stores",
    "heavy_outliers",
    "traffic_jam",
)


def add_warmup_command(sub: Any) -> None:
    """Add ``warmup`` to the ``trajcheck`` sub-commands."""
    w = sub.add_parser(
        "warmup",
        help="compile the verification kernels once (make setup runs it), so the first "
        "verify is fast",
    )
    w.set_defaults(func=_cmd_warmup)


def warm_up() -> tuple[int, float]:
    """Verify the warm-up days; returns (days verified, seconds)."""
    from trajectory.config import config_from_mapping
    from trajectory.io import read_tasks, read_track
    from trajectory.pipeline import verify_day
    from trajectory.testing import generate_day

    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="trajcheck-warmup-") as tmp:
        for i, scenario in enumerate(WARMUP_SCENARIOS):
            day = generate_day(scenario, seed=i + 1)
            track, tasks = Path(tmp) / f"{i}.track.csv", Path(tmp) / f"{i}.tasks.csv"
            day.track.to_csv(track, index=False)
            day.tasks.to_csv(tasks, index=False)
            verify_day(
                read_track(track),
                read_tasks(tasks),
                config_from_mapping(day.config) if day.config else None,
                track_crs=day.track_crs,
                store_crs=day.store_crs,
            )
    return len(WARMUP_SCENARIOS), time.perf_counter() - start


def _cmd_warmup(args: argparse.Namespace) -> int:
    days, seconds = warm_up()
    print(
        f"trajcheck warmup: {days} days verified, kernels cached in {seconds:.1f} s",
        file=sys.stderr,
    )
    return EXIT_OK
