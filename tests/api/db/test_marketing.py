"""Issue 7 in the database: the marketing tables (api/db/marketing.py) hold what the files
hold; imports are idempotent upserts, name file/row/field in their problems, and may be
atomic (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from api.db.assess import BatchRejectedError
from api.db.marketing import import_marketing, load_marketing
from assessment.marketing_config import load_marketing_config
from assessment.marketing_data import (
    MARKETING_KINDS,
    marketing_raw_from_csv,
    marketing_raw_from_records,
    read_marketing,
)
from tests.helpers.assess_service import import_sample
from tests.helpers.scorecards import MK


class TestStore:
    def test_round_trip_equals_the_files(self, city: tuple[str, Engine]) -> None:
        files, _ = read_marketing(MK)
        cfg = load_marketing_config(None, timezone="Asia/Shanghai")
        with city[1].connect() as conn:
            stored = load_marketing(conn, dt.date(2026, 11, 1), dt.date(2026, 11, 30), cfg)
        for kind in MARKETING_KINDS:
            a, b = files.frame(kind), stored.frame(kind)
            key = [c for c in a.columns if c != "source_row"]
            a = a.drop(columns="source_row").sort_values(key[:4]).reset_index(drop=True)
            b = b.drop(columns="source_row").sort_values(key[:4]).reset_index(drop=True)
            assert a.equals(b), kind

    def test_import_is_idempotent_and_names_file_row_field(self, engine: Engine) -> None:
        import_sample(engine)
        data = (MK / "marketing.csv").read_bytes()
        raw, problems = marketing_raw_from_csv(data, "marketing", "marketing.csv")
        for _ in range(2):
            report = import_marketing(
                engine, "marketing", raw, problems, source="m.csv", timezone="Asia/Shanghai"
            )
            # issue 15: six managers in the sample
            assert (report.received, report.stored, report.rejected) == (508, 508, ())
        rows = [
            {**_row(), "buyer_id": "NOPE"},
            {**_row(), "slot_end": "2026-11-16T06:00:00+08:00"},
            _row(),
        ]
        raw, problems = marketing_raw_from_records(rows, "marketing", "x.json")
        with pytest.raises(BatchRejectedError) as err:
            import_marketing(
                engine, "marketing", raw, problems, source="x.json", timezone="UTC", atomic=True
            )
        assert [(p.source, p.row, p.field) for p in err.value.problems] == [
            ("x.json", 1, "buyer_id"),
            ("x.json", 2, "slot_end"),
        ]
        report = import_marketing(
            engine, "marketing", raw, problems, source="x.json", timezone="UTC"
        )
        assert (report.received, report.stored, len(report.rejected)) == (3, 1, 2)
        plans = [{"date": "2026-11-17", "helper_id": "GM1", "helper_role": "行政区总经理",
                  "manager_id": "F11", "actions": "a", "completion_plan": "b"}]  # fmt: skip
        raw, problems = marketing_raw_from_records(plans * 1, "help_plans", "h")
        for _ in range(2):  # a blank key column ("no buyer") is a key like any other
            report = import_marketing(
                engine, "help_plans", raw, problems, source="h", timezone="UTC"
            )
            assert report.stored == 1


def _row() -> dict[str, Any]:
    return {
        "manager_id": "F11",
        "buyer_id": "B001",
        "slot_start": "2026-11-16T07:00:00+08:00",
        "slot_end": "2026-11-16T07:20:00+08:00",
        "method": "phone",
        "purpose": "复购",
        "goal_met": "yes",
    }
