"""A whole reporting cycle on SAMPLE data, so a newcomer sees every output in one step."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.intake.ingest import IngestReport, ingest
from pipeline.template.issue import issue_templates
from pipeline.template.sample import fill_template, sample_answers
from pipeline.workspace import DATA_DIR, Workspace, shipped_data_file

PERIOD = 2019
REJECTED = "MSI"  # returns a file with an error, and is sent its feedback
RESUBMITTED = "MEGA"  # sends a corrected file after a first accepted one
MISSING = "ME"  # never answers


@dataclass
class DemoResult:
    root: Path
    ingests: list[IngestReport] = field(default_factory=list)
    outputs: dict[str, list[Path]] = field(default_factory=dict)


def write_demo_settings(settings: Path) -> None:
    """The demo's returns all arrive today, years after their period: a deadline a month
    away keeps them from being reported late."""
    if not settings.exists():
        deadline = dt.date.today() + dt.timedelta(days=30)
        settings.write_text(
            f"# Settings of the demo workspace (see the coordinator's guide).\n"
            f'deadline = "{deadline.isoformat()}"\n'
            "# Made-up data: the reports and the workbook say SAMPLE on every page.\n"
            "sample = true\n",
            encoding="utf-8",
        )


def run_demo(root: Path, *, say: Callable[[str], None] = lambda _: None) -> DemoResult:
    """Issue, fill (as the ministries would), ingest, consolidate, report and write the mail."""
    from pipeline.delivery.compose import compose_reminders, compose_templates
    from pipeline.outputs.consolidated.workbook import consolidate
    from pipeline.outputs.report.writer import write_report

    root.mkdir(parents=True, exist_ok=True)
    write_demo_settings(root / "nap.toml")
    ws = Workspace.open(root, create=True)
    _sample_contacts(ws)
    result = DemoResult(ws.root)
    plan = ws.plan
    say(f"Issuing the {PERIOD} templates of {len(plan.ministries)} ministries")
    templates = issue_templates(ws, PERIOD)
    result.outputs["templates"] = templates
    result.outputs["mail"] = _drafts(ws, compose_templates(ws, PERIOD))

    say("Filling them in with SAMPLE data, as the ministries would, and returning them")
    for code in plan.ministry_codes:
        if code == MISSING:
            continue
        answers = sample_answers(plan, code, PERIOD)
        if code == REJECTED:
            first = next(iter(answers))
            answers[first]["women"] = "about twenty"  # text where a number is expected
            answers[first]["status"] = "Finished"  # not one of the five statuses
        fill_template(
            ws.template_path(PERIOD, code),
            ws.inbox / f"{code} report {PERIOD}.xlsx",
            answers,
        )
    result.ingests.append(ingest(ws))

    say(f"{RESUBMITTED} sends a corrected file, which replaces its first one")
    fill_template(
        ws.template_path(PERIOD, RESUBMITTED),
        ws.inbox / f"{RESUBMITTED} report {PERIOD} v2.xlsx",
        sample_answers(plan, RESUBMITTED, PERIOD, seed=1),
    )
    result.ingests.append(ingest(ws))

    say("Consolidating, writing the committee report and the reminders")
    result.outputs["consolidated"] = consolidate(ws, PERIOD)
    result.outputs["report"] = [write_report(ws, PERIOD, today=dt.date.today())]
    result.outputs["feedback"] = sorted(ws.feedback_dir(PERIOD).glob("*.xlsx"))
    result.outputs["mail"] += _drafts(ws, compose_reminders(ws, PERIOD))
    return result


def _sample_contacts(ws: Workspace) -> None:
    """The example contacts, copied: a workspace mails only to a contacts list of its own."""
    own = ws.root / DATA_DIR / "contacts.csv"
    if not own.exists():
        own.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shipped_data_file("contacts.csv"), own)


def _drafts(ws: Workspace, messages: list) -> list[Path]:
    """The messages as .eml files only: the demo sends nothing."""
    from pipeline.delivery.send import deliver

    return [d.path for d in deliver(ws, PERIOD, messages).deliveries]
