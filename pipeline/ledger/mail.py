"""The messages sent by SMTP, each recipient's outcome with it: recorded before the message
is handed to the server and settled after, so a later run neither loses nor doubles one."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from pipeline.ledger.connection import Connection, placeholders


class SendState(StrEnum):
    PENDING = "pending"  # recorded before sending; the server's answer is not recorded
    ANSWERED = "answered"  # the server answered for every recipient: see their outcomes
    CONFIRMED = "confirmed"  # was pending; the coordinator found it delivered
    NOT_SENT = "not-sent"  # stopped before the server had it, or the coordinator found so
    RESENT = "resent"  # was pending; sent again with --resend instead


class RecipientOutcome(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REFUSED = "refused"  # the address, at RCPT: contacts.csv needs correcting
    REJECTED = "rejected"  # the message itself, after its data (a quota, a filter)
    NOT_TRIED = "not-tried"


@dataclass(frozen=True)
class Recipient:
    address: str  # as sent (ASCII)
    header: str  # To or Cc
    outcome: RecipientOutcome = RecipientOutcome.PENDING
    reply: str = ""  # the server's code and text


@dataclass(frozen=True)
class Sending:
    """One attempt to send one message; a message is known by its key across attempts."""

    period: int
    ministry: str
    kind: str  # templates, reminder
    subject: str
    key: str  # the first Message-ID without its domain
    message_id: str  # as sent: a new one for each --resend
    refs: str  # the Message-ID sent first, for a --resend
    path: str  # the .eml file, relative to the workspace
    recipients: tuple[Recipient, ...]
    started: str  # ISO time the intent was recorded
    state: SendState = SendState.PENDING
    settled: str = ""  # ISO time the answer, or the coordinator's word, was recorded
    id: int = 0


# Named as the fields of Sending.
_COLUMNS = (
    "period, ministry, kind, subject, message_key AS key, message_id, refs, path, started, "
    "state, sent AS settled, id"
)


def record_intent(conn: Connection, sending: Sending) -> Sending:
    """Before the message goes to the server: a crash or a busy ledger after this point leaves
    a pending sending, which the next run reports instead of sending again."""
    cursor = conn.execute(
        """INSERT INTO mail_log (period, ministry, kind, recipients, subject, message_id,
                                 mode, path, sent, message_key, refs, state, started)
           VALUES (?, ?, ?, ?, ?, ?, 'smtp', ?, '', ?, ?, ?, ?)""",
        (
            sending.period,
            sending.ministry,
            sending.kind,
            ", ".join(r.address for r in sending.recipients),
            sending.subject,
            sending.message_id,
            sending.path,
            sending.key,
            sending.refs,
            SendState.PENDING,
            sending.started,
        ),
    )
    mail_id = int(cursor.lastrowid or 0)
    conn.executemany(
        """INSERT INTO mail_recipients (mail_id, address, header, outcome, reply)
           VALUES (?, ?, ?, ?, ?)""",
        [(mail_id, r.address, r.header, r.outcome, r.reply) for r in sending.recipients],
    )
    return replace(sending, id=mail_id, state=SendState.PENDING)


def record_answer(
    conn: Connection, mail_id: int, recipients: Iterable[Recipient], state: SendState, when: str
) -> None:
    """The outcome of each recipient, once the server has answered (or the run stopped)."""
    conn.executemany(
        "UPDATE mail_recipients SET outcome = ?, reply = ? WHERE mail_id = ? AND address = ?",
        [(r.outcome, r.reply, mail_id, r.address) for r in recipients],
    )
    conn.execute("UPDATE mail_log SET state = ?, sent = ? WHERE id = ?", (state, when, mail_id))


def settle_pending(
    conn: Connection,
    mail_id: int,
    state: SendState,
    outcome: RecipientOutcome,
    reply: str,
    when: str,
) -> None:
    """A pending sending decided without the server: its pending recipients get `outcome`."""
    conn.execute(
        """UPDATE mail_recipients SET outcome = ?, reply = ?
           WHERE mail_id = ? AND outcome = 'pending'""",
        (outcome, reply, mail_id),
    )
    conn.execute(
        "UPDATE mail_log SET state = ?, sent = ? WHERE id = ? AND state = 'pending'",
        (state, when, mail_id),
    )


def sendings_of(conn: Connection, key: str) -> list[Sending]:
    """Every attempt to send the message of this key, oldest first."""
    return _sendings(conn, "message_key = ?", (key,))


def pending_sendings(conn: Connection) -> list[Sending]:
    """The sendings whose outcome nobody knows: for the coordinator to decide."""
    return _sendings(conn, "state = 'pending'", ())


def find_sending(conn: Connection, mail_id: int) -> Sending | None:
    found = _sendings(conn, "id = ?", (mail_id,))
    return found[0] if found else None


def _sendings(conn: Connection, where: str, params: Sequence[object]) -> list[Sending]:
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM mail_log WHERE mode = 'smtp' AND {where} ORDER BY id", params
    ).fetchall()
    recipients: dict[int, list[Recipient]] = {row["id"]: [] for row in rows}
    for mail_id, address, header, outcome, reply in conn.execute(
        f"""SELECT mail_id, address, header, outcome, reply FROM mail_recipients
            WHERE mail_id IN ({placeholders(recipients)}) ORDER BY rowid""",
        list(recipients),
    ):
        recipients[mail_id].append(Recipient(address, header, RecipientOutcome(outcome), reply))
    return [
        Sending(
            **{**dict(row), "state": SendState(row["state"])},
            recipients=tuple(recipients[row["id"]]),
        )
        for row in rows
    ]
