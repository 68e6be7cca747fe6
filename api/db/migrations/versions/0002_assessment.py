"""assessment: areas, cluster points, people, brands, buyers and their assignments, orders,
declarations

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 20:59:43.747854
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "areas",
        sa.Column("area_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), server_default="", nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("district_id", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("area_id", name=op.f("pk_areas")),
    )
    op.create_table(
        "brands",
        sa.Column("brand", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("brand", name=op.f("pk_brands")),
    )
    op.create_table(
        "cluster_points",
        sa.Column("cluster_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), server_default="", nullable=False),
        sa.Column("area_id", sa.String(length=64), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.area_id"], name=op.f("fk_cluster_points_area_id_areas")
        ),
        sa.PrimaryKeyConstraint("cluster_id", name=op.f("pk_cluster_points")),
    )
    op.create_table(
        "people",
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), server_default="", nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("reports_to", sa.String(length=64), nullable=True),
        sa.Column("team_id", sa.String(length=64), nullable=True),
        sa.Column("area_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.area_id"], name=op.f("fk_people_area_id_areas")
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.team_id"],
            name=op.f("fk_people_team_id_teams"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_people")),
    )
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_people_team_id"), ["team_id"], unique=False)

    op.create_table(
        "buyers",
        sa.Column("buyer_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), server_default="", nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("area_id", sa.String(length=64), nullable=False),
        sa.Column("cluster_id", sa.String(length=64), nullable=True),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("crs", sa.String(length=8), nullable=False),
        sa.Column("registered_ms", sa.BigInteger(), nullable=True),
        sa.Column("manager_id", sa.String(length=64), nullable=True),
        sa.Column("assigned_ms", sa.BigInteger(), nullable=True),
        sa.Column("activated_ms", sa.BigInteger(), nullable=True),
        sa.Column("activated_by", sa.String(length=64), nullable=True),
        sa.Column("chat_admitted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["activated_by"], ["people.person_id"], name=op.f("fk_buyers_activated_by_people")
        ),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.area_id"], name=op.f("fk_buyers_area_id_areas")
        ),
        sa.ForeignKeyConstraint(
            ["cluster_id"],
            ["cluster_points.cluster_id"],
            name=op.f("fk_buyers_cluster_id_cluster_points"),
        ),
        sa.ForeignKeyConstraint(
            ["manager_id"], ["people.person_id"], name=op.f("fk_buyers_manager_id_people")
        ),
        sa.PrimaryKeyConstraint("buyer_id", name=op.f("pk_buyers")),
    )
    with op.batch_alter_table("buyers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_buyers_manager_id"), ["manager_id"], unique=False)

    op.create_table(
        "buyer_assignments",
        sa.Column("buyer_id", sa.String(length=64), nullable=False),
        sa.Column("assigned_ms", sa.BigInteger(), nullable=False),
        sa.Column("manager_id", sa.String(length=64), nullable=False),
        sa.Column("ended_ms", sa.BigInteger(), nullable=True),
        sa.Column("reason", sa.String(length=200), server_default="", nullable=False),
        sa.Column("recorded_ms", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["buyer_id"], ["buyers.buyer_id"], name=op.f("fk_buyer_assignments_buyer_id_buyers")
        ),
        sa.ForeignKeyConstraint(
            ["manager_id"],
            ["people.person_id"],
            name=op.f("fk_buyer_assignments_manager_id_people"),
        ),
        sa.PrimaryKeyConstraint("buyer_id", "assigned_ms", name=op.f("pk_buyer_assignments")),
    )
    op.create_table(
        "declarations",
        sa.Column("manager_id", sa.String(length=64), nullable=False),
        sa.Column("declared_on", sa.Date(), nullable=False),
        sa.Column("buyer_id", sa.String(length=64), nullable=False),
        sa.Column("product", sa.String(length=200), nullable=False),
        sa.Column("brand", sa.String(length=200), nullable=False),
        sa.Column("net_weight_g", sa.Integer(), nullable=False),
        sa.Column("boxes", sa.Integer(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["buyer_id"], ["buyers.buyer_id"], name=op.f("fk_declarations_buyer_id_buyers")
        ),
        sa.ForeignKeyConstraint(
            ["manager_id"], ["people.person_id"], name=op.f("fk_declarations_manager_id_people")
        ),
        sa.PrimaryKeyConstraint(
            "manager_id",
            "declared_on",
            "buyer_id",
            "product",
            "brand",
            "net_weight_g",
            name=op.f("pk_declarations"),
        ),
    )
    op.create_table(
        "orders",
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("product", sa.String(length=200), nullable=False),
        sa.Column("brand", sa.String(length=200), nullable=False),
        sa.Column("net_weight_g", sa.Integer(), nullable=False),
        sa.Column("buyer_id", sa.String(length=64), nullable=False),
        sa.Column("placed_ms", sa.BigInteger(), nullable=False),
        sa.Column("boxes", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.ForeignKeyConstraint(
            ["buyer_id"], ["buyers.buyer_id"], name=op.f("fk_orders_buyer_id_buyers")
        ),
        sa.PrimaryKeyConstraint(
            "order_id", "product", "brand", "net_weight_g", name=op.f("pk_orders")
        ),
    )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_orders_buyer_id_placed_ms"), ["buyer_id", "placed_ms"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_orders_buyer_id_placed_ms"))

    op.drop_table("orders")
    op.drop_table("declarations")
    op.drop_table("buyer_assignments")
    with op.batch_alter_table("buyers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_buyers_manager_id"))

    op.drop_table("buyers")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_people_team_id"))

    op.drop_table("people")
    op.drop_table("cluster_points")
    op.drop_table("brands")
    op.drop_table("areas")
