"""The focal points of the ministries (contacts.csv), loaded and checked against the plan."""

from __future__ import annotations

import csv
import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from pipeline.failures import NapError
from pipeline.plan.register import Plan
from pipeline.problems import Problem, problem

COLUMNS = ("ministry", "focal_point", "email", "cc")
# Deliberately plain: an address a ministry's mail server accepts, not every RFC 5322 form,
# so that a typo ("x@", "x@y", "x y@z.lu") is caught before any message is written.
EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")

# contacts.csv messages; they belong with the others in problems.CATALOGUE once it has them.


@dataclass(frozen=True)
class Contact:
    ministry: str
    focal_point: str
    email: str
    cc: tuple[str, ...] = ()


def _problem(file: str, where: str, code: str, **fields: object) -> Problem:
    return problem(code, file=file, cell=where, **fields)


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def _check_row(file: str, line: int, row: dict, codes: tuple[str, ...]) -> list[Problem]:
    """Every problem of one row; all rules run."""
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
    elif not EMAIL.match(row["email"]):
        found.append(
            _problem(file, f"line {line}, email", "contacts-bad-email", value=row["email"])
        )
    found += [
        _problem(file, f"line {line}, cc", "contacts-bad-email", value=address)
        for address in _split(row["cc"])
        if not EMAIL.match(address)
    ]
    return found


def _rows(path: Path, problems: list[Problem]) -> list[tuple[int, dict]] | None:
    """Rows with their line numbers as a spreadsheet shows them, None when the header is
    wrong; rows left blank (Excel writes ",,," for rows it once used) are not rows."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            if tuple(reader.fieldnames or ()) != COLUMNS:
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
                values = {k: (row[k] or "").strip() for k in COLUMNS}
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
        contacts[code] = Contact(code, row["focal_point"], row["email"], tuple(_split(row["cc"])))
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
