"""The coordinator's decisions on held returns: what waits and what it would change, then
accept, reject, or revert a decision made by mistake. Each decision is kept in the ledger with
who made it (the user account running the command), when, and why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from string import Template

from pipeline.failures import UsageError
from pipeline.intake.closing import current_user, now_here, refuse_if_closed
from pipeline.intake.ingest import FileOutcome, explain_rejection
from pipeline.intake.settle import apply
from pipeline.ledger import (
    Change,
    Connection,
    Decision,
    FileRecord,
    Issue,
    Kind,
    Outcome,
    State,
    Submission,
    connect,
    current_submission,
    file_decisions,
    file_issues,
    file_submission,
    get_file,
    record_decision,
    record_issues,
    remove_issues,
    set_outcome,
    set_state,
    submission_values,
    submissions_in_state,
    transaction,
    value_changes,
    withdraw_submission,
)
from pipeline.locking import DEFAULT_WAIT, workspace_lock
from pipeline.problems import Severity, problem
from pipeline.workspace import Workspace

Clock = Callable[[], dt.datetime]


@dataclass(frozen=True)
class HeldReturn:
    """A return that waits for a decision, why, and what accepting it would change."""

    file: FileRecord
    reasons: list[Issue]  # recorded when it was held
    decisions: list[Decision]  # earlier decisions on it, e.g. one reverted since
    accepted: Submission | None  # the ministry's current return, which it would replace
    changes: list[Change]  # against that return; every value when there is none


def held_returns(ws: Workspace, period: int | None = None) -> list[HeldReturn]:
    """By period, ministry, then in the order received."""
    if period is not None:
        ws.check_period(period)
    with connect(ws.ledger_path) as conn:
        return [_held(conn, sub) for sub in submissions_in_state(conn, State.HELD, period)]


def _held(conn: Connection, sub: Submission) -> HeldReturn:
    file = get_file(conn, sub.file_id)
    assert file is not None
    accepted = current_submission(conn, sub.ministry, sub.period)
    if accepted is not None:
        changes = value_changes(conn, accepted.id, sub.id)
    else:
        values = submission_values(conn, sub.id)
        changes = [Change(v.action_id, v.field, "", v.value) for v in values]
    return HeldReturn(
        file,
        file_issues(conn, [file.id], Severity.HOLD),
        file_decisions(conn, file.id),
        accepted,
        changes,
    )


@dataclass(frozen=True)
class Decided:
    """What a decision did, for the coordinator to read back."""

    kind: Kind
    file: FileRecord
    other: str = ""  # the return replaced (accept) or in force again (revert), if any
    feedback: str = ""  # the feedback workbook the ministry gets (reject)


def decide(
    ws: Workspace,
    kind: Kind,
    file_id: int,
    *,
    reason: str = "",
    now: Clock = now_here,
    wait: float = DEFAULT_WAIT,
) -> Decided:
    """Accept, reject or revert: the decision and its record in one transaction. A reason is
    optional to accept, required to reject (the ministry reads it) and to revert."""
    if kind is not Kind.ACCEPT:
        reason = _given(reason, kind.value)
    with workspace_lock(ws, wait), connect(ws.ledger_path) as conn:
        return DECISIONS[kind](ws, conn, file_id, " ".join(reason.split()), now)


def _accept(ws: Workspace, conn: Connection, file_id: int, reason: str, now: Clock) -> Decided:
    """The held return becomes the ministry's return for its period."""
    file, sub = _held_file(conn, file_id)
    refuse_if_closed(conn, sub.period, f"accept file {file_id}")
    before = current_submission(conn, sub.ministry, sub.period)
    with transaction(conn):
        apply(conn, sub)
        _record(conn, Kind.ACCEPT, file, reason, now)
    return Decided(Kind.ACCEPT, file, before.file_name if before else "")


def _reject(ws: Workspace, conn: Connection, file_id: int, reason: str, now: Clock) -> Decided:
    """The ministry gets the reason in a feedback workbook (its own file), attached to its
    next reminder."""
    file, sub = _held_file(conn, file_id)
    refused = problem("return-refused", file=file.name, ministry=file.ministry, reason=reason)
    outcome = FileOutcome(
        file.name, file.sha256, Outcome.REJECTED, file.stored_path, file.ministry, file.period,
        [refused],
    )  # fmt: skip
    explain_rejection(ws, outcome, ws.root / file.stored_path, now())
    with transaction(conn):
        set_state(conn, sub.id, State.REFUSED)
        record_issues(conn, file_id, [refused])
        set_outcome(
            conn, file_id, Outcome.REJECTED, reason=refused.message,
            feedback_path=outcome.feedback_path,
        )  # fmt: skip
        _record(conn, Kind.REJECT, file, reason, now)
    return Decided(Kind.REJECT, file, feedback=outcome.feedback_path)


def _revert(ws: Workspace, conn: Connection, file_id: int, reason: str, now: Clock) -> Decided:
    """An accepted return is taken back (the one it replaced is in force again), a rejected
    one is no longer rejected; either way it waits for a decision again. A decision a run
    made (a return applied at once) is undone the same way."""
    file, sub = _decided_file(conn, file_id)
    if sub.state is not State.REFUSED:
        refuse_if_closed(conn, sub.period, f"revert file {file_id}")
    with transaction(conn):
        if sub.state is State.REFUSED:
            set_state(conn, sub.id, State.HELD)
            remove_issues(conn, file_id, ["return-refused"])
        else:
            withdraw_submission(conn, sub.id, State.HELD)
        set_outcome(conn, file_id, Outcome.HELD, reason=f"decision reverted: {reason}")
        _record(conn, Kind.REVERT, file, reason, now)
        restored = current_submission(conn, sub.ministry, sub.period)
    return Decided(Kind.REVERT, file, restored.file_name if restored else "")


Decide = Callable[[Workspace, Connection, int, str, Clock], Decided]
DECISIONS: dict[Kind, Decide] = {Kind.ACCEPT: _accept, Kind.REJECT: _reject, Kind.REVERT: _revert}


def _given(reason: str, verb: str) -> str:
    reason = " ".join(reason.split())
    if not reason:
        raise UsageError(f"say why you {verb} it with --reason TEXT: the reason is recorded")
    return reason


def _record(conn: Connection, kind: Kind, file: FileRecord, reason: str, now: Clock) -> None:
    record_decision(
        conn,
        kind,
        period=file.period,
        ministry=file.ministry,
        file_id=file.id,
        who=current_user(),
        made=now().isoformat(timespec="seconds"),
        reason=reason,
    )


def _file(conn: Connection, file_id: int) -> tuple[FileRecord, Submission | None]:
    file = get_file(conn, file_id)
    if file is None:
        raise UsageError(
            f"the ledger has no file {file_id}; nap review lists the held returns with their "
            "numbers, nap status the rejected files"
        )
    return file, file_submission(conn, file_id)


def _held_file(conn: Connection, file_id: int) -> tuple[FileRecord, Submission]:
    file, sub = _file(conn, file_id)
    if sub is not None and sub.state is State.HELD:
        return file, sub
    raise UsageError(f"file {file_id} ({file.name}) {standing(file, sub)}")


def _decided_file(conn: Connection, file_id: int) -> tuple[FileRecord, Submission]:
    """A return accepted and in force, or refused by the coordinator: what revert undoes."""
    file, sub = _file(conn, file_id)
    if sub is not None and (sub.current or sub.state is State.REFUSED):
        return file, sub
    if sub is not None and sub.state is State.APPLIED:
        now_current = current_submission(conn, sub.ministry, sub.period)
        assert now_current is not None
        raise UsageError(
            f"file {file_id} ({file.name}) is no longer the return in force of {sub.ministry} "
            f"for {sub.period}: file {now_current.file_id} replaced it; revert that one first"
        )
    raise UsageError(f"file {file_id} ({file.name}) {standing(file, sub)}")


def standing(file: FileRecord, sub: Submission | None) -> str:
    """Where a file stands, and the command that applies to it."""
    if sub is None:
        return (
            "was rejected by the checks, it holds no return to decide on; if it was rejected "
            f"by mistake, nap reprocess {file.id} reads it again"
        )
    return {
        State.NEW: "is not settled yet: run nap ingest first",
        State.HELD: f"waits for a decision: nap accept {file.id}, or nap reject {file.id} "
        "--reason TEXT",
        State.APPLIED: f"is already accepted; nap revert {file.id} --reason TEXT takes it back",
        State.REFUSED: f"was rejected by the coordinator; nap revert {file.id} --reason TEXT "
        "puts it back to review",
    }[sub.state]


# What a decision did to its $object (a file or a period), as the line of describe() says it.
VERBS = {
    Kind.ACCEPT: "accepted $object",
    Kind.REJECT: "rejected $object",
    Kind.REVERT: "reverted the decision on $object",
    Kind.CLOSE: "closed the period $object",
    Kind.REOPEN: "reopened the period $object",
    Kind.REPROCESS: "read again $object",
}


def _in_english(english: str, **extra: object) -> str:
    return Template(english).safe_substitute({k: str(v) for k, v in extra.items()})


def describe(
    decision: Decision,
    say: Callable[..., str] = _in_english,
    label: Callable[[str], str] = lambda text: f"{text}: ",
) -> str:
    """One line a person reads: when, who, what, why. `say` puts each English phrase, with
    its $placeholders, into the reader's language, and `label` sets off who decided; the
    consolidated workbook passes those of its wording (Wording.phrase and Wording.label)."""
    when = decision.made[:16].replace("T", " ")
    if decision.file_id is None:
        thing = str(decision.period)
    elif decision.ministry:
        thing = say(
            "$ministry file $number ($name)",
            ministry=decision.ministry, number=decision.file_id, name=decision.file_name,
        )  # fmt: skip
    else:
        thing = say("file $number ($name)", number=decision.file_id, name=decision.file_name)
    why = say("; why: $reason", reason=decision.reason) if decision.reason else ""
    return label(f"{when} {decision.who}") + say(VERBS[decision.kind], object=thing) + why
