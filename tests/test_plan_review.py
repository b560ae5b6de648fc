"""The final implementation report of the 2018-2023 plan, from `nap demo --plan-review`: six
periods, two of them without any return, one ministry that never reports; the Word report
and its workbook say so, and every figure comes from the filled files."""

from __future__ import annotations

import datetime as dt
import zipfile

import docx
import openpyxl
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.demo_review import SILENT, YEARS_WITHOUT_RETURNS, review_answers
from pipeline.outputs.report.accessibility import check_document
from pipeline.outputs.report.writer import write_plan_review
from pipeline.outputs.review_data import NEVER, NO_RETURNS
from pipeline.template.contract import PROGRESS_STATUSES
from pipeline.workspace import Workspace

YEARS = tuple(range(2018, 2024))
WITH_RETURNS = tuple(y for y in YEARS if y not in YEARS_WITHOUT_RETURNS)


@pytest.fixture(scope="module")
def review(tmp_path_factory):
    root = tmp_path_factory.mktemp("review") / "wps-review"
    result = CliRunner().invoke(cli, ["demo", "--plan-review", str(root)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    ws = Workspace.open(root)
    docx_path = root / "outbox/implementation_report_lu-wps-2018-2023.docx"
    book = openpyxl.load_workbook(docx_path.with_suffix(".xlsx"))
    return ws, result.output, docx_path, book


def rows_of(sheet, header_row: int = 4) -> list[dict[str, object]]:
    rows = list(sheet.iter_rows(min_row=header_row, values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def body_of(path) -> str:
    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def test_the_demo_ends_with_the_final_report_and_its_workbook(review):
    _, output, path, book = review
    assert "Final implementation report:" in output and path.name in output
    assert "Its tables, one sheet per view:" in output
    assert book.sheetnames == [
        "Overview",
        "Actions",
        "Trajectories",
        "Outcomes",
        "Women and men",
        "Amounts",
        "Challenges",
        "Ministries",
    ]


def test_the_years_without_returns_are_said_plainly(review):
    ws, _, path, book = review
    text = body_of(path)
    assert "No return of any ministry was accepted for 2020 and 2022" in text
    trajectories = rows_of(book["Trajectories"])
    assert len(trajectories) == sum(len(a.ministries) for a in ws.plan.actions)
    for year in YEARS_WITHOUT_RETURNS:
        assert {r[str(year)] for r in trajectories} == {NO_RETURNS}
    assert {r[str(y)] for r in trajectories for y in WITH_RETURNS} >= set(PROGRESS_STATUSES)
    overview = {
        r[0]: r[2] for r in book["Overview"].iter_rows(min_row=4, max_row=8, values_only=True)
    }
    assert overview["Years without any return"] == "2020, 2022"


def test_a_ministry_that_never_reported_is_named_with_its_actions(review):
    ws, _, path, book = review
    silent = [r for r in rows_of(book["Trajectories"]) if r["Ministry"] == SILENT]
    assert silent and {r["Final status"] for r in silent} == {NEVER}
    table = [t for t in docx.Document(str(path)).tables if t.rows[0].cells[0].text == "Ministry"]
    never = {r.cells[0].text: r.cells[1].text for t in table[:1] for r in t.rows[1:]}
    total = len(ws.plan.actions_for(SILENT))
    assert never == {f"{SILENT} – Ministry of State": f"{total} of {total}"}


def test_the_sex_disaggregated_series_come_from_the_filled_files(review):
    ws, *_, book = review
    plan = ws.plan
    expected: dict[tuple[str, str], float] = {}
    for step, year in enumerate(WITH_RETURNS):
        for code in plan.ministry_codes:
            if code == SILENT:
                continue
            for action_id, answer in review_answers(plan, code, year, step).items():
                for field in ("women", "men"):
                    if field in answer:
                        key = (action_id, f"{year}-{field}")
                        expected[key] = expected.get(key, 0) + answer[field]
    rows = rows_of(book["Women and men"])
    for row in rows:
        for field, header in (("women", "Women"), ("men", "Men")):
            got = row[header]
            assert got == expected.get((row["Action ID"], f"{row['Year']}-{field}")), row
    missing = [r for r in rows if int(r["Year"]) in YEARS_WITHOUT_RETURNS]
    assert missing and all(r["Women"] is None and r["Share of women"] is None for r in missing)


def test_actions_never_started_were_never_reported_as_progress(review):
    *_, book = review
    trajectories = rows_of(book["Trajectories"])
    never = [r for r in rows_of(book["Outcomes"]) if r["Outcome"] == "Actions never started"]
    assert never
    for row in never:
        given = {
            t[str(y)]
            for t in trajectories
            if t["Action ID"] == row["Action ID"]
            for y in WITH_RETURNS
        }
        assert "Not started" in given and not given & set(PROGRESS_STATUSES)


def test_challenges_are_gathered_once_with_their_years(review):
    *_, book = review
    rows = rows_of(book["Challenges"])
    challenges = [r for r in rows if r["Of"] == "Challenges"]
    assert challenges and len(
        {(r["Action ID"], r["Ministry"], r["As the ministry wrote it"]) for r in challenges}
    ) == len(challenges)
    assert any(r["Years"] == "2018, 2019" for r in challenges)


def test_returns_per_ministry_and_year(review):
    *_, book = review
    rows = {(r["Ministry"], r["Year"]): r for r in rows_of(book["Ministries"])}
    assert rows[(SILENT, "2019")]["Return"] == "missing"
    assert rows[("MAEE", "2020")]["Return"] == NO_RETURNS
    assert rows[("MAEE", "2019")]["Completeness"] == 1.0


def test_the_report_has_its_charts_passes_the_accessibility_check_and_is_the_same_twice(review):
    ws, _, path, _ = review
    assert check_document(path) == []
    with zipfile.ZipFile(path) as z:
        assert len([n for n in z.namelist() if n.startswith("word/media/")]) >= 2
    written = path.read_bytes()  # by the demo, dated today
    assert write_plan_review(ws, today=dt.date.today())[0].read_bytes() == written


def test_the_command_picks_the_plan_with_returns(review):
    ws, *_ = review
    result = CliRunner().invoke(cli, ["--root", str(ws.root), "report", "--plan-review"])
    assert result.exit_code == 0, result.output
    assert "implementation_report_lu-wps-2018-2023.docx" in result.output
    both = CliRunner().invoke(
        cli, ["--root", str(ws.root), "report", "--plan-review", "--period", "2019"]
    )
    assert both.exit_code == 2 and "give it alone" in both.output


def test_a_plan_without_any_return_has_nothing_to_review(workspace):
    result = CliRunner().invoke(cli, ["--root", str(workspace.root), "report", "--plan-review"])
    assert result.exit_code == 1
    assert "no return was accepted for any period of the plan lu-wps-2018-2023" in result.output
