"""Workspace settings from an optional nap.toml, with defaults that work.

Every key is read by one reader that knows its expected form, so that a mistake is named with
its line, its key, the value typed and an example to copy (`nap check` lists them all)."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from pipeline.failures import NapError
from pipeline.language import ENGLISH, LANGUAGES, check_language
from pipeline.plan.addresses import AddressError, Mailbox, parse_mailbox
from pipeline.problems import Problem, problem

DEFAULT_PLAN = "plans/lu-wps-2018-2023/plan.toml"
DEFAULT_ADDRESS = "wps-coordination@example.org"
DEFAULT_SENDER = Mailbox("", DEFAULT_ADDRESS, DEFAULT_ADDRESS)
SECURITIES = ("none", "starttls", "ssl")


@dataclass(frozen=True)
class Smtp:
    host: str = "localhost"
    port: int = 25
    security: str = "none"  # none, starttls or ssl
    user: str = ""
    sender: Mailbox = DEFAULT_SENDER  # by default the contact address of [contact]
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
    # The office's time zone (an IANA name) for the dates of its messages; empty: the
    # machine's, which on a server is often UTC.
    time_zone: str = ""
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
                f"nap.toml: deadline '{text}' is no date in {period + 1}; e.g. deadline = \"03-31\""
            ) from exc

    def now(self) -> dt.datetime:
        """The current time in the office's time zone."""
        if not self.time_zone:
            return dt.datetime.now().astimezone()
        from zoneinfo import ZoneInfo

        return dt.datetime.now(ZoneInfo(self.time_zone))


class BadValue(ValueError):
    """What a setting should be, in words: "a whole number of days, 0 or more"."""


Reader = Callable[[object], object]


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise BadValue("text in double quotes")
    return value.strip()


def _whole(low: int, high: int, what: str) -> Reader:
    def read(value: object) -> int:
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise BadValue(what)
        return value

    return read


def _seconds(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise BadValue("a number of seconds above 0")
    return float(value)


def _flag(value: object) -> bool:
    """True or false; "yes" or 1 would be a guess."""
    if not isinstance(value, bool):
        raise BadValue("true or false, without quotes")
    return value


def _percent(value: object) -> float:
    """A percentage of nap.toml as a share: 50 -> 0.5."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise BadValue("a percentage, 0 or more, without quotes")
    return value / 100


def _deadline(value: object) -> str:
    text = _text(value)
    try:
        if re.fullmatch(r"\d\d-\d\d", text):
            dt.date(2000, *(int(x) for x in text.split("-")))  # a leap year: 02-29 is a day
        else:
            dt.date.fromisoformat(text)
    except ValueError:
        raise BadValue("a month and day MM-DD in the year after the period, or a date") from None
    return text


def _mailbox(value: object) -> Mailbox:
    try:
        return parse_mailbox(_text(value))
    except AddressError as exc:
        raise BadValue(f"an email address ({exc.reason})") from None


def _security(value: object) -> str:
    text = _text(value).lower()
    if text not in SECURITIES:
        raise BadValue("one of none, starttls or ssl")
    return text


def _language(value: object) -> str:
    try:
        return check_language(_text(value), "language")
    except ValueError:
        raise BadValue(f"one of {', '.join(LANGUAGES)}") from None


def _zone(value: object) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    text = _text(value)
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadValue("a time zone name such as Europe/Luxembourg") from None
    return text


# Each key: its reader, its field in Settings (or Smtp), and an example to copy.
TOP: dict[str, tuple[Reader, str, str]] = {
    "plan": (_text, "plan", 'plan = "workbook_templates/plans/lu-wps-2018-2023/plan.toml"'),
    "deadline": (_deadline, "deadline", 'deadline = "03-31"'),
    "office": (_text, "office", 'office = "Ministry of Foreign and European Affairs"'),
    "language": (_language, "language", 'language = "fr"'),
    "late_after_days": (
        _whole(0, 3660, "a whole number of days, 0 or more"),
        "late_after_days",
        "late_after_days = 0",
    ),
    "sample": (_flag, "sample", "sample = false"),
    "hold_changes_over": (_percent, "hold_changes_over", "hold_changes_over = 50"),
    "time_zone": (_zone, "time_zone", 'time_zone = "Europe/Luxembourg"'),
}
CONTACT: dict[str, tuple[Reader, str, str]] = {
    "name": (_text, "contact_name", 'name = "WPS action plan coordination"'),
    "email": (_mailbox, "contact_email", 'email = "wps-coordination@example.org"'),
    "phone": (_text, "contact_phone", 'phone = "+352 247-00000"'),
}
SMTP: dict[str, tuple[Reader, str, str]] = {
    "host": (_text, "host", 'host = "smtp.example.org"'),
    "port": (_whole(1, 65535, "a port number from 1 to 65535"), "port", "port = 587"),
    "security": (_security, "security", 'security = "starttls"'),
    "user": (_text, "user", 'user = "wps-coordination"'),
    "sender": (
        _mailbox,
        "sender",
        'sender = "WPS coordination <wps-coordination@example.org>"',
    ),
    "ca_file": (_text, "ca_file", 'ca_file = "office-ca.pem"'),
    "timeout": (_seconds, "timeout", "timeout = 60"),
    "data_timeout": (_seconds, "data_timeout", "data_timeout = 600"),
}
TABLES = {"": TOP, "contact": CONTACT, "smtp": SMTP}


def load_settings(path: Path) -> Settings:
    """The settings, or one NapError naming every mistake, so the file is corrected once."""
    settings, problems = read_settings(path)
    if problems:
        listed = "; ".join(p.describe(with_file=False).replace("error: ", "", 1) for p in problems)
        raise NapError(f"{path.name}: {listed} (correct {path})")
    return settings


def read_settings(path: Path) -> tuple[Settings, list[Problem]]:
    """The settings, each mistaken one left at its default, and every mistake found."""
    if not path.is_file():
        return Settings(), []
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError:
        return Settings(), [problem("settings-not-utf8", file=path.name)]
    except tomllib.TOMLDecodeError as exc:
        return Settings(), [problem("settings-not-toml", file=path.name, reason=str(exc))]
    problems: list[Problem] = []
    values: dict[str, dict[str, object]] = {}
    for table, keys in TABLES.items():
        given = data if not table else data.get(table, {})
        if not isinstance(given, dict):
            where = _where(text, "", table)
            problems.append(
                problem(
                    "settings-bad-value",
                    file=path.name,
                    cell=where,
                    value=_shown(given),
                    expected=f"a section [{table}] with its settings below it",
                    example=f"[{table}]",
                )
            )
            given = {}
        values[table] = _read_table(path.name, text, table, given, keys, problems)
    return _settings(values), problems


def _read_table(
    file: str,
    text: str,
    table: str,
    given: dict,
    keys: dict[str, tuple[Reader, str, str]],
    problems: list[Problem],
) -> dict[str, object]:
    read: dict[str, object] = {}
    for key, value in given.items():
        if not table and key in TABLES:
            continue  # a section, read on its own
        if key not in keys:
            problems.append(_unknown(file, text, table, key, [*keys, *TABLES]))
            continue
        reader, name, example = keys[key]
        try:
            read[name] = reader(value)
        except BadValue as exc:
            where = _where(text, table, key)
            problems.append(
                problem(
                    "settings-bad-value",
                    file=file,
                    cell=where,
                    value=_shown(value),
                    expected=str(exc),
                    example=example,
                )
            )
    return read


def _settings(values: dict[str, dict[str, object]]) -> Settings:
    top = {**values[""], **values["contact"]}
    settings = replace(Settings(), **{k: v for k, v in top.items() if k != "contact_email"})
    contact = values["contact"].get("contact_email")
    if isinstance(contact, Mailbox):
        settings = replace(settings, contact_email=contact.address)
    smtp = values["smtp"]
    if "sender" not in smtp:
        smtp["sender"] = parse_mailbox(settings.contact_email)
    known = {f.name for f in fields(Smtp)}
    return replace(settings, smtp=replace(Smtp(), **{k: v for k, v in smtp.items() if k in known}))


def _unknown(file: str, text: str, table: str, key: str, known: list[str]) -> Problem:
    close = difflib.get_close_matches(key, known, n=1)
    hint = f"did you mean {close[0]}? " if close else ""
    return problem("settings-unknown", file=file, cell=_where(text, table, key), hint=hint)


def _shown(value: object) -> str:
    return f"'{value}'" if isinstance(value, str) else str(value).lower()


def setting_place(path: Path, table: str, key: str) -> str:
    """Where a key is, or would go, in nap.toml: `line 7, contact.email`."""
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    return _where(text, table, key)


def _where(text: str, table: str, key: str) -> str:
    """`line 14, smtp.port`: the line as an editor numbers it, and the key as the guide
    names it."""
    name = f"{table}.{key}" if table else key
    line = _line_of(text, table, key)
    return f"line {line}, {name}" if line else name


def _line_of(text: str, table: str, key: str) -> int:
    current = ""
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(r"\s*\[\s*([^\]\s]+)\s*\]", line)
        if header:
            current = header.group(1)
            continue
        if re.match(rf"\s*{re.escape(key)}\s*=", line) and current == table:
            return number
        if not current and re.match(rf"\s*{re.escape(table)}\.{re.escape(key)}\s*=", line):
            return number
    return 0
