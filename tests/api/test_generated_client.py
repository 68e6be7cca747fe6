"""A client generated from ``/openapi.json`` runs the main flow (issue 14, item 8).

As the management platform would: openapi-python-client generates a package from the
service's own document (into a temporary folder), and the flow runs through it (tasks,
points, verify, result, results) against the app over ASGI.  Short operation names
(``post_verify``) and typed models (``DayResultOut``, not a dict) are what it must get.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import importlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.helpers.db import Keys
from tests.helpers.service import small_day
from tests.tracks import DAY

pytest.importorskip("openapi_python_client")

PACKAGE = "tc_generated_client"
CONFIG = f"package_name_override: {PACKAGE}\nproject_name_override: tc-client\npost_hooks: []\n"
MANAGER = "mA"


@pytest.fixture(scope="module")
def generated(app: FastAPI, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The generated client package, imported from a temporary folder."""
    root = tmp_path_factory.mktemp("client")
    (root / "openapi.json").write_text(json.dumps(app.openapi()), encoding="utf-8")
    (root / "config.yaml").write_text(CONFIG, encoding="utf-8")
    command = [
        *(sys.executable, "-m", "openapi_python_client", "generate"),
        *("--path", "openapi.json", "--config", "config.yaml", "--meta", "none"),
        *("--output-path", PACKAGE),
    ]
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(root))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def _op(name: str) -> Any:
    """The generated module of one operation (``ingest.put_tasks``)."""
    return importlib.import_module(f"{PACKAGE}.api.{name}")


def test_generated_operations_have_short_names(generated: ModuleType) -> None:
    root = Path(str(generated.__file__)).parent / "api"
    names = {p.stem for p in root.glob("*/*.py") if p.stem != "__init__"}
    assert {"put_tasks", "post_points", "post_verify", "get_result", "get_results"} <= names
    assert all(len(n) <= 32 for n in names), sorted(names)
    models = importlib.import_module(f"{PACKAGE}.models")
    long = [m for m in dir(models) if len(m) > 40 or m.startswith(("Response", "Body"))]
    assert not long  # typed response models, not PostVerifyV1Managers...Response dicts


def test_the_main_flow_through_the_generated_client(
    generated: ModuleType, app: FastAPI, keys: Keys
) -> None:
    client = generated.AuthenticatedClient(
        base_url="http://testserver",
        token=keys.platform,
        httpx_args={"transport": httpx.ASGITransport(app=app)},
    )
    asyncio.run(_flow(client))


async def _flow(client: Any) -> None:
    models = importlib.import_module(f"{PACKAGE}.models")
    day = dt.date.fromisoformat(DAY)
    points, tasks = small_day(MANAGER)
    async with client as c:
        r = await _op("ingest.put_tasks").asyncio_detailed(
            MANAGER, day, client=c, body=models.TasksIn.from_dict({"tasks": tasks})
        )
        assert r.status_code == 200, r.content
        assert isinstance(r.parsed, models.TasksOut) and r.parsed.tasks[0].store_id == "S1"
        r = await _op("ingest.post_points").asyncio_detailed(
            client=c, body=models.PointsIn.from_dict({"points": points})
        )
        assert r.status_code == 200, r.content
        assert isinstance(r.parsed, models.IngestReport) and r.parsed.stored == len(points)
        r = await _op("verify.post_verify").asyncio_detailed(MANAGER, day, client=c)
        assert r.status_code == 200, r.content
        verified = r.parsed
        assert isinstance(verified, models.DayResultOut) and verified.manager_id == MANAGER
        r = await _op("read.get_result").asyncio_detailed(MANAGER, day, client=c)
        assert isinstance(r.parsed, models.DayResultOut), r.content
        assert r.parsed.status == verified.status and r.parsed.date == verified.date
        r = await _op("read.get_results").asyncio_detailed(client=c, date=day)
        assert isinstance(r.parsed, models.ResultsPage), r.content
        assert r.parsed.total == 1 and r.parsed.items[0].manager_id == MANAGER
        # an error comes back as the documented error body
        r = await _op("read.get_result").asyncio_detailed("nobody", day, client=c)
        assert r.status_code == 404 and isinstance(r.parsed, models.ErrorBody)
