"""The sendings whose outcome nobody knows, and the coordinator's word on each: a message is
never sent twice without it."""

from __future__ import annotations

import datetime as dt

from pipeline.failures import UsageError
from pipeline.ledger import (
    RecipientOutcome,
    Sending,
    SendState,
    connect,
    find_sending,
    pending_sendings,
    settle_pending,
    transaction,
)
from pipeline.locking import DEFAULT_WAIT, workspace_lock
from pipeline.workspace import Workspace

FINDINGS = {
    True: (SendState.CONFIRMED, RecipientOutcome.ACCEPTED, "delivered, said the coordinator"),
    False: (SendState.NOT_SENT, RecipientOutcome.NOT_TRIED, "not delivered, said the coordinator"),
}


def pending_messages(ws: Workspace, *, wait: float = DEFAULT_WAIT) -> list[Sending]:
    """Oldest first; none in a workspace that never sent anything."""
    if not ws.ledger_path.exists():
        return []
    with connect(ws.ledger_path, wait=wait) as conn:
        return pending_sendings(conn)


def confirm(
    ws: Workspace, mail_id: int, *, delivered: bool = True, wait: float = DEFAULT_WAIT
) -> Sending:
    """Record the coordinator's finding on a pending sending: delivered (no run sends it
    again) or not delivered (the next run sends it, under the same Message-ID)."""
    if not ws.ledger_path.exists():
        raise UsageError(f"no sending #{mail_id}: nothing was ever sent from {ws.root}")
    with workspace_lock(ws, wait), connect(ws.ledger_path, wait=wait) as conn:
        sending = find_sending(conn, mail_id)
        if sending is None:
            raise UsageError(f"no sending #{mail_id} in the ledger; nap mail pending lists them")
        if sending.state is not SendState.PENDING:
            raise UsageError(
                f"sending #{mail_id} is not pending: it is {sending.state} "
                f"({sending.settled[:16].replace('T', ' ')}); nap mail pending lists those that are"
            )
        state, outcome, note = FINDINGS[delivered]
        when = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        with transaction(conn):
            settle_pending(conn, mail_id, state, outcome, note, when)
        settled = find_sending(conn, mail_id)
    assert settled is not None
    return settled
