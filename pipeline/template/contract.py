"""The template contract, shared by the template writer and the reader of returned files.

Other tools may rely on it: sheet names, header texts, the status vocabulary and the
_meta keys change only with SCHEMA_VERSION.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.plan.register import Action, Plan

SCHEMA_VERSION = "2"
# Versions ingest still reads: templates already in the ministries' hands stay valid.
# 1: _meta's plan_hash covered the whole register as it then was, which cannot be recomputed
# once the register changes; its rows are compared with the register cell by cell instead.
# 2: the plan_hash covers only what the template shows (plan_hash below).
READ_VERSIONS = ("1", "2")
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


def is_open(column: Column, measures: tuple[str, ...]) -> bool:
    """Whether an input column is open for an action with these measures."""
    return column.is_input and (not column.measure or column.measure in measures)


# _meta: key in column A, value in column B, in this order. All values are text.
META_KEYS = ("plan_id", "plan_hash", "ministry", "period", "schema_version", "issued", "action_ids")
SIGNATURE_KEY = "signature"
ACTION_ID_SEPARATOR = ","


def what_to_report(measures: tuple[str, ...], count_label: str) -> str:
    """The reader's guide to the open inputs of one row, shown in a locked column."""
    parts = []
    if "women_men" in measures:
        parts.append("Women and Men: number of each")
    if "count" in measures:
        parts.append(f"Count: {count_label or 'number'}")
    if "amount" in measures:
        parts.append("Amount (EUR): funds allocated")
    if "text" in measures:
        parts.append("Describe under Activities carried out")
    return "; ".join(parts)


def description(plan: Plan, action: Action, field: str) -> str:
    """The text of a locked description cell, as written and as checked on return."""
    match field:
        case "action_id":
            return action.id
        case "pillar":
            return plan.pillar(action.pillar).title
        case "responsible":
            return action.responsible_printed
        case "what_to_report":
            return what_to_report(action.measures, action.count_label)
        case _:
            return getattr(action, field)


def plan_hash(plan: Plan, ministry: str) -> str:
    """The plan_hash a template signs into `_meta`: only what the ministry's template shows
    (the plan, the ministry, and each of its rows' id and locked texts), so a register change
    the template does not show (a ceiling, a unit, a note, a translation, another ministry's
    row) leaves it valid."""
    key = ("plan_hash", ministry)
    if key not in plan.memo:
        shown = _shown(plan, ministry)
        blob = json.dumps(shown, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        plan.memo[key] = hashlib.sha256(blob.encode()).hexdigest()
    return plan.memo[key]


def _shown(plan: Plan, ministry: str) -> dict[str, object]:
    rows = [
        [
            description(plan, action, c.field)
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
