"""Delivering the messages: .eml files, and SMTP on request, so that none is lost or doubled.

Each sending is recorded in the ledger before the message goes to the server, and settled
with every recipient's outcome after. A message is sent only to the recipients that do not
have it yet: a later run sends nothing twice, and sends a message whose address was refused
to that recipient only (at the address contacts.csv now gives). A sending left unsettled (a
crash, a connection cut before the server's answer, a ledger busy beyond --wait) is never
repeated blindly: it is listed by `nap mail pending` for the coordinator to decide.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.atomic import atomic_path
from pipeline.delivery.compose import MAIL_POLICY, Message
from pipeline.delivery.outcome import Delivery, DeliveryStatus, MailReport
from pipeline.delivery.smtp import Interrupted, Reply, Server, Session, smtp_settings
from pipeline.delivery.trouble import describe, describe_unanswered
from pipeline.failures import NapError, UsageError
from pipeline.ledger import (
    Connection,
    Recipient,
    RecipientOutcome,
    Sending,
    SendState,
    connect,
    record_answer,
    record_intent,
    sendings_of,
    settle_pending,
    transaction,
)
from pipeline.locking import DEFAULT_WAIT, workspace_lock
from pipeline.workspace import Workspace


def deliver(
    ws: Workspace,
    period: int,
    messages: Sequence[Message],
    *,
    send: bool = False,
    resend: bool = False,
    wait: float = DEFAULT_WAIT,
) -> MailReport:
    """Write every message to outbox/<period>/mail/<kind>_<CODE>.eml; with `send`, also send
    each to the recipients that do not have it yet (to all of them, as a new message, with
    `resend`) and record every recipient's outcome in the ledger."""
    if resend and not send:
        raise UsageError("--resend only applies with --send")
    if not send:
        return MailReport(
            [_delivery(m, _write_eml(ws, period, m), DeliveryStatus.WRITTEN) for m in messages]
        )
    server = smtp_settings(ws)
    with workspace_lock(ws, wait), connect(ws.ledger_path, wait=wait) as conn:
        outgoing = [_outgoing(conn, m, resend) for m in messages]
        paths = [_write_eml(ws, period, o.message) for o in outgoing]
        return _send_all(ws, conn, period, outgoing, paths, server)


def _write_eml(ws: Workspace, period: int, message: Message) -> Path:
    """Atomically, so an .eml file is never half written. X-Unsent makes Outlook open it as a
    draft, ready to check and send; other programs ignore it."""
    path = ws.mail_dir(period) / f"{message.kind}_{message.ministry}.eml"
    with atomic_path(path, held_by="a mail program") as tmp:
        tmp.write_bytes(b"X-Unsent: 1\r\n" + message.email.as_bytes())
    return path


def _delivery(
    message: Message,
    path: Path,
    status: DeliveryStatus,
    recipients: Sequence[Recipient] | None = None,
    detail: str = "",
) -> Delivery:
    chosen = message.recipients if recipients is None else tuple(recipients)
    return Delivery(
        message.ministry, message.kind, path, status, chosen, detail, message.contact_line
    )


@dataclass(frozen=True)
class Outgoing:
    """A message as this run will treat it, after reading what earlier runs did with it."""

    message: Message
    to: tuple[Recipient, ...]  # the recipients to send it to now
    held: DeliveryStatus | None = None  # SKIPPED or PENDING: not sent, and why
    detail: str = ""
    superseded: tuple[int, ...] = ()  # pending sendings that a --resend replaces


def _outgoing(conn: Connection, message: Message, resend: bool) -> Outgoing:
    earlier = sendings_of(conn, message.key)
    if resend:
        if earlier:
            number = len({s.message_id for s in earlier})
            domain = message.message_id.strip("<>").rpartition("@")[2]
            message = message.identified(
                f"<{message.key}.r{number}@{domain}>", earlier[0].message_id
            )
        pending = tuple(s.id for s in earlier if s.state is SendState.PENDING)
        return Outgoing(message, message.recipients, superseded=pending)
    if earlier:
        message = message.identified(earlier[-1].message_id, earlier[-1].refs)
    pending = [s for s in earlier if s.state is SendState.PENDING]
    if pending:
        detail = f"sending #{pending[-1].id} of {_when(pending[-1].started)} is unconfirmed"
        return Outgoing(message, (), DeliveryStatus.PENDING, detail)
    have = {
        r.address.lower()
        for s in earlier
        for r in s.recipients
        if r.outcome is RecipientOutcome.ACCEPTED
    }
    to = tuple(r for r in message.recipients if r.address.lower() not in have)
    if not to:
        sent = max(s.settled for s in earlier if s.state is not SendState.NOT_SENT)
        addresses = ", ".join(r.address for r in message.recipients)
        detail = f"sent {_when(sent)} to {addresses}; --resend to send again"
        return Outgoing(message, (), DeliveryStatus.SKIPPED, detail)
    return Outgoing(message, to)


def _when(iso: str) -> str:
    return iso[:16].replace("T", " ")


def _send_all(
    ws: Workspace,
    conn: Connection,
    period: int,
    outgoing: Sequence[Outgoing],
    paths: Sequence[Path],
    server: Server,
) -> MailReport:
    report = MailReport()
    session = Session(server)
    try:
        for item, path in zip(outgoing, paths, strict=True):
            if item.held:
                delivery = _delivery(item.message, path, item.held, detail=item.detail)
            elif report.failure:
                delivery = _delivery(item.message, path, DeliveryStatus.NOT_SENT, item.to)
            else:
                intent = _intent(ws, period, item, path)
                delivery = _send_one(conn, item, path, intent, session, report)
            report.deliveries.append(delivery)
    finally:
        session.close()
    if report.failure and report.count(DeliveryStatus.NOT_SENT):
        report.failure += "; run the command again to send the messages not sent"
    return report


def _intent(ws: Workspace, period: int, item: Outgoing, path: Path) -> Sending:
    email = item.message.email
    return Sending(
        period=period,
        ministry=item.message.ministry,
        kind=item.message.kind,
        subject=str(email["Subject"]),
        key=item.message.key,
        message_id=item.message.message_id,
        refs=str(email["References"] or ""),
        path=str(path.relative_to(ws.root)),
        recipients=item.to,
        started=_now(),
    )


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _send_one(
    conn: Connection,
    item: Outgoing,
    path: Path,
    intent: Sending,
    session: Session,
    report: MailReport,
) -> Delivery:
    """Record, send, confirm. Whatever fails is told apart: nothing sent (the run stops, the
    message is sent by the next run), or sent with its outcome unknown (pending)."""
    message, doing = item.message, f"the {item.message.kind} message to {item.message.ministry}"
    try:
        session.open()
        with transaction(conn):
            sending = record_intent(conn, intent)
            for mail_id in item.superseded:
                settle_pending(
                    conn, mail_id, SendState.RESENT, RecipientOutcome.PENDING, "", _now()
                )
    except (OSError, NapError) as exc:
        report.failure = describe(session.server, exc) if isinstance(exc, OSError) else str(exc)
        return _delivery(message, path, DeliveryStatus.NOT_SENT, item.to)
    data = message.email.as_bytes(policy=MAIL_POLICY)
    sender = session.server.smtp.sender.ascii_address
    try:
        replies = session.transact(sender, [r.address for r in item.to], data)
    except Interrupted as exc:
        report.failure = describe_unanswered(session.server, exc.cause, doing)
        return _delivery(message, path, DeliveryStatus.PENDING, item.to, f"sending #{sending.id}")
    except OSError as exc:
        report.failure = describe(session.server, exc, doing)
        replies = {r.address: Reply(0, f"not sent: {exc}") for r in item.to}
        return _settle(conn, message, path, sending, replies, report, SendState.NOT_SENT)
    return _settle(conn, message, path, sending, replies, report, SendState.ANSWERED)


def _settle(
    conn: Connection,
    message: Message,
    path: Path,
    sending: Sending,
    replies: dict[str, Reply],
    report: MailReport,
    state: SendState,
) -> Delivery:
    """The server's answer in the ledger; a ledger busy beyond --wait leaves the sending
    pending, which the next run reports rather than repeats."""
    recipients = tuple(
        Recipient(r.address, r.header, _outcome(replies[r.address], state), str(replies[r.address]))
        for r in sending.recipients
    )
    try:
        with transaction(conn):
            record_answer(conn, sending.id, recipients, state, _now())
    except NapError as exc:
        went = "went to the server" if state is SendState.ANSWERED else "was not sent"
        unrecorded = (
            f"the {message.kind} message to {message.ministry} {went}, but this could not be "
            f"recorded: {exc}"
        )
        report.failure = "; ".join(filter(None, (report.failure, unrecorded)))
        return _delivery(
            message, path, DeliveryStatus.PENDING, recipients, f"sending #{sending.id}"
        )
    if state is SendState.NOT_SENT:
        return _delivery(message, path, DeliveryStatus.NOT_SENT, recipients)
    delivered = all(r.outcome is RecipientOutcome.ACCEPTED for r in recipients)
    status = DeliveryStatus.SENT if delivered else DeliveryStatus.REFUSED
    return _delivery(message, path, status, recipients)


def _outcome(reply: Reply, state: SendState) -> RecipientOutcome:
    if state is SendState.NOT_SENT:
        return RecipientOutcome.NOT_TRIED
    if reply.accepted:
        return RecipientOutcome.ACCEPTED
    return RecipientOutcome.REJECTED if reply.to_data else RecipientOutcome.REFUSED
