"""Opening the ledger: connection settings, the schema brought up to date, and the one place
where a database error becomes a message about the ledger file itself."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.failures import NapError
from pipeline.ledger.migrations import LATEST, MIGRATIONS, Step

Connection = sqlite3.Connection


@contextmanager
def connect(path: Path) -> Iterator[Connection]:
    """Open (and create or migrate) the ledger; the connection is closed on exit. Errors of
    the caller's block are the caller's: they propagate as they are."""
    conn = _open(path)
    try:
        yield conn
    finally:
        conn.close()


def _open(path: Path) -> Connection:
    """A database error here means the file cannot serve as a ledger: unreadable, damaged or
    not a database at all."""
    try:
        _create_private(path)
        conn = sqlite3.connect(path, timeout=30, isolation_level=None)
    except (sqlite3.Error, OSError) as exc:
        raise NapError(f"cannot open the ledger {path}: {exc}") from exc
    try:
        _configure(conn)
        if schema_version(conn) > LATEST:
            raise NapError(
                f"the ledger {path} was written by a newer version of the tool; upgrade it"
            )
        migrate(conn)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise NapError(
            f"the ledger {path} cannot be used: {exc}; restore it from the last backup"
        ) from exc
    except BaseException:
        conn.close()
        raise
    return conn


def _create_private(path: Path) -> None:
    """A new ledger is readable by its owner only, whatever the umask: it holds every
    ministry's figures. SQLite gives its -wal and -shm files the same permissions."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _configure(conn: Connection) -> None:
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    # NORMAL in WAL mode: a killed process loses no committed transaction; only a power
    # cut could lose the last ones, and ingest then finds their files still in the inbox
    # or archived under a name it recognises by sha256.
    conn.execute("PRAGMA synchronous = NORMAL")


@contextmanager
def transaction(conn: Connection) -> Iterator[Connection]:
    """One write transaction; taken immediately so two processes never interleave."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def schema_version(conn: Connection) -> int:
    """The number of the last migration applied; 0 for a new file."""
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: Connection) -> None:
    """Apply the steps the ledger lacks, each in its own transaction with its number, so a
    run killed halfway resumes at the step it was in. Foreign keys are off meanwhile (a
    table rebuild drops the table others refer to) and checked before each commit."""
    if schema_version(conn) >= LATEST:
        return
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        for number, step in MIGRATIONS:
            with transaction(conn):
                # Read inside the transaction: another process may have applied it meanwhile.
                if schema_version(conn) < number:
                    _apply(conn, step)
                    if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
                        raise sqlite3.IntegrityError(f"migration {number} broke a foreign key")
                    conn.execute(f"PRAGMA user_version = {number}")
    finally:
        conn.execute("PRAGMA foreign_keys = ON")


def _apply(conn: Connection, step: Step) -> None:
    if callable(step):
        step(conn)
        return
    # executescript would commit the transaction first: one statement at a time instead.
    statement = ""
    for line in step.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            conn.execute(statement)
            statement = ""
    if statement.strip():
        conn.execute(statement)
