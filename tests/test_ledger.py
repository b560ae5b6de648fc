"""The ledger, as its specification: what is recorded for a file and a submission, how a
resubmission supersedes, what the readers return, the mail log, and the numbered migrations,
from an empty file and from a ledger made by version 0.1.0."""

from __future__ import annotations

import datetime as dt
import json
import math
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from pipeline import ledger
from pipeline.failures import NapError
from pipeline.intake.status import period_status
from pipeline.ledger import (
    LATEST,
    CellValue,
    Change,
    Outcome,
    RecipientOutcome,
    SendState,
    connect,
    transaction,
)
from pipeline.outputs.consolidated.workbook import consolidate
from pipeline.outputs.report.writer import write_report
from pipeline.problems import Problem, Severity
from pipeline.workspace import Workspace

V1_LEDGER = Path(__file__).parent / "fixtures" / "v1" / "ledger.sqlite"
V1_TABLES = ("files", "submissions", "cell_values", "issues", "changes", "mail_log")
# cell_values became a view of returned_values (step 6): it reads as the table did.
TABLES = (*V1_TABLES, "returned_values", "decisions", "signing_key", "mail_recipients")
WHEN = "2020-02-01T10:00:00+01:00"


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    with connect(tmp_path / "ledger.sqlite") as conn:
        yield conn


def record(
    conn: sqlite3.Connection,
    sha: str,
    outcome: Outcome = Outcome.ACCEPTED,
    *,
    ministry: str = "MJ",
    period: int | None = 2019,
    problems: tuple[Problem, ...] = (),
) -> int:
    new = ledger.NewFile(
        sha, f"{sha}.xlsx", 100, WHEN, outcome, f"archive/{sha}.xlsx", problems, ministry, period
    )
    with transaction(conn):
        (file_id,) = ledger.record_files(conn, [new])
    return file_id


def submit(
    conn: sqlite3.Connection,
    sha: str,
    values: dict[tuple[str, str], str],
    *,
    ministry: str = "MJ",
    period: int = 2019,
) -> bool:
    file_id = record(conn, sha, ministry=ministry, period=period)
    cells = [
        CellValue(action, field, value, float(value) if value.isdigit() else None, "Report", "F5")
        for (action, field), value in values.items()
    ]
    new = ledger.NewSubmission(
        file_id, ministry, period, "plan", "2020-01-15", WHEN, ledger.encode_values(cells)
    )
    with transaction(conn):
        (submission_id,) = ledger.add_submissions(conn, [new])
        return ledger.apply_submission(conn, submission_id) is not None


def issue(severity: Severity, message: str, cell: str = "") -> Problem:
    return Problem("code", severity, message, sheet="Report" if cell else "", cell=cell)


def files_sql(conn: sqlite3.Connection) -> str:
    return conn.execute("SELECT sql FROM sqlite_schema WHERE name = 'files'").fetchone()[0]


def open_ledger(path: Path) -> None:
    with connect(path):
        pass


ALL_VALUES = """SELECT submission_id, action_id, field, value, number, sheet, cell
                 FROM cell_values ORDER BY submission_id, action_id, field"""


def counts(path: Path) -> dict[str, int]:
    """Rows of the tables of version 0.1.0."""
    with closing(sqlite3.connect(path)) as raw, raw:
        return {t: raw.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in V1_TABLES}


# Files and submissions


def test_an_accepted_file_becomes_the_current_submission_of_its_ministry(conn) -> None:
    assert submit(conn, "aaa", {("I.01", "status"): "Ongoing", ("I.01", "women"): "12"}) is False

    (sub,) = ledger.current_submissions(conn, 2019)
    assert (sub.ministry, sub.file_name, sub.sha256, sub.supersedes) == (
        "MJ",
        "aaa.xlsx",
        "aaa",
        None,
    )
    assert ledger.submission_values(conn, sub.id) == [
        CellValue("I.01", "status", "Ongoing", None, "Report", "F5"),
        CellValue("I.01", "women", "12", 12.0, "Report", "F5"),
    ]
    found = ledger.known_files(conn, ["aaa"]).get("aaa")
    assert found is not None and found.outcome is Outcome.ACCEPTED
    assert (found.id, found.stored_path, found.reason, found.feedback_path) == (
        sub.file_id,
        "archive/aaa.xlsx",
        "",
        "",
    )
    assert ledger.files_of_period(conn, 2019) == [found]
    assert ledger.periods(conn) == [2019]


def test_a_file_never_seen_is_not_found(conn) -> None:
    assert ledger.known_files(conn, ["unknown"]) == {}
    assert ledger.last_file(conn, "MJ", 2019) is None
    assert ledger.current_submissions(conn, 2019) == []


def test_a_rejected_file_keeps_every_problem_and_its_first_error_as_reason(conn) -> None:
    problems = (
        issue(Severity.WARNING, "a warning first", "H7"),
        issue(Severity.ERROR, "status missing", "I5"),
        issue(Severity.ERROR, "wrong template"),
    )
    file_id = record(conn, "bbb", Outcome.REJECTED, problems=problems)

    last = ledger.last_file(conn, "MJ", 2019)
    assert last is not None and (last.outcome, last.reason) == (Outcome.REJECTED, "status missing")
    errors = ledger.file_issues(conn, [file_id], Severity.ERROR)
    assert [(i.sheet, i.cell, i.message) for i in errors] == [
        ("Report", "I5", "status missing"),
        ("", "", "wrong template"),
    ]
    (warning,) = ledger.file_issues(conn, [file_id], Severity.WARNING)
    assert (warning.file_id, warning.severity, warning.cell) == (file_id, Severity.WARNING, "H7")
    assert ledger.current_submissions(conn, 2019) == []


def test_the_reasons_of_several_files_come_file_by_file_whatever_order_they_were_written(
    conn,
) -> None:
    first, second = record(conn, "aaa"), record(conn, "bbb")
    with transaction(conn):  # as two processes settling at once may number them
        ledger.add_issues(
            conn,
            [
                (second, issue(Severity.HOLD, "second, 1")),
                (first, issue(Severity.HOLD, "first, 1")),
                (second, issue(Severity.HOLD, "second, 2")),
                (first, issue(Severity.HOLD, "first, 2")),
            ],
        )
    found = ledger.file_issues(conn, [second, first], Severity.HOLD)
    assert [i.message for i in found] == ["first, 1", "first, 2", "second, 1", "second, 2"]


def test_a_rejected_file_with_no_period_is_unidentified(conn) -> None:
    record(conn, "ccc", Outcome.REJECTED, ministry="", period=None)
    record(conn, "ddd", Outcome.REJECTED)

    (unknown,) = ledger.unidentified_rejections(conn)
    assert (unknown.sha256, unknown.ministry, unknown.period) == ("ccc", "", None)


def test_a_duplicate_is_never_recorded(conn) -> None:
    with pytest.raises(ValueError, match="accepted, rejected or held"):
        record(conn, "eee", Outcome.DUPLICATE)
    assert ledger.known_files(conn, ["eee"]) == {}


def test_outcomes_keep_the_words_the_ledger_and_the_outputs_show() -> None:
    assert [str(o) for o in Outcome] == ["accepted", "rejected", "held", "duplicate"]


# Resubmissions


def test_a_resubmission_supersedes_the_earlier_one_and_records_what_changed(conn) -> None:
    submit(conn, "v1", {("I.01", "status"): "Ongoing", ("I.02", "status"): "Completed"})
    replaced = submit(conn, "v2", {("I.01", "status"): "Completed", ("I.03", "women"): "4"})

    assert replaced is True
    (sub,) = ledger.current_submissions(conn, 2019)
    assert sub.file_name == "v2.xlsx" and sub.supersedes is not None
    assert ledger.submission_changes(conn, sub.id) == [
        Change("I.01", "status", "Ongoing", "Completed"),
        Change("I.02", "status", "Completed", ""),
        Change("I.03", "women", "", "4"),
    ]
    assert ledger.submission_changes(conn, sub.supersedes) == []


def test_each_ministry_and_period_has_its_own_current_submission(conn) -> None:
    submit(conn, "mj", {("I.01", "status"): "Ongoing"})
    submit(conn, "mega", {("I.01", "status"): "Completed"}, ministry="MEGA")
    submit(conn, "mj2020", {("I.01", "status"): "Completed"}, period=2020)

    assert [s.ministry for s in ledger.current_submissions(conn, 2019)] == ["MEGA", "MJ"]
    assert ledger.periods(conn) == [2019, 2020]


def test_period_values_are_those_of_current_submissions_up_to_the_period(conn) -> None:
    submit(conn, "old", {("I.01", "women"): "1"}, period=2018)
    submit(conn, "first", {("I.01", "women"): "2"})
    submit(conn, "second", {("I.01", "women"): "3"})
    submit(conn, "later", {("I.01", "women"): "4"}, period=2020)

    values = sorted(ledger.period_values(conn, 2019), key=lambda v: v.period)
    assert [(v.period, v.value, v.number, v.file, v.sha256) for v in values] == [
        (2018, "1", 1.0, "old.xlsx", "old"),
        (2019, "3", 3.0, "second.xlsx", "second"),
    ]
    assert (values[0].ministry, values[0].sheet, values[0].cell, values[0].accepted) == (
        "MJ",
        "Report",
        "F5",
        WHEN,
    )


def test_last_statuses_come_from_the_latest_earlier_period(conn) -> None:
    submit(conn, "2018", {("I.01", "status"): "Not started"}, period=2018)
    submit(conn, "2019", {("I.01", "status"): "Ongoing", ("I.01", "women"): "3"})

    assert ledger.last_statuses(conn, "MJ", 2020) == {"I.01": ("Ongoing", 2019)}
    assert ledger.last_statuses(conn, "MJ", 2019) == {"I.01": ("Not started", 2018)}
    assert ledger.last_statuses(conn, "MJ", 2018) == {}


# Mail log


def sending(key: str, message_id: str, *addresses: str) -> ledger.Sending:
    recipients = tuple(ledger.Recipient(a, "Cc" if i else "To") for i, a in enumerate(addresses))
    return ledger.Sending(
        2019, "MJ", "reminder", "Reminder", key, message_id, "", "x.eml", recipients, WHEN
    )


def test_a_sending_is_pending_until_the_servers_answer_is_recorded(conn) -> None:
    with transaction(conn):
        first = ledger.record_intent(
            conn, sending("key1", "<key1@old.example>", "a@x.lu", "b@x.lu")
        )
        ledger.record_intent(conn, sending("key10", "<key10@old.example>", "c@x.lu"))

    assert [s.id for s in ledger.pending_sendings(conn)] == [first.id, first.id + 1]
    (found,) = ledger.sendings_of(conn, "key1")
    assert found == first
    assert {r.outcome for r in found.recipients} == {RecipientOutcome.PENDING}

    answered = (
        ledger.Recipient("a@x.lu", "To", RecipientOutcome.REFUSED, "550 5.1.1 unknown user"),
        ledger.Recipient("b@x.lu", "Cc", RecipientOutcome.ACCEPTED, "250 OK"),
    )
    with transaction(conn):
        ledger.record_answer(conn, first.id, answered, SendState.ANSWERED, WHEN)

    (found,) = ledger.sendings_of(conn, "key1")
    assert (found.state, found.recipients, found.settled) == (SendState.ANSWERED, answered, WHEN)
    assert [s.key for s in ledger.pending_sendings(conn)] == ["key10"]


def test_the_coordinators_word_settles_only_the_pending_recipients(conn) -> None:
    with transaction(conn):
        first = ledger.record_intent(conn, sending("key1", "<key1@x.lu>", "a@x.lu"))
        ledger.settle_pending(
            conn, first.id, SendState.CONFIRMED, RecipientOutcome.ACCEPTED, "said so", WHEN
        )
        ledger.settle_pending(
            conn, first.id, SendState.NOT_SENT, RecipientOutcome.NOT_TRIED, "", WHEN
        )

    found = ledger.find_sending(conn, first.id)
    assert found is not None and found.state is SendState.CONFIRMED
    assert found.recipients == (
        ledger.Recipient("a@x.lu", "To", RecipientOutcome.ACCEPTED, "said so"),
    )
    assert ledger.find_sending(conn, first.id + 1) is None


# Opening and migrations


def test_a_new_ledger_gets_every_migration_and_no_check_on_outcomes(conn) -> None:
    assert ledger.schema_version(conn) == LATEST
    kinds = dict(conn.execute("SELECT name, type FROM sqlite_schema WHERE type != 'index'"))
    assert {name for name, kind in kinds.items() if kind == "table"} == set(TABLES) - {
        "cell_values"
    }
    assert kinds["cell_values"] == "view"
    assert "CHECK" not in files_sql(conn)


def test_a_v1_ledger_is_migrated_in_place_keeping_every_row(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    shutil.copyfile(V1_LEDGER, path)
    before = counts(path)
    with closing(sqlite3.connect(path)) as raw, raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 1
        values_before = raw.execute(ALL_VALUES).fetchall()
        assert "CHECK (outcome IN ('accepted', 'rejected'))" in files_sql(raw)

    with connect(path) as conn:
        assert ledger.schema_version(conn) == LATEST
        assert "CHECK" not in files_sql(conn)
        assert [tuple(r) for r in conn.execute(ALL_VALUES)] == values_before
        assert all(type(r["number"]) in (float, type(None)) for r in conn.execute(ALL_VALUES))
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        files = ledger.files_of_period(conn, 2019)
        subs = ledger.current_submissions(conn, 2019)
    assert counts(path) == before
    assert [(f.id, f.ministry, f.outcome) for f in files] == [
        (1, "MJ", Outcome.ACCEPTED),
        (2, "MEGA", Outcome.ACCEPTED),
        (3, "MSI", Outcome.REJECTED),
        (4, "MEGA", Outcome.ACCEPTED),
    ]
    assert [(s.ministry, s.file_id, s.supersedes) for s in subs] == [
        ("MEGA", 4, 2),
        ("MJ", 1, None),
    ]


def test_values_are_kept_as_one_text_and_read_as_rows_of_the_view(conn) -> None:
    said = 'Deux lignes\n« citées », "entre guillemets", \\ \t 😀 \u2028 fin'
    submit(
        conn,
        "aaa",
        {("I.02", "women"): "7", ("I.01", "status"): "Ongoing", ("I.01", "activities"): said},
    )
    (sub,) = ledger.current_submissions(conn, 2019)
    (cells,) = conn.execute("SELECT cells FROM returned_values").fetchone()
    assert json.loads(cells) == [
        ["I.01", "activities", said, None, "Report", "F5"],
        ["I.01", "status", "Ongoing", None, "Report", "F5"],
        ["I.02", "women", "7", 7.0, "Report", "F5"],
    ]
    rows = conn.execute("SELECT * FROM cell_values ORDER BY action_id, field").fetchall()
    assert [tuple(r) for r in rows] == [
        (sub.id, "I.01", "activities", said, None, "Report", "F5"),
        (sub.id, "I.01", "status", "Ongoing", None, "Report", "F5"),
        (sub.id, "I.02", "women", "7", 7.0, "Report", "F5"),
    ]
    assert ledger.submission_values(conn, sub.id)[0].value == said


def test_the_view_compares_as_the_table_did(conn) -> None:
    submit(conn, "aaa", {("I.02", "women"): "7", ("I.01", "status"): "Ongoing"})
    found = conn.execute(
        "SELECT COUNT(*) FROM cell_values WHERE value = 7 AND number = '7' AND number > 6.5"
    ).fetchone()[0]
    assert found == 1  # the text '7' equals 7, the number 7.0 equals '7', as columns typed


def test_the_tools_readers_give_a_text_whole_and_minus_zero_as_zero(conn) -> None:
    """A NUL character (the escape _x0000_ of a file no spreadsheet program wrote) ends a
    text in SQLite's json_extract, so in the view; the tool reads the texts itself."""
    said = "before\x00after"
    file_id = record(conn, "aaa")
    cells = [
        CellValue("I.01", "activities", said, None, "Report", "N5"),
        CellValue("I.01", "status", "Ongoing", None, "Report", "F5"),
        CellValue("I.01", "women", "0", -0.0, "Report", "H5"),
    ]
    new = ledger.NewSubmission(
        file_id, "MJ", 2019, "plan", "2020-01-15", WHEN, ledger.encode_values(cells)
    )
    with transaction(conn):
        (submission_id,) = ledger.add_submissions(conn, [new])
        ledger.apply_submission(conn, submission_id)
    (activities, _, women) = ledger.submission_values(conn, submission_id)
    assert activities.value == said
    assert women.number == 0.0 and math.copysign(1, women.number) == 1  # not printed "-0"
    read = {(v.field, v.value, v.number) for v in ledger.period_values(conn, 2019)}
    assert ("activities", said, None) in read
    assert math.copysign(1, next(n for f, _, n in read if f == "women")) == 1
    assert ledger.period_statuses(conn, "MJ", 2019) == {"I.01": "Ongoing"}
    assert ledger.last_statuses(conn, "MJ", 2020) == {"I.01": ("Ongoing", 2019)}


@pytest.mark.parametrize(
    ("values", "refused"),
    [
        ([("I.01", "women", "1", 1.0), ("I.01", "women", "2", 2.0)], "two values"),
        ([("I.01", "women", "nan", math.nan)], "Out of range float"),
    ],
)
def test_values_the_table_key_or_json_would_refuse_are_refused(values, refused) -> None:
    with pytest.raises(ValueError, match=refused):
        ledger.encode_values([CellValue(*v, "Report", "F5") for v in values])


def test_a_new_outcome_needs_no_table_rebuild(conn) -> None:
    conn.execute(
        """INSERT INTO files (sha256, name, size, received, outcome, stored_path)
           VALUES ('fff', 'f.xlsx', 1, ?, 'held', 'archive/f.xlsx')""",
        (WHEN,),
    )


def test_status_consolidate_and_report_work_on_a_migrated_v1_ledger(tmp_path: Path) -> None:
    ws = Workspace.open(tmp_path / "ws", create=True)
    shutil.copyfile(V1_LEDGER, ws.ledger_path)

    status = period_status(ws, 2019)
    by_code = {m.code: m for m in status.ministries}
    assert status.deadline == dt.date(2020, 3, 31)
    assert (by_code["MJ"].accepted_file, by_code["MJ"].changes) == ("MJ 2019.xlsx", [])
    assert by_code["MEGA"].accepted_file == "MEGA 2019 v2.xlsx"
    assert len(by_code["MEGA"].changes) == 58
    assert by_code["MSI"].missing and by_code["MSI"].last_outcome is Outcome.REJECTED
    assert by_code["MSI"].first_reason.startswith("status 'Finished' is not one of")
    assert set(status.missing) == {m.code for m in status.ministries} - {"MJ", "MEGA"}

    (workbook,) = consolidate(ws, 2019)
    assert workbook.is_file()
    assert write_report(ws, 2019).is_file()


def test_a_ledger_newer_than_the_code_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    open_ledger(path)
    with closing(sqlite3.connect(path)) as raw, raw:
        raw.execute(f"PRAGMA user_version = {LATEST + 1}")

    with pytest.raises(NapError, match="written by a newer version of the tool; upgrade it"):
        open_ledger(path)
    with closing(sqlite3.connect(path)) as raw, raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == LATEST + 1


def test_a_damaged_file_is_reported_as_a_ledger_to_restore(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    path.write_bytes(b"this is not a database, whatever its name says\n" * 100)

    with pytest.raises(NapError, match=r"is damaged \(file is not a database\); restore it from"):
        open_ledger(path)


def test_an_error_in_a_query_is_not_disguised_as_a_damaged_ledger(conn) -> None:
    with pytest.raises(sqlite3.OperationalError, match="no such column: misspelt"):
        conn.execute("SELECT misspelt FROM files")


def test_a_failing_step_leaves_the_ledger_at_the_step_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "ledger.sqlite"
    open_ledger(path)
    broken = (LATEST + 1, "CREATE TABLE extra (x INTEGER);\nSELECT misspelt FROM files;")
    monkeypatch.setattr(ledger.connection, "MIGRATIONS", (*ledger.connection.MIGRATIONS, broken))
    monkeypatch.setattr(ledger.connection, "LATEST", LATEST + 1)

    with pytest.raises(NapError, match="cannot be used"):
        open_ledger(path)
    with closing(sqlite3.connect(path)) as raw, raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == LATEST
        assert raw.execute("SELECT name FROM sqlite_schema WHERE name = 'extra'").fetchall() == []
