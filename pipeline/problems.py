"""Problems found in data: typed records with a stable code, collected rather than raised."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from enum import StrEnum

from pipeline.failures import NapError


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    HOLD = "hold"  # a valid return that waits for the coordinator's decision, and why


# Endings shared by the reader's refusals: what the ministry should do about them.
_RESAVE = "open it in Excel and save it again as .xlsx (Excel Workbook), then send it again"
_SEND_XLSX = "send the Excel workbook (.xlsx) that was sent to you, filled in"
_NOT_XLSX = "not an .xlsx workbook: the file is"
_BOMB = "suspected decompression bomb:"

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
    "register-unknown-head-count": (
        Severity.ERROR,
        "head count '{value}' is unknown; use flow (people reached during the year) or stock "
        "(people in post on a date), or leave it empty",
    ),
    "register-ministries-mismatch": (
        Severity.ERROR,
        "ministries {value} differ from those of the responsible bodies ({expected})",
    ),
    "register-bad-header": (Severity.ERROR, "the header must be: {expected}"),
    "register-bad-ceiling": (
        Severity.ERROR,
        "'{value}' is not a ceiling: give a number above 0 for women_men, count or amount",
    ),
    "register-unknown-action": (
        Severity.ERROR,
        "no action of the actions table has this id; correct it or remove the entry",
    ),
    # The plans of a workspace (workbook_templates/plans/*/plan.toml)
    "plans-overlap": (
        Severity.ERROR,
        "the plan {value} shares years with the plan {other}: a year belongs to one plan; "
        "change first_period or last_period",
    ),
    "plan-years-reversed": (
        Severity.ERROR,
        "the plan {value} ends before it begins; swap first_period and last_period",
    ),
    "plan-same-id": (
        Severity.ERROR,
        "the plan id {value} is also the id of {other}; give each plan an id of its own",
    ),
    # A drafted plan matrix and its ministries list (`nap plan import`): errors must be
    # corrected before the plan loads; warnings are the import's guesses, to check.
    "ministries-bad-header": (Severity.ERROR, "the header must be: {expected}"),
    "ministries-bad-code": (
        Severity.ERROR,
        "'{value}' is not a ministry code: capital letters and digits, e.g. MDIGI",
    ),
    "ministries-duplicate-code": (
        Severity.ERROR,
        "{value} already has a row (line {first}); keep one",
    ),
    "ministries-empty-name": (Severity.ERROR, "the ministry's name is empty; fill it in"),
    "ministries-ambiguous-alias": (
        Severity.ERROR,
        "'{value}' also names {other}: a name or alias names one ministry; remove it from one row",
    ),
    "import-column-left-out": (
        Severity.WARNING,
        "column '{value}' is not imported (only {expected}); copy what it holds into the register "
        "by hand if it is needed",
    ),
    "import-measures-guessed": (
        Severity.WARNING,
        "measures {value} guessed from {cue} in the indicator; correct the measures (and "
        "count_label) of actions.csv if the ministries should report otherwise",
    ),
    "import-measures-default": (
        Severity.WARNING,
        "the indicator names no figure, so the ministries will describe the progress in words "
        "(text); set the measures in actions.csv if a number is wanted",
    ),
    "import-body-unmapped": (
        Severity.WARNING,
        "responsible body '{value}' is none of the ministries of {list}; if a ministry reports "
        "for it, add it to that ministry's aliases there and import again",
    ),
    "import-no-ministry": (
        Severity.ERROR,
        "no responsible body of action {action} is a ministry of {list}, so no ministry would "
        "report on it; add the body to the aliases of its ministry and import again, or fill "
        "in bodies and ministries in actions.csv",
    ),
    "import-renumbered": (
        Severity.WARNING,
        "the matrix numbers its actions its own way ('{value}' is {action}); the register "
        "numbers them <pillar>.<nn> and keeps the matrix's number in the note column",
    ),
    "import-row-joined": (
        Severity.WARNING,
        "a row with no action of its own: its text was added to action {action}; check that it "
        "belongs there",
    ),
    "import-no-indicator": (
        Severity.ERROR,
        "action {action} has no indicator in the matrix; write one in actions.csv",
    ),
    "import-no-objective": (
        Severity.WARNING,
        "action {action} has no objective in the matrix, so its pillar's name stands for it; "
        "correct the objective in actions.csv",
    ),
    "import-pillar-read": (
        Severity.WARNING,
        "read as pillar {value}; check its name and add its main objective and commitments "
        "in plan.toml",
    ),
    "import-heading-left-out": (
        Severity.WARNING,
        "'{value}' reads as a heading with no action below it, and was left out",
    ),
    "import-ministry-unused": (
        Severity.WARNING,
        "{value} of the ministries list is responsible for no action, so it is left out of the "
        "plan",
    ),
    "import-contact-added": (
        Severity.WARNING,
        "{value} is new to contacts.csv: fill in its focal point and email there before the "
        "templates are mailed",
    ),
    "import-title": (
        Severity.WARNING,
        "the plan's title was taken as '{value}'; correct it in plan.toml if needed",
    ),
    # Actions a plan carries over from an earlier one (carry_over.csv beside its plan.toml)
    "carry-over-unknown-action": (
        Severity.ERROR,
        "'{value}' is not an action of the plan {plan}; correct it or remove the row",
    ),
    "carry-over-unknown-plan": (
        Severity.ERROR,
        "'{value}' is no earlier plan beside this one; give the id of the plan the action "
        "continues",
    ),
    # An address reserved for examples where a real one is needed (placeholders.py)
    "placeholder-address": (
        Severity.ERROR,
        "'{value}' is an example address ({domain}); put the real one here before templates or "
        "messages go out",
    ),
    # What nap check finds in a workspace (check.py)
    "check-unreadable": (Severity.ERROR, "{reason}"),
    "check-folder-read-only": (
        Severity.ERROR,
        "this user may not write here; give it write access (and the nightly job's user too)",
    ),
    "check-restore-aside": (
        Severity.WARNING,
        "what the workspace held before a restore, with a copy of its ledger and every "
        "ministry's figures; once the restored workspace is checked and the files nap restore "
        "listed are back in inbox/, move this folder out of the workspace or delete it",
    ),
    "check-restore-unfinished": (
        Severity.ERROR,
        "nap restore stopped before it finished: the workspace is part backup, part as it was; "
        "run the same nap restore again (what the workspace held is in {aside})",
    ),
    "check-restore-leftover": (
        Severity.WARNING,
        "left by a restore that stopped half-way, before nap restore was run again; delete it",
    ),
    "check-no-contacts": (
        Severity.ERROR,
        "the workspace has no contacts list of its own; copy {shipped} here (nap init does) "
        "and fill in each ministry's focal point",
    ),
    "check-no-key": (
        Severity.ERROR,
        "no signing key yet; nap init makes it, and says where to keep a copy",
    ),
    "check-key-missing": (
        Severity.ERROR,
        "the signing key that signed the templates (fingerprint {fingerprint}) is missing; put "
        "the office's copy back here, or set NAP_SIGNING_KEY",
    ),
    "check-key-wrong": (
        Severity.ERROR,
        "this key (fingerprint {found}) did not sign the workspace's templates (fingerprint "
        "{expected}); put the office's key back",
    ),
    "check-key-shared": (
        Severity.WARNING,
        "other users of the machine may read the key; make the file private (chmod 600)",
    ),
    "check-ledger-damaged": (
        Severity.ERROR,
        "the ledger is damaged ({reason}); restore it from the last backup (see the guide)",
    ),
    "check-smtp": (Severity.ERROR, "{reason}"),
    "check-untranslated": (
        Severity.WARNING,
        "{value}: shown in English; add the translation beside the English text",
    ),
    # The settings (nap.toml)
    "settings-not-utf8": (
        Severity.ERROR,
        "not UTF-8 text; save it again with the encoding UTF-8 (Notepad: Save as, Encoding)",
    ),
    "settings-not-toml": (
        Severity.ERROR,
        "not a valid settings file: {reason}; a text needs double quotes, e.g. "
        'office = "Ministry of Foreign and European Affairs"',
    ),
    "settings-unknown": (
        Severity.ERROR,
        "unknown setting; {hint}the settings are listed in docs/coordinator-guide.md",
    ),
    "settings-bad-value": (Severity.ERROR, "{value} is not {expected}; e.g. {example}"),
    # The contacts list (workbook_templates/contacts.csv)
    "contacts-bad-header": (
        Severity.ERROR,
        "the header must be: {expected} (name, role, cc and language may be left out)",
    ),
    "contacts-old-columns": (
        Severity.WARNING,
        "the columns of an earlier version: focal_point is read as the role; to greet each "
        "focal point by name, rename it role and add the columns name and language",
    ),
    "contacts-not-utf8": (
        Severity.ERROR,
        "not UTF-8 text; in Excel, save it as 'CSV UTF-8 (Comma delimited)'",
    ),
    "contacts-extra-fields": (
        Severity.ERROR,
        "more fields than the header; put quotes around a value with a comma (or a semicolon, "
        "in a list saved with semicolons)",
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
    "contacts-bad-email": (Severity.ERROR, "'{value}' is not an email address ({reason})"),
    "contacts-bad-language": (
        Severity.ERROR,
        "'{value}' is not a language of the messages; write one of {expected}, or leave it "
        "empty for the language of nap.toml",
    ),
    # A returned file the safe reader refuses before any rule runs (intake/xlsx_reader.py)
    "file-empty": (
        Severity.ERROR,
        "empty file (0 bytes): the workbook did not arrive; send it again",
    ),
    "file-too-large": (
        Severity.ERROR,
        "file too large ({size}, limit {limit}): a report is far smaller; remove pictures or "
        "extra sheets and send it again",
    ),
    "file-not-xlsx": (Severity.ERROR, f"{_NOT_XLSX} {{kind}}; {_SEND_XLSX}"),
    "file-encrypted": (
        Severity.ERROR,
        "password-protected workbook: the file is encrypted and cannot be read; remove the "
        "password (File > Info > Protect Workbook > Encrypt with Password), save and send it "
        "again",
    ),
    "file-legacy-xls": (
        Severity.ERROR,
        f"{_NOT_XLSX} a legacy Excel 97-2003 (.xls) file; save it as .xlsx (Excel Workbook) "
        "and send it again",
    ),
    "file-legacy-or-encrypted": (
        Severity.ERROR,
        f"{_NOT_XLSX} a legacy Excel 97-2003 (.xls) file or a password-protected workbook; "
        "save it as .xlsx (Excel Workbook) without a password and send it again",
    ),
    "file-not-spreadsheet": (
        Severity.ERROR,
        f"not a spreadsheet: the file is {{kind}}; {_SEND_XLSX}",
    ),
    "file-macro-enabled": (
        Severity.ERROR,
        "macro-enabled workbook (.xlsm): save it as a plain .xlsx workbook without macros and "
        "send it again",
    ),
    "zip-damaged": (
        Severity.ERROR,
        "damaged or incomplete file: its zip directory cannot be read (was it cut short while "
        f"sending?); {_RESAVE}",
    ),
    "zip-directory-too-large": (
        Severity.ERROR,
        "too many parts in the workbook (a zip directory of {size}): not a normal report; "
        f"{_RESAVE}",
    ),
    "zip-too-many-parts": (
        Severity.ERROR,
        f"too many parts in the workbook ({{count}}, limit {{limit}}): not a normal report; "
        f"{_RESAVE}",
    ),
    "zip-duplicate-part": (
        Severity.ERROR,
        f"damaged or tampered file: two parts are named {{part}}; {_RESAVE}",
    ),
    "zip-encrypted-part": (
        Severity.ERROR,
        f"encrypted zip archive (part {{part}} needs a password): not an Excel workbook; "
        f"{_SEND_XLSX}",
    ),
    "zip-bomb-part": (
        Severity.ERROR,
        f"{_BOMB} part {{part}} would unpack to {{size}} (limit {{limit}}); {_SEND_XLSX}",
    ),
    "zip-bomb-ratio": (
        Severity.ERROR,
        f"{_BOMB} part {{part}} would unpack {{ratio}} times its packed size (limit {{limit}}); "
        f"{_SEND_XLSX}",
    ),
    "zip-bomb-total": (
        Severity.ERROR,
        f"{_BOMB} the parts would unpack to {{size}} (limit {{limit}}); {_SEND_XLSX}",
    ),
    "zip-bomb-unpacked": (
        Severity.ERROR,
        f"{_BOMB} part {{part}} unpacks to more than {{limit}}; {_SEND_XLSX}",
    ),
    "xml-dtd": (
        Severity.ERROR,
        "the workbook contains XML entity declarations (DTD) in {part}, which are refused for "
        f"safety; {_RESAVE}",
    ),
    "xml-malformed": (
        Severity.ERROR,
        "damaged file: part {part} is not well-formed XML ({reason}, line {line}, column "
        f"{{column}}); {_RESAVE}",
    ),
    "part-damaged": (
        Severity.ERROR,
        f"damaged or incomplete file: part {{part}} cannot be read ({{detail}}); {_RESAVE}",
    ),
    "too-much-text": (
        Severity.ERROR,
        "too much text in the workbook (over {count} distinct texts or {chars} characters): "
        f"not a normal report; {_RESAVE}",
    ),
    "too-many-styles": (
        Severity.ERROR,
        f"more than {{limit}} cell styles in the workbook: not a normal report; {_RESAVE}",
    ),
    "sheet-part-missing": (
        Severity.ERROR,
        "damaged file: the workbook lists sheet {sheet_name} but its part {part} is missing; "
        f"{_RESAVE}",
    ),
    "sheet-too-many-merges": (
        Severity.ERROR,
        "sheet {sheet_name} has more than {limit} merged ranges: not a normal report; unmerge "
        "the cells and send the file again",
    ),
    "data-far-outside": (
        Severity.ERROR,
        "sheet {sheet_name} has data in cell {where}, far outside the report (at most {rows} "
        "rows and {cols} columns are read); delete what is there and send the file again",
    ),
    "cell-invalid": (
        Severity.ERROR,
        f"damaged file: sheet {{sheet_name}} cell {{ref}} holds an invalid value ({{detail}}); "
        f"{_RESAVE}",
    ),
    "cell-too-long": (
        Severity.ERROR,
        "sheet {sheet_name} cell {ref} holds more than {limit} characters: shorten the text "
        "and send the file again",
    ),
    # Identification of a returned workbook
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
    "meta-language": (
        Severity.ERROR,
        "the template is in the language '{value}', which this version of the tool does not "
        "read ({expected}); send the return to the coordination, which needs a newer version",
    ),
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
    "number-not-numeric": (
        Severity.ERROR,
        "{action}: '{value}' in {field} is not a number; type the {what} in digits, e.g. {example}",
    ),
    "number-ambiguous": (
        Severity.ERROR,
        "{action}: '{value}' in {field} could be {whole} or {fraction}; type {whole} or "
        "{fraction} without a thousands separator",
    ),
    "number-date-format": (
        Severity.ERROR,
        "{action}: {field} shows {value}, a {kind}, not a number; format the cell as Number "
        "and type the {what}, e.g. {example}",
    ),
    "number-like-date": (
        Severity.ERROR,
        "{action}: {value} in {field} is how a spreadsheet stores the date {date}: was a date "
        "such as 1/2 or 02.01 typed? Type the {what}, e.g. {example}; if {value} is right, "
        "type it with an apostrophe first: '{value}",
    ),
    "number-negative": (
        Severity.ERROR,
        "{action}: '{value}' in {field} is negative; type the {what}, 0 or more",
    ),
    "number-fractional": (
        Severity.ERROR,
        "{action}: '{value}' in {field} is not a whole number; type the {what} as a whole number",
    ),
    "number-too-large": (
        Severity.ERROR,
        "{action}: '{value}' in {field} is above the plausible ceiling of {ceiling} (set in the "
        "plan register: {where}); check the figure, and if it is right, ask the coordination "
        "to raise the ceiling",
    ),
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
    # Rows, and the report as a whole
    "status-missing": (
        Severity.ERROR,
        "{action}: figures or text given but no status; choose one of: {expected}",
    ),
    "not-applicable-with-figures": (
        Severity.ERROR,
        "{action} is Not applicable but gives figures ({value}); clear them, or choose the "
        "status that applies",
    ),
    "nothing-filled": (
        Severity.ERROR,
        "nothing was filled in: every Status, figure and text cell of the Report sheet is "
        "empty; fill in the report and send it again",
    ),
    # Warnings: accepted, shown in the reports
    "not-reported": (Severity.WARNING, "action {action} has no status: counted as not reported"),
    "no-activities": (
        Severity.WARNING,
        "action {action} is '{value}' but no activities are described",
    ),
    "no-figures": (
        Severity.WARNING,
        "{action} is {value} but gives no figure and no text; report {expected}",
    ),
    "completed-no-figures": (
        Severity.WARNING,
        "action {action} is Completed but reports zero women and zero men",
    ),
    "possible-double-count": (
        Severity.WARNING,
        "possible double count: {action} gives exactly the figures {other} gave for it "
        "({value}); ask both ministries whose they are before the totals add them up",
    ),
    "formula-value-used": (
        Severity.WARNING,
        "the cell holds a formula; its computed value {value} was used",
    ),
    # Why a valid return waits for the coordinator's decision (intake/holds.py)
    "held-period-closed": (
        Severity.HOLD,
        "period {period} was closed on {when} by {who}: a return for it waits for a decision",
    ),
    "held-cell-emptied": (
        Severity.HOLD,
        "{field} of action {action} would be emptied; the accepted return has '{value}'",
    ),
    "held-large-change": (
        Severity.HOLD,
        "{field} of action {action} would change from {old} to {new} ({change}), more than "
        "{limit} after the deadline of {deadline}",
    ),
    "held-older-version": (
        Severity.HOLD,
        "saved by the ministry on {saved}, before the accepted return {other} (saved on "
        "{other_saved}): an older version arriving late",
    ),
    "held-order-unknown": (
        Severity.HOLD,
        "{other} from the same ministry for the same period came in the same batch, and which "
        "was saved last cannot be told (last saved: {saved})",
    ),
    # The coordinator's refusal of a held return, sent to the ministry with its reminder
    "return-refused": (
        Severity.ERROR,
        "this return was not accepted by the coordination: {reason}",
    ),
}


PROBLEMS_FILE = "problems.toml"


@functools.cache
def translated_messages(language: str) -> dict[str, str]:
    """The messages of workbook_templates/problems.<language>.toml, as shipped (a message
    names cells of the contract, which the shipped file describes)."""
    from pipeline.language import localised
    from pipeline.workspace import shipped_data_file

    try:
        path = shipped_data_file(localised(PROBLEMS_FILE, language))
    except NapError:
        return {}
    return {k: str(v) for k, v in tomllib.loads(path.read_text("utf-8"))["messages"].items()}


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
    typed: str = ""  # what the cell held, as the person who filled it in sees it

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
    typed: str = "",
    language: str = "en",
    **fields: object,
) -> Problem:
    """Make a `Problem` from the catalogue; `fields` fill the message's placeholders. A
    problem of a returned template is told in the template's `language`, so the ministry
    reads it in its feedback and reminders as it reads the template; English where the
    translated catalogue lacks the code."""
    severity, template = catalogued(code, language)
    message = template.format(action=action, **fields)
    return Problem(code, severity, message, file, sheet, cell, action, ministry, typed)


def catalogued(code: str, language: str = "en") -> tuple[Severity, str]:
    """A code's severity and message template, in `language`; English where the translated
    catalogue lacks the code."""
    severity, template = CATALOGUE[code]
    if language != "en":
        template = translated_messages(language).get(code, template)
    return severity, template


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity is Severity.ERROR]
