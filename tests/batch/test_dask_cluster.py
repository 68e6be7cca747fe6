"""``trajcheck daily --engine dask --scheduler tcp://...`` on a real cluster: a ``dask
scheduler`` and two ``dask worker`` processes on 127.0.0.1 (not ``LocalCluster``),
whose outputs must be those of the local engine, file for file.

The workers start with an empty numba cache (``NUMBA_CACHE_DIR``): fresh workers, which
get the compiled kernels from the driver (:mod:`batch.kernel_cache`) instead of
compiling them for ~25 s each.  A missing ``dask`` command fails the test; nothing
here skips.

Compared byte for byte: every file either run writes (the result JSON of each day,
``summary.csv``, ``summary.json``, ``index.html``, ``results.parquet``, ``stays.parquet``,
the imported track dataset ``tracks.parquet/`` with its import records, and the map
pages).  The one thing that differs by nature: folium's random element ids in the map
pages (32 hex digits, e.g. ``map_3f2a...``), replaced by their order of appearance
before comparing.  Nothing in the outputs records timings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.cli.main import main
from batch.kernel_cache import collect_kernel_cache
from tests.helpers.dask_cluster import dask_cluster
from tests.helpers.samples import SAMPLE_DAYS, SAMPLES

#: folium's element ids: uuid4 hex, random per page.
_FOLIUM_ID = re.compile(rb"[0-9a-f]{32}")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A scheduler and two fresh workers: (its address, the workers' empty numba cache)."""
    folder = tmp_path_factory.mktemp("dask-cluster")
    cache = folder / "numba-cache"
    with dask_cluster(folder, 2, worker_env={"NUMBA_CACHE_DIR": str(cache)}) as address:
        yield address, cache


def _daily(out: Path, *extra: str) -> None:
    argv = ["daily", "--date", "2026-11-20", "--out", str(out), "--progress", "none"]
    argv += ["--tracks", *[str(SAMPLES / n / "track.csv") for n in SAMPLE_DAYS]]
    argv += ["--tasks", *[str(SAMPLES / n / "tasks.csv") for n in SAMPLE_DAYS]]
    argv += ["--config", str(SAMPLES / "daily.toml"), *extra]
    assert main(argv) == 0


def _outputs(out: Path) -> dict[str, bytes]:
    """Every output file (path relative to ``out``), folium ids renumbered in maps."""
    files: dict[str, bytes] = {}
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        rel = path.relative_to(out).as_posix()
        data = path.read_bytes()
        files[rel] = _renumber(data) if rel.endswith(".html") else data
    return files


def _renumber(page: bytes) -> bytes:
    seen: dict[bytes, bytes] = {}
    return _FOLIUM_ID.sub(lambda m: seen.setdefault(m[0], b"id%d" % len(seen)), page)


@pytest.mark.parametrize("maps", [False, True], ids=["no-maps", "maps"])
def test_real_cluster_writes_what_the_local_engine_writes(
    cluster: tuple[str, Path], tmp_path: Path, maps: bool
) -> None:
    scheduler, _ = cluster
    flags = [] if maps else ["--no-maps"]
    _daily(tmp_path / "local", *flags, "--workers", "1")
    _daily(tmp_path / "dask", *flags, "--engine", "dask", "--scheduler", scheduler)
    local, dask = _outputs(tmp_path / "local"), _outputs(tmp_path / "dask")
    assert sorted(dask) == sorted(local)
    days = [name for name in local if name.startswith("days/") and name.endswith(".json")]
    assert len(days) == len(SAMPLE_DAYS)
    for name in ("summary.csv", "summary.json", "results.parquet", "stays.parquet"):
        assert name in local
    assert any(name.endswith(".html") for name in local if name.startswith("days/")) == maps
    differ = [name for name in local if dask[name] != local[name]]
    assert differ == []


def test_fresh_workers_loaded_the_drivers_kernels_and_compiled_none(
    cluster: tuple[str, Path], tmp_path: Path
) -> None:
    # the local run verifies the samples here, so this process's cache is current
    _daily(tmp_path / "local", "--no-maps", "--workers", "1")
    scheduler, cache = cluster
    _daily(tmp_path / "dask", "--no-maps", "--engine", "dask", "--scheduler", scheduler)
    shipped = {name for entry in collect_kernel_cache() for name in entry.files}
    kernels = {n.split("-")[0] for n in shipped if n.endswith(".nbi")}  # their helpers too
    assert {"_kernels.assemble_stays", "_steps.flag_bursts", "_steps.smooth_steps"} <= kernels
    on_workers = {p.name for p in cache.rglob("*") if p.suffix in (".nbi", ".nbc")}
    assert on_workers == shipped  # a kernel compiled on a worker would add files
