"""What became of each message of a mail command, and the one line that says what is left to
do when not everything was delivered."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from pipeline.ledger import Recipient, RecipientOutcome


class DeliveryStatus(StrEnum):
    WRITTEN = "written"  # as an .eml file only
    SENT = "sent"  # every recipient it was sent to accepted it
    REFUSED = "refused"  # the server refused an address, or the message: the others have it
    SKIPPED = "skipped"  # every recipient had it from an earlier run
    PENDING = "pending"  # a sending whose outcome is unknown: for the coordinator to decide
    NOT_SENT = "not-sent"  # the run stopped before it


@dataclass(frozen=True)
class Delivery:
    ministry: str
    kind: str
    path: Path  # the .eml file
    status: DeliveryStatus
    recipients: tuple[Recipient, ...]  # with their outcomes when it was sent
    detail: str = ""  # when it was sent before; which sending is pending
    contact_line: int = 0  # the ministry's line in contacts.csv

    @property
    def refused(self) -> tuple[Recipient, ...]:
        """The addresses the server refused: contacts.csv needs correcting."""
        return tuple(r for r in self.recipients if r.outcome is RecipientOutcome.REFUSED)

    @property
    def rejected(self) -> tuple[Recipient, ...]:
        """The recipients of a message the server refused after its data (a quota, a filter)."""
        return tuple(r for r in self.recipients if r.outcome is RecipientOutcome.REJECTED)

    @property
    def accepted(self) -> tuple[Recipient, ...]:
        return tuple(r for r in self.recipients if r.outcome is RecipientOutcome.ACCEPTED)


@dataclass
class MailReport:
    deliveries: list[Delivery] = field(default_factory=list)
    failure: str = ""  # why the run stopped before its end

    def count(self, status: DeliveryStatus) -> int:
        return sum(d.status is status for d in self.deliveries)

    def problem(self) -> str:
        """One line when a message did not reach every recipient, empty when all did: the
        command then exits with 1, so a scheduled run tells the coordinator."""
        refused = sum(len(d.refused) for d in self.deliveries)
        rejected = sum(bool(d.rejected) for d in self.deliveries)
        pending = self.count(DeliveryStatus.PENDING)
        parts = [self.failure] if self.failure else []
        if refused:
            parts.append(
                f"{refused} address{'es' * (refused > 1)} refused: correct "
                f"{'them' if refused > 1 else 'it'} in contacts.csv and run the command again, "
                "which sends the message to the corrected addresses only"
            )
        if rejected:
            parts.append(
                f"{rejected} message{'s' * (rejected > 1)} refused by the server for the reason "
                "shown: run the command again once it is resolved"
            )
        if pending:
            parts.append(
                f"{pending} message{'s' * (pending > 1)} pending: nap mail pending says what to do"
            )
        return "; ".join(parts)
