"""The focal points of the ministries (contacts.csv), loaded and checked against the plan.

Columns: `ministry`, `name` (the focal point's own name, for the greeting), `role` (their
function, for the address line when no name is given), `email`, `cc`, `language` (of the
ministry's templates and messages: en or fr, empty as nap.toml says). A list of an earlier
version (`ministry,focal_point,email,cc`, with or without `language`) is still read, its focal
point as the role. Excel in French or German saves CSV with
semicolons: a header with more semicolons than commas is read that way."""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.failures import NapError
from pipeline.language import LANGUAGES
from pipeline.plan.addresses import AddressError, Mailbox, parse_mailbox, parse_mailboxes
from pipeline.plan.periods import PlanHead
from pipeline.plan.register import Plan
from pipeline.problems import Problem, errors, problem

COLUMNS = ("ministry", "name", "role", "email", "cc", "language")
REQUIRED = ("ministry", "email")
OLD_COLUMNS = ("ministry", "focal_point", "email", "cc")  # before names (and languages)


@dataclass(frozen=True)
class Contact:
    ministry: str
    name: str  # the focal point's name; "" when the list gives none
    role: str
    email: Mailbox  # named after the focal point (or role) unless typed with a name of its own
    cc: tuple[Mailbox, ...] = ()
    language: str = ""  # of its templates and messages; "" as nap.toml says
    line: int = 0  # of contacts.csv, to name where an address refused by a server is

    @property
    def addresses(self) -> tuple[Mailbox, ...]:
        return (self.email, *self.cc)


def _problem(file: str, where: str, code: str, **fields: object) -> Problem:
    return problem(code, file=file, cell=where, **fields)


def _check_row(file: str, line: int, row: dict, codes: tuple[str, ...]) -> list[Problem]:
    """Every problem of one row but its addresses'; all rules run."""
    known_language = row["language"].lower() in ("", *LANGUAGES)
    rules = (
        ("ministry", row["ministry"] not in codes, "contacts-unknown-ministry", ", ".join(codes)),
        ("email", not row["email"], "contacts-empty", ""),
        ("language", not known_language, "contacts-bad-language", ", ".join(LANGUAGES)),
    )
    return [
        _problem(file, f"line {line}, {column}", code, value=row[column], expected=expected)
        for column, wrong, code, expected in rules
        if wrong
    ]


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
    name, role = row["name"], row["role"]
    language = row["language"].lower() if row["language"].lower() in LANGUAGES else ""
    named = email.named(name or role)
    return Contact(row["ministry"], name, role, named, parsed["cc"], language, line)


def _columns(file: str, header: list[str], problems: list[Problem]) -> dict[str, str] | None:
    """Each column of the file mapped to the one it stands for, or None (with the problem)
    when a column is unknown, twice, or a required one is missing."""
    header = [h.strip().lower() for h in header]
    if tuple(header) in (OLD_COLUMNS, (*OLD_COLUMNS, "language")):
        problems.append(_problem(file, "line 1", "contacts-old-columns"))
        return {h: "role" if h == "focal_point" else h for h in header}
    wrong = [h for h in header if h not in COLUMNS] or [h for h in REQUIRED if h not in header]
    if wrong or len(set(header)) < len(header):
        problems.append(_problem(file, "line 1", "contacts-bad-header", expected=",".join(COLUMNS)))
        return None
    return {h: h for h in header}


def _delimiter(text: str) -> str:
    """Commas, or semicolons as Excel saves CSV where the comma is the decimal mark."""
    first = text.partition("\n")[0]
    return ";" if first.count(";") > first.count(",") else ","


def missing_rows(text: str, codes: Sequence[str]) -> tuple[list[str], str]:
    """The codes the list has no row for, and blank rows for them to append, in the list's
    own columns and separator, for the coordinator to fill in."""
    delimiter = _delimiter(text)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    header = [h.strip().lower() for h in rows[0]] if rows else list(COLUMNS)
    at = header.index("ministry") if "ministry" in header else 0
    known = {row[at].strip() for row in rows[1:] if len(row) > at}
    new = [code for code in codes if code not in known]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    if not rows:
        writer.writerow(header)
    for code in new:
        writer.writerow([code if i == at else "" for i in range(len(header))])
    return new, buffer.getvalue()


def _rows(path: Path, problems: list[Problem]) -> list[tuple[int, dict]] | None:
    """Rows with their line numbers as a spreadsheet shows them, None when the file cannot be
    read as a contacts list; rows left blank (Excel writes ",,," for rows it once used) are
    not rows."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise NapError(
            f"the contacts list {path} is missing; copy the shipped workbook_templates/contacts.csv"
        ) from None
    except UnicodeDecodeError:
        problems.append(_problem(path.name, "", "contacts-not-utf8"))
        return None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    columns = _columns(path.name, next(reader, []), problems)
    if columns is None:
        return None
    rows = []
    for fields in reader:
        if len(fields) > len(columns):
            problems.append(_problem(path.name, f"line {reader.line_num}", "contacts-extra-fields"))
        values = dict.fromkeys(COLUMNS, "")
        for name, value in zip(columns.values(), fields, strict=False):
            values[name] = value.strip()
        if any(values.values()):
            rows.append((reader.line_num, values))
    return rows


def read_contacts(
    path: Path, plan: Plan | PlanHead, *, others: Collection[str] = ()
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
    """The contacts of every ministry of the plan; one NapError lists every error, so the
    coordinator corrects the file once (warnings are for `nap check`)."""
    contacts, problems = read_contacts(path, plan, others=others)
    found = errors(problems)
    if found:
        listed = "; ".join(p.describe(with_file=False).replace("error: ", "", 1) for p in found)
        raise NapError(f"{Path(path).name}: {listed} (correct {path})")
    return contacts
