"""Where a daily run's jobs run: a local process pool, this process, or a Dask cluster.

:class:`Runner` maps a job function over chunks of work and yields the results as
they finish, whatever the engine; the jobs themselves (:mod:`batch.jobs`,
:mod:`batch.imports`) are the same on every engine, so every engine writes the same
results.
"""

from __future__ import annotations

__all__ = ["Engine", "Runner", "chunks"]

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, Literal, TypeVar

from batch.jobs import warm_up

Engine = Literal["local", "dask"]
T = TypeVar("T")

#: Modules a local worker process imports before its first job (forkserver preload).
_PRELOAD = ["batch.jobs", "batch.imports", "trajectory.pipeline", "batch.parquet"]


class Runner:
    """Maps a function over chunks on local processes or a Dask cluster, as they finish.

    Parameters
    ----------
    engine
        ``local``: a process pool of ``workers`` (1 runs in this process); ``dask``:
        the cluster at ``scheduler``, else a ``LocalCluster`` of ``workers`` processes.
    log
        Receives one-line messages.
    """

    def __init__(
        self, engine: Engine, workers: int, scheduler: str | None, log: Callable[[str], None]
    ) -> None:
        self.engine = engine
        self.workers = max(1, workers)
        self.scheduler = scheduler
        self.log = log
        self._pool: ProcessPoolExecutor | None = None
        self._starting: threading.Thread | None = None
        self._client: Any = None
        self._cluster: Any = None

    def __enter__(self) -> Runner:
        if self.engine == "dask":
            self._connect_dask()
        elif self.workers > 1:
            import multiprocessing

            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(_PRELOAD)
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx)
            # start every worker now, while this process lists the manager-days: from a
            # thread, since starting the first one waits for the forkserver's imports
            self._starting = threading.Thread(target=self._start_workers, daemon=True)
            self._starting.start()
        return self

    def _start_workers(self) -> None:
        assert self._pool is not None
        for _ in range(self.workers):
            self._pool.submit(warm_up)

    def _started(self) -> None:
        """Wait until every local worker has been started (:meth:`_start_workers`)."""
        if self._starting is not None:
            self._starting.join()
            self._starting = None

    def _connect_dask(self) -> None:
        dask = _distributed()
        started = time.perf_counter()
        if self.scheduler:
            self._client = dask.Client(self.scheduler)
        else:
            self._cluster = dask.LocalCluster(
                n_workers=self.workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            )
            self._client = dask.Client(self._cluster)
        kernels = _install_kernels(self._client)
        info = self._client.scheduler_info()
        threads = sum(int(w.get("nthreads", 1)) for w in info.get("workers", {}).values())
        self.workers = threads or self.workers
        n = len(info.get("workers", {}))
        took = time.perf_counter() - started
        self.log(
            f"dask scheduler {info.get('address')}: {n} workers ({took:.1f} s to connect, "
            f"{kernels})"
        )

    def __exit__(self, *exc: object) -> None:
        self._started()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()

    def map(self, fn: Callable[..., list[Any]], items: Sequence[Any], arg: Any) -> Iterator[Any]:
        """``fn(item, arg)`` for every item, yielding each element of each returned list."""
        if self._client is not None:
            # a key of its own: a scatter of equal data would share (and lose) the key
            shared = self._client.scatter(arg, broadcast=True, hash=False)
            futures = self._client.map(fn, items, settings=shared, pure=False)
            for future in _distributed().as_completed(futures):
                yield from future.result()
                future.release()
        elif self._pool is not None:
            self._started()
            pending: set[Future[list[Any]]] = {self._pool.submit(fn, i, arg) for i in items}
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield from future.result()
        else:
            for item in items:
                yield from fn(item, arg)


def chunks(items: Sequence[T], size: int) -> Iterator[list[T]]:
    """``items`` in consecutive lists of at most ``size`` (>= 1)."""
    step = max(1, int(size))
    for start in range(0, len(items), step):
        yield list(items[start : start + step])


def _install_kernels(client: Any) -> str:
    """Ship this process's compiled kernels to every worker (and any that joins later),
    so a fresh worker loads them instead of compiling (:mod:`batch.kernel_cache`); says
    what was shipped."""
    from batch.kernel_cache import KernelCachePlugin, collect_kernel_cache

    entries = collect_kernel_cache()
    plugin = KernelCachePlugin(entries)
    client.register_plugin(plugin, name=plugin.name)
    size = sum(len(data) for entry in entries for data in entry.files.values())
    if not entries:
        return "no compiled kernels to ship: run `trajcheck warmup` here"
    return f"{len(entries)} compiled kernels shipped, {size / 1e6:.1f} MB"


def _distributed() -> Any:
    """``dask.distributed``, imported when the Dask engine is used (untyped)."""
    import distributed

    return distributed
