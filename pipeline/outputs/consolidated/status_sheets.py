"""The sheets that say who returned what: the overview of the ministries, every action and
ministry, each action's roll-up across its ministries, and the counts by pillar."""

from __future__ import annotations

from typing import TYPE_CHECKING

from xlsxwriter.utility import xl_rowcol_to_cell

from pipeline import excel_style as style
from pipeline.intake.status import MinistryStatus
from pipeline.outputs.consolidated.layout import Book, Col, Range, frame_rows, timestamp
from pipeline.outputs.consolidated.tables import ROLL_UP_CATEGORIES, ROLL_UP_RULE, Tables
from pipeline.outputs.figures import completeness
from pipeline.outputs.key_figures import KeyFigure, key_figures
from pipeline.outputs.period_data import CATEGORIES, NOT_RETURNED, PeriodData, return_state
from pipeline.template.contract import HEADER_OF

if TYPE_CHECKING:
    import pandas as pd
    from xlsxwriter.worksheet import Worksheet

LEGEND = (
    "Pink rows: no accepted return (Return: rejected, held or missing). Yellow-green rows: "
    "accepted after the deadline (Days late above 0)."
)
LEGEND_GRACE = (
    "Pink rows: no accepted return (Return: rejected, held or missing). Yellow-green rows: "
    "accepted after the deadline (Days late above 0) and $days days' grace."
)
OVERVIEW_NOTE = (
    "The ministries' accepted returns; the deadline was $deadline. Every value on the Actions "
    "sheet names the file and cells it came from."
)
MINISTRY_COLUMNS = (
    Col("code", 8, header="Code"),
    Col("name", 34, "wrap", header="Ministry"),
    Col("rows", 9, "whole", header="Rows to report"),
    Col("issued", 16, "date", header="Template issued"),
    Col("verdict", 10, "word", header="Return"),
    Col("accepted_file", 24, "wrap", header="Accepted file"),
    Col("accepted_on", 21, "datetime", header="Accepted on"),
    Col("late_days", 7, "whole", header="Days late"),
    Col("completeness", 11, "percent", header="Completeness"),
    Col("with_status", 11, header="Rows with a status (Not applicable included)"),
    Col("warnings", 9, "whole", header="Points to check"),
    Col("changes", 12, "whole", header="Values changed by a resubmission"),
    Col("last_file", 24, "wrap", header="Last file received"),
    Col("last_received", 21, "datetime", header="Received on"),
    Col("reason", 40, "wrap", header="Why the last file was rejected"),
)


def overview(book: Book, data: PeriodData) -> Range:
    """Key figures, each with its base, then one row per ministry, red when it has no
    accepted return and yellow when its return came late."""
    status = data.status
    title = "$plan_title: consolidated returns for $period"
    ws = book.sheet("Overview", title, OVERVIEW_NOTE, deadline=book.words.date(status.deadline))
    top = _key_figures(book, ws, key_figures(data, book.words))
    book.heading(ws, top, "Ministries")
    rows = [_ministry_row(book, data, m) for m in status.ministries]
    rng = book.table(ws, top + 1, MINISTRY_COLUMNS, rows)
    for field, test, fmt in (
        ("verdict", f'<>"{book.words.phrase("accepted")}"', book.formats.missing),
        ("late_days", ">0", book.formats.late),
    ):
        cell = xl_rowcol_to_cell(rng.first_row, rng.columns[field], col_abs=True)
        ws.conditional_format(
            rng.first_row, rng.first_column, rng.last_row, rng.last_column,
            {"type": "formula", "criteria": f"={cell}{test}", "format": fmt},
        )  # fmt: skip
    legend = LEGEND_GRACE if data.grace_days else LEGEND
    ws.write_string(
        rng.next_row + 1, 0, book.words.phrase(legend, days=data.grace_days), book.formats.subtitle
    )
    ws.repeat_rows(rng.header_row)
    return rng


KEY_BASE_COLUMNS = (4, 8)  # the base of each key figure spans these columns, beside it


def _key_figures(book: Book, ws: Worksheet, figures: list[KeyFigure]) -> int:
    """The figures a reader looks for first, named as in the reports (the wording file),
    each with its base beside it; the row below them."""
    book.heading(ws, 3, "Key figures")
    first, last = KEY_BASE_COLUMNS
    ws.merge_range(3, first, 3, last, book.words("summary.base"), book.formats.heading)
    label_width = sum(c.width for c in MINISTRY_COLUMNS[:3])
    base_width = sum(c.width for c in MINISTRY_COLUMNS[first : last + 1])
    for row, figure in enumerate(figures, start=4):
        label = figure.row_label
        ws.merge_range(row, 0, row, 2, label, book.formats.label)
        book.cell(ws, row, 3, figure.value, figure.kind)
        ws.merge_range(row, first, row, last, figure.described, book.formats.cell["wrap"])
        ws.set_row(row, style.row_height([(label, label_width), (figure.described, base_width)]))
    return 4 + len(figures) + 1


def _ministry_row(book: Book, data: PeriodData, m: MinistryStatus) -> list[object]:
    state = return_state(m)
    share = completeness(data, m.code)
    return [
        m.code,
        m.name,
        m.rows,
        timestamp(m.issued),
        "missing" if state == NOT_RETURNED else state,
        m.accepted_file,
        timestamp(m.accepted_on),
        None if m.missing else data.late_days(m),
        None if m.missing else share.value,
        ""
        if m.missing
        else book.words("figures.of", part=f"{share.part:g}", whole=f"{share.whole:g}"),
        None if m.missing else m.warnings,
        None if m.missing else len(m.changes),
        m.last_file,
        timestamp(m.last_received),
        m.first_reason if m.last_outcome == "rejected" else "",
    ]


ACTIONS_NOTE = (
    "Status shows No return when the ministry's return was not accepted and No status when "
    "its accepted return left the status empty. A figure cell holds the number typed, or says "
    "why there is none (not asked, no return, rejected, held for review, no status, not "
    "applicable, left empty); never 0. Source cells: the row of the ministry's file that "
    "holds the values."
)
ACTION_COLUMNS = (
    Col("action_id", 8),
    Col("pillar", 14, "wrap"),
    Col("objective", 26, "wrap"),
    Col("action", 40, "wrap"),
    Col("indicator", 26, "wrap"),
    Col("responsible", 18, "wrap"),
    Col("ministry", 9),
    Col("category", 12, "status", header=HEADER_OF["status"]),
    Col("women", 9, "whole"),
    Col("men", 9, "whole"),
    Col("total", 9, "whole"),
    Col("women_share", 9, "percent"),
    Col("count", 9, "whole"),
    Col("count_label", 16, "wrap"),
    Col("amount", 13, "decimal"),
    Col("activities", 44, "wrap"),
    Col("challenges", 30, "wrap"),
    Col("next_steps", 30, "wrap"),
    Col("evidence", 24, "wrap"),
    Col("revised", 30, "wrap", header="Revised by a later file"),
    Col("file", 22, "wrap", header="Source file"),
    Col("cells", 14),
)


def actions(book: Book, tables: Tables) -> Range:
    title = "Every action and reporting ministry, $period"
    ws = book.sheet("Actions", title, ACTIONS_NOTE, paper=8)
    rng = book.listing(ws, 3, ACTION_COLUMNS, frame_rows(tables.pairs, ACTION_COLUMNS))
    book.colour_statuses(ws, rng, "category", CATEGORIES)
    return rng


ROLL_UP_COLUMNS = (
    Col("action_id", 8),
    Col("pillar", 16, "wrap"),
    Col("action", 50, "wrap"),
    Col("ministries", 16, "wrap", header="Reporting ministries"),
    Col("reported", 11, "whole", header="Ministries with a status"),
    Col("of", 10, "whole", header="Ministries asked"),
    Col("statuses", 40, "wrap", header="What each ministry reported"),
    Col("roll_up", 13, "status", header="Roll-up status"),
)


def roll_up(book: Book, tables: Tables) -> Range:
    title = "Each action across its reporting ministries, $period"
    ws = book.sheet("Roll-up", title, "The rule:")
    rule = book.words.phrase(ROLL_UP_RULE)
    ws.merge_range(2, 0, 2, len(ROLL_UP_COLUMNS) - 1, rule, book.formats.note)
    ws.set_row(2, 66)
    rng = book.listing(ws, 4, ROLL_UP_COLUMNS, frame_rows(tables.rollup, ROLL_UP_COLUMNS))
    book.colour_statuses(ws, rng, "roll_up", ROLL_UP_CATEGORIES)
    return rng


BY_PILLAR_NOTE = (
    "Counts of action reports (one for each action and each ministry reporting on it), "
    "then of actions by their roll-up status."
)


def by_pillar(book: Book, tables: Tables) -> tuple[Range, Range]:
    """Action reports by pillar and status, then actions by pillar and roll-up status; the
    ranges of both, pillar rows only."""
    ws = book.sheet("By pillar", "Status by pillar, $period", BY_PILLAR_NOTE)
    book.heading(ws, 3, "Action reports by status")
    rows = _count_table(book, ws, 4, tables.by_pillar)
    book.heading(ws, rows.next_row + 1, "Actions by roll-up status")
    return rows, _count_table(book, ws, rows.next_row + 2, tables.rollup_by_pillar)


def _count_table(book: Book, ws: Worksheet, top: int, frame: pd.DataFrame) -> Range:
    """A count per pillar (rows) and category (columns), headers in the colours of their
    status, and a total row."""
    named = {c: book.words.status(str(c)) for c in frame.columns}
    cols = [Col("pillar", 30, "wrap")]
    cols += [Col(str(c), 11, "whole", named[c], said=True) for c in frame.columns]
    rows = [
        [name, *map(int, values)] for name, values in zip(frame.index, frame.values, strict=True)
    ]
    rng = book.table(ws, top, cols, rows, excel_table=False, total_rows=1)
    for category in frame.columns:
        if category in book.formats.status_header:
            col = rng.columns[category]
            ws.write_string(top, col, named[category], book.formats.status_header[category])
    return rng
