"""Rules that decide whether a returned workbook is accepted: identification first, then the
report's structure, then every input cell. Every rule runs; problems are collected."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.intake.returned import Returned, cell_text
from pipeline.intake.xlsx_reader import Cell
from pipeline.plan.register import Action, Plan
from pipeline.problems import Problem, errors, problem
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
    checked = Checked()
    meta = identify(returned, plan, key, file, checked.problems)
    if meta is None:
        return checked
    checked.meta = meta
    ministry = meta["ministry"]
    actions = [plan.action(a) for a in meta["action_ids"].split(c.ACTION_ID_SEPARATOR)]
    at = _Locator(file, ministry)
    if returned.report is None:
        checked.problems.append(at.problem("sheet-missing", value=c.REPORT))
        return checked
    cells = returned.report
    if not check_structure(cells, plan, actions, at, checked.problems):
        return checked
    for offset, action in enumerate(actions):
        check_row(cells, action, c.FIRST_DATA_ROW + offset, at, checked)
    return checked


class _Locator:
    def __init__(self, file: str, ministry: str) -> None:
        self.file, self.ministry = file, ministry

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


def identify(
    returned: Returned, plan: Plan, key: bytes, file: str, found: list[Problem]
) -> dict[str, str] | None:
    """The verified _meta fields, or None with the reason appended to `found`."""
    meta = returned.meta
    if meta is None:
        found.append(problem("meta-missing", file=file, sheet=c.META))
        return None
    for name in (*c.META_KEYS, c.SIGNATURE_KEY):
        if not meta.get(name):
            found.append(problem("meta-incomplete", file=file, sheet=c.META, field=name))
            return None
    fields = {name: meta[name] for name in c.META_KEYS}
    if not verify(key, fields, meta[c.SIGNATURE_KEY]):
        found.append(problem("meta-bad-signature", file=file, sheet=c.META))
        return None
    at = _Locator(file, fields["ministry"])
    if fields["schema_version"] not in c.READ_VERSIONS:
        found.append(
            at.problem(
                "meta-schema",
                sheet=c.META,
                value=fields["schema_version"],
                expected=c.SCHEMA_VERSION,
            )
        )
    elif fields["plan_id"] != plan.id:
        found.append(
            at.problem("meta-unknown-plan", sheet=c.META, value=fields["plan_id"], expected=plan.id)
        )
    elif fields["ministry"] not in plan.ministry_codes:
        found.append(at.problem("meta-unknown-ministry", sheet=c.META, value=fields["ministry"]))
    elif fields["plan_hash"] != c.plan_hash(
        plan, fields["ministry"], fields["schema_version"]
    ) or fields["action_ids"] != c.ACTION_ID_SEPARATOR.join(
        a.id for a in plan.actions_for(fields["ministry"])
    ):
        found.append(at.problem("meta-plan-changed", sheet=c.META))
    elif not fields["period"].isdigit():
        found.append(at.problem("meta-incomplete", sheet=c.META, field="period"))
    else:
        return fields
    return None


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def check_structure(
    cells: dict[str, Cell], plan: Plan, actions: list[Action], at: _Locator, found: list[Problem]
) -> bool:
    """Headers, row order, locked descriptions and stray content. False when rows or columns
    moved, since the input cells can then not be trusted to mean what they say."""
    aligned = True
    for index, column in enumerate(c.COLUMNS, start=1):
        ref = f"{c.column_letter(index)}{c.HEADER_ROW}"
        value = cell_text(cells.get(ref))
        if not _same(value, column.header):
            found.append(at.problem("header-changed", ref, value=value, expected=column.header))
            aligned = False
    last_row = c.FIRST_DATA_ROW + len(actions) - 1
    for offset, action in enumerate(actions):
        row = c.FIRST_DATA_ROW + offset
        ref = c.cell_ref("action_id", row)
        value = cell_text(cells.get(ref))
        if value != action.id:
            found.append(
                at.problem("rows-changed", ref, action=action.id, value=value, expected=action.id)
            )
            aligned = False
            continue
        for name in c.CHECKED_DESCRIPTIONS:
            ref = c.cell_ref(name, row)
            expected = description(plan, action, name)
            if not _same(cell_text(cells.get(ref)), expected):
                found.append(
                    at.problem("description-changed", ref, action=action.id, expected=expected)
                )
    width = len(c.COLUMNS)
    for ref, cell in sorted(cells.items(), key=lambda item: (item[1].row, item[1].col)):
        outside = cell.row > last_row or cell.col > width
        if outside and (cell_text(cell) or cell.formula or cell.error):
            found.append(
                at.problem("extra-data", ref, value=cell_text(cell)[:60] or f"={cell.formula}")
            )
    return aligned


_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_CURRENCY = re.compile(r"(?i)^(eur|€)|(eur|€)$")
_DECIMAL_COMMA = re.compile(r"^-?\d+,\d{1,2}$")


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


def check_row(
    cells: dict[str, Cell], action: Action, row: int, at: _Locator, checked: Checked
) -> None:
    found = checked.problems
    got: dict[str, str] = {}
    numbers: dict[str, float] = {}
    for column in c.INPUTS:
        ref = c.cell_ref(column.field, row)
        cell = cells.get(ref)
        if cell is None:
            continue
        if cell.error:
            found.append(at.problem("error-value", ref, action.id, value=cell.error))
            continue
        if cell.formula is not None:
            if cell.value is None or cell.value == "":
                found.append(at.problem("formula-no-value", ref, action.id))
                continue
            found.append(at.problem("formula-value-used", ref, action.id, value=cell_text(cell)))
        text = cell_text(cell)
        if not text:
            continue
        if not c.is_open(column, action.measures):
            found.append(
                at.problem(
                    "input-unused", ref, action.id, field=column.header, expected=action.indicator
                )
            )
            continue
        if column.kind == "status":
            canonical = next(
                (s for s in c.STATUSES if s.casefold() == " ".join(text.split()).casefold()), None
            )
            if canonical is None:
                found.append(
                    at.problem(
                        "status-invalid", ref, action.id, value=text, expected=", ".join(c.STATUSES)
                    )
                )
                continue
            text = canonical
        elif column.kind in ("whole", "decimal"):
            number = parse_number(cell.value, currency=column.kind == "decimal")
            if number is None:
                found.append(
                    at.problem(
                        "number-not-numeric", ref, action.id, value=text, field=column.header
                    )
                )
                continue
            shown = _canonical(number)
            if number < 0:
                found.append(
                    at.problem("number-negative", ref, action.id, value=shown, field=column.header)
                )
                continue
            if column.kind == "whole" and not number.is_integer():
                found.append(
                    at.problem(
                        "number-fractional", ref, action.id, value=shown, field=column.header
                    )
                )
                continue
            if number > c.MAX_NUMBER:
                found.append(
                    at.problem("number-too-large", ref, action.id, value=shown, field=column.header)
                )
                continue
            numbers[column.field] = number
            text = shown
        elif len(text) > c.MAX_TEXT:
            found.append(
                at.problem(
                    "text-too-long",
                    ref,
                    action.id,
                    field=column.header,
                    value=len(text),
                    expected=c.MAX_TEXT,
                )
            )
            continue
        got[column.field] = text
        checked.values.append(
            Value(action.id, column.field, text, numbers.get(column.field), c.REPORT, ref)
        )
    status = got.get("status", "")
    status_ref = c.cell_ref("status", row)
    if not status and not _has_error_at(found, status_ref):
        found.append(at.problem("not-reported", status_ref, action.id))
    if status in c.PROGRESS_STATUSES and not got.get("activities"):
        found.append(
            at.problem("no-activities", c.cell_ref("activities", row), action.id, value=status)
        )
    if (
        status == "Completed"
        and "women_men" in action.measures
        and numbers.get("women", 0) == 0
        and numbers.get("men", 0) == 0
    ):
        found.append(at.problem("completed-no-figures", c.cell_ref("women", row), action.id))


def _has_error_at(found: list[Problem], ref: str) -> bool:
    return any(
        p.cell == ref and p.sheet == c.REPORT and p.code != "formula-value-used" for p in found
    )
