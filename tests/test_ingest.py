"""Ingest of returned workbooks: identification, validation as tables of (cell, code), the
ledger, where files go, and what a killed run leaves behind."""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import multiprocessing
import os
import pickle
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import openpyxl
import pytest

from pipeline.intake import ingest as ingest_module
from pipeline.intake import settle
from pipeline.intake.ingest import ingest, place
from pipeline.intake.row_rules import Value
from pipeline.intake.status import period_status
from pipeline.signing import office_key
from pipeline.template import contract as c
from pipeline.template.issue import issue_templates
from pipeline.workspace import Workspace
from tests.filling import fill_template, sample_answers

ISSUED = dt.date(2020, 1, 15)
BEFORE_DEADLINE = dt.datetime(2020, 3, 2, 9, 30, tzinfo=dt.UTC)  # the deadline is 2020-03-31


@pytest.fixture
def issued(workspace):
    issue_templates(workspace, 2019, today=ISSUED)
    return workspace


def template(ws, code: str) -> Path:
    return ws.templates_dir(2019) / f"{code}.xlsx"


def drop(ws, code: str, answers, name: str | None = None) -> Path:
    return fill_template(template(ws, code), ws.inbox / (name or f"{code}_returned.xlsx"), answers)


def rows_of(plan, code: str) -> dict[str, int]:
    return {a.id: c.FIRST_DATA_ROW + i for i, a in enumerate(plan.actions_for(code))}


def table(outcome, severity: str = "error") -> list[tuple[str, str]]:
    return sorted((p.cell, p.code) for p in outcome.problems if p.severity == severity)


def ledger_dump(ws) -> list:
    with closing(sqlite3.connect(ws.ledger_path)) as conn, conn:
        return [
            conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
            for t in ("files", "submissions", "cell_values", "issues", "changes")
        ]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def places(ws) -> dict[str, list[Path]]:
    """Every file under inbox/ and archive/ by sha256 (reason files aside)."""
    found: dict[str, list[Path]] = {}
    for folder in (ws.inbox, ws.archive):
        for path in folder.rglob("*"):
            if (
                path.is_file()
                and not path.name.endswith(".reasons.txt")
                and path.name != ".gitkeep"
            ):
                found.setdefault(sha(path), []).append(path)
    return found


def test_a_filled_template_is_accepted_archived_and_recorded(issued, plan):
    answers = sample_answers(plan, "MJ", 2019)
    dropped = drop(issued, "MJ", answers)
    digest = sha(dropped)
    report = ingest(issued)
    (outcome,) = report.outcomes
    assert (outcome.outcome, outcome.ministry, outcome.period) == ("accepted", "MJ", 2019)
    assert not dropped.exists()
    archived = issued.root / outcome.stored_path
    assert archived.parent == issued.archive / "2019" / "MJ" and digest[:12] in archived.name
    assert sha(archived) == digest
    first = plan.actions_for("MJ")[0].id
    with closing(sqlite3.connect(issued.ledger_path)) as conn, conn:
        women = conn.execute(
            "SELECT SUM(number) FROM cell_values WHERE field = 'women'"
        ).fetchone()[0]
        cell = conn.execute(
            "SELECT sheet, cell, value FROM cell_values WHERE action_id = ? AND field = 'status'",
            (first,),
        ).fetchone()
    assert women == sum(r.get("women", 0) for r in answers.values())
    assert cell == ("Report", f"I{c.FIRST_DATA_ROW}", answers[first]["status"])
    status = period_status(issued, 2019)
    mj = next(m for m in status.ministries if m.code == "MJ")
    assert mj.accepted_file == dropped.name and mj.completeness == 1.0
    assert "MJ" not in status.missing and "ME" in status.missing


def test_each_input_rule_names_its_cell(issued, plan):
    rows = rows_of(plan, "MAEE")
    answers = sample_answers(plan, "MAEE", 2019)
    r = rows["I.01"]  # women_men, text
    answers["I.01"].update(status="Done", women="ten", men=-3)
    answers["I.03"].update(count=2.5, women=4)  # count only: Women is not open
    answers["II.12"].update(amount="-5")  # amount
    answers["II.02"].update(amount="about 100")
    answers["II.05"].update(activities="x" * (c.MAX_TEXT + 1))
    answers["I.05"].update(men="=2+2")  # text that looks like a formula, typed as text
    drop(issued, "MAEE", answers)
    (outcome,) = ingest(issued).outcomes
    assert outcome.outcome == "rejected"
    expected = [
        (f"I{r}", "status-invalid"),
        (f"J{r}", "number-not-numeric"),
        (f"K{r}", "number-negative"),
        (f"L{rows['I.03']}", "number-fractional"),
        (f"J{rows['I.03']}", "input-unused"),
        (f"M{rows['II.12']}", "number-negative"),
        (f"M{rows['II.02']}", "number-not-numeric"),
        (f"N{rows['II.05']}", "text-too-long"),
        (f"K{rows['I.05']}", "number-not-numeric"),
    ]
    assert table(outcome) == sorted(expected)
    assert all("MAEE_returned.xlsx: Report!" in str(p) for p in outcome.problems)


def test_values_as_other_applications_save_them_pass(issued, plan):
    rows = rows_of(plan, "MAEE")
    answers = sample_answers(plan, "MAEE", 2019)
    answers["I.01"].update(women=" 12 ", men=7.0, status="  completed ")
    answers["I.03"].update(count="3")
    answers["II.12"].update(amount="12 345,50")
    answers["II.13"].update(amount="€ 1 000")
    drop(issued, "MAEE", answers)
    (outcome,) = ingest(issued).outcomes
    assert outcome.outcome == "accepted", outcome.problems
    with closing(sqlite3.connect(issued.ledger_path)) as conn, conn:
        got = dict(
            ((a, f), (v, n))
            for a, f, v, n in conn.execute(
                "SELECT action_id, field, value, number FROM cell_values"
            )
        )
    assert got[("I.01", "women")] == ("12", 12.0)
    assert got[("I.01", "men")] == ("7", 7.0)
    assert got[("I.01", "status")] == ("Completed", None)
    assert got[("I.03", "count")] == ("3", 3.0)
    assert got[("II.12", "amount")] == ("12345.5", 12345.5)
    assert got[("II.13", "amount")] == ("1000", 1000.0)
    assert rows["I.01"] == c.FIRST_DATA_ROW


def test_warnings_are_accepted_and_recorded(issued, plan):
    rows = rows_of(plan, "MJ")
    answers = sample_answers(plan, "MJ", 2019)
    first, second = list(answers)[:2]
    answers[first] = {}  # no status at all
    answers[second].update(status="In progress", activities=None)
    drop(issued, "MJ", answers)
    (outcome,) = ingest(issued).outcomes
    assert outcome.outcome == "accepted"
    assert table(outcome, "warning") == sorted(
        [(f"I{rows[first]}", "not-reported"), (f"N{rows[second]}", "no-activities")]
    )


def test_completed_with_no_women_or_men_is_a_warning(issued, plan):
    rows = rows_of(plan, "MAEE")
    answers = sample_answers(plan, "MAEE", 2019)
    answers["I.02"].update(status="Completed", women=0, men=0)
    drop(issued, "MAEE", answers)
    (outcome,) = ingest(issued).outcomes
    assert outcome.outcome == "accepted"
    assert table(outcome, "warning") == [(f"J{rows['I.02']}", "completed-no-figures")]


def _edit(path: Path, change) -> Path:
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(path)
    past = path.stat().st_mtime - 3600
    os.utime(path, (past, past))
    return path


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda wb: wb[c.META].cell(4, 2, value="2020"), [("", "meta-bad-signature")]),
        (lambda wb: wb.remove(wb[c.META]), [("", "meta-missing")]),
        (lambda wb: setattr(wb[c.META]["B8"], "value", None), [("", "meta-incomplete")]),
        (lambda wb: wb[c.REPORT].delete_rows(c.FIRST_DATA_ROW + 1), "rows-changed"),
        (
            lambda wb: wb[c.REPORT].cell(c.FIRST_DATA_ROW, 4, value="Something else"),
            [("D5", "description-changed")],
        ),
        (
            lambda wb: wb[c.REPORT].cell(c.HEADER_ROW, 10, value="Females"),
            [("J4", "header-changed")],
        ),
        (lambda wb: wb[c.REPORT].cell(200, 3, value="a note"), [("C200", "extra-data")]),
        (lambda wb: wb[c.REPORT].insert_cols(3), "header-changed"),
    ],
)
def test_a_template_that_was_altered_is_rejected_with_the_reason(issued, plan, change, expected):
    path = _edit(drop(issued, "MJ", sample_answers(plan, "MJ", 2019)), change)
    (outcome,) = ingest(issued).outcomes
    assert outcome.outcome == "rejected"
    if isinstance(expected, str):
        assert expected in {p.code for p in outcome.problems}
    else:
        assert table(outcome) == expected
    assert not path.exists()


def test_a_sheet_renamed_is_rejected(issued, plan):
    def rename(wb):
        wb[c.REPORT].title = "My report"

    _edit(drop(issued, "MJ", sample_answers(plan, "MJ", 2019)), rename)
    (outcome,) = ingest(issued).outcomes
    assert [p.code for p in outcome.problems] == ["sheet-missing"]


def test_a_rejected_template_gets_a_feedback_workbook(issued, plan):
    rows = rows_of(plan, "MSI")
    answers = sample_answers(plan, "MSI", 2019)
    first = next(iter(answers))
    answers[first]["women"] = "many"
    drop(issued, "MSI", answers)
    (outcome,) = ingest(issued).outcomes
    feedback = issued.root / outcome.feedback_path
    assert feedback.parent == issued.feedback_dir(2019)
    wb = openpyxl.load_workbook(feedback)
    assert wb.sheetnames[0] == "Errors" and wb[c.META].sheet_state == "veryHidden"
    listed = [[cell.value for cell in row] for row in wb["Errors"].iter_rows(min_row=4)]
    assert listed[0][:4] == ["error", "Report", f"J{rows[first]}", first]
    marked = wb[c.REPORT][f"J{rows[first]}"]
    assert "not a number" in marked.comment.text and marked.fill.fgColor.rgb.endswith("FFC7CE")
    reasons = (issued.root / (outcome.stored_path + ".reasons.txt")).read_text()
    assert f"Report!J{rows[first]}" in reasons


def test_a_corrected_feedback_workbook_is_accepted(issued, plan):
    answers = sample_answers(plan, "MSI", 2019)
    first = next(iter(answers))
    answers[first]["women"] = "many"
    drop(issued, "MSI", answers)
    (rejected,) = ingest(issued).outcomes
    fixed = sample_answers(plan, "MSI", 2019)
    fill_template(issued.root / rejected.feedback_path, issued.inbox / "MSI_fixed.xlsx", fixed)
    (accepted,) = ingest(issued).outcomes
    assert accepted.outcome == "accepted"


def test_a_resubmission_supersedes_and_its_changes_are_recorded(issued, plan):
    drop(issued, "MJ", sample_answers(plan, "MJ", 2019, seed=0), "first.xlsx")
    ingest(issued, now=lambda: BEFORE_DEADLINE)
    second = sample_answers(plan, "MJ", 2019, seed=1)
    drop(issued, "MJ", second, "second.xlsx")
    (outcome,) = ingest(issued, now=lambda: BEFORE_DEADLINE).outcomes
    assert outcome.supersedes
    mj = next(m for m in period_status(issued, 2019).ministries if m.code == "MJ")
    assert mj.accepted_file == "second.xlsx" and mj.changes
    with closing(sqlite3.connect(issued.ledger_path)) as conn, conn:
        subs = conn.execute("SELECT current FROM submissions ORDER BY id").fetchall()
    assert subs == [(0,), (1,)]
    first = plan.actions_for("MJ")[0].id
    activities = next(ch for ch in mj.changes if (ch.action_id, ch.field) == (first, "activities"))
    assert "(sample 0)" in activities.old and activities.new == second[first]["activities"]


def test_running_twice_changes_nothing(issued, plan):
    drop(issued, "MJ", sample_answers(plan, "MJ", 2019))
    (issued.inbox / "notes.csv").write_text("a,b\n")
    os.utime(issued.inbox / "notes.csv", (0, 0))
    ingest(issued)
    before = ledger_dump(issued), sorted(p for p in issued.root.rglob("*") if p.is_file())
    report = ingest(issued)
    assert report.outcomes == []
    assert (ledger_dump(issued), sorted(p for p in issued.root.rglob("*") if p.is_file())) == before


def test_the_same_file_dropped_again_is_recognised(issued, plan):
    path = drop(issued, "MJ", sample_answers(plan, "MJ", 2019))
    copy = path.read_bytes()
    ingest(issued)
    before = ledger_dump(issued)
    again = issued.inbox / "MJ again.xlsx"
    again.write_bytes(copy)
    os.utime(again, (0, 0))
    (outcome,) = ingest(issued).outcomes
    assert outcome.outcome == "duplicate" and not again.exists()
    assert ledger_dump(issued) == before
    assert len(places(issued)[hashlib.sha256(copy).hexdigest()]) == 1


def test_the_same_bytes_twice_in_one_run_are_recorded_once(issued, plan):
    bad_answers = sample_answers(plan, "MSI", 2019)
    bad_answers[next(iter(bad_answers))]["women"] = "many"
    firsts = [
        drop(issued, "MJ", sample_answers(plan, "MJ", 2019), "a.xlsx"),
        drop(issued, "MSI", bad_answers, "c.xlsx"),
    ]
    for first in firsts:
        (issued.inbox / f"{first.stem}_again.xlsx").write_bytes(first.read_bytes())
    for when, name in enumerate(["a.xlsx", "a_again.xlsx", "c.xlsx", "c_again.xlsx"]):
        os.utime(issued.inbox / name, (when, when))
    shas = [sha(first) for first in firsts]
    report = ingest(issued)
    by_name = {o.name: o for o in report.outcomes}
    again = by_name["c_again.xlsx"]
    assert (again.outcome, again.earlier) == ("duplicate", "rejected")
    assert (again.file_id, again.stored_path) == (
        by_name["c.xlsx"].file_id,
        by_name["c.xlsx"].stored_path,
    )
    assert by_name["a_again.xlsx"].file_id == by_name["a.xlsx"].file_id
    # The run reports what the ledger holds: the first accepted, its copy a duplicate of it.
    assert by_name["a.xlsx"].outcome == "accepted"
    assert (by_name["a_again.xlsx"].outcome, by_name["a_again.xlsx"].earlier) == (
        "duplicate",
        "accepted",
    )
    with closing(sqlite3.connect(issued.ledger_path)) as conn, conn:
        recorded = conn.execute("SELECT name, outcome FROM files ORDER BY id").fetchall()
    assert recorded == [("a.xlsx", "accepted"), ("c.xlsx", "rejected")]
    final = places(issued)
    assert all(len(final[s]) == 1 for s in shas) and not list(issued.inbox.iterdir())


def test_a_file_is_placed_by_a_hard_link_and_an_existing_one_is_left_as_it_is(tmp_path):
    source = tmp_path / "inbox" / "return.xlsx"
    source.parent.mkdir()
    source.write_bytes(b"first")
    dest = tmp_path / "archive" / "2019" / "MJ" / "kept.xlsx"
    folders: set[Path] = set()
    place(source, dest, folders)
    assert dest.stat().st_ino == source.stat().st_ino and folders == {dest.parent}
    other = tmp_path / "inbox" / "other.xlsx"
    other.write_bytes(b"second")
    place(other, dest, folders)
    assert dest.read_bytes() == b"first"
    gone = tmp_path / "archive" / "2019" / "MSI"
    place(other, gone / "kept.xlsx", {gone})  # a folder this run made, removed since
    assert (gone / "kept.xlsx").read_bytes() == b"second"


def test_where_there_can_be_no_hard_link_a_copy_is_renamed_into_place(tmp_path, monkeypatch):
    def no_link(source, dest):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(ingest_module.os, "link", no_link)
    source = tmp_path / "return.xlsx"
    source.write_bytes(b"bytes")
    dest = tmp_path / "archive" / "kept.xlsx"
    place(source, dest)
    assert dest.read_bytes() == b"bytes" and dest.stat().st_ino != source.stat().st_ino
    assert [p.name for p in dest.parent.iterdir()] == ["kept.xlsx"]
    source.write_bytes(b"changed")
    place(source, dest)
    assert dest.read_bytes() == b"bytes"


def test_lock_partial_hidden_and_fresh_files_are_left_alone(issued, plan):
    names = ["~$MJ.xlsx", ".~lock.MJ.xlsx#", ".hidden.xlsx", "MJ.xlsx.part", "download.crdownload"]
    for name in names:
        (issued.inbox / name).write_bytes(b"partial")
    fresh = fill_template(template(issued, "MJ"), issued.inbox / "fresh.xlsx", {}, settle=False)
    report = ingest(issued)
    assert report.outcomes == []
    assert [(name, why.split(":")[0]) for name, why in report.skipped] == [
        (".hidden.xlsx", "a hidden file"),
        (".~lock.MJ.xlsx#", "LibreOffice's lock file"),
        ("MJ.xlsx.part", "an incomplete download"),
        ("download.crdownload", "an incomplete download"),
        ("fresh.xlsx", "still being written"),
        ("~$MJ.xlsx", "Excel's lock file"),
    ]
    assert all((issued.inbox / n).exists() for n in names) and fresh.exists()


def test_special_files_are_reported_and_never_opened(issued, tmp_path):
    target = tmp_path / "secret.xlsx"
    target.write_bytes(b"not for us")
    (issued.inbox / "link.xlsx").symlink_to(target)
    os.mkfifo(issued.inbox / "pipe.xlsx")
    (issued.inbox / "folder").mkdir()
    report = ingest(issued)
    assert report.outcomes == []
    assert [(name, why.split(",")[0].split(":")[0]) for name, why in report.skipped] == [
        ("folder", "a folder"),
        ("link.xlsx", "a symbolic link"),
        ("pipe.xlsx", "a special file (pipe"),
    ]
    assert (issued.inbox / "link.xlsx").is_symlink() and target.read_bytes() == b"not for us"


class Killed(BaseException):
    """Stands for the process being killed: not an Exception, so nothing catches it."""


@pytest.mark.parametrize(
    ("victim", "kill_at"),
    [
        ("a_good.xlsx", "archived"),
        ("a_good.xlsx", "recorded"),
        ("a_good.xlsx", "removed"),
        ("b_bad.xlsx", "archived"),
        ("b_bad.xlsx", "reasons written"),
        ("b_bad.xlsx", "recorded"),
        ("b_bad.xlsx", "removed"),
    ],
)
def test_a_run_killed_at_any_step_resumes_cleanly(issued, plan, victim, kill_at):
    answers = sample_answers(plan, "MJ", 2019)
    good = drop(issued, "MJ", answers, "a_good.xlsx")
    bad_answers = sample_answers(plan, "MSI", 2019)
    bad_answers[next(iter(bad_answers))]["women"] = "many"
    bad = drop(issued, "MSI", bad_answers, "b_bad.xlsx")
    os.utime(bad, (good.stat().st_mtime + 1,) * 2)
    shas = {sha(good), sha(bad)}
    bad_sha = sha(bad)

    def stop(name: str, what: str) -> None:
        if name == victim and what == kill_at:
            raise Killed

    with pytest.raises(Killed):
        ingest(issued, step=stop)
    ingest(issued)
    final = places(issued)
    assert set(final) == shas and all(len(paths) == 1 for paths in final.values())
    assert not list(issued.inbox.iterdir())
    with closing(sqlite3.connect(issued.ledger_path)) as conn, conn:
        outcomes = conn.execute("SELECT name, outcome FROM files ORDER BY name").fetchall()
        assert outcomes == [("a_good.xlsx", "accepted"), ("b_bad.xlsx", "rejected")]
        assert conn.execute("SELECT COUNT(*) FROM submissions").fetchone()[0] == 1
        counted = conn.execute("SELECT COUNT(*) FROM cell_values").fetchone()[0]
    assert counted == sum(len(row) for row in answers.values())
    assert (issued.archive / "rejected" / f"{bad_sha[:12]}_b_bad.xlsx.reasons.txt").exists()
    assert len(list(issued.feedback_dir(2019).iterdir())) == 1


def test_every_dropped_file_is_found_in_exactly_one_place(issued, plan):
    from tests.hostile_files import build_corpus

    hostile = build_corpus(issued.inbox)
    for path in hostile.values():
        os.utime(path, (0, 0))
    drop(issued, "MJ", sample_answers(plan, "MJ", 2019))
    dropped = {sha(p) for p in issued.inbox.iterdir() if p.is_file() and not p.name.startswith(".")}
    report = ingest(issued)
    final = places(issued)
    assert dropped <= set(final)
    assert all(len(final[s]) == 1 for s in dropped)
    assert not any(p.is_file() and not p.name.startswith(".") for p in issued.inbox.iterdir())
    assert {o.outcome for o in report.outcomes} <= {"accepted", "rejected", "duplicate"}


def test_a_large_batch_is_checked_in_parallel_and_recorded_in_arrival_order(issued, plan):
    codes = list(plan.ministry_codes)
    names = []
    for i in range(26):
        code = codes[i % len(codes)]
        answers = sample_answers(plan, code, 2019, seed=i)
        if i == 5:
            answers[next(iter(answers))]["status"] = "Finished"
        saved = BEFORE_DEADLINE - dt.timedelta(minutes=30 - i)  # saved in the order of names
        path = fill_template(
            template(issued, code), issued.inbox / f"file_{i:02d}.xlsx", answers, saved=saved
        )
        os.utime(path, (1000 + (26 - i),) * 2)  # arrival order is the reverse of the names
        names.append(path.name)
    report = ingest(issued, workers=2, now=lambda: BEFORE_DEADLINE)
    assert [o.name for o in report.outcomes] == names[::-1]
    assert [o.outcome for o in report.outcomes].count("rejected") == 1
    with closing(sqlite3.connect(issued.ledger_path)) as conn, conn:
        recorded = [r[0] for r in conn.execute("SELECT name FROM files ORDER BY id")]
        current = conn.execute(
            "SELECT f.name FROM submissions s JOIN files f ON f.id = s.file_id "
            "WHERE current = 1 ORDER BY f.name"
        ).fetchall()
    assert recorded == names[::-1]
    assert [r[0] for r in current] == names[-8:]  # each ministry's last saved, not last arrived


def settled_ledger(ws) -> list:
    """What settling decides, whatever order its transactions committed in, and the values
    it decided on (sent by the workers as the ledger's text, or recorded by one process)."""
    with closing(sqlite3.connect(ws.ledger_path)) as conn, conn:
        return [
            conn.execute("SELECT * FROM returned_values ORDER BY submission_id").fetchall(),
            conn.execute("SELECT id, name, outcome, reason FROM files ORDER BY id").fetchall(),
            conn.execute("SELECT * FROM submissions ORDER BY id").fetchall(),
            conn.execute(
                "SELECT file_id, severity, code, sheet, cell, action_id, message FROM issues "
                "ORDER BY file_id, id"
            ).fetchall(),
            conn.execute(
                "SELECT submission_id, action_id, field, old, new FROM changes ORDER BY 1, 2, 3"
            ).fetchall(),
        ]


def test_the_workers_settle_a_large_batch_as_one_process_would(issued, plan, monkeypatch):
    """Three versions from each ministry, received after the deadline: the first saved of each
    applies, the second (a text corrected) replaces it, the third (other figures) is held."""
    twin = Workspace.open(shutil.copytree(issued.root, issued.root.parent / "twin"))
    codes = list(plan.ministry_codes)
    for i, code in enumerate(codes * 3):
        answers = sample_answers(plan, code, 2019, seed=0 if i < 2 * len(codes) else 7)
        if len(codes) <= i < 2 * len(codes):
            answers[next(iter(answers))]["challenges"] = "Corrected after review."
        saved = BEFORE_DEADLINE - dt.timedelta(minutes=60 - i)
        for ws in (issued, twin):
            path = fill_template(
                template(ws, code), ws.inbox / f"{i:02d}_{code}.xlsx", answers, saved=saved
            )
            os.utime(path, (1000 + i,) * 2)
    monkeypatch.setattr(settle, "SHARED_BATCH", (2, 4))  # tasks of two to four versions
    late = BEFORE_DEADLINE + dt.timedelta(days=60)

    shared = ingest(issued, workers=2, now=lambda: late)
    alone = ingest(twin, workers=1, now=lambda: late)

    assert [(o.name, o.outcome, o.supersedes) for o in shared.outcomes] == [
        (o.name, o.outcome, o.supersedes) for o in alone.outcomes
    ]
    outcomes = [(o.outcome, o.supersedes) for o in shared.outcomes]
    n = len(codes)
    assert outcomes == [("accepted", False)] * n + [("accepted", True)] * n + [("held", False)] * n
    assert {o.held_for.code for o in shared.outcomes[2 * n :]} == {"held-large-change"}
    assert settled_ledger(issued) == settled_ledger(twin)


def test_the_workers_are_forked_before_the_ledger_is_opened(issued, plan, monkeypatch):
    """They open it themselves to settle: a SQLite connection must not cross a fork."""
    for i in range(ingest_module.PARALLEL_FROM):
        drop(issued, "MJ", sample_answers(plan, "MJ", 2019, seed=i), f"MJ_{i:02d}.xlsx")
    opened = ingest_module.connect
    workers_at_open = []

    def connect(path, **kwargs):
        workers_at_open.append(len(multiprocessing.active_children()))
        return opened(path, **kwargs)

    monkeypatch.setattr(ingest_module, "connect", connect)
    report = ingest(issued, settle=0, workers=2, now=lambda: BEFORE_DEADLINE)

    assert len(report.outcomes) == ingest_module.PARALLEL_FROM
    assert workers_at_open == [2]


def test_files_taken_out_of_the_inbox_during_a_run_are_left_out_not_a_crash(issued, plan):
    """One file taken out before it is read, one after it is read and before it is archived:
    the run records the rest and names both."""
    first, before, after = (
        drop(issued, code, sample_answers(plan, code, 2019), f"{n}_{code}.xlsx")
        for n, code in enumerate(("MJ", "MSI", "MAEE"))
    )
    for when, path in enumerate((first, before, after)):
        os.utime(path, (when, when))

    def read_then_take_out(checked, _count):
        for candidate, read in checked:
            if candidate.path == first:
                before.unlink()  # the next file is read only after this one is handed on
            if candidate.path == after:
                after.unlink()  # read already; taken out before the batch is archived
            yield candidate, read

    report = ingest(issued, settle=0, progress=read_then_take_out)
    assert [(o.name, o.outcome) for o in report.outcomes] == [(first.name, "accepted")]
    gone = {name for name, why in report.skipped if "taken out of the inbox" in why}
    assert gone == {before.name, after.name}
    with closing(sqlite3.connect(issued.ledger_path)) as conn, conn:
        assert conn.execute("SELECT name FROM files").fetchall() == [(first.name,)]
    assert not list(issued.inbox.iterdir())


def test_tasks_shrink_towards_the_end_and_cover_every_file_once_in_order():
    files = list(range(200))
    sizes = [len(b) for b in ingest_module._batches(files, workers=2)]
    assert [f for b in ingest_module._batches(files, workers=2) for f in b] == files
    assert sizes[0] == ingest_module.BATCH and max(sizes) == ingest_module.BATCH
    assert sizes == sorted(sizes, reverse=True)  # never larger again once smaller
    assert min(sizes[:-1]) == ingest_module.LAST_BATCH
    assert [len(b) for b in ingest_module._batches(list(range(5)), workers=2)] == [4, 1]


def test_a_checked_file_pickles_with_its_values_as_values(issued, plan):
    code = plan.ministry_codes[0]
    path = fill_template(
        template(issued, code), issued.inbox / "f.xlsx", sample_answers(plan, code, 2019)
    )
    read = ingest_module.check_file(path, issued.shelf, office_key(issued).key)
    again = pickle.loads(pickle.dumps(read))
    assert again.checked.recorded_values() == read.checked.recorded_values()
    # They travel as the ledger keeps them: by action, then field.
    assert again.checked.values == sorted(read.checked.values, key=lambda v: v[:2])
    assert again.checked.values and all(type(v) is Value for v in again.checked.values)
    assert again._replace(checked=read.checked) == read
    assert again.checked.accepted and again.checked.meta == read.checked.meta
