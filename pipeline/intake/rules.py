"""Rules that decide whether a returned workbook is accepted: identification first, then the
report's structure, then every input cell and every row. Each rule is one function listed in
a table below; every rule runs and the problems are collected."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from pipeline.intake.numbers import DateSpan
from pipeline.intake.returned import Returned, cell_text
from pipeline.intake.row_rules import Reading, Row, Value, check_row
from pipeline.intake.xlsx_reader import Cell
from pipeline.language import ENGLISH, LANGUAGES
from pipeline.ledger import decode_values, encode_values
from pipeline.plan.register import Action, Plan
from pipeline.plan.translation import translated
from pipeline.problems import Problem, errors, problem
from pipeline.signing import verify
from pipeline.template import contract as c


@dataclass
class Checked:
    """The outcome of the checks of one file."""

    problems: list[Problem] = field(default_factory=list)
    values: list[Value] = field(default_factory=list)
    meta: dict[str, str] | None = None  # set once the signature verified

    @property
    def accepted(self) -> bool:
        return not errors(self.problems)

    def recorded_values(self) -> str:
        """Its values as the ledger records them (encode_values)."""
        if "values" in self.__dict__:
            return encode_values(self.values)
        return self.__dict__["_recorded"]  # as a worker sent them, never decoded

    def __getstate__(self) -> tuple[list[Problem], str, dict[str, str] | None]:
        """A worker sends every file's values back as the text the ledger records: one
        string to pickle instead of a tuple per value, and nothing to encode in the process
        that records them. They are decoded there only if read."""
        return self.problems, encode_values(self.values), self.meta

    def __setstate__(self, state: tuple[list[Problem], str, dict[str, str] | None]) -> None:
        self.problems, self._recorded, self.meta = state

    def __getattr__(self, name: str) -> list[Value]:
        """`values`, when first read after a worker sent them."""
        if name != "values" or "_recorded" not in self.__dict__:
            raise AttributeError(name)
        self.values = [Value._make(value) for value in decode_values(self._recorded)]
        return self.values


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
    actions = listed_actions(shown, meta["action_ids"])
    sheet = Sheet(returned.report, shown, actions, at)
    if not check_structure(sheet, checked.problems):
        return checked
    reading = Reading(at, plan, _typing_dates(meta))
    rows = [
        check_row(sheet.cells, action, c.FIRST_DATA_ROW + offset, reading)
        for offset, action in enumerate(actions)
    ]
    said_nothing = nothing_filled(rows, at)
    if said_nothing is not None:
        checked.problems.append(said_nothing)
        return checked
    for row in rows:
        checked.problems += row.problems
        checked.values += row.values.values()
    return checked


def listed_actions(plan: Plan, action_ids: str) -> tuple[Action, ...]:
    """The plan's actions named by a template's action_ids, in its order; looked up once per
    plan and list, as each ministry's templates list the same ones."""
    return plan.derived(
        ("listed_actions", action_ids),
        lambda: tuple(map(plan.action, action_ids.split(c.ACTION_ID_SEPARATOR))),
    )


def nothing_filled(rows: list[Row], at: Locator) -> Problem | None:
    """A template sent back untouched is no return: accepted, it would stop the reminders
    and report a ministry as having answered. Its rows' own warnings would only repeat it."""
    return None if any(row.filled for row in rows) else at.problem("nothing-filled")


def _typing_dates(meta: dict[str, str]) -> DateSpan:
    """When the template can have been filled in: from its period to the year after today."""
    try:
        issued = dt.date.fromisoformat(meta["issued"])
    except ValueError:
        issued = dt.date(int(meta["period"]) + 1, 1, 1)
    return DateSpan.of(int(meta["period"]), max(issued, dt.date.today()))


class Locator:
    """Places a problem in the file and names the ministry it came from."""

    def __init__(self, file: str, ministry: str, language: str = ENGLISH) -> None:
        self.file, self.ministry, self.language = file, ministry, language

    def problem(
        self, code: str, cell: str = "", action: str = "", sheet: str = c.REPORT, **fields
    ) -> Problem:
        return problem(
            code,
            language=self.language,
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
    at = Locator(file, fields["ministry"], language_of(fields))
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
    issued_for = c.action_ids(plan, meta["ministry"])
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
    actions: Sequence[Action]
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
    refs = c.row_refs(c.HEADER_ROW)
    for column in c.COLUMNS:
        ref = refs[column.field]
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
        refs = c.row_refs(c.FIRST_DATA_ROW + offset)
        ref = refs["action_id"]
        value = sheet.text(ref)
        if value != action.id:
            found.append(
                sheet.at.problem(
                    "rows-changed", ref, action=action.id, value=value, expected=action.id
                )
            )
            continue
        for name, expected in c.locked_texts(sheet.plan, action, sheet.at.language):
            ref = refs[name]
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
    outside = [
        (ref, cell) for ref, cell in sheet.cells.items() if cell.row > last_row or cell.col > width
    ]
    found = []
    for ref, cell in sorted(outside, key=lambda item: (item[1].row, item[1].col)):
        if cell_text(cell) or cell.formula or cell.error:
            found.append(
                sheet.at.problem(
                    "extra-data", ref, value=cell_text(cell)[:60] or f"={cell.formula}"
                )
            )
    return found


STRUCTURE_RULES: tuple[StructureRule, ...] = (headers_unchanged, rows_in_place, nothing_outside)
_MOVED = frozenset({"header-changed", "rows-changed"})
