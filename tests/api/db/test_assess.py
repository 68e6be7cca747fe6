"""Imports into the service's database (SQLite and PostgreSQL): idempotent, atomic or partial,
references checked, assignment history kept, reassignments ruled by exclusive rights."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from api.db.assess import BatchRejectedError, ImportReport, import_rows, load_dataset
from api.db.assignments import ReassignError, assignment_history, reassign
from api.db.session import writing
from api.db.tables import buyers, orders, teams
from assessment.buyers import assess_buyers
from assessment.io import raw_from_records, read_dataset
from assessment.orders import match_declarations
from tests.helpers.assess import AREAS, BRANDS, CLUSTERS, PEOPLE, buyer, order
from tests.helpers.assess_service import import_sample
from tests.helpers.samples import SAMPLE

AS_OF = dt.date(2026, 12, 1)
UTC = dt.UTC


def put(engine: Engine, kind: str, rows: list[dict[str, Any]], **kwargs: Any) -> ImportReport:
    raw, problems = raw_from_records(rows, kind, kind)
    return import_rows(engine, kind, raw, problems, source=kind, timezone="Asia/Shanghai", **kwargs)


def base(engine: Engine) -> None:
    for kind, rows in (
        ("areas", AREAS),
        ("clusters", CLUSTERS),
        ("people", PEOPLE),
        ("brands", BRANDS),
    ):
        assert not put(engine, kind, rows).rejected


def count(engine: Engine, table: sa.Table) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


class TestImport:
    def test_sample_twice_is_stored_once_and_reads_back_as_from_files(self, engine: Engine) -> None:
        import_sample(engine)
        first = (count(engine, buyers), count(engine, orders))
        import_sample(engine)
        assert (count(engine, buyers), count(engine, orders)) == first
        with engine.connect() as conn:
            stored = load_dataset(conn)
        files, _ = read_dataset(SAMPLE)
        a = assess_buyers(stored, as_of=AS_OF).sort_values("buyer_id").reset_index(drop=True)
        b = assess_buyers(files, as_of=AS_OF).sort_values("buyer_id").reset_index(drop=True)
        pd.testing.assert_frame_equal(a, b)
        keys = ["manager_id", "declared_on", "buyer_id", "product", "brand"]
        ma = match_declarations(stored.declarations, stored.orders, stored.people)
        mb = match_declarations(files.declarations, files.orders, files.people)
        pd.testing.assert_frame_equal(
            ma.sort_values(keys).reset_index(drop=True), mb.sort_values(keys).reset_index(drop=True)
        )

    def test_good_rows_kept_bad_rows_named(self, engine: Engine) -> None:
        base(engine)
        put(engine, "buyers", [buyer("B1")])
        report = put(
            engine,
            "orders",
            [order("O1", "B1", "2026-11-10", 5), order("O2", "B9", "2026-11-10", 5)],
        )
        assert (report.received, report.stored) == (2, 1)
        assert [str(p) for p in report.rejected] == [
            "orders, row 2, field buyer_id: unknown buyer 'B9' (import buyers first)"
        ]
        assert count(engine, orders) == 1

    def test_atomic_batch_stores_nothing(self, engine: Engine) -> None:
        base(engine)
        put(engine, "buyers", [buyer("B1")])
        lines = [
            order("O1", "B1", "2026-11-10", 5),
            {**order("O2", "B1", "2026-11-10", 5), "boxes": 0},
        ]
        with pytest.raises(
            BatchRejectedError, match=r"orders, row 2, field boxes: .*1 bad row; atomic"
        ):
            put(engine, "orders", lines, atomic=True)
        assert count(engine, orders) == 0
        with pytest.raises(BatchRejectedError, match="no good rows"):
            put(engine, "orders", lines[1:])

    def test_an_update_replaces_the_row(self, engine: Engine) -> None:
        base(engine)
        put(engine, "buyers", [buyer("B1")])
        put(engine, "orders", [order("O1", "B1", "2026-11-10", 5)])
        put(engine, "orders", [order("O1", "B1", "2026-11-10", 5, status="cancelled_by_platform")])
        with engine.connect() as conn:
            assert conn.execute(sa.select(orders.c.status)).scalars().all() == [
                "cancelled_by_platform"
            ]

    def test_people_bring_their_teams(self, engine: Engine) -> None:
        base(engine)
        with engine.connect() as conn:
            assert set(conn.execute(sa.select(teams.c.team_id)).scalars()) == {"north", "south"}

    def test_amounts_and_times_round_trip(self, engine: Engine) -> None:
        base(engine)
        put(engine, "buyers", [buyer("B1", registered_at="2026-01-01T08:00:00.123+08:00")])
        put(engine, "orders", [order("O1", "B1", "2026-11-10T23:59:59+08:00", 5, amount=0.1 + 0.2)])
        with engine.connect() as conn:
            data = load_dataset(conn)
        assert data.orders["amount"].tolist() == [0.3]
        assert data.orders["placed_at"].tolist() == [pd.Timestamp("2026-11-10T15:59:59Z")]
        assert data.buyers["registered_at"].tolist() == [pd.Timestamp("2026-01-01T00:00:00.123Z")]


class TestAssignmentHistory:
    def test_a_new_manager_closes_the_old_period(self, engine: Engine) -> None:
        base(engine)
        put(engine, "buyers", [buyer("B1", activated_at=None)])
        put(engine, "buyers", [buyer("B1", activated_at=None)])  # unchanged: no new period
        put(
            engine,
            "buyers",
            [buyer("B1", activated_at=None, manager_id="F2", assigned_at="2026-03-01")],
        )
        with engine.connect() as conn:
            history = assignment_history(conn)
        assert history["manager_id"].tolist() == ["F1", "F2"]
        assert history["ended_at"].iat[0] == pd.Timestamp("2026-02-28T16:00Z")
        assert pd.isna(history["ended_at"].iat[1])


class TestReassign:
    @pytest.fixture
    def held(self, engine: Engine) -> Engine:
        base(engine)
        put(
            engine,
            "buyers",
            [buyer("T1", activated_at=None, assigned_at="2026-09-15"), buyer("A1")],
        )
        return engine

    def test_reassignment_is_recorded(self, held: Engine) -> None:
        at = dt.datetime(2026, 11, 16, 9, tzinfo=UTC)
        with writing(held) as conn:
            done = reassign(conn, "T1", "F2", at=at, reason="not activated in 2 months")
        assert done["from_manager_id"] == "F1" and done["manager_id"] == "F2"
        with held.connect() as conn:
            history = assignment_history(conn, ["T1"])
            data = load_dataset(conn)
        assert history["manager_id"].tolist() == ["F1", "F2"]
        assert history["ended_at"].iat[0] == pd.Timestamp(at)
        assert history["reason"].tolist() == ["import", "not activated in 2 months"]
        row = data.buyers.set_index("buyer_id").loc["T1"]
        assert row["manager_id"] == "F2" and row["assigned_at"] == pd.Timestamp(at)

    @pytest.mark.parametrize(
        ("buyer_id", "to", "status", "field"),
        [
            ("X9", "F2", 404, "buyer_id"),
            ("T1", "G1", 422, "manager_id"),
            ("T1", "nobody", 422, "manager_id"),
            ("T1", "F1", 409, "manager_id"),
            ("A1", "F2", 409, "buyer_id"),
        ],
    )
    def test_refused(self, held: Engine, buyer_id: str, to: str, status: int, field: str) -> None:
        with pytest.raises(ReassignError) as err, writing(held) as conn:
            reassign(conn, buyer_id, to, at=dt.datetime(2026, 11, 16, tzinfo=UTC))
        assert (err.value.status, err.value.field) == (status, field)

    def test_exclusive_rights_can_be_overridden(self, held: Engine) -> None:
        at = dt.datetime(2026, 11, 16, tzinfo=UTC)
        with writing(held) as conn:
            done = reassign(conn, "A1", "F2", at=at, reason="forced", force=True)
        assert (done["buyer_id"], done["manager_id"]) == ("A1", "F2")
        assert done["from_manager_id"] not in (None, "F2")
        with held.connect() as conn:
            periods = assignment_history(conn, ["A1"])
            holder = conn.execute(
                sa.select(buyers.c.manager_id).where(buyers.c.buyer_id == "A1")
            ).scalar_one()
        assert holder == "F2"
        last = periods.iloc[-1]
        assert (last["manager_id"], last["reason"]) == ("F2", "forced")
        assert pd.isna(last["ended_at"])
        assert periods.iloc[-2]["manager_id"] == done["from_manager_id"]
        assert periods.iloc[-2]["ended_at"] == pd.Timestamp(at)

    def test_not_before_the_current_assignment(self, held: Engine) -> None:
        with pytest.raises(ReassignError, match="not after"), writing(held) as conn:
            reassign(conn, "T1", "F2", at=dt.datetime(2026, 9, 1, tzinfo=UTC))
