"""``batch.kernel_cache``: what the Dask engine ships to fresh workers, and when a worker
refuses it.  The shipping itself, to real worker processes with an empty numba cache,
is tested end to end in ``test_dask_cluster.py``."""

from __future__ import annotations

import dataclasses
import pickle

from batch.kernel_cache import KernelCachePlugin, collect_kernel_cache, install_kernel_cache
from trajectory.pipeline import verify_day
from trajectory.testing import generate_day


def _current() -> list:  # type: ignore[type-arg]
    day = generate_day("compliant", seed=1)
    verify_day(day.track, day.tasks)  # this process's cache is now current
    return collect_kernel_cache()


def test_every_entry_has_its_index_and_the_data_it_names() -> None:
    entries = _current()
    assert {e.module for e in entries} >= {"trajectory._kernels", "trajectory._groups"}
    for entry in entries:
        names = list(entry.files)
        assert sum(n.endswith(".nbi") for n in names) == 1, names
        assert any(n.endswith(".nbc") for n in names), names
        assert len(entry.stamp) == 32  # numba's stamp: the source's SHA-256


def test_nothing_installed_over_a_current_cache_or_for_other_source() -> None:
    entries = _current()
    assert install_kernel_cache(entries) == 0  # this process's cache is current already
    other = [dataclasses.replace(e, stamp=b"\0" * 32) for e in entries]
    assert install_kernel_cache(other) == 0  # compiled from another version of the code


def test_the_plugin_pickles_with_its_entries() -> None:
    plugin = KernelCachePlugin(_current())
    copy = pickle.loads(pickle.dumps(plugin))
    assert copy.name == "trajcheck-kernel-cache"
    assert copy.entries == plugin.entries
