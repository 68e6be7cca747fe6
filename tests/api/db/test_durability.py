"""Nothing lost: a batch is stored whole or not at all, and concurrent uploads of the
same fixes store each exactly once, on both databases."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.engine import Engine

import api.db.days
import api.db.session
from api.db.tables import managers, points
from tests.helpers.db import PG_URL, Keys
from tests.helpers.samples import ROOT
from tests.helpers.service import bearer, epoch_ms, fixes


def all_ms(engine: Engine) -> dict[str, list[int]]:
    """Every stored fix: manager_id -> sorted instants (ms)."""
    stmt = (
        sa.select(managers.c.manager_id, points.c.t_ms)
        .join(managers, managers.c.pk == points.c.manager_pk)
        .order_by(managers.c.manager_id, points.c.t_ms)
    )
    out: dict[str, list[int]] = {}
    with engine.connect() as conn:
        for manager_id, t_ms in conn.execute(stmt):
            out.setdefault(manager_id, []).append(t_ms)
    return out


def instants(batch: list[dict[str, Any]]) -> list[int]:
    return sorted({epoch_ms(p["timestamp"]) for p in batch})


# ------------------------------------------------------------------ a failure mid-batch


@contextmanager
def failing_points_insert(engine: Engine, on_call: int) -> Iterator[list[int]]:
    """Make the ``on_call``-th ``INSERT INTO points`` fail *after* it wrote its rows.

    Yields a list that receives the number of fixes the failing transaction could
    see just before the failure (proof that part of the batch had been written).
    """
    seen: list[int] = []
    calls = 0
    dbapi = engine.dialect.loaded_dbapi

    def fail(_conn: Any, cursor: Any, statement: str, *_args: Any, **_kwargs: Any) -> None:
        nonlocal calls
        if not statement.lstrip().upper().startswith("INSERT INTO POINTS"):
            return
        calls += 1
        if calls == on_call:
            probe = cursor.connection.cursor()
            probe.execute("SELECT count(*) FROM points")
            seen.append(int(probe.fetchone()[0]))
            probe.close()
            raise dbapi.OperationalError("injected failure: disk I/O error")

    event.listen(engine, "after_cursor_execute", fail)
    try:
        yield seen
    finally:
        event.remove(engine, "after_cursor_execute", fail)


def test_a_database_failure_mid_batch_stores_none_of_it(
    make_client: Any,
    keys: Keys,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client: TestClient = make_client(raise_server_exceptions=False)
    h = bearer(keys.platform)
    before = fixes("m0", 50)
    assert client.post("/v1/points", json={"points": before}, headers=h).json()["stored"] == 50
    batch = fixes("m1", 1000) + fixes("m0", 50, offset=50)
    # SQLite writes a batch in chunks: make them small so that several land before the failure
    monkeypatch.setattr(api.db.days, "_SQLITE_CHUNK", 100)
    on_call = 6 if engine.dialect.name == "sqlite" else 1
    with failing_points_insert(engine, on_call) as seen:
        r = client.post("/v1/points", json={"points": batch}, headers=h)
    assert seen and seen[0] >= 50 + (500 if on_call > 1 else 1000), seen
    assert r.status_code == 503, r.text
    assert r.headers.get("retry-after")
    assert "retry" in r.json()["detail"]
    assert all_ms(engine) == {"m0": instants(before)}  # none of the batch, not even m1 itself
    # the platform retries: everything is stored once
    r = client.post("/v1/points", json={"points": batch}, headers=h)
    assert r.status_code == 200 and r.json()["stored"] == 1050
    assert all_ms(engine) == {"m0": instants(before + batch[1000:]), "m1": instants(batch[:1000])}


def test_a_crash_after_part_of_a_batch_stores_none_of_it(
    make_client: Any, keys: Keys, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Any exception inside the write transaction (not only the database's) rolls it back."""
    client: TestClient = make_client(raise_server_exceptions=False)
    real = api.db.days.insert_points

    def half_then_crash(conn: Any, frame: pd.DataFrame) -> int:
        real(conn, frame.iloc[: len(frame) // 2])
        assert conn.execute(sa.select(sa.func.count()).select_from(points)).scalar_one() > 0
        raise RuntimeError("worker killed mid-batch")

    monkeypatch.setattr(api.db.days, "insert_points", half_then_crash)
    r = client.post("/v1/points", json={"points": fixes("m1", 400)}, headers=bearer(keys.platform))
    assert r.status_code == 500
    assert all_ms(engine) == {}
    monkeypatch.setattr(api.db.days, "insert_points", real)
    r = client.post("/v1/points", json={"points": fixes("m1", 400)}, headers=bearer(keys.platform))
    assert r.json()["stored"] == 400


KILLED_WRITER = """
import sys, time
from api.db.days import count_points, insert_points
from api.db.session import writing
from api.db import make_engine
from api.ingest import parse_points_json
from tests.helpers.service import fixes

url, schema = sys.argv[1], sys.argv[2]
kw = {"connect_args": {"options": f"-csearch_path={schema}"}} if schema else {}
engine = make_engine(url, **kw)
parsed = parse_points_json(fixes("m9", 2000), crs="wgs84", naive_timezone=None)
with writing(engine) as conn:
    insert_points(conn, parsed.frame.iloc[:1000])
    print(count_points(conn, "m9", __import__("datetime").date(2026, 11, 20),
                            "Asia/Shanghai"), flush=True)
    time.sleep(60)  # killed here, mid-transaction
    insert_points(conn, parsed.frame.iloc[1000:])
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_killed_writer_leaves_no_trace(engine: Engine) -> None:
    """A process killed mid-transaction (kill -9): the database rolls the batch back."""
    if engine.dialect.name == "sqlite":
        url, schema = engine.url.render_as_string(hide_password=False), ""
    else:
        with engine.connect() as conn:
            schema = str(conn.execute(sa.text("SELECT current_schema()")).scalar_one())
        url = PG_URL
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, url, schema],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.strip() == "1000", (line, proc.stderr.read() if proc.stderr else "")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
    assert proc.returncode == -signal.SIGKILL
    assert all_ms(engine) == {}
    # and the database is writable again at once (no lock left behind)
    with api.db.session.writing(engine) as conn:
        from api.ingest import parse_points_json

        parsed = parse_points_json(fixes("m9", 10), crs="wgs84", naive_timezone=None)
        assert api.db.days.insert_points(conn, parsed.frame) == 10


# ------------------------------------------------------------------ concurrent uploads


def upload_concurrently(
    app: FastAPI, platform: str, batches_per_client: list[list[list[dict[str, Any]]]]
) -> list[dict[str, Any]]:
    """Each list of batches is sent by its own client in its own thread, all at once."""
    start = threading.Barrier(len(batches_per_client))

    def run(batches: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
        answers = []
        with TestClient(app) as client:
            start.wait(timeout=30)
            for batch in batches:
                r = client.post("/v1/points", json={"points": batch}, headers=bearer(platform))
                assert r.status_code == 200, r.text
                answers.append(r.json())
        return answers

    with ThreadPoolExecutor(len(batches_per_client)) as pool:
        futures = [pool.submit(run, b) for b in batches_per_client]
        return [a for f in futures for a in f.result(timeout=120)]


CLIENTS = 8


def test_concurrent_overlapping_uploads_of_one_manager(
    app: FastAPI, engine: Engine, keys: Keys
) -> None:
    universe = fixes("m1", 1200)
    plans = []
    for i in range(CLIENTS):
        rng = random.Random(i)
        cut = 75 * i
        rotated = universe[cut:] + universe[:cut]  # every client sends everything ...
        batches = [rotated[j : j + 300] for j in range(0, len(rotated), 300)]
        for b in batches:
            rng.shuffle(b)  # ... in its own order, so the clients collide on the same keys
        rng.shuffle(batches)
        plans.append(batches)
    answers = upload_concurrently(app, keys.platform, plans)
    assert sum(a["stored"] for a in answers) == len(universe)
    assert sum(a["duplicates"] for a in answers) == (CLIENTS - 1) * len(universe)
    assert all(a["rejected"] == [] for a in answers)
    assert all_ms(engine) == {"m1": instants(universe)}


def test_concurrent_uploads_of_many_managers(app: FastAPI, engine: Engine, keys: Keys) -> None:
    """Every batch holds fixes of several new managers: their rows are created concurrently."""
    names = [f"m{i}" for i in range(6)]
    universe = {m: fixes(m, 150) for m in names}
    plans = []
    for i in range(CLIENTS):
        rng = random.Random(100 + i)
        own = fixes(f"solo{i}", 200)  # one manager only this client sends
        shared = [p for m in rng.sample(names, 4) for p in universe[m]]
        rng.shuffle(shared)
        plans.append([own[:100] + shared[:300], shared[300:] + own[100:]])
    answers = upload_concurrently(app, keys.platform, plans)
    sent = {(p["manager_id"], epoch_ms(p["timestamp"])) for plan in plans for b in plan for p in b}
    got = all_ms(engine)
    assert sum(len(v) for v in got.values()) == len(sent)
    assert {(m, t) for m, ts in got.items() for t in ts} == sent
    assert sum(a["stored"] for a in answers) == len(sent)
    for i in range(CLIENTS):
        assert got[f"solo{i}"] == instants(fixes(f"solo{i}", 200))
    with engine.connect() as conn:
        ids = conn.execute(sa.select(managers.c.manager_id)).scalars().all()
    assert sorted(ids) == sorted(set(ids))  # each manager created once
