"""What `nap ingest` and `nap status` say: every inbox entry not taken with why, the warnings
themselves, a rejected ministry never called missing, long names cut with an ellipsis."""

from __future__ import annotations

import datetime as dt

from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.template.issue import issue_templates
from tests.filling import fill_template, sample_answers


def nap(ws, *args: str):
    return CliRunner().invoke(cli, [*args, "--root", str(ws.root)])


def test_ingest_names_every_entry_it_leaves_alone_and_why(workspace):
    issue_templates(workspace, 2019)
    for name in ("~$MJ report.xlsx", ".~lock.MJ report.xlsx#", "MSI.xlsx.crdownload", "ME.part"):
        (workspace.inbox / name).write_bytes(b"in use")

    result = nap(workspace, "ingest")

    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "skipped   .~lock.MJ report.xlsx#: LibreOffice's lock file: the workbook is open in "
        "LibreOffice somewhere; left alone, it goes away when LibreOffice closes the workbook",
        "skipped   ME.part: an incomplete download: left alone; once the browser has finished, "
        "the workbook is taken by the next run",
        "skipped   MSI.xlsx.crdownload: an incomplete download: left alone; once the browser has "
        "finished, the workbook is taken by the next run",
        "skipped   ~$MJ report.xlsx: Excel's lock file: the workbook is open in Excel somewhere; "
        "left alone, it goes away when Excel closes the workbook",
        "no workbook to read in inbox/",
    ]


def test_ingest_lists_the_first_five_warnings_and_counts_the_others(workspace, plan):
    issue_templates(workspace, 2019)
    answers = sample_answers(plan, "MJ", 2019)
    unreported = list(answers)[:7]
    for action in unreported:
        answers[action] = {}  # a row left empty: counted as not reported
    fill_template(workspace.template_path(2019, "MJ"), workspace.inbox / "MJ.xlsx", answers)

    lines = nap(workspace, "ingest").output.splitlines()

    assert lines[0] == "accepted  MJ.xlsx: MJ 2019, 7 warnings"
    assert lines[1:6] == [
        f"          Report!I{row}: warning: action {action} has no status: counted as not reported"
        for row, action in zip(range(5, 10), unreported, strict=False)
    ]
    assert lines[6] == (
        "          and 2 more, on the Issues sheet of the consolidated workbook "
        "(nap consolidate --period 2019)"
    )


def test_status_calls_a_rejected_ministry_rejected_and_cuts_long_names(workspace, plan):
    issue_templates(workspace, 2019, today=dt.date(2020, 1, 15))
    bad = sample_answers(plan, "MSI", 2019)
    bad[next(iter(bad))]["status"] = "Finished"
    long_name = "Ministry of Internal Security - WPS report 2019 (final).xlsx"
    fill_template(workspace.template_path(2019, "MSI"), workspace.inbox / long_name, bad)
    good = sample_answers(plan, "MJ", 2019)
    fill_template(workspace.template_path(2019, "MJ"), workspace.inbox / "MJ.xlsx", good)
    nap(workspace, "ingest")

    lines = nap(workspace, "status", "--period", "2019").output.splitlines()

    msi = next(line for line in lines if line.startswith("MSI "))
    assert "Ministry of Internal Se… " in msi and msi.split()[-3] == "rejected"
    assert lines[-3:] == [
        "Accepted: 1 of 8.",
        "Rejected, a corrected file awaited: MSI (nap mail reminders sends each its feedback)",
        "Missing, nothing received: MAEE, MENJE, MEGA, MIFA, MISA, ME",
    ]
