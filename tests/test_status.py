"""Where each ministry stands in a period, read through period_status after real ingests:
missing until a file is accepted, a later rejection never undoing an earlier acceptance,
completeness, warnings and what a resubmission changed."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from pipeline.intake.ingest import ingest
from pipeline.intake.status import MinistryStatus, period_status
from pipeline.template.issue import issue_templates
from tests.filling import fill_template, sample_answers

ISSUED = dt.date(2020, 1, 15)
RECEIVED = dt.datetime(2020, 3, 2, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def issued(workspace):
    issue_templates(workspace, 2019, today=ISSUED)
    return workspace


def returned(ws, code: str, answers, name: str) -> Path:
    return fill_template(ws.templates_dir(2019) / f"{code}.xlsx", ws.inbox / name, answers)


def ingest_at(ws, when: dt.datetime = RECEIVED) -> None:
    ingest(ws, now=lambda: when)


def of(ws, code: str) -> MinistryStatus:
    return next(m for m in period_status(ws, 2019).ministries if m.code == code)


def test_before_anything_is_issued_every_ministry_is_missing(workspace, plan):
    status = period_status(workspace, 2019)
    assert status.period == 2019 and status.deadline == dt.date(2020, 3, 31)
    assert [m.code for m in status.ministries] == list(plan.ministry_codes)
    assert status.missing == list(plan.ministry_codes)
    mj = next(m for m in status.ministries if m.code == "MJ")
    assert (mj.issued, mj.last_outcome, mj.completeness) == ("", None, 0.0)
    assert mj.rows == len(plan.actions_for("MJ"))
    assert status.unidentified == []


def test_an_issued_template_shows_its_issue_date_until_a_file_comes_back(issued, plan):
    mj = of(issued, "MJ")
    assert mj.issued == ISSUED.isoformat() and mj.missing and mj.last_file == ""


def test_an_accepted_file_is_no_longer_missing_and_is_complete(issued, plan):
    returned(issued, "MJ", sample_answers(plan, "MJ", 2019), "MJ_2019.xlsx")
    ingest_at(issued)
    status = period_status(issued, 2019)
    mj = next(m for m in status.ministries if m.code == "MJ")
    assert "MJ" not in status.missing and "ME" in status.missing
    assert (mj.last_file, mj.last_outcome, mj.first_reason) == ("MJ_2019.xlsx", "accepted", "")
    assert (mj.accepted_file, mj.accepted_on) == ("MJ_2019.xlsx", "2020-03-02T09:30:00+00:00")
    assert (mj.with_status, mj.completeness, mj.warnings, mj.changes) == (mj.rows, 1.0, 0, [])


def test_completeness_counts_the_rows_with_a_status_and_each_missing_one_is_a_warning(issued, plan):
    answers = sample_answers(plan, "MJ", 2019)
    for action_id in list(answers)[:4]:
        answers[action_id] = {}
    returned(issued, "MJ", answers, "MJ_partial.xlsx")
    ingest_at(issued)
    mj = of(issued, "MJ")
    assert not mj.missing
    assert mj.with_status == mj.rows - 4
    assert mj.completeness == pytest.approx((mj.rows - 4) / mj.rows)
    assert mj.warnings == 4


def test_a_rejected_file_alone_leaves_the_ministry_missing_with_the_reason(issued, plan):
    answers = sample_answers(plan, "MJ", 2019)
    answers["II.01"]["count"] = "many"
    returned(issued, "MJ", answers, "MJ_bad.xlsx")
    ingest_at(issued)
    mj = of(issued, "MJ")
    assert mj.missing and mj.accepted_file == ""
    assert (mj.last_file, mj.last_outcome) == ("MJ_bad.xlsx", "rejected")
    assert mj.first_reason.startswith("II.01: 'many' in Count is not a number; type the number")


def test_a_rejection_after_an_accepted_file_keeps_the_accepted_one(issued, plan):
    returned(issued, "MJ", sample_answers(plan, "MJ", 2019), "MJ_good.xlsx")
    ingest_at(issued)
    bad = sample_answers(plan, "MJ", 2019, seed=1)
    bad["II.01"]["status"] = "Finished"
    os.utime(returned(issued, "MJ", bad, "MJ_bad.xlsx"), (0, 0))
    ingest_at(issued, RECEIVED + dt.timedelta(days=1))
    mj = of(issued, "MJ")
    assert not mj.missing and mj.accepted_file == "MJ_good.xlsx"
    assert (mj.last_file, mj.last_outcome, mj.last_received) == (
        "MJ_bad.xlsx",
        "rejected",
        "2020-03-03T09:30:00+00:00",
    )
    assert mj.first_reason.startswith("status 'Finished' is not one of:")
    assert mj.changes == []


def test_a_resubmission_lists_what_it_changed_field_by_field(issued, plan):
    first = sample_answers(plan, "MJ", 2019)
    returned(issued, "MJ", first, "MJ_first.xlsx")
    ingest_at(issued)
    second = sample_answers(plan, "MJ", 2019)
    second["II.01"].update(count=99, challenges="Fewer applicants than planned.")
    returned(issued, "MJ", second, "MJ_second.xlsx")
    ingest_at(issued, RECEIVED + dt.timedelta(days=1))
    mj = of(issued, "MJ")
    assert mj.accepted_file == "MJ_second.xlsx"
    assert [(ch.action_id, ch.field, ch.old, ch.new) for ch in mj.changes] == [
        ("II.01", "challenges", first["II.01"]["challenges"], "Fewer applicants than planned."),
        ("II.01", "count", str(first["II.01"]["count"]), "99"),
    ]


def test_a_file_that_names_no_ministry_is_listed_as_unidentified(issued):
    stray = issued.inbox / "scan.xlsx"
    stray.write_bytes(b"%PDF-1.4 not a workbook")
    os.utime(stray, (0, 0))
    ingest_at(issued)
    status = period_status(issued, 2019)
    (unidentified,) = status.unidentified
    assert unidentified[:2] == ("scan.xlsx", "2020-03-02T09:30:00+00:00")
    assert unidentified[2].startswith("not an .xlsx workbook: the file is a PDF document")
    assert len(status.missing) == len(status.ministries)
