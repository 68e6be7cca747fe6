"""Every place the service knows, for naming unexplained stays (issue 17): the store
master (``stores``, ``PUT /v1/stores``) and the assessment's buyers that have
coordinates (``buyers``), both stored in WGS-84.

Built into a :class:`~trajectory.known_places.KnownPlaces` index once per
``POST .../verify`` request (about 0.1 s per 100k places plus the two selects); the
index is not kept between requests, as a store upload changes no data version.
"""

from __future__ import annotations

__all__ = ["load_known_places"]

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from api.db.tables import buyers, stores
from trajectory.known_places import KnownPlaces


def load_known_places(conn: Connection) -> KnownPlaces | None:
    """The stores (kind ``store``) and buyers with coordinates (kind ``buyer``) as one
    index; None when the database holds neither.  Stored rows that fail the checks
    (a coordinate out of range) are left out, never fatal to a verification."""
    store_rows = conn.execute(
        sa.select(stores.c.store_id, stores.c.name, stores.c.lat, stores.c.lon)
    ).all()
    buyer_rows = conn.execute(
        sa.select(buyers.c.buyer_id, buyers.c.name, buyers.c.lat, buyers.c.lon).where(
            buyers.c.lat.is_not(None), buyers.c.lon.is_not(None)
        )
    ).all()
    if not store_rows and not buyer_rows:
        return None
    columns = ["id", "name", "lat", "lon"]
    frame = pd.concat(
        [
            pd.DataFrame(store_rows, columns=columns).assign(kind="store"),
            pd.DataFrame(buyer_rows, columns=columns).assign(kind="buyer"),
        ],
        ignore_index=True,
    )
    return KnownPlaces.from_frame(frame, source="<database>", on_bad_row="skip")
