"""Email addresses as people type them: the one parser for the sender, the contacts and every
other address the tool reads, so that each is checked where it is read and written out quoted.

The address itself is checked by email-validator (RFC 5322 and 6531, internationalised domains
through IDNA 2008, no DNS look-up). A display name is taken as typed: in a field that holds one
mailbox, everything before the last `<` is the name, commas included, since nobody writing
`Coordination FPS, Ministère <noreply@example.lu>` means two mailboxes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from email.headerregistry import Address

SEPARATORS = ",;"  # RFC 5322 separates a list with commas; Outlook users type semicolons


class AddressError(ValueError):
    """Why a text is not an email address, in words for the person who typed it."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"'{text}' is not an email address ({reason})")
        self.text, self.reason = text, reason


@dataclass(frozen=True)
class Mailbox:
    """One recipient or sender: an optional display name and the address."""

    display_name: str
    address: str  # as typed, the domain normalised (lower case, Unicode)
    ascii_address: str  # as sent: an internationalised domain in punycode

    @property
    def domain(self) -> str:
        """The domain as sent (punycode), e.g. for a Message-ID."""
        return self.ascii_address.rpartition("@")[2]

    @property
    def header(self) -> Address:
        """For a header: the name quoted or encoded as needed, the address in ASCII so that
        no server needs SMTPUTF8."""
        from email.headerregistry import Address  # 6 ms to import: only mail needs it

        return Address(self.display_name, addr_spec=self.ascii_address)

    def named(self, display_name: str) -> Mailbox:
        """The same address under a name, unless it was typed with a name of its own."""
        return self if self.display_name else replace(self, display_name=display_name)

    def same_address(self, other: str) -> bool:
        """Domains are case-insensitive; local parts are compared without case too, as every
        server the ministries use treats them."""
        return self.ascii_address.lower() == other.lower()

    def __str__(self) -> str:
        return str(self.header)


def parse_mailbox(text: str) -> Mailbox:
    """One mailbox: `name@example.org`, `Name <name@example.org>` or `"Name" <...>`."""
    text = text.strip()
    if not text:
        raise AddressError(text, "it is empty; write one such as name@example.org")
    if sum("@" in piece for piece, _ in _pieces(text)) > 1:
        raise AddressError(text, "more than one address where one is expected")
    name, address = _name_and_address(text)
    return _checked(name, address, text)


def parse_mailboxes(text: str) -> tuple[Mailbox, ...]:
    """A list of mailboxes separated by commas or semicolons. A piece without an @ is the
    start of a display name that held a comma (`Doe, Jane <jane@example.org>`)."""
    mailboxes = []
    pending = ""
    for piece, separator in _pieces(text):
        piece = pending + piece
        if "@" not in piece and "<" not in piece:
            pending = piece + separator if piece.strip() else ""
            continue
        mailboxes.append(parse_mailbox(piece))
        pending = ""
    if pending.strip(" " + SEPARATORS):
        raise AddressError(pending.strip(" " + SEPARATORS), "it has no @")
    return tuple(mailboxes)


def _name_and_address(text: str) -> tuple[str, str]:
    if not text.endswith(">"):
        if "<" in text:
            raise AddressError(text, "a '<' without its '>'")
        return "", text
    start = text.rfind("<")
    if start < 0:
        raise AddressError(text, "a '>' without its '<'")
    name = text[:start].strip()
    if len(name) >= 2 and name[0] == name[-1] == '"':
        name = name[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    if any(c in name for c in "<>\r\n"):
        raise AddressError(text, "more than one <address>; separate addresses with ;")
    return name, text[start + 1 : -1].strip()


def _checked(name: str, address: str, typed: str) -> Mailbox:
    from email_validator import EmailNotValidError, validate_email

    try:
        valid = validate_email(
            address, check_deliverability=False, allow_smtputf8=False, allow_display_name=False
        )
    except EmailNotValidError as exc:
        reason = str(exc).rstrip(".")
        raise AddressError(typed, reason[:1].lower() + reason[1:]) from None
    return Mailbox(name, valid.normalized, valid.ascii_email or valid.normalized)


def _pieces(text: str) -> list[tuple[str, str]]:
    """The text cut at each separator outside quotes and angle brackets, with the separator
    that ended each piece."""
    pieces: list[tuple[str, str]] = []
    current, quoted, bracketed, escaped = "", False, False, False
    for char in text:
        if char in SEPARATORS and not (quoted or bracketed):
            pieces.append((current, char))
            current = ""
            continue
        current += char
        if escaped:
            escaped = False
        elif char == "\\" and quoted:
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif not quoted and char in "<>":
            bracketed = char == "<"
    pieces.append((current, ""))
    return pieces
