"""Workspace settings from an optional nap.toml, with defaults that work."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.failures import NapError

DEFAULT_PLAN = "plans/lu-wps-2018-2023/plan.toml"


@dataclass(frozen=True)
class Smtp:
    host: str = "localhost"
    port: int = 25
    security: str = "none"  # none, starttls or ssl
    user: str = ""
    sender: str = "wps-coordination@example.org"


@dataclass(frozen=True)
class Settings:
    plan: str = ""  # a path relative to the workspace; empty: the workspace's or the shipped plan
    deadline: str = "03-31"  # month-day in the year after the period, or a full date
    contact_name: str = "WPS action plan coordination, Directorate of Political Affairs"
    contact_email: str = "wps-coordination@example.org"
    contact_phone: str = ""
    office: str = "Ministry of Foreign and European Affairs"
    late_after_days: int = 0
    sample: bool = False  # a workspace of made-up data (`nap demo`): its documents say SAMPLE
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
    known = {"plan", "deadline", "office", "late_after_days", "sample"}
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
            sample=_flag(data.get("sample", False), "sample"),
            contact_name=str(contact.get("name", Settings.contact_name)),
            contact_email=str(contact.get("email", Settings.contact_email)),
            contact_phone=str(contact.get("phone", "")),
            smtp=Smtp(**{**smtp, "port": int(smtp.get("port", Smtp.port))}),
        )
    except (TypeError, ValueError) as exc:
        raise NapError(f"{path}: a setting has the wrong type: {exc}") from exc


def _flag(value: object, name: str) -> bool:
    """A true or false setting; "yes" or 1 would be a guess."""
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be true or false, not {value!r}")
    return value
