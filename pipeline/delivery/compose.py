"""Messages to the ministries (their template, then reminders), composed from the wording files.

A message is the same one when its key is: (period, ministry, kind, sha256 of the attachment),
plus the day for a reminder, since reminding again on another day is the point of a reminder
while running the command twice in one day should not pester anyone. The Message-ID is derived
from that key, so it is stable across runs; the ledger finds earlier sendings by it.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime
from pathlib import Path

from pipeline import placeholders
from pipeline.delivery.mail_wording import greeting, lateness, phrases, render, wording
from pipeline.failures import NapError
from pipeline.intake.returned import read_meta
from pipeline.ledger import (
    Connection,
    Outcome,
    Recipient,
    State,
    connect,
    current_submissions,
    file_issues,
    last_file,
    submissions_in_state,
)
from pipeline.outputs.wording import long_date
from pipeline.plan.addresses import parse_mailbox
from pipeline.plan.contacts import Contact, load_contacts
from pipeline.plan.register import Plan
from pipeline.plan.translation import translated
from pipeline.problems import Severity
from pipeline.workspace import CONTACTS_FILE, Workspace, shipped_data_file

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")

UNFOLDED = frozenset({"from", "to", "cc", "reply-to", "message-id", "references"})


class MailPolicy(EmailPolicy):
    """Pythons before the 2025 security releases fold a long quoted display name ("Focal point
    WPS, Ministry of ...") inside its quotes and drop them (CPython gh-80222), so mail clients
    split it at the commas into bogus addresses. Address headers are therefore not folded
    (RFC 5322 allows lines of 998 characters), nor the message identifiers, which some
    programs compare as they read them, folding whitespace included."""

    def fold(self, name: str, value: str) -> str:
        return EmailPolicy.fold(self._for(name), name, value)

    def fold_binary(self, name: str, value: str) -> bytes:
        return EmailPolicy.fold_binary(self._for(name), name, value)

    def _for(self, name: str) -> EmailPolicy:
        return self.clone(max_line_length=998) if name.lower() in UNFOLDED else self


MAIL_POLICY = MailPolicy(linesep="\r\n")


@dataclass(frozen=True)
class Message:
    ministry: str
    kind: str  # templates or reminder
    email: EmailMessage
    # The first Message-ID without its domain: the same message under another sender address,
    # or sent again under a new Message-ID, is still the same message.
    key: str
    contact_line: int = 0  # the ministry's line in contacts.csv

    @property
    def message_id(self) -> str:
        return str(self.email["Message-ID"])

    @property
    def recipients(self) -> tuple[Recipient, ...]:
        """To then Cc, each once, as the server is given them (ASCII)."""
        found: dict[str, Recipient] = {}
        for header in ("To", "Cc"):
            for address in self.email[header].addresses if self.email[header] else ():
                found.setdefault(address.addr_spec.lower(), Recipient(address.addr_spec, header))
        return tuple(found.values())

    def identified(self, message_id: str, references: str = "") -> Message:
        """The same message under another Message-ID: a retry keeps the one first sent, a
        resend gets a new one that references it, so threads stay together."""
        email = copy.deepcopy(self.email)
        email.replace_header("Message-ID", message_id)
        del email["References"]
        if references:
            email["References"] = references
        return Message(self.ministry, self.kind, email, self.key, self.contact_line)


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes

    @classmethod
    def of(cls, path: Path, filename: str = "") -> Attachment:
        return cls(filename or path.name, path.read_bytes())

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class Rejection:
    """The last file of a ministry with no accepted one, when it was rejected."""

    file_name: str
    received: str
    feedback: Path | None
    reasons: tuple[str, ...]


# Composing


def compose_templates(
    ws: Workspace,
    period: int,
    *,
    ministries: Sequence[str] = (),
    now: dt.datetime | None = None,
    allow_placeholders: bool = False,
) -> list[Message]:
    """One message per ministry with its issued template attached."""
    plan, codes, contacts = _prepare(ws, period, ministries, allow_placeholders)
    now = now or ws.settings.now()
    templates = _issued_templates(ws, period, codes)
    messages = []
    for code in codes:
        language = ws.language_for(contacts[code].language)
        text, said = wording(ws, "templates.txt", language), phrases(ws, language)
        attachment = Attachment.of(templates[code], f"{plan.id}_{period}_{code}.xlsx")
        fields = _fields(ws, plan, contacts[code], period, attachment, said)
        messages.append(
            _message(ws, "templates", period, contacts[code], text, fields, attachment, now)
        )
    return messages


def compose_reminders(
    ws: Workspace,
    period: int,
    *,
    ministries: Sequence[str] = (),
    now: dt.datetime | None = None,
    allow_placeholders: bool = False,
) -> list[Message]:
    """A reminder to every ministry with no accepted file for the period. One whose last file
    was rejected gets its feedback workbook and every reason; the others their template again.
    The draft reminder (.eml) of a ministry that has since answered is removed."""
    plan, codes, contacts = _prepare(ws, period, ministries, allow_placeholders)
    now = now or ws.settings.now()
    pending = _pending(ws, period, codes)
    for code in codes:  # a draft reminder to a ministry that has since answered is not due
        if code not in pending:
            (ws.mail_dir(period) / f"reminder_{code}.eml").unlink(missing_ok=True)
    templates = _issued_templates(
        ws, period, [c for c, r in pending.items() if not r or not r.feedback]
    )
    messages = []
    for code, rejection in pending.items():
        if rejection and rejection.feedback:
            attachment = Attachment.of(rejection.feedback)
        else:
            attachment = Attachment.of(templates[code], f"{plan.id}_{period}_{code}.xlsx")
        language = ws.language_for(contacts[code].language)
        text, said = wording(ws, "reminder.txt", language), phrases(ws, language)
        fields = _fields(ws, plan, contacts[code], period, attachment, said)
        fields["situation"] = _situation(ws, fields, rejection, language)
        fields |= lateness(said, ws.settings.deadline_for(period), now.date(), language)
        messages.append(
            _message(ws, "reminder", period, contacts[code], text, fields, attachment, now)
        )
    return messages


def _prepare(
    ws: Workspace, period: int, ministries: Sequence[str], allow_placeholders: bool
) -> tuple[Plan, list[str], dict[str, Contact]]:
    """The plan, the ministries asked for and their contacts; no message is composed with an
    address reserved for examples, unless allowed."""
    plan = ws.plan
    ws.check_period(period)
    codes = ws.check_ministries(ministries)
    path = contacts_path(ws)
    contacts = load_contacts(path, plan, others=ws.ministry_codes)
    if not allow_placeholders:
        found = placeholders.in_settings(ws, mail=True)
        found += placeholders.in_contacts(path, [contacts[code] for code in codes])
        placeholders.refuse(ws, found, "the messages")
    return plan, codes, contacts


def contacts_path(ws: Workspace) -> Path:
    """The workspace's own contacts list: the shipped one holds example addresses, which no
    message may go to."""
    own = ws.contacts_path
    if not own.is_file():
        raise NapError(
            f"this workspace has no contacts list of its own ({own}); copy "
            f"{shipped_data_file(CONTACTS_FILE)} there and put the focal points' addresses in it"
        )
    return own


def _issued_templates(ws: Workspace, period: int, codes: Sequence[str]) -> dict[str, Path]:
    """The issued template of each ministry, checked by its _meta (never by its name) so that
    no ministry is ever sent another's file."""
    paths = {code: ws.template_path(period, code) for code in codes}
    missing = [code for code, path in paths.items() if not path.is_file()]
    if missing:
        raise NapError(
            f"no template issued for {', '.join(missing)} in {ws.templates_dir(period)}; "
            f"run nap templates --period {period} first"
        )
    for code, path in paths.items():
        meta = read_meta(path) or {}
        if (meta.get("ministry"), meta.get("period")) != (code, str(period)):
            raise NapError(
                f"{path} is not the {period} template of {code}; "
                f"run nap templates --period {period} --ministry {code} again"
            )
    return paths


def _fields(
    ws: Workspace,
    plan: Plan,
    contact: Contact,
    period: int,
    attachment: Attachment,
    said: Mapping[str, string.Template],
) -> dict[str, str]:
    """The placeholders of one ministry's message, in its language."""
    s = ws.settings
    language = ws.language_for(contact.language)
    plan = translated(plan, language)
    return {
        "ministry": contact.ministry,
        "ministry_name": plan.ministry(contact.ministry).name,
        "greeting": greeting(said, contact.name),
        "name": contact.name,
        "role": contact.role,
        "focal_point": contact.name or contact.role,
        "period": str(period),
        "deadline": long_date(s.deadline_for(period), language),
        "contact_name": s.contact_name,
        "contact_email": s.contact_email,
        "contact_phone": f"({s.contact_phone})" if s.contact_phone else "",
        "office": s.office,
        "plan_title": plan.title,
        "attachment": attachment.filename,
    }


def _situation(
    ws: Workspace, fields: dict[str, str], rejection: Rejection | None, language: str
) -> str:
    if rejection is None:
        return render(wording(ws, "reminder_missing.txt", language), fields)
    received = long_date(rejection.received, language)
    reasons = "\n".join(f"- {reason}" for reason in rejection.reasons)
    return render(
        wording(ws, "reminder_rejected.txt", language),
        fields | {"file_name": rejection.file_name, "received": received, "reasons": reasons},
    )


def _pending(ws: Workspace, period: int, codes: Sequence[str]) -> dict[str, Rejection | None]:
    """The ministries with no accepted file for the period, with their last file when it was
    rejected (a later accepted file would make the ministry not pending)."""
    if not ws.ledger_path.exists():
        return dict.fromkeys(codes)
    with connect(ws.ledger_path) as conn:
        accepted = {s.ministry for s in current_submissions(conn, period)}
        # a ministry whose return waits for the coordinator has answered
        accepted |= {s.ministry for s in submissions_in_state(conn, State.HELD, period)}
        return {
            code: _last_rejection(ws, conn, code, period) for code in codes if code not in accepted
        }


def _last_rejection(ws: Workspace, conn: Connection, code: str, period: int) -> Rejection | None:
    last = last_file(conn, code, period)
    if last is None or last.outcome is not Outcome.REJECTED:
        return None
    reasons = tuple(
        f"{i.sheet}!{i.cell}: {i.message}" if i.sheet and i.cell else i.message
        for i in file_issues(conn, [last.id], Severity.ERROR)
    )
    feedback = ws.root / last.feedback_path if last.feedback_path else None
    if feedback is not None and not feedback.is_file():
        feedback = None
    return Rejection(last.name, last.received, feedback, reasons)


def _message(
    ws: Workspace,
    kind: str,
    period: int,
    contact: Contact,
    wording: string.Template,
    fields: Mapping[str, str],
    attachment: Attachment,
    now: dt.datetime,
) -> Message:
    head, _, body = render(wording, fields).partition("\n")
    sender = ws.settings.smtp.sender
    day = now.date().isoformat() if kind == "reminder" else ""
    email = EmailMessage(policy=MAIL_POLICY)
    email["From"] = sender.named(ws.settings.office).header
    email["To"] = contact.email.header
    if contact.cc:
        email["Cc"] = [mailbox.header for mailbox in contact.cc]
    if not sender.same_address(ws.settings.contact_email):
        email["Reply-To"] = parse_mailbox(ws.settings.contact_email).header
    email["Subject"] = head.removeprefix("Subject:").strip()
    email["Date"] = format_datetime(now)
    key = _message_key(period, contact.ministry, kind, attachment.sha256, day)
    email["Message-ID"] = f"<{key}@{sender.domain}>"
    email.set_content(body.strip() + "\n", cte="quoted-printable")
    email.add_attachment(
        attachment.data, maintype=XLSX_TYPE[0], subtype=XLSX_TYPE[1], filename=attachment.filename
    )
    return Message(contact.ministry, kind, email, key, contact.line)


def _message_key(period: int, ministry: str, kind: str, sha256: str, day: str) -> str:
    digest = hashlib.sha256(f"{period}/{ministry}/{kind}/{sha256}/{day}".encode()).hexdigest()
    return f"nap.{period}.{ministry}.{kind}.{digest[:32]}"
