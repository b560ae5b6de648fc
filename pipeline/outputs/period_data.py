"""The figures of the reports, read from the ledger once so every section tells the same story."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from pipeline import excel_style as style
from pipeline.intake.status import MinistryStatus, PeriodStatus, period_status
from pipeline.language import ENGLISH
from pipeline.ledger import (
    Connection,
    Outcome,
    Revision,
    connect,
    current_submissions,
    file_issues,
    files_of_period,
    period_revisions,
    periods,
    submission_values,
)
from pipeline.plan.register import Plan
from pipeline.plan.translation import translated
from pipeline.problems import Severity
from pipeline.template.contract import STATUSES
from pipeline.workspace import Workspace

NO_STATUS = "No status"  # an accepted return left the status empty
NO_RETURN = "No return"  # no return of the ministry was accepted
CATEGORIES = (*STATUSES, NO_STATUS, NO_RETURN)
# The colour of each category in the workbooks, the reports and their charts.
COLOURS = {
    **style.STATUS_COLOURS,
    NO_STATUS: style.NO_STATUS_COLOUR,
    NO_RETURN: style.NO_RETURN_COLOUR,
}
DONE = ("Completed", "Ongoing")
# Where a ministry's return stands, said where its figures would be: only an accepted return
# has figures. "held" is a return waiting for the coordinator's decision.
ACCEPTED, NOT_RETURNED, REJECTED, HELD = "accepted", "no_return", "rejected", "held"


def return_state(ministry: MinistryStatus) -> str:
    """ACCEPTED, or why the ministry has no figures: its last file was rejected or is held,
    or nothing was accepted from it."""
    if not ministry.missing:
        return ACCEPTED
    if ministry.held:
        return HELD
    return REJECTED if ministry.last_outcome == REJECTED else NOT_RETURNED


@dataclass(frozen=True)
class Answer:
    """One ministry's row for one action in its current accepted return."""

    texts: dict[str, str]
    numbers: dict[str, float]


@dataclass(frozen=True)
class IssueRow:
    ministry: str
    sheet: str
    cell: str
    action_id: str
    message: str


@dataclass(frozen=True)
class FileRow:
    ministry: str
    name: str
    received: str
    outcome: str  # in use, superseded, held or rejected
    sha256: str


@dataclass
class PeriodData:
    """Everything the reports show about one period."""

    status: PeriodStatus
    answers: dict[tuple[str, str], Answer] = field(default_factory=dict)  # (action, ministry)
    issues: list[IssueRow] = field(default_factory=list)
    files: list[FileRow] = field(default_factory=list)
    revisions: list[Revision] = field(default_factory=list)
    grace_days: int = 0

    @property
    def period(self) -> int:
        return self.status.period

    @property
    def plan(self) -> Plan:
        return self.status.plan

    @property
    def accepted(self) -> list[str]:
        return [m.code for m in self.status.ministries if not m.missing]

    def ministry(self, code: str) -> MinistryStatus:
        return next(m for m in self.status.ministries if m.code == code)

    def state(self, ministry: str) -> str:
        """Where the ministry's return stands (return_state)."""
        return return_state(self.ministry(ministry))

    def category(self, action_id: str, ministry: str) -> str:
        """The status of an action report, or why there is none."""
        if ministry not in self.accepted:
            return NO_RETURN
        answer = self.answers.get((action_id, ministry))
        return (answer.texts.get("status") if answer else None) or NO_STATUS

    def pair_counts(self, pillar: str | None = None) -> dict[str, int]:
        counts = Counter(
            self.category(a.id, m)
            for a in self.plan.actions
            if pillar is None or a.pillar == pillar
            for m in a.ministries
        )
        return {c: counts[c] for c in CATEGORIES}

    def revised(self, action_id: str, ministry: str) -> list[Revision]:
        return [r for r in self.revisions if (r.action_id, r.ministry) == (action_id, ministry)]

    def late_days(self, ministry: MinistryStatus) -> int:
        """Days after the deadline (and its grace) that the return was accepted; 0 if on time."""
        if ministry.missing:
            return 0
        accepted = dt.date.fromisoformat(ministry.accepted_on[:10])
        return max(0, (accepted - self.status.deadline).days - self.grace_days)


def load_period(
    conn: Connection, status: PeriodStatus, grace_days: int, language: str = ENGLISH
) -> PeriodData:
    """Read the current returns of a period, their warnings and every file received for it;
    the plan's texts as a document in `language` shows them."""
    plan = translated(status.plan, language)
    named = [replace(m, name=plan.ministry(m.code).name) for m in status.ministries]
    status = replace(status, plan=plan, ministries=named)
    data = PeriodData(status, grace_days=grace_days)
    submissions = current_submissions(conn, status.period)
    for sub in submissions:
        for value in submission_values(conn, sub.id):
            answer = data.answers.setdefault((value.action_id, sub.ministry), Answer({}, {}))
            answer.texts[value.field] = value.value
            if value.number is not None:
                answer.numbers[value.field] = value.number
    data.revisions = period_revisions(conn, status.period)
    order = {code: i for i, code in enumerate(status.plan.ministry_codes)}
    files_of = {sub.file_id: sub.ministry for sub in submissions}
    data.issues = sorted(
        (
            IssueRow(files_of[i.file_id], i.sheet, i.cell, i.action_id, i.message)
            for i in file_issues(conn, files_of, Severity.WARNING)
        ),
        key=lambda i: (order.get(i.ministry, 99), i.action_id, i.sheet, _cell_key(i.cell)),
    )
    data.files = sorted(
        (
            FileRow(f.ministry, f.name, f.received, _use(f.outcome, f.id in files_of), f.sha256)
            for f in files_of_period(conn, status.period)
        ),
        key=lambda f: (order.get(f.ministry, 99), f.received, f.sha256),
    )
    return data


def load_periods(ws: Workspace, wanted: Iterable[int]) -> list[PeriodData]:
    """The data of each wanted period that has an accepted return, in order."""
    statuses = [s for s in (period_status(ws, p) for p in sorted(wanted)) if s.has_returns]
    if not statuses:
        return []
    with connect(ws.ledger_path) as conn:
        return [load_period(conn, s, ws.settings.late_after_days, ws.language) for s in statuses]


def earlier_periods(ws: Workspace, period: int) -> list[int]:
    """The periods of the plan before `period` with an applied return, current or replaced:
    a history never mixes two plans."""
    if not ws.ledger_path.exists():
        return []
    with connect(ws.ledger_path) as conn:
        return [p for p in periods(conn, plan_id=ws.plan.id) if p < period]


def _use(outcome: Outcome, current: bool) -> str:
    if outcome is not Outcome.ACCEPTED:
        return outcome.value
    return "in use" if current else "superseded"


def _cell_key(cell: str) -> tuple[int, int, str]:
    """Sort B10 after B9: by row number, then column letters."""
    letters = cell.rstrip("0123456789")
    digits = cell[len(letters) :]
    return (int(digits) if digits else 0, len(letters), letters)
