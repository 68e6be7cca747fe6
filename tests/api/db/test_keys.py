"""API keys at rest: only the SHA-256 digest of a secret is stored, nowhere the secret."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from api.db.tables import api_keys
from tests.helpers.db import Keys


def test_keys_are_stored_hashed(engine: Engine, keys: Keys) -> None:
    secrets = [keys.admin, keys.platform, keys.sup_a, keys.sup_b, keys.revoked]
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(sa.select(api_keys))]
        digests = set(conn.execute(sa.select(api_keys.c.digest)).scalars())
        dump = repr(rows)
        tables = sa.inspect(conn).get_table_names()
        everything = dump + "".join(
            repr(conn.execute(sa.text(f"SELECT * FROM {t}")).all()) for t in tables
        )
    assert len(rows) == len(secrets)
    for secret in secrets:
        assert secret not in everything
        assert secret[12:] not in everything  # not even the random part
        assert hashlib.sha256(secret.encode()).hexdigest() in digests
