"""The feedback workbook a ministry gets back for a rejected template: its own file, each
faulty cell filled and commented, and an Errors sheet first that lists every problem; and
what happens when that workbook cannot be written."""

from __future__ import annotations

import datetime as dt
import logging
import os
import sqlite3
import zipfile
from contextlib import closing
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.intake.feedback import ERRORS_SHEET, write_feedback
from pipeline.intake.ingest import ingest
from pipeline.problems import Problem, problem
from pipeline.template import contract as c
from pipeline.template.issue import issue_templates
from tests.filling import fill_template, sample_answers

RED, YELLOW = "FFC7CE", "FFEB9C"


@pytest.fixture
def issued(workspace):
    issue_templates(workspace, 2019, today=dt.date(2020, 1, 15))
    return workspace


def template(ws, code: str = "MJ") -> Path:
    return ws.templates_dir(2019) / f"{code}.xlsx"


def found(code: str, cell: str = "", sheet: str = c.REPORT, **fields) -> Problem:
    return problem(code, file="MJ.xlsx", sheet=sheet, cell=cell, action="II.01", **fields)


def listed(path: Path) -> list[list[object]]:
    rows = openpyxl.load_workbook(path)[ERRORS_SHEET].iter_rows(min_row=3, values_only=True)
    return [list(row) for row in rows]


def fill_of(cell) -> str:
    return cell.fill.fgColor.rgb[-6:] if cell.fill.fill_type == "solid" else ""


def test_the_errors_sheet_comes_first_and_lists_errors_then_warnings_in_reading_order(
    issued, tmp_path
):
    negative = {"field": "Women", "what": "number of women"}
    problems = [
        found("not-reported", "I6"),
        found("number-negative", "J12", value="-1", typed="-1", **negative),
        found("number-negative", "J5", value="-3", typed=" -3", **negative),
        found("status-invalid", "I5", value="Done", typed="Done", expected=", ".join(c.STATUSES)),
    ]
    dest = tmp_path / "feedback.xlsx"
    write_feedback(template(issued), dest, problems)
    wb = openpyxl.load_workbook(dest)
    assert wb.sheetnames[0] == ERRORS_SHEET and wb.active.title == ERRORS_SHEET
    assert [ws.title for ws in wb.worksheets if ws.sheet_view.tabSelected] == [ERRORS_SHEET]
    assert wb[c.META].sheet_state == "veryHidden"
    assert wb[ERRORS_SHEET]["A1"].value.startswith("This file was not accepted.")
    statuses = ", ".join(c.STATUSES)
    assert listed(dest) == [
        ["Severity", "Sheet", "Cell", "Action", "You typed", "Problem"],
        ["error", "Report", "I5", "II.01", "Done", f"status 'Done' is not one of: {statuses}"],
        [
            "error",
            "Report",
            "J5",
            "II.01",
            " -3",
            "II.01: '-3' in Women is negative; type the number of women, 0 or more",
        ],
        [
            "error",
            "Report",
            "J12",
            "II.01",
            "-1",
            "II.01: '-1' in Women is negative; type the number of women, 0 or more",
        ],
        [
            "warning",
            "Report",
            "I6",
            "II.01",
            None,
            "action II.01 has no status: counted as not reported",
        ],
    ]


def test_each_faulty_cell_is_filled_and_commented_with_all_its_problems(issued, tmp_path):
    problems = [
        found("formula-value-used", "J5", value="4"),
        found("number-fractional", "J5", value="2.5", field="Women", what="number of women"),
        found("no-activities", "N6", value="Ongoing"),
    ]
    dest = tmp_path / "feedback.xlsx"
    write_feedback(template(issued), dest, problems)
    report = openpyxl.load_workbook(dest)[c.REPORT]
    as_issued = openpyxl.load_workbook(template(issued))[c.REPORT]
    assert (fill_of(report["J5"]), fill_of(report["N6"])) == (RED, YELLOW)  # an error shows
    assert fill_of(report["K5"]) == fill_of(as_issued["K5"])
    assert report["J5"].comment.text == (
        "warning: the cell holds a formula; its computed value 4 was used\n"
        "error: II.01: '2.5' in Women is not a whole number; type the number of women as a "
        "whole number"
    )
    assert report["J5"].comment.author == "Coordination"
    assert report["K5"].comment is None


def test_problems_of_the_meta_sheet_or_of_no_cell_are_listed_but_mark_nothing(issued, tmp_path):
    problems = [found("meta-plan-changed", sheet=c.META), found("sheet-missing", value="Report")]
    dest = tmp_path / "feedback.xlsx"
    write_feedback(template(issued), dest, problems)
    wb = openpyxl.load_workbook(dest)
    assert [row[:3] for row in listed(dest)[1:]] == [
        ["error", "Report", None],
        ["error", "_meta", None],
    ]
    assert all(cell.comment is None for row in wb[c.META].iter_rows() for cell in row)


def test_what_the_ministry_typed_comes_back_as_text_never_as_a_formula(issued, tmp_path):
    typed = found("extra-data", "C200", value='=HYPERLINK("http://x")')
    dest = tmp_path / "feedback.xlsx"
    write_feedback(template(issued), dest, [typed])
    cell = openpyxl.load_workbook(dest)[ERRORS_SHEET]["F4"]
    assert cell.data_type == "s" and cell.value.startswith("unexpected content '=HYPERLINK(")


def test_a_feedback_workbook_sent_back_gets_one_fresh_errors_sheet(issued, tmp_path):
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    write_feedback(template(issued), first, [found("not-reported", "I5")])
    write_feedback(first, second, [found("error-value", "J6", value="#N/A")])
    wb = openpyxl.load_workbook(second)
    assert wb.sheetnames.count(ERRORS_SHEET) == 1 and wb.sheetnames[0] == ERRORS_SHEET
    assert [row[2] for row in listed(second)[1:]] == ["J6"]


def test_the_source_is_only_read_and_the_errors_sheet_prints_on_pages_one_wide(issued, tmp_path):
    source = template(issued)
    before = source.read_bytes()
    dest = tmp_path / "feedback.xlsx"
    write_feedback(source, dest, [found("not-reported", "I5")])
    assert source.read_bytes() == before
    ws = openpyxl.load_workbook(dest)[ERRORS_SHEET]
    assert ws.page_setup.orientation == "landscape"
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.print_title_rows == "$3:$3"


# When the feedback workbook cannot be written: the tool's failure, not the ministry's


def unmodellable(path: Path) -> Path:
    """The file with a styles part that openpyxl cannot model; the safe reader reads it as
    General formats (a style id that is not a number)."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["xl/styles.xml"] = (
        b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<cellXfs count="1"><xf numFmtId="none"/></cellXfs></styleSheet>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    past = path.stat().st_mtime - 3600
    os.utime(path, (past, past))
    return path


def test_a_feedback_workbook_that_cannot_be_written_is_a_note_not_a_problem_of_the_data(
    issued, plan, caplog
):
    answers = sample_answers(plan, "MJ", 2019)
    answers["II.01"]["count"] = "many"
    path = unmodellable(fill_template(template(issued), issued.inbox / "MJ.xlsx", answers))
    with caplog.at_level(logging.WARNING, logger="nap"):
        (outcome,) = ingest(issued).outcomes
    assert outcome.outcome == "rejected" and outcome.feedback_path == ""
    assert [p.code for p in outcome.problems] == ["number-not-numeric"]
    assert [n.split(":")[0] for n in outcome.notes] == ["no feedback workbook could be written"]
    assert any("MJ.xlsx: no feedback workbook" in r.getMessage() for r in caplog.records)
    reasons = issued.root / (outcome.stored_path + ".reasons.txt")
    assert "not a number" in reasons.read_text() and "feedback" not in reasons.read_text()
    with closing(sqlite3.connect(issued.ledger_path)) as conn, conn:
        recorded = conn.execute("SELECT code FROM issues").fetchall()
    assert recorded == [("number-not-numeric",)]
    assert not path.exists()


def test_the_command_line_prints_the_note_under_the_rejection(issued, plan):
    answers = sample_answers(plan, "MJ", 2019)
    answers["II.01"]["count"] = "many"
    unmodellable(fill_template(template(issued), issued.inbox / "MJ.xlsx", answers))
    result = CliRunner().invoke(cli, ["--root", str(issued.root), "ingest"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == (
        "rejected  MJ.xlsx: Report!L5: error: II.01: 'many' in Count is not a number; type the "
        "number of statements, press releases and charters in digits, e.g. 3"
    )
    assert lines[1].startswith("          note: no feedback workbook could be written")
