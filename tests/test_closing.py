"""Closing a period, as the office does it: the final report closes the period, a later night
run writes nothing for it and says so, a late return waits, and reopening is the recorded way
back."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.template.issue import issue_templates
from tests.filling import fill_template, sample_answers

SAVED = dt.datetime(2020, 3, 1, 9, 0, tzinfo=dt.UTC)


def nap(ws, *args: str):
    return CliRunner().invoke(cli, ["--root", str(ws.root), *args])


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def closed(workspace, plan):
    """A period whose final report is out: two ministries' returns, then report --final."""
    issue_templates(workspace, 2019)
    for code in ("MJ", "MEGA"):
        fill_template(
            workspace.template_path(2019, code),
            workspace.inbox / f"{code}.xlsx",
            sample_answers(plan, code, 2019),
            saved=SAVED,
        )
    assert nap(workspace, "run", "--period", "2019").exit_code == 0
    result = nap(workspace, "report", "--period", "2019", "--final")
    assert result.exit_code == 0, result.output
    return workspace, result.output


def outputs(ws) -> dict[str, str]:
    period = ws.period_dir(2019)
    return {p.name: digest(p) for p in (period / "consolidated_2019.xlsx",
                                        period / "committee_report_2019.docx")}  # fmt: skip


def correction(ws, plan) -> None:
    """MJ corrects its return a month after the final report."""
    fill_template(
        ws.template_path(2019, "MJ"),
        ws.inbox / "MJ corrected.xlsx",
        sample_answers(plan, "MJ", 2019, seed=1),
        saved=SAVED + dt.timedelta(days=30),
    )


def test_the_final_report_writes_both_outputs_and_closes_the_period(closed):
    ws, output = closed
    assert output.splitlines() == [
        "wrote outbox/2019/committee_report_2019.docx",
        "wrote outbox/2019/consolidated_2019.xlsx",
        "period 2019 closed: its outputs stay as they are and any later return for it waits "
        "for your decision (nap reopen --period 2019 --reason TEXT to change them)",
    ]
    decisions = nap(ws, "review", "--period", "2019").output
    assert "closed the period 2019; why: final report issued" in decisions


def test_a_later_run_writes_nothing_for_a_closed_period_and_says_so(closed, plan):
    ws, _ = closed
    before = outputs(ws)
    correction(ws, plan)

    result = nap(ws, "run", "--period", "2019")

    assert result.exit_code == 0, result.output
    assert "held      MJ corrected.xlsx: MJ 2019, file 3, waits for your decision" in result.output
    assert "hold: period 2019 was closed on " in result.output
    assert "no workbook or report written: period 2019 was closed on" in result.output
    assert not [line for line in result.output.splitlines() if line.startswith("wrote ")]
    assert "; wrote nothing; log: outbox/logs/" in result.output
    assert outputs(ws) == before
    for args in (("consolidate", "--period", "2019"), ("report", "--period", "2019")):
        refused = nap(ws, *args)
        assert refused.exit_code == 1 and "nap reopen --period 2019 --reason TEXT" in refused.output
    assert nap(ws, "report", "--period", "2019", "--final").exit_code == 1
    assert outputs(ws) == before
    accept = nap(ws, "accept", "3")
    assert accept.exit_code == 1 and "cannot accept file 3: period 2019 was closed" in accept.output


def test_reopening_lets_the_coordinator_accept_and_the_run_write_again(closed, plan):
    ws, _ = closed
    before = outputs(ws)
    correction(ws, plan)
    nap(ws, "ingest")

    reopened = nap(
        ws, "reopen", "--period", "2019", "--reason", "MJ corrects at the committee's request"
    )

    assert reopened.exit_code == 0, reopened.output
    assert nap(ws, "accept", "3").exit_code == 0
    result = nap(ws, "run", "--period", "2019")
    assert result.exit_code == 0 and "wrote outbox/2019/committee_report_2019.docx" in result.output
    assert outputs(ws) != before
    decisions = nap(ws, "review", "--period", "2019").output
    assert "reopened the period 2019; why: MJ corrects at the committee's request" in decisions


def test_close_and_reopen_say_when_there_is_nothing_to_do(closed):
    ws, _ = closed
    again = nap(ws, "close", "--period", "2019")
    assert again.exit_code == 2 and "period 2019 is already closed" in again.output
    assert nap(ws, "reopen", "--period", "2019", "--reason", "x").exit_code == 0
    reopen = nap(ws, "reopen", "--period", "2019", "--reason", "x")
    assert reopen.exit_code == 2 and "period 2019 is not closed; nothing to reopen" in reopen.output
    close = nap(ws, "close", "--period", "2019", "--reason", "sent to the committee")
    assert close.exit_code == 0, close.output
    assert close.output.strip() == (
        "period 2019 closed; nap reopen --period 2019 --reason TEXT reopens it"
    )
