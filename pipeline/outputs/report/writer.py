"""The committee's annual report and the mid-term report: Word files on reference.docx."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pipeline.failures import NapError, UsageError
from pipeline.intake.status import period_status
from pipeline.ledger import connect, periods
from pipeline.outputs.period_data import PeriodData, load_period
from pipeline.outputs.report import interim as interim
from pipeline.outputs.report import plan_review as plan_review
from pipeline.outputs.report import sections as sections
from pipeline.outputs.report.builder import Builder, open_reference, save_atomic, set_properties
from pipeline.outputs.report.sections import Context, Wording, long_date
from pipeline.plan.register import Plan
from pipeline.template.contract import STATUSES
from pipeline.workspace import Workspace

REFERENCE = "report/reference.docx"
WORDING = "report/wording.toml"


def _context(
    ws: Workspace, plan: Plan, kind: str, final: bool, today: dt.date, values: dict[str, object]
) -> tuple[Context, str]:
    """The reference document and the wording, with what every placeholder stands for; and
    the report's title (`kind` is annual or interim)."""
    base: dict[str, object] = {
        "committee": plan.committee,
        "coordinator": plan.coordinator,
        "office": ws.settings.office,
        "date": long_date(today),
        "ministries": len(plan.ministries),
        "statuses": ", ".join(STATUSES),
        "plan_title": plan.title,
        **values,
    }
    words = Wording(ws.data_file(WORDING), base)
    title = words(f"cover.{kind}_title")
    header = {
        "plan_title": plan.title,
        "report_title": title,
        "draft": "" if final else words("cover.header_draft"),
    }
    doc = open_reference(ws.data_file(REFERENCE), header)
    return Context(Builder(doc), words, plan), title


def _load(ws: Workspace, wanted: list[int]) -> list[PeriodData]:
    """The periods' data, skipping those with no accepted return."""
    statuses = [period_status(ws, p) for p in wanted]
    statuses = [s for s in statuses if s.has_returns]
    if not statuses:
        return []
    with connect(ws.ledger_path) as conn:
        return [load_period(conn, s, ws.settings.late_after_days) for s in statuses]


def _earlier(ws: Workspace, period: int) -> list[int]:
    with connect(ws.ledger_path) as conn:
        return [p for p in periods(conn, plan_id=ws.plan.id) if p < period]


def write_report(
    ws: Workspace,
    period: int,
    *,
    final: bool = False,
    today: dt.date | None = None,
) -> Path:
    """Write outbox/<period>/committee_report_<period>.docx; a DRAFT unless `final`."""
    today = today or dt.date.today()
    found = _load(ws, [period])
    if not found:
        raise NapError(
            f"no accepted return for {period} yet, so there is nothing to report; "
            "put the ministries' files in inbox/ and run `nap ingest` first"
        )
    data = found[0]
    history = _load(ws, _earlier(ws, period))
    values = {
        "period": period,
        "first": period,
        "last": period,
        "deadline": long_date(data.status.deadline),
        "accepted": len(data.accepted),
    }
    plan = data.plan
    ctx, title = _context(ws, plan, "annual", final, today, values)
    sections.cover(ctx, title, ctx.words("cover.annual_recipient"), final)
    sections.contents(ctx)
    sections.summary(ctx, data, history)
    sections.submissions(ctx, data)
    for pillar in plan.pillars:
        sections.pillar_section(ctx, data, pillar)
    sections.annexes(ctx, data)
    set_properties(ctx.out.doc, f"{plan.title}: {title}", ws.settings.office, today)
    return save_atomic(ctx.out.doc, ws.period_dir(period) / f"committee_report_{period}.docx")


def write_interim(
    ws: Workspace,
    first: int,
    last: int,
    *,
    final: bool = False,
    today: dt.date | None = None,
) -> Path:
    """Write outbox/interim_report_<first>-<last>.docx: every action's progress over the years."""
    if first > last:
        raise UsageError(f"the first year {first} is after the last {last}; give them in order")
    today = today or dt.date.today()
    found = _load(ws, list(range(first, last + 1)))
    if not found:
        raise NapError(
            f"no accepted return for {first}-{last}, so there is nothing to report; "
            "run `nap ingest` once the ministries' files are in inbox/"
        )
    plan = found[-1].plan
    values = {
        "period": last,
        "first": first,
        "last": last,
        "deadline": long_date(found[-1].status.deadline),
        "accepted": len(found[-1].accepted),
    }
    ctx, title = _context(ws, plan, "interim", final, today, values)
    sections.cover(ctx, title, ctx.words("cover.interim_recipient"), final)
    sections.contents(ctx)
    interim.summary(ctx, found)
    interim.progress(ctx, found)
    interim.ministries(ctx, found)
    interim.annexes(ctx, found)
    set_properties(ctx.out.doc, f"{plan.title}: {title}", ws.settings.office, today)
    return save_atomic(ctx.out.doc, ws.outbox / f"interim_report_{first}-{last}.docx")


def write_plan_review(
    ws: Workspace, *, final: bool = False, today: dt.date | None = None
) -> list[Path]:
    """Write the final implementation report of a plan over all its periods,
    outbox/implementation_report_<plan>.docx, and the same tables as a workbook beside it."""
    from pipeline.outputs.report.review_workbook import write_review_workbook
    from pipeline.outputs.review_data import load_review, plan_to_review

    today = today or dt.date.today()
    review = load_review(plan_to_review(ws))
    plan, last = review.plan, review.found[-1]
    values = {
        "period": plan.last_period,
        "first": plan.first_period,
        "last": plan.last_period,
        "deadline": long_date(last.status.deadline),
        "accepted": len(last.accepted),
        "actions": len(plan.actions),
    }
    ctx, title = _context(ws, plan, "plan_review", final, today, values)
    dest = ws.outbox / f"implementation_report_{plan.id}.docx"
    workbook = dest.with_suffix(".xlsx")
    sections.cover(ctx, title, ctx.words("cover.plan_review_recipient"), final)
    sections.contents(ctx)
    plan_review.summary(ctx, review, workbook.name)
    plan_review.trajectories(ctx, review)
    plan_review.outcomes(ctx, review)
    plan_review.carried_over(ctx, review)
    plan_review.women_and_men(ctx, review)
    plan_review.amounts(ctx, review)
    plan_review.lessons(ctx, review)
    plan_review.ministries(ctx, review)
    plan_review.annexes(ctx, review)
    set_properties(ctx.out.doc, f"{plan.title}: {title}", ws.settings.office, today)
    return [save_atomic(ctx.out.doc, dest), write_review_workbook(review, ctx.words, workbook)]
