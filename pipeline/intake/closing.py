"""Closing a period: once its report is final, every return for it waits for the coordinator
and its consolidated workbook and report are kept as they are; reopening is the recorded way
back."""

from __future__ import annotations

import datetime as dt
import getpass
import os
from collections.abc import Callable

from pipeline.failures import NapError, UsageError
from pipeline.ledger import (
    Connection,
    Decision,
    Kind,
    closing,
    connect,
    get_decision,
    record_decision,
    transaction,
)
from pipeline.locking import DEFAULT_WAIT, workspace_lock
from pipeline.workspace import Workspace


def current_user() -> str:
    """Who decides: the account running the command, as the system names it."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return f"uid {os.getuid()}"


def now_here() -> dt.datetime:
    """The time of a decision, in the zone of the machine."""
    return dt.datetime.now().astimezone()


def closed(ws: Workspace, period: int) -> Decision | None:
    """The decision that closed the period, while it is closed."""
    if not ws.ledger_path.exists():
        return None
    with connect(ws.ledger_path) as conn:
        return closing(conn, period)


def refuse_if_closed(conn: Connection, period: int | None, what: str) -> None:
    """Stop a change to a closed period's data or outputs, saying how to reopen it."""
    decision = closing(conn, period) if period is not None else None
    if decision is not None:
        raise NapError(f"cannot {what}: {closed_note(decision)}")


def check_open(ws: Workspace, period: int, what: str) -> None:
    """For the writers of a period's outputs: a closed period's stay as they are."""
    decision = closed(ws, period)
    if decision is not None:
        raise NapError(f"cannot {what}: {closed_note(decision)}")


def closed_note(decision: Decision) -> str:
    when = decision.made[:16].replace("T", " ")
    return (
        f"period {decision.period} was closed on {when} by {decision.who}, and its "
        "consolidated workbook and report are kept as they are; to change them: "
        f"nap reopen --period {decision.period} --reason TEXT"
    )


def close_period(
    ws: Workspace,
    period: int,
    *,
    reason: str = "",
    now: Callable[[], dt.datetime] = now_here,
    wait: float = DEFAULT_WAIT,
) -> Decision:
    """From now on every return for the period is held, and its outputs are not rewritten."""
    ws.check_period(period)
    with workspace_lock(ws, wait), connect(ws.ledger_path) as conn:
        earlier = closing(conn, period)
        if earlier is not None:
            raise UsageError(f"period {period} is already closed: {closed_note(earlier)}")
        return _decide(conn, Kind.CLOSE, period, reason, now)


def reopen_period(
    ws: Workspace,
    period: int,
    *,
    reason: str,
    now: Callable[[], dt.datetime] = now_here,
    wait: float = DEFAULT_WAIT,
) -> Decision:
    """Returns for the period apply again as before; those held meanwhile stay held."""
    ws.check_period(period)
    if not reason.strip():
        raise UsageError("say why the period is reopened with --reason TEXT: it is recorded")
    with workspace_lock(ws, wait), connect(ws.ledger_path) as conn:
        if closing(conn, period) is None:
            raise UsageError(f"period {period} is not closed; nothing to reopen")
        return _decide(conn, Kind.REOPEN, period, reason, now)


def _decide(
    conn: Connection, kind: Kind, period: int, reason: str, now: Callable[[], dt.datetime]
) -> Decision:
    with transaction(conn):
        decision_id = record_decision(
            conn,
            kind,
            period=period,
            who=current_user(),
            made=now().isoformat(timespec="seconds"),
            reason=" ".join(reason.split()),
        )
    return get_decision(conn, decision_id)
