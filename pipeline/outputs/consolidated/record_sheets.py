"""The sheets of the record: the warnings in the accepted returns, each action across the
periods with the coordinator's decisions, and every file received."""

from __future__ import annotations

from pipeline.intake.review import describe
from pipeline.ledger import Decision
from pipeline.outputs.consolidated.history import HISTORY_FIELDS, REVISED, WENT_BACK
from pipeline.outputs.consolidated.layout import Book, Col, Range, frame_rows, timestamp
from pipeline.outputs.consolidated.tables import Tables
from pipeline.outputs.period_data import CATEGORIES, PeriodData
from pipeline.template.contract import HEADER_OF

ISSUES_NOTE = (
    "Warnings do not reject a file; each names the cell of the ministry's file. A possible "
    "double count names the return that repeats another ministry's figures for a shared action."
)
ISSUE_COLUMNS = (
    Col("ministry", 9),
    Col("sheet", 10, header="Sheet"),
    Col("cell", 7, header="Cell"),
    Col("action_id", 9),
    Col("message", 90, "wrap", header="Warning"),
)


def issues(book: Book, data: PeriodData) -> Range | None:
    """The warnings, each naming the cell of the ministry's file; None when there are none."""
    warnings = book.words("figures.warnings")
    ws = book.sheet("Issues", "$warnings, $period", ISSUES_NOTE, warnings=warnings)
    rows = [[i.ministry, i.sheet, i.cell, i.action_id, i.message] for i in data.issues]
    rows += [[p.ministry, p.sheet, p.cell, p.action, p.message] for p in data.status.double_counts]
    if rows:
        return book.listing(ws, 3, ISSUE_COLUMNS, rows, frozen_columns=0)
    none = book.words.phrase("No warnings.")
    ws.merge_range(3, 0, 3, len(ISSUE_COLUMNS) - 1, none, book.formats.note)
    ws.freeze_panes(4, 0)
    ws.repeat_rows(3)
    return None


HISTORY_NOTE = (
    "Status and figures from the accepted return of each period: No return (no return "
    "accepted that year) is told from No status (the return left the status empty), and a "
    "figure cell says why there is no figure. Revised: what a later file of that year "
    "changed. Status went back: a status below that of an earlier year, to check."
)
# The kind and width of each field's column, repeated for every period.
HISTORY_COLUMNS = {
    "status": ("status", 12),
    "women": ("whole", 9),
    "men": ("whole", 9),
    "count": ("whole", 9),
    "amount": ("decimal", 13),
}


def history(book: Book, tables: Tables, decisions: list[Decision]) -> Range:
    """One row per action and ministry, a group of columns per period, statuses coloured;
    below, every decision of the coordinator on the period, one line each."""
    title = "Each action across the periods up to $period"
    ws = book.sheet("History", title, HISTORY_NOTE, paper=8)
    cols = [Col("action_id", 8), Col("ministry", 9)]
    for period in tables.history_periods:
        for field in HISTORY_FIELDS:
            kind, width = HISTORY_COLUMNS[field]
            name = f"{period} {HEADER_OF[field]}"
            shown = f"{period} {book.words.header(field)}"
            cols.append(Col(name, width, kind, header=shown, said=True))
        name = f"{period} {REVISED}"
        shown = f"{period} {book.words.phrase(REVISED)}"
        cols.append(Col(name, 24, "wrap", header=shown, said=True))
    cols.append(Col(WENT_BACK, 24, "wrap", header=WENT_BACK))
    rng = book.listing(ws, 3, cols, frame_rows(tables.history, cols), frozen_columns=2)
    for period in tables.history_periods:
        book.colour_statuses(ws, rng, f"{period} {HEADER_OF['status']}", CATEGORIES)
    top = rng.next_row + 2
    book.heading(ws, top, DECISIONS_TITLE)
    words = book.words
    lines = [describe(d, words.phrase, words.label) for d in decisions] or [
        words.phrase("No decision recorded.")
    ]
    for row, line in enumerate(lines, start=top + 1):
        ws.write_string(row, 0, line)
    return rng


DECISIONS_TITLE = "Decisions of the coordinator on $period"


FILES_NOTE = (
    "In use: the ministry's current return. Superseded: replaced by a later return. The "
    "sha256 identifies the exact file kept in the archive."
)
FILE_COLUMNS = (
    Col("ministry", 9),
    Col("name", 36, "wrap", header="File"),
    Col("received", 21, "datetime", header="Received"),
    Col("outcome", 11, "word", header="Use"),
    Col("sha256", 70, header="sha256"),
)


def files(book: Book, data: PeriodData) -> Range:
    ws = book.sheet("Files", "Every file received for $period", FILES_NOTE)
    rows = [[f.ministry, f.name, timestamp(f.received), f.outcome, f.sha256] for f in data.files]
    return book.listing(ws, 3, FILE_COLUMNS, rows, frozen_columns=0)
