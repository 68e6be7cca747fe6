"""results.integrity and results.fingerprint: the track-integrity status of a stored result
(listing filter) and a compact fingerprint of its track (replayed-track detection)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 09:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("results") as batch:
        batch.add_column(sa.Column("integrity", sa.String(16), nullable=True))
        batch.add_column(sa.Column("fingerprint", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("results") as batch:
        batch.drop_column("fingerprint")
        batch.drop_column("integrity")
