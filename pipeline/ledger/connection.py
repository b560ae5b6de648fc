"""Opening the ledger: connection settings, the schema brought up to date, and the one place
where a database error becomes a message about the ledger file itself."""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable, Collection, Iterator
from contextlib import closing, contextmanager, suppress
from pathlib import Path
from typing import TypeVar

from pipeline.failures import NapError
from pipeline.ledger.migrations import LATEST, MIGRATIONS, Step

T = TypeVar("T")

log = logging.getLogger("nap.ledger")

BUSY_WAIT = 300.0  # seconds; --wait of the commands that write
QUICK_WAIT = 1.0  # a brief wait passes unremarked; a longer one is announced


class Connection(sqlite3.Connection):
    """A ledger connection that knows its file and how long to wait for a busy ledger."""

    path: Path
    wait: float


@contextmanager
def connect(path: Path, *, wait: float = BUSY_WAIT) -> Iterator[Connection]:
    """Open (and create or migrate) the ledger; the connection is closed on exit. Errors of
    the caller's block are the caller's: they propagate as they are. Another program writing
    to the ledger (a nightly run, a database viewer) is waited for, up to `wait` seconds."""
    conn = _open(path, wait)
    try:
        yield conn
    finally:
        conn.close()


def placeholders(values: Collection[object]) -> str:
    """The ? marks of an IN list of these values."""
    return ",".join("?" * len(values))


def _open(path: Path, wait: float) -> Connection:
    """A database error here means the file cannot serve as a ledger, and says why; backups
    are mentioned only when the file is really damaged."""
    try:
        _create_private(path)
        conn = sqlite3.connect(path, timeout=QUICK_WAIT, isolation_level=None, factory=Connection)
    except (sqlite3.Error, OSError) as exc:
        raise NapError(f"cannot open the ledger {path}: {exc}") from exc
    conn.path, conn.wait = Path(path), wait
    try:
        patiently(conn, lambda: _configure(conn))
        if schema_version(conn) > LATEST:
            raise NapError(
                f"the ledger {path} was written by a newer version of the tool; upgrade it"
            )
        migrate(conn)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise NapError(_unusable(Path(path), exc)) from exc
    except BaseException:
        conn.close()
        raise
    return conn


def _create_private(path: Path) -> None:
    """A new ledger is readable by its owner only, whatever the umask: it holds every
    ministry's figures. SQLite gives its -wal and -shm files the same permissions."""
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _configure(conn: Connection) -> None:
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    # NORMAL in WAL mode: a killed process loses no committed transaction; only a power
    # cut could lose the last ones, and ingest then finds their files still in the inbox
    # or archived under a name it recognises by sha256.
    conn.execute("PRAGMA synchronous = NORMAL")


def patiently(conn: Connection, work: Callable[[], T]) -> T:
    """Do `work`, waiting for another program that holds the ledger: first briefly, then,
    after saying so, up to the connection's limit. Busy for longer is a NapError that names
    the likely holders, never advice to restore the file."""
    try:
        return work()
    except sqlite3.OperationalError as exc:
        if not _busy(exc):
            raise
    log.warning(
        "waiting for the ledger %s: another program is writing to it (a nap command, or a "
        "database viewer with unsaved changes); waiting up to %s",
        conn.path,
        _duration(conn.wait),
    )
    conn.execute(f"PRAGMA busy_timeout = {int(conn.wait * 1000)}")
    try:
        return work()
    except sqlite3.OperationalError as exc:
        if not _busy(exc):
            raise
        raise NapError(
            f"the ledger {conn.path} stayed busy for {_duration(conn.wait)}: another program is "
            "writing to it (a nap command, or a database viewer with unsaved changes); close "
            "it or let it finish, then run again (or give --wait SECONDS)"
        ) from exc
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(QUICK_WAIT * 1000)}")


def _busy(exc: sqlite3.OperationalError) -> bool:
    code = getattr(exc, "sqlite_errorcode", 0)
    return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def _duration(seconds: float) -> str:
    return f"{seconds / 60:g} minutes" if seconds >= 120 else f"{seconds:g} s"


def _unusable(path: Path, exc: sqlite3.DatabaseError) -> str:
    """Restoring a backup loses what was recorded since, the mail sent among it: advised only
    when SQLite's own integrity check finds the file damaged."""
    found = damage(path)
    if found:
        return f"the ledger {path} is damaged ({found}); restore it from the last backup"
    return (
        f"the ledger {path} cannot be used: {exc}; the file itself is sound: check the free "
        "disk space and that you may write to the file and its folder, then run again"
    )


def read_only(path: Path) -> closing[sqlite3.Connection]:
    """A plain connection that cannot write to the file (nor make a -wal beside it)."""
    return closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True))


def damage(path: Path) -> str:
    """What PRAGMA integrity_check finds wrong with the file; empty when it is sound."""
    try:
        with read_only(path) as check:
            findings = [row[0] for row in check.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as exc:
        return str(exc)
    return "" if findings == ["ok"] else "; ".join(findings[:3])


@contextmanager
def transaction(conn: Connection) -> Iterator[Connection]:
    """One write transaction; taken immediately so two processes never interleave, waiting
    for one that holds the ledger."""
    patiently(conn, lambda: conn.execute("BEGIN IMMEDIATE"))
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
