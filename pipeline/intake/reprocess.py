"""Read rejected files again from the archive, for rejections that were the office's doing (the
wrong signing key in use, a crash, a full disk): no one has to find and drop them again, and
dropping the same bytes would only be recognised as a duplicate."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from pipeline.failures import NapError, UsageError
from pipeline.intake.closing import current_user, now_here
from pipeline.intake.ingest import (
    FileOutcome,
    IngestReport,
    Read,
    archive_path,
    check_file,
    checked_outcome,
    explain_rejection,
    place,
    reading,
    record_values,
    settled_outcomes,
)
from pipeline.intake.review import Clock, standing
from pipeline.intake.settle import apply_or_hold
from pipeline.ledger import (
    Connection,
    FileRecord,
    Kind,
    Outcome,
    connect,
    file_issues,
    file_submission,
    get_file,
    record_decision,
    record_reading,
    rejected_by_checks,
    transaction,
)
from pipeline.locking import DEFAULT_WAIT, workspace_lock
from pipeline.problems import Severity, errors
from pipeline.signing import office_key
from pipeline.workspace import Workspace


def reprocess(
    ws: Workspace,
    file_ids: Sequence[int] = (),
    *,
    rejected: bool = False,
    now: Clock = now_here,
    wait: float = DEFAULT_WAIT,
) -> IngestReport:
    """Check the archived copies again, as ingest would have; a file now valid is applied or
    held like any return received when it first was. `rejected`: every file the checks
    rejected."""
    if not file_ids and not rejected:
        raise UsageError("give the numbers of the files to read again, or --rejected for all")
    with workspace_lock(ws, wait):
        key = office_key(ws).key
        report = IngestReport()
        with connect(ws.ledger_path) as conn:
            for file in _targets(conn, file_ids, rejected):
                report.outcomes.append(_read_again(ws, conn, file, key, now))
            report.outcomes += settled_outcomes(report.outcomes, apply_or_hold(ws, conn))
    return report


def _targets(conn: Connection, file_ids: Sequence[int], rejected: bool) -> list[FileRecord]:
    chosen = {f.id: f for f in rejected_by_checks(conn)} if rejected else {}
    for file_id in file_ids:
        file = get_file(conn, file_id)
        if file is None:
            raise UsageError(f"the ledger has no file {file_id}; nap status lists rejected files")
        sub = file_submission(conn, file_id)
        if sub is not None or file.outcome is not Outcome.REJECTED:
            raise UsageError(f"file {file_id} ({file.name}) {standing(file, sub)}")
        chosen[file_id] = file
    return [chosen[i] for i in sorted(chosen)]


def _read_again(
    ws: Workspace, conn: Connection, file: FileRecord, key: bytes, now: Clock
) -> FileOutcome:
    stored = ws.root / file.stored_path
    read = check_file(stored, ws.shelf, key) if stored.is_file() else None
    if read is None or read.gone:
        raise NapError(
            f"the archived copy of file {file.id} ({file.name}) is missing: {stored}; "
            "restore it from the backup"
        )
    if read.sha256 != file.sha256:
        raise NapError(
            f"the archived copy of file {file.id} was changed since it was received "
            f"(sha256 differs): {stored}; restore it from the backup"
        )
    outcome = checked_outcome(file.name, file.sha256, read.checked, file.stored_path)
    outcome.file_id = file.id
    if read.checked.accepted or _found(read) != _found_before(conn, file):
        _record_again(ws, conn, file, read, outcome, now)
    return outcome


def _record_again(
    ws: Workspace,
    conn: Connection,
    file: FileRecord,
    read: Read,
    outcome: FileOutcome,
    now: Clock,
) -> None:
    """A valid file moves where accepted files are kept, its values to be settled; one still
    rejected, for other reasons (identified now, with errors in its cells), is explained
    anew."""
    old = ws.root / file.stored_path
    valid = read.checked.accepted
    if valid:
        outcome.stored_path = str(archive_path(read.checked, file.sha256, file.name))
        place(old, ws.root / outcome.stored_path)
    else:
        explain_rejection(ws, outcome, old, dt.datetime.fromisoformat(file.received))
    with transaction(conn):
        record_reading(conn, file.id, **reading(outcome, read))
        if valid:
            record_values(conn, file.id, read.checked, file.received)
        _decide(conn, outcome, now)
    if valid and ws.root / outcome.stored_path != old:
        old.unlink()  # its .reasons.txt stays beside where it was, the record of that reading


def _decide(conn: Connection, outcome: FileOutcome, now: Clock) -> None:
    record_decision(
        conn,
        Kind.REPROCESS,
        period=outcome.period,
        ministry=outcome.ministry,
        file_id=outcome.file_id,
        who=current_user(),
        made=now().isoformat(timespec="seconds"),
    )


def _found(read: Read) -> set[tuple[str, str, str]]:
    return {(p.code, p.sheet, p.cell) for p in errors(read.checked.problems)}


def _found_before(conn: Connection, file: FileRecord) -> set[tuple[str, str, str]]:
    return {(i.code, i.sheet, i.cell) for i in file_issues(conn, [file.id], Severity.ERROR)}
