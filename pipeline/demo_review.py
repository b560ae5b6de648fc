"""`nap demo --plan-review`: the whole 2018-2023 plan on SAMPLE data, four years of returns
and two without any, ending in the plan's final implementation report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from pipeline.demo import DemoResult, write_demo_settings
from pipeline.intake.ingest import ingest
from pipeline.language import ENGLISH
from pipeline.plan.register import Plan
from pipeline.template.issue import issue_templates
from pipeline.template.sample import fill_template, sample_answers
from pipeline.workspace import Workspace

YEARS_WITHOUT_RETURNS = (2020, 2022)
SILENT = "ME"  # never returns a report: every one of its actions is never reported
LADDER = ("Not started", "In progress", "Ongoing", "Completed")
CHALLENGES = (
    "SAMPLE: staff turnover slowed the work.",
    "SAMPLE: the budget line was frozen for part of the year.",
    "SAMPLE: data by sex are not collected by every service.",
)


def review_answers(plan: Plan, code: str, period: int, step: int) -> dict[str, dict[str, object]]:
    """SAMPLE answers that move up the ladder year after year, with one action in nine never
    started and a challenge the ministry repeats until it is solved."""
    answers = sample_answers(plan, code, period, seed=step)
    for index, (action_id, row) in enumerate(answers.items()):
        stuck = index % 9 == 4
        row["status"] = "Not started" if stuck else LADDER[min(3, step + index % 3)]
        row["challenges"] = f"{CHALLENGES[index % 3]} ({code}, {action_id})"
        if step >= 2 and not stuck:
            row["challenges"] = ""
    return answers


def run_plan_review_demo(
    root: Path, *, say: Callable[[str], None] = lambda _: None, language: str | None = None
) -> DemoResult:
    """Issue the templates of every year, fill in those of the years with returns as the
    ministries would, ingest them all, then write the final implementation report."""
    from pipeline.outputs.report.writer import write_plan_review

    root.mkdir(parents=True, exist_ok=True)
    write_demo_settings(root / "nap.toml", language=language or ENGLISH)
    ws = Workspace.open(root, create=True)
    result = DemoResult(ws.root)
    plan = ws.plan
    step = 0
    for period in range(plan.first_period, plan.last_period + 1):
        say(f"Issuing the {period} templates of {len(plan.ministries)} ministries")
        issue_templates(ws, period)
        if period in YEARS_WITHOUT_RETURNS:
            say(f"No ministry returns its {period} report")
            continue
        say(f"The ministries but {SILENT} return their {period} reports (SAMPLE data)")
        for code in plan.ministry_codes:
            if code != SILENT:
                answers = review_answers(plan, code, period, step)
                inbox_file = ws.inbox / f"{code} report {period}.xlsx"
                fill_template(ws.template_path(period, code), inbox_file, answers)
        step += 1
    result.ingests.append(ingest(ws))
    say(f"Writing the final implementation report of {plan.id}")
    docx, workbook = write_plan_review(ws, today=dt.date.today())
    result.outputs["plan_review"] = [docx]
    result.outputs["plan_review_workbook"] = [workbook]
    return result
