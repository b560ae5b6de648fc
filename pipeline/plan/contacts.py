"""The focal points of the ministries (contacts.csv), loaded and checked against the plan."""

from __future__ import annotations

import csv
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from pipeline.failures import NapError
from pipeline.language import LANGUAGES, check_language
from pipeline.plan.addresses import AddressError, Mailbox, parse_mailbox, parse_mailboxes
from pipeline.plan.register import Plan
from pipeline.problems import Problem, problem

CONTACTS_FILE = "contacts.csv"
COLUMNS = ("ministry", "focal_point", "email", "cc")
# A column a list written before it existed may lack: the ministry's working language.
LANGUAGE = "language"


@dataclass(frozen=True)
class Contact:
    ministry: str
    focal_point: str
    email: Mailbox  # named after the focal point unless typed with a name of its own
    cc: tuple[Mailbox, ...] = ()
    line: int = 0  # of contacts.csv, to name where an address refused by a server is
    language: str = ""  # of its templates and messages; "" as nap.toml says


def _problem(file: str, where: str, code: str, **fields: object) -> Problem:
    return problem(code, file=file, cell=where, **fields)


def _check_row(file: str, line: int, row: dict, codes: tuple[str, ...]) -> list[Problem]:
    """Every problem of one row but its addresses'; all rules run."""
    found = []
    if row["ministry"] not in codes:
        found.append(
            _problem(
                file,
                f"line {line}, ministry",
                "contacts-unknown-ministry",
                value=row["ministry"],
                expected=", ".join(codes),
            )
        )
    if not row["focal_point"]:
        found.append(_problem(file, f"line {line}, focal_point", "contacts-empty"))
    if not row["email"]:
        found.append(_problem(file, f"line {line}, email", "contacts-empty"))
    if row.get(LANGUAGE):
        try:
            check_language(row[LANGUAGE], LANGUAGE)
        except ValueError:
            found.append(
                _problem(
                    file,
                    f"line {line}, {LANGUAGE}",
                    "contacts-bad-language",
                    value=row[LANGUAGE],
                    expected=", ".join(LANGUAGES),
                )
            )
    return found


def _contact(file: str, line: int, row: dict, problems: list[Problem]) -> Contact | None:
    """The row's contact with its addresses parsed, or None with the problem of each bad one."""
    parsed: dict[str, tuple[Mailbox, ...]] = {}
    for column, parse in (("email", lambda text: (parse_mailbox(text),)), ("cc", parse_mailboxes)):
        try:
            parsed[column] = parse(row[column]) if row[column] else ()
        except AddressError as exc:
            problems.append(
                _problem(
                    file,
                    f"line {line}, {column}",
                    "contacts-bad-email",
                    value=exc.text,
                    reason=exc.reason,
                )
            )
    if len(parsed) < 2 or not parsed["email"]:
        return None
    (email,) = parsed["email"]
    language = row.get(LANGUAGE, "").lower()
    return Contact(
        row["ministry"],
        row["focal_point"],
        email.named(row["focal_point"]),
        parsed["cc"],
        line,
        language if language in LANGUAGES else "",
    )


def _rows(path: Path, problems: list[Problem]) -> list[tuple[int, dict]] | None:
    """Rows with their line numbers as a spreadsheet shows them, None when the header is
    wrong; rows left blank (Excel writes ",,," for rows it once used) are not rows."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            header = tuple(reader.fieldnames or ())
            if header not in (COLUMNS, (*COLUMNS, LANGUAGE)):
                problems.append(
                    _problem(path.name, "line 1", "contacts-bad-header", expected=",".join(COLUMNS))
                )
                return None
            rows = []
            for row in reader:
                if None in row:
                    problems.append(
                        _problem(path.name, f"line {reader.line_num}", "contacts-extra-fields")
                    )
                values = {k: (row[k] or "").strip() for k in header}
                if any(values.values()):
                    rows.append((reader.line_num, values))
            return rows
    except FileNotFoundError:
        raise NapError(
            f"the contacts list {path} is missing; copy the shipped workbook_templates/contacts.csv"
        ) from None
    except UnicodeDecodeError:
        raise NapError(f"{path} is not UTF-8 text; save it as 'CSV UTF-8' in Excel") from None


def read_contacts(
    path: Path, plan: Plan, *, others: Collection[str] = ()
) -> tuple[dict[str, Contact], list[Problem]]:
    """The contacts by ministry code, and every problem found (the dict is partial then).
    Rows of `others`, the ministries of the workspace's other plans, are left unread: one
    list serves every plan."""
    path = Path(path)
    problems: list[Problem] = []
    contacts: dict[str, Contact] = {}
    first_line: dict[str, int] = {}
    codes = plan.ministry_codes
    rows = _rows(path, problems)
    if rows is None:
        return contacts, problems
    for line, row in rows:
        if row["ministry"] in others and row["ministry"] not in codes:
            continue
        problems += _check_row(path.name, line, row, codes)
        code = row["ministry"]
        if code in first_line:
            problems.append(
                _problem(
                    path.name,
                    f"line {line}, ministry",
                    "contacts-duplicate-ministry",
                    value=code,
                    first=first_line[code],
                )
            )
            continue
        first_line[code] = line
        contact = _contact(path.name, line, row, problems)
        if contact is not None:
            contacts[code] = contact
    problems += [
        _problem(path.name, "ministry", "contacts-missing-ministry", value=code)
        for code in codes
        if code not in first_line
    ]
    return contacts, problems


def load_contacts(path: Path, plan: Plan, *, others: Collection[str] = ()) -> dict[str, Contact]:
    """The contacts of every ministry of the plan; one NapError lists every problem, so the
    coordinator corrects the file once."""
    contacts, problems = read_contacts(path, plan, others=others)
    if problems:
        listed = "; ".join(f"{p.cell}: {p.message}" for p in problems)
        raise NapError(f"{Path(path).name}: {listed} (correct {path})")
    return contacts
