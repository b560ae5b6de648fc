"""Write the pre-filled Excel template of one ministry for one period (xlsxwriter)."""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pipeline import excel_style as style
from pipeline.atomic import atomic_path
from pipeline.failures import NapError
from pipeline.plan.register import Action, Plan
from pipeline.signing import sign
from pipeline.template import contract as c


@dataclass(frozen=True)
class Issue:
    """What identifies one issued template; signed into its _meta sheet."""

    plan: Plan
    ministry: str
    period: int
    issued: dt.date
    deadline: dt.date

    def meta(self) -> dict[str, str]:
        return {
            "plan_id": self.plan.id,
            "plan_hash": c.plan_hash(self.plan, self.ministry),
            "ministry": self.ministry,
            "period": str(self.period),
            "schema_version": c.SCHEMA_VERSION,
            "issued": self.issued.isoformat(),
            "action_ids": c.ACTION_ID_SEPARATOR.join(
                a.id for a in self.plan.actions_for(self.ministry)
            ),
        }


@dataclass(frozen=True)
class OfficeContact:
    """The coordination office's contact, printed on the template for the ministries' questions."""

    name: str
    email: str
    phone: str = ""


def write_template(
    path: Path,
    issue: Issue,
    key: bytes,
    instructions: str,
    contact: OfficeContact,
    last_status: Mapping[str, str] | None = None,
) -> None:
    """Write the template atomically: a reader never sees half a file."""
    import xlsxwriter

    plan, ministry = issue.plan, issue.plan.ministry(issue.ministry)
    actions = plan.actions_for(issue.ministry)
    with atomic_path(path, held_by="Excel") as tmp:
        wb = xlsxwriter.Workbook(str(tmp), style.TEXT_STAYS_TEXT)
        wb.set_properties(
            {
                "title": f"{plan.title}: report of {ministry.code} for {issue.period}",
                "author": contact.name,
                "company": ministry.name,
                "created": dt.datetime.combine(issue.issued, dt.time()),
            }
        )
        styles = _formats(wb)
        _write_instructions(wb, styles, issue, instructions, contact, len(actions))
        _write_report(wb, styles, issue, actions, last_status or {})
        _write_meta(wb, issue, key)
        wb.close()


def _formats(wb) -> dict:
    wrapped = {**style.CELL, "text_wrap": True}
    open_cell = {**wrapped, "locked": False, "bg_color": f"#{style.WHITE}"}
    return {
        "title": wb.add_format(style.TITLE),
        "subtitle": wb.add_format(style.SUBTITLE),
        "heading": wb.add_format(style.HEADING),
        "plain": wb.add_format({"text_wrap": True, "valign": "top"}),
        "header": wb.add_format({**style.HEADER, "locked": True}),
        "input_header": wb.add_format({**style.HEADER, "bg_color": f"#{style.INPUT_BLUE}"}),
        "locked": wb.add_format({**wrapped, "bg_color": f"#{style.PALE_GREY}", "locked": True}),
        "greyed": wb.add_format({**wrapped, "bg_color": f"#{style.LINE_GREY}", "locked": True}),
        "open_text": wb.add_format(open_cell),
        "open_whole": wb.add_format({**open_cell, "num_format": "#,##0"}),
        "open_decimal": wb.add_format({**open_cell, "num_format": "#,##0.00"}),
        "open_status": wb.add_format({**open_cell, "bg_color": f"#{style.PALE_YELLOW}"}),
    }


def _check(result: int | None, what: str) -> None:
    """xlsxwriter warns and returns a negative code instead of raising."""
    if result not in (None, 0):
        raise NapError(f"could not write the template ({what}: xlsxwriter code {result})")


def _write_instructions(
    wb, styles, issue: Issue, instructions: str, contact: OfficeContact, count: int
) -> None:
    ws = wb.add_worksheet(c.INSTRUCTIONS)
    ws.set_column(0, 0, 110)
    ws.hide_gridlines(2)
    ministry = issue.plan.ministry(issue.ministry)
    text = string.Template(instructions).safe_substitute(
        ministry=ministry.code,
        ministry_name=ministry.name,
        plan_title=issue.plan.title,
        period=issue.period,
        deadline=issue.deadline.strftime("%d %B %Y"),
        contact_name=contact.name,
        contact_email=contact.email,
        contact_phone=f"({contact.phone})" if contact.phone else "",
        action_count=count,
    )
    row = 0
    for index, line in enumerate(text.strip().splitlines()):
        if line.startswith("# "):
            fmt = styles["title"] if index == 0 else styles["heading"]
            if index:
                row += 1
            ws.write_string(row, 0, line[2:].strip(), fmt)
        else:
            ws.write_string(row, 0, line.strip(), styles["plain"])
            ws.set_row(row, style.row_height([(line.strip(), 110)]))
        row += 1
    ws.protect("", {"select_locked_cells": True, "select_unlocked_cells": True})
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.activate()


VALIDATIONS = {  # by input kind: what Excel refuses on entry, and the message it shows
    "status": {
        "validate": "list",
        "source": list(c.STATUSES),
        "error_title": "Status",
        "error_message": "Choose one of: " + ", ".join(c.STATUSES) + ".",
    },
    "whole": {
        "validate": "integer",
        "criteria": ">=",
        "value": 0,
        "error_title": "Whole number",
        "error_message": "Enter a whole number, 0 or more.",
    },
    "decimal": {
        "validate": "decimal",
        "criteria": ">=",
        "value": 0,
        "error_title": "Amount",
        "error_message": "Enter an amount in euros, 0 or more, without the currency sign.",
    },
    "text": {
        "validate": "length",
        "criteria": "<=",
        "value": c.MAX_TEXT,
        "error_title": "Text too long",
        "error_message": (
            f"At most {c.MAX_TEXT} characters; cite a document under Evidence / source."
        ),
    },
}


def _write_report(
    wb, styles, issue: Issue, actions: list[Action], last_status: Mapping[str, str]
) -> None:
    ws = wb.add_worksheet(c.REPORT)
    _report_heading(ws, styles, issue)
    first = c.FIRST_DATA_ROW - 1
    for row, action in enumerate(actions, start=first):
        _report_row(ws, styles, row, issue.plan, action, last_status.get(action.id, ""))
    last = first + max(len(actions), 1) - 1
    for col, column in enumerate(c.COLUMNS):
        if column.is_input:
            options = {**VALIDATIONS[column.kind], "show_error": True, "error_type": "stop"}
            _check(
                ws.data_validation(first, col, last, col, options), f"validation of {column.header}"
            )
    _report_page(ws, issue, last)


def _report_heading(ws, styles, issue: Issue) -> None:
    ministry = issue.plan.ministry(issue.ministry)
    ws.write_string(
        c.TITLE_ROW - 1,
        0,
        f"{ministry.name} ({ministry.code}): report for {issue.period}",
        styles["title"],
    )
    ws.write_string(
        c.SUBTITLE_ROW - 1,
        0,
        f"{issue.plan.title}. Please return by {issue.deadline.strftime('%d %B %Y')}. "
        "Fill in the white cells only; grey cells are locked.",
        styles["subtitle"],
    )
    header_row = c.HEADER_ROW - 1
    for col, column in enumerate(c.COLUMNS):
        ws.set_column(col, col, column.width)
        ws.write_string(
            header_row, col, column.header, styles["input_header" if column.is_input else "header"]
        )
    ws.set_row(header_row, 30)


def _report_row(ws, styles, row: int, plan: Plan, action: Action, last_status: str) -> None:
    """One action: its description locked, the inputs its measures use open, the rest greyed."""
    texts = [
        (c.description(plan, action, col.field), col.width)
        for col in c.COLUMNS
        if col.field not in ("action_id", "last_status") and not col.is_input
    ]
    ws.set_row(row, max(style.row_height(texts), 45))
    for col, column in enumerate(c.COLUMNS):
        if column.field == "last_status":
            ws.write_string(row, col, last_status, styles["locked"])
        elif not column.is_input:
            ws.write_string(row, col, c.description(plan, action, column.field), styles["locked"])
        elif c.is_open(column, action.measures):
            ws.write_blank(row, col, None, styles[f"open_{column.kind}"])
        else:
            ws.write_blank(row, col, None, styles["greyed"])


def _report_page(ws, issue: Issue, last: int) -> None:
    """Filters, protection and print settings."""
    header_row = c.HEADER_ROW - 1
    ws.freeze_panes(c.FIRST_DATA_ROW - 1, 1)
    ws.autofilter(header_row, 0, last, len(c.COLUMNS) - 1)
    ws.protect("", {"autofilter": True, "sort": False, "format_columns": True, "format_rows": True})
    ws.set_landscape()
    ws.set_paper(8)  # A3: seventeen columns stay legible when fitted to the width
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(header_row)
    ws.set_header(f"&L{issue.ministry}: report for {issue.period}&R{issue.plan.title}")
    ws.set_footer("&LAction plan reporting&RPage &P of &N")


def _write_meta(wb, issue: Issue, key: bytes) -> None:
    ws = wb.add_worksheet(c.META)
    fields = issue.meta()
    for row, name in enumerate(c.META_KEYS):
        ws.write_string(row, 0, name)
        ws.write_string(row, 1, fields[name])
    ws.write_string(len(c.META_KEYS), 0, c.SIGNATURE_KEY)
    ws.write_string(len(c.META_KEYS), 1, sign(key, fields))
    ws.protect("")
    ws.very_hidden()
