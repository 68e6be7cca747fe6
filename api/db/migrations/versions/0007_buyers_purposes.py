"""buyers.usual_boxes and buyers.agent_for (targets before any platform order; the legacy
agency rule), and marketing_records keyed by purpose too (one slot, several purposes)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("buyers") as batch:
        batch.add_column(sa.Column("usual_boxes", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("agent_for", sa.String(200), nullable=True))
    with op.batch_alter_table("marketing_records", recreate="always") as batch:
        batch.drop_constraint("pk_marketing_records", type_="primary")
        batch.create_primary_key(
            "pk_marketing_records", ["manager_id", "buyer_id", "slot_start_ms", "purpose"]
        )


def downgrade() -> None:
    with op.batch_alter_table("marketing_records", recreate="always") as batch:
        batch.drop_constraint("pk_marketing_records", type_="primary")
        batch.create_primary_key(
            "pk_marketing_records", ["manager_id", "buyer_id", "slot_start_ms"]
        )
    with op.batch_alter_table("buyers") as batch:
        batch.drop_column("agent_for")
        batch.drop_column("usual_boxes")
