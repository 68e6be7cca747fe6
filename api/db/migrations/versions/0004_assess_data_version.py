"""assessment data version: one row, changed by every write to the assessment tables

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 22:12:03.624281
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "assess_data_version",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assess_data_version")),
    )
    # a fresh random version, as every write sets (never one an earlier database had)
    op.bulk_insert(table, [{"id": 1, "version": secrets.randbits(62)}])


def downgrade() -> None:
    op.drop_table("assess_data_version")
