"""What every sheet of the consolidated workbook is made of: titled sheets that print alike,
cells written by type, and tables that say where they landed, so charts and conditional
formats refer to a field rather than to a column number."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pipeline import excel_style as style
from pipeline.outputs.period_data import CATEGORIES, COLOURS
from pipeline.template.contract import HEADER_OF

if TYPE_CHECKING:
    import pandas as pd
    from xlsxwriter.format import Format
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

    from pipeline.outputs.wording import Wording

# Headers of the fields shown on several sheets; the template's fields keep its own headers.
HEADERS = {
    **HEADER_OF,
    "ministry": "Ministry",
    "total": "Women and men",
    "women_share": "Share of women",
    "count_label": "Count of",
    "cells": "Source cells",
    "head_count": "Kind",
    "indicators": "Indicators added up",
    "n_indicators": "Indicators",
    "share_base": "Share of women: women of women and men",
    "coverage": "Counted over",
    "in_totals": "In the totals",
}
FIELD_OF_HEADER = {header: field for field, header in HEADER_OF.items()}
# Columns of words the tool writes, in the workbook's language: a status, or another word.
WORDS = ("status", "word")
# "_)" keeps a space on the right, so a number never touches the next column's text.
NUMBER_FORMATS = {"whole": "#,##0_)", "decimal": "#,##0.00_)", "percent": "0.0%_)"}


@dataclass(frozen=True)
class Col:
    """A column of a table: the field it shows, its width and how its values are written
    (text, wrap, whole, decimal, percent, date, datetime; status and word for the tool's own
    words, written in the workbook's language)."""

    field: str
    width: float
    kind: str = "text"
    header: str = ""  # "" for the usual header of `field` (HEADERS)
    said: bool = False  # the header is already in the workbook's language

    @property
    def title(self) -> str:
        return self.header or HEADERS[self.field]


@dataclass(frozen=True)
class Range:
    """Where a table was written: its header row, its body rows (without the total rows
    below them) and the column of each field."""

    sheet: str
    header_row: int
    first_row: int
    last_row: int  # first_row - 1 when the table has no rows
    columns: Mapping[str, int]
    total_rows: int = 0

    @property
    def rows(self) -> int:
        return self.last_row - self.first_row + 1

    @property
    def next_row(self) -> int:
        """The first row below the table and its totals."""
        return self.last_row + self.total_rows + 1

    @property
    def first_column(self) -> int:
        return min(self.columns.values())

    @property
    def last_column(self) -> int:
        return max(self.columns.values())


@dataclass(frozen=True)
class Formats:
    """The cell formats of the consolidated workbook, made once for all its sheets."""

    title: Format
    subtitle: Format
    heading: Format
    note: Format
    header: Format
    label: Format
    cell: Mapping[str, Format]  # by column kind
    total: Mapping[str, Format]  # by column kind, for the bold total rows
    status_fill: Mapping[str, Format]  # by status category, for conditional formats
    status_header: Mapping[str, Format]  # a header cell in the colour of its status
    missing: Format  # the row of a ministry with no accepted return
    late: Format  # the row of a return accepted after the deadline
    word: Mapping[bool, Format]  # why a figure cell holds no number; True: in a total row

    @classmethod
    def add_to(cls, wb: Workbook) -> Formats:
        add = wb.add_format
        numbers = NUMBER_FORMATS.items()
        total = {**style.CELL, "bold": True, "top": 2, "bg_color": f"#{style.PALE_GREY}"}
        missing = {"bg_color": f"#{style.MISSING_FILL}"}
        status_header = {**style.CELL, "bold": True, "text_wrap": True}
        word = {"italic": True, "font_color": f"#{style.DARK_GREY}", "align": "right"}
        return cls(
            title=add(style.TITLE),
            subtitle=add(style.SUBTITLE),
            heading=add(style.HEADING),
            note=add({"text_wrap": True, "valign": "top", "font_size": 10}),
            header=add(style.HEADER),
            label=add(
                {**style.CELL, "bold": True, "bg_color": f"#{style.PALE_GREY}", "text_wrap": True}
            ),
            cell={
                "text": add(style.CELL),
                "wrap": add({**style.CELL, "text_wrap": True}),
                **{kind: add({**style.CELL, "num_format": f}) for kind, f in numbers},
                # Long dates, as in the reports; Excel names the months in its own language.
                "datetime": add({**style.CELL, "num_format": "d mmmm yyyy hh:mm", "align": "left"}),
                "date": add({**style.CELL, "num_format": "d mmmm yyyy", "align": "left"}),
            },
            total={
                "text": add(total),
                "wrap": add({**total, "text_wrap": True}),
                **{kind: add({**total, "num_format": f}) for kind, f in numbers},
            },
            status_fill={c: add({"bg_color": f"#{COLOURS[c]}"}) for c in CATEGORIES},
            status_header={
                c: add({**status_header, "bg_color": f"#{COLOURS[c]}"}) for c in CATEGORIES
            },
            missing=add(missing),
            late=add({"bg_color": f"#{style.LATE_FILL}"}),
            word={False: add({**style.CELL, **word}), True: add({**total, **word})},
        )


def timestamp(text: str) -> dt.datetime | None:
    """A time the ledger keeps as ISO text, as a spreadsheet date; None when there is none."""
    try:
        return dt.datetime.fromisoformat(text) if text else None
    except ValueError:
        return None


def blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value == ""


def frame_rows(frame: pd.DataFrame, cols: Sequence[Col]) -> list[list[object]]:
    """The rows of a table, taken from the frame's columns of the same names."""
    picked = frame[[c.field for c in cols]].astype(object)
    return [list(r) for r in picked.itertuples(index=False, name=None)]


@dataclass(frozen=True)
class Book:
    """The workbook being written, and what its sheets share: formats, the page header, and
    the numbering of its Excel tables."""

    wb: Workbook
    formats: Formats
    page_header: str
    words: Wording
    mark: str = ""  # before every title: "SAMPLE – " in a workspace of made-up data
    table_numbers: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    @classmethod
    def start(
        cls, wb: Workbook, plan_title: str, period: int, words: Wording, sample: bool
    ) -> Book:
        words.values["plan_title"] = plan_title
        mark = f"{words('cover.header_sample')} – " if sample else ""
        title = f"{mark}{plan_title}".replace("&", "&&")[:120]  # & starts a code in headers
        return cls(wb, Formats.add_to(wb), f"&L&8{title}: {period}&R&8&A", words, mark)

    def sheet(
        self, name: str, title: str, subtitle: str, *, paper: int = 9, **extra: object
    ) -> Worksheet:
        """A titled sheet that prints landscape, fitted to the page width; its name, title
        and subtitle in the workbook's language ($period, $plan_title and `extra` filled)."""
        ws = self.wb.add_worksheet(self.words.phrase(name))
        title = self.words.phrase(title, **extra)
        ws.write_string(0, 0, f"{self.mark}{title}", self.formats.title)
        ws.write_string(1, 0, self.words.phrase(subtitle, **extra), self.formats.subtitle)
        ws.set_landscape()
        ws.set_paper(paper)  # 9: A4, 8: A3 for the widest sheets
        ws.fit_to_pages(1, 0)
        ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        ws.set_header(self.page_header)
        ws.set_footer(self.words.phrase("&L&8consolidated returns&R&8page &P of &N"))
        return ws

    def title(self, col: Col) -> str:
        """A column's header in the workbook's language: a template column as the template
        of that language heads it."""
        if col.said:
            return col.title
        field = col.field if not col.header else FIELD_OF_HEADER.get(col.header)
        if field in HEADER_OF:
            return self.words.header(field)
        return self.words.phrase(col.title)

    def heading(self, ws: Worksheet, row: int, english: str, **extra: object) -> None:
        ws.write_string(row, 0, self.words.phrase(english, **extra), self.formats.heading)

    def chartsheet(self, name: str, chart) -> None:
        """A chart on a sheet of its own: it fills the screen and prints on one page."""
        sheet = self.wb.add_chartsheet(self.words.phrase(name))
        sheet.set_chart(chart)
        sheet.set_landscape()
        sheet.set_paper(9)
        sheet.set_header(self.page_header)

    def cell(
        self, ws: Worksheet, row: int, col: int, value: object, kind: str, total: bool = False
    ) -> None:
        """Write one value by its type: text from the ministries always as text, and in a
        figure column the word for why there is no figure, set apart from the numbers."""
        if kind in WORDS and isinstance(value, str) and value:
            value = self.words.status(value) if kind == "status" else self.words.phrase(value)
        kind = "text" if kind in WORDS else kind
        formats = self.formats.total if total and kind in self.formats.total else self.formats.cell
        fmt = formats[kind]
        if kind in NUMBER_FORMATS and isinstance(value, str) and value:
            fmt = self.formats.word[total]
        if blank(value):
            ws.write_blank(row, col, None, fmt)
        elif isinstance(value, dt.datetime):
            ws.write_datetime(row, col, value, fmt)
        elif isinstance(value, bool) or not isinstance(value, int | float):
            ws.write_string(row, col, str(value), fmt)
        else:
            ws.write_number(row, col, float(value), fmt)

    def table(
        self,
        ws: Worksheet,
        top: int,
        cols: Sequence[Col],
        rows: Sequence[Sequence[object]],
        *,
        excel_table: bool = True,
        total_rows: int = 0,
        left: int = 0,
    ) -> Range:
        """Write a header and rows from (top, left), and set the column widths; the last
        `total_rows` are bold totals. An Excel table (filters, banding) covers the body
        unless `excel_table` is False."""
        for j, col in enumerate(cols, start=left):
            ws.write_string(top, j, self.title(col), self.formats.header)
            ws.set_column(j, j, col.width)
        for i, values in enumerate(rows, start=1):
            is_total = i > len(rows) - total_rows
            for j, (col, value) in enumerate(zip(cols, values, strict=True), start=left):
                self.cell(ws, top + i, j, value, col.kind, is_total)
            wrapped = [
                (str(v), c.width)
                for c, v in zip(cols, values, strict=True)
                if c.kind == "wrap" and not blank(v)
            ]
            if wrapped:
                ws.set_row(top + i, min(style.row_height(wrapped), style.MAX_ROW_HEIGHT))
        columns = {c.field: j for j, c in enumerate(cols, start=left)}
        rng = Range(ws.name, top, top + 1, top + len(rows) - total_rows, columns, total_rows)
        if excel_table and rows:
            self._excel_table(ws, rng, cols)
        ws.set_row(top, style.row_height([(self.title(c), c.width) for c in cols]))
        return rng

    def listing(
        self,
        ws: Worksheet,
        top: int,
        cols: Sequence[Col],
        rows: Sequence[Sequence[object]],
        *,
        frozen_columns: int = 1,
    ) -> Range:
        """A table that is the sheet's content: its header and first columns stay on screen,
        and its header is printed on every page."""
        rng = self.table(ws, top, cols, rows)
        ws.freeze_panes(rng.first_row, frozen_columns)
        ws.repeat_rows(rng.header_row)
        return rng

    def _excel_table(self, ws: Worksheet, rng: Range, cols: Sequence[Col]) -> None:
        name = re.sub(r"\W", "_", ws.name)
        ws.add_table(
            rng.header_row,
            rng.first_column,
            rng.last_row,
            rng.last_column,
            {
                "name": f"T{next(self.table_numbers)}_{name}",
                "style": "Table Style Light 1",
                "columns": [
                    {"header": self.title(c), "header_format": self.formats.header} for c in cols
                ],
            },
        )

    def colour_statuses(
        self, ws: Worksheet, rng: Range, field_name: str, categories: Iterable[str]
    ) -> None:
        """Fill each cell of a status column in the colour of its status."""
        col = rng.columns[field_name]
        for category in categories:
            ws.conditional_format(
                rng.first_row,
                col,
                rng.last_row,
                col,
                {
                    "type": "cell",
                    "criteria": "==",
                    "value": f'"{self.words.status(category)}"',
                    "format": self.formats.status_fill[category],
                },
            )
