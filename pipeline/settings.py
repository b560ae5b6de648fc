"""Workspace settings from an optional nap.toml, with defaults that work."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.failures import NapError
from pipeline.language import ENGLISH, check_language
from pipeline.plan.addresses import AddressError, Mailbox, parse_mailbox

DEFAULT_PLAN = "plans/lu-wps-2018-2023/plan.toml"
DEFAULT_ADDRESS = "wps-coordination@example.org"
DEFAULT_SENDER = Mailbox("", DEFAULT_ADDRESS, DEFAULT_ADDRESS)


@dataclass(frozen=True)
class Smtp:
    host: str = "localhost"
    port: int = 25
    security: str = "none"  # none, starttls or ssl
    user: str = ""
    sender: Mailbox = DEFAULT_SENDER
    # The office's own CA (a PEM file), trusted besides the system's; relative to nap.toml.
    ca_file: str = ""
    # Seconds for each reply of the server; after the data, RFC 5321 (4.5.3.2.6) gives the
    # server 10 minutes to take charge of a message, which a busy relay may need.
    timeout: float = 60.0
    data_timeout: float = 600.0


@dataclass(frozen=True)
class Settings:
    plan: str = ""  # a path relative to the workspace; empty: the workspace's or the shipped plan
    deadline: str = "03-31"  # month-day in the year after the period, or a full date
    contact_name: str = "WPS action plan coordination, Directorate of Political Affairs"
    contact_email: str = DEFAULT_ADDRESS
    contact_phone: str = ""
    office: str = "Ministry of Foreign and European Affairs"
    late_after_days: int = 0
    language: str = ENGLISH  # of the documents, unless a ministry's contact or --language says
    sample: bool = False  # a workspace of made-up data (`nap demo`): its documents say SAMPLE
    # After the deadline, a return that changes a figure by more than this share waits for
    # the coordinator's decision (nap.toml: hold_changes_over = 50, in percent).
    hold_changes_over: float = 0.5
    smtp: Smtp = field(default_factory=Smtp)

    def deadline_for(self, period: int) -> dt.date:
        """The deadline of a period's returns: by default, March 31 of the following year."""
        text = self.deadline.strip()
        try:
            if len(text) == 5:
                month, day = (int(x) for x in text.split("-"))
                return dt.date(period + 1, month, day)
            return dt.date.fromisoformat(text)
        except ValueError as exc:
            raise NapError(
                f"nap.toml: deadline '{text}' is neither MM-DD nor YYYY-MM-DD; "
                'e.g. deadline = "03-31"'
            ) from exc


def load_settings(path: Path) -> Settings:
    if not path.is_file():
        return Settings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise NapError(f"{path}: not valid TOML: {exc}") from exc
    contact = data.pop("contact", {})
    smtp = data.pop("smtp", {})
    known = {
        "plan",
        "deadline",
        "language",
        "office",
        "late_after_days",
        "sample",
        "hold_changes_over",
    }
    unknown = (set(data) - known) | {
        f"contact.{k}" for k in set(contact) - {"name", "email", "phone"}
    }
    unknown |= {f"smtp.{k}" for k in set(smtp) - set(Smtp.__dataclass_fields__)}
    if unknown:
        raise NapError(
            f"{path}: unknown setting(s) {', '.join(sorted(unknown))}; "
            "see docs/coordinator-guide.md"
        )
    try:
        return Settings(
            plan=str(data.get("plan", "")),
            deadline=str(data.get("deadline", Settings.deadline)),
            office=str(data.get("office", Settings.office)),
            late_after_days=int(data.get("late_after_days", 0)),
            hold_changes_over=_percent(data.get("hold_changes_over", 50)),
            language=check_language(str(data.get("language", ENGLISH)), "language"),
            sample=_flag(data.get("sample", False), "sample"),
            contact_name=str(contact.get("name", Settings.contact_name)),
            contact_email=_address(path, "contact.email", contact, Settings.contact_email).address,
            contact_phone=str(contact.get("phone", "")),
            smtp=_smtp(path, smtp),
        )
    except (TypeError, ValueError) as exc:
        raise NapError(f"{path}: a setting has the wrong type: {exc}") from exc


def _smtp(path: Path, table: dict) -> Smtp:
    values = {**table, "port": int(table.get("port", Smtp.port))}
    values["sender"] = _address(path, "smtp.sender", table, DEFAULT_ADDRESS)
    for key in ("timeout", "data_timeout"):
        values[key] = float(table.get(key, getattr(Smtp, key)))
        if values[key] <= 0:
            raise NapError(f"{path}: smtp.{key} must be a number of seconds above 0, e.g. 60")
    return Smtp(**values)


def _address(path: Path, key: str, table: dict, default: str) -> Mailbox:
    """An address setting, checked where it is read: a sender typed with a comma in its name
    must not become two mailboxes."""
    name = key.rpartition(".")[2]
    try:
        return parse_mailbox(str(table.get(name, default)))
    except AddressError as exc:
        raise NapError(
            f'{path}: {key}: {exc}; e.g. {name} = "WPS coordination <wps@example.org>"'
        ) from None


def _flag(value: object, name: str) -> bool:
    """A true or false setting; "yes" or 1 would be a guess."""
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be true or false, not {value!r}")
    return value


def _percent(value: object) -> float:
    """A percentage of nap.toml as a share: 50 -> 0.5."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ValueError(f"hold_changes_over = {value!r} is not a percentage, e.g. 50")
    return value / 100
