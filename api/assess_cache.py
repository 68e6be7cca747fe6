"""The service's per-process copy of part 1's tables, kept while the data version stands.

Loading every assessment table (:func:`api.assess_repo.load_dataset`) takes seconds
for a million order lines, and the buyer and order reports need all of them.  Each
service process therefore keeps the last dataset it loaded per engine, with the data
version it read just before loading (:func:`api.assess_repo.data_version`, one
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
--database-url``) call :func:`~api.assess_repo.load_dataset` directly.
"""

from __future__ import annotations

__all__ = ["cached_dataset", "clear"]

import dataclasses
import threading
import weakref

from sqlalchemy.engine import Connection, Engine

from api import assess_repo
from assessment.io import Dataset

_LOCK = threading.Lock()
#: engine -> (version, dataset) of the last load through that engine
_KEPT: weakref.WeakKeyDictionary[Engine, tuple[int, Dataset]] = weakref.WeakKeyDictionary()


def cached_dataset(conn: Connection) -> Dataset:
    """Part 1's tables as :func:`~api.assess_repo.load_dataset` reads them, loaded only
    when the data version differs from the kept one; the caller's own copy."""
    version = assess_repo.data_version(conn)
    with _LOCK:
        kept = _KEPT.get(conn.engine)
        if version is not None and kept is not None and kept[0] == version:
            return _copy(kept[1])
        data = assess_repo.load_dataset(conn)
        if version is None:
            _KEPT.pop(conn.engine, None)
        else:
            _KEPT[conn.engine] = (version, data)
        return _copy(data)


def clear() -> None:
    """Forget every kept dataset."""
    with _LOCK:
        _KEPT.clear()


def _copy(data: Dataset) -> Dataset:
    frames = {f.name: getattr(data, f.name).copy() for f in dataclasses.fields(data)}
    return Dataset(**frames)
