"""Compiled kernels for fresh Dask workers: the driver's numba cache, shipped once.

The core's numba kernels (``trajectory._kernels``, ``_steps``, ``_motion``, ``_groups``) are
compiled on first use, about 25 s, and cached on disk (beside the modules or in
``NUMBA_CACHE_DIR``).  A fresh Dask worker (a new container, a new machine, an empty
cache folder) would pay that in the middle of a run.  The Dask engine therefore
registers :class:`KernelCachePlugin` on the cluster: it carries the driver's cache
entries of every kernel (index and data files, compressed; a few MB) and, in
``setup`` on each worker, present and future, writes them where that worker's numba
looks for them, then loads the kernels with a tiny day (:func:`batch.jobs.warm_up`).

An entry is shipped only when it is current for the driver's source, and installed
only when the worker's source of the module is byte-identical (numba keys a cache on
the source file's SHA-256) and the worker has no current entry of its own; numba
itself checks the rest (its version, the CPU).  Anything that does not match is left
alone and compiles on first use, as without the plugin, so the plugin can only save
time, never change a result.  Run ``trajcheck warmup`` where the driver runs (``make
setup`` does) so that there is a cache to ship.

This reads numba's cache files through its (private) cache objects; a numba whose
internals differ makes :func:`collect_kernel_cache` return nothing, and the workers
compile as before.
"""

from __future__ import annotations

__all__ = ["KernelCachePlugin", "KernelEntry", "collect_kernel_cache", "install_kernel_cache"]

import importlib
import sys
import uuid
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from distributed import WorkerPlugin

#: Package whose modules hold the cached kernels.
_PACKAGE = "trajectory"


@dataclass(frozen=True)
class KernelEntry:
    """One kernel's cache files: ``files`` maps a file name to its zlib-compressed bytes.

    ``stamp`` is numba's stamp of the module source they were compiled from (its
    SHA-256); the index file is the entry ending in ``.nbi``.
    """

    module: str
    name: str
    stamp: bytes
    files: dict[str, bytes]


def collect_kernel_cache() -> list[KernelEntry]:
    """The current cache entries of every kernel of ``trajectory`` in this process."""
    import trajectory.pipeline  # noqa: F401  (imports every kernel module)

    entries: list[KernelEntry] = []
    for module, name, dispatcher in _dispatchers():
        try:
            entry = _entry(module, name, dispatcher)
        except (AttributeError, OSError, TypeError, ValueError):
            continue  # another numba's internals, or an unreadable file: compile instead
        if entry is not None:
            entries.append(entry)
    return entries


def install_kernel_cache(entries: Sequence[KernelEntry]) -> int:
    """Write ``entries`` where this process's numba looks for them; how many were.

    An entry is skipped when this process's source of the module differs from the
    one it was compiled from, or when a current entry is already there.
    """
    installed = 0
    for entry in entries:
        try:
            module = importlib.import_module(entry.module)
            cache_file = getattr(module, entry.name)._cache._cache_file
            if cache_file._source_stamp != entry.stamp or cache_file._load_index():
                continue
            folder = Path(cache_file._cache_path)
        except (AttributeError, ImportError, OSError, ValueError):
            continue
        index = [n for n in entry.files if n.endswith(".nbi")]
        data = [n for n in entry.files if not n.endswith(".nbi")]
        try:
            for name in [*data, *index]:  # the index last: it names the data files
                _write_atomic(folder / name, zlib.decompress(entry.files[name]))
        except OSError:
            continue  # an unwritable cache folder: numba compiles, as without the plugin
        installed += 1
    return installed


class KernelCachePlugin(WorkerPlugin):
    """A Dask worker plugin installing the driver's compiled kernels on every worker.

    Registered by :class:`batch.engines.Runner` (``client.register_plugin``, name
    :attr:`name`): Dask runs :meth:`setup` on every worker of the cluster, and on any
    worker that joins later.
    """

    name = "trajcheck-kernel-cache"

    def __init__(self, entries: Sequence[KernelEntry]) -> None:
        self.entries = tuple(entries)

    def setup(self, worker: Any) -> None:
        """Install the kernels' cache files, then load the kernels (a three-fix day)."""
        from batch.jobs import warm_up

        install_kernel_cache(self.entries)
        warm_up()


def _dispatchers() -> Iterator[tuple[str, str, Any]]:
    """(module, attribute, dispatcher) of every cached numba function in the package."""
    for module_name, module in sorted(sys.modules.items()):
        if module is None or not module_name.startswith(_PACKAGE + "."):
            continue
        for name, value in sorted(vars(module).items()):
            cache = getattr(value, "_cache", None)
            if getattr(value, "__module__", None) == module_name and hasattr(cache, "_cache_file"):
                yield module_name, name, value


def _entry(module: str, name: str, dispatcher: Any) -> KernelEntry | None:
    """The dispatcher's current index and data files, or None when it has none."""
    cache_file = dispatcher._cache._cache_file
    overloads = cache_file._load_index()  # {} when missing or stale for this source
    if not overloads:
        return None
    folder = Path(cache_file._cache_path)
    names = [cache_file._index_name, *sorted(set(overloads.values()))]
    files = {n: zlib.compress((folder / n).read_bytes(), 1) for n in names}
    return KernelEntry(module, name, bytes(cache_file._source_stamp), files)


def _write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` under a unique temporary name and rename it over ``path`` (several
    worker processes of one machine may share the cache folder)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.tmp.{uuid.uuid4().hex[:12]}")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
