"""The sample city's marketing data (``sample_data/marketing``), its stored verification
results and the scorecard commands, shared by the scorecard tests of the database, the
command line and the API."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy.engine import Engine

from api.cli.main import main as cli_main
from api.db.results import save_result
from api.db.session import writing
from api.db.teams import ensure_managers
from batch.summary import read_result
from tests.helpers.samples import SAMPLE

MK = SAMPLE / "marketing"
DAY, START = "2026-11-18", "2026-11-16"
FOLDERS = ("--data", str(SAMPLE), "--marketing", str(MK), "--results", str(MK / "results"))


def store_results(engine: Engine) -> None:
    """The sample's verification results stored as ``trajcheck daily`` stores them."""
    with writing(engine) as conn:
        for path in sorted((MK / "results").glob("*/days/*.json")):
            body = read_result(path)
            assert body is not None
            pks = ensure_managers(conn, [body["manager_id"]])
            save_result(conn, pks[body["manager_id"]], dt.date.fromisoformat(body["date"]), body)


def run_cli(tmp: Path, *args: str) -> None:
    """``trajcheck assess <args> --out tmp --lang zh``, which must succeed."""
    assert cli_main(["assess", *args, "--out", str(tmp), "--lang", "zh"]) == 0
