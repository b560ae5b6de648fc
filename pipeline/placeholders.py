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


def reserved_domain(mailbox: Mailbox) -> str:
    """The example domain the address is in ("example.org"), or "" for a real address."""
    domain = mailbox.domain.lower()
    return next((d for d in RESERVED if domain == d or domain.endswith("." + d)), "")


def in_settings(ws: Workspace, *, mail: bool) -> list[Problem]:
    """The office's contact address, printed in templates and messages; with `mail`, the
    sender of the messages too, when it is not that same address."""
    settings = ws.settings
    contact, sender = _mailbox(settings.contact_email), settings.smtp.sender
    given = [("contact", "email", contact)]
    if mail and not sender.same_address(settings.contact_email):
        given.append(("smtp", "sender", sender))
    return [
        _found(SETTINGS_FILE, setting_place(ws.root / SETTINGS_FILE, table, key), mailbox)
        for table, key, mailbox in given
        if reserved_domain(mailbox)
    ]


def in_contacts(path: Path, contacts: Iterable[Contact]) -> list[Problem]:
    """The focal points' addresses and their copies."""
    found = []
    for contact in contacts:
        for column, mailboxes in (("email", (contact.email,)), ("cc", contact.cc)):
            found += [
                _found(path.name, f"line {contact.line}, {column}", m)
                for m in mailboxes
                if reserved_domain(m)
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
    domain = reserved_domain(mailbox)
    return problem(
        "placeholder-address", file=file, cell=where, value=mailbox.address, domain=domain
    )


def _mailbox(address: str) -> Mailbox:
    return Mailbox("", address, address)
