"""The ledger: an embedded SQLite database of every file received, every value accepted and
every issue found, so any figure in an output can be traced to its file, sheet and cell."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pipeline.failures import NapError

SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,            -- the name it had in the inbox
    size INTEGER NOT NULL,
    received TEXT NOT NULL,        -- ISO time the file was taken from the inbox
    outcome TEXT NOT NULL CHECK (outcome IN ('accepted', 'rejected')),
    reason TEXT NOT NULL DEFAULT '',   -- first reason of a rejection
    stored_path TEXT NOT NULL,     -- relative to the workspace
    ministry TEXT,                 -- from a verified _meta, else NULL
    period INTEGER,
    feedback_path TEXT             -- feedback workbook of a rejected template
);
CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY,
    file_id INTEGER NOT NULL UNIQUE REFERENCES files(id),
    ministry TEXT NOT NULL,
    period INTEGER NOT NULL,
    plan_id TEXT NOT NULL,
    issued TEXT NOT NULL,
    accepted TEXT NOT NULL,
    supersedes INTEGER REFERENCES submissions(id),
    current INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS submissions_period ON submissions(period, ministry, current);
CREATE TABLE IF NOT EXISTS cell_values (
    submission_id INTEGER NOT NULL REFERENCES submissions(id),
    action_id TEXT NOT NULL,
    field TEXT NOT NULL,
    value TEXT NOT NULL,           -- canonical text (numbers without trailing .0)
    number REAL,                   -- for numeric fields
    sheet TEXT NOT NULL,
    cell TEXT NOT NULL,
    PRIMARY KEY (submission_id, action_id, field)
);
CREATE TABLE IF NOT EXISTS issues (
    id INTEGER PRIMARY KEY,
    file_id INTEGER NOT NULL REFERENCES files(id),
    severity TEXT NOT NULL,
    code TEXT NOT NULL,
    sheet TEXT NOT NULL DEFAULT '',
    cell TEXT NOT NULL DEFAULT '',
    action_id TEXT NOT NULL DEFAULT '',
    message TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS issues_file ON issues(file_id);
CREATE TABLE IF NOT EXISTS changes (   -- what a resubmission changed against the one it superseded
    submission_id INTEGER NOT NULL REFERENCES submissions(id),
    action_id TEXT NOT NULL,
    field TEXT NOT NULL,
    old TEXT NOT NULL,
    new TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS mail_log (
    id INTEGER PRIMARY KEY,
    period INTEGER NOT NULL,
    ministry TEXT NOT NULL,
    kind TEXT NOT NULL,            -- templates, reminder
    recipients TEXT NOT NULL,
    subject TEXT NOT NULL,
    message_id TEXT NOT NULL,
    mode TEXT NOT NULL,            -- eml or smtp
    path TEXT NOT NULL DEFAULT '',
    sent TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class Submission:
    id: int
    file_id: int
    ministry: str
    period: int
    issued: str
    accepted: str
    supersedes: int | None
    file_name: str
    sha256: str
    stored_path: str


@contextmanager
def connect(path: Path) -> Iterator[sqlite3.Connection]:
    """Open (and create or migrate) the ledger; the connection is closed on exit."""
    try:
        conn = sqlite3.connect(path, timeout=30, isolation_level=None)
    except sqlite3.Error as exc:
        raise NapError(f"cannot open the ledger {path}: {exc}") from exc
    try:
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA journal_mode = WAL")
        # NORMAL in WAL mode: a killed process loses no committed transaction; only a power
        # cut could lose the last ones, and ingest then finds their files still in the inbox
        # or archived under a name it recognises by sha256.
        conn.execute("PRAGMA synchronous = NORMAL")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise NapError(
                f"the ledger {path} was written by a newer version of the tool; upgrade it"
            )
        conn.executescript(SCHEMA)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        yield conn
    except sqlite3.DatabaseError as exc:
        raise NapError(
            f"the ledger {path} cannot be used: {exc}; restore it from the last backup"
        ) from exc
    finally:
        conn.close()


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction; taken immediately so two processes never interleave."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


_SUBMISSION_SELECT = """
SELECT s.id, s.file_id, s.ministry, s.period, s.issued, s.accepted, s.supersedes,
       f.name AS file_name, f.sha256, f.stored_path
FROM submissions s JOIN files f ON f.id = s.file_id
"""


def current_submissions(conn: sqlite3.Connection, period: int) -> list[Submission]:
    rows = conn.execute(
        _SUBMISSION_SELECT + " WHERE s.period = ? AND s.current = 1 ORDER BY s.ministry", (period,)
    )
    return [Submission(**dict(r)) for r in rows]


def all_submissions(conn: sqlite3.Connection, period: int | None = None) -> list[Submission]:
    where, args = (" WHERE s.period = ?", (period,)) if period is not None else ("", ())
    rows = conn.execute(_SUBMISSION_SELECT + where + " ORDER BY s.period, s.ministry, s.id", args)
    return [Submission(**dict(r)) for r in rows]


def submission_values(conn: sqlite3.Connection, submission_id: int) -> dict[tuple[str, str], str]:
    rows = conn.execute(
        "SELECT action_id, field, value FROM cell_values WHERE submission_id = ?", (submission_id,)
    )
    return {(r["action_id"], r["field"]): r["value"] for r in rows}


def periods(conn: sqlite3.Connection) -> list[int]:
    return [r[0] for r in conn.execute("SELECT DISTINCT period FROM submissions ORDER BY period")]


def last_statuses(conn: sqlite3.Connection, ministry: str, before: int) -> dict[str, str]:
    """Each action's status in the ministry's latest accepted report before a period."""
    row = conn.execute(
        "SELECT MAX(period) FROM submissions WHERE ministry = ? AND period < ? AND current = 1",
        (ministry, before),
    ).fetchone()
    if row[0] is None:
        return {}
    rows = conn.execute(
        """SELECT v.action_id, v.value
           FROM cell_values v JOIN submissions s ON s.id = v.submission_id
           WHERE s.ministry = ? AND s.period = ? AND s.current = 1 AND v.field = 'status'""",
        (ministry, row[0]),
    )
    return {r["action_id"]: f"{r['value']} ({row[0]})" for r in rows}
