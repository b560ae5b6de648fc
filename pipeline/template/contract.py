"""The template contract, shared by the template writer and the reader of returned files.

Other tools may rely on it: sheet names, header texts, the status vocabulary and the
_meta keys change only with SCHEMA_VERSION.
"""

from __future__ import annotations

import functools
import hashlib
import json
import tomllib
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from pipeline.language import ENGLISH, LANGUAGES, localised

if TYPE_CHECKING:
    from pipeline.plan.register import Action, Plan

SCHEMA_VERSION = "3"
# Versions ingest still reads: templates already in the ministries' hands stay valid.
# 1: _meta's plan_hash covered the whole register as it then was, which cannot be recomputed
# once the register changes; its rows are compared with the register cell by cell instead.
# 2: the plan_hash covers only what the template shows (plan_hash below).
# 3: _meta records the template's language; headers, statuses and texts are in it.
READ_VERSIONS = ("1", "2", "3")
INSTRUCTIONS = "Instructions"
REPORT = "Report"
META = "_meta"

TITLE_ROW = 1
SUBTITLE_ROW = 2
HEADER_ROW = 4
FIRST_DATA_ROW = HEADER_ROW + 1

STATUSES = ("Not started", "In progress", "Ongoing", "Completed", "Not applicable")
PROGRESS_STATUSES = ("In progress", "Ongoing", "Completed")
MAX_TEXT = 4000


class LastStatus(NamedTuple):
    """What the column "Last period's status" says of an action, put in words by the
    template's language: the status the ministry gave it in `year` ("" when its return left
    the status empty, None when no return of it came), and for an action carried over from
    an earlier plan, that plan's action as (action, plan)."""

    status: str | None
    year: int
    carried_from: tuple[str, str] | None = None


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    width: float
    kind: str = "description"  # description, status, whole, decimal, text
    measure: str = ""  # the measure that opens an input; "" = always open (inputs only)

    @property
    def is_input(self) -> bool:
        return self.kind != "description"


COLUMNS: tuple[Column, ...] = (
    Column("Action ID", "action_id", 8),
    Column("Pillar", "pillar", 12),
    Column("Objective", "objective", 22),
    Column("Action", "action", 34),
    Column("Indicator", "indicator", 22),
    Column("Responsible bodies", "responsible", 18),
    Column("What to report", "what_to_report", 20),
    Column("Last period's status", "last_status", 12),
    Column("Status", "status", 13, "status"),
    Column("Women", "women", 8, "whole", "women_men"),
    Column("Men", "men", 8, "whole", "women_men"),
    Column("Count", "count", 8, "whole", "count"),
    Column("Amount (EUR)", "amount", 13, "decimal", "amount"),
    Column("Activities carried out", "activities", 36, "text"),
    Column("Challenges", "challenges", 24, "text"),
    Column("Next steps", "next_steps", 24, "text"),
    Column("Evidence / source", "evidence", 20, "text"),
)
INPUTS = tuple(c for c in COLUMNS if c.is_input)
NUMERIC_FIELDS = tuple(c.field for c in INPUTS if c.kind in ("whole", "decimal"))
# Description cells a ministry must not change; checked against the register on return.
CHECKED_DESCRIPTIONS = (
    "pillar",
    "objective",
    "action",
    "indicator",
    "responsible",
    "what_to_report",
)


def column_letter(index: int) -> str:
    """1-based column index to letters (1 -> A)."""
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


COLUMN_INDEX = {c.field: i for i, c in enumerate(COLUMNS, start=1)}
LETTER = {c.field: column_letter(i) for i, c in enumerate(COLUMNS, start=1)}
HEADER_OF = {c.field: c.header for c in COLUMNS}


def cell_ref(field: str, row: int) -> str:
    return f"{LETTER[field]}{row}"


@functools.lru_cache(maxsize=1024)
def row_refs(row: int) -> dict[str, str]:
    """The reference of each column's cell in `row`, by field; shared, so read only."""
    return {field: cell_ref(field, row) for field in LETTER}


def is_open(column: Column, measures: tuple[str, ...]) -> bool:
    """Whether an input column is open for an action with these measures."""
    return column.is_input and (not column.measure or column.measure in measures)


# _meta: key in column A, value in column B, in this order. All values are text.
META_KEYS = (
    "plan_id",
    "plan_hash",
    "ministry",
    "period",
    "schema_version",
    "issued",
    "action_ids",
    "language",
)
SIGNATURE_KEY = "signature"
ACTION_ID_SEPARATOR = ","


def meta_keys(version: str) -> tuple[str, ...]:
    """The _meta keys a template of this schema version signs: before 3, no language."""
    return META_KEYS if version not in ("1", "2") else META_KEYS[:-1]


# The words of the contract in another language live in the shipped catalogue
# workbook_templates/template_wording.<lang>.toml, sections [columns], [statuses] and
# [what_to_report]; they are read from the shipped file only, since a template already in a
# ministry's hands must keep meaning what it said. English is the contract above.
TEMPLATE_WORDING = "template_wording.toml"
CONTRACT_SECTIONS = ("columns", "statuses", "what_to_report")
WHAT_TO_REPORT = {
    "women_men": "Women and Men: number of each",
    "count": "Count: $label",
    "number": "number",
    "amount": "Amount (EUR): funds allocated",
    "text": "Describe under Activities carried out",
    "separator": "; ",
}


@dataclass(frozen=True)
class Vocabulary:
    """The contract's words in one language: column headers, status names, row guides."""

    language: str
    headers: dict[str, str]  # by field
    statuses: dict[str, str]  # by the canonical (English) status
    guide: dict[str, str]  # the parts of the "What to report" cell


def english_words() -> dict[str, dict[str, str]]:
    return {
        "columns": dict(HEADER_OF),
        "statuses": {s: s for s in STATUSES},
        "what_to_report": dict(WHAT_TO_REPORT),
    }


@functools.cache
def vocabulary(language: str = ENGLISH) -> Vocabulary:
    """The contract's words in `language`, English where the catalogue lacks one."""
    words = english_words()
    if language != ENGLISH:
        from pipeline.workspace import shipped_data_file

        path = shipped_data_file(localised(TEMPLATE_WORDING, language))
        found = tomllib.loads(path.read_text(encoding="utf-8"))
        for section in CONTRACT_SECTIONS:
            words[section].update({k: str(v) for k, v in found.get(section, {}).items()})
    return Vocabulary(language, words["columns"], words["statuses"], words["what_to_report"])


def _folded(text: str) -> str:
    """Spacing, case and accents aside: "termine" and "Terminé" are one status."""
    plain = unicodedata.normalize("NFKD", " ".join(text.split()).casefold())
    return "".join(ch for ch in plain if not unicodedata.combining(ch))


@functools.cache
def _status_names() -> dict[str, str]:
    return {
        _folded(name): status
        for language in LANGUAGES
        for status, name in vocabulary(language).statuses.items()
    }


@functools.lru_cache(maxsize=4096)
def status_of(text: str) -> str | None:
    """The canonical status a ministry meant, written in any language of the tool."""
    return _status_names().get(_folded(text))


@functools.lru_cache(maxsize=1024)
def what_to_report(measures: tuple[str, ...], count_label: str, language: str = ENGLISH) -> str:
    """The reader's guide to the open inputs of one row, shown in a locked column."""
    guide = vocabulary(language).guide
    parts = []
    if "women_men" in measures:
        parts.append(guide["women_men"])
    if "count" in measures:
        parts.append(guide["count"].replace("$label", count_label or guide["number"]))
    if "amount" in measures:
        parts.append(guide["amount"])
    if "text" in measures:
        parts.append(guide["text"])
    return guide["separator"].join(parts)


def description(plan: Plan, action: Action, field: str, language: str = ENGLISH) -> str:
    """The text of a locked description cell, as written and as checked on return; `plan`
    is the register as the template's language shows it (plan/translation.py)."""
    match field:
        case "action_id":
            return action.id
        case "pillar":
            return plan.pillar(action.pillar).title
        case "responsible":
            return action.responsible_printed
        case "what_to_report":
            return what_to_report(action.measures, action.count_label, language)
        case _:
            return getattr(action, field)


def locked_texts(
    plan: Plan, action: Action, language: str = ENGLISH
) -> tuple[tuple[str, str], ...]:
    """(field, text) of each of an action's CHECKED_DESCRIPTIONS, worked out once per plan,
    action and language: ingest compares every returned row with them."""
    return plan.derived(
        ("locked_texts", action.id, language),
        lambda: tuple(
            (name, description(plan, action, name, language)) for name in CHECKED_DESCRIPTIONS
        ),
    )


def action_ids(plan: Plan, ministry: str) -> str:
    """The action_ids field of the ministry's templates' _meta: its actions, in the plan's
    order; worked out once per plan, as ingest compares every returned file's with it."""
    return plan.derived(
        ("action_ids", ministry),
        lambda: ACTION_ID_SEPARATOR.join(a.id for a in plan.actions_for(ministry)),
    )


def plan_hash(plan: Plan, ministry: str, language: str = ENGLISH) -> str:
    """The plan_hash a template signs into `_meta`: only what the ministry's template shows
    (the plan, the ministry, and each of its rows' id and locked texts), so a register change
    the template does not show (a ceiling, a unit, a note, a translation, another ministry's
    row) leaves it valid."""

    def make() -> str:
        shown = _shown(plan, ministry, language)
        blob = json.dumps(shown, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()

    return plan.derived(("plan_hash", ministry, language), make)


def _shown(plan: Plan, ministry: str, language: str) -> dict[str, object]:
    rows = [
        [
            description(plan, action, c.field, language)
            for c in COLUMNS
            if not c.is_input and c.field != "last_status"
        ]
        for action in plan.actions_for(ministry)
    ]
    return {
        "plan": [plan.id, plan.title],
        "ministry": [ministry, plan.ministry(ministry).name],
        "rows": rows,
    }
