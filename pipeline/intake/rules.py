"""Rules that decide whether a returned workbook is accepted: identification first, then the
report's structure, then every input cell and every row. Each rule is one function listed in
a table below; every rule runs and the problems are collected."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from pipeline.intake.returned import Returned, cell_text
from pipeline.intake.xlsx_reader import Cell
from pipeline.language import ENGLISH, LANGUAGES
from pipeline.plan.register import Action, Plan
from pipeline.plan.translation import translated
from pipeline.problems import Problem, Severity, errors, problem
from pipeline.signing import verify
from pipeline.template import contract as c
from pipeline.template.contract import description


@dataclass(frozen=True)
class Value:
    action_id: str
    field: str
    value: str
    number: float | None
    sheet: str
    cell: str


@dataclass
class Checked:
    """The outcome of the checks of one file."""

    problems: list[Problem] = field(default_factory=list)
    values: list[Value] = field(default_factory=list)
    meta: dict[str, str] | None = None  # set once the signature verified

    @property
    def accepted(self) -> bool:
        return not errors(self.problems)


def check_returned(returned: Returned, plan: Plan, key: bytes, file: str) -> Checked:
    """Stops only where the next rules could not be trusted: an unidentified file, a missing
    Report sheet, or rows and columns that moved."""
    checked = Checked()
    meta = identify(returned, plan, key, file, checked.problems)
    if meta is None:
        return checked
    checked.meta = meta
    language = language_of(meta)
    at = Locator(file, meta["ministry"], language)
    if returned.report is None:
        checked.problems.append(at.problem("sheet-missing", value=c.REPORT))
        return checked
    shown = translated(plan, language)
    actions = [shown.action(a) for a in meta["action_ids"].split(c.ACTION_ID_SEPARATOR)]
    sheet = Sheet(returned.report, shown, actions, at)
    if not check_structure(sheet, checked.problems):
        return checked
    for offset, action in enumerate(actions):
        row = check_row(sheet.cells, action, c.FIRST_DATA_ROW + offset, at)
        checked.problems += row.problems
        checked.values += row.values.values()
    return checked


class Locator:
    """Places a problem in the file and names the ministry it came from."""

    def __init__(self, file: str, ministry: str, language: str = ENGLISH) -> None:
        self.file, self.ministry, self.language = file, ministry, language

    def problem(
        self, code: str, cell: str = "", action: str = "", sheet: str = c.REPORT, **fields
    ) -> Problem:
        return problem(
            code,
            file=self.file,
            sheet=sheet,
            cell=cell,
            action=action,
            ministry=self.ministry,
            **fields,
        )


# Identification: is this a template the office issued, for the plan and version in use?


def identify(
    returned: Returned, plan: Plan, key: bytes, file: str, found: list[Problem]
) -> dict[str, str] | None:
    """The verified _meta fields, or None with the reason appended to `found`.

    Only the first failing rule is reported: once a file is not the right one, what else is
    wrong with it says nothing useful.
    """
    fields = _signed_fields(returned.meta, key, file, found)
    if fields is None:
        return None
    at = Locator(file, fields["ministry"])
    for rule in IDENTITY_RULES:
        refused = rule(fields, plan, at)
        if refused is not None:
            found.append(refused)
            return None
    return fields


def _signed_fields(
    meta: dict[str, str] | None, key: bytes, file: str, found: list[Problem]
) -> dict[str, str] | None:
    """The _meta fields when all are there and the office's signature covers them."""
    if meta is None:
        found.append(problem("meta-missing", file=file, sheet=c.META))
        return None
    keys = c.meta_keys(meta.get("schema_version", ""))
    for name in (*keys, c.SIGNATURE_KEY):
        if not meta.get(name):
            found.append(problem("meta-incomplete", file=file, sheet=c.META, field=name))
            return None
    fields = {name: meta[name] for name in keys}
    if not verify(key, fields, meta[c.SIGNATURE_KEY]):
        found.append(problem("meta-bad-signature", file=file, sheet=c.META))
        return None
    return fields


IdentityRule = Callable[[dict[str, str], Plan, Locator], Problem | None]


def schema_supported(meta: dict[str, str], plan: Plan, at: Locator) -> Problem | None:
    if meta["schema_version"] in c.READ_VERSIONS:
        return None
    return at.problem(
        "meta-schema", sheet=c.META, value=meta["schema_version"], expected=c.SCHEMA_VERSION
    )


def plan_in_use(meta: dict[str, str], plan: Plan, at: Locator) -> Problem | None:
    if meta["plan_id"] == plan.id:
        return None
    return at.problem("meta-unknown-plan", sheet=c.META, value=meta["plan_id"], expected=plan.id)


def ministry_in_plan(meta: dict[str, str], plan: Plan, at: Locator) -> Problem | None:
    if meta["ministry"] in plan.ministry_codes:
        return None
    return at.problem("meta-unknown-ministry", sheet=c.META, value=meta["ministry"])


def plan_unchanged(meta: dict[str, str], plan: Plan, at: Locator) -> Problem | None:
    """The same actions for its ministry and, from version 2, the same texts on them. A
    version 1 template signed a hash of the whole register, which no longer exists once the
    register changes: its rows are compared with the register cell by cell (rows_in_place)."""
    issued_for = c.ACTION_ID_SEPARATOR.join(a.id for a in plan.actions_for(meta["ministry"]))
    version_1 = meta["schema_version"] == "1"
    language = language_of(meta)
    hashed = c.plan_hash(translated(plan, language), meta["ministry"], language)
    shown = version_1 or meta["plan_hash"] == hashed
    if shown and meta["action_ids"] == issued_for:
        return None
    return at.problem("meta-plan-changed", sheet=c.META)


def language_of(meta: dict[str, str]) -> str:
    """The language a template was issued in: English before version 3."""
    return meta.get("language", ENGLISH)


def language_known(meta: dict[str, str], plan: Plan, at: Locator) -> Problem | None:
    if language_of(meta) in LANGUAGES:
        return None
    return at.problem(
        "meta-language", sheet=c.META, value=language_of(meta), expected=", ".join(LANGUAGES)
    )


def period_given(meta: dict[str, str], plan: Plan, at: Locator) -> Problem | None:
    if meta["period"].isdigit():
        return None
    return at.problem("meta-incomplete", sheet=c.META, field="period")


IDENTITY_RULES: tuple[IdentityRule, ...] = (
    schema_supported,
    language_known,
    plan_in_use,
    ministry_in_plan,
    plan_unchanged,
    period_given,
)


# Structure: is the Report sheet laid out as it was issued?


@dataclass(frozen=True)
class Sheet:
    """The Report sheet of an identified file, with the actions it was issued for."""

    cells: dict[str, Cell]
    plan: Plan
    actions: list[Action]
    at: Locator

    def text(self, ref: str) -> str:
        return cell_text(self.cells.get(ref))


StructureRule = Callable[[Sheet], list[Problem]]


def check_structure(sheet: Sheet, found: list[Problem]) -> bool:
    """Appends what every structure rule finds. False when rows or columns moved, since the
    input cells can then not be trusted to mean what they say."""
    problems = [p for rule in STRUCTURE_RULES for p in rule(sheet)]
    found.extend(problems)
    return not any(p.code in _MOVED for p in problems)


def _same(a: str, b: str) -> bool:
    """Equal but for spacing, which a re-save or a careful hand may change."""
    return a == b or " ".join(a.split()) == " ".join(b.split())


def headers_unchanged(sheet: Sheet) -> list[Problem]:
    """Each header as the template's language wrote it, or its English contract name."""
    found = []
    shown = c.vocabulary(sheet.at.language).headers
    for index, column in enumerate(c.COLUMNS, start=1):
        ref = f"{c.column_letter(index)}{c.HEADER_ROW}"
        value = sheet.text(ref)
        expected = shown[column.field]
        if not (_same(value, expected) or _same(value, column.header)):
            found.append(sheet.at.problem("header-changed", ref, value=value, expected=expected))
    return found


def rows_in_place(sheet: Sheet) -> list[Problem]:
    """Each action on its own row with its locked descriptions as issued. A row holding
    another action has its descriptions left unchecked: they are that action's."""
    found = []
    for offset, action in enumerate(sheet.actions):
        row = c.FIRST_DATA_ROW + offset
        ref = c.cell_ref("action_id", row)
        value = sheet.text(ref)
        if value != action.id:
            found.append(
                sheet.at.problem(
                    "rows-changed", ref, action=action.id, value=value, expected=action.id
                )
            )
            continue
        for name in c.CHECKED_DESCRIPTIONS:
            ref = c.cell_ref(name, row)
            expected = description(sheet.plan, action, name, sheet.at.language)
            if not _same(sheet.text(ref), expected):
                found.append(
                    sheet.at.problem(
                        "description-changed", ref, action=action.id, expected=expected
                    )
                )
    return found


def nothing_outside(sheet: Sheet) -> list[Problem]:
    """Content below the last action or right of the last column is not read, so a person
    who typed it there would lose it without a word."""
    last_row = c.FIRST_DATA_ROW + len(sheet.actions) - 1
    width = len(c.COLUMNS)
    found = []
    for ref, cell in sorted(sheet.cells.items(), key=lambda item: (item[1].row, item[1].col)):
        outside = cell.row > last_row or cell.col > width
        if outside and (cell_text(cell) or cell.formula or cell.error):
            found.append(
                sheet.at.problem(
                    "extra-data", ref, value=cell_text(cell)[:60] or f"={cell.formula}"
                )
            )
    return found


STRUCTURE_RULES: tuple[StructureRule, ...] = (headers_unchanged, rows_in_place, nothing_outside)
_MOVED = frozenset({"header-changed", "rows-changed"})


# Input cells and rows: does each answer say something the ledger can hold?


_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_CURRENCY = re.compile(r"(?i)^(eur|€)|(eur|€)$")
_DECIMAL_COMMA = re.compile(r"^-?\d+,\d{1,2}$")
_NUMERIC = ("whole", "decimal")


def parse_number(raw: str | float | bool, currency: bool) -> float | None:
    """A number as people type it: stray and thousands spaces, a decimal comma, a euro sign."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, float):
        return raw
    text = _SPACES.sub("", raw)
    if currency:
        text = _CURRENCY.sub("", text)
    if _DECIMAL_COMMA.match(text):
        text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None


def _canonical(number: float) -> str:
    return str(int(number)) if number.is_integer() else repr(number)


@dataclass(slots=True)
class Row:
    """One action's row of the Report sheet: the row rules see it once its cells are read."""

    action: Action
    number: int
    at: Locator
    values: dict[str, Value] = field(default_factory=dict)  # inputs that passed, by field
    problems: list[Problem] = field(default_factory=list)

    def ref(self, name: str) -> str:
        return c.cell_ref(name, self.number)

    def problem(self, code: str, name: str, **fields: object) -> Problem:
        return self.at.problem(code, self.ref(name), self.action.id, **fields)

    def text(self, name: str) -> str:
        value = self.values.get(name)
        return value.value if value is not None else ""

    def figure(self, name: str) -> float:
        value = self.values.get(name)
        return value.number if value is not None and value.number is not None else 0.0

    def refused(self, name: str) -> bool:
        ref = self.ref(name)
        return any(p.cell == ref and p.severity is Severity.ERROR for p in self.problems)


class Input:
    """One input cell of a row as the cell rules see it: `text` is what a person reads in it,
    `number` and `status` what it says when its column holds one and it can be read."""

    __slots__ = ("cell", "column", "number", "ref", "row", "status", "text")

    def __init__(self, row: Row, column: c.Column, ref: str, cell: Cell) -> None:
        self.row, self.column, self.ref, self.cell = row, column, ref, cell
        self.text = text = cell_text(cell)
        self.number: float | None = None
        self.status: str | None = None
        if text and column.kind in _NUMERIC:
            self.number = parse_number(cell.value, currency=column.kind == "decimal")
        elif text and column.kind == "status":
            self.status = c.status_of(text)

    def problem(self, code: str, **fields: object) -> Problem:
        return self.row.at.problem(code, self.ref, self.row.action.id, **fields)

    def value(self) -> Value:
        """The answer as the ledger keeps it: a status spelt as listed, a number as digits."""
        if self.status is not None:
            text = self.status
        elif self.number is not None:
            text = _canonical(self.number)
        else:
            text = self.text
        return Value(self.row.action.id, self.column.field, text, self.number, c.REPORT, self.ref)


CellRule = Callable[[Input], Problem | None]
RowRule = Callable[[Row], Problem | None]


def check_row(cells: dict[str, Cell], action: Action, number: int, at: Locator) -> Row:
    """Each input cell through its rules, then the row rules on what was read."""
    row = Row(action, number, at)
    for column in c.INPUTS:
        ref = c.cell_ref(column.field, number)
        cell = cells.get(ref)
        if cell is not None:
            _check_input(Input(row, column, ref, cell))
    for rule in ROW_RULES:
        found = rule(row)
        if found is not None:
            row.problems.append(found)
    return row


def _check_input(entry: Input) -> None:
    """A blank cell is no answer, and has nothing more to check once it holds no error."""
    rules = VALUE_RULES[entry.column.kind]
    if _passes(HOLDING_RULES, entry) and entry.text and _passes(rules, entry):
        entry.row.values[entry.column.field] = entry.value()


def _passes(rules: tuple[CellRule, ...], entry: Input) -> bool:
    """A cell's rules stop at its first error: a value that is not a number is not also
    said to be negative."""
    for rule in rules:
        found = rule(entry)
        if found is not None:
            entry.row.problems.append(found)
            if found.severity is Severity.ERROR:
                return False
    return True


def error_value(entry: Input) -> Problem | None:
    return entry.problem("error-value", value=entry.cell.error) if entry.cell.error else None


def formula_without_value(entry: Input) -> Problem | None:
    """A formula nobody recalculated (openpyxl, some converters) has no value to read."""
    cell = entry.cell
    if cell.formula is not None and (cell.value is None or cell.value == ""):
        return entry.problem("formula-no-value")
    return None


def formula_value_used(entry: Input) -> Problem | None:
    if entry.cell.formula is None:
        return None
    return entry.problem("formula-value-used", value=entry.text)


def input_open(entry: Input) -> Problem | None:
    """A figure the action's indicator does not measure would be counted nowhere."""
    action = entry.row.action
    if c.is_open(entry.column, action.measures):
        return None
    return entry.problem("input-unused", field=entry.column.header, expected=action.indicator)


def status_listed(entry: Input) -> Problem | None:
    if entry.status is not None:
        return None
    names = c.vocabulary(entry.row.at.language).statuses.values()
    return entry.problem("status-invalid", value=entry.text, expected=", ".join(names))


def number_readable(entry: Input) -> Problem | None:
    if entry.number is not None:
        return None
    return entry.problem("number-not-numeric", value=entry.text, field=entry.column.header)


def number_not_negative(entry: Input) -> Problem | None:
    return _number_problem(entry, "number-negative") if entry.number < 0 else None


def number_whole(entry: Input) -> Problem | None:
    return None if entry.number.is_integer() else _number_problem(entry, "number-fractional")


def number_plausible(entry: Input) -> Problem | None:
    return _number_problem(entry, "number-too-large") if entry.number > c.MAX_NUMBER else None


def _number_problem(entry: Input, code: str) -> Problem:
    return entry.problem(code, value=_canonical(entry.number), field=entry.column.header)


def text_within_limit(entry: Input) -> Problem | None:
    if len(entry.text) <= c.MAX_TEXT:
        return None
    return entry.problem(
        "text-too-long", field=entry.column.header, value=len(entry.text), expected=c.MAX_TEXT
    )


def status_given(row: Row) -> Problem | None:
    """No status counts as not reported; a refused status already has its own error."""
    if "status" in row.values or row.refused("status"):
        return None
    return row.problem("not-reported", "status")


def activities_described(row: Row) -> Problem | None:
    status = row.text("status")
    if status in c.PROGRESS_STATUSES and not row.text("activities"):
        return row.problem("no-activities", "activities", value=status)
    return None


def completed_with_figures(row: Row) -> Problem | None:
    """Completed with zero women and zero men is more often figures forgotten than true."""
    if (
        row.text("status") == "Completed"
        and "women_men" in row.action.measures
        and row.figure("women") == 0
        and row.figure("men") == 0
    ):
        return row.problem("completed-no-figures", "women")
    return None


# What the cell holds, whatever its column: Excel's error values and formulas.
HOLDING_RULES: tuple[CellRule, ...] = (error_value, formula_without_value, formula_value_used)
# What a non-blank cell says, by the kind of its column. They are tried in order, each on
# what the ones before let through: the number rules after number_readable see a number.
VALUE_RULES: dict[str, tuple[CellRule, ...]] = {
    "status": (input_open, status_listed),
    "whole": (input_open, number_readable, number_not_negative, number_whole, number_plausible),
    "decimal": (input_open, number_readable, number_not_negative, number_plausible),
    "text": (input_open, text_within_limit),
}
ROW_RULES: tuple[RowRule, ...] = (status_given, activities_described, completed_with_figures)
