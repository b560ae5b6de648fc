"""Delivering the messages: .eml files, and SMTP on request.

Sending is at least once, never twice by design: each message is recorded in the ledger's
mail_log right after the server accepted it, and a later run skips a message already recorded.
A message is the same one when its key is: (period, ministry, kind, sha256 of the attachment),
plus the day for a reminder, since reminding again on another day is the point of a reminder
while running the command twice in one day should not pester anyone. The Message-ID is derived
from that key, so it is stable across runs and mail_log needs no column of its own for it.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, replace
from email.message import EmailMessage
from pathlib import Path

from pipeline.atomic import atomic_path
from pipeline.delivery.compose import CONTACTS_FILE, Delivery, DeliveryStatus, Message
from pipeline.failures import NapError, UsageError
from pipeline.ledger import (
    Connection,
    SentMail,
    connect,
    log_mail,
    mail_sent_before,
    transaction,
)
from pipeline.locking import DEFAULT_WAIT, workspace_lock
from pipeline.settings import Smtp
from pipeline.workspace import Workspace

TIMEOUT = 30.0  # seconds for each exchange with the SMTP server
SECURITIES = ("none", "starttls", "ssl")


def deliver(
    ws: Workspace,
    period: int,
    messages: Sequence[Message],
    *,
    send: bool = False,
    resend: bool = False,
    wait: float = DEFAULT_WAIT,
) -> list[Delivery]:
    """Write every message to outbox/<period>/mail/<kind>_<CODE>.eml; with `send`, also send
    those not sent before (all of them with `resend`) and record each in the ledger."""
    if resend and not send:
        raise UsageError("--resend only applies with --send")
    paths = [_write_eml(ws.mail_dir(period) / f"{m.kind}_{m.ministry}.eml", m) for m in messages]
    if not send:
        return [
            Delivery(m.ministry, m.kind, p, DeliveryStatus.WRITTEN, ", ".join(m.recipients))
            for m, p in zip(messages, paths, strict=True)
        ]
    server = smtp_settings(ws.settings.smtp)
    with workspace_lock(ws, wait), connect(ws.ledger_path) as conn:
        return _send_all(ws, conn, period, list(zip(messages, paths, strict=True)), server, resend)


def _write_eml(path: Path, message: Message) -> Path:
    """Atomically, so an .eml file is never half written. X-Unsent makes Outlook open it as a
    draft, ready to check and send; other programs ignore it."""
    with atomic_path(path, held_by="a mail program") as tmp:
        tmp.write_bytes(b"X-Unsent: 1\r\n" + message.email.as_bytes())
    return path


@dataclass(frozen=True)
class Server:
    """The SMTP settings in effect: nap.toml overridden by the environment."""

    smtp: Smtp
    password: str

    @property
    def name(self) -> str:
        return f"{self.smtp.host}:{self.smtp.port}"


def smtp_settings(smtp: Smtp) -> Server:
    """The password comes only from the environment, so it is never written in a file."""
    env = os.environ
    port = env.get("NAP_SMTP_PORT", "").strip()
    if port and not port.isdigit():
        raise NapError(f"NAP_SMTP_PORT '{port}' is not a port number, e.g. 587")
    smtp = replace(
        smtp,
        host=env.get("NAP_SMTP_HOST", "").strip() or smtp.host,
        port=int(port) if port else smtp.port,
        user=env.get("NAP_SMTP_USER", "").strip() or smtp.user,
    )
    password = env.get("NAP_SMTP_PASSWORD", "")
    if smtp.security not in SECURITIES:
        raise NapError(f"nap.toml: smtp security '{smtp.security}' must be none, starttls or ssl")
    if smtp.user and not password:
        raise NapError(
            f"the SMTP user '{smtp.user}' is set but NAP_SMTP_PASSWORD is not; set it in the "
            "environment of the command"
        )
    if smtp.user and smtp.security == "none" and not _is_loopback(smtp.host):
        raise NapError(
            f"refusing to send the SMTP password unencrypted to {smtp.host}; set security = "
            '"starttls" (port 587) or "ssl" (port 465) under [smtp] in nap.toml'
        )
    return Server(smtp, password)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _send_all(
    ws: Workspace,
    conn: Connection,
    period: int,
    items: list[tuple[Message, Path]],
    server: Server,
    resend: bool,
) -> list[Delivery]:
    deliveries: list[Delivery] = []
    session = Session(server)
    message = None
    try:
        for message, path in items:
            deliveries.append(_send_one(ws, conn, period, message, path, session, resend))
    except OSError as exc:  # smtplib.SMTPException and ssl.SSLError are OSErrors too
        sent = sum(d.status is DeliveryStatus.SENT for d in deliveries)
        raise NapError(_failure(server, exc, message, sent)) from exc
    finally:
        session.close()
    return deliveries


def _send_one(
    ws: Workspace,
    conn: Connection,
    period: int,
    message: Message,
    path: Path,
    session: Session,
    resend: bool,
) -> Delivery:
    recipients = ", ".join(message.recipients)
    before = None if resend else mail_sent_before(conn, message.message_id)
    if before is not None:
        detail = f"sent {before.sent} to {before.recipients}; --resend to send again"
        return Delivery(
            message.ministry, message.kind, path, DeliveryStatus.SKIPPED, recipients, detail
        )
    refused = session.send(message.email)
    _record(ws, conn, period, message, path)
    detail = "; ".join(f"refused {a}: {_reply(*r)}" for a, r in sorted(refused.items()))
    return Delivery(message.ministry, message.kind, path, DeliveryStatus.SENT, recipients, detail)


class Session:
    """One SMTP connection, opened for the first message to send: none at all when every
    message was sent before."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.smtp: smtplib.SMTP | None = None

    def send(self, email: EmailMessage) -> dict[str, tuple[int, bytes]]:
        """The recipients the server refused, when it accepted the message for the others."""
        if self.smtp is None:
            self.smtp = _open(self.server)
        return self.smtp.send_message(email)

    def close(self) -> None:
        if self.smtp is not None:
            _close(self.smtp)


def _record(ws: Workspace, conn: Connection, period: int, message: Message, path: Path) -> None:
    sent = SentMail(
        period=period,
        ministry=message.ministry,
        kind=message.kind,
        recipients=", ".join(message.recipients),
        subject=str(message.email["Subject"]),
        message_id=message.message_id,
        path=str(path.relative_to(ws.root)),
        sent=dt.datetime.now().astimezone().isoformat(timespec="seconds"),
    )
    with transaction(conn):
        log_mail(conn, sent)


def _open(server: Server) -> smtplib.SMTP:
    smtp = server.smtp
    context = ssl.create_default_context()
    if smtp.security == "ssl":
        session: smtplib.SMTP = smtplib.SMTP_SSL(
            smtp.host, smtp.port, timeout=TIMEOUT, context=context
        )
    else:
        session = smtplib.SMTP(smtp.host, smtp.port, timeout=TIMEOUT)
    try:
        if smtp.security == "starttls":
            session.starttls(context=context)
        if smtp.user:
            session.login(smtp.user, server.password)
    except BaseException:
        _close(session)
        raise
    return session


def _close(session: smtplib.SMTP) -> None:
    """QUIT politely; a server that already hung up is no failure."""
    try:
        session.quit()
    except (OSError, smtplib.SMTPException):
        session.close()


def _reply(code: int, text: bytes | str) -> str:
    text = text.decode(errors="replace") if isinstance(text, bytes) else text
    return f"{code} {' '.join(text.split())}"


def _failure(server: Server, exc: OSError, message: Message | None, sent: int) -> str:
    """One line: what went wrong with which server, and what to check."""
    what, check = _diagnosis(server, exc, message)
    done = f"; the {sent} message(s) sent before are recorded, run again to send the rest"
    return f"the mail server {server.name} {what}; check {check}{done if sent else ''}"


def _diagnosis(server: Server, exc: OSError, message: Message | None) -> tuple[str, str]:
    smtp, settings = server.smtp, "the [smtp] settings in nap.toml"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        reply = _reply(exc.smtp_code, exc.smtp_error)
        return (
            f"refused the login of '{smtp.user}' ({reply})",
            "NAP_SMTP_USER and NAP_SMTP_PASSWORD",
        )
    if isinstance(exc, smtplib.SMTPRecipientsRefused) and message is not None:
        refused = ", ".join(f"{a} ({_reply(*r)})" for a, r in sorted(exc.recipients.items()))
        return (
            f"refused every recipient of the {message.kind} message to {message.ministry}: "
            f"{refused}",
            CONTACTS_FILE,
        )
    if isinstance(exc, smtplib.SMTPSenderRefused):
        reply = _reply(exc.smtp_code, exc.smtp_error)
        return f"refused the sender {smtp.sender} ({reply})", f"sender in {settings}"
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return f"does not support {exc}", f"security and user in {settings}"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"answered {_reply(exc.smtp_code, exc.smtp_error)}", settings
    if isinstance(exc, ssl.SSLError):
        return (
            f"failed the TLS handshake ({exc})",
            f"security in {settings} (ssl for port 465, starttls for 587)",
        )
    if isinstance(exc, smtplib.SMTPException):
        return f"failed ({' '.join(str(exc).split())})", settings
    return (
        f"cannot be reached ({exc})",
        f"host, port and security in {settings}, or NAP_SMTP_HOST and NAP_SMTP_PORT",
    )
