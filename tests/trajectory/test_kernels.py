"""The compiled kernels' calling convention: one argument type per kernel (issue 18).

numba compiles a kernel again, for seconds to tens of seconds, for every new tuple of
argument types; ``trajcheck warmup`` compiles the types it meets.  So every call site
hands the kernels the same types whatever the caller's frame or keyword types, and the
hand-written replacements of numba library calls give numba's results bit for bit.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np
import pytest
from numba import njit

import trajectory.cleaning as cleaning_mod
import trajectory.staypoints as staypoints_mod
from trajectory._kernels import _percentile
from trajectory.cleaning import clean_track
from trajectory.schema import validate_track
from trajectory.staypoints import detect_stay_points
from trajectory.testing.scenarios import generate_day


def _spy(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> set[tuple[Any, ...]]:
    """Record the numba types of every call of ``module.name``; the set of them."""
    seen: set[tuple[Any, ...]] = set()
    real = getattr(module, name)

    def spy(*args: Any) -> Any:
        seen.add(tuple(numba.typeof(a) for a in args))
        return real(*args)

    monkeypatch.setattr(module, name, spy)
    return seen


def test_stay_kernel_gets_one_argument_type(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _spy(monkeypatch, staypoints_mod, "assemble_stays")
    track, _ = clean_track(validate_track(generate_day("compliant", seed=3).track).frame)
    detect_stay_points(track)  # speed_mps a (read-only) pandas column
    detect_stay_points(track.drop(columns=["speed_mps", "accuracy_m"]))
    detect_stay_points(track, radius_m=50, min_stay_s=180)  # ints from a library caller
    assert len(seen) == 1


def test_burst_kernel_gets_one_argument_type(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _spy(monkeypatch, cleaning_mod, "flag_bursts")
    raw = validate_track(generate_day("heavy_outliers", seed=2).track).frame
    clean_track(raw)  # forward and backward (reversed) passes
    clean_track(raw, max_speed_mps=50, jump_m=150, max_burst_s=600)
    assert len(seen) == 1


@njit
def _numba_percentile(a: np.ndarray, q: float) -> float:
    return np.percentile(a, q)


def test_percentile_is_numbas_bit_for_bit() -> None:
    rng = np.random.default_rng(18)
    for trial in range(400):
        n = int(rng.integers(1, 300))
        if trial % 3 == 0:  # ties
            a = rng.integers(0, 5, n).astype(np.float64) * rng.random()
        else:
            a = np.abs(rng.normal(0.0, float(rng.choice([1e-3, 1.0, 30.0, 1e4])), n))
        for q in (80.0, 50.0, 12.5):
            assert _percentile(a.copy(), q) == _numba_percentile(a.copy(), q)
