"""The example addresses of the shipped files and the guide (example.org, example.com,
example.net: RFC 2606 reserves them for documentation), left in place by mistake: refused in
the templates and messages that leave the office, so that no ministry is asked to write to an
address nobody reads.

A sample workspace (`nap demo`, `sample = true`) and a trial run (`--allow-placeholders`)
may use them."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pipeline.failures import NapError
from pipeline.plan.addresses import Mailbox
from pipeline.plan.contacts import Contact
from pipeline.problems import Problem, problem
from pipeline.settings import setting_place
from pipeline.workspace import SETTINGS_FILE, Workspace

RESERVED = ("example.com", "example.net", "example.org")
SHOWN = 3  # placeholders named in a refusal; `nap check` lists them all


def is_placeholder(mailbox: Mailbox) -> bool:
    domain = mailbox.domain.lower()
    return any(domain == d or domain.endswith("." + d) for d in RESERVED)


def in_settings(ws: Workspace, *, mail: bool) -> list[Problem]:
    """The office's contact address, printed in templates and messages; with `mail`, the
    sender of the messages too."""
    settings = ws.settings
    found = []
    for table, key, mailbox in (
        ("contact", "email", _mailbox(settings.contact_email)),
        ("smtp", "sender", settings.smtp.sender),
    ):
        if (key == "email" or mail) and is_placeholder(mailbox):
            where = setting_place(ws.root / SETTINGS_FILE, table, key)
            found.append(_found(SETTINGS_FILE, where, mailbox))
    return found


def in_contacts(path: Path, contacts: Iterable[Contact]) -> list[Problem]:
    """The focal points' addresses and their copies."""
    found = []
    for contact in contacts:
        for column, mailboxes in (("email", (contact.email,)), ("cc", contact.cc)):
            found += [
                _found(path.name, f"line {contact.line}, {column}", m)
                for m in mailboxes
                if is_placeholder(m)
            ]
    return found


def refuse(ws: Workspace, found: list[Problem], what: str) -> None:
    """A NapError naming the first placeholders, unless the workspace is a sample."""
    if not found or ws.settings.sample:
        return
    named = "; ".join(f"{p.file}: {p.cell}: {p.message.partition(' ')[0]}" for p in found[:SHOWN])
    more = f" and {len(found) - SHOWN} more" if len(found) > SHOWN else ""
    raise NapError(
        f"placeholder addresses would go into {what}: {named}{more}; put the real addresses "
        "there (nap check lists them all), or give --allow-placeholders for a trial run"
    )


def _found(file: str, where: str, mailbox: Mailbox) -> Problem:
    return problem(
        "placeholder-address", file=file, cell=where, value=mailbox.address, domain=mailbox.domain
    )


def _mailbox(address: str) -> Mailbox:
    return Mailbox("", address, address)
