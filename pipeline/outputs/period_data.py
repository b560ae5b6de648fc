"""The figures of the reports, read from the ledger once so every section tells the same story."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field, replace

from pipeline import excel_style as style
from pipeline.intake.status import MinistryStatus, PeriodStatus
from pipeline.language import ENGLISH
from pipeline.ledger import (
    Connection,
    Outcome,
    current_submissions,
    file_issues,
    files_of_period,
    submission_values,
)
from pipeline.plan.register import Plan
from pipeline.plan.translation import translated
from pipeline.problems import Severity
from pipeline.template.contract import STATUSES

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


@dataclass(frozen=True)
class KeyFigures:
    accepted: int
    ministries: int
    actions_reported: int
    actions: int
    pairs: dict[str, int]  # category -> (action, ministry) pairs, in CATEGORIES order
    women: float
    men: float
    amount: float

    def share(self, *categories: str) -> float | None:
        """Share of the pairs with an applicable status (not Not applicable) in `categories`."""
        applicable = sum(
            n for s, n in self.pairs.items() if s in STATUSES and s != "Not applicable"
        )
        return sum(self.pairs[s] for s in categories) / applicable if applicable else None

    @property
    def progress_share(self) -> float | None:
        return self.share(*DONE)

    @property
    def women_share(self) -> float | None:
        total = self.women + self.men
        return self.women / total if total else None


@dataclass
class PeriodData:
    """Everything the reports show about one period."""

    status: PeriodStatus
    answers: dict[tuple[str, str], Answer] = field(default_factory=dict)  # (action, ministry)
    issues: list[IssueRow] = field(default_factory=list)
    files: list[FileRow] = field(default_factory=list)
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

    def category(self, action_id: str, ministry: str) -> str:
        """The status of a pair, or why there is none."""
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

    def total(self, name: str) -> float:
        return sum(a.numbers.get(name, 0.0) for a in self.answers.values())

    def key_figures(self) -> KeyFigures:
        reported = {a for (a, _), answer in self.answers.items() if answer.texts.get("status")}
        return KeyFigures(
            accepted=len(self.accepted),
            ministries=len(self.plan.ministries),
            actions_reported=len(reported),
            actions=len(self.plan.actions),
            pairs=self.pair_counts(),
            women=self.total("women"),
            men=self.total("men"),
            amount=self.total("amount"),
        )

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


def _use(outcome: Outcome, current: bool) -> str:
    if outcome is not Outcome.ACCEPTED:
        return outcome.value
    return "in use" if current else "superseded"


def _cell_key(cell: str) -> tuple[int, int, str]:
    """Sort B10 after B9: by row number, then column letters."""
    letters = cell.rstrip("0123456789")
    digits = cell[len(letters) :]
    return (int(digits) if digits else 0, len(letters), letters)
