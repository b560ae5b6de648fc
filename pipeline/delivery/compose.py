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
from pipeline.outputs.wording import Wording, long_date
from pipeline.plan.addresses import parse_mailbox
from pipeline.plan.contacts import CONTACTS_FILE, Contact, load_contacts
from pipeline.plan.register import Plan
from pipeline.plan.translation import translated
from pipeline.problems import Severity
from pipeline.workspace import DATA_DIR, Workspace, shipped_data_file

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")

COMMON_FIELDS = frozenset(
    {
        "ministry",
        "ministry_name",
        "focal_point",
        "period",
        "deadline",
        "contact_name",
        "contact_email",
        "contact_phone",
        "office",
        "plan_title",
        "attachment",
    }
)
# Each wording file in workbook_templates/mail/ and the placeholders it may use.
WORDING_FIELDS = {
    "templates.txt": COMMON_FIELDS,
    "reminder.txt": COMMON_FIELDS | {"situation", "deadline_note", "days_late"},
    "reminder_missing.txt": COMMON_FIELDS,
    "reminder_rejected.txt": COMMON_FIELDS | {"file_name", "received", "reasons"},
}
WITH_SUBJECT = ("templates.txt", "reminder.txt")
DEADLINE_NOTES = "mail/deadline.toml"
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
) -> list[Message]:
    """One message per ministry with its issued template attached."""
    plan, codes, contacts = _prepare(ws, period, ministries)
    now = now or dt.datetime.now().astimezone()
    templates = _issued_templates(ws, period, codes)
    messages = []
    for code in codes:
        language = ws.language_for(contacts[code].language)
        attachment = Attachment.of(templates[code], f"{plan.id}_{period}_{code}.xlsx")
        fields = _fields(ws, plan, contacts[code], period, attachment)
        wording = _wording(ws, "templates.txt", language)
        messages.append(
            _message(ws, "templates", period, contacts[code], wording, fields, attachment, now)
        )
    return messages


def compose_reminders(
    ws: Workspace,
    period: int,
    *,
    ministries: Sequence[str] = (),
    now: dt.datetime | None = None,
) -> list[Message]:
    """A reminder to every ministry with no accepted file for the period. One whose last file
    was rejected gets its feedback workbook and every reason; the others their template again.
    The draft reminder (.eml) of a ministry that has since answered is removed."""
    plan, codes, contacts = _prepare(ws, period, ministries)
    now = now or dt.datetime.now().astimezone()
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
        fields = _fields(ws, plan, contacts[code], period, attachment)
        fields["situation"] = _situation(ws, fields, rejection, language)
        fields |= _lateness(ws, ws.settings.deadline_for(period), now.date(), language)
        wording = _wording(ws, "reminder.txt", language)
        messages.append(
            _message(ws, "reminder", period, contacts[code], wording, fields, attachment, now)
        )
    return messages


def _prepare(
    ws: Workspace, period: int, ministries: Sequence[str]
) -> tuple[Plan, list[str], dict[str, Contact]]:
    plan = ws.plan
    ws.check_period(period)
    codes = ws.check_ministries(ministries)
    contacts = load_contacts(contacts_path(ws), plan, others=ws.ministry_codes)
    return plan, codes, contacts


def contacts_path(ws: Workspace) -> Path:
    """The workspace's own contacts list: the shipped one holds example addresses, which no
    message may go to."""
    own = ws.root / DATA_DIR / CONTACTS_FILE
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
    ws: Workspace, plan: Plan, contact: Contact, period: int, attachment: Attachment
) -> dict[str, str]:
    """The placeholders of one ministry's message, in its language."""
    s = ws.settings
    language = ws.language_for(contact.language)
    plan = translated(plan, language)
    return {
        "ministry": contact.ministry,
        "ministry_name": plan.ministry(contact.ministry).name,
        "focal_point": contact.focal_point,
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
        return _render(_wording(ws, "reminder_missing.txt", language), fields)
    received = long_date(rejection.received, language)
    reasons = "\n".join(f"- {reason}" for reason in rejection.reasons)
    return _render(
        _wording(ws, "reminder_rejected.txt", language),
        fields | {"file_name": rejection.file_name, "received": received, "reasons": reasons},
    )


def _lateness(ws: Workspace, deadline: dt.date, today: dt.date, language: str) -> dict[str, str]:
    """The sentence on the deadline, from mail/deadline.toml in the ministry's language."""
    english, own = ws.data_file(DEADLINE_NOTES), ws.data_file_in(DEADLINE_NOTES, language)
    words = Wording(english, {}, language, own if own != english else None)
    days = (today - deadline).days
    key = "passed_one" if days == 1 else "passed" if days > 0 else "today" if days == 0 else "due"
    note = words(f"deadline.{key}", deadline=words.date(deadline), days=days)
    return {"deadline_note": note, "days_late": str(max(days, 0))}


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


# Wording


def _wording(ws: Workspace, name: str, language: str) -> string.Template:
    """A wording file of workbook_templates/mail/ in the ministry's language (English where
    it has no translation), checked so that a typo in a placeholder stops the run instead of
    reaching a ministry as '$ministy_name'."""
    path = ws.data_file_in(f"mail/{name}", language)
    template = string.Template(path.read_text(encoding="utf-8"))
    allowed = WORDING_FIELDS[name]
    if name in WITH_SUBJECT and not template.template.startswith("Subject:"):
        raise NapError(f"{path}: the first line must be 'Subject: ...', then a blank line")
    if not template.is_valid():
        raise NapError(f"{path}: a '$' that starts no placeholder; write $$ for a dollar sign")
    unknown = sorted(set(template.get_identifiers()) - allowed)
    if unknown:
        raise NapError(
            f"{path}: unknown placeholder ${', $'.join(unknown)}; "
            f"the placeholders are ${', $'.join(sorted(allowed))}"
        )
    return template


def _render(template: string.Template, fields: Mapping[str, str]) -> str:
    """The text with its placeholders filled and no trailing spaces (an empty phone number)."""
    text = template.substitute(fields)
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


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
    head, _, body = _render(wording, fields).partition("\n")
    sender = ws.settings.smtp.sender
    day = now.date().isoformat() if kind == "reminder" else ""
    email = EmailMessage(policy=MAIL_POLICY)
    email["From"] = sender.header
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
