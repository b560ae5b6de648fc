"""Rules of the Report sheet's input cells and rows: does each answer say something the
ledger can hold, and does each row say it consistently? One rule per function, in tables."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from pipeline.intake.numbers import DateSpan, Refused, grouped, plain, read_figure
from pipeline.intake.returned import cell_text
from pipeline.intake.xlsx_reader import Cell
from pipeline.plan.plausibility import FIGURE_MEASURES, Ceiling
from pipeline.plan.register import Action, Plan
from pipeline.problems import Problem, Severity, translated_messages
from pipeline.template import contract as c

if TYPE_CHECKING:
    from pipeline.intake.rules import Locator

_FIGURES = ("whole", "decimal")
# Statuses that say figures exist: a row with one of them and nothing else is worth a word.
_REPORTING = ("Completed", "Ongoing")
_EXAMPLES = {"women_men": "12", "count": "3", "amount": "1200 or 1200,50"}


class Value(NamedTuple):
    """An answer that passed its cell's rules; a tuple, so that a worker sends it back cheaply."""

    action_id: str
    field: str
    value: str
    number: float | None
    sheet: str
    cell: str


@dataclass(frozen=True)
class Reading:
    """What the rules need besides the cells: where problems go, and how figures are judged."""

    at: Locator
    plan: Plan  # as registered: the ceilings of its figures
    dates: DateSpan | None = None


@dataclass(slots=True)
class Row:
    """One action's row of the Report sheet: the row rules see it once its cells are read."""

    action: Action
    number: int
    reading: Reading
    values: dict[str, Value] = field(default_factory=dict)  # inputs that passed, by field
    problems: list[Problem] = field(default_factory=list)
    filled: set[str] = field(default_factory=set)  # inputs holding anything, passed or not

    def ref(self, name: str) -> str:
        return c.cell_ref(name, self.number)

    def problem(self, code: str, name: str, **fields: object) -> Problem:
        return self.reading.at.problem(code, self.ref(name), self.action.id, **fields)

    def text(self, name: str) -> str:
        value = self.values.get(name)
        return value.value if value is not None else ""

    def figure(self, name: str) -> float:
        value = self.values.get(name)
        return value.number if value is not None and value.number is not None else 0.0

    def refused(self, name: str) -> bool:
        ref = self.ref(name)
        return any(p.cell == ref and p.severity is Severity.ERROR for p in self.problems)

    @property
    def asks_figures(self) -> bool:
        return any(m in FIGURE_MEASURES for m in self.action.measures)

    @property
    def says_only_status(self) -> bool:
        """A status of _REPORTING in a row that asks for figures, and nothing else in it."""
        return self.text("status") in _REPORTING and self.filled <= {"status"} and self.asks_figures


class Input:
    """One input cell of a row as the cell rules see it: `text` is what a person reads in it,
    `number` and `status` what it says when its column holds one and it can be read."""

    __slots__ = ("cell", "column", "number", "ref", "refusal", "row", "status", "text")

    def __init__(self, row: Row, column: c.Column, ref: str, cell: Cell) -> None:
        self.row, self.column, self.ref, self.cell = row, column, ref, cell
        self.text = text = cell_text(cell)
        self.number: Decimal | None = None
        self.refusal: Refused | None = None
        self.status: str | None = None
        if text and column.kind in _FIGURES:
            self._read_figure()
        elif text and column.kind == "status":
            self.status = c.status_of(text)

    def _read_figure(self) -> None:
        cell, dates = self.cell, self.row.reading.dates
        try:
            self.number = read_figure(cell.value, self.column.measure, cell.number_format, dates)
        except Refused as refused:
            self.refusal = refused

    @property
    def typed(self) -> str:
        """What the cell shows: its text, or a date or percentage as the format shows it."""
        if self.refusal is not None and self.refusal.code == "number-date-format":
            return self.refusal.fields["value"]
        return self.text

    def problem(self, code: str, **fields: object) -> Problem:
        return self.row.reading.at.problem(
            code, self.ref, self.row.action.id, typed=self.typed, **fields
        )

    def figure_problem(self, code: str, **fields: object) -> Problem:
        """A problem of a figure, in the words of the catalogue's number messages."""
        return self.problem(
            code,
            field=shown_header(self.row, self.column.field),
            what=noun(self.column.field, self.row.action, self.row.reading.at.language),
            example=_said(
                self.row, f"example-{self.column.measure}", _EXAMPLES[self.column.measure]
            ),
            **{"value": self.typed, **fields},
        )

    def value(self) -> Value:
        """The answer as the ledger keeps it: a status spelt as listed, a number as digits."""
        # + 0.0: a typed "-0" is the number 0, not -0.0 (which a report prints as "-0")
        number = float(self.number) + 0.0 if self.number is not None else None
        if self.status is not None:
            text = self.status
        elif self.number is not None:
            text = plain(self.number)
        else:
            text = self.text
        return Value(self.row.action.id, self.column.field, text, number, c.REPORT, self.ref)


def noun(name: str, action: Action, language: str = "en") -> str:
    """What a figure column counts, for the fix at the end of a message; in the template's
    language, from the translated problem catalogue (noun-... keys)."""
    words = translated_messages(language) if language != "en" else {}
    if name in ("women", "men"):
        return words.get(f"noun-{name}", f"number of {name}")
    if name == "amount":
        return words.get("noun-amount", "amount in euros")
    label = action.count_label
    if not label:
        return words.get("noun-number", "number")
    label = label[0].lower() + label[1:] if label[1:2].islower() else label
    return words.get("noun-number-of", "number of {label}").format(label=label)


def shown_header(row: Row, field: str) -> str:
    """A column as the row's template heads it."""
    return c.vocabulary(row.reading.at.language).headers[field]


def shown_status(row: Row, status: str) -> str:
    return c.vocabulary(row.reading.at.language).statuses.get(status, status)


def _said(row: Row, key: str, english: str) -> str:
    language = row.reading.at.language
    return translated_messages(language).get(key, english) if language != "en" else english


CellRule = Callable[[Input], Problem | None]
RowRule = Callable[[Row], Problem | None]


def check_row(cells: dict[str, Cell], action: Action, number: int, reading: Reading) -> Row:
    """Each input cell through its rules, then the row rules on what was read."""
    row = Row(action, number, reading)
    refs = c.row_refs(number)
    for column, rules in _inputs(action.measures):
        ref = refs[column.field]
        cell = cells.get(ref)
        if cell is not None:
            entry = Input(row, column, ref, cell)
            if entry.text or cell.formula is not None or cell.error:
                row.filled.add(column.field)
            _check_input(entry, rules)
    for rule in ROW_RULES:
        found = rule(row)
        if found is not None:
            row.problems.append(found)
    return row


@lru_cache(maxsize=256)
def _inputs(measures: tuple[str, ...]) -> tuple[tuple[c.Column, tuple[CellRule, ...]], ...]:
    """Each input column with its value rules, for an action with these measures: worked
    out once per measures, not for each cell."""
    return tuple((column, _value_rules(column, measures)) for column in c.INPUTS)


def _value_rules(column: c.Column, measures: tuple[str, ...]) -> tuple[CellRule, ...]:
    """Those of the column's kind, after CLOSED_RULES when the measures leave it closed."""
    rules = VALUE_RULES[column.kind]
    return rules if c.is_open(column, measures) else (*CLOSED_RULES, *rules)


def _check_input(entry: Input, value_rules: tuple[CellRule, ...]) -> None:
    """A blank cell is no answer, and has nothing more to check once it holds no error. The
    holding rules are about formulas and error values: a typed value skips them."""
    cell = entry.cell
    holds = (cell.formula is None and cell.error is None) or _passes(HOLDING_RULES, entry)
    if holds and entry.text and _passes(value_rules, entry):
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


def input_closed(entry: Input) -> Problem | None:
    """A figure the action's indicator does not measure would be counted nowhere."""
    field = shown_header(entry.row, entry.column.field)
    return entry.problem("input-unused", field=field, expected=entry.row.action.indicator)


def status_listed(entry: Input) -> Problem | None:
    if entry.status is not None:
        return None
    return entry.problem("status-invalid", value=entry.text, expected=_names(entry.row))


def number_readable(entry: Input) -> Problem | None:
    """The one reader of figures decides (pipeline/intake/numbers.py)."""
    refused = entry.refusal
    return None if refused is None else entry.figure_problem(refused.code, **refused.fields)


def number_not_negative(entry: Input) -> Problem | None:
    return entry.figure_problem("number-negative") if entry.number < 0 else None


def number_whole(entry: Input) -> Problem | None:
    whole = entry.number == entry.number.to_integral_value()
    return None if whole else entry.figure_problem("number-fractional")


def number_plausible(entry: Input) -> Problem | None:
    """Above the register's ceiling for the measure is a typing error, not a figure."""
    limit, ceiling = _ceiling(entry.row.reading.plan, entry.row.action.id, entry.column.measure)
    if entry.number <= limit:
        return None
    return entry.figure_problem("number-too-large", ceiling=grouped(limit), where=ceiling.where)


def _ceiling(plan: Plan, action_id: str, measure: str) -> tuple[Decimal, Ceiling]:
    """The ceiling of an action's measure, with its limit as a Decimal: looked up once per
    plan, not for each figure of each file."""

    def make() -> tuple[Decimal, Ceiling]:
        ceiling = plan.plausibility.ceiling(action_id, measure)
        return Decimal(str(ceiling.limit)), ceiling

    return plan.derived(("ceiling", action_id, measure), make)


def text_within_limit(entry: Input) -> Problem | None:
    if len(entry.text) <= c.MAX_TEXT:
        return None
    return entry.problem(
        "text-too-long",
        field=shown_header(entry.row, entry.column.field),
        value=len(entry.text),
        expected=c.MAX_TEXT,
    )


def _names(row: Row) -> str:
    """The statuses as the row's template lists them, in its language."""
    return ", ".join(c.vocabulary(row.reading.at.language).statuses.values())


def status_given(row: Row) -> Problem | None:
    """A row left wholly blank is not reported; a row with answers and no status cannot be
    counted under any status, so its figures would be summed under none. A refused status
    already has its own error."""
    if "status" in row.values or row.refused("status"):
        return None
    if row.filled:
        return row.problem("status-missing", "status", expected=_names(row))
    return row.problem("not-reported", "status")


def not_applicable_without_figures(row: Row) -> Problem | None:
    """Figures under Not applicable would be summed for an action the ministry says it did
    not carry out; a 0 says nothing and is let through."""
    if row.text("status") != "Not applicable":
        return None
    names = [name for name in c.NUMERIC_FIELDS if row.figure(name)]
    given = [f"{shown_header(row, name)} {row.text(name)}" for name in names]
    if not given:
        return None
    return row.problem("not-applicable-with-figures", "status", value=", ".join(given))


def something_reported(row: Row) -> Problem | None:
    if not row.says_only_status:
        return None
    language = row.reading.at.language
    expected = c.what_to_report(row.action.measures, row.action.count_label, language)
    status = shown_status(row, row.text("status"))
    return row.problem("no-figures", "status", value=status, expected=expected)


def activities_described(row: Row) -> Problem | None:
    status = row.text("status")
    if status in c.PROGRESS_STATUSES and not row.text("activities") and not row.says_only_status:
        return row.problem("no-activities", "activities", value=shown_status(row, status))
    return None


def completed_with_figures(row: Row) -> Problem | None:
    """Completed with zero women and zero men is more often figures forgotten than true."""
    if (
        row.text("status") == "Completed"
        and "women_men" in row.action.measures
        and row.figure("women") == 0
        and row.figure("men") == 0
        and not row.says_only_status
    ):
        return row.problem("completed-no-figures", "women")
    return None


# What the cell holds, whatever its column: Excel's error values and formulas.
HOLDING_RULES: tuple[CellRule, ...] = (error_value, formula_without_value, formula_value_used)
# What a non-blank cell says, by the kind of its column. They are tried in order, each on
# what the ones before let through: the number rules after number_readable see a number.
VALUE_RULES: dict[str, tuple[CellRule, ...]] = {
    "status": (status_listed,),
    "whole": (number_readable, number_not_negative, number_whole, number_plausible),
    "decimal": (number_readable, number_not_negative, number_plausible),
    "text": (text_within_limit,),
}
# Tried first on a non-blank input that the action's measures leave closed (_inputs).
CLOSED_RULES: tuple[CellRule, ...] = (input_closed,)
ROW_RULES: tuple[RowRule, ...] = (
    status_given,
    not_applicable_without_figures,
    something_reported,
    activities_described,
    completed_with_figures,
)
