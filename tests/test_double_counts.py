"""Possible double counts on shared actions: as a table of which returns are flagged, then
through a real cycle to `nap status` and the consolidated workbook's Issues sheet."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.intake.double_counts import double_counts
from pipeline.intake.ingest import ingest
from pipeline.intake.status import period_status
from pipeline.ledger import CellValue, Submission
from pipeline.outputs.consolidated.workbook import consolidate
from pipeline.template import contract as c
from pipeline.template.issue import issue_templates
from tests.filling import fill_template

RECEIVED = dt.datetime(2020, 3, 2, 9, 30, tzinfo=dt.UTC)


def submission(ministry: str, day: int) -> Submission:
    return Submission(
        day, day, ministry, 2019, "2020-01-15", f"2020-03-0{day}", None, f"{ministry}.xlsx", "", ""
    )


def values(action_id: str, **figures: float) -> list[CellValue]:
    return [
        CellValue(action_id, name, f"{number:g}", number, c.REPORT, c.cell_ref(name, 6))
        for name, number in figures.items()
    ]


@pytest.mark.parametrize(
    ("first", "second", "flagged"),
    [
        (values("I.02", women=12, men=7), values("I.02", women=12, men=7), True),
        (values("I.03", count=14), values("I.03", count=14), True),
        (values("I.04", count=3, women=5, men=2), values("I.04", count=3, women=5, men=2), True),
        (values("I.02", women=12, men=7), values("I.02", women=12, men=8), False),
        (values("I.02", women=12, men=7), values("I.02", women=12), False),
        (values("I.03", count=2), values("I.03", count=2), False),  # a small coincidence
        (values("I.02", women=0, men=0), values("I.02", women=0, men=0), False),
        (values("I.03", count=14), values("I.09", count=14), False),  # another action
    ],
)
def test_a_return_repeating_another_ministrys_figures_is_flagged(plan, first, second, flagged):
    found = double_counts(plan, [(submission("MSI", 2), second), (submission("MAEE", 1), first)])
    assert [(p.code, p.ministry, p.action) for p in found] == (
        [("possible-double-count", "MSI", second[0].action_id)] if flagged else []
    )


def test_an_action_of_one_ministry_is_never_a_double_count(plan):
    assert plan.action("I.01").ministries == ("MAEE",)
    twice = [(submission("MAEE", 1), values("I.01", women=40, men=3))] * 2
    assert double_counts(plan, twice) == []


def test_three_returns_with_the_same_figures_flag_the_two_later_ones(plan):
    same = values("I.04", count=12)
    found = double_counts(
        plan,
        [
            (submission("MENJE", 3), same),
            (submission("MAEE", 1), same),
            (submission("MSI", 2), same),
        ],
    )
    assert [(p.ministry, p.message.split(" gave")[0]) for p in found] == [
        ("MSI", "possible double count: I.04 gives exactly the figures MAEE"),
        ("MENJE", "possible double count: I.04 gives exactly the figures MAEE and MSI"),
    ]


def test_a_pasted_row_is_flagged_in_status_and_on_the_issues_sheet(workspace):
    issue_templates(workspace, 2019, today=dt.date(2020, 1, 15))
    row = {"I.02": {"status": "Ongoing", "women": 12, "men": 7, "activities": "Recruitment"}}
    for code, when in (("MAEE", RECEIVED), ("MSI", RECEIVED + dt.timedelta(days=1))):
        template = workspace.template_path(2019, code)
        fill_template(template, workspace.inbox / f"{code}.xlsx", row)
        ingest(workspace, now=lambda when=when: when)

    (flag,) = period_status(workspace, 2019).double_counts
    assert (flag.ministry, flag.action, flag.file, flag.place) == (
        "MSI",
        "I.02",
        "MSI.xlsx",
        "Report!J5",
    )
    assert "(Women 12, Men 7)" in flag.message and "MAEE" in flag.message

    shown = CliRunner().invoke(cli, ["--root", str(workspace.root), "status", "--period", "2019"])
    assert shown.exit_code == 0, shown.output
    assert f"        Report!J5: {flag.message}" in shown.output.splitlines()
    # The Warn column counts the file's own warnings and the flag listed under it.
    own = {m.code: m.warnings for m in period_status(workspace, 2019).ministries}
    warned = {line.split()[0]: line.split()[-1] for line in shown.output.splitlines()[2:4]}
    assert warned == {"MAEE": str(own["MAEE"]), "MSI": str(own["MSI"] + 1)}

    (path,) = consolidate(workspace, 2019)
    issues = openpyxl.load_workbook(path)["Issues"]
    rows = [r for r in issues.iter_rows(min_row=4, values_only=True) if r[0]]
    assert ("MSI", "Report", "J5", "I.02", flag.message) in rows
    overview = openpyxl.load_workbook(path)["Overview"].iter_rows(values_only=True)
    (counted,) = [r[3] for r in overview if r[0] == "Points to check in the accepted returns"]
    assert counted == len(rows) - 1  # what the Issues sheet lists, its header row aside
    assert not any(r[0] == "MAEE" and "double count" in str(r[4]) for r in rows)
