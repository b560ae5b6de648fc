"""SAMPLE answers, typed into a template the way a ministry would: for the demo and the tests."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Mapping
from pathlib import Path
from string import Template
from zipfile import ZIP_DEFLATED, ZipFile

from pipeline.language import ENGLISH
from pipeline.plan.register import Plan
from pipeline.template import contract as c

Answers = Mapping[str, Mapping[str, object]]  # action id -> field -> value
STATUS_CYCLE = ("In progress", "Ongoing", "Completed", "Not started", "Ongoing")
# What a ministry types, in the language of its template.
SAMPLE_TEXTS = {
    "en": {
        "activities": "SAMPLE $ministry $period: activities for $action (sample $seed).",
        "challenges": "SAMPLE challenges of $ministry on $action.",
        "next_steps": "SAMPLE next steps of $ministry on $action.",
        "evidence": "SAMPLE internal records of $ministry, $period.",
    },
    "fr": {
        "activities": "EXEMPLE $ministry $period : activités pour $action (exemple $seed).",
        "challenges": "EXEMPLE de difficultés du $ministry pour $action.",
        "next_steps": "EXEMPLE de prochaines étapes du $ministry pour $action.",
        "evidence": "EXEMPLE de dossiers internes du $ministry, $period.",
    },
}


def sample_answers(
    plan: Plan, ministry: str, period: int, seed: int = 0, language: str = ENGLISH
) -> dict[str, dict[str, object]]:
    """Deterministic, plausible answers for every row of a ministry, every open input filled:
    its figures the same in every language, its texts in the template's."""
    answers: dict[str, dict[str, object]] = {}
    texts = SAMPLE_TEXTS.get(language, SAMPLE_TEXTS[ENGLISH])
    for index, action in enumerate(plan.actions_for(ministry)):
        n = (index + 1) * 7 + seed * 3 + period % 100
        fields = {"ministry": ministry, "period": period, "action": action.id, "seed": seed}
        row: dict[str, object] = {
            "status": STATUS_CYCLE[(index + seed) % len(STATUS_CYCLE)],
            **{name: Template(text).substitute(fields) for name, text in texts.items()},
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


def fill_template(
    template: Path,
    dest: Path,
    answers: Answers,
    *,
    settle: bool = True,
    saved: dt.datetime | None = None,
) -> Path:
    """Copy `template` to `dest` with the answers typed in (openpyxl stands in for Excel).

    With `settle`, the file's time is set an hour back so that ingest does not take it for a
    file still being written. `saved` is the last-saved time the workbook records, as Excel
    records it (now, by default).
    """
    import openpyxl
    from openpyxl.writer.excel import ExcelWriter

    wb = openpyxl.load_workbook(template)
    ws = wb[c.REPORT]
    meta = {row[0]: row[1] for row in wb[c.META].iter_rows(values_only=True)}
    shown = c.vocabulary(str(meta.get("language") or ENGLISH)).statuses
    rows = {ws.cell(row=r, column=1).value: r for r in range(c.FIRST_DATA_ROW, ws.max_row + 1)}
    for action_id, fields in answers.items():
        for name, value in fields.items():
            cell = ws.cell(row=rows[action_id], column=c.COLUMN_INDEX[name])
            cell.value = shown.get(value, value) if name == "status" else value
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # typed as text, as with a leading apostrophe in Excel
    dest.parent.mkdir(parents=True, exist_ok=True)
    moment = saved or dt.datetime.now(dt.UTC)
    wb.properties.modified = moment.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
    with ZipFile(dest, "w", ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()  # wb.save() would set the time to now
    if settle:
        past = time.time() - 3600
        os.utime(dest, (past, past))
    return dest
