"""marketing: windows, tag keywords, marketing records, chat reports, daily summaries, help plans

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 21:32:40.486685
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tag_keywords",
        sa.Column("keyword", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=200), nullable=False),
        sa.Column("needs_leaf", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("keyword", name=op.f("pk_tag_keywords")),
    )
    op.create_table(
        "daily_summaries",
        sa.Column("manager_id", sa.String(length=64), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("target_onsite", sa.Integer(), nullable=False),
        sa.Column("target_phone", sa.Integer(), nullable=False),
        sa.Column("target_chat", sa.Integer(), nullable=False),
        sa.Column("actual_onsite", sa.Integer(), nullable=False),
        sa.Column("actual_phone", sa.Integer(), nullable=False),
        sa.Column("actual_chat", sa.Integer(), nullable=False),
        sa.Column("problems", sa.String(length=200), nullable=True),
        sa.Column("suggestions", sa.String(length=200), nullable=True),
        sa.Column("experience", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["manager_id"], ["people.person_id"], name=op.f("fk_daily_summaries_manager_id_people")
        ),
        sa.PrimaryKeyConstraint("manager_id", "date", name=op.f("pk_daily_summaries")),
    )
    with op.batch_alter_table("daily_summaries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_daily_summaries_date"), ["date"], unique=False)

    op.create_table(
        "help_plans",
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("helper_id", sa.String(length=64), nullable=False),
        sa.Column("buyer_id", sa.String(length=64), nullable=False),
        sa.Column("manager_id", sa.String(length=64), nullable=False),
        sa.Column("helper_role", sa.String(length=32), nullable=False),
        sa.Column("actions", sa.String(length=200), nullable=False),
        sa.Column("completion_plan", sa.String(length=200), nullable=False),
        sa.Column("gap_keywords", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["helper_id"], ["people.person_id"], name=op.f("fk_help_plans_helper_id_people")
        ),
        sa.PrimaryKeyConstraint(
            "date", "helper_id", "buyer_id", "manager_id", name=op.f("pk_help_plans")
        ),
    )
    with op.batch_alter_table("help_plans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_help_plans_date"), ["date"], unique=False)

    op.create_table(
        "chat_reports",
        sa.Column("manager_id", sa.String(length=64), nullable=False),
        sa.Column("sent_ms", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("buyer_id", sa.String(length=64), nullable=True),
        sa.Column("tags", sa.String(length=200), nullable=True),
        sa.Column("transcript", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["buyer_id"], ["buyers.buyer_id"], name=op.f("fk_chat_reports_buyer_id_buyers")
        ),
        sa.ForeignKeyConstraint(
            ["manager_id"], ["people.person_id"], name=op.f("fk_chat_reports_manager_id_people")
        ),
        sa.PrimaryKeyConstraint("manager_id", "sent_ms", "kind", name=op.f("pk_chat_reports")),
    )
    with op.batch_alter_table("chat_reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_chat_reports_sent_ms"), ["sent_ms"], unique=False)

    op.create_table(
        "marketing_records",
        sa.Column("manager_id", sa.String(length=64), nullable=False),
        sa.Column("buyer_id", sa.String(length=64), nullable=False),
        sa.Column("slot_start_ms", sa.BigInteger(), nullable=False),
        sa.Column("slot_end_ms", sa.BigInteger(), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("purpose", sa.String(length=200), nullable=False),
        sa.Column("goal_met", sa.Boolean(), nullable=False),
        sa.Column("result", sa.String(length=200), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("reason_keywords", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["buyer_id"], ["buyers.buyer_id"], name=op.f("fk_marketing_records_buyer_id_buyers")
        ),
        sa.ForeignKeyConstraint(
            ["manager_id"],
            ["people.person_id"],
            name=op.f("fk_marketing_records_manager_id_people"),
        ),
        sa.PrimaryKeyConstraint(
            "manager_id", "buyer_id", "slot_start_ms", name=op.f("pk_marketing_records")
        ),
    )
    with op.batch_alter_table("marketing_records", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_marketing_records_slot_start_ms"), ["slot_start_ms"], unique=False
        )

    op.create_table(
        "marketing_windows",
        sa.Column("buyer_id", sa.String(length=64), nullable=False),
        sa.Column("start", sa.String(length=8), nullable=False),
        sa.Column("end", sa.String(length=8), nullable=False),
        sa.Column("start_min", sa.Integer(), nullable=False),
        sa.Column("end_min", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["buyer_id"], ["buyers.buyer_id"], name=op.f("fk_marketing_windows_buyer_id_buyers")
        ),
        sa.PrimaryKeyConstraint("buyer_id", "start", name=op.f("pk_marketing_windows")),
    )


def downgrade() -> None:
    op.drop_table("marketing_windows")
    with op.batch_alter_table("marketing_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_marketing_records_slot_start_ms"))

    op.drop_table("marketing_records")
    with op.batch_alter_table("chat_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chat_reports_sent_ms"))

    op.drop_table("chat_reports")
    with op.batch_alter_table("help_plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_help_plans_date"))

    op.drop_table("help_plans")
    with op.batch_alter_table("daily_summaries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_daily_summaries_date"))

    op.drop_table("daily_summaries")
    op.drop_table("tag_keywords")
