"""The worst single request within the body limit (issue 14): server CPU and peak memory.

Each candidate is a hostile body of up to ``TRAJCHECK_MAX_BODY_BYTES`` (default 32 MB)
sent in-process (ASGI, one thread) to a service over a fresh SQLite file, with a
platform key.  For each it reports the status, the CPU seconds of the process while
the request ran (the in-process client's share included) and the peak of the traced
Python allocations (tracemalloc: NumPy and
pandas buffers included).  Goal: under 2 s and 500 MB for any request.

Usage::

    python benchmarks/worst_request.py            # the table (Markdown)
    python benchmarks/worst_request.py --mb 8     # smaller bodies
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from api.auth import new_secret
from api.db import make_engine, upgrade
from api.db.keys import create_key
from api.db.session import writing
from api.main import create_app
from api.settings import Settings

JSON = {"content-type": "application/json"}
CSV = {"content-type": "text/csv"}


def _fill(head: bytes, item: bytes, tail: bytes, size: int, sep: bytes = b",") -> bytes:
    n = max(1, (size - len(head) - len(tail)) // (len(item) + len(sep)))
    return head + sep.join([item] * n) + tail


def candidates(size: int) -> dict[str, tuple[str, str, bytes, dict[str, str]]]:
    fix = b'{"manager_id":"m1","timestamp":"2026-11-20T07:00:00+08:00","lat":31.2,"lon":121.4}'
    row = b"m1,2026-11-20T07:00:00+08:00,31.2,121.4"
    return {
        "points JSON of {}": (
            "POST",
            "/v1/points",
            _fill(b'{"points":[', b"{}", b"]}", size),
            JSON,
        ),
        "points JSON, 200k fixes": (
            "POST",
            "/v1/points",
            b'{"points":[' + b",".join([fix] * 200_000) + b"]}",
            JSON,
        ),
        "points CSV rows": (
            "POST",
            "/v1/points.csv",
            _fill(b"manager_id,timestamp,lat,lon\n", row, b"\n", size, b"\n"),
            CSV,
        ),
        "brands JSON of {}": (
            "POST",
            "/v1/assess/brands",
            _fill(b'{"rows":[', b"{}", b"]}", size),
            JSON,
        ),
        "brands CSV of empty rows": (
            "POST",
            "/v1/assess/import.csv?kind=brands",
            _fill(b"brand,kind\n", b",", b"\n", size, b"\n"),
            CSV,
        ),
        "one 32 MB string": (
            "PUT",
            "/v1/stores",
            b'{"stores":[{"store_id":"' + b"x" * (size - 64) + b'"}]}',
            JSON,
        ),
        "deep nesting": ("PUT", "/v1/stores", b"[" * (size // 2) + b"]" * (size // 2), JSON),
        "no key, 32 MB": ("POST", "/v1/points", _fill(b'{"points":[', b"{}", b"]}", size), {}),
    }


def measure(call: Callable[[], int]) -> tuple[int, float, float]:
    tracemalloc.start()
    cpu = time.process_time()
    status = call()
    used = time.process_time() - cpu
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return status, used, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=31.9, help="body size in MB")
    size = int(parser.parse_args().mb * 1024 * 1024)
    folder = Path(tempfile.mkdtemp(prefix="tc_worst_"))
    url = f"sqlite:///{folder / 'w.db'}"
    engine = make_engine(url)
    upgrade(engine)
    secret = new_secret()
    with writing(engine) as conn:
        create_key(conn, secret=secret, name="bench", role="platform", team_ids=())
    app = create_app(Settings(database_url=url), engine=engine, migrate=False)
    print("| request | status | CPU s | peak MB |\n|---|---:|---:|---:|")
    with TestClient(app, raise_server_exceptions=False) as client:
        for name, (method, path, body, headers) in candidates(size).items():
            auth = {} if name.startswith("no key") else {"X-API-Key": secret}
            h = {**headers, **auth}

            def send(m: str = method, p: str = path, b: bytes = body, h: dict[str, str] = h) -> int:
                return client.request(m, p, content=b, headers=h).status_code

            status, cpu, peak = measure(send)
            print(f"| {name} ({len(body) / 1e6:.1f} MB) | {status} | {cpu:.2f} | {peak:.0f} |")


if __name__ == "__main__":
    main()
