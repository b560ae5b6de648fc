"""Where each ministry stands in a period: issued, received, accepted, held for the
coordinator or rejected, complete."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from pipeline.intake.double_counts import double_counts
from pipeline.intake.returned import read_meta
from pipeline.ledger import (
    CellValue,
    Change,
    Connection,
    FileRecord,
    Outcome,
    Submission,
    connect,
    current_submissions,
    file_issues,
    files_of_period,
    submission_changes,
    submission_values,
    unidentified_rejections,
)
from pipeline.plan.register import Plan
from pipeline.problems import Problem, Severity
from pipeline.workspace import Workspace


@dataclass
class MinistryStatus:
    """One ministry's standing in a period: what it was sent, what came back, what counts."""

    code: str
    name: str
    rows: int
    issued: str = ""  # issue date of the template in the outbox, "" if none
    last_file: str = ""
    last_received: str = ""
    last_outcome: Outcome | None = None  # of the last file received, None before any
    last_id: int | None = None  # the ledger's number of the last file received
    first_reason: str = ""
    accepted_file: str = ""
    accepted_on: str = ""
    with_status: int = 0
    warnings: int = 0
    changes: list[Change] = field(default_factory=list)  # against the superseded submission
    held: list[FileRecord] = field(default_factory=list)  # returns waiting for a decision

    @property
    def missing(self) -> bool:
        """No accepted return: nothing of the ministry's counts in the outputs."""
        return not self.accepted_file

    @property
    def rejected(self) -> bool:
        """No accepted return, none waiting, and the last file rejected: a corrected file is
        awaited, which is not the same as never having answered."""
        return self.missing and not self.held and self.last_outcome is Outcome.REJECTED

    @property
    def absent(self) -> bool:
        """Nothing accepted, waiting or rejected: the ministry has not answered yet."""
        return self.missing and not self.held and not self.rejected

    @property
    def completeness(self) -> float:
        return self.with_status / self.rows if self.rows else 0.0


@dataclass
class PeriodStatus:
    period: int
    plan: Plan
    deadline: dt.date
    ministries: list[MinistryStatus]
    unidentified: list[tuple[str, str, str]]  # (file, received, reason) rejected with no ministry
    double_counts: list[Problem] = field(default_factory=list)  # across the current returns

    @property
    def missing(self) -> list[str]:
        return [m.code for m in self.ministries if m.missing]

    @property
    def held(self) -> list[str]:
        """The ministries with a return waiting for the coordinator's decision."""
        return [m.code for m in self.ministries if m.held]

    @property
    def rejected(self) -> list[str]:
        return [m.code for m in self.ministries if m.rejected]

    @property
    def absent(self) -> list[str]:
        return [m.code for m in self.ministries if m.absent]

    @property
    def has_returns(self) -> bool:
        """Whether any ministry's return is accepted: without one there is nothing to report."""
        return len(self.missing) < len(self.ministries)


def period_status(ws: Workspace, period: int) -> PeriodStatus:
    """Any period the ledger may hold (the reports read earlier ones too): the commands
    check the period they are given against the plan first."""
    plan = ws.plan
    result = PeriodStatus(period, plan, ws.settings.deadline_for(period), [], [])
    for ministry in plan.ministries:
        status = MinistryStatus(ministry.code, ministry.name, len(plan.actions_for(ministry.code)))
        template = ws.template_path(period, ministry.code)
        if template.exists():
            status.issued = (read_meta(template) or {}).get("issued", "?")
        result.ministries.append(status)
    if not ws.ledger_path.exists():
        return result
    with connect(ws.ledger_path) as conn:
        _read_ledger(conn, result)
    return result


def _read_ledger(conn: Connection, result: PeriodStatus) -> None:
    by_code = {m.code: m for m in result.ministries}
    for received in files_of_period(conn, result.period):
        status = by_code.get(received.ministry)
        if status is not None:
            status.last_file, status.last_received = received.name, received.received
            status.last_outcome, status.first_reason = received.outcome, received.reason
            status.last_id = received.id
            if received.outcome is Outcome.HELD:
                status.held.append(received)
    returns = []
    for sub in current_submissions(conn, result.period):
        status = by_code.get(sub.ministry)
        if status is not None:
            returns.append((sub, _read_submission(conn, status, sub)))
    result.double_counts = double_counts(result.plan, returns)
    result.unidentified = [(f.name, f.received, f.reason) for f in unidentified_rejections(conn)]


def _read_submission(conn: Connection, status: MinistryStatus, sub: Submission) -> list[CellValue]:
    """Fills the ministry's standing from its current return; the return's values."""
    values = submission_values(conn, sub.id)
    status.accepted_file, status.accepted_on = sub.file_name, sub.accepted
    status.with_status = sum(v.field == "status" for v in values)
    status.warnings = len(file_issues(conn, [sub.file_id], Severity.WARNING))
    status.changes = submission_changes(conn, sub.id)
    return values
