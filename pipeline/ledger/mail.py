"""The messages sent by SMTP, kept so that a later run never sends the same message twice."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class SentMail:
    period: int
    ministry: str
    kind: str  # templates, reminder
    recipients: str
    subject: str
    message_id: str
    path: str  # the .eml file, relative to the workspace
    sent: str  # ISO time the server accepted it


def mail_sent_before(conn: sqlite3.Connection, message_id: str) -> SentMail | None:
    """The last sending of the same message; matched on the Message-ID without its domain, so a
    change of sender address does not send everything again."""
    key = message_id.removeprefix("<").partition("@")[0]
    row = conn.execute(
        """SELECT period, ministry, kind, recipients, subject, message_id, path, sent
           FROM mail_log
           WHERE mode = 'smtp' AND substr(message_id, 1, ?) = ? ORDER BY id DESC LIMIT 1""",
        (len(key) + 2, f"<{key}@"),
    ).fetchone()
    return SentMail(*row) if row is not None else None


def log_mail(conn: sqlite3.Connection, mail: SentMail) -> None:
    """Record a message the SMTP server accepted, right after it did."""
    conn.execute(
        """INSERT INTO mail_log
           (period, ministry, kind, recipients, subject, message_id, mode, path, sent)
           VALUES (?, ?, ?, ?, ?, ?, 'smtp', ?, ?)""",
        (
            mail.period,
            mail.ministry,
            mail.kind,
            mail.recipients,
            mail.subject,
            mail.message_id,
            mail.path,
            mail.sent,
        ),
    )
