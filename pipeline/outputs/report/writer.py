"""The committee's annual report and the mid-term report: Word files on reference.docx."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pipeline.failures import NapError, UsageError
from pipeline.intake.closing import check_open
from pipeline.outputs.period_data import earlier_periods, load_periods
from pipeline.outputs.report import interim as interim
from pipeline.outputs.report import plan_review as plan_review
from pipeline.outputs.report import sections as sections
from pipeline.outputs.report.builder import Builder, open_reference, save_atomic, set_properties
from pipeline.outputs.report.sections import Context
from pipeline.outputs.wording import words_for
from pipeline.plan.register import Plan
from pipeline.template.contract import STATUSES
from pipeline.workspace import Workspace

REFERENCE = "report/reference.docx"


def _context(
    ws: Workspace, plan: Plan, kind: str, final: bool, today: dt.date, values: dict[str, object]
) -> tuple[Context, str, list[str]]:
    """The reference document and the wording, with what every placeholder stands for; the
    report's title (`kind` is annual or interim) and its cover marks (SAMPLE, DRAFT)."""
    words = words_for(ws, {})
    words.values.update(
        {
            "committee": plan.committee,
            "coordinator": plan.coordinator,
            "office": ws.settings.office,
            "date": words.date(today),
            "ministries": str(len(plan.ministries)),
            "statuses": ", ".join(map(words.status, STATUSES)),
            "plan_title": plan.title,
            **{k: words.date(v) if isinstance(v, dt.date) else str(v) for k, v in values.items()},
        }
    )
    title = words(f"cover.{kind}_title")
    wanted = [("sample", ws.settings.sample), ("draft", not final)]
    marks = [words(f"cover.{name}") for name, on in wanted if on]
    mark = " · ".join(words(f"cover.header_{name}") for name, on in wanted if on)
    header = {"plan_title": plan.title, "report_title": title, "mark": mark, "draft": mark}
    doc = open_reference(ws.data_file(REFERENCE), header)
    labels = {kind: words(f"captions.{kind}") for kind in ("figure", "table")}
    return Context(Builder(doc, labels, words.label), words, plan), title, marks


def _save(ctx: Context, ws: Workspace, title: str, today: dt.date, dest: Path) -> Path:
    """Finish the document (its contents), set its properties and write it."""
    ctx.out.finish()
    full = ctx.words.label(ctx.plan.title) + title
    if ws.settings.sample:
        full = f"{ctx.words('cover.header_sample')} – {full}"
    language = ctx.words("document.language")
    set_properties(ctx.out.doc, full, ws.settings.office, today, language)
    return save_atomic(ctx.out.doc, dest)


def write_report(
    ws: Workspace,
    period: int,
    *,
    final: bool = False,
    today: dt.date | None = None,
) -> Path:
    """Write outbox/<period>/committee_report_<period>.docx; a DRAFT unless `final`."""
    check_open(ws, ws.check_period(period), f"write the report of {period}")
    today = today or dt.date.today()
    found = load_periods(ws, [period])
    if not found:
        raise NapError(
            f"no accepted return for {period} yet, so there is nothing to report; "
            "put the ministries' files in inbox/ and run `nap ingest` first"
        )
    data = found[0]
    history = load_periods(ws, earlier_periods(ws, period))
    values = {
        "period": period,
        "first": period,
        "last": period,
        "deadline": data.status.deadline,
        "accepted": len(data.accepted),
    }
    plan = data.plan
    ctx, title, marks = _context(ws, plan, "annual", final, today, values)
    sections.cover(ctx, title, ctx.words("cover.annual_recipient"), marks)
    ctx.out.contents(ctx.words("contents.title"))
    sections.summary(ctx, data, history)
    sections.submissions(ctx, data)
    for pillar in plan.pillars:
        sections.pillar_section(ctx, data, pillar)
    sections.annexes(ctx, data)
    return _save(ctx, ws, title, today, ws.period_dir(period) / f"committee_report_{period}.docx")


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
    found = load_periods(ws, range(first, last + 1))
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
        "deadline": found[-1].status.deadline,
        "accepted": len(found[-1].accepted),
    }
    ctx, title, marks = _context(ws, plan, "interim", final, today, values)
    sections.cover(ctx, title, ctx.words("cover.interim_recipient"), marks)
    ctx.out.contents(ctx.words("contents.title"))
    interim.summary(ctx, found)
    interim.progress(ctx, found)
    interim.women_by_year(ctx, found)
    interim.changes(ctx, found)
    interim.ministries(ctx, found)
    interim.annexes(ctx, found)
    return _save(ctx, ws, title, today, ws.outbox / f"interim_report_{first}-{last}.docx")


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
        "deadline": last.status.deadline,
        "accepted": len(last.accepted),
        "actions": len(plan.actions),
    }
    ctx, title, marks = _context(ws, plan, "plan_review", final, today, values)
    dest = ws.outbox / f"implementation_report_{plan.id}.docx"
    workbook = dest.with_suffix(".xlsx")
    sections.cover(ctx, title, ctx.words("cover.plan_review_recipient"), marks)
    ctx.out.contents(ctx.words("contents.title"))
    plan_review.summary(ctx, review, workbook.name)
    plan_review.trajectories(ctx, review)
    plan_review.outcomes(ctx, review)
    plan_review.carried_over(ctx, review)
    plan_review.women_and_men(ctx, review)
    plan_review.amounts(ctx, review)
    plan_review.lessons(ctx, review)
    plan_review.ministries(ctx, review)
    plan_review.annexes(ctx, review)
    path = _save(ctx, ws, title, today, dest)
    sample = ws.settings.sample
    return [path, write_review_workbook(review, ctx.words, workbook, sample=sample)]
