"""Files taken from the inbox: what became of each, and the problems found in it."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum

from pipeline.ledger.connection import placeholders
from pipeline.problems import Problem, Severity


class Outcome(StrEnum):
    """What became of a file taken from the inbox. The table does not constrain the value:
    it is checked here, so a new outcome needs no table rebuild."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"
    HELD = "held"  # a valid return waiting for the coordinator's decision
    DUPLICATE = "duplicate"  # the same bytes as a file already recorded: not recorded again


RECORDED = frozenset({Outcome.ACCEPTED, Outcome.REJECTED, Outcome.HELD})


@dataclass(frozen=True)
class FileRecord:
    id: int
    sha256: str
    name: str  # the name it had in the inbox
    size: int
    received: str  # ISO time it was taken from the inbox
    outcome: Outcome
    reason: str  # first reason of a rejection
    stored_path: str  # relative to the workspace
    ministry: str  # from a verified _meta, else ""
    period: int | None
    feedback_path: str  # feedback workbook of a rejected template, else ""
    saved: str = ""  # the workbook's own last-saved time (ISO, UTC), "" when it has none


@dataclass(frozen=True)
class Issue:
    file_id: int
    severity: Severity
    code: str
    sheet: str
    cell: str
    action_id: str
    message: str


_FILE_SELECT = """SELECT id, sha256, name, size, received, outcome, reason, stored_path,
                         ministry, period, feedback_path, saved FROM files"""


def _file(row: sqlite3.Row) -> FileRecord:
    return FileRecord(
        row["id"],
        row["sha256"],
        row["name"],
        row["size"],
        row["received"],
        Outcome(row["outcome"]),
        row["reason"],
        row["stored_path"],
        row["ministry"] or "",
        row["period"],
        row["feedback_path"] or "",
        row["saved"] or "",
    )


def known_files(conn: sqlite3.Connection, sha256s: Sequence[str]) -> dict[str, FileRecord]:
    """By sha256, those of these files that were received before: one query for a batch."""
    rows = conn.execute(f"{_FILE_SELECT} WHERE sha256 IN ({placeholders(sha256s)})", sha256s)
    return {row["sha256"]: _file(row) for row in rows}


@dataclass(frozen=True)
class NewFile:
    """A file to record, with what reading it found."""

    sha256: str
    name: str
    size: int
    received: str
    outcome: Outcome
    stored_path: str
    problems: Sequence[Problem]
    ministry: str = ""
    period: int | None = None
    feedback_path: str = ""
    saved: str = ""


def record_files(conn: sqlite3.Connection, files: Sequence[NewFile]) -> list[int]:
    """Record files and every problem found in them, inside the caller's transaction; their
    ids, in order. The first error of each, if any, is kept as its reason, for lists that
    show one line per file."""
    for file in files:
        _check_outcome(file.outcome)
    conn.executemany(
        f"""INSERT INTO files (sha256, name, size, received, {_FOUND})
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            (
                f.sha256,
                f.name,
                f.size,
                f.received,
                *_found(
                    f.outcome,
                    f.problems,
                    f.stored_path,
                    f.ministry,
                    f.period,
                    f.feedback_path,
                    f.saved,
                ),
            )
            for f in files
        ],
    )
    shas = [f.sha256 for f in files]
    found = conn.execute(
        f"SELECT sha256, id FROM files WHERE sha256 IN ({placeholders(shas)})", shas
    )
    ids = dict(found.fetchall())
    file_ids = [ids[sha] for sha in shas]
    add_issues(conn, [(i, p) for i, f in zip(file_ids, files, strict=True) for p in f.problems])
    return file_ids


# What reading a file found it to be: the columns a new reading replaces.
_FOUND = "outcome, reason, stored_path, ministry, period, feedback_path, saved"


def _found(
    outcome: Outcome,
    problems: Sequence[Problem],
    stored_path: str,
    ministry: str,
    period: int | None,
    feedback_path: str,
    saved: str,
) -> tuple[object, ...]:
    """The values of the _FOUND columns, in their order."""
    first_error = next((p.message for p in problems if p.severity is Severity.ERROR), "")
    return (
        outcome,
        first_error,
        stored_path,
        ministry or None,
        period,
        feedback_path or None,
        saved or None,
    )


def _check_outcome(outcome: Outcome) -> None:
    if outcome not in RECORDED:
        raise ValueError(f"a file is recorded accepted, rejected or held, not {outcome!r}")


def record_issues(conn: sqlite3.Connection, file_id: int, problems: Sequence[Problem]) -> None:
    """Add problems found in a file (by the checks, or why it is held or was refused)."""
    add_issues(conn, [(file_id, p) for p in problems])


def add_issues(conn: sqlite3.Connection, found: Sequence[tuple[int, Problem]]) -> None:
    """Problems found in files, each with the id of its file, in one statement."""
    conn.executemany(
        """INSERT INTO issues (file_id, severity, code, sheet, cell, action_id, message)
           VALUES (?, ?, ?, ?, ?, ?, ?)""",
        [
            (file_id, str(p.severity), p.code, p.sheet, p.cell, p.action, p.message)
            for file_id, p in found
        ],
    )


def remove_issues(conn: sqlite3.Connection, file_id: int, codes: Collection[str] = ()) -> None:
    """Forget the problems of these codes found in a file (all of them without codes): a
    file read again, or a refusal reverted, is described anew."""
    if not codes:
        conn.execute("DELETE FROM issues WHERE file_id = ?", (file_id,))
        return
    marks = placeholders(codes)
    conn.execute(f"DELETE FROM issues WHERE file_id = ? AND code IN ({marks})", (file_id, *codes))


def set_outcome(
    conn: sqlite3.Connection,
    file_id: int,
    outcome: Outcome,
    *,
    reason: str = "",
    feedback_path: str = "",
) -> None:
    """What became of a file after a decision: accepted, refused (with its reason and the
    feedback the ministry gets) or held again."""
    _check_outcome(outcome)
    conn.execute(_SET_OUTCOME, (outcome, reason, feedback_path or None, file_id))


def set_outcomes(
    conn: sqlite3.Connection, outcome: Outcome, reasons: Sequence[tuple[int, str]]
) -> None:
    """What became of files after a decision, each (file id, reason), in one statement; none
    has a feedback workbook."""
    _check_outcome(outcome)
    conn.executemany(_SET_OUTCOME, [(outcome, why, None, file_id) for file_id, why in reasons])


_SET_OUTCOME = "UPDATE files SET outcome = ?, reason = ?, feedback_path = ? WHERE id = ?"


def record_reading(
    conn: sqlite3.Connection,
    file_id: int,
    *,
    outcome: Outcome,
    stored_path: str,
    problems: Sequence[Problem],
    ministry: str,
    period: int | None,
    feedback_path: str,
    saved: str,
) -> None:
    """Replace what a file was found to be by what reading it again found: where it is
    kept, who it is from, and its problems."""
    _check_outcome(outcome)
    columns = ", ".join(f"{name} = ?" for name in _FOUND.split(", "))
    conn.execute(
        f"UPDATE files SET {columns} WHERE id = ?",
        (*_found(outcome, problems, stored_path, ministry, period, feedback_path, saved), file_id),
    )
    remove_issues(conn, file_id)
    record_issues(conn, file_id, problems)


def get_file(conn: sqlite3.Connection, file_id: int) -> FileRecord | None:
    row = conn.execute(_FILE_SELECT + " WHERE id = ?", (file_id,)).fetchone()
    return _file(row) if row is not None else None


def rejected_by_checks(conn: sqlite3.Connection) -> list[FileRecord]:
    """Files the checks rejected (not those the coordinator refused, which have values)."""
    rows = conn.execute(
        _FILE_SELECT
        + """ WHERE outcome = ? AND NOT EXISTS
                  (SELECT 1 FROM submissions s WHERE s.file_id = files.id)
              ORDER BY id""",
        (Outcome.REJECTED,),
    )
    return [_file(r) for r in rows]


def files_of_period(conn: sqlite3.Connection, period: int) -> list[FileRecord]:
    """Every file identified as a return for the period, in the order received."""
    rows = conn.execute(_FILE_SELECT + " WHERE period = ? ORDER BY id", (period,))
    return [_file(r) for r in rows]


def last_file(conn: sqlite3.Connection, ministry: str, period: int) -> FileRecord | None:
    row = conn.execute(
        _FILE_SELECT + " WHERE ministry = ? AND period = ? ORDER BY id DESC LIMIT 1",
        (ministry, period),
    ).fetchone()
    return _file(row) if row is not None else None


def unidentified_rejections(conn: sqlite3.Connection) -> list[FileRecord]:
    """Rejected files that named no period (not a template, or one whose signature failed):
    they belong to no period, so every period's status shows them."""
    rows = conn.execute(
        _FILE_SELECT + " WHERE period IS NULL AND outcome = ? ORDER BY id", (Outcome.REJECTED,)
    )
    return [_file(r) for r in rows]


def file_issues(
    conn: sqlite3.Connection, file_ids: Collection[int], severity: Severity
) -> list[Issue]:
    """The problems of that severity found in these files, file by file, each file's in the
    order found (two processes settling at once number their files' reasons as their
    transactions commit)."""
    if not file_ids:
        return []
    rows = conn.execute(
        f"""SELECT file_id, severity, code, sheet, cell, action_id, message FROM issues
            WHERE severity = ? AND file_id IN ({placeholders(file_ids)})
            ORDER BY file_id, id""",
        (severity, *file_ids),
    )
    return [
        Issue(
            r["file_id"],
            Severity(r["severity"]),
            r["code"],
            r["sheet"],
            r["cell"],
            r["action_id"],
            r["message"],
        )
        for r in rows
    ]
