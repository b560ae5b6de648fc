"""A digest of everything the ledger holds: equal digests mean nothing was recorded, decided or
sent in between, so outputs written from the first state still show the second."""

from __future__ import annotations

import hashlib

from pipeline.ledger.connection import Connection


def state_digest(conn: Connection) -> str:
    """Every row of every table, in rowid order: a rewritten row counts as much as a new one
    (a decision updates a submission in place). Read in one transaction, so a writer cannot
    slip in between two tables."""
    digest = hashlib.sha256()
    conn.execute("BEGIN")
    try:
        tables = conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        ).fetchall()
        for (name,) in tables:
            digest.update(name.encode())
            rows = conn.execute(f'SELECT * FROM "{name}" ORDER BY rowid').fetchall()
            digest.update(repr([tuple(row) for row in rows]).encode())
    finally:
        conn.execute("COMMIT")
    return digest.hexdigest()
