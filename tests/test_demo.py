"""`nap demo`, the quickstart's first command, end to end: every output of a cycle appears,
and each tells the same story (one rejected, one resubmitted, one missing ministry, and one
late correction held, then accepted by the coordinator)."""

from __future__ import annotations

import email
import zipfile

import openpyxl
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.demo import LATE, LATE_REASON, MISSING, PERIOD, REJECTED, RESUBMITTED


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo") / "wps-demo"
    result = CliRunner().invoke(cli, ["demo", str(root)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return root, result.output


def test_the_demo_prints_where_every_output_is(demo):
    root, output = demo
    for line in (
        "Consolidated workbook:",
        "Committee report:",
        "Feedback workbook for the rejected file:",
        "Messages (.eml)",
        f"rejected  {REJECTED} report {PERIOD}.xlsx",
        "replaces the earlier submission",
    ):
        assert line in output
    outbox = root / "outbox" / str(PERIOD)
    assert len(list((outbox / "templates").glob("*.xlsx"))) == 8
    assert (outbox / f"consolidated_{PERIOD}.xlsx").is_file()
    assert (outbox / f"committee_report_{PERIOD}.docx").is_file()
    feedback = [p.name for p in (outbox / "feedback").glob("*.xlsx")]
    assert len(feedback) == 1 and feedback[0].startswith(REJECTED)


def test_the_consolidated_workbook_tells_the_demo_story(demo):
    root, _ = demo
    book = openpyxl.load_workbook(root / "outbox" / str(PERIOD) / f"consolidated_{PERIOD}.xlsx")
    rows = list(book["Overview"].iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] == "Code")
    verdicts = {r[0]: r[4] for r in rows[header + 1 : header + 9]}
    assert verdicts[MISSING] == "missing" and verdicts[REJECTED] == "rejected"
    assert [code for code, v in verdicts.items() if v == "accepted"] == [
        c for c in verdicts if c not in (MISSING, REJECTED)
    ]
    resubmitted = next(r for r in rows[header + 1 :] if r[0] == RESUBMITTED)
    assert resubmitted[5] == f"{RESUBMITTED} report {PERIOD} v2.xlsx"
    texts = [r[15] for r in book["Actions"].iter_rows(min_row=5, values_only=True) if r[15]]
    assert texts and all(t.startswith("SAMPLE") for t in texts)


def test_the_report_names_the_missing_and_marks_the_draft(demo):
    root, _ = demo
    with zipfile.ZipFile(root / "outbox" / str(PERIOD) / f"committee_report_{PERIOD}.docx") as z:
        body = z.read("word/document.xml").decode()
        headers = "".join(z.read(n).decode() for n in z.namelist() if "header" in n)
    assert "Ministry of State" in body and "missing" in body
    assert "SAMPLE" in body
    assert "DRAFT" in body + headers


def test_messages_go_to_everyone_and_reminders_to_the_two_without_a_return(demo):
    root, _ = demo
    mail = root / "outbox" / str(PERIOD) / "mail"
    assert len(list(mail.glob("templates_*.eml"))) == 8
    reminders = sorted(p.name for p in mail.glob("reminder_*.eml"))
    assert reminders == sorted(f"reminder_{code}.eml" for code in (REJECTED, MISSING))
    message = email.message_from_bytes((mail / f"reminder_{REJECTED}.eml").read_bytes())
    attached = [part.get_filename() for part in message.walk() if part.get_filename()]
    assert any("feedback" in name for name in attached)


def test_status_after_the_demo_and_a_second_demo_in_the_same_folder(demo):
    root, _ = demo
    status = CliRunner().invoke(cli, ["--root", str(root), "status", "--period", str(PERIOD)])
    assert status.exit_code == 0
    assert f"Rejected, a corrected file awaited: {REJECTED} (" in status.output
    assert f"Missing, nothing received: {MISSING}\n" in status.output
    again = CliRunner().invoke(cli, ["demo", str(root)])
    assert again.exit_code == 2
    assert again.output.startswith("Error: ") and again.output.count("\n") == 1


def test_the_late_correction_is_held_then_accepted_and_the_history_says_why(demo):
    root, output = demo
    assert f"held      {LATE} report {PERIOD} corrected.xlsx: {LATE} {PERIOD}, file 9" in output
    assert "more than 50% after the deadline of 2020-03-31" in output
    assert f'nap accept 9 --reason "{LATE_REASON}"' in output
    book = openpyxl.load_workbook(root / "outbox" / str(PERIOD) / f"consolidated_{PERIOD}.xlsx")
    rows = list(book["Overview"].iter_rows(values_only=True))
    late = next(r for r in rows if r[0] == LATE)
    assert late[5] == f"{LATE} report {PERIOD} corrected.xlsx"
    history = [r[0] for r in book["History"].iter_rows(values_only=True) if r[0]]
    (decision,) = history[history.index(f"Decisions of the coordinator on {PERIOD}") + 1 :]
    assert decision.startswith("2020-06-16 10:00 ")
    assert decision.endswith(
        f"accepted {LATE} file 9 ({LATE} report {PERIOD} corrected.xlsx); why: {LATE_REASON}"
    )
