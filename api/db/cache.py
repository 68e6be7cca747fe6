"""The service's per-process copy of part 1's tables, kept while the data version stands.

Loading every assessment table (:func:`api.assess.load_dataset`) takes seconds
for a million order lines, and the buyer and order reports need all of them.  Each
service (app) therefore keeps the last dataset it loaded, with the data
version it read just before loading (:func:`api.rows.data_version`, one
one-row query).  Every import and reassignment changes that version in its own
transaction, so a request that reads the same version sees exactly the rows the kept
dataset holds; another version (a write by this or any other worker) loads afresh.
Without a version row (a database emptied by hand) nothing is kept.

The version is read first, in the request's connection: on SQLite the whole read
transaction is one snapshot, so version and rows agree; on PostgreSQL (read
committed) the rows may be newer than the version, never older, and a newer version
is read by the next request, which loads again.

Callers get a copy of the kept frames (:meth:`pandas.DataFrame.copy`; strings are
shared, not duplicated), so nothing a report does to its frames reaches the cache.
One lock guards the cache and is held while loading, so concurrent requests of the
thread pool load a version once.  One-shot commands (``trajcheck assess ...
--database-url``) call :func:`~api.assess.load_dataset` directly.
"""

from __future__ import annotations

__all__ = ["DatasetCache"]

import dataclasses
import threading

from sqlalchemy.engine import Connection

from api.db import assess, rows
from assessment.io import Dataset


class DatasetCache:
    """The last dataset one service loaded, with the data version read before loading.

    One per app (``app.state.datasets``, made by :func:`api.main.create_app`), so two
    apps in one process (tests) never share rows; it holds one engine's data.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: tuple[int, Dataset] | None = None

    def dataset(self, conn: Connection) -> Dataset:
        """Part 1's tables as :func:`~api.db.assess.load_dataset` reads them, loaded only
        when the data version differs from the kept one; the caller's own copy."""
        version = rows.data_version(conn)
        with self._lock:
            kept = self._kept
            if version is not None and kept is not None and kept[0] == version:
                return _copy(kept[1])
            data = assess.load_dataset(conn)
            self._kept = None if version is None else (version, data)
            return _copy(data)

    def clear(self) -> None:
        """Forget the kept dataset."""
        with self._lock:
            self._kept = None


def _copy(data: Dataset) -> Dataset:
    frames = {f.name: getattr(data, f.name).copy() for f in dataclasses.fields(data)}
    return Dataset(**frames)
