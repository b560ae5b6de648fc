"""A digest of the ledger's state: equal digests mean nothing was recorded, decided or sent
in between, so outputs written from the first state still show the second."""

from __future__ import annotations

import hashlib
from pathlib import Path

from pipeline.ledger.connection import Connection


def state_digest(conn: Connection) -> str:
    """The bytes of the ledger file once its write-ahead log is folded in: every row counts,
    a rewritten one as much as a new one (a decision updates a submission in place), and a
    2 MB ledger hashes in milliseconds where reading its rows back took a quarter of a
    second. While another program reads the ledger the log cannot be folded in; it is then
    hashed too, and at worst the next run writes outputs that were still current."""
    busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    digest = hashlib.sha256()
    for path in (conn.path, Path(f"{conn.path}-wal")):
        if path.exists() and (busy or path == conn.path):
            digest.update(path.read_bytes())
    return digest.hexdigest()
