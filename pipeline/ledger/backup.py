"""A consistent copy of the ledger, for backups: taken with SQLite's backup API, since the
ledger runs in WAL mode and a copy of the file alone may miss committed transactions or catch
one half-written; and the same integrity check on the copy as on a ledger that will not open."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from pipeline.failures import NapError
from pipeline.ledger.connection import connect, damage, patiently, read_only, schema_version
from pipeline.ledger.migrations import LATEST


def copy_ledger(path: Path, dest: Path, *, wait: float) -> int:
    """Copy the ledger at `path` to `dest` (a new file, readable by its owner only, in one
    piece: no -wal file beside it) and return the number of files it records. Another program
    writing meanwhile is waited for, up to `wait` seconds."""
    found = damage(path)
    if found:
        raise NapError(
            f"the ledger {path} is damaged ({found}); it was not copied: keep the earlier "
            "backups, and restore the last one (see the guide)"
        )
    with connect(path, wait=wait) as conn:
        files = _copy_into(dest, lambda copy: patiently(conn, lambda: conn.backup(copy)))
    found = damage(dest)
    if found:
        raise NapError(f"the copy {dest} of the ledger does not check ({found}); copy it again")
    return files


def ledger_damage(path: Path) -> str:
    """What SQLite's integrity check finds wrong with the ledger; "" when it is sound (or not
    made yet)."""
    return damage(path) if path.exists() else ""


def copy_backup_ledger(source: Path, dest: Path) -> int:
    """Copy the ledger of a backup to `dest` (a new file), opening the backup read-only so
    that it stays as it was; the number of files it records. A damaged copy, a ledger of a
    newer nap or a database that is no ledger is refused before anything is written."""
    found = damage(source)
    if found:
        raise NapError(
            f"the backup's ledger {source} is damaged ({found}); restore an earlier backup"
        )
    with read_only(source) as backup:
        if schema_version(backup) > LATEST:
            raise NapError(
                f"the backup's ledger {source} was written by a newer version of nap; install "
                "that version to restore it"
            )
        try:
            backup.execute("SELECT COUNT(*) FROM files").fetchone()
        except sqlite3.DatabaseError as exc:
            raise NapError(f"{source} is not the ledger of a nap workspace ({exc})") from exc
        return _copy_into(dest, backup.backup)


def _copy_into(dest: Path, backup: Callable[[sqlite3.Connection], object]) -> int:
    """`dest` made new, readable by its owner only, filled by `backup` and left in one piece
    (no -wal file beside it); the number of files the copy records."""
    os.close(os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    with closing(sqlite3.connect(dest)) as copy:
        backup(copy)
        copy.execute("PRAGMA journal_mode = DELETE")
        return copy.execute("SELECT COUNT(*) FROM files").fetchone()[0]


def archived_paths(path: Path) -> set[str]:
    """The archive paths (relative to the workspace) of the files the ledger at `path`
    records, read without writing to it."""
    with read_only(path) as conn:
        rows = conn.execute("SELECT stored_path FROM files")
        return {row[0] for row in rows}
