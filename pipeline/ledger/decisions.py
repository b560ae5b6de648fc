"""The coordinator's decisions, each with who made it, when and why; whether a period is
closed; and the fingerprint of the key that signs the templates."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    ACCEPT = "accept"  # a held return applied
    REJECT = "reject"  # a held return refused, with feedback for the ministry
    REVERT = "revert"  # a decision undone: the return waits for a decision again
    CLOSE = "close"  # a period closed: its returns are held, its outputs kept as they are
    REOPEN = "reopen"
    REPROCESS = "reprocess"  # a rejected file read again from the archive


@dataclass(frozen=True)
class Decision:
    id: int
    kind: Kind
    period: int | None
    ministry: str
    file_id: int | None
    file_name: str  # "" for a decision on a whole period
    who: str
    made: str  # ISO time
    reason: str


def record_decision(
    conn: sqlite3.Connection,
    kind: Kind,
    *,
    period: int | None,
    who: str,
    made: str,
    reason: str = "",
    ministry: str = "",
    file_id: int | None = None,
) -> int:
    """Inside the caller's transaction, with the change it records."""
    cur = conn.execute(
        """INSERT INTO decisions (kind, period, ministry, file_id, who, made, reason)
           VALUES (?, ?, ?, ?, ?, ?, ?)""",
        (kind, period, ministry, file_id, who, made, reason),
    )
    assert cur.lastrowid is not None
    return cur.lastrowid


_SELECT = """
SELECT d.id, d.kind, d.period, d.ministry, d.file_id, COALESCE(f.name, '') AS file_name,
       d.who, d.made, d.reason
FROM decisions d LEFT JOIN files f ON f.id = d.file_id
"""


def _decisions(conn: sqlite3.Connection, where: str, *args: object) -> list[Decision]:
    rows = conn.execute(f"{_SELECT} WHERE {where} ORDER BY d.id", args)
    return [Decision(**dict(r) | {"kind": Kind(r["kind"])}) for r in rows]


def get_decision(conn: sqlite3.Connection, decision_id: int) -> Decision:
    (found,) = _decisions(conn, "d.id = ?", decision_id)
    return found


def period_decisions(conn: sqlite3.Connection, period: int) -> list[Decision]:
    """Every decision on the period and its returns, in the order made."""
    return _decisions(conn, "d.period = ?", period)


def file_decisions(conn: sqlite3.Connection, file_id: int) -> list[Decision]:
    return _decisions(conn, "d.file_id = ?", file_id)


def closing(conn: sqlite3.Connection, period: int) -> Decision | None:
    """The decision that closed the period, while it is closed; None when it is open."""
    last = _decisions(conn, "d.period = ? AND d.kind IN (?, ?)", period, Kind.CLOSE, Kind.REOPEN)
    return last[-1] if last and last[-1].kind is Kind.CLOSE else None


def key_fingerprint(conn: sqlite3.Connection) -> str | None:
    """The fingerprint of the key that signed the workspace's templates; None before any."""
    row = conn.execute("SELECT fingerprint FROM signing_key ORDER BY rowid LIMIT 1").fetchone()
    return row[0] if row is not None else None


def record_key_fingerprint(conn: sqlite3.Connection, fingerprint: str, recorded: str) -> str:
    """Keep the first fingerprint recorded, inside the caller's transaction; the one kept."""
    kept = key_fingerprint(conn)
    if kept is None:
        conn.execute(
            "INSERT INTO signing_key (fingerprint, recorded) VALUES (?, ?)",
            (fingerprint, recorded),
        )
        return fingerprint
    return kept
