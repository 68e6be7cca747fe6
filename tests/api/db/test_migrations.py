"""The Alembic migrations build exactly the tables of :data:`api.db.metadata`, on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from api.db import alembic_config, upgrade
from api.db.tables import metadata
from tests.helpers.db import BACKENDS, new_database


@pytest.fixture(params=BACKENDS)
def empty(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A database of its own, not migrated yet."""
    with new_database(str(request.param), tmp_path) as engine:
        yield engine


def differences(engine: Engine) -> list[Any]:
    # Alembic reads SQLite's DEFAULT '' back as "('')" and reports a change where the DDL
    # is identical to metadata.create_all's, so server defaults are compared on PostgreSQL.
    defaults = engine.dialect.name != "sqlite"
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": defaults}
        )
        return list(compare_metadata(context, metadata))


def tables(engine: Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names())


def downgrade(engine: Engine, target: str) -> None:
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, target)


def current(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def test_upgrade_matches_the_metadata(empty: Engine) -> None:
    assert tables(empty) == set()
    upgrade(empty)
    assert tables(empty) == set(metadata.tables) | {"alembic_version"}
    assert differences(empty) == []
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert current(empty) == head
    upgrade(empty)  # idempotent
    assert current(empty) == head


def test_downgrade_to_base_and_up_again(empty: Engine) -> None:
    upgrade(empty)
    downgrade(empty, "base")
    assert tables(empty) <= {"alembic_version"}
    assert current(empty) is None
    upgrade(empty)
    assert differences(empty) == []


def test_a_single_line_of_migrations() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1
    assert len(script.get_bases()) == 1


def test_points_key_and_storage(empty: Engine) -> None:
    upgrade(empty)
    inspector = sa.inspect(empty)
    assert inspector.get_pk_constraint("points")["constrained_columns"] == ["manager_pk", "t_ms"]
    columns = {c["name"]: c for c in inspector.get_columns("points")}
    assert list(columns) == ["manager_pk", "t_ms", "lat_e7", "lon_e7", "acc_dm", "speed_cms"]
    assert all(not isinstance(c["type"], sa.Float | sa.String) for c in columns.values())
    assert isinstance(columns["t_ms"]["type"], sa.BigInteger)
    with empty.connect() as conn:
        if empty.dialect.name == "sqlite":
            ddl = conn.execute(
                sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'points'")
            ).scalar_one()
            assert "WITHOUT ROWID" in ddl.upper()
            journal = conn.execute(sa.text("PRAGMA journal_mode")).scalar_one()
            assert journal.lower() == "wal"
        else:
            # the primary key's B-tree serves a manager-day read (an index range scan)
            conn.execute(sa.text("SET enable_seqscan = off"))
            plan = "\n".join(
                conn.execute(
                    sa.text(
                        "EXPLAIN SELECT t_ms, lat_e7, lon_e7 FROM points "
                        "WHERE manager_pk = 1 AND t_ms >= 0 AND t_ms < 86400000 ORDER BY t_ms"
                    )
                ).scalars()
            )
            assert "pk_points" in plan and "Sort" not in plan, plan


def test_results_and_managers_have_their_indexes(empty: Engine) -> None:
    upgrade(empty)
    inspector = sa.inspect(empty)
    assert {tuple(i["column_names"]) for i in inspector.get_indexes("results")} >= {("date",)}
    assert {tuple(i["column_names"]) for i in inspector.get_indexes("managers")} >= {("team_id",)}
    assert inspector.get_pk_constraint("tasks")["constrained_columns"] == [
        "manager_pk",
        "date",
        "store_id",
    ]
