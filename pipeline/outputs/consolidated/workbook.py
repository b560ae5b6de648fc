"""The consolidated workbook of a period: what every ministry returned, on sheets people can
filter, print and trace back to the file and cell each value came from."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.atomic import atomic_path
from pipeline.excel_style import TEXT_STAYS_TEXT, row_height
from pipeline.failures import NapError
from pipeline.intake.status import period_status
from pipeline.ledger import connect
from pipeline.outputs.consolidated.tables import (
    FIGURES,
    ROLL_UP_CATEGORIES,
    ROLL_UP_RULE,
    Tables,
    build_tables,
    read_values,
)
from pipeline.outputs.period_data import CATEGORIES, COLOURS, NO_RETURN, PeriodData, load_period
from pipeline.outputs.tidy_export import write_tidy
from pipeline.template.contract import HEADER_OF, STATUSES
from pipeline.workspace import Workspace

FORMATS = ("csv", "parquet")
MAX_ROW_HEIGHT = 409.0  # points; Excel's limit
NAVY = "#1F3864"


def consolidate(
    ws: Workspace,
    period: int,
    *,
    plan_path: Path | None = None,
    formats: Iterable[str] = (),
) -> list[Path]:
    """Write outbox/<period>/consolidated_<period>.xlsx (and the tidy table in `formats`)
    from the current accepted return of each ministry. Two runs on the same ledger give the
    same bytes."""
    formats = tuple(dict.fromkeys(formats))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise NapError(f"unknown export format {unknown[0]}; choose from {', '.join(FORMATS)}")
    status = period_status(ws, period, plan_path)
    if len(status.missing) == len(status.ministries):
        raise NapError(
            f"no accepted submission for {period} yet, so there is nothing to consolidate; "
            "put the ministries' files in inbox/ and run `nap ingest` first"
        )
    with connect(ws.ledger_path) as conn:
        data = load_period(conn, status, ws.settings.late_after_days)
        values = read_values(conn, period, status.plan)
    tables = build_tables(data, values)
    dest = ws.period_dir(period) / f"consolidated_{period}.xlsx"
    written = [write_workbook(tables, dest)]
    for fmt in formats:
        written.append(write_tidy(values, dest.with_name(f"consolidated_{period}_values.{fmt}")))
    return written


def write_workbook(tables: Tables, dest: Path) -> Path:
    """Write the workbook whole: a reader never sees half a file."""
    import xlsxwriter

    with atomic_path(dest, held_by="Excel") as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {**TEXT_STAYS_TEXT, "remove_timezone": True})
        _Writer(wb, tables).write()
        wb.close()
    return dest


@dataclass(frozen=True)
class Col:
    header: str
    width: float
    kind: str = "text"  # text, wrap, whole, decimal, percent, datetime


def _when(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text) if text else None
    except ValueError:
        return None


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value == ""


class _Writer:
    def __init__(self, wb, tables: Tables) -> None:
        self.wb, self.t = wb, tables
        self.data: PeriodData = tables.data
        self.plan = self.data.plan
        self.period = self.data.period
        base = {"font_name": "Calibri", "font_size": 10, "valign": "top", "border": 1}
        base["border_color"] = "#BFBFBF"
        add = wb.add_format
        self.f = {
            "title": add({"bold": True, "font_size": 14, "font_color": NAVY}),
            "subtitle": add({"italic": True, "font_size": 10, "font_color": "#404040"}),
            "heading": add({"bold": True, "font_size": 11, "font_color": NAVY}),
            "note": add({"text_wrap": True, "valign": "top", "font_size": 10}),
            "header": add(
                {**base, "bold": True, "bg_color": NAVY, "font_color": "#FFFFFF", "text_wrap": 1}
            ),
            "label": add({**base, "bold": True, "bg_color": "#F2F2F2"}),
            "text": add(base),
            "wrap": add({**base, "text_wrap": True}),
            # _) keeps a space on the right, so a number never touches the next column's text
            "whole": add({**base, "num_format": "#,##0_)"}),
            "decimal": add({**base, "num_format": "#,##0.00_)"}),
            "percent": add({**base, "num_format": "0.0%_)"}),
            "datetime": add({**base, "num_format": "yyyy-mm-dd hh:mm", "align": "left"}),
        }
        total = {**base, "bold": True, "top": 2, "bg_color": "#F2F2F2"}
        for kind in ("text", "wrap", "whole", "decimal", "percent"):
            extra = {"num_format": self.f[kind].num_format} if kind not in ("text", "wrap") else {}
            self.f[f"total_{kind}"] = add({**total, **extra, "text_wrap": kind == "wrap"})
        self.fill = {c: add({"bg_color": "#" + COLOURS[c]}) for c in CATEGORIES}
        # Header cells of the counts by pillar, in the colour of their status.
        self.category_header = {
            c: add({**base, "bold": True, "text_wrap": True, "bg_color": "#" + COLOURS[c]})
            for c in CATEGORIES
        }
        plan_title = self.plan.title.replace("&", "&&")[:120]
        self.page_header = f"&L&8{plan_title}: {self.period}&R&8&A"
        self.missing = add({"bg_color": "#F8CBAD", "font_color": "#9C0006"})
        self.late = add({"bg_color": "#FFE699"})
        self.tables = 0

    # -- building blocks -------------------------------------------------------------------

    def sheet(self, name: str, title: str, subtitle: str, *, paper: int = 9):
        ws = self.wb.add_worksheet(name)
        ws.write_string(0, 0, title, self.f["title"])
        ws.write_string(1, 0, subtitle, self.f["subtitle"])
        ws.set_landscape()
        ws.set_paper(paper)  # 9: A4, 8: A3 for the widest sheets
        ws.fit_to_pages(1, 0)
        ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        ws.set_header(self.page_header)
        ws.set_footer("&L&8consolidated returns&R&8page &P of &N")
        return ws

    def cell(self, ws, row: int, col: int, value: object, kind: str, total: bool = False):
        """Write one value by its type: text from the ministries always as text."""
        fmt = self.f[f"total_{kind}" if total and f"total_{kind}" in self.f else kind]
        if _blank(value):
            ws.write_blank(row, col, None, fmt)
        elif isinstance(value, dt.datetime):
            ws.write_datetime(row, col, value, fmt)
        elif isinstance(value, bool) or not isinstance(value, int | float):
            ws.write_string(row, col, str(value), fmt)
        else:
            ws.write_number(row, col, float(value), fmt)

    def table(
        self,
        ws,
        top: int,
        cols: Sequence[Col],
        rows: Sequence[Sequence[object]],
        *,
        excel_table: bool = True,
        total_rows: int = 0,
        left: int = 0,
    ) -> int:
        """Write a header and rows from (top, left), and set the column widths; the last
        `total_rows` are bold totals. An Excel table (filters, banding) covers the body
        unless `excel_table` is False. Returns the first row after the table."""
        for j, col in enumerate(cols):
            ws.write_string(top, left + j, col.header, self.f["header"])
            ws.set_column(left + j, left + j, col.width)
        for i, values in enumerate(rows, start=1):
            is_total = i > len(rows) - total_rows
            for j, (col, value) in enumerate(zip(cols, values, strict=True)):
                self.cell(ws, top + i, left + j, value, col.kind, is_total)
            wrapped = [
                (str(v), c.width)
                for c, v in zip(cols, values, strict=True)
                if c.kind == "wrap" and not _blank(v)
            ]
            if wrapped:
                ws.set_row(top + i, min(row_height(wrapped), MAX_ROW_HEIGHT))
        if excel_table and rows:
            self.tables += 1
            ws.add_table(
                top,
                left,
                top + len(rows) - total_rows,
                left + len(cols) - 1,
                {
                    "name": f"T{self.tables}_{ws.name.replace(' ', '_').replace('-', '_')}",
                    "style": "Table Style Light 1",
                    "columns": [
                        {"header": c.header, "header_format": self.f["header"]} for c in cols
                    ],
                },
            )
        ws.set_row(top, row_height([(c.header, c.width) for c in cols]))
        return top + len(rows) + 1

    def colour_statuses(self, ws, first: int, last: int, col: int, categories: Iterable[str]):
        for category in categories:
            ws.conditional_format(
                first,
                col,
                last,
                col,
                {
                    "type": "cell",
                    "criteria": "==",
                    "value": f'"{category}"',
                    "format": self.fill[category],
                },
            )

    # -- sheets ----------------------------------------------------------------------------

    def write(self) -> None:
        latest = max(filter(None, (_when(f.received) for f in self.data.files)), default=None)
        self.wb.set_properties(
            {
                "title": f"{self.plan.title}: consolidated returns for {self.period}",
                "subject": f"Returns of the ministries for {self.period}",
                "author": self.plan.coordinator,
                "created": (latest or dt.datetime(self.period + 1, 1, 1)).replace(tzinfo=None),
            }
        )
        self.overview()
        self.actions()
        self.roll_up()
        self.by_pillar()
        self.status_chart()
        self.indicators()
        self.totals()
        self.women_chart()
        self.issues()
        self.history()
        self.files()

    def overview(self) -> None:
        data, status = self.data, self.data.status
        ws = self.sheet(
            "Overview",
            f"{self.plan.title}: consolidated returns for {self.period}",
            f"Returns accepted by the ledger, deadline {status.deadline.isoformat()}; every "
            "value on the Actions sheet names the file and cells it came from.",
        )
        key = data.key_figures()
        late = [m for m in status.ministries if data.late_days(m) > 0]
        rows, with_status = sum(key.pairs.values()), sum(key.pairs[s] for s in STATUSES)
        figures: list[tuple[str, object, str]] = [
            ("Ministries asked to report", key.ministries, "whole"),
            ("Returns accepted", key.accepted, "whole"),
            ("Ministries with no accepted return", ", ".join(status.missing) or "none", "text"),
            (
                "Returns accepted after the deadline",
                ", ".join(m.code for m in late) or "none",
                "text",
            ),
            ("Actions in the plan", key.actions, "whole"),
            ("Actions with at least one status", key.actions_reported, "whole"),
            ("Action rows to report (action and ministry)", rows, "whole"),
            ("Rows with a status", with_status, "whole"),
            ("Completed or ongoing (share of applicable rows)", key.progress_share, "percent"),
            ("Share of the rows with a status", with_status / rows if rows else None, "percent"),
            ("Women reached", key.women, "whole"),
            ("Men reached", key.men, "whole"),
            ("Share of women", key.women_share, "percent"),
            ("Amount reported (EUR)", key.amount, "decimal"),
            ("Warnings in the accepted returns", len(data.issues), "whole"),
        ]
        ws.write_string(3, 0, "Key figures", self.f["heading"])
        for i, (label, value, kind) in enumerate(figures, start=4):
            ws.merge_range(i, 0, i, 2, label, self.f["label"])
            self.cell(ws, i, 3, value, kind)
        top = 4 + len(figures) + 1
        ws.write_string(top, 0, "Ministries", self.f["heading"])
        cols = [
            Col("Code", 8),
            Col("Ministry", 34, "wrap"),
            Col("Rows to report", 9, "whole"),
            Col("Template issued", 11),
            Col("Return", 10),
            Col("Accepted file", 24, "wrap"),
            Col("Accepted on", 15, "datetime"),
            Col("Days late", 7, "whole"),
            Col("Completeness", 11, "percent"),
            Col("Warnings", 9, "whole"),
            Col("Values changed by a resubmission", 12, "whole"),
            Col("Last file received", 24, "wrap"),
            Col("Received on", 15, "datetime"),
            Col("Why the last file was rejected", 40, "wrap"),
        ]
        rows = []
        for m in status.ministries:
            if not m.missing:
                verdict = "accepted"
            else:
                verdict = "rejected" if m.last_outcome == "rejected" else "missing"
            rows.append(
                [
                    m.code,
                    m.name,
                    m.rows,
                    m.issued,
                    verdict,
                    m.accepted_file,
                    _when(m.accepted_on),
                    None if m.missing else data.late_days(m),
                    None if m.missing else m.completeness,
                    None if m.missing else m.warnings,
                    None if m.missing else len(m.changes),
                    m.last_file,
                    _when(m.last_received),
                    m.first_reason if m.last_outcome == "rejected" else "",
                ]
            )
        first = top + 2
        end = self.table(ws, top + 1, cols, rows)
        last = end - 1
        ws.conditional_format(
            first, 0, last, len(cols) - 1,
            {"type": "formula", "criteria": f'=$E{first + 1}<>"accepted"', "format": self.missing},
        )  # fmt: skip
        ws.conditional_format(
            first, 0, last, len(cols) - 1,
            {"type": "formula", "criteria": f"=$H{first + 1}>0", "format": self.late},
        )  # fmt: skip
        ws.write_string(
            end + 1,
            0,
            "Red rows: no accepted return. Yellow rows: accepted after the deadline"
            + (f" and {data.grace_days} days' grace." if data.grace_days else "."),
            self.f["subtitle"],
        )
        ws.set_column(0, 0, 8)
        ws.set_column(1, 1, 34)
        ws.set_column(2, 2, 9)
        ws.repeat_rows(top + 1)

    def actions(self) -> None:
        pairs = self.t.pairs
        ws = self.sheet(
            "Actions",
            f"Every action and reporting ministry, {self.period}",
            "Status shows No return when the ministry's return was not accepted and No status "
            "when its accepted return left the status empty. Source cells: the row of the "
            "ministry's file that holds the values.",
            paper=8,
        )
        cols = [
            Col("Action ID", 8),
            Col("Pillar", 14, "wrap"),
            Col("Objective", 26, "wrap"),
            Col("Action", 40, "wrap"),
            Col("Indicator", 26, "wrap"),
            Col("Responsible bodies", 18, "wrap"),
            Col("Ministry", 9),
            Col("Status", 12),
            Col("Women", 9, "whole"),
            Col("Men", 9, "whole"),
            Col("Women and men", 9, "whole"),
            Col("Share of women", 9, "percent"),
            Col("Count", 9, "whole"),
            Col("Count of", 16, "wrap"),
            Col("Amount (EUR)", 13, "decimal"),
            Col("Activities carried out", 44, "wrap"),
            Col("Challenges", 30, "wrap"),
            Col("Next steps", 30, "wrap"),
            Col("Evidence / source", 24, "wrap"),
            Col("Source file", 22, "wrap"),
            Col("Source cells", 14),
        ]
        fields = [
            "action_id", "pillar", "objective", "action", "indicator", "responsible",
            "ministry", "category", "women", "men", "total", "women_share", "count",
            "count_label", "amount", "activities", "challenges", "next_steps", "evidence",
            "file", "cells",
        ]  # fmt: skip
        rows = pairs[fields].astype(object).itertuples(index=False, name=None)
        rows = [list(r) for r in rows]
        top = 3
        self.table(ws, top, cols, rows)
        self.colour_statuses(ws, top + 1, top + len(rows), 7, CATEGORIES)
        ws.freeze_panes(top + 1, 1)
        ws.repeat_rows(top)

    def roll_up(self) -> None:
        ws = self.sheet(
            "Roll-up",
            f"Each action across its reporting ministries, {self.period}",
            "The rule:",
        )
        ws.merge_range(2, 0, 2, 7, ROLL_UP_RULE, self.f["note"])
        ws.set_row(2, 66)
        cols = [
            Col("Action ID", 8),
            Col("Pillar", 16, "wrap"),
            Col("Action", 50, "wrap"),
            Col("Reporting ministries", 16, "wrap"),
            Col("Ministries with a status", 11, "whole"),
            Col("Ministries asked", 10, "whole"),
            Col("What each ministry reported", 40, "wrap"),
            Col("Roll-up status", 13),
        ]
        fields = ["action_id", "pillar", "action", "ministries", "reported", "of", "statuses"]
        rows = [list(r) for r in self.t.rollup[[*fields, "roll_up"]].itertuples(False, None)]
        top = 4
        self.table(ws, top, cols, rows)
        self.colour_statuses(ws, top + 1, top + len(rows), 7, ROLL_UP_CATEGORIES)
        ws.freeze_panes(top + 1, 1)
        ws.repeat_rows(top)

    def by_pillar(self) -> None:
        ws = self.sheet(
            "By pillar",
            f"Status by pillar, {self.period}",
            "Counts of action rows (an action counts once for each ministry that reports on "
            "it), then of actions by their roll-up status.",
        )
        ws.write_string(3, 0, "Action rows by status", self.f["heading"])
        self.pillar_rows = 5  # first data row of the first table, for the chart
        end = self._count_table(ws, 4, self.t.by_pillar)
        ws.write_string(end + 1, 0, "Actions by roll-up status", self.f["heading"])
        self._count_table(ws, end + 2, self.t.rollup_by_pillar)

    def _count_table(self, ws, top: int, frame) -> int:
        cols = [Col("Pillar", 30, "wrap")] + [Col(str(c), 11, "whole") for c in frame.columns]
        rows = [
            [name, *map(int, values)]
            for name, values in zip(frame.index, frame.values, strict=True)
        ]
        end = self.table(ws, top, cols, rows, excel_table=False, total_rows=1)
        for j, category in enumerate(frame.columns, start=1):
            if category in self.category_header:
                ws.write_string(top, j, str(category), self.category_header[category])
        return end

    def indicators(self) -> None:
        t = self.t
        ws = self.sheet(
            "Indicators",
            f"Sex-disaggregated figures, counts and amounts, {self.period}",
            "One row per action and ministry whose action asks for a figure, from the accepted "
            "returns; the Totals sheet adds up these rows.",
        )
        cols = [
            Col("Action ID", 8),
            Col("Pillar", 6),
            Col("Ministry", 9),
            Col("Indicator", 40, "wrap"),
            Col("Women", 10, "whole"),
            Col("Men", 10, "whole"),
            Col("Women and men", 10, "whole"),
            Col("Share of women", 9, "percent"),
            Col("Count", 10, "whole"),
            Col("Count of", 20, "wrap"),
            Col("Amount (EUR)", 14, "decimal"),
            Col("Source cells", 14),
        ]
        rows = [list(r) for r in t.indicators.astype(object).itertuples(False, None)]
        top = 3
        self.table(ws, top, cols, rows)
        ws.freeze_panes(top + 1, 1)
        ws.repeat_rows(top)

    def totals(self) -> None:
        """Totals by pillar and by ministry on the left, the share of women per indicator on
        the right: side by side, so that each table keeps its own column widths."""
        t = self.t
        ws = self.sheet(
            "Totals",
            f"Totals of the figures reported, {self.period}",
            "Sums of the rows of the Indicators sheet. Share of women: women / (women + men).",
        )
        sums = [
            ("Women", "whole"), ("Men", "whole"), ("Women and men", "whole"),
            ("Count", "whole"), ("Amount (EUR)", "decimal"), ("Share of women", "percent"),
        ]  # fmt: skip
        end = 2
        for heading, frame, key in (
            ("Totals by pillar", t.by_pillar_figures, "pillar"),
            ("Totals by ministry", t.by_ministry_figures, "ministry"),
        ):
            ws.write_string(end + 1, 0, heading, self.f["heading"])
            head = [Col(key.capitalize(), 9)] + [Col(h, 11, k) for h, k in sums]
            rows = [
                [r[key], *(r[f] for f in FIGURES), r["women_share"]]
                for r in frame.to_dict("records")
            ]
            end = self.table(ws, end + 2, head, rows, excel_table=False, total_rows=1)
        self.share_left = len(sums) + 2
        ws.write_string(3, self.share_left, "Share of women by indicator", self.f["heading"])
        head = [
            Col("Action ID", 8),
            Col("Indicator", 40, "wrap"),
            Col("Women", 10, "whole"),
            Col("Men", 10, "whole"),
            Col("Women and men", 10, "whole"),
            Col("Share of women", 9, "percent"),
        ]
        rows = [list(r) for r in t.women_share.astype(object).itertuples(False, None)]
        self.share_rows = len(rows)
        self.table(ws, 4, head, rows, excel_table=False, left=self.share_left)
        ws.set_column(len(sums) + 1, len(sums) + 1, 3)  # a gap between the two sides

    def status_chart(self) -> None:
        first = self.pillar_rows
        last = first + len(self.plan.pillars) - 1
        chart = self.wb.add_chart({"type": "column", "subtype": "stacked"})
        for j, category in enumerate(CATEGORIES, start=1):
            if category == NO_RETURN and not self.data.status.missing:
                continue
            chart.add_series(
                {
                    "name": ["By pillar", 4, j],
                    "categories": ["By pillar", first, 0, last, 0],
                    "values": ["By pillar", first, j, last, j],
                    "fill": {"color": "#" + COLOURS[category]},
                    "border": {"color": "#7F7F7F"},
                    "gap": 60,
                }
            )
        chart.set_title(
            {"name": f"Action rows by status and pillar, {self.period}", "name_font": {"size": 14}}
        )
        chart.set_y_axis({"name": "Action rows", "major_gridlines": {"visible": True}})
        chart.set_legend({"position": "right"})
        self.chartsheet("Status chart", chart)

    def women_chart(self) -> None:
        if not self.share_rows:
            return
        first, last = 5, 4 + self.share_rows
        left = self.share_left
        bar = self.wb.add_chart({"type": "bar"})
        bar.add_series(
            {
                "name": "Share of women",
                "categories": ["Totals", first, left, last, left],
                "values": ["Totals", first, left + 5, last, left + 5],
                "fill": {"color": "#7030A0"},
                "data_labels": {"value": True, "num_format": "0%"},
                "gap": 50,
            }
        )
        bar.set_title(
            {"name": f"Share of women per indicator, {self.period}", "name_font": {"size": 14}}
        )
        bar.set_x_axis({"min": 0, "max": 1, "num_format": "0%"})
        bar.set_y_axis({"reverse": True})
        bar.set_legend({"none": True})
        self.chartsheet("Women chart", bar)

    def chartsheet(self, name: str, chart) -> None:
        """A chart on a sheet of its own: it fills the screen and prints on one page."""
        sheet = self.wb.add_chartsheet(name)
        sheet.set_chart(chart)
        sheet.set_landscape()
        sheet.set_paper(9)
        sheet.set_header(self.page_header)

    def issues(self) -> None:
        ws = self.sheet(
            "Issues",
            f"Warnings in the accepted returns, {self.period}",
            "Warnings do not reject a file; each names the cell of the ministry's file.",
        )
        cols = [
            Col("Ministry", 9),
            Col("Sheet", 10),
            Col("Cell", 7),
            Col("Action ID", 9),
            Col("Warning", 90, "wrap"),
        ]
        rows = [[i.ministry, i.sheet, i.cell, i.action_id, i.message] for i in self.data.issues]
        top = 3
        if rows:
            self.table(ws, top, cols, rows)
        else:
            ws.merge_range(top, 0, top, 4, "No warnings.", self.f["note"])
        ws.freeze_panes(top + 1, 0)
        ws.repeat_rows(top)

    def history(self) -> None:
        t = self.t
        ws = self.sheet(
            "History",
            f"Each action across the periods up to {self.period}",
            "Status and figures from the accepted return of each period in the ledger.",
            paper=8,
        )
        cols = [Col("Action ID", 8), Col("Ministry", 9)]
        for period in t.history_periods:
            cols += [
                Col(f"{period} {HEADER_OF['status']}", 12),
                Col(f"{period} {HEADER_OF['women']}", 9, "whole"),
                Col(f"{period} {HEADER_OF['men']}", 9, "whole"),
                Col(f"{period} {HEADER_OF['count']}", 9, "whole"),
                Col(f"{period} {HEADER_OF['amount']}", 13, "decimal"),
            ]
        rows = [list(r) for r in t.history.astype(object).itertuples(False, None)]
        top = 3
        self.table(ws, top, cols, rows)
        for k, _ in enumerate(t.history_periods):
            col = 2 + 5 * k
            self.colour_statuses(ws, top + 1, top + len(rows), col, STATUSES)
        ws.freeze_panes(top + 1, 2)
        ws.repeat_rows(top)

    def files(self) -> None:
        ws = self.sheet(
            "Files",
            f"Every file received for {self.period}",
            "In use: the ministry's current return. Superseded: replaced by a later "
            "return. The sha256 identifies the exact file kept in the archive.",
        )
        cols = [
            Col("Ministry", 9),
            Col("File", 36, "wrap"),
            Col("Received", 16, "datetime"),
            Col("Use", 11),
            Col("sha256", 70),
        ]
        rows = [
            [f.ministry, f.name, _when(f.received), f.outcome, f.sha256] for f in self.data.files
        ]
        top = 3
        self.table(ws, top, cols, rows)
        ws.freeze_panes(top + 1, 0)
        ws.repeat_rows(top)
