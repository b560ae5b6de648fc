"""The feedback workbook for a rejected template: the ministry's own file, each faulty cell
highlighted and commented, and an Errors sheet listing every problem."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from pipeline.atomic import atomic_path
from pipeline.language import ENGLISH, LANGUAGES
from pipeline.problems import Problem, Severity, translated_messages
from pipeline.template import contract as c

ERRORS_SHEET = "Errors"
ERROR_FILL = "FFC7CE"
WARNING_FILL = "FFEB9C"
INTRODUCTION = (
    "This file was not accepted. Correct the cells listed below (marked in red in the Report "
    "sheet), save, and send the file again."
)
HEADERS = ("Severity", "Sheet", "Cell", "Action", "You typed", "Problem")
WIDTHS = (10, 10, 7, 8, 18, 80)
FIRST_PROBLEM_ROW = 4
TYPED_SHOWN = 60  # characters of a long text shown beside its problem


def write_feedback(source: Path, dest: Path, problems: list[Problem]) -> None:
    """Write atomically; the source file (already archived) is only read.

    The ministry corrects its own file rather than a new one, so nothing it typed is lost.
    """
    import openpyxl

    wb = openpyxl.load_workbook(source)
    words = _words(wb)
    _mark_cells(wb, problems, words)
    sheet_name = words.get("feedback-sheet", ERRORS_SHEET)
    for name in {ERRORS_SHEET, sheet_name}:  # of an earlier feedback sent back as it was
        if name in wb.sheetnames:
            del wb[name]
    _list_problems(wb.create_sheet(sheet_name, 0), problems, words)
    wb.active = 0
    for sheet in wb.worksheets:
        sheet.sheet_view.tabSelected = sheet.title == sheet_name
    with atomic_path(dest, held_by="Excel") as tmp:
        wb.save(tmp)


def _words(wb) -> dict[str, str]:
    """The feedback's words in the language of the template it answers (its _meta)."""
    rows = wb[c.META].iter_rows(values_only=True) if c.META in wb.sheetnames else ()
    language = str({row[0]: row[1] for row in rows if len(row) > 1}.get("language") or ENGLISH)
    return translated_messages(language) if language in LANGUAGES[1:] else {}


def _severity(p: Problem, words: dict[str, str]) -> str:
    return words.get(str(p.severity), str(p.severity))


def _mark_cells(wb, problems: list[Problem], words: dict[str, str]) -> None:
    """Fill and comment each cell a problem names; _meta stays hidden and untouched."""
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    by_cell: dict[tuple[str, str], list[Problem]] = defaultdict(list)
    for p in problems:
        if p.sheet in wb.sheetnames and p.cell and p.sheet != c.META:
            by_cell[(p.sheet, p.cell)].append(p)
    for (sheet, ref), found in by_cell.items():
        cell = wb[sheet][ref]
        is_error = any(p.severity is Severity.ERROR for p in found)
        cell.fill = PatternFill("solid", fgColor=ERROR_FILL if is_error else WARNING_FILL)
        cell.comment = Comment(
            "\n".join(f"{_severity(p, words)}: {p.message}" for p in found), "Coordination"
        )


def _list_problems(ws, problems: list[Problem], words: dict[str, str]) -> None:
    """Errors first, then in reading order, so the list follows the sheet."""
    from openpyxl.styles import Alignment, Font

    _text_cell(ws, 1, 1, words.get("feedback-intro", INTRODUCTION))
    ws.cell(row=1, column=1).font = Font(bold=True, color="9C0006")
    headers = words["feedback-headers"].split("|") if "feedback-headers" in words else HEADERS
    for col, header in enumerate(headers, start=1):
        _text_cell(ws, FIRST_PROBLEM_ROW - 1, col, header)
        ws.cell(row=FIRST_PROBLEM_ROW - 1, column=col).font = Font(bold=True)
    ordered = sorted(
        problems, key=lambda p: (p.severity is not Severity.ERROR, p.sheet, _row_col(p.cell))
    )
    for row, p in enumerate(ordered, start=FIRST_PROBLEM_ROW):
        typed = p.typed if len(p.typed) <= TYPED_SHOWN else p.typed[:TYPED_SHOWN] + "…"
        for col, value in enumerate(
            (_severity(p, words), p.sheet, p.cell, p.action, typed, p.message), start=1
        ):
            _text_cell(ws, row, col, value)
    for letter, width in zip("ABCDEF", WIDTHS, strict=True):
        ws.column_dimensions[letter].width = width
    wrapped = Alignment(wrap_text=True, vertical="top")
    for row in range(FIRST_PROBLEM_ROW, ws.max_row + 1):
        ws.cell(row=row, column=5).alignment = ws.cell(row=row, column=6).alignment = wrapped
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    _print_setup(ws)


def _print_setup(ws) -> None:
    """One page wide, landscape, the header row on every page: it prints as it reads."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{FIRST_PROBLEM_ROW - 1}:{FIRST_PROBLEM_ROW - 1}"


def _text_cell(ws, row: int, col: int, value: str) -> None:
    """Write text that stays text, even when it starts with '=' (openpyxl would make a formula)."""
    cell = ws.cell(row=row, column=col, value=value)
    cell.data_type = "s"


def _row_col(ref: str) -> tuple[int, str]:
    digits = "".join(ch for ch in ref if ch.isdigit())
    return (int(digits) if digits else 0, "".join(ch for ch in ref if ch.isalpha()))
