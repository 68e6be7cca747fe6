"""Server cost of one ``POST /v1/points`` (issue 18): a 1,000-fix batch and a 200,000-fix body.

In-process (FastAPI's TestClient, app over a fresh SQLite file or a private PostgreSQL
schema), each request is timed end to end (wall clock, and the process's CPU time, which
includes the test client's share) and split into its steps: the row count on the bytes,
strict JSON parsing, validation into a frame (``api.ingest.parse_points_json``) and the
insert.  Each 1,000-fix batch is new fixes of one of 200 managers, as in ``load.py``.

    python benchmarks/ingest.py                       # this tree, SQLite and PostgreSQL
    python benchmarks/ingest.py --compare f29932e     # and that commit, interleaved rounds

``--compare`` unpacks the commit (``git archive``) into a temporary folder and runs this
script against it and against this tree in turn, ``--rounds`` times, keeping the best of
each (the machine is shared: best-of-N with interleaving is what survives its noise).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # benchmarks._revision, when run as a script

from benchmarks._revision import export_revision  # noqa: E402

BASE = dt.datetime(2026, 11, 20, 7, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def batch(k: int, n: int, manager: str = "") -> bytes:
    """``n`` new fixes of manager ``k % 200`` (ISO times with an offset, as load.py sends)."""
    t0 = BASE + dt.timedelta(seconds=(k // 200) * n)
    pts = [
        {
            "manager_id": manager or f"L{k % 200:04d}",
            "timestamp": (t0 + dt.timedelta(seconds=i)).isoformat(),
            "lat": 31.2 + i * 1e-7,
            "lon": 121.4 + (k % 7) * 1e-3,
            "accuracy_m": 8.0,
            "speed_mps": 1.2,
        }
        for i in range(n)
    ]
    return json.dumps({"points": pts}).encode()


def _best(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {"best": ordered[0] * 1e3, "median": ordered[len(ordered) // 2] * 1e3}


def measure(backend: str, n_small: int, big: int) -> dict[str, Any]:
    """Timings (ms) of ``n_small`` 1,000-fix requests and one ``big``-fix request."""
    from fastapi.testclient import TestClient

    from api import strictjson
    from api.db import days, upgrade
    from api.db.session import writing
    from api.ingest import parse_points_json
    from api.limits import count_json_rows
    from api.main import create_app
    from api.settings import Settings
    from tests.helpers.db import create_key, new_database

    out: dict[str, Any] = {"api": str(Path(sys.modules["api"].__file__ or "").parent)}
    with tempfile.TemporaryDirectory() as folder, new_database(backend, Path(folder)) as engine:
        upgrade(engine)
        secret, _ = create_key(engine, "platform")
        url = engine.url.render_as_string(hide_password=False)
        settings = Settings(database_url=url, max_points_per_request=max(big, 1000))
        app = create_app(settings, engine=engine, migrate=False)
        h = {"X-API-Key": secret, "content-type": "application/json"}
        with TestClient(app) as client:

            def post(body: bytes) -> tuple[float, float]:
                wall, cpu = time.perf_counter(), time.process_time()
                r = client.post("/v1/points", content=body, headers=h)
                assert r.status_code == 200, r.text[:300]
                return time.perf_counter() - wall, time.process_time() - cpu

            post(batch(10_000, 1000))  # warm-up
            runs = [post(batch(k, 1000)) for k in range(n_small)]
            out["1000 wall"] = _best([w for w, _ in runs])
            out["1000 cpu"] = _best([c for _, c in runs])
            steps: dict[str, list[float]] = {}
            for k in range(n_small, 2 * n_small):
                raw = batch(k, 1000)

                def step(name: str, call: Callable[[], Any]) -> Any:
                    t = time.perf_counter()
                    result = call()
                    steps.setdefault(name, []).append(time.perf_counter() - t)
                    return result

                step("count", lambda raw=raw: count_json_rows(raw))
                doc = step("json", lambda raw=raw: strictjson.loads(raw))
                parsed = step(
                    "validate",
                    lambda doc=doc: parse_points_json(
                        doc["points"], crs="wgs84", naive_timezone=None
                    ),
                )

                def insert(parsed: Any = parsed) -> int:
                    with writing(engine) as conn:
                        return days.insert_points(conn, parsed.frame)

                step("insert", insert)
            out["1000 steps"] = {k: _best(v)["best"] for k, v in steps.items()}
            if big:
                wall, cpu = post(batch(0, big, manager="BIG"))
                out[f"{big} wall"], out[f"{big} cpu"] = wall * 1e3, cpu * 1e3
    return out


def _child(tree: Path, backend: str, n: int, big: int) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(tree)}  # -P: not benchmarks/ first on the path
    cmd = [sys.executable, "-P", __file__, "--child", backend, "--n", str(n), "--big", str(big)]
    done = subprocess.run(cmd, env=env, cwd=tree, capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _merge(acc: dict[str, Any], new: dict[str, Any]) -> None:
    for key, value in new.items():
        if isinstance(value, dict) and "best" in value:
            old = acc.get(key)
            acc[key] = value if old is None or value["best"] < old["best"] else old
        elif isinstance(value, dict):
            slot = acc.setdefault(key, {})
            for k, v in value.items():
                slot[k] = min(v, slot.get(k, v))
        elif isinstance(value, float):
            acc[key] = min(value, acc.get(key, value))
        else:
            acc[key] = value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", action="append", choices=["sqlite", "postgresql"])
    parser.add_argument("--n", type=int, default=30, help="1,000-fix requests per round")
    parser.add_argument("--big", type=int, default=200_000, help="fixes of the large body")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--compare", metavar="COMMIT", help="also measure this commit")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.n, args.big)))
        return
    with tempfile.TemporaryDirectory() as folder:
        trees = {"this tree": ROOT}
        if args.compare:
            trees = {args.compare: export_revision(args.compare, folder), "this tree": ROOT}
        for backend in args.backend or ["sqlite", "postgresql"]:
            results: dict[str, dict[str, Any]] = {name: {} for name in trees}
            for _ in range(args.rounds):
                for name, tree in trees.items():
                    _merge(results[name], _child(tree, backend, args.n, args.big))
            _report(backend, results, args.big)


def _report(backend: str, results: dict[str, dict[str, Any]], big: int) -> None:
    names = list(results)
    print(f"\n{backend}: best of the rounds (ms)\n")
    print("| measure | " + " | ".join(names) + (" | ratio |" if len(names) == 2 else " |"))
    print("|---" * (len(names) + 1 + (len(names) == 2)) + "|")
    rows: list[tuple[str, list[float]]] = [
        ("1,000 fixes: request wall, best", [r["1000 wall"]["best"] for r in results.values()]),
        ("1,000 fixes: request wall, median", [r["1000 wall"]["median"] for r in results.values()]),
        ("1,000 fixes: request CPU, median", [r["1000 cpu"]["median"] for r in results.values()]),
    ]
    for step in ("count", "json", "validate", "insert"):
        rows.append((f"1,000 fixes: {step}", [r["1000 steps"][step] for r in results.values()]))
    if big:
        rows.append((f"{big:,} fixes: request wall", [r[f"{big} wall"] for r in results.values()]))
        rows.append((f"{big:,} fixes: request CPU", [r[f"{big} cpu"] for r in results.values()]))
    for label, values in rows:
        ratio = f" {values[0] / values[1]:.1f}x |" if len(values) == 2 and values[1] else ""
        print(f"| {label} | " + " | ".join(f"{v:.1f}" for v in values) + " |" + ratio)


if __name__ == "__main__":
    main()
