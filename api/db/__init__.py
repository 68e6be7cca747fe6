"""The service's storage: tables, migrations and one repository module per kind of row.

May import trajectory and assessment (the frames it stores) and batch (the store
protocol of daily runs, :mod:`api.db.daystore`); never the HTTP layer or the
command line.  The engine helpers are re-exported here; tables live in
:mod:`api.db.tables` (a table and its repository module may share a name).
"""

from __future__ import annotations

from api.db.engine import alembic_config, make_engine, upgrade

__all__ = ["alembic_config", "make_engine", "upgrade"]
