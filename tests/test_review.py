"""Held returns and the coordinator's decisions, as an office meets them: last year's file
sent again months later, a correction that empties cells, two versions in one batch, an old
version arriving late; then nap review, accept, reject and revert from the command line."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from contextlib import closing
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.delivery.compose import compose_reminders
from pipeline.intake import settle
from pipeline.intake.ingest import IngestReport, ingest
from pipeline.intake.review import held_returns
from pipeline.intake.status import MinistryStatus, period_status
from pipeline.ledger import connect, current_submission, submission_values
from pipeline.outputs.consolidated.workbook import consolidate
from pipeline.template import contract as c
from pipeline.template.issue import issue_templates
from tests.filling import fill_template, sample_answers
from tests.mailserver import write_contacts

UTC = dt.UTC
ISSUED = dt.date(2020, 1, 15)
BEFORE = dt.datetime(2020, 3, 2, 9, 30, tzinfo=UTC)  # the deadline of 2019 is 2020-03-31
AFTER = dt.datetime(2020, 9, 14, 9, 30, tzinfo=UTC)  # months after it
SAVED = dt.datetime(2020, 2, 20, 16, 0, tzinfo=UTC)


@pytest.fixture
def ws(workspace):
    issue_templates(workspace, 2019, today=ISSUED)
    return workspace


def returned(ws, code: str, answers, name: str, saved: dt.datetime = SAVED) -> Path:
    template = ws.template_path(2019, code)
    return fill_template(template, ws.inbox / name, answers, saved=saved)


def ingest_at(ws, when: dt.datetime) -> IngestReport:
    return ingest(ws, now=lambda: when)


def nap(ws, *args: str):
    return CliRunner().invoke(cli, ["--root", str(ws.root), *args])


def of(ws, code: str) -> MinistryStatus:
    return next(m for m in period_status(ws, 2019).ministries if m.code == code)


def in_force(ws, code: str) -> dict[tuple[str, str], str]:
    """The values of the ministry's current return, read back from the ledger."""
    with connect(ws.ledger_path) as conn:
        sub = current_submission(conn, code, 2019)
        assert sub is not None
        return {(v.action_id, v.field): v.value for v in submission_values(conn, sub.id)}


def tripled(plan, code: str, period: int = 2019, seed: int = 0) -> tuple[dict, str]:
    """The ministry's answers with the women of its first sex-disaggregated action tripled."""
    answers = sample_answers(plan, code, period, seed=seed)
    action = next(a.id for a in plan.actions_for(code) if "women_men" in a.measures)
    answers[action]["women"] = int(answers[action]["women"]) * 3
    return answers, action


def test_last_years_file_sent_again_months_later_is_held_and_the_accepted_figures_stay(ws, plan):
    first = sample_answers(plan, "MAEE", 2019)
    returned(ws, "MAEE", first, "MAEE 2019.xlsx")
    ingest_at(ws, BEFORE)
    accepted = in_force(ws, "MAEE")
    reused, action = tripled(plan, "MAEE", 2020)  # the 2019 template filled with 2020 figures
    returned(ws, "MAEE", reused, "MAEE 2019 (2).xlsx", saved=AFTER - dt.timedelta(days=1))

    result = nap(ws, "ingest")  # today, long after the deadline

    assert result.exit_code == 0, result.output
    assert "held      MAEE 2019 (2).xlsx: MAEE 2019, file 2, waits for your decision" in (
        result.output
    )
    assert "more than 50% after the deadline of 2020-03-31" in result.output
    assert "accepted" not in result.output and "replaces" not in result.output
    assert in_force(ws, "MAEE") == accepted
    maee = of(ws, "MAEE")
    assert (maee.last_outcome, maee.accepted_file) == ("held", "MAEE 2019.xlsx")
    assert [f.name for f in maee.held] == ["MAEE 2019 (2).xlsx"]
    women = str(first[action]["women"])
    review = nap(ws, "review")
    assert review.exit_code == 0, review.output
    assert f"{action} Women: {women} -> {reused[action]['women']}" in review.output
    assert "nap accept 2   or   nap reject 2 --reason TEXT" in review.output
    assert review.output.rstrip().endswith("1 return waiting for your decision.")
    archived = ws.root / next(f for f in maee.held).stored_path
    (ws.inbox / "MAEE again.xlsx").write_bytes(archived.read_bytes())
    os.utime(ws.inbox / "MAEE again.xlsx", (0, 0))
    again = nap(ws, "ingest").output
    assert "it waits for your decision as file 2: nap review" in again


def test_a_refused_return_gets_its_reason_in_a_feedback_workbook(ws, plan):
    returned(ws, "MAEE", sample_answers(plan, "MAEE", 2019), "MAEE 2019.xlsx")
    ingest_at(ws, BEFORE)
    returned(ws, "MAEE", tripled(plan, "MAEE", 2020)[0], "MAEE again.xlsx")
    ingest_at(ws, AFTER)

    result = nap(ws, "reject", "2", "--reason", "these are the 2020 figures; send those of 2019")

    assert result.exit_code == 0, result.output
    assert result.output.startswith("rejected file 2 (MAEE again.xlsx) of MAEE for 2019")
    feedback = ws.root / result.output.split("feedback: ")[1].strip()
    errors = [r for r in openpyxl.load_workbook(feedback)["Errors"].iter_rows(values_only=True)]
    assert any("these are the 2020 figures; send those of 2019" in str(r) for r in errors)
    maee = of(ws, "MAEE")
    assert (maee.last_outcome, maee.accepted_file, maee.held) == ("rejected", "MAEE 2019.xlsx", [])
    assert "send those of 2019" in maee.first_reason
    assert nap(ws, "review").output.strip() == "0 returns waiting for your decision."


def test_a_large_correction_before_the_deadline_applies_at_once(ws, plan):
    returned(ws, "MAEE", sample_answers(plan, "MAEE", 2019), "first.xlsx")
    ingest_at(ws, BEFORE)
    answers, action = tripled(plan, "MAEE")
    returned(ws, "MAEE", answers, "second.xlsx", saved=SAVED + dt.timedelta(days=1))

    (outcome,) = ingest_at(ws, BEFORE + dt.timedelta(days=2)).outcomes

    assert (outcome.outcome, outcome.supersedes) == ("accepted", True)
    assert in_force(ws, "MAEE")[(action, "women")] == str(answers[action]["women"])


def test_a_correction_that_empties_cells_is_held_even_before_the_deadline(ws, plan):
    first = sample_answers(plan, "MJ", 2019)
    returned(ws, "MJ", first, "MJ.xlsx")
    ingest_at(ws, BEFORE)
    emptied = sample_answers(plan, "MJ", 2019)
    action = next(iter(emptied))
    emptied[action] = {"status": emptied[action]["status"]}  # its row cleared but for the status
    returned(ws, "MJ", emptied, "MJ v2.xlsx", saved=SAVED + dt.timedelta(hours=1))

    (outcome,) = ingest_at(ws, BEFORE + dt.timedelta(hours=2)).outcomes

    assert outcome.outcome == "held"
    (held,) = held_returns(ws)
    assert {r.code for r in held.reasons} == {"held-cell-emptied"}
    assert outcome.held_reasons == len(held.reasons)
    row = c.FIRST_DATA_ROW  # the first action of MJ's report
    assert sorted(r.cell for r in held.reasons) == sorted(
        c.cell_ref(field, row) for field in first[action] if field != "status"
    )
    assert of(ws, "MJ").accepted_file == "MJ.xlsx"


def test_a_version_emptying_cells_of_one_applied_before_it_in_the_batch_is_held(ws, plan):
    first = sample_answers(plan, "MJ", 2019)
    returned(ws, "MJ", first, "MJ.xlsx")
    emptied = sample_answers(plan, "MJ", 2019)
    action = next(iter(emptied))
    emptied[action] = {"status": emptied[action]["status"]}  # its row cleared but for the status
    returned(ws, "MJ", emptied, "MJ v2.xlsx", saved=SAVED + dt.timedelta(hours=1))

    report = ingest_at(ws, BEFORE)

    assert [o.outcome for o in report.outcomes] == ["accepted", "held"]
    (held,) = held_returns(ws)
    assert {r.code for r in held.reasons} == {"held-cell-emptied"}
    assert sorted(r.cell for r in held.reasons) == sorted(
        c.cell_ref(field, c.FIRST_DATA_ROW) for field in first[action] if field != "status"
    )


def test_versions_of_one_batch_apply_in_the_order_the_ministry_saved_them(ws, plan):
    newer = returned(
        ws, "MJ", sample_answers(plan, "MJ", 2019, seed=2), "MJ final.xlsx", SAVED + dt.timedelta(1)
    )
    older = returned(ws, "MJ", sample_answers(plan, "MJ", 2019, seed=1), "MJ draft.xlsx", SAVED)
    newer_time = older.stat().st_mtime - 60
    os.utime(newer, (newer_time, newer_time))  # the newer version reached the inbox first

    report = ingest_at(ws, BEFORE)

    assert [(o.name, o.outcome) for o in report.outcomes] == [
        ("MJ final.xlsx", "accepted"),
        ("MJ draft.xlsx", "accepted"),
    ]
    mj = of(ws, "MJ")
    assert mj.accepted_file == "MJ final.xlsx" and mj.held == []
    assert in_force(ws, "MJ")[("II.01", "activities")].endswith("(sample 2).")


def test_an_old_version_arriving_late_is_held(ws, plan):
    returned(ws, "MJ", sample_answers(plan, "MJ", 2019, seed=2), "MJ final.xlsx", SAVED)
    ingest_at(ws, BEFORE)
    returned(
        ws, "MJ", sample_answers(plan, "MJ", 2019, seed=1), "MJ draft.xlsx", SAVED - dt.timedelta(7)
    )

    (outcome,) = ingest_at(ws, BEFORE + dt.timedelta(days=1)).outcomes

    assert outcome.outcome == "held"
    (reason,) = held_returns(ws)[0].reasons
    assert reason.code == "held-older-version"
    assert "saved by the ministry on 2020-02-13 16:00:00 UTC, before the accepted return" in (
        reason.message
    )
    assert of(ws, "MJ").accepted_file == "MJ final.xlsx"


def test_two_versions_that_cannot_be_ordered_both_wait_and_the_ministry_is_not_missing(ws, plan):
    returned(ws, "MJ", sample_answers(plan, "MJ", 2019, seed=1), "MJ a.xlsx", SAVED)
    returned(ws, "MJ", sample_answers(plan, "MJ", 2019, seed=2), "MJ b.xlsx", SAVED)

    report = ingest_at(ws, BEFORE)

    assert [o.outcome for o in report.outcomes] == ["held", "held"]
    assert {r.code for h in held_returns(ws) for r in h.reasons} == {"held-order-unknown"}
    status = nap(ws, "status", "--period", "2019")
    line = next(x for x in status.output.splitlines() if x.startswith("MJ "))
    assert " held " in line and "accepted" not in line and "missing" not in line
    assert "Held for your decision: MJ (nap review)" in status.output
    assert "Missing, nothing received: MAEE, MSI, MENJE, MEGA, MIFA, MISA, ME" in status.output
    assert period_status(ws, 2019).absent == ["MAEE", "MSI", "MENJE", "MEGA", "MIFA", "MISA", "ME"]
    write_contacts(ws, plan)
    reminded = {m.ministry for m in compose_reminders(ws, 2019)}
    assert "MJ" not in reminded and "ME" in reminded

    accepted = nap(ws, "accept", "2", "--reason", "b is the version MJ signed off")

    assert accepted.exit_code == 0, accepted.output
    assert of(ws, "MJ").accepted_file == "MJ b.xlsx"
    assert nap(ws, "reject", "1", "--reason", "superseded by b").exit_code == 0
    assert of(ws, "MJ").held == []


def test_held_versions_settled_in_several_transactions_each_keep_every_reason(
    ws, plan, monkeypatch
):
    monkeypatch.setattr(settle, "SETTLE_BATCH", 1)  # each ministry's versions on their own
    for ministry in ("MJ", "ME"):
        for seed in (1, 2, 3):
            answers = sample_answers(plan, ministry, 2019, seed=seed)
            returned(ws, ministry, answers, f"{ministry} {seed}.xlsx", SAVED)

    report = ingest_at(ws, BEFORE)

    assert [o.outcome for o in report.outcomes] == ["held"] * 6
    held = held_returns(ws)
    names = [f"{m} {seed}.xlsx" for m in ("MJ", "ME") for seed in (1, 2, 3)]
    assert sorted(h.file.name for h in held) == sorted(names)
    assert [[r.code for r in h.reasons] for h in held] == [["held-order-unknown"]] * 6
    for ministry in ("MJ", "ME"):
        mine = [h for h in held if h.file.name.startswith(ministry)]
        assert [f.reason for f in of(ws, ministry).held] == [h.reasons[0].message for h in mine]
        assert of(ws, ministry).accepted_file == ""


def test_revert_puts_the_earlier_return_back_in_force_and_every_decision_is_on_record(
    ws, plan, monkeypatch
):
    monkeypatch.setenv("USER", "coordinator1")
    monkeypatch.setenv("LOGNAME", "coordinator1")
    returned(ws, "MAEE", sample_answers(plan, "MAEE", 2019), "MAEE.xlsx")
    ingest_at(ws, BEFORE)
    before = in_force(ws, "MAEE")
    returned(ws, "MAEE", tripled(plan, "MAEE")[0], "MAEE corrected.xlsx", AFTER)
    ingest_at(ws, AFTER)
    assert nap(ws, "accept", "2").exit_code == 0
    assert in_force(ws, "MAEE") != before

    result = nap(ws, "revert", "2", "--reason", "the figure was a typing error")

    assert result.exit_code == 0, result.output
    assert "it waits for your decision again; in force again: MAEE.xlsx" in result.output
    assert in_force(ws, "MAEE") == before
    assert "file 2: MAEE 2019, MAEE corrected.xlsx" in nap(ws, "review").output
    assert nap(ws, "reject", "2", "--reason", "typing error").exit_code == 0
    decisions = nap(ws, "review", "--period", "2019").output.split("Decisions on 2019: 3")[1]
    lines = [x.strip() for x in decisions.strip().splitlines()]
    assert [x.split(" ", 2)[2] for x in lines] == [
        "coordinator1: accepted MAEE file 2 (MAEE corrected.xlsx)",
        "coordinator1: reverted the decision on MAEE file 2 (MAEE corrected.xlsx); "
        "why: the figure was a typing error",
        "coordinator1: rejected MAEE file 2 (MAEE corrected.xlsx); why: typing error",
    ]
    (workbook,) = consolidate(ws, 2019)
    history = [
        r[0] for r in openpyxl.load_workbook(workbook)["History"].iter_rows(values_only=True)
    ]
    assert history[history.index("Decisions of the coordinator on 2019") + 1 :] == [
        "".join(line) for line in lines
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("accept", "1"), "file 1 (MJ.xlsx) is already accepted; nap revert 1 --reason TEXT"),
        (("accept", "9"), "the ledger has no file 9"),
        (("reject", "1", "--reason", " "), "say why you reject it with --reason TEXT"),
        (("revert", "2", "--reason", "x"), "file 2 (MJ bad.xlsx) was rejected by the checks"),
        (("reject", "2", "--reason", "x"), "nap reprocess 2 reads it again"),
    ],
)
def test_a_decision_on_a_file_it_does_not_apply_to_says_what_applies(ws, plan, args, message):
    returned(ws, "MJ", sample_answers(plan, "MJ", 2019), "MJ.xlsx")
    bad = sample_answers(plan, "MJ", 2019)
    bad["II.01"]["status"] = "Finished"
    returned(ws, "MJ", bad, "MJ bad.xlsx", SAVED + dt.timedelta(hours=1))
    ingest_at(ws, BEFORE)

    result = nap(ws, *args)

    assert result.exit_code == 2
    assert result.output.startswith("Error: ") and message in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_a_decision_needs_a_reason_to_reject_or_revert(ws):
    result = nap(ws, "reject", "1")
    assert result.exit_code == 2 and "Missing option '--reason'" in result.output


def test_the_ledger_keeps_who_when_and_why(ws, plan):
    returned(ws, "MJ", sample_answers(plan, "MJ", 2019, seed=1), "a.xlsx", SAVED)
    returned(ws, "MJ", sample_answers(plan, "MJ", 2019, seed=2), "b.xlsx", SAVED)
    ingest_at(ws, BEFORE)
    nap(ws, "accept", "1", "--reason", "  checked   with MJ ")
    with closing(sqlite3.connect(ws.ledger_path)) as raw, raw:
        (row,) = raw.execute(
            "SELECT kind, period, ministry, file_id, who, made, reason FROM decisions"
        )
    kind, period, ministry, file_id, who, made, reason = row
    assert (kind, period, ministry, file_id, reason) == ("accept", 2019, "MJ", 1, "checked with MJ")
    assert who and dt.datetime.fromisoformat(made).tzinfo is not None
