"""The service's tables (SQLAlchemy 2 Core); api/db/migrations (Alembic) builds the same.

Points are the bulk of the data (think 10,000 managers x 17,000 fixes a day), so
a fix is stored as integers keyed by ``(manager_pk, t_ms)``: the primary key is
both the idempotency key (the same fix sent twice is stored once) and the index
a manager-day read walks.  On SQLite the table is ``WITHOUT ROWID`` (clustered
on that key); on PostgreSQL it is a heap with the primary-key B-tree.

=============  ========  ===================================================
column         type      meaning
=============  ========  ===================================================
manager_pk     int       ``managers.pk``
t_ms           bigint    UTC instant, milliseconds since the epoch
lat_e7/lon_e7  int       WGS-84 degrees x 1e7 (1.1 cm steps)
acc_dm         int|null  reported accuracy, decimetres
speed_cms      int|null  reported speed, cm/s
=============  ========  ===================================================
"""

from __future__ import annotations

__all__ = [
    "api_keys",
    "areas",
    "assess_data_version",
    "brands",
    "buyer_assignments",
    "buyers",
    "chat_reports",
    "cluster_points",
    "daily_summaries",
    "declarations",
    "help_plans",
    "key_teams",
    "managers",
    "marketing_records",
    "marketing_windows",
    "metadata",
    "orders",
    "people",
    "points",
    "results",
    "sessions",
    "stores",
    "tag_keywords",
    "tasks",
    "teams",
]

import sqlalchemy as sa

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
    }
)


teams = sa.Table(
    "teams",
    metadata,
    sa.Column("team_id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False, server_default=""),
)


managers = sa.Table(
    "managers",
    metadata,
    sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("manager_id", sa.String(64), nullable=False, unique=True),
    sa.Column(
        "team_id", sa.String(64), sa.ForeignKey("teams.team_id", ondelete="SET NULL"), index=True
    ),
)


points = sa.Table(
    "points",
    metadata,
    sa.Column("manager_pk", sa.Integer, sa.ForeignKey("managers.pk"), primary_key=True),
    sa.Column("t_ms", sa.BigInteger, primary_key=True),
    sa.Column("lat_e7", sa.Integer, nullable=False),
    sa.Column("lon_e7", sa.Integer, nullable=False),
    sa.Column("acc_dm", sa.Integer),
    sa.Column("speed_cms", sa.Integer),
    sqlite_with_rowid=False,
)


stores = sa.Table(
    "stores",
    metadata,
    sa.Column("store_id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False, server_default=""),
    sa.Column("lat", sa.Float, nullable=False),
    sa.Column("lon", sa.Float, nullable=False),
    sa.Column("market_id", sa.String(64)),
)


tasks = sa.Table(
    "tasks",
    metadata,
    sa.Column("manager_pk", sa.Integer, sa.ForeignKey("managers.pk"), primary_key=True),
    sa.Column("date", sa.Date, primary_key=True),
    sa.Column("store_id", sa.String(64), primary_key=True),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("store_name", sa.String(200), nullable=False, server_default=""),
    sa.Column("lat", sa.Float, nullable=False),
    sa.Column("lon", sa.Float, nullable=False),
    sa.Column("method", sa.String(8), nullable=False),
    sa.Column("reported_visited", sa.Boolean, nullable=False),
    sa.Column("market_id", sa.String(64)),
)


results = sa.Table(
    "results",
    metadata,
    sa.Column("manager_pk", sa.Integer, sa.ForeignKey("managers.pk"), primary_key=True),
    sa.Column("date", sa.Date, primary_key=True, index=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("on_time_arrival", sa.String(16), nullable=False),
    sa.Column("trajectory_clear", sa.String(16), nullable=False),
    sa.Column("visit_count_match", sa.String(16), nullable=False),
    sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    # the cleaned fixes the result was computed from (api.db.results.pack_track), so a
    # report renders the stored result and never verifies afresh; null: no fixes
    sa.Column("track", sa.LargeBinary, nullable=True),
    # track integrity (issue 12): "clean" | "suspicious" (null: computed before it existed),
    # and a compact fingerprint of the track for replayed-track detection across days
    sa.Column("integrity", sa.String(16), nullable=True),
    sa.Column("fingerprint", sa.LargeBinary, nullable=True),
)


api_keys = sa.Table(
    "api_keys",
    metadata,
    sa.Column("key_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(200), nullable=False, server_default=""),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("digest", sa.String(64), nullable=False, unique=True),
    sa.Column("prefix", sa.String(16), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revoked_at", sa.DateTime(timezone=True)),
)


key_teams = sa.Table(
    "key_teams",
    metadata,
    sa.Column(
        "key_id", sa.Integer, sa.ForeignKey("api_keys.key_id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column(
        "team_id",
        sa.String(64),
        sa.ForeignKey("teams.team_id", ondelete="CASCADE"),
        primary_key=True,
    ),
)


#: Browser sessions (``POST /v1/session``): the cookie holds a random token, never the key;
#: only the token's SHA-256 digest is stored, with its key and expiry (ms since the epoch).
sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("digest", sa.String(64), primary_key=True),
    sa.Column(
        "key_id",
        sa.Integer,
        sa.ForeignKey("api_keys.key_id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("created_ms", sa.BigInteger, nullable=False),
    sa.Column("expires_ms", sa.BigInteger, nullable=False),
)


areas = sa.Table(
    "areas",
    metadata,
    sa.Column("area_id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False, server_default=""),
    sa.Column("kind", sa.String(16), nullable=False),  # market | district
    sa.Column("district_id", sa.String(64)),  # the district a market lies in
)


cluster_points = sa.Table(
    "cluster_points",
    metadata,
    sa.Column("cluster_id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False, server_default=""),
    sa.Column("area_id", sa.String(64), sa.ForeignKey("areas.area_id"), nullable=False),
    sa.Column("lat", sa.Float),
    sa.Column("lon", sa.Float),
)


people = sa.Table(
    "people",
    metadata,
    sa.Column("person_id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False, server_default=""),
    sa.Column("role", sa.String(32), nullable=False),
    sa.Column("reports_to", sa.String(64)),
    sa.Column(
        "team_id", sa.String(64), sa.ForeignKey("teams.team_id", ondelete="SET NULL"), index=True
    ),
    sa.Column("area_id", sa.String(64), sa.ForeignKey("areas.area_id")),
)


brands = sa.Table(
    "brands",
    metadata,
    sa.Column("brand", sa.String(200), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),  # lead | regular | legacy_agency
)


buyers = sa.Table(
    "buyers",
    metadata,
    sa.Column("buyer_id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False, server_default=""),
    sa.Column("type", sa.String(32), nullable=False),
    sa.Column("area_id", sa.String(64), sa.ForeignKey("areas.area_id"), nullable=False),
    sa.Column("cluster_id", sa.String(64), sa.ForeignKey("cluster_points.cluster_id")),
    sa.Column("lat", sa.Float, nullable=False),  # WGS-84
    sa.Column("lon", sa.Float, nullable=False),
    sa.Column("crs", sa.String(8), nullable=False),  # the system the location came in
    sa.Column("registered_ms", sa.BigInteger),
    sa.Column("manager_id", sa.String(64), sa.ForeignKey("people.person_id"), index=True),
    sa.Column("assigned_ms", sa.BigInteger),
    sa.Column("activated_ms", sa.BigInteger),
    sa.Column("activated_by", sa.String(64), sa.ForeignKey("people.person_id")),
    sa.Column("chat_admitted", sa.Boolean, nullable=False),
    sa.Column("usual_boxes", sa.Integer),  # surveyed usual order size (issue 15)
    sa.Column("agent_for", sa.String(200)),  # the brand it is regional agent for
)


buyer_assignments = sa.Table(
    "buyer_assignments",
    metadata,
    sa.Column("buyer_id", sa.String(64), sa.ForeignKey("buyers.buyer_id"), primary_key=True),
    sa.Column("assigned_ms", sa.BigInteger, primary_key=True),
    sa.Column("manager_id", sa.String(64), sa.ForeignKey("people.person_id"), nullable=False),
    sa.Column("ended_ms", sa.BigInteger),
    sa.Column("reason", sa.String(200), nullable=False, server_default=""),
    sa.Column("recorded_ms", sa.BigInteger, nullable=False),
)


orders = sa.Table(
    "orders",
    metadata,
    sa.Column("order_id", sa.String(64), primary_key=True),
    sa.Column("product", sa.String(200), primary_key=True),
    sa.Column("brand", sa.String(200), primary_key=True),
    sa.Column("net_weight_g", sa.Integer, primary_key=True),
    sa.Column("buyer_id", sa.String(64), sa.ForeignKey("buyers.buyer_id"), nullable=False),
    sa.Column("placed_ms", sa.BigInteger, nullable=False),
    sa.Column("boxes", sa.Integer, nullable=False),
    sa.Column("amount_fen", sa.BigInteger, nullable=False),
    sa.Column("status", sa.String(24), nullable=False),
    sa.Index(None, "buyer_id", "placed_ms"),
)


declarations = sa.Table(
    "declarations",
    metadata,
    sa.Column("manager_id", sa.String(64), sa.ForeignKey("people.person_id"), primary_key=True),
    sa.Column("declared_on", sa.Date, primary_key=True),
    sa.Column("buyer_id", sa.String(64), sa.ForeignKey("buyers.buyer_id"), primary_key=True),
    # "" and 0 stand for "not declared" (key columns cannot be NULL)
    sa.Column("product", sa.String(200), primary_key=True),
    sa.Column("brand", sa.String(200), primary_key=True),
    sa.Column("net_weight_g", sa.Integer, primary_key=True),
    sa.Column("boxes", sa.Integer, nullable=False),
    sa.Column("period_end", sa.Date),
)


marketing_windows = sa.Table(
    "marketing_windows",
    metadata,
    sa.Column("buyer_id", sa.String(64), sa.ForeignKey("buyers.buyer_id"), primary_key=True),
    sa.Column("start", sa.String(8), primary_key=True),  # local HH:MM as given
    sa.Column("end", sa.String(8), nullable=False),
    sa.Column("start_min", sa.Integer, nullable=False),  # minutes after local midnight
    sa.Column("end_min", sa.Integer, nullable=False),
)


tag_keywords = sa.Table(
    "tag_keywords",
    metadata,
    sa.Column("keyword", sa.String(200), primary_key=True),
    sa.Column("category", sa.String(200), nullable=False),
    sa.Column("needs_leaf", sa.Boolean, nullable=False),
)


marketing_records = sa.Table(
    "marketing_records",
    metadata,
    sa.Column("manager_id", sa.String(64), sa.ForeignKey("people.person_id"), primary_key=True),
    sa.Column("buyer_id", sa.String(64), sa.ForeignKey("buyers.buyer_id"), primary_key=True),
    sa.Column("slot_start_ms", sa.BigInteger, primary_key=True),
    # one slot may serve several purposes, one result each (issue 15)
    sa.Column("purpose", sa.String(200), primary_key=True),
    sa.Column("slot_end_ms", sa.BigInteger, nullable=False),
    sa.Column("method", sa.String(8), nullable=False),  # onsite | phone | chat
    sa.Column("goal_met", sa.Boolean, nullable=False),
    sa.Column("result", sa.String(200)),
    sa.Column("reason", sa.String(200)),
    sa.Column("reason_keywords", sa.String(200)),
    sa.Index(None, "slot_start_ms"),
)


chat_reports = sa.Table(
    "chat_reports",
    metadata,
    sa.Column("manager_id", sa.String(64), sa.ForeignKey("people.person_id"), primary_key=True),
    sa.Column("sent_ms", sa.BigInteger, primary_key=True),
    sa.Column("kind", sa.String(16), primary_key=True),  # customer | hourly | daily
    sa.Column("buyer_id", sa.String(64), sa.ForeignKey("buyers.buyer_id")),
    sa.Column("tags", sa.String(200)),
    sa.Column("transcript", sa.Text),
    sa.Index(None, "sent_ms"),
)


daily_summaries = sa.Table(
    "daily_summaries",
    metadata,
    sa.Column("manager_id", sa.String(64), sa.ForeignKey("people.person_id"), primary_key=True),
    sa.Column("date", sa.Date, primary_key=True, index=True),
    *(sa.Column(f"target_{m}", sa.Integer, nullable=False) for m in ("onsite", "phone", "chat")),
    *(sa.Column(f"actual_{m}", sa.Integer, nullable=False) for m in ("onsite", "phone", "chat")),
    sa.Column("problems", sa.String(200)),
    sa.Column("suggestions", sa.String(200)),
    sa.Column("experience", sa.String(200)),
)


help_plans = sa.Table(
    "help_plans",
    metadata,
    sa.Column("date", sa.Date, primary_key=True, index=True),
    sa.Column("helper_id", sa.String(64), sa.ForeignKey("people.person_id"), primary_key=True),
    sa.Column("buyer_id", sa.String(64), primary_key=True),  # "" = none
    sa.Column("manager_id", sa.String(64), primary_key=True),  # "" = none
    sa.Column("helper_role", sa.String(32), nullable=False),
    sa.Column("actions", sa.String(200), nullable=False),
    sa.Column("completion_plan", sa.String(200), nullable=False),
    sa.Column("gap_keywords", sa.String(200)),
)


assess_data_version = sa.Table(
    "assess_data_version",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("version", sa.BigInteger, nullable=False),
)
