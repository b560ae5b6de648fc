"""Each action report across the periods: its status, or No return and No status told
apart; its figures, or the word for why there are none; the values a later file revised;
and a status that went back, flagged for the coordinator."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from pipeline.ledger import Revision
from pipeline.outputs import figures as f
from pipeline.outputs.period_data import PeriodData
from pipeline.outputs.wording import Wording
from pipeline.template.contract import HEADER_OF

HISTORY_FIELDS = ("status", *f.FIGURE_FIELDS)
REVISED = "Revised by a later file"
WENT_BACK = "Status went back"


def revised_text(revisions: Sequence[Revision], words: Wording) -> str:
    """Women 12 → 15; Status In progress → Completed; Challenges rewritten: each value a
    later file changed, a text by its column only, in the workbook's language, a figure
    written as every document writes it (1,250.50; 1 250,50)."""

    def shown(revision: Revision, value: str | None) -> str:
        if not value:
            return words.phrase("empty")
        if revision.field == "status":
            return words.status(value)
        try:
            return words.number(float(value)) if revision.field in f.FIGURE_FIELDS else value
        except ValueError:
            return value

    parts = [
        f"{words.header(r.field)} {shown(r, r.old)} → {shown(r, r.new)}"
        if r.field in HISTORY_FIELDS
        else words.phrase("$column rewritten", column=words.header(r.field))
        for r in revisions
    ]
    return words.listed(dict.fromkeys(parts))


def went_back_text(changes: Sequence[tuple[int, str, int, str]], words: Wording) -> str:
    return words.listed(
        f"{y1} {words.status(s1)} → {y2} {words.status(s2)}" for y1, s1, y2, s2 in changes
    )


def history_table(periods: Sequence[PeriodData], words: Wording) -> pd.DataFrame:
    """One row per action and ministry of the plan of the last period, a group of columns
    per period."""
    plan = periods[-1].plan
    records = []
    for action, ministry in f.reports_of(plan.actions):
        record: dict[str, object] = {"action_id": action.id, "ministry": ministry}
        statuses = []
        for data in periods:
            category = data.category(action.id, ministry)
            statuses.append((data.period, category))
            record[f"{data.period} {HEADER_OF['status']}"] = category
            for name in f.FIGURE_FIELDS:
                value = f.cell(data, words, action, ministry, name)
                record[f"{data.period} {HEADER_OF[name]}"] = value
            revised = revised_text(data.revised(action.id, ministry), words)
            record[f"{data.period} {REVISED}"] = revised
        record[WENT_BACK] = went_back_text(f.went_back(statuses), words)
        records.append(record)
    return pd.DataFrame.from_records(records)
