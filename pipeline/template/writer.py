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
from pipeline.language import ENGLISH
from pipeline.outputs.wording import Wording
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
    language: str = ENGLISH  # `plan` is the register as this language shows it

    def meta(self) -> dict[str, str]:
        return {
            "plan_id": self.plan.id,
            "plan_hash": c.plan_hash(self.plan, self.ministry, self.language),
            "ministry": self.ministry,
            "period": str(self.period),
            "schema_version": c.SCHEMA_VERSION,
            "issued": self.issued.isoformat(),
            "action_ids": c.action_ids(self.plan, self.ministry),
            "language": self.language,
        }

    def fields(self, words: Wording) -> dict[str, object]:
        """What the wording's $placeholders of this template stand for."""
        ministry = self.plan.ministry(self.ministry)
        return {
            "ministry": ministry.code,
            "ministry_name": ministry.name,
            "plan_title": self.plan.title,
            "period": self.period,
            "deadline": words.date(self.deadline),
        }


@dataclass(frozen=True)
class Texts:
    """The words of one template: its wording catalogue and its instructions sheet, both in
    the template's language."""

    words: Wording
    instructions: str


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
    texts: Texts,
    contact: OfficeContact,
    last_status: Mapping[str, c.LastStatus] | None = None,
) -> None:
    """Write the template atomically: a reader never sees half a file."""
    import xlsxwriter

    plan, ministry = issue.plan, issue.plan.ministry(issue.ministry)
    actions = plan.actions_for(issue.ministry)
    words = texts.words
    words.values.update({k: str(v) for k, v in issue.fields(words).items()})
    with atomic_path(path, held_by="Excel") as tmp:
        wb = xlsxwriter.Workbook(str(tmp), style.TEXT_STAYS_TEXT)
        wb.set_properties(
            {
                "title": words("template.properties_title"),
                "author": contact.name,
                "company": ministry.name,
                "created": dt.datetime.combine(issue.issued, dt.time()),
            }
        )
        styles = _formats(wb)
        _write_instructions(wb, styles, issue, texts, contact, len(actions))
        _write_report(wb, styles, issue, words, actions, last_status or {})
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
    wb, styles, issue: Issue, texts: Texts, contact: OfficeContact, count: int
) -> None:
    ws = wb.add_worksheet(c.INSTRUCTIONS)
    ws.set_column(0, 0, 110)
    ws.hide_gridlines(2)
    text = string.Template(texts.instructions).safe_substitute(
        issue.fields(texts.words),
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


def validations(words: Wording, language: str) -> dict[str, dict[str, object]]:
    """By input kind: what Excel refuses on entry, and the message it shows, in the
    template's language."""
    statuses = list(c.vocabulary(language).statuses.values())
    return {
        "status": {
            "validate": "list",
            "source": statuses,
            "error_title": words("validation.status_title"),
            "error_message": words("validation.status_message", statuses=", ".join(statuses)),
        },
        "whole": {
            "validate": "integer",
            "criteria": ">=",
            "value": 0,
            "error_title": words("validation.whole_title"),
            "error_message": words("validation.whole_message"),
        },
        "decimal": {
            "validate": "decimal",
            "criteria": ">=",
            "value": 0,
            "error_title": words("validation.decimal_title"),
            "error_message": words("validation.decimal_message"),
        },
        "text": {
            "validate": "length",
            "criteria": "<=",
            "value": c.MAX_TEXT,
            "error_title": words("validation.text_title"),
            "error_message": words("validation.text_message", limit=c.MAX_TEXT),
        },
    }


def _write_report(
    wb,
    styles,
    issue: Issue,
    words: Wording,
    actions: list[Action],
    last_status: Mapping[str, c.LastStatus],
) -> None:
    ws = wb.add_worksheet(c.REPORT)
    _report_heading(ws, styles, issue, words)
    first = c.FIRST_DATA_ROW - 1
    names = c.vocabulary(issue.language).statuses
    for row, action in enumerate(actions, start=first):
        said = _said(last_status.get(action.id), words, names)
        _report_row(ws, styles, row, issue, action, said)
    last = first + max(len(actions), 1) - 1
    rules = validations(words, issue.language)
    for col, column in enumerate(c.COLUMNS):
        if column.is_input:
            options = {**rules[column.kind], "show_error": True, "error_type": "stop"}
            _check(
                ws.data_validation(first, col, last, col, options), f"validation of {column.header}"
            )
    _report_page(ws, words, last)


def _said(last: c.LastStatus | None, words: Wording, names: Mapping[str, str]) -> str:
    """The column "Last period's status" of one action, in the template's language."""
    if last is None:
        return ""
    if last.status is None:
        said = words("last_status.no_return", year=last.year)
    elif not last.status:
        said = words("last_status.no_status", year=last.year)
    else:
        status = names.get(last.status, last.status)
        said = words("last_status.given", status=status, year=last.year)
    if last.carried_from is None:
        return said
    action, plan = last.carried_from
    return words("last_status.carried", last=said, action=action, plan=plan)


def _report_heading(ws, styles, issue: Issue, words: Wording) -> None:
    ws.write_string(c.TITLE_ROW - 1, 0, words("template.title"), styles["title"])
    ws.write_string(c.SUBTITLE_ROW - 1, 0, words("template.subtitle"), styles["subtitle"])
    header_row = c.HEADER_ROW - 1
    headers = c.vocabulary(issue.language).headers
    for col, column in enumerate(c.COLUMNS):
        ws.set_column(col, col, column.width)
        style_name = "input_header" if column.is_input else "header"
        ws.write_string(header_row, col, headers[column.field], styles[style_name])
    ws.set_row(header_row, 30)


def _report_row(ws, styles, row: int, issue: Issue, action: Action, last_status: str) -> None:
    """One action: its description locked, the inputs its measures use open, the rest greyed."""
    plan, language = issue.plan, issue.language
    texts = [
        (c.description(plan, action, col.field, language), col.width)
        for col in c.COLUMNS
        if col.field not in ("action_id", "last_status") and not col.is_input
    ]
    ws.set_row(row, max(style.row_height(texts), 45))
    for col, column in enumerate(c.COLUMNS):
        if column.field == "last_status":
            ws.write_string(row, col, last_status, styles["locked"])
        elif not column.is_input:
            text = c.description(plan, action, column.field, language)
            ws.write_string(row, col, text, styles["locked"])
        elif c.is_open(column, action.measures):
            ws.write_blank(row, col, None, styles[f"open_{column.kind}"])
        else:
            ws.write_blank(row, col, None, styles["greyed"])


def _report_page(ws, words: Wording, last: int) -> None:
    """Filters, protection and print settings."""
    header_row = c.HEADER_ROW - 1
    ws.freeze_panes(c.FIRST_DATA_ROW - 1, 1)
    ws.autofilter(header_row, 0, last, len(c.COLUMNS) - 1)
    ws.protect("", {"autofilter": True, "sort": False, "format_columns": True, "format_rows": True})
    ws.set_landscape()
    ws.set_paper(8)  # A3: seventeen columns stay legible when fitted to the width
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(header_row)
    ws.set_header(f"&L{words('template.page_header')}&R{words.values['plan_title']}")
    ws.set_footer(f"&L{words('template.page_footer')}&R{words('template.page_number')}")


def _write_meta(wb, issue: Issue, key: bytes) -> None:
    ws = wb.add_worksheet(c.META)
    fields = issue.meta()
    for row, name in enumerate(fields):
        ws.write_string(row, 0, name)
        ws.write_string(row, 1, fields[name])
    ws.write_string(len(fields), 0, c.SIGNATURE_KEY)
    ws.write_string(len(fields), 1, sign(key, fields))
    ws.protect("")
    ws.very_hidden()
