"""Where each ministry stands in a period: issued, received, accepted or rejected, complete."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from pipeline.intake.returned import read_meta
from pipeline.ledger import connect, current_submissions
from pipeline.plan.register import Plan, load_plan
from pipeline.workspace import Workspace


@dataclass(frozen=True)
class Change:
    action_id: str
    field: str
    old: str
    new: str


@dataclass
class MinistryStatus:
    """One ministry's standing in a period: what it was sent, what came back, what counts."""

    code: str
    name: str
    rows: int
    issued: str = ""  # issue date of the template in the outbox, "" if none
    last_file: str = ""
    last_received: str = ""
    last_outcome: str = ""  # accepted, rejected or ""
    first_reason: str = ""
    accepted_file: str = ""
    accepted_on: str = ""
    with_status: int = 0
    warnings: int = 0
    changes: list[Change] = field(default_factory=list)  # against the superseded submission

    @property
    def missing(self) -> bool:
        return not self.accepted_file

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

    @property
    def missing(self) -> list[str]:
        return [m.code for m in self.ministries if m.missing]


def period_status(ws: Workspace, period: int, plan_path=None) -> PeriodStatus:
    plan = load_plan(ws.plan_path(plan_path))
    result = PeriodStatus(period, plan, ws.settings.deadline_for(period), [], [])
    for ministry in plan.ministries:
        status = MinistryStatus(ministry.code, ministry.name, len(plan.actions_for(ministry.code)))
        template = ws.templates_dir(period) / f"{ministry.code}.xlsx"
        if template.exists():
            status.issued = (read_meta(template) or {}).get("issued", "?")
        result.ministries.append(status)
    if not ws.ledger_path.exists():
        return result
    by_code = {m.code: m for m in result.ministries}
    with connect(ws.ledger_path) as conn:
        for row in conn.execute(
            """SELECT ministry, name, received, outcome, reason, feedback_path FROM files
               WHERE period = ? ORDER BY id""",
            (period,),
        ):
            status = by_code.get(row["ministry"])
            if status is not None:
                status.last_file, status.last_received = row["name"], row["received"]
                status.last_outcome, status.first_reason = row["outcome"], row["reason"]
        for sub in current_submissions(conn, period):
            status = by_code.get(sub.ministry)
            if status is None:
                continue
            status.accepted_file, status.accepted_on = sub.file_name, sub.accepted
            status.with_status = conn.execute(
                "SELECT COUNT(*) FROM cell_values WHERE submission_id = ? AND field = 'status'",
                (sub.id,),
            ).fetchone()[0]
            status.warnings = conn.execute(
                "SELECT COUNT(*) FROM issues WHERE file_id = ? AND severity = 'warning'",
                (sub.file_id,),
            ).fetchone()[0]
            status.changes = [
                Change(r["action_id"], r["field"], r["old"], r["new"])
                for r in conn.execute(
                    """SELECT action_id, field, old, new FROM changes
                       WHERE submission_id = ? ORDER BY action_id, field""",
                    (sub.id,),
                )
            ]
        result.unidentified = [
            (r["name"], r["received"], r["reason"])
            for r in conn.execute(
                """SELECT name, received, reason FROM files
                   WHERE period IS NULL AND outcome = 'rejected' ORDER BY id"""
            )
        ]
    return result
