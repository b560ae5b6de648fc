"""Accepted returns: one submission per accepted file, the values it gave, and what a
resubmission changed against the submission it replaced."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


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


class AcceptedValue(Protocol):
    """A value as the checks of a returned workbook give it."""

    @property
    def action_id(self) -> str: ...
    @property
    def field(self) -> str: ...
    @property
    def value(self) -> str: ...
    @property
    def number(self) -> float | None: ...
    @property
    def sheet(self) -> str: ...
    @property
    def cell(self) -> str: ...


@dataclass(frozen=True)
class CellValue:
    action_id: str
    field: str
    value: str  # canonical text (numbers without trailing .0)
    number: float | None  # for numeric fields
    sheet: str
    cell: str


@dataclass(frozen=True)
class Change:
    action_id: str
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class Revision:
    """A value that a later file of the same ministry and period changed."""

    ministry: str
    action_id: str
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class PeriodValue:
    """One value of a current submission, with the file and cell it came from."""

    period: int
    ministry: str
    action_id: str
    field: str
    value: str
    number: float | None
    file: str
    sheet: str
    cell: str
    accepted: str
    sha256: str


def record_submission(
    conn: sqlite3.Connection,
    file_id: int,
    *,
    ministry: str,
    period: int,
    plan_id: str,
    issued: str,
    accepted: str,
    values: Sequence[AcceptedValue],
) -> bool:
    """Record an accepted file's values as the ministry's current submission for the period,
    inside the caller's transaction. True when it replaces an earlier one: that one is kept,
    no longer current, and what changed is recorded."""
    row = conn.execute(
        "SELECT id FROM submissions WHERE ministry = ? AND period = ? AND current = 1",
        (ministry, period),
    ).fetchone()
    previous: int | None = row["id"] if row is not None else None
    if previous is not None:
        conn.execute("UPDATE submissions SET current = 0 WHERE id = ?", (previous,))
    cur = conn.execute(
        """INSERT INTO submissions (file_id, ministry, period, plan_id, issued, accepted,
                                    supersedes)
           VALUES (?, ?, ?, ?, ?, ?, ?)""",
        (file_id, ministry, period, plan_id, issued, accepted, previous),
    )
    submission_id = cur.lastrowid
    assert submission_id is not None
    conn.executemany(
        """INSERT INTO cell_values (submission_id, action_id, field, value, number, sheet, cell)
           VALUES (?, ?, ?, ?, ?, ?, ?)""",
        [(submission_id, v.action_id, v.field, v.value, v.number, v.sheet, v.cell) for v in values],
    )
    if previous is not None:
        _record_changes(conn, previous, submission_id, values)
    return previous is not None


def _record_changes(
    conn: sqlite3.Connection, old_id: int, new_id: int, values: Sequence[AcceptedValue]
) -> None:
    """A value present on one side only counts as changed from or to ""."""
    old = {
        (r["action_id"], r["field"]): r["value"]
        for r in conn.execute(
            "SELECT action_id, field, value FROM cell_values WHERE submission_id = ?", (old_id,)
        )
    }
    new = {(v.action_id, v.field): v.value for v in values}
    conn.executemany(
        "INSERT INTO changes (submission_id, action_id, field, old, new) VALUES (?, ?, ?, ?, ?)",
        [
            (new_id, a, f, old.get((a, f), ""), new.get((a, f), ""))
            for a, f in sorted(old.keys() | new.keys())
            if old.get((a, f), "") != new.get((a, f), "")
        ],
    )


_SUBMISSION_SELECT = """
SELECT s.id, s.file_id, s.ministry, s.period, s.issued, s.accepted, s.supersedes,
       f.name AS file_name, f.sha256, f.stored_path
FROM submissions s JOIN files f ON f.id = s.file_id
"""


def current_submissions(conn: sqlite3.Connection, period: int) -> list[Submission]:
    """The submission in force of each ministry that has one for the period."""
    rows = conn.execute(
        _SUBMISSION_SELECT + " WHERE s.period = ? AND s.current = 1 ORDER BY s.ministry", (period,)
    )
    return [Submission(**dict(r)) for r in rows]


def submission_values(conn: sqlite3.Connection, submission_id: int) -> list[CellValue]:
    """In the order of the table's key: by action, then field."""
    rows = conn.execute(
        """SELECT action_id, field, value, number, sheet, cell FROM cell_values
           WHERE submission_id = ? ORDER BY action_id, field""",
        (submission_id,),
    )
    return [CellValue(*r) for r in rows]


def submission_changes(conn: sqlite3.Connection, submission_id: int) -> list[Change]:
    """What a resubmission changed against the submission it replaced; none for a first one."""
    rows = conn.execute(
        """SELECT action_id, field, old, new FROM changes
           WHERE submission_id = ? ORDER BY action_id, field""",
        (submission_id,),
    )
    return [Change(*r) for r in rows]


def period_revisions(conn: sqlite3.Connection, period: int) -> list[Revision]:
    """Every value that a later file changed, along the chain of returns that led to each
    ministry's current one, oldest change first."""
    rows = conn.execute(
        """SELECT s.ministry, c.action_id, c.field, c.old, c.new
           FROM changes c JOIN submissions s ON s.id = c.submission_id
           WHERE s.period = ? AND s.id <= (
               SELECT MAX(cur.id) FROM submissions cur
               WHERE cur.period = s.period AND cur.ministry = s.ministry AND cur.current = 1)
           ORDER BY s.ministry, s.id, c.action_id, c.field""",
        (period,),
    )
    return [Revision(*r) for r in rows]


def period_values(conn: sqlite3.Connection, up_to: int) -> list[PeriodValue]:
    """Every value of the current submissions of the periods up to `up_to`, unordered: the
    reader orders them by the plan, which the ledger does not know."""
    rows = conn.execute(
        """SELECT s.period, s.ministry, v.action_id, v.field, v.value, v.number,
                  f.name AS file, v.sheet, v.cell, s.accepted, f.sha256
           FROM cell_values v
           JOIN submissions s ON s.id = v.submission_id
           JOIN files f ON f.id = s.file_id
           WHERE s.current = 1 AND s.period <= ?""",
        (up_to,),
    )
    return [PeriodValue(*r) for r in rows]


def periods(conn: sqlite3.Connection) -> list[int]:
    """The periods with at least one accepted return, current or replaced."""
    return [r[0] for r in conn.execute("SELECT DISTINCT period FROM submissions ORDER BY period")]


def period_statuses(conn: sqlite3.Connection, ministry: str, period: int) -> dict[str, str] | None:
    """Each action's status in the ministry's current return for the period (an action with
    no status given is absent); None when no return of the ministry is accepted for it."""
    row = conn.execute(
        "SELECT id FROM submissions WHERE ministry = ? AND period = ? AND current = 1",
        (ministry, period),
    ).fetchone()
    if row is None:
        return None
    rows = conn.execute(
        "SELECT action_id, value FROM cell_values WHERE submission_id = ? AND field = 'status'",
        (row["id"],),
    )
    return {r["action_id"]: r["value"] for r in rows}


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
