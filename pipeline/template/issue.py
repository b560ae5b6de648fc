"""Issue the period's templates: one signed, pre-filled workbook per reporting ministry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

from pipeline.failures import UsageError
from pipeline.intake.returned import read_meta
from pipeline.ledger import connect, last_statuses
from pipeline.plan.register import Plan, load_plan
from pipeline.signing import signing_key
from pipeline.template.writer import Issue, OfficeContact, write_template
from pipeline.workspace import Workspace

INSTRUCTIONS_FILE = "template_instructions.txt"


def check_period(plan: Plan, period: int) -> None:
    if not plan.first_period <= period <= plan.last_period:
        raise UsageError(
            f"period {period} is outside the plan {plan.id} "
            f"({plan.first_period}-{plan.last_period}); "
            "give a year within it, or --plan FILE for another plan"
        )


def check_ministries(plan: Plan, ministries: Sequence[str]) -> list[str]:
    unknown = [m for m in ministries if m not in plan.ministry_codes]
    if unknown:
        raise UsageError(
            f"unknown ministry code {', '.join(unknown)}; "
            f"the plan has {', '.join(plan.ministry_codes)}"
        )
    return list(ministries) or list(plan.ministry_codes)


def issue_templates(
    ws: Workspace,
    period: int,
    *,
    ministries: Sequence[str] = (),
    plan_path: Path | None = None,
    deadline: dt.date | None = None,
    today: dt.date | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> list[Path]:
    """Write outbox/<period>/templates/<CODE>.xlsx; return the paths written.

    A template re-issued with the same plan, rows and deadline keeps its first issue date,
    so re-running rewrites the same file.
    """
    plan = load_plan(ws.plan_path(plan_path))
    check_period(plan, period)
    codes = check_ministries(plan, ministries)
    deadline = deadline or ws.settings.deadline_for(period)
    key = signing_key(ws.key_path)
    instructions = ws.data_file(INSTRUCTIONS_FILE).read_text(encoding="utf-8")
    s = ws.settings
    contact = OfficeContact(s.contact_name, s.contact_email, s.contact_phone)
    today = today or dt.date.today()
    written = []
    statuses: dict[str, dict[str, str]] = {}
    if ws.ledger_path.exists():
        with connect(ws.ledger_path) as conn:
            statuses = {code: last_statuses(conn, code, period) for code in codes}
    for code in codes:
        path = ws.templates_dir(period) / f"{code}.xlsx"
        issue = Issue(plan, code, period, today, deadline)
        previous = read_meta(path) if path.exists() else None
        if previous and previous.get("issued"):
            earlier = Issue(plan, code, period, dt.date.fromisoformat(previous["issued"]), deadline)
            if earlier.meta() == {k: previous.get(k, "") for k in earlier.meta()}:
                issue = earlier
        write_template(path, issue, key, instructions, contact, statuses.get(code, {}))
        progress(code)
        written.append(path)
    return written
