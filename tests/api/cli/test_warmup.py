"""``trajcheck warmup`` compiles every kernel a user's days need: after it, verifying
every bundled sample day (files, as a user gives them) compiles nothing more."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.helpers.samples import SAMPLE_DAYS, SAMPLES

VERIFY_ALL = """
import contextlib, io, sys
from api.cli.main import main
for day in sys.argv[1:]:
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["verify", "--track", day + "/track.csv", "--tasks", day + "/tasks.csv"]) == 0
"""


def _cached(folder: Path) -> set[str]:
    return {p.name for p in folder.rglob("*.nbc")}


def test_after_warmup_the_samples_compile_nothing(tmp_path: Path) -> None:
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    warm = subprocess.run(
        [sys.executable, "-m", "api.cli.main", "warmup"], env=env, capture_output=True, text=True
    )
    assert warm.returncode == 0, warm.stderr
    assert "days verified, kernels cached" in warm.stderr
    compiled = _cached(tmp_path)
    # the stay, cleaning and integrity kernels, which compile their helpers (those with one
    # call site inlined, see trajectory._kernels)
    entry_points = {"_kernels.assemble_stays", "_steps.flag_bursts", "_steps.smooth_steps"}
    assert entry_points <= {name.split("-")[0] for name in compiled}
    days = [str(SAMPLES / name) for name in SAMPLE_DAYS]
    done = subprocess.run(
        [sys.executable, "-c", VERIFY_ALL, *days], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert _cached(tmp_path) - compiled == set()
