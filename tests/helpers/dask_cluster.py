"""A real Dask cluster on 127.0.0.1: ``dask scheduler`` and ``dask worker`` processes.

Started with the ``dask`` command of this interpreter's environment (not
``LocalCluster``): the scheduler on a free port (``--port 0``, its address read back
from ``--scheduler-file``), no dashboards, each worker ``--nworkers 1 --nthreads 1``.
Every process gets a session of its own and is killed with its children on exit, even
when starting failed.  Used by ``tests/batch/test_dask_cluster.py`` and
``benchmarks/dask_cluster.py``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path

#: The ``dask`` command installed beside this interpreter (the project's venv).
DASK = Path(sys.executable).with_name("dask")


@contextmanager
def dask_cluster(
    folder: Path,
    workers: int = 2,
    *,
    worker_env: Mapping[str, str] | None = None,
    timeout: float = 60.0,
) -> Iterator[str]:
    """Start a scheduler and ``workers`` workers; yield the scheduler's address.

    ``worker_env`` is added to the workers' environment (e.g. an empty
    ``NUMBA_CACHE_DIR``: a fresh worker).  Raises ``RuntimeError`` when the ``dask``
    command is missing or the cluster is not up within ``timeout`` seconds.
    """
    if not DASK.is_file():
        raise RuntimeError(f"no dask command at {DASK} (install the dask[distributed] extra)")
    folder.mkdir(parents=True, exist_ok=True)
    scheduler_file = folder / "scheduler.json"
    common = ["--host", "127.0.0.1", "--no-dashboard"]
    procs: list[subprocess.Popen[bytes]] = []
    try:
        procs.append(
            _start([str(DASK), "scheduler", "--port", "0", "--scheduler-file", str(scheduler_file),
                    *common], folder / "scheduler.log", None)
        )  # fmt: skip
        address = _wait_for_address(scheduler_file, procs[0], timeout)
        for i in range(workers):
            argv = [str(DASK), "worker", address, "--nworkers", "1", "--nthreads", "1"]
            argv += [*common, "--name", f"w{i}", "--local-directory", str(folder / f"w{i}")]
            procs.append(_start(argv, folder / f"worker{i}.log", worker_env))
        _wait_for_workers(address, workers, procs, timeout)
        yield address
    finally:
        _stop(procs)


def _start(argv: list[str], log: Path, env: Mapping[str, str] | None) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            argv,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            start_new_session=True,
        )


def _wait_for_address(path: Path, proc: subprocess.Popen[bytes], timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"dask scheduler exited with {proc.returncode}")
        try:
            return str(json.loads(path.read_text("utf-8"))["address"])
        except (OSError, ValueError, KeyError):
            time.sleep(0.1)
    raise RuntimeError(f"dask scheduler did not start within {timeout:.0f} s")


def _wait_for_workers(
    address: str, n: int, procs: list[subprocess.Popen[bytes]], timeout: float
) -> None:
    from distributed import Client

    with Client(address, timeout=timeout) as client:  # type: ignore[no-untyped-call]
        deadline = time.monotonic() + timeout
        while len(client.scheduler_info(n_workers=-1)["workers"]) < n:
            dead = [p.args for p in procs if p.poll() is not None]
            if dead:
                raise RuntimeError(f"a dask process exited: {dead}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{n} dask workers not registered within {timeout:.0f} s")
            time.sleep(0.1)


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM each process's group (a worker's nanny and its worker), then SIGKILL."""
    for proc in reversed(procs):
        _signal_group(proc, signal.SIGTERM)
    for proc in reversed(procs):
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            _signal_group(proc, signal.SIGKILL)
            proc.wait(timeout=10)
        _signal_group(proc, signal.SIGKILL)  # a child left behind by its nanny


def _signal_group(proc: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)
