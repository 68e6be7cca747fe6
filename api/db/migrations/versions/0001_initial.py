"""initial schema: teams, managers, points, stores, tasks, results, api keys

Revision ID: 0001
Revises:
Create Date: 2026-11-26 20:43:52.361563
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("key_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=200), server_default="", nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key_id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("digest", name=op.f("uq_api_keys_digest")),
    )
    op.create_table(
        "stores",
        sa.Column("store_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), server_default="", nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("market_id", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("store_id", name=op.f("pk_stores")),
    )
    op.create_table(
        "teams",
        sa.Column("team_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_teams")),
    )
    op.create_table(
        "key_teams",
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["key_id"],
            ["api_keys.key_id"],
            name=op.f("fk_key_teams_key_id_api_keys"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.team_id"],
            name=op.f("fk_key_teams_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("key_id", "team_id", name=op.f("pk_key_teams")),
    )
    op.create_table(
        "managers",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("manager_id", sa.String(length=64), nullable=False),
        sa.Column("team_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.team_id"],
            name=op.f("fk_managers_team_id_teams"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_managers")),
        sa.UniqueConstraint("manager_id", name=op.f("uq_managers_manager_id")),
    )
    with op.batch_alter_table("managers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_managers_team_id"), ["team_id"], unique=False)

    op.create_table(
        "points",
        sa.Column("manager_pk", sa.Integer(), nullable=False),
        sa.Column("t_ms", sa.BigInteger(), nullable=False),
        sa.Column("lat_e7", sa.Integer(), nullable=False),
        sa.Column("lon_e7", sa.Integer(), nullable=False),
        sa.Column("acc_dm", sa.Integer(), nullable=True),
        sa.Column("speed_cms", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["manager_pk"], ["managers.pk"], name=op.f("fk_points_manager_pk_managers")
        ),
        sa.PrimaryKeyConstraint("manager_pk", "t_ms", name=op.f("pk_points")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "results",
        sa.Column("manager_pk", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("on_time_arrival", sa.String(length=16), nullable=False),
        sa.Column("trajectory_clear", sa.String(length=16), nullable=False),
        sa.Column("visit_count_match", sa.String(length=16), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["manager_pk"], ["managers.pk"], name=op.f("fk_results_manager_pk_managers")
        ),
        sa.PrimaryKeyConstraint("manager_pk", "date", name=op.f("pk_results")),
    )
    with op.batch_alter_table("results", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_results_date"), ["date"], unique=False)

    op.create_table(
        "tasks",
        sa.Column("manager_pk", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("store_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("store_name", sa.String(length=200), server_default="", nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("reported_visited", sa.Boolean(), nullable=False),
        sa.Column("market_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["manager_pk"], ["managers.pk"], name=op.f("fk_tasks_manager_pk_managers")
        ),
        sa.PrimaryKeyConstraint("manager_pk", "date", "store_id", name=op.f("pk_tasks")),
    )


def downgrade() -> None:
    op.drop_table("tasks")
    with op.batch_alter_table("results", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_results_date"))

    op.drop_table("results")
    op.drop_table("points")
    with op.batch_alter_table("managers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_managers_team_id"))

    op.drop_table("managers")
    op.drop_table("key_teams")
    op.drop_table("teams")
    op.drop_table("stores")
    op.drop_table("api_keys")
