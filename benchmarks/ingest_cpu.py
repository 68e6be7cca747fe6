"""Server CPU per 1,000-fix ``POST /v1/points``, in-process, no client (issue 18).

The app is called over raw ASGI in one thread (FastAPI's thread pool run inline), so
``time.process_time`` around ``--n`` requests is the service's own CPU: parsing, checks,
authentication, the insert's Python side and the database driver (not the PostgreSQL
server's process).  Each request is 1,000 new fixes of one of 200 managers already
known (as in a running service; ``benchmarks/ingest.py`` builds them the same way).
CPU time, unlike latency, hardly depends on what else the shared cores run.

    python benchmarks/ingest_cpu.py                        # this tree, both databases
    python benchmarks/ingest_cpu.py --compare 5af2480 --rounds 3   # interleaved with a commit
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # benchmarks._revision, when run as a script

from benchmarks._revision import export_revision  # noqa: E402


async def _post(app: Any, body: bytes, secret: str) -> None:
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    status: list[int] = []

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])

    headers = [
        (b"host", b"bench"),
        (b"x-api-key", secret.encode()),
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/v1/points",
        "raw_path": b"/v1/points",
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 1),
        "server": ("bench", 80),
        "state": {},
    }
    await app(scope, receive, send)
    assert status == [200], status


def measure(backend: str, n: int) -> dict[str, float]:
    """CPU and wall ms per request over ``n`` 1,000-fix requests."""
    import anyio.to_thread

    from api.db import upgrade
    from api.main import create_app
    from api.settings import Settings
    from benchmarks.ingest import batch
    from tests.helpers.db import create_key, new_database

    async def inline(func: Any, *args: Any, **_: Any) -> Any:
        return func(*args)

    anyio.to_thread.run_sync = inline  # type: ignore[assignment]
    with tempfile.TemporaryDirectory() as folder, new_database(backend, Path(folder)) as engine:
        upgrade(engine)
        secret, _ = create_key(engine, "platform")
        url = engine.url.render_as_string(hide_password=False)
        app = create_app(Settings(database_url=url), engine=engine, migrate=False)
        bodies = [batch(k, 1000) for k in range(200, 200 + n)]

        async def run() -> tuple[float, float]:
            for k in range(200):  # every manager known
                await _post(app, batch(k, 10), secret)
            cpu, wall = time.process_time(), time.perf_counter()
            for body in bodies:
                await _post(app, body, secret)
            return time.process_time() - cpu, time.perf_counter() - wall

        cpu, wall = asyncio.run(run())
    return {"cpu_ms": cpu / n * 1e3, "wall_ms": wall / n * 1e3}


def _child(tree: Path, backend: str, n: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": f"{tree}{os.pathsep}{ROOT}"}
    cmd = [sys.executable, "-P", __file__, "--child", backend, "--n", str(n)]
    done = subprocess.run(cmd, env=env, cwd=tree, capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", action="append", choices=["sqlite", "postgresql"])
    parser.add_argument("--n", type=int, default=200, help="1,000-fix requests per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--compare", metavar="COMMIT", help="also measure this commit")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.n)))
        return
    with tempfile.TemporaryDirectory() as folder:
        trees = {"this tree": ROOT}
        if args.compare:
            trees = {args.compare: export_revision(args.compare, folder), "this tree": ROOT}
        print("| backend | tree | CPU ms/request, each round | median | wall ms, median |")
        print("|---|---|---|---:|---:|")
        for backend in args.backend or ["sqlite", "postgresql"]:
            runs: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
            for _ in range(args.rounds):
                for name, tree in trees.items():
                    runs[name].append(_child(tree, backend, args.n))
            for name, got in runs.items():
                cpu = [r["cpu_ms"] for r in got]
                wall = statistics.median(r["wall_ms"] for r in got)
                each = " / ".join(f"{c:.1f}" for c in cpu)
                mid = statistics.median(cpu)
                print(f"| {backend} | {name} | {each} | {mid:.1f} | {wall:.1f} |")


if __name__ == "__main__":
    main()
