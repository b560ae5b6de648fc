"""Problems found in data: typed records with a stable code, collected rather than raised."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


# Every message the tool gives about data, in one place. Placeholders are filled by `problem()`.
CATALOGUE: dict[str, tuple[Severity, str]] = {
    # Plan register
    "register-missing-field": (Severity.ERROR, "required field '{field}' is empty"),
    "register-duplicate-id": (
        Severity.ERROR,
        "action id {value} is used twice (first on line {first})",
    ),
    "register-bad-id": (
        Severity.ERROR,
        "action id '{value}' is not of the form <pillar>.<nn>, e.g. II.07",
    ),
    "register-unknown-pillar": (
        Severity.ERROR,
        "pillar '{value}' is not declared in the plan file",
    ),
    "register-unknown-body": (
        Severity.ERROR,
        "responsible body '{value}' is not in the bodies list",
    ),
    "register-unknown-ministry": (
        Severity.ERROR,
        "ministry '{value}' is not declared in the plan file",
    ),
    "register-unknown-measure": (
        Severity.ERROR,
        "measure '{value}' is unknown; use count, women_men, amount or text",
    ),
    "register-ministries-mismatch": (
        Severity.ERROR,
        "ministries {value} differ from those of the responsible bodies ({expected})",
    ),
    "register-bad-header": (Severity.ERROR, "the header must be: {expected}"),
    # The contacts list (workbook_templates/contacts.csv)
    "contacts-bad-header": (Severity.ERROR, "the header must be: {expected}"),
    "contacts-extra-fields": (
        Severity.ERROR,
        "more fields than the header; put quotes around a value with a comma",
    ),
    "contacts-unknown-ministry": (
        Severity.ERROR,
        "'{value}' is not a ministry of the plan ({expected})",
    ),
    "contacts-duplicate-ministry": (
        Severity.ERROR,
        "{value} already has a row (line {first}); keep one",
    ),
    "contacts-missing-ministry": (Severity.ERROR, "{value} of the plan has no row; add one"),
    "contacts-empty": (Severity.ERROR, "empty; fill it in"),
    "contacts-bad-email": (Severity.ERROR, "'{value}' is not an email address"),
    # Identification of a returned workbook
    "unreadable": (Severity.ERROR, "{detail}"),
    "meta-missing": (
        Severity.ERROR,
        "the hidden _meta sheet is missing: this is not a template issued by the tool; "
        "fill in the template that was sent to you",
    ),
    "meta-incomplete": (Severity.ERROR, "the _meta sheet lacks '{field}': the file was altered"),
    "meta-bad-signature": (
        Severity.ERROR,
        "the signature in _meta does not match: the file was not issued by this office or its "
        "identification was altered; fill in the template that was sent to you",
    ),
    "meta-unknown-plan": (
        Severity.ERROR,
        "the template belongs to plan {value}, not to the plan in use ({expected})",
    ),
    "meta-plan-changed": (
        Severity.ERROR,
        "the template was issued for another version of the plan register; send the ministry "
        "a new template",
    ),
    "meta-unknown-ministry": (Severity.ERROR, "ministry code '{value}' is not in the plan"),
    "meta-schema": (
        Severity.ERROR,
        "template schema version {value} is not supported (expected {expected}); "
        "send the ministry a new template",
    ),
    "sheet-missing": (Severity.ERROR, "sheet '{value}' is missing; do not rename or delete sheets"),
    "header-changed": (
        Severity.ERROR,
        "column header '{value}' was expected to be '{expected}'; do not insert, delete or move "
        "columns",
    ),
    "rows-changed": (
        Severity.ERROR,
        "action id '{value}' was expected to be '{expected}'; do not insert, delete or re-order "
        "rows",
    ),
    "description-changed": (
        Severity.ERROR,
        "the locked description of action {action} was changed; put back: '{expected}'",
    ),
    "extra-data": (
        Severity.ERROR,
        "unexpected content '{value}' outside the report's rows and columns; remove it",
    ),
    # Input cells
    "status-invalid": (
        Severity.ERROR,
        "status '{value}' is not one of: {expected}",
    ),
    "number-not-numeric": (Severity.ERROR, "'{value}' in {field} is not a number"),
    "number-negative": (Severity.ERROR, "{value} in {field} is negative"),
    "number-fractional": (Severity.ERROR, "{value} in {field} must be a whole number"),
    "number-too-large": (Severity.ERROR, "{value} in {field} is implausibly large"),
    "input-unused": (
        Severity.ERROR,
        "{field} is not reported for action {action} (its indicator is {expected}); clear the cell",
    ),
    "text-too-long": (
        Severity.ERROR,
        "{field} holds {value} characters; the limit is {expected}: shorten it or attach a "
        "document and cite it under Evidence / source",
    ),
    "formula-no-value": (
        Severity.ERROR,
        "the cell holds a formula with no computed value; type the value itself",
    ),
    "error-value": (Severity.ERROR, "the cell holds the error {value}; type the value itself"),
    # Warnings: accepted, shown in the reports
    "not-reported": (Severity.WARNING, "action {action} has no status: counted as not reported"),
    "no-activities": (
        Severity.WARNING,
        "action {action} is '{value}' but no activities are described",
    ),
    "completed-no-figures": (
        Severity.WARNING,
        "action {action} is Completed but reports zero women and zero men",
    ),
    "formula-value-used": (
        Severity.WARNING,
        "the cell holds a formula; its computed value {value} was used",
    ),
}


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    severity: Severity
    message: str
    file: str = ""
    sheet: str = ""
    cell: str = ""
    action: str = ""
    ministry: str = ""

    @property
    def place(self) -> str:
        """Sheet and cell, e.g. Report!F12."""
        return f"{self.sheet}!{self.cell}" if self.sheet and self.cell else self.sheet or self.cell

    def describe(self, *, with_file: bool = True) -> str:
        parts = [self.file] if with_file and self.file else []
        if self.place:
            parts.append(self.place)
        return ": ".join([*parts, f"{self.severity}: {self.message}"])

    def __str__(self) -> str:
        return self.describe()


def problem(
    code: str,
    *,
    file: str = "",
    sheet: str = "",
    cell: str = "",
    action: str = "",
    ministry: str = "",
    **fields: object,
) -> Problem:
    """Make a `Problem` from the catalogue; `fields` fill the message's placeholders."""
    severity, template = CATALOGUE[code]
    message = template.format(action=action, **fields)
    return Problem(code, severity, message, file, sheet, cell, action, ministry)


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity is Severity.ERROR]
