"""Fill an issued template the way a ministry would: open it in a spreadsheet program's
stead (openpyxl), type into the input cells, save under another name."""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from pathlib import Path

import openpyxl

from pipeline import contract as c

Answers = Mapping[str, Mapping[str, object]]  # action id -> field -> value


def fill_template(template: Path, dest: Path, answers: Answers, *, settle: bool = True) -> Path:
    """Copy `template` to `dest` with the answers typed in; returns `dest`.

    With `settle`, the file's time is set in the past so that ingest does not take it for a
    file still being written.
    """
    wb = openpyxl.load_workbook(template)
    ws = wb[c.REPORT]
    rows = {
        ws.cell(row=r, column=1).value: r
        for r in range(c.FIRST_DATA_ROW, ws.max_row + 1)
        if ws.cell(row=r, column=1).value
    }
    for action_id, fields in answers.items():
        row = rows[action_id]
        for name, value in fields.items():
            cell = ws.cell(row=row, column=c.COLUMN_INDEX[name])
            cell.value = value
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # typed as text, as a ministry would with a leading quote
    dest.parent.mkdir(parents=True, exist_ok=True)
    wb.save(dest)
    if settle:
        past = time.time() - 3600
        os.utime(dest, (past, past))
    return dest


def template_rows(template: Path) -> dict[str, int]:
    """Action id -> row number in the Report sheet."""
    wb = openpyxl.load_workbook(template, read_only=True)
    ws = wb[c.REPORT]
    found = {}
    for row in ws.iter_rows(min_row=c.FIRST_DATA_ROW, max_col=1):
        if row[0].value:
            found[row[0].value] = row[0].row
    wb.close()
    return found


def sample_answers(plan, ministry: str, period: int, seed: int = 0) -> dict[str, dict[str, object]]:
    """Deterministic, plausible answers for every row of a ministry: each open input filled."""
    answers: dict[str, dict[str, object]] = {}
    statuses = ("In progress", "Ongoing", "Completed", "Not started", "Ongoing")
    for index, action in enumerate(plan.actions_for(ministry)):
        n = (index + 1) * 7 + seed * 3 + period % 100
        row: dict[str, object] = {
            "status": statuses[(index + seed) % len(statuses)],
            "activities": f"{ministry} {period}: activities for {action.id} (sample {seed}).",
            "challenges": f"Challenges of {ministry} on {action.id}.",
            "next_steps": f"Next steps of {ministry} on {action.id}.",
            "evidence": f"Internal records of {ministry}, {period}.",
        }
        if "women_men" in action.measures:
            row["women"] = n % 23 + 1
            row["men"] = n % 17 + 2
        if "count" in action.measures:
            row["count"] = n % 11 + 1
        if "amount" in action.measures:
            row["amount"] = float(1000 * (n % 50) + 250.5)
        answers[action.id] = row
    return answers
